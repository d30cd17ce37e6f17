//! Every KPI function, on its measured and its not-measured paths.

use super::*;
use crate::test_payloads as tp;
use chrono::{Duration, TimeZone, Utc};
use sef_model::EvidencePayload;
use sef_model::{EvidenceId, EvidenceKind, EvidenceStatus, Phase, ToolInfo};

fn ev(kind: EvidenceKind, status: EvidenceStatus, payload: EvidencePayload) -> Evidence {
    let t = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
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

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap()
}

fn inputs<'a>(evidence: &'a [Evidence], peers: &'a [Peer], history: &'a [PastRun]) -> Inputs<'a> {
    Inputs {
        evidence,
        tier: Some(Tier::LOW),
        phase: Phase::Develop,
        at: at(),
        peers,
        history,
        max_unknown_percent: 20,
    }
}

fn measure(id: &str, i: &Inputs<'_>) -> Outcome {
    (get(id).unwrap().measure)(i)
}

fn missing() -> EvidenceStatus {
    EvidenceStatus::Missing {
        reason: "no [x]".into(),
    }
}

fn docs(topics: Vec<sef_model::plan::documentation::TopicStatus>) -> Evidence {
    ev(
        EvidenceKind::SecurityDocumentation,
        EvidenceStatus::Partial { reason: "r".into() },
        tp::documentation(topics, 1, 3),
    )
}

#[test]
fn definitions_are_unique_and_cover_all_five_tables() {
    for (n, k) in KPIS.iter().enumerate() {
        assert!(KPIS[n + 1..].iter().all(|o| o.id != k.id), "{}", k.id);
        assert!(k.id.starts_with(match k.table {
            Table::Quality => "quality.",
            Table::Integrity => "integrity.",
            Table::Resilience => "resilience.",
            Table::PostReleaseQuality => "post-release.",
            Table::PostReleaseServiceability => "serviceability.",
        }));
        assert!(!k.needs.is_empty() || k.also.is_some());
    }
    for t in Table::ALL {
        assert!(KPIS.iter().any(|k| k.table == *t), "{t}");
    }
    assert_eq!(
        KPIS.iter().filter(|k| k.table == Table::Integrity).count(),
        6
    );
    assert_eq!(
        KPIS.iter().filter(|k| k.table == Table::Resilience).count(),
        3
    );
}

#[test]
fn nothing_at_all_is_not_measured_everywhere_but_practices() {
    let i = inputs(&[], &[], &[]);
    for m in measure_all(&i) {
        match m.id {
            // a share of practices with evidence: none of them, measured
            "quality.secure-engineering-practices" => assert_eq!(m.outcome.value(), Some(0.0)),
            _ => assert!(
                m.outcome.value().is_none(),
                "{} measured from nothing",
                m.id
            ),
        }
    }
}

