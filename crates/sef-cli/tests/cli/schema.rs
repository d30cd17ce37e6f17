//! Every JSON document sef writes validates against the published schema
//! in docs/schemas/sef-report-v1.schema.json.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

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
            .args([
                "runs",
                "diff",
                "previous",
                "latest",
                "--format",
                "json",
                "--repo",
                repo.to_str().unwrap(),
            ])
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

/// Every evidence payload sef writes validates against the payload schema
/// generated from the types (docs/schemas/evidence-payload-v2.schema.json):
/// here the payloads of the store written by sef at 9fb00cf, read by
/// today's sef (every produced kind: static analysis, known
/// vulnerabilities, tests, secrets, history and the security plan), and a
/// fresh assessment.
#[test]
fn evidence_payloads_match_the_payload_schema() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/schemas/evidence-payload-v2.schema.json"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator_for = |kind: &str| {
        let r = &schema["x-kinds"][kind];
        assert!(r.is_object(), "no schema for {kind}");
        let doc = serde_json::json!({
            "$schema": schema["$schema"],
            "$ref": r["$ref"],
            "$defs": schema["$defs"],
        });
        jsonschema::options().build(&doc).unwrap()
    };
    let env = Env::new();
    let (db, expected) = old_store(&env);
    let mut docs = Vec::new();
    for r in &expected {
        let out = env
            .sef()
            .args([
                "runs",
                "show",
                r["id"].as_str().unwrap(),
                "--format",
                "json",
                "--db",
            ])
            .arg(&db)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        docs.push(json(&out.stdout));
    }
    let repo = env.repo("fresh");
    copy_fixture("sample-offering", &repo);
    let out = env
        .sef()
        .args([
            "assess",
            repo.to_str().unwrap(),
            "--format",
            "json",
            "-q",
            "--no-store",
        ])
        .output()
        .unwrap();
    docs.push(json(&out.stdout));
    let mut kinds = std::collections::BTreeSet::new();
    for d in &docs {
        for e in d["run"]["evidence"].as_array().unwrap() {
            let kind = e["kind"].as_str().unwrap();
            if e["payload"].is_null() {
                continue;
            }
            let v = validator_for(kind);
            let errors: Vec<String> = v
                .iter_errors(&e["payload"])
                .map(|x| format!("{x} at {}", x.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{kind}: {errors:#?}");
            kinds.insert(kind.to_owned());
        }
    }
    assert!(kinds.len() >= 12, "only {kinds:?} checked");
}
