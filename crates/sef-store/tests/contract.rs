//! The store contract: one suite, run against SQLite and PostgreSQL
//! (`SEF_TEST_POSTGRES_URL`, default the machine's server at
//! 127.0.0.1:5432; each test in its own schema). PostgreSQL is never
//! skipped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sef_model::evidence::vulnerabilities::{KnownVulnerabilities, Match};
use sef_model::*;
use sef_store::{RollupKey, RollupQuery, RunFilter, RunRepository, Store, StoreError, StoreUrl};
mod common;
use common::{each_backend, finding, run, t, uuid_suffix};

#[tokio::test]
async fn run_round_trips_exactly() {
    each_backend("roundtrip", |s| async move {
        let r = run(
            "pay",
            0,
            vec![finding("a", Severity::High), finding("b", Severity::Low)],
        );
        s.save_run(&r).await.unwrap();
        let back = s.get_run(r.id).await.unwrap().unwrap();
        assert_eq!(back, r);
        assert!(s.get_run(RunId::generate()).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn listing_is_newest_first_with_counts_and_filters() {
    each_backend("listing", |s| async move {
        let a = run(
            "pay",
            0,
            vec![
                finding("a", Severity::Critical),
                finding("b", Severity::Critical),
                finding("c", Severity::Info),
            ],
        );
        let b = run("pay", 10, vec![]);
        let c = run("ledger", 5, vec![finding("x", Severity::Medium)]);
        for r in [&a, &b, &c] {
            s.save_run(r).await.unwrap();
        }
        let all = s.list_runs(&RunFilter::default()).await.unwrap();
        assert_eq!(
            all.iter().map(|r| r.id).collect::<Vec<_>>(),
            [b.id, c.id, a.id]
        );
        assert_eq!(all[2].findings.critical, 2);
        assert_eq!(all[2].findings.info, 1);
        assert_eq!(all[2].findings.total(), 3);
        assert_eq!(all[2], a.summary());

        let pay = s
            .list_runs(&RunFilter {
                offering: Some("pay".into()),
                limit: None,
                before: None,
            })
            .await
            .unwrap();
        assert_eq!(pay.len(), 2);
        let one = s
            .list_runs(&RunFilter {
                offering: None,
                limit: Some(1),
                before: None,
            })
            .await
            .unwrap();
        assert_eq!(one.len(), 1);

        assert_eq!(s.previous_run(&b).await.unwrap(), Some(a.id));
        assert_eq!(s.previous_run(&a).await.unwrap(), None);
        assert_eq!(s.previous_run(&c).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn ids_resolve_by_prefix() {
    each_backend("prefix", |s| async move {
        let a = run("pay", 0, vec![]);
        s.save_run(&a).await.unwrap();
        let full = a.id.to_string();
        assert_eq!(s.find_run_ids(&full[..8]).await.unwrap(), [a.id]);
        assert_eq!(s.find_run_ids(&full.to_uppercase()).await.unwrap(), [a.id]);
        assert!(s.find_run_ids("%").await.unwrap().is_empty());
        assert!(s.find_run_ids("' OR 1=1 --").await.unwrap().is_empty());
        assert!(s.find_run_ids("").await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn failed_write_leaves_nothing_behind() {
    each_backend("atomic", |s| async move {
        let good = run("pay", 0, vec![finding("a", Severity::High)]);
        s.save_run(&good).await.unwrap();
        // The second finding reuses the first one's id: the insert fails
        // after the run row and evidence rows were written.
        let mut bad = run(
            "pay",
            10,
            vec![finding("a", Severity::High), finding("b", Severity::Low)],
        );
        bad.findings[1].id = bad.findings[0].id;
        assert!(s.save_run(&bad).await.is_err());
        assert!(s.get_run(bad.id).await.unwrap().is_none());
        let all = s.list_runs(&RunFilter::default()).await.unwrap();
        assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), [good.id]);
        assert_eq!(s.get_run(good.id).await.unwrap().unwrap(), good);
    })
    .await;
}

#[tokio::test]
async fn reopening_is_idempotent_and_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let url = StoreUrl::Sqlite(dir.path().join("nested/dir/sef.db"));
    let s = Store::open(&url).await.unwrap();
    let r = run("pay", 0, vec![]);
    s.save_run(&r).await.unwrap();
    s.close().await;
    let s = Store::open(&url).await.unwrap();
    assert_eq!(s.get_run(r.id).await.unwrap().unwrap(), r);
}

#[tokio::test]
async fn newer_schema_is_refused_not_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sef.db");
    let url = StoreUrl::Sqlite(path.clone());
    let s = Store::open(&url).await.unwrap();
    s.close().await;
    {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (29991231000000, 'from the future', 1, x'00', 0)")
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
    }
    let err = Store::open(&url).await.unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NewerSchema {
                found: 29991231000000,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("newer version of sef"), "{err}");

    {
        let pg = sef_testkit::postgres_url();
        let schema = format!("sef_test_newer_{}", uuid_suffix());
        let s = Store::open_postgres_schema(&pg, &schema).await.unwrap();
        s.close().await;
        {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&pg).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO \"{schema}\"._sqlx_migrations (version, description, success, checksum, execution_time) VALUES (29991231000000, 'future', true, '\\x00', 0)"
            )))
            .execute(&mut c)
            .await
            .unwrap();
        }
        let err = Store::open_postgres_schema(&pg, &schema).await.unwrap_err();
        assert!(matches!(err, StoreError::NewerSchema { .. }), "{err}");
        Store::drop_postgres_schema(&pg, &schema).await.unwrap();
    }
}

#[tokio::test]
async fn corrupt_and_unwritable_locations_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![0x5a; 8192]).unwrap();
    let err = Store::open(&StoreUrl::Sqlite(junk.clone()))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("junk.db"), "{err}");
    assert_eq!(
        std::fs::read(&junk).unwrap(),
        vec![0x5a; 8192],
        "corrupt file was modified"
    );

    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let err = Store::open(&StoreUrl::Sqlite(file.join("sub/sef.db")))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unwritable { .. }), "{err}");

    let err = Store::open(&StoreUrl::Sqlite(dir.path().to_owned()))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unwritable { .. }), "{err}");
}

