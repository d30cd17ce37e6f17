//! JavaScript: `pnpm-lock.yaml`, lockfile versions 5.x, 6.x and 9.x.
//!
//! Packages are the keys of `packages:`; their name and version come from
//! the entry's `name`/`version` fields when present (git, tarball and
//! `file:` packages), else from the key: `/name/1.0.0_peer` (v5),
//! `/name@1.0.0(peer)` (v6) or `name@1.0.0(peer)` (v9). Direct
//! dependencies are those the root (or an importer) lists. `file:` packages
//! are first-party.

use crate::yaml::{self, Y};
use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, DependencyScope, Ecosystem};
use std::collections::HashSet;

/// The pnpm-lock.yaml extractor.
pub struct PnpmLock;

/// Name and version from a `packages:` key; either may be unknown (a
/// tarball or git key names the package but not its version).
fn from_key(key: &str) -> (Option<String>, Option<String>) {
    let k = key.strip_prefix('/').unwrap_or(key);
    let at = usize::from(k.starts_with('@'));
    let numeric = |v: &str| v.starts_with(|c: char| c.is_ascii_digit());
    // v6/v9 style: name@version(peers), where name is `pkg` or `@scope/pkg`.
    if let Some(i) = k[at..].find('@').map(|i| i + at) {
        let name = &k[..i];
        let slashes = name.matches('/').count();
        if (at == 1 && slashes == 1) || (at == 0 && slashes == 0) {
            let version = k[i + 1..].split('(').next().unwrap_or("");
            return (
                Some(name.to_owned()),
                numeric(version).then(|| version.to_owned()),
            );
        }
    }
    // v5 style: [host/]name/version_peers or [host/]@scope/name/version_peers
    let segments: Vec<&str> = k.split('/').collect();
    let Some((version_seg, head)) = segments.split_last() else {
        return (None, None);
    };
    let version = version_seg.split('_').next().unwrap_or("");
    if !numeric(version) || head.is_empty() {
        return (None, None);
    }
    let name = match head.iter().position(|s| s.starts_with('@')) {
        Some(p) if p + 1 < head.len() => format!("{}/{}", head[p], head[p + 1]),
        _ => head.last().map(|s| (*s).to_owned()).unwrap_or_default(),
    };
    (Some(name), Some(version.to_owned()))
}

/// Each dependency the root or an importer lists, with the scope of its
/// group, as (scope, name, value).
fn importer_deps(doc: &Y) -> Vec<(DependencyScope, String, String)> {
    let mut out = Vec::new();
    let mut add = |section: &Y| {
        for (group, scope) in [
            ("dependencies", DependencyScope::Runtime),
            ("optionalDependencies", DependencyScope::Optional),
            ("devDependencies", DependencyScope::Development),
        ] {
            for (name, v) in section.get(group).map(Y::entries).unwrap_or_default() {
                let raw = v
                    .str()
                    .or_else(|| v.get("version").and_then(Y::str))
                    .unwrap_or("");
                out.push((scope, name.clone(), raw.to_owned()));
            }
        }
    };
    add(doc);
    for (_, importer) in doc.get("importers").map(Y::entries).unwrap_or_default() {
        add(importer);
    }
    out
}

