//! The standalone security-plan views.

use super::*;
use sef_process::Tier;
use sef_process::requirements::{Facts, PlanEntry, Status, evaluate};

#[test]
fn csv_quotes_and_guards_formulas() {
    assert_eq!(csv_field("plain"), "plain");
    assert_eq!(csv_field("a,b"), "\"a,b\"");
    assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    assert_eq!(csv_field("-1,2"), "\"'-1,2\"");
    assert_eq!(csv_field("line\nbreak"), "\"line\nbreak\"");
}

fn rows() -> Vec<Row> {
    let entries = vec![PlanEntry {
        id: "SEF-AUTH-001".into(),
        status: Some(Status::NotApplicable),
        rationale: Some("=cmd|' /C calc'!A0".into()),
        verification: vec![],
        custom: None,
        origin: sef_process::Origin::default(),
    }];
    let facts = Facts {
        tests: None,
        path_exists: &|_| false,
        evidence: None,
        selected: &[],
    };
    evaluate(Some(Tier::LOW), &entries, &facts).0.rows
}

#[test]
fn csv_has_one_line_per_row_and_no_live_formula() {
    let rows = rows();
    let csv = requirements(&rows, RequirementsFormat::Csv, None);
    assert_eq!(csv.lines().count(), rows.len() + 1);
    assert!(csv.starts_with("id,category,status,verified,tiers,"));
    assert!(csv.contains(",'=cmd|' /C calc'!A0,"), "{csv}");
    assert!(!csv.contains(",=cmd"));
}

#[test]
fn text_and_markdown_show_status_and_references() {
    let rows = rows();
    let text = requirements(&rows, RequirementsFormat::Text, None);
    assert!(text.contains("Authentication and authorization"));
    assert!(text.contains("SEF-AUTH-001    not-applicable"));
    assert!(text.contains("ASVS V6.3.1, ASVS V6.1.1, CWE-307"));
    let md = requirements(&rows, RequirementsFormat::Markdown, None);
    assert!(md.starts_with("# Security requirements"));
    assert!(md.contains("| `SEF-AUTH-001` | authentication-and-authorization | not-applicable |"));
    let html = requirements(&rows, RequirementsFormat::Html, None);
    assert!(
        html.contains("&#x27;")
            || html.contains("&#39;")
            || html.contains("&apos;")
            || !html.contains("'/C")
    );
}

#[test]
fn asvs_wording_is_shown_when_supplied() {
    let std = sef_process::asvs::parse(
        r#"{"requirements":[{"req_id":"V6.3.1","req_description":"Brute force is stopped.","L":"1"}]}"#,
    )
    .unwrap();
    let text = requirements(&rows(), RequirementsFormat::Text, Some(&std));
    assert!(text.contains("V6.3.1 (L1): Brute force is stopped."));
    assert!(text.contains("V6.1.1: not in the supplied ASVS file"));
}

#[test]
fn pti_views() {
    use sef_model::evidence::plan_payloads::PtiPayload;
    let missing = PtiPayload::default();
    assert!(pti_text("o", Some(&missing), false).contains("not done"));
    assert!(pti_text("o", None, false).contains("not done"));
    let incomplete = PtiPayload {
        outcome: Some(sef_process::pti::Outcome::Incomplete {
            unanswered: vec!["exposure".into()],
        }),
        ..Default::default()
    };
    assert!(pti_text("o", Some(&incomplete), true).contains("- exposure"));
    let q = sef_process::pti::Questionnaire {
        data_classification: Some(sef_process::pti::DataClassification::Restricted),
        personal_data: Some(false),
        credential_data: Some(false),
        payment_data: Some(false),
        health_data: Some(false),
        exposure: Some(sef_process::pti::Exposure::Internal),
        anonymous_access: Some(false),
        multi_tenant: Some(false),
        privileged: Some(false),
        deployment: Some(sef_process::pti::Deployment::OnPremises),
        criticality: Some(sef_process::pti::Criticality::Low),
        user_scale: Some(sef_process::pti::UserScale::Small),
    };
    let p = PtiPayload {
        outcome: Some(sef_process::pti::evaluate(&q)),
        source: Some("security/pti.toml".into()),
        ..Default::default()
    };
    let text = pti_text("o", Some(&p), true);
    assert!(text.contains("index 24 of 100 → tier 3 (high)"), "{text}");
    assert!(text.contains("the index alone gives tier 1"), "{text}");
    assert!(
        text.contains("data_classification    restricted           24  data-value"),
        "{text}"
    );
    assert!(text.contains("at least tier 3: restricted data"), "{text}");
}

#[test]
fn status_filter_counts_unconfirmed_verified_as_implemented() {
    let mut r = rows().remove(0);
    r.status = Status::Verified;
    r.verified = false;
    assert!(row_has_status(&r, "implemented"));
    assert!(!row_has_status(&r, "verified"));
    r.verified = true;
    assert!(row_has_status(&r, "verified"));
}
