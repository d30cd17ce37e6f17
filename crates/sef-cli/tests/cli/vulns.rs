//! `sef vulns` end to end, on the real RustSec and PyPA exports and the
//! real 1,000-crate lockfile of the benchmarks: the same finding set as
//! `sef assess`, every format, every exit code, SBOM input, acceptances,
//! `--store`, and that nothing else runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The 1,000-crate lockfile of the benchmarks (real crates at real
/// versions).
fn real_lock() -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/data/real-1000-Cargo.lock");
    std::fs::read_to_string(p).unwrap()
}

const MDBOOK_LOCK: &str = "version = 3\n\n[[package]]\nname = \"mdbook\"\nversion = \"0.4.4\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.210\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";

/// One advisory database holding the real crates.io and PyPI exports.
fn advdb(env: &Env) -> PathBuf {
    let db = env.dir.path().join("advdb");
    let out = env
        .sef()
        .args(["db", "import", "-q", "--advisory-db"])
        .arg(&db)
        .arg(shared_osv_zip("crates.io"))
        .arg(shared_osv_zip("PyPI"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    db
}

/// `sef vulns ARGS --advisory-db DB`: exit code, stdout, stderr.
fn vulns(env: &Env, db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = env
        .sef()
        .arg("vulns")
        .args(args)
        .arg("--advisory-db")
        .arg(db)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr(&out),
    )
}

/// (rule, package, severity, status, fingerprint, place) of every finding
/// (the fingerprint follows a package across versions, so one lockfile
/// holding two versions has two findings with one fingerprint).
type Key = (String, String, String, String, String, String);

fn finding_set(findings: &serde_json::Value) -> BTreeSet<Key> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_owned(),
                f["package"].as_str().unwrap_or("").to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
                f["status"].as_str().unwrap().to_owned(),
                f["fingerprint"].as_str().unwrap().to_owned(),
                f["location"].to_string(),
            )
        })
        .collect()
}

/// A plan whose advisory data may be as old as the shared snapshot.
const OLD_DATA_OK: &str =
    "[offering]\nname = \"app\"\n\n[analyzers.vulnerabilities]\nmax_age_days = 3650\n";

#[test]
fn vulns_gives_the_same_findings_as_assess_on_real_lockfiles() {
    let env = Env::new();
    let db = advdb(&env);
    let r = env.repo("app");
    write(&r, "Cargo.lock", &real_lock());
    // a real poetry lockfile beside it: two ecosystems in one check
    let poetry = sef_testkit::shared("data/lockfiles/poetrylock");
    let one = std::fs::read_dir(&poetry)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".lock"))
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .expect("a poetry.lock vector");
    write(&r, "py/poetry.lock", &std::fs::read_to_string(one).unwrap());
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"app\"\n\n[[risk_acceptances]]\nid = \"RUSTSEC-2021-0139\"\njustification = \"ansi_term is only used in the build script\"\napprover = \"Ana\"\nexpires = 2099-01-01\n",
    );
    let (code, out, err) = vulns(&env, &db, &[r.to_str().unwrap(), "-f", "json", "-q"]);
    assert_eq!(code, 1, "{err}");
    let v = json(out.as_bytes());
    assert_eq!(v["schema"], "sef/vulns/v1");
    let a = env.assess_json(&r, &db);
    let from_assess: serde_json::Value = serde_json::Value::Array(
        a["run"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["analyzer"] == "vulnerabilities")
            .cloned()
            .collect(),
    );
    let (sv, sa) = (finding_set(&v["findings"]), finding_set(&from_assess));
    assert!(sv.len() > 60, "{} findings", sv.len());
    assert_eq!(sv, sa, "sef vulns and sef assess disagree");
    assert!(
        sv.iter().any(|f| f.3 == "accepted"),
        "the acceptance applies"
    );
    // both ecosystems were tested
    let ecos: BTreeSet<&str> = v["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["ecosystem"].as_str().unwrap())
        .collect();
    assert!(ecos.contains("crates.io"), "{ecos:?}");
    let assess_ev = evidence_of(&a, "known-vulnerabilities");
    assert_eq!(v["tested"], assess_ev["payload"]["tested"]);
    assert_eq!(v["components"], assess_ev["payload"]["components"]);
    // only vulnerability findings: nothing else ran
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["analyzer"] == "vulnerabilities")
    );
}

