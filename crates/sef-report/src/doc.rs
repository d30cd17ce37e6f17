//! A small document model shared by the Markdown and HTML writers: each
//! report is built once as [`Block`]s and rendered by either writer, which
//! only knows how to escape and lay out.

/// Inline content.
#[derive(Debug, Clone)]
pub(crate) enum Inline {
    /// Plain text (escaped by the writer).
    Text(String),
    /// Monospace text.
    Code(String),
    /// Emphasised text.
    Strong(String),
    /// Text with a semantic class: `pass`, `fail`, `nm` (not measured) or a
    /// severity name. HTML colours it; Markdown shows `fail` in bold.
    Class(&'static str, String),
    /// A line break inside a cell or paragraph.
    Break,
}

/// Inline content as a sequence.
pub(crate) type Inlines = Vec<Inline>;

/// Block content.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    /// A heading of level 1 or 2.
    Heading(u8, Inlines),
    /// A paragraph.
    Para(Inlines),
    /// A table; "None." when it has no rows.
    Table {
        /// Column headers.
        head: Vec<&'static str>,
        /// Rows of cells.
        rows: Vec<Vec<Inlines>>,
    },
    /// A bullet list, each item with optional sub-items.
    List(Vec<(Inlines, Vec<Inlines>)>),
    /// A picture (SVG) with its caption and a text alternative: an image
    /// in HTML (never inline markup, so nothing in it can run), the text
    /// alternative in Markdown.
    Figure {
        /// The SVG document.
        svg: String,
        /// The caption, also the image's alt text.
        caption: String,
        /// What the picture shows, line by line.
        text: Vec<String>,
    },
    /// A series of values over releases: an inline SVG line chart in
    /// HTML, one line of text in Markdown.
    Chart {
        /// What is charted.
        title: String,
        /// The unit (`percent`, `days`, …).
        unit: String,
        /// `(release, value)`; `None` where not measured.
        points: Vec<(String, Option<f64>)>,
    },
}

/// Shorthand for plain text.
pub(crate) fn t(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

/// Prose whose `backticked` spans are code (the remediation texts write
/// commands that way): both writers then show them as code, not as
/// literal backticks. An unpaired backtick stays text.
pub(crate) fn prose(s: &str) -> Inlines {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len() < 3 {
        return vec![t(s)];
    }
    let mut out = Vec::new();
    let last = parts.len() - 1;
    for (i, p) in parts.iter().enumerate() {
        // an even number of parts means the last backtick is unpaired
        if i == last && i % 2 == 1 {
            out.push(t(format!("`{p}")));
        } else if i % 2 == 1 {
            out.push(Inline::Code((*p).to_owned()));
        } else if !p.is_empty() {
            out.push(t(*p));
        }
    }
    out
}

/// A document with a title, rendered by [`crate::markdown`] or [`crate::html`].
pub(crate) struct Doc {
    /// The page title (HTML `<title>`).
    pub title: String,
    /// The content.
    pub blocks: Vec<Block>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backticked_spans_are_code_and_unpaired_ones_stay_text() {
        let p = prose("run `cargo update -p x` then `sef assess`.");
        assert!(matches!(&p[1], Inline::Code(c) if c == "cargo update -p x"));
        assert!(matches!(&p[3], Inline::Code(c) if c == "sef assess"));
        let html = crate::html::render(&Doc {
            title: "t".into(),
            blocks: vec![Block::Para(p)],
        });
        assert!(html.contains("<code>cargo update -p x</code>"), "{html}");
        assert!(!html.contains('`'), "{html}");
        let odd = prose("a `b");
        assert_eq!(odd.len(), 1);
    }
}
