//! The hostile corpus (issue 16): files that used to hang sef or fill its
//! memory (FIFOs, links to `/dev/zero`, sparse 5 GB files, absurdly long
//! values), output that replaced what it must not, plan paths that reached
//! outside the repository, and secrets that reached reports and the store
//! through strings other than findings. Each case failed on commit 9fb00cf.
//!
//! Every command runs under a deadline: a hang fails the test instead of
//! hanging CI.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn mkfifo(path: &Path) {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    let st = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(st.success(), "mkfifo must work here");
}

fn link_zero(path: &Path) {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    std::os::unix::fs::symlink("/dev/zero", path).unwrap();
}

const PLAN: &str = PLAN_NO_VULNS;

fn sef(env: &Env, args: &[&str]) -> Command {
    sef_cmd(env, args)
}

// ---- 1. bounded and never hanging -----------------------------------------

#[test]
fn special_plan_files_are_clear_errors() {
    let env = Env::new();
    for (name, make) in [
        ("fifo", mkfifo as fn(&Path)),
        ("zero", link_zero as fn(&Path)),
    ] {
        // sef.toml itself
        let r = env.repo(&format!("plan-{name}"));
        make(&r.join("sef.toml"));
        let out = run_within(
            sef(&env, &["assess", "-q", "--no-store", r.to_str().unwrap()]),
            60,
        );
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("not a regular file"),
            "{name}: {}",
            stderr(&out)
        );
        // a security/ section file
        let r = env.repo(&format!("security-{name}"));
        write(&r, "sef.toml", PLAN);
        make(&r.join("security/pti.toml"));
        let out = run_within(sef(&env, &["pti", r.to_str().unwrap()]), 60);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains("pti.toml"), "{}", stderr(&out));
    }
    // a sparse 5 GB plan
    let r = env.repo("plan-sparse");
    std::fs::File::create(r.join("sef.toml"))
        .unwrap()
        .set_len(5 << 30)
        .unwrap();
    let out = run_within(
        sef(&env, &["assess", "-q", "--no-store", r.to_str().unwrap()]),
        60,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("larger than"), "{}", stderr(&out));
}

#[test]
fn special_files_the_plan_and_the_tree_name_do_not_hang() {
    let env = Env::new();
    let r = env.repo("tree");
    git(&r, &["init", "-q"]);
    write(
        &r,
        "sef.toml",
        &format!(
            "{PLAN}[analyzers.secrets]\nbaseline = \"baseline.json\"\n[release_artifacts]\nfiles = [\"dist/app.tar.gz\"]\npublic_keys = [\"key.pub\"]\nchecksums = \"dist/SHA256SUMS\"\n"
        ),
    );
    write(&r, "dist/app.tar.gz", "artefact");
    let mut kg = sef(
        &env,
        &[
            "keygen",
            "--public-key",
            r.join("key.pub").to_str().unwrap(),
            "--secret-key",
            env.repo("keys").join("key.sec").to_str().unwrap(),
        ],
    );
    kg.env("SEF_KEY_PASSWORD", "pw");
    assert_eq!(run_within(kg, 60).status.code(), Some(0));
    mkfifo(&r.join("dist/SHA256SUMS"));
    mkfifo(&r.join("dist/app.tar.gz.minisig"));
    link_zero(&r.join("baseline.json"));
    // a folder whose .gitignore is a FIFO, another's a link to /dev/zero
    mkfifo(&r.join("a/.gitignore"));
    write(&r, "a/requirements.txt", "flask==2.0.0\n");
    link_zero(&r.join("b/.gitignore"));
    // requirements includes: a FIFO and a sparse 5 GB file
    write(
        &r,
        "requirements.txt",
        "-r fifo.txt\n-r huge.txt\nrequests==2.31.0\n",
    );
    mkfifo(&r.join("fifo.txt"));
    std::fs::File::create(r.join("huge.txt"))
        .unwrap()
        .set_len(5 << 30)
        .unwrap();
    let out = run_within(
        // the baseline links to /dev/zero outside the repository: allowed
        // here, so that the bounded read itself is what refuses it
        sef(
            &env,
            &[
                "assess",
                "-q",
                "--no-store",
                "--allow-outside-repo",
                "-f",
                "json",
                r.to_str().unwrap(),
            ],
        ),
        120,
    );
    // the baseline is unreadable: the secrets evidence fails, the gate fails
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out.stdout);
    let secrets = evidence_of(&report, "secrets");
    assert_eq!(secrets["status"]["state"], "failed", "{secrets}");
    assert!(
        secrets["status"]["reason"]
            .as_str()
            .unwrap()
            .contains("baseline.json"),
        "{secrets}"
    );
    let inventory = evidence_of(&report, "inventory");
    assert_eq!(inventory["status"]["state"], "partial");
    let text = inventory.to_string();
    assert!(text.contains("its .gitignore is a FIFO"), "{text}");
    assert!(
        text.contains("its .gitignore is a character device"),
        "{text}"
    );
    assert!(text.contains("fifo.txt"), "{text}");
    assert!(text.contains("huge.txt"), "{text}");
    // the requirement beside the bad includes is still read
    assert!(text.contains("requests"), "{text}");
    let signatures = evidence_of(&report, "signatures");
    assert_eq!(signatures["status"]["state"], "failed");
    assert!(
        signatures["status"]["reason"]
            .as_str()
            .unwrap()
            .contains("SHA256SUMS: is a FIFO"),
        "{signatures}"
    );
}

