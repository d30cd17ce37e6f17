//! SARIF from several tools' shapes, fingerprint stability, and bad input.

use super::*;
use sef_model::{FindingStatus, Severity};

fn no_context(_: &str, _: u32) -> Option<String> {
    None
}

fn opts<'a>(context: &'a dyn Fn(&str, u32) -> Option<String>) -> Options<'a> {
    Options {
        repo_root: Some("/work/repo"),
        context,
        web_locations: false,
    }
}

const CODEQL_LIKE: &str = r#"{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [{
    "tool": {"driver": {"name": "CodeQL", "semanticVersion": "2.19.0", "rules": [
      {"id": "js/xss", "name": "js/xss", "shortDescription": {"text": "Cross-site scripting"},
       "help": {"text": "Encode output before writing it to the page."},
       "properties": {"tags": ["security", "external/cwe/cwe-079", "external/cwe/cwe-116"], "security-severity": "6.1"}}]}},
    "originalUriBaseIds": {"%SRCROOT%": {"uri": "file:///work/repo/"}},
    "invocations": [{"executionSuccessful": true, "toolExecutionNotifications": []}],
    "results": [
      {"ruleId": "js/xss", "ruleIndex": 0, "level": "error",
       "message": {"text": "Cross-site scripting vulnerability due to [user-provided value](1)."},
       "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/app.js", "uriBaseId": "%SRCROOT%"},
                      "region": {"startLine": 12, "startColumn": 5}}}],
       "partialFingerprints": {"primaryLocationLineHash": "abc123:1"}},
      {"ruleId": "js/xss", "ruleIndex": 0,
       "message": {"text": "Same again"},
       "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/app.js", "uriBaseId": "%SRCROOT%"},
                      "region": {"startLine": 12}}}],
       "partialFingerprints": {"primaryLocationLineHash": "abc123:1"}}
    ]
  }]
}"#;

const SEMGREP_LIKE: &str = r#"{"version": "2.1.0", "runs": [{
  "tool": {"driver": {"name": "Semgrep OSS", "semanticVersion": "1.90.0", "rules": [
    {"id": "python.lang.security.audit.eval-detected", "name": "python.lang.security.audit.eval-detected",
     "shortDescription": {"text": "Semgrep Finding: eval-detected"},
     "helpUri": "https://semgrep.dev/r/python.lang.security.audit.eval-detected",
     "defaultConfiguration": {"level": "warning"},
     "properties": {"precision": "very-high", "tags": ["CWE-95: Improper Neutralization of Directives in Dynamically Evaluated Code ('Eval Injection')", "OWASP-A03:2021 - Injection"]}}]}},
  "invocations": [{"executionSuccessful": true, "toolExecutionNotifications": []}],
  "results": [{"ruleId": "python.lang.security.audit.eval-detected",
    "message": {"text": "Detected the use of eval()."},
    "locations": [{"physicalLocation": {"artifactLocation": {"uri": "app/main.py", "uriBaseId": "%SRCROOT%"},
      "region": {"startLine": 3, "startColumn": 5, "snippet": {"text": "    return eval(user_input)"}}}}],
    "fingerprints": {"matchBasedId/v1": "deadbeef"}}]
}]}"#;

fn clippy_like(line: u32) -> String {
    format!(
        r#"{{"version": "2.1.0", "runs": [{{"tool": {{"driver": {{"name": "clippy", "informationUri": "https://rust-lang.github.io/rust-clippy/", "rules": [
        {{"id": "clippy::unwrap_used", "shortDescription": {{"text": "used `unwrap()` on an `Option` value"}}, "fullDescription": {{"text": "for further information visit https://rust-lang.github.io/rust-clippy/master/index.html#unwrap_used"}}}}]}}}},
        "results": [{{"ruleId": "clippy::unwrap_used", "ruleIndex": 0, "level": "warning",
          "message": {{"text": "used `unwrap()` on an `Option` value"}},
          "locations": [{{"physicalLocation": {{"artifactLocation": {{"uri": "src/main.rs"}}, "region": {{"startLine": {line}, "startColumn": 13}}}}}}]}}]}}]}}"#
    )
}

#[test]
fn codeql_shape_with_partial_fingerprints_cwes_and_dedup() {
    let ing = read(CODEQL_LIKE, &opts(&no_context)).unwrap();
    assert_eq!(ing.tools.len(), 1);
    let t = &ing.tools[0];
    assert_eq!(
        (t.name.as_str(), t.version.as_deref()),
        ("CodeQL", Some("2.19.0"))
    );
    assert_eq!(t.rule_cwes, vec![79, 116]);
    assert!(t.execution_successful);
    assert_eq!(
        ing.findings.len(),
        1,
        "same partial fingerprint: one finding"
    );
    assert_eq!(ing.duplicates, 1);
    let f = &ing.findings[0];
    assert_eq!(f.rule_id, "js/xss");
    assert_eq!(f.analyzer, "sarif:CodeQL");
    assert_eq!(
        f.severity,
        Severity::Medium,
        "security-severity 6.1 beats level error"
    );
    assert_eq!(f.cwe.iter().map(|c| c.0).collect::<Vec<_>>(), vec![79, 116]);
    let loc = f.location.as_ref().unwrap();
    assert_eq!(
        (loc.path.as_str(), loc.line, loc.column),
        ("src/app.js", Some(12), Some(5))
    );
    assert_eq!(
        f.remediation,
        "Encode output before writing it to the page."
    );
    assert!(ing.diagnostics.is_empty(), "{:?}", ing.diagnostics);
}

