//! `Cargo.toml` beside a Cargo.lock: Cargo.lock records no scope, the
//! workspace's manifests do. A member's `[dependencies]` (and
//! `[target.*.dependencies]`) are runtime (optional ones, behind a
//! feature, optional), its `[dev-dependencies]` and
//! `[build-dependencies]` development; scope then follows the lockfile's
//! edges from the members, the most needed scope winning.

use crate::Input;
use sef_model::DependencyScope;
use std::collections::{BTreeSet, HashMap};

/// What the workspace's manifests say about one member's dependencies:
/// package names by scope.
#[derive(Default)]
pub(crate) struct MemberDeps {
    pub runtime: BTreeSet<String>,
    pub optional: BTreeSet<String>,
    pub development: BTreeSet<String>,
}

impl MemberDeps {
    /// The most needed scope the member declares a package in.
    fn scope_of(&self, name: &str) -> DependencyScope {
        if self.runtime.contains(name) {
            DependencyScope::Runtime
        } else if self.optional.contains(name) {
            DependencyScope::Optional
        } else if self.development.contains(name) {
            DependencyScope::Development
        } else {
            // not shown (renamed through the workspace table): the most
            // needed, so that nothing is relaxed on a guess
            DependencyScope::Runtime
        }
    }
}

/// Package name -> its declared dependencies, for the root package and
/// every workspace member (`members` globs of the form `dir/*` expanded).
/// Empty when no Cargo.toml is beside the lockfile.
pub(crate) fn members(
    input: &Input<'_>,
    warnings: &mut Vec<(Option<u32>, String)>,
) -> HashMap<String, MemberDeps> {
    let mut out = HashMap::new();
    let Some(read) = input.include else {
        return out;
    };
    let parse = |rel: &str, warnings: &mut Vec<(Option<u32>, String)>| -> Option<toml::Table> {
        let (path, bytes) = read(input.path, rel).ok()?;
        let text = String::from_utf8_lossy(&bytes);
        match toml::from_str::<toml::Table>(&text) {
            Ok(t) => Some(t),
            Err(e) => {
                warnings.push((
                    None,
                    format!("{path}: not a Cargo.toml sef can read ({}); the scope of its dependencies is unknown", e.message()),
                ));
                None
            }
        }
    };
    let Some(root) = parse("Cargo.toml", warnings) else {
        return out;
    };
    let patterns: Vec<String> = root
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut manifests = vec![root];
    let mut dirs = Vec::new();
    for p in &patterns {
        let p = p.trim_end_matches('/');
        match p.strip_suffix("/*") {
            Some(prefix) if !prefix.contains('*') => {
                if let Some(list) = input.list_dirs {
                    dirs.extend(list(input.path, prefix));
                }
            }
            _ if p.contains('*') => warnings.push((
                None,
                format!("workspace member pattern `{p}` is not expanded (only `dir/*` is); the scope of its dependencies may be unknown"),
            )),
            _ => dirs.push(p.to_owned()),
        }
    }
    for d in dirs.iter().filter(|d| !d.is_empty() && *d != ".") {
        if let Some(m) = parse(&format!("{d}/Cargo.toml"), warnings) {
            manifests.push(m);
        }
    }
    for m in &manifests {
        let Some(name) = m
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
        else {
            continue;
        };
        let mut deps = MemberDeps::default();
        fn sections(t: &toml::Table) -> impl Iterator<Item = (&toml::Table, bool)> {
            [
                ("dependencies", true),
                ("dev-dependencies", false),
                ("dev_dependencies", false),
                ("build-dependencies", false),
                ("build_dependencies", false),
            ]
            .into_iter()
            .filter_map(|(key, runtime)| Some((t.get(key)?.as_table()?, runtime)))
        }
        let mut all: Vec<(&toml::Table, bool)> = sections(m).collect();
        if let Some(targets) = m.get("target").and_then(|t| t.as_table()) {
            for t in targets.values().filter_map(|t| t.as_table()) {
                all.extend(sections(t));
            }
        }
        for (table, runtime) in all {
            for (key, spec) in table {
                let package = spec
                    .get("package")
                    .and_then(|p| p.as_str())
                    .unwrap_or(key)
                    .to_owned();
                let optional = spec
                    .get("optional")
                    .and_then(|o| o.as_bool())
                    .unwrap_or(false);
                if runtime && optional {
                    deps.optional.insert(package);
                } else if runtime {
                    deps.runtime.insert(package);
                } else {
                    deps.development.insert(package);
                }
            }
        }
        out.insert(name.to_owned(), deps);
    }
    out
}

/// The scope of every lock entry (by index) reached from the members:
/// runtime through a member's runtime dependencies, else development.
/// Entries no member reaches have none.
pub(crate) fn scopes(
    members: &HashMap<String, MemberDeps>,
    names: &[&str],
    roots: &[usize],
    first_party: &[bool],
    deps: &[Vec<usize>],
) -> Vec<Option<DependencyScope>> {
    let mut scope = vec![None; names.len()];
    if members.is_empty() {
        return scope;
    }
    for s in [
        DependencyScope::Runtime,
        DependencyScope::Optional,
        DependencyScope::Development,
    ] {
        let mut queue: Vec<usize> = Vec::new();
        for &member in roots {
            let declared = members.get(names[member]);
            for &d in &deps[member] {
                let scope = declared.map_or(DependencyScope::Runtime, |m| m.scope_of(names[d]));
                if scope == s {
                    queue.push(d);
                }
            }
        }
        while let Some(k) = queue.pop() {
            if first_party[k] || scope[k].is_some() {
                continue;
            }
            scope[k] = Some(s);
            queue.extend_from_slice(&deps[k]);
        }
    }
    scope
}
