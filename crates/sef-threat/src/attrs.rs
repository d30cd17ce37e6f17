//! The attributes rule expressions read, per kind of element: their static
//! types (so a rule naming an attribute that does not exist, or comparing
//! a level with a word that is not on its scale, is refused when loaded)
//! and their values in a loaded model (docs/threat-model.md, "Attributes").

use crate::load::{Kind, Model};
use crate::model::{
    Actor, ActorType, Authentication, Authorization, BoundaryType, DataAsset, DataFlow,
    TechnicalAsset, TrustBoundary,
};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;

/// An ordered scale of words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// low < medium < high < critical.
    Need,
    /// public < internal < confidential < restricted.
    Classification,
    /// untrusted < low < medium < high.
    Trust,
    /// none < tls < mtls < end-to-end.
    Encryption,
}

impl Scale {
    /// The words, lowest first.
    pub fn words(self) -> &'static [&'static str] {
        match self {
            Scale::Need => &["low", "medium", "high", "critical"],
            Scale::Classification => &["public", "internal", "confidential", "restricted"],
            Scale::Trust => &["untrusted", "low", "medium", "high"],
            Scale::Encryption => &["none", "tls", "mtls", "end-to-end"],
        }
    }

    /// A word's rank.
    pub fn rank(self, w: &str) -> Option<u8> {
        self.words()
            .iter()
            .position(|x| x.eq_ignore_ascii_case(w))
            .and_then(|i| u8::try_from(i).ok())
    }
}

/// The kinds an element reference may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElemTy {
    /// One kind.
    Kind(Kind),
    /// A flow's end: a technical asset or an actor.
    Node,
}

impl ElemTy {
    /// As written in messages.
    pub fn label(self) -> &'static str {
        match self {
            ElemTy::Kind(k) => k.as_str(),
            ElemTy::Node => "technical-asset or actor",
        }
    }
}

/// A static type.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// true or false.
    Bool,
    /// A number.
    Num,
    /// Free text.
    Str,
    /// A word of an ordered scale.
    Level(Scale),
    /// A word of an unordered set.
    Enum(&'static [&'static str]),
    /// A reference to another element.
    Elem(ElemTy),
    /// A list.
    List(Box<Ty>),
    /// A free attribute: known only when evaluated.
    Any,
}

/// The technical asset types, written once: a flow's end (an asset or an
/// actor) takes these and the actor types.
macro_rules! asset_types {
    ($($extra:literal),*) => {
        &[
            "web-application",
            "web-service",
            "database",
            "file-storage",
            "message-queue",
            "cache",
            "identity-provider",
            "gateway",
            "secret-store",
            "batch-job",
            "ci-cd",
            "monitoring",
            "browser",
            "client",
            "external-service",
            "container-platform",
            "other",
            $($extra),*
        ]
    };
}
const ASSET_TYPES: &[&str] = asset_types!();
const NODE_TYPES: &[&str] = asset_types!("human", "system");
const BOUNDARY_TYPES: &[&str] = &["network", "process", "container", "cloud-account"];
const AUTHENTICATIONS: &[&str] = &[
    "none",
    "credentials",
    "session",
    "token",
    "api-key",
    "client-certificate",
    "two-factor",
    "phishing-resistant",
];
const AUTHORIZATIONS: &[&str] = &["none", "technical-user", "end-user", "role-based"];
const KINDS: &[&str] = &[
    "data-asset",
    "technical-asset",
    "data-flow",
    "trust-boundary",
    "actor",
];

fn list(t: Ty) -> Ty {
    Ty::List(Box::new(t))
}
fn elem(k: Kind) -> Ty {
    Ty::Elem(ElemTy::Kind(k))
}