#[test]
fn practices_count_what_the_evidence_shows_was_followed() {
    use sef_model::evidence::facts::{Inventory, PolicyFiles, RepoFacts, ScannedFile};
    let lockfile = Inventory {
        files: vec![ScannedFile {
            path: "Cargo.lock".into(),
            extractor: "cargo-lock".into(),
            components: 3,
            ok: true,
            excluded: false,
        }],
        ..Inventory::default()
    };
    // the repository facts ran, complete, but show no code owners and no
    // security policy: repository hygiene was not followed
    let hygiene_missing = RepoFacts {
        policy_files: PolicyFiles {
            ci: Some(".github/workflows/ci.yml".into()),
            ..PolicyFiles::default()
        },
        ..RepoFacts::default()
    };
    let e = vec![
        ev(
            EvidenceKind::RepositoryFacts,
            EvidenceStatus::Complete,
            EvidencePayload::RepositoryFacts(hygiene_missing),
        ),
        ev(
            EvidenceKind::Inventory,
            EvidenceStatus::Complete,
            EvidencePayload::Inventory(Box::new(lockfile)),
        ),
        ev(
            EvidenceKind::Pti,
            EvidenceStatus::Complete,
            EvidencePayload::None,
        ),
        ev(
            EvidenceKind::KnownVulnerabilities,
            EvidenceStatus::Partial {
                reason: "old".into(),
            },
            EvidencePayload::None,
        ),
    ];
    let i = inputs(&e, &[], &[]);
    let o = measure("quality.secure-engineering-practices", &i);
    // tier 1 requires 7 practices; the inventory and the PTI are followed
    assert_eq!(o.value(), Some(28.6));
    let Outcome::Measured {
        detail: Some(d), ..
    } = o
    else {
        panic!()
    };
    assert!(d.contains("2 of 7 practices of tier 1"), "{d}");
    assert!(
        d.contains("repository-facts (missing: security policy, code owners)"),
        "{d}"
    );
    assert!(
        d.contains("known-vulnerabilities (partial evidence)"),
        "{d}"
    );
    assert!(d.contains("without evidence: planning-checklist"), "{d}");

    // an inventory that read no lockfile shows nothing was inventoried
    let e = vec![ev(
        EvidenceKind::Inventory,
        EvidenceStatus::Complete,
        EvidencePayload::Inventory(Box::default()),
    )];
    let o = measure(
        "quality.secure-engineering-practices",
        &inputs(&e, &[], &[]),
    );
    assert_eq!(o.value(), Some(0.0));
}

#[test]
fn known_vulnerability_testing() {
    let kv = |status, tested, total| {
        vec![ev(
            EvidenceKind::KnownVulnerabilities,
            status,
            tp::vulnerabilities(tested, total),
        )]
    };
    let e = kv(EvidenceStatus::Complete, 3, 4);
    assert_eq!(
        measure(
            "integrity.known-vulnerability-testing",
            &inputs(&e, &[], &[])
        )
        .value(),
        Some(75.0)
    );
    let e = kv(EvidenceStatus::Complete, 0, 0);
    assert!(matches!(
        measure("integrity.known-vulnerability-testing", &inputs(&e, &[], &[])),
        Outcome::NotMeasured { reason } if reason.contains("no third-party component")
    ));
    let e = kv(
        EvidenceStatus::Failed {
            reason: "no database".into(),
        },
        0,
        10,
    );
    assert!(matches!(
        measure("integrity.known-vulnerability-testing", &inputs(&e, &[], &[])),
        Outcome::NotMeasured { reason } if reason.contains("failed: no database")
    ));
    assert!(
        measure(
            "integrity.known-vulnerability-testing",
            &inputs(&[], &[], &[])
        )
        .value()
        .is_none()
    );
}

#[test]
fn documentation_kpis() {
    let topics = vec![
        tp::topic("security-architecture", true, true, None),
        tp::topic("integration", true, false, None),
        tp::topic("environment-settings", false, false, None),
        tp::topic("deployment", true, false, Some("n/a")),
        tp::topic("operations", true, false, None),
    ];
    let e = vec![docs(topics)];
    let i = inputs(&e, &[], &[]);
    assert_eq!(
        measure("integrity.security-feature-documentation", &i).value(),
        Some(33.3)
    );
    assert_eq!(
        measure("resilience.design-documentation", &i).value(),
        Some(50.0)
    );
    assert_eq!(
        measure("resilience.deployment-documentation", &i).value(),
        Some(50.0)
    );
    // no mapped topics: not measured, not 0
    let e = vec![docs(vec![])];
    let i = inputs(&e, &[], &[]);
    assert!(
        measure("integrity.security-feature-documentation", &i)
            .value()
            .is_none()
    );
    assert!(
        measure("resilience.design-documentation", &i)
            .value()
            .is_none()
    );
    let e = vec![ev(
        EvidenceKind::SecurityDocumentation,
        missing(),
        EvidencePayload::None,
    )];
    let i = inputs(&e, &[], &[]);
    assert!(matches!(
        measure("resilience.deployment-documentation", &i),
        Outcome::NotMeasured { reason } if reason.contains("missing: no [x]")
    ));
}

