//! C and C++: `conan.lock`, Conan 1 graph locks (format 0.0 to 0.4) and
//! Conan 2 lockfiles (0.5). References look like
//! `name/version[@user/channel][#revision][:package_id[#prev]][%timestamp]`.
//! The consumer's own node (with a `path`, or without a reference) is the
//! project itself and is not listed; build and python requirements are
//! development dependencies.

use super::json_locks::object;
use crate::text::JsonLines;
use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, DependencyScope, Ecosystem};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The conan.lock extractor.
pub struct ConanLock;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    graph_lock: Option<Graph>,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    build_requires: Vec<String>,
    #[serde(default)]
    python_requires: Vec<String>,
}

#[derive(Deserialize)]
struct Graph {
    #[serde(default)]
    nodes: BTreeMap<String, Node>,
}

#[derive(Deserialize)]
struct Node {
    #[serde(default, rename = "ref")]
    reference: Option<String>,
    #[serde(default)]
    pref: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    build_requires: Option<serde_json::Value>,
    #[serde(default)]
    context: Option<String>,
}

/// `name/version@user/channel#rev:pkg#prev%ts` → (name, version, revision).
fn parse_ref(r: &str) -> Option<(String, String, Option<String>)> {
    let r = r.split('%').next().unwrap_or(r);
    let r = r.split(':').next().unwrap_or(r);
    let (nv, revision) = match r.split_once('#') {
        Some((nv, rev)) => (nv, Some(rev.to_owned())),
        None => (r, None),
    };
    let nv = nv.split('@').next().unwrap_or(nv);
    let (name, version) = nv.split_once('/')?;
    (!name.is_empty() && !version.is_empty())
        .then(|| (name.to_owned(), version.to_owned(), revision))
}

/// Node ids named by a `build_requires` list or map.
fn ids(v: &Option<serde_json::Value>) -> Vec<String> {
    match v {
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        Some(serde_json::Value::Object(o)) => o
            .values()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

impl Extractor for ConanLock {
    fn id(&self) -> &'static str {
        "conan-lock"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "conan.lock"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let lock: Lock = object(text, "conan.lock")?;
        let graph_refs = lock
            .graph_lock
            .iter()
            .flat_map(|g| g.nodes.values())
            .filter_map(|n| n.reference.as_deref().or(n.pref.as_deref()));
        let lines = JsonLines::for_strings(
            text,
            lock.requires
                .iter()
                .chain(&lock.build_requires)
                .chain(&lock.python_requires)
                .map(String::as_str)
                .chain(graph_refs),
        );
        let mut out = Extracted::default();
        let add = |r: &str, scope: DependencyScope, out: &mut Extracted| match parse_ref(r) {
            Some((name, version, revision)) => {
                let mut c = Component::new(
                    Ecosystem::ConanCenter,
                    name,
                    Some(version),
                    input.at(lines.line(r)),
                );
                c.scope = scope;
                c.checksum = revision;
                out.components.push(c);
            }
            None => out.warnings.push((
                lines.line(r),
                format!("reference `{r}` is not `name/version`; skipped"),
            )),
        };
        if let Some(graph) = &lock.graph_lock {
            let build: BTreeSet<String> = graph
                .nodes
                .values()
                .flat_map(|n| ids(&n.build_requires))
                .collect();
            for (id, node) in &graph.nodes {
                if node.path.is_some() {
                    continue;
                }
                let Some(r) = node.reference.as_deref().or(node.pref.as_deref()) else {
                    continue;
                };
                let scope = if build.contains(id) || node.context.as_deref() == Some("build") {
                    DependencyScope::Development
                } else {
                    DependencyScope::Runtime
                };
                add(r, scope, &mut out);
            }
        } else {
            for r in &lock.requires {
                add(r, DependencyScope::Runtime, &mut out);
            }
            for r in lock.build_requires.iter().chain(&lock.python_requires) {
                add(r, DependencyScope::Development, &mut out);
            }
        }
        Ok(out)
    }
}
