//! Lockfiles in JSON with a flat package list: `Pipfile.lock` (Python) and
//! `composer.lock` (PHP).

use crate::text::{JsonLines, json_error};
use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, DependencyScope, Ecosystem};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Parses JSON and insists on an object at the top level.
pub(crate) fn object<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
) -> Result<T, ExtractError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    if !value.is_object() {
        return Err(ExtractError::at(
            Some(1),
            format!("not a {what}: the top level must be a JSON object"),
        ));
    }
    serde_json::from_value(value).map_err(|e| ExtractError::msg(format!("not a {what}: {e}")))
}

/// `Pipfile.lock`.
pub struct PipfileLock;

#[derive(Deserialize)]
struct Pipfile {
    #[serde(default)]
    default: BTreeMap<String, PipEntry>,
    #[serde(default)]
    develop: BTreeMap<String, PipEntry>,
}

#[derive(Deserialize)]
struct PipEntry {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    hashes: Vec<String>,
    #[serde(default)]
    git: Option<String>,
    #[serde(rename = "ref", default)]
    git_ref: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    editable: Option<bool>,
}

impl Extractor for PipfileLock {
    fn id(&self) -> &'static str {
        "pipfile-lock"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "Pipfile.lock"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let lock: Pipfile = object(text, "Pipfile.lock")?;
        let lines = JsonLines::for_strings(
            text,
            lock.default
                .keys()
                .chain(lock.develop.keys())
                .map(String::as_str),
        );
        let mut out = Vec::new();
        for (group, scope) in [
            (&lock.default, DependencyScope::Runtime),
            (&lock.develop, DependencyScope::Development),
        ] {
            for (name, e) in group {
                // "==1.2.3" is the only form Pipfile.lock writes for index packages.
                let version = e
                    .version
                    .as_deref()
                    .map(|v| v.trim_start_matches("==").to_owned());
                let first_party = e.path.is_some() || e.editable == Some(true) && e.git.is_none();
                let mut c = Component::new(
                    Ecosystem::PyPI,
                    name.clone(),
                    version,
                    input.at(lines.line(name)),
                );
                c.scope = scope;
                c.first_party = first_party;
                c.direct = None;
                c.checksum = e.hashes.first().cloned();
                if let (Some(git), false) = (&e.git, first_party) {
                    let vcs = match &e.git_ref {
                        Some(r) => format!("git+{git}@{r}"),
                        None => format!("git+{git}"),
                    };
                    if c.version.is_none() {
                        c.version = e.git_ref.clone();
                    }
                    c.purl = crate::purl::purl_with_vcs(
                        Ecosystem::PyPI,
                        name,
                        c.version.as_deref(),
                        Some(&vcs),
                    );
                }
                out.push(c);
            }
        }
        Ok(out.into())
    }
}

/// `composer.lock`.
pub struct ComposerLock;

#[derive(Deserialize)]
struct Composer {
    #[serde(default)]
    packages: Vec<ComposerPackage>,
    #[serde(default, rename = "packages-dev")]
    packages_dev: Vec<ComposerPackage>,
}

#[derive(Deserialize)]
struct ComposerPackage {
    name: String,
    version: String,
    #[serde(default)]
    license: Vec<String>,
    #[serde(default)]
    dist: Option<ComposerDist>,
    #[serde(default)]
    require: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct ComposerDist {
    #[serde(default)]
    shasum: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
}

impl Extractor for ComposerLock {
    fn id(&self) -> &'static str {
        "composer-lock"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "composer.lock"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let lock: Composer = object(text, "composer.lock")?;
        let lines = JsonLines::for_strings(
            text,
            lock.packages
                .iter()
                .chain(&lock.packages_dev)
                .map(|p| p.name.as_str()),
        );
        let mut out = Vec::new();
        for (group, scope) in [
            (&lock.packages, DependencyScope::Runtime),
            (&lock.packages_dev, DependencyScope::Development),
        ] {
            for p in group {
                let mut c = Component::new(
                    Ecosystem::Packagist,
                    p.name.clone(),
                    Some(p.version.clone()),
                    input.at(lines.line(&p.name)),
                );
                c.scope = scope;
                c.first_party = p.dist.as_ref().and_then(|d| d.kind.as_deref()) == Some("path");
                c.checksum = p
                    .dist
                    .as_ref()
                    .and_then(|d| d.shasum.clone())
                    .filter(|s| !s.is_empty());
                c.license = (!p.license.is_empty()).then(|| p.license.join(" OR "));
                // Platform requirements (php, ext-*) are not packages.
                c.depends_on = p
                    .require
                    .keys()
                    .filter(|k| k.contains('/'))
                    .cloned()
                    .collect();
                out.push(c);
            }
        }
        // Composer names are case-insensitive.
        super::link_by_name(&mut out, str::to_ascii_lowercase);
        let direct = super::manifest_roots::composer(input);
        super::manifest_roots::mark(&mut out, &direct, str::to_ascii_lowercase);
        Ok(out.into())
    }
}
