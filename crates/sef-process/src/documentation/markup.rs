//! The lines of a document as the documentation check sees them: headings
//! with their level, lines that are not prose (code, comments, directives,
//! heading adornments), and prose. Markdown, reStructuredText (headings
//! are a title underlined, or over- and underlined, with one punctuation
//! character; their levels follow the order the styles first appear) and
//! AsciiDoc (`=` to `======` titles).

/// A document's markup language, from its file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// Markdown, and anything sef does not know.
    Markdown,
    /// reStructuredText: `.rst`, `.rest`.
    ReStructuredText,
    /// AsciiDoc: `.adoc`, `.asciidoc`, `.asc`.
    AsciiDoc,
}

impl Markup {
    /// The markup of a file, from its extension.
    pub fn of_path(path: &str) -> Markup {
        let ext = path
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "rst" | "rest" => Markup::ReStructuredText,
            "adoc" | "asciidoc" | "asc" => Markup::AsciiDoc,
            _ => Markup::Markdown,
        }
    }
}

/// One line of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line<'a> {
    /// A heading: its level (1 is the top) and its title.
    Heading(usize, &'a str),
    /// Not prose: code, a comment, a directive, an adornment.
    Skip,
    /// Prose.
    Prose(&'a str),
}

/// The lines of `text` in `markup`.
pub fn lines(text: &str, markup: Markup) -> Vec<Line<'_>> {
    match markup {
        Markup::Markdown => markdown(text),
        Markup::ReStructuredText => rst(text),
        Markup::AsciiDoc => asciidoc(text),
    }
}

/// A Markdown ATX heading: `#` to `######`, then a space.
pub fn markdown_heading(line: &str) -> Option<(usize, &str)> {
    let t = line.trim_start();
    let level = t.bytes().take_while(|b| *b == b'#').count();
    if (1..=6).contains(&level) && t[level..].starts_with(' ') {
        Some((level, t[level..].trim().trim_end_matches('#').trim()))
    } else {
        None
    }
}

fn markdown(text: &str) -> Vec<Line<'_>> {
    let mut fence = false;
    text.lines()
        .map(|l| {
            let t = l.trim();
            if t.starts_with("```") || t.starts_with("~~~") {
                fence = !fence;
                return Line::Skip;
            }
            if fence {
                return Line::Skip;
            }
            match markdown_heading(l) {
                Some((n, h)) => Line::Heading(n, h),
                None => Line::Prose(l),
            }
        })
        .collect()
}

/// Whether `line` is a reStructuredText adornment: one punctuation
/// character repeated, at least twice, nothing else.
fn adornment(line: &str) -> Option<char> {
    let t = line.trim_end();
    let c = t.chars().next()?;
    let ok = "=-`:'\"~^_*+#<>.!$%&(),/;?@[\\]{|}".contains(c);
    (ok && t.chars().count() >= 2 && t.chars().all(|x| x == c)).then_some(c)
}

fn rst(text: &str) -> Vec<Line<'_>> {
    let raw: Vec<&str> = text.lines().collect();
    let mut out = vec![Line::Skip; raw.len()];
    // (character, overlined) in the order first seen: the level
    let mut styles: Vec<(char, bool)> = Vec::new();
    let mut level_of = |style: (char, bool)| -> usize {
        match styles.iter().position(|s| *s == style) {
            Some(i) => i + 1,
            None => {
                styles.push(style);
                styles.len()
            }
        }
    };
    // an indented block after `::` or a directive is not prose
    let mut literal_from: Option<usize> = None;
    let mut i = 0;
    while i < raw.len() {
        let l = raw[i];
        let t = l.trim();
        let indent = l.len() - l.trim_start().len();
        if let Some(base) = literal_from {
            if t.is_empty() || indent > base {
                i += 1;
                continue;
            }
            literal_from = None;
        }
        let title_ok = |s: &str| !s.trim().is_empty() && adornment(s).is_none();
        // overline, title, underline
        if let (Some(c), Some(title), Some(under)) = (adornment(l), raw.get(i + 1), raw.get(i + 2))
            && title_ok(title)
            && adornment(under) == Some(c)
        {
            out[i + 1] = Line::Heading(level_of((c, true)), title.trim());
            i += 3;
            continue;
        }
        // title, underline
        if let Some(under) = raw.get(i + 1)
            && let Some(c) = adornment(under)
            && indent == 0
            && title_ok(l)
            && under.trim_end().chars().count() >= t.chars().count().min(3)
        {
            out[i] = Line::Heading(level_of((c, false)), t);
            i += 2;
            continue;
        }
        if t.starts_with("..") {
            // a comment or a directive, and the block indented under it
            literal_from = Some(indent);
        } else if adornment(l).is_some() {
            // a transition
        } else {
            out[i] = Line::Prose(l);
            if t.ends_with("::") {
                literal_from = Some(indent);
            }
        }
        i += 1;
    }
    out
}

