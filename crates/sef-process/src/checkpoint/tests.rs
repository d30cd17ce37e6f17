//! Every gate predicate on its pass, fail and not-measured paths.

use super::*;
use crate::test_payloads as tp;
use chrono::Utc;
use sef_model::EvidencePayload;
use sef_model::{
    EvidenceId, EvidenceKind, FindingId, FindingKind, FindingStatus, Fingerprint, KpiMeasurement,
    KpoResult, ToolInfo,
};

fn ev(kind: EvidenceKind, status: EvidenceStatus, payload: EvidencePayload) -> Evidence {
    let t = Utc::now();
    Evidence {
        id: EvidenceId::generate(),
        kind,
        analyzer: "x".into(),
        tool: ToolInfo {
            name: "t".into(),
            version: "1".into(),
        },
        started_at: t,
        finished_at: t,
        input_digest: None,
        status,
        payload,
    }
}

fn partial() -> EvidenceStatus {
    EvidenceStatus::Partial {
        reason: "half".into(),
    }
}

fn facts<'a>(evidence: &'a [Evidence], findings: &'a [Finding], kpis: &'a [KpiValue]) -> Facts<'a> {
    Facts {
        evidence,
        findings,
        kpis,
        tier: Some(Tier::LOW),
        threat_model: None,
        incident_response: None,
        max_open_severity: Severity::High,
        max_open_severity_dev: None,
        unknown_severity: None,
    }
}

fn run(id: &str, f: &Facts<'_>) -> Check {
    (get(id).unwrap().check)(f)
}

fn kpi(id: &str, value: Option<f64>, kpo: Option<KpoStatus>) -> KpiValue {
    KpiValue {
        kpi_id: id.into(),
        name: String::new(),
        table: String::new(),
        direction: "increasing".into(),
        measurement: match value {
            Some(v) => KpiMeasurement::Measured {
                value: v,
                unit: "percent".into(),
            },
            None => KpiMeasurement::NotMeasured {
                reason: "no evidence".into(),
            },
        },
        detail: None,
        kpo: kpo.map(|status| KpoResult {
            target: ">= 90 %".into(),
            source: "tier-default".into(),
            status,
        }),
        trend: None,
    }
}

fn finding(sev: Severity, status: FindingStatus) -> Finding {
    Finding {
        id: FindingId::generate(),
        kind: FindingKind::Vulnerability,
        analyzer: "vulnerabilities".into(),
        rule_id: "RUSTSEC-2026-0001".into(),
        title: "t".into(),
        remediation: "r".into(),
        cwe: vec![],
        severity: sev,
        location: None,
        fingerprint: Fingerprint::compute(["x"]),
        status,
        package: None,
        aliases: vec![],
        acceptance: None,
        cvss: None,
        references: vec![],
        dependency_path: vec![],
        scope: None,
    }
}

#[test]
fn ids_unique_and_every_gated_phase_has_criteria() {
    for (i, c) in CRITERIA.iter().enumerate() {
        assert!(CRITERIA[i + 1..].iter().all(|o| o.id != c.id), "{}", c.id);
        assert!(c.id.starts_with(c.phase.as_str()), "{}", c.id);
    }
    for p in [Phase::Plan, Phase::Develop, Phase::Qualify, Phase::Launch] {
        assert!(!criteria_for(p, Tier::LOW, &[]).is_empty(), "{p}");
    }
    // the tier adds criteria; disabling removes them
    assert!(
        criteria_for(Phase::Qualify, Tier::HIGH, &[]).len()
            > criteria_for(Phase::Qualify, Tier::LOW, &[]).len()
    );
    let d = vec!["qualify.penetration-test".to_owned()];
    assert!(
        !criteria_for(Phase::Qualify, Tier::CRITICAL, &d)
            .iter()
            .any(|c| c.id == "qualify.penetration-test")
    );
}

#[test]
fn completeness_criteria() {
    for (id, kind) in [
        ("plan.pti-done", EvidenceKind::Pti),
        ("plan.checklist-complete", EvidenceKind::PlanningChecklist),
        (
            "qualify.security-documentation-complete",
            EvidenceKind::SecurityDocumentation,
        ),
    ] {
        assert_eq!(
            run(id, &facts(&[], &[], &[])).outcome,
            CriterionOutcome::NotMeasured,
            "{id}"
        );
        let e = [ev(kind, EvidenceStatus::Complete, EvidencePayload::None)];
        assert_eq!(
            run(id, &facts(&e, &[], &[])).outcome,
            CriterionOutcome::Pass,
            "{id}"
        );
        let e = [ev(kind, partial(), EvidencePayload::None)];
        let c = run(id, &facts(&e, &[], &[]));
        assert_eq!(c.outcome, CriterionOutcome::Fail, "{id}");
        assert!(c.detail.contains("partial: half"), "{}", c.detail);
    }
}

