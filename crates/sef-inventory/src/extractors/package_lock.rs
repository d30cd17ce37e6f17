//! JavaScript: `package-lock.json` (lockfile versions 1, 2 and 3) and
//! `npm-shrinkwrap.json`.
//!
//! Version 2 and 3 list every installed package under `packages`, keyed by
//! its install path; entries outside `node_modules` are workspace or
//! `file:` packages (first-party) and `link` entries point at them. Version
//! 1 nests `dependencies`. Aliases (`npm:real@version`, or a `name` field)
//! are reported under the real package name.

use crate::text::JsonLines;
use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, DependencyScope, Ecosystem};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The package-lock / npm-shrinkwrap extractor.
pub struct PackageLock;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Lock {
    #[serde(default)]
    packages: Option<BTreeMap<String, Package>>,
    #[serde(default)]
    dependencies: Option<BTreeMap<String, DepV1>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Package {
    name: Option<String>,
    version: Option<String>,
    resolved: Option<String>,
    integrity: Option<String>,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    dev_optional: bool,
    #[serde(default)]
    link: bool,
    license: Option<serde_json::Value>,
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, String>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, String>,
    #[serde(default)]
    peer_dependencies: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DepV1 {
    version: Option<String>,
    integrity: Option<String>,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    requires: BTreeMap<String, String>,
    #[serde(default)]
    dependencies: BTreeMap<String, DepV1>,
}

impl Extractor for PackageLock {
    fn id(&self) -> &'static str {
        "package-lock"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "package-lock.json" || file_name == "npm-shrinkwrap.json"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let lock: Lock = super::json_locks::object(text, "package-lock")?;
        let mut wanted: Vec<&str> = Vec::new();
        if let Some(p) = &lock.packages {
            wanted.extend(p.keys().map(String::as_str));
        } else if let Some(d) = &lock.dependencies {
            v1_keys(d, &mut wanted);
        }
        let lines = JsonLines::for_strings(text, wanted);
        let mut out = Vec::new();
        if let Some(packages) = &lock.packages {
            v2(input, &lines, packages, &mut out);
        } else if let Some(deps) = &lock.dependencies {
            v1(input, &lines, deps, &[], &mut out);
        }
        Ok(out.into())
    }
}

/// Every package name of a v1 tree (for the line index).
fn v1_keys<'a>(deps: &'a BTreeMap<String, DepV1>, out: &mut Vec<&'a str>) {
    for (k, d) in deps {
        out.push(k);
        v1_keys(&d.dependencies, out);
    }
}

fn scope(dev: bool, optional: bool) -> DependencyScope {
    match (dev, optional) {
        (true, _) => DependencyScope::Development,
        (false, true) => DependencyScope::Optional,
        (false, false) => DependencyScope::Runtime,
    }
}

fn license(v: &Option<serde_json::Value>) -> Option<String> {
    match v {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Object(o)) => {
            o.get("type").and_then(|t| t.as_str()).map(str::to_owned)
        }
        _ => None,
    }
}

