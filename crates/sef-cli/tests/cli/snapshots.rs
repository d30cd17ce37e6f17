//! Snapshots of the JSON and Markdown reports, volatile fields redacted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;

/// The sample offering (tests/fixtures/sample-offering): a complete
/// security plan under security/, documents (one a stub), JUnit results
/// (one failing test a requirement traces to), and a team.
fn fixture(env: &Env) -> std::path::PathBuf {
    let repo = env.repo("snap");
    copy_fixture("sample-offering", &repo);
    write(&repo, ".github/workflows/ci.yml", "on: push\n");
    repo
}

#[test]
fn json_report() {
    let env = Env::new();
    let repo = fixture(&env);
    let out = env
        .sef()
        .args(["assess", repo.to_str().unwrap(), "--format", "json", "-q"])
        .output()
        .unwrap();
    // qualify with half the documentation: the gate fails (exit 1)
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let j = json(&out.stdout);
    insta::assert_json_snapshot!("assess_json", j, {
        ".run.id" => "[run-id]",
        ".run.started_at" => "[time]",
        ".run.finished_at" => "[time]",
        ".run.root" => "[root]",
        ".run.plan_file" => "[plan-file]",
        ".run.sef_version" => "[version]",
        ".run.evidence[].id" => "[evidence-id]",
        ".run.evidence[].started_at" => "[time]",
        ".run.evidence[].finished_at" => "[time]",
        ".run.evidence[].tool.version" => "[version]",
        ".run.findings[].id" => "[finding-id]",
        ".run.artifacts[].digest" => "[digest]",
    });
}

#[test]
fn markdown_report() {
    let env = Env::new();
    let repo = fixture(&env);
    env.sef()
        .args(["assess", repo.to_str().unwrap(), "-q"])
        .assert()
        .code(1);
    let run = json(
        &env.sef()
            .args(["runs", "show", "latest", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    );
    let id = run["run"]["id"].as_str().unwrap().to_owned();
    let md = env
        .sef()
        .args(["runs", "show", &id, "--format", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    let redacted: String = md
        .replace(&id, "[run-id]")
        .replace(env!("CARGO_PKG_VERSION"), "[version]")
        .lines()
        .map(|l| {
            if l.starts_with("| `sbom.cdx.json`") {
                "| `sbom.cdx.json` | [artifact row redacted] |"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        .lines()
        .map(|l| {
            if l.starts_with("Run `") {
                "Run `[run-id]` · started [time] · sef [version]"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("assess_markdown", redacted);
}