#[test]
fn assurance_review_is_the_verified_share_of_applicable_requirements() {
    let req = |total, na, verified, status| {
        vec![ev(
            EvidenceKind::SecurityRequirements,
            status,
            tp::requirements(total, na, verified, 9),
        )]
    };
    let e = req(10, 2, 2, EvidenceStatus::Complete);
    assert_eq!(
        measure(
            "integrity.assurance-review-documentation",
            &inputs(&e, &[], &[])
        )
        .value(),
        Some(25.0)
    );
    let e = req(3, 3, 0, EvidenceStatus::Complete);
    assert!(
        measure(
            "integrity.assurance-review-documentation",
            &inputs(&e, &[], &[])
        )
        .value()
        .is_none()
    );
    let e = req(10, 0, 0, missing());
    assert!(
        measure(
            "integrity.assurance-review-documentation",
            &inputs(&e, &[], &[])
        )
        .value()
        .is_none()
    );
}

#[test]
fn comparisons_with_peers() {
    let e = vec![ev(
        EvidenceKind::KnownVulnerabilities,
        EvidenceStatus::Complete,
        tp::vulnerabilities(9, 10),
    )];
    let peer = |v: f64| Peer {
        offering: "other".into(),
        values: vec![("integrity.known-vulnerability-testing".into(), v)],
    };
    let cmp = |peers: &[Peer]| measure("quality.integrity-vs-peers", &inputs(&e, peers, &[]));
    assert!(
        matches!(cmp(&[]), Outcome::NotMeasured { reason } if reason.contains("no other offering"))
    );
    assert_eq!(cmp(&[peer(50.0)]).value(), Some(1.0));
    assert_eq!(cmp(&[peer(88.0), peer(92.0)]).value(), Some(0.0));
    assert_eq!(cmp(&[peer(100.0)]).value(), Some(-1.0));
    // peers with only resilience values do not count for integrity
    let r = Peer {
        offering: "r".into(),
        values: vec![("resilience.design-documentation".into(), 10.0)],
    };
    assert!(cmp(&[r]).value().is_none());
    // nothing of our own measured: not measured
    assert!(
        measure(
            "quality.resilience-vs-peers",
            &inputs(&e, &[peer(1.0)], &[])
        )
        .value()
        .is_none()
    );
}

#[test]
fn cve_review_interval_counts_lifecycle_reviews() {
    let e = vec![ev(
        EvidenceKind::KnownVulnerabilities,
        EvidenceStatus::Complete,
        EvidencePayload::None,
    )];
    let past = |days: i64, phase, ok| PastRun {
        at: at() - Duration::days(days),
        phase,
        vulnerabilities_complete: ok,
    };
    let history = vec![
        past(20, Phase::Lifecycle, true),
        past(10, Phase::Lifecycle, true),
        past(5, Phase::Lifecycle, false),
        past(40, Phase::Launch, true),
    ];
    let mut i = inputs(&e, &[], &history);
    assert!(matches!(
        measure("post-release.cve-review-interval", &i),
        Outcome::NotMeasured { reason } if reason.contains("develop phase")
    ));
    i.phase = Phase::Lifecycle;
    assert_eq!(
        measure("post-release.cve-review-interval", &i).value(),
        Some(10.0)
    );
    let one = vec![past(3, Phase::Lifecycle, false)];
    let i = Inputs {
        phase: Phase::Lifecycle,
        ..inputs(&e, &[], &one)
    };
    assert!(
        measure("post-release.cve-review-interval", &i)
            .value()
            .is_none()
    );
}

#[test]
fn not_yet_gathered_evidence_is_not_measured_with_a_reason() {
    let i = inputs(&[], &[], &[]);
    for id in [
        "quality.platform-security-features",
        "post-release.time-to-resolution",
        "post-release.fixes-code-reviewed",
        "post-release.fixes-vulnerability-tested",
        "serviceability.security-problems-reported",
        "serviceability.cves-published",
    ] {
        match measure(id, &i) {
            Outcome::NotMeasured { reason } => {
                assert!(reason.contains("sef does not"), "{id}: {reason}")
            }
            Outcome::Measured { .. } => panic!("{id} measured without evidence"),
        }
    }
}

