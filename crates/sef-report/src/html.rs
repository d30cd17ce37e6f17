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
.unknown,.critical,.high{color:#cf222e;font-weight:600}.medium{color:#9a6700}.low,.info{color:#57606a}\
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

/// An inline SVG line chart of a KPI over releases. Gaps (not measured)
/// break the line; every point carries its value as a tooltip. All text is
/// escaped.
pub(crate) fn chart_svg(title: &str, unit: &str, points: &[(String, Option<f64>)]) -> String {
    const W: f64 = 360.0;
    const H: f64 = 150.0;
    const LEFT: f64 = 40.0;
    const TOP: f64 = 24.0;
    const BOTTOM: f64 = 28.0;
    let plot_h = H - TOP - BOTTOM;
    let max = points
        .iter()
        .filter_map(|(_, v)| *v)
        .fold(0.0_f64, f64::max);
    let top = if unit == "percent" {
        100.0
    } else if unit == "comparison" {
        1.0
    } else {
        (max * 1.1).max(1.0)
    };
    let bottom = if unit == "comparison" { -1.0 } else { 0.0 };
    let n = points.len().max(1);
    #[allow(clippy::cast_precision_loss)]
    let x = |i: usize| LEFT + (W - LEFT - 16.0) * (i as f64 + 0.5) / n as f64;
    let y = |v: f64| TOP + plot_h * (1.0 - (v - bottom) / (top - bottom));
    let mut s = format!(
        "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\">\n",
        esc(title)
    );
    let _ = write!(
        s,
        "<text x=\"4\" y=\"14\" font-size=\"11\">{}</text>\n<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{:.1}\" stroke=\"#999\"/>\n<line x1=\"{LEFT}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\"/>\n",
        esc(title),
        H - BOTTOM,
        H - BOTTOM,
        W - 8.0,
        H - BOTTOM
    );
    let _ = writeln!(
        s,
        "<text x=\"2\" y=\"{:.1}\" font-size=\"9\">{top:.0}</text><text x=\"2\" y=\"{:.1}\" font-size=\"9\">{bottom:.0}</text>",
        TOP + 4.0,
        H - BOTTOM
    );
    let mut segment: Vec<String> = Vec::new();
    let flush = |seg: &mut Vec<String>, out: &mut String| {
        if seg.len() > 1 {
            let _ = writeln!(
                out,
                "<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" points=\"{}\"/>",
                seg.join(" ")
            );
        }
        seg.clear();
    };
    for (i, (_, v)) in points.iter().enumerate() {
        match v {
            Some(v) => segment.push(format!("{:.1},{:.1}", x(i), y(*v))),
            None => flush(&mut segment, &mut s),
        }
    }
    flush(&mut segment, &mut s);
    for (i, (release, v)) in points.iter().enumerate() {
        match v {
            Some(v) => {
                let _ = writeln!(
                    s,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"#1f6feb\"><title>{}: {v:.1} {}</title></circle>",
                    x(i),
                    y(*v),
                    esc(release),
                    esc(unit)
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\" fill=\"#888\">n/m</text>",
                    x(i),
                    H - BOTTOM - 4.0
                );
            }
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            x(i),
            H - 10.0,
            esc(release)
        );
    }
    s.push_str("</svg></figure>\n");
    s
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
            Block::Chart {
                title,
                unit,
                points,
            } => b.push_str(&chart_svg(title, unit, points)),
            Block::Figure { svg, caption, text } => {
                use base64::Engine as _;
                let data = base64::engine::general_purpose::STANDARD.encode(svg.as_bytes());
                let _ = write!(
                    b,
                    "<figure><img alt=\"{}\" src=\"data:image/svg+xml;base64,{data}\" style=\"max-width:100%\"><figcaption>{}</figcaption></figure>\n<details><summary>Text alternative</summary><ul>",
                    esc(caption),
                    esc(caption)
                );
                for line in text {
                    let _ = write!(b, "<li>{}</li>", esc(line));
                }
                b.push_str("</ul></details>\n");
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
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{b}</body>\n</html>\n",
        esc(&doc.title)
    )
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn charts_escape_text_and_break_on_gaps() {
        let pts = vec![
            ("1.0".to_owned(), Some(25.0)),
            ("<2.0>".to_owned(), Some(50.0)),
            ("3.0".to_owned(), None),
            ("4.0".to_owned(), Some(75.0)),
        ];
        let svg = super::chart_svg("docs & <tests>", "percent", &pts);
        assert!(svg.contains("docs &amp; &lt;tests&gt;"));
        assert!(svg.contains("&lt;2.0&gt;"));
        assert!(!svg.contains("<2.0>"));
        // one line for 1.0-2.0; 4.0 stands alone after the gap
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("n/m"));
        assert!(svg.contains("<title>1.0: 25.0 percent</title>"));
    }

    #[test]
    fn escapes_html() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