#[test]
fn threat_model_and_incident_response_files() {
    let mut f = facts(&[], &[], &[]);
    assert_eq!(
        run("plan.threat-model-present", &f).outcome,
        CriterionOutcome::Fail
    );
    f.threat_model = Some(FileFact {
        path: "security/threat-model.md".into(),
        state: FileState::Stub,
    });
    assert!(
        run("plan.threat-model-present", &f)
            .detail
            .contains("is a stub")
    );
    f.threat_model = Some(FileFact {
        path: "security/threat-model.md".into(),
        state: FileState::Written,
    });
    assert_eq!(
        run("plan.threat-model-present", &f).outcome,
        CriterionOutcome::Pass
    );

    assert_eq!(
        run("launch.incident-response", &f).outcome,
        CriterionOutcome::Fail
    );
    f.incident_response = Some(IncidentResponse {
        contact: "psirt@example.com".into(),
        process: FileFact {
            path: "docs/ir.md".into(),
            state: FileState::Missing,
        },
    });
    assert_eq!(
        run("launch.incident-response", &f).outcome,
        CriterionOutcome::Fail
    );
    f.incident_response.as_mut().unwrap().process.state = FileState::Written;
    let c = run("launch.incident-response", &f);
    assert_eq!(c.outcome, CriterionOutcome::Pass);
    assert!(c.detail.contains("psirt@example.com"));
}

#[test]
fn requirements_in_all_categories() {
    let req = |n: usize, status| {
        [ev(
            EvidenceKind::SecurityRequirements,
            status,
            tp::requirements(0, 0, 0, n),
        )]
    };
    let e = req(9, partial());
    assert_eq!(
        run("plan.requirements-selected", &facts(&e, &[], &[])).outcome,
        CriterionOutcome::Pass
    );
    let e = req(8, partial());
    assert_eq!(
        run("plan.requirements-selected", &facts(&e, &[], &[])).outcome,
        CriterionOutcome::Fail
    );
    let e = req(
        9,
        EvidenceStatus::Missing {
            reason: "none".into(),
        },
    );
    assert_eq!(
        run("plan.requirements-selected", &facts(&e, &[], &[])).outcome,
        CriterionOutcome::Fail
    );
}

#[test]
fn test_and_documentation_plans_from_the_checklist() {
    let cl = |test: &str, dp: &str| {
        [ev(
            EvidenceKind::PlanningChecklist,
            partial(),
            tp::checklist(&[("test-plan", test), ("documentation-plan", dp)]),
        )]
    };
    let e = cl("yes", "not-applicable");
    assert_eq!(
        run("plan.test-and-documentation-plans", &facts(&e, &[], &[])).outcome,
        CriterionOutcome::Pass
    );
    let e = cl("partial", "yes");
    let c = run("plan.test-and-documentation-plans", &facts(&e, &[], &[]));
    assert_eq!(c.outcome, CriterionOutcome::Fail);
    assert!(
        c.detail.contains("test-plan") && !c.detail.contains(" documentation-plan"),
        "{}",
        c.detail
    );
}

#[test]
fn kpo_criteria_pass_fail_and_not_measured() {
    for (id, kpi_id) in [
        ("develop.code-review-kpo", "integrity.developed-code-review"),
        (
            "qualify.requirements-verified-kpo",
            "integrity.assurance-review-documentation",
        ),
        (
            "qualify.components-tested",
            "integrity.known-vulnerability-testing",
        ),
        (
            "qualify.packages-signed",
            "integrity.signed-code-and-packages",
        ),
    ] {
        assert_eq!(
            run(id, &facts(&[], &[], &[])).outcome,
            CriterionOutcome::NotMeasured,
            "{id}"
        );
        let k = [kpi(kpi_id, None, Some(KpoStatus::NotMeasured))];
        assert_eq!(
            run(id, &facts(&[], &[], &k)).outcome,
            CriterionOutcome::NotMeasured,
            "{id}"
        );
        let k = [kpi(kpi_id, Some(95.0), Some(KpoStatus::Met))];
        assert_eq!(
            run(id, &facts(&[], &[], &k)).outcome,
            CriterionOutcome::Pass,
            "{id}"
        );
        let k = [kpi(kpi_id, Some(5.0), Some(KpoStatus::Missed))];
        assert_eq!(
            run(id, &facts(&[], &[], &k)).outcome,
            CriterionOutcome::Fail,
            "{id}"
        );
        let k = [kpi(kpi_id, Some(5.0), None)];
        assert!(
            run(id, &facts(&[], &[], &k)).detail.contains("sets no KPO"),
            "{id}"
        );
    }
}

