//! The SQL of the [`RunRepository`](crate::RunRepository), written once and
//! instantiated for each backend by the `backend!` macro. The statements
//! use only SQL that SQLite and PostgreSQL share (`$n` placeholders, text
//! ids); column types differ per backend in `migrations/`, and sqlx encodes
//! timestamps and JSON natively for each.

use crate::{RunFilter, StoreError};
use chrono::{DateTime, Utc};
use sef_model::{
    AssessmentRun, Digest, Evidence, EvidenceKind, EvidencePayload, EvidenceStatus, Finding,
    GateDecision, GateOutcome, KpiValue, Offering, Phase, Release, RunId, RunSummary,
    SeverityCounts, ToolInfo,
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sqlx::Row;
use sqlx::types::Json;
use std::time::Duration;

/// The parts of a run that are not columns, stored as one JSON document.
#[derive(Serialize, Deserialize)]
pub(crate) struct RunHeader {
    pub(crate) offering: Offering,
    pub(crate) release: Release,
    pub(crate) sef_version: String,
    pub(crate) root: String,
    pub(crate) plan_file: Option<String>,
    pub(crate) plan_digest: Option<Digest>,
    pub(crate) notes: Vec<String>,
    pub(crate) kpis: Vec<KpiValue>,
    pub(crate) gate: GateDecision,
}

pub(crate) fn decode<T>(what: &str, v: Option<T>, raw: &str) -> Result<T, StoreError> {
    v.ok_or_else(|| StoreError::Decode(format!("unknown {what} `{raw}`")))
}

fn parse_id(s: &str) -> Result<RunId, StoreError> {
    s.parse()
        .map_err(|e: sef_model::IdParseError| StoreError::Decode(e.to_string()))
}

/// A run's summary counts follow the one status model: severities count
/// the findings that need action (open or confirmed); accepted and false
/// positive are counted beside them.
const SUMMARY_COLUMNS: &str = "r.id, r.offering, r.release_version, r.phase, r.started_at, r.finished_at, r.outcome, r.evidence_complete, \
     (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND f.status IN ('open', 'confirmed') AND f.severity = 'critical') AS n_critical, \
     (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND f.status IN ('open', 'confirmed') AND f.severity = 'high') AS n_high, \
     (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND f.status IN ('open', 'confirmed') AND f.severity = 'medium') AS n_medium, \
     (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND f.status IN ('open', 'confirmed') AND f.severity = 'low') AS n_low, \
     (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND f.status IN ('open', 'confirmed') AND f.severity = 'info') AS n_info, \
     (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND f.status = 'accepted') AS n_accepted, \
     (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND f.status = 'false-positive') AS n_false_positive";

/// The audit entry of a stored run.
pub(crate) fn run_change(run: &AssessmentRun) -> crate::audit::Change {
    crate::audit::Change::new(
        "run.store",
        format!("{}/{}", run.offering.name, run.release.version),
        serde_json::json!({
            "run": run.id.to_string(),
            "phase": run.release.phase.as_str(),
            "outcome": run.gate.outcome.as_str(),
            "evidence_complete": run.gate.evidence_complete,
            "findings": run.findings.len(),
        }),
    )
}

/// A run's JSON columns, encoded before its write transaction begins.
pub(crate) struct Encoded {
    /// The run's header.
    header: Box<RawValue>,
    /// Each evidence's payload, and its complete scopes.
    evidence: Vec<(Box<RawValue>, String)>,
    /// Each finding's body.
    findings: Vec<Box<RawValue>>,
}

/// Decodes a JSON column that is kept as the text sef wrote (a finding's
/// body, an evidence payload: text on both backends since schema 13).
pub(crate) fn json_text<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Decode(format!("{what}: {e}")))
}

/// `v` as JSON.
fn raw<T: serde::Serialize + ?Sized>(v: &T) -> Result<Box<RawValue>, StoreError> {
    serde_json::value::to_raw_value(v).map_err(|e| StoreError::Decode(e.to_string()))
}

