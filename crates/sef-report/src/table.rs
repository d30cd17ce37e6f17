//! Text tables that fit where they are shown. On a terminal (the CLI sets
//! its width with [`set_terminal_width`]) a table is fitted to the width by
//! cutting its widest cells with "…", and prose is wrapped. Anywhere else
//! (a pipe, a file, a test) no value is ever cut: a table wider than
//! [`PIPE_WIDTH`] is written one record per block instead. Lines that are
//! not tables are wrapped on a terminal by [`fit_to_terminal`].

use anstyle::Style;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

/// 0: not a terminal.
static WIDTH: AtomicUsize = AtomicUsize::new(0);

/// Beyond this width, a table outside a terminal becomes one record per
/// block.
pub const PIPE_WIDTH: usize = 120;

/// The narrowest a cut column gets.
const MIN_COLUMN: usize = 6;

/// Says how wide the terminal is that text reports go to; `None` when they
/// go to a pipe or a file.
pub fn set_terminal_width(width: Option<usize>) {
    WIDTH.store(width.unwrap_or(0), Ordering::Relaxed);
}

/// The terminal's width, when text reports go to one.
pub(crate) fn terminal_width() -> Option<usize> {
    match WIDTH.load(Ordering::Relaxed) {
        0 => None,
        w => Some(w.max(40)),
    }
}

/// One cell: its text and, optionally, a style applied after fitting.
pub(crate) struct Cell {
    text: String,
    style: Option<Style>,
}

impl Cell {
    /// A styled cell.
    pub(crate) fn styled(style: Style, text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            style: Some(style),
        }
    }
}

impl<T: Into<String>> From<T> for Cell {
    fn from(t: T) -> Cell {
        Cell {
            text: t.into(),
            style: None,
        }
    }
}

