//! Python: pip requirements files (`requirements*.txt`, `*requirements.txt`,
//! `requirements/*.txt`).
//!
//! Handles line continuations, comments, `-r`/`--requirement` includes
//! (relative to the including file, inside the repository, loops detected),
//! extras, environment markers and per-requirement options (`--hash`, ...).
//! Only an exact `==`/`===` pin gives a version; every other requirement is
//! reported as unpinned (version `None`), never dropped. Constraint files
//! (`-c`), editable installs, local paths and bare URLs are not packages
//! from an index and are skipped with a warning.

use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, DependencyScope, Ecosystem};
use std::collections::HashSet;

/// The requirements.txt extractor.
pub struct Requirements;

/// Includes deeper than this are refused (and reported).
const MAX_INCLUDE_DEPTH: usize = 16;

impl Extractor for Requirements {
    fn id(&self) -> &'static str {
        "requirements"
    }

    fn matches(&self, file_name: &str, path: &str) -> bool {
        let lower = file_name.to_ascii_lowercase();
        lower.ends_with(".txt")
            && (lower.starts_with("requirements")
                || lower.ends_with("requirements.txt")
                || path.split('/').rev().nth(1) == Some("requirements"))
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let mut out = Extracted::default();
        let mut visited = HashSet::new();
        visited.insert(input.path.to_owned());
        read(input, &mut visited, 0, &mut out)?;
        Ok(out)
    }
}

fn scope_of(path: &str) -> DependencyScope {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if name.contains("dev")
        || name.contains("test")
        || name.contains("lint")
        || name.contains("doc")
    {
        DependencyScope::Development
    } else {
        DependencyScope::Runtime
    }
}

/// Joins continuation lines; yields (first line number, logical line).
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0u32;
    for (i, raw) in text.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if current.is_empty() {
            start = n;
        }
        match raw.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(raw);
                out.push((start, std::mem::take(&mut current)));
            }
        }
    }
    if !current.trim().is_empty() {
        out.push((start, current));
    }
    out
}

