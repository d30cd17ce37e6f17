//! The golden end-to-end test: a realistic web-service model (15 technical
//! assets, 3 actors, 6 data assets, 20 flows, 4 nested boundaries;
//! fixtures/golden/v1) is checked against the risk table below, written by
//! hand from the rule definitions in rules/builtin.yaml before the code ran
//! (docs/threat-model.md, "How the golden table was made"). A second
//! revision (fixtures/golden/v2) gives the expected diff.
//!
//! Where sef and the hand-written table disagree, the difference is listed
//! in `DIFFERENCES` with why; the test fails on any difference that is not.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use sef_model::Severity;
use sef_threat::tracking::Tracking;
use sef_threat::{diff, judge, load, risk, rules, tracking};
use std::collections::BTreeMap;
use std::path::Path;

fn read(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/golden")
        .join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

use Severity::{Critical as C, High as H, Low as L, Medium as M};

/// Every risk of v1, by hand: rule@element and its severity on the
/// default matrix (impact × likelihood after the rule's adjustments).
const EXPECTED: &[(&str, Severity)] = &[
    // data flows
    ("unencrypted-communication@lb-frontend", C), // high (PII) × very-likely (source internet-facing)
    ("unencrypted-communication@lb-api", C),      // same
    ("unencrypted-communication@api-catalog-db", M), // medium (public catalogue) × likely
    ("unencrypted-communication@api-logging", H), // high (audit log integrity critical) × likely
    ("unencrypted-internal-communication@api-cache", M), // low→medium (PII) × possible
    ("missing-authentication@cdn-frontend", C),   // high→very-high (PII at the target) × likely
    ("missing-authentication@api-logging", C),    // high→very-high (audit log integrity) × likely
    ("static-service-credentials@api-orders-db", M), // medium→high (PII) × possible
    ("static-service-credentials@api-catalog-db", M), // medium × possible
    ("static-service-credentials@api-queue", M),
    ("static-service-credentials@queue-worker", M), // medium→high (payment tokens) × possible
    ("static-service-credentials@worker-payment", M),
    ("weak-user-authentication@admin-login", H), // high→very-high (privileged) × possible
    ("sensitive-data-to-third-party@worker-payment", M), // high × possible
    ("cleartext-credentials@lb-frontend", H),    // high × likely
    ("cleartext-credentials@lb-api", H),
    ("cleartext-credentials@api-catalog-db", H),
    ("token-forgery@lb-api", M), // high × possible
    ("token-forgery@admin-portal-api", M),
    ("confused-deputy@api-auth", M), // medium × possible
    ("confused-deputy@api-orders-db", M),
    ("confused-deputy@api-vault", M),
    ("unsigned-critical-messages@worker-payment", M), // very-high × unlikely
    ("unsigned-critical-messages@api-logging", M),
    ("client-side-validation@admin-login", M), // medium × likely
    ("token-replay@lb-api", L),                // high × unlikely
    ("certificate-validation@worker-payment", L),
    ("weak-tls-configuration@customer-web", L), // medium × unlikely
    ("weak-tls-configuration@customer-api", L),
    ("weak-tls-configuration@worker-payment", L),
    ("weak-tls-configuration@partner-orders", L),
    ("sensitive-data-in-url@customer-api", M), // medium × possible
    ("sensitive-data-in-url@admin-login", M),
    // technical assets
    ("sql-injection@api", M), // high × possible, no adjustment holds
    ("cross-site-scripting@web-frontend", H), // medium→high (PII) × likely
    ("cross-site-scripting@admin-portal", H),
    ("cross-site-request-forgery@web-frontend", M),
    ("cross-site-request-forgery@api", M),
    ("path-traversal@api", M),
    ("unsafe-deserialization@worker", H), // very-high × possible
    ("missing-hardening@auth-service", M),
    ("missing-hardening@queue", M),
    ("missing-hardening@cache", M),
    ("missing-hardening@orders-db", M),
    ("missing-hardening@catalog-db", M),
    ("missing-hardening@object-storage", M),
    ("unencrypted-storage@cache", M), // high × possible
    ("missing-audit-logging@web-frontend", M),
    ("missing-audit-logging@auth-service", M),
    ("missing-audit-logging@admin-portal", M),
    ("sensitive-data-in-logs@api", M),
    ("denial-of-service@cdn", H), // medium→high (catalogue availability) × likely
    ("slow-dependency@worker", M),
    ("password-storage@auth-service", M), // very-high × unlikely
    ("sensitive-data-in-cache@cache", M),
    ("unprotected-backups@orders-db", L), // high × unlikely
    // actors
    ("privileged-actor-without-mfa@admin", H), // very-high × possible
    ("external-system-spoofing@partner", M),
    // data assets
    ("personal-data-exposure@customer-pii", H), // high × possible→likely (processed by the WAF)
    ("critical-data-tampering@payment-tokens", H), // very-high × possible
];

/// Rule matches the model itself shows countered (`mitigated_when`).
const MITIGATED_IN_MODEL: &[&str] = &[
    "denial-of-service@waf-lb",  // rate_limited
    "missing-audit-logging@api", // logs to the log platform
    "missing-hardening@cdn",     // hardened
    "missing-hardening@vault",
    "missing-hardening@waf-lb",
    "session-token-cleartext@customer-api", // TLS and secure cookies
];

/// Differences between the hand-written table and sef, each explained:
/// (risk id, severity by hand or None when absent by hand, sef's
/// severity or None when sef has none, why).
const DIFFERENCES: &[(&str, Option<Severity>, Option<Severity>, &str)] = &[];

struct V {
    model: sef_threat::Model,
    outcome: risk::Outcome,
    tracking: Tracking,
    digest: String,
}

fn version(dir: &str) -> V {
    let files = vec![(
        format!("{dir}/model.yaml"),
        read(&format!("{dir}/model.yaml")),
    )];
    let model = load::load(&files).unwrap_or_else(|e| panic!("{e:?}"));
    let rules = rules::load(&[], true, &|id| sef_process_like(id)).unwrap();
    let outcome = risk::assess(&model, &rules, &risk::Matrix::default());
    let tracking = match std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/fixtures/golden/{dir}/tracking.toml")),
    ) {
        Ok(t) => tracking::parse("tracking.toml", &t).unwrap(),
        Err(_) => Tracking::default(),
    };
    V {
        digest: load::digest(&files),
        model,
        outcome,
        tracking,
    }
}

