//! Unit tests of plan loading and validation.

use super::*;
use proptest::prelude::*;

fn parse(text: &str) -> Result<Plan, PlanError> {
    Plan::parse(Path::new("sef.toml"), text)
}

fn err(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

mod policy;
mod security_sections;

#[test]
fn minimal_plan_parses_with_defaults() {
    let p = parse("[offering]\nname = \"pay\"\n").unwrap();
    assert_eq!(p.offering.name, "pay");
    assert_eq!(p.offering.kind, OfferingKind::Product);
    assert_eq!(p.release.version, UNVERSIONED);
    assert_eq!(p.release.phase, Phase::Develop);
    assert!(p.analyzers.repo_facts.enabled);
}

#[test]
fn template_parses_and_round_trips_the_name() {
    for name in [
        "simple",
        "with \"quotes\" and \\ backslash",
        "naïve-ünïcode",
    ] {
        let p = parse(&template(name, OfferingKind::Service)).unwrap();
        assert_eq!(p.offering.name, name);
        assert_eq!(p.offering.kind, OfferingKind::Service);
        assert_eq!(p.release.version, "0.1.0");
        assert!(p.pending_sections.is_empty());
    }
}

#[test]
fn unknown_key_names_line_and_column() {
    let e = err("[offering]\nname = \"x\"\ncolour = \"blue\"\n");
    assert!(e.starts_with("sef.toml:3:1: unknown field `colour`"), "{e}");
    assert!(e.contains("expected one of"), "{e}");
}

#[test]
fn unknown_section_is_rejected() {
    let e = err("[offering]\nname = \"x\"\n[analyzer]\n");
    assert!(e.contains("sef.toml:3:"), "{e}");
    assert!(e.contains("unknown field `analyzer`"), "{e}");
}

#[test]
fn wrong_types_and_values_are_located() {
    let e = err("[offering]\nname = 5\n");
    assert!(e.starts_with("sef.toml:2:8:"), "{e}");
    let e = err("[offering]\nname = \"x\"\n[release]\nphase = \"shipping\"\n");
    assert!(e.starts_with("sef.toml:4:9:"), "{e}");
    assert!(e.contains("concept"), "{e}");
    let e = err("[offering]\nname = \"x\"\nkind = \"spaceship\"\n");
    assert!(e.contains("sef.toml:3:"), "{e}");
    let e = err("[offering]\nname = \"  \"\n");
    assert!(e.contains("`offering.name` must not be empty"), "{e}");
    let e = err("[offering]\nname = \"x\"\n[analyzers.repo-facts]\nmax_file_bytes = -1\n");
    assert!(e.starts_with("sef.toml:4:18:"), "{e}");
    let e = err("[offering]\nname = \"a\\u0007b\"\n");
    assert!(e.contains("control characters"), "{e}");
}

#[test]
fn missing_offering_is_explained() {
    let e = err("[release]\nversion = \"1\"\n");
    assert!(e.contains("missing field `offering`"), "{e}");
}

#[test]
fn syntax_error_is_located() {
    let e = err("[offering]\nname = \"x\n");
    assert!(e.starts_with("sef.toml:2:"), "{e}");
}

#[test]
fn kpos_are_read_and_checked_against_their_kpi() {
    let p = parse("[offering]\nname = \"x\"\n[kpo]\n\"integrity.known-vulnerability-testing\" = 95\n\"post-release.cve-review-interval\" = 7.5\n\"quality.integrity-vs-peers\" = \"higher\"\n").unwrap();
    assert!(p.pending_sections.is_empty());
    assert_eq!(p.kpo.len(), 3);
    let kv = p
        .kpo
        .iter()
        .find(|o| o.kpi == "integrity.known-vulnerability-testing")
        .unwrap();
    assert_eq!(kv.target, sef_process::kpi::kpo::Target::AtLeast(95.0));
    assert_eq!(kv.origin.as_ref().unwrap().line, 4);
    for (body, want) in [
        (
            "\"integrity.known-vulnerability-testing\" = 120",
            "sef.toml:4:43: the objective for `integrity.known-vulnerability-testing` is a percentage: it must be between 0 and 100, got 120",
        ),
        (
            "\"post-release.time-to-resolution\" = -1",
            "cannot be negative",
        ),
        ("\"quality.integrity-vs-peers\" = 1", "not a number"),
        ("\"quality.integrity-vs-peers\" = \"best\"", "got \"best\""),
        (
            "\"integrity.known-vulnerability-testing\" = \"all\"",
            "must be a number, got string",
        ),
        (
            "\"integrity.nonsense\" = 3",
            "`integrity.nonsense` is not a KPI",
        ),
    ] {
        let e = err(&format!("[offering]\nname = \"x\"\n[kpo]\n{body}\n"));
        assert!(e.contains(want), "{body}: {e}");
    }
}

const ACCEPT: &str = "[offering]\nname = \"x\"\n\n[[risk_acceptances]]\nid = \"RUSTSEC-2021-0001\"\npackage = \"mdbook\"\njustification = \"not reachable\"\napprover = \"Jane <j@example.com>\"\nexpires = 2027-03-31\n\n[[risk_acceptances]]\nid = \"CVE-2020-1\"\njustification = \"j\"\napprover = \"a\"\nexpires = \"2026-01-02\"\n";

#[test]
fn risk_acceptances_are_read() {
    let p = parse(ACCEPT).unwrap();
    assert_eq!(p.risk_acceptances.len(), 2);
    let a = &p.risk_acceptances[0];
    assert_eq!(a.id.as_deref(), Some("RUSTSEC-2021-0001"));
    assert_eq!(a.package.as_deref(), Some("mdbook"));
    assert_eq!(a.approver, "Jane <j@example.com>");
    assert_eq!(a.expires.to_string(), "2027-03-31");
    assert_eq!(a.line, 4);
    assert_eq!(p.risk_acceptances[1].expires.to_string(), "2026-01-02");
    assert!(p.risk_acceptances[1].package.is_none());
    assert!(p.pending_sections.is_empty());
}

#[test]
fn bad_risk_acceptances_are_located() {
    for (edit, want) in [
        (
            ("expires = 2027-03-31", "expires = 2027-02-30"),
            "sef.toml:9:",
        ),
        (
            ("expires = 2027-03-31", "expires = \"soon\""),
            "must be a date",
        ),
        (
            ("expires = 2027-03-31", "expires = 2027-03-31T10:00:00Z"),
            "must be a date",
        ),
        (
            ("approver = \"Jane <j@example.com>\"\n", ""),
            "missing field `approver`",
        ),
        (
            (
                "justification = \"not reachable\"",
                "justification = \"  \"",
            ),
            "must not be empty",
        ),
        (
            ("package = \"mdbook\"", "pakage = \"mdbook\""),
            "unknown field `pakage`",
        ),
    ] {
        let text = ACCEPT.replacen(edit.0, edit.1, 1);
        let e = err(&text);
        assert!(e.contains(want), "{edit:?}: {e}");
        assert!(e.starts_with("sef.toml:"), "{e}");
    }
}

#[test]
fn huge_and_binary_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("sef.toml");
    std::fs::write(&big, vec![b'#'; (MAX_PLAN_BYTES + 10) as usize]).unwrap();
    let e = Plan::from_file(&big).unwrap_err().to_string();
    assert!(e.contains("larger than"), "{e}");

    std::fs::write(&big, b"[offering]\nname = \"\xff\xfe\"\n").unwrap();
    let e = Plan::from_file(&big).unwrap_err().to_string();
    assert!(
        e.contains(":2:9: the security plan is not valid UTF-8"),
        "{e}"
    );
}

