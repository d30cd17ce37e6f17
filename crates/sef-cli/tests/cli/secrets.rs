//! End to end: `sef secrets scan` and the `secrets` evidence of `sef
//! assess`: redaction everywhere (output, report, store), stable
//! fingerprints, inline `sef:allow`, the baseline, the history scan (a
//! secret deleted from the tree is still found, with the commit that
//! introduced it), gitleaks configurations, and hostile inputs (binary
//! files, a 10 MB one-line file, invalid UTF-8, a symlink loop).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use std::path::Path;

// Made-up credentials in the services' formats.
const PAT: &str = "ghp_Q8vL2kZ9xT4pW7mR3nB6cD1fG5hJ0sA2eY7u";
const AWS: &str = "AKIAQ7LZ2VKX9TP4MR8W";
const SLACK: &str = "xoxb-1234567890-9876543210-Zq7Lp2Wk9Tn4Vb1Xr8Cm3Hd6";

fn scan(env: &Env, dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = env
        .sef()
        .current_dir(dir)
        .args(["secrets", "scan"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr(&out),
    )
}

fn no_secret_in(text: &str) {
    for s in [PAT, AWS, SLACK] {
        assert!(!text.contains(s), "a secret leaked: {text}");
        assert!(!text.contains(&s[4..]), "a secret leaked: {text}");
    }
}

fn repo(env: &Env) -> std::path::PathBuf {
    let r = env.repo("app");
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"app\"\n[analyzers.vulnerabilities]\nenabled = false\n",
    );
    write(
        &r,
        "src/config.py",
        &format!("GITHUB_TOKEN = \"{PAT}\"\nregion = \"eu\"\n"),
    );
    write(&r, "src/aws.tf", &format!("access_key = \"{AWS}\"\n"));
    write(
        &r,
        "tests/fixture.py",
        &format!("SLACK = \"{SLACK}\"  # sef:allow made-up token for the parser tests\n"),
    );
    write(&r, ".gitignore", "ignored.txt\n");
    write(&r, "ignored.txt", &format!("{PAT}\n"));
    let mut bin = vec![0u8, 1, 2, 3];
    bin.extend_from_slice(PAT.as_bytes());
    std::fs::write(r.join("logo.png"), bin).unwrap();
    r
}

