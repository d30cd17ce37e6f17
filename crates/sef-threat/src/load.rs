//! Loading a model: each file of the model directory is read as a
//! [`ModelFile`], the files are merged, and the whole is checked: ids are
//! unique across every kind of element, every reference names an element
//! of the right kind, an asset sits directly in at most one boundary, and
//! boundaries nest as a forest. Every error names file:line:col.

use crate::model::{Actor, DataAsset, DataFlow, ModelFile, TechnicalAsset, TrustBoundary};
use crate::yaml::{self, Mark};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

/// A model file larger than this is refused.
pub const MAX_MODEL_BYTES: u64 = 16 * 1024 * 1024;

/// An error in a model file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    /// The file, as the caller named it.
    pub file: String,
    /// Where in it.
    pub at: Mark,
    /// What is wrong and what to do.
    pub message: String,
}

impl std::error::Error for ModelError {}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.at, self.message)
    }
}

/// The kinds of model element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A data asset.
    DataAsset,
    /// A technical asset.
    TechnicalAsset,
    /// A data flow.
    DataFlow,
    /// A trust boundary.
    TrustBoundary,
    /// An actor.
    Actor,
}

impl Kind {
    /// As written in rules and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::DataAsset => "data-asset",
            Kind::TechnicalAsset => "technical-asset",
            Kind::DataFlow => "data-flow",
            Kind::TrustBoundary => "trust-boundary",
            Kind::Actor => "actor",
        }
    }

    /// Every kind.
    pub const ALL: [Kind; 5] = [
        Kind::DataAsset,
        Kind::TechnicalAsset,
        Kind::DataFlow,
        Kind::TrustBoundary,
        Kind::Actor,
    ];

    /// Parses the written form.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where an element is written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    /// The file.
    pub file: String,
    /// The position of its entry.
    pub at: Mark,
}

/// A loaded, checked model.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// The title, when a file gives one.
    pub title: Option<String>,
    /// Data assets, in file order.
    pub data_assets: Vec<DataAsset>,
    /// Technical assets.
    pub technical_assets: Vec<TechnicalAsset>,
    /// Actors.
    pub actors: Vec<Actor>,
    /// Data flows.
    pub data_flows: Vec<DataFlow>,
    /// Trust boundaries.
    pub trust_boundaries: Vec<TrustBoundary>,
    /// Each element's kind, index and place, by id.
    pub index: HashMap<String, (Kind, usize, Place)>,
    /// The boundary directly holding each asset.
    pub asset_boundary: HashMap<String, String>,
    /// The boundary directly holding each boundary.
    pub boundary_parent: HashMap<String, String>,
    /// The files read, in order, with their sizes.
    pub files: Vec<String>,
}

impl Model {
    /// The boundaries around an asset, innermost first (empty when the
    /// asset is in none, or when `id` is an actor).
    pub fn boundaries_of(&self, id: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut cur = self.asset_boundary.get(id);
        while let Some(b) = cur {
            out.push(b.as_str());
            cur = self.boundary_parent.get(b);
        }
        out
    }

    /// The boundaries a flow crosses: those holding its source or its
    /// target but not both, innermost first from the source.
    pub fn crossed(&self, flow: &DataFlow) -> Vec<&str> {
        let s = self.boundaries_of(&flow.source);
        let t = self.boundaries_of(&flow.target);
        let ts: HashSet<&str> = t.iter().copied().collect();
        let ss: HashSet<&str> = s.iter().copied().collect();
        let mut out: Vec<&str> = s.iter().copied().filter(|b| !ts.contains(b)).collect();
        out.extend(t.iter().copied().filter(|b| !ss.contains(b)));
        out
    }

    /// Where an element is written.
    pub fn place(&self, id: &str) -> Option<&Place> {
        self.index.get(id).map(|(_, _, p)| p)
    }

    /// The element's kind.
    pub fn kind(&self, id: &str) -> Option<Kind> {
        self.index.get(id).map(|(k, _, _)| *k)
    }

    /// A technical asset by id.
    pub fn asset(&self, id: &str) -> Option<&TechnicalAsset> {
        match self.index.get(id) {
            Some((Kind::TechnicalAsset, i, _)) => self.technical_assets.get(*i),
            _ => None,
        }
    }

    /// A data asset by id.
    pub fn data(&self, id: &str) -> Option<&DataAsset> {
        match self.index.get(id) {
            Some((Kind::DataAsset, i, _)) => self.data_assets.get(*i),
            _ => None,
        }
    }