#[test]
fn gitleaks_extend_and_password_files_that_are_fifos_are_refused() {
    let env = Env::new();
    let r = env.repo("gl");
    write(
        &r,
        "sef.toml",
        &format!("{PLAN}[analyzers.secrets]\nconfig = \"gitleaks.toml\"\n"),
    );
    write(&r, "gitleaks.toml", "[extend]\npath = \"base.toml\"\n");
    mkfifo(&r.join("base.toml"));
    let out = run_within(sef(&env, &["secrets", "scan", r.to_str().unwrap()]), 60);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("a FIFO"), "{}", stderr(&out));

    let pw = env.repo("pw").join("password");
    mkfifo(&pw);
    let out = run_within(
        sef(
            &env,
            &[
                "keygen",
                "--password-file",
                pw.to_str().unwrap(),
                "--public-key",
                env.repo("k").join("k.pub").to_str().unwrap(),
                "--secret-key",
                env.repo("k").join("k.key").to_str().unwrap(),
            ],
        ),
        60,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("a FIFO"), "{}", stderr(&out));
}

#[test]
fn a_sarif_timeout_ends_the_whole_process_group() {
    let env = Env::new();
    let r = env.repo("sarif-timeout");
    // a marker only this test's sleeps carry
    let marker = format!("{}.{}", 25, std::process::id() % 1000 + 100);
    write(
        &r,
        "sef.toml",
        &format!(
            "{PLAN}[[analyzers.sarif]]\nname = \"slow\"\nfile = \"out.sarif\"\ncommand = [\"sh\", \"-c\", \"sleep {marker} & sleep {marker}\"]\ntimeout_secs = 2\n"
        ),
    );
    let start = Instant::now();
    let out = run_within(
        sef(
            &env,
            &[
                "assess",
                "-q",
                "--no-store",
                "-f",
                "json",
                r.to_str().unwrap(),
            ],
        ),
        60,
    );
    let took = start.elapsed();
    assert!(took < Duration::from_secs(15), "took {took:?}");
    let report = json(&out.stdout);
    assert_eq!(
        evidence_of(&report, "static-analysis")["status"]["state"],
        "failed"
    );
    // no sleep of this test is left
    std::thread::sleep(Duration::from_millis(200));
    let orphans: Vec<String> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| std::fs::read(e.unwrap().path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.starts_with("sleep") && c.contains(&marker))
        .collect();
    assert!(orphans.is_empty(), "left running: {orphans:?}");
}