#[test]
fn semgrep_shape_with_cwe_in_tags_and_snippet() {
    let ing = read(SEMGREP_LIKE, &opts(&no_context)).unwrap();
    let f = &ing.findings[0];
    assert_eq!(f.cwe[0].0, 95);
    assert_eq!(f.severity, Severity::Medium, "default level warning");
    assert!(f.title.starts_with("Detected the use of eval()."));
    assert!(f.title.contains("`return eval(user_input)`"));
    assert_eq!(
        f.references,
        vec!["https://semgrep.dev/r/python.lang.security.audit.eval-detected"]
    );
    assert_eq!(f.location.as_ref().unwrap().path, "app/main.py");
}

#[test]
fn fingerprints_survive_lines_moving_above_the_finding() {
    // the code at the finding, wherever it moved
    let code = |_: &str, _: u32| Some("    let x = maybe.unwrap();".to_owned());
    let a = read(&clippy_like(10), &opts(&code)).unwrap();
    let b = read(&clippy_like(42), &opts(&code)).unwrap();
    assert_eq!(a.findings[0].fingerprint, b.findings[0].fingerprint);
    assert_eq!(a.findings[0].location.as_ref().unwrap().line, Some(10));
    // different code at the place: a different finding
    let other = |_: &str, _: u32| Some("let y = other.unwrap();".to_owned());
    let c = read(&clippy_like(10), &opts(&other)).unwrap();
    assert_ne!(a.findings[0].fingerprint, c.findings[0].fingerprint);
    // whitespace changes do not matter
    let spaced = |_: &str, _: u32| Some("let x =   maybe.unwrap();\n".to_owned());
    let d = read(&clippy_like(11), &opts(&spaced)).unwrap();
    assert_eq!(a.findings[0].fingerprint, d.findings[0].fingerprint);
}

#[test]
fn severities() {
    assert_eq!(severity_of(Some(9.8), Some("note")), Severity::Critical);
    assert_eq!(severity_of(Some(7.0), None), Severity::High);
    assert_eq!(severity_of(Some(0.1), None), Severity::Low);
    assert_eq!(severity_of(Some(0.0), None), Severity::Info);
    assert_eq!(severity_of(None, Some("error")), Severity::High);
    assert_eq!(severity_of(None, Some("warning")), Severity::Medium);
    assert_eq!(severity_of(None, Some("note")), Severity::Low);
    assert_eq!(severity_of(None, Some("none")), Severity::Info);
    assert_eq!(severity_of(Some(f64::NAN), Some("note")), Severity::Low);
}

#[test]
fn cwe_forms() {
    for (s, n) in [
        ("CWE-79", Some(79)),
        ("external/cwe/cwe-079", Some(79)),
        ("cwe_22", Some(22)),
        ("CWE-95: Eval Injection", Some(95)),
        ("OWASP-A03", None),
        ("cwe", None),
        ("CWE-0", None),
    ] {
        assert_eq!(cwe_of(s), n, "{s}");
    }
}

#[test]
fn paths_are_made_repository_relative_or_refused() {
    let root = Some("/work/repo");
    assert_eq!(normalise_path("src/a.rs", None, root).unwrap(), "src/a.rs");
    assert_eq!(
        normalise_path("./src/../src/a.rs", None, root).unwrap(),
        "src/a.rs"
    );
    assert_eq!(
        normalise_path("file:///work/repo/src/a%20b.rs", None, root).unwrap(),
        "src/a b.rs"
    );
    assert_eq!(
        normalise_path("src\\win.rs", None, root).unwrap(),
        "src/win.rs"
    );
    assert_eq!(
        normalise_path("a.rs", Some("file:///work/repo/sub/"), root).unwrap(),
        "sub/a.rs"
    );
    assert!(
        normalise_path("../../etc/passwd", None, root)
            .unwrap_err()
            .to_string()
            .contains("climbs out")
    );
    assert!(
        normalise_path("/etc/passwd", None, root)
            .unwrap_err()
            .to_string()
            .contains("outside the repository")
    );
    assert!(
        normalise_path("file:///work/repository/x", None, root)
            .unwrap_err()
            .to_string()
            .contains("outside")
    );
    assert!(normalise_path("https://example.com/x.js", None, root).is_err());
    assert!(
        normalise_path("/abs", None, None)
            .unwrap_err()
            .to_string()
            .contains("not known")
    );
    assert!(normalise_path("%zz%", None, root).is_ok());
    assert!(normalise_path("é%", None, root).is_ok());
}