#[test]
fn practices_grow_with_the_tier() {
    let mut last = 0;
    for t in Tier::ALL {
        let n = practices_for(t).count();
        assert!(n > last);
        last = n;
    }
    assert_eq!(last, PRACTICES.len());
}

#[test]
fn trends_follow_the_kpis_direction() {
    use sef_model::TrendDirection as T;
    assert_eq!(
        trend(Direction::Increasing, Some(50.0), Some(60.0)),
        T::Improved
    );
    assert_eq!(
        trend(Direction::Increasing, Some(60.0), Some(50.0)),
        T::Regressed
    );
    assert_eq!(
        trend(Direction::Decreasing, Some(60.0), Some(50.0)),
        T::Improved
    );
    assert_eq!(trend(Direction::Decreasing, Some(5.0), Some(5.02)), T::Held);
    assert_eq!(
        trend(Direction::Increasing, None, Some(5.0)),
        T::NotComparable
    );
    assert_eq!(
        trend(Direction::Increasing, Some(5.0), None),
        T::NotComparable
    );
}

fn history(
    dev: (usize, usize, usize),
    ext: (usize, usize, usize),
    signed: (usize, usize),
) -> Evidence {
    ev(
        EvidenceKind::History,
        EvidenceStatus::Complete,
        tp::history(dev, ext, signed),
    )
}

#[test]
fn code_review_and_signed_commits_come_from_the_history() {
    // Without history evidence: not measured, with the reason.
    let none = inputs(&[], &[], &[]);
    for id in [
        "integrity.developed-code-review",
        "integrity.external-code-review",
        "integrity.signed-code-and-packages",
    ] {
        assert!(measure(id, &none).value().is_none(), "{id}");
    }
    // 3 reviewed, 1 unknown, 2 not reviewed: the value is over the 5
    // known commits, and the unknown one (17 %, under 20 %) is not counted
    let e = vec![history((3, 1, 6), (0, 0, 0), (1, 4))];
    let i = inputs(&e, &[], &[]);
    let o = measure("integrity.developed-code-review", &i);
    assert_eq!(o.value(), Some(60.0));
    let Outcome::Measured {
        detail: Some(d), ..
    } = &o
    else {
        panic!()
    };
    assert!(d.contains("1 of 6 (16.7 %) unknown, not counted"), "{d}");
    // No commit touched vendored code: not measured, never 0 % or 100 %.
    assert!(
        measure("integrity.external-code-review", &i)
            .value()
            .is_none()
    );
    assert_eq!(
        measure("integrity.signed-code-and-packages", &i).value(),
        Some(25.0)
    );
    // Flask 3.1.3 without forge data: 0 of 16 reviewed, 8 not reviewed,
    // 8 unknown. Unknown is not zero: not measured, and forge data is asked.
    let e = vec![history((0, 8, 16), (0, 0, 0), (0, 0))];
    let o = measure("integrity.developed-code-review", &inputs(&e, &[], &[]));
    assert_eq!(o.value(), None);
    let Outcome::NotMeasured { reason } = &o else {
        panic!()
    };
    assert!(
        reason.contains("8 of 16") && reason.contains("forge"),
        "{reason}"
    );
    // a plan that tolerates more unknown gets the share over the known ones
    let lax = Inputs {
        max_unknown_percent: 50,
        ..inputs(&e, &[], &[])
    };
    assert_eq!(
        measure("integrity.developed-code-review", &lax).value(),
        Some(0.0)
    );
    // Every commit unknown: not measured.
    let e = vec![history((0, 5, 5), (1, 0, 2), (0, 0))];
    let i = inputs(&e, &[], &[]);
    assert!(
        measure("integrity.developed-code-review", &i)
            .value()
            .is_none()
    );
    assert_eq!(
        measure("integrity.external-code-review", &i).value(),
        Some(50.0)
    );
    // Commits and packages both: the lower share.
    let e = vec![
        history((1, 0, 1), (0, 0, 0), (9, 10)),
        ev(
            EvidenceKind::Signatures,
            EvidenceStatus::Complete,
            tp::signatures(1, 2),
        ),
    ];
    let i = inputs(&e, &[], &[]);
    assert_eq!(
        measure("integrity.signed-code-and-packages", &i).value(),
        Some(50.0)
    );
}