/// A table: a header, rows, an indent.
pub(crate) struct Table {
    /// The column names.
    pub head: Vec<&'static str>,
    /// The rows, one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// Spaces before each line.
    pub indent: usize,
    /// Style of the header line.
    pub head_style: Style,
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to `n` characters, the last one "…" when cut.
pub(crate) fn cut(s: &str, n: usize) -> String {
    if width(s) <= n {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
    t.push('…');
    t
}

fn paint(style: Option<Style>, s: &str) -> String {
    match style {
        Some(st) => format!("{}{s}{}", st.render(), st.render_reset()),
        None => s.to_owned(),
    }
}

impl Table {
    /// The table for the current destination.
    pub(crate) fn render(&self) -> String {
        self.render_for(terminal_width())
    }

    /// The table for a terminal of `terminal` columns, or for a pipe.
    pub(crate) fn render_for(&self, terminal: Option<usize>) -> String {
        let n = self.head.len();
        let mut widths: Vec<usize> = self.head.iter().map(|h| width(h)).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate().take(n) {
                widths[i] = widths[i].max(width(&c.text));
            }
        }
        let total = |w: &[usize]| self.indent + w.iter().sum::<usize>() + 2 * n.saturating_sub(1);
        match terminal {
            None if total(&widths) > PIPE_WIDTH => return self.blocks(),
            None => {}
            Some(max) => {
                // cut the widest column, one character at a time
                while total(&widths) > max {
                    let Some((i, w)) = widths
                        .iter()
                        .copied()
                        .enumerate()
                        .max_by_key(|(_, w)| *w)
                        .filter(|(_, w)| *w > MIN_COLUMN)
                    else {
                        return self.blocks_cut(max);
                    };
                    widths[i] = w - 1;
                }
            }
        }
        let mut o = String::new();
        let pad = " ".repeat(self.indent);
        let line = |cells: Vec<(String, Option<Style>)>| {
            let last = cells.len().saturating_sub(1);
            let mut l = pad.clone();
            for (i, (text, style)) in cells.into_iter().enumerate() {
                let text = cut(&text, widths[i]);
                let fill = if i == last {
                    String::new()
                } else {
                    " ".repeat(widths[i] - width(&text) + 2)
                };
                let _ = write!(l, "{}{fill}", paint(style, &text));
            }
            l.truncate(l.trim_end().len());
            l
        };
        let head = line(self.head.iter().map(|h| ((*h).to_owned(), None)).collect());
        let _ = writeln!(o, "{}", paint(Some(self.head_style), &head));
        for r in &self.rows {
            let cells = r.iter().map(|c| (c.text.clone(), c.style)).collect();
            let _ = writeln!(o, "{}", line(cells));
        }
        o
    }

    /// One record per block, no value cut.
    fn blocks(&self) -> String {
        self.blocks_cut(usize::MAX)
    }

    /// One record per block, lines cut to `max` (a terminal too narrow for
    /// the columns).
    fn blocks_cut(&self, max: usize) -> String {
        let pad = " ".repeat(self.indent);
        let key = self.head.iter().map(|h| width(h)).max().unwrap_or(0);
        let mut o = String::new();
        for (k, r) in self.rows.iter().enumerate() {
            if k > 0 {
                o.push('\n');
            }
            for (h, c) in self.head.iter().zip(r) {
                let label = format!("{pad}{h:<key$}  ");
                let room = max.saturating_sub(width(&label)).max(MIN_COLUMN);
                let text = if max == usize::MAX {
                    c.text.clone()
                } else {
                    cut(&c.text, room)
                };
                let _ = writeln!(o, "{label}{}", paint(c.style, &text));
            }
        }
        o
    }
}

/// `text` wrapped to the terminal, continuation lines indented by
/// `hanging` spaces; unchanged outside a terminal.
pub(crate) fn wrap(text: &str, first_indent: usize, hanging: usize) -> String {
    let Some(max) = terminal_width() else {
        return text.to_owned();
    };
    let mut out = String::new();
    let mut col = first_indent;
    for word in text.split(' ') {
        let w = width(word);
        if col > hanging && col + 1 + w > max {
            out.push('\n');
            out.push_str(&" ".repeat(hanging));
            col = hanging;
        } else if !out.is_empty() {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += w;
    }
    out
}

/// Text for the current destination: on a terminal, every line wider than
/// it is wrapped at spaces, continuation lines indented two more than the
/// line, and a word longer than a line is split; nothing is dropped.
/// Elsewhere the text is returned unchanged.
pub fn fit_to_terminal(text: &str) -> String {
    match terminal_width() {
        Some(max) => fit_lines(text, max),
        None => text.to_owned(),
    }
}

/// [`fit_to_terminal`] for a terminal of `max` columns.
pub(crate) fn fit_lines(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let plain = anstream::adapter::strip_str(body).to_string();
        if width(&plain) <= max {
            out.push_str(line);
            continue;
        }
        let indent = plain.len() - plain.trim_start().len();
        let hanging = (indent + 2).min(max / 2);
        let mut col = 0usize;
        out.push_str(&plain[..indent]);
        col += indent;
        let mut first = true;
        for word in plain[indent..].split(' ') {
            let w = width(word);
            if !first && col + 1 + w <= max {
                out.push(' ');
                col += 1;
            } else if !first {
                out.push('\n');
                out.push_str(&" ".repeat(hanging));
                col = hanging;
            }
            first = false;
            // a word longer than the room left on a fresh line is split
            let mut rest: Vec<char> = word.chars().collect();
            while col + rest.len() > max && rest.len() > max - hanging {
                let room = max.saturating_sub(col).max(1);
                let head: String = rest.drain(..room.min(rest.len())).collect();
                out.push_str(&head);
                out.push('\n');
                out.push_str(&" ".repeat(hanging));
                col = hanging;
            }
            let tail: String = rest.into_iter().collect();
            col += width(&tail);
            out.push_str(&tail);
        }
        out.push_str(nl);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[[&str; 3]]) -> Table {
        Table {
            head: vec!["id", "name", "what"],
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| Cell::from(*c)).collect())
                .collect(),
            indent: 2,
            head_style: Style::new(),
        }
    }

    fn plain(s: &str) -> String {
        anstream::adapter::strip_str(s).to_string()
    }

    #[test]
    fn a_terminal_gets_every_line_within_its_width() {
        let long = "x".repeat(200);
        let t = table(&[["a", "short", &long], ["b", &"n".repeat(50), "y"]]);
        for w in [40, 60, 80, 100] {
            let out = plain(&t.render_for(Some(w)));
            for l in out.lines() {
                assert!(width(l) <= w, "{w}: {l:?} is {}", width(l));
            }
            assert!(out.contains('…'));
        }
    }

    #[test]
    fn long_lines_wrap_on_a_terminal_and_lose_nothing() {
        let text = format!(
            "head\n  {} {} end\n\u{1b}[1mshort\u{1b}[0m\n",
            "word ".repeat(40).trim_end(),
            "p".repeat(130)
        );
        for w in [40, 60, 80] {
            let out = fit_lines(&text, w);
            for l in out.lines() {
                assert!(width(&plain(l)) <= w, "{w}: {l:?}");
            }
            let words = |s: &str| plain(s).split_whitespace().collect::<String>();
            assert_eq!(words(&out), words(&text), "{w}");
            assert!(
                out.contains("\u{1b}[1mshort"),
                "short lines keep their style"
            );
        }
        assert_eq!(fit_lines("a b\n", 40), "a b\n");
    }

    #[test]
    fn a_pipe_never_cuts_and_wide_tables_become_blocks() {
        let long = "x".repeat(200);
        let t = table(&[["a", "short", &long]]);
        let out = plain(&t.render_for(None));
        assert!(out.contains(&long), "{out}");
        assert!(!out.contains('…'));
        assert!(out.contains("  what  ") || out.contains("  what "), "{out}");
        let narrow = table(&[["a", "b", "c"]]);
        let out = plain(&narrow.render_for(None));
        assert_eq!(out.lines().count(), 2, "{out}");
    }
}
