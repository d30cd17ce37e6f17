//! The data-flow diagram: Graphviz DOT text (rendered by `dot -Tsvg` when
//! Graphviz is installed; the caller runs it), or a built-in SVG layout
//! that needs nothing: nested boxes for trust boundaries, assets and actors
//! laid out in rows inside them, flows as labelled arrows. Both carry a
//! title and a text description for screen readers, and
//! [`text_alternative`] lists every flow in words.

use crate::load::Model;
use crate::model::AssetType;
use std::collections::HashMap;
use std::fmt::Write;

/// Escapes text for XML content and attributes.
pub fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(['\n', '\r'], " ")
}

fn is_store(t: AssetType) -> bool {
    matches!(
        t,
        AssetType::Database
            | AssetType::FileStorage
            | AssetType::Cache
            | AssetType::MessageQueue
            | AssetType::SecretStore
    )
}

/// The model as Graphviz DOT: boundaries as nested clusters.
pub fn dot(m: &Model) -> String {
    let mut o = String::new();
    let title = m.title.as_deref().unwrap_or("threat model");
    let _ = writeln!(o, "digraph \"{}\" {{", dot_escape(title));
    o.push_str("  rankdir=LR; compound=true; fontname=\"Helvetica\";\n  node [fontname=\"Helvetica\", fontsize=11]; edge [fontname=\"Helvetica\", fontsize=9];\n");
    let node = |o: &mut String, id: &str, indent: &str| {
        if let Some(a) = m.asset(id) {
            let shape = if is_store(a.kind) { "cylinder" } else { "box" };
            let style = if a.out_of_scope { "dashed" } else { "rounded" };
            let _ = writeln!(
                o,
                "{indent}\"{}\" [label=\"{}\", shape={shape}, style=\"{style}\"];",
                dot_escape(id),
                dot_escape(&m.name_of(id))
            );
        } else {
            let _ = writeln!(
                o,
                "{indent}\"{}\" [label=\"{}\", shape=ellipse];",
                dot_escape(id),
                dot_escape(&m.name_of(id))
            );
        }
    };
    fn cluster(
        m: &Model,
        o: &mut String,
        id: &str,
        depth: usize,
        node: &dyn Fn(&mut String, &str, &str),
    ) {
        let Some(b) = m.boundary(id) else { return };
        let indent = "  ".repeat(depth + 1);
        let kind = serde_json::to_value(b.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "{indent}subgraph \"cluster_{}\" {{\n{indent}  label=\"{} ({kind})\"; style=dashed;",
            dot_escape(id),
            dot_escape(&m.name_of(id))
        );
        for a in &b.assets {
            node(o, a, &format!("{indent}  "));
        }
        for c in &b.boundaries {
            cluster(m, o, c, depth + 1, node);
        }
        let _ = writeln!(o, "{indent}}}");
    }
    for b in &m.trust_boundaries {
        if !m.boundary_parent.contains_key(&b.id) {
            cluster(m, &mut o, &b.id, 0, &node);
        }
    }
    for a in &m.technical_assets {
        if !m.asset_boundary.contains_key(&a.id) {
            node(&mut o, &a.id, "  ");
        }
    }
    for a in &m.actors {
        node(&mut o, &a.id, "  ");
    }
    for f in &m.data_flows {
        let _ = writeln!(
            o,
            "  \"{}\" -> \"{}\" [label=\"{}\"];",
            dot_escape(&f.source),
            dot_escape(&f.target),
            dot_escape(&format!("{} ({})", m.name_of(&f.id), f.protocol))
        );
    }
    o.push_str("}\n");
    o
}

/// Every flow in words, for a text alternative beside the picture.
pub fn text_alternative(m: &Model) -> Vec<String> {
    m.data_flows
        .iter()
        .map(|f| {
            let crossed = m.crossed(f);
            format!(
                "{} → {}: {} over {}{}",
                m.name_of(&f.source),
                m.name_of(&f.target),
                m.name_of(&f.id),
                f.protocol,
                if crossed.is_empty() {
                    String::new()
                } else {
                    format!(", crossing {}", crossed.join(", "))
                }
            )
        })
        .collect()
}