impl Encoded {
    /// Encodes `run`'s JSON columns.
    pub(crate) fn of(run: &AssessmentRun) -> Result<Encoded, StoreError> {
        let header = RunHeader {
            offering: run.offering.clone(),
            release: run.release.clone(),
            sef_version: run.sef_version.clone(),
            root: run.root.clone(),
            plan_file: run.plan_file.clone(),
            plan_digest: run.plan_digest.clone(),
            notes: run.notes.clone(),
            kpis: run.kpis.clone(),
            gate: run.gate.clone(),
        };
        Ok(Encoded {
            header: raw(&header)?,
            evidence: run
                .evidence
                .iter()
                .map(|e| {
                    let scopes = serde_json::to_string(&e.complete_scopes())
                        .map_err(|e| StoreError::Decode(e.to_string()))?;
                    Ok((raw(&e.payload)?, scopes))
                })
                .collect::<Result<_, StoreError>>()?,
            findings: run.findings.iter().map(raw).collect::<Result<_, _>>()?,
        })
    }
}

macro_rules! backend {
    ($module:ident, $db:ty, $findings:path) => {
        /// The repository queries for one backend.
        pub(crate) mod $module {
            use super::*;

            type Pool = sqlx::Pool<$db>;
            type DbRow = <$db as sqlx::Database>::Row;

            pub(crate) async fn save_run(pool: &Pool, run: &AssessmentRun, delay: Option<Duration>, actor: &str) -> Result<(), StoreError> {
                let rows = Encoded::of(run)?;
                let mut tx = crate::open::BeginWrite::begin_write(pool).await?;
                insert_run(&mut tx, run, &rows).await?;
                crate::audit::$module::append(&mut tx, actor, &run_change(run)).await?;
                if let Some(d) = delay {
                    tokio::time::sleep(d).await;
                }
                tx.commit().await?;
                Ok(())
            }

            /// Writes a run whose JSON columns were encoded beforehand (by
            /// [`Encoded::of`], outside the transaction: the write lock is
            /// held for the writing only).
            pub(crate) async fn insert_run(txn: &mut sqlx::Transaction<'_, $db>, run: &AssessmentRun, rows: &Encoded) -> Result<(), StoreError> {
                let tx = &mut **txn;
                sqlx::query(
                    "INSERT INTO runs (id, offering, release_version, phase, started_at, finished_at, outcome, evidence_complete, sef_version, header) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(run.id.to_string())
                .bind(&run.offering.name)
                .bind(&run.release.version)
                .bind(run.release.phase.as_str())
                .bind(run.started_at)
                .bind(run.finished_at)
                .bind(run.gate.outcome.as_str())
                .bind(run.gate.evidence_complete)
                .bind(&run.sef_version)
                .bind(Json(&*rows.header))
                .execute(&mut *tx)
                .await?;

                for (i, (e, (payload, scopes))) in run.evidence.iter().zip(&rows.evidence).enumerate() {
                    sqlx::query(
                        "INSERT INTO evidence (id, run_id, position, kind, analyzer, tool_name, tool_version, started_at, finished_at, input_digest, status, status_reason, payload, payload_version, complete_scopes) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                    )
                    .bind(e.id.to_string())
                    .bind(run.id.to_string())
                    .bind(i as i64)
                    .bind(e.kind.as_str())
                    .bind(&e.analyzer)
                    .bind(&e.tool.name)
                    .bind(&e.tool.version)
                    .bind(e.started_at)
                    .bind(e.finished_at)
                    .bind(e.input_digest.as_ref().map(|d| d.as_str().to_owned()))
                    .bind(e.status.label())
                    .bind(e.status.reason().map(str::to_owned))
                    .bind(payload.get())
                    .bind(i64::from(sef_model::PAYLOAD_VERSION))
                    .bind(scopes)
                    .execute(&mut *tx)
                    .await?;
                }

                $findings(&mut *tx, run, &rows.findings).await?;

                for a in &run.artifacts {
                    sqlx::query(
                        "INSERT INTO artifacts (run_id, name, media_type, digest, size, content) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(run.id.to_string())
                    .bind(&a.name)
                    .bind(&a.media_type)
                    .bind(a.digest.as_str())
                    .bind(i64::try_from(a.size).unwrap_or(i64::MAX))
                    .bind(&a.content)
                    .execute(&mut *tx)
                    .await?;
                }

                crate::portfolio::$module::index_run(txn, run).await
            }

            fn summary(row: &DbRow) -> Result<RunSummary, StoreError> {
                let id: String = row.try_get("id")?;
                let phase: String = row.try_get("phase")?;
                let outcome: String = row.try_get("outcome")?;
                let mut findings = SeverityCounts::default();
                for (col, sev) in [
                    ("n_critical", sef_model::Severity::Critical),
                    ("n_high", sef_model::Severity::High),
                    ("n_medium", sef_model::Severity::Medium),
                    ("n_low", sef_model::Severity::Low),
                    ("n_info", sef_model::Severity::Info),
                ] {
                    let n: i64 = row.try_get(col)?;
                    findings.add(sev, n.max(0).unsigned_abs());
                }
                let n: i64 = row.try_get("n_accepted")?;
                findings.accepted = n.max(0).unsigned_abs();
                let n: i64 = row.try_get("n_false_positive")?;
                findings.false_positive = n.max(0).unsigned_abs();
                Ok(RunSummary {
                    id: parse_id(&id)?,
                    offering: row.try_get("offering")?,
                    release_version: row.try_get("release_version")?,
                    phase: phase.parse::<Phase>().map_err(|e| StoreError::Decode(e.to_string()))?,
                    started_at: row.try_get::<DateTime<Utc>, _>("started_at")?,
                    finished_at: row.try_get::<DateTime<Utc>, _>("finished_at")?,
                    outcome: decode("gate outcome", GateOutcome::parse(&outcome), &outcome)?,
                    evidence_complete: row.try_get("evidence_complete")?,
                    findings,
                    short_id: String::new(),
                })
            }

            pub(crate) async fn list_runs(pool: &Pool, filter: &RunFilter) -> Result<Vec<RunSummary>, StoreError> {
                let limit = filter.limit.map_or(i64::MAX, i64::from);
                let rows = match (&filter.offering, &filter.before) {
                    (Some(o), Some((at, id))) => {
                        sqlx::query(sqlx::AssertSqlSafe(format!(
                            "SELECT {SUMMARY_COLUMNS} FROM runs r WHERE r.offering = $1 AND (r.started_at < $2 OR (r.started_at = $2 AND r.id < $3)) \
                             ORDER BY r.started_at DESC, r.id DESC LIMIT $4"
                        )))
                        .bind(o)
                        .bind(*at)
                        .bind(id.to_string())
                        .bind(limit)
                        .fetch_all(pool)
                        .await?
                    }
                    (Some(o), None) => {
                        sqlx::query(sqlx::AssertSqlSafe(format!(
                            "SELECT {SUMMARY_COLUMNS} FROM runs r WHERE r.offering = $1 ORDER BY r.started_at DESC, r.id DESC LIMIT $2"
                        )))
                        .bind(o)
                        .bind(limit)
                        .fetch_all(pool)
                        .await?
                    }
                    (None, _) => {
                        sqlx::query(sqlx::AssertSqlSafe(format!(
                            "SELECT {SUMMARY_COLUMNS} FROM runs r ORDER BY r.started_at DESC, r.id DESC LIMIT $1"
                        )))
                        .bind(limit)
                        .fetch_all(pool)
                        .await?
                    }
                };
                rows.iter().map(summary).collect()
            }

            /// A run's findings, in report order.
            pub(crate) async fn run_findings(pool: &Pool, id: RunId) -> Result<Vec<Finding>, StoreError> {
                let f_rows = sqlx::query("SELECT body FROM findings WHERE run_id = $1 ORDER BY position")
                    .bind(id.to_string())
                    .fetch_all(pool)
                    .await?;
                f_rows
                    .iter()
                    .map(|r| json_text(r.try_get("body")?, "a finding's body"))
                    .collect::<Result<Vec<_>, _>>()
            }

            pub(crate) async fn get_run(pool: &Pool, id: RunId) -> Result<Option<AssessmentRun>, StoreError> {
                let Some(row) = sqlx::query("SELECT id, started_at, finished_at, header FROM runs WHERE id = $1")
                    .bind(id.to_string())
                    .fetch_optional(pool)
                    .await?
                else {
                    return Ok(None);
                };
                let Json(h): Json<RunHeader> = row.try_get("header")?;

                let ev_rows = sqlx::query(
                    "SELECT id, kind, analyzer, tool_name, tool_version, started_at, finished_at, input_digest, status, status_reason, payload, payload_version \
                     FROM evidence WHERE run_id = $1 ORDER BY position",
                )
                .bind(id.to_string())
                .fetch_all(pool)
                .await?;
                let mut evidence = Vec::with_capacity(ev_rows.len());
                for r in &ev_rows {
                    let eid: String = r.try_get("id")?;
                    let kind: String = r.try_get("kind")?;
                    let status: String = r.try_get("status")?;
                    let payload: serde_json::Value = json_text(r.try_get("payload")?, "an evidence payload")?;
                    let version: i64 = r.try_get("payload_version")?;
                    let kind = decode("evidence kind", EvidenceKind::parse(&kind), &kind)?;
                    let payload = EvidencePayload::from_json(kind, u32::try_from(version).unwrap_or(0), payload)
                        .map_err(|e| StoreError::Decode(format!("run {id}, evidence {eid}: {e}")))?;
                    evidence.push(Evidence {
                        id: eid.parse().map_err(|e: sef_model::IdParseError| StoreError::Decode(e.to_string()))?,
                        kind,
                        analyzer: r.try_get("analyzer")?,
                        tool: ToolInfo {
                            name: r.try_get("tool_name")?,
                            version: r.try_get("tool_version")?,
                        },
                        started_at: r.try_get("started_at")?,
                        finished_at: r.try_get("finished_at")?,
                        input_digest: r.try_get::<Option<String>, _>("input_digest")?.map(Digest::from_stored),
                        status: decode(
                            "evidence status",
                            EvidenceStatus::from_parts(&status, r.try_get("status_reason")?),
                            &status,
                        )?,
                        payload,
                    });
                }

                let findings = run_findings(pool, id).await?;

                let a_rows = sqlx::query("SELECT name, media_type, content FROM artifacts WHERE run_id = $1 ORDER BY name")
                    .bind(id.to_string())
                    .fetch_all(pool)
                    .await?;
                let mut artifacts = Vec::with_capacity(a_rows.len());
                for r in &a_rows {
                    let name: String = r.try_get("name")?;
                    let media_type: String = r.try_get("media_type")?;
                    artifacts.push(sef_model::Artifact::new(name, media_type, r.try_get("content")?));
                }

                Ok(Some(AssessmentRun {
                    id,
                    offering: h.offering,
                    release: h.release,
                    started_at: row.try_get("started_at")?,
                    finished_at: row.try_get("finished_at")?,
                    sef_version: h.sef_version,
                    root: h.root,
                    plan_file: h.plan_file,
                    plan_digest: h.plan_digest,
                    notes: h.notes,
                    evidence,
                    findings,
                    kpis: h.kpis,
                    gate: h.gate,
                    artifacts,
                }))
            }

            pub(crate) async fn kpi_history(pool: &Pool, offering: &str, release: &str) -> Result<crate::KpiHistory, StoreError> {
                // earlier lifecycle runs of this release, with their
                // vulnerability evidence state (the review-interval KPI's
                // input; no other KPI reads past runs)
                let rows = sqlx::query(
                    "SELECT r.started_at, r.phase, e.status FROM runs r \
                     LEFT JOIN evidence e ON e.run_id = r.id AND e.kind = 'known-vulnerabilities' \
                     WHERE r.offering = $1 AND r.release_version = $2 AND r.phase = 'lifecycle' ORDER BY r.started_at",
                )
                .bind(offering)
                .bind(release)
                .fetch_all(pool)
                .await?;
                let mut runs = Vec::with_capacity(rows.len());
                for r in &rows {
                    let phase: String = r.try_get("phase")?;
                    runs.push(crate::PastRunRow {
                        started_at: r.try_get("started_at")?,
                        phase: decode("phase", Phase::parse(&phase), &phase)?,
                        vulnerabilities_status: r.try_get("status")?,
                    });
                }
                // the previous release: the latest run of another release
                // of this offering, found among the release heads (one per
                // release) rather than by reading every run of the offering;
                // a store whose portfolio index was never built is read the
                // long way
                let sql = if crate::portfolio::$module::unindexed(pool).await? {
                    "SELECT release_version, header FROM runs WHERE offering = $1 AND release_version <> $2 \
                     ORDER BY started_at DESC, id DESC LIMIT 1"
                } else {
                    "SELECT r.release_version, r.header FROM release_heads h JOIN runs r ON r.id = h.run_id \
                     WHERE h.offering = $1 AND h.release_version <> $2 ORDER BY h.started_us DESC, h.run_id DESC LIMIT 1"
                };
                let row = sqlx::query(sql)
                .bind(offering)
                .bind(release)
                .fetch_optional(pool)
                .await?;
                let previous = match row {
                    None => None,
                    Some(r) => {
                        let Json(h): Json<RunHeader> = r.try_get("header")?;
                        Some((r.try_get::<String, _>("release_version")?, h.kpis))
                    }
                };
                Ok(crate::KpiHistory { peers: Vec::new(), runs, previous })
            }

            pub(crate) async fn kpi_series(pool: &Pool, offering: &str) -> Result<Vec<sef_model::ReleaseKpis>, StoreError> {
                let rows = sqlx::query(
                    "SELECT r.release_version, r.started_at, r.header FROM runs r WHERE r.offering = $1 AND r.id = \
                     (SELECT r2.id FROM runs r2 WHERE r2.offering = r.offering AND r2.release_version = r.release_version \
                      ORDER BY r2.started_at DESC, r2.id DESC LIMIT 1) \
                     ORDER BY r.started_at, r.id",
                )
                .bind(offering)
                .fetch_all(pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    let Json(h): Json<RunHeader> = r.try_get("header")?;
                    out.push(sef_model::ReleaseKpis {
                        release: r.try_get("release_version")?,
                        at: r.try_get("started_at")?,
                        kpis: h.kpis,
                    });
                }
                Ok(out)
            }

            pub(crate) async fn finding_history(pool: &Pool, offering: &str) -> Result<Vec<sef_model::FindingHistory>, StoreError> {
                let rows = sqlx::query("SELECT id, started_at, release_version FROM runs WHERE offering = $1 ORDER BY started_at, id")
                    .bind(offering)
                    .fetch_all(pool)
                    .await?;
                let mut runs = Vec::with_capacity(rows.len());
                for r in &rows {
                    runs.push(crate::history::RunRow {
                        id: r.try_get("id")?,
                        at: r.try_get("started_at")?,
                        release: r.try_get("release_version")?,
                    });
                }
                // what each run covered completely (Evidence::complete_scopes); rows
                // older than schema 5 derive it from their payload
                let rows = sqlx::query(
                    "SELECT e.run_id, e.id, e.kind, e.analyzer, e.status, e.status_reason, e.complete_scopes, e.payload_version, \
                     CASE WHEN e.complete_scopes IS NULL THEN e.payload END AS payload \
                     FROM evidence e JOIN runs r ON r.id = e.run_id \
                     WHERE r.offering = $1 AND e.status IN ('complete', 'partial')",
                )
                .bind(offering)
                .fetch_all(pool)
                .await?;
                let mut complete: std::collections::HashMap<String, std::collections::HashSet<String>> = std::collections::HashMap::new();
                for r in &rows {
                    let run_id: String = r.try_get("run_id")?;
                    let scopes: Option<String> = r.try_get("complete_scopes")?;
                    let scopes: Vec<String> = match scopes {
                        Some(s) => serde_json::from_str(&s).map_err(|e| StoreError::Decode(format!("run {run_id}: complete_scopes: {e}")))?,
                        None => {
                            let payload: serde_json::Value = json_text(r.try_get("payload")?, "an evidence payload")?;
                            crate::history::legacy_scopes(
                                &r.try_get::<String, _>("kind")?,
                                &r.try_get::<String, _>("status")?,
                                r.try_get("status_reason")?,
                                r.try_get("payload_version")?,
                                payload,
                                &r.try_get::<String, _>("analyzer")?,
                            )
                            .map_err(|e| match e {
                                StoreError::Decode(m) => StoreError::Decode(format!("run {run_id}: {m}")),
                                other => other,
                            })?
                        }
                    };
                    complete.entry(run_id).or_default().extend(scopes);
                }
                let rows = sqlx::query(
                    "SELECT f.run_id, f.fingerprint, f.analyzer, f.rule_id, f.severity, f.path, f.line FROM findings f \
                     JOIN runs r ON r.id = f.run_id WHERE r.offering = $1",
                )
                .bind(offering)
                .fetch_all(pool)
                .await?;
                let mut occ = Vec::with_capacity(rows.len());
                for r in &rows {
                    let sev: String = r.try_get("severity")?;
                    let path: Option<String> = r.try_get("path")?;
                    let line: Option<i64> = r.try_get("line")?;
                    occ.push(crate::history::Occurrence {
                        run_id: r.try_get("run_id")?,
                        fingerprint: r.try_get("fingerprint")?,
                        analyzer: r.try_get("analyzer")?,
                        rule_id: r.try_get("rule_id")?,
                        severity: decode("severity", sef_model::Severity::parse(&sev), &sev)?,
                        location: path.map(|p| match line {
                            Some(l) => format!("{p}:{l}"),
                            None => p,
                        }),
                    });
                }
                Ok(crate::history::compute(&runs, &complete, &occ))
            }

            pub(crate) async fn latest_finding(pool: &Pool, offering: &str, fingerprint: &str) -> Result<Option<sef_model::Finding>, StoreError> {
                let row = sqlx::query(
                    "SELECT f.body FROM findings f JOIN runs r ON r.id = f.run_id \
                     WHERE r.offering = $1 AND f.fingerprint = $2 ORDER BY r.started_at DESC, r.id DESC LIMIT 1",
                )
                .bind(offering)
                .bind(fingerprint)
                .fetch_optional(pool)
                .await?;
                match row {
                    None => Ok(None),
                    Some(r) => {
                        Ok(Some(json_text(r.try_get("body")?, "a finding's body")?))
                    }
                }
            }

            pub(crate) async fn find_finding(pool: &Pool, reference: &str) -> Result<Vec<(String, String)>, StoreError> {
                let rows = sqlx::query(
                    "SELECT DISTINCT r.offering, f.fingerprint FROM findings f JOIN runs r ON r.id = f.run_id \
                     WHERE f.fingerprint = $1 OR f.id LIKE $2 LIMIT 20",
                )
                .bind(reference)
                .bind(format!("{reference}%"))
                .fetch_all(pool)
                .await?;
                rows.iter()
                    .map(|r| Ok((r.try_get("offering")?, r.try_get("fingerprint")?)))
                    .collect()
            }

            pub(crate) async fn find_run_ids(pool: &Pool, prefix: &str) -> Result<Vec<RunId>, StoreError> {
                let rows = sqlx::query("SELECT id FROM runs WHERE id LIKE $1 ORDER BY started_at DESC LIMIT 20")
                    .bind(format!("{prefix}%"))
                    .fetch_all(pool)
                    .await?;
                rows.iter().map(|r| parse_id(&r.try_get::<String, _>("id")?)).collect()
            }

            pub(crate) async fn run_id_neighbours(pool: &Pool, id: RunId) -> Result<(Option<RunId>, Option<RunId>), StoreError> {
                let id = id.to_string();
                let below: Option<String> = sqlx::query_scalar("SELECT MAX(id) FROM runs WHERE id < $1")
                    .bind(&id)
                    .fetch_one(pool)
                    .await?;
                let above: Option<String> = sqlx::query_scalar("SELECT MIN(id) FROM runs WHERE id > $1")
                    .bind(&id)
                    .fetch_one(pool)
                    .await?;
                Ok((below.as_deref().map(parse_id).transpose()?, above.as_deref().map(parse_id).transpose()?))
            }

            pub(crate) async fn previous_run(pool: &Pool, run: &AssessmentRun) -> Result<Option<RunId>, StoreError> {
                let row = sqlx::query(
                    "SELECT id FROM runs WHERE offering = $1 AND id <> $2 AND started_at <= $3 ORDER BY started_at DESC, id DESC LIMIT 1",
                )
                .bind(&run.offering.name)
                .bind(run.id.to_string())
                .bind(run.started_at)
                .fetch_optional(pool)
                .await?;
                row.map(|r| parse_id(&r.try_get::<String, _>("id")?)).transpose()
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite, crate::findings_rows::insert_sqlite);
backend!(
    postgres,
    sqlx::Postgres,
    crate::findings_rows::insert_postgres
);
