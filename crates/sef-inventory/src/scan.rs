//! The one directory walk that serves every extractor, and the parallel
//! parse of the files it finds.

use crate::{Extractor, Input, ReadError};
use sef_model::Component;
pub use sef_model::evidence::facts::{Diagnostic, DiagnosticLevel, ScannedFile};
use serde::Serialize;
use std::path::Path;

/// Directories holding other people's installed or vendored code, skipped
/// unless `scan_vendored` is set: their lockfiles describe those packages'
/// own development, not what the offering ships.
pub const VENDORED_DIRS: &[&str] = &[
    "node_modules",
    "vendor",
    "target",
    "bower_components",
    ".venv",
    "venv",
];

/// Settings of one inventory scan.
#[derive(Debug, Clone)]
pub struct InventoryOptions {
    /// Also walk `node_modules`, `vendor`, `target` and virtualenvs.
    pub scan_vendored: bool,
    /// Also walk files excluded by .gitignore.
    pub include_ignored: bool,
    /// Files larger than this are not parsed (a diagnostic says so).
    pub max_file_bytes: u64,
    /// Paths, in `.gitignore` syntax, whose files are read and counted but
    /// whose components are left out (examples, fixtures, documentation).
    pub exclude: Vec<String>,
}

impl Default for InventoryOptions {
    fn default() -> Self {
        InventoryOptions {
            scan_vendored: false,
            include_ignored: false,
            max_file_bytes: 256 * 1024 * 1024,
            exclude: Vec::new(),
        }
    }
}

/// The exclusion matcher of `patterns` (`.gitignore` syntax, relative to
/// the repository root). Patterns the plan loader refused never get here;
/// any other bad one is skipped.
fn exclusion(patterns: &[String]) -> ignore::gitignore::Gitignore {
    let mut b = ignore::gitignore::GitignoreBuilder::new("");
    for p in patterns {
        let _ = b.add_line(None, p);
    }
    b.build()
        .unwrap_or_else(|_| ignore::gitignore::Gitignore::empty())
}

/// Everything one scan found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inventory {
    /// Components, ordered by file, ecosystem, name and version.
    pub components: Vec<Component>,
    /// Files read, in path order.
    pub files: Vec<ScannedFile>,
    /// Problems, in path order.
    pub diagnostics: Vec<Diagnostic>,
    /// Components of excluded files: counted, not inventoried.
    pub excluded_components: usize,
}

/// What one file's parse gives: the file, its components, its problems.
type Parsed = (ScannedFile, Vec<Component>, Vec<Diagnostic>);

/// What the walk's threads found, gathered under one lock.
#[derive(Default)]
struct Found {
    /// Each recognised file and what its parse gave.
    parsed: Vec<(Candidate, Parsed)>,
    /// Buildable Go source files (for the standard library's version).
    go_files: Vec<String>,
    /// Problems of the walk itself.
    diagnostics: Vec<Diagnostic>,
}

struct Candidate {
    path: std::path::PathBuf,
    rel: String,
    extractor: usize,
    excluded: bool,
}

