//! The queries `sef serve` adds over runs, written once for both backends
//! like [`crate::queries`]: an uploaded run stored with its upload record
//! and plan files, the plan files read back, and a run's head and single
//! artifacts read without loading the whole run.

use crate::StoreError;
use crate::queries::{RunHeader, run_change};
use sef_model::{AssessmentRun, Digest, RunId};
use sqlx::Row;
use sqlx::types::Json;

macro_rules! backend {
    ($module:ident, $db:ty) => {
        /// The queries of this module for one backend.
        pub(crate) mod $module {
            use super::*;
            use crate::queries::$module::insert_run;

            type Pool = sqlx::Pool<$db>;

            /// Stores an uploaded run with its upload record and plan files,
            /// in one transaction.
            pub(crate) async fn save_upload(pool: &Pool, run: &AssessmentRun, upload: &crate::Upload, actor: &str) -> Result<(), StoreError> {
                let rows = crate::queries::Encoded::of(run)?;
                let mut tx = crate::open::BeginWrite::begin_write(pool).await?;
                sqlx::query("INSERT INTO uploads (run_id, body_digest, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4)")
                    .bind(run.id.to_string())
                    .bind(&upload.body_digest)
                    .bind(actor)
                    .bind(crate::audit::now_text())
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match e {
                        // the same run id sent twice at once: the second
                        // waits for the first and finds its record
                        sqlx::Error::Database(d) if d.is_unique_violation() => {
                            StoreError::Conflict(format!("run {} was uploaded at the same time by another request", run.id))
                        }
                        other => StoreError::Query(other),
                    })?;
                insert_run(&mut tx, run, &rows).await?;
                sqlx::query(
                    "INSERT INTO plans (offering, release_version, run_id, files) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (offering, release_version) DO UPDATE SET run_id = excluded.run_id, files = excluded.files",
                )
                .bind(&run.offering.name)
                .bind(&run.release.version)
                .bind(run.id.to_string())
                .bind(serde_json::to_string(&upload.plan_files).map_err(|e| StoreError::Decode(e.to_string()))?)
                .execute(&mut *tx)
                .await?;
                for q in &upload.jobs {
                    match (&q.job.unique_key, q.debounce) {
                        (Some(key), true) => {
                            crate::jobs::$module::enqueue_debounced(&mut *tx, &q.job, key, q.run_at_us).await?;
                        }
                        _ => {
                            crate::jobs::$module::enqueue(&mut *tx, &q.job, q.run_at_us).await?;
                        }
                    }
                }
                let mut change = run_change(run);
                change.action = "run.upload".into();
                crate::audit::$module::append(&mut tx, actor, &change).await?;
                tx.commit().await?;
                Ok(())
            }

            /// The plan files of an offering's most recently assessed upload.
            pub(crate) async fn latest_plan_files(pool: &Pool, offering: &str) -> Result<Option<Vec<crate::PlanFile>>, StoreError> {
                let row = sqlx::query(
                    "SELECT p.files FROM plans p JOIN runs r ON r.id = p.run_id WHERE p.offering = $1 ORDER BY r.started_at DESC, r.id DESC LIMIT 1",
                )
                .bind(offering)
                .fetch_optional(pool)
                .await?;
                row.map(|r| -> Result<Vec<crate::PlanFile>, StoreError> {
                    let files: String = r.try_get("files")?;
                    serde_json::from_str(&files).map_err(|e| StoreError::Decode(format!("plan files: {e}")))
                })
                .transpose()
            }

            /// The digest of the body a run id was uploaded with.
            pub(crate) async fn upload_digest(pool: &Pool, run_id: RunId) -> Result<Option<String>, StoreError> {
                let row = sqlx::query("SELECT body_digest FROM uploads WHERE run_id = $1")
                    .bind(run_id.to_string())
                    .fetch_optional(pool)
                    .await?;
                Ok(row.map(|r| r.try_get("body_digest")).transpose()?)
            }

            /// The plan files of a release's latest uploaded run.
            pub(crate) async fn plan_files(pool: &Pool, offering: &str, release: &str) -> Result<Option<(String, Vec<crate::PlanFile>)>, StoreError> {
                let row = sqlx::query("SELECT run_id, files FROM plans WHERE offering = $1 AND release_version = $2")
                    .bind(offering)
                    .bind(release)
                    .fetch_optional(pool)
                    .await?;
                match row {
                    None => Ok(None),
                    Some(r) => {
                        let files: String = r.try_get("files")?;
                        let files = serde_json::from_str(&files).map_err(|e| StoreError::Decode(format!("plan files: {e}")))?;
                        Ok(Some((r.try_get("run_id")?, files)))
                    }
                }
            }

            /// A run without its evidence, findings and artifact contents.
            pub(crate) async fn run_head(pool: &Pool, id: RunId) -> Result<Option<crate::RunHead>, StoreError> {
                let Some(row) = sqlx::query(
                    "SELECT r.id, r.started_at, r.finished_at, r.header, \
                     (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id) AS n_findings, \
                     (SELECT COUNT(*) FROM evidence e WHERE e.run_id = r.id) AS n_evidence \
                     FROM runs r WHERE r.id = $1",
                )
                .bind(id.to_string())
                .fetch_optional(pool)
                .await?
                else {
                    return Ok(None);
                };
                let Json(h): Json<RunHeader> = row.try_get("header")?;
                let a_rows = sqlx::query("SELECT name, media_type, digest, size FROM artifacts WHERE run_id = $1 ORDER BY name")
                    .bind(id.to_string())
                    .fetch_all(pool)
                    .await?;
                let mut artifacts = Vec::with_capacity(a_rows.len());
                for r in &a_rows {
                    artifacts.push(sef_model::Artifact {
                        name: r.try_get("name")?,
                        media_type: r.try_get("media_type")?,
                        digest: Digest::from_stored(r.try_get("digest")?),
                        size: u64::try_from(r.try_get::<i64, _>("size")?).unwrap_or(0),
                        content: String::new(),
                    });
                }
                Ok(Some(crate::RunHead {
                    id,
                    offering: h.offering,
                    release: h.release,
                    started_at: row.try_get("started_at")?,
                    finished_at: row.try_get("finished_at")?,
                    sef_version: h.sef_version,
                    plan_digest: h.plan_digest,
                    notes: h.notes,
                    kpis: h.kpis,
                    gate: h.gate,
                    findings: row.try_get("n_findings")?,
                    evidence: row.try_get("n_evidence")?,
                    artifacts,
                }))
            }

            /// One artifact's content.
            pub(crate) async fn artifact(pool: &Pool, id: RunId, name: &str) -> Result<Option<sef_model::Artifact>, StoreError> {
                let row = sqlx::query("SELECT name, media_type, content FROM artifacts WHERE run_id = $1 AND name = $2")
                    .bind(id.to_string())
                    .bind(name)
                    .fetch_optional(pool)
                    .await?;
                row.map(|r| -> Result<_, StoreError> {
                    Ok(sef_model::Artifact::new(
                        r.try_get::<String, _>("name")?,
                        r.try_get::<String, _>("media_type")?,
                        r.try_get::<String, _>("content")?,
                    ))
                })
                .transpose()
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);
