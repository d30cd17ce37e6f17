//! `--format sarif`: every finding of a run as one SARIF 2.1.0 log, valid
//! against the official schema, with stable fingerprints, suppressions for
//! accepted risks, and failed evidence as tool notifications.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;

const LOCK: &str = "version = 3\n\n[[package]]\nname = \"mdbook\"\nversion = \"0.4.4\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";

fn validator() -> jsonschema::Validator {
    let path = sef_testkit::shared("schemas/sarif/sarif-2.1.0.schema.json");
    let text = std::fs::read_to_string(path).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::options().build(&schema).unwrap()
}

fn assert_valid(doc: &serde_json::Value) {
    let v = validator();
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema violations: {errors:#?}");
}

fn sarif(env: &Env, args: &[&str]) -> (i32, serde_json::Value) {
    let out = env.sef().args(args).output().unwrap();
    (out.status.code().unwrap(), json(&out.stdout))
}

#[test]
fn vulnerabilities_hygiene_and_accepted_risks_as_valid_sarif() {
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
            "-q",
        ])
        .assert()
        .success();
    let r = env.repo("app with space");
    write(&r, "Cargo.lock", LOCK);
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"app\"\n\n[[risk_acceptances]]\nid = \"RUSTSEC-2021-0001\"\njustification = \"we never render untrusted Markdown\"\napprover = \"Ana\"\nexpires = 2099-01-01\n",
    );
    let db = advdb.to_str().unwrap();
    let p = r.to_str().unwrap();
    let (code, log) = sarif(
        &env,
        &["assess", p, "-q", "--advisory-db", db, "--format", "sarif"],
    );
    assert!(code <= 1);
    assert_valid(&log);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "sef");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .unwrap()
            .contains("app%20with%20space/")
    );
    let results = run["results"].as_array().unwrap();
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();

    // the same findings as the JSON report, one result each
    let (_, report) = sarif(&env, &["runs", "show", "latest", "--format", "json"]);
    assert_eq!(
        results.len(),
        report["run"]["findings"].as_array().unwrap().len()
    );

    let md = results
        .iter()
        .find(|x| x["ruleId"] == "RUSTSEC-2021-0001")
        .unwrap();
    assert_eq!(
        md["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "Cargo.lock"
    );
    assert_eq!(
        md["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
        "%SRCROOT%"
    );
    assert!(
        md["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap()
            >= 1
    );
    assert_eq!(md["suppressions"][0]["status"], "accepted");
    assert!(
        md["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("approved by Ana")
    );
    let rule = &rules[md["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "RUSTSEC-2021-0001");
    assert!(
        rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .is_ok()
    );
    // a hygiene finding without a place is located at the repository
    // root: code scanning needs a location
    let policy = results
        .iter()
        .find(|x| x["ruleId"] == "repo/no-security-policy")
        .unwrap();
    assert_eq!(
        policy["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "."
    );
    assert!(results.iter().all(|x| x["locations"][0].is_object()));
    assert_eq!(policy["level"], "warning");

    // fingerprints are stable from run to run
    let (_, again) = sarif(
        &env,
        &["assess", p, "-q", "--advisory-db", db, "--format", "sarif"],
    );
    let fps = |l: &serde_json::Value| -> Vec<String> {
        let mut v: Vec<String> = l["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                x["partialFingerprints"]["sef/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(fps(&log), fps(&again));
    assert!(fps(&log).iter().all(|f| f.starts_with("fp1:")));

    // a stored run renders the same way
    let (code, shown) = sarif(&env, &["runs", "show", "latest", "--format", "sarif"]);
    assert_eq!(code, 0);
    assert_valid(&shown);
    assert_eq!(fps(&shown), fps(&again));
}

#[test]
fn failed_evidence_is_a_tool_notification_not_silence() {
    let env = Env::new();
    let r = env.repo("app");
    write(&r, "Cargo.lock", LOCK);
    let out = env
        .sef()
        .env("SEF_ADVISORY_DB", env.dir.path().join("nowhere"))
        .args(["assess", r.to_str().unwrap(), "-q", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let log = json(&out.stdout);
    assert_valid(&log);
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let n = &inv["toolExecutionNotifications"][0];
    assert_eq!(n["level"], "error");
    assert!(
        n["message"]["text"]
            .as_str()
            .unwrap()
            .contains("vulnerabilities (known-vulnerabilities)")
    );
}

#[test]
fn sarif_is_for_one_run() {
    let env = Env::new();
    let out = env
        .sef()
        .args(["runs", "list", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--format sarif describes one run's findings"));
}
