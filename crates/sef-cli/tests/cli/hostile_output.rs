//! The hostile corpus, part 2 (issue 16): what sef prints and stores.
//! Secrets planted in a lockfile, a parse error, a commit subject and
//! SARIF reach no output and no store; control characters are escaped;
//! store locations that name no store are errors; a reproducible-build time
//! that cannot be used is an error. Each case failed on commit 9fb00cf.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use std::process::{Command, Stdio};

fn sef(env: &Env, args: &[&str]) -> Command {
    sef_cmd(env, args)
}

const PLAN: &str = PLAN_NO_VULNS;

// ---- 3. secrets never leave redacted form ----------------------------------

const PLANTED: [&str; 5] = [
    "ghp_Zq3xK9mP2vL8nR4tW6yB1cD5fH7jA0sE3gT9",
    "ghp_Aq3xK9mP2vL8nR4tW6yB1cD5fH7jA0sE3gT8",
    "AKIAZ7Q4R2X5M8N3P6T1",
    "xoxb-2938475610-2938475610-AbCdEfGhIjKlMnOpQrStUvWx",
    "ghp_Cq3xK9mP2vL8nR4tW6yB1cD5fH7jA0sE3gT6",
];

#[test]
fn planted_secrets_reach_no_output_and_no_store() {
    let env = Env::new();
    let r = env.repo("planted");
    git(&r, &["init", "-q"]);
    git(&r, &["config", "user.email", "dev@example.com"]);
    git(&r, &["config", "user.name", "Dev"]);
    write(
        &r,
        "sef.toml",
        &format!("{PLAN}[[analyzers.sarif]]\nname = \"semgrep\"\nfile = \"semgrep.sarif\"\n"),
    );
    // a lockfile line quoted by an inventory warning
    write(
        &r,
        "requirements.txt",
        &format!(
            "requests==2.31.0\ngit+https://{}@github.com/org/other.git\n",
            PLANTED[0]
        ),
    );
    // an SBOM component whose name carries a token
    write(
        &r,
        "req-dev.txt",
        &format!(
            "privpkg @ git+https://{}@github.com/org/privpkg.git\n",
            PLANTED[1]
        ),
    );
    // a parse error's excerpt
    write(
        &r,
        "pyproject.toml",
        &format!(
            "[project]\nname = \"x\"\ntoken = \"{}\" = broken\n",
            PLANTED[4]
        ),
    );
    // a SARIF title and snippet
    write(
        &r,
        "semgrep.sarif",
        &format!(
            r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"semgrep"}}}},"invocations":[{{"executionSuccessful":true}}],"results":[{{"ruleId":"aws","level":"error","message":{{"text":"AWS key {k} hard-coded"}},"locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":"app.py"}},"region":{{"startLine":1,"snippet":{{"text":"key = '{k}'"}}}}}}}}]}}]}}]}}"#,
            k = PLANTED[2]
        ),
    );
    write(&r, "app.py", "print(1)\n");
    git(&r, &["add", "-A"]);
    // a commit subject
    git(&r, &["commit", "-qm", &format!("rotate {}", PLANTED[3])]);

    let dir = env.repo("outputs");
    let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
    for format in ["text", "json", "markdown", "html", "sarif"] {
        let file = dir.join(format!("report.{format}"));
        let out = run_within(
            sef(
                &env,
                &[
                    "assess",
                    "-f",
                    format,
                    "-o",
                    file.to_str().unwrap(),
                    r.to_str().unwrap(),
                ],
            ),
            120,
        );
        outputs.push((format!("assess -f {format} (stderr)"), out.stderr));
        outputs.push((format!("assess -f {format}"), std::fs::read(&file).unwrap()));
        let out = run_within(
            sef(
                &env,
                &["assess", "--no-store", "-f", format, r.to_str().unwrap()],
            ),
            120,
        );
        outputs.push((format!("assess -f {format} (stdout)"), out.stdout));
    }
    for args in [
        vec!["history", r.to_str().unwrap()],
        vec!["history", "-f", "json", r.to_str().unwrap()],
        vec!["sbom", r.to_str().unwrap()],
        vec!["runs", "list", "-f", "json"],
        vec!["secrets", "scan", "-f", "json", r.to_str().unwrap()],
    ] {
        let out = run_within(sef(&env, &args), 120);
        outputs.push((args.join(" "), out.stdout));
        outputs.push((format!("{} (stderr)", args.join(" ")), out.stderr));
    }
    let mut db = std::fs::read(env.db()).unwrap();
    for extra in ["-wal", "-shm"] {
        let mut p = env.db().into_os_string();
        p.push(extra);
        if let Ok(b) = std::fs::read(p) {
            db.extend(b);
        }
    }
    outputs.push(("the SQLite store".to_owned(), db));
    // the planted strings were in the run: the redaction note says so
    let json_report = &outputs
        .iter()
        .find(|(n, _)| n == "assess -f json")
        .unwrap()
        .1;
    assert!(
        String::from_utf8_lossy(json_report).contains("[REDACTED]"),
        "nothing was redacted: the test planted nothing"
    );
    for (name, bytes) in &outputs {
        let text = String::from_utf8_lossy(bytes);
        for s in PLANTED {
            assert!(!text.contains(s), "{name} carries {s}");
        }
    }
}

