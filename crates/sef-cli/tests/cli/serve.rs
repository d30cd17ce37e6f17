//! `sef serve` end to end, as CI would use it: an admin and a token made
//! with the CLI, the server started on SQLite (and on PostgreSQL), `sef
//! assess --push` uploading a run, the run read back through the API with
//! the gate decided on the server (its own triage applied), the audit
//! trail verified, exported, tampered with and caught, and a backup.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use common::*;
use std::io::{Read, Write};
use std::process::{Child, Stdio};

const PLAN: &str = "[offering]\nname = \"demo\"\n[release]\nversion = \"2.0.0\"\nphase = \"develop\"\n\
                    [analyzers.vulnerabilities]\nenabled = false\n";

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain HTTP request on loopback: (status, body).
pub(crate) fn http(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let body = body.unwrap_or("");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out[9..12].parse().unwrap();
    let body = out
        .split_once("\r\n\r\n")
        .map(|x| x.1)
        .unwrap_or("")
        .to_owned();
    // chunked answers: keep the JSON between the chunk sizes
    let body = match (body.find(['{', '[']), body.rfind(['}', ']'])) {
        (Some(a), Some(b)) if a <= b => body[a..=b].to_owned(),
        _ => body,
    };
    (status, body)
}

/// A GET whose body is kept as bytes (no chunked encoding: HTTP/1.0).
fn http_raw(port: u16, path: &str, token: &str) -> (u16, Vec<u8>) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n"
    )
    .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let status = std::str::from_utf8(&out[9..12]).unwrap().parse().unwrap();
    let at = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    (status, out[at..].to_vec())
}

pub(crate) struct Server(pub(crate) Child);

impl Server {
    fn start(env: &Env, db: &str, port: u16) -> Server {
        Server::start_with(env, db, port, &[])
    }

