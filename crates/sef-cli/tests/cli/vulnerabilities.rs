//! Known vulnerabilities end to end: `sef db import` of the real RustSec
//! export, then `sef assess` on a lockfile with a vulnerable crate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use predicates::prelude::*;

const LOCK: &str = "version = 3\n\n[[package]]\nname = \"mdbook\"\nversion = \"0.4.4\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.210\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";

#[test]
fn missing_database_is_failed_evidence_not_zero_vulnerabilities() {
    let env = Env::new();
    let r = env.repo("app");
    write(&r, "Cargo.lock", LOCK);
    let out = env
        .sef()
        .env("SEF_ADVISORY_DB", env.dir.path().join("nowhere"))
        .args(["assess", r.to_str().unwrap(), "-q", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let j = json(&out.stdout);
    let ev = evidence_of(&j, "known-vulnerabilities");
    assert_eq!(ev["status"]["state"], "failed");
    assert!(
        ev["status"]["reason"]
            .as_str()
            .unwrap()
            .contains("sef db import"),
        "{ev}"
    );
    assert_eq!(j["summary"]["failed_analyzers"][0], "vulnerabilities");
}

#[test]
fn real_rustsec_advisories_are_found() {
    let zip = shared_osv_zip("crates.io");
    let env = Env::new();
    let advdb = env.dir.path().join("advdb");
    env.sef()
        .args([
            "db",
            "import",
            zip.to_str().unwrap(),
            "--advisory-db",
            advdb.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("crates.io"));
    env.sef()
        .args([
            "db",
            "status",
            "--advisory-db",
            advdb.to_str().unwrap(),
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"count\": 1206"));

    let r = env.repo("app");
    write(&r, "Cargo.lock", LOCK);
    // the shared RustSec export is from August 2026: its newest record is
    // months old, which the default max_age_days (7) would call stale
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"app\"\n[analyzers.vulnerabilities]\nmax_age_days = 3650\n",
    );
    let out = env
        .sef()
        .env("SEF_ADVISORY_DB", &advdb)
        .args(["assess", r.to_str().unwrap(), "-q", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let j = json(&out.stdout);
    let f = j["run"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "RUSTSEC-2021-0001")
        .expect("mdbook advisory");
    assert_eq!(f["kind"], "vulnerability");
    assert_eq!(f["severity"], "medium"); // CVSS 3.1 base 6.1
    assert_eq!(f["location"]["path"], "Cargo.lock");
    assert!(f["remediation"].as_str().unwrap().contains("0.4.5"));
    // The finding itself carries what a reader needs.
    assert_eq!(f["aliases"][0], "CVE-2020-26297");
    assert_eq!(f["package"], "mdbook");
    assert_eq!(f["cvss"]["score"], 6.1);
    assert!(
        f["cvss"]["vector"]
            .as_str()
            .unwrap()
            .starts_with("CVSS:3.1/")
    );
    assert!(!f["references"].as_array().unwrap().is_empty());
    let ev = evidence_of(&j, "known-vulnerabilities");
    assert_eq!(ev["status"]["state"], "complete");
    assert_eq!(ev["payload"]["tested"], 2);
    let m = ev["payload"]["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "RUSTSEC-2021-0001")
        .unwrap();
    assert_eq!(m["aliases"][0], "CVE-2020-26297");
    assert_eq!(m["fixed"], "0.4.5");
    assert_eq!(m["cvss"]["score"], 6.1);
}

#[test]
fn db_import_errors_are_clear() {
    let env = Env::new();
    let bad = env.dir.path().join("bad.zip");
    std::fs::write(&bad, b"not a zip").unwrap();
    env.sef()
        .args([
            "db",
            "import",
            bad.to_str().unwrap(),
            "--advisory-db",
            env.dir.path().join("db").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("not a readable zip archive")
                .and(predicate::str::contains("previous database is unchanged")),
        );
    env.sef()
        .args(["db", "import", "/nonexistent/x.zip"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file"));
    env.sef()
        .args([
            "db",
            "status",
            "--advisory-db",
            env.dir.path().join("empty").to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing imported yet"));
}

#[test]
fn risk_acceptances_mark_findings_accepted_until_they_expire() {
    let zip = shared_osv_zip("crates.io");
    let env = Env::new();
    let advdb = env.dir.path().join("advdb");
    env.sef()
        .args(["db", "import", "-q", zip.to_str().unwrap(), "--advisory-db"])
        .arg(&advdb)
        .assert()
        .success();
    let r = env.repo("app");
    write(&r, "Cargo.lock", LOCK);
    let plan = |expires: &str| {
        format!(
            "[offering]\nname = \"app\"\n\n[[risk_acceptances]]\nid = \"CVE-2020-26297\"\npackage = \"mdbook\"\njustification = \"we never render untrusted Markdown\"\napprover = \"Jane Doe\"\nexpires = {expires}\n\n[[risk_acceptances]]\nid = \"RUSTSEC-1999-0001\"\njustification = \"gone\"\napprover = \"Jane Doe\"\nexpires = 2099-01-01\n"
        )
    };
    let run = |format: &str| {
        let out = env
            .sef()
            .env("SEF_ADVISORY_DB", &advdb)
            .args([
                "assess",
                r.to_str().unwrap(),
                "-q",
                "--no-store",
                "--format",
                format,
            ])
            .output()
            .unwrap();
        assert!(out.status.code().is_some_and(|c| c < 2), "{}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let mdbook = |j: &serde_json::Value| {
        j["run"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == "RUSTSEC-2021-0001")
            .unwrap()
            .clone()
    };

    write(&r, "sef.toml", &plan("2099-12-31"));
    let j = json(run("json").as_bytes());
    let f = mdbook(&j);
    assert_eq!(f["status"], "accepted", "{f}");
    assert_eq!(f["acceptance"]["approver"], "Jane Doe");
    assert_eq!(f["acceptance"]["expires"], "2099-12-31");
    assert_eq!(f["acceptance"]["expired"], false);
    let notes = j["run"]["notes"].to_string();
    assert!(
        notes.contains("RUSTSEC-1999-0001") && notes.contains("matches no finding"),
        "{notes}"
    );
    let text = run("text");
    assert!(
        text.contains("ACCEPTED until 2099-12-31 by Jane Doe"),
        "{text}"
    );
    assert!(run("markdown").contains("ACCEPTED until 2099-12-31"));
    assert!(run("html").contains("ACCEPTED until 2099-12-31"));

    write(&r, "sef.toml", &plan("2020-01-31"));
    let j = json(run("json").as_bytes());
    let f = mdbook(&j);
    assert_eq!(f["status"], "open", "{f}");
    assert_eq!(f["acceptance"]["expired"], true);
    assert!(
        j["run"]["notes"]
            .to_string()
            .contains("expired on 2020-01-31")
    );
    assert!(run("text").contains("EXPIRED on 2020-01-31"));
}
