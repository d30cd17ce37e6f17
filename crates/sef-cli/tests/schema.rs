//! Every JSON document sef writes validates against the published schema
//! in docs/schemas/sef-report-v1.schema.json.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

fn validator() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/schemas/sef-report-v1.schema.json"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid(v: &jsonschema::Validator, doc: &serde_json::Value) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema violations: {errors:#?}\n{doc:#}");
}

#[test]
fn run_runs_and_diff_documents_match_the_schema() {
    let v = validator();
    let env = Env::new();
    let repo = env.repo("r");
    write(&repo, "a.rs", "fn a() {}\n");
    let first = json(
        &env.sef()
            .args(["assess", repo.to_str().unwrap(), "--format", "json", "-q"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_valid(&v, &first);
    write(&repo, "SECURITY.md", "report to x\n");
    git(&repo, &["init", "-q"]);
    let second = json(
        &env.sef()
            .args(["assess", repo.to_str().unwrap(), "--format", "json", "-q"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_valid(&v, &second);
    assert_valid(
        &v,
        &json(
            &env.sef()
                .args(["runs", "list", "--format", "json"])
                .output()
                .unwrap()
                .stdout,
        ),
    );
    let diff = json(
        &env.sef()
            .args(["runs", "diff", "previous", "latest", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(diff["summary"]["fixed_findings"], 1);
    assert_valid(&v, &diff);
}

#[test]
fn the_schema_rejects_a_wrong_document() {
    let v = validator();
    let env = Env::new();
    let repo = env.repo("r");
    let mut doc = json(
        &env.sef()
            .args([
                "assess",
                repo.to_str().unwrap(),
                "--format",
                "json",
                "-q",
                "--no-store",
            ])
            .output()
            .unwrap()
            .stdout,
    );
    doc["run"]["gate"]["outcome"] = serde_json::json!("maybe");
    assert!(!v.is_valid(&doc));
    doc["run"]["gate"]["outcome"] = serde_json::json!("pass");
    assert!(v.is_valid(&doc));
    doc["run"]["findings"][0]["fingerprint"] = serde_json::json!("not-a-fingerprint");
    assert!(!v.is_valid(&doc));
}