#[test]
fn store_locations_that_name_no_store_are_errors() {
    let env = Env::new();
    for db in ["", "mysql://root@db/sef", "sqlite://", "sqlite:"] {
        let out = run_within(sef(&env, &["runs", "list", "--db", db]), 60);
        assert_eq!(out.status.code(), Some(2), "--db {db:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("--db"), "{}", stderr(&out));
    }
    // read-only commands do not create a store
    let r = env.repo("ro");
    write(&r, "sef.toml", PLAN);
    let missing = env.repo("stores").join("new.db");
    let m = missing.to_str().unwrap();
    for args in [
        vec!["runs", "list", "--db", m],
        vec!["finding", "list", "--db", m, r.to_str().unwrap()],
        vec!["kpi", "--db", m, r.to_str().unwrap()],
        vec!["phase", "history", "--db", m, r.to_str().unwrap()],
    ] {
        let out = run_within(sef(&env, &args), 60);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("no store here"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!missing.exists(), "{args:?} created the store");
    }
}

#[test]
fn parallel_first_opens_of_a_new_store_all_succeed() {
    let env = Env::new();
    let r = env.repo("par");
    write(&r, "sef.toml", PLAN);
    write(&r, "app.py", "print(1)\n");
    let db = env.repo("pstore").join("sef.db");
    let children: Vec<_> = (0..6)
        .map(|_| {
            let mut c = sef(
                &env,
                &[
                    "assess",
                    "-q",
                    "--db",
                    db.to_str().unwrap(),
                    r.to_str().unwrap(),
                ],
            );
            c.stdout(Stdio::null()).stderr(Stdio::piped());
            c.spawn().unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{err}");
        assert!(!err.contains("already exists"), "{err}");
    }
    let out = run_within(
        sef(
            &env,
            &["runs", "list", "-f", "json", "--db", db.to_str().unwrap()],
        ),
        60,
    );
    assert_eq!(json(&out.stdout)["runs"].as_array().unwrap().len(), 6);
}

#[test]
fn control_characters_are_escaped_in_text_and_markdown() {
    let env = Env::new();
    let r = env.repo("ctl");
    git(&r, &["init", "-q"]);
    git(&r, &["config", "user.email", "dev@example.com"]);
    git(&r, &["config", "user.name", "Dev"]);
    write(
        &r,
        "sef.toml",
        &format!("{PLAN}[[analyzers.sarif]]\nname = \"tool\"\nfile = \"t.sarif\"\n"),
    );
    write(
        &r,
        "t.sarif",
        r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"tool"}},"invocations":[{"executionSuccessful":true}],"results":[{"ruleId":"x","level":"error","message":{"text":"bad \u001b[2J\u001b[31mPASS\u0007 \u0000 \u202e here"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.py"},"region":{"startLine":1}}}]}]}]}"#,
    );
    write(&r, "a.py", "x = 1\n");
    git(&r, &["add", "-A"]);
    git(
        &r,
        &[
            "commit",
            "-qm",
            "subject \u{1b}]0;owned\u{7} \r[pass] all good",
        ],
    );
    for format in ["text", "markdown"] {
        let out = run_within(
            sef(
                &env,
                &["assess", "--no-store", "-f", format, r.to_str().unwrap()],
            ),
            60,
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("PASS"),
            "{format}: the message is shown: {text}"
        );
        for bad in ['\u{1b}', '\u{7}', '\u{0}', '\r', '\u{202e}'] {
            assert!(!text.contains(bad), "{format} carries {bad:?}");
        }
        assert!(text.contains("u{1b}"), "{format}: shown escaped");
    }
    let out = run_within(
        sef(&env, &["history", "--commits", r.to_str().unwrap()]),
        60,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text}");
}

#[test]
fn an_unusable_source_date_epoch_is_an_error() {
    let env = Env::new();
    let r = env.repo("sde");
    write(&r, "requirements.txt", "requests==2.31.0\n");
    for v in ["yesterday", "-5", "99999999999999"] {
        let mut c = sef(&env, &["sbom", r.to_str().unwrap()]);
        c.env("SOURCE_DATE_EPOCH", v);
        let out = run_within(c, 60);
        assert_eq!(out.status.code(), Some(2), "{v}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("SOURCE_DATE_EPOCH"),
            "{}",
            stderr(&out)
        );
    }
    let mut c = sef(&env, &["sbom", r.to_str().unwrap()]);
    c.env("SOURCE_DATE_EPOCH", "1700000000");
    let out = run_within(c, 60);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2023-11-14T22:13:20"));
}

/// A secret typed into an override's justification reaches no report of
/// a later assessment: the decisions the report shows from the store are
/// cleaned string by string, as the run itself is.
#[test]
fn a_secret_in_a_stored_decision_reaches_no_report() {
    let env = Env::new();
    let repo = env.repo("walk");
    copy_fixture("sample-offering", &repo);
    let p = repo.to_str().unwrap();
    std::fs::write(
        repo.join("sef.toml"),
        "[offering]\nname = \"walk\"\nkind = \"service\"\n\n[release]\nversion = \"1.0\"\nphase = \"plan\"\n\n[analyzers.vulnerabilities]\nenabled = false\n",
    )
    .unwrap();
    let token = "ghp_Dq3xK9mP2vL8nR4tW6yB1cD5fH7jA0sE3gT5";
    let out = run_within(
        sef(
            &env,
            &[
                "phase",
                "advance",
                p,
                "-q",
                "--override",
                "--by",
                "ana",
                "--justification",
                &format!("agreed with the SAB; the old token {token} is revoked"),
            ],
        ),
        120,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut redacted = false;
    for format in ["text", "json", "markdown", "html"] {
        let out = run_within(sef(&env, &["assess", "-q", "-f", format, p]), 120);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("agreed with the SAB"),
            "{format}: the decision is shown"
        );
        assert!(!text.contains(token), "{format} carries the token");
        redacted |= text.contains("[REDACTED]");
    }
    assert!(redacted, "the justification was shown redacted");
}
