//! Markdown (GitHub-flavoured) rendering of a [`Doc`], e.g. for a
//! pull-request comment. Every piece of text is escaped.

use crate::doc::{Block, Doc, Inline};
use std::fmt::Write as _;

/// Escapes text for Markdown, including inside table cells.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                o.push('\\');
                o.push(c);
            }
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '\n' | '\r' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// `**text**` with the spaces around the text kept outside the markers:
/// CommonMark does not close `**Blocking: **`.
fn strong(o: &mut String, s: &str) {
    let core = s.trim();
    if core.is_empty() {
        o.push_str(&esc(s));
        return;
    }
    let lead = &s[..s.len() - s.trim_start().len()];
    let trail = &s[s.trim_end().len()..];
    let _ = write!(o, "{lead}**{}**{trail}", esc(core));
}

fn inlines(items: &[Inline]) -> String {
    let mut o = String::new();
    for i in items {
        match i {
            Inline::Class("fail" | "pass", s) | Inline::Strong(s) => strong(&mut o, s),
            Inline::Text(s) | Inline::Class(_, s) => o.push_str(&esc(s)),
            // Code spans cannot contain backticks; our ids and rule names do not.
            Inline::Code(s) => {
                let _ = write!(o, "`{}`", s.replace('`', "'"));
            }
            Inline::Break => o.push_str("<br>"),
        }
    }
    o
}

/// Renders a document as Markdown.
pub(crate) fn render(doc: &Doc) -> String {
    let mut o = String::new();
    for b in &doc.blocks {
        match b {
            Block::Heading(level, text) => {
                let _ = writeln!(o, "{} {}\n", "#".repeat(usize::from(*level)), inlines(text));
            }
            Block::Para(text) => {
                let _ = writeln!(o, "{}\n", inlines(text));
            }
            Block::Table { head, rows } => {
                if rows.is_empty() {
                    o.push_str("None.\n\n");
                    continue;
                }
                let _ = writeln!(o, "| {} |", head.join(" | "));
                let _ = writeln!(o, "|{}", "---|".repeat(head.len()));
                for r in rows {
                    let cells: Vec<String> = r.iter().map(|c| inlines(c)).collect();
                    let _ = writeln!(o, "| {} |", cells.join(" | "));
                }
                o.push('\n');
            }
            Block::Chart {
                title,
                unit,
                points,
            } => {
                let series: Vec<String> = points
                    .iter()
                    .map(|(r, v)| match v {
                        Some(v) => format!("{} {v:.1} {}", esc(r), esc(unit)),
                        None => format!("{} not measured", esc(r)),
                    })
                    .collect();
                let _ = writeln!(o, "- **{}**: {}", esc(title), series.join(" → "));
            }
            Block::Figure { caption, text, .. } => {
                let _ = writeln!(
                    o,
                    "**{}** (the HTML report shows the picture):\n",
                    esc(caption)
                );
                for line in text {
                    let _ = writeln!(o, "- {}", esc(line));
                }
                o.push('\n');
            }
            Block::List(items) => {
                for (item, subs) in items {
                    let _ = writeln!(o, "- {}", inlines(item));
                    for s in subs {
                        let _ = writeln!(o, "  - {}", inlines(s));
                    }
                }
                o.push('\n');
            }
        }
    }
    let trimmed = o.trim_end().len();
    o.truncate(trimmed);
    o.push('\n');
    o
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markdown_and_html() {
        assert_eq!(esc("a|b"), "a\\|b");
        assert_eq!(esc("<script>"), "&lt;script&gt;");
        assert_eq!(esc("[x](http://e)"), "\\[x\\](http://e)");
        assert_eq!(esc("two\nlines"), "two lines");
    }
}
