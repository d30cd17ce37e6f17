//! Tests of the repository-facts analyzer on trees made in temp dirs.

use super::*;
use crate::NoProgress;
use sef_model::evidence::facts::GitState;
use sef_plan::Plan;
use sef_testkit::{git, write};

fn run_on(root: &Path, config: RepoFactsConfig) -> AnalyzerOutput {
    let plan = Plan::defaults_for(root);
    let ctx = AnalysisContext { root, plan: &plan };
    RepoFacts::new(config).run(&ctx, &NoProgress).unwrap()
}

/// The typed payload of an output.
fn facts(out: &AnalyzerOutput) -> &RepoFactsPayload {
    match &out.payload {
        EvidencePayload::RepositoryFacts(p) => p,
        other => panic!("not a repository-facts payload: {other:?}"),
    }
}

fn git_of(out: &AnalyzerOutput) -> &GitState {
    facts(out).git.as_ref().expect("git state")
}

#[test]
fn counts_languages_and_respects_gitignore() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    write(
        r,
        "src/main.rs",
        "fn main() {\n\n    println!(\"hi\");\n}\n",
    );
    write(r, "src/lib.py", "x = 1\n");
    write(r, "build/out.rs", "ignored\n");
    write(r, ".gitignore", "build/\n");
    write(r, "logo.png", "\u{0}\u{1}");
    let out = run_on(r, RepoFactsConfig::default());
    let p = facts(&out);
    assert_eq!(p.languages["Rust"].files, 1);
    assert_eq!(p.languages["Rust"].lines, 4);
    assert_eq!(p.languages["Rust"].code_lines, 3);
    assert_eq!(p.languages["Python"].lines, 1);
    // main.rs, lib.py, .gitignore, logo.png
    assert_eq!(p.files, 4);
    assert!(out.partial.is_none());
    assert!(p.git.is_none());
    assert!(out.notes.iter().any(|n| n.contains("no git history")));

    let all = run_on(
        r,
        RepoFactsConfig {
            include_ignored: true,
            ..Default::default()
        },
    );
    assert_eq!(facts(&all).languages["Rust"].files, 2);
}

#[test]
fn large_files_are_counted_but_not_read() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "big.rs", &"x\n".repeat(100));
    let out = run_on(
        d.path(),
        RepoFactsConfig {
            max_file_bytes: 10,
            ..Default::default()
        },
    );
    assert_eq!(facts(&out).languages["Rust"].files, 1);
    assert_eq!(facts(&out).languages["Rust"].files_too_large, 1);
    assert_eq!(facts(&out).languages["Rust"].lines, 0);
}

#[test]
fn policy_files_found_and_missing_ones_become_findings() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    let out = run_on(r, RepoFactsConfig::default());
    let rules: Vec<_> = out.findings.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(rules.len(), 5, "{rules:?}");

    write(r, ".github/SECURITY.md", "report to x");
    write(r, "LICENSE", "MIT");
    write(r, ".github/CODEOWNERS", "* @team");
    write(r, ".github/workflows/ci.yml", "on: push");
    write(r, "renovate.json", "{}");
    let out = run_on(r, RepoFactsConfig::default());
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    let pf = &facts(&out).policy_files;
    assert_eq!(pf.security_policy.as_deref(), Some(".github/SECURITY.md"));
    assert_eq!(pf.ci.as_deref(), Some(".github/workflows"));
    assert_eq!(pf.dependency_updates.as_deref(), Some("renovate.json"));
}

#[test]
fn fingerprints_are_stable_across_runs() {
    let d = tempfile::tempdir().unwrap();
    let a = run_on(d.path(), RepoFactsConfig::default());
    write(d.path(), "new.rs", "fn x() {}\n");
    let b = run_on(d.path(), RepoFactsConfig::default());
    let fa: Vec<_> = a.findings.iter().map(|f| f.fingerprint.clone()).collect();
    let fb: Vec<_> = b.findings.iter().map(|f| f.fingerprint.clone()).collect();
    assert_eq!(fa, fb);
    assert_ne!(a.input_digest, b.input_digest);
}

#[test]
fn git_head_branch_and_dirty_state() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    git(r, &["init", "-q"]);
    let out = run_on(r, RepoFactsConfig::default());
    assert_eq!(git_of(&out).head_commit, None);
    assert_eq!(git_of(&out).branch.as_deref(), Some("main"));

    write(r, "a.rs", "fn a() {}\n");
    git(r, &["add", "."]);
    git(r, &["commit", "-q", "-m", "first"]);
    let out = run_on(r, RepoFactsConfig::default());
    let g = git_of(&out);
    assert_eq!(g.head_commit.as_deref().unwrap().len(), 40);
    assert!(!g.dirty);
    assert!(g.is_toplevel);

    write(r, "a.rs", "fn a() { changed() }\n");
    let out = run_on(r, RepoFactsConfig::default());
    assert!(git_of(&out).dirty);

    git(r, &["checkout", "-q", "--detach"]);
    let out = run_on(r, RepoFactsConfig::default());
    assert_eq!(git_of(&out).branch, None);

    std::fs::create_dir(r.join("sub")).unwrap();
    let out = run_on(&r.join("sub"), RepoFactsConfig::default());
    assert!(!git_of(&out).is_toplevel);
}

#[test]
fn broken_git_directory_gives_partial_evidence() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    git(r, &["init", "-q"]);
    write(r, "a.rs", "fn a() {}\n");
    git(r, &["add", "."]);
    git(r, &["commit", "-q", "-m", "first"]);
    // The branch ref no longer names an object.
    write(
        r,
        ".git/refs/heads/main",
        "0123456789012345678901234567890123456789\n",
    );
    let out = run_on(r, RepoFactsConfig::default());
    let reason = out.partial.clone().expect("partial");
    assert!(reason.starts_with("git:"), "{reason}");
    assert_eq!(facts(&out).languages["Rust"].files, 1);
}
