//! Real-world inputs read right (issue 18): excluded paths, on the real
//! example requirements of Flask and the real PyPI advisories.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// An advisory database with the real PyPI export.
fn pypi_db(env: &Env) -> PathBuf {
    let db = env.dir.path().join("advdb");
    let out = env
        .sef()
        .args(["db", "import", "-q", "--advisory-db"])
        .arg(&db)
        .arg(shared_osv_zip("PyPI"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    db
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

fn sbom_names(env: &Env, repo: &Path) -> Vec<String> {
    let out = env.sef().args(["sbom", "-q"]).arg(repo).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = json(&out.stdout);
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
