//! The walk: which files are read, and how bad files are reported while
//! the rest of the scan goes on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sef_inventory::{DiagnosticLevel, InventoryOptions, builtin, scan};
use sef_testkit::write;

const LOCK: &str = "version = 3\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";

#[test]
fn one_walk_serves_all_extractors_and_skips_vendored_dirs() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    write(r, "Cargo.lock", LOCK);
    write(
        r,
        "web/package-lock.json",
        r#"{"lockfileVersion":3,"packages":{"":{"dependencies":{"a":"1"}},"node_modules/a":{"version":"1.0.0"}}}"#,
    );
    write(r, "py/requirements.txt", "flask==2.0.0\n");
    write(
        r,
        "web/node_modules/x/package-lock.json",
        r#"{"lockfileVersion":3,"packages":{"node_modules/hidden":{"version":"9.9.9"}}}"#,
    );
    write(r, "vendor/requirements.txt", "vendored==1.0\n");
    write(r, "ignored/requirements.txt", "ignored==1.0\n");
    write(r, ".gitignore", "ignored/\n");

    let inv = scan(r, &builtin(), &InventoryOptions::default());
    let names: Vec<_> = inv.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["serde", "flask", "a"], "{names:?}");
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    let a = &inv.components[2];
    assert_eq!(a.direct, Some(true));
    assert_eq!(a.source.file, "web/package-lock.json");
    assert_eq!(a.purl.as_deref(), Some("pkg:npm/a@1.0.0"));

    let all = scan(
        r,
        &builtin(),
        &InventoryOptions {
            scan_vendored: true,
            include_ignored: true,
            ..Default::default()
        },
    );
    let mut names: Vec<_> = all.components.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["a", "flask", "hidden", "ignored", "serde", "vendored"]
    );
}

#[test]
fn a_bad_file_is_a_diagnostic_and_the_scan_goes_on() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    write(
        r,
        "a/Cargo.lock",
        "version = 3\n\n[[package]]\nname = \"x\"\nversion = 3\n",
    );
    write(
        r,
        "b/package-lock.json",
        "{\n  \"packages\": {\n    \"node_modules/a\": {\"version\": \"1\"},\n  }\n}\n",
    );
    write(r, "c/Cargo.lock", LOCK);
    std::fs::write(
        r.join("d/requirements.txt")
            .parent()
            .map(|p| {
                std::fs::create_dir_all(p).unwrap();
                p.join("requirements.txt")
            })
            .unwrap(),
        b"ok==1.0\n\xff\xfe==2\n",
    )
    .unwrap();

    let inv = scan(r, &builtin(), &InventoryOptions::default());
    assert_eq!(
        inv.components
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["serde"]
    );
    let diags: Vec<_> = inv
        .diagnostics
        .iter()
        .map(|d| (d.file.as_str(), d.line, d.level))
        .collect();
    assert_eq!(
        diags,
        [
            ("a/Cargo.lock", Some(5), DiagnosticLevel::Error),
            ("b/package-lock.json", Some(4), DiagnosticLevel::Error),
            ("d/requirements.txt", Some(2), DiagnosticLevel::Error),
        ],
        "{:#?}",
        inv.diagnostics
    );
    assert!(inv.diagnostics[0].message.contains("not valid TOML"));
    assert!(inv.diagnostics[2].message.contains("not valid UTF-8"));
    assert_eq!(inv.files.iter().filter(|f| f.ok).count(), 1);
}

#[test]
fn includes_stay_inside_the_repository_and_loops_end() {
    let outer = tempfile::tempdir().unwrap();
    write(outer.path(), "secret.txt", "leaked==1.0\n");
    let r = outer.path().join("repo");
    write(
        &r,
        "requirements.txt",
        "-r ../secret.txt\n-r base-requirements.txt\nlocal==1.0\n",
    );
    write(
        &r,
        "base-requirements.txt",
        "base==2.0\n-r requirements.txt\n",
    );

    let inv = scan(&r, &builtin(), &InventoryOptions::default());
    let mut got: Vec<_> = inv
        .components
        .iter()
        .map(|c| format!("{}@{}:{}", c.name, c.source.file, c.source.line.unwrap()))
        .collect();
    got.sort();
    // base comes from its own file (read once, though included), local from requirements.txt.
    assert_eq!(
        got,
        ["base@base-requirements.txt:1", "local@requirements.txt:3"]
    );
    let msgs: Vec<_> = inv.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        msgs.iter().any(|m| m.contains("outside the repository")),
        "{msgs:?}"
    );
    assert!(msgs.iter().any(|m| m.contains("include loop")), "{msgs:?}");
    // an include that is not read hides what it declares: an error (the
    // evidence is partial); a loop hides nothing
    for d in &inv.diagnostics {
        let want = if d.message.contains("outside the repository") {
            DiagnosticLevel::Error
        } else {
            DiagnosticLevel::Warning
        };
        assert_eq!(d.level, want, "{}", d.message);
    }
}

