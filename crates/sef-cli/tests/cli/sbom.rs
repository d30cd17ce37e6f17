//! `sef sbom` and the SBOM kept with each run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use predicates::prelude::*;

const LOCK: &str = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"serde\"]\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.210\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";

fn repo(env: &Env) -> std::path::PathBuf {
    let r = env.repo("sbomrepo");
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"shop\"\n[release]\nversion = \"3.1.0\"\n",
    );
    write(&r, "Cargo.lock", LOCK);
    write(
        &r,
        "web/package-lock.json",
        r#"{"lockfileVersion":3,"packages":{"":{"dependencies":{"left-pad":"1"}},"node_modules/left-pad":{"version":"1.3.0"}}}"#,
    );
    write(&r, "broken/Cargo.lock", "[[package]]\nname = 1\n");
    r
}

#[test]
fn cyclonedx_and_spdx_are_deterministic_with_source_date_epoch() {
    let env = Env::new();
    let r = repo(&env);
    let run = |format: &str| {
        let out = env
            .sef()
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .args(["sbom", r.to_str().unwrap(), "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let err = stderr(&out);
        (String::from_utf8(out.stdout).unwrap(), err)
    };
    let (cdx, err) = run("cyclonedx");
    assert_eq!(cdx, run("cyclonedx").0);
    let doc = json(cdx.as_bytes());
    assert_eq!(doc["specVersion"], "1.6");
    assert_eq!(doc["metadata"]["timestamp"], "2023-11-14T22:13:20Z");
    assert_eq!(doc["metadata"]["component"]["name"], "shop");
    let purls: Vec<&str> = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    assert_eq!(purls, ["pkg:cargo/serde@1.0.210", "pkg:npm/left-pad@1.3.0"]);
    // The broken lockfile is reported, and the others are still read.
    assert!(err.contains("error: broken/Cargo.lock:2:"), "{err}");
    assert!(err.contains("components from"), "{err}");

    let (spdx, _) = run("spdx");
    assert_eq!(spdx, run("spdx").0);
    let doc = json(spdx.as_bytes());
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    assert_eq!(doc["creationInfo"]["created"], "2023-11-14T22:13:20Z");
    assert!(
        doc["documentNamespace"]
            .as_str()
            .unwrap()
            .starts_with("urn:uuid:")
    );
}

#[test]
fn sbom_to_a_file_and_with_the_run() {
    let env = Env::new();
    let r = repo(&env);
    let file = env.dir.path().join("out.cdx.json");
    env.sef()
        .args([
            "sbom",
            r.to_str().unwrap(),
            "-o",
            file.to_str().unwrap(),
            "-q",
        ])
        .assert()
        .success()
        .stdout("");
    let written = json(&std::fs::read(&file).unwrap());
    assert_eq!(written["bomFormat"], "CycloneDX");

    // An advisory database covering crates.io and npm (nothing matches).
    let osv = env.repo("osv");
    write(
        &osv,
        "x.json",
        r#"{"id":"X-1","affected":[{"package":{"ecosystem":"crates.io","name":"serde"},"versions":["0.1.0"]},{"package":{"ecosystem":"npm","name":"left-pad"},"versions":["0.0.1"]}]}"#,
    );
    let advdb = env.dir.path().join("advdb");
    env.sef()
        .args([
            "db",
            "import",
            osv.to_str().unwrap(),
            "--advisory-db",
            advdb.to_str().unwrap(),
            "-q",
        ])
        .assert()
        .success();
    let out = env
        .sef()
        .env("SEF_ADVISORY_DB", &advdb)
        .args(["assess", r.to_str().unwrap(), "-q", "--format", "json"])
        .output()
        .unwrap();
    // the develop gate may fail on the vulnerable packages; sef still ran
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    let report = json(&out.stdout);
    assert_eq!(report["run"]["artifacts"][0]["name"], "sbom.cdx.json");
    assert!(
        report["run"]["artifacts"][0].get("content").is_none(),
        "content leaked into the report"
    );
    // The inventory is partial because one lockfile is broken.
    let inv = report["run"]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "inventory")
        .unwrap();
    assert_eq!(inv["status"]["state"], "partial");
    assert!(
        inv["status"]["reason"]
            .as_str()
            .unwrap()
            .contains("broken/Cargo.lock:2")
    );
    // a partial inventory fails the develop exit's "scans current" criterion
    assert_eq!(report["summary"]["verdict"], "fail");
    let scans = report["run"]["gate"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "develop.scans-current")
        .unwrap();
    assert_eq!(scans["outcome"], "fail");
    assert!(
        scans["detail"]
            .as_str()
            .unwrap()
            .contains("inventory is partial")
    );
    assert_eq!(report["summary"]["evidence_complete"], false);

    let stored = env
        .sef()
        .args(["runs", "show", "latest", "--artifact", "sbom.cdx.json"])
        .output()
        .unwrap();
    assert_eq!(stored.status.code(), Some(0), "{}", stderr(&stored));
    let stored = json(&stored.stdout);
    assert_eq!(stored["components"].as_array().unwrap().len(), 3);
    env.sef()
        .args(["runs", "show", "latest", "--artifact", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "has no artifact `nope`; it has: sbom.cdx.json",
        ));
}
