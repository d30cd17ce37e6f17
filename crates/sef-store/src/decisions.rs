//! Checkpoint decisions and triage decisions, recorded with their audit
//! entries and read back, written once for both backends like
//! [`crate::queries`].

use crate::StoreError;
use crate::queries::decode;
use sef_model::{GateOutcome, Phase};
use sqlx::Row;

macro_rules! backend {
    ($module:ident, $db:ty) => {
        /// The queries of this module for one backend.
        pub(crate) mod $module {
            use super::*;

            type Pool = sqlx::Pool<$db>;

            pub(crate) async fn record_phase_decision(pool: &Pool, d: &sef_model::PhaseDecision, actor: &str) -> Result<(), StoreError> {
                let mut tx = crate::open::BeginWrite::begin_write(pool).await?;
                sqlx::query(
                    "INSERT INTO phase_decisions (id, offering, release_version, from_phase, to_phase, decided_at, run_id, gate_outcome, override_by, justification, signature) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(&d.id)
                .bind(&d.offering)
                .bind(&d.release)
                .bind(d.from.as_str())
                .bind(d.to.as_str())
                .bind(d.decided_at)
                .bind(&d.run_id)
                .bind(d.gate_outcome.as_str())
                .bind(d.r#override.as_ref().map(|o| o.by.clone()))
                .bind(d.r#override.as_ref().map(|o| o.justification.clone()))
                .bind(d.r#override.as_ref().and_then(|o| o.signature.clone()))
                .execute(&mut *tx)
                .await?;
                let change = crate::audit::Change {
                    action: "phase.decide".into(),
                    target: format!("{}/{}", d.offering, d.release),
                    before: Some(serde_json::json!({ "phase": d.from.as_str() })),
                    after: Some(serde_json::json!({
                        "phase": d.to.as_str(),
                        "decision": d.id,
                        "run": d.run_id,
                        "gate": d.gate_outcome.as_str(),
                        "override": d.r#override.as_ref().map(|o| serde_json::json!({ "by": o.by, "justification": o.justification, "signed": o.signature.is_some() })),
                    })),
                };
                crate::audit::$module::append(&mut tx, actor, &change).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn phase_decisions(pool: &Pool, offering: &str, release: &str) -> Result<Vec<sef_model::PhaseDecision>, StoreError> {
                let rows = sqlx::query(
                    "SELECT id, offering, release_version, from_phase, to_phase, decided_at, run_id, gate_outcome, override_by, justification, signature \
                     FROM phase_decisions WHERE offering = $1 AND release_version = $2 ORDER BY decided_at, id",
                )
                .bind(offering)
                .bind(release)
                .fetch_all(pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    let from: String = r.try_get("from_phase")?;
                    let to: String = r.try_get("to_phase")?;
                    let outcome: String = r.try_get("gate_outcome")?;
                    let by: Option<String> = r.try_get("override_by")?;
                    let justification: Option<String> = r.try_get("justification")?;
                    let signature: Option<String> = r.try_get("signature")?;
                    out.push(sef_model::PhaseDecision {
                        id: r.try_get("id")?,
                        offering: r.try_get("offering")?,
                        release: r.try_get("release_version")?,
                        from: decode("phase", Phase::parse(&from), &from)?,
                        to: decode("phase", Phase::parse(&to), &to)?,
                        decided_at: r.try_get("decided_at")?,
                        run_id: r.try_get("run_id")?,
                        gate_outcome: decode("gate outcome", GateOutcome::parse(&outcome), &outcome)?,
                        r#override: by.map(|by| sef_model::GateOverride {
                            by,
                            justification: justification.unwrap_or_default(),
                            signature,
                        }),
                    });
                }
                Ok(out)
            }

            pub(crate) async fn record_triage(pool: &Pool, t: &sef_model::Triage, actor: &str) -> Result<(), StoreError> {
                let mut tx = crate::open::BeginWrite::begin_write(pool).await?;
                let before = sqlx::query(
                    "SELECT status, reason, decided_by, expires FROM triage WHERE offering = $1 AND fingerprint = $2 ORDER BY decided_at DESC, id DESC LIMIT 1",
                )
                .bind(&t.offering)
                .bind(t.fingerprint.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| -> Result<serde_json::Value, StoreError> {
                    Ok(serde_json::json!({
                        "status": r.try_get::<String, _>("status")?,
                        "reason": r.try_get::<String, _>("reason")?,
                        "decided_by": r.try_get::<String, _>("decided_by")?,
                        "expires": r.try_get::<Option<String>, _>("expires")?,
                    }))
                })
                .transpose()?;
                sqlx::query(
                    "INSERT INTO triage (id, offering, fingerprint, status, reason, decided_by, decided_at, expires, signature) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&t.id)
                .bind(&t.offering)
                .bind(t.fingerprint.as_str())
                .bind(t.status.as_str())
                .bind(&t.reason)
                .bind(&t.decided_by)
                .bind(t.decided_at)
                .bind(t.expires.map(|d| d.to_string()))
                .bind(&t.signature)
                .execute(&mut *tx)
                .await?;
                let change = crate::audit::Change {
                    action: "triage.record".into(),
                    target: format!("{}/{}", t.offering, t.fingerprint.as_str()),
                    before,
                    after: Some(serde_json::json!({
                        "status": t.status.as_str(),
                        "reason": t.reason,
                        "decided_by": t.decided_by,
                        "expires": t.expires.map(|d| d.to_string()),
                        "signed": t.signature.is_some(),
                    })),
                };
                crate::audit::$module::append(&mut tx, actor, &change).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn triage(pool: &Pool, offering: &str) -> Result<Vec<sef_model::Triage>, StoreError> {
                let rows = sqlx::query(
                    "SELECT id, offering, fingerprint, status, reason, decided_by, decided_at, expires, signature FROM triage \
                     WHERE offering = $1 ORDER BY decided_at, id",
                )
                .bind(offering)
                .fetch_all(pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    let status: String = r.try_get("status")?;
                    let expires: Option<String> = r.try_get("expires")?;
                    out.push(sef_model::Triage {
                        id: r.try_get("id")?,
                        offering: r.try_get("offering")?,
                        fingerprint: sef_model::Fingerprint::from_stored(r.try_get("fingerprint")?),
                        status: decode("triage status", sef_model::TriageStatus::parse(&status), &status)?,
                        reason: r.try_get("reason")?,
                        decided_by: r.try_get("decided_by")?,
                        decided_at: r.try_get("decided_at")?,
                        expires: expires.and_then(|e| chrono::NaiveDate::parse_from_str(&e, "%Y-%m-%d").ok()),
                        signature: r.try_get("signature")?,
                    });
                }
                Ok(out)
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);
