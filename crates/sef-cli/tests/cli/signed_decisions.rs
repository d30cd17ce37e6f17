//! Signed decisions made offline: a triage signed with an SSH key (through
//! `ssh-keygen -Y sign -n sef-decision`) and one signed with a minisign
//! key verify against the member's keys in the team file; an unsigned one
//! is shown as self-asserted; a key the team file does not list is refused
//! before anything is stored; a decision edited in the store after it was
//! signed shows as invalid; a signed override shows in the phase history.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use common::*;

fn sef(env: &Env, args: &[&str]) -> (i32, String, String) {
    let out = env
        .sef()
        .env("USER", "tester")
        .env("SEF_KEY_PASSWORD", "correct horse battery staple")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout.clone()).unwrap(),
        stderr(&out),
    )
}

fn ssh_key(dir: &std::path::Path, name: &str) -> (std::path::PathBuf, String) {
    let key = dir.join(name);
    let out = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen is needed (apt-get install openssh-client)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    (key, public.trim().to_owned())
}

#[test]
fn signed_triage_verifies_unsigned_is_self_asserted_and_tampering_shows() {
    let env = Env::new();
    let keys = env.repo("keys");
    let (ana_key, ana_pub) = ssh_key(&keys, "ana");
    let (stranger_key, _) = ssh_key(&keys, "stranger");
    let (code, _, err) = sef(
        &env,
        &[
            "keygen",
            "--secret-key",
            keys.join("lee.key").to_str().unwrap(),
            "--public-key",
            keys.join("lee.pub").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let lee_pub = std::fs::read_to_string(keys.join("lee.pub")).unwrap();
    let lee_line = lee_pub.lines().nth(1).unwrap().to_owned();

    let r = env.repo("app");
    copy_fixture("sarif-repo", &r);
    write(
        &r,
        "sef.toml",
        &format!(
            "[offering]\nname = \"app\"\n[release]\nversion = \"1.0\"\n[analyzers.vulnerabilities]\nenabled = false\n\
             [[team.member]]\nid = \"tester\"\nroles = [\"qa\"]\n\
             [[team.member]]\nid = \"ana\"\nroles = [\"architect\"]\nkeys = [\"{ana_pub}\"]\n\
             [[team.member]]\nid = \"lee\"\nroles = [\"pdt-leader\"]\nkeys = [\"{lee_line}\"]\n"
        ),
    );
    let (code, _, err) = sef(
        &env,
        &[
            "ingest",
            "sarif",
            "--repo",
            r.to_str().unwrap(),
            "-q",
            r.join("results/bandit.sarif").to_str().unwrap(),
        ],
    );
    assert!(code <= 1, "{err}");
    let (_, out, _) = sef(
        &env,
        &["finding", "list", r.to_str().unwrap(), "-f", "json"],
    );
    let items = json(out.as_bytes())["findings"].as_array().unwrap().clone();
    let fps: Vec<String> = items
        .iter()
        .map(|f| f["history"]["fingerprint"].as_str().unwrap().to_owned())
        .collect();
    assert!(fps.len() >= 3);
    let triage = |fp: &str, by: &str, key: Option<&std::path::Path>| {
        let mut args = vec![
            "finding",
            "triage",
            "--repo",
            r.to_str().unwrap(),
            fp,
            "--status",
            "confirmed",
            "--reason",
            "real, fix it",
            "--by",
            by,
        ];
        let k;
        if let Some(key) = key {
            k = key.to_str().unwrap().to_owned();
            args.extend(["--sign-key", &k]);
        }
        sef(&env, &args)
    };
    // SSH-signed by ana
    let (code, out, err) = triage(&fps[0], "ana", Some(&ana_key));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("signed (SHA256:"), "{out}");
    // minisign-signed by lee
    let (code, out, err) = triage(&fps[1], "lee", Some(&keys.join("lee.key")));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("signed (minisign:"), "{out}");
    // unsigned
    let (code, out, err) = triage(&fps[2], "tester", None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("self-asserted"), "{out}");
    // a key the team file does not list for ana: refused, nothing stored
    let (code, _, err) = triage(&fps[2], "ana", Some(&stranger_key));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not one the team file lists"), "{err}");

    let (_, out, _) = sef(
        &env,
        &["finding", "list", r.to_str().unwrap(), "-f", "json"],
    );
    let proofs: Vec<String> = json(out.as_bytes())["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["triage_proof"]["state"].as_str().map(str::to_owned))
        .collect();
    assert!(proofs.contains(&"verified".to_owned()), "{proofs:?}");
    assert!(proofs.contains(&"self-asserted".to_owned()), "{proofs:?}");
    let (_, text, _) = sef(&env, &["finding", "list", r.to_str().unwrap()]);
    assert!(text.contains("by ana (signed (SHA256:"), "{text}");
    assert!(text.contains("by lee (signed (minisign:"), "{text}");
    assert!(
        text.contains("by tester (self-asserted (unsigned))"),
        "{text}"
    );

    // the decision edited in the store after it was signed
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let s = sef_store::Store::open(&sef_store::StoreUrl::Sqlite(env.db()))
            .await
            .unwrap();
        s.raw_execute_for_tests(
            "UPDATE triage SET reason = 'not a problem after all' WHERE decided_by = 'ana'",
        )
        .await
        .unwrap();
        s.close().await;
    });
    let (_, text, _) = sef(&env, &["finding", "list", r.to_str().unwrap()]);
    assert!(text.contains("by ana (SIGNATURE INVALID"), "{text}");
    // and the audit trail caught the edit behind sef's back too
    let (code, _, _) = sef(&env, &["audit", "verify"]);
    assert_eq!(
        code, 0,
        "the audit log itself was not edited: its own entry still says what was recorded"
    );
}