/// pnpm v9 records no `dev` flag: a package's scope follows from the
/// groups of the importers that reach it through the edges, the most
/// needed winning. Packages that carry a flag (v5, v6) keep it.
fn scopes_from_importers(
    components: &mut [Component],
    starts: &[(DependencyScope, String, String)],
    keys: &std::collections::HashMap<String, (String, String)>,
) {
    use std::collections::{HashMap, VecDeque};
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut by_nv: HashMap<(String, String), usize> = HashMap::new();
    for (i, c) in components.iter().enumerate() {
        if c.first_party {
            continue;
        }
        if let Some(v) = &c.version {
            by_nv.entry((c.name.clone(), v.clone())).or_insert(i);
        }
        if let Some(p) = c
            .purl
            .clone()
            .or_else(|| crate::purl_for(Ecosystem::Npm, &c.name, c.version.as_deref()))
        {
            index.insert(p, i);
        }
    }
    let target = |name: &str, value: &str| -> Option<usize> {
        let bare = value.split('(').next().unwrap_or(value);
        let t = keys
            .get(bare)
            .or_else(|| keys.get(&format!("/{bare}")))
            .cloned()
            .or_else(|| dep_target(name, value))?;
        by_nv.get(&t).copied()
    };
    let mut found: Vec<Option<DependencyScope>> = vec![None; components.len()];
    for scope in [
        DependencyScope::Runtime,
        DependencyScope::Optional,
        DependencyScope::Development,
    ] {
        let mut queue: VecDeque<usize> = starts
            .iter()
            .filter(|(s, _, _)| *s == scope)
            .filter_map(|(_, n, v)| target(n, v))
            .collect();
        while let Some(i) = queue.pop_front() {
            if found[i].is_some() {
                continue;
            }
            found[i] = Some(scope);
            for d in &components[i].depends_on {
                if let Some(&t) = index.get(d) {
                    queue.push_back(t);
                }
            }
        }
    }
    for (c, s) in components.iter_mut().zip(found) {
        if c.scope == DependencyScope::Unknown
            && let Some(s) = s
        {
            c.scope = s;
        }
    }
}

/// (name, version) pairs the root or an importer depends on directly.
fn direct_deps(doc: &Y) -> HashSet<(String, String)> {
    let mut out = HashSet::new();
    let mut add = |section: &Y| {
        for group in ["dependencies", "devDependencies", "optionalDependencies"] {
            for (name, v) in section.get(group).map(Y::entries).unwrap_or_default() {
                // v5: name: version ; v6+: name: {specifier, version}
                let raw = v
                    .str()
                    .or_else(|| v.get("version").and_then(Y::str))
                    .unwrap_or("");
                let version = raw
                    .split('(')
                    .next()
                    .unwrap_or(raw)
                    .split('_')
                    .next()
                    .unwrap_or(raw);
                out.insert((name.clone(), version.to_owned()));
            }
        }
    };
    add(doc);
    for (_, importer) in doc.get("importers").map(Y::entries).unwrap_or_default() {
        add(importer);
    }
    out
}

impl Extractor for PnpmLock {
    fn id(&self) -> &'static str {
        "pnpm-lock"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "pnpm-lock.yaml"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        // pnpm 10 writes its own environment (configDependencies, the pnpm
        // version) as a first YAML document, the project's lockfile after
        // `---`: every document is read
        let mut out = Extracted::default();
        let mut keys = std::collections::HashMap::new();
        let mut starts = Vec::new();
        for doc_text in documents(text) {
            let doc = yaml::parse_mapping(&doc_text, "pnpm-lock.yaml")?;
            extract_doc(input, &doc, &mut out, &mut keys);
            starts.extend(importer_deps(&doc));
        }
        resolve_edges(&mut out.components, &keys);
        scopes_from_importers(&mut out.components, &starts, &keys);
        Ok(out)
    }
}

