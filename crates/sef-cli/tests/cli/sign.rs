//! `sef keygen`, `sef sign`, `sef verify`, proven minisign-compatible
//! against the `minisign` tool from Debian's packages (both directions).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use std::process::Command;

/// The minisign tool, which every machine that runs the tests has
/// (.ci/run installs it); its absence fails the test.
fn minisign() -> bool {
    assert!(
        Command::new("minisign").arg("-v").output().is_ok(),
        "the minisign tool is needed (.ci/run installs it: apt-get install minisign)"
    );
    true
}

fn sef(env: &Env, dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = env
        .sef()
        .current_dir(dir)
        .env("SEF_KEY_PASSWORD", "correct horse battery")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout.clone()).unwrap(),
        stderr(&out),
    )
}

#[test]
fn sef_signs_and_minisign_verifies() {
    let env = Env::new();
    let d = env.repo("rel");
    write(&d, "app-1.0.tar.gz", "release bytes\n");
    let (code, out, err) = sef(&env, &d, &["keygen"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("key "), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("sef.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (code, _, err) = sef(&env, &d, &["keygen"]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists; pass --force"), "{err}");

    let (code, out, err) = sef(&env, &d, &["sign", "app-1.0.tar.gz"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("app-1.0.tar.gz.minisig"));
    let (code, out, _) = sef(&env, &d, &["verify", "app-1.0.tar.gz"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("signature verified"), "{out}");
    assert!(out.contains("file:app-1.0.tar.gz"), "{out}");

    if minisign() {
        let v = Command::new("minisign")
            .current_dir(&d)
            .args(["-V", "-m", "app-1.0.tar.gz", "-p", "sef.pub"])
            .output()
            .unwrap();
        assert!(
            v.status.success(),
            "minisign refused sef's signature: {}",
            String::from_utf8_lossy(&v.stderr)
        );
    }

    // tampering is caught by both
    write(&d, "app-1.0.tar.gz", "release bytes, changed\n");
    let (code, out, _) = sef(&env, &d, &["verify", "app-1.0.tar.gz", "-f", "json"]);
    assert_eq!(code, 1);
    let j = json(out.as_bytes());
    assert_eq!(j["results"][0]["verified"], false);
    assert!(
        j["results"][0]["error"]
            .as_str()
            .unwrap()
            .contains("FAILED"),
        "{j}"
    );
    if minisign() {
        let v = Command::new("minisign")
            .current_dir(&d)
            .args(["-V", "-m", "app-1.0.tar.gz", "-p", "sef.pub"])
            .output()
            .unwrap();
        assert!(!v.status.success());
    }

    // a wrong password, no password, a missing signature
    let out = env
        .sef()
        .current_dir(&d)
        .env("SEF_KEY_PASSWORD", "wrong")
        .args(["sign", "app-1.0.tar.gz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("wrong password"), "{}", stderr(&out));
    let out = env
        .sef()
        .current_dir(&d)
        .args(["sign", "app-1.0.tar.gz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("set SEF_KEY_PASSWORD or pass --password-file"));
    write(&d, "other.bin", "x");
    let (code, out, _) = sef(&env, &d, &["verify", "other.bin"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("other.bin.minisig: cannot read the signature"),
        "{out}"
    );
}

#[test]
fn minisign_signs_and_sef_verifies() {
    assert!(minisign());
    let env = Env::new();
    let d = env.repo("rel");
    write(&d, "tool.bin", "binary release\n");
    // a key without a password (-W), so the tool asks nothing
    let g = Command::new("minisign")
        .current_dir(&d)
        .args(["-G", "-W", "-p", "mk.pub", "-s", "mk.key"])
        .output()
        .unwrap();
    assert!(g.status.success(), "{}", String::from_utf8_lossy(&g.stderr));
    let s = Command::new("minisign")
        .current_dir(&d)
        .args(["-S", "-s", "mk.key", "-m", "tool.bin", "-t", "built by CI"])
        .output()
        .unwrap();
    assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
    let (code, out, err) = sef(&env, &d, &["verify", "tool.bin", "-p", "mk.pub"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("trusted comment: built by CI"), "{out}");
    // another key: refused
    let (code, _, _) = sef(
        &env,
        &d,
        &[
            "keygen",
            "--public-key",
            "other.pub",
            "--secret-key",
            "other.key",
        ],
    );
    assert_eq!(code, 0);
    let (code, out, _) = sef(&env, &d, &["verify", "tool.bin", "-p", "other.pub"]);
    assert_eq!(code, 1);
    assert!(out.contains("FAILED"), "{out}");
}

#[test]
fn provenance_is_a_signed_in_toto_statement() {
    let env = Env::new();
    let d = env.repo("proj");
    write(&d, "src/main.rs", "fn main() {}\n");
    git(&d, &["init", "-q"]);
    git(&d, &["add", "."]);
    git(&d, &["commit", "-q", "-m", "first"]);
    git(
        &d,
        &[
            "remote",
            "add",
            "origin",
            "https://git.example.invalid/team/proj.git",
        ],
    );
    let head = git(&d, &["rev-parse", "HEAD"]).trim().to_owned();
    write(&d, "dist/proj.tar.gz", "built\n");
    let (code, _, err) = sef(
        &env,
        &d,
        &[
            "keygen",
            "--secret-key",
            "../k.key",
            "--public-key",
            "../k.pub",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = sef(
        &env,
        &d,
        &[
            "provenance",
            "dist/proj.tar.gz",
            "-s",
            "../k.key",
            "--builder",
            "https://ci.example.invalid/runner",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&head), "{out}");
    let st = json(&std::fs::read(d.join("dist/proj.tar.gz.intoto.json")).unwrap());
    assert_eq!(st["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(st["predicateType"], "https://slsa.dev/provenance/v1");
    assert_eq!(st["subject"][0]["name"], "proj.tar.gz");
    let want = {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(b"built\n"))
    };
    assert_eq!(st["subject"][0]["digest"]["sha256"], want.as_str());
    assert_eq!(
        st["subject"][0]["digest"]["sha256"].as_str().unwrap().len(),
        64
    );
    let dep = &st["predicate"]["buildDefinition"]["resolvedDependencies"][0];
    assert_eq!(dep["digest"]["gitCommit"], head.as_str());
    assert_eq!(dep["uri"], "git+https://git.example.invalid/team/proj.git");
    assert_eq!(
        st["predicate"]["runDetails"]["builder"]["id"],
        "https://ci.example.invalid/runner"
    );
    assert_eq!(
        st["predicate"]["buildDefinition"]["externalParameters"]["source"]["dirty"],
        false
    );
    // the statement's signature verifies, with sef and with minisign
    let (code, out, _) = sef(
        &env,
        &d,
        &["verify", "dist/proj.tar.gz.intoto.json", "-p", "../k.pub"],
    );
    assert_eq!(code, 0, "{out}");
    if minisign() {
        let v = Command::new("minisign")
            .current_dir(&d)
            .args(["-V", "-m", "dist/proj.tar.gz.intoto.json", "-p", "../k.pub"])
            .output()
            .unwrap();
        assert!(v.status.success());
    }
    // outside a git repository: a clear error
    let plain = env.repo("plain");
    write(&plain, "a.bin", "x");
    let (code, _, err) = sef(&env, &plain, &["provenance", "a.bin", "-s", "../k.key"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not in a git repository"), "{err}");
}