/// The catalog's ids have this shape; sef-threat does not depend on
/// sef-process, whose catalog the engine checks countermeasures against.
fn sef_process_like(id: &str) -> bool {
    id.starts_with("SEF-")
}

#[test]
fn golden_model_gives_the_hand_written_risk_table() {
    let v = version("v1");
    assert_eq!(v.model.technical_assets.len(), 15);
    assert_eq!(v.model.data_flows.len(), 20);
    assert_eq!(v.model.trust_boundaries.len(), 4);
    let got: BTreeMap<&str, Severity> = v
        .outcome
        .risks
        .iter()
        .map(|r| (r.id.as_str(), r.severity))
        .collect();
    let mut want: BTreeMap<&str, Severity> = EXPECTED.iter().copied().collect();
    assert_eq!(
        want.len(),
        EXPECTED.len(),
        "a risk is written twice in EXPECTED"
    );
    for (id, by_hand, by_sef, why) in DIFFERENCES {
        assert!(!why.is_empty());
        assert_eq!(
            want.get(id).copied(),
            *by_hand,
            "DIFFERENCES names {id} wrongly"
        );
        match by_sef {
            Some(s) => want.insert(id, *s),
            None => want.remove(id),
        };
    }
    let mut report = Vec::new();
    for (id, s) in &want {
        match got.get(id) {
            None => report.push(format!("expected by hand, not found by sef: {id} ({s})")),
            Some(g) if g != s => report.push(format!("{id}: by hand {s}, sef {g}")),
            _ => {}
        }
    }
    for (id, s) in &got {
        if !want.contains_key(id) {
            report.push(format!(
                "found by sef, not in the hand-written table: {id} ({s})"
            ));
        }
    }
    assert!(
        report.is_empty(),
        "unexplained differences:\n{}",
        report.join("\n")
    );
    assert_eq!(v.outcome.mitigated_in_model, MITIGATED_IN_MODEL);
    // Ranked: most severe first, then by score and id.
    let sev: Vec<Severity> = v.outcome.risks.iter().map(|r| r.severity).collect();
    assert!(sev.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(v.outcome.risks[0].severity, C);
    // The place of a risk is its element's entry in the model.
    let r = v
        .outcome
        .risks
        .iter()
        .find(|r| r.id == "sql-injection@api")
        .unwrap();
    assert_eq!(
        (r.place.file.as_str(), r.place.at.line),
        ("v1/model.yaml", 84)
    );
}

#[test]
fn golden_model_judged_without_tracking_leaves_every_high_risk_untracked() {
    let v = version("v1");
    let (p, findings) = judge::judge(
        &judge::Input {
            model: &v.model,
            digest: &v.digest,
            outcome: &v.outcome,
            tracking: &Tracking::default(),
            rule_files: &[],
        },
        &judge::Settings::default(),
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    );
    let high = EXPECTED.iter().filter(|(_, s)| *s >= H).count();
    assert_eq!(high, 16);
    assert_eq!(p.untracked_high.len(), high);
    assert_eq!(p.unmitigated_high.len(), high);
    assert_eq!(findings.len(), high);
    assert!(!p.reviewed);
    assert_eq!(
        (
            p.by_severity.critical,
            p.by_severity.high,
            p.by_severity.medium,
            p.by_severity.low
        ),
        (4, 12, 37, 7)
    );
    let f = findings
        .iter()
        .find(|f| f.rule_id == "unsafe-deserialization")
        .unwrap();
    assert_eq!(f.location.as_ref().unwrap().path, "v1/model.yaml");
    assert!(f.cwe.iter().any(|c| c.0 == 502));
}

#[test]
fn the_second_revision_gives_the_expected_diff() {
    let (a, b) = (version("v1"), version("v2"));
    let d = diff::diff(
        &diff::Side {
            model: &a.model,
            risks: &a.outcome.risks,
            tracking: &a.tracking,
        },
        &diff::Side {
            model: &b.model,
            risks: &b.outcome.risks,
            tracking: &b.tracking,
        },
    );
    assert_eq!(d.new_assets, vec!["ml-vendor", "recommendations"]);
    assert!(d.removed.is_empty(), "{:?}", d.removed);
    assert_eq!(d.new_boundary_flows, vec!["recommendations-vendor"]);
    assert_eq!(d.reclassified.len(), 1);
    assert_eq!(d.reclassified[0].id, "orders");
    assert_eq!(
        d.reclassified[0].changes,
        vec!["confidentiality: medium -> high"]
    );
    // v2 encrypts the load balancer's two flows and records the
    // front end's cross-site scripting as mitigated.
    let closed: Vec<(&str, &str)> = d
        .mitigated
        .iter()
        .map(|c| (c.id.as_str(), c.how.as_str()))
        .collect();
    assert_eq!(
        closed,
        vec![
            (
                "cleartext-credentials@lb-api",
                "gone from the model's risks"
            ),
            (
                "cleartext-credentials@lb-frontend",
                "gone from the model's risks"
            ),
            ("cross-site-scripting@web-frontend", "now mitigated"),
            (
                "unencrypted-communication@lb-api",
                "gone from the model's risks"
            ),
            (
                "unencrypted-communication@lb-frontend",
                "gone from the model's risks"
            ),
        ]
    );
    // The new service and its vendor bring their own risks (worked out
    // from the rules: SSRF and a slow dependency on the service, personal
    // data to a third party on the vendor flow).
    for id in [
        "server-side-request-forgery@recommendations (medium)",
        "slow-dependency@recommendations (medium)",
        "sensitive-data-to-third-party@recommendations-vendor (medium)",
        "weak-tls-configuration@recommendations-vendor (low)",
    ] {
        assert!(
            d.new_risks.iter().any(|r| r == id),
            "{id} not in {:?}",
            d.new_risks
        );
    }
}

#[test]
fn risk_ids_survive_unrelated_edits() {
    let text = read("v1/model.yaml");
    let ids = |t: &str| -> Vec<String> {
        let m = load::load(&[("m.yaml".into(), t.to_owned())]).unwrap();
        let rules = rules::load(&[], true, &sef_process_like).unwrap();
        let mut v: Vec<String> = risk::assess(&m, &rules, &risk::Matrix::default())
            .risks
            .into_iter()
            .map(|r| r.id)
            .collect();
        v.sort();
        v
    };
    let before = ids(&text);
    // renamed elements, a new description, comments, and an unrelated
    // public data asset added at the top
    let edited = text
        .replace("name: Shop API", "name: Storefront API")
        .replace("name: Order worker", "name: Fulfilment worker")
        .replace(
            "data_assets:\n",
            "data_assets:\n  # added later\n  - {id: press-kit, classification: public, confidentiality: low, integrity: low, availability: low}\n",
        );
    assert_ne!(text, edited);
    assert_eq!(before, ids(&edited));
}

#[test]
fn acceptances_and_reviews_count_only_when_the_plan_allows_them() {
    let v = version("v1");
    let t = format!(
        r#"
[[review]]
reviewer = "bob"
date = 2026-11-20
digest = "{digest}"

[risks."unencrypted-communication@lb-api"]
status = "accepted"
approver = "alice"
justification = "TLS rollout in January"
granted = 2026-11-01
expires = 2027-01-31

[risks."unencrypted-communication@lb-frontend"]
status = "accepted"
approver = "alice"
justification = "expired"
granted = 2026-06-01
expires = 2026-11-30

[risks."missing-authentication@cdn-frontend"]
status = "accepted"
approver = "mallory"
justification = "not a member"
granted = 2026-11-01
expires = 2027-01-31

[risks."missing-authentication@api-logging"]
status = "accepted"
approver = "alice"
justification = "too long"
granted = 2026-11-01
expires = 2028-01-31

[risks."cross-site-scripting@web-frontend"]
status = "false-positive"
note = "no HTML is rendered from user input"

[risks."gone-rule@nowhere"]
status = "mitigated"
evidence = "tests/x.rs"
"#,
        digest = v.digest
    );
    let tracking = tracking::parse("tracking.toml", &t).unwrap();
    let settings = judge::Settings {
        architects: vec!["alice".into()],
        approvers: Some(vec!["alice".into()]),
        acceptance_max_days: Some(365),
        ..judge::Settings::default()
    };
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let (p, findings) = judge::judge(
        &judge::Input {
            model: &v.model,
            digest: &v.digest,
            outcome: &v.outcome,
            tracking: &tracking,
            rule_files: &[],
        },
        &settings,
        day,
    );
    let row = |id: &str| p.risks.iter().find(|r| r.id == id).unwrap();
    assert_eq!(row("unencrypted-communication@lb-api").status_note, None);
    assert!(
        row("unencrypted-communication@lb-frontend")
            .status_note
            .as_deref()
            .unwrap()
            .contains("expired on 2026-11-30")
    );
    assert!(
        row("missing-authentication@cdn-frontend")
            .status_note
            .as_deref()
            .unwrap()
            .contains("`mallory`")
    );
    assert!(
        row("missing-authentication@api-logging")
            .status_note
            .as_deref()
            .unwrap()
            .contains("acceptance_max_days = 365")
    );
    let open: Vec<&str> = p.unmitigated_high.iter().map(String::as_str).collect();
    assert!(!open.contains(&"unencrypted-communication@lb-api"));
    assert!(!open.contains(&"cross-site-scripting@web-frontend"));
    for id in [
        "unencrypted-communication@lb-frontend",
        "missing-authentication@cdn-frontend",
        "missing-authentication@api-logging",
    ] {
        assert!(open.contains(&id), "{id}");
        assert!(
            !p.untracked_high.contains(&id.to_owned()),
            "{id} is tracked"
        );
    }
    assert_eq!(findings.len(), open.len());
    assert_eq!(p.stale_tracking, vec!["gone-rule@nowhere"]);
    // the review is current but by a developer: it does not count
    let r = p.last_review.as_ref().unwrap();
    assert!(r.current && !r.by_architect && !p.reviewed);
    // the same review by the architect counts; 400 days later it is too old
    let t2 = t.replace("reviewer = \"bob\"", "reviewer = \"alice\"");
    let tracking = tracking::parse("tracking.toml", &t2).unwrap();
    let judged = |day| {
        judge::judge(
            &judge::Input {
                model: &v.model,
                digest: &v.digest,
                outcome: &v.outcome,
                tracking: &tracking,
                rule_files: &[],
            },
            &settings,
            day,
        )
        .0
    };
    assert!(judged(day).reviewed);
    assert!(!judged(chrono::NaiveDate::from_ymd_opt(2027, 12, 26).unwrap()).reviewed);
}
