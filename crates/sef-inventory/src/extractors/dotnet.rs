//! .NET: `packages.lock.json` (NuGet lock), `packages.config` and
//! `*.deps.json` (the runtime dependency manifest next to a built app).

use super::json_locks::object;
use crate::text::JsonLines;
use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, DependencyScope, Ecosystem};
use serde::Deserialize;
use std::collections::BTreeMap;

/// `packages.lock.json`.
pub struct NugetLock;

#[derive(Deserialize)]
struct NugetFile {
    #[serde(default)]
    dependencies: BTreeMap<String, BTreeMap<String, NugetDep>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NugetDep {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    resolved: Option<String>,
    #[serde(default)]
    content_hash: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
}

impl Extractor for NugetLock {
    fn id(&self) -> &'static str {
        "nuget-lock"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "packages.lock.json"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let lock: NugetFile = object(text, "packages.lock.json")?;
        let lines = JsonLines::for_strings(
            text,
            lock.dependencies
                .values()
                .flat_map(|d| d.keys())
                .map(String::as_str),
        );
        let mut out = Vec::new();
        // One section per target framework; the same package usually
        // appears in each (per-file dedupe merges them).
        for deps in lock.dependencies.values() {
            for (name, d) in deps {
                let kind = d.kind.as_deref().unwrap_or("");
                let mut c = Component::new(
                    Ecosystem::NuGet,
                    name.clone(),
                    d.resolved.clone(),
                    input.at(lines.line(name)),
                );
                c.first_party = kind == "Project";
                c.direct = match kind {
                    "Direct" => Some(true),
                    "Transitive" | "CentralTransitive" => Some(false),
                    _ => None,
                };
                c.checksum = d.content_hash.clone();
                c.depends_on = d.dependencies.keys().cloned().collect();
                out.push(c);
            }
        }
        Ok(out.into())
    }
}

/// `packages.config`.
pub struct PackagesConfig;

impl Extractor for PackagesConfig {
    fn id(&self) -> &'static str {
        "packages-config"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "packages.config"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let doc = super::xml::parse(text)?;
        let mut out = Extracted::default();
        for node in doc.descendants().filter(|n| n.has_tag_name("package")) {
            let line = super::xml::line(&doc, node);
            let (Some(id), Some(version)) = (node.attribute("id"), node.attribute("version"))
            else {
                out.warnings.push((
                    line,
                    "<package> without both `id` and `version`; skipped".to_owned(),
                ));
                continue;
            };
            let mut c = Component::new(
                Ecosystem::NuGet,
                id,
                Some(version.to_owned()),
                input.at(line),
            );
            c.direct = Some(true);
            c.scope = if node.attribute("developmentDependency") == Some("true") {
                DependencyScope::Development
            } else {
                DependencyScope::Runtime
            };
            out.components.push(c);
        }
        Ok(out)
    }
}

/// `*.deps.json`.
pub struct DepsJson;

#[derive(Deserialize)]
struct DepsFile {
    #[serde(default)]
    libraries: BTreeMap<String, Library>,
}

#[derive(Deserialize)]
struct Library {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    sha512: Option<String>,
}

impl Extractor for DepsJson {
    fn id(&self) -> &'static str {
        "deps-json"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name.ends_with(".deps.json")
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let deps: DepsFile = object(text, "deps.json")?;
        let lines = JsonLines::for_strings(text, deps.libraries.keys().map(String::as_str));
        let mut out = Extracted::default();
        for (key, lib) in &deps.libraries {
            let line = lines.line(key);
            let Some((name, version)) = key.split_once('/') else {
                out.warnings.push((
                    line,
                    format!("library `{key}` is not `name/version`; skipped"),
                ));
                continue;
            };
            let mut c = Component::new(
                Ecosystem::NuGet,
                name,
                Some(version.to_owned()),
                input.at(line),
            );
            c.first_party = lib.kind.as_deref() == Some("project");
            c.checksum = lib.sha512.clone().filter(|s| !s.is_empty());
            out.components.push(c);
        }
        Ok(out)
    }
}
