//! Real-world inputs read right (issue 18): excluded paths, on the real
//! example requirements of Flask and the real PyPI advisories.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// An advisory database with the real PyPI export.
fn pypi_db(env: &Env) -> PathBuf {
    env.import_osv("PyPI")
}

fn flask_like(env: &Env, inventory: &str) -> PathBuf {
    let r = env.repo("flask");
    copy_fixture("flask-examples", &r);
    write(
        &r,
        "sef.toml",
        &format!(
            "[offering]\nname = \"flask\"\n[release]\nversion = \"3.1\"\n[analyzers.vulnerabilities]\nmax_age_days = 3650\n[analyzers.inventory]\n{inventory}\n"
        ),
    );
    r
}

fn vulns(report: &Value) -> Vec<String> {
    report["run"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["analyzer"] == "vulnerabilities")
        .map(|f| {
            format!(
                "{} {}",
                f["rule_id"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// `sef sbom REPO`, parsed.
fn sbom_of(env: &Env, repo: &Path) -> Value {
    let out = env.sef().args(["sbom", "-q"]).arg(repo).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    json(&out.stdout)
}

/// The inventory payload of `sef assess REPO --no-store -f json`.
fn inventory_of(env: &Env, repo: &Path) -> Value {
    let out = env
        .sef()
        .args(["assess", "-q", "--no-store", "-f", "json"])
        .arg(repo)
        .output()
        .unwrap();
    let report = json(&out.stdout);
    evidence_of(&report, "inventory")["payload"].clone()
}

fn sbom_names(env: &Env, repo: &Path) -> Vec<String> {
    let doc = sbom_of(env, repo);
    doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn examples_are_excluded_by_default_counted_and_can_be_included() {
    let env = Env::new();
    let db = pypi_db(&env);

    // the defaults: Flask's example is not the offering
    let r = flask_like(&env, "");
    let report = env.assess_json(&r, &db);
    assert!(vulns(&report).is_empty(), "{:?}", vulns(&report));
    let inv = &evidence_of(&report, "inventory")["payload"];
    assert_eq!(inv["summary"]["excluded_files"], 1, "{:#}", inv["summary"]);
    assert_eq!(inv["summary"]["excluded_components"], 21);
    assert_eq!(inv["summary"]["third_party"], 1);
    assert_eq!(
        evidence_of(&report, "inventory")["status"]["state"],
        "complete"
    );
    let names = sbom_names(&env, &r);
    assert!(names.contains(&"flask".to_owned()), "{names:?}");
    assert!(
        !names.iter().any(|n| n == "werkzeug" || n == "celery"),
        "{names:?}"
    );
    let (_, text) = {
        let out = env
            .sef()
            .args(["assess", "-q", "--no-store", "--advisory-db"])
            .arg(&db)
            .arg(&r)
            .output()
            .unwrap();
        ((), String::from_utf8(out.stdout).unwrap())
    };
    assert!(
        text.contains("excluded: 21 component(s) in 1 file(s)"),
        "{text}"
    );

    // `exclude = []`: the example counts, and its werkzeug 2.3.3 matches
    let r = flask_like(&env, "exclude = []");
    let report = env.assess_json(&r, &db);
    assert_eq!(
        vulns(&report),
        ["PYSEC-2023-221 examples/celery/requirements.txt"]
    );

    // a plan's own list replaces the defaults
    let r = flask_like(&env, "exclude = [\"examples/celery/\"]");
    let report = env.assess_json(&r, &db);
    assert!(vulns(&report).is_empty());
    let r = flask_like(&env, "exclude = [\"docs/\"]");
    let report = env.assess_json(&r, &db);
    assert_eq!(vulns(&report).len(), 1);
}

#[test]
fn a_bad_exclude_pattern_names_the_line() {
    let env = Env::new();
    let r = flask_like(&env, "exclude = [\"examples/\", \"!keep/\"]");
    let out = env
        .sef()
        .args(["assess", "--no-store"])
        .arg(&r)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("sef.toml:8:") && err.contains("exclude"),
        "{err}"
    );
}

fn commit(r: &Path, file: &str, msg: &str) {
    write(r, file, msg);
    git(r, &["add", "-A"]);
    git(r, &["commit", "-qm", msg]);
}

/// Flask's shape: each release is tagged on a release branch that is then
/// merged back into main, so no tag sits on main's first-parent line.
fn release_branch_repo(env: &Env) -> PathBuf {
    let r = env.repo("tags");
    git(&r, &["init", "-q", "-b", "main"]);
    git(&r, &["config", "user.email", "dev@example.com"]);
    git(&r, &["config", "user.name", "Dev"]);
    write(&r, "sef.toml", "[offering]\nname = \"tags\"\n");
    commit(&r, "a", "one");
    git(&r, &["tag", "v1.0.0"]);
    commit(&r, "b", "two");
    git(&r, &["checkout", "-q", "-b", "stable"]);
    commit(&r, "c", "fix on stable");
    git(&r, &["tag", "1.0.1"]);
    git(&r, &["checkout", "-q", "main"]);
    commit(&r, "d", "main moves on");
    git(
        &r,
        &["merge", "-q", "--no-ff", "-m", "merge stable", "stable"],
    );
    commit(&r, "e", "after the merge");
    r
}

fn history_json(env: &Env, r: &Path) -> Value {
    let out = env
        .sef()
        .args(["history", "-q", "-f", "json"])
        .arg(r)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    json(&out.stdout)
}

#[test]
fn the_default_range_starts_at_the_tag_git_describe_finds() {
    let env = Env::new();
    let r = release_branch_repo(&env);
    let described = std::process::Command::new("git")
        .args(["describe", "--tags", "--abbrev=0", "HEAD"])
        .current_dir(&r)
        .output()
        .unwrap();
    let described = String::from_utf8(described.stdout).unwrap();
    assert_eq!(described.trim(), "1.0.1");
    let h = history_json(&env, &r);
    let range = &h["history"]["range"];
    assert_eq!(range["base"]["label"], "1.0.1", "{range:#}");
    // git rev-list 1.0.1..HEAD: "main moves on", the merge, "after the merge"
    assert_eq!(range["commits"], 3, "{range:#}");
}

#[test]
fn the_release_version_comes_from_the_flag_the_environment_the_plan_or_the_tag() {
    let env = Env::new();
    let r = release_branch_repo(&env);
    let version = |args: &[&str], envs: &[(&str, &str)]| -> (String, String) {
        let mut c = env.sef();
        c.args(["assess", "-q", "--no-store", "-f", "json"])
            .args(args)
            .arg(&r);
        for (k, v) in envs {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        let report = json(&out.stdout);
        let rel = &report["run"]["release"];
        (
            rel["version"].as_str().unwrap().to_owned(),
            rel["version_source"].as_str().unwrap().to_owned(),
        )
    };
    // HEAD is not tagged and the plan names no version
    assert_eq!(version(&[], &[]), ("unversioned".into(), "none".into()));
    git(&r, &["tag", "v1.1.0"]);
    git(&r, &["tag", "nightly"]);
    assert_eq!(version(&[], &[]), ("1.1.0".into(), "tag".into()));
    assert_eq!(
        version(&[], &[("SEF_RELEASE", "1.1.0-ci.7")]),
        ("1.1.0-ci.7".into(), "env".into())
    );
    assert_eq!(
        version(&["--release", "2.0"], &[("SEF_RELEASE", "1.1.0-ci.7")]),
        ("2.0".into(), "flag".into())
    );
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"tags\"\n[release]\nversion = \"1.1\"\n",
    );
    assert_eq!(version(&[], &[]), ("1.1".into(), "plan".into()));
    // the text report says where the version came from
    let out = env
        .sef()
        .args(["assess", "-q", "--no-store"])
        .arg(&r)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("version from [release] version in the plan"),
        "{text}"
    );
    // a bad --release is refused with exit 2
    let out = env
        .sef()
        .args(["assess", "-q", "--no-store", "--release", ""])
        .arg(&r)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn documentation_headings_are_found_in_restructuredtext_and_asciidoc() {
    let env = Env::new();
    let r = env.repo("docs");
    let words = "Operators terminate TLS at the proxy and forward only to the loopback address. \
The service refuses plain HTTP, sets strict transport security for one year, and rotates its \
session keys every day; the runbook lists each setting with its safe default and the reason for it.";
    write(
        &r,
        "guide/deploy.rst",
        &format!(
            "=====\nGuide\n=====\n\nHardening\n=========\n\n{words}\n\nOther\n=====\n\nTODO\n"
        ),
    );
    write(
        &r,
        "guide/ops.adoc",
        &format!("= Operations\n\n== Monitoring\n\n{words}\n\n== Backups\n\nTBD\n"),
    );
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"docs\"\n\n[[documentation.topic]]\nid = \"deployment\"\nfiles = [\"guide/deploy.rst#Hardening\", \"guide/ops.adoc#Monitoring\"]\n\n[[documentation.topic]]\nid = \"operations\"\nfiles = [\"guide/deploy.rst#Other\", \"guide/ops.adoc#Backups\", \"guide/ops.adoc#Nope\"]\n",
    );
    let out = env
        .sef()
        .args(["plan", "-f", "json"])
        .arg(&r)
        .output()
        .unwrap();
    let plan = json(&out.stdout);
    let topics = plan["security_plan"]["documentation"]["topics"]
        .as_array()
        .unwrap_or_else(|| panic!("{plan:#}"));
    let states = |id: &str| -> Vec<String> {
        topics.iter().find(|t| t["id"] == id).unwrap()["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["state"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(states("deployment"), ["written", "written"]);
    assert_eq!(states("operations"), ["stub", "stub", "section-missing"]);
}

fn rev(r: &Path, what: &str) -> String {
    let out = std::process::Command::new("git")
        .args(["rev-parse", what])
        .current_dir(r)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn one_secret_in_one_file_is_one_finding_attributed_through_moves() {
    let env = Env::new();
    let r = env.repo("moved");
    git(&r, &["init", "-q", "-b", "main"]);
    git(&r, &["config", "user.email", "dev@example.com"]);
    git(&r, &["config", "user.name", "Dev"]);
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"moved\"\n[analyzers.vulnerabilities]\nenabled = false\n[analyzers.secrets]\nhistory = true\n",
    );
    let key = "AKIAIOSFODNN7EXAMPLF";
    write(
        &r,
        "conf.py",
        &format!("a = \"{key}\"\nx = 1\nb = \"{key}\"\nc = \"{key}\"\n"),
    );
    write(
        &r,
        "old.py",
        &format!(
            "token = \"{}\"\n",
            "ghp_0123456789abcdefghijABCDEFGHIJ012345"
        ),
    );
    git(&r, &["add", "-A"]);
    git(&r, &["commit", "-qm", "init"]);
    let init = rev(&r, "HEAD");
    // moved in the same second, the old file changed then deleted
    git(&r, &["mv", "conf.py", "settings.py"]);
    write(
        &r,
        "old.py",
        &format!(
            "token = \"{}\"\ny = 2\n",
            "ghp_0123456789abcdefghijABCDEFGHIJ012345"
        ),
    );
    git(&r, &["add", "-A"]);
    git(&r, &["commit", "-qm", "move"]);
    git(&r, &["rm", "-q", "old.py"]);
    git(&r, &["commit", "-qm", "drop"]);

    let out = env
        .sef()
        .args(["secrets", "scan", "--history", "-q", "-f", "json"])
        .arg(&r)
        .output()
        .unwrap();
    let scan = json(&out.stdout);
    let secrets = scan["secrets"].as_array().unwrap();
    assert_eq!(secrets.len(), 2, "{secrets:#?}");
    let moved = secrets.iter().find(|s| s["path"] == "settings.py").unwrap();
    assert_eq!(moved["line"], 1);
    assert_eq!(moved["also_at"], serde_json::json!([3, 4]));
    assert_eq!(moved["introduced"]["commit"], init.as_str(), "{moved:#}");
    assert_eq!(moved["in_tree"], true);
    let gone = secrets.iter().find(|s| s["path"] == "old.py").unwrap();
    assert_eq!(gone["in_tree"], false);
    assert_eq!(gone["introduced"]["commit"], init.as_str());

    // assess, finding list and the baseline count the same two
    let out = env
        .sef()
        .args(["assess", "-q", "-f", "json"])
        .arg(&r)
        .output()
        .unwrap();
    let report = json(&out.stdout);
    let found: Vec<&Value> = report["run"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["analyzer"] == "secrets")
        .collect();
    assert_eq!(found.len(), 2);
    assert!(
        found
            .iter()
            .any(|f| f["title"].as_str().unwrap().contains("also on lines 3, 4")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f["title"].as_str().unwrap().contains("in the history only")),
        "{found:#?}"
    );
    let out = env
        .sef()
        .args(["finding", "list", "-f", "json"])
        .arg(&r)
        .output()
        .unwrap();
    let listed = json(&out.stdout)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["history"]["rule_id"]
                .as_str()
                .unwrap_or("")
                .starts_with("secret/")
        })
        .count();
    assert_eq!(listed, 2);
    let base = env.dir.path().join("baseline.json");
    let out = env
        .sef()
        .args(["secrets", "scan", "--history", "-q", "--write-baseline"])
        .arg(&base)
        .arg(&r)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let b = json(&std::fs::read(&base).unwrap());
    assert_eq!(b["entries"].as_array().map(Vec::len), Some(2), "{b:#}");
}

#[test]
fn staged_scans_what_the_next_commit_records() {
    let env = Env::new();
    let r = env.repo("staged");
    git(&r, &["init", "-q", "-b", "main"]);
    git(&r, &["config", "user.email", "dev@example.com"]);
    git(&r, &["config", "user.name", "Dev"]);
    write(&r, "sef.toml", "[offering]\nname = \"staged\"\n");
    let key = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
    // committed before: not what the next commit records
    write(&r, "old.py", &format!("t = \"{key}\"\n"));
    git(&r, &["add", "-A"]);
    git(&r, &["commit", "-qm", "old"]);
    let staged = |env: &Env| {
        let out = env
            .sef()
            .args(["secrets", "scan", "--staged", "-q", "-f", "json"])
            .arg(&r)
            .output()
            .unwrap();
        let j = json(&out.stdout);
        let paths: Vec<String> = j["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| format!("{}:{}", s["path"].as_str().unwrap(), s["line"]))
            .collect();
        (out.status.code().unwrap(), paths)
    };
    assert_eq!(staged(&env), (0, vec![]));
    // an unstaged edit is not committed
    write(&r, "app.py", &format!("x = 1\nt = \"{key}\"\n"));
    assert_eq!(staged(&env), (0, vec![]));
    git(&r, &["add", "app.py"]);
    assert_eq!(staged(&env), (1, vec!["app.py:2".to_owned()]));
    // the staged content counts, not the work tree's
    write(&r, "app.py", "x = 1\n");
    assert_eq!(staged(&env), (1, vec!["app.py:2".to_owned()]));
    git(&r, &["add", "app.py"]);
    assert_eq!(staged(&env), (0, vec![]));
    // --staged and --history do not go together
    let out = env
        .sef()
        .args(["secrets", "scan", "--staged", "--history"])
        .arg(&r)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `bench/check_graph.py` on the SBOM of one lockfile: exit 0 when every
/// edge of the lockfile is in the SBOM, at the version resolved for its
/// range, and every component is reachable from the root.
fn check_graph(env: &Env, lock: &Path, as_name: &str) -> (bool, String) {
    let dir = env.repo(&format!(
        "graph-{}",
        env.dir.path().read_dir().unwrap().count()
    ));
    std::fs::copy(lock, dir.join(as_name)).unwrap();
    let out = env.sef().args(["sbom", "-q"]).arg(&dir).output().unwrap();
    assert!(out.status.success(), "{}: {}", lock.display(), stderr(&out));
    let sbom = dir.join("sbom.json");
    std::fs::write(&sbom, &out.stdout).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/check_graph.py");
    let run = std::process::Command::new("python3")
        .arg(script)
        .arg(dir.join(as_name))
        .arg(&sbom)
        .output()
        .expect("python3 runs (with PyYAML for pnpm)");
    (
        run.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        ),
    )
}

#[test]
fn every_npm_lockfile_graph_matches_the_lockfile_read_independently() {
    let env = Env::new();
    let mut checked = 0;
    for (dir, name, accept) in [
        ("yarnlock", "yarn.lock", ".lock"),
        ("pnpmlock", "pnpm-lock.yaml", ".yaml"),
        ("packagelockjson", "package-lock.json", ".json"),
        ("poetrylock", "poetry.lock", ".lock"),
        ("uvlock", "uv.lock", ".lock"),
        ("composerlock", "composer.lock", ".json"),
    ] {
        let root = sef_testkit::shared(&format!("data/lockfiles/{dir}"));
        let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file() && p.to_string_lossy().ends_with(accept))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            // damaged vectors are for the parser tests, not the graph
            let stem = f.file_name().unwrap().to_string_lossy().into_owned();
            if text.trim().is_empty() || stem.contains("invalid") || stem.starts_with("not-") {
                continue;
            }
            let (ok, report) = check_graph(&env, &f, name);
            assert!(ok, "{report}");
            checked += 1;
        }
    }
    assert!(checked >= 55, "only {checked} lockfiles checked");
}

#[test]
fn real_poetry_and_composer_graphs_and_scopes_match_the_lockfile() {
    let env = Env::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for (file, name, edges) in [
        (
            "real-locks/python-poetry-poetry.poetry.lock",
            "poetry.lock",
            "87 edge(s)",
        ),
        (
            "composer-composer/composer.lock",
            "composer.lock",
            "28 edge(s)",
        ),
    ] {
        let (ok, report) = check_graph(&env, &dir.join(file), name);
        assert!(ok, "{report}");
        assert!(report.contains(edges), "{report}");
        assert!(report.contains(" 0 missing"), "{report}");
        assert!(!report.contains(" 0 scope(s) recorded"), "{report}");
    }
}

#[test]
fn a_multi_document_pnpm_lockfile_is_read_whole() {
    let env = Env::new();
    let r = env.repo("pnpm10");
    // pnpm 10: its environment first, the project's lockfile after `---`
    write(
        &r,
        "pnpm-lock.yaml",
        "---\nlockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    configDependencies: {}\n    packageManagerDependencies:\n      pnpm:\n        specifier: 10.0.0\n        version: 10.0.0\n\npackages:\n\n  pnpm@10.0.0:\n    resolution: {integrity: sha512-x}\n\nsnapshots:\n\n  pnpm@10.0.0: {}\n\n---\nlockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      debug:\n        specifier: ^4.3.1\n        version: 4.3.4\n    devDependencies:\n      ms:\n        specifier: 2.0.0\n        version: 2.0.0\n\npackages:\n\n  debug@4.3.4:\n    resolution: {integrity: sha512-a}\n\n  ms@2.1.2:\n    resolution: {integrity: sha512-b}\n\n  ms@2.0.0:\n    resolution: {integrity: sha512-c}\n\nsnapshots:\n\n  debug@4.3.4:\n    dependencies:\n      ms: 2.1.2\n\n  ms@2.1.2: {}\n\n  ms@2.0.0: {}\n",
    );
    let sbom = sbom_of(&env, &r);
    let names: Vec<String> = sbom["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}@{}",
                c["name"].as_str().unwrap(),
                c["version"].as_str().unwrap()
            )
        })
        .collect();
    for want in ["pnpm@10.0.0", "debug@4.3.4", "ms@2.1.2", "ms@2.0.0"] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    let debug = sbom["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["ref"] == "pkg:npm/debug@4.3.4")
        .unwrap();
    assert_eq!(debug["dependsOn"], serde_json::json!(["pkg:npm/ms@2.1.2"]));
    let (ok, report) = check_graph(&env, &r.join("pnpm-lock.yaml"), "pnpm-lock.yaml");
    assert!(ok, "{report}");
    // the shortest chain from a direct dependency, from the edges
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"p\"\n[analyzers.vulnerabilities]\nenabled = false\n",
    );
    let inv = &inventory_of(&env, &r)["components"];
    let path = |n: &str, v: &str| {
        inv.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n && c["version"] == v)
            .map(|c| c["path"].clone())
            .unwrap()
    };
    assert_eq!(path("ms", "2.1.2"), serde_json::json!(["debug", "ms"]));
    assert_eq!(path("debug", "4.3.4"), serde_json::json!(["debug"]));
    assert_eq!(path("ms", "2.0.0"), serde_json::json!(["ms"]));
    // pnpm v9 has no `dev` flag: the importers' groups give the scope
    let scope = |n: &str, v: &str| {
        inv.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n && c["version"] == v)
            .map(|c| c["scope"].clone())
            .unwrap()
    };
    assert_eq!(scope("debug", "4.3.4"), "runtime");
    assert_eq!(scope("ms", "2.1.2"), "runtime");
    assert_eq!(scope("ms", "2.0.0"), "development");
}