fn v2(
    input: &Input<'_>,
    lines: &JsonLines<'_>,
    packages: &BTreeMap<String, Package>,
    out: &mut Vec<Component>,
) {
    let root = packages.get("").map(|p| {
        p.dependencies
            .keys()
            .chain(p.dev_dependencies.keys())
            .chain(p.optional_dependencies.keys())
            .chain(p.peer_dependencies.keys())
            .cloned()
            .collect::<Vec<_>>()
    });
    // key -> the reference an edge to it names (the purl; the name for
    // the offering's own packages), and each component's key
    let mut ref_of: BTreeMap<&str, String> = BTreeMap::new();
    let mut placed: Vec<(usize, &str)> = Vec::new();
    for (key, p) in packages {
        if key.is_empty() || p.link {
            continue;
        }
        let (installed_as, first_party) = match key.rfind("node_modules/") {
            Some(i) => (&key[i + "node_modules/".len()..], false),
            None => (key.rsplit('/').next().unwrap_or(key), true),
        };
        let name = p.name.clone().unwrap_or_else(|| installed_as.to_owned());
        // A git dependency may have no version: the commit pins it.
        let version = p.version.clone().or_else(|| {
            p.resolved
                .as_deref()
                .and_then(|r| r.rsplit_once('#'))
                .map(|(_, commit)| commit.to_owned())
        });
        let git = p.resolved.as_deref().filter(|r| r.starts_with("git"));
        let mut c = Component::new(Ecosystem::Npm, name, version, input.at(lines.line(key)));
        c.first_party = first_party;
        if git.is_some() && !first_party {
            c.purl = crate::purl::purl_with_vcs(Ecosystem::Npm, &c.name, c.version.as_deref(), git);
        }
        c.scope = if p.dev_optional {
            DependencyScope::Development
        } else {
            scope(p.dev, p.optional)
        };
        c.checksum = p.integrity.clone();
        c.license = license(&p.license);
        if !first_party {
            let top_level = key == &format!("node_modules/{installed_as}");
            c.direct = root
                .as_ref()
                .map(|r| top_level && r.iter().any(|d| d == installed_as));
            // node_modules/a/node_modules/b: b is installed for a.
            let chain: Vec<String> = key
                .split("node_modules/")
                .map(|s| s.trim_end_matches('/'))
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            if chain.len() > 1 {
                c.path = chain;
            }
        }
        ref_of.insert(
            key.as_str(),
            if c.first_party {
                c.name.clone()
            } else {
                c.purl
                    .clone()
                    .or_else(|| crate::purl_for(Ecosystem::Npm, &c.name, c.version.as_deref()))
                    .unwrap_or_else(|| c.name.clone())
            },
        );
        placed.push((out.len(), key.as_str()));
        out.push(c);
    }
    // Node's resolution: a dependency of `a/node_modules/b` is the nearest
    // `node_modules/<dep>` from b's folder up to the root; a link (a
    // workspace) stands for its target
    let resolve = |from: &str, dep: &str| -> Option<String> {
        let mut base = from;
        loop {
            let cand = if base.is_empty() {
                format!("node_modules/{dep}")
            } else {
                format!("{base}/node_modules/{dep}")
            };
            if let Some(p) = packages.get(&cand) {
                let target = match (&p.link, &p.resolved) {
                    (true, Some(r)) => r.as_str(),
                    _ => cand.as_str(),
                };
                return Some(
                    ref_of
                        .get(target)
                        .cloned()
                        .unwrap_or_else(|| dep.to_owned()),
                );
            }
            if base.is_empty() {
                return None;
            }
            base = base.rfind("/node_modules/").map_or("", |i| &base[..i]);
        }
    };
    for (i, key) in placed {
        let Some(p) = packages.get(key) else { continue };
        out[i].depends_on = p
            .dependencies
            .keys()
            .chain(p.optional_dependencies.keys())
            .map(|d| resolve(key, d).unwrap_or_else(|| d.clone()))
            .collect();
    }
}

/// Splits a v1 version into (real name, version): `npm:real@1.0.0` for an
/// alias, the commit for a git URL, the version otherwise.
fn v1_version(key: &str, version: &str) -> (String, String) {
    if let Some(alias) = version.strip_prefix("npm:")
        && let Some(at) = alias.rfind('@').filter(|i| *i > 0)
    {
        return (alias[..at].to_owned(), alias[at + 1..].to_owned());
    }
    let git = version.contains("://")
        || version.starts_with("github:")
        || version.starts_with("gitlab:")
        || version.starts_with("bitbucket:");
    if git && let Some((_, commit)) = version.rsplit_once('#') {
        return (key.to_owned(), commit.to_owned());
    }
    (key.to_owned(), version.to_owned())
}

fn v1(
    input: &Input<'_>,
    lines: &JsonLines<'_>,
    deps: &BTreeMap<String, DepV1>,
    parents: &[String],
    out: &mut Vec<Component>,
) {
    for (key, d) in deps {
        let Some(raw_version) = &d.version else {
            continue;
        };
        if raw_version.starts_with("file:") {
            let mut c =
                Component::new(Ecosystem::Npm, key.clone(), None, input.at(lines.line(key)));
            c.first_party = true;
            out.push(c);
            continue;
        }
        let (name, version) = v1_version(key, raw_version);
        let mut c = Component::new(
            Ecosystem::Npm,
            name,
            Some(version),
            input.at(lines.line(key)),
        );
        c.scope = scope(d.dev, d.optional);
        c.checksum = d.integrity.clone();
        // v1 hoists transitive packages to the top level, so only nesting tells.
        c.direct = if parents.is_empty() {
            None
        } else {
            Some(false)
        };
        let mut path = parents.to_vec();
        path.push(key.clone());
        if !parents.is_empty() {
            c.path = path.clone();
        }
        c.depends_on = d.requires.keys().cloned().collect();
        out.push(c);
        v1(input, lines, &d.dependencies, &path, out);
    }
}
