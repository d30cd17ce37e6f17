//! `sef portfolio`: which releases ship a package, and the KPI roll-ups,
//! on releases assessed from ripgrep's real workspace (Cargo.lock and
//! manifests, tests/fixtures/ripgrep-workspace).

use crate::common;
use common::{Env, copy_fixture, json, stderr};

/// The version of `name` that a Cargo.lock pins, read here on its own.
fn locked(lock: &str, name: &str) -> String {
    let pattern = format!("name = \"{name}\"\nversion = \"");
    let at = lock
        .find(&pattern)
        .unwrap_or_else(|| panic!("{name} is not in the lockfile"));
    let rest = &lock[at + pattern.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

fn offering(env: &Env, dir: &str, plan: &str) {
    let repo = env.repo(dir);
    copy_fixture("ripgrep-workspace", &repo);
    std::fs::write(repo.join("sef.toml"), plan).unwrap();
    let out = env
        .sef()
        .args(["assess", "-q"])
        .arg(&repo)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "assess: {}",
        stderr(&out)
    );
}

fn ships(env: &Env, args: &[&str]) -> (i32, serde_json::Value) {
    let out = env
        .sef()
        .args(["portfolio", "ships", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    (out.status.code().unwrap(), json(&out.stdout))
}

#[test]
fn who_ships_a_package_across_releases_with_range_path_and_team() {
    let env = Env::new();
    offering(
        &env,
        "rg",
        "[offering]\nname = \"rg\"\nowner_team = \"search\"\nbusiness_unit = \"tools\"\n[release]\nversion = \"14.0\"\n",
    );
    offering(
        &env,
        "fork",
        "[offering]\nname = \"rg-fork\"\nowner_team = \"forks\"\n[release]\nversion = \"1.0\"\n",
    );
    let lock = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/ripgrep-workspace/Cargo.lock"),
    )
    .unwrap();
    let memchr = locked(&lock, "memchr");

    let (code, v) = ships(&env, &["pkg:cargo/memchr"]);
    assert_eq!(code, 1, "shipped: exit 1");
    let a = &v["answers"][0];
    assert_eq!(a["ecosystem"], "crates.io");
    assert_eq!(
        (a["releases"].as_u64(), a["offerings"].as_u64()),
        (Some(2), Some(2))
    );
    let rows = a["rows"].as_array().unwrap();
    assert!(rows.iter().all(|r| r["version"] == memchr.as_str()), "{a}");
    let rg = rows.iter().find(|r| r["offering"] == "rg").unwrap();
    assert_eq!(rg["release"], "14.0");
    assert_eq!(rg["team"], "search");
    assert_eq!(rg["business_unit"], "tools");
    assert_eq!(rg["source_file"], "Cargo.lock");
    assert_eq!(rg["in_range"], "yes");

    // a transitive dependency carries the chain it arrives through
    let (_, v) = ships(&env, &["pkg:cargo/aho-corasick", "--transitive"]);
    let rows = v["answers"][0]["rows"].as_array().unwrap().clone();
    for r in &rows {
        assert_eq!(r["direct"], false);
        let path: Vec<&str> = r["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        assert!(
            path.len() >= 2 && path.last() == Some(&"aho-corasick"),
            "{r}"
        );
    }

    // ranges in OSV semantics, in SemVer order
    let (code, v) = ships(
        &env,
        &[
            "pkg:cargo/memchr",
            "--range",
            &format!(">=2.0.0, <{memchr}"),
        ],
    );
    assert_eq!((code, v["answers"][0]["releases"].as_u64()), (0, Some(0)));
    let (code, v) = ships(
        &env,
        &["pkg:cargo/memchr", "--range", &format!("<={memchr}")],
    );
    assert_eq!((code, v["answers"][0]["releases"].as_u64()), (1, Some(2)));
    let (_, v) = ships(&env, &[&format!("pkg:cargo/memchr@{memchr}")]);
    assert_eq!(v["answers"][0]["releases"], 2);
    let (code, _) = ships(&env, &["pkg:cargo/memchr@0.0.1"]);
    assert_eq!(code, 0);
    let (code, _) = ships(&env, &["pkg:npm/memchr"]);
    assert_eq!(code, 0, "another ecosystem's package of the same name");

    // an OSV advisory: every package it names, in its ranges
    let adv = env.dir.path().join("adv.json");
    std::fs::write(
        &adv,
        format!(
            r#"{{"id":"TEST-2026-0001","modified":"2026-12-01T00:00:00Z","affected":[
              {{"package":{{"ecosystem":"crates.io","name":"memchr"}},"ranges":[{{"type":"SEMVER","events":[{{"introduced":"2.0.0"}},{{"fixed":"{memchr}9"}}]}}]}},
              {{"package":{{"ecosystem":"crates.io","name":"regex"}},"ranges":[{{"type":"SEMVER","events":[{{"introduced":"0"}},{{"fixed":"0.0.1"}}]}}]}}]}}"#
        ),
    )
    .unwrap();
    let (code, v) = ships(&env, &["--advisory", adv.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(v["answers"][0]["releases"], 2);
    assert_eq!(v["answers"][0]["versions"], "affected by TEST-2026-0001");
    assert_eq!(v["answers"][1]["releases"], 0);

    // text names the release, the version, how it arrives and the team
    let out = env
        .sef()
        .args(["portfolio", "ships", "pkg:cargo/memchr"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2 release(s) of 2 offering(s)"), "{text}");
    assert!(
        text.contains(&format!("rg 14.0  memchr {memchr}")),
        "{text}"
    );
    assert!(text.contains("team search, unit tools"), "{text}");

    // KPIs rolled up by business unit
    let out = env
        .sef()
        .args([
            "portfolio",
            "kpis",
            "--by",
            "business-unit",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out.stdout);
    let groups = v["groups"].as_array().unwrap();
    let names: Vec<&serde_json::Value> = groups.iter().map(|g| &g["group"]).collect();
    assert_eq!(
        names,
        vec![&serde_json::Value::Null, &serde_json::json!("tools")]
    );
    assert_eq!(groups[1]["offerings"], 1);
    assert!(!groups[1]["kpis"].as_array().unwrap().is_empty());
}

#[test]
fn bad_questions_get_clear_errors() {
    let env = Env::new();
    for (args, want) in [
        (vec!["not-a-purl"], "is not a package URL"),
        (vec!["pkg:cargo/serde", "--range", ">1.0"], "no OSV event"),
        (vec!["pkg:cargo/serde@1.0.0", "--range", "<2"], "not both"),
        (
            vec!["--advisory", "/nonexistent/adv.json"],
            "cannot read the advisory",
        ),
    ] {
        let out = env
            .sef()
            .args(["portfolio", "ships"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
    }
    let bad = env.dir.path().join("bad.json");
    std::fs::write(&bad, "{\"id\": \"X\",\n \"affected\": [}").unwrap();
    let out = env
        .sef()
        .args(["portfolio", "ships", "--advisory"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.json:2:"), "{}", stderr(&out));
}