/// The YAML documents of `text`, each as the whole text with the other
/// documents' lines blanked, so that line numbers stay the file's.
fn documents(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut starts = vec![0usize];
    for (i, l) in lines.iter().enumerate() {
        if l.trim_end() == "---" && i > 0 {
            starts.push(i);
        }
    }
    if starts.len() == 1 {
        return vec![text.to_owned()];
    }
    starts.push(lines.len());
    starts
        .windows(2)
        .map(|w| {
            lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    if i >= w[0] && i < w[1] && l.trim_end() != "---" {
                        *l
                    } else {
                        ""
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|d| !d.trim().is_empty())
        .collect()
}

/// The dependency's resolved (name, version) from a dependency value:
/// `1.0.0`, `1.0.0(peer@2)` (v6, v9), `1.0.0_peer` (v5), an alias
/// `npm:real@1.0.0` or `real@1.0.0` (v9), `/real/1.0.0` (v5). `link:`
/// targets are the offering's own and give `None`.
fn dep_target(name: &str, value: &str) -> Option<(String, String)> {
    let v = value.split('(').next().unwrap_or(value);
    if v.starts_with("link:") || v.starts_with("file:") {
        return None;
    }
    let v = v.strip_prefix("npm:").unwrap_or(v);
    if v.starts_with(|c: char| c.is_ascii_digit()) {
        let v = v.split('_').next().unwrap_or(v);
        return Some((name.to_owned(), v.to_owned()));
    }
    match from_key(v) {
        (Some(n), Some(ver)) => Some((n, ver)),
        _ => None,
    }
}

/// Turns each component's dependency (name, value) pairs, recorded in
/// `depends_on` as `name\u{0}value`, into the purl of the version the
/// lockfile resolved, or the bare name when it names no known package.
fn resolve_edges(
    components: &mut [Component],
    keys: &std::collections::HashMap<String, (String, String)>,
) {
    let refs: std::collections::HashMap<(String, String), String> = components
        .iter()
        .filter(|c| !c.first_party)
        .filter_map(|c| {
            let purl = c
                .purl
                .clone()
                .or_else(|| crate::purl_for(Ecosystem::Npm, &c.name, c.version.as_deref()))?;
            Some(((c.name.clone(), c.version.clone()?), purl))
        })
        .collect();
    for c in components.iter_mut() {
        c.depends_on = std::mem::take(&mut c.depends_on)
            .into_iter()
            .filter_map(|d| {
                let (name, value) = d.split_once('\u{0}')?;
                // a git or tarball dependency names the package's key
                let bare = value.split('(').next().unwrap_or(value);
                let by_key = keys
                    .get(bare)
                    .or_else(|| keys.get(&format!("/{bare}")))
                    .cloned();
                Some(match by_key.or_else(|| dep_target(name, value)) {
                    Some(t) => refs.get(&t).cloned().unwrap_or(t.0),
                    None => name.to_owned(),
                })
            })
            .collect();
    }
}

/// The dependencies an entry lists, as `name\u{0}value`.
fn listed_deps(entry: &Y) -> Vec<String> {
    ["dependencies", "optionalDependencies"]
        .iter()
        .flat_map(|f| entry.get(f).map(Y::entries).unwrap_or_default())
        .map(|(k, v)| format!("{k}\u{0}{}", v.str().unwrap_or("")))
        .collect()
}

/// The components of one document.
fn extract_doc(
    input: &Input<'_>,
    doc: &Y,
    out: &mut Extracted,
    keys: &mut std::collections::HashMap<String, (String, String)>,
) {
    {
        let direct = direct_deps(doc);
        // v9 keeps the dependencies of `name@version(peers)` in `snapshots:`
        let mut snapshot_deps: std::collections::HashMap<String, Vec<String>> =
            std::collections::HashMap::new();
        for (key, entry) in doc.get("snapshots").map(Y::entries).unwrap_or_default() {
            let base = key.split('(').next().unwrap_or(key).to_owned();
            snapshot_deps
                .entry(base)
                .or_default()
                .extend(listed_deps(entry));
        }
        for section in ["packages", "importers", "snapshots"] {
            if let Some(v) = doc.get(section)
                && !v.is_map_or_empty()
            {
                out.incomplete.push((
                    Some(v.line),
                    format!(
                        "`{section}:` is not a mapping of entries (the file is damaged or truncated): none of its packages could be read"
                    ),
                ));
            }
        }
        for (key, entry) in doc.get("packages").map(Y::entries).unwrap_or_default() {
            let local = key.starts_with("file:");
            let (key_name, key_version) = from_key(key);
            let name = entry
                .get("name")
                .and_then(Y::str)
                .map(str::to_owned)
                .or(key_name);
            let version = entry
                .get("version")
                .and_then(Y::str)
                .map(str::to_owned)
                .or(key_version);
            let (Some(name), Some(version)) = (name, version) else {
                out.warnings.push((
                    Some(entry.line),
                    format!("cannot tell the name and version of package `{key}`; skipped"),
                ));
                continue;
            };
            keys.insert(key.clone(), (name.clone(), version.clone()));
            let mut c = Component::new(
                Ecosystem::Npm,
                name.clone(),
                Some(version.clone()),
                input.at(Some(entry.line)),
            );
            c.first_party = local;
            c.scope = if entry.get("dev").is_some_and(Y::is_true) {
                DependencyScope::Development
            } else if entry.get("optional").is_some_and(Y::is_true) {
                DependencyScope::Optional
            } else if entry.get("dev").is_some() {
                DependencyScope::Runtime
            } else {
                DependencyScope::Unknown
            };
            let resolution = entry.get("resolution");
            c.checksum = resolution
                .and_then(|r| r.get("integrity"))
                .and_then(Y::str)
                .map(str::to_owned);
            if !local {
                c.direct = Some(
                    direct.contains(&(name.clone(), version.clone()))
                        || direct
                            .iter()
                            .any(|(n, v)| n == &name && key.contains(v.as_str()) && !v.is_empty()),
                );
                let vcs = resolution.and_then(|r| {
                    match (
                        r.get("repo").and_then(Y::str),
                        r.get("commit").and_then(Y::str),
                    ) {
                        (Some(repo), Some(commit)) => Some(format!("{repo}@{commit}")),
                        _ => r
                            .get("tarball")
                            .and_then(Y::str)
                            .filter(|t| t.contains("codeload.github.com"))
                            .map(str::to_owned),
                    }
                });
                if let Some(v) = vcs {
                    c.purl =
                        crate::purl::purl_with_vcs(Ecosystem::Npm, &name, Some(&version), Some(&v));
                }
            }
            let mut deps = listed_deps(entry);
            if let Some(more) = snapshot_deps.get(key.split('(').next().unwrap_or(key)) {
                deps.extend(more.iter().cloned());
            }
            deps.sort();
            deps.dedup();
            c.depends_on = deps;
            out.components.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::from_key;

    fn k(s: &str) -> Option<String> {
        match from_key(s) {
            (Some(n), Some(v)) => Some(format!("{n}@{v}")),
            _ => None,
        }
    }

    #[test]
    fn keys_of_every_lockfile_version() {
        assert_eq!(k("/foo/1.0.0").as_deref(), Some("foo@1.0.0"));
        assert_eq!(k("/@foo/bar/1.0.0").as_deref(), Some("@foo/bar@1.0.0"));
        assert_eq!(
            k("registry.npmjs.org/@foo/bar/1.1.0").as_deref(),
            Some("@foo/bar@1.1.0")
        );
        assert_eq!(
            k("example.com/foo/1.3.0_bar@2.0.0").as_deref(),
            Some("foo@1.3.0")
        );
        assert_eq!(
            k("/foo/1.4.0_@types+babel__core@7.1.14").as_deref(),
            Some("foo@1.4.0")
        );
        assert_eq!(
            k("/@babel/core@7.20.0(supports-color@8.0.0)").as_deref(),
            Some("@babel/core@7.20.0")
        );
        assert_eq!(k("acorn@8.7.0").as_deref(), Some("acorn@8.7.0"));
        assert_eq!(k("/foo/bar"), None);
        assert_eq!(k("invalidpath"), None);
        assert_eq!(k("github.com/kevva/is-positive"), None);
        assert_eq!(
            k("/@typescript-eslint/parser/5.13.0_eslint@8.10.0+typescript@4.6.2").as_deref(),
            Some("@typescript-eslint/parser@5.13.0")
        );
        assert_eq!(
            from_key("ansi-regex@https://codeload.github.com/chalk/ansi-regex/tar.gz/02fa"),
            (Some("ansi-regex".into()), None)
        );
    }
}
