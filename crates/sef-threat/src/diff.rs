//! What changed in the threat model between two revisions (`sef threat
//! diff --from REV`): new assets, new flows across a boundary (and flows
//! that newly cross one), changed data classifications, new risks, and
//! risks mitigated since: gone from the model's risks or now tracked as
//! mitigated, accepted or false positive.

use crate::load::Model;
use crate::risk::Risk;
use crate::tracking::{Status, Tracking};
use serde::Serialize;
use std::collections::BTreeMap;

/// One side of the comparison.
pub struct Side<'a> {
    /// The model.
    pub model: &'a Model,
    /// Its risks.
    pub risks: &'a [Risk],
    /// Its tracking.
    pub tracking: &'a Tracking,
}

/// A changed classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reclassified {
    /// The data asset.
    pub id: String,
    /// What changed, `field: before -> after`.
    pub changes: Vec<String>,
}

/// A risk that is no longer open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closed {
    /// The risk.
    pub id: String,
    /// Its severity before.
    pub severity: String,
    /// Why: `gone from the model` or the new status.
    pub how: String,
}

/// The differences.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// Technical assets, data assets and actors that are new.
    pub new_assets: Vec<String>,
    /// Elements that are gone.
    pub removed: Vec<String>,
    /// New flows that cross a trust boundary, and old flows that now do.
    pub new_boundary_flows: Vec<String>,
    /// Data assets whose classification or needs changed.
    pub reclassified: Vec<Reclassified>,
    /// Risks that are new, `id (severity)`.
    pub new_risks: Vec<String>,
    /// Risks mitigated since.
    pub mitigated: Vec<Closed>,
}

impl Diff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.new_assets.is_empty()
            && self.removed.is_empty()
            && self.new_boundary_flows.is_empty()
            && self.reclassified.is_empty()
            && self.new_risks.is_empty()
            && self.mitigated.is_empty()
    }
}

fn handled(t: &Tracking, id: &str) -> Option<Status> {
    t.risks.get(id).map(|e| e.status).filter(|s| {
        matches!(
            s,
            Status::Mitigated | Status::Accepted | Status::FalsePositive
        )
    })
}

/// Compares `from` (the older revision) with `to`.
pub fn diff(from: &Side<'_>, to: &Side<'_>) -> Diff {
    let mut d = Diff::default();
    let (a, b) = (from.model, to.model);
    let mut ids: Vec<&String> = b.index.keys().collect();
    ids.sort();
    for id in ids {
        let kind = b.kind(id);
        if a.index.contains_key(id) {
            continue;
        }
        if matches!(
            kind,
            Some(crate::Kind::TechnicalAsset | crate::Kind::DataAsset | crate::Kind::Actor)
        ) {
            d.new_assets.push(id.clone());
        }
    }
    let mut gone: Vec<String> = a
        .index
        .keys()
        .filter(|k| !b.index.contains_key(*k))
        .cloned()
        .collect();
    gone.sort();
    d.removed = gone;
    for f in &b.data_flows {
        if b.crossed(f).is_empty() {
            continue;
        }
        let before = a
            .index
            .get(&f.id)
            .and_then(|(_, i, _)| a.data_flows.get(*i))
            .filter(|_| a.kind(&f.id) == Some(crate::Kind::DataFlow));
        match before {
            None => d.new_boundary_flows.push(f.id.clone()),
            Some(old) if a.crossed(old).is_empty() => d.new_boundary_flows.push(f.id.clone()),
            Some(_) => {}
        }
    }
    for x in &b.data_assets {
        let Some(old) = a.data(&x.id) else { continue };
        let mut changes = Vec::new();
        let mut cmp = |field: &str, o: String, n: String| {
            if o != n {
                changes.push(format!("{field}: {o} -> {n}"));
            }
        };
        let w = |v: &dyn erased::Word| v.word();
        cmp(
            "classification",
            w(&old.classification),
            w(&x.classification),
        );
        cmp(
            "confidentiality",
            w(&old.confidentiality),
            w(&x.confidentiality),
        );
        cmp("integrity", w(&old.integrity), w(&x.integrity));
        cmp("availability", w(&old.availability), w(&x.availability));
        cmp("personal", old.personal.to_string(), x.personal.to_string());
        if !changes.is_empty() {
            d.reclassified.push(Reclassified {
                id: x.id.clone(),
                changes,
            });
        }
    }
    let before: BTreeMap<&str, &Risk> = from.risks.iter().map(|r| (r.id.as_str(), r)).collect();
    let after: BTreeMap<&str, &Risk> = to.risks.iter().map(|r| (r.id.as_str(), r)).collect();
    for r in to.risks {
        if !before.contains_key(r.id.as_str()) {
            d.new_risks.push(format!("{} ({})", r.id, r.severity));
        }
    }
    for (id, r) in &before {
        if handled(from.tracking, id).is_some() {
            continue;
        }
        let how = if !after.contains_key(id) {
            Some("gone from the model's risks".to_owned())
        } else {
            handled(to.tracking, id).map(|s| format!("now {}", s.as_str()))
        };
        if let Some(how) = how {
            d.mitigated.push(Closed {
                id: (*id).to_owned(),
                severity: r.severity.to_string(),
                how,
            });
        }
    }
    d
}

mod erased {
    /// An enum's written word.
    pub trait Word {
        fn word(&self) -> String;
    }
    impl<T: serde::Serialize> Word for T {
        fn word(&self) -> String {
            match serde_json::to_value(self) {
                Ok(serde_json::Value::String(s)) => s,
                _ => String::new(),
            }
        }
    }
}
