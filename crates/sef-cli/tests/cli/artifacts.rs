//! End to end: the release artefacts declared in sef.toml checked in
//! `sef assess` against their minisign signatures and a checksum file; an
//! altered artefact fails the gate loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use sha2::Digest as _;

fn sef(env: &Env, dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = env
        .sef()
        .current_dir(dir)
        .env("SEF_KEY_PASSWORD", "release key password")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout.clone()).unwrap(),
        stderr(&out),
    )
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

const PLAN: &str = "[offering]\nname = \"rel\"\n[analyzers.vulnerabilities]\nenabled = false\n\n\
[release_artifacts]\nfiles = [\"dist/*.{tar.gz,bin}\"]\npublic_keys = [\"security/keys/release.pub\"]\nchecksums = \"dist/SHA256SUMS\"\n\n\
# no advisory database in this test\n[checkpoints]\ndisabled = [\"develop.scans-current\"]\n";

#[test]
fn artefacts_signed_checked_and_tampering_fails_the_gate() {
    let env = Env::new();
    let r = env.repo("rel");
    std::fs::create_dir_all(r.join("security/keys")).unwrap();
    write(&r, "src/app.py", "print(\"the release\")\n");
    write(&r, "dist/app-1.0.tar.gz", "the release\n");
    write(&r, "dist/tool.bin", "a tool\n");
    write(
        &r,
        "dist/SHA256SUMS",
        &format!(
            "{}  app-1.0.tar.gz\n{}  tool.bin\n",
            sha(b"the release\n"),
            sha(b"a tool\n")
        ),
    );
    let (code, _, err) = sef(
        &env,
        &r,
        &[
            "keygen",
            "--public-key",
            "security/keys/release.pub",
            "--secret-key",
            "../release.key",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = sef(
        &env,
        &r,
        &["sign", "dist/app-1.0.tar.gz", "-s", "../release.key"],
    );
    assert_eq!(code, 0, "{err}");
    write(&r, "sef.toml", PLAN);

    let (code, out, err) = sef(&env, &r, &["assess", ".", "-q", "-f", "json", "--no-store"]);
    assert!(code <= 1, "{err}");
    let rep = json(out.as_bytes());
    let ev = evidence_of(&rep, "signatures");
    assert_eq!(ev["status"]["state"], "complete", "{ev}");
    let rows = ev["payload"]["artifacts"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let app = rows
        .iter()
        .find(|a| a["file"] == "dist/app-1.0.tar.gz")
        .unwrap();
    assert_eq!(app["signature"], "verified");
    assert_eq!(app["checksum"], "ok");
    let tool = rows.iter().find(|a| a["file"] == "dist/tool.bin").unwrap();
    assert_eq!(tool["signature"], "unsigned");
    let kpi = rep["run"]["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kpi_id"] == "integrity.signed-code-and-packages")
        .unwrap()
        .clone();
    assert_eq!(kpi["measurement"]["value"], 50.0, "{kpi}");
    let findings = rep["run"]["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(
            |f| f["rule_id"] == "artifact/unsigned" && f["location"]["path"] == "dist/tool.bin"
        )
    );
    assert_eq!(
        code, 0,
        "an unsigned artefact is a medium finding: the develop gate still passes"
    );

    // the release is altered after signing: signature and checksum both fail, loudly
    write(&r, "dist/app-1.0.tar.gz", "the release, with a backdoor\n");
    let (code, out, _) = sef(&env, &r, &["assess", ".", "-q", "-f", "json", "--no-store"]);
    assert_eq!(code, 1, "a tampered artefact fails the gate");
    let rep = json(out.as_bytes());
    let rules: Vec<&str> = rep["run"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"artifact/signature-invalid"), "{rules:?}");
    assert!(rules.contains(&"artifact/checksum-mismatch"), "{rules:?}");
    assert!(
        rep["summary"]["blocking_criteria"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "develop.no-open-high-findings")
    );

    // nothing built yet: partial, not "all signed"
    write(
        &r,
        "sef.toml",
        &PLAN.replace("dist/*.{tar.gz,bin}", "out/*.whl"),
    );
    let (_, out, _) = sef(&env, &r, &["assess", ".", "-q", "-f", "json", "--no-store"]);
    let rep = json(out.as_bytes());
    let ev = evidence_of(&rep, "signatures");
    assert_eq!(ev["status"]["state"], "partial");
    assert!(
        ev["status"]["reason"]
            .as_str()
            .unwrap()
            .contains("no artefact matches out/*.whl")
    );
    let kpi = rep["run"]["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kpi_id"] == "integrity.signed-code-and-packages")
        .unwrap()
        .clone();
    assert_eq!(kpi["measurement"]["state"], "not-measured", "{kpi}");

    // a missing key is failed evidence; bad globs are plan errors with a line
    write(
        &r,
        "sef.toml",
        &PLAN.replace("security/keys/release.pub", "security/keys/gone.pub"),
    );
    let (code, out, _) = sef(&env, &r, &["assess", ".", "-q", "-f", "json", "--no-store"]);
    assert_eq!(code, 1);
    assert_eq!(
        evidence_of(&json(out.as_bytes()), "signatures")["status"]["state"],
        "failed"
    );
    write(
        &r,
        "sef.toml",
        &PLAN.replace("dist/*.{tar.gz,bin}", "dist/[oops"),
    );
    let (code, _, err) = sef(&env, &r, &["assess", ".", "-q"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("sef.toml:7:10: `release_artifacts.files`: `dist/[oops` is not a valid glob"),
        "{err}"
    );
}
