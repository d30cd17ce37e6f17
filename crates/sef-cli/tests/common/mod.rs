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

pub use sef_testkit::{git, write};

pub fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
