//! Rust: `Cargo.lock`, versions 1 to 4.
//!
//! Packages without a `source` are workspace members or path dependencies:
//! first-party. Direct dependencies are those a first-party package depends
//! on. Version 1 lockfiles keep checksums in a `[metadata]` table.

use crate::text::{LineIndex, toml_error};
use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, DependencyScope, Ecosystem};
use serde::Deserialize;
use std::collections::{BTreeMap, VecDeque};
use toml::Spanned;

/// The `Cargo.lock` extractor.
pub struct CargoLock;

#[derive(Deserialize, Debug, PartialEq)]
struct Lock {
    #[serde(default)]
    package: Vec<Package>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
}

#[derive(Deserialize, Debug, PartialEq)]
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
        let lock = match fast::parse(text) {
            Some(lock) => lock,
            None => toml::from_str(text).map_err(|e| toml_error(text, &e))?,
        };
        let lines = LineIndex::new(text.as_bytes());
        let packages = &lock.package;
        let graph = Graph::of(packages);

        // Breadth-first from the first-party packages (in name, version
        // order) gives direct dependencies and each one's path: `via[i]`
        // is the package i was first reached from (`None` for a direct
        // dependency of the workspace).
        let mut via: Vec<Option<Option<usize>>> = vec![None; packages.len()];
        let mut queue: VecDeque<usize> = VecDeque::new();
        for &root in &graph.roots {
            for &d in &graph.deps[root] {
                if !graph.first_party[d] && via[d].is_none() {
                    via[d] = Some(None);
                    queue.push_back(d);
                }
            }
        }
        while let Some(k) = queue.pop_front() {
            for &d in &graph.deps[k] {
                if !graph.first_party[d] && via[d].is_none() {
                    via[d] = Some(Some(k));
                    queue.push_back(d);
                }
            }
        }
        let path_of = |mut i: usize| -> Vec<String> {
            let mut path = vec![packages[i].name.get_ref().clone()];
            while let Some(Some(from)) = via[i] {
                path.push(packages[from].name.get_ref().clone());
                i = from;
            }
            path.reverse();
            path
        };

        let mut out = Vec::with_capacity(packages.len());
        for (i, p) in packages.iter().enumerate() {
            let name = p.name.get_ref().clone();
            let line = lines.line(p.name.span().start);
            let mut c = Component::new(
                Ecosystem::CratesIo,
                name.clone(),
                Some(p.version.clone()),
                input.at(line),
            );
            c.first_party = graph.first_party[i];
            c.scope = DependencyScope::Unknown;
            c.checksum = p.checksum.clone().or_else(|| {
                p.source.as_ref().and_then(|s| {
                    lock.metadata
                        .get(&format!("checksum {name} {} ({s})", p.version))
                        .cloned()
                })
            });
            // A git source is not the crates.io release of the same name
            // and version: the purl says where it came from.
            if let Some(git) = p.source.as_deref().and_then(|s| s.strip_prefix("git+")) {
                let (url, commit) = git.split_once('#').unwrap_or((git, ""));
                let url = url.split('?').next().unwrap_or(url);
                let vcs = if commit.is_empty() {
                    format!("git+{url}")
                } else {
                    format!("git+{url}@{commit}")
                };
                c.purl = crate::purl::purl_with_vcs(
                    Ecosystem::CratesIo,
                    &name,
                    Some(&p.version),
                    Some(&vcs),
                );
            }
            if !c.first_party {
                if c.purl.is_none() {
                    // once, here: the edges below name it, and the scan
                    // keeps a purl it finds set
                    c.purl = crate::purl::purl_for(c.ecosystem, &c.name, c.version.as_deref());
                }
                if via[i].is_some() {
                    c.path = path_of(i);
                    c.direct = Some(c.path.len() == 1);
                } else {
                    // Unreachable from the workspace (e.g. a lockfile with no members).
                    c.direct = (!graph.roots.is_empty()).then_some(false);
                }
            }
            out.push(c);
        }
        // Cargo.lock records no scope: the workspace's Cargo.toml files do.
        let mut warnings = Vec::new();
        let members = super::cargo_manifest::members(input, &mut warnings);
        let names: Vec<&str> = packages.iter().map(|p| p.name.get_ref().as_str()).collect();
        let scopes = super::cargo_manifest::scopes(
            &members,
            &names,
            &graph.roots,
            &graph.first_party,
            &graph.deps,
        );
        // An edge names the exact package the lock resolved, by its purl;
        // a first-party target by its name.
        let targets: Vec<String> = out
            .iter()
            .map(|c| match (&c.purl, c.first_party) {
                (Some(purl), false) => purl.clone(),
                _ => c.name.clone(),
            })
            .collect();
        for ((c, scope), deps) in out.iter_mut().zip(scopes).zip(&graph.deps) {
            if let Some(s) = scope {
                c.scope = s;
            }
            c.depends_on = deps.iter().map(|&d| targets[d].clone()).collect();
        }
        let mut extracted: Extracted = out.into();
        extracted.warnings = warnings;
        Ok(extracted)
    }
}

