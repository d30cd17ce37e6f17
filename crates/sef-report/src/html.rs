//! HTML rendering of a [`Doc`]: one self-contained file with inline CSS,
//! no scripts and no external requests (a Content-Security-Policy forbids
//! them), every piece of text escaped.

use crate::doc::{Block, Doc, Inline};
use std::fmt::Write as _;

/// Escapes text for HTML element content and quoted attributes.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24}\
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}\
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}\
th{background:#f6f8fa}.pass{color:#1a7f37;font-weight:700}.fail{color:#cf222e;font-weight:700}.nm{color:#9a6700}\
.critical,.high{color:#cf222e;font-weight:600}.medium{color:#9a6700}.low,.info{color:#57606a}\
code{background:#f6f8fa;padding:0 .2rem}li{margin:.2rem 0}";

fn inlines(items: &[Inline]) -> String {
    let mut o = String::new();
    for i in items {
        match i {
            Inline::Text(s) => o.push_str(&esc(s)),
            Inline::Code(s) => {
                let _ = write!(o, "<code>{}</code>", esc(s));
            }
            Inline::Strong(s) => {
                let _ = write!(o, "<strong>{}</strong>", esc(s));
            }
            Inline::Class(class, s) => {
                let _ = write!(o, "<span class=\"{}\">{}</span>", esc(class), esc(s));
            }
            Inline::Break => o.push_str("<br>"),
        }
    }
    o
}

/// Renders a document as one HTML page.
pub(crate) fn render(doc: &Doc) -> String {
    let mut b = String::new();
    for block in &doc.blocks {
        match block {
            Block::Heading(level, text) => {
                let _ = writeln!(b, "<h{level}>{}</h{level}>", inlines(text));
            }
            Block::Para(text) => {
                let _ = writeln!(b, "<p>{}</p>", inlines(text));
            }
            Block::Table { head, rows } => {
                if rows.is_empty() {
                    b.push_str("<p>None.</p>\n");
                    continue;
                }
                b.push_str("<table>\n<tr>");
                for h in head {
                    let _ = write!(b, "<th>{}</th>", esc(h));
                }
                b.push_str("</tr>\n");
                for r in rows {
                    b.push_str("<tr>");
                    for c in r {
                        let _ = write!(b, "<td>{}</td>", inlines(c));
                    }
                    b.push_str("</tr>\n");
                }
                b.push_str("</table>\n");
            }
            Block::List(items) => {
                b.push_str("<ul>\n");
                for (item, subs) in items {
                    let _ = write!(b, "<li>{}", inlines(item));
                    if !subs.is_empty() {
                        b.push_str("<ul>");
                        for s in subs {
                            let _ = write!(b, "<li>{}</li>", inlines(s));
                        }
                        b.push_str("</ul>");
                    }
                    b.push_str("</li>\n");
                }
                b.push_str("</ul>\n");
            }
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{b}</body>\n</html>\n",
        esc(&doc.title)
    )
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_html() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
