//! End to end: findings followed across runs (first seen, fixed, never
//! fixed by a run where the tool did not run), triage decisions that
//! survive re-ingestion, an expired acceptance reopening a finding.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;

fn sef(env: &Env, args: &[&str]) -> (i32, String, String) {
    let out = env.sef().env("USER", "tester").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout.clone()).unwrap(),
        stderr(&out),
    )
}

fn ingest(env: &Env, repo: &std::path::Path, files: &[&str]) {
    let mut args = vec!["ingest", "sarif", "--repo", repo.to_str().unwrap(), "-q"];
    let paths: Vec<String> = files
        .iter()
        .map(|f| repo.join(f).display().to_string())
        .collect();
    args.extend(paths.iter().map(String::as_str));
    let (code, _, err) = sef(env, &args);
    assert!(code <= 1, "{err}");
}

fn list(env: &Env, repo: &std::path::Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["finding", "list", repo.to_str().unwrap(), "-f", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = sef(env, &args);
    assert_eq!(code, 0, "{err}");
    json(out.as_bytes())["findings"].as_array().unwrap().clone()
}

fn by_rule<'a>(items: &'a [serde_json::Value], rule: &str) -> &'a serde_json::Value {
    items
        .iter()
        .find(|f| f["history"]["rule_id"] == rule)
        .unwrap_or_else(|| panic!("no {rule}"))
}

