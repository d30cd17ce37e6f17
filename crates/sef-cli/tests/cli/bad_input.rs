//! Bad input: each case gets a one-line error naming what and where, exit
//! code 2, and nothing half-written to the store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use predicates::prelude::*;

/// Runs `sef assess PATH` and returns (exit code, stderr).
fn assess(env: &Env, path: &std::path::Path) -> (i32, String) {
    let out = env
        .sef()
        .args(["assess", path.to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), stderr(&out))
}

fn stored_runs(env: &Env) -> usize {
    let out = env
        .sef()
        .args(["runs", "list", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    json(&out.stdout)["runs"].as_array().unwrap().len()
}

#[test]
fn missing_path() {
    let env = Env::new();
    let missing = env.dir.path().join("nope");
    let (code, err) = assess(&env, &missing);
    assert_eq!(code, 2);
    assert!(
        err.starts_with(&format!(
            "error: {}: cannot assess: no such directory",
            missing.display()
        )),
        "{err}"
    );
    assert!(
        !env.db().exists(),
        "store created for a run that could not start"
    );
}

#[test]
fn path_is_a_file() {
    let env = Env::new();
    let f = env.dir.path().join("file.txt");
    std::fs::write(&f, "x").unwrap();
    let (code, err) = assess(&env, &f);
    assert_eq!(code, 2);
    assert!(err.contains("not a directory"), "{err}");
}

#[test]
fn malformed_plans_name_file_line_and_column() {
    let env = Env::new();
    let repo = env.repo("r");
    write(&repo, "app.py", "print(\"hello\")\n");
    let plan = repo.join("sef.toml");
    let cases: &[(&str, &str)] = &[
        (
            "[offering]\nname = \"x\"\nowner = \"me\"\n",
            ":3:1: unknown field `owner`",
        ),
        (
            "[offering]\nname = 42\n",
            ":2:8: invalid type: integer `42`, expected a string",
        ),
        (
            "[offering]\nname = \"x\"\n[release]\nphase = \"beta\"\n",
            ":4:9: unknown variant `beta`",
        ),
        ("[offering\nname = \"x\"\n", ":1:"),
        (
            "[offering]\nname = \"x\"\n[analyzers.repo-facts]\nenabled = \"yes\"\n",
            ":4:11: invalid type: string \"yes\", expected a boolean",
        ),
        ("[offering]\nname = \"x\"\n[analyzers.secret-scan]\n", ":3:"),
    ];
    for (text, expected) in cases {
        std::fs::write(&plan, text).unwrap();
        let (code, err) = assess(&env, &repo);
        assert_eq!(code, 2, "{text}");
        assert!(
            err.starts_with(&format!("error: {}{expected}", plan.display())),
            "for {text:?}: {err}"
        );
        assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    }
    assert!(!env.db().exists());
}

#[test]
fn hostile_plans_are_refused() {
    let env = Env::new();
    let repo = env.repo("r");
    write(&repo, "app.py", "print(\"hello\")\n");
    let plan = repo.join("sef.toml");
    // 10 MB of junk.
    std::fs::write(&plan, vec![b'Z'; 10 * 1024 * 1024]).unwrap();
    let (code, err) = assess(&env, &repo);
    assert_eq!(code, 2);
    assert!(err.contains("larger than 1048576 bytes"), "{err}");
    // Binary.
    std::fs::write(&plan, [0xff, 0xfe, 0x00, 0x01]).unwrap();
    let (code, err) = assess(&env, &repo);
    assert_eq!(code, 2);
    assert!(
        err.contains(":1:1: the security plan is not valid UTF-8"),
        "{err}"
    );
    // Deeply nested arrays.
    std::fs::write(
        &plan,
        format!(
            "[offering]\nname = \"x\"\n[pti]\nq = {}{}\n",
            "[".repeat(50_000),
            "]".repeat(50_000)
        ),
    )
    .unwrap();
    let (code, _) = assess(&env, &repo);
    assert!(code == 0 || code == 2, "crashed with {code}");
}

#[test]
fn unreadable_plan() {
    let env = Env::new();
    let repo = env.repo("r");
    write(&repo, "app.py", "print(\"hello\")\n");
    // A directory where the plan file should be cannot be read as a file.
    std::fs::create_dir(repo.join("sef.toml")).unwrap();
    let (code, err) = assess(&env, &repo);
    assert_eq!(code, 2);
    assert!(
        err.contains("sef.toml: cannot read the security plan"),
        "{err}"
    );
}

#[test]
fn unwritable_database_location() {
    let env = Env::new();
    let repo = env.repo("r");
    write(&repo, "app.py", "print(\"hello\")\n");
    let blocker = env.dir.path().join("blocker");
    std::fs::write(&blocker, "a file, not a directory").unwrap();
    let out = env
        .sef()
        .env("SEF_DATABASE_URL", blocker.join("sub/sef.db"))
        .args(["assess", repo.to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("cannot open the database for writing"),
        "{err}"
    );
    assert!(err.contains("--db"), "{err}");
}

#[test]
fn corrupt_database_is_left_untouched() {
    let env = Env::new();
    let repo = env.repo("r");
    write(&repo, "app.py", "print(\"hello\")\n");
    std::fs::create_dir_all(env.db().parent().unwrap()).unwrap();
    let junk: Vec<u8> = (0..64 * 1024).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(env.db(), &junk).unwrap();
    let (code, err) = assess(&env, &repo);
    assert_eq!(code, 2);
    assert!(err.contains("corrupt or is not a sef database"), "{err}");
    assert_eq!(std::fs::read(env.db()).unwrap(), junk);
}

#[test]
fn database_from_a_newer_sef_is_refused() {
    let env = Env::new();
    let repo = env.repo("r");
    write(&repo, "app.py", "print(\"hello\")\n");
    env.sef()
        .args(["assess", repo.to_str().unwrap(), "-q"])
        .assert()
        .success();
    let status = std::process::Command::new("python3")
        .arg("-c")
        .arg("import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (29991231000000, 'future', 1, x'00', 0)\"); c.commit()")
        .arg(env.db())
        .status();
    assert!(
        status.is_ok_and(|s| s.success()),
        "python3 with sqlite3 edits the store in this test (.ci/run installs python3)"
    );
    let (code, err) = assess(&env, &repo);
    assert_eq!(code, 2);
    assert!(err.contains("written by a newer version of sef"), "{err}");
    env.sef()
        .args(["runs", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("newer version of sef"));
}

#[test]
fn unreachable_postgres() {
    let env = Env::new();
    let repo = env.repo("r");
    write(&repo, "app.py", "print(\"hello\")\n");
    let out = env
        .sef()
        .env("SEF_DATABASE_URL", "postgres://sef:hunter2@127.0.0.1:1/sef")
        .args(["assess", repo.to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("cannot connect to the database"), "{err}");
    assert!(!err.contains("hunter2"), "password printed: {err}");
}

#[test]
fn failed_run_keeps_earlier_runs() {
    let env = Env::new();
    let repo = env.repo("r");
    write(&repo, "app.py", "print(\"hello\")\n");
    env.sef()
        .args(["assess", repo.to_str().unwrap(), "-q"])
        .assert()
        .success();
    std::fs::write(repo.join("sef.toml"), "[offering]\nname = \n").unwrap();
    let (code, _) = assess(&env, &repo);
    assert_eq!(code, 2);
    assert_eq!(stored_runs(&env), 1);
}
