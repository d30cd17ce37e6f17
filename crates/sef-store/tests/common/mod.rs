//! What the store's test suites share: running a check against every backend.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, SubsecRound, TimeZone, Utc};
use sef_model::evidence::facts::{LanguageStats, RepoFacts};
use sef_model::evidence::plan_payloads::PtiPayload;
use sef_model::*;
use sef_store::{Store, StoreUrl};
use std::future::Future;

/// Runs `check` against every configured backend.
pub async fn each_backend<F, Fut>(name: &str, check: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&StoreUrl::Sqlite(dir.path().join("sef.db")))
        .await
        .unwrap();
    check(store.clone()).await;
    store.close().await;

    let url = sef_testkit::postgres_url();
    let schema = format!("sef_test_{name}_{}", uuid_suffix());
    let store = Store::open_postgres_schema(&url, &schema)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {url} (set SEF_TEST_POSTGRES_URL): {e}"));
    check(store.clone()).await;
    store.close().await;
    Store::drop_postgres_schema(&url, &schema).await.unwrap();
}

pub fn uuid_suffix() -> String {
    RunId::generate().to_string().replace('-', "")[20..].to_owned()
}

/// A run and its parts, as the suites store them.
pub fn t(secs: i64) -> DateTime<Utc> {
    (Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap()
        + Duration::seconds(secs)
        + Duration::microseconds(123_456))
    .trunc_subsecs(6)
}

pub fn finding(rule: &str, sev: Severity) -> Finding {
    Finding {
        id: FindingId::generate(),
        kind: FindingKind::RepositoryHygiene,
        analyzer: "repo-facts".into(),
        rule_id: rule.into(),
        title: format!("title of {rule}"),
        remediation: "do it".into(),
        cwe: vec![Cwe(1104)],
        severity: sev,
        location: Some(Location {
            path: "SECURITY.md".into(),
            line: Some(3),
            column: None,
        }),
        fingerprint: Fingerprint::compute(["repo-facts", rule]),
        status: FindingStatus::Open,
        package: None,
        aliases: Vec::new(),
        acceptance: None,
        cvss: None,
        references: Vec::new(),
        dependency_path: Vec::new(),
        scope: None,
    }
}

pub fn run(offering: &str, at: i64, findings: Vec<Finding>) -> AssessmentRun {
    AssessmentRun {
        id: RunId::generate(),
        offering: Offering {
            name: offering.into(),
            owner_team: Some("team ü".into()),
            kind: OfferingKind::Service,
            business_unit: None,
            peer_group: None,
        },
        release: Release {
            version: "1.2.3".into(),
            phase: Phase::Qualify,
            version_source: sef_model::VersionSource::Plan,
        },
        started_at: t(at),
        finished_at: t(at + 1),
        sef_version: "0.1.0".into(),
        root: "/src/x".into(),
        plan_file: Some("/src/x/sef.toml".into()),
        plan_digest: Some(Digest::of_parts(["plan"])),
        notes: vec!["a note with 'quotes' and \"double\"".into()],
        evidence: vec![
            Evidence {
                id: EvidenceId::generate(),
                kind: EvidenceKind::RepositoryFacts,
                analyzer: "repo-facts".into(),
                tool: ToolInfo {
                    name: "sef/repo-facts".into(),
                    version: "0.1.0".into(),
                },
                started_at: t(at),
                finished_at: t(at + 1),
                input_digest: Some(Digest::of_parts(["in"])),
                status: EvidenceStatus::Complete,
                payload: EvidencePayload::RepositoryFacts(RepoFacts {
                    files: 3,
                    languages: [(
                        "Rust".to_owned(),
                        LanguageStats {
                            files: 2,
                            ..Default::default()
                        },
                    )]
                    .into(),
                    ..Default::default()
                }),
            },
            Evidence {
                id: EvidenceId::generate(),
                kind: EvidenceKind::RepositoryFacts,
                analyzer: "other".into(),
                tool: ToolInfo {
                    name: "x".into(),
                    version: "1".into(),
                },
                started_at: t(at),
                finished_at: t(at),
                input_digest: None,
                status: EvidenceStatus::Failed {
                    reason: "boom".into(),
                },
                payload: EvidencePayload::None,
            },
            Evidence {
                id: EvidenceId::generate(),
                kind: EvidenceKind::Pti,
                analyzer: "security-plan".into(),
                tool: ToolInfo {
                    name: "sef/security-plan".into(),
                    version: "0.1.0".into(),
                },
                started_at: t(at),
                finished_at: t(at),
                input_digest: None,
                status: EvidenceStatus::Missing {
                    reason: "no [pti] in the plan".into(),
                },
                payload: EvidencePayload::Pti(PtiPayload::default()),
            },
        ],
        findings,
        kpis: vec![
            KpiValue {
                kpi_id: "integrity.code-review".into(),
                name: "Amount of developed components included in code review".into(),
                table: "integrity".into(),
                direction: "increasing".into(),
                measurement: KpiMeasurement::NotMeasured {
                    reason: "no git history".into(),
                },
                detail: None,
                kpo: Some(sef_model::KpoResult {
                    target: ">= 80 percent".into(),
                    source: "plan".into(),
                    status: sef_model::KpoStatus::NotMeasured,
                }),
                trend: None,
            },
            KpiValue {
                kpi_id: "integrity.known-vulnerability-testing".into(),
                name: "Amount of offering tested for known vulnerabilities".into(),
                table: "integrity".into(),
                direction: "increasing".into(),
                measurement: KpiMeasurement::Measured {
                    value: 87.5,
                    unit: "percent".into(),
                },
                detail: Some("7 of 8".into()),
                kpo: None,
                trend: Some(sef_model::KpiTrend {
                    previous_release: "1.0".into(),
                    previous_value: Some(50.0),
                    direction: sef_model::TrendDirection::Improved,
                }),
            },
        ],
        gate: GateDecision::from_criteria(
            Phase::Qualify,
            false,
            vec![CriterionResult {
                id: "evidence.no-analyzer-failed".into(),
                description: "d".into(),
                outcome: CriterionOutcome::Fail,
                detail: "other: boom".into(),
                if_not_measured: Some("fail".into()),
            }],
        ),
        artifacts: vec![Artifact::new(
            "sbom.cdx.json",
            "application/vnd.cyclonedx+json",
            format!("{{\"at\": {at}}}"),
        )],
    }
}