/// The lockfile's dependency graph, by package index.
struct Graph {
    /// Packages without a source: workspace members and path dependencies.
    first_party: Vec<bool>,
    /// The first-party packages, in (name, version) order.
    roots: Vec<usize>,
    /// Each package's dependencies that name a package of the lockfile.
    deps: Vec<Vec<usize>>,
}

impl Graph {
    fn of(packages: &[Package]) -> Graph {
        use std::collections::HashMap;
        // (name, version) -> the packages of that name and version (more
        // than one only when they come from different sources); name -> the
        // first package of that name (a bare name is unambiguous by
        // construction)
        let mut by_key: HashMap<(&str, &str), Vec<usize>, foldhash::fast::RandomState> =
            HashMap::with_capacity_and_hasher(
                packages.len(),
                foldhash::fast::RandomState::default(),
            );
        let mut by_name: HashMap<&str, usize, foldhash::fast::RandomState> =
            HashMap::with_capacity_and_hasher(
                packages.len(),
                foldhash::fast::RandomState::default(),
            );
        for (i, p) in packages.iter().enumerate() {
            let name = p.name.get_ref().as_str();
            by_key
                .entry((name, p.version.as_str()))
                .or_default()
                .push(i);
            by_name.entry(name).or_insert(i);
        }
        // A dependency entry is "name", "name version" or "name version (source)".
        let resolve = |dep: &str| -> Option<usize> {
            let mut parts = dep.splitn(3, ' ');
            let name = parts.next().unwrap_or_default();
            let Some(version) = parts.next() else {
                return by_name.get(name).copied();
            };
            let candidates = by_key.get(&(name, version))?;
            let source = parts
                .next()
                .and_then(|s| s.strip_prefix('(')?.strip_suffix(')'));
            source
                .and_then(|s| {
                    candidates
                        .iter()
                        .copied()
                        .find(|&c| packages[c].source.as_deref() == Some(s))
                })
                .or(candidates.last().copied())
        };
        let first_party: Vec<bool> = packages.iter().map(|p| p.source.is_none()).collect();
        let mut roots: Vec<usize> = (0..packages.len()).filter(|&i| first_party[i]).collect();
        roots.sort_by(|&a, &b| {
            (packages[a].name.get_ref(), &packages[a].version)
                .cmp(&(packages[b].name.get_ref(), &packages[b].version))
        });
        let deps = packages
            .iter()
            .map(|p| p.dependencies.iter().filter_map(|d| resolve(d)).collect())
            .collect();
        Graph {
            first_party,
            roots,
            deps,
        }
    }
}

/// A reader for lockfiles exactly as Cargo writes them: `[[package]]`
/// tables of plain `key = "string"` lines and one-string-per-line
/// `dependencies` arrays, and v1's `[metadata]` checksum table. It gives
/// the same result as the TOML parser at a fraction of the cost; anything
/// else (escapes, inline tables, other sections, hand-edited layouts) makes
/// it give up, and the full TOML parser reads the file instead.
mod fast {
    use super::{Lock, Package};
    use std::collections::BTreeMap;
    use toml::Spanned;

