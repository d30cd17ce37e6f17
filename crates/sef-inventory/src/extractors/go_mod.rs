//! Go: `go.mod`, with `replace` and `exclude` directives, and its sibling
//! `go.sum` for checksums.
//!
//! Every `require` is a component (direct unless marked `// indirect`).
//! The `toolchain` (else `go`) directive gives the standard library's
//! version as the component `stdlib`, since Go links it into every binary.
//! A `replace` with a module target swaps the component for the target; a
//! local-path target makes it first-party. An `exclude`d version that is
//! required is dropped with a warning (Go would pick another version, which
//! only a network resolution can tell). Before Go 1.17, `go.mod` omits
//! indirect dependencies, so the modules listed in `go.sum` are added as
//! indirect ones.

use crate::{ExtractError, Extracted, Extractor, Input};
use sef_model::{Component, Ecosystem};
use std::collections::BTreeMap;

/// The go.mod extractor.
pub struct GoMod;

struct Require {
    path: String,
    version: String,
    indirect: bool,
    line: u32,
}

struct Replace {
    old: String,
    old_version: Option<String>,
    new: String,
    new_version: Option<String>,
}

fn unquote(s: &str) -> String {
    s.trim_matches('"').trim_matches('`').to_owned()
}

impl Extractor for GoMod {
    fn id(&self) -> &'static str {
        "go-mod"
    }

    fn matches(&self, file_name: &str, _: &str) -> bool {
        file_name == "go.mod"
    }

    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError> {
        let text = input.text()?;
        let mut out = Extracted::default();
        let mut requires = Vec::new();
        let mut replaces = Vec::new();
        let mut excludes: Vec<(String, String)> = Vec::new();
        let mut go_version: Option<String> = None;
        let mut toolchain: Option<String> = None;
        let mut block: Option<String> = None;
        let mut block_line = 0u32;

        for (i, raw) in text.lines().enumerate() {
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let (code, comment) = match raw.find("//") {
                Some(p) => (&raw[..p], &raw[p + 2..]),
                None => (raw, ""),
            };
            let code = code.trim();
            if code.is_empty() {
                continue;
            }
            let (verb, rest) = match &block {
                Some(b) if code == ")" => {
                    let _ = b;
                    block = None;
                    continue;
                }
                Some(b) => (b.clone(), code.to_owned()),
                None => {
                    let mut parts = code.splitn(2, char::is_whitespace);
                    let verb = parts.next().unwrap_or("").to_owned();
                    let rest = parts.next().unwrap_or("").trim().to_owned();
                    if rest == "(" {
                        block = Some(verb);
                        block_line = n;
                        continue;
                    }
                    (verb, rest)
                }
            };
            let fields: Vec<String> = rest.split_whitespace().map(unquote).collect();
            match verb.as_str() {
                "module" | "retract" | "godebug" | "tool" | "ignore" => {}
                "go" => go_version = fields.first().cloned(),
                "toolchain" => toolchain = fields.first().cloned(),
                "require" => match fields.as_slice() {
                    [path, version] => requires.push(Require {
                        path: path.clone(),
                        version: version.clone(),
                        indirect: comment.trim() == "indirect"
                            || comment.trim().starts_with("indirect;"),
                        line: n,
                    }),
                    _ => {
                        return Err(ExtractError::at(
                            Some(n),
                            format!("malformed require `{rest}`: expected `path version`"),
                        ));
                    }
                },
                "exclude" => match fields.as_slice() {
                    [path, version] => excludes.push((path.clone(), version.clone())),
                    _ => {
                        return Err(ExtractError::at(
                            Some(n),
                            format!("malformed exclude `{rest}`"),
                        ));
                    }
                },
                "replace" => {
                    let (lhs, rhs) = rest.split_once("=>").ok_or_else(|| {
                        ExtractError::at(
                            Some(n),
                            format!("malformed replace `{rest}`: expected `old => new`"),
                        )
                    })?;
                    let l: Vec<String> = lhs.split_whitespace().map(unquote).collect();
                    let r: Vec<String> = rhs.split_whitespace().map(unquote).collect();
                    let (Some(old), Some(new)) = (l.first(), r.first()) else {
                        return Err(ExtractError::at(
                            Some(n),
                            format!("malformed replace `{rest}`"),
                        ));
                    };
                    replaces.push(Replace {
                        old: old.clone(),
                        old_version: l.get(1).cloned(),
                        new: new.clone(),
                        new_version: r.get(1).cloned(),
                    });
                }
                other => {
                    return Err(ExtractError::at(
                        Some(n),
                        format!("not a go.mod: unknown directive `{other}`"),
                    ));
                }
            }
        }

        if let Some(b) = &block {
            out.incomplete.push((
                Some(block_line),
                format!(
                    "the `{b} (` block opened here is never closed with `)`: the file is truncated, so what followed is missing"
                ),
            ));
        }
        let sums = read_sum(input, &mut out);

        for r in &requires {
            if excludes
                .iter()
                .any(|(p, v)| p == &r.path && v == &r.version)
            {
                out.warnings.push((
                    Some(r.line),
                    format!("{} {} is required but excluded; the version Go selects instead is not known without resolution", r.path, r.version),
                ));
                continue;
            }
            let replacement = replaces
                .iter()
                .find(|x| x.old == r.path && x.old_version.as_deref() == Some(r.version.as_str()))
                .or_else(|| {
                    replaces
                        .iter()
                        .find(|x| x.old == r.path && x.old_version.is_none())
                });
            let mut c = match replacement {
                Some(x) if is_local(&x.new) => {
                    let mut c =
                        Component::new(Ecosystem::Go, r.path.clone(), None, input.at(Some(r.line)));
                    c.first_party = true;
                    c
                }
                Some(x) => Component::new(
                    Ecosystem::Go,
                    x.new.clone(),
                    x.new_version.clone(),
                    input.at(Some(r.line)),
                ),
                None => Component::new(
                    Ecosystem::Go,
                    r.path.clone(),
                    Some(r.version.clone()),
                    input.at(Some(r.line)),
                ),
            };
            c.direct = Some(!r.indirect);
            if let Some(v) = &c.version {
                c.checksum = sums.get(&(c.name.clone(), v.clone())).cloned();
            }
            out.components.push(c);
        }

        // Before Go 1.17 go.mod lists only direct dependencies.
        let old_go = go_version
            .as_deref()
            .is_some_and(|v| minor(v).is_some_and(|m| m < 17));
        if old_go {
            for ((path, version), hash) in &sums {
                if out.components.iter().any(|c| &c.name == path) {
                    continue;
                }
                let mut c = Component::new(
                    Ecosystem::Go,
                    path.clone(),
                    Some(version.clone()),
                    input.at(None),
                );
                c.direct = Some(false);
                c.checksum = Some(hash.clone());
                out.components.push(c);
            }
        }

        // The standard library is the toolchain's. `toolchain` names the
        // one the module is built with; `go` is only the minimum. Whether
        // the module is an application (a `package main` ships it) or a
        // library (its users' toolchains build it) is decided by the scan,
        // which sees the module's Go files: see `crate::go_modules`.
        let from_toolchain = toolchain.as_deref().and_then(|t| t.strip_prefix("go"));
        if let Some(v) = from_toolchain.or(go_version.as_deref()) {
            // "go1.23.6-xyz": the suffix names a custom build of that release.
            let v = v.split(['-', '+']).next().unwrap_or(v);
            let mut c = Component::new(Ecosystem::Go, "stdlib", Some(v.to_owned()), input.at(None));
            c.direct = Some(true);
            out.components.push(c);
            if from_toolchain.is_none() {
                out.warnings.push((
                    None,
                    format!("no `toolchain` directive: the standard library is checked at {v}, the `go` directive's minimum version; the toolchain that builds the module may be newer. Add `toolchain goX.Y.Z` to record it"),
                ));
            }
        }
        Ok(out)
    }
}