#[test]
fn an_absurd_package_name_is_cut_and_reported() {
    let env = Env::new();
    let r = env.repo("long-name");
    write(&r, "sef.toml", PLAN);
    let name = "a".repeat(3 * 1024 * 1024);
    write(
        &r,
        "requirements.txt",
        &format!("{name}==1.0\nrequests==2.31.0\n"),
    );
    let out = run_within(
        sef(&env, &["assess", "-q", "-f", "json", r.to_str().unwrap()]),
        120,
    );
    assert!(
        out.stdout.len() < 1024 * 1024,
        "report of {} bytes",
        out.stdout.len()
    );
    let report = json(&out.stdout);
    let notes = report["run"]["notes"].to_string();
    assert!(notes.contains("were cut"), "{notes}");
    let db = std::fs::metadata(env.db()).unwrap().len();
    assert!(db < 8 * 1024 * 1024, "store of {db} bytes");
}

// ---- 2. nothing written or read where it should not be ---------------------

#[test]
fn output_to_a_device_keeps_the_device() {
    let env = Env::new();
    let r = env.repo("dev-out");
    write(&r, "sef.toml", PLAN);
    let dev = env.repo("devs").join("null");
    let st = Command::new("mknod")
        .args([dev.to_str().unwrap(), "c", "1", "3"])
        .status()
        .unwrap();
    assert!(st.success(), "mknod needs root, as CI has");
    let out = run_within(
        sef(
            &env,
            &[
                "assess",
                "-q",
                "--no-store",
                "-o",
                dev.to_str().unwrap(),
                r.to_str().unwrap(),
            ],
        ),
        60,
    );
    assert!(out.status.code().is_some(), "{}", stderr(&out));
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(&dev)
            .unwrap()
            .file_type()
            .is_char_device(),
        "the device became a regular file"
    );
}

#[test]
fn plan_paths_stay_inside_the_repository() {
    let env = Env::new();
    for (key, value) in [
        ("[analyzers.secrets]\nconfig", "/proc/self/environ"),
        ("[analyzers.secrets]\nbaseline", "../outside.json"),
        ("[analyzers.history]\nallowed_signers", "/etc/passwd"),
        ("[analyzers.history]\ngpg_home", "../../.gnupg"),
    ] {
        let r = env.repo(&format!("confine-{}", value.replace(['/', '.'], "_")));
        write(&r, "sef.toml", &format!("{PLAN}{key} = \"{value}\"\n"));
        let out = run_within(
            sef(&env, &["assess", "-q", "--no-store", r.to_str().unwrap()]),
            60,
        );
        assert_eq!(out.status.code(), Some(2), "{value}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("outside the repository"),
            "{value}: {}",
            stderr(&out)
        );
    }
    // a link inside the repository that leads out
    let r = env.repo("confine-link");
    let outside = env.repo("elsewhere");
    write(&outside, "rules.toml", "");
    std::os::unix::fs::symlink(&outside, r.join("cfg")).unwrap();
    write(
        &r,
        "sef.toml",
        &format!("{PLAN}[analyzers.secrets]\nconfig = \"cfg/rules.toml\"\n"),
    );
    let out = run_within(
        sef(&env, &["assess", "-q", "--no-store", r.to_str().unwrap()]),
        60,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    // the user may allow it
    let out = run_within(
        sef(
            &env,
            &[
                "assess",
                "-q",
                "--no-store",
                "--allow-outside-repo",
                r.to_str().unwrap(),
            ],
        ),
        60,
    );
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn keygen_force_replaces_a_link_and_writes_0600() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let d = env.repo("keys");
    let victim = d.join("victim");
    std::fs::write(&victim, "do not touch").unwrap();
    std::os::unix::fs::symlink(&victim, d.join("sef.key")).unwrap();
    let keygen_force = || {
        let mut c = sef(
            &env,
            &[
                "keygen",
                "--force",
                "--public-key",
                d.join("sef.pub").to_str().unwrap(),
                "--secret-key",
                d.join("sef.key").to_str().unwrap(),
            ],
        );
        c.env("SEF_KEY_PASSWORD", "correct horse");
        run_within(c, 60)
    };
    let out = keygen_force();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "do not touch");
    let meta = std::fs::symlink_metadata(d.join("sef.key")).unwrap();
    assert!(meta.is_file());
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    // an old 0644 key does not pass its mode on
    std::fs::set_permissions(d.join("sef.key"), std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(keygen_force().status.code(), Some(0));
    let mode = std::fs::metadata(d.join("sef.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}
