//! Go modules: application or library. The Go standard library is linked
//! into a binary by the toolchain that builds it, so a module's `stdlib`
//! component is the offering's only when the module builds a program
//! (a `package main` outside tests, `testdata` and excluded paths). A
//! library's users build it with their own toolchain: its `go` directive
//! is a minimum, not a version it ships, so it gets no `stdlib` component
//! and no standard-library finding.

use crate::scan::{Diagnostic, DiagnosticLevel};
use rayon::prelude::*;
use sef_model::{Component, Ecosystem};
use std::path::Path;

/// How much of a Go file is read to find its package clause (it follows
/// the file's opening comments, which are rarely longer than a licence).
const PACKAGE_CLAUSE_WITHIN: u64 = 16 * 1024;

/// Removes the `stdlib` component of every go.mod whose module builds no
/// program, and says so. `go_files` are the repository-relative paths of
/// the walk's non-test, non-excluded `.go` files.
pub(crate) fn settle_stdlib(
    root: &Path,
    components: &mut Vec<Component>,
    diagnostics: &mut Vec<Diagnostic>,
    go_mods: &[String],
    go_files: &[String],
) {
    let module_dirs: Vec<&str> = go_mods.iter().map(|m| parent(m)).collect();
    let mut libraries = Vec::new();
    for (go_mod, dir) in go_mods.iter().zip(&module_dirs) {
        let has_stdlib = components.iter().any(|c| is_stdlib_of(c, go_mod));
        if !has_stdlib {
            continue;
        }
        let mut own: Vec<&String> = go_files
            .iter()
            .filter(|f| module_of(f, &module_dirs) == Some(*dir))
            .collect();
        // Programs usually live in main.go or under cmd/: look there first.
        own.sort_by_key(|f| {
            (
                !f.ends_with("/main.go") && f.as_str() != "main.go",
                !f.contains("cmd/"),
            )
        });
        // a module counts as a library only when every file was read
        let program = own
            .par_iter()
            .find_first(|f| may_be_main(&root.join(f.as_str())));
        if program.is_none() {
            libraries.push(go_mod.clone());
        }
    }
    for go_mod in &libraries {
        components.retain(|c| !is_stdlib_of(c, go_mod));
        diagnostics.retain(|d| !(d.file == *go_mod && d.message.starts_with("no `toolchain`")));
        diagnostics.push(Diagnostic {
            file: go_mod.clone(),
            line: None,
            extractor: "go-mod".into(),
            level: DiagnosticLevel::Warning,
            message: "a library module (no `package main` outside tests, testdata and excluded paths): its users' toolchains build it, so its `go` directive is a minimum, not a standard library it ships; no stdlib component".to_owned(),
        });
    }
}

fn is_stdlib_of(c: &Component, go_mod: &str) -> bool {
    c.ecosystem == Ecosystem::Go && c.name == "stdlib" && c.source.file == go_mod
}

/// The folder of a repository-relative path (`""` at the root).
fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The module a Go file belongs to: the deepest module folder above it.
fn module_of<'a>(file: &str, module_dirs: &[&'a str]) -> Option<&'a str> {
    module_dirs
        .iter()
        .filter(|d| d.is_empty() || file.starts_with(&format!("{d}/")))
        .max_by_key(|d| d.len())
        .copied()
}

/// Whether a Go source path is one the go tool builds: not a test, and not
/// under `testdata` or a folder starting with `_` or `.`.
pub(crate) fn is_buildable_go(rel: &str) -> bool {
    rel.ends_with(".go")
        && !rel.ends_with("_test.go")
        && !rel
            .split('/')
            .rev()
            .skip(1)
            .any(|part| part == "testdata" || part.starts_with('_') || part.starts_with('.'))
}

/// Whether the file may be a program: its package clause says `package
/// main`, or it cannot be read. An unreadable file could be one, so the
/// module keeps its standard library (failing closed: a finding too many,
/// never one lost).
fn may_be_main(path: &Path) -> bool {
    match sef_fs::read_prefix(path, PACKAGE_CLAUSE_WITHIN) {
        Ok(bytes) => package_clause(&String::from_utf8_lossy(&bytes)) == Some("main"),
        Err(_) => true,
    }
}

/// The package name of Go source, skipping comments before the clause.
fn package_clause(src: &str) -> Option<&str> {
    let mut in_block = false;
    for line in src.lines() {
        let mut l = line.trim();
        if in_block {
            match l.find("*/") {
                Some(end) => {
                    in_block = false;
                    l = l[end + 2..].trim();
                }
                None => continue,
            }
        }
        while let Some(rest) = l.strip_prefix("/*") {
            match rest.find("*/") {
                Some(end) => l = rest[end + 2..].trim(),
                None => {
                    in_block = true;
                    l = "";
                }
            }
        }
        if l.is_empty() || l.starts_with("//") {
            continue;
        }
        return l
            .strip_prefix("package")
            .filter(|r| r.starts_with(char::is_whitespace))
            .and_then(|r| r.split_whitespace().next());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_clauses_after_comments() {
        assert_eq!(package_clause("package main\n"), Some("main"));
        assert_eq!(
            package_clause(
                "// Copyright\n/* block\n still */\n//go:build linux\n\npackage gin // x\n"
            ),
            Some("gin")
        );
        assert_eq!(package_clause("/* a */ package main"), Some("main"));
        assert_eq!(package_clause("packagemain"), None);
        assert_eq!(package_clause(""), None);
    }

    #[test]
    fn an_unreadable_go_file_may_be_a_program() {
        assert!(may_be_main(Path::new("/nonexistent/sef/main.go")));
        let d = std::env::temp_dir().join(format!("sef-go-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("lib.go"), "package lib\n").unwrap();
        assert!(!may_be_main(&d.join("lib.go")));
        std::fs::remove_dir_all(&d).ok();
    }

    #[test]
    fn buildable_files_and_modules() {
        assert!(is_buildable_go("cmd/app/main.go"));
        assert!(!is_buildable_go("x_test.go"));
        assert!(!is_buildable_go("internal/testdata/main.go"));
        assert!(!is_buildable_go("_tools/main.go"));
        assert!(is_buildable_go("_x.go"));
        let dirs = ["", "tools"];
        assert_eq!(module_of("tools/main.go", &dirs), Some("tools"));
        assert_eq!(module_of("toolsx/main.go", &dirs), Some(""));
        assert_eq!(module_of("a.go", &["sub"]), None);
    }
}
