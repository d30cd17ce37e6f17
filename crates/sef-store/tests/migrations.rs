//! Schema migrations applied to a store written by an older sef: the store
//! is taken back to the schema before a migration (its columns dropped, its
//! row in `_sqlx_migrations` removed), opened again, and must answer as
//! before. Run against SQLite and PostgreSQL; PostgreSQL is never skipped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sef_model::*;
use sef_store::{RunRepository, Store, StoreUrl};
use sqlx::Connection;
mod common;
use common::{run, uuid_suffix};

/// Schema 14 put the release head's columns on each release component.
const SCHEMA_14: i64 = 20261204000014;
const HEAD_COLUMNS: [&str; 6] = [
    "run_id",
    "started_us",
    "phase",
    "tier",
    "team",
    "business_unit",
];

/// A release of `offering` shipping serde 1.0.100, owned by team `pay-team`.
fn serde_run(offering: &str, at: i64) -> AssessmentRun {
    let mut r = run(offering, at, vec![]);
    r.release.version = "1.0".into();
    r.offering.owner_team = Some("pay-team".into());
    r.offering.business_unit = Some("cloud".into());
    let mut e = r.evidence[0].clone();
    e.id = EvidenceId::generate();
    e.kind = EvidenceKind::Inventory;
    let c = Component::new(
        Ecosystem::CratesIo,
        "serde",
        Some("1.0.100".to_owned()),
        SourceRef {
            file: "Cargo.lock".into(),
            line: Some(3),
        },
    );
    e.payload = EvidencePayload::Inventory(Box::new(sef_model::evidence::facts::Inventory {
        components: vec![c],
        ..Default::default()
    }));
    r.evidence.push(e);
    r
}

/// What who-ships must answer for [`serde_run`], whatever the schema's path.
async fn assert_answer(s: &Store, r: &AssessmentRun) {
    let rows = s.who_ships("crates.io", "serde").await.unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(row.run_id, r.id.to_string());
    assert_eq!(row.assessed_at, r.started_at);
    assert_eq!(row.phase, r.release.phase.as_str());
    assert_eq!(row.team.as_deref(), Some("pay-team"));
    assert_eq!(row.business_unit.as_deref(), Some("cloud"));
    assert_eq!(row.version.as_deref(), Some("1.0.100"));
}

#[tokio::test]
async fn schema_14_fills_the_head_columns_of_an_sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sef.db");
    let s = Store::open(&StoreUrl::Sqlite(path.clone())).await.unwrap();
    let r = serde_run("pay", 0);
    s.save_run(&r).await.unwrap();
    assert_answer(&s, &r).await;
    s.close().await;
    {
        let url = format!("sqlite://{}", path.display());
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        for col in HEAD_COLUMNS {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "ALTER TABLE release_components DROP COLUMN {col}"
            )))
            .execute(&mut c)
            .await
            .unwrap();
        }
        sqlx::query("DELETE FROM _sqlx_migrations WHERE version = ?")
            .bind(SCHEMA_14)
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
    }
    let s = Store::open(&StoreUrl::Sqlite(path)).await.unwrap();
    assert_answer(&s, &r).await;
    s.close().await;
}

#[tokio::test]
async fn schema_14_fills_the_head_columns_of_a_postgres_store() {
    let pg = sef_testkit::postgres_url();
    let schema = format!("sef_test_mig14_{}", uuid_suffix());
    let s = Store::open_postgres_schema(&pg, &schema).await.unwrap();
    let r = serde_run("pay", 0);
    s.save_run(&r).await.unwrap();
    assert_answer(&s, &r).await;
    s.close().await;
    {
        let mut c = sqlx::PgConnection::connect(&pg).await.unwrap();
        let cols: Vec<String> = HEAD_COLUMNS
            .iter()
            .map(|c| format!("DROP COLUMN {c}"))
            .collect();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "ALTER TABLE \"{schema}\".release_components {}",
            cols.join(", ")
        )))
        .execute(&mut c)
        .await
        .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM \"{schema}\"._sqlx_migrations WHERE version = $1"
        )))
        .bind(SCHEMA_14)
        .execute(&mut c)
        .await
        .unwrap();
        c.close().await.unwrap();
    }
    let s = Store::open_postgres_schema(&pg, &schema).await.unwrap();
    assert_answer(&s, &r).await;
    s.close().await;
    Store::drop_postgres_schema(&pg, &schema).await.unwrap();
}
