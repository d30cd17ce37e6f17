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
    // uv: extras and dependency groups, each a list of dependencies
    #[serde(default, rename = "optional-dependencies")]
    optional_dependencies: Option<toml::Table>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: Option<toml::Table>,
}

/// One dependency of a uv.lock package: its name, the version when the
/// lock holds several, and the extras it asks for.
struct UvDep {
    name: String,
    version: Option<String>,
    extras: Vec<String>,
}

fn uv_deps(v: Option<&toml::Value>) -> Vec<UvDep> {
    let Some(toml::Value::Array(a)) = v else {
        return Vec::new();
    };
    a.iter()
        .filter_map(|d| {
            let t = d.as_table()?;
            Some(UvDep {
                name: t.get("name")?.as_str()?.to_owned(),
                version: t.get("version").and_then(|v| v.as_str()).map(str::to_owned),
                extras: t
                    .get("extra")
                    .and_then(|e| e.as_array())
                    .map(|e| {
                        e.iter()
                            .filter_map(|x| x.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// PEP 503 normalised name.
fn normalise(name: &str) -> String {
    name.to_ascii_lowercase().replace(['_', '.'], "-")
}

/// uv.lock records no scope per package: it follows from the project's
/// own packages, whose `dependencies` are runtime, `optional-dependencies`
/// (extras) optional and `dev-dependencies` (dependency groups)
/// development, through each package's dependencies (and the extras a
/// dependency asks for). The most needed scope wins. Edges name the
/// resolved version's purl; direct dependencies are the project's.
fn uv_graph(lock: &Lock, out: &mut [Component]) {
    use std::collections::{HashMap, VecDeque};
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in lock.package.iter().enumerate() {
        by_name
            .entry(normalise(p.name.get_ref()))
            .or_default()
            .push(i);
    }
    let target = |d: &UvDep| -> Option<usize> {
        let cands = by_name.get(&normalise(&d.name))?;
        match &d.version {
            Some(v) => cands
                .iter()
                .copied()
                .find(|i| lock.package[*i].version.as_deref() == Some(v.as_str())),
            None => cands.first().copied(),
        }
    };
    let edges_of = |i: usize| -> Vec<(usize, Vec<String>)> {
        uv_deps(lock.package[i].dependencies.as_ref())
            .iter()
            .filter_map(|d| Some((target(d)?, d.extras.clone())))
            .collect()
    };
    let extra_edges = |i: usize, extra: &str| -> Vec<(usize, Vec<String>)> {
        uv_deps(
            lock.package[i]
                .optional_dependencies
                .as_ref()
                .and_then(|t| t.get(extra)),
        )
        .iter()
        .filter_map(|d| Some((target(d)?, d.extras.clone())))
        .collect()
    };
    let refs: Vec<String> = out
        .iter()
        .map(|c| {
            c.purl
                .clone()
                .or_else(|| crate::purl_for(Ecosystem::PyPI, &c.name, c.version.as_deref()))
                .unwrap_or_else(|| c.name.clone())
        })
        .collect();
    for (i, c) in out.iter_mut().enumerate() {
        let mut deps: Vec<String> = edges_of(i)
            .into_iter()
            .map(|(t, _)| refs[t].clone())
            .collect();
        if c.first_party {
            for table in [
                &lock.package[i].optional_dependencies,
                &lock.package[i].dev_dependencies,
            ] {
                for v in table.iter().flat_map(|t| t.values()) {
                    deps.extend(
                        uv_deps(Some(v))
                            .iter()
                            .filter_map(|d| target(d).map(|t| refs[t].clone())),
                    );
                }
            }
        }
        deps.sort();
        deps.dedup();
        c.depends_on = deps;
    }
    let roots: Vec<usize> = (0..out.len()).filter(|i| out[*i].first_party).collect();
    if roots.is_empty() {
        return;
    }
    let mut scope = vec![DependencyScope::Unknown; out.len()];
    let mut direct = vec![false; out.len()];
    for (s, starts) in [
        (
            DependencyScope::Runtime,
            roots.iter().flat_map(|r| edges_of(*r)).collect::<Vec<_>>(),
        ),
        (
            DependencyScope::Optional,
            roots
                .iter()
                .flat_map(|r| {
                    let t = lock.package[*r]
                        .optional_dependencies
                        .clone()
                        .unwrap_or_default();
                    t.keys()
                        .flat_map(|k| extra_edges(*r, k))
                        .collect::<Vec<_>>()
                })
                .collect(),
        ),
        (
            DependencyScope::Development,
            roots
                .iter()
                .flat_map(|r| {
                    let t = lock.package[*r]
                        .dev_dependencies
                        .clone()
                        .unwrap_or_default();
                    t.values()
                        .flat_map(|v| uv_deps(Some(v)))
                        .filter_map(|d| Some((target(&d)?, d.extras)))
                        .collect::<Vec<_>>()
                })
                .collect(),
        ),
    ] {
        let mut queue: VecDeque<(usize, Vec<String>)> = VecDeque::new();
        for (t, extras) in starts {
            direct[t] = true;
            queue.push_back((t, extras));
        }
        let mut seen = std::collections::HashSet::new();
        while let Some((i, extras)) = queue.pop_front() {
            if !seen.insert((i, extras.clone())) {
                continue;
            }
            if scope[i] == DependencyScope::Unknown {
                scope[i] = s;
            }
            queue.extend(edges_of(i));
            for e in &extras {
                queue.extend(extra_edges(i, e));
            }
        }
    }
    for (i, c) in out.iter_mut().enumerate() {
        if !c.first_party {
            c.scope = scope[i];
            c.direct = Some(direct[i]);
        }
    }
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
    if matches!(flavour, Flavour::Uv) {
        uv_graph(&lock, &mut out);
    } else {
        // poetry and pdm write a dependency as its requirement names it
        // (`typing_extensions`), the package as normalised
        // (`typing-extensions`): compare by PEP 503.
        super::link_by_name(&mut out, normalise);
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
