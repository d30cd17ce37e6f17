//! `sef` end to end against PostgreSQL (`--db postgres://...`), in a schema
//! of its own, at SEF_TEST_POSTGRES_URL (default: the machine's PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

#[test]
fn assess_and_history_on_postgres() {
    let base = postgres_url();
    let schema = format!("sef_cli_{}", std::process::id());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let s = sef_store::Store::open_postgres_schema(&base, &schema)
            .await
            .unwrap();
        s.close().await;
    });
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options[search_path]={schema}");

    let env = Env::new();
    let repo = env.repo("pgrepo");
    write(&repo, "main.go", "package main\n");
    let out = env
        .sef()
        .env("SEF_DATABASE_URL", &url)
        .args(["assess", repo.to_str().unwrap(), "-q", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = json(&out.stdout)["run"]["id"].as_str().unwrap().to_owned();
    write(&repo, "LICENSE", "MIT\n");
    env.sef()
        .env("SEF_DATABASE_URL", &url)
        .args(["assess", repo.to_str().unwrap(), "-q"])
        .assert()
        .success();

    let list = json(
        &env.sef()
            .env("SEF_DATABASE_URL", &url)
            .args(["runs", "list", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(list["runs"].as_array().unwrap().len(), 2);
    assert_eq!(list["runs"][1]["id"], id.as_str());
    let d = json(
        &env.sef()
            .env("SEF_DATABASE_URL", &url)
            .args(["runs", "diff", &id, "latest", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(d["diff"]["fixed_findings"][0]["rule_id"], "repo/no-license");
    assert!(!env.db().exists(), "SQLite used despite --db postgres://");

    rt.block_on(sef_store::Store::drop_postgres_schema(&base, &schema))
        .unwrap();
}