#[test]
fn scan_is_redacted_stable_and_honours_allow_and_gitignore() {
    let env = Env::new();
    let r = repo(&env);
    let (code, out, err) = scan(&env, &r, &["--format", "json"]);
    assert_eq!(code, 1, "{err}");
    no_secret_in(&out);
    no_secret_in(&err);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules: Vec<&str> = j["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["aws-access-key-id", "github-pat"], "{j}");
    let pat = j["secrets"][1].clone();
    assert_eq!(pat["path"], "src/config.py");
    assert_eq!(pat["line"], 1);
    assert_eq!(pat["secret"]["prefix"], "ghp_…");
    assert_eq!(pat["secret"]["length"], 40);
    assert_eq!(
        j["allowed_inline"][0]["allowed"],
        "made-up token for the parser tests"
    );
    assert_eq!(j["scanned"]["binary"], 1);
    // Stable fingerprints, also when lines move.
    write(
        &r,
        "src/config.py",
        &format!("# moved\n\nGITHUB_TOKEN = \"{PAT}\"\n"),
    );
    let (_, out2, _) = scan(&env, &r, &["--format", "json"]);
    let j2: serde_json::Value = serde_json::from_str(&out2).unwrap();
    assert_eq!(j2["secrets"][1]["fingerprint"], pat["fingerprint"]);
    assert_eq!(j2["secrets"][1]["line"], 3);
    // The text report is redacted too.
    let (_, text, _) = scan(&env, &r, &[]);
    no_secret_in(&text);
    assert!(text.contains("src/config.py:3:"), "{text}");
}

#[test]
fn the_baseline_holds_triaged_findings() {
    let env = Env::new();
    let r = repo(&env);
    let (code, _, err) = scan(
        &env,
        &r,
        &[
            "--write-baseline",
            ".sef-secrets-baseline.json",
            "--reason",
            "rotated; test account",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let b = std::fs::read_to_string(r.join(".sef-secrets-baseline.json")).unwrap();
    no_secret_in(&b);
    assert!(b.contains("rotated; test account"));
    let (code, out, _) = scan(&env, &r, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 in the baseline"), "{out}");
    // A new secret is still reported.
    write(&r, "src/new.env", "API_TOKEN=Vq7kL2xZ9pT4mR8wB3nC6dF1\n");
    let (code, out, _) = scan(&env, &r, &[]);
    assert_eq!(code, 1, "{out}");
    // A corrupt baseline is a clear error naming the file.
    write(&r, ".sef-secrets-baseline.json", "{ nope");
    let (code, _, err) = scan(&env, &r, &[]);
    assert_eq!(code, 2);
    assert!(err.contains(".sef-secrets-baseline.json"), "{err}");
}

#[test]
fn history_finds_deleted_secrets_with_their_commit() {
    let env = Env::new();
    let r = repo(&env);
    git(&r, &["init", "-q"]);
    write(&r, "deploy.sh", &format!("export SLACK_BOT={SLACK}\n"));
    git(&r, &["add", "-A"]);
    git(&r, &["commit", "-q", "-m", "add deploy"]);
    let introduced = git(&r, &["rev-parse", "HEAD"]);
    std::fs::remove_file(r.join("deploy.sh")).unwrap();
    git(&r, &["add", "-A"]);
    git(&r, &["commit", "-q", "-m", "remove the token"]);
    let (_, out, _) = scan(&env, &r, &["--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        !j["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["path"] == "deploy.sh")
    );
    let (code, out, err) = scan(&env, &r, &["--history", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    no_secret_in(&out);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    let d = j["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"] == "deploy.sh")
        .unwrap_or_else(|| panic!("{j}"));
    assert_eq!(d["introduced"]["commit"], introduced.as_str());
    assert_eq!(
        d["introduced"]["author"],
        "sef-test <sef-test@example.invalid>"
    );
    assert_eq!(d["in_tree"], false);
    // Secrets still in the tree carry their introduction too.
    let pat = j["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["rule"] == "github-pat")
        .unwrap();
    assert_eq!(pat["in_tree"], true);
    assert_eq!(pat["introduced"]["commit"], introduced.as_str());
    assert!(j["history"]["blobs"].as_u64().unwrap() >= 4);
}

#[test]
fn assess_reports_secrets_and_the_store_never_holds_one() {
    let env = Env::new();
    let r = repo(&env);
    let out = env
        .sef()
        .current_dir(&r)
        .args(["assess", "--format", "json"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    no_secret_in(&text);
    let j = json(&out.stdout);
    let ev = evidence_of(&j, "secrets");
    assert_eq!(ev["payload"]["found"], 2, "{ev}");
    let findings = j["run"]["findings"].as_array().unwrap();
    let f = findings
        .iter()
        .find(|f| f["rule_id"] == "secret/github-pat")
        .unwrap();
    assert_eq!(f["severity"], "high");
    assert_eq!(f["cwe"][0], 798);
    // Every format, and the store's bytes.
    for fmt in ["markdown", "html", "sarif", "text"] {
        let out = env
            .sef()
            .current_dir(&r)
            .args(["assess", "--no-store", "--format", fmt])
            .output()
            .unwrap();
        no_secret_in(&String::from_utf8_lossy(&out.stdout));
    }
    let mut store = Vec::new();
    for entry in std::fs::read_dir(env.db().parent().unwrap()).unwrap() {
        store.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(!store.is_empty());
    no_secret_in(&String::from_utf8_lossy(&store));
}

#[test]
fn gitleaks_configurations_with_bad_rules_still_scan() {
    let env = Env::new();
    let r = repo(&env);
    write(
        &r,
        "gitleaks.toml",
        "[extend]\nuseDefault = true\n\n[[rules]]\nid = \"broken\"\nregex = '''(x'''\nkeywords = [\"x\"]\n\n[[rules]]\nid = \"acme\"\nregex = '''acme_[a-z0-9]{20}'''\nkeywords = [\"acme_\"]\n",
    );
    write(&r, "src/acme.txt", "key = acme_q8lk2vz9xt4pw7mr3nb6\n");
    let (code, out, err) = scan(&env, &r, &["--config", "gitleaks.toml"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("line 6: "), "{out}");
    assert!(out.contains("acme"), "{out}");
    assert!(out.contains("github-pat"), "{out}");
    let out = env
        .sef()
        .args(["secrets", "rules", "--config"])
        .arg(r.join("gitleaks.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("rule broken"), "{text}");
}

#[test]
fn the_built_in_rules_list_is_valid_json_with_every_example_redacted() {
    // each rule's positive example is a secret by design; redacting the
    // whole JSON text once cut strings in half (a netrc example swallowed
    // its closing quote) and left invalid JSON
    let env = Env::new();
    let out = env
        .sef()
        .args(["secrets", "rules", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = json(&out.stdout);
    let rules = doc["rules"].as_array().unwrap();
    assert!(rules.len() >= 150);
    let redacted = rules
        .iter()
        .filter(|r| r["positive"].as_str().unwrap().contains("[REDACTED]"))
        .count();
    assert!(
        redacted * 10 >= rules.len() * 9,
        "{redacted} of {}",
        rules.len()
    );
    // the examples the catalog ships are still found by the scanner, so
    // none of them is printed whole
    for r in rules {
        let p = r["positive"].as_str().unwrap();
        assert!(
            sef_secrets::builtin_redactor().redact(p).is_none(),
            "{}: {p}",
            r["id"]
        );
    }
}

#[test]
fn hostile_files_neither_crash_nor_hang() {
    let env = Env::new();
    let r = env.repo("hostile");
    write(&r, "sef.toml", "[offering]\nname = \"h\"\n");
    // 10 MB of minified JavaScript on one line, a token in the middle.
    let mut js = "var a=1;".repeat(650_000);
    js.insert_str(5_000_000, &format!("var t=\"{PAT}\";"));
    write(&r, "dist/app.min.js", &js);
    // Invalid UTF-8 around a token.
    let mut bad = vec![0xff, 0xfe, b'\n'];
    bad.extend_from_slice(format!("key = \"{AWS}\"\n").as_bytes());
    bad.extend_from_slice(&[0xc3, 0x28, b'\n']);
    std::fs::write(r.join("latin.txt"), bad).unwrap();
    // A symlink loop.
    #[cfg(unix)]
    std::os::unix::fs::symlink(&r, r.join("loop")).unwrap();
    // Keyword-dense text: the prefilter's windows stay bounded.
    write(
        &r,
        "dense.txt",
        &"password token secret key ".repeat(200_000),
    );
    let t = std::time::Instant::now();
    let (code, out, err) = scan(&env, &r, &["--format", "json"]);
    assert!(
        t.elapsed() < std::time::Duration::from_secs(60),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(code, 1, "{err}");
    no_secret_in(&out);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    let paths: Vec<&str> = j["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"dist/app.min.js"), "{paths:?}");
    assert!(paths.contains(&"latin.txt"), "{paths:?}");
    // The size cap skips and counts.
    let (_, out, _) = scan(
        &env,
        &r,
        &["--format", "json", "--max-file-size", "1000000"],
    );
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        j["scanned"]["too_large"].as_u64().unwrap() >= 2,
        "{}",
        j["scanned"]
    );
}
