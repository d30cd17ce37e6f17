//! `sef db update` against a local HTTP server serving the real OSV exports
//! from ../shared/data/osv/, and against servers that misbehave: every
//! failure leaves the previous database usable. No live network.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use sef_testkit::http::{Reply, Server, serve};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn osv_dir() -> PathBuf {
    sef_testkit::shared("data/osv")
}

/// A mirror of the OSV bucket: `/{ecosystem}/all.zip` from the shared data,
/// recording the paths asked for.
fn mirror(dir: &Path) -> (Server, Arc<Mutex<Vec<String>>>) {
    let dir = dir.to_owned();
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = asked.clone();
    let server = serve(move |path| {
        log.lock().unwrap().push(path.to_owned());
        let rel = path.trim_start_matches('/');
        if rel.contains("..") {
            return Reply::Status(400);
        }
        match std::fs::read(dir.join(rel)) {
            Ok(b) => Reply::Body(b),
            Err(_) => Reply::Status(404),
        }
    });
    (server, asked)
}

fn status(env: &Env, advdb: &Path) -> serde_json::Value {
    let out = env
        .sef()
        .args(["db", "status", "--format", "json", "--advisory-db"])
        .arg(advdb)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    json(&out.stdout)
}

#[test]
fn update_downloads_and_imports_the_named_ecosystems() {
    let osv = osv_dir();
    let (server, asked) = mirror(&osv);
    let env = Env::new();
    let advdb = env.dir.path().join("advdb");
    let out = env
        .sef()
        .args([
            "db",
            "update",
            "-e",
            "crates.io",
            "-e",
            "pypi",
            "--format",
            "json",
        ])
        .args(["--base-url", &server.base, "--advisory-db"])
        .arg(&advdb)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let j = json(&out.stdout);
    assert!(
        j["import"]["imported"]["crates.io"].as_u64().unwrap() > 1000,
        "{j}"
    );
    assert!(
        j["import"]["imported"]["PyPI"].as_u64().unwrap() > 1000,
        "{j}"
    );
    let mut paths = asked.lock().unwrap().clone();
    paths.sort();
    assert_eq!(paths, ["/PyPI/all.zip", "/crates.io/all.zip"]);
    let s = status(&env, &advdb);
    let src = s["ecosystems"]["crates.io"]["source"].as_str().unwrap();
    assert_eq!(src, format!("{}/crates.io/all.zip", server.base));
    // Nothing of the downloads is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&advdb)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".download"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn default_ecosystems_come_from_the_inventory() {
    let osv = osv_dir();
    let (server, asked) = mirror(&osv);
    let env = Env::new();
    let repo = env.repo("app");
    write(
        &repo,
        "Cargo.lock",
        "version = 3\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.210\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    );
    write(&repo, "requirements.txt", "flask==2.0.0\n");
    let advdb = env.dir.path().join("advdb");
    let out = env
        .sef()
        .args(["db", "update", "--repo"])
        .arg(&repo)
        .args(["--base-url", &server.base, "--advisory-db"])
        .arg(&advdb)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut paths = asked.lock().unwrap().clone();
    paths.sort();
    assert_eq!(paths, ["/PyPI/all.zip", "/crates.io/all.zip"]);
    assert!(stderr(&out).contains("crates.io, PyPI") || stderr(&out).contains("PyPI, crates.io"));
    // And assess now tests both ecosystems.
    let j = env.assess_json(&repo, &advdb);
    let ev = evidence_of(&j, "known-vulnerabilities");
    assert_eq!(ev["payload"]["tested"], 2, "{ev}");
}

#[test]
fn empty_inventory_asks_for_an_ecosystem() {
    let env = Env::new();
    let repo = env.repo("empty");
    let out = env
        .sef()
        .args(["db", "update", "--repo"])
        .arg(&repo)
        .args(["--base-url", "http://127.0.0.1:9", "--advisory-db"])
        .arg(env.dir.path().join("advdb"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--ecosystem"), "{}", stderr(&out));
}

#[test]
fn unknown_ecosystem_and_plain_http_are_refused_before_any_download() {
    let env = Env::new();
    for (args, msg) in [
        (
            vec!["-e", "Cobol", "--base-url", "http://127.0.0.1:9"],
            "not an ecosystem sef matches",
        ),
        (
            vec!["-e", "npm", "--base-url", "http://example.com/osv"],
            "plain http is refused",
        ),
        (vec!["-e", "npm", "--base-url", "file:///etc"], "only https"),
    ] {
        let out = env
            .sef()
            .args(["db", "update"])
            .args(&args)
            .arg("--advisory-db")
            .arg(env.dir.path().join("advdb"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(msg), "{args:?}: {}", stderr(&out));
    }
}

/// Imports crates.io from the real zip, then runs an update against a
/// server answering `reply`: the update fails with `msg` and the previous
/// crates.io data is still there, from the same source.
fn failing_update_keeps_previous(reply: fn() -> Reply, extra: &[&str], msg: &str) {
    let osv = osv_dir();
    let env = Env::new();
    let advdb = env.dir.path().join("advdb");
    let zip = osv.join("crates.io/all.zip");
    let out = env
        .sef()
        .args(["db", "import", "-q"])
        .arg(&zip)
        .arg("--advisory-db")
        .arg(&advdb)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let before = status(&env, &advdb);
    let server = serve(move |_| reply());
    let started = Instant::now();
    let out = env
        .sef()
        .args([
            "db",
            "update",
            "-e",
            "crates.io",
            "--base-url",
            &server.base,
        ])
        .args(extra)
        .arg("--advisory-db")
        .arg(&advdb)
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(msg),
        "want `{msg}` in: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("previous data is kept"),
        "{}",
        stderr(&out)
    );
    let after = status(&env, &advdb);
    assert_eq!(before["ecosystems"], after["ecosystems"]);
    // And the database still answers lookups.
    let repo = env.repo("app");
    write(
        &repo,
        "Cargo.lock",
        "version = 3\n\n[[package]]\nname = \"mdbook\"\nversion = \"0.4.4\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    );
    let j = env.assess_json(&repo, &advdb);
    let vulns = j["run"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "vulnerability")
        .count();
    assert!(vulns >= 1, "{j}");
}

#[test]
fn garbage_body_is_refused() {
    failing_update_keeps_previous(
        || Reply::Body(b"<html>not a zip</html>".repeat(100)),
        &[],
        "not a readable zip archive",
    );
}

#[test]
fn truncated_download_is_refused() {
    failing_update_keeps_previous(
        || Reply::Truncated {
            body: vec![b'P'; 1000],
            declared: 100_000,
        },
        &[],
        "crates.io",
    );
}

#[test]
fn stalling_server_times_out() {
    failing_update_keeps_previous(
        || Reply::Stall {
            body: vec![b'P'; 10],
            declared: 100_000,
            wait: Duration::from_secs(8),
        },
        &["--timeout", "1"],
        "crates.io",
    );
}

#[test]
fn not_found_is_reported_with_the_status() {
    failing_update_keeps_previous(|| Reply::Status(404), &[], "HTTP 404");
}

#[test]
fn a_server_that_does_not_speak_http_is_refused() {
    failing_update_keeps_previous(
        || Reply::Raw(b"\x00\x01garbage\r\n\r\n".repeat(50)),
        &[],
        "crates.io",
    );
}

#[test]
fn oversized_download_is_refused() {
    failing_update_keeps_previous(
        || Reply::Body(vec![0u8; 3 << 20]),
        &["--max-size", "1"],
        "more than 1048576 bytes",
    );
}

#[test]
fn one_failed_ecosystem_does_not_block_the_others() {
    let osv = osv_dir();
    let dir = osv.clone();
    let server = serve(move |path| match path {
        "/crates.io/all.zip" => Reply::Body(std::fs::read(dir.join("crates.io/all.zip")).unwrap()),
        _ => Reply::Status(503),
    });
    let env = Env::new();
    let advdb = env.dir.path().join("advdb");
    let out = env
        .sef()
        .args([
            "db",
            "update",
            "-e",
            "crates.io",
            "-e",
            "Go",
            "--base-url",
            &server.base,
        ])
        .arg("--advisory-db")
        .arg(&advdb)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("HTTP 503"), "{}", stderr(&out));
    let s = status(&env, &advdb);
    assert!(s["ecosystems"]["crates.io"]["count"].as_u64().unwrap() > 1000);
    assert!(s["ecosystems"].get("Go").is_none(), "{s}");
}

#[test]
fn killed_update_leaves_the_previous_database_usable() {
    let osv = osv_dir();
    let env = Env::new();
    let advdb = env.dir.path().join("advdb");
    let out = env
        .sef()
        .args(["db", "import", "-q"])
        .arg(osv.join("crates.io/all.zip"))
        .arg("--advisory-db")
        .arg(&advdb)
        .output()
        .unwrap();
    assert!(out.status.success());
    let before = status(&env, &advdb);
    let zip = std::fs::read(osv.join("crates.io/all.zip")).unwrap();
    let server = serve(move |_| Reply::Stall {
        body: zip[..zip.len() / 2].to_vec(),
        declared: zip.len() as u64,
        wait: Duration::from_secs(10),
    });
    let mut child = env
        .sef_std()
        .args([
            "db",
            "update",
            "-e",
            "crates.io",
            "--base-url",
            &server.base,
        ])
        .arg("--advisory-db")
        .arg(&advdb)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.hits() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(before["ecosystems"], status(&env, &advdb)["ecosystems"]);
}
