//! End to end: SARIF from three real tools (semgrep, bandit, clippy via
//! clippy-sarif; see tests/fixtures/sarif-repo/README.md) through
//! `sef ingest sarif` and through `[[analyzers.sarif]]` commands.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;

fn repo(env: &Env) -> std::path::PathBuf {
    let r = env.repo("app");
    copy_fixture("sarif-repo", &r);
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"app\"\n[analyzers.vulnerabilities]\nenabled = false\n",
    );
    r
}

fn ingest(env: &Env, repo: &std::path::Path, files: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "ingest",
        "sarif",
        "--repo",
        repo.to_str().unwrap(),
        "-q",
        "-f",
        "json",
    ];
    let paths: Vec<String> = files
        .iter()
        .map(|f| repo.join(f).display().to_string())
        .collect();
    args.extend(paths.iter().map(String::as_str));
    let out = env.sef().args(&args).output().unwrap();
    assert!(out.status.code().unwrap() <= 1, "{}", stderr(&out));
    json(&out.stdout)
}

fn static_findings(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["run"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "static-analysis")
        .cloned()
        .collect()
}

#[test]
fn three_real_tools_normalised() {
    let env = Env::new();
    let r = repo(&env);
    let report = ingest(
        &env,
        &r,
        &[
            "results/semgrep.sarif",
            "results/bandit.sarif",
            "results/clippy.sarif",
        ],
    );
    let ev = evidence_of(&report, "static-analysis");
    assert_eq!(ev["status"]["state"], "complete", "{ev}");
    let tools: Vec<&str> = ev["payload"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tools, vec!["Semgrep OSS", "Bandit", "clippy"]);
    let f = static_findings(&report);
    assert_eq!(f.len(), 13, "3 semgrep + 6 bandit + 4 clippy");

    let by = |rule: &str| f.iter().find(|x| x["rule_id"] == rule).unwrap().clone();
    let eval = by("python-eval-user-input");
    assert_eq!(eval["analyzer"], "sarif:Semgrep OSS");
    assert_eq!(eval["cwe"], serde_json::json!([95]));
    assert_eq!(eval["severity"], "high", "semgrep ERROR is SARIF error");
    assert_eq!(eval["location"]["path"], "app/views.py");
    let shell = by("B602");
    assert_eq!(shell["cwe"], serde_json::json!([78]));
    assert!(
        shell["title"].as_str().unwrap().contains("shell=True"),
        "{shell}"
    );
    assert!(
        shell["references"][0]
            .as_str()
            .unwrap()
            .starts_with("https://bandit.readthedocs.io/")
    );
    let unwrap = by("clippy::unwrap_used");
    assert_eq!(unwrap["location"]["path"], "src/main.rs");
    assert_eq!(unwrap["location"]["line"], 4);
    assert_eq!(unwrap["severity"], "medium");
    // the rules' CWE coverage is kept for the CWE view
    let cwes = ev["payload"]["rule_cwes"].as_array().unwrap();
    assert!(cwes.contains(&serde_json::json!(78)) && cwes.contains(&serde_json::json!(95)));
    // the CWE view: coverage of the Top 25 by the tools' rules, open findings
    let cwe = &report["summary"]["cwe"];
    let top = cwe["top25"].as_array().unwrap();
    let os_cmd = top.iter().find(|t| t["cwe"] == 78).unwrap();
    assert_eq!(os_cmd["covered"], true);
    assert!(
        os_cmd["open"].as_u64().unwrap() >= 2,
        "semgrep and bandit: {os_cmd}"
    );
    let sqli = top.iter().find(|t| t["cwe"] == 89).unwrap();
    assert_eq!(sqli["covered"], false);
    assert!(cwe["top25_covered"].as_u64().unwrap() >= 2, "{cwe}");
    assert!(
        cwe["by_cwe"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["cwe"] == 95)
    );
    // semgrep and bandit both report CWE-78 at views.py:12: linked, counted once
    let g78 = cwe["by_cwe"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["cwe"] == 78)
        .unwrap();
    assert_eq!(g78["linked"], 1, "{g78}");
    assert_eq!(
        g78["open"], 3,
        "line 3 (bandit B404), line 12 (semgrep and bandit B602, once), line 17 (bandit B307): {g78}"
    );
    let text = env.sef().args(["runs", "show", "latest"]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("CWE Top 25 (2024): the tools' rules cover"),
        "{text}"
    );
    assert!(text.contains("CWE-78   OS Command Injection"), "{text}");
    // static analysis now counts as a practice with evidence
    let practices = report["run"]["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kpi_id"] == "quality.secure-engineering-practices")
        .unwrap();
    assert!(
        !practices["detail"]
            .as_str()
            .unwrap()
            .contains("static-analysis"),
        "{practices}"
    );
    // and SARIF out again validates the round trip of fingerprints
    let out = env
        .sef()
        .args(["runs", "show", "latest", "-f", "sarif"])
        .output()
        .unwrap();
    let log = json(&out.stdout);
    assert_eq!(
        log["runs"][0]["results"].as_array().unwrap().len(),
        report["run"]["findings"].as_array().unwrap().len()
    );
}

