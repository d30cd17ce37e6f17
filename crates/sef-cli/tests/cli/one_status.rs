//! End to end, with semgrep and bandit SARIF the real tools produced here:
//! assess, triage some findings (as team members allowed to), re-assess,
//! then check finding by finding that the gate, `finding list`, every
//! report format, `runs list` and `runs diff` tell the same status.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const TEAM: &str = "[[team.member]]\nid = \"ann\"\nroles = [\"architect\"]\n\n[[team.member]]\nid = \"dev\"\nroles = [\"developer\"]\n";

fn plan(extra: &str) -> String {
    format!(
        "[offering]\nname = \"app\"\n[release]\nversion = \"1.0\"\n[analyzers.vulnerabilities]\nenabled = false\n{extra}\n{TEAM}"
    )
}

fn run(env: &Env, args: &[&str]) -> (i32, String, String) {
    let out = env.sef().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout.clone()).unwrap(),
        stderr(&out),
    )
}

fn ingest(env: &Env, repo: &Path) {
    let r = repo.to_str().unwrap();
    let semgrep = repo.join("results/semgrep.sarif");
    let bandit = repo.join("results/bandit.sarif");
    let (code, _, err) = run(
        env,
        &[
            "ingest",
            "sarif",
            "--repo",
            r,
            "-q",
            semgrep.to_str().unwrap(),
            bandit.to_str().unwrap(),
        ],
    );
    assert!(code <= 1, "{err}");
}

fn ingest_junit(env: &Env, repo: &Path, file: &Path) {
    let (code, _, err) = run(
        env,
        &[
            "ingest",
            "junit",
            "--repo",
            repo.to_str().unwrap(),
            "-q",
            file.to_str().unwrap(),
        ],
    );
    assert!(code <= 1, "{err}");
}

fn list(env: &Env, repo: &Path) -> Vec<Value> {
    let (code, out, err) = run(
        env,
        &["finding", "list", repo.to_str().unwrap(), "-f", "json"],
    );
    assert_eq!(code, 0, "{err}");
    json(out.as_bytes())["findings"].as_array().unwrap().clone()
}

fn triage(env: &Env, repo: &Path, id: &str, args: &[&str]) -> (i32, String) {
    let mut a = vec![
        "finding",
        "triage",
        id,
        "--repo",
        repo.to_str().unwrap(),
        "--reason",
        "reviewed in the threat model",
    ];
    a.extend_from_slice(args);
    let (code, _, err) = run(env, &a);
    (code, err)
}

