//! The security plan evaluated against a real directory.

use super::*;
use std::path::Path;

const PROSE: &str = "This guide explains how the service is installed on a hardened host, which ports it opens, \
which operating system settings it needs, how TLS certificates are provisioned and rotated, how the \
administrator account is created on first start, and how logs are shipped to the central collector.";

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn an_empty_plan_is_missing_everywhere_and_selects_everything() {
    let dir = tempfile::tempdir().unwrap();
    let plan = Plan::defaults_for(dir.path());
    let s = evaluate(dir.path(), &plan, None, day("2026-11-28"));
    assert!(s.pti.outcome.is_none());
    assert_eq!(
        s.requirements.rows.len(),
        sef_process::catalog::all().count()
    );
    assert_eq!(s.documentation.required, 8);
    let ev = to_evidence(&s, chrono::Utc::now(), chrono::Utc::now());
    assert_eq!(ev.len(), 5);
    assert!(
        ev.iter()
            .all(|e| matches!(e.status, EvidenceStatus::Missing { .. })),
        "{ev:#?}"
    );
}

#[test]
fn a_full_plan_is_checked_against_files_and_tests() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "docs/deploy.md",
        &format!("# Deploy\n\n## Security\n\n{PROSE}\n\n## Other\n\nTODO\n"),
    );
    write(
        root,
        "docs/arch.md",
        &format!("# Architecture\n\n{PROSE}\n"),
    );
    write(root, "docs/ops.md", "# Operations\n\nTBD\n");
    write(root, "docs/review.md", "review notes");
    write(
        root,
        "target/junit/run.xml",
        r#"<testsuites><testsuite name="s"><testcase classname="auth" name="locks_out"/><testcase classname="auth" name="broken"><failure/></testcase></testsuite></testsuites>"#,
    );
    write(root, "target/junit/bad.xml", "<testsuite><oops");
    write(
        root,
        "sef.toml",
        r#"[offering]
name = "shop"

[pti]
data_classification = "internal"
personal_data = false
credential_data = false
payment_data = false
health_data = false
exposure = "internal"
anonymous_access = false
multi_tenant = false
privileged = false
deployment = "on-premises"
criticality = "low"
user_scale = "small"

[checklist.risk-assessment]
answer = "yes"
evidence = ["docs/review.md", "docs/missing.md"]

[requirements]
junit = ["target/junit", "target/nowhere.xml"]

[[requirements.requirement]]
id = "SEF-AUTH-001"
status = "verified"
verify = { test = "auth::locks_out" }

[[requirements.requirement]]
id = "SEF-AUTH-002"
status = "verified"
verify = { test = "auth::broken" }

[[requirements.requirement]]
id = "SEF-CONF-005"
status = "verified"
verify = { evidence = "inventory" }

[[documentation.topic]]
id = "deployment"
files = ["docs/deploy.md#Security"]

[[documentation.topic]]
id = "security-architecture"
files = ["docs/arch.md"]

[[documentation.topic]]
id = "operations"
files = ["docs/ops.md"]

[[team.member]]
id = "ana"
roles = ["developer"]

[[team.completion]]
member = "ana"
course = "secure-coding"
date = 2025-06-01
"#,
    );
    let plan = Plan::load(root).unwrap();
    let s = evaluate(root, &plan, None, day("2026-11-28"));
    assert_eq!(s.pti.tier(), Some(Tier::LOW));
    // tier 1 selection
    assert_eq!(
        s.requirements.rows.len(),
        sef_process::catalog::for_tier(Tier::LOW).count()
    );
    let tests = s.tests.as_ref().unwrap();
    assert_eq!(tests.files.len(), 1);
    assert_eq!(tests.cases, 2);
    let row = |id: &str| s.requirements.rows.iter().find(|r| r.id == id).unwrap();
    assert!(row("SEF-AUTH-001").verified);
    assert!(!row("SEF-AUTH-002").verified);
    // no run: evidence checks are not measured
    assert_eq!(
        row("SEF-CONF-005").checks[0].state,
        sef_process::requirements::CheckState::NotMeasured
    );
    assert_eq!(s.documentation.required, 3);
    assert_eq!(s.documentation.covered, 2);
    let checklist = s.checklist.as_ref().unwrap();
    assert_eq!(checklist.unanswered.len(), 6);
    assert_eq!(s.education.overdue.len(), 1);
    let w: Vec<String> = s.warnings.all().map(ToString::to_string).collect();
    let joined = w.join("\n");
    for want in [
        "sef.toml:18: checklist `risk-assessment`: evidence `docs/missing.md` does not exist",
        "sef.toml:22: target/junit/bad.xml:1:1: not readable as JUnit XML",
        "`target/nowhere.xml` do not exist",
        "requirement SEF-AUTH-002: test `auth::broken` failed",
        "documentation topic `operations`: `docs/ops.md` is a stub",
        "sef.toml:52: `ana`: the `secure-coding` refresher was due on 2026-06-01",
    ] {
        assert!(joined.contains(want), "missing {want:?} in\n{joined}");
    }

    // within a run, evidence verifications are checked
    let now = chrono::Utc::now();
    let inventory = Evidence {
        id: EvidenceId::generate(),
        kind: EvidenceKind::Inventory,
        analyzer: "inventory".into(),
        tool: crate::sef_tool("inventory"),
        started_at: now,
        finished_at: now,
        input_digest: None,
        status: EvidenceStatus::Complete,
        payload: sef_model::EvidencePayload::None,
    };
    let s = evaluate(root, &plan, Some(&[inventory]), day("2026-11-28"));
    assert!(
        s.requirements
            .rows
            .iter()
            .find(|r| r.id == "SEF-CONF-005")
            .unwrap()
            .verified
    );
    let ev = to_evidence(&s, now, now);
    assert_eq!(ev[0].status, EvidenceStatus::Complete);
    assert_eq!(ev[0].payload::<PtiPayload>().unwrap().tier, Some(1));
    assert!(matches!(ev[1].status, EvidenceStatus::Partial { .. }));
    assert!(matches!(ev[4].status, EvidenceStatus::Partial { .. }));
    // what the documentation KPIs read: 2 of 3 required topics covered
    let d = &ev[3].payload::<DocumentationPayload>().unwrap().evaluation;
    assert_eq!((d.covered, d.required), (2, 3));
}

#[test]
fn kpi_inputs_are_null_not_zero_without_a_plan() {
    let dir = tempfile::tempdir().unwrap();
    let plan = Plan::defaults_for(dir.path());
    let s = evaluate(dir.path(), &plan, None, day("2026-11-28"));
    let ev = to_evidence(&s, chrono::Utc::now(), chrono::Utc::now());
    // nothing mapped: the documentation KPIs say "not measured", never 0 %
    let kpi = sef_process::kpi::get("integrity.security-feature-documentation").unwrap();
    let inputs = sef_process::kpi::Inputs {
        evidence: &ev,
        tier: None,
        phase: sef_model::Phase::Develop,
        at: chrono::Utc::now(),
        peers: &[],
        history: &[],
        max_unknown_percent: 20,
    };
    assert_eq!((kpi.measure)(&inputs).value(), None);
    assert_eq!(
        ev[4]
            .payload::<EducationPayload>()
            .unwrap()
            .evaluation
            .total,
        0
    );
}