    /// A basic string `"..."` without escapes, and its byte range.
    fn string(text: &str, at: usize) -> Option<(String, std::ops::Range<usize>)> {
        let rest = text.get(at..)?.strip_prefix('"')?;
        let end = rest.find('"')?;
        let inner = &rest[..end];
        if inner.contains('\\') || inner.chars().any(char::is_control) {
            return None;
        }
        Some((inner.to_owned(), at..at + end + 2))
    }

    #[derive(Default)]
    struct Partial {
        name: Option<Spanned<String>>,
        version: Option<String>,
        source: Option<String>,
        checksum: Option<String>,
        dependencies: Vec<String>,
    }

    fn finish(p: Partial) -> Option<Package> {
        Some(Package {
            name: p.name?,
            version: p.version?,
            source: p.source,
            checksum: p.checksum,
            dependencies: p.dependencies,
        })
    }

    pub(super) fn parse(text: &str) -> Option<Lock> {
        enum Section {
            Top,
            Package,
            Metadata,
        }
        let mut section = Section::Top;
        let mut packages = Vec::new();
        let mut metadata = BTreeMap::new();
        let mut current: Option<Partial> = None;
        let mut in_deps = false;
        let mut dep_without_comma = false;
        let mut offset = 0usize;
        for raw in text.split_inclusive('\n') {
            let start = offset;
            offset += raw.len();
            let line = raw.trim_end_matches(['\n', '\r']);
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if in_deps {
                if trimmed == "]" {
                    in_deps = false;
                } else {
                    // TOML needs a comma between elements: one without
                    // must be the last (leave odd layouts to the TOML parser).
                    if dep_without_comma {
                        return None;
                    }
                    dep_without_comma = !trimmed.ends_with(',');
                    let body = trimmed.strip_suffix(',').unwrap_or(trimmed);
                    let (dep, range) = string(text, start + indent)?;
                    if range.end != start + indent + body.len() {
                        return None;
                    }
                    current.as_mut()?.dependencies.push(dep);
                }
                continue;
            }
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if trimmed == "[[package]]" {
                if let Some(p) = current.take() {
                    packages.push(finish(p)?);
                }
                current = Some(Partial::default());
                section = Section::Package;
                continue;
            }
            if trimmed == "[metadata]" {
                if let Some(p) = current.take() {
                    packages.push(finish(p)?);
                }
                section = Section::Metadata;
                continue;
            }
            if trimmed.starts_with('[') {
                return None;
            }
            match section {
                Section::Top => {
                    // `version = 3` and nothing else.
                    let v = trimmed.strip_prefix("version = ")?;
                    if !v.bytes().all(|b| b.is_ascii_digit()) || v.is_empty() {
                        return None;
                    }
                }
                Section::Metadata => {
                    let (key, krange) = string(text, start + indent)?;
                    let rest = text.get(krange.end..start + line.len())?;
                    let vstart = krange.end + rest.find("= \"")? + 2;
                    if rest.get(..3) != Some(" = ") {
                        return None;
                    }
                    let (value, vrange) = string(text, vstart)?;
                    if vrange.end != start + line.len() || metadata.insert(key, value).is_some() {
                        return None;
                    }
                }
                Section::Package => {
                    let p = current.as_mut()?;
                    let (key, rest) = trimmed.split_once(" = ")?;
                    let vstart = start + indent + key.len() + 3;
                    if key == "dependencies" {
                        if rest == "[" {
                            in_deps = true;
                            dep_without_comma = false;
                        } else if rest != "[]" {
                            return None;
                        }
                        if !p.dependencies.is_empty() {
                            return None;
                        }
                        continue;
                    }
                    let (value, range) = string(text, vstart)?;
                    if range.end != start + line.len() {
                        return None;
                    }
                    let slot = match key {
                        "name" => {
                            if p.name.is_some() {
                                return None;
                            }
                            p.name = Some(Spanned::new(range, value));
                            continue;
                        }
                        "version" => &mut p.version,
                        "source" => &mut p.source,
                        "checksum" => &mut p.checksum,
                        _ => return None,
                    };
                    if slot.replace(value).is_some() {
                        return None;
                    }
                }
            }
        }
        if in_deps {
            return None;
        }
        if let Some(p) = current.take() {
            packages.push(finish(p)?);
        }
        Some(Lock {
            package: packages,
            metadata,
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use proptest::prelude::*;

        fn both(text: &str) -> (Option<Lock>, Option<Lock>) {
            (parse(text), toml::from_str::<Lock>(text).ok())
        }

        /// Wherever the fast reader answers, it answers what the TOML
        /// parser answers (spans included).
        fn agrees(text: &str) {
            if let (Some(f), slow) = both(text) {
                assert_eq!(Some(f), slow, "{text}");
            }
        }

        #[test]
        fn a_missing_comma_between_dependencies_is_left_to_toml() {
            let text = "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"0.0\"\ndependencies = [\n \"\"\n\"aa 0.0\",\n]\n";
            assert_eq!(parse(text), None);
            agrees(text);
            let ok = "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"0.0\"\ndependencies = [\n \"b\",\n \"c\"\n]\n";
            assert!(parse(ok).is_some());
            agrees(ok);
        }

        #[test]
        fn real_lockfiles_take_the_fast_path_and_agree() {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
            let mut files = vec![
                root.join("Cargo.lock"),
                root.join("bench/data/real-1000-Cargo.lock"),
            ];
            let fixtures = root.join("../shared/data/lockfiles/cargolock");
            if let Ok(rd) = std::fs::read_dir(&fixtures) {
                files.extend(rd.flatten().map(|e| e.path()));
            }
            let mut fast = 0;
            for f in files {
                let Ok(text) = std::fs::read_to_string(&f) else {
                    continue;
                };
                let (a, b) = both(&text);
                if a.is_some() {
                    fast += 1;
                    assert_eq!(a, b, "{}", f.display());
                }
            }
            assert!(
                fast >= 2,
                "the project's own lockfiles must take the fast path"
            );
        }

        #[test]
        fn v1_metadata_and_edge_layouts() {
            let v1 = "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\ndependencies = [\n \"b 0.1.0 (registry+https://github.com/rust-lang/crates.io-index)\",\n]\n\n[metadata]\n\"checksum a 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)\" = \"abc\"\n";
            assert!(parse(v1).is_some());
            agrees(v1);
            // Escapes, inline arrays, unknown keys and sections go to the
            // TOML parser.
            for odd in [
                "[[package]]\nname = \"a\\u0041\"\nversion = \"1\"\n",
                "[[package]]\nname = \"a\"\nversion = \"1\"\ndependencies = [\"b\"]\n",
                "[[package]]\nname = \"a\"\nversion = \"1\"\nreplace = \"x\"\n",
                "[[package]]\nname = \"a\"\nversion = \"1\"\n[patch.unused]\n",
                "[[package]]\nname = 'a'\nversion = \"1\"\n",
                "[[package]]\nname = \"a\" # c\nversion = \"1\"\n",
                "[[package]]\nname = \"a\"\nname = \"b\"\nversion = \"1\"\n",
                "[[package]]\nversion = \"1\"\n",
            ] {
                assert!(parse(odd).is_none(), "{odd}");
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1000))]
            #[test]
            fn never_disagrees_with_toml(
                pkgs in prop::collection::vec(("[a-z][a-z0-9_-]{0,8}", "[0-9]\\.[0-9]{1,2}", any::<bool>(), prop::collection::vec("[a-z]{1,5}( [0-9]\\.[0-9])?", 0..3)), 0..5),
                noise in "[ \\[\\]=\"#a-z\n\\\\]{0,12}",
                at in any::<prop::sample::Index>(),
            ) {
                let mut text = String::from("version = 3\n");
                for (name, version, reg, deps) in &pkgs {
                    text.push_str(&format!("\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\n"));
                    if *reg {
                        text.push_str("source = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"00ff\"\n");
                    }
                    if !deps.is_empty() {
                        text.push_str("dependencies = [\n");
                        for d in deps {
                            text.push_str(&format!(" \"{d}\",\n"));
                        }
                        text.push_str("]\n");
                    }
                }
                agrees(&text);
                // And with noise spliced in anywhere.
                let cut = at.index(text.len() + 1);
                if text.is_char_boundary(cut) {
                    let mut mutated = text.clone();
                    mutated.insert_str(cut, &noise);
                    agrees(&mutated);
                }
            }
        }
    }
}
