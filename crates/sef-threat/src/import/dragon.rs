//! OWASP Threat Dragon v2 JSON converted into sef's format. Its diagrams
//! hold cells: actors, processes, stores, flows, and trust boundaries drawn
//! as boxes (which contain what lies inside them) or as curves (which do
//! not say what they separate, so they are dropped with a note). Threat
//! Dragon records neither data assets nor a flow's authentication, so a
//! store marked as holding credentials gets a `credentials` data asset, and
//! every flow's authentication is `none` until its owner says otherwise.

use super::{ImportError, Imported};
use crate::model::*;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

fn data(c: &Value) -> &Value {
    c.get("data").unwrap_or(&Value::Null)
}
fn text(c: &Value, k: &str) -> Option<String> {
    data(c)
        .get(k)
        .and_then(Value::as_str)
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
}
fn flag(c: &Value, k: &str) -> bool {
    data(c).get(k).and_then(Value::as_bool).unwrap_or(false)
}

#[derive(Clone, Copy)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

fn rect(c: &Value) -> Option<Rect> {
    let p = c.get("position")?;
    let s = c.get("size")?;
    Some(Rect {
        x: p.get("x")?.as_f64()?,
        y: p.get("y")?.as_f64()?,
        w: s.get("width")?.as_f64()?,
        h: s.get("height")?.as_f64()?,
    })
}

impl Rect {
    fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x
            && o.y >= self.y
            && o.x + o.w <= self.x + self.w
            && o.y + o.h <= self.y + self.h
    }
    fn area(&self) -> f64 {
        self.w * self.h
    }
}

