//! Fail closed: one case per way sef used to report "complete, 0 findings"
//! or PASS for something it did not check (issue 15). Each case reproduces
//! the defect on commit 9fb00cf and passes only with the fix.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use std::path::Path;

/// `sef assess REPO --no-store -f json` (no advisory database needed:
/// the plan turns the vulnerabilities analyzer off); exit code and report.
fn assess(env: &Env, repo: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = env
        .sef()
        .args(["assess", "-q", "--no-store", "-f", "json"])
        .args(extra)
        .arg(repo)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), json(&out.stdout))
}

const NO_VULNS: &str = "[offering]\nname = \"app\"\n[analyzers.vulnerabilities]\nenabled = false\n";

/// A valid SARIF log from one tool that ran and found nothing.
const CLEAN_SARIF: &str = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"semgrep"}},"results":[],"invocations":[{"executionSuccessful":true}]}]}"#;

fn sarif_state(report: &serde_json::Value) -> (String, String) {
    let ev = evidence_of(report, "static-analysis");
    (
        ev["status"]["state"].as_str().unwrap().to_owned(),
        ev["status"]["reason"].as_str().unwrap_or("").to_owned(),
    )
}

// ---- SARIF command --------------------------------------------------------

#[test]
fn sarif_command_that_fails_does_not_read_an_old_output() {
    let env = Env::new();
    for (name, command) in [
        ("exits non-zero", r#"["false"]"#),
        ("killed", r#"["sh", "-c", "kill -9 $$"]"#),
        ("writes nothing", r#"["true"]"#),
    ] {
        let r = env.repo(&format!("sarif-{}", name.replace(' ', "-")));
        // the output an earlier, successful run left behind
        write(&r, "out/semgrep.sarif", CLEAN_SARIF);
        write(
            &r,
            "sef.toml",
            &format!(
                "{NO_VULNS}[[analyzers.sarif]]\nname = \"semgrep\"\ncommand = {command}\nfile = \"out/semgrep.sarif\"\n"
            ),
        );
        let (code, report) = assess(&env, &r, &[]);
        let (state, reason) = sarif_state(&report);
        assert_eq!(state, "failed", "{name}: {reason}");
        assert_eq!(code, 1, "{name}: a failed tool never passes");
        assert!(
            r.join("out/semgrep.sarif.previous").is_file(),
            "{name}: the old output was moved aside"
        );
        match name {
            "exits non-zero" => assert!(reason.contains("exit code 1"), "{reason}"),
            "killed" => assert!(reason.contains("killed by a signal"), "{reason}"),
            _ => assert!(reason.contains("does not exist"), "{reason}"),
        }
    }
}

#[test]
fn sarif_exit_codes_the_plan_allows_are_read() {
    let env = Env::new();
    let r = env.repo("bandit");
    write(
        &r,
        "sef.toml",
        &format!(
            "{NO_VULNS}[[analyzers.sarif]]\nname = \"bandit\"\ncommand = [\"sh\", \"-c\", \"cp clean.json out.sarif; exit 1\"]\nfile = \"out.sarif\"\nok_exit_codes = [0, 1]\n"
        ),
    );
    write(&r, "clean.json", CLEAN_SARIF);
    let (_, report) = assess(&env, &r, &[]);
    assert_eq!(sarif_state(&report).0, "complete");
}

#[test]
fn sarif_without_runs_or_with_failed_runs_is_not_no_findings() {
    let env = Env::new();
    for (name, doc) in [
        ("no runs", r#"{"version":"2.1.0","runs":[]}"#.to_owned()),
        (
            "not successful",
            CLEAN_SARIF.replace(
                r#""executionSuccessful":true"#,
                r#""executionSuccessful":false"#,
            ),
        ),
    ] {
        let r = env.repo(&format!("doc-{}", name.replace(' ', "-")));
        write(&r, "sef.toml", NO_VULNS);
        write(&r, "x.sarif", &doc);
        let out = env
            .sef()
            .args(["ingest", "sarif", "-q", "-f", "json", "--repo"])
            .arg(&r)
            .arg(r.join("x.sarif"))
            .output()
            .unwrap();
        let report = json(&out.stdout);
        let (state, reason) = sarif_state(&report);
        assert_eq!(state, "failed", "{name}: {reason}");
        assert_ne!(out.status.code(), Some(0), "{name}");
    }
}

// ---- Unreadable parts of the tree ------------------------------------------

/// Runs `sef assess` as the unprivileged user 65534 (root reads
/// everything, so the test drops privileges itself and fails if it
/// cannot). The binary is copied where that user may run it.
fn assess_unprivileged(env: &Env, repo: &Path) -> serde_json::Value {
    use std::os::unix::fs::PermissionsExt;
    let open = |p: &Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    open(env.dir.path(), 0o755);
    let bin = env.dir.path().join("sef-bin");
    std::fs::copy(assert_cmd::cargo::cargo_bin!("sef"), &bin).unwrap();
    open(&bin, 0o755);
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin)
        .args(["assess", "-q", "--no-store", "-f", "json"])
        .arg(repo)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", "/nonexistent")
        .env("NO_COLOR", "1")
        .output()
        .expect("setpriv (util-linux) must be installed to drop privileges");
    assert!(
        !out.stdout.is_empty(),
        "could not run sef as user 65534 (the test needs root to drop privileges): {}",
        stderr(&out)
    );
    json(&out.stdout)
}

#[test]
fn unreadable_folders_make_secrets_and_inventory_partial() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let r = env.repo("tree");
    write(&r, "sef.toml", NO_VULNS);
    write(&r, "requirements.txt", "flask==3.1.0\n");
    write(&r, "locked/requirements.txt", "django==4.2.0\n");
    write(
        &r,
        "locked/settings.py",
        "AWS_ACCESS_KEY_ID = \"AKIAQYLPMN5HHHFPZAM2\"\n",
    );
    std::fs::set_permissions(r.join("locked"), std::fs::Permissions::from_mode(0o700)).unwrap();
    let report = assess_unprivileged(&env, &r);

    let inv = evidence_of(&report, "inventory");
    assert_eq!(inv["status"]["state"], "partial", "{inv}");
    let reason = inv["status"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("1 problem(s) left files or folders unread"),
        "{reason}"
    );
    assert!(reason.contains("locked"), "{reason}");

    let sec = evidence_of(&report, "secrets");
    assert_eq!(sec["status"]["state"], "partial", "{sec}");
    assert_eq!(sec["payload"]["scanned"]["unreadable_count"], 1, "{sec}");
    assert!(
        sec["status"]["reason"]
            .as_str()
            .unwrap()
            .contains("locked: "),
        "{sec}"
    );
}

// ---- Broken git objects ----------------------------------------------------

/// A repository of four commits (the plan enables the history secrets
/// scan); the id of the blob `f2.txt` and of the second commit.
fn small_history(env: &Env, name: &str) -> (std::path::PathBuf, String, String) {
    let r = env.repo(name);
    git(&r, &["init", "-q"]);
    write(
        &r,
        "sef.toml",
        &format!("{NO_VULNS}[analyzers.secrets]\nhistory = true\n"),
    );
    for i in 1..=4 {
        write(&r, &format!("f{i}.txt"), &format!("version {i}\n"));
        git(&r, &["add", "."]);
        git(&r, &["commit", "-qm", &format!("commit {i}")]);
    }
    let blob = git(&r, &["rev-parse", "HEAD~2:f2.txt"]).trim().to_owned();
    let commit = git(&r, &["rev-parse", "HEAD~2"]).trim().to_owned();
    (r, blob, commit)
}

fn remove_object(repo: &Path, id: &str) {
    std::fs::remove_file(repo.join(".git/objects").join(&id[..2]).join(&id[2..])).unwrap();
}

fn status(report: &serde_json::Value, kind: &str) -> (String, String) {
    let ev = evidence_of(report, kind);
    (
        ev["status"]["state"].as_str().unwrap().to_owned(),
        ev["status"]["reason"].as_str().unwrap_or("").to_owned(),
    )
}

#[test]
fn a_missing_blob_makes_the_history_secrets_scan_partial() {
    let env = Env::new();
    let (r, blob, _) = small_history(&env, "blob");
    remove_object(&r, &blob);
    let (_, report) = assess(&env, &r, &[]);
    let (state, reason) = status(&report, "secrets");
    assert_eq!(state, "partial", "{reason}");
    assert!(reason.contains(&blob), "{reason}");
    let sec = evidence_of(&report, "secrets");
    assert_eq!(sec["payload"]["history"]["unreadable_count"], 1, "{sec}");

    let out = env
        .sef()
        .args(["secrets", "scan", "-q", "--history", "-f", "json"])
        .arg(&r)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "incomplete is not a pass");
    let doc = json(&out.stdout);
    assert_eq!(doc["complete"], false, "{doc}");
}

#[test]
fn a_missing_commit_fails_history_and_secrets_history() {
    let env = Env::new();
    let (r, _, commit) = small_history(&env, "commit");
    remove_object(&r, &commit);
    let (code, report) = assess(&env, &r, &[]);
    assert_eq!(code, 1);
    for kind in ["history", "secrets"] {
        let (state, reason) = status(&report, kind);
        assert_eq!(state, "failed", "{kind}: {reason}");
        assert!(reason.contains(&commit), "{kind}: {reason}");
    }
}

#[test]
fn broken_references_are_never_zero_commits() {
    let env = Env::new();
    // a side branch pointing at a missing object, a reference file that
    // is not a reference: the secrets history scan says so
    let (r, _, _) = small_history(&env, "refs");
    write(
        &r,
        ".git/refs/heads/dangling",
        "1234567890123456789012345678901234567890\n",
    );
    write(&r, ".git/refs/heads/garbage", "not a reference\n");
    let (_, report) = assess(&env, &r, &[]);
    let (state, reason) = status(&report, "secrets");
    assert_eq!(state, "partial", "{reason}");
    assert!(reason.contains("2 object(s) or reference(s)"), "{reason}");
    assert_eq!(
        status(&report, "history").0,
        "complete",
        "HEAD's history is whole"
    );

    // HEAD itself unreadable: failed, not "0 commits"
    write(&r, ".git/refs/heads/main", "not a reference\n");
    let (code, report) = assess(&env, &r, &[]);
    assert_eq!(code, 1);
    for kind in ["history", "secrets"] {
        let (state, reason) = status(&report, kind);
        assert_eq!(state, "failed", "{kind}: {reason}");
    }
}

// ---- Advisory database integrity -------------------------------------------

const MDBOOK_LOCK: &str = "version = 3\n\n[[package]]\nname = \"mdbook\"\nversion = \"0.4.4\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";

/// `sef db import PATHS` into `advdb`; exit code and the JSON report.
fn db_import(env: &Env, advdb: &Path, paths: &[&Path]) -> (i32, serde_json::Value) {
    let out = env
        .sef()
        .args(["db", "import", "-q", "-f", "json", "--advisory-db"])
        .arg(advdb)
        .args(paths)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let doc = if code == 0 {
        json(&out.stdout)
    } else {
        serde_json::json!({ "stderr": stderr(&out) })
    };
    (code, doc)
}

fn current_generation(advdb: &Path) -> std::path::PathBuf {
    let name = std::fs::read_to_string(advdb.join("current")).unwrap();
    advdb.join(name.trim())
}

fn generations(advdb: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(advdb)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gen-"))
        .collect();
    v.sort();
    v
}

#[test]
fn a_replaced_or_truncated_index_fails_the_vulnerabilities_evidence() {
    let env = Env::new();
    let advdb = env.dir.path().join("advdb");
    let zip = shared_osv_zip("crates.io");
    assert_eq!(db_import(&env, &advdb, &[&zip]).0, 0);
    let r = env.repo("app");
    write(&r, "sef.toml", "[offering]\nname = \"app\"\n");
    write(&r, "Cargo.lock", MDBOOK_LOCK);
    let index = current_generation(&advdb)
        .join("index")
        .join("crates.io.json");
    let original = std::fs::read(&index).unwrap();
    for (name, text) in [
        ("emptied", b"{}".to_vec()),
        ("truncated", original[..original.len() / 2].to_vec()),
        (
            "one package removed",
            String::from_utf8(original.clone())
                .unwrap()
                .replacen("\"mdbook\":", "\"mdbook-gone\":", 1)
                .into_bytes(),
        ),
    ] {
        std::fs::write(&index, &text).unwrap();
        let (code, report) = assess(&env, &r, &["--advisory-db", advdb.to_str().unwrap()]);
        let (state, reason) = status(&report, "known-vulnerabilities");
        assert_eq!(state, "failed", "{name}: {reason}");
        assert!(reason.contains("crates.io.json"), "{name}: {reason}");
        assert_eq!(code, 1, "{name}");
    }
    std::fs::write(&index, &original).unwrap();
    let (_, report) = assess(&env, &r, &["--advisory-db", advdb.to_str().unwrap()]);
    assert_ne!(status(&report, "known-vulnerabilities").0, "failed");
}

#[test]
fn db_verify_reads_every_record() {
    let env = Env::new();
    let advdb = env.dir.path().join("advdb");
    assert_eq!(
        db_import(&env, &advdb, &[&shared_osv_zip("crates.io")]).0,
        0
    );
    let verify = |env: &Env| {
        let out = env
            .sef()
            .args(["db", "verify", "-f", "json", "--advisory-db"])
            .arg(&advdb)
            .output()
            .unwrap();
        (out.status.code(), json(&out.stdout))
    };
    let (code, doc) = verify(&env);
    assert_eq!(code, Some(0), "{doc}");
    assert_eq!(doc["ecosystems"]["crates.io"]["verified"], 1206, "{doc}");

    // one record damaged in place (same length, so the index still fits)
    let records = current_generation(&advdb).join("records.jsonl");
    let mut bytes = std::fs::read(&records).unwrap();
    let at = bytes.len() / 2;
    bytes[at..at + 8].copy_from_slice(b"\x00\x00\x00\x00\x00\x00\x00\x00");
    std::fs::write(&records, &bytes).unwrap();
    let (code, doc) = verify(&env);
    assert_eq!(code, Some(1), "{doc}");
    assert!(doc["problem_count"].as_u64().unwrap() >= 1, "{doc}");
}

#[test]
fn records_missing_schema_keys_are_counted_at_import() {
    let env = Env::new();
    let src = env.repo("osv");
    write(
        &src,
        "A.json",
        r#"{"id":"TEST-1","affected":[{"package":{"ecosystem":"crates.io","name":"a"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}"#,
    );
    write(
        &src,
        "B.json",
        r#"{"id":"TEST-2","modified":"2026-11-30T00:00:00Z","affected":[{"package":{"ecosystem":"crates.io","name":"b"}}]}"#,
    );
    write(&src, "C.json", r#"{"modified":"2026-11-30T00:00:00Z"}"#);
    let (code, doc) = db_import(&env, &env.dir.path().join("advdb"), &[&src]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["imported"]["crates.io"], 2, "{doc}");
    assert_eq!(doc["missing_keys"]["modified"], 1, "{doc}");
    assert_eq!(
        doc["missing_keys"]["affected[].ranges or versions"], 1,
        "{doc}"
    );
    // a record without an id cannot be imported: it is listed, not lost
    assert_eq!(doc["skipped"].as_array().unwrap().len(), 1, "{doc}");
}

#[test]
fn concurrent_imports_keep_both_and_a_failed_one_leaves_nothing() {
    let env = Env::new();
    let advdb = env.dir.path().join("advdb");
    for round in 0..3 {
        let spawn = |eco: &str| {
            env.sef_std()
                .args(["db", "import", "-q", "--advisory-db"])
                .arg(&advdb)
                .arg(shared_osv_zip(eco))
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        };
        let mut a = spawn("crates.io");
        let mut b = spawn("PyPI");
        assert!(a.wait().unwrap().success());
        assert!(b.wait().unwrap().success());
        let out = env
            .sef()
            .args(["db", "status", "-f", "json", "--advisory-db"])
            .arg(&advdb)
            .output()
            .unwrap();
        let doc = json(&out.stdout);
        assert_eq!(
            doc["ecosystems"]["crates.io"]["count"], 1206,
            "round {round}: {doc}"
        );
        assert_eq!(
            doc["ecosystems"]["PyPI"]["count"], 2661,
            "round {round}: {doc}"
        );
        assert_eq!(generations(&advdb).len(), 1, "round {round}");
    }
    // an import that fails half-way (the current generation's records
    // cannot be carried forward) leaves no generation behind
    let before = generations(&advdb);
    let records = current_generation(&advdb).join("records.jsonl");
    std::fs::remove_file(&records).unwrap();
    std::fs::create_dir(&records).unwrap();
    let (code, doc) = db_import(&env, &advdb, &[&shared_osv_zip("Go")]);
    assert_ne!(code, 0, "{doc}");
    assert_eq!(generations(&advdb), before);
}

#[test]
fn advisory_freshness_comes_from_the_records() {
    let env = Env::new();
    let r = env.repo("app");
    write(&r, "sef.toml", "[offering]\nname = \"app\"\n");
    write(&r, "Cargo.lock", MDBOOK_LOCK);
    for (name, modified, expect) in [
        ("old", "2020-01-02T00:00:00Z", "modified on 2020-01-02"),
        (
            "placeholder",
            "0001-01-01T00:00:00Z",
            "age of the crates.io advisories is unknown",
        ),
    ] {
        let src = env.repo(&format!("osv-{name}"));
        write(
            &src,
            "A.json",
            &format!(
                r#"{{"id":"TEST-1","modified":"{modified}","affected":[{{"package":{{"ecosystem":"crates.io","name":"other"}},"versions":["1.0.0"]}}]}}"#
            ),
        );
        let advdb = env.dir.path().join(format!("advdb-{name}"));
        assert_eq!(db_import(&env, &advdb, &[&src]).0, 0);
        let (_, report) = assess(&env, &r, &["--advisory-db", advdb.to_str().unwrap()]);
        let (state, reason) = status(&report, "known-vulnerabilities");
        assert_eq!(state, "partial", "{name}: {reason}");
        assert!(reason.contains(expect), "{name}: {reason}");
    }
}

// ---- Truncated lockfiles -----------------------------------------------------

#[test]
fn truncated_lockfiles_make_the_inventory_partial() {
    let env = Env::new();
    for (file, text, line, says) in [
        (
            "mix.lock",
            "%{\n  \"jason\": {:hex, :jason, \"1.4.1\", \"af15\", [:mix], [], \"hexpm\", \"fbb0\"},\n  \"plug\": {:hex, :plug, \"1.1",
            3,
            "cut off",
        ),
        (
            "pnpm-lock.yaml",
            "lockfileVersion: '6.0'\n\npackages: 5\n",
            3,
            "`packages:` is not a mapping",
        ),
        (
            "go.mod",
            "module example.com/x\n\ngo 1.21\n\nrequire (\n\tgithub.com/pkg/errors v0.9.1\n",
            5,
            "never closed",
        ),
    ] {
        let r = env.repo(&format!("lock-{file}"));
        write(&r, "sef.toml", NO_VULNS);
        write(&r, file, text);
        let (_, report) = assess(&env, &r, &[]);
        let ev = evidence_of(&report, "inventory");
        assert_eq!(ev["status"]["state"], "partial", "{file}: {ev}");
        let d = ev["payload"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["level"] == "error" && d["message"].as_str().unwrap().contains(says))
            .unwrap_or_else(|| panic!("{file}: no diagnostic saying {says}: {ev}"));
        assert_eq!(d["file"], file);
        assert_eq!(d["line"], line, "{file}: {d}");
    }
}

// ---- Release artefacts -------------------------------------------------------

#[test]
fn artefacts_that_cannot_be_checked_are_reported_as_such() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let r = env.repo("release");
    write(
        &r,
        "sef.toml",
        &format!(
            "{NO_VULNS}[release_artifacts]\nfiles = [\"dist/*\"]\npublic_keys = [\"release.pub\"]\n"
        ),
    );
    let out = env
        .sef()
        .current_dir(&r)
        .env("SEF_KEY_PASSWORD", "correct horse battery staple")
        .args([
            "keygen",
            "--public-key",
            "release.pub",
            "--secret-key",
            "../release.key",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    write(&r, "outside.bin", "not in dist\n");
    std::fs::create_dir_all(r.join("dist")).unwrap();
    std::os::unix::fs::symlink("../outside.bin", r.join("dist/link.bin")).unwrap();
    // a sparse file past the 16 GiB cap: no disk used
    std::fs::File::create(r.join("dist/huge.iso"))
        .unwrap()
        .set_len(16 * 1024 * 1024 * 1024 + 1)
        .unwrap();
    write(&r, "dist/secret.tar.gz", "only root may read this\n");
    std::fs::set_permissions(
        r.join("dist/secret.tar.gz"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    let report = assess_unprivileged(&env, &r);
    let ev = evidence_of(&report, "signatures");
    assert_eq!(ev["status"]["state"], "partial", "{ev}");
    let state = |file: &str| {
        ev["payload"]["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["file"] == file)
            .unwrap_or_else(|| panic!("{file} is not listed: {ev}"))["signature"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(state("dist/link.bin"), "symlink");
    assert_eq!(state("dist/huge.iso"), "too-large");
    assert_eq!(state("dist/secret.tar.gz"), "unreadable");
    let reason = ev["status"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("3 artefact(s) could not be checked"),
        "{reason}"
    );
}

// ---- Nothing assessed --------------------------------------------------------

#[test]
fn nothing_assessed_does_not_pass() {
    let env = Env::new();
    let empty = env.repo("empty");
    let docs = env.repo("docs-only");
    write(&docs, "README.md", "# notes\n");
    write(&docs, "config.yaml", "a: 1\n");
    for r in [&empty, &docs] {
        let out = env
            .sef()
            .args(["assess", "-q", "--no-store"])
            .arg(r)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", r.display());
        assert!(
            stderr(&out).contains("nothing was assessed"),
            "{}",
            stderr(&out)
        );
    }
    // one source file is something to assess
    write(&docs, "tool.py", "print('hi')\n");
    let (_, report) = assess(&env, &docs, &[]);
    let c = report["run"]["gate"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "evidence.something-assessed")
        .unwrap()
        .clone();
    assert_eq!(c["outcome"], "pass", "{c}");
}

// ---- Not-measured criteria -----------------------------------------------------

#[test]
fn not_measured_criteria_say_what_they_mean_and_penetration_testing_fails() {
    let env = Env::new();
    let r = env.repo("svc");
    write(&r, "app.py", "print('service')\n");
    // a high-tier offering at the qualify exit, everything else disabled
    write(
        &r,
        "sef.toml",
        &format!(
            "{NO_VULNS}[release]\nversion = \"1.0\"\nphase = \"qualify\"\n[checkpoints]\ndisabled = [\"qualify.security-tests-kpo\", \"qualify.components-tested\", \"qualify.packages-signed\", \"qualify.security-documentation-complete\"]\n"
        ),
    );
    let out = env.sef().args(["gate", "-q"]).arg(&r).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("[FAIL] qualify.penetration-test"), "{text}");
    assert!(text.contains("if not measured: fail"), "{text}");
    // the renamed criterion was disabled by its old id
    assert!(!text.contains("requirements-verified-kpo"), "{text}");

    // the develop exit: code review not measured only warns, and says why
    write(
        &r,
        "sef.toml",
        &format!("{NO_VULNS}[checkpoints]\ndisabled = [\"develop.scans-current\"]\n"),
    );
    let out = env
        .sef()
        .args(["gate", "-q", "-f", "json"])
        .arg(&r)
        .output()
        .unwrap();
    let doc = json(&out.stdout);
    let c = doc["gate"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "develop.code-review-kpo")
        .unwrap()
        .clone();
    assert_eq!(c["outcome"], "not-measured", "{c}");
    assert!(
        c["if_not_measured"].as_str().unwrap().starts_with("warn: "),
        "{c}"
    );
}

// ---- Unknown is not zero -----------------------------------------------------

fn kpi_of(report: &serde_json::Value, id: &str) -> serde_json::Value {
    report["run"]["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kpi_id"] == id)
        .unwrap_or_else(|| panic!("no {id}"))
        .clone()
}

#[test]
fn commits_of_unknown_review_are_not_counted_as_unreviewed() {
    let env = Env::new();
    let r = env.repo("prs");
    git(&r, &["init", "-q"]);
    write(&r, "sef.toml", NO_VULNS);
    // as in Flask 3.1.3 without forge data: half the commits came through
    // pull requests (their review is unknown), half were pushed directly
    for i in 1..=8 {
        write(&r, &format!("src/m{i}.py"), &format!("X = {i}\n"));
        git(&r, &["add", "."]);
        let subject = if i % 2 == 0 {
            format!("Change {i} (#{})", 100 + i)
        } else {
            format!("Change {i}")
        };
        git(&r, &["commit", "-qm", &subject]);
    }
    let (_, report) = assess(&env, &r, &[]);
    let k = kpi_of(&report, "integrity.developed-code-review");
    assert_eq!(k["measurement"]["state"], "not-measured", "{k}");
    let reason = k["measurement"]["reason"].as_str().unwrap();
    assert!(reason.contains("4 of 8"), "{reason}");
    assert!(reason.contains("[analyzers.history.forge]"), "{reason}");

    // a plan that accepts half unknown gets the value over the known commits
    write(
        &r,
        "sef.toml",
        &format!("{NO_VULNS}[checkpoints]\nmax_unknown_percent = 50\n"),
    );
    let (_, report) = assess(&env, &r, &[]);
    let k = kpi_of(&report, "integrity.developed-code-review");
    assert_eq!(k["measurement"]["value"], 0.0, "{k}");
    assert!(
        k["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("unknown, not counted")
            || k.to_string().contains("unknown, not counted"),
        "{k}"
    );
}

// ---- Content, not existence --------------------------------------------------

#[test]
fn a_practice_counts_only_when_its_evidence_shows_it_was_followed() {
    let env = Env::new();
    let r = env.repo("hygiene");
    write(&r, "sef.toml", NO_VULNS);
    write(&r, "app.py", "print('app')\n");
    write(&r, ".github/workflows/ci.yml", "on: push\n");
    let (_, report) = assess(&env, &r, &[]);
    // the repository facts are complete, yet show no security policy and
    // no code owners: repository hygiene was not followed
    assert_eq!(status(&report, "repository-facts").0, "complete");
    let k = kpi_of(&report, "quality.secure-engineering-practices");
    let d = k["detail"].as_str().unwrap_or_default().to_owned() + &k.to_string();
    assert!(
        d.contains("repository-facts (missing: security policy, code owners)"),
        "{k}"
    );
    write(
        &r,
        "SECURITY.md",
        "# Reporting\n\nMail psirt@example.com.\n",
    );
    write(&r, ".github/CODEOWNERS", "* @team\n");
    let (_, report) = assess(&env, &r, &[]);
    let k = kpi_of(&report, "quality.secure-engineering-practices");
    assert!(!k.to_string().contains("repository-facts (missing"), "{k}");
}
