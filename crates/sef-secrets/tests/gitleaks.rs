//! The upstream gitleaks default configuration loads (all 222 rules, the
//! constructs sef does not support reported), gitleaks-format allowlists
//! behave as gitleaks documents them, and hostile configurations fail per
//! rule, not per file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sef_secrets::gitleaks;
use std::path::PathBuf;

fn upstream() -> PathBuf {
    sef_testkit::shared("data/secrets/gitleaks.toml")
}

#[test]
fn the_upstream_default_loads_every_rule() {
    let p = upstream();
    let l = gitleaks::load(&p, None).unwrap();
    assert_eq!(l.config_rules, 222);
    assert!(l.set.problems.is_empty(), "{:?}", l.set.problems);
    // Every rule compiles with the regex crate.
    assert_eq!(l.set.rules.len(), 222, "{:?}", l.set.problems);
    assert!(
        l.set
            .rules
            .iter()
            .any(|r| r.id == "pkcs12-file" && r.regex.is_none())
    );
    assert!(!l.set.global.is_empty());
    // The upstream rules find real-shaped tokens and the global allowlist
    // drops placeholders.
    let text = b"const t = \"ghp_Zq7Lp2Wk9Tn4Vb1Xr8Cm3Hd6Jf0Gs5Ay1B2C\";\n";
    let hits = l.set.scan("src/a.js", text, None);
    assert!(hits.iter().any(|h| h.rule == "github-pat"), "{hits:?}");
    // Path allowlist: lockfiles are skipped.
    assert!(l.set.scan("package-lock.json", text, None).is_empty());
    // Path-only rule.
    let hits = l.set.scan("certs/server.p12", b"\x00binary", None);
    assert!(hits.iter().any(|h| h.rule == "pkcs12-file"));
}

#[test]
fn allowlists_extend_and_bad_regexes() {
    let cfg = r#"
title = "team"
[extend]
useDefault = true
disabledRules = ["generic-password"]

[allowlist]
description = "global"
stopwords = ["example"]
paths = ['''^fixtures/''']

[[rules]]
id = "acme-token"
description = "ACME token"
regex = '''acme_([a-z0-9]{20})'''
secretGroup = 1
keywords = ["acme_"]
  [[rules.allowlists]]
  regexTarget = "line"
  regexes = ['''#\s*test-only''']

[[rules]]
id = "broken"
regex = '''(unclosed'''
keywords = ["x"]

[[rules]]
id = "composite"
regex = '''zz([0-9]{8})'''
keywords = ["zz"]
  [[rules.required]]
  id = "acme-token"

[[rules]]
id = "and-rule"
regex = '''qq([0-9]{8})'''
keywords = ["qq"]
  [[rules.allowlists]]
  condition = "AND"
  regexes = ['''^1''']
  paths = ['''\.md$''']
"#;
    let l = gitleaks::parse(cfg, "team.toml", None).unwrap();
    assert_eq!(l.config_rules, 4);
    // The broken rule is reported with its line; the others run.
    let broken = l
        .set
        .problems
        .iter()
        .find(|p| p.rule.as_deref() == Some("broken"))
        .unwrap();
    assert_eq!(broken.line, Some(24), "{broken:?}");
    assert!(
        l.set
            .problems
            .iter()
            .any(|p| p.message.contains("composite rules"))
    );
    assert!(
        l.set.rules.iter().any(|r| r.id == "aws-access-key-id"),
        "useDefault adds the built-in rules"
    );
    assert!(
        !l.set.rules.iter().any(|r| r.id == "generic-password"),
        "disabledRules"
    );
    let scan = |path: &str, text: &str| -> Vec<String> {
        l.set
            .scan(path, text.as_bytes(), None)
            .into_iter()
            .map(|h| h.rule)
            .collect()
    };
    assert_eq!(
        scan("a.py", "k = acme_q8lk2vz9xt4pw7mr3nb6"),
        ["acme-token"]
    );
    assert!(scan("a.py", "k = acme_q8lk2vz9xt4pw7mr3nb6 # test-only").is_empty());
    assert!(scan("fixtures/a.py", "k = acme_q8lk2vz9xt4pw7mr3nb6").is_empty());
    assert!(
        scan("a.py", "k = acme_example0000000000000").is_empty(),
        "stopword"
    );
    // AND: both the regex and the path must match.
    assert_eq!(scan("a.py", "qq12345678"), ["and-rule"]);
    assert_eq!(scan("a.md", "qq22345678"), ["and-rule"]);
    assert!(scan("a.md", "qq12345678").is_empty());
}

#[test]
fn malformed_configurations_are_errors_not_panics() {
    assert!(gitleaks::parse("[[rules]\nid=", "x.toml", None).is_err());
    assert!(gitleaks::parse("[[rules]]\ndescription = \"no id\"\n", "x.toml", None).is_err());
    let l = gitleaks::parse("[[rules]]\nid = \"nothing\"\n", "x.toml", None).unwrap();
    assert!(l.set.rules.is_empty());
    assert_eq!(l.set.problems.len(), 1);
}

#[test]
fn an_extend_path_of_repository_content_stays_in_the_repository() {
    let repo = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("base.toml"), "title = \"x\"\n").unwrap();
    for target in [
        "../base.toml".to_owned(),
        outside.path().join("base.toml").display().to_string(),
        "/proc/self/environ".to_owned(),
    ] {
        let cfg = repo.path().join("gitleaks.toml");
        std::fs::write(&cfg, format!("[extend]\npath = {target:?}\n")).unwrap();
        let e = gitleaks::load(&cfg, Some(repo.path())).err().unwrap();
        assert!(
            e.to_string().contains("outside the repository"),
            "{target}: {e}"
        );
        // the user's own configuration may extend anything
        if target.ends_with("base.toml") && !target.starts_with("..") {
            assert!(gitleaks::load(&cfg, None).is_ok(), "{target}");
        }
    }
}