/// Walks `root` and extracts components from every recognised file.
pub fn scan(
    root: &Path,
    extractors: &[Box<dyn Extractor>],
    options: &InventoryOptions,
) -> Inventory {
    let mut inv = Inventory::default();
    let scan_vendored = options.scan_vendored;
    let (walker, refused) = crate::walk::repo_walker(root, options.include_ignored, move |e| {
        let name = e.file_name().to_string_lossy();
        let is_dir = e.file_type().is_some_and(|t| t.is_dir());
        !(is_dir && !scan_vendored && e.depth() > 0 && VENDORED_DIRS.contains(&name.as_ref()))
    });
    let excluded = exclusion(&options.exclude);
    let max_file_bytes = options.max_file_bytes;
    // The walk runs on several threads, and the thread that finds a
    // recognised file parses it there and then: a large lockfile near the
    // root is read while the other threads walk on. What each finds is
    // sorted by path afterwards, so the result does not depend on timing.
    let found = std::sync::Mutex::new(Found::default());
    let lock = || {
        found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    walker.build_parallel().run(|| {
        Box::new(|entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    // a folder that could not be entered hides its lockfiles:
                    // an error (the evidence is partial), not a warning
                    let (file, level, message) = match crate::walk::unreadable(root, &e) {
                        Some((path, why)) => (
                            path,
                            DiagnosticLevel::Error,
                            format!(
                                "could not be read, so nothing under it was inventoried: {why}"
                            ),
                        ),
                        None => (String::new(), DiagnosticLevel::Warning, e.to_string()),
                    };
                    lock().diagnostics.push(Diagnostic {
                        file,
                        line: None,
                        extractor: "walk".into(),
                        level,
                        message,
                    });
                    return ignore::WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return ignore::WalkState::Continue;
            }
            let name = entry.file_name().to_string_lossy();
            let rel = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            if crate::go_modules::is_buildable_go(&rel) {
                if !excluded
                    .matched_path_or_any_parents(&rel, false)
                    .is_ignore()
                {
                    lock().go_files.push(rel);
                }
                return ignore::WalkState::Continue;
            }
            if let Some(i) = extractors.iter().position(|x| x.matches(&name, &rel)) {
                let excluded = excluded
                    .matched_path_or_any_parents(&rel, false)
                    .is_ignore();
                let c = Candidate {
                    path: entry.path().to_owned(),
                    rel,
                    extractor: i,
                    excluded,
                };
                let r = read_one(root, &c, extractors, max_file_bytes);
                lock().parsed.push((c, r));
            }
            ignore::WalkState::Continue
        })
    });
    let Found {
        mut parsed,
        mut go_files,
        diagnostics,
    } = found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    parsed.sort_unstable_by(|a, b| a.0.rel.cmp(&b.0.rel));
    go_files.sort_unstable();
    inv.diagnostics = diagnostics;
    inv.diagnostics
        .sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));

    for (file, why) in refused.take() {
        inv.diagnostics.push(Diagnostic {
            file,
            line: None,
            extractor: "walk".into(),
            level: DiagnosticLevel::Error,
            message: format!("could not be read, so nothing under it was inventoried: {why}"),
        });
    }

    let mut go_mods: Vec<String> = Vec::new();
    for (c, (file, components, diag)) in parsed {
        if !c.excluded && extractors[c.extractor].id() == "go-mod" {
            go_mods.push(c.rel);
        }
        if file.excluded {
            // what an excluded file holds is not the offering's: counted,
            // and its problems are warnings, never a partial inventory
            inv.excluded_components += components.len();
            inv.diagnostics.extend(diag.into_iter().map(|mut d| {
                d.level = DiagnosticLevel::Warning;
                d
            }));
        } else {
            inv.components.extend(components);
            inv.diagnostics.extend(diag);
        }
        inv.files.push(file);
    }
    if !go_mods.is_empty() {
        crate::go_modules::settle_stdlib(
            root,
            &mut inv.components,
            &mut inv.diagnostics,
            &go_mods,
            &go_files,
        );
    }
    inv.files.sort_by(|a, b| a.path.cmp(&b.path));
    inv.diagnostics
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    // A file included by another (requirements `-r`) is also scanned on its
    // own; keep one occurrence of each declaration.
    let mut declared =
        std::collections::HashSet::with_hasher(foldhash::fast::RandomState::default());
    inv.components.retain(|c| {
        declared.insert((
            c.source.file.clone(),
            c.source.line,
            c.name.clone(),
            c.version.clone(),
        ))
    });
    shortest_paths(&mut inv.components);
    inv.components.sort_by(|a, b| {
        (
            &a.source.file,
            a.ecosystem,
            &a.name,
            &a.version,
            a.source.line,
        )
            .cmp(&(
                &b.source.file,
                b.ecosystem,
                &b.name,
                &b.version,
                b.source.line,
            ))
    });
    inv
}

