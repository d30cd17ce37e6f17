//! The organisation's policy end to end, as real commands: a board key made
//! with `sef keygen`, a policy signed with `sef sign`, assessed under with
//! `--policy FILE`; the gate records it; a locked criterion cannot be
//! overridden; a tampered policy, a missing key and a plan that loosens the
//! policy stop every command; `sef policy check` lists what a plan
//! loosens. Then from a real `sef serve`: published with `sef policy
//! publish` (signed by the server's key), fetched and verified, used from
//! the cache when the server is down, and applied by the server to runs
//! pushed to it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::serve::{Server, free_port, set_up};
use crate::common;
use common::*;
use std::path::Path;

const PASSWORD: &str = "board key password";

const POLICY: &str = r#"[policy]
name = "board"
version = "2026.12"

[checkpoints]
block_severity = "high"
acceptance_max_days = 90
locked = ["plan.threat-model-present"]

[training]
developer = ["secure-coding"]
"#;

fn run(env: &Env, args: &[&str], vars: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = env.sef();
    c.env("SEF_KEY_PASSWORD", PASSWORD).args(args);
    for (k, v) in vars {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout.clone()).unwrap(),
        stderr(&out),
    )
}

fn plan(repo: &Path, extra: &str) {
    std::fs::write(
        repo.join("sef.toml"),
        format!(
            "[offering]\nname = \"walk\"\nkind = \"service\"\n\n[release]\nversion = \"1.0\"\nphase = \"plan\"\n\n\
             [analyzers.vulnerabilities]\nenabled = false\n{extra}"
        ),
    )
    .unwrap();
}

