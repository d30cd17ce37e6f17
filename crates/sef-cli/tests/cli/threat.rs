//! `sef threat` and the threat-model evidence end to end on the golden
//! model (crates/sef-threat/tests/fixtures/golden) and on a real Threagile
//! example: check, list in every format, track, review (by an architect
//! only), the assessment's evidence, findings, checklist answer and plan
//! criteria, the diff against a git revision, bad models, import and the
//! diagram.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use std::path::{Path, PathBuf};

fn golden(v: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../sef-threat/tests/fixtures/golden")
            .join(v)
            .join("model.yaml"),
    )
    .unwrap()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sef-threat/tests/fixtures")
        .join(name)
}

const PLAN: &str = "[offering]\nname = \"shop\"\nkind = \"service\"\n\n[release]\nversion = \"2.0\"\nphase = \"plan\"\n\n\
[team]\n[[team.member]]\nid = \"alice\"\nroles = [\"architect\"]\n[[team.member]]\nid = \"bob\"\nroles = [\"developer\"]\n\n\
[threat_model]\ndiagram = \"dot\"\n";

/// `sef threat ARGS --repo REPO`: exit code, stdout, stderr.
fn threat(env: &Env, repo: &Path, args: &[&str]) -> (i32, String, String) {
    let out = env
        .sef()
        .arg("threat")
        .args(args)
        .arg("--repo")
        .arg(repo)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr(&out),
    )
}

fn shop(env: &Env) -> PathBuf {
    let repo = env.repo("shop");
    write(&repo, "sef.toml", PLAN);
    write(&repo, "security/threat-model/model.yaml", &golden("v1"));
    repo
}

fn assess(env: &Env, repo: &Path) -> serde_json::Value {
    let out = env
        .sef()
        .args(["assess", "-q", "--no-store", "--format", "json"])
        .arg(repo)
        .output()
        .unwrap();
    json(&out.stdout)
}

fn criterion<'a>(r: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    r["run"]["gate"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {}", r["run"]["gate"]))
}