/// The attributes of an element type, with their types, for messages and
/// for the checker.
pub fn attributes(e: ElemTy) -> Vec<(&'static str, Ty)> {
    let mut v = vec![
        ("id", Ty::Str),
        ("name", Ty::Str),
        ("kind", Ty::Enum(KINDS)),
        ("attributes", Ty::Any),
    ];
    match e {
        ElemTy::Kind(Kind::DataAsset) => v.extend([
            ("classification", Ty::Level(Scale::Classification)),
            ("confidentiality", Ty::Level(Scale::Need)),
            ("integrity", Ty::Level(Scale::Need)),
            ("availability", Ty::Level(Scale::Need)),
            ("personal", Ty::Bool),
            ("processed_by", list(elem(Kind::TechnicalAsset))),
            ("stored_by", list(elem(Kind::TechnicalAsset))),
            ("flows", list(elem(Kind::DataFlow))),
        ]),
        ElemTy::Kind(Kind::TechnicalAsset) => v.extend(asset_attrs()),
        ElemTy::Kind(Kind::Actor) => v.extend(actor_attrs()),
        ElemTy::Node => {
            let mut seen: Vec<&str> = Vec::new();
            for (n, t) in asset_attrs().into_iter().chain(actor_attrs()) {
                if seen.contains(&n) {
                    continue;
                }
                seen.push(n);
                let t = if n == "type" { Ty::Enum(NODE_TYPES) } else { t };
                v.push((n, t));
            }
        }
        ElemTy::Kind(Kind::DataFlow) => v.extend([
            ("protocol", Ty::Str),
            ("authentication", Ty::Enum(AUTHENTICATIONS)),
            ("authorization", Ty::Enum(AUTHORIZATIONS)),
            ("encryption", Ty::Level(Scale::Encryption)),
            ("sends", list(elem(Kind::DataAsset))),
            ("receives", list(elem(Kind::DataAsset))),
            ("data", list(elem(Kind::DataAsset))),
            ("vpn", Ty::Bool),
            ("source", Ty::Elem(ElemTy::Node)),
            ("target", Ty::Elem(ElemTy::Node)),
            ("crosses_boundary", Ty::Bool),
            ("crossed", list(elem(Kind::TrustBoundary))),
        ]),
        ElemTy::Kind(Kind::TrustBoundary) => v.extend([
            ("type", Ty::Enum(BOUNDARY_TYPES)),
            ("assets", list(elem(Kind::TechnicalAsset))),
            ("all_assets", list(elem(Kind::TechnicalAsset))),
            ("boundaries", list(elem(Kind::TrustBoundary))),
            ("parent", elem(Kind::TrustBoundary)),
        ]),
    }
    v
}

fn asset_attrs() -> Vec<(&'static str, Ty)> {
    vec![
        ("type", Ty::Enum(ASSET_TYPES)),
        ("technologies", list(Ty::Str)),
        ("internet_facing", Ty::Bool),
        ("trust_level", Ty::Level(Scale::Trust)),
        ("processes", list(elem(Kind::DataAsset))),
        ("stores", list(elem(Kind::DataAsset))),
        ("data", list(elem(Kind::DataAsset))),
        ("owner", Ty::Str),
        ("custom_developed", Ty::Bool),
        ("encrypted_at_rest", Ty::Bool),
        ("multi_tenant", Ty::Bool),
        ("out_of_scope", Ty::Bool),
        ("boundary", elem(Kind::TrustBoundary)),
        ("boundaries", list(elem(Kind::TrustBoundary))),
        ("incoming", list(elem(Kind::DataFlow))),
        ("outgoing", list(elem(Kind::DataFlow))),
    ]
}

fn actor_attrs() -> Vec<(&'static str, Ty)> {
    vec![
        ("type", Ty::Enum(&["human", "system"])),
        ("trust_level", Ty::Level(Scale::Trust)),
        ("privileged", Ty::Bool),
        ("incoming", list(elem(Kind::DataFlow))),
        ("outgoing", list(elem(Kind::DataFlow))),
    ]
}

/// The static type of attribute `name` of an element type.
pub fn attr_ty(e: ElemTy, name: &str) -> Option<Ty> {
    attributes(e)
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| t)
}