#[test]
fn open_findings_block_but_accepted_ones_do_not() {
    let fs = [
        finding(Severity::Medium, FindingStatus::Open),
        finding(Severity::Critical, FindingStatus::Accepted),
    ];
    assert_eq!(
        run("develop.no-open-high-findings", &facts(&[], &fs, &[])).outcome,
        CriterionOutcome::Pass
    );
    let fs = [finding(Severity::High, FindingStatus::Open)];
    let c = run("develop.no-open-high-findings", &facts(&[], &fs, &[]));
    assert_eq!(c.outcome, CriterionOutcome::Fail);
    assert!(c.detail.contains("RUSTSEC-2026-0001"));
    let mut f = facts(&[], &fs, &[]);
    f.max_open_severity = Severity::Critical;
    assert_eq!(
        run("lifecycle.no-open-high-findings", &f).outcome,
        CriterionOutcome::Pass
    );
}

#[test]
fn development_only_findings_can_have_their_own_threshold() {
    let mut dev = finding(Severity::High, FindingStatus::Open);
    dev.scope = Some(sef_model::DependencyScope::Development);
    let mut runtime = finding(Severity::High, FindingStatus::Open);
    runtime.scope = Some(sef_model::DependencyScope::Runtime);
    // without a threshold of their own, dev findings block like any other
    let fs = [dev.clone()];
    let f = facts(&[], &fs, &[]);
    assert_eq!(
        run("develop.no-open-high-findings", &f).outcome,
        CriterionOutcome::Fail
    );
    // `dev_block_severity = "critical"`: a high dev finding passes
    let mut f = facts(&[], &fs, &[]);
    f.max_open_severity_dev = Some(Severity::Critical);
    let c = run("develop.no-open-high-findings", &f);
    assert_eq!(c.outcome, CriterionOutcome::Pass, "{}", c.detail);
    assert!(c.detail.contains("development-only"), "{}", c.detail);
    // a runtime one still blocks
    let fs = [dev, runtime];
    let mut f = facts(&[], &fs, &[]);
    f.max_open_severity_dev = Some(Severity::Critical);
    let c = run("develop.no-open-high-findings", &f);
    assert_eq!(c.outcome, CriterionOutcome::Fail);
    assert!(c.detail.starts_with("1 open finding"), "{}", c.detail);
}

#[test]
fn unknown_severity_blocks_unless_the_plan_maps_it() {
    let fs = [finding(Severity::Unknown, FindingStatus::Open)];
    // even at the most lenient threshold, unknown blocks
    let mut f = facts(&[], &fs, &[]);
    f.max_open_severity = Severity::Critical;
    let c = run("develop.no-open-high-findings", &f);
    assert_eq!(c.outcome, CriterionOutcome::Fail, "{}", c.detail);
    // `unknown_severity = "medium"` under a high threshold passes
    let mut f = facts(&[], &fs, &[]);
    f.unknown_severity = Some(Severity::Medium);
    let c = run("develop.no-open-high-findings", &f);
    assert_eq!(c.outcome, CriterionOutcome::Pass, "{}", c.detail);
    assert!(c.detail.contains("counted as medium"), "{}", c.detail);
    // `unknown_severity = "high"` blocks at high
    f.unknown_severity = Some(Severity::High);
    assert_eq!(
        run("develop.no-open-high-findings", &f).outcome,
        CriterionOutcome::Fail
    );
}

#[test]
fn scans_must_have_run_completely() {
    let all = |s: EvidenceStatus| {
        vec![
            ev(
                EvidenceKind::RepositoryFacts,
                EvidenceStatus::Complete,
                EvidencePayload::None,
            ),
            ev(
                EvidenceKind::Inventory,
                EvidenceStatus::Complete,
                EvidencePayload::None,
            ),
            ev(EvidenceKind::KnownVulnerabilities, s, EvidencePayload::None),
        ]
    };
    let e = all(EvidenceStatus::Complete);
    assert_eq!(
        run("develop.scans-current", &facts(&e, &[], &[])).outcome,
        CriterionOutcome::Pass
    );
    let e = all(EvidenceStatus::Partial {
        reason: "database 9 days old".into(),
    });
    let c = run("develop.scans-current", &facts(&e, &[], &[]));
    assert_eq!(c.outcome, CriterionOutcome::Fail);
    assert!(c.detail.contains("9 days old"));
    let c = run("develop.scans-current", &facts(&e[..2], &[], &[]));
    assert!(c.detail.contains("known-vulnerabilities did not run"));
}

