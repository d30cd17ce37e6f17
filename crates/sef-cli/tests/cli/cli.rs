//! End-to-end tests of the `sef` binary on repositories made in temp dirs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use predicates::prelude::*;

#[test]
fn every_command_has_help() {
    let env = Env::new();
    for args in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["assess", "--help"],
        vec!["runs", "--help"],
        vec!["runs", "list", "--help"],
        vec!["runs", "show", "--help"],
        vec!["runs", "diff", "--help"],
    ] {
        env.sef()
            .args(&args)
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: sef"));
    }
    env.sef()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("sef "));
}

#[test]
fn wrong_flags_exit_2() {
    let env = Env::new();
    env.sef()
        .args(["assess", "--format", "pdf"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'pdf'"));
    env.sef().arg("frobnicate").assert().code(2);
}

#[test]
fn init_writes_a_plan_that_assess_uses() {
    let env = Env::new();
    let repo = env.repo("payments");
    write(&repo, "app.py", "print(\"hello\")\n");
    env.sef()
        .args(["init", repo.to_str().unwrap(), "--kind", "service"])
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote"));
    let text = std::fs::read_to_string(repo.join("sef.toml")).unwrap();
    assert!(text.contains("name = \"payments\""));
    assert!(text.contains("kind = \"service\""));

    env.sef()
        .args(["init", repo.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    env.sef()
        .args([
            "init",
            repo.to_str().unwrap(),
            "--force",
            "--name",
            "pay-api",
            "--kind",
            "service",
        ])
        .assert()
        .success();

    let out = env
        .sef()
        .args(["assess", repo.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let j = json(&out.stdout);
    assert_eq!(j["run"]["offering"]["name"], "pay-api");
    assert_eq!(j["run"]["offering"]["kind"], "service");
    assert_eq!(j["summary"]["defaults_used"], false);
    assert!(
        j["run"]["plan_digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );

    env.sef()
        .args([
            "init",
            "--name",
            "bad\u{7}name",
            repo.to_str().unwrap(),
            "--force",
        ])
        .assert()
        .code(2);
}

#[test]
fn assess_without_plan_or_git_uses_defaults_and_says_so() {
    let env = Env::new();
    let repo = env.repo("plain-dir");
    write(&repo, "src/main.rs", "fn main() {}\n");
    let out = env
        .sef()
        .args(["assess", repo.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(
        text.contains("sef assessment — plain-dir unversioned (phase: develop)"),
        "{text}"
    );
    assert!(text.contains("defaults were used"), "{text}");
    assert!(text.contains("no git history"), "{text}");
    // analyzers complete, but there is no security plan: honest, not "complete"
    assert!(
        text.contains("Verdict: PASS — develop checkpoint pass; evidence is incomplete (missing: pti, planning-checklist, security-requirements, security-documentation, education)"),
        "{text}"
    );
    assert!(text.contains("Security plan"), "{text}");
    assert!(!text.contains('\u{1b}'), "colour despite NO_COLOR");
    // Progress goes to stderr as plain lines when stderr is not a terminal.
    assert!(stderr(&out).contains("sef: repo-facts: complete"));

    let out = env
        .sef()
        .args(["runs", "list", "--format", "json"])
        .output()
        .unwrap();
    let j = json(&out.stdout);
    assert_eq!(j["schema"], "sef.runs");
    assert_eq!(j["runs"].as_array().unwrap().len(), 1);
    assert_eq!(j["runs"][0]["offering"], "plain-dir");
    assert!(env.db().exists());
}

#[test]
fn git_repository_facts_reach_the_report() {
    let env = Env::new();
    let repo = env.repo("gitrepo");
    git(&repo, &["init", "-q"]);
    write(&repo, "lib.py", "import os\n\nprint(os.name)\n");
    write(&repo, "SECURITY.md", "mail security@example.invalid\n");
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "one"]);
    write(&repo, "more.py", "x = 1\n");
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "two"]);
    let head = git(&repo, &["rev-parse", "HEAD"]);

    let out = env
        .sef()
        .args([
            "assess",
            repo.to_str().unwrap(),
            "--format",
            "json",
            "--quiet",
        ])
        .output()
        .unwrap();
    // Two unreviewed commits: with no PTI the tier-4 code-review KPO
    // (100 %) is missed, and the develop checkpoint fails on it.
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.is_empty(), "--quiet printed: {}", stderr(&out));
    let j = json(&out.stdout);
    let review = j["run"]["gate"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "develop.code-review-kpo")
        .unwrap();
    assert_eq!(review["outcome"], "fail", "{review}");
    assert_eq!(
        evidence_of(&j, "history")["payload"]["review"]["developed"]["not_reviewed"],
        2
    );
    let facts = &j["run"]["evidence"][0]["payload"];
    assert_eq!(facts["git"]["head_commit"], head.as_str());
    assert_eq!(facts["git"]["branch"], "main");
    assert_eq!(facts["git"]["dirty"], false);
    assert_eq!(facts["languages"]["Python"]["files"], 2);
    assert_eq!(facts["languages"]["Python"]["code_lines"], 3);
    assert_eq!(facts["policy_files"]["security_policy"], "SECURITY.md");
    let rules: Vec<&str> = j["run"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"repo/no-security-policy"));
    assert!(rules.contains(&"repo/no-license"));
    assert!(!j["run"]["notes"].to_string().contains("no git history"));
}

#[test]
fn runs_show_and_diff_follow_history() {
    let env = Env::new();
    let repo = env.repo("hist");
    write(&repo, "a.rs", "fn a() {}\n");
    env.sef()
        .args(["assess", repo.to_str().unwrap(), "-q"])
        .assert()
        .success();
    write(&repo, "LICENSE", "Apache-2.0\n");
    write(&repo, "b.rs", "fn b() {}\n");
    env.sef()
        .args(["assess", repo.to_str().unwrap(), "-q"])
        .assert()
        .success();

    let list = json(
        &env.sef()
            .args(["runs", "list", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    );
    let newer = list["runs"][0]["id"].as_str().unwrap().to_owned();
    let older = list["runs"][1]["id"].as_str().unwrap().to_owned();

    let shown = json(
        &env.sef()
            .args(["runs", "show", "latest", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(shown["run"]["id"], newer.as_str());
    // A unique prefix works too (the random tail of a UUIDv7 is unique).
    let by_full = json(
        &env.sef()
            .args(["runs", "show", &older, "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(by_full["run"]["id"], older.as_str());

    let out = env
        .sef()
        .args([
            "runs",
            "diff",
            "previous",
            "latest",
            "--format",
            "json",
            "--repo",
            repo.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let d = json(&out.stdout);
    assert_eq!(d["schema"], "sef.diff");
    let fixed: Vec<&str> = d["diff"]["fixed_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(fixed, ["repo/no-license"]);
    assert_eq!(d["diff"]["new_findings"].as_array().unwrap().len(), 0);
    let fields: Vec<&str> = d["diff"]["evidence_changes"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"payload.files"), "{fields:?}");
    assert!(fields.contains(&"payload.policy_files"), "{fields:?}");

    let text = env
        .sef()
        .args(["runs", "diff", &older, &newer])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Fixed findings (1)"), "{text}");
    assert!(text.contains("- LOW      repo/no-license"), "{text}");

    env.sef()
        .args(["runs", "show", "ffffffff-ffff"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no run matches"));
    env.sef()
        .args(["runs", "show", "ab"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least 4 characters"));
}

#[test]
fn reports_go_to_files_without_colour() {
    let env = Env::new();
    let repo = env.repo("files");
    write(&repo, "index.html", "<script>alert(1)</script>\n");
    write(
        &repo,
        "sef.toml",
        "[offering]\nname = \"<img src=x onerror=alert(1)>\"\n",
    );
    let html = env.dir.path().join("out/report.html");
    std::fs::create_dir_all(html.parent().unwrap()).unwrap();
    let mut cmd = env.sef();
    cmd.env_remove("NO_COLOR");
    cmd.args([
        "assess",
        repo.to_str().unwrap(),
        "--format",
        "html",
        "--output",
        html.to_str().unwrap(),
    ])
    .assert()
    .success()
    .stdout("");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("Content-Security-Policy"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!page.contains("<img"), "unescaped input in HTML");
    assert!(!page.contains("<script"), "script in HTML");
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "external reference in HTML"
    );

    let txt = env.dir.path().join("out/report.txt");
    let mut cmd = env.sef();
    cmd.env_remove("NO_COLOR");
    cmd.args([
        "assess",
        repo.to_str().unwrap(),
        "-o",
        txt.to_str().unwrap(),
    ])
    .assert()
    .success();
    assert!(!std::fs::read_to_string(&txt).unwrap().contains('\u{1b}'));

    let md = env
        .sef()
        .args(["assess", repo.to_str().unwrap(), "--format", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(
        md.starts_with("# sef assessment: &lt;img src=x onerror=alert(1)&gt;"),
        "{md}"
    );
}

#[test]
fn no_store_leaves_no_database() {
    let env = Env::new();
    let repo = env.repo("nostore");
    write(&repo, "app.py", "print(\"hello\")\n");
    env.sef()
        .args(["assess", repo.to_str().unwrap(), "--no-store", "-q"])
        .assert()
        .success();
    assert!(!env.db().exists());
}

#[test]
fn default_store_lives_in_the_data_directory() {
    let env = Env::new();
    let repo = env.repo("defaultdb");
    write(&repo, "app.py", "print(\"hello\")\n");
    let mut cmd = env.sef();
    cmd.env_remove("SEF_DATABASE_URL")
        .env("XDG_DATA_HOME", env.dir.path().join("xdg"));
    cmd.args(["assess", repo.to_str().unwrap(), "-q"])
        .assert()
        .success();
    assert!(env.dir.path().join("xdg/sef/sef.db").exists());
}