/// A reference to an element of a loaded model.
#[derive(Debug, Clone, Copy)]
pub enum ElemRef<'m> {
    /// A data asset.
    Data(&'m DataAsset),
    /// A technical asset.
    Asset(&'m TechnicalAsset),
    /// A data flow.
    Flow(&'m DataFlow),
    /// A trust boundary.
    Boundary(&'m TrustBoundary),
    /// An actor.
    Actor(&'m Actor),
}

impl<'m> ElemRef<'m> {
    /// The element's id.
    pub fn id(&self) -> &'m str {
        match self {
            ElemRef::Data(x) => &x.id,
            ElemRef::Asset(x) => &x.id,
            ElemRef::Flow(x) => &x.id,
            ElemRef::Boundary(x) => &x.id,
            ElemRef::Actor(x) => &x.id,
        }
    }
}

/// A value while an expression is evaluated.
#[derive(Debug, Clone)]
pub enum Val<'m> {
    /// Nothing: an absent attribute.
    Null,
    /// true or false.
    Bool(bool),
    /// A number.
    Num(f64),
    /// Text.
    Str(Cow<'m, str>),
    /// A word of a scale, by rank.
    Level(Scale, u8),
    /// An element.
    Elem(ElemRef<'m>),
    /// A list.
    List(Vec<Val<'m>>),
}

/// A loaded model with the indexes expressions need: flows into and out
/// of each node, and the users of each data asset.
pub struct Graph<'m> {
    /// The model.
    pub model: &'m Model,
    incoming: HashMap<&'m str, Vec<&'m DataFlow>>,
    outgoing: HashMap<&'m str, Vec<&'m DataFlow>>,
    processed_by: HashMap<&'m str, Vec<&'m TechnicalAsset>>,
    stored_by: HashMap<&'m str, Vec<&'m TechnicalAsset>>,
    carried_by: HashMap<&'m str, Vec<&'m DataFlow>>,
}

impl<'m> Graph<'m> {
    /// Indexes a model.
    pub fn new(model: &'m Model) -> Graph<'m> {
        let mut g = Graph {
            model,
            incoming: HashMap::new(),
            outgoing: HashMap::new(),
            processed_by: HashMap::new(),
            stored_by: HashMap::new(),
            carried_by: HashMap::new(),
        };
        for f in &model.data_flows {
            g.incoming.entry(f.target.as_str()).or_default().push(f);
            g.outgoing.entry(f.source.as_str()).or_default().push(f);
            let mut seen: Vec<&str> = Vec::new();
            for d in f.sends.iter().chain(&f.receives) {
                if !seen.contains(&d.as_str()) {
                    seen.push(d);
                    g.carried_by.entry(d.as_str()).or_default().push(f);
                }
            }
        }
        for a in &model.technical_assets {
            for d in &a.processes {
                g.processed_by.entry(d.as_str()).or_default().push(a);
            }
            for d in &a.stores {
                g.stored_by.entry(d.as_str()).or_default().push(a);
            }
        }
        g
    }

    /// An element by id.
    pub fn get(&self, id: &str) -> Option<ElemRef<'m>> {
        let m = self.model;
        let (k, i, _) = m.index.get(id)?;
        Some(match k {
            Kind::DataAsset => ElemRef::Data(m.data_assets.get(*i)?),
            Kind::TechnicalAsset => ElemRef::Asset(m.technical_assets.get(*i)?),
            Kind::DataFlow => ElemRef::Flow(m.data_flows.get(*i)?),
            Kind::TrustBoundary => ElemRef::Boundary(m.trust_boundaries.get(*i)?),
            Kind::Actor => ElemRef::Actor(m.actors.get(*i)?),
        })
    }

    fn refs(&self, ids: impl IntoIterator<Item = &'m String>) -> Val<'m> {
        Val::List(
            ids.into_iter()
                .filter_map(|id| self.get(id))
                .map(Val::Elem)
                .collect(),
        )
    }

    fn flows(&self, map: &HashMap<&'m str, Vec<&'m DataFlow>>, id: &str) -> Val<'m> {
        Val::List(
            map.get(id)
                .map(|v| v.iter().map(|f| Val::Elem(ElemRef::Flow(f))).collect())
                .unwrap_or_default(),
        )
    }

    fn assets(&self, map: &HashMap<&'m str, Vec<&'m TechnicalAsset>>, id: &str) -> Val<'m> {
        Val::List(
            map.get(id)
                .map(|v| v.iter().map(|a| Val::Elem(ElemRef::Asset(a))).collect())
                .unwrap_or_default(),
        )
    }

    /// The value of attribute `name` of an element (`Null` when the element
    /// has no such attribute: an actor's `technologies`).
    pub fn attr(&self, e: ElemRef<'m>, name: &str) -> Val<'m> {
        let s = |x: &'m str| Val::Str(Cow::Borrowed(x));
        let opt = |x: &'m Option<String>| x.as_deref().map_or(Val::Null, s);
        match (name, e) {
            ("id", _) => s(e.id()),
            ("name", _) => Val::Str(Cow::Owned(self.model.name_of(e.id()))),
            ("kind", _) => s(match e {
                ElemRef::Data(_) => "data-asset",
                ElemRef::Asset(_) => "technical-asset",
                ElemRef::Flow(_) => "data-flow",
                ElemRef::Boundary(_) => "trust-boundary",
                ElemRef::Actor(_) => "actor",
            }),
            ("type", ElemRef::Asset(a)) => word(&a.kind),
            ("type", ElemRef::Actor(a)) => s(match a.kind {
                ActorType::Human => "human",
                ActorType::System => "system",
            }),
            ("type", ElemRef::Boundary(b)) => word::<BoundaryType>(&b.kind),
            ("classification", ElemRef::Data(d)) => {
                Val::Level(Scale::Classification, d.classification as u8)
            }
            ("confidentiality", ElemRef::Data(d)) => {
                Val::Level(Scale::Need, d.confidentiality as u8)
            }
            ("integrity", ElemRef::Data(d)) => Val::Level(Scale::Need, d.integrity as u8),
            ("availability", ElemRef::Data(d)) => Val::Level(Scale::Need, d.availability as u8),
            ("personal", ElemRef::Data(d)) => Val::Bool(d.personal),
            ("processed_by", ElemRef::Data(d)) => self.assets(&self.processed_by, &d.id),
            ("stored_by", ElemRef::Data(d)) => self.assets(&self.stored_by, &d.id),
            ("flows", ElemRef::Data(d)) => self.flows(&self.carried_by, &d.id),
            ("technologies", ElemRef::Asset(a)) => Val::List(
                a.technologies
                    .iter()
                    .map(|t| Val::Str(Cow::Borrowed(t)))
                    .collect(),
            ),
            ("internet_facing", ElemRef::Asset(a)) => Val::Bool(a.internet_facing),
            ("trust_level", ElemRef::Asset(a)) => Val::Level(Scale::Trust, a.trust_level as u8),
            ("trust_level", ElemRef::Actor(a)) => Val::Level(Scale::Trust, a.trust_level as u8),
            ("privileged", ElemRef::Actor(a)) => Val::Bool(a.privileged),
            ("processes", ElemRef::Asset(a)) => self.refs(&a.processes),
            ("stores", ElemRef::Asset(a)) => self.refs(&a.stores),
            ("data", ElemRef::Asset(a)) => {
                let mut ids: Vec<&'m String> = a.processes.iter().collect();
                for d in &a.stores {
                    if !ids.contains(&d) {
                        ids.push(d);
                    }
                }
                self.refs(ids)
            }
            ("owner", ElemRef::Asset(a)) => opt(&a.owner),
            ("custom_developed", ElemRef::Asset(a)) => Val::Bool(a.custom_developed),
            ("encrypted_at_rest", ElemRef::Asset(a)) => Val::Bool(a.encrypted_at_rest),
            ("multi_tenant", ElemRef::Asset(a)) => Val::Bool(a.multi_tenant),
            ("out_of_scope", ElemRef::Asset(a)) => Val::Bool(a.out_of_scope),
            ("boundary", ElemRef::Asset(a)) => self
                .model
                .asset_boundary
                .get(&a.id)
                .and_then(|b| self.get(b))
                .map_or(Val::Null, Val::Elem),
            ("boundaries", ElemRef::Asset(a)) => Val::List(
                self.model
                    .boundaries_of(&a.id)
                    .into_iter()
                    .filter_map(|b| self.get(b))
                    .map(Val::Elem)
                    .collect(),
            ),
            ("incoming", ElemRef::Asset(_) | ElemRef::Actor(_)) => {
                self.flows(&self.incoming, e.id())
            }
            ("outgoing", ElemRef::Asset(_) | ElemRef::Actor(_)) => {
                self.flows(&self.outgoing, e.id())
            }
            ("protocol", ElemRef::Flow(f)) => s(&f.protocol),
            ("authentication", ElemRef::Flow(f)) => word::<Authentication>(&f.authentication),
            ("authorization", ElemRef::Flow(f)) => word::<Authorization>(&f.authorization),
            ("encryption", ElemRef::Flow(f)) => Val::Level(Scale::Encryption, f.encryption as u8),
            ("sends", ElemRef::Flow(f)) => self.refs(&f.sends),
            ("receives", ElemRef::Flow(f)) => self.refs(&f.receives),
            ("data", ElemRef::Flow(f)) => {
                let mut ids: Vec<&'m String> = f.sends.iter().collect();
                for d in &f.receives {
                    if !ids.contains(&d) {
                        ids.push(d);
                    }
                }
                self.refs(ids)
            }
            ("vpn", ElemRef::Flow(f)) => Val::Bool(f.vpn),
            ("source", ElemRef::Flow(f)) => self.get(&f.source).map_or(Val::Null, Val::Elem),
            ("target", ElemRef::Flow(f)) => self.get(&f.target).map_or(Val::Null, Val::Elem),
            ("crosses_boundary", ElemRef::Flow(f)) => Val::Bool(!self.model.crossed(f).is_empty()),
            ("crossed", ElemRef::Flow(f)) => Val::List(
                self.model
                    .crossed(f)
                    .into_iter()
                    .filter_map(|b| self.get(b))
                    .map(Val::Elem)
                    .collect(),
            ),
            ("assets", ElemRef::Boundary(b)) => self.refs(&b.assets),
            ("boundaries", ElemRef::Boundary(b)) => self.refs(&b.boundaries),
            ("all_assets", ElemRef::Boundary(b)) => {
                let ids: Vec<&'m String> = self
                    .model
                    .technical_assets
                    .iter()
                    .filter(|a| self.model.boundaries_of(&a.id).contains(&b.id.as_str()))
                    .map(|a| &a.id)
                    .collect();
                self.refs(ids)
            }
            ("parent", ElemRef::Boundary(b)) => self
                .model
                .boundary_parent
                .get(&b.id)
                .and_then(|p| self.get(p))
                .map_or(Val::Null, Val::Elem),
            _ => Val::Null,
        }
    }

    /// A free attribute's value.
    pub fn free(&self, e: ElemRef<'m>, key: &str) -> Val<'m> {
        let map = match e {
            ElemRef::Data(x) => &x.attributes,
            ElemRef::Asset(x) => &x.attributes,
            ElemRef::Flow(x) => &x.attributes,
            ElemRef::Boundary(x) => &x.attributes,
            ElemRef::Actor(x) => &x.attributes,
        };
        map.get(key).map_or(Val::Null, json)
    }
}

fn json(v: &serde_json::Value) -> Val<'_> {
    match v {
        serde_json::Value::Null | serde_json::Value::Object(_) => Val::Null,
        serde_json::Value::Bool(b) => Val::Bool(*b),
        serde_json::Value::Number(n) => n.as_f64().map_or(Val::Null, Val::Num),
        serde_json::Value::String(s) => Val::Str(Cow::Borrowed(s)),
        serde_json::Value::Array(a) => Val::List(a.iter().map(json).collect()),
    }
}

/// An enum's written word (its serde name).
pub fn word<'m, T: Serialize>(v: &T) -> Val<'m> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Val::Str(Cow::Owned(s)),
        _ => Val::Null,
    }
}

/// Whether `e` has kind `k` (a node is an asset or an actor).
pub fn is_kind(e: &ElemRef<'_>, k: Kind) -> bool {
    matches!(
        (e, k),
        (ElemRef::Data(_), Kind::DataAsset)
            | (ElemRef::Asset(_), Kind::TechnicalAsset)
            | (ElemRef::Flow(_), Kind::DataFlow)
            | (ElemRef::Boundary(_), Kind::TrustBoundary)
            | (ElemRef::Actor(_), Kind::Actor)
    )
}