#[test]
fn exit_codes_follow_the_threshold_and_fail_closed() {
    let env = Env::new();
    let db = advdb(&env);
    let r = env.repo("app");
    write(&r, "Cargo.lock", MDBOOK_LOCK);
    write(&r, "sef.toml", OLD_DATA_OK);
    let p = r.to_str().unwrap();
    // mdbook 0.4.4: RUSTSEC-2021-0001, medium (CVSS 6.1)
    let (code, out, _) = vulns(&env, &db, &[p, "-q"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("RUSTSEC-2021-0001") && out.contains("FAIL"),
        "{out}"
    );
    assert_eq!(vulns(&env, &db, &[p, "-q", "--fail-on", "medium"]).0, 1);
    let (code, out, _) = vulns(&env, &db, &[p, "-q", "--fail-on", "high"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("PASS"), "{out}");
    assert_eq!(vulns(&env, &db, &[p, "-q", "--fail-on", "never"]).0, 0);

    // no database: could not run, never "no vulnerabilities"
    let (code, out, err) = vulns(
        &env,
        &env.dir.path().join("nowhere"),
        &[p, "-q", "--fail-on", "never"],
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("sef db import") || err.contains("sef db update"),
        "{err}"
    );

    // a git-sourced crate cannot be tested against registry advisories:
    // the check is partial and fails unless --allow-partial
    let g = env.repo("git-sourced");
    write(
        &g,
        "Cargo.lock",
        "version = 3\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"git+https://github.com/servo/rust-smallvec?rev=2c3fc3c#2c3fc3cbf6d69a0c8f7c9e6fc6f9e2d3c1a0b7c2\"\n",
    );
    write(&g, "sef.toml", OLD_DATA_OK);
    let gp = g.to_str().unwrap();
    let (code, out, _) = vulns(&env, &db, &[gp, "-q", "-f", "json"]);
    assert_eq!(code, 1, "{out}");
    let j = json(out.as_bytes());
    assert_eq!(j["status"], "partial");
    assert!(j["verdict"]["reasons"].to_string().contains("partial"));
    assert_eq!(j["not_tested"].as_array().unwrap().len(), 1);
    assert_eq!(vulns(&env, &db, &[gp, "-q", "--allow-partial"]).0, 0);

    // a lockfile cut in the middle: what it lists was not all tested
    let t = env.repo("truncated");
    write(&t, "sef.toml", OLD_DATA_OK);
    write(
        &t,
        "package-lock.json",
        "{\"lockfileVersion\": 3, \"packages\": {\"node_modules/a\": {\"vers",
    );
    let (code, out, _) = vulns(&env, &db, &[t.to_str().unwrap(), "-q", "-f", "json"]);
    assert_eq!(code, 1, "{out}");
    let j = json(out.as_bytes());
    assert_eq!(j["status"], "partial", "{j}");
    assert!(
        j["reason"].as_str().unwrap().contains("package-lock.json"),
        "{j}"
    );

    // a bad flag
    assert_eq!(vulns(&env, &db, &[p, "--fail-on", "sometimes"]).0, 2);
}

#[test]
fn every_format_renders_the_same_findings() {
    let env = Env::new();
    let db = advdb(&env);
    let r = env.repo("app");
    write(&r, "Cargo.lock", &real_lock());
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"app\"\n\n[[risk_acceptances]]\nid = \"RUSTSEC-2021-0139\"\njustification = \"build script only\"\napprover = \"Ana\"\nexpires = 2099-01-01\n",
    );
    let p = r.to_str().unwrap();
    let (_, out, _) = vulns(&env, &db, &[p, "-q", "-f", "json"]);
    let j = json(out.as_bytes());
    let findings = j["findings"].as_array().unwrap();
    let ids: BTreeSet<&str> = findings
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();

    let (code, text, _) = vulns(&env, &db, &[p, "-q"]);
    assert_eq!(code, 1);
    for id in &ids {
        assert!(text.contains(id), "text lacks {id}");
    }
    assert!(text.contains("accepted by Ana"), "{text}");

    let (_, md, _) = vulns(&env, &db, &[p, "-q", "-f", "markdown"]);
    assert!(md.contains("| Severity | Advisory |"), "{md}");
    for id in &ids {
        assert!(md.contains(id), "markdown lacks {id}");
    }

    let (_, sarif, _) = vulns(&env, &db, &[p, "-q", "-f", "sarif"]);
    let s = json(sarif.as_bytes());
    assert_eq!(s["version"], "2.1.0");
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    let suppressed = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .count();
    let accepted = findings
        .iter()
        .filter(|f| f["status"] == "accepted")
        .count();
    assert!(accepted > 0);
    assert_eq!(suppressed, accepted);
    let sarif_ids: BTreeSet<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(sarif_ids, ids);

    // -o writes the file and nothing to stdout
    let file = env.dir.path().join("out.json");
    let (_, out, _) = vulns(
        &env,
        &db,
        &[p, "-q", "-f", "json", "-o", file.to_str().unwrap()],
    );
    assert!(out.is_empty());
    assert_eq!(
        json(&std::fs::read(&file).unwrap())["schema"],
        "sef/vulns/v1"
    );
}

#[test]
fn sboms_are_checked_like_the_lockfiles_they_came_from() {
    let env = Env::new();
    let db = advdb(&env);
    let r = env.repo("app");
    write(&r, "Cargo.lock", &real_lock());
    let p = r.to_str().unwrap();
    let (_, out, _) = vulns(&env, &db, &[p, "-q", "-f", "json"]);
    let from_lock = json(out.as_bytes());
    let key = |j: &serde_json::Value| -> BTreeSet<(String, String)> {
        j["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap().to_owned(),
                    f["package"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let empty = env.repo("empty");
    for format in ["cyclonedx", "spdx"] {
        let sbom = env.dir.path().join(format!("app.{format}.json"));
        let out = env
            .sef()
            .args(["sbom", p, "--format", format, "-o"])
            .arg(&sbom)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let (code, out, err) = vulns(
            &env,
            &db,
            &[
                empty.to_str().unwrap(),
                "-q",
                "-f",
                "json",
                "--sbom",
                sbom.to_str().unwrap(),
            ],
        );
        assert_eq!(code, 1, "{err}");
        let j = json(out.as_bytes());
        assert_eq!(key(&j), key(&from_lock), "{format}");
        assert_eq!(j["tested"], from_lock["tested"], "{format}");
        assert_eq!(j["sboms"][0], sbom.to_str().unwrap());
    }
    // not an SBOM, and a broken one: exit 2 naming the file and line
    let not = env.dir.path().join("not.json");
    std::fs::write(&not, "{\"hello\": 1}").unwrap();
    let (code, _, err) = vulns(&env, &db, &[p, "-q", "--sbom", not.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("not.json:1") && err.contains("not an SBOM"),
        "{err}"
    );
    let broken = env.dir.path().join("broken.cdx.json");
    std::fs::write(
        &broken,
        "{\"bomFormat\": \"CycloneDX\",\n\"components\": [\n{\"name\": ",
    )
    .unwrap();
    let (code, _, err) = vulns(&env, &db, &[p, "-q", "--sbom", broken.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("broken.cdx.json"), "{err}");
    let (code, _, err) = vulns(&env, &db, &[p, "-q", "--sbom", "/nonexistent/x.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/x.json"), "{err}");
}

#[test]
fn nothing_is_stored_without_store_and_a_stored_check_decides_nothing() {
    let env = Env::new();
    let db = advdb(&env);
    let r = env.repo("app");
    write(&r, "Cargo.lock", MDBOOK_LOCK);
    // a secret in the tree: the secrets analyzer must not run
    write(
        &r,
        "config.env",
        "GITHUB_TOKEN=ghp_Zq3xK9mP2vL8nR4tW6yB1cD5fH7jA0sE3gT9\n",
    );
    write(&r, "sef.toml", "[offering]\nname = \"app\"\n");
    let p = r.to_str().unwrap();
    let (_, out, _) = vulns(&env, &db, &[p, "-q", "-f", "json"]);
    let j = json(out.as_bytes());
    assert!(!out.contains("secret"), "{out}");
    assert_eq!(j["findings"].as_array().unwrap().len(), 1);
    assert!(!env.db().exists(), "no store without --store");

    let (code, out, err) = vulns(&env, &db, &[p, "-q", "-f", "json", "--store"]);
    assert_eq!(code, 1, "{err}");
    let j = json(out.as_bytes());
    assert!(j["stored"].as_str().unwrap().contains("run "), "{j}");
    assert!(env.db().exists());
    let out = env
        .sef()
        .args(["runs", "show", "latest", "--format", "json"])
        .output()
        .unwrap();
    let run = json(&out.stdout);
    let criteria = run["run"]["gate"]["criteria"].to_string();
    assert!(
        criteria.contains("evidence.all-analyzers-ran"),
        "{criteria}"
    );
    assert_eq!(run["run"]["gate"]["outcome"], "fail");
    assert_eq!(run["run"]["findings"].as_array().unwrap().len(), 1);
}