/// Gives every third-party component that has none the shortest chain of
/// package names from a direct dependency to it, through the edges its
/// file records (purls, or names within the file). Formats that record a
/// path themselves (Cargo.lock, nested package-lock) keep theirs.
fn shortest_paths(components: &mut [Component]) {
    use std::collections::{HashMap, VecDeque};
    let mut by_file: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in components.iter().enumerate() {
        by_file.entry(c.source.file.as_str()).or_default().push(i);
    }
    let mut found: Vec<(usize, Vec<String>)> = Vec::new();
    for members in by_file.values() {
        let mut by_ref: HashMap<&str, usize> = HashMap::new();
        for &i in members {
            let c = &components[i];
            if let Some(p) = &c.purl {
                by_ref.entry(p.as_str()).or_insert(i);
            }
            by_ref.entry(c.name.as_str()).or_insert(i);
        }
        let mut parent: HashMap<usize, Option<usize>> = HashMap::new();
        let mut queue: VecDeque<usize> = VecDeque::new();
        for &i in members {
            if components[i].direct == Some(true) && !components[i].first_party {
                parent.insert(i, None);
                queue.push_back(i);
            }
        }
        if queue.is_empty() {
            continue;
        }
        while let Some(i) = queue.pop_front() {
            for d in &components[i].depends_on {
                if let Some(&t) = by_ref.get(d.as_str())
                    && !parent.contains_key(&t)
                    && !components[t].first_party
                {
                    parent.insert(t, Some(i));
                    queue.push_back(t);
                }
            }
        }
        for &i in members {
            if !components[i].path.is_empty() || components[i].first_party {
                continue;
            }
            let Some(mut at) = parent.get(&i).copied() else {
                continue;
            };
            let mut chain = vec![components[i].name.clone()];
            while let Some(p) = at {
                chain.push(components[p].name.clone());
                at = parent.get(&p).copied().flatten();
            }
            chain.reverse();
            found.push((i, chain));
        }
    }
    for (i, chain) in found {
        components[i].path = chain;
    }
}

/// What makes two occurrences the same component.
type DedupeKey = (
    sef_model::Ecosystem,
    String,
    Option<String>,
    bool,
    Option<String>,
    Option<String>,
);

/// Runs one extractor on one file the way a scan does: extract, give
/// every third-party component its purl, and merge repeated occurrences of
/// the same package (same name, version and checksum) into one, keeping the
/// first declaration and the strongest facts (direct wins over transitive,
/// runtime over optional over development).
pub fn extract_file(
    ex: &dyn Extractor,
    input: &Input<'_>,
) -> Result<crate::Extracted, crate::ExtractError> {
    let crate::Extracted {
        components,
        warnings,
        incomplete,
    } = ex.extract(input)?;
    let mut out: Vec<Component> = Vec::with_capacity(components.len());
    let mut seen: std::collections::HashMap<DedupeKey, usize, foldhash::fast::RandomState> =
        std::collections::HashMap::with_hasher(foldhash::fast::RandomState::default());
    for mut c in components {
        if c.purl.is_none() && !c.first_party {
            c.purl = crate::purl_for(c.ecosystem, &c.name, c.version.as_deref());
        }
        let key = (
            c.ecosystem,
            c.name.clone(),
            c.version.clone(),
            c.first_party,
            c.checksum.clone(),
            c.purl.clone(),
        );
        match seen.get(&key) {
            Some(&i) => {
                let kept = &mut out[i];
                if c.direct == Some(true) || kept.direct.is_none() {
                    kept.direct = c.direct.or(kept.direct);
                }
                if scope_rank(c.scope) > scope_rank(kept.scope) {
                    kept.scope = c.scope;
                }
                let shorter = kept.path.is_empty() || c.path.len() < kept.path.len();
                if !c.path.is_empty() && shorter {
                    kept.path = c.path;
                }
            }
            None => {
                seen.insert(key, out.len());
                out.push(c);
            }
        }
    }
    Ok(crate::Extracted {
        components: out,
        warnings,
        incomplete,
    })
}

fn scope_rank(s: sef_model::DependencyScope) -> u8 {
    use sef_model::DependencyScope::*;
    match s {
        Unknown => 0,
        Development => 1,
        Optional => 2,
        Runtime => 3,
    }
}