fn is_local(path: &str) -> bool {
    path.starts_with("./")
        || path.starts_with("../")
        || path.starts_with('/')
        || path == "."
        || path == ".."
}

fn minor(go: &str) -> Option<u32> {
    go.split('.').nth(1).and_then(|m| m.parse().ok())
}

/// The `go.sum` beside this `go.mod` (`X.sum` beside `X.mod`): module
/// hashes keyed by (path, version). Malformed lines are warnings.
fn read_sum(input: &Input<'_>, out: &mut Extracted) -> BTreeMap<(String, String), String> {
    let mut sums = BTreeMap::new();
    let Some(reader) = input.include else {
        return sums;
    };
    let file = input.path.rsplit('/').next().unwrap_or(input.path);
    let sum_name = if file == "go.mod" {
        "go.sum".to_owned()
    } else {
        format!("{}.sum", file.trim_end_matches(".mod"))
    };
    let Ok((sum_path, bytes)) = reader(input.path, &sum_name) else {
        return sums;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        out.warnings.push((
            None,
            format!("{sum_path} is not UTF-8 text; checksums not read"),
        ));
        return sums;
    };
    for (i, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            [] => {}
            [path, version, hash] if hash.starts_with("h1:") => {
                if !version.ends_with("/go.mod") {
                    sums.insert(
                        ((*path).to_owned(), (*version).to_owned()),
                        (*hash).to_owned(),
                    );
                }
            }
            _ => {
                out.warnings.push((
                    None,
                    format!(
                        "{sum_path}:{}: not a go.sum line; {sum_path} ignored",
                        i + 1
                    ),
                ));
                return BTreeMap::new();
            }
        }
    }
    sums
}
