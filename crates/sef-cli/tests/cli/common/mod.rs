//! Helpers shared by the CLI end-to-end tests.
#![allow(dead_code, unused_imports, clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use std::path::PathBuf;

/// A scratch area: a home directory, a store and repositories.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("store/sef.db")
    }

    /// `sef` with this environment's store, no colour and no inherited config.
    pub fn sef(&self) -> Command {
        Command::from_std(self.sef_std())
    }

    /// The same, as a plain `std::process::Command` (for spawning).
    pub fn sef_std(&self) -> std::process::Command {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin!("sef"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path().join("home"))
            .env("NO_COLOR", "1")
            .env("SEF_DATABASE_URL", self.db());
        c
    }

    /// A new directory under the scratch area.
    pub fn repo(&self, name: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::create_dir_all(&p).unwrap();
        p
    }
}

pub use sef_testkit::{git, postgres_url, write};

pub fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The evidence of `kind` in a JSON run report.
pub fn evidence_of<'a>(report: &'a serde_json::Value, kind: &str) -> &'a serde_json::Value {
    report["run"]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} evidence in {report}"))
}

/// `../shared/data/osv/{ecosystem}/all.zip` (the test fails when the
/// shared data is missing).
pub fn shared_osv_zip(ecosystem: &str) -> PathBuf {
    sef_testkit::shared(&format!("data/osv/{ecosystem}/all.zip"))
}

impl Env {
    /// An advisory database holding the real shared OSV export of one
    /// ecosystem (`sef db import`), in the test's directory.
    #[allow(dead_code)]
    pub fn import_osv(&self, ecosystem: &str) -> PathBuf {
        let db = self.dir.path().join(format!("advdb-{ecosystem}"));
        let out = self
            .sef()
            .args(["db", "import", "-q", "--advisory-db"])
            .arg(&db)
            .arg(shared_osv_zip(ecosystem))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        db
    }

    /// `sef assess REPO --no-store --format json` against the advisory
    /// database `advdb`; the parsed report.
    pub fn assess_json(
        &self,
        repo: &std::path::Path,
        advdb: &std::path::Path,
    ) -> serde_json::Value {
        let out = self
            .sef()
            .args([
                "assess",
                "-q",
                "--no-store",
                "--format",
                "json",
                "--advisory-db",
            ])
            .arg(advdb)
            .arg(repo)
            .output()
            .unwrap();
        json(&out.stdout)
    }
}

/// Copies a fixture directory (under `tests/fixtures/`) into `dst`.
#[allow(dead_code)]
pub fn copy_fixture(name: &str, dst: &std::path::Path) {
    fn copy(src: &std::path::Path, dst: &std::path::Path) {
        std::fs::create_dir_all(dst).unwrap();
        for entry in std::fs::read_dir(src).unwrap() {
            let entry = entry.unwrap();
            let to = dst.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &to);
            } else {
                std::fs::copy(entry.path(), to).unwrap();
            }
        }
    }
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    copy(&src, dst);
}

/// A copy of the store written by sef at commit 9fb00cf
/// (tests/fixtures/store-9fb00cf, made by its build.sh) in this
/// environment, and what that sef printed for each of its runs. Opening
/// the copy migrates it; the fixture itself stays untouched.
pub fn old_store(env: &Env) -> (PathBuf, Vec<serde_json::Value>) {
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store-9fb00cf");
    let db = env.dir.path().join("old.sqlite");
    std::fs::copy(fixture.join("store.sqlite"), &db).unwrap();
    let text = std::fs::read_to_string(fixture.join("expected.json")).unwrap();
    let e: serde_json::Value = serde_json::from_str(&text).unwrap();
    let runs = e["runs"].as_array().unwrap().clone();
    assert!(runs.len() >= 3, "the fixture holds three runs");
    (db, runs)
}

/// Runs `cmd` and kills it after `secs`: a hang is a test failure. Its
/// output is drained as it comes, so a large report cannot block it.
pub fn run_within(mut cmd: std::process::Command, secs: u64) -> std::process::Output {
    use std::io::Read;
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > std::time::Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "sef hung for {secs} s: {}",
                String::from_utf8_lossy(&err.join().unwrap())
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

pub fn sef_cmd(env: &Env, args: &[&str]) -> std::process::Command {
    let mut c = env.sef_std();
    c.args(args);
    c
}

/// A plan with the advisory database not needed.
pub const PLAN_NO_VULNS: &str =
    "[offering]\nname = \"app\"\n[analyzers.vulnerabilities]\nenabled = false\n";

/// A fresh, migrated PostgreSQL schema named `{prefix}_{pid}`: the base URL,
/// the schema, a URL whose search path is the schema, and a runtime to drop
/// it with.
pub fn postgres_schema(prefix: &str) -> (String, String, String, tokio::runtime::Runtime) {
    let base = postgres_url();
    let schema = format!("{prefix}_{}", std::process::id());
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
    (base, schema, url, rt)
}