    /// Starts `sef serve` with more arguments.
    pub(crate) fn start_with(env: &Env, db: &str, port: u16, args: &[&str]) -> Server {
        let child = env
            .sef_std()
            .env("SEF_DATABASE_URL", db)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed().as_secs() < 30, "sef serve did not start");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Server(child)
    }

    /// Stops it with SIGTERM; returns what it wrote to stderr.
    pub(crate) fn stop(mut self) -> String {
        let pid = self.0.id().to_string();
        assert!(
            std::process::Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let mut err = String::new();
        self.0
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = self.0.wait().unwrap();
        assert!(status.success(), "sef serve exited with {status}: {err}");
        err
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

/// Admin, offering and an upload token, made with the CLI.
pub(crate) fn set_up(env: &Env, db: &str) -> String {
    let ok = |args: &[&str], stdin: Option<&str>| {
        let mut c = env.sef();
        c.env("SEF_DATABASE_URL", db).args(args);
        if let Some(s) = stdin {
            c.write_stdin(s);
        }
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "sef {args:?}: {}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    ok(&["user", "add", "root"], Some("a long enough password\n"));
    ok(&["user", "grant", "root", "admin", "global"], None);
    ok(&["offering", "put", "demo", "--team", "payments"], None);
    let token = ok(
        &[
            "token",
            "create",
            "--user",
            "root",
            "--name",
            "ci",
            "--offering",
            "demo",
        ],
        None,
    );
    let token = token.trim().to_owned();
    assert!(token.starts_with("sef_"), "{token}");
    let users = ok(&["user", "list", "--format", "json"], None);
    assert!(users.contains("admin@global"), "{users}");
    token
}

fn push(
    env: &Env,
    repo: &std::path::Path,
    port: u16,
    token: &str,
) -> (std::process::Output, serde_json::Value) {
    let out = env
        .sef()
        .env("SEF_TOKEN", token)
        .args([
            "assess",
            repo.to_str().unwrap(),
            "-q",
            "--no-store",
            "--format",
            "json",
            "--push",
            &format!("http://127.0.0.1:{port}"),
        ])
        .output()
        .unwrap();
    let report = json(&out.stdout);
    (out, report)
}

#[test]
fn assess_push_on_sqlite_reads_back_with_the_servers_gate() {
    let env = Env::new();
    let db = env.db().display().to_string();
    let token = set_up(&env, &db);
    let repo = env.repo("demo");
    write(&repo, "sef.toml", PLAN);
    write(&repo, "main.go", "package main\n");
    let port = free_port();
    let server = Server::start(&env, &db, port);

    let (out, report) = push(&env, &repo, port, &token);
    let err = stderr(&out);
    assert!(err.contains("pushed run"), "{err}");
    let id = report["run"]["id"].as_str().unwrap().to_owned();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{err}"
    );
    let (status, run) = http(port, "GET", &format!("/api/v1/runs/{id}"), &token, None);
    assert_eq!(status, 200, "{run}");
    let run: serde_json::Value = serde_json::from_str(&run).unwrap();
    assert_eq!(run["offering"]["name"], "demo");
    assert!(run["gate"]["criteria"].as_array().unwrap().len() > 2);
    // the SBOM travels with the run, byte for byte
    let artifacts = report["run"]["artifacts"].as_array().unwrap();
    assert!(!artifacts.is_empty(), "the run keeps its SBOM");
    assert_eq!(run["artifacts"].as_array().unwrap().len(), artifacts.len());
    for a in artifacts {
        let name = a["name"].as_str().unwrap();
        let (status, body) = http_raw(port, &format!("/api/v1/runs/{id}/artifacts/{name}"), &token);
        assert_eq!(status, 200);
        let digest = sef_model::Digest::of_parts([&body]);
        assert_eq!(a["digest"].as_str().unwrap(), digest.as_str(), "{name}");
    }
    let exit_says_pass = out.status.code() == Some(0);
    assert_eq!(
        exit_says_pass,
        run["gate"]["outcome"] == "pass",
        "the exit code is the server's verdict"
    );

    // the server's own triage decides the next upload, not the client's
    let (_, findings) = http(
        port,
        "GET",
        &format!("/api/v1/runs/{id}/findings"),
        &token,
        None,
    );
    let findings: serde_json::Value = serde_json::from_str(&findings).unwrap();
    let first = findings["items"][0].clone();
    assert!(
        first.is_object(),
        "the fixture has a finding to triage: {findings}"
    );
    let fp = first["fingerprint"].as_str().unwrap();
    let body = format!(
        r#"{{"finding":"{fp}","status":"false-positive","reason":"checked by the security focal"}}"#
    );
    let (status, t) = http(
        port,
        "POST",
        "/api/v1/offerings/demo/triage",
        &token,
        Some(&body),
    );
    assert_eq!(status, 201, "{t}");
    let (out, report) = push(&env, &repo, port, &token);
    let id2 = report["run"]["id"].as_str().unwrap().to_owned();
    let local = report["run"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fingerprint"] == fp)
        .unwrap()
        .clone();
    assert_eq!(
        local["status"],
        "open",
        "this machine has no triage: {}",
        stderr(&out)
    );
    let (_, findings) = http(
        port,
        "GET",
        &format!("/api/v1/runs/{id2}/findings?status=false-positive"),
        &token,
        None,
    );
    assert!(
        findings.contains(fp),
        "the server applied its triage: {findings}"
    );

    // a token is refused outside its offering, and nothing leaks without one
    let (status, _) = http(
        port,
        "GET",
        "/api/v1/audit",
        "sef_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        None,
    );
    assert_eq!(status, 401);

    let log = server.stop();
    assert!(log.contains("stopped"), "{log}");
    assert!(
        log.contains("\"request_id\""),
        "JSON logs with request ids: {log}"
    );

    // the audit trail holds, exports, and catches tampering
    let out = env
        .sef()
        .args(["audit", "verify", "--db", &db])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = env
        .sef()
        .args(["audit", "export", "--db", &db])
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let actions: Vec<&str> = lines
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "user.create",
        "grant.add",
        "offering.put",
        "token.create",
        "run.upload",
        "triage.record",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    let triage = lines
        .iter()
        .find(|e| e["action"] == "triage.record")
        .unwrap();
    assert_eq!(
        triage["actor"].as_str().unwrap().split(' ').next().unwrap(),
        "user:root"
    );
    assert!(
        lines
            .iter()
            .filter(|e| e["action"] == "user.create")
            .all(|e| e["actor"].as_str().unwrap().ends_with("(self-asserted)"))
    );

    let backup = env.dir.path().join("backup.db");
    let out = env
        .sef()
        .args(["backup", "--db", &db, backup.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = env
        .sef()
        .args(["backup", "--db", &db, backup.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a backup is never overwritten");
    let out = env
        .sef()
        .args(["audit", "verify", "--db", backup.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "the backup's chain holds: {}",
        stderr(&out)
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let s = sef_store::Store::open(&sef_store::StoreUrl::Sqlite(env.db()))
            .await
            .unwrap();
        s.raw_execute_for_tests(
            "UPDATE audit_log SET actor = 'user:mallory' WHERE action = 'triage.record'",
        )
        .await
        .unwrap();
        s.close().await;
    });
    let out = env
        .sef()
        .args(["audit", "verify", "--db", &db, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out.stdout);
    assert_eq!(v["ok"], false);
    assert!(
        v["verification"]["problems"][0]
            .as_str()
            .unwrap()
            .contains("edited"),
        "{v}"
    );
}

#[test]
fn serve_on_postgres_takes_a_push() {
    let (base, schema, url, rt) = postgres_schema("sef_serve");
    let env = Env::new();
    let token = set_up(&env, &url);
    let repo = env.repo("demo");
    write(&repo, "sef.toml", PLAN);
    let port = free_port();
    let server = Server::start(&env, &url, port);
    let (out, report) = push(&env, &repo, port, &token);
    assert!(stderr(&out).contains("pushed run"), "{}", stderr(&out));
    let id = report["run"]["id"].as_str().unwrap();
    let (status, body) = http(
        port,
        "GET",
        &format!("/api/v1/runs/{id}/gate"),
        &token,
        None,
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = http(port, "GET", "/api/v1/audit/verify", &token, None);
    assert_eq!(
        status, 403,
        "a token narrowed to one offering reads no store-wide route: {body}"
    );
    server.stop();
    let out = env
        .sef()
        .args(["audit", "verify", "--db", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = env
        .sef()
        .args(["backup", "--db", &url, "/tmp/never.db"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pg_dump"), "{}", stderr(&out));
    rt.block_on(sef_store::Store::drop_postgres_schema(&base, &schema))
        .unwrap();
}

#[test]
fn push_refuses_clear_text_and_a_missing_token() {
    let env = Env::new();
    let repo = env.repo("demo");
    write(&repo, "sef.toml", PLAN);
    let out = env
        .sef()
        .args([
            "assess",
            repo.to_str().unwrap(),
            "-q",
            "--no-store",
            "--push",
            "http://127.0.0.1:9",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("SEF_TOKEN"), "{}", stderr(&out));
    let out = env
        .sef()
        .env("SEF_TOKEN", "sef_x")
        .args([
            "assess",
            repo.to_str().unwrap(),
            "-q",
            "--no-store",
            "--push",
            "http://sef.example.com",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("clear text"), "{}", stderr(&out));
    let out = env
        .sef()
        .args([
            "assess",
            repo.to_str().unwrap(),
            "--only",
            "secrets",
            "--push",
            "https://x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a scoped run is not pushed");
}

#[test]
fn migrate_rewrites_old_team_roles_and_the_plan_reads() {
    let env = Env::new();
    let repo = env.repo("old");
    write(&repo, "sef.toml", "[offering]\nname = \"old\"\n");
    write(
        &repo,
        "security/team.toml",
        "# team\n[[member]]\nid = \"ann\"\nroles = [\"product-manager\", \"qa\"] # both\n",
    );
    let out = env
        .sef()
        .args(["plan", repo.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("sef migrate"), "{}", stderr(&out));
    let out = env
        .sef()
        .args(["migrate", "--check", repo.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "--check reports pending changes"
    );
    let out = env
        .sef()
        .args(["migrate", repo.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(repo.join("security/team.toml")).unwrap();
    assert!(
        text.contains("\"development-manager\", \"qa\"] # both"),
        "{text}"
    );
    let out = env
        .sef()
        .args(["plan", repo.to_str().unwrap()])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = env
        .sef()
        .args(["migrate", "--check", repo.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn serve_speaks_tls_with_a_certificate() {
    let env = Env::new();
    let dir = env.repo("tls");
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let out = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl makes the test certificate (apt-get install openssl)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let port = free_port();
    let mut child = env
        .sef_std()
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--tls-cert",
        ])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let curl = |extra: &[&str]| {
        std::process::Command::new("curl")
            .args(["-sS", "--max-time", "5", "--cacert"])
            .arg(&cert)
            .args(extra)
            .arg(format!("https://127.0.0.1:{port}/healthz"))
            .output()
            .expect("curl is needed (apt-get install curl)")
    };
    let mut out = curl(&[]);
    while !out.status.success() && started.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        out = curl(&[]);
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ok\n");
}