#[test]
fn each_criterion_says_what_not_measured_means_and_old_ids_still_resolve() {
    for c in &CRITERIA {
        if let IfNotMeasured::Warn(why) = c.if_not_measured {
            assert!(why.len() > 40, "{}: a warning needs its reason", c.id);
        }
    }
    // penetration testing has no evidence yet: it fails, it never warns
    assert_eq!(
        get("qualify.penetration-test").unwrap().if_not_measured,
        IfNotMeasured::Fail
    );
    assert_eq!(
        get("qualify.security-tests-kpo").unwrap().id,
        "qualify.requirements-verified-kpo"
    );
    let d = criteria_for(
        Phase::Qualify,
        Tier::CRITICAL,
        &["qualify.security-tests-kpo".into()],
    );
    assert!(
        d.iter()
            .all(|c| c.id != "qualify.requirements-verified-kpo")
    );
}

fn pentest_payload(age: Option<i64>, counts: bool) -> EvidencePayload {
    use sef_model::evidence::resilience::{ResilienceTesting, TestSummary};
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 13).unwrap();
    EvidencePayload::ResilienceTesting(Box::new(ResilienceTesting {
        release: "2.4.0".into(),
        scope: vec!["component:api".into()],
        covered: vec!["component:api".into()],
        max_age_days: 365,
        retest_severity: "high".into(),
        tests: vec![TestSummary {
            id: "acme".into(),
            file: "security/tests/acme.toml".into(),
            title: "t".into(),
            tester: "Acme".into(),
            tester_kind: "external".into(),
            method: "grey-box".into(),
            started: day,
            completed: Some(day),
            release: None,
            scope: vec!["component:api".into()],
            report_sha256: None,
            counts_for_release: counts,
            why_not: (!counts).then(|| "in progress: no completion date".into()),
            age_days: age,
            findings: 0,
            open: 0,
            fixed: 0,
            awaiting_retest: 0,
            retests: 0,
            last_retest: None,
            imports: vec![],
        }],
        ..Default::default()
    }))
}

#[test]
fn penetration_test_needs_a_recent_test_no_open_blocking_finding_and_the_kpo() {
    let id = "qualify.penetration-test";
    let kind = EvidenceKind::ResilienceTesting;
    // no evidence: not measured (and this criterion fails when not measured)
    assert_eq!(
        run(id, &facts(&[], &[], &[])).outcome,
        CriterionOutcome::NotMeasured
    );
    let met = [kpi(
        "resilience.penetration-testing",
        Some(100.0),
        Some(KpoStatus::Met),
    )];
    let e = [ev(
        kind,
        EvidenceStatus::Complete,
        pentest_payload(Some(17), true),
    )];
    let c = run(id, &facts(&e, &[], &met));
    assert_eq!(c.outcome, CriterionOutcome::Pass, "{}", c.detail);
    assert!(
        c.detail.contains("test acme completed 2026-11-13"),
        "{}",
        c.detail
    );
    // too old
    let e = [ev(
        kind,
        EvidenceStatus::Complete,
        pentest_payload(Some(400), true),
    )];
    let c = run(id, &facts(&e, &[], &met));
    assert_eq!(c.outcome, CriterionOutcome::Fail, "{}", c.detail);
    assert!(c.detail.contains("within 365 days"), "{}", c.detail);
    // in progress
    let e = [ev(
        kind,
        EvidenceStatus::Complete,
        pentest_payload(None, false),
    )];
    let c = run(id, &facts(&e, &[], &met));
    assert!(c.detail.contains("in progress"), "{}", c.detail);
    assert_eq!(c.outcome, CriterionOutcome::Fail);
    // an open high finding of the test blocks; an accepted one does not
    let e = [ev(
        kind,
        EvidenceStatus::Complete,
        pentest_payload(Some(17), true),
    )];
    let mut f = Finding::open(
        sef_model::FindingKind::PenetrationTest,
        "resilience",
        "zap:40012",
        Severity::High,
        sef_model::Fingerprint::compute(["x"]),
    );
    let c = run(id, &facts(&e, std::slice::from_ref(&f), &met));
    assert_eq!(c.outcome, CriterionOutcome::Fail, "{}", c.detail);
    assert!(c.detail.contains("zap:40012"), "{}", c.detail);
    f.status = sef_model::FindingStatus::Accepted;
    assert_eq!(
        run(id, &facts(&e, &[f], &met)).outcome,
        CriterionOutcome::Pass
    );
    // the KPO missed
    let missed = [kpi(
        "resilience.penetration-testing",
        Some(50.0),
        Some(KpoStatus::Missed),
    )];
    assert_eq!(
        run(id, &facts(&e, &[], &missed)).outcome,
        CriterionOutcome::Fail
    );
    // failed evidence fails
    let e = [ev(
        kind,
        EvidenceStatus::Failed {
            reason: "security/tests/a.toml:3:1: bad".into(),
        },
        EvidencePayload::None,
    )];
    let c = run(id, &facts(&e, &[], &met));
    assert_eq!(c.outcome, CriterionOutcome::Fail);
    assert!(c.detail.contains("a.toml:3:1"), "{}", c.detail);
}