#[test]
fn signatures_of_unknown_keys_are_not_counted_as_unsigned() {
    let mut p = tp::history((1, 0, 1), (0, 0, 0), (3, 10));
    let EvidencePayload::History(h) = &mut p else {
        panic!()
    };
    // 3 verified, 5 unsigned, 2 signed by keys not in allowed_signers
    h.signatures.unsigned = 5;
    h.signatures.unknown_key = 2;
    let e = vec![ev(
        EvidenceKind::History,
        EvidenceStatus::Complete,
        p.clone(),
    )];
    let o = measure("integrity.signed-code-and-packages", &inputs(&e, &[], &[]));
    // 3 of the 8 known: 37.5 %, the 2 unknown (20 %) beside it
    assert_eq!(o.value(), Some(37.5));
    let EvidencePayload::History(h) = &mut p else {
        panic!()
    };
    h.signatures.unknown_key = 5;
    h.signatures.unsigned = 2;
    let e = vec![ev(EvidenceKind::History, EvidenceStatus::Complete, p)];
    let o = measure("integrity.signed-code-and-packages", &inputs(&e, &[], &[]));
    assert_eq!(o.value(), None, "half the keys unknown: not measured");
}

#[test]
fn penetration_testing_is_the_covered_share_of_the_declared_scope() {
    use sef_model::evidence::resilience::ResilienceTesting;
    let payload = |scope: &[&str], covered: &[&str], awaiting: &[&str]| {
        let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        EvidencePayload::ResilienceTesting(Box::new(ResilienceTesting {
            release: "1.0".into(),
            scope: own(scope),
            covered: own(covered),
            uncovered: scope
                .iter()
                .filter(|s| !covered.contains(s))
                .map(|s| (*s).to_owned())
                .collect(),
            awaiting_retest: own(awaiting),
            retest_severity: "high".into(),
            ..Default::default()
        }))
    };
    let id = "resilience.penetration-testing";
    let kind = EvidenceKind::ResilienceTesting;
    let none = measure(id, &inputs(&[], &[], &[]));
    assert!(
        matches!(none, Outcome::NotMeasured { ref reason } if reason.contains("[resilience]")),
        "{none:?}"
    );
    let e = [ev(kind, EvidenceStatus::Complete, payload(&[], &[], &[]))];
    assert!(
        matches!(measure(id, &inputs(&e, &[], &[])), Outcome::NotMeasured { reason } if reason.contains("declares no scope"))
    );
    let e = [ev(
        kind,
        EvidenceStatus::Complete,
        payload(
            &["component:a", "component:b", "asset:c"],
            &["component:a"],
            &["component:b"],
        ),
    )];
    match measure(id, &inputs(&e, &[], &[])) {
        Outcome::Measured { value, detail } => {
            assert!((value - 33.3).abs() < 0.01, "{value}");
            let d = detail.unwrap();
            assert!(d.contains("awaiting a retest: component:b"), "{d}");
            assert!(d.contains("not tested: asset:c"), "{d}");
        }
        o => panic!("{o:?}"),
    }
    let e = [ev(
        kind,
        EvidenceStatus::Failed {
            reason: "x.toml:1:1: bad".into(),
        },
        EvidencePayload::None,
    )];
    assert!(
        matches!(measure(id, &inputs(&e, &[], &[])), Outcome::NotMeasured { reason } if reason.contains("x.toml:1:1"))
    );
}