#[test]
fn uv_lock_scope_follows_the_project_extras_and_groups() {
    let env = Env::new();
    let r = env.repo("uv");
    let lock = std::fs::read_to_string(sef_testkit::shared(
        "data/lockfiles/uvlock/grouped-packages.lock",
    ))
    .unwrap();
    // the project's extras (cli, dev, test) are optional; add a dependency
    // group, which uv records as `dev-dependencies`
    let lock = lock.replace(
        "[package.metadata]",
        "[package.dev-dependencies]\nlint = [\n    { name = \"pyflakes\" },\n]\n\n[package.metadata]",
    );
    write(&r, "uv.lock", &lock);
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"uv\"\n[analyzers.vulnerabilities]\nenabled = false\n",
    );
    let inv = &inventory_of(&env, &r);
    let scope = |n: &str| -> (String, Value) {
        let c = inv["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n)
            .unwrap();
        (c["scope"].as_str().unwrap().to_owned(), c["direct"].clone())
    };
    assert_eq!(scope("emoji"), ("runtime".into(), Value::Bool(true)));
    assert_eq!(scope("click"), ("optional".into(), Value::Bool(true)));
    // through click (an extra) and black (an extra)
    assert_eq!(scope("colorama"), ("optional".into(), Value::Bool(false)));
    assert_eq!(
        scope("platformdirs"),
        ("optional".into(), Value::Bool(false))
    );
    // in the test extra as well as the lint group: optional wins over development
    assert_eq!(scope("pyflakes").0, "optional");
    let unknown = inv["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["scope"] == "unknown" && c["first_party"] == false)
        .count();
    assert_eq!(unknown, 0);
}

#[test]
fn maven_properties_of_the_parent_are_resolved() {
    let env = Env::new();
    let r = env.repo("gson");
    // the shape of gson's metrics/pom.xml (google/gson 9835b6f): the
    // parent is not on disk, and a dependency names its version
    write(
        &r,
        "metrics/pom.xml",
        "<project>\n  <modelVersion>4.0.0</modelVersion>\n  <parent>\n    <groupId>com.google.code.gson</groupId>\n    <artifactId>gson-parent</artifactId>\n    <version>2.14.1-SNAPSHOT</version>\n  </parent>\n  <artifactId>gson-metrics</artifactId>\n  <dependencies>\n    <dependency>\n      <groupId>com.google.code.gson</groupId>\n      <artifactId>gson</artifactId>\n      <version>${project.parent.version}</version>\n    </dependency>\n    <dependency>\n      <groupId>org.example</groupId>\n      <artifactId>old-style</artifactId>\n      <version>${parent.version}</version>\n    </dependency>\n  </dependencies>\n</project>\n",
    );
    let sbom = sbom_of(&env, &r);
    let purls: Vec<&str> = sbom["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    assert!(
        purls.contains(&"pkg:maven/com.google.code.gson/gson@2.14.1-SNAPSHOT"),
        "{purls:?}"
    );
    assert!(
        purls.contains(&"pkg:maven/org.example/old-style@2.14.1-SNAPSHOT"),
        "{purls:?}"
    );
    // CycloneDX: the Maven group in `group`, the artifact in `name`
    let gson = sbom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "gson")
        .unwrap();
    assert_eq!(gson["group"], "com.google.code.gson");
}