    /// An actor by id.
    pub fn actor(&self, id: &str) -> Option<&Actor> {
        match self.index.get(id) {
            Some((Kind::Actor, i, _)) => self.actors.get(*i),
            _ => None,
        }
    }

    /// A boundary by id.
    pub fn boundary(&self, id: &str) -> Option<&TrustBoundary> {
        match self.index.get(id) {
            Some((Kind::TrustBoundary, i, _)) => self.trust_boundaries.get(*i),
            _ => None,
        }
    }

    /// An element's readable name.
    pub fn name_of(&self, id: &str) -> String {
        let n = match self.index.get(id) {
            Some((Kind::DataAsset, i, _)) => self.data_assets[*i].name.clone(),
            Some((Kind::TechnicalAsset, i, _)) => self.technical_assets[*i].name.clone(),
            Some((Kind::DataFlow, i, _)) => self.data_flows[*i].name.clone(),
            Some((Kind::TrustBoundary, i, _)) => self.trust_boundaries[*i].name.clone(),
            Some((Kind::Actor, i, _)) => self.actors[*i].name.clone(),
            None => None,
        };
        n.unwrap_or_else(|| id.to_owned())
    }

    /// How many elements of each kind.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        BTreeMap::from([
            ("data-assets", self.data_assets.len()),
            ("technical-assets", self.technical_assets.len()),
            ("actors", self.actors.len()),
            ("data-flows", self.data_flows.len()),
            ("trust-boundaries", self.trust_boundaries.len()),
        ])
    }
}

/// Whether an id is well formed: letters, digits, `.`, `_`, `-`, starting
/// with a letter or digit, at most 128 bytes.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id.as_bytes()[0].is_ascii_alphanumeric()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Loads and checks a model from its files (`(name, text)`, in the order
/// given). All problems are returned, not only the first.
pub fn load(files: &[(String, String)]) -> Result<Model, Vec<ModelError>> {
    let mut errors = Vec::new();
    let mut m = Model::default();
    for (name, text) in files {
        m.files.push(name.clone());
        let doc = match yaml::parse(text) {
            Ok(d) => d,
            Err(e) => {
                errors.push(ModelError {
                    file: name.clone(),
                    at: e.at,
                    message: e.message,
                });
                continue;
            }
        };
        if doc.value.is_null() {
            continue;
        }
        let part: ModelFile = match doc.typed() {
            Ok(p) => p,
            Err(e) => {
                errors.push(ModelError {
                    file: name.clone(),
                    at: e.at,
                    message: e.message,
                });
                continue;
            }
        };
        if let Some(t) = part.title {
            if m.title.is_some() {
                errors.push(ModelError {
                    file: name.clone(),
                    at: doc.mark("title"),
                    message: "a second `title`: give the model's title in one file only".into(),
                });
            }
            m.title = Some(t);
        }
        let mut add = |kind: Kind, section: &str, i: usize, id: &str, idx: usize| {
            let at = doc.mark(&format!("{section}[{i}]"));
            let place = Place {
                file: name.clone(),
                at,
            };
            if !valid_id(id) {
                errors.push(ModelError {
                    file: name.clone(),
                    at: doc.mark(&format!("{section}[{i}].id")),
                    message: format!(
                        "id `{id}`: use letters, digits, `.`, `_` and `-`, starting with a letter or digit"
                    ),
                });
            }
            if let Some((_, _, first)) = m.index.get(id) {
                errors.push(ModelError {
                    file: name.clone(),
                    at: doc.mark(&format!("{section}[{i}].id")),
                    message: format!(
                        "id `{id}` is already used at {}:{}; ids are unique across the whole model",
                        first.file, first.at
                    ),
                });
            } else {
                m.index.insert(id.to_owned(), (kind, idx, place));
            }
        };
        for (i, e) in part.data_assets.into_iter().enumerate() {
            add(
                Kind::DataAsset,
                "data_assets",
                i,
                &e.id,
                m.data_assets.len(),
            );
            m.data_assets.push(e);
        }
        for (i, e) in part.technical_assets.into_iter().enumerate() {
            add(
                Kind::TechnicalAsset,
                "technical_assets",
                i,
                &e.id,
                m.technical_assets.len(),
            );
            m.technical_assets.push(e);
        }
        for (i, e) in part.actors.into_iter().enumerate() {
            add(Kind::Actor, "actors", i, &e.id, m.actors.len());
            m.actors.push(e);
        }
        for (i, e) in part.data_flows.into_iter().enumerate() {
            add(Kind::DataFlow, "data_flows", i, &e.id, m.data_flows.len());
            m.data_flows.push(e);
        }
        for (i, e) in part.trust_boundaries.into_iter().enumerate() {
            add(
                Kind::TrustBoundary,
                "trust_boundaries",
                i,
                &e.id,
                m.trust_boundaries.len(),
            );
            m.trust_boundaries.push(e);
        }
    }
    check_references(&mut m, &mut errors);
    if errors.is_empty() {
        Ok(m)
    } else {
        Err(errors)
    }
}