#[test]
fn bad_locations_are_diagnostics_and_the_rest_is_read() {
    let text = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[
        {"ruleId":"r1","message":{"text":"escape"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"../../etc/passwd"}}}]},
        {"ruleId":"r2","message":{"text":"abs"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"/etc/shadow"}}}]},
        {"ruleId":"r3","message":{"text":"nowhere"}},
        {"ruleId":"r4","message":{"text":"fine"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"ok.c"},"region":{"startLine":0}}}]},
        {"ruleId":"r5","kind":"pass","message":{"text":"passed"}}
    ]}]}"#;
    let ing = read(text, &opts(&no_context)).unwrap();
    assert_eq!(ing.findings.len(), 4, "kind=pass is not a finding");
    assert_eq!(ing.diagnostics.len(), 3, "{:?}", ing.diagnostics);
    assert!(ing.diagnostics[0].contains("climbs out of the repository"));
    assert!(ing.diagnostics[1].contains("outside the repository"));
    assert!(ing.diagnostics[2].contains("3 result(s) have no usable location"));
    let ok = ing.findings.iter().find(|f| f.rule_id == "r4").unwrap();
    assert_eq!(
        ok.location.as_ref().unwrap().line,
        None,
        "line 0 is not a line"
    );
}

#[test]
fn a_crashed_tool_and_suppressed_results() {
    let text = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"gosec"}},
        "invocations":[{"executionSuccessful":false,"exitCode":2,"toolExecutionNotifications":[{"level":"error","message":{"text":"could not load packages\nstack"}}]}],
        "results":[{"ruleId":"G101","message":{"text":"creds"},"suppressions":[{"kind":"inSource"}]}]}]}"#;
    let ing = read(text, &opts(&no_context)).unwrap();
    assert!(!ing.tools[0].execution_successful);
    assert_eq!(
        ing.tools[0].notifications,
        vec!["error: could not load packages"]
    );
    assert_eq!(ing.findings[0].status, FindingStatus::FalsePositive);
    let no_results = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}}}]}"#;
    let ing = read(no_results, &opts(&no_context)).unwrap();
    assert!(ing.diagnostics[0].contains("no \"results\" array"));
}

#[test]
fn not_sarif_or_another_version_is_an_error() {
    assert!(matches!(
        read("{", &opts(&no_context)),
        Err(SarifError::Json { line: 1, .. })
    ));
    let e = read(r#"{"version":"2.0.0","runs":[]}"#, &opts(&no_context)).unwrap_err();
    assert!(
        e.to_string()
            .contains("SARIF version 2.0.0 is not supported")
    );
    assert!(read(r#"{"runs":[]}"#, &opts(&no_context)).is_err());
    assert!(read("[1]", &opts(&no_context)).is_err());
}

proptest::proptest! {
    #[test]
    fn never_panics_on_arbitrary_text(s in "\\PC{0,300}") {
        let _ = read(&s, &opts(&no_context));
    }

    #[test]
    fn never_panics_on_arbitrary_paths(s in "[a-zA-Z0-9%./\\\\:é ]{0,40}", b in proptest::option::of("[a-z:/%]{0,20}")) {
        let _ = normalise_path(&s, b.as_deref(), Some("/r"));
    }
}

/// semgrep OSS gives every result the same placeholder fingerprint: ten
/// results at ten places under two rules are ten findings, not two.
#[test]
fn a_fingerprint_shared_by_different_places_is_not_trusted() {
    let results: Vec<String> = (0..10)
        .map(|i| {
            format!(
                r#"{{"ruleId":"rule-{}","level":"warning","message":{{"text":"m"}},
                "locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":"src/f{i}.py"}},"region":{{"startLine":{}}}}}}}],
                "fingerprints":{{"matchBasedId/v1":"requires login"}}}}"#,
                i % 2,
                i + 1
            )
        })
        .collect();
    let text = format!(
        r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"Semgrep OSS"}}}},"results":[{}]}}]}}"#,
        results.join(",")
    );
    let out = read(&text, &opts(&no_context)).unwrap();
    assert_eq!(out.findings.len(), 10, "{:?}", out.diagnostics);
    assert_eq!(out.duplicates, 0);
    assert!(
        out.diagnostics.iter().any(|d| d.contains("requires login")),
        "{:?}",
        out.diagnostics
    );
    // a real fingerprint repeated at one place still merges duplicates
    let dup = r#"{"ruleId":"r","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.py"},"region":{"startLine":3}}}],"fingerprints":{"matchBasedId/v1":"abc"}}"#;
    let text = format!(
        r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"t"}}}},"results":[{dup},{dup}]}}]}}"#
    );
    let out = read(&text, &opts(&no_context)).unwrap();
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.duplicates, 1);
}
