//! Crash safety: killing `sef assess` with SIGKILL while it writes the run
//! leaves the store intact, readable, and without the half-written run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn run_count(env: &Env) -> usize {
    let out = env
        .sef()
        .args(["runs", "list", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "store unreadable after kill: {}",
        stderr(&out)
    );
    json(&out.stdout)["runs"].as_array().unwrap().len()
}

/// Debug builds only: the commit-delay hook the test needs exists only
/// there (`cargo test` builds them), so a release test run has no such test.
#[cfg(debug_assertions)]
#[test]
fn kill_during_the_write_transaction_keeps_the_earlier_state() {
    let env = Env::new();
    let repo = env.repo("r");
    write(&repo, "a.rs", "fn a() {}\n");
    env.sef()
        .args(["assess", repo.to_str().unwrap(), "-q"])
        .assert()
        .success();
    assert_eq!(run_count(&env), 1);

    let mut cmd = env.sef_std();
    let mut child = cmd
        .env("SEF_DEBUG_COMMIT_DELAY_MS", "20000")
        .args(["assess", repo.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The analyzers report completion on stderr; the write transaction
    // starts right after and then waits before its commit.
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let started = Instant::now();
    loop {
        let line = lines
            .next()
            .expect("sef exited before the analyzers finished")
            .unwrap();
        if line.contains("repo-facts: complete") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "analyzers did not finish"
        );
    }
    std::thread::sleep(Duration::from_millis(700));
    assert!(
        child.try_wait().unwrap().is_none(),
        "sef finished before it could be killed"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    assert_eq!(run_count(&env), 1, "the killed run was (partly) stored");
    env.sef()
        .args(["runs", "show", "latest", "-q"])
        .assert()
        .success();
    env.sef()
        .args(["assess", repo.to_str().unwrap(), "-q"])
        .assert()
        .success();
    assert_eq!(run_count(&env), 2);
}

#[test]
fn kills_at_arbitrary_moments_never_corrupt_the_store() {
    let env = Env::new();
    let repo = env.repo("r");
    for i in 0..20 {
        write(&repo, &format!("src/f{i}.rs"), "fn f() {}\n");
    }
    env.sef()
        .args(["assess", repo.to_str().unwrap(), "-q"])
        .assert()
        .success();
    let mut stored = 1;
    for delay_ms in [0u64, 5, 10, 20, 40, 80] {
        let mut cmd = env.sef_std();
        let mut child = cmd
            .args(["assess", repo.to_str().unwrap(), "-q"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let n = run_count(&env);
        // Either the run was committed whole before the kill, or not at all.
        assert!(
            n == stored || n == stored + 1,
            "{n} runs after kill, {stored} before"
        );
        let _ = status;
        stored = n;
    }
}
