//! JavaScript: `yarn.lock`, classic (v1) and Berry (v2+).
//!
//! Both are indentation-structured: an unindented header lists the
//! requested specs of one resolved package, indented fields give its
//! `version`, where it was resolved from and its checksum. The name comes
//! from Berry's `resolution` (or classic's first spec), so aliases such as
//! `alias@npm:real@^1` report the real package. Workspace, `file:`, `link:`
//! and `portal:` packages (and Berry `linkType: soft`) are first-party.

use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, Ecosystem};

/// The yarn.lock extractor.
pub struct YarnLock;

#[derive(Default)]
struct Entry {
    line: u32,
    keys: Vec<String>,
    version: Option<String>,
    resolved: Option<String>,
    resolution: Option<String>,
    checksum: Option<String>,
    soft_link: bool,
    /// (name, range) as the entry lists them.
    dependencies: Vec<(String, String)>,
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(s)
}

/// Splits `name@rest` where a leading `@` belongs to a scope.
fn split_at_name(spec: &str) -> (&str, Option<&str>) {
    let from = usize::from(spec.starts_with('@'));
    match spec[from..].find('@') {
        Some(i) => (&spec[..from + i], Some(&spec[from + i + 1..])),
        None => (spec, None),
    }
}

const LOCAL: &[&str] = &["workspace:", "file:", "link:", "portal:"];

impl Extractor for YarnLock {
    fn id(&self) -> &'static str {
        "yarn-lock"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "yarn.lock"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let mut entries: Vec<Entry> = Vec::new();
        let mut in_deps = false;
        for (i, line) in text.lines().enumerate() {
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let trimmed = line.trim_end();
            if trimmed.trim_start().starts_with('#') || trimmed.trim().is_empty() {
                continue;
            }
            let indent = trimmed.len() - trimmed.trim_start().len();
            let body = trimmed.trim_start();
            match indent {
                0 => {
                    let Some(header) = body.strip_suffix(':') else {
                        return Err(ExtractError::at(
                            Some(n),
                            format!(
                                "not a yarn.lock: expected an entry header ending in `:`, found `{body}`"
                            ),
                        ));
                    };
                    in_deps = false;
                    entries.push(Entry {
                        line: n,
                        // Berry quotes the whole list, classic each spec
                        keys: header
                            .split(", ")
                            .map(|k| k.trim().trim_matches('"').to_owned())
                            .collect(),
                        ..Entry::default()
                    });
                }
                2 => {
                    let Some(e) = entries.last_mut() else {
                        return Err(ExtractError::at(
                            Some(n),
                            "not a yarn.lock: a field before any entry",
                        ));
                    };
                    let (key, value) = match body.split_once(": ") {
                        Some((k, v)) => (k, v),
                        None => match body.split_once(' ') {
                            Some((k, v)) => (k, v),
                            None => (body.trim_end_matches(':'), ""),
                        },
                    };
                    let key = unquote(key);
                    let value = unquote(value);
                    in_deps =
                        matches!(key, "dependencies" | "optionalDependencies") && value.is_empty();
                    match key {
                        "version" => e.version = Some(value.to_owned()),
                        "resolved" => e.resolved = Some(value.to_owned()),
                        "resolution" => e.resolution = Some(value.to_owned()),
                        "integrity" | "checksum" => e.checksum = Some(value.to_owned()),
                        "linkType" => e.soft_link = value == "soft",
                        _ => {}
                    }
                }
                4 if in_deps => {
                    if let Some(e) = entries.last_mut() {
                        // classic: `name "range"`; Berry: `name: range`
                        let (name, range) = match body.split_once(": ") {
                            Some((n, r)) => (n, r),
                            None => body.split_once(' ').unwrap_or((body, "")),
                        };
                        let name = unquote(name);
                        if !name.is_empty() {
                            e.dependencies
                                .push((name.to_owned(), unquote(range).to_owned()));
                        }
                    }
                }
                _ => {}
            }
        }