fn read_one(
    root: &Path,
    c: &Candidate,
    extractors: &[Box<dyn Extractor>],
    limit: u64,
) -> (ScannedFile, Vec<Component>, Vec<Diagnostic>) {
    let ex = &extractors[c.extractor];
    let diag = |line, level, message: String| Diagnostic {
        file: c.rel.clone(),
        line,
        extractor: ex.id().to_owned(),
        level,
        message,
    };
    let failed = |d: Diagnostic| {
        (
            ScannedFile {
                path: c.rel.clone(),
                extractor: ex.id().to_owned(),
                components: 0,
                ok: false,
                excluded: c.excluded,
            },
            Vec::new(),
            vec![d],
        )
    };
    let bytes = match read_bounded(&c.path, limit) {
        Ok(b) => b,
        Err(e) => return failed(diag(None, DiagnosticLevel::Error, e.to_string())),
    };
    // the repository's real path, resolved once for all of this file's
    // includes (a workspace names dozens of member manifests)
    let real_root = std::sync::OnceLock::new();
    let real_root = || {
        real_root
            .get_or_init(|| root.canonicalize().map_err(|e| e.kind()))
            .as_ref()
            .map_err(|&kind| ReadError::Io(kind.into()))
    };
    let include = |from: &str, rel: &str| read_include(root, real_root()?, from, rel, limit);
    let list = |from: &str, rel: &str| match real_root() {
        Ok(real) => list_dirs(root, real, from, rel),
        Err(_) => Vec::new(),
    };
    let input = Input {
        path: &c.rel,
        bytes: &bytes,
        include: Some(&include),
        list_dirs: Some(&list),
    };
    match extract_file(ex.as_ref(), &input) {
        Ok(found) => {
            let warnings = found
                .incomplete
                .into_iter()
                .map(|(line, m)| diag(line, DiagnosticLevel::Error, m))
                .chain(
                    found
                        .warnings
                        .into_iter()
                        .map(|(line, m)| diag(line, DiagnosticLevel::Warning, m)),
                )
                .collect();
            (
                ScannedFile {
                    path: c.rel.clone(),
                    extractor: ex.id().to_owned(),
                    components: found.components.len(),
                    ok: true,
                    excluded: c.excluded,
                },
                found.components,
                warnings,
            )
        }
        Err(e) => failed(diag(e.line, DiagnosticLevel::Error, e.message)),
    }
}

/// Reads at most `limit` bytes of a regular file, or says why not (a FIFO
/// or a device, which an include can name, is refused before it is read).
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    sef_fs::read(path, limit).map_err(|e| match e {
        sef_fs::ReadError::TooLarge { .. } => ReadError::TooLarge { limit },
        sef_fs::ReadError::Io { source, .. } => ReadError::Io(source),
        other => ReadError::Io(std::io::Error::other(other.reason())),
    })
}

/// The sub-folders of `rel` (relative to `from`'s folder), relative to
/// `from`'s folder; nothing outside the repository, no hidden folders and
/// no `node_modules`. At most 10,000.
fn list_dirs(root: &Path, real_root: &Path, from: &str, rel: &str) -> Vec<String> {
    let base = Path::new(from).parent().unwrap_or(Path::new(""));
    let Ok(dir) = root.join(base).join(rel).canonicalize() else {
        return Vec::new();
    };
    if !dir.starts_with(real_root) {
        return Vec::new();
    }
    let Ok(read) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let prefix = rel.trim_end_matches('/');
    let mut out: Vec<String> = read
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.') && n != "node_modules")
        .take(10_000)
        .map(|n| {
            if prefix.is_empty() || prefix == "." {
                n
            } else {
                format!("{prefix}/{n}")
            }
        })
        .collect();
    out.sort();
    out
}

/// Reads a file included by `from` (repository-relative), refusing any
/// path that resolves outside the repository.
fn read_include(
    root: &Path,
    real_root: &Path,
    from: &str,
    rel: &str,
    limit: u64,
) -> Result<(String, Vec<u8>), ReadError> {
    let base = Path::new(from).parent().unwrap_or(Path::new(""));
    let joined = root.join(base).join(rel);
    let real = joined.canonicalize().map_err(|source| ReadError::Include {
        path: rel.to_owned(),
        source,
    })?;
    let inside = real
        .strip_prefix(real_root)
        .map_err(|_| ReadError::Outside {
            path: rel.to_owned(),
        })?;
    let bytes = read_bounded(&real, limit)?;
    Ok((inside.to_string_lossy().replace('\\', "/"), bytes))
}

/// Reads one SBOM file named by the user (CycloneDX 1.4–1.6 or SPDX 2.3
/// JSON, whatever the file's name), at most `limit` bytes, the way a scan
/// reads an SBOM it finds: `label` is the path its components' sources
/// name. An unreadable file, or one that is not such an SBOM, is an error
/// naming the line.
pub fn read_sbom(
    path: &Path,
    label: &str,
    limit: u64,
) -> Result<crate::Extracted, crate::ExtractError> {
    let bytes = read_bounded(path, limit).map_err(|e| crate::ExtractError::msg(e.to_string()))?;
    let input = Input {
        path: label,
        bytes: &bytes,
        include: None,
        list_dirs: None,
    };
    extract_file(&crate::extractors::sbom::SbomJson, &input)
}
