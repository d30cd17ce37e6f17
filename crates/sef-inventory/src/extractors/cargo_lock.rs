//! Rust: `Cargo.lock`, versions 1 to 4.
//!
//! Packages without a `source` are workspace members or path dependencies:
//! first-party. Direct dependencies are those a first-party package depends
//! on. Version 1 lockfiles keep checksums in a `[metadata]` table.

use crate::text::{LineIndex, toml_error};
use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, DependencyScope, Ecosystem};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use toml::Spanned;

/// The `Cargo.lock` extractor.
pub struct CargoLock;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<Package>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Package {
    name: Spanned<String>,
    version: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    checksum: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

impl Extractor for CargoLock {
    fn id(&self) -> &'static str {
        "cargo-lock"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "Cargo.lock"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let lock: Lock = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        let lines = LineIndex::new(text.as_bytes());

        // A dependency entry is "name", "name version" or "name version (source)".
        let key_of = |dep: &str| -> String {
            let mut parts = dep.split_whitespace();
            let name = parts.next().unwrap_or_default();
            match parts.next() {
                Some(v) => format!("{name} {v}"),
                None => name.to_owned(),
            }
        };
        let by_name: BTreeMap<&str, Vec<&Package>> =
            lock.package.iter().fold(BTreeMap::new(), |mut m, p| {
                m.entry(p.name.get_ref().as_str())
                    .or_insert_with(Vec::new)
                    .push(p);
                m
            });
        let resolve = |dep: &str| -> Option<String> {
            let key = key_of(dep);
            if key.contains(' ') {
                Some(key)
            } else {
                // A bare name is unambiguous by construction.
                by_name
                    .get(key.as_str())
                    .and_then(|v| v.first())
                    .map(|p| format!("{} {}", p.name.get_ref(), p.version))
            }
        };

        // Breadth-first from the first-party packages gives direct deps and a path.
        let first_party: BTreeSet<String> = lock
            .package
            .iter()
            .filter(|p| p.source.is_none())
            .map(|p| format!("{} {}", p.name.get_ref(), p.version))
            .collect();
        let deps_of: BTreeMap<String, Vec<String>> = lock
            .package
            .iter()
            .map(|p| {
                (
                    format!("{} {}", p.name.get_ref(), p.version),
                    p.dependencies.iter().filter_map(|d| resolve(d)).collect(),
                )
            })
            .collect();
        let mut path_to: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut queue: VecDeque<String> = VecDeque::new();
        for root in &first_party {
            for d in deps_of.get(root).into_iter().flatten() {
                if !first_party.contains(d) && !path_to.contains_key(d) {
                    path_to.insert(d.clone(), vec![name_of(d).to_owned()]);
                    queue.push_back(d.clone());
                }
            }
        }
        while let Some(k) = queue.pop_front() {
            let base = path_to.get(&k).cloned().unwrap_or_default();
            for d in deps_of.get(&k).into_iter().flatten() {
                if !first_party.contains(d) && !path_to.contains_key(d) {
                    let mut p = base.clone();
                    p.push(name_of(d).to_owned());
                    path_to.insert(d.clone(), p);
                    queue.push_back(d.clone());
                }
            }
        }

        let mut out = Vec::with_capacity(lock.package.len());
        for p in &lock.package {
            let name = p.name.get_ref().clone();
            let key = format!("{name} {}", p.version);
            let line = lines.line(p.name.span().start);
            let mut c = Component::new(
                Ecosystem::CratesIo,
                name.clone(),
                Some(p.version.clone()),
                input.at(line),
            );
            c.first_party = p.source.is_none();
            c.scope = DependencyScope::Unknown;
            c.checksum = p.checksum.clone().or_else(|| {
                p.source.as_ref().and_then(|s| {
                    lock.metadata
                        .get(&format!("checksum {name} {} ({s})", p.version))
                        .cloned()
                })
            });
            if !c.first_party {
                match path_to.get(&key) {
                    Some(path) => {
                        c.direct = Some(path.len() == 1);
                        c.path = path.clone();
                    }
                    // Unreachable from the workspace (e.g. a lockfile with no members).
                    None => {
                        c.direct = if first_party.is_empty() {
                            None
                        } else {
                            Some(false)
                        }
                    }
                }
            }
            c.depends_on = deps_of
                .get(&key)
                .map(|v| v.iter().map(|d| name_of(d).to_owned()).collect())
                .unwrap_or_default();
            out.push(c);
        }
        Ok(out.into())
    }
}

fn name_of(key: &str) -> &str {
    key.split(' ').next().unwrap_or(key)
}