const NODE_W: f64 = 170.0;
const NODE_H: f64 = 46.0;
const GAP: f64 = 40.0;
const PAD: f64 = 18.0;
const LABEL_H: f64 = 22.0;

enum Item {
    Node(String),
    Box(String, Vec<Item>),
}

struct Placed {
    rects: Vec<(f64, f64, f64, f64, String, usize)>,
    nodes: HashMap<String, (f64, f64)>,
}

fn size(items: &[Item]) -> (f64, f64, Vec<(f64, f64)>) {
    // Rows of at most `per_row` items; each item's size first.
    let sizes: Vec<(f64, f64)> = items
        .iter()
        .map(|i| match i {
            Item::Node(_) => (NODE_W, NODE_H),
            Item::Box(_, inner) => {
                let (w, h, _) = size(inner);
                (w + 2.0 * PAD, h + 2.0 * PAD + LABEL_H)
            }
        })
        .collect();
    let per_row = ((items.len() as f64).sqrt().ceil() as usize).max(1);
    let mut offsets = Vec::new();
    let (mut x, mut y, mut row_h, mut max_w) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for (n, (w, h)) in sizes.iter().enumerate() {
        if n > 0 && n % per_row == 0 {
            y += row_h + GAP;
            x = 0.0;
            row_h = 0.0;
        }
        offsets.push((x, y));
        x += w + GAP;
        row_h = row_h.max(*h);
        max_w = max_w.max(x - GAP);
    }
    (max_w.max(NODE_W), y + row_h, offsets)
}

fn place(items: &[Item], ox: f64, oy: f64, depth: usize, out: &mut Placed) {
    let (_, _, offsets) = size(items);
    for (i, (dx, dy)) in items.iter().zip(offsets) {
        let (x, y) = (ox + dx, oy + dy);
        match i {
            Item::Node(id) => {
                out.nodes.insert(id.clone(), (x, y));
            }
            Item::Box(id, inner) => {
                let (w, h, _) = size(inner);
                out.rects.push((
                    x,
                    y,
                    w + 2.0 * PAD,
                    h + 2.0 * PAD + LABEL_H,
                    id.clone(),
                    depth,
                ));
                place(inner, x + PAD, y + PAD + LABEL_H, depth + 1, out);
            }
        }
    }
}

fn items_of(m: &Model, boundary: &str) -> Vec<Item> {
    let Some(b) = m.boundary(boundary) else {
        return Vec::new();
    };
    let mut v: Vec<Item> = b
        .boundaries
        .iter()
        .map(|c| Item::Box(c.clone(), items_of(m, c)))
        .collect();
    v.extend(b.assets.iter().map(|a| Item::Node(a.clone())));
    v
}