#[test]
fn fingerprints_hold_when_lines_move_above_a_finding() {
    let env = Env::new();
    let r = repo(&env);
    let before = ingest(&env, &r, &["results/clippy.sarif"]);
    // three lines inserted at the top of the file, and the tool reports the
    // same problems three lines lower
    let main = std::fs::read_to_string(r.join("src/main.rs")).unwrap();
    std::fs::write(r.join("src/main.rs"), format!("// a\n// b\n// c\n{main}")).unwrap();
    let mut log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(r.join("results/clippy.sarif")).unwrap())
            .unwrap();
    for res in log["runs"][0]["results"].as_array_mut().unwrap() {
        let region = &mut res["locations"][0]["physicalLocation"]["region"];
        for k in ["startLine", "endLine"] {
            if let Some(n) = region[k].as_u64() {
                region[k] = serde_json::json!(n + 3);
            }
        }
    }
    std::fs::write(
        r.join("results/clippy.sarif"),
        serde_json::to_string(&log).unwrap(),
    )
    .unwrap();
    let after = ingest(&env, &r, &["results/clippy.sarif"]);
    let fps = |rep: &serde_json::Value| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = static_findings(rep)
            .iter()
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap().to_owned(),
                    f["fingerprint"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(fps(&before), fps(&after));
    let line = |rep: &serde_json::Value| {
        static_findings(rep)
            .iter()
            .find(|f| f["rule_id"] == "clippy::unwrap_used")
            .unwrap()["location"]["line"]
            .clone()
    };
    assert_eq!(line(&before), 4);
    assert_eq!(line(&after), 7);
}

#[test]
fn analyzers_configured_in_the_plan_run_their_commands() {
    let env = Env::new();
    let r = repo(&env);
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"app\"\n[analyzers.vulnerabilities]\nenabled = false\n\n\
         [[analyzers.sarif]]\nname = \"semgrep\"\ncommand = [\"cp\", \"results/semgrep.sarif\", \"out.sarif\"]\nfile = \"out.sarif\"\n\n\
         [[analyzers.sarif]]\nname = \"broken\"\ncommand = [\"false\"]\nfile = \"never-written.sarif\"\n\n\
         [[analyzers.sarif]]\nname = \"slow\"\ncommand = [\"sleep\", \"5\"]\nfile = \"slow.sarif\"\ntimeout_secs = 1\n",
    );
    let out = env
        .sef()
        .args([
            "assess",
            r.to_str().unwrap(),
            "-q",
            "-f",
            "json",
            "--no-store",
        ])
        .output()
        .unwrap();
    let report = json(&out.stdout);
    let ev = evidence_of(&report, "static-analysis");
    assert_eq!(ev["status"]["state"], "partial", "{ev}");
    let reason = ev["status"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("broken: the command failed (exit code 1); its output is not read"),
        "{reason}"
    );
    assert!(
        reason.contains("slow: `sleep` did not finish within 1 s and was stopped"),
        "{reason}"
    );
    assert_eq!(static_findings(&report).len(), 3);

    // nothing readable at all: failed evidence, never "no findings"
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"app\"\n[analyzers.vulnerabilities]\nenabled = false\n[[analyzers.sarif]]\nname = \"gone\"\nfile = \"nope.sarif\"\n",
    );
    let out = env
        .sef()
        .args([
            "assess",
            r.to_str().unwrap(),
            "-q",
            "-f",
            "json",
            "--no-store",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out.stdout);
    assert_eq!(
        evidence_of(&report, "static-analysis")["status"]["state"],
        "failed"
    );
}