fn asciidoc(text: &str) -> Vec<Line<'_>> {
    let mut block: Option<&str> = None;
    text.lines()
        .map(|l| {
            let t = l.trim_end();
            if let Some(delim) = block {
                if t == delim {
                    block = None;
                }
                return Line::Skip;
            }
            // listing, literal, passthrough and comment blocks
            if t.len() >= 4
                && ["-", ".", "+", "/"]
                    .iter()
                    .any(|c| t.chars().all(|x| x.to_string() == *c))
            {
                block = Some(t);
                return Line::Skip;
            }
            if t.starts_with("//") || (t.starts_with('[') && t.ends_with(']')) || t.starts_with(':')
            {
                return Line::Skip;
            }
            let level = t.bytes().take_while(|b| *b == b'=').count();
            if (1..=6).contains(&level) && t[level..].starts_with(' ') {
                return Line::Heading(level, t[level..].trim());
            }
            match markdown_heading(l) {
                Some((n, h)) => Line::Heading(n, h),
                None => Line::Prose(l),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headings(text: &str, m: Markup) -> Vec<(usize, String)> {
        lines(text, m)
            .into_iter()
            .filter_map(|l| match l {
                Line::Heading(n, h) => Some((n, h.to_owned())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn rst_levels_follow_the_order_styles_appear() {
        let doc = "=====\nFlask\n=====\n\nIntro text.\n\nInstallation\n============\n\nUse pip::\n\n    pip install flask\n\nSecurity\n--------\n\n.. note::\n\n   A note.\n\nNext\n====\n";
        assert_eq!(
            headings(doc, Markup::ReStructuredText),
            [
                (1, "Flask".to_owned()),
                (2, "Installation".to_owned()),
                (3, "Security".to_owned()),
                (2, "Next".to_owned())
            ]
        );
        let prose: Vec<&str> = lines(doc, Markup::ReStructuredText)
            .into_iter()
            .filter_map(|l| match l {
                Line::Prose(p) if !p.trim().is_empty() => Some(p),
                _ => None,
            })
            .collect();
        assert_eq!(prose, ["Intro text.", "Use pip::"]);
    }

    #[test]
    fn asciidoc_titles_blocks_and_comments() {
        let doc = "= Guide\n:toc:\n\n== Deployment\n\nText here.\n\n----\ncode\n----\n// comment\n=== Hardening\n";
        assert_eq!(
            headings(doc, Markup::AsciiDoc),
            [
                (1, "Guide".to_owned()),
                (2, "Deployment".to_owned()),
                (3, "Hardening".to_owned())
            ]
        );
    }

    #[test]
    fn the_extension_names_the_markup() {
        assert_eq!(Markup::of_path("docs/index.rst"), Markup::ReStructuredText);
        assert_eq!(Markup::of_path("docs/a.ADOC"), Markup::AsciiDoc);
        assert_eq!(Markup::of_path("README.md"), Markup::Markdown);
        assert_eq!(Markup::of_path("NOTES"), Markup::Markdown);
    }
}