        // each requested spec (`name@range`) -> its entry, so that an edge
        // goes to the version resolved for that range
        let mut by_spec: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            for k in &e.keys {
                by_spec.insert(k.as_str(), i);
            }
        }
        let refs: Vec<Option<String>> = entries.iter().map(package_ref).collect();
        let resolve = |name: &str, range: &str| -> String {
            let found = by_spec
                .get(format!("{name}@{range}").as_str())
                .or_else(|| by_spec.get(format!("{name}@npm:{range}").as_str()));
            found
                .and_then(|i| refs[*i].clone())
                .unwrap_or_else(|| name.to_owned())
        };
        let resolved_deps: Vec<Vec<String>> = entries
            .iter()
            .map(|e| e.dependencies.iter().map(|(n, r)| resolve(n, r)).collect())
            .collect();
        let mut out = Extracted::default();
        // Berry lists each workspace as `name@workspace:path`.
        let workspaces: Vec<String> = entries
            .iter()
            .filter_map(|e| e.resolution.as_deref())
            .filter_map(|r| split_at_name(r).1?.strip_prefix("workspace:"))
            .map(str::to_owned)
            .collect();
        let mut component_of: Vec<Option<usize>> = vec![None; entries.len()];
        for (idx, (e, deps)) in entries.iter().zip(resolved_deps).enumerate() {
            if e.keys.iter().any(|k| k == "__metadata") {
                continue;
            }
            let (name, first_party) = name_of(e);
            let Some(version) = e.version.clone() else {
                out.warnings.push((
                    Some(e.line),
                    format!("entry `{}` has no version; skipped", e.keys.join(", ")),
                ));
                continue;
            };
            let mut c = Component::new(
                Ecosystem::Npm,
                name.clone(),
                Some(version.clone()),
                input.at(Some(e.line)),
            );
            c.first_party = first_party;
            c.checksum = e.checksum.clone();
            c.depends_on = deps;
            if !first_party && let Some(vcs) = git_source(e) {
                c.purl =
                    crate::purl::purl_with_vcs(Ecosystem::Npm, &name, Some(&version), Some(&vcs));
            }
            component_of[idx] = Some(out.components.len());
            out.components.push(c);
        }
        // yarn.lock records no scope: the manifests beside it do.
        let declared = super::npm_manifest::declared(input, &workspaces, &mut out.warnings);
        super::npm_manifest::assign_scopes(&mut out.components, &declared, |name, range| {
            let found = by_spec
                .get(format!("{name}@{range}").as_str())
                .or_else(|| by_spec.get(format!("{name}@npm:{range}").as_str()))?;
            component_of[*found]
        });
        Ok(out)
    }
}

/// The entry's name and whether it is the offering's own (workspace, file,
/// link or portal).
fn name_of(e: &Entry) -> (String, bool) {
    match &e.resolution {
        Some(res) => {
            let (name, rest) = split_at_name(res);
            (
                name.to_owned(),
                rest.is_some_and(|r| LOCAL.iter().any(|l| r.starts_with(l))) || e.soft_link,
            )
        }
        None => {
            let key = e.keys.first().map(String::as_str).unwrap_or("");
            let (alias, spec) = split_at_name(key);
            let name = match spec.and_then(|s| s.strip_prefix("npm:")) {
                Some(real) if real.contains('@') && !real.starts_with('^') => split_at_name(real).0,
                _ => alias,
            };
            let local = spec.is_some_and(|s| LOCAL.iter().any(|l| s.starts_with(l)))
                || e.resolved
                    .as_deref()
                    .is_some_and(|r| r.starts_with("file:"));
            (name.to_owned(), local)
        }
    }
}

/// The purl an edge to this entry names: the one the component gets.
fn package_ref(e: &Entry) -> Option<String> {
    let (name, first_party) = name_of(e);
    let version = e.version.as_deref()?;
    if first_party {
        return None;
    }
    match git_source(e) {
        Some(vcs) => crate::purl::purl_with_vcs(Ecosystem::Npm, &name, Some(version), Some(&vcs)),
        None => crate::purl_for(Ecosystem::Npm, &name, Some(version)),
    }
}

/// The git URL and commit a package was resolved from, if any.
fn git_source(e: &Entry) -> Option<String> {
    if let Some(res) = &e.resolution {
        let (_, rest) = split_at_name(res);
        let rest = rest?;
        let (url, frag) = rest.split_once('#')?;
        let commit = frag
            .strip_prefix("commit=")
            .or_else(|| frag.strip_prefix("commit:"))?;
        return Some(format!("{url}@{commit}"));
    }
    let r = e.resolved.as_deref()?;
    if r.starts_with("git") || r.starts_with("ssh:") || r.contains("codeload.github.com") {
        return Some(r.replacen('#', "@", 1));
    }
    None
}