#[test]
fn history_triage_and_reingestion() {
    let env = Env::new();
    let r = env.repo("app");
    copy_fixture("sarif-repo", &r);
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"app\"\n[release]\nversion = \"1.0\"\n[analyzers.vulnerabilities]\nenabled = false\n[[team.member]]\nid = \"tester\"\nroles = [\"qa\"]\n[[team.member]]\nid = \"Ana\"\nroles = [\"architect\"]\n",
    );
    ingest(&env, &r, &["results/semgrep.sarif", "results/bandit.sarif"]);

    let all = list(&env, &r, &[]);
    let sarif_findings: Vec<_> = all
        .iter()
        .filter(|f| {
            f["history"]["analyzer"]
                .as_str()
                .unwrap()
                .starts_with("sarif:")
        })
        .collect();
    assert_eq!(sarif_findings.len(), 9);
    let eval = by_rule(&all, "python-eval-user-input");
    assert_eq!(eval["history"]["state"], "open");
    assert_eq!(eval["history"]["first_seen_release"], "1.0");
    assert_eq!(eval["cwe"], serde_json::json!([95]));
    // filters
    assert_eq!(list(&env, &r, &["--cwe", "CWE-95"]).len(), 1);
    assert_eq!(list(&env, &r, &["--tool", "bandit"]).len(), 6);
    assert!(
        list(&env, &r, &["--severity", "high"])
            .iter()
            .all(|f| f["history"]["severity"] == "high")
    );

    // triage by id prefix, and by fingerprint
    let b404 = by_rule(&all, "B404");
    let b404_id = b404["id"].as_str().unwrap().to_owned();
    let (code, out, err) = sef(
        &env,
        &[
            "finding",
            "triage",
            "--repo",
            r.to_str().unwrap(),
            &b404_id,
            "--status",
            "false-positive",
            "--reason",
            "the import alone is harmless",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("false-positive by tester"), "{out}");
    let md5_fp = by_rule(&all, "python-weak-hash-md5")["history"]["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let (code, _, err) = sef(
        &env,
        &[
            "finding",
            "triage",
            "--repo",
            r.to_str().unwrap(),
            &md5_fp,
            "--status",
            "accepted",
            "--reason",
            "cache key only, not security",
            "--expires",
            "2099-01-01",
            "--by",
            "Ana",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let eval_fp = eval["history"]["fingerprint"].as_str().unwrap().to_owned();
    let (code, _, _) = sef(
        &env,
        &[
            "finding",
            "triage",
            "--repo",
            r.to_str().unwrap(),
            &eval_fp,
            "--status",
            "confirmed",
            "--reason",
            "reachable from the API",
        ],
    );
    assert_eq!(code, 0);

    // bad triage requests change nothing
    let (code, _, err) = sef(
        &env,
        &[
            "finding",
            "triage",
            "--repo",
            r.to_str().unwrap(),
            &eval_fp,
            "--status",
            "accepted",
            "--reason",
            "x",
            "--expires",
            "2001-01-01",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("is in the past"), "{err}");
    let (code, _, err) = sef(
        &env,
        &[
            "finding",
            "triage",
            "--repo",
            r.to_str().unwrap(),
            &eval_fp,
            "--status",
            "confirmed",
            "--reason",
            "x",
            "--expires",
            "2099-01-01",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("only goes with --status accepted"), "{err}");
    let (code, _, err) = sef(
        &env,
        &[
            "finding",
            "triage",
            "--repo",
            r.to_str().unwrap(),
            "zzzzzz",
            "--status",
            "confirmed",
            "--reason",
            "x",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("no stored finding matches `zzzzzz`"), "{err}");

    // re-ingestion applies the decisions to the new run's findings
    ingest(&env, &r, &["results/semgrep.sarif", "results/bandit.sarif"]);
    let (_, out, _) = sef(&env, &["runs", "show", "latest", "-f", "json"]);
    let run = json(out.as_bytes());
    let status = |rule: &str| {
        run["run"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == rule)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("B404"), "false-positive");
    assert_eq!(status("python-weak-hash-md5"), "accepted");
    assert_eq!(status("python-eval-user-input"), "confirmed");
    assert_eq!(status("B602"), "open");
    let (_, out, _) = sef(&env, &["finding", "show", &eval_fp]);
    assert!(out.contains("python-eval-user-input"), "{out}");
    assert!(
        out.contains("confirmed by tester (self-asserted (unsigned)): reachable from the API"),
        "{out}"
    );
    assert!(out.contains("2 run(s)"), "{out}");

    // a run in which semgrep did not run fixes none of its findings
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"app\"\n[release]\nversion = \"2.0\"\n[analyzers.vulnerabilities]\nenabled = false\n",
    );
    ingest(&env, &r, &["results/bandit.sarif"]);
    let all = list(&env, &r, &[]);
    assert_eq!(
        by_rule(&all, "python-eval-user-input")["history"]["state"],
        "open"
    );

    // semgrep runs again without the eval finding: it is fixed, in 2.0
    let mut log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(r.join("results/semgrep.sarif")).unwrap())
            .unwrap();
    log["runs"][0]["results"]
        .as_array_mut()
        .unwrap()
        .retain(|x| x["ruleId"] != "python-eval-user-input");
    std::fs::write(
        r.join("results/semgrep-2.sarif"),
        serde_json::to_string(&log).unwrap(),
    )
    .unwrap();
    ingest(
        &env,
        &r,
        &["results/semgrep-2.sarif", "results/bandit.sarif"],
    );
    let all = list(&env, &r, &[]);
    let eval = by_rule(&all, "python-eval-user-input");
    assert_eq!(eval["history"]["state"], "fixed", "{eval}");
    assert_eq!(eval["history"]["fixed_in_release"], "2.0");
    assert_eq!(list(&env, &r, &["--status", "fixed"]).len(), 1);
    let (_, out, _) = sef(
        &env,
        &["finding", "list", r.to_str().unwrap(), "-f", "json"],
    );
    let summary = &json(out.as_bytes())["summary"];
    assert_eq!(summary["fixed_per_release"]["2.0"], 1, "{summary}");
    assert!(summary["mean_days_to_fix"].as_f64().unwrap() >= 0.0);
    // and back: reopened
    ingest(&env, &r, &["results/semgrep.sarif", "results/bandit.sarif"]);
    let all = list(&env, &r, &[]);
    assert_eq!(
        by_rule(&all, "python-eval-user-input")["history"]["state"],
        "reopened"
    );
    let (_, text, _) = sef(
        &env,
        &[
            "finding",
            "list",
            r.to_str().unwrap(),
            "--status",
            "reopened",
        ],
    );
    assert!(
        text.contains("confirmed (reopened) high     python-eval-user-input"),
        "{text}"
    );
    assert!(text.contains("triage: confirmed by tester"), "{text}");
}

/// sef's own analyzers count in the CWE coverage: a complete secrets scan
/// covers CWE-798, so the report never says "CWE-798 not covered" beside
/// sef's own CWE-798 findings; a failed one does not.
#[test]
fn sefs_own_analyzers_cover_their_cwes() {
    let env = Env::new();
    let r = env.repo("own-cwe");
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"own\"\n[analyzers.vulnerabilities]\nenabled = false\n",
    );
    write(
        &r,
        "config.py",
        "TOKEN = \"ghp_Zq3xK9mP2vL8nR4tW6yB1cD5fH7jA0sE3gT9\"\n",
    );
    // the CWE-798 entry of the Top 25 view of a fresh assessment
    let cwe_798 = || {
        let out = env
            .sef()
            .args(["assess", "-q", "--no-store", "-f", "json"])
            .arg(&r)
            .output()
            .unwrap();
        let report = json(&out.stdout);
        report["summary"]["cwe"]["top25"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["cwe"] == 798)
            .cloned()
            .unwrap()
    };
    let c798 = cwe_798();
    assert_eq!(c798["covered"], true, "{c798}");
    assert!(c798["open"].as_u64().unwrap() >= 1, "{c798}");
    // the secrets analyzer failed (a baseline that is not JSON): not covered
    write(&r, ".sef-secrets-baseline.json", "not json");
    let c798 = cwe_798();
    assert_eq!(c798["covered"], false, "{c798}");
}
