//! JavaScript: `bun.lock` (Bun's text lockfile: JSON with trailing commas).
//!
//! Each `packages` entry is a tuple whose first element is
//! `name@version` (or `name@github:...#commit`, `name@file:...`,
//! `name@workspace:...`); the key is the install path, whose last segment
//! may be an alias.

use crate::text::{JsonLines, json_error, jsonc_to_json};
use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, Ecosystem};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The bun.lock extractor.
pub struct BunLock;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    packages: BTreeMap<String, serde_json::Value>,
}

impl Extractor for BunLock {
    fn id(&self) -> &'static str {
        "bun-lock"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "bun.lock"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let json = jsonc_to_json(text);
        let value: serde_json::Value = serde_json::from_str(&json).map_err(|e| json_error(&e))?;
        if !value.is_object() {
            return Err(ExtractError::at(
                Some(1),
                "not a bun.lock: the top level must be an object",
            ));
        }
        let lock: Lock = serde_json::from_value(value)
            .map_err(|e| ExtractError::msg(format!("not a bun.lock: {e}")))?;
        let lines = JsonLines::for_strings(text, lock.packages.keys().map(String::as_str));
        let mut out = Extracted::default();
        for (key, entry) in &lock.packages {
            let line = lines.line(key);
            let tuple = entry.as_array();
            let Some(spec) = tuple.and_then(|t| t.first()).and_then(|s| s.as_str()) else {
                out.warnings.push((
                    line,
                    format!("package `{key}` is not a `[\"name@version\", ...]` tuple; skipped"),
                ));
                continue;
            };
            let at = usize::from(spec.starts_with('@'));
            let Some(i) = spec[at..].find('@').map(|i| i + at) else {
                out.warnings.push((
                    line,
                    format!("package `{key}`: `{spec}` is not `name@version`; skipped"),
                ));
                continue;
            };
            let (name, version) = (&spec[..i], &spec[i + 1..]);
            let local = ["file:", "workspace:", "link:"]
                .iter()
                .any(|p| version.starts_with(p));
            let (version, vcs) = if local {
                (None, None)
            } else if version.starts_with(|c: char| c.is_ascii_digit()) {
                (Some(version.to_owned()), None)
            } else {
                match version.rsplit_once('#') {
                    Some((url, commit)) => {
                        (Some(commit.to_owned()), Some(format!("{url}@{commit}")))
                    }
                    None => (None, Some(version.to_owned())),
                }
            };
            let mut c = Component::new(Ecosystem::Npm, name, version.clone(), input.at(line));
            c.first_party = local;
            c.checksum = tuple
                .and_then(|t| t.get(3))
                .and_then(|s| s.as_str())
                .filter(|s| s.starts_with("sha"))
                .map(str::to_owned);
            if let Some(v) = vcs {
                c.purl =
                    crate::purl::purl_with_vcs(Ecosystem::Npm, name, version.as_deref(), Some(&v));
            }
            if let Some(meta) = tuple.and_then(|t| t.iter().find(|x| x.is_object())) {
                for group in ["dependencies", "optionalDependencies"] {
                    if let Some(deps) = meta.get(group).and_then(|d| d.as_object()) {
                        c.depends_on.extend(deps.keys().cloned());
                    }
                }
            }
            out.components.push(c);
        }
        Ok(out)
    }
}