#[test]
fn bad_sarif_is_explained() {
    let env = Env::new();
    let r = repo(&env);
    write(&r, "bad/notjson.sarif", "{ this is not json");
    write(&r, "bad/v2.sarif", "{\"version\": \"2.0.0\", \"runs\": []}");
    write(
        &r,
        "bad/escape.sarif",
        "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"t\"}},\"results\":[{\"ruleId\":\"r\",\"message\":{\"text\":\"m\"},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\"../../etc/passwd\"}}}]}]}]}",
    );
    // a huge file is refused before it is read (a sparse file: no disk used)
    std::fs::File::create(r.join("bad/huge.sarif"))
        .unwrap()
        .set_len(300 * 1024 * 1024)
        .unwrap();
    let report = ingest(
        &env,
        &r,
        &[
            "bad/notjson.sarif",
            "bad/v2.sarif",
            "bad/escape.sarif",
            "bad/huge.sarif",
        ],
    );
    let huge_reason = evidence_of(&report, "static-analysis")["status"]["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        huge_reason.contains("huge.sarif: larger than 268435456 bytes"),
        "{huge_reason}"
    );
    let ev = evidence_of(&report, "static-analysis");
    assert_eq!(ev["status"]["state"], "partial");
    let reason = ev["status"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("notjson.sarif: line 1, column 3: not valid JSON"),
        "{reason}"
    );
    assert!(
        reason.contains("SARIF version 2.0.0 is not supported"),
        "{reason}"
    );
    let diags = ev["payload"]["diagnostics"].as_array().unwrap();
    assert!(
        diags
            .iter()
            .any(|d| d.as_str().unwrap().contains("climbs out of the repository")),
        "{diags:?}"
    );
    assert_eq!(static_findings(&report).len(), 1);
    assert!(static_findings(&report)[0]["location"].is_null());

    let out = env
        .sef()
        .args([
            "ingest",
            "sarif",
            "--repo",
            r.to_str().unwrap(),
            "/nonexistent.sarif",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent.sarif: cannot read the results file"));
    let out = env.sef().args(["ingest", "sarif"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

const JUNIT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="app" tests="6">
    <testcase classname="auth" name="locks_out_after_five_failures"/>
    <testcase classname="auth" name="rejects_expired_token"><failure message="accepted"/></testcase>
    <testcase classname="billing" name="rounds_half_even"/>
    <testcase classname="api" name="rejects_bad_origin">
      <properties><property name="security" value="true"/></properties>
    </testcase>
    <testcase classname="crypto" name="constant_time_compare"><skipped/></testcase>
    <testcase classname="ui" name="renders"><unknown-element/></testcase>
  </testsuite>
</testsuites>"#;

#[test]
fn junit_results_count_security_tests_apart() {
    let env = Env::new();
    let r = repo(&env);
    write(&r, "test-results/run.xml", JUNIT);
    let out = env
        .sef()
        .args([
            "ingest",
            "junit",
            "--repo",
            r.to_str().unwrap(),
            "-q",
            "-f",
            "json",
            r.join("test-results/run.xml").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.code().unwrap() <= 1, "{}", stderr(&out));
    let report = json(&out.stdout);
    let ev = evidence_of(&report, "security-tests");
    assert_eq!(ev["status"]["state"], "complete", "{ev}");
    let p = &ev["payload"];
    assert_eq!(
        (
            p["cases"].as_u64(),
            p["passed"].as_u64(),
            p["failed"].as_u64(),
            p["skipped"].as_u64()
        ),
        (Some(6), Some(4), Some(1), Some(1))
    );
    let s = &p["security"];
    // auth x2 by name, api by property, crypto by name (skipped)
    assert_eq!(s["cases"], 4);
    assert_eq!(s["failed"], 1);
    // security tests executed (passed + failed) and passed
    assert_eq!(
        s["passed"].as_u64().unwrap() + s["failed"].as_u64().unwrap(),
        3
    );
    assert_eq!(s["passed"], 2);
    let names: Vec<&str> = s["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["test"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"api::rejects_bad_origin"));
    assert!(!names.contains(&"billing::rounds_half_even"));

    // configured in the plan: a directory, a missing file, a broken file
    write(
        &r,
        "test-results/broken.xml",
        "<testsuite><testcase name='x'>",
    );
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"app\"\n[analyzers.vulnerabilities]\nenabled = false\n[analyzers.junit]\nfiles = [\"test-results\", \"missing.xml\"]\nsecurity_pattern = \"(?i)billing\"\n",
    );
    let out = env
        .sef()
        .args([
            "assess",
            r.to_str().unwrap(),
            "-q",
            "-f",
            "json",
            "--no-store",
        ])
        .output()
        .unwrap();
    let report = json(&out.stdout);
    let ev = evidence_of(&report, "security-tests");
    assert_eq!(ev["status"]["state"], "partial");
    let reason = ev["status"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("missing.xml does not exist in the repository"),
        "{reason}"
    );
    assert!(reason.contains("broken.xml:1:"), "{reason}");
    assert_eq!(
        ev["payload"]["security"]["cases"], 2,
        "billing by pattern, api by property"
    );

    // requirements trace to the JUnit analyzer's tests when they name no results of their own
    std::fs::remove_file(r.join("test-results/broken.xml")).unwrap();
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"app\"\n[analyzers.vulnerabilities]\nenabled = false\n[analyzers.junit]\nfiles = [\"test-results\"]\n\n[[requirements.requirement]]\nid = \"SEF-AUTH-001\"\nstatus = \"verified\"\nverify = { test = \"auth::locks_out_after_five_failures\" }\n",
    );
    let out = env
        .sef()
        .args([
            "assess",
            r.to_str().unwrap(),
            "-q",
            "-f",
            "json",
            "--no-store",
        ])
        .output()
        .unwrap();
    let report = json(&out.stdout);
    let rows = evidence_of(&report, "security-requirements")["payload"]["evaluation"]["rows"]
        .as_array()
        .unwrap()
        .clone();
    let auth = rows.iter().find(|x| x["id"] == "SEF-AUTH-001").unwrap();
    assert_eq!(auth["verified"], true, "{auth}");

    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"app\"\n[analyzers.junit]\nfiles = [\"x\"]\nsecurity_pattern = \"(unclosed\"\n",
    );
    let out = env
        .sef()
        .args(["assess", r.to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "sef.toml:5:20: `analyzers.junit.security_pattern` is not a valid regular expression"
        ),
        "{}",
        stderr(&out)
    );
}