/// Draws the model as SVG without Graphviz.
pub fn builtin_svg(m: &Model) -> String {
    let mut top: Vec<Item> = m.actors.iter().map(|a| Item::Node(a.id.clone())).collect();
    top.extend(
        m.technical_assets
            .iter()
            .filter(|a| !m.asset_boundary.contains_key(&a.id))
            .map(|a| Item::Node(a.id.clone())),
    );
    top.extend(
        m.trust_boundaries
            .iter()
            .filter(|b| !m.boundary_parent.contains_key(&b.id))
            .map(|b| Item::Box(b.id.clone(), items_of(m, &b.id))),
    );
    let (w, h, _) = size(&top);
    let mut placed = Placed {
        rects: Vec::new(),
        nodes: HashMap::new(),
    };
    place(&top, PAD, PAD + 30.0, 0, &mut placed);
    let (width, height) = (w + 2.0 * PAD, h + 2.0 * PAD + 30.0);
    let title = m.title.as_deref().unwrap_or("Threat model");
    let mut o = String::new();
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" role=\"img\" aria-labelledby=\"tm-title tm-desc\" font-family=\"Helvetica, Arial, sans-serif\">\n<title id=\"tm-title\">{}</title>\n<desc id=\"tm-desc\">{}</desc>\n",
        xml_escape(&format!("Data-flow diagram: {title}")),
        xml_escape(&text_alternative(m).join("; "))
    );
    o.push_str("<defs><marker id=\"tm-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#444\"/></marker></defs>\n");
    let _ = writeln!(
        o,
        "<text x=\"{PAD}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{}</text>",
        xml_escape(title)
    );
    for (x, y, w, h, id, depth) in &placed.rects {
        let kind = m
            .boundary(id)
            .and_then(|b| serde_json::to_value(b.kind).ok())
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let fill = ["#f4f8fc", "#eaf2f8", "#dfeaf3", "#d4e2ee"][depth % 4];
        let _ = writeln!(
            o,
            "<g class=\"boundary\"><rect x=\"{x:.0}\" y=\"{y:.0}\" width=\"{w:.0}\" height=\"{h:.0}\" rx=\"8\" fill=\"{fill}\" stroke=\"#c0392b\" stroke-dasharray=\"6 4\"/><text x=\"{:.0}\" y=\"{:.0}\" font-size=\"12\" fill=\"#c0392b\">{} ({kind})</text></g>",
            x + 8.0,
            y + 16.0,
            xml_escape(&m.name_of(id))
        );
    }
    for f in &m.data_flows {
        let (Some(&(sx, sy)), Some(&(tx, ty))) =
            (placed.nodes.get(&f.source), placed.nodes.get(&f.target))
        else {
            continue;
        };
        let (x1, y1, x2, y2) = edge(sx, sy, tx, ty);
        let _ = writeln!(
            o,
            "<g class=\"flow\"><line x1=\"{x1:.0}\" y1=\"{y1:.0}\" x2=\"{x2:.0}\" y2=\"{y2:.0}\" stroke=\"#444\" stroke-width=\"1.2\" marker-end=\"url(#tm-arrow)\"/><text x=\"{:.0}\" y=\"{:.0}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#222\">{}</text></g>",
            (x1 + x2) / 2.0,
            (y1 + y2) / 2.0 - 4.0,
            xml_escape(&format!("{} ({})", m.name_of(&f.id), f.protocol))
        );
    }
    let mut ids: Vec<(&String, &(f64, f64))> = placed.nodes.iter().collect();
    ids.sort_by(|a, b| a.0.cmp(b.0));
    for (id, (x, y)) in ids {
        let (fill, rx, dash) = match m.asset(id) {
            Some(a) if is_store(a.kind) => ("#fff7e6", 2, ""),
            Some(a) if a.out_of_scope => ("#ffffff", 8, " stroke-dasharray=\"3 3\""),
            Some(_) => ("#ffffff", 8, ""),
            None => ("#eef7ee", 23, ""),
        };
        let _ = writeln!(
            o,
            "<g class=\"node\"><rect x=\"{x:.0}\" y=\"{y:.0}\" width=\"{NODE_W}\" height=\"{NODE_H}\" rx=\"{rx}\" fill=\"{fill}\" stroke=\"#333\"{dash}/><text x=\"{:.0}\" y=\"{:.0}\" font-size=\"12\" text-anchor=\"middle\">{}</text></g>",
            x + NODE_W / 2.0,
            y + NODE_H / 2.0 + 4.0,
            xml_escape(&m.name_of(id))
        );
    }
    o.push_str("</svg>\n");
    o
}

/// From the border of one node box to the border of the other.
fn edge(sx: f64, sy: f64, tx: f64, ty: f64) -> (f64, f64, f64, f64) {
    let (cx1, cy1) = (sx + NODE_W / 2.0, sy + NODE_H / 2.0);
    let (cx2, cy2) = (tx + NODE_W / 2.0, ty + NODE_H / 2.0);
    let (dx, dy) = (cx2 - cx1, cy2 - cy1);
    let clip = |dx: f64, dy: f64| {
        let sx = if dx == 0.0 {
            f64::INFINITY
        } else {
            (NODE_W / 2.0) / dx.abs()
        };
        let sy = if dy == 0.0 {
            f64::INFINITY
        } else {
            (NODE_H / 2.0) / dy.abs()
        };
        sx.min(sy).min(1.0)
    };
    let t = clip(dx, dy);
    (cx1 + dx * t, cy1 + dy * t, cx2 - dx * t, cy2 - dy * t)
}