#[test]
fn check_list_track_review_and_assess_the_golden_model() {
    let env = Env::new();
    let repo = shop(&env);

    let (code, out, err) = threat(&env, &repo, &["check"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("60 risks (4 critical, 12 high, 37 medium, 7 low)"),
        "{out}"
    );
    assert!(out.contains("never reviewed"), "{out}");
    let (code, _, _) = threat(&env, &repo, &["check", "--fail-on", "critical"]);
    assert_eq!(code, 1, "four critical risks are open");

    // every list format
    let (_, out, _) = threat(
        &env,
        &repo,
        &["list", "-f", "json", "--min-severity", "high"],
    );
    let rows = json(out.as_bytes());
    assert_eq!(rows.as_array().unwrap().len(), 16);
    let (_, md, _) = threat(&env, &repo, &["list", "-f", "markdown"]);
    assert_eq!(md.lines().filter(|l| l.starts_with("| `")).count(), 60);
    let (_, sarif, _) = threat(
        &env,
        &repo,
        &["list", "-f", "sarif", "--min-severity", "critical"],
    );
    let s = json(sarif.as_bytes());
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    assert!(results.iter().all(
        |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "security/threat-model/model.yaml"
    ));

    // track: a requirement that does not exist, an approver who may not
    // accept, and then real statuses
    let (code, _, err) = threat(
        &env,
        &repo,
        &[
            "track",
            "missing-authentication@cdn-frontend",
            "--status",
            "mitigated",
            "--requirement",
            "SEF-NOPE-1",
        ],
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = threat(
        &env,
        &repo,
        &["track", "no-such@risk", "--status", "false-positive"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("is no risk of the model"), "{err}");
    let expires = (chrono::Utc::now().date_naive() + chrono::Duration::days(90)).to_string();
    let (code, _, err) = threat(
        &env,
        &repo,
        &[
            "track",
            "unencrypted-communication@lb-api",
            "--status",
            "accepted",
            "--approver",
            "bob",
            "--justification",
            "internal",
            "--expires",
            &expires,
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("`bob` may not accept risks"), "{err}");
    let high: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    for id in &high {
        let (code, _, err) = threat(
            &env,
            &repo,
            &[
                "track",
                id,
                "--status",
                "mitigated",
                "--requirement",
                "SEF-MOTION-001",
            ],
        );
        assert_eq!(code, 0, "{id}: {err}");
    }
    let (code, _, err) = threat(
        &env,
        &repo,
        &[
            "track",
            "unencrypted-communication@lb-api",
            "--status",
            "accepted",
            "--approver",
            "alice",
            "--justification",
            "until the TLS rollout",
            "--expires",
            &expires,
        ],
    );
    assert_eq!(code, 0, "{err}");
    let tracking =
        std::fs::read_to_string(repo.join("security/threat-model/tracking.toml")).unwrap();
    assert!(
        tracking.contains("[risks.\"unencrypted-communication@lb-api\"]"),
        "{tracking}"
    );

    // review: only an architect
    let (code, _, err) = threat(&env, &repo, &["review", "--reviewer", "bob"]);
    assert_eq!(code, 2);
    assert!(err.contains("architect"), "{err}");
    let (code, out, err) = threat(
        &env,
        &repo,
        &["review", "--reviewer", "alice", "--note", "first review"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("review by alice"), "{out}");
    let (code, out, _) = threat(&env, &repo, &["check", "--fail-on", "high"]);
    assert_eq!(code, 0, "every high risk is handled: {out}");
    assert!(out.contains("model unchanged since"), "{out}");

    // the assessment: evidence, findings, criteria, checklist answer
    let r = assess(&env, &repo);
    let e = evidence_of(&r, "threat-model");
    assert_eq!(e["status"]["state"], "complete", "{e}");
    assert_eq!(e["payload"]["reviewed"], true);
    let svg = e["payload"]["diagram_svg"].as_str().unwrap();
    assert!(
        svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
        "the diagram is whole"
    );
    assert!(
        svg.len() > 16 * 1024,
        "larger than the run boundary's string cap: {}",
        svg.len()
    );
    assert_eq!(
        criterion(&r, "plan.threat-model-present")["outcome"],
        "pass"
    );
    assert_eq!(
        criterion(&r, "plan.threat-risks-tracked")["outcome"],
        "pass"
    );
    assert_eq!(
        criterion(&r, "plan.threat-model-reviewed")["outcome"],
        "pass"
    );
    assert!(
        !r["run"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "threat-risk")
    );
    let checklist = evidence_of(&r, "planning-checklist");
    let item = checklist["payload"]["checklist"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "risk-assessment")
        .unwrap()
        .clone();
    assert_eq!(item["answer"], "yes", "{item}");
    assert_eq!(item["answered_by"], "threat-model");
    // countermeasures select requirements above the tier: SEF-AUTH-019
    // (tier 4) counters privileged-actor-without-mfa@admin
    let out = env
        .sef()
        .args(["requirements", "--tier", "1", "--format", "json"])
        .arg(&repo)
        .output()
        .unwrap();
    let rows = json(&out.stdout)["requirements"]["rows"]
        .as_array()
        .unwrap()
        .clone();
    let row = rows
        .iter()
        .find(|r| r["id"] == "SEF-AUTH-019")
        .expect("SEF-AUTH-019 selected");
    assert_eq!(row["source"], "threat-model");
    assert!(
        !rows.iter().any(|r| r["id"] == "SEF-AUTH-020"),
        "a tier-4 requirement no risk names stays out"
    );

    // an edit of the model makes the review stale, and a new high risk
    // becomes an untracked, unmitigated finding at its element's line
    let edited = golden("v1").replace(
        "  - id: cache\n    name: Session cache",
        "  - id: cache\n    name: Session cache (v2)",
    );
    write(&repo, "security/threat-model/model.yaml", &edited.replace("{id: api-cache, source: api, target: cache, protocol: redis, authentication: none, authorization: none, encryption: none", "{id: api-cache, source: api, target: cache, protocol: redis, authentication: none, authorization: none, encryption: none, vpn: false"));
    let r = assess(&env, &repo);
    assert_eq!(
        criterion(&r, "plan.threat-model-reviewed")["outcome"],
        "fail"
    );
    assert!(
        criterion(&r, "plan.threat-model-reviewed")["detail"]
            .as_str()
            .unwrap()
            .contains("changed since")
    );
    let html = env
        .sef()
        .args(["assess", "-q", "--no-store", "--format", "html"])
        .arg(&repo)
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&html.stdout);
    assert!(
        html.contains(
            "<img alt=\"Data-flow diagram of Online shop\" src=\"data:image/svg+xml;base64,"
        ),
        "no diagram in the HTML report"
    );
    assert!(html.contains("Text alternative"));
}

#[test]
fn untracked_high_risks_fail_the_plan_and_become_findings() {
    let env = Env::new();
    let repo = shop(&env);
    let r = assess(&env, &repo);
    let c = criterion(&r, "plan.threat-risks-tracked");
    assert_eq!(c["outcome"], "fail");
    assert!(
        c["detail"]
            .as_str()
            .unwrap()
            .starts_with("16 risk(s) at or above high untracked"),
        "{c}"
    );
    let findings: Vec<&serde_json::Value> = r["run"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "threat-risk")
        .collect();
    assert_eq!(findings.len(), 16);
    let f = findings
        .iter()
        .find(|f| f["rule_id"] == "unsafe-deserialization")
        .unwrap();
    assert_eq!(f["location"]["path"], "security/threat-model/model.yaml");
    assert_eq!(f["location"]["line"], 102);
    let checklist = evidence_of(&r, "planning-checklist");
    let item = checklist["payload"]["checklist"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "risk-assessment")
        .unwrap()
        .clone();
    assert_eq!(item["answer"], "partial", "{item}");
}

#[test]
fn a_bad_model_fails_the_check_and_the_evidence_with_its_place() {
    let env = Env::new();
    let repo = shop(&env);
    let bad = golden("v1").replace(
        "target: orders-db, protocol: postgresql",
        "target: order-db, protocol: postgresql",
    );
    write(&repo, "security/threat-model/model.yaml", &bad);
    let (code, _, err) = threat(&env, &repo, &["check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("security/threat-model/model.yaml:")
            && err.contains("target `order-db` is not in the model"),
        "{err}"
    );
    let r = assess(&env, &repo);
    assert_eq!(evidence_of(&r, "threat-model")["status"]["state"], "failed");
    assert_eq!(
        criterion(&r, "plan.threat-model-present")["outcome"],
        "fail"
    );

    write(
        &repo,
        "security/threat-model/model.yaml",
        "data_assets:\n  - id: x\n    classification: secret\n",
    );
    let (code, _, err) = threat(&env, &repo, &["check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("model.yaml:3:21: `data_assets[0].classification`: unknown variant `secret`"),
        "{err}"
    );

    // a user rule with a typo names its file and line
    write(&repo, "security/threat-model/model.yaml", &golden("v1"));
    write(
        &repo,
        "sef.toml",
        &format!("{PLAN}rules = [\"security/rules.yaml\"]\n"),
    );
    write(
        &repo,
        "security/rules.yaml",
        "rules:\n  - id: ours\n    title: t\n    stride: tampering\n    applies_to: technical-asset\n    applies_when: \"internet_facng\"\n    impact: high\n    likelihood: likely\n",
    );
    let (code, _, err) = threat(&env, &repo, &["check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "security/rules.yaml:6:19: rule `ours`: `applies_when`: no attribute `internet_facng`"
        ),
        "{err}"
    );
}

#[test]
fn diff_against_a_git_revision() {
    let env = Env::new();
    let repo = shop(&env);
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "v1"]);
    git(&repo, &["tag", "v1.0"]);
    write(&repo, "security/threat-model/model.yaml", &golden("v2"));
    let (code, out, err) = threat(&env, &repo, &["diff", "--from", "v1.0", "-f", "json"]);
    assert_eq!(code, 0, "{err}");
    let d = &json(out.as_bytes())["diff"];
    assert_eq!(
        d["new_assets"],
        serde_json::json!(["ml-vendor", "recommendations"])
    );
    assert_eq!(
        d["new_boundary_flows"],
        serde_json::json!(["recommendations-vendor"])
    );
    assert_eq!(
        d["reclassified"][0]["changes"][0],
        "confidentiality: medium -> high"
    );
    let (code, out, _) = threat(&env, &repo, &["diff", "--from", "v1.0"]);
    assert_eq!(code, 0);
    assert!(out.contains("risks mitigated since (4):"), "{out}");
    let (code, _, err) = threat(&env, &repo, &["diff", "--from", "no-such-tag"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-tag"), "{err}");
}

#[test]
fn import_a_real_threagile_model_and_draw_it() {
    let env = Env::new();
    let repo = env.repo("imported");
    write(&repo, "sef.toml", "[offering]\nname = \"x\"\n");
    let out = env
        .sef()
        .args(["threat", "import", "threagile"])
        .arg(fixture("threagile-example.yaml"))
        .arg("--repo")
        .arg(&repo)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("14 technical assets"),
        "{}",
        stderr(&out)
    );
    let (code, out, err) = threat(&env, &repo, &["check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Some Example Application"), "{out}");
    // a second import refuses to overwrite
    let again = env
        .sef()
        .args(["threat", "import", "threagile"])
        .arg(fixture("threagile-example.yaml"))
        .arg("--repo")
        .arg(&repo)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    let (code, svg, _) = threat(&env, &repo, &["diagram", "--engine", "builtin"]);
    assert_eq!(code, 0);
    assert!(
        svg.starts_with("<svg") && svg.contains("<title id=\"tm-title\">"),
        "{svg}"
    );
    let (code, dot, _) = threat(&env, &repo, &["diagram", "--dot"]);
    assert_eq!(code, 0);
    assert!(dot.starts_with("digraph"), "{dot}");
    // Graphviz, installed by .ci/run
    let (code, svg, err) = threat(&env, &repo, &["diagram", "--engine", "dot"]);
    assert_eq!(code, 0, "Graphviz dot must be installed: {err}");
    assert!(svg.starts_with("<svg"), "{svg}");
    let out = env.sef().args(["threat", "schema"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(json(&out.stdout)["title"], "sef threat model");
    let (code, out, _) = threat(&env, &repo, &["rules", "-f", "json"]);
    assert_eq!(code, 0);
    assert!(json(out.as_bytes()).as_array().unwrap().len() >= 40);
}

#[test]
fn hostile_model_files_fail_closed_without_hanging() {
    let env = Env::new();
    let repo = shop(&env);
    let model = repo.join("security/threat-model/model.yaml");
    // a link out of the repository
    std::fs::remove_file(&model).unwrap();
    let outside = env.repo("outside").join("model.yaml");
    std::fs::write(&outside, golden("v1")).unwrap();
    std::os::unix::fs::symlink(&outside, &model).unwrap();
    let (code, _, err) = threat(&env, &repo, &["check"]);
    assert_eq!(code, 1);
    assert!(err.contains("leaves the repository"), "{err}");
    // a FIFO (a read would block) and a link to /dev/zero (endless)
    std::fs::remove_file(&model).unwrap();
    let st = std::process::Command::new("mkfifo")
        .arg(&model)
        .status()
        .unwrap();
    assert!(st.success());
    let out = run_within(
        {
            let mut c = env.sef_std();
            c.args(["threat", "check", "--repo"]).arg(&repo);
            c
        },
        20,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    std::fs::remove_file(&model).unwrap();
    write(&repo, "security/threat-model/model.yaml", &golden("v1"));
    std::os::unix::fs::symlink(
        "/dev/zero",
        repo.join("security/threat-model/tracking.toml"),
    )
    .unwrap();
    let out = run_within(
        {
            let mut c = env.sef_std();
            c.args(["threat", "check", "--repo"]).arg(&repo);
            c
        },
        20,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // and the assessment fails the evidence instead of passing on it
    let r = assess(&env, &repo);
    assert_eq!(evidence_of(&r, "threat-model")["status"]["state"], "failed");
}
