//! `sef assess --only` / `--skip` (issue 19): a subset of analyzers runs,
//! and a run that left one out cannot pass its gate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use serde_json::Value;

fn kinds(report: &Value) -> Vec<String> {
    report["run"]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn only_and_skip_choose_the_analyzers_and_scope_the_gate() {
    let env = Env::new();
    let r = env.repo("scoped");
    write(&r, "requirements.txt", "requests==2.31.0\n");
    let assess = |args: &[&str]| {
        let out = env
            .sef()
            .args(["assess", "-q", "--no-store", "-f", "json"])
            .args(args)
            .arg(&r)
            .output()
            .unwrap();
        (out.status.code(), json(&out.stdout))
    };
    let (_, full) = assess(&[]);
    assert!(kinds(&full).contains(&"secrets".to_owned()));
    let (code, only) = assess(&["--only", "inventory"]);
    let k = kinds(&only);
    assert!(k.contains(&"inventory".to_owned()), "{k:?}");
    assert!(!k.contains(&"secrets".to_owned()), "{k:?}");
    assert!(!k.contains(&"repository-facts".to_owned()), "{k:?}");
    assert_eq!(code, Some(1));
    let c = only["run"]["gate"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "evidence.all-analyzers-ran")
        .unwrap()
        .clone();
    assert_eq!(c["outcome"], "fail");
    assert!(c["detail"].as_str().unwrap().contains("secrets"), "{c}");
    assert_eq!(only["run"]["gate"]["outcome"], "fail");
    let (_, skipped) = assess(&["--skip", "secrets,history"]);
    let k = kinds(&skipped);
    assert!(!k.contains(&"secrets".to_owned()), "{k:?}");
    assert!(k.contains(&"inventory".to_owned()), "{k:?}");
    // an unknown analyzer is a usage error naming the known ones
    let out = env
        .sef()
        .args(["assess", "--no-store", "--only", "secret"])
        .arg(&r)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("repo-facts, inventory"),
        "{}",
        stderr(&out)
    );
}