#[test]
fn load_without_file_uses_directory_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("my-offering");
    std::fs::create_dir(&root).unwrap();
    let p = Plan::load(&root).unwrap();
    assert_eq!(p.offering.name, "my-offering");
    assert_eq!(p.source, PlanSource::Defaults);

    std::fs::write(
        root.join(PLAN_FILE),
        template("named", OfferingKind::Library),
    )
    .unwrap();
    let p = Plan::load(&root).unwrap();
    assert_eq!(p.offering.name, "named");
    assert!(matches!(p.source, PlanSource::File { .. }));
}

#[test]
fn deep_nesting_does_not_crash() {
    let text = format!(
        "[offering]\nname = \"x\"\n[pti]\na = {}1{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(parse(&text).is_err() || parse(&text).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,400}") {
        let _ = parse(&s);
    }

    #[test]
    fn arbitrary_plans_with_prefix_never_panic(s in "[a-z_\\-\\.\\[\\]=\"' 0-9\n]{0,200}") {
        let _ = parse(&format!("[offering]\nname = \"x\"\n{s}"));
    }
}

#[test]
fn resilience_section_reads_and_bad_values_name_their_place() {
    let p = parse(
        "[offering]\nname = \"pay\"\n\n[resilience]\nscope = [\"Endpoint:HTTPS://Shop.example.com\", \"asset:db\"]\nmax_age_days = 180\nretest_severity = \"medium\"\n",
    )
    .unwrap();
    let r = p.resilience.unwrap();
    assert_eq!(
        r.scope,
        vec!["endpoint:https://shop.example.com/", "asset:db"]
    );
    assert_eq!(r.records, crate::DEFAULT_RESILIENCE_RECORDS);
    assert_eq!(r.max_age_days, 180);
    assert_eq!(r.retest_severity, sef_model::Severity::Medium);
    assert!(
        parse("[offering]\nname = \"pay\"\n")
            .unwrap()
            .resilience
            .is_none()
    );

    let e = parse("[offering]\nname = \"pay\"\n\n[resilience]\nscope = [\"api\"]\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(":5:10: `resilience.scope`: `api` has no kind"),
        "{e}"
    );
    let e = parse("[offering]\nname = \"pay\"\n[resilience]\nmax_age_days = 0\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(":4:16:") && e.contains("between 1 and 3660"),
        "{e}"
    );
    let e = parse("[offering]\nname = \"pay\"\n[resilience]\nretest_severity = \"severe\"\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("retest_severity"), "{e}");
    let e = parse("[offering]\nname = \"pay\"\n[resilience]\nscope = [\"asset:a\", \"asset:a\"]\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("twice"), "{e}");
    let e = parse("[offering]\nname = \"pay\"\n[resilience]\nfrequency = 1\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("frequency"), "{e}");
}

#[test]
fn threat_model_section_reads_and_bad_values_name_their_place() {
    let p = parse(
        "[offering]\nname = \"shop\"\n\n[threat_model]\nrules = [\"security/rules.yaml\"]\ndisabled_rules = [\"clickjacking\"]\nreview_max_days = 90\nhigh_from = \"critical\"\ndiagram = \"builtin\"\nmatrix = [[\"low\", \"low\", \"low\", \"low\"], [\"low\", \"low\", \"medium\", \"medium\"], [\"medium\", \"medium\", \"high\", \"high\"], [\"high\", \"high\", \"critical\", \"critical\"]]\n",
    )
    .unwrap();
    let t = p.threat_model.clone().unwrap();
    assert_eq!(t.dir, crate::DEFAULT_THREAT_MODEL_DIR);
    assert_eq!(t.rules, vec!["security/rules.yaml"]);
    assert_eq!(t.disabled_rules, vec!["clickjacking"]);
    assert_eq!(t.review_max_days, 90);
    assert_eq!(t.high_from, sef_model::Severity::Critical);
    assert_eq!(t.diagram, crate::DiagramEngine::Builtin);
    use sef_threat::rules::{Impact, Likelihood};
    assert_eq!(
        t.matrix.severity(Impact::High, Likelihood::Likely),
        sef_model::Severity::High
    );
    assert_eq!(
        t.matrix.severity(Impact::Low, Likelihood::VeryLikely),
        sef_model::Severity::Low,
        "the plan's matrix, not the default (medium)"
    );
    assert!(
        p.named_paths()
            .iter()
            .any(|(k, v)| k == "threat_model.rules" && v == "security/rules.yaml")
    );

    let bad = |body: &str| {
        parse(&format!(
            "[offering]\nname = \"shop\"\n[threat_model]\n{body}\n"
        ))
        .unwrap_err()
        .to_string()
    };
    let e = bad(
        "matrix = [[\"high\", \"low\", \"low\", \"low\"], [\"high\", \"high\", \"high\", \"high\"], [\"high\", \"high\", \"high\", \"high\"], [\"high\", \"high\", \"high\", \"high\"]]",
    );
    assert!(
        e.contains(":4:10: `threat_model.matrix`") && e.contains("falls"),
        "{e}"
    );
    let e = bad("matrix = [[\"low\"]]");
    assert!(e.contains("four rows"), "{e}");
    let e = bad("high_from = \"info\"");
    assert!(e.contains(":4:13:") && e.contains("high_from"), "{e}");
    let e = bad("diagram = \"png\"");
    assert!(e.contains("auto, dot, builtin or none"), "{e}");
    let e = bad("review_max_days = 0");
    assert!(e.contains("between 1 and 3660"), "{e}");
    let e = bad("colour = 1");
    assert!(e.contains("colour"), "{e}");
}
