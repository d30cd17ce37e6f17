//! `package.json` beside a JavaScript lockfile that records no scope
//! (yarn.lock): the root manifest and its workspaces say which packages
//! are direct and whether each is a runtime (`dependencies`), optional
//! (`optionalDependencies`) or development (`devDependencies`)
//! dependency. Scope then follows the lockfile's edges, the most needed
//! scope winning, as npm and pnpm record it themselves.

use crate::Input;
use sef_model::{Component, DependencyScope};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// One dependency a manifest declares.
pub(crate) struct Declared {
    pub name: String,
    pub range: String,
    pub scope: DependencyScope,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    #[serde(default)]
    dependencies: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    workspaces: Option<serde_json::Value>,
}

/// The workspace folders a root manifest names (`["packages/*"]` or
/// `{"packages": [...]}`), one-level `*` globs expanded.
fn workspace_dirs(
    input: &Input<'_>,
    ws: Option<&serde_json::Value>,
    warnings: &mut Vec<(Option<u32>, String)>,
) -> Vec<String> {
    let patterns: Vec<&str> = match ws {
        Some(serde_json::Value::Array(a)) => a.iter().filter_map(|v| v.as_str()).collect(),
        Some(serde_json::Value::Object(o)) => o
            .get("packages")
            .and_then(|p| p.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for p in patterns {
        let p = p.trim_start_matches("./").trim_end_matches('/');
        if p.starts_with('!') {
            continue;
        }
        match p.strip_suffix("/*") {
            Some(prefix) if !prefix.contains('*') => {
                if let Some(list) = input.list_dirs {
                    out.extend(list(input.path, prefix));
                }
            }
            _ if p.contains('*') => warnings.push((
                None,
                format!("workspace pattern `{p}` is not expanded (only `dir/*` is); the scope of its packages' dependencies may be unknown"),
            )),
            _ => out.push(p.to_owned()),
        }
    }
    out
}

/// Every dependency the root `package.json` and its workspaces'
/// manifests declare, plus those of `extra_dirs` (workspaces the lockfile
/// itself names). Empty when no manifest is beside the lockfile.
pub(crate) fn declared(
    input: &Input<'_>,
    extra_dirs: &[String],
    warnings: &mut Vec<(Option<u32>, String)>,
) -> Vec<Declared> {
    let Some(read) = input.include else {
        return Vec::new();
    };
    let parse = |rel: &str, warnings: &mut Vec<(Option<u32>, String)>| -> Option<Manifest> {
        let (path, bytes) = read(input.path, rel).ok()?;
        match serde_json::from_slice::<Manifest>(&bytes) {
            Ok(m) => Some(m),
            Err(e) => {
                warnings.push((
                    None,
                    format!("{path}: not a package.json sef can read ({e}); the scope of its dependencies is unknown"),
                ));
                None
            }
        }
    };
    let Some(root) = parse("package.json", warnings) else {
        return Vec::new();
    };
    let mut dirs = workspace_dirs(input, root.workspaces.as_ref(), warnings);
    dirs.extend(extra_dirs.iter().cloned());
    dirs.retain(|d| !d.is_empty() && d != ".");
    dirs.sort();
    dirs.dedup();
    let mut manifests = vec![root];
    for d in dirs {
        if let Some(m) = parse(&format!("{d}/package.json"), warnings) {
            manifests.push(m);
        }
    }
    let mut out = Vec::new();
    for m in manifests {
        for (deps, scope) in [
            (m.dependencies, DependencyScope::Runtime),
            (m.optional_dependencies, DependencyScope::Optional),
            (m.dev_dependencies, DependencyScope::Development),
        ] {
            for (name, range) in deps {
                if let Some(range) = range.as_str() {
                    out.push(Declared {
                        name,
                        range: range.to_owned(),
                        scope,
                    });
                }
            }
        }
    }
    out
}

/// Marks direct dependencies and gives every third-party component the
/// most needed scope that reaches it: runtime from `dependencies`, then
/// optional, then development. `target` finds the component a declared
/// dependency resolved to; edges are the components' `depends_on` purls.
pub(crate) fn assign_scopes(
    components: &mut [Component],
    declared: &[Declared],
    target: impl Fn(&str, &str) -> Option<usize>,
) {
    if declared.is_empty() {
        return;
    }
    let by_purl: HashMap<String, usize> = components
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.purl.clone().map(|p| (p, i)))
        .chain(
            components
                .iter()
                .enumerate()
                .filter(|(_, c)| c.purl.is_none())
                .filter_map(|(i, c)| {
                    crate::purl::purl_for(c.ecosystem, &c.name, c.version.as_deref())
                        .map(|p| (p, i))
                }),
        )
        .collect();
    // An edge the lockfile could not resolve by range (a `resolutions`
    // override) names the package; it links to the one version of it.
    let mut by_name: HashMap<&str, Option<usize>> = HashMap::new();
    for (i, c) in components.iter().enumerate() {
        by_name
            .entry(c.name.as_str())
            .and_modify(|v| *v = None)
            .or_insert(Some(i));
    }
    let edge = |d: &str| -> Option<usize> {
        by_purl
            .get(d)
            .copied()
            .or_else(|| by_name.get(d).copied().flatten())
    };
    let mut scope = vec![DependencyScope::Unknown; components.len()];
    let mut direct = vec![false; components.len()];
    for s in [
        DependencyScope::Runtime,
        DependencyScope::Optional,
        DependencyScope::Development,
    ] {
        let mut queue: VecDeque<usize> = declared
            .iter()
            .filter(|d| d.scope == s)
            .filter_map(|d| target(&d.name, &d.range))
            .collect();
        for i in &queue {
            direct[*i] = true;
        }
        while let Some(i) = queue.pop_front() {
            if scope[i] != DependencyScope::Unknown {
                continue;
            }
            scope[i] = s;
            for d in &components[i].depends_on {
                if let Some(j) = edge(d)
                    && scope[j] == DependencyScope::Unknown
                {
                    queue.push_back(j);
                }
            }
        }
    }
    for (i, c) in components.iter_mut().enumerate() {
        if !c.first_party {
            c.scope = scope[i];
            c.direct = Some(direct[i]);
        }
    }
}
