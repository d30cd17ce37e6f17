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
