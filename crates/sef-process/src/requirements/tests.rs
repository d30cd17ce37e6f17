//! Selection by tier, statuses, and traceability checks.

use super::*;

fn origin(line: usize) -> Origin {
    Origin {
        file: "security/requirements.toml".into(),
        line,
    }
}

fn entry(id: &str, status: Status, verification: Vec<Verification>) -> PlanEntry {
    PlanEntry {
        id: id.into(),
        status: Some(status),
        rationale: None,
        verification,
        custom: None,
        origin: origin(7),
    }
}

fn facts<'a>(tests: Option<&'a TestResults>) -> Facts<'a> {
    Facts {
        tests,
        path_exists: &|p| p == "tests/auth.rs",
        evidence: Some(&|k| match k {
            "inventory" => Some(true),
            "known-vulnerabilities" => Some(false),
            _ => None,
        }),
        selected: &[],
    }
}

#[test]
fn a_threat_countermeasure_selects_a_requirement_above_the_tier() {
    let selected = vec!["SEF-AUTH-019".to_owned()];
    let mut f = facts(None);
    let (e, _) = evaluate(Some(Tier::LOW), &[], &f);
    assert!(!e.rows.iter().any(|r| r.id == "SEF-AUTH-019"));
    f.selected = &selected;
    let (e, _) = evaluate(Some(Tier::LOW), &[], &f);
    let row = e.rows.iter().find(|r| r.id == "SEF-AUTH-019").unwrap();
    assert_eq!(row.source, "threat-model");
    let tier1 = e.rows.iter().find(|r| r.id == "SEF-AUTH-001").unwrap();
    assert_eq!(tier1.source, "catalog");
}

#[test]
fn selection_follows_the_tier() {
    let (low, _) = evaluate(Some(Tier::LOW), &[], &facts(None));
    let (crit, _) = evaluate(Some(Tier::CRITICAL), &[], &facts(None));
    assert_eq!(low.rows.len(), catalog::for_tier(Tier::LOW).count());
    assert_eq!(crit.rows.len(), catalog::all().count());
    assert!(low.rows.len() < crit.rows.len());
    assert_eq!(low.categories_selected, 9);
    assert!(low.tier_from_pti);
    assert_eq!(low.completeness, Completeness::Missing);
    assert_eq!(low.total.planned, low.rows.len());
}

#[test]
fn without_a_pti_everything_is_selected() {
    let (e, _) = evaluate(None, &[], &facts(None));
    assert_eq!(e.tier, Tier::CRITICAL);
    assert!(!e.tier_from_pti);
    assert_eq!(e.rows.len(), catalog::all().count());
}

#[test]
fn a_higher_tier_requirement_can_be_added_and_custom_ones_defined() {
    let mut custom = entry("ACME-001", Status::Implemented, vec![]);
    custom.custom = Some(Custom {
        category: Category::DataAtRest,
        statement: "Exports are watermarked.".into(),
    });
    let added = entry("SEF-AUTH-019", Status::Planned, vec![]);
    let (e, _) = evaluate(Some(Tier::LOW), &[custom, added], &facts(None));
    assert!(e.rows.iter().any(|r| r.id == "SEF-AUTH-019"));
    let row = e.rows.iter().find(|r| r.id == "ACME-001").unwrap();
    assert_eq!(row.source, "plan");
    assert_eq!(row.category, Category::DataAtRest);
    assert_eq!(e.completeness, Completeness::Partial);
}

#[test]
fn verified_needs_confirmed_evidence() {
    let mut tests = TestResults::default();
    tests.record("auth", "rejects_expired_token", true);
    tests.record("auth", "locks_after_failures", false);
    let entries = vec![
        entry(
            "SEF-AUTH-001",
            Status::Verified,
            vec![Verification::Test("auth::rejects_expired_token".into())],
        ),
        entry(
            "SEF-AUTH-002",
            Status::Verified,
            vec![Verification::Test("auth.locks_after_failures".into())],
        ),
        entry(
            "SEF-AUTH-003",
            Status::Verified,
            vec![Verification::Test("no_such_test".into())],
        ),
        entry(
            "SEF-AUTH-004",
            Status::Verified,
            vec![Verification::File("tests/auth.rs".into())],
        ),
        entry(
            "SEF-AUTH-005",
            Status::Verified,
            vec![Verification::Evidence("known-vulnerabilities".into())],
        ),
        entry("SEF-AUTH-006", Status::Verified, vec![]),
        entry(
            "SEF-CONF-005",
            Status::Verified,
            vec![Verification::Evidence("inventory".into())],
        ),
    ];
    let (e, w) = evaluate(Some(Tier::LOW), &entries, &facts(Some(&tests)));
    let verified: Vec<&str> = e
        .rows
        .iter()
        .filter(|r| r.verified)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(
        verified,
        vec!["SEF-AUTH-001", "SEF-AUTH-004", "SEF-CONF-005"]
    );
    let by_cat = &e.by_category[1].1;
    assert_eq!(by_cat.verified, 2);
    assert_eq!(by_cat.implemented, 4);
    // failed test, missing test, incomplete evidence, no verification
    assert_eq!(w.len(), 4, "{w:#?}");
    assert!(w[1].to_string().starts_with("security/requirements.toml:7: requirement SEF-AUTH-003: test `no_such_test` does not exist in the JUnit results"));
}

#[test]
fn tests_without_results_are_not_measured_not_missing() {
    let entries = vec![entry(
        "SEF-AUTH-001",
        Status::Verified,
        vec![Verification::Test("anything".into())],
    )];
    let (e, w) = evaluate(Some(Tier::LOW), &entries, &facts(None));
    let row = e.rows.iter().find(|r| r.id == "SEF-AUTH-001").unwrap();
    assert_eq!(row.checks[0].state, CheckState::NotMeasured);
    assert!(!row.verified);
    assert!(w.is_empty());
}

#[test]
fn all_verified_or_not_applicable_is_complete() {
    let entries: Vec<PlanEntry> = catalog::for_tier(Tier::LOW)
        .enumerate()
        .map(|(i, r)| {
            if i % 2 == 0 {
                entry(
                    r.id,
                    Status::Verified,
                    vec![Verification::File("tests/auth.rs".into())],
                )
            } else {
                let mut e = entry(r.id, Status::NotApplicable, vec![]);
                e.rationale = Some("n/a".into());
                e
            }
        })
        .collect();
    let (e, w) = evaluate(Some(Tier::LOW), &entries, &facts(None));
    assert!(w.is_empty());
    assert_eq!(e.completeness, Completeness::Complete);
    assert_eq!(e.total.verified + e.total.not_applicable, e.total.total);
}

#[test]
fn a_category_with_only_not_applicable_is_not_selected() {
    let entries: Vec<PlanEntry> = catalog::for_tier(Tier::LOW)
        .filter(|r| r.category == Category::SessionManagement)
        .map(|r| entry(r.id, Status::NotApplicable, vec![]))
        .collect();
    let (e, _) = evaluate(Some(Tier::LOW), &entries, &facts(None));
    assert_eq!(e.categories_selected, 8);
}

#[test]
fn test_results_keep_the_worse_outcome() {
    let mut t = TestResults::default();
    t.record("", "flaky", true);
    t.record("", "flaky", false);
    assert_eq!(t.outcome("flaky"), Some(false));
    assert_eq!(t.outcome("other"), None);
    assert_eq!(t.cases, 2);
}