/// Converts a Threat Dragon v2 model.
pub fn convert(text_in: &str) -> Result<Imported, ImportError> {
    let doc: Value = serde_json::from_str(text_in).map_err(|e| {
        ImportError(format!(
            "not JSON: {e} (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    let diagrams = doc
        .get("detail")
        .and_then(|d| d.get("diagrams"))
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError("not a Threat Dragon v2 model: no `detail.diagrams`".into()))?;
    let mut out = Imported::default();
    out.model.title = doc
        .get("summary")
        .and_then(|s| s.get("title"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    out.model.description = Some(format!(
        "Imported from OWASP Threat Dragon{}",
        doc.get("version")
            .and_then(Value::as_str)
            .map(|v| format!(" {v}"))
            .unwrap_or_default()
    ));
    // `credentials` is kept for the data asset a credential store adds.
    let mut taken: HashSet<String> = HashSet::from(["credentials".to_owned()]);
    let mut by_cell: HashMap<String, String> = HashMap::new();
    let mut credentials_added = false;
    let mut curves = 0usize;
    let mut threats = 0usize;
    let mut guessed_flows = 0usize;
    for d in diagrams {
        let cells = d
            .get("cells")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut boxes: Vec<(String, Rect)> = Vec::new();
        let mut placed: Vec<(String, Rect)> = Vec::new();
        for c in &cells {
            threats += data(c)
                .get("threats")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let cell_id = c
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let shape = c.get("shape").and_then(Value::as_str).unwrap_or_default();
            let name = text(c, "name");
            let label = name.clone().unwrap_or_else(|| shape.to_owned());
            match shape {
                "actor" => {
                    let id = super::slug(&label, "actor", &mut taken);
                    by_cell.insert(cell_id, id.clone());
                    if let Some(r) = rect(c) {
                        placed.push((id.clone(), r));
                    }
                    out.model.actors.push(Actor {
                        id,
                        name,
                        description: text(c, "description"),
                        kind: ActorType::Human,
                        trust_level: TrustLevel::Untrusted,
                        privileged: false,
                        attributes: BTreeMap::new(),
                    });
                }
                "process" | "store" => {
                    let id = super::slug(&label, shape, &mut taken);
                    by_cell.insert(cell_id, id.clone());
                    if let Some(r) = rect(c) {
                        placed.push((id.clone(), r));
                    }
                    let store = shape == "store";
                    let kind = if store {
                        if flag(c, "isALog") {
                            AssetType::Monitoring
                        } else {
                            AssetType::Database
                        }
                    } else if flag(c, "isWebApplication") {
                        AssetType::WebApplication
                    } else {
                        AssetType::Other
                    };
                    let mut stores = Vec::new();
                    if store && flag(c, "storesCredentials") {
                        stores.push("credentials".to_owned());
                        credentials_added = true;
                    }
                    out.model.technical_assets.push(TechnicalAsset {
                        id,
                        name,
                        description: text(c, "description"),
                        kind,
                        technologies: Vec::new(),
                        internet_facing: false,
                        trust_level: TrustLevel::Medium,
                        processes: Vec::new(),
                        stores,
                        owner: None,
                        custom_developed: !store,
                        encrypted_at_rest: flag(c, "isEncrypted"),
                        multi_tenant: false,
                        out_of_scope: flag(c, "outOfScope"),
                        attributes: BTreeMap::new(),
                    });
                }
                "trust-boundary-box" => {
                    if let Some(r) = rect(c) {
                        let id = super::slug(&label, "boundary", &mut taken);
                        boxes.push((id, r));
                    }
                }
                "trust-boundary-curve" | "trust-broundary-curve" => curves += 1,
                _ => {}
            }
        }
        // Boxes: smallest enclosing box holds an element or a box.
        let mut order: Vec<usize> = (0..boxes.len()).collect();
        order.sort_by(|a, b| boxes[*a].1.area().total_cmp(&boxes[*b].1.area()));
        let innermost = |r: &Rect, skip: Option<usize>| -> Option<usize> {
            order
                .iter()
                .copied()
                .filter(|i| {
                    Some(*i) != skip && boxes[*i].1.contains(r) && boxes[*i].1.area() > r.area()
                })
                .min_by(|a, b| boxes[*a].1.area().total_cmp(&boxes[*b].1.area()))
        };
        let mut members: Vec<(Vec<String>, Vec<String>)> =
            vec![(Vec::new(), Vec::new()); boxes.len()];
        for (id, r) in &placed {
            if out.model.actors.iter().any(|a| &a.id == id) {
                continue;
            }
            if let Some(i) = innermost(r, None) {
                members[i].0.push(id.clone());
            }
        }
        for (i, (id, r)) in boxes.iter().enumerate() {
            if let Some(p) = innermost(r, Some(i)) {
                members[p].1.push(id.clone());
            }
        }
        for ((id, _), (assets, nested)) in boxes.into_iter().zip(members) {
            out.model.trust_boundaries.push(TrustBoundary {
                name: Some(id.clone()),
                id,
                description: None,
                kind: BoundaryType::Network,
                assets,
                boundaries: nested,
                attributes: BTreeMap::new(),
            });
        }
        for c in &cells {
            if c.get("shape").and_then(Value::as_str) != Some("flow") {
                continue;
            }
            let end = |k: &str| {
                c.get(k)
                    .and_then(|e| e.get("cell"))
                    .and_then(Value::as_str)
                    .and_then(|cell| by_cell.get(cell))
                    .cloned()
            };
            let (Some(source), Some(target)) = (end("source"), end("target")) else {
                out.notes.push(format!(
                    "flow `{}` is not connected at both ends in the diagram; dropped",
                    text(c, "name").unwrap_or_default()
                ));
                continue;
            };
            if source == target {
                continue;
            }
            let name = text(c, "name");
            let protocol = text(c, "protocol")
                .map(|p| p.to_ascii_lowercase())
                .unwrap_or_else(|| "unknown".into());
            let encryption = if flag(c, "isEncrypted") || protocol == "https" {
                Encryption::Tls
            } else {
                Encryption::None
            };
            let base = name
                .clone()
                .unwrap_or_else(|| format!("{source}-to-{target}"));
            let mut push =
                |source: &str, target: &str, suffix: &str, taken: &mut HashSet<String>| {
                    guessed_flows += 1;
                    let id = super::slug(&format!("{base}{suffix}"), "flow", taken);
                    out.model.data_flows.push(DataFlow {
                        id,
                        name: name.clone(),
                        description: text(c, "description"),
                        source: source.to_owned(),
                        target: target.to_owned(),
                        protocol: protocol.clone(),
                        authentication: Authentication::None,
                        authorization: Authorization::None,
                        encryption,
                        sends: Vec::new(),
                        receives: Vec::new(),
                        vpn: false,
                        attributes: BTreeMap::from([(
                            "public_network".to_owned(),
                            Value::Bool(flag(c, "isPublicNetwork")),
                        )]),
                    });
                };
            push(&source, &target, "", &mut taken);
            if flag(c, "isBidirectional") {
                push(&target, &source, " back", &mut taken);
            }
        }
    }
    if credentials_added {
        out.model.data_assets.push(DataAsset {
            id: "credentials".into(),
            name: Some("Stored credentials".into()),
            description: Some(
                "Added by the import: a store was marked as holding credentials".into(),
            ),
            classification: Classification::Restricted,
            confidentiality: Need::Critical,
            integrity: Need::High,
            availability: Need::Medium,
            personal: false,
            attributes: BTreeMap::new(),
        });
    }
    if guessed_flows > 0 {
        out.notes.push(format!(
            "{guessed_flows} flows: Threat Dragon does not record authentication or authorization, so each is `none`; set them"
        ));
    }
    if curves > 0 {
        out.notes.push(format!(
            "{curves} trust-boundary curves dropped: a curve does not say what it encloses; draw boxes or add boundaries by hand"
        ));
    }
    if threats > 0 {
        out.notes.push(format!(
            "{threats} threats written in the diagram are not converted: sef derives threats from rules"
        ));
    }
    Ok(out)
}