#[test]
fn oversized_files_are_skipped_with_a_diagnostic() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "Cargo.lock", LOCK);
    let inv = scan(
        d.path(),
        &builtin(),
        &InventoryOptions {
            max_file_bytes: 16,
            ..Default::default()
        },
    );
    assert!(inv.components.is_empty());
    assert!(
        inv.diagnostics[0].message.contains("larger than 16 bytes"),
        "{:?}",
        inv.diagnostics
    );
}

#[test]
fn deeply_nested_json_is_refused_not_a_stack_overflow() {
    let d = tempfile::tempdir().unwrap();
    let deep = format!(
        "{{\"packages\": {}{}}}",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    write(d.path(), "package-lock.json", &deep);
    let inv = scan(d.path(), &builtin(), &InventoryOptions::default());
    assert_eq!(inv.diagnostics.len(), 1);
    assert!(
        inv.diagnostics[0].message.contains("recursion limit"),
        "{:?}",
        inv.diagnostics
    );
}

#[test]
fn components_point_at_the_line_that_declares_them() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    write(r, "Cargo.lock", LOCK);
    write(
        r,
        "package-lock.json",
        "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {},\n    \"node_modules/left-pad\": {\n      \"version\": \"1.3.0\"\n    }\n  }\n}\n",
    );
    write(
        r,
        "composer.lock",
        "{\n  \"packages\": [\n    {\n      \"name\": \"acme/log\",\n      \"version\": \"1.0.0\"\n    }\n  ]\n}\n",
    );
    write(
        r,
        "yarn.lock",
        "# yarn lockfile v1\n\n\nleft-pad@^1.0.0:\n  version \"1.3.0\"\n",
    );
    write(r, "requirements.txt", "# pins\n\nflask==2.0\n");
    let inv = scan(r, &builtin(), &InventoryOptions::default());
    let lines: Vec<_> = inv
        .components
        .iter()
        .map(|c| {
            format!(
                "{}:{}:{}",
                c.source.file,
                c.name,
                c.source.line.unwrap_or(0)
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            "Cargo.lock:serde:4",
            "composer.lock:acme/log:4",
            "package-lock.json:left-pad:5",
            "requirements.txt:flask:3",
            "yarn.lock:left-pad:4"
        ]
    );
}

#[test]
fn nested_npm_installs_tell_the_path() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "package-lock.json",
        r#"{"lockfileVersion":3,"packages":{"":{"dependencies":{"a":"1"}},"node_modules/a":{"version":"1.0.0"},"node_modules/a/node_modules/b":{"version":"2.0.0","dev":true}}}"#,
    );
    let inv = scan(d.path(), &builtin(), &InventoryOptions::default());
    let b = inv.components.iter().find(|c| c.name == "b").unwrap();
    assert_eq!(b.path, ["a", "b"]);
    assert_eq!(b.direct, Some(false));
    assert_eq!(b.scope, sef_model::DependencyScope::Development);
    let a = inv.components.iter().find(|c| c.name == "a").unwrap();
    assert_eq!(a.direct, Some(true));
    // a direct dependency's chain is itself, as Cargo.lock gives it
    assert_eq!(a.path, ["a"]);
}

#[test]
fn a_cargo_edge_naming_a_source_reaches_the_package_from_that_source() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    let reg = "registry+https://github.com/rust-lang/crates.io-index";
    let git = "git+https://github.com/o/dup?branch=main#0123456789abcdef";
    write(
        r,
        "Cargo.lock",
        &format!(
            "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"dup 1.0.0 ({git})\",\n \"mid\",\n]\n\n[[package]]\nname = \"dup\"\nversion = \"1.0.0\"\nsource = \"{git}\"\n\n[[package]]\nname = \"dup\"\nversion = \"1.0.0\"\nsource = \"{reg}\"\n\n[[package]]\nname = \"mid\"\nversion = \"2.0.0\"\nsource = \"{reg}\"\ndependencies = [\n \"dup 1.0.0 ({reg})\",\n]\n"
        ),
    );
    let inv = scan(r, &builtin(), &InventoryOptions::default());
    let app = inv.components.iter().find(|c| c.name == "app").unwrap();
    assert_eq!(
        app.depends_on,
        [
            "pkg:cargo/dup@1.0.0?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Fo%2Fdup%400123456789abcdef",
            "pkg:cargo/mid@2.0.0"
        ],
        "{:?}",
        app.depends_on
    );
    let mid = inv.components.iter().find(|c| c.name == "mid").unwrap();
    assert_eq!(mid.depends_on, ["pkg:cargo/dup@1.0.0"]);
    // each copy has its own path: the git one is direct, the registry one
    // comes through `mid`
    let dups: Vec<_> = inv.components.iter().filter(|c| c.name == "dup").collect();
    assert_eq!(dups.len(), 2);
    for c in dups {
        if c.purl.as_deref().is_some_and(|p| p.contains("vcs_url")) {
            assert_eq!(
                (c.direct, c.path.clone()),
                (Some(true), vec!["dup".to_owned()])
            );
        } else {
            assert_eq!(
                (c.direct, c.path.clone()),
                (Some(false), vec!["mid".to_owned(), "dup".to_owned()])
            );
        }
    }
}