/// fingerprint → status, from a run report's findings.
fn statuses(findings: &[Value]) -> BTreeMap<String, String> {
    findings
        .iter()
        .map(|f| {
            (
                f["fingerprint"].as_str().unwrap().to_owned(),
                f["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn gate_list_reports_and_diff_agree_finding_by_finding() {
    let env = Env::new();
    let r = env.repo("app");
    copy_fixture("sarif-repo", &r);
    write(&r, "sef.toml", &plan(""));
    ingest(&env, &r);

    let before = list(&env, &r);
    let high: Vec<&Value> = before
        .iter()
        .filter(|f| f["status"] == "open" && f["history"]["severity"] == "high")
        .collect();
    assert!(high.len() >= 3, "need three high findings: {before:#?}");
    // finding ids name one occurrence; the fingerprint follows the finding
    let id = |f: &Value| f["history"]["fingerprint"].as_str().unwrap().to_owned();
    let (fp_id, acc_id, conf_id) = (id(high[0]), id(high[1]), id(high[2]));

    // who may triage: a developer may not, a stranger may not (exit 2)
    let (code, err) = triage(
        &env,
        &r,
        &fp_id,
        &["--status", "false-positive", "--by", "dev"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("may not triage"), "{err}");
    let (code, err) = triage(
        &env,
        &r,
        &fp_id,
        &["--status", "false-positive", "--by", "eve"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a member"), "{err}");
    // an architect may
    for (id, args) in [
        (&fp_id, vec!["--status", "false-positive"]),
        (&acc_id, vec!["--status", "accepted"]),
        (&conf_id, vec!["--status", "confirmed"]),
    ] {
        let mut a = args.clone();
        a.extend(["--by", "ann"]);
        let (code, err) = triage(&env, &r, id, &a);
        assert_eq!(code, 0, "{err}");
    }
    ingest(&env, &r);

    // finding list: the one status, as of today
    let after = list(&env, &r);
    let list_status: BTreeMap<String, String> = after
        .iter()
        .map(|f| {
            (
                f["history"]["fingerprint"].as_str().unwrap().to_owned(),
                f["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let status_of = |id: &str| {
        after
            .iter()
            .find(|f| f["history"]["fingerprint"] == id)
            .map(|f| f["status"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(status_of(&fp_id), "false-positive");
    assert_eq!(status_of(&acc_id), "accepted");
    assert_eq!(status_of(&conf_id), "confirmed");

    // the stored run's report: the same status for every finding
    let (_, out, _) = run(&env, &["runs", "show", "latest", "-f", "json"]);
    let report = json(out.as_bytes());
    let findings = report["run"]["findings"].as_array().unwrap();
    let report_status = statuses(findings);
    assert_eq!(
        report_status, list_status,
        "report and finding list disagree"
    );

    // the totals count open findings only; triaged ones beside them
    let open_high = list_status
        .iter()
        .filter(|(fp, s)| {
            (*s == "open" || *s == "confirmed")
                && findings
                    .iter()
                    .any(|f| f["fingerprint"] == fp.as_str() && f["severity"] == "high")
        })
        .count();
    let summary = &report["summary"]["findings"];
    assert_eq!(summary["high"], open_high);
    assert_eq!(summary["accepted"], 1);
    assert_eq!(summary["false_positive"], 1);
    let (_, out, _) = run(&env, &["runs", "list", "-f", "json"]);
    let listed = json(out.as_bytes());
    assert_eq!(listed["runs"][0]["findings"], *summary, "runs list counts");

    // the gate: fails exactly because open high findings remain, and names
    // the same count
    let (code, out, _) = run(&env, &["gate", r.to_str().unwrap(), "-f", "json"]);
    let gate = json(out.as_bytes());
    let crit = gate["gate"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "develop.no-open-high-findings")
        .unwrap();
    let (open_listed, _, _) = run(
        &env,
        &[
            "finding",
            "list",
            r.to_str().unwrap(),
            "--status",
            "open",
            "--severity",
            "high",
            "-f",
            "json",
        ],
    );
    assert_eq!(open_listed, 0);
    let (_, out, _) = run(
        &env,
        &[
            "finding",
            "list",
            r.to_str().unwrap(),
            "--status",
            "open",
            "--severity",
            "high",
            "-f",
            "json",
        ],
    );
    let n_open = json(out.as_bytes())["findings"].as_array().unwrap().len();
    assert_eq!(
        n_open, open_high,
        "finding list --status open --severity high"
    );
    if n_open == 0 {
        assert_eq!(crit["outcome"], "pass");
    } else {
        assert_eq!(crit["outcome"], "fail");
        assert_eq!(code, 1);
        assert!(
            crit["detail"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{n_open} open")),
            "{crit}"
        );
    }

    // text, Markdown and HTML: the same counts and the triaged groups
    let open_total: u64 = ["critical", "high", "medium", "low", "info"]
        .iter()
        .map(|s| summary[s].as_u64().unwrap())
        .sum();
    let (_, text, _) = run(&env, &["runs", "show", "latest"]);
    assert!(
        text.contains(&format!("Findings ({open_total} open)")),
        "{text}"
    );
    assert!(text.contains("· 1 accepted · 1 false positive"), "{text}");
    assert!(text.contains("Accepted (1)") && text.contains("False positive (1)"));
    assert!(
        text.contains("no expiry"),
        "an acceptance without expiry: {text}"
    );
    assert!(!text.contains("262142"), "{text}");
    for fmt in ["markdown", "html"] {
        let (_, doc, _) = run(&env, &["runs", "show", "latest", "-f", fmt]);
        assert!(
            doc.contains(&format!(
                "Findings ({open_total} open · 1 accepted · 1 false positive)"
            )),
            "{fmt}: {doc}"
        );
        assert!(
            doc.contains("Accepted (1)") && doc.contains("False positive (1)"),
            "{fmt}"
        );
    }

    // SARIF: suppressed exactly when accepted or false positive
    let (_, out, _) = run(&env, &["runs", "show", "latest", "-f", "sarif"]);
    let sarif = json(out.as_bytes());
    for res in sarif["runs"][0]["results"].as_array().unwrap() {
        let fp = res["partialFingerprints"]["sef/v1"].as_str().unwrap();
        let st = &report_status[fp];
        assert_eq!(res["properties"]["status"], st.as_str());
        let suppressed = res.get("suppressions").is_some();
        assert_eq!(
            suppressed,
            st == "accepted" || st == "false-positive",
            "{res}"
        );
        assert!(
            res["locations"].as_array().is_some_and(|l| !l.is_empty()),
            "{res}"
        );
    }

    // runs diff: exactly the three decisions, never "No changes"
    let (code, out, err) = run(
        &env,
        &[
            "runs",
            "diff",
            "previous",
            "latest",
            "--repo",
            r.to_str().unwrap(),
            "-f",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let diff = json(out.as_bytes());
    assert_eq!(diff["summary"]["no_changes"], false);
    let changes: BTreeMap<String, String> = diff["diff"]["status_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["finding"]["fingerprint"].as_str().unwrap().to_owned(),
                c["after"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(changes.len(), 3, "{changes:?}");
    for (fp, st) in &changes {
        assert_eq!(&list_status[fp], st);
    }
    let (_, text, _) = run(
        &env,
        &[
            "runs",
            "diff",
            "previous",
            "latest",
            "--repo",
            r.to_str().unwrap(),
        ],
    );
    assert!(!text.contains("No changes"), "{text}");
    assert!(text.contains("open → false-positive"), "{text}");
}

#[test]
fn acceptances_need_an_expiry_when_the_plan_says_so() {
    let env = Env::new();
    let r = env.repo("app");
    copy_fixture("sarif-repo", &r);
    write(
        &r,
        "sef.toml",
        &plan("[checkpoints]\nacceptance_max_days = 30\n"),
    );
    ingest(&env, &r);
    let first = list(&env, &r);
    let id = first[0]["history"]["fingerprint"].as_str().unwrap();
    let (code, err) = triage(&env, &r, id, &["--status", "accepted", "--by", "ann"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no expiry"), "{err}");
    let far = (chrono::Utc::now().date_naive() + chrono::Days::new(90)).to_string();
    let (code, err) = triage(
        &env,
        &r,
        id,
        &["--status", "accepted", "--by", "ann", "--expires", &far],
    );
    assert_eq!(code, 2, "{err}");
    let near = (chrono::Utc::now().date_naive() + chrono::Days::new(20)).to_string();
    let (code, err) = triage(
        &env,
        &r,
        id,
        &["--status", "accepted", "--by", "ann", "--expires", &near],
    );
    assert_eq!(code, 0, "{err}");
    let after = list(&env, &r);
    assert_eq!(
        after
            .iter()
            .find(|f| f["history"]["fingerprint"] == id)
            .unwrap()["status"],
        "accepted"
    );
    // a bad limit in the plan is located
    write(
        &r,
        "sef.toml",
        &plan("[checkpoints]\nacceptance_max_days = 0\n"),
    );
    let (code, _, err) = run(&env, &["gate", r.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("acceptance_max_days") && err.contains("sef.toml"),
        "{err}"
    );
}

#[test]
fn diff_stays_within_one_offering_and_short_ids_are_unique() {
    let env = Env::new();
    let a = env.repo("gin");
    let b = env.repo("flask");
    write(
        &a,
        "sef.toml",
        "[offering]\nname = \"gin\"\n[analyzers.vulnerabilities]\nenabled = false\n",
    );
    write(
        &b,
        "sef.toml",
        "[offering]\nname = \"flask\"\n[analyzers.vulnerabilities]\nenabled = false\n",
    );
    for repo in [&a, &b, &a, &b] {
        let (code, _, err) = run(&env, &["assess", repo.to_str().unwrap(), "-q"]);
        assert!(code <= 1, "{err}");
    }
    let (code, out, err) = run(
        &env,
        &[
            "runs",
            "diff",
            "previous",
            "latest",
            "--repo",
            a.to_str().unwrap(),
            "-f",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let d = json(out.as_bytes());
    let (_, out, _) = run(&env, &["runs", "list", "--offering", "gin", "-f", "json"]);
    let gin = json(out.as_bytes());
    assert_eq!(d["diff"]["to"], gin["runs"][0]["id"]);
    assert_eq!(d["diff"]["from"], gin["runs"][1]["id"]);
    // --offering says the same without a repository
    let (code, out, _) = run(
        &env,
        &[
            "runs",
            "diff",
            "previous",
            "latest",
            "--offering",
            "flask",
            "-f",
            "json",
        ],
    );
    assert_eq!(code, 0);
    assert_ne!(json(out.as_bytes())["diff"]["to"], d["diff"]["to"]);
    // explicit ids of two offerings are refused
    let (_, out, _) = run(&env, &["runs", "list", "-f", "json"]);
    let all = json(out.as_bytes());
    let runs = all["runs"].as_array().unwrap();
    let (code, _, err) = run(
        &env,
        &[
            "runs",
            "diff",
            runs[1]["id"].as_str().unwrap(),
            runs[0]["id"].as_str().unwrap(),
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("two runs of one offering"), "{err}");

    // four runs within a minute: prefixes of at least 8 characters, all
    // different, each accepted by `runs show`
    let shorts: Vec<&str> = runs
        .iter()
        .map(|r| r["short_id"].as_str().unwrap())
        .collect();
    let unique: std::collections::BTreeSet<&&str> = shorts.iter().collect();
    assert_eq!(unique.len(), shorts.len(), "{shorts:?}");
    for (s, r) in shorts.iter().zip(runs) {
        assert!(s.len() >= 8 && r["id"].as_str().unwrap().starts_with(s));
        let (code, out, err) = run(&env, &["runs", "show", s, "-f", "json"]);
        assert_eq!(code, 0, "{s}: {err}");
        assert_eq!(json(out.as_bytes())["run"]["id"], r["id"]);
    }
    let (_, text, _) = run(&env, &["runs", "list"]);
    assert!(
        text.contains(shorts[0]) && !text.contains(runs[0]["id"].as_str().unwrap()),
        "{text}"
    );
}

/// The files in the evidence of one kind that were ingested.
fn ingested_files(run: &Value, kind: &str) -> Vec<String> {
    let mut files: Vec<String> = run["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .flat_map(|e| {
            e["payload"]["files"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter(|f| f["ingested"] == true)
        .map(|f| {
            Path::new(f["file"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    files
}

#[test]
fn gate_reads_ingested_junit_and_ingest_keeps_the_other_kind() {
    let env = Env::new();
    let r = env.repo("app");
    copy_fixture("sarif-repo", &r);
    write(&r, "sef.toml", &plan(""));
    let junit = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sample-offering/test-results/junit.xml");
    ingest(&env, &r);
    ingest_junit(&env, &r, &junit);

    // the gate re-reads both: the SARIF ingested first, the JUnit after
    let criterion = |gate: &Value, id: &str| -> Value {
        gate["gate"]["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    let (_, out, err) = run(&env, &["gate", r.to_str().unwrap(), "-f", "json"]);
    let gate = json(out.as_bytes());
    let ran = criterion(&gate, "evidence.no-analyzer-failed");
    assert_eq!(ran["outcome"], "pass", "{err}");
    // repo facts, inventory, secrets, SARIF and JUnit
    assert!(
        ran["detail"].as_str().unwrap().starts_with("5 analyzer"),
        "{ran}"
    );

    // a JUnit file ingested and gone since fails the gate: it was re-read
    let copy = env.repo("results").join("junit.xml");
    std::fs::copy(&junit, &copy).unwrap();
    ingest_junit(&env, &r, &copy);
    std::fs::remove_file(&copy).unwrap();
    let (code, out, _) = run(&env, &["gate", r.to_str().unwrap(), "-f", "json"]);
    assert_eq!(code, 1);
    let gate = json(out.as_bytes());
    let ran = criterion(&gate, "evidence.no-analyzer-failed");
    assert_eq!(ran["outcome"], "fail", "{ran}");
    std::fs::copy(&junit, &copy).unwrap();

    // ingesting SARIF again keeps the JUnit of the run before
    ingest(&env, &r);
    let (_, out, _) = run(&env, &["runs", "show", "latest", "-f", "json"]);
    let latest = json(out.as_bytes());
    assert_eq!(
        ingested_files(&latest["run"], "security-tests"),
        ["junit.xml"]
    );
}