#[test]
fn a_signed_policy_file_is_inherited_recorded_and_enforced() {
    let env = Env::new();
    let repo = env.repo("walk");
    copy_fixture("sample-offering", &repo);
    plan(&repo, "");
    let keys = env.repo("keys");
    let (pubk, seck) = (keys.join("board.pub"), keys.join("board.key"));
    let (code, _, err) = run(
        &env,
        &[
            "keygen",
            "--public-key",
            pubk.to_str().unwrap(),
            "--secret-key",
            seck.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let policy = keys.join("policy.toml");
    std::fs::write(&policy, POLICY).unwrap();
    let (code, _, err) = run(
        &env,
        &[
            "sign",
            policy.to_str().unwrap(),
            "-s",
            seck.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let (p, pol, key) = (
        repo.to_str().unwrap(),
        policy.to_str().unwrap(),
        pubk.to_str().unwrap(),
    );
    let under = ["--policy", pol, "--policy-key", key];

    // assessed under the policy: the gate records which, signed by whom
    let (code, out, err) = run(
        &env,
        &[&["assess", p, "-q", "--format", "json"][..], &under].concat(),
        &[],
    );
    assert!(code == 0 || code == 1, "{err}");
    let report = json(out.as_bytes());
    let gp = &report["run"]["gate"]["policy"];
    assert_eq!(gp["name"], "board", "{report}");
    assert_eq!(gp["version"], "2026.12");
    assert_eq!(gp["source"], pol);
    assert_eq!(gp["key_id"].as_str().unwrap().len(), 16);
    assert_eq!(gp["locked"][0], "plan.threat-model-present");
    let (_, text, _) = run(&env, &[&["gate", p, "-q"][..], &under].concat(), &[]);
    assert!(text.contains("under policy `board` 2026.12"), "{text}");
    assert!(text.contains("locked: plan.threat-model-present"), "{text}");
    // without a policy nothing is recorded
    let (_, out, _) = run(
        &env,
        &["assess", p, "-q", "--format", "json", "--no-store"],
        &[],
    );
    assert!(json(out.as_bytes())["run"]["gate"].get("policy").is_none());

    // the plan gate fails on the threat model, which the policy locks: the
    // PDT leader's override is refused under the policy, and works without
    let advance = |extra: &[&str]| {
        run(
            &env,
            &[
                &[
                    "phase",
                    "advance",
                    p,
                    "-q",
                    "--override",
                    "--by",
                    "ana",
                    "--justification",
                    "threat model workshop booked for week 2; schedule agreed",
                ][..],
                extra,
            ]
            .concat(),
            &[],
        )
    };
    let (code, _, err) = advance(&under);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "the gate failed on `plan.threat-model-present`, which policy `board` 2026.12 locks"
        ),
        "{err}"
    );
    let (code, out, err) = advance(&[]);
    assert_eq!(code, 0, "{out}{err}");

    // a plan that loosens what the policy locks: no command runs
    plan(
        &repo,
        "\n[checkpoints]\nblock_severity = \"critical\"\nacceptance_max_days = 400\n",
    );
    for cmd in [&["assess", p, "-q"][..], &["gate", p, "-q"], &["vulns", p]] {
        let (code, _, err) = run(&env, &[cmd, &under].concat(), &[]);
        assert_eq!(code, 2, "{cmd:?}: {err}");
        assert!(
            err.contains("sef.toml:13: block_severity = \"critical\""),
            "{cmd:?}: {err}"
        );
        assert!(
            err.contains("sef.toml:14: acceptance_max_days = 400"),
            "{cmd:?}: {err}"
        );
    }
    let (code, out, err) = run(
        &env,
        &[
            "policy", "check", pol, "--key", key, "--repo", p, "--format", "json",
        ],
        &[],
    );
    assert_eq!(code, 1, "{err}");
    let v = json(out.as_bytes());
    assert_eq!(v["signature"]["verified"], true);
    assert_eq!(v["plan"]["violations"].as_array().unwrap().len(), 2, "{v}");
    plan(&repo, "");
    let (code, out, _) = run(
        &env,
        &["policy", "check", pol, "--key", key, "--repo", p],
        &[],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("runs under it: blocks at high and above, acceptances at most 90 days"),
        "{out}"
    );

    // a tampered policy, a wrong key, no key: refused, never skipped
    let other = keys.join("other.pub");
    run(
        &env,
        &[
            "keygen",
            "--public-key",
            other.to_str().unwrap(),
            "--secret-key",
            keys.join("other.key").to_str().unwrap(),
        ],
        &[],
    );
    let (code, _, err) = run(
        &env,
        &[
            "assess",
            p,
            "-q",
            "--policy",
            pol,
            "--policy-key",
            other.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 2);
    assert!(err.contains("signature does not verify"), "{err}");
    let (code, _, err) = run(&env, &["assess", p, "-q", "--policy", pol], &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("give the policy key with --policy-key"),
        "{err}"
    );
    std::fs::write(
        &policy,
        POLICY.replace("acceptance_max_days = 90", "acceptance_max_days = 900"),
    )
    .unwrap();
    let (code, _, err) = run(&env, &[&["assess", p, "-q"][..], &under].concat(), &[]);
    assert_eq!(code, 2);
    assert!(err.contains("signature does not verify"), "{err}");
    // the same through the environment
    let (code, _, err) = run(
        &env,
        &["assess", p, "-q"],
        &[("SEF_POLICY", pol), ("SEF_POLICY_KEY", key)],
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn a_policy_published_on_the_server_is_fetched_cached_and_applied_to_uploads() {
    let env = Env::new();
    let db = env.db().display().to_string();
    let ci_token = set_up(&env, &db);
    // the board's token (global) and the server's policy key
    let board = {
        let out = env
            .sef()
            .env("SEF_DATABASE_URL", &db)
            .args(["token", "create", "--user", "root", "--name", "board"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let keys = env.repo("server");
    let (spub, skey) = (keys.join("policy.pub"), keys.join("policy.key"));
    let (code, _, err) = run(
        &env,
        &[
            "keygen",
            "--public-key",
            spub.to_str().unwrap(),
            "--secret-key",
            skey.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let config = keys.join("serve.toml");
    std::fs::write(
        &config,
        format!(
            "policy_signing_key = \"{}\"\npolicy_signing_key_password = \"{PASSWORD}\"\n",
            skey.display()
        ),
    )
    .unwrap();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let server = Server::start_with(&env, &db, port, &["--config", config.to_str().unwrap()]);

    let policy = keys.join("board-policy.toml");
    std::fs::write(&policy, POLICY).unwrap();
    let (code, _, err) = run(
        &env,
        &[
            "policy",
            "publish",
            policy.to_str().unwrap(),
            "--server",
            &url,
        ],
        &[("SEF_TOKEN", &ci_token)],
    );
    assert_eq!(
        code, 2,
        "an offering-scoped CI token may not publish: {err}"
    );
    assert!(err.contains("403"), "{err}");
    let (code, _, err) = run(
        &env,
        &[
            "policy",
            "publish",
            policy.to_str().unwrap(),
            "--server",
            &url,
        ],
        &[("SEF_TOKEN", &board)],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("as revision 1"), "{err}");

    let repo = env.repo("demo");
    write(
        &repo,
        "sef.toml",
        "[offering]\nname = \"demo\"\n[release]\nversion = \"2.0.0\"\nphase = \"develop\"\n[analyzers.vulnerabilities]\nenabled = false\n",
    );
    write(&repo, "main.go", "package main\n");
    let cache = env.repo("cache");
    let vars = [
        ("SEF_POLICY", url.as_str()),
        ("SEF_POLICY_KEY", spub.to_str().unwrap()),
        ("SEF_TOKEN", ci_token.as_str()),
        ("SEF_CACHE_DIR", cache.to_str().unwrap()),
    ];
    let p = repo.to_str().unwrap();
    let (code, out, err) = run(
        &env,
        &["assess", p, "-q", "--no-store", "--format", "json"],
        &vars,
    );
    assert!(code == 0 || code == 1, "{err}");
    let gp = json(out.as_bytes())["run"]["gate"]["policy"].clone();
    assert_eq!(gp["name"], "board");
    assert_eq!(gp["source"], format!("{url} (revision 1)"));
    let (code, out, _) = run(&env, &["policy", "show", "--format", "json"], &vars);
    assert_eq!(code, 0);
    assert_eq!(
        json(out.as_bytes())["checkpoints"]["locked"][0],
        "plan.threat-model-present"
    );

    // pushed runs are decided under the server's policy, even when the
    // client gives none; a plan that loosens it is refused
    let (code, out, err) = run(
        &env,
        &[
            "assess",
            p,
            "-q",
            "--no-store",
            "--format",
            "json",
            "--push",
            &url,
        ],
        &[("SEF_TOKEN", &ci_token)],
    );
    assert!(code == 0 || code == 1, "{err}");
    let id = json(out.as_bytes())["run"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, run_json) =
        super::serve::http(port, "GET", &format!("/api/v1/runs/{id}"), &ci_token, None);
    assert_eq!(status, 200);
    let stored: serde_json::Value = serde_json::from_str(&run_json).unwrap();
    assert_eq!(
        stored["gate"]["policy"]["source"], "this server (revision 1)",
        "{stored}"
    );
    write(
        &repo,
        "sef.toml",
        "[offering]\nname = \"demo\"\n[release]\nversion = \"2.0.1\"\nphase = \"develop\"\n[analyzers.vulnerabilities]\nenabled = false\n[checkpoints]\nacceptance_max_days = 365\n",
    );
    let (_, _, err) = run(
        &env,
        &["assess", p, "-q", "--no-store", "--push", &url],
        &[("SEF_TOKEN", &ci_token)],
    );
    assert!(
        err.contains("422") && err.contains("acceptance_max_days = 365"),
        "{err}"
    );
    write(
        &repo,
        "sef.toml",
        "[offering]\nname = \"demo\"\n[release]\nversion = \"2.0.0\"\nphase = \"develop\"\n[analyzers.vulnerabilities]\nenabled = false\n",
    );

    // the server goes down: the verified cached copy is used, and says so
    server.stop();
    let (code, out, err) = run(
        &env,
        &["assess", p, "-q", "--no-store", "--format", "json"],
        &vars,
    );
    assert!(code == 0 || code == 1, "{err}");
    let source = json(out.as_bytes())["run"]["gate"]["policy"]["source"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        source.contains("revision 1, cached") && source.contains("the server was unreachable"),
        "{source}"
    );
    // a damaged cache is not trusted; no cache at all stops the command
    let served = std::fs::read_dir(cache.join("policy"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("served.json");
    let text = std::fs::read_to_string(&served).unwrap();
    std::fs::write(
        &served,
        text.replace("acceptance_max_days = 90", "acceptance_max_days = 9000"),
    )
    .unwrap();
    let (code, _, err) = run(&env, &["assess", p, "-q", "--no-store"], &vars);
    assert_eq!(code, 2);
    assert!(err.contains("signature does not verify"), "{err}");
    std::fs::remove_dir_all(cache.join("policy")).unwrap();
    let (code, _, err) = run(&env, &["assess", p, "-q", "--no-store"], &vars);
    assert_eq!(code, 2);
    assert!(
        err.contains("no copy of the policy was fetched before"),
        "{err}"
    );
}