#[test]
fn a_signed_override_shows_in_the_phase_history() {
    let env = Env::new();
    let keys = env.repo("keys");
    let (lee_key, lee_pub) = ssh_key(&keys, "lee");
    let r = env.repo("app");
    write(
        &r,
        "sef.toml",
        &format!(
            "[offering]\nname = \"app\"\n[release]\nversion = \"1.0\"\nphase = \"develop\"\n[analyzers.vulnerabilities]\nenabled = false\n\
             [[team.member]]\nid = \"lee\"\nroles = [\"pdt-leader\"]\nkeys = [\"{lee_pub}\"]\n"
        ),
    );
    let (code, out, err) = sef(
        &env,
        &[
            "phase",
            "advance",
            r.to_str().unwrap(),
            "-q",
            "--override",
            "--by",
            "lee",
            "--justification",
            "beta for one customer, risk known",
            "--sign-key",
            lee_key.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("overridden by lee (signed (SHA256:"), "{out}");
    let (_, text, _) = sef(&env, &["phase", "history", r.to_str().unwrap()]);
    assert!(
        text.contains("OVERRIDDEN by lee (signed (SHA256:"),
        "{text}"
    );
    let (_, j, _) = sef(
        &env,
        &["phase", "history", r.to_str().unwrap(), "-f", "json"],
    );
    let j = json(j.as_bytes());
    let id = j["decisions"][0]["id"].as_str().unwrap();
    assert!(
        j["proofs"][id].as_str().unwrap().starts_with("signed"),
        "{j}"
    );
    assert!(
        j["decisions"][0]["override"]["signature"]
            .as_str()
            .unwrap()
            .contains("BEGIN SSH SIGNATURE")
    );
}

#[test]
fn a_plan_acceptance_signed_by_its_approver_verifies_and_an_edited_one_is_not_honoured() {
    let env = Env::new();
    let keys = env.repo("keys");
    let (ana_key, ana_pub) = ssh_key(&keys, "ana");
    let (stranger_key, _) = ssh_key(&keys, "stranger");
    let r = env.repo("app");
    copy_fixture("sarif-repo", &r);
    let plan = |justification: &str| {
        format!(
            "[offering]\nname = \"app\"\n[release]\nversion = \"1.0\"\n[analyzers.vulnerabilities]\nenabled = false\n\
             [[team.member]]\nid = \"ana\"\nroles = [\"architect\"]\nkeys = [\"{ana_pub}\"]\n\n\
             # accepted after review\n[[risk_acceptances]]\nid = \"B105\"\njustification = \"{justification}\"\n\
             approver = \"ana\"\nexpires = 2099-12-31\n"
        )
    };
    write(
        &r,
        "sef.toml",
        &plan("test fixture passwords, never deployed"),
    );
    let p = r.to_str().unwrap();
    let sarif = r.join("results/bandit.sarif");
    let assess = || {
        let (code, out, err) = sef(
            &env,
            &[
                "ingest",
                "sarif",
                "--repo",
                p,
                "-q",
                "--format",
                "json",
                sarif.to_str().unwrap(),
            ],
        );
        assert!(code <= 1, "{err}");
        let v = json(out.as_bytes());
        let accepted: Vec<serde_json::Value> = v["run"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule_id"] == "B105")
            .cloned()
            .collect();
        assert!(!accepted.is_empty(), "the fixture has B105 findings");
        let notes: Vec<String> = v["run"]["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_owned())
            .collect();
        (accepted, notes)
    };
    // unsigned: honoured, self-asserted
    let (found, notes) = assess();
    assert!(found.iter().all(|f| f["status"] == "accepted"));
    assert_eq!(found[0]["acceptance"]["proof"], "self-asserted (unsigned)");
    assert!(
        notes
            .iter()
            .any(|n| n.contains("B105") && n.ends_with("self-asserted (unsigned)")),
        "{notes:?}"
    );

    // a stranger's key is refused before anything is written
    let (code, _, err) = sef(
        &env,
        &[
            "finding",
            "sign-acceptance",
            "B105",
            "--repo",
            p,
            "--sign-key",
            stranger_key.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("not one the team file lists for `ana`"),
        "{err}"
    );
    assert!(
        !std::fs::read_to_string(r.join("sef.toml"))
            .unwrap()
            .contains("signature")
    );

    // signed by ana: written into sef.toml, comments kept, verified
    let (code, _, err) = sef(
        &env,
        &[
            "finding",
            "sign-acceptance",
            "B105",
            "--repo",
            p,
            "--sign-key",
            ana_key.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(r.join("sef.toml")).unwrap();
    assert!(
        text.contains("# accepted after review") && text.contains("BEGIN SSH SIGNATURE"),
        "{text}"
    );
    let (found, _) = assess();
    assert!(found.iter().all(|f| f["status"] == "accepted"));
    assert!(
        found[0]["acceptance"]["proof"]
            .as_str()
            .unwrap()
            .starts_with("signed (SHA256:"),
        "{}",
        found[0]["acceptance"]
    );
    let (_, list, _) = sef(&env, &["finding", "list", p, "-f", "json"]);
    assert!(list.contains("signed (SHA256:"), "{list}");

    // the justification edited after signing: the findings are open again
    write(
        &r,
        "sef.toml",
        &text.replace("never deployed", "fine, trust me"),
    );
    let (found, notes) = assess();
    assert!(found.iter().all(|f| f["status"] == "open"), "{found:?}");
    assert!(
        found[0]["acceptance"]["refused"]
            .as_str()
            .unwrap()
            .starts_with("SIGNATURE INVALID")
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("not honoured: SIGNATURE INVALID")),
        "{notes:?}"
    );
}
