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
    dependencies: Vec<String>,
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
                        keys: header.split(", ").map(|k| unquote(k).to_owned()).collect(),
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
                        let name = body.split([':', ' ']).next().map(unquote).unwrap_or("");
                        if !name.is_empty() {
                            e.dependencies.push(name.to_owned());
                        }
                    }
                }
                _ => {}
            }
        }

        let mut out = Extracted::default();
        for e in entries {
            if e.keys.iter().any(|k| k == "__metadata") {
                continue;
            }
            let (name, first_party) = match &e.resolution {
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
                        Some(real) if real.contains('@') && !real.starts_with('^') => {
                            split_at_name(real).0
                        }
                        _ => alias,
                    };
                    let local = spec.is_some_and(|s| LOCAL.iter().any(|l| s.starts_with(l)))
                        || e.resolved
                            .as_deref()
                            .is_some_and(|r| r.starts_with("file:"));
                    (name.to_owned(), local)
                }
            };
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
            c.depends_on = e.dependencies.clone();
            if !first_party && let Some(vcs) = git_source(&e) {
                c.purl =
                    crate::purl::purl_with_vcs(Ecosystem::Npm, &name, Some(&version), Some(&vcs));
            }
            out.components.push(c);
        }
        Ok(out)
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
