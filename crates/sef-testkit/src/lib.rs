//! Test helpers shared by sef's crates: writing files into scratch
//! repositories, running git in them, and a misbehaving-on-demand HTTP
//! server ([`http`]). A dev-dependency only; it panics
//! on failure because a failed setup step is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod http;

use std::path::Path;
use std::process::Command;

/// Writes `text` to `root/rel`, creating parent directories.
pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("a path inside root")).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Runs git in `root` with a fixed identity and no signing, and returns its
/// trimmed standard output. Panics with git's stderr when git fails.
pub fn git(root: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=sef-test",
            "-c",
            "user.email=sef-test@example.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(root)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A path under `../shared` (the data sets, schemas and test vectors every
/// development machine and CI has). Panics when it is missing: a test that
/// cannot read its real data fails, it never passes by skipping.
pub fn shared(rel: &str) -> std::path::PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel);
    assert!(
        p.exists(),
        "{} is missing: the tests read the shared data sets (../shared beside the repository; see the README)",
        p.display()
    );
    p
}

/// The PostgreSQL the backend tests use: `SEF_TEST_POSTGRES_URL`, or the
/// one every development machine and CI runs at 127.0.0.1:5432. The tests
/// never skip PostgreSQL: an unreachable server fails them.
pub fn postgres_url() -> String {
    std::env::var("SEF_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}