#[tokio::test]
async fn unreachable_postgres_is_a_connect_error() {
    let err = Store::open(&StoreUrl::Postgres(
        "postgres://sef:pw@127.0.0.1:1/sef?connect_timeout=2".into(),
    ))
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Connect { .. }), "{err}");
    assert!(!err.to_string().contains("pw@"), "password leaked: {err}");
}

#[tokio::test]
async fn kpi_history_gives_peers_release_runs_and_the_previous_release() {
    each_backend("kpihistory", |s| async move {
        let with = |offering: &str, at: i64, version: &str, phase: Phase| {
            let mut r = run(offering, at, vec![]);
            r.release.version = version.into();
            r.release.phase = phase;
            r
        };
        let old = with("pay", 0, "1.0", Phase::Lifecycle);
        let mut a = with("pay", 10, "2.0", Phase::Lifecycle);
        let mut vuln = a.evidence[0].clone();
        vuln.id = EvidenceId::generate();
        vuln.kind = EvidenceKind::KnownVulnerabilities;
        vuln.status = EvidenceStatus::Complete;
        // a float inside a typed payload survives the round trip too
        vuln.payload = EvidencePayload::KnownVulnerabilities(Box::new(KnownVulnerabilities {
            components: 1,
            tested: 1,
            matches: vec![Match {
                id: "GHSA-x".into(),
                cvss: Some(sef_model::CvssScore {
                    vector: "CVSS:3.1/AV:N".into(),
                    score: 7.25,
                }),
                ..Default::default()
            }],
            ..Default::default()
        }));
        a.evidence.push(vuln);
        let b = with("pay", 20, "2.0", Phase::Lifecycle);
        let peer_old = with("shop", 5, "9", Phase::Develop);
        let mut peer_new = with("shop", 30, "9", Phase::Develop);
        // values that take 17 digits to read back the same
        peer_new.kpis[1].measurement = KpiMeasurement::Measured {
            value: 2.0 / 3.0,
            unit: "percent".into(),
        };
        peer_new.kpis[0].measurement = KpiMeasurement::Measured {
            value: 0.1 + 0.2,
            unit: "percent".into(),
        };
        // a run of the release before its lifecycle: no KPI reads it
        let early = with("pay", 5, "2.0", Phase::Develop);
        for r in [&old, &early, &a, &b, &peer_old, &peer_new] {
            s.save_run(r).await.unwrap();
        }
        assert_eq!(s.get_run(a.id).await.unwrap().unwrap(), a);
        let h = s.kpi_history("pay", "2.0", None).await.unwrap();
        assert_eq!(h.peers.len(), 1);
        assert_eq!(h.peers[0].0, "shop");
        let mut expected: Vec<(String, f64)> = peer_new.kpis[..2]
            .iter()
            .map(|k| match &k.measurement {
                KpiMeasurement::Measured { value, .. } => (k.kpi_id.clone(), *value),
                other => panic!("{other:?}"),
            })
            .collect();
        expected.sort_by(|a, b| a.0.cmp(&b.0));
        assert!(
            expected
                .iter()
                .any(|(id, v)| id == "integrity.known-vulnerability-testing" && *v == 2.0 / 3.0)
        );
        assert_eq!(
            h.peers[0].1, expected,
            "the peer's latest run, measured values only, bit for bit"
        );
        assert_eq!(h.runs.len(), 2, "the release's lifecycle runs only");
        assert_eq!(h.runs[0].started_at, a.started_at);
        assert_eq!(
            h.runs[0].vulnerabilities_status.as_deref(),
            Some("complete")
        );
        assert_eq!(h.runs[1].vulnerabilities_status, None);
        assert_eq!(h.runs[1].phase, Phase::Lifecycle);
        let (version, kpis) = h.previous.unwrap();
        assert_eq!(version, "1.0");
        assert_eq!(kpis, old.kpis);
        // a first release has no previous one and no history
        let h = s.kpi_history("new", "0.1", None).await.unwrap();
        assert!(h.previous.is_none() && h.runs.is_empty());
        assert_eq!(h.peers.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn phase_decisions_round_trip_in_order() {
    each_backend("phases", |s| async move {
        let r = run("pay", 0, vec![]);
        s.save_run(&r).await.unwrap();
        let d1 = PhaseDecision {
            id: RunId::generate().to_string(),
            offering: "pay".into(),
            release: r.release.version.clone(),
            from: Phase::Plan,
            to: Phase::Develop,
            decided_at: t(5),
            run_id: r.id.to_string(),
            gate_outcome: GateOutcome::Pass,
            r#override: None,
        };
        let d2 = PhaseDecision {
            id: RunId::generate().to_string(),
            from: Phase::Develop,
            to: Phase::Qualify,
            decided_at: t(9),
            gate_outcome: GateOutcome::Fail,
            r#override: Some(GateOverride {
                by: "ana".into(),
                justification: "fix 'shipped' in 2.0.1; \"accepted\" by the SAB".into(),
                signature: None,
            }),
            ..d1.clone()
        };
        s.record_phase_decision(&d2).await.unwrap();
        s.record_phase_decision(&d1).await.unwrap();
        let back = s.phase_decisions("pay", &r.release.version).await.unwrap();
        assert_eq!(back, vec![d1.clone(), d2]);
        assert!(s.phase_decisions("pay", "other").await.unwrap().is_empty());
        // a decision must name a stored run
        let mut bad = d1;
        bad.id = RunId::generate().to_string();
        bad.run_id = RunId::generate().to_string();
        assert!(s.record_phase_decision(&bad).await.is_err());
        assert_eq!(
            s.phase_decisions("pay", &r.release.version)
                .await
                .unwrap()
                .len(),
            2
        );
    })
    .await;
}

#[tokio::test]
async fn kpi_series_takes_each_releases_latest_run_in_order() {
    each_backend("kpiseries", |s| async move {
        let with = |at: i64, version: &str, value: f64| {
            let mut r = run("pay", at, vec![]);
            r.release.version = version.into();
            r.kpis[1].measurement = KpiMeasurement::Measured {
                value,
                unit: "percent".into(),
            };
            r
        };
        for r in [
            with(0, "1.0", 10.0),
            with(5, "1.0", 20.0),
            with(9, "2.0", 30.0),
        ] {
            s.save_run(&r).await.unwrap();
        }
        s.save_run(&run("other", 3, vec![])).await.unwrap();
        let series = s.kpi_series("pay").await.unwrap();
        let got: Vec<(String, Option<f64>)> = series
            .iter()
            .map(|r| (r.release.clone(), r.kpis[1].measurement.value()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("1.0".to_owned(), Some(20.0)),
                ("2.0".to_owned(), Some(30.0))
            ]
        );
        assert!(s.kpi_series("none").await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn thousands_of_findings_round_trip_in_order() {
    each_backend("manyfindings", |s| async move {
        let findings: Vec<Finding> = (0..2_500)
            .map(|i| {
                let mut f = finding(&format!("rule-{i}"), Severity::Low);
                f.fingerprint = Fingerprint::compute([format!("{i}")]);
                f
            })
            .collect();
        let r = run("big", 0, findings);
        s.save_run(&r).await.unwrap();
        let back = s.get_run(r.id).await.unwrap().unwrap();
        assert_eq!(back.findings.len(), 2_500);
        assert_eq!(back, r);
        let listed = s
            .list_runs(&RunFilter {
                offering: Some("big".into()),
                limit: None,
                before: None,
            })
            .await
            .unwrap();
        assert_eq!(listed[0].findings.low, 2_500);
    })
    .await;
}

#[tokio::test]
async fn triage_decisions_are_kept_as_history() {
    each_backend("triage", |s| async move {
        let r = run("pay", 0, vec![finding("a", Severity::High)]);
        s.save_run(&r).await.unwrap();
        let fp = r.findings[0].fingerprint.clone();
        let first = Triage {
            id: RunId::generate().to_string(),
            offering: "pay".into(),
            fingerprint: fp.clone(),
            status: TriageStatus::Accepted,
            reason: "only in 'tests'".into(),
            decided_by: "ana".into(),
            decided_at: t(10),
            expires: chrono::NaiveDate::from_ymd_opt(2027, 1, 31),
            signature: None,
        };
        let second = Triage {
            id: RunId::generate().to_string(),
            status: TriageStatus::Confirmed,
            expires: None,
            decided_at: t(20),
            ..first.clone()
        };
        s.record_triage(&second).await.unwrap();
        s.record_triage(&first).await.unwrap();
        assert_eq!(s.triage("pay").await.unwrap(), vec![first, second]);
        assert!(s.triage("other").await.unwrap().is_empty());
        // found by fingerprint and by id prefix
        let by_fp = s.find_finding(fp.as_str()).await.unwrap();
        assert_eq!(by_fp, vec![("pay".to_owned(), fp.as_str().to_owned())]);
        let by_id = s.find_finding(&r.findings[0].id.to_string()).await.unwrap();
        assert_eq!(by_id.len(), 1);
        assert!(s.find_finding("ab").await.unwrap().is_empty(), "too short");
        assert!(s.find_finding("x' OR 1=1 --").await.unwrap().is_empty());
        let latest = s.latest_finding("pay", fp.as_str()).await.unwrap().unwrap();
        assert_eq!(latest, r.findings[0]);
        let h = s.finding_history("pay").await.unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].state, LifecycleState::Open);
    })
    .await;
}

/// A component as the tests write it: ecosystem, name, version, direct,
/// path.
type Comp<'a> = (
    Ecosystem,
    &'a str,
    Option<&'a str>,
    Option<bool>,
    &'a [&'a str],
);

/// A run of `offering` `release` whose inventory holds `components`.
fn inventory_run(offering: &str, release: &str, at: i64, components: &[Comp<'_>]) -> AssessmentRun {
    let mut r = run(offering, at, vec![]);
    r.release.version = release.into();
    let mut e = r.evidence[0].clone();
    e.id = EvidenceId::generate();
    e.kind = EvidenceKind::Inventory;
    e.payload = EvidencePayload::Inventory(Box::new(sef_model::evidence::facts::Inventory {
        components: components
            .iter()
            .map(|(eco, name, v, direct, path)| {
                let mut c = Component::new(
                    *eco,
                    *name,
                    v.map(str::to_owned),
                    SourceRef {
                        file: "Cargo.lock".into(),
                        line: Some(3),
                    },
                );
                c.direct = *direct;
                c.path = path.iter().map(|p| (*p).to_owned()).collect();
                c
            })
            .collect(),
        ..Default::default()
    }));
    r.evidence.push(e);
    r
}

#[tokio::test]
async fn the_portfolio_indexes_each_release_head() {
    each_backend("portfolio", |s| async move {
        let serde = |v| (Ecosystem::CratesIo, "serde", Some(v), Some(true), &[][..]);
        let mut pay1 = inventory_run("pay", "1.0", 0, &[serde("1.0.100")]);
        pay1.offering.business_unit = Some("cloud".into());
        pay1.offering.peer_group = Some("fintech".into());
        let pay2_new = inventory_run(
            "pay",
            "2.0",
            20,
            &[(
                Ecosystem::CratesIo,
                "serde",
                Some("1.0.200"),
                Some(false),
                &["tokio", "serde"][..],
            )],
        );
        // an older run of 2.0, stored after the newer one: not the head
        let pay2_old = inventory_run("pay", "2.0", 10, &[serde("1.0.1")]);
        let mut shop = inventory_run(
            "shop",
            "9",
            5,
            &[
                (
                    Ecosystem::PyPI,
                    "Requests",
                    Some("2.31.0"),
                    Some(true),
                    &[][..],
                ),
                serde("0.9.0"),
            ],
        );
        shop.offering.owner_team = Some("retail".into());
        shop.offering.peer_group = Some("fintech".into());
        shop.kpis[1].measurement = KpiMeasurement::Measured {
            value: 40.0,
            unit: "percent".into(),
        };
        for r in [&pay1, &pay2_new, &pay2_old, &shop] {
            s.save_run(r).await.unwrap();
        }

        let rows = s.who_ships("crates.io", "Serde").await.unwrap();
        let got: Vec<(&str, &str, Option<&str>, Option<bool>)> = rows
            .iter()
            .map(|r| {
                (
                    r.offering.as_str(),
                    r.release.as_str(),
                    r.version.as_deref(),
                    r.direct,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("pay", "1.0", Some("1.0.100"), Some(true)),
                ("pay", "2.0", Some("1.0.200"), Some(false)),
                ("shop", "9", Some("0.9.0"), Some(true)),
            ],
            "each release's latest run only, name compared as crates.io does"
        );
        assert_eq!(rows[1].path, vec!["tokio", "serde"]);
        assert_eq!(rows[1].run_id, pay2_new.id.to_string());
        assert_eq!(rows[1].assessed_at, pay2_new.started_at);
        assert_eq!(rows[1].phase, pay2_new.release.phase.as_str());
        assert_eq!(rows[0].business_unit.as_deref(), Some("cloud"));
        assert_eq!(rows[2].team.as_deref(), Some("retail"));
        // PEP 503 names
        assert_eq!(s.who_ships("PyPI", "requests").await.unwrap().len(), 1);
        assert!(s.who_ships("npm", "serde").await.unwrap().is_empty());

        // the server's registration outranks the plan's team and unit
        s.put_offering_in("shop", "store-team", Some("consumer"))
            .await
            .unwrap();
        let rows = s.who_ships("crates.io", "serde").await.unwrap();
        assert_eq!(rows[2].team.as_deref(), Some("store-team"));
        assert_eq!(rows[2].business_unit.as_deref(), Some("consumer"));

        // KPI roll-ups: each offering's latest release, or every release
        let q = |by, all, offerings: Option<Vec<String>>| RollupQuery {
            by,
            all_releases: all,
            offerings,
        };
        let g = s
            .kpi_rollup(&q(RollupKey::Team, false, None))
            .await
            .unwrap();
        let names: Vec<Option<&str>> = g.iter().map(|g| g.group.as_deref()).collect();
        assert_eq!(names, vec![Some("store-team"), Some("team ü")]);
        assert_eq!((g[1].offerings, g[1].releases), (1, 1));
        assert_eq!(g[1].gate_failed, 1);
        let k = g[1]
            .kpis
            .iter()
            .find(|k| k.kpi_id == "integrity.known-vulnerability-testing")
            .unwrap();
        assert_eq!((k.releases, k.measured, k.mean), (1, 1, Some(87.5)));
        let cr = g[1]
            .kpis
            .iter()
            .find(|k| k.kpi_id == "integrity.code-review")
            .unwrap();
        assert_eq!(
            (cr.measured, cr.mean),
            (0, None),
            "not measured stays unmeasured"
        );
        let g = s.kpi_rollup(&q(RollupKey::Team, true, None)).await.unwrap();
        assert_eq!(g[1].releases, 2);
        let g = s
            .kpi_rollup(&q(RollupKey::BusinessUnit, true, Some(vec!["shop".into()])))
            .await
            .unwrap();
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].group.as_deref(), Some("consumer"));
        assert_eq!(
            g[0].kpis.iter().find(|k| k.measured == 1).unwrap().mean,
            Some(40.0)
        );
        let g = s
            .kpi_rollup(&q(RollupKey::Tier, false, Some(vec![])))
            .await
            .unwrap();
        assert!(g.is_empty());

        // peers: the group's other offerings, or every other one
        s.save_run(&inventory_run("lone", "1", 1, &[]))
            .await
            .unwrap();
        let h = s.kpi_history("pay", "2.0", Some("fintech")).await.unwrap();
        let peers: Vec<&str> = h.peers.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(peers, vec!["shop"]);
        assert_eq!(
            h.peers[0].1,
            vec![("integrity.known-vulnerability-testing".to_owned(), 40.0)]
        );
        let h = s.kpi_history("pay", "2.0", None).await.unwrap();
        let peers: Vec<&str> = h.peers.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(peers, vec!["lone", "shop"]);

        // a store whose portfolio tables are lost is rebuilt on opening
        s.raw_execute_for_tests("DELETE FROM release_components")
            .await
            .unwrap();
        s.raw_execute_for_tests("DELETE FROM release_kpis")
            .await
            .unwrap();
        s.raw_execute_for_tests("DELETE FROM release_heads")
            .await
            .unwrap();
        let err = s.who_ships("crates.io", "serde").await.unwrap_err();
        assert!(err.to_string().contains("has not been built"), "{err}");
    })
    .await;
}

#[tokio::test]
async fn an_older_store_gets_its_portfolio_index_on_opening() {
    let dir = tempfile::tempdir().unwrap();
    let url = StoreUrl::Sqlite(dir.path().join("sef.db"));
    let s = Store::open(&url).await.unwrap();
    let r = inventory_run(
        "pay",
        "1.0",
        0,
        &[(
            Ecosystem::Npm,
            "lodash",
            Some("4.17.20"),
            Some(true),
            &[][..],
        )],
    );
    s.save_run(&r).await.unwrap();
    s.raw_execute_for_tests("DELETE FROM release_components")
        .await
        .unwrap();
    s.raw_execute_for_tests("DELETE FROM release_heads")
        .await
        .unwrap();
    s.close().await;
    let s = Store::open(&url).await.unwrap();
    let rows = s.who_ships("npm", "lodash").await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].run_id, r.id.to_string());
    s.close().await;
}
