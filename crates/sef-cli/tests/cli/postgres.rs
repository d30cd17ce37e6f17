//! `sef` end to end against PostgreSQL (`--db postgres://...`), in a schema
//! of its own, at SEF_TEST_POSTGRES_URL (default: the machine's PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;

#[test]
fn assess_and_history_on_postgres() {
    let (base, schema, url, rt) = postgres_schema("sef_cli");

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
            .args([
                "runs",
                "diff",
                &id,
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
    assert_eq!(d["diff"]["fixed_findings"][0]["rule_id"], "repo/no-license");
    assert!(!env.db().exists(), "SQLite used despite --db postgres://");

    rt.block_on(sef_store::Store::drop_postgres_schema(&base, &schema))
        .unwrap();
}

/// A NUL in a tool message (PostgreSQL refuses NUL in text and `\u0000` in
/// jsonb; SQLite keeps it) is stored the same, escaped, on both backends,
/// and the URL's query-string password is never printed.
#[test]
fn nul_bytes_are_stored_the_same_on_both_backends() {
    let base = postgres_url();
    let schema = format!("sef_nul_{}", std::process::id());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        sef_store::Store::open_postgres_schema(&base, &schema)
            .await
            .unwrap()
            .close()
            .await;
    });
    let sep = if base.contains('?') { '&' } else { '?' };
    let pg = format!("{base}{sep}options[search_path]={schema}");
    let env = Env::new();
    let repo = env.repo("nul");
    write(
        &repo,
        "sef.toml",
        "[offering]\nname = \"nul\"\n[analyzers.vulnerabilities]\nenabled = false\n[[analyzers.sarif]]\nname = \"tool\"\nfile = \"t.sarif\"\n",
    );
    write(
        &repo,
        "t.sarif",
        r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"tool"}},"invocations":[{"executionSuccessful":true}],"results":[{"ruleId":"nul\u0000rule","level":"warning","message":{"text":"a\u0000b"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"x\u0000.py"},"region":{"startLine":1}}}]}]}]}"#,
    );
    let mut titles = Vec::new();
    for db in [pg.as_str(), env.db().to_str().unwrap()] {
        let out = env
            .sef()
            .args([
                "assess",
                "-q",
                "--db",
                db,
                "-f",
                "json",
                repo.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{db}: {}",
            stderr(&out)
        );
        let out = env
            .sef()
            .args(["runs", "show", "latest", "--db", db, "-f", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{db}: {}", stderr(&out));
        let run = json(&out.stdout);
        let f = run["run"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["analyzer"] == "sarif" || f["kind"] == "static-analysis")
            .cloned()
            .unwrap_or_else(|| panic!("{db}: no finding in {run}"));
        titles.push((
            f["title"].clone(),
            f["rule_id"].clone(),
            f["location"].clone(),
        ));
    }
    assert_eq!(titles[0], titles[1], "the backends differ");
    assert!(
        titles[0].0.as_str().unwrap().contains("\\u{0}"),
        "{:?}",
        titles[0]
    );

    // a password in the query string is masked wherever the URL is shown
    let secret_url =
        format!("{base}{sep}password=hunter2xyz&options[search_path]=nonexistent_{schema}");
    let out = env
        .sef()
        .args(["runs", "list", "--db", &secret_url])
        .output()
        .unwrap();
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(!all.contains("hunter2xyz"), "{all}");
    rt.block_on(async {
        sef_store::Store::drop_postgres_schema(&base, &schema)
            .await
            .unwrap();
    });
}