/// Removes a `#` comment: at the start, or preceded by whitespace.
fn strip_comment(line: &str) -> &str {
    let b = line.as_bytes();
    for (i, c) in b.iter().enumerate() {
        if *c == b'#' && (i == 0 || b[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

fn read(
    input: &Input<'_>,
    visited: &mut HashSet<String>,
    depth: usize,
    out: &mut Extracted,
) -> Result<(), ExtractError> {
    let text = input.text()?;
    let scope = scope_of(input.path);
    for (line, logical) in logical_lines(text) {
        let l = strip_comment(&logical).trim();
        if l.is_empty() {
            continue;
        }
        if let Some(target) = include_target(l) {
            include(input, line, target, visited, depth, out);
            continue;
        }
        if l.starts_with('-') {
            // -c constraints, -e editable, -i/--index-url, -f, --hash on its own...
            let what = l.split_whitespace().next().unwrap_or(l);
            if matches!(what, "-c" | "--constraint" | "-e" | "--editable")
                || what.starts_with("--constraint=")
                || what.starts_with("--editable=")
            {
                out.warnings.push((
                    Some(line),
                    format!("`{what}` entry is not a package requirement; skipped"),
                ));
            }
            continue;
        }
        match parse_requirement(l) {
            Some((name, version)) => {
                let mut c = Component::new(Ecosystem::PyPI, name, version, input.at(Some(line)));
                c.scope = scope;
                c.checksum = hash_of(l);
                out.components.push(c);
            }
            None => out
                .warnings
                .push((Some(line), format!("`{l}` is not a requirement sef understands (a path or URL, or malformed); skipped"))),
        }
    }
    Ok(())
}

fn include_target(l: &str) -> Option<&str> {
    for opt in ["-r", "--requirement"] {
        if let Some(rest) = l.strip_prefix(opt) {
            let rest = rest.trim_start_matches('=');
            if rest.starts_with(char::is_whitespace)
                || opt == "--requirement"
                || l.starts_with("-r=")
                || !rest.is_empty()
            {
                let t = rest.trim();
                if !t.is_empty() {
                    return Some(t);
                }
            }
        }
    }
    None
}

fn include(
    input: &Input<'_>,
    line: u32,
    target: &str,
    visited: &mut HashSet<String>,
    depth: usize,
    out: &mut Extracted,
) {
    let Some(reader) = input.include else {
        out.warnings
            .push((Some(line), format!("include `{target}` not followed")));
        return;
    };
    if depth >= MAX_INCLUDE_DEPTH {
        out.warnings.push((
            Some(line),
            format!("include `{target}` nested deeper than {MAX_INCLUDE_DEPTH}; not followed"),
        ));
        return;
    }
    match reader(input.path, target) {
        Ok((path, bytes)) => {
            if !visited.insert(path.clone()) {
                out.warnings.push((
                    Some(line),
                    format!("include loop: `{path}` is already being read; not followed again"),
                ));
                return;
            }
            let inner = input.with(&path, &bytes);
            if let Err(e) = read(&inner, visited, depth + 1, out) {
                out.warnings
                    .push((e.line, format!("included file {path}: {}", e.message)));
            }
        }
        // what the include declares is missing from the inventory
        Err(e) => out
            .incomplete
            .push((Some(line), format!("include `{target}`: {e}"))),
    }
}

/// The first `--hash=` value, when present.
fn hash_of(l: &str) -> Option<String> {
    l.split_whitespace().find_map(|t| {
        t.strip_prefix("--hash=")
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
    })
}

/// `name[extras] spec ; marker --options` → (name, exact version).
fn parse_requirement(l: &str) -> Option<(String, Option<String>)> {
    // Options start at a whitespace-preceded `-`.
    let mut spec = l;
    let b = l.as_bytes();
    for i in 1..b.len() {
        if b[i] == b'-' && b[i - 1].is_ascii_whitespace() {
            spec = &l[..i];
            break;
        }
    }
    let spec = spec.split(';').next().unwrap_or(spec).trim();
    let name_end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    let name = &spec[..name_end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut rest = spec[name_end..].trim_start();
    if let Some(after) = rest.strip_prefix('[') {
        rest = after.split_once(']').map(|(_, r)| r.trim_start())?;
    }
    if rest.is_empty() {
        return Some((name.to_owned(), None));
    }
    if let Some(url) = rest.strip_prefix('@') {
        // A direct URL reference: pinned by URL, not by version.
        return (!url.trim().is_empty()).then(|| (name.to_owned(), None));
    }
    if !rest.starts_with(['=', '<', '>', '!', '~']) {
        return None;
    }
    // Exact pin: a single `==` or `===` clause without wildcard.
    let clauses: Vec<&str> = rest.split(',').map(str::trim).collect();
    let version = match clauses.as_slice() {
        [only] => only
            .strip_prefix("===")
            .or_else(|| only.strip_prefix("=="))
            .map(str::trim)
            .and_then(|v| v.split_whitespace().next())
            .filter(|v| !v.contains('*') && !v.contains('$') && !v.is_empty())
            .map(str::to_owned),
        _ => None,
    };
    Some((name.to_owned(), version))
}

#[cfg(test)]
mod tests {
    use super::parse_requirement as p;

    #[test]
    fn requirement_specifiers() {
        assert_eq!(
            p("requests==2.0"),
            Some(("requests".into(), Some("2.0".into())))
        );
        assert_eq!(
            p("requests [security] >= 2.8.1, == 2.8.*"),
            Some(("requests".into(), None))
        );
        assert_eq!(p("yolo===1.0"), Some(("yolo".into(), Some("1.0".into()))));
        assert_eq!(
            p("foo5==1.0; python_version < \"2.7\" --hash=sha256:1"),
            Some(("foo5".into(), Some("1.0".into())))
        );
        assert_eq!(p("foo10== --hash=sha256:123"), Some(("foo10".into(), None)));
        assert_eq!(
            p("foo17--hash==1.0"),
            Some(("foo17--hash".into(), Some("1.0".into())))
        );
        assert_eq!(p("qwert==${MY_VARIABLE_1}"), Some(("qwert".into(), None)));
        assert_eq!(
            p("urllib3 @ https://x/y.zip"),
            Some(("urllib3".into(), None))
        );
        assert_eq!(p("==1.0"), None);
        assert_eq!(p("asdf 1.0"), None);
        assert_eq!(p("./downloads/numpy.whl"), None);
        assert_eq!(p("http://example.invalid/x.whl"), None);
    }
}
