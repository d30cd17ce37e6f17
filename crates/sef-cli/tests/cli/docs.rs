//! The documentation says what sef does: every `sef` command line in the
//! README's and docs/'s shell blocks names a real command with real
//! options (checked against its `--help`), and every line that needs no
//! placeholder, once its optional `[...]` parts are dropped, is run in a
//! scratch repository and must run (exit 0, or 1 for a failed gate or
//! policy; never 2, "could not run"). Docs that still call a landed
//! feature "not built yet" fail too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use common::*;
use std::path::{Path, PathBuf};

fn docs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![root.join("README.md")];
    let mut more: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    more.sort();
    files.extend(more);
    files
}

/// The `sef …` lines of a Markdown file's shell blocks, comments removed.
fn command_lines(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_shell = false;
    for line in md.lines() {
        let t = line.trim();
        if let Some(info) = t.strip_prefix("```") {
            in_shell = !in_shell && matches!(info, "sh" | "bash" | "shell" | "console");
            continue;
        }
        if !in_shell {
            continue;
        }
        let t = t.strip_prefix("$ ").unwrap_or(t);
        if let Some(rest) = t.strip_prefix("sef ") {
            let rest = rest.split("  #").next().unwrap_or(rest);
            out.push(format!("sef {}", rest.trim()));
        }
    }
    out
}

/// The line with every `[...]` group removed (nested groups too).
fn required_only(line: &str) -> String {
    let mut depth = 0usize;
    let mut s = String::new();
    for c in line.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => s.push(c),
            _ => {}
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The subcommand words: the leading lowercase words that are not options,
/// placeholders or files.
fn subcommand(line: &str) -> Vec<String> {
    line.split_whitespace()
        .skip(1)
        .take_while(|w| {
            w.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && !w.starts_with('-')
                && !w.is_empty()
        })
        .take(2)
        .map(str::to_owned)
        .collect()
}

fn help(env: &Env, sub: &[String]) -> String {
    let mut args: Vec<&str> = sub.iter().map(String::as_str).collect();
    args.push("--help");
    let out = env.sef().args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "`sef {}` is not a command: {}",
        args.join(" "),
        stderr(&out)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_documented_command_and_option_exists() {
    let env = Env::new();
    let mut checked = 0;
    for f in docs() {
        let md = std::fs::read_to_string(&f).unwrap();
        for line in command_lines(&md) {
            let mut sub = subcommand(&line);
            // `sef runs show RUN`: "show" is a subcommand, "app" in
            // `sef sign app.tar.gz` is not: ask clap which prefix is real
            while !sub.is_empty() {
                let mut args: Vec<&str> = sub.iter().map(String::as_str).collect();
                args.push("--help");
                if env.sef().args(&args).output().unwrap().status.success() {
                    break;
                }
                sub.pop();
            }
            assert!(
                !sub.is_empty(),
                "{}: `{line}` names no command",
                f.display()
            );
            let h = help(&env, &sub);
            for w in line.split(|c: char| c.is_whitespace() || "[]|".contains(c)) {
                if let Some(flag) = w.strip_prefix("--") {
                    let flag = flag.split('=').next().unwrap_or(flag);
                    assert!(
                        h.contains(&format!("--{flag}")),
                        "{}: `{line}`: `sef {}` has no option --{flag}",
                        f.display(),
                        sub.join(" ")
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} documented commands found");
}

/// Documented commands sef does not run here, and why. Each must still be
/// in the docs, so that this list cannot hide a removed command.
const NOT_RUN: &[(&str, &str)] = &[
    ("sef db update", "downloads from osv.dev"),
    (
        "sef serve --db sef.db --listen 127.0.0.1:8080",
        "a server runs until stopped: tests/cli/serve.rs starts and stops it",
    ),
    (
        "sef serve --listen 0.0.0.0:8080 --tls-cert /etc/sef/cert.pem --tls-key /etc/sef/key.pem",
        "needs a certificate: tests/cli/serve.rs serves TLS with one it makes",
    ),
    (
        "sef policy show",
        "needs SEF_POLICY and SEF_POLICY_KEY exported by the line before: tests/cli/policy.rs runs it with them",
    ),
];

#[test]
fn documented_commands_without_placeholders_run() {
    let mut ran = Vec::new();
    let mut skipped = Vec::new();
    for f in docs() {
        let env = Env::new();
        let repo = env.repo("repo");
        write(&repo, "README.md", "# app\n");
        write(&repo, "app-1.0.tar.gz", "release bytes\n");
        write(&repo, "dist/app-1.0.tar.gz", "release bytes\n");
        write(&repo, "Cargo.lock", "version = 3\n");
        // `sef threat list|check` read a threat model: the golden one
        write(
            &repo,
            "security/threat-model/model.yaml",
            &std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../sef-threat/tests/fixtures/golden/v1/model.yaml"),
            )
            .unwrap(),
        );
        git(&repo, &["init", "-q"]);
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "first"]);
        // `sef db status|verify` read the advisory database: a real one
        let osv = shared_osv_zip("crates.io");
        let out = env
            .sef()
            .args(["db", "import", osv.to_str().unwrap(), "-q"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let md = std::fs::read_to_string(&f).unwrap();
        for line in command_lines(&md) {
            let cmd = required_only(&line);
            // a placeholder (PATH, FILE..., ID) or an alternative (a|b) needs a value
            let placeholder = cmd.split_whitespace().any(|w| {
                w.contains('|')
                    || w.contains("...")
                    || (w.chars().any(|c| c.is_ascii_uppercase())
                        && w.chars()
                            .all(|c| c.is_ascii_uppercase() || c == '.' || c == '-'))
            });
            if placeholder {
                continue;
            }
            if NOT_RUN.iter().any(|(c, _)| *c == cmd) {
                skipped.push(cmd);
                continue;
            }
            let words = shell_words(&cmd);
            let args: Vec<&str> = words.iter().skip(1).map(String::as_str).collect();
            let out = env
                .sef()
                .args(&args)
                .current_dir(&repo)
                .env("SEF_KEY_PASSWORD", "correct horse battery staple")
                .env("SEF_USER_PASSWORD", "correct horse battery staple")
                .output()
                .unwrap();
            let code = out.status.code();
            assert!(
                matches!(code, Some(0 | 1)),
                "{}: `{cmd}` could not run (exit {code:?}): {}",
                f.display(),
                stderr(&out)
            );
            ran.push(cmd);
        }
    }
    for (c, why) in NOT_RUN {
        assert!(
            skipped.iter().any(|s| s == c),
            "`{c}` ({why}) is no longer documented: remove it from NOT_RUN"
        );
    }
    for must in [
        "sef assess",
        "sef keygen",
        "sef sign app-1.0.tar.gz",
        "sef gate",
    ] {
        assert!(
            ran.iter().any(|r| r == must),
            "`{must}` did not run: {ran:?}"
        );
    }
}

#[test]
fn no_doc_calls_a_landed_feature_not_built() {
    for f in docs() {
        let md = std::fs::read_to_string(&f).unwrap();
        for (n, line) in md.lines().enumerate() {
            let l = line.to_lowercase();
            if !l.contains("not built yet") {
                continue;
            }
            // `sef serve` is the one capability still open
            assert!(
                l.contains("sef serve"),
                "{}:{}: says a feature is not built yet: {line}",
                f.display(),
                n + 1
            );
        }
    }
}

/// Splits a documented command line as a shell would for the quoting the
/// docs use: whitespace separates words, single quotes keep theirs.
fn shell_words(cmd: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in cmd.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut cur));
                    started = false;
                }
            }
            c => {
                cur.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(cur);
    }
    words
}
