//! Python lockfiles in TOML: `poetry.lock`, `uv.lock` and `pdm.lock`.
//!
//! All three list `[[package]]` tables with a name and a version; they
//! differ in how they mark development packages, local (first-party)
//! packages and version-control sources, which is handled per flavour.

use crate::text::{LineIndex, toml_error};
use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, DependencyScope, Ecosystem};
use serde::Deserialize;
use toml::Spanned;

#[derive(Clone, Copy)]
enum Flavour {
    Poetry,
    Uv,
    Pdm,
}

/// `poetry.lock`.
pub struct PoetryLock;
/// `uv.lock`.
pub struct UvLock;
/// `pdm.lock`.
pub struct PdmLock;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: Spanned<String>,
    #[serde(default)]
    version: Option<String>,
    // poetry
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    optional: Option<bool>,
    // poetry (table) and uv (inline table)
    #[serde(default)]
    source: Option<toml::Table>,
    // poetry 2 and pdm
    #[serde(default)]
    groups: Option<Vec<String>>,
    // pdm
    #[serde(default)]
    git: Option<String>,
    #[serde(default)]
    revision: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    editable: Option<bool>,
    // uv and pdm: an array; poetry: a table keyed by name.
    #[serde(default)]
    dependencies: Option<toml::Value>,
}

fn extract(flavour: Flavour, input: &Input<'_>) -> Result<Extracted, ExtractError> {
    let text = input.text()?;
    let lock: Lock = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
    let lines = LineIndex::new(text.as_bytes());
    let mut out = Vec::with_capacity(lock.package.len());
    for p in &lock.package {
        let line = lines.line(p.name.span().start);
        let name = p.name.get_ref().clone();
        let src = |k: &str| {
            p.source
                .as_ref()
                .and_then(|s| s.get(k))
                .and_then(|v| v.as_str())
        };
        let (first_party, vcs) = match flavour {
            Flavour::Poetry => {
                let ty = src("type").unwrap_or("");
                let vcs = (ty == "git").then(|| {
                    let url = src("url").unwrap_or("");
                    match src("resolved_reference") {
                        Some(r) => format!("git+{url}@{r}"),
                        None => format!("git+{url}"),
                    }
                });
                (matches!(ty, "directory" | "file"), vcs)
            }
            Flavour::Uv => (
                src("editable").is_some()
                    || src("virtual").is_some()
                    || src("directory").is_some()
                    || src("path").is_some(),
                src("git").map(|g| format!("git+{}", g.replacen('#', "@", 1))),
            ),
            Flavour::Pdm => (
                p.path.is_some() || p.editable == Some(true),
                p.git.as_ref().map(|g| match &p.revision {
                    Some(r) => format!("git+{g}@{r}"),
                    None => format!("git+{g}"),
                }),
            ),
        };
        let mut c = Component::new(
            Ecosystem::PyPI,
            name.clone(),
            p.version.clone(),
            input.at(line),
        );
        c.first_party = first_party;
        c.scope = match flavour {
            Flavour::Poetry => {
                if p.optional == Some(true) {
                    DependencyScope::Optional
                } else if p.category.as_deref() == Some("dev") {
                    DependencyScope::Development
                } else if let Some(g) = &p.groups {
                    if g.iter().any(|g| g == "main") {
                        DependencyScope::Runtime
                    } else {
                        DependencyScope::Development
                    }
                } else {
                    DependencyScope::Runtime
                }
            }
            Flavour::Pdm => match &p.groups {
                Some(g) if g.iter().any(|g| g == "default") => DependencyScope::Runtime,
                Some(_) => DependencyScope::Development,
                None => DependencyScope::Unknown,
            },
            Flavour::Uv => DependencyScope::Unknown,
        };
        if let Some(v) = vcs.as_deref().filter(|_| !first_party) {
            c.purl =
                crate::purl::purl_with_vcs(Ecosystem::PyPI, &name, p.version.as_deref(), Some(v));
        }
        let deps: Vec<toml::Value> = match &p.dependencies {
            Some(toml::Value::Array(a)) => a.clone(),
            Some(toml::Value::Table(t)) => {
                t.keys().map(|k| toml::Value::String(k.clone())).collect()
            }
            _ => Vec::new(),
        };
        c.depends_on = deps
            .iter()
            .filter_map(|d| match d {
                toml::Value::String(s) => s
                    .split(|ch: char| {
                        !(ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
                    })
                    .next()
                    .map(str::to_owned),
                toml::Value::Table(t) => t.get("name").and_then(|n| n.as_str()).map(str::to_owned),
                _ => None,
            })
            .filter(|n| !n.is_empty())
            .collect();
        out.push(c);
    }
    Ok(out.into())
}

impl Extractor for PoetryLock {
    fn id(&self) -> &'static str {
        "poetry-lock"
    }
    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "poetry.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        extract(Flavour::Poetry, input)
    }
}

impl Extractor for UvLock {
    fn id(&self) -> &'static str {
        "uv-lock"
    }
    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "uv.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        extract(Flavour::Uv, input)
    }
}

impl Extractor for PdmLock {
    fn id(&self) -> &'static str {
        "pdm-lock"
    }
    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "pdm.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        extract(Flavour::Pdm, input)
    }
}