fn check_references(m: &mut Model, errors: &mut Vec<ModelError>) {
    let err = |m: &Model, owner: &str, message: String| {
        let p = m.place(owner).cloned().unwrap_or(Place {
            file: String::new(),
            at: Mark::default(),
        });
        ModelError {
            file: p.file,
            at: p.at,
            message,
        }
    };
    let expect = |m: &Model,
                  errors: &mut Vec<ModelError>,
                  owner: &str,
                  field: &str,
                  id: &str,
                  kinds: &[Kind]| {
        match m.kind(id) {
            Some(k) if kinds.contains(&k) => {}
            found => {
                let want: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
                let what = match found {
                    Some(k) => format!("is a {}", k.as_str()),
                    None => "is not in the model".to_owned(),
                };
                errors.push(err(
                    m,
                    owner,
                    format!(
                        "`{owner}`: {field} `{id}` {what}; name a {}",
                        want.join(" or ")
                    ),
                ));
            }
        }
    };
    for a in &m.technical_assets {
        for d in a.processes.iter().chain(&a.stores) {
            expect(m, errors, &a.id, "data", d, &[Kind::DataAsset]);
        }
    }
    for f in &m.data_flows {
        expect(
            m,
            errors,
            &f.id,
            "source",
            &f.source,
            &[Kind::TechnicalAsset, Kind::Actor],
        );
        expect(
            m,
            errors,
            &f.id,
            "target",
            &f.target,
            &[Kind::TechnicalAsset, Kind::Actor],
        );
        if f.source == f.target {
            errors.push(err(
                m,
                &f.id,
                format!(
                    "`{}`: a flow from an element to itself; remove it or name two elements",
                    f.id
                ),
            ));
        }
        for d in f.sends.iter().chain(&f.receives) {
            expect(m, errors, &f.id, "data", d, &[Kind::DataAsset]);
        }
    }
    let mut asset_boundary = HashMap::new();
    let mut parent = HashMap::new();
    for b in &m.trust_boundaries {
        for a in &b.assets {
            expect(m, errors, &b.id, "asset", a, &[Kind::TechnicalAsset]);
            if let Some(first) = asset_boundary.insert(a.clone(), b.id.clone()) {
                errors.push(err(m, &b.id, format!("`{}`: asset `{a}` is already directly inside `{first}`; an asset sits directly in one boundary (nest the boundaries instead)", b.id)));
            }
        }
        for c in &b.boundaries {
            expect(m, errors, &b.id, "boundary", c, &[Kind::TrustBoundary]);
            if let Some(first) = parent.insert(c.clone(), b.id.clone()) {
                errors.push(err(m, &b.id, format!("`{}`: boundary `{c}` is already nested in `{first}`; a boundary has one parent", b.id)));
            }
        }
    }
    // Nesting must not loop.
    for b in &m.trust_boundaries {
        let mut seen = HashSet::new();
        let mut cur = Some(&b.id);
        while let Some(c) = cur {
            if !seen.insert(c.clone()) {
                errors.push(err(
                    m,
                    &b.id,
                    format!(
                        "`{}`: boundaries nest in a loop; a boundary cannot contain itself",
                        b.id
                    ),
                ));
                break;
            }
            cur = parent.get(c);
        }
    }
    m.asset_boundary = asset_boundary;
    m.boundary_parent = parent;
}

/// The model's digest: SHA-256 over each file's name and bytes, in name
/// order, as `sha256:<hex>`. A review records it; any edit changes it.
pub fn digest(files: &[(String, String)]) -> String {
    use sha2::Digest;
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut h = sha2::Sha256::new();
    for (name, text) in sorted {
        h.update(name.as_bytes());
        h.update([0]);
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    format!("sha256:{}", hex::encode(h.finalize()))
}
