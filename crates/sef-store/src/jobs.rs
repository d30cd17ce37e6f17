//! The durable job queue that `sef serve` nodes share: background work
//! (KPI summaries, portfolio re-indexing, notifications) kept in the store,
//! so that any node may do it and none loses it.
//!
//! A node claims one ready job at a time: on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, so nodes never wait on each other's claims;
//! on SQLite in one `UPDATE … RETURNING` (the database has one writer). A
//! claim is a lease the node renews while it works. When a node stops
//! (killed, crashed, cut off), its lease runs out and another node claims
//! the job again as a new attempt. Completion and failure are fenced by
//! the node and the attempt: a node that lost its lease cannot finish or
//! fail the job a second time. A failed job is retried with exponential
//! back-off until its attempts are spent; then it is dead, kept with its
//! last error until an admin retries it.

use crate::{Store, StoreError};
use serde::Serialize;
use sqlx::Row;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Waiting for its time and a node.
    Queued,
    /// Claimed by a node under a lease.
    Running,
    /// Finished.
    Done,
    /// Failed every attempt (the dead-letter state).
    Dead,
}

impl JobState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
        }
    }

    /// Reads a stored or requested name.
    pub fn parse(s: &str) -> Option<JobState> {
        Some(match s {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "dead" => JobState::Dead,
            _ => return None,
        })
    }
}

/// Work to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// What kind of work: `portfolio.rollup`, `notify`, …
    pub kind: String,
    /// Its input, as JSON.
    pub payload: serde_json::Value,
    /// How many attempts before it is dead (at least 1).
    pub max_attempts: i32,
    /// At most one job with this key waits at a time: queuing another
    /// while one waits does nothing.
    pub unique_key: Option<String>,
}

/// A job queued in the same transaction as the write that calls for it
/// (an uploaded run and its roll-up or notification): both are stored, or
/// neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedWith {
    /// The job.
    pub job: NewJob,
    /// When it may run, in microseconds since the Unix epoch.
    pub run_at_us: i64,
    /// A job with the same unique key that already waits is pushed back to
    /// `run_at_us` instead (a stream of writes delays it until they stop);
    /// otherwise such a job makes this one a no-op.
    pub debounce: bool,
}

/// A job a node claimed: it owns this attempt until its lease runs out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    /// The job's id.
    pub id: i64,
    /// Its kind.
    pub kind: String,
    /// Its input.
    pub payload: serde_json::Value,
    /// This attempt's number, from 1.
    pub attempt: i32,
    /// How many attempts it may have.
    pub max_attempts: i32,
}

/// A job as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobRecord {
    /// Its id.
    pub id: i64,
    /// Its kind.
    pub kind: String,
    /// Its input.
    pub payload: serde_json::Value,
    /// Where it is.
    pub state: JobState,
    /// Attempts made so far.
    pub attempts: i32,
    /// Attempts allowed.
    pub max_attempts: i32,
    /// When it may run next (queued) or ran, microseconds since 1970.
    pub run_at_us: i64,
    /// The node holding it (running) or that held it last.
    pub locked_by: Option<String>,
    /// The node that finished it.
    pub done_by: Option<String>,
    /// The last failure.
    pub last_error: Option<String>,
    /// When it was queued, microseconds since 1970.
    pub created_us: i64,
    /// When it finished or died, microseconds since 1970.
    pub finished_us: Option<i64>,
}

/// The outcome of a fenced update: the node still held the job, or had
/// lost it (its lease ran out and another node took it over).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fence {
    /// The update applied.
    Held,
    /// The job is no longer this node's attempt; nothing was changed.
    Lost,
}

/// Microseconds since 1970 now.
pub fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

/// The delay before attempt `attempt + 1`, after `attempt` failed:
/// `base_ms` doubled per attempt, at most an hour.
pub fn backoff_ms(base_ms: u64, attempt: i32) -> u64 {
    let shift = u32::try_from(attempt.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    base_ms.saturating_mul(1u64 << shift).min(3_600_000)
}

const COLUMNS: &str = "id, kind, payload, state, attempts, max_attempts, run_at_us, locked_by, done_by, last_error, created_us, finished_us";

fn claimed(r: JobRecord) -> ClaimedJob {
    ClaimedJob {
        id: r.id,
        kind: r.kind,
        payload: r.payload,
        attempt: r.attempts,
        max_attempts: r.max_attempts,
    }
}

fn fence(rows: u64) -> Fence {
    if rows == 1 { Fence::Held } else { Fence::Lost }
}

macro_rules! backend {
    ($module:ident, $db:ty, $claim_lock:literal) => {
        /// The job queue's queries for one backend.
        pub(crate) mod $module {
            use super::*;

            type Pool = sqlx::Pool<$db>;
            type DbRow = <$db as sqlx::Database>::Row;

            fn record(r: &DbRow) -> Result<JobRecord, StoreError> {
                let payload: String = r.try_get("payload")?;
                let state: String = r.try_get("state")?;
                Ok(JobRecord {
                    id: r.try_get("id")?,
                    kind: r.try_get("kind")?,
                    payload: serde_json::from_str(&payload)
                        .map_err(|e| StoreError::Decode(format!("job payload: {e}")))?,
                    state: JobState::parse(&state)
                        .ok_or_else(|| StoreError::Decode(format!("job state `{state}`")))?,
                    attempts: r.try_get("attempts")?,
                    max_attempts: r.try_get("max_attempts")?,
                    run_at_us: r.try_get("run_at_us")?,
                    locked_by: r.try_get("locked_by")?,
                    done_by: r.try_get("done_by")?,
                    last_error: r.try_get("last_error")?,
                    created_us: r.try_get("created_us")?,
                    finished_us: r.try_get("finished_us")?,
                })
            }

            pub(crate) async fn enqueue<'c>(ex: impl sqlx::Executor<'c, Database = $db>, job: &NewJob, run_at_us: i64) -> Result<Option<i64>, StoreError> {
                let row = sqlx::query(
                    "INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at_us, unique_key, created_us) \
                     VALUES ($1, $2, 'queued', 0, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id",
                )
                .bind(&job.kind)
                .bind(job.payload.to_string())
                .bind(job.max_attempts.max(1))
                .bind(run_at_us)
                .bind(&job.unique_key)
                .bind(now_us())
                .fetch_optional(ex)
                .await?;
                Ok(row.map(|r| r.try_get::<i64, _>("id")).transpose()?)
            }

            pub(crate) async fn enqueue_debounced<'c>(ex: impl sqlx::Executor<'c, Database = $db>, job: &NewJob, key: &str, run_at_us: i64) -> Result<i64, StoreError> {
                let row = sqlx::query(
                    "INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at_us, unique_key, created_us) \
                     VALUES ($1, $2, 'queued', 0, $3, $4, $5, $6) \
                     ON CONFLICT (unique_key) WHERE state = 'queued' DO UPDATE SET run_at_us = excluded.run_at_us \
                     RETURNING id",
                )
                .bind(&job.kind)
                .bind(job.payload.to_string())
                .bind(job.max_attempts.max(1))
                .bind(run_at_us)
                .bind(key)
                .bind(now_us())
                .fetch_one(ex)
                .await?;
                Ok(row.try_get::<i64, _>("id")?)
            }

            /// Whether a job is ready to be claimed at `now`: an idle
            /// queue is read, never written, so a worker polling an empty
            /// queue takes no write lock (SQLite has one writer).
            pub(crate) async fn ready(pool: &Pool, now: i64) -> Result<bool, StoreError> {
                let ready = sqlx::query(
                    "SELECT 1 AS x FROM jobs WHERE (state = 'queued' AND run_at_us <= $1) \
                     OR (state = 'running' AND lease_until_us < $1) LIMIT 1",
                )
                .bind(now)
                .fetch_optional(pool)
                .await?;
                Ok(ready.is_some())
            }

            pub(crate) async fn claim(pool: &Pool, node: &str, lease_ms: i64) -> Result<Option<ClaimedJob>, StoreError> {
                let now = now_us();
                let sql = format!(
                    "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1, lease_until_us = $2 \
                     WHERE id = (SELECT id FROM jobs WHERE (state = 'queued' AND run_at_us <= $3) \
                     OR (state = 'running' AND lease_until_us < $3) ORDER BY run_at_us, id LIMIT 1 {}) \
                     RETURNING {COLUMNS}",
                    $claim_lock
                );
                let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(node)
                    .bind(now + lease_ms * 1000)
                    .bind(now)
                    .fetch_optional(pool)
                    .await?;
                row.map(|r| record(&r).map(claimed)).transpose()
            }

            pub(crate) async fn renew(pool: &Pool, job: &ClaimedJob, node: &str, lease_ms: i64) -> Result<Fence, StoreError> {
                let done = sqlx::query(
                    "UPDATE jobs SET lease_until_us = $1 WHERE id = $2 AND state = 'running' AND locked_by = $3 AND attempts = $4",
                )
                .bind(now_us() + lease_ms * 1000)
                .bind(job.id)
                .bind(node)
                .bind(job.attempt)
                .execute(pool)
                .await?;
                Ok(fence(done.rows_affected()))
            }

            pub(crate) async fn complete(pool: &Pool, job: &ClaimedJob, node: &str) -> Result<Fence, StoreError> {
                let done = sqlx::query(
                    "UPDATE jobs SET state = 'done', done_by = $1, finished_us = $2, lease_until_us = NULL \
                     WHERE id = $3 AND state = 'running' AND locked_by = $1 AND attempts = $4",
                )
                .bind(node)
                .bind(now_us())
                .bind(job.id)
                .bind(job.attempt)
                .execute(pool)
                .await?;
                Ok(fence(done.rows_affected()))
            }

            pub(crate) async fn fail(pool: &Pool, job: &ClaimedJob, node: &str, error: &str, retry_at_us: Option<i64>) -> Result<Fence, StoreError> {
                let fenced = "WHERE id = $3 AND state = 'running' AND locked_by = $4 AND attempts = $5";
                let dead = format!(
                    "UPDATE jobs SET state = 'dead', last_error = $1, finished_us = $2, lease_until_us = NULL {fenced}"
                );
                let Some(at) = retry_at_us else {
                    let r = sqlx::query(sqlx::AssertSqlSafe(dead)).bind(error).bind(now_us()).bind(job.id).bind(node).bind(job.attempt).execute(pool).await?;
                    return Ok(fence(r.rows_affected()));
                };
                let retry = format!(
                    "UPDATE jobs SET state = 'queued', last_error = $1, run_at_us = $2, lease_until_us = NULL {fenced}"
                );
                match sqlx::query(sqlx::AssertSqlSafe(retry)).bind(error).bind(at).bind(job.id).bind(node).bind(job.attempt).execute(pool).await {
                    Ok(r) => Ok(fence(r.rows_affected())),
                    // a newer job with the same key already waits: it does
                    // the same work, so this one is finished as superseded
                    Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                        let r = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "UPDATE jobs SET state = 'done', done_by = $4, last_error = $1, finished_us = $2, lease_until_us = NULL {fenced}"
                        )))
                        .bind(format!("superseded by a newer queued job of the same work after: {error}"))
                        .bind(now_us())
                        .bind(job.id)
                        .bind(node)
                        .bind(job.attempt)
                        .execute(pool)
                        .await?;
                        Ok(fence(r.rows_affected()))
                    }
                    Err(e) => Err(e.into()),
                }
            }

            pub(crate) async fn list(pool: &Pool, state: Option<JobState>, limit: i64) -> Result<Vec<JobRecord>, StoreError> {
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM jobs WHERE ($1 IS NULL OR state = $1) ORDER BY id DESC LIMIT $2"
                )))
                .bind(state.map(JobState::as_str))
                .bind(limit)
                .fetch_all(pool)
                .await?;
                rows.iter().map(record).collect()
            }

            pub(crate) async fn get(pool: &Pool, id: i64) -> Result<Option<JobRecord>, StoreError> {
                let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM jobs WHERE id = $1")))
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
                row.map(|r| record(&r)).transpose()
            }

            pub(crate) async fn requeue(pool: &Pool, id: i64) -> Result<bool, StoreError> {
                let r = sqlx::query(
                    "UPDATE jobs SET state = 'queued', attempts = 0, run_at_us = $1, finished_us = NULL WHERE id = $2 AND state = 'dead'",
                )
                .bind(now_us())
                .bind(id)
                .execute(pool)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(format!(
                        "job {id}: a job of the same work is already queued"
                    )),
                    other => StoreError::Query(other),
                })?;
                Ok(r.rows_affected() == 1)
            }

            pub(crate) async fn counts(pool: &Pool) -> Result<Vec<(String, i64)>, StoreError> {
                let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state ORDER BY state")
                    .fetch_all(pool)
                    .await?;
                rows.iter()
                    .map(|r| Ok((r.try_get::<String, _>("state")?, r.try_get::<i64, _>("n")?)))
                    .collect()
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite, "");
backend!(postgres, sqlx::Postgres, "FOR UPDATE SKIP LOCKED");

impl Store {
    /// Queues work to run now. `None` when a job with the same unique key
    /// already waits (the request coalesced into it).
    pub async fn enqueue_job(&self, job: &NewJob) -> Result<Option<i64>, StoreError> {
        on_w!(self, enqueue(job, now_us()))
    }

    /// Queues work to run at `run_at_us` (microseconds since 1970).
    pub async fn enqueue_job_at(
        &self,
        job: &NewJob,
        run_at_us: i64,
    ) -> Result<Option<i64>, StoreError> {
        on_w!(self, enqueue(job, run_at_us))
    }

    /// Queues work under `key` to run at `run_at_us`, or moves the time of
    /// the job with that key that already waits to `run_at_us`: repeated
    /// requests push the work back until they stop coming (a debounce).
    /// Returns the waiting job's id.
    pub async fn enqueue_debounced(
        &self,
        job: &NewJob,
        key: &str,
        run_at_us: i64,
    ) -> Result<i64, StoreError> {
        on_w!(self, enqueue_debounced(job, key, run_at_us))
    }

    /// Claims the next ready job for `node`, with a lease of `lease_ms`:
    /// a queued job whose time has come, or a running one whose node let
    /// its lease run out.
    pub async fn claim_job(
        &self,
        node: &str,
        lease_ms: i64,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        // an idle queue is read on a reader, never on the writer
        if !on!(self, ready(now_us()))? {
            return Ok(None);
        }
        on_w!(self, claim(node, lease_ms))
    }

    /// Extends the lease of a job this node is running.
    pub async fn renew_job(
        &self,
        job: &ClaimedJob,
        node: &str,
        lease_ms: i64,
    ) -> Result<Fence, StoreError> {
        on_w!(self, renew(job, node, lease_ms))
    }

    /// Marks this node's attempt of a job done.
    pub async fn complete_job(&self, job: &ClaimedJob, node: &str) -> Result<Fence, StoreError> {
        on_w!(self, complete(job, node))
    }

    /// Records this node's attempt of a job as failed: queued again at
    /// `retry_at_us`, or dead when that is `None`.
    pub async fn fail_job(
        &self,
        job: &ClaimedJob,
        node: &str,
        error: &str,
        retry_at_us: Option<i64>,
    ) -> Result<Fence, StoreError> {
        on_w!(self, fail(job, node, error, retry_at_us))
    }

    /// Jobs, newest first, in one state or all.
    pub async fn jobs(
        &self,
        state: Option<JobState>,
        limit: i64,
    ) -> Result<Vec<JobRecord>, StoreError> {
        on!(self, list(state, limit))
    }

    /// One job.
    pub async fn job(&self, id: i64) -> Result<Option<JobRecord>, StoreError> {
        on!(self, get(id))
    }

    /// Queues a dead job again with fresh attempts; `false` when it is not
    /// dead.
    pub async fn requeue_job(&self, id: i64) -> Result<bool, StoreError> {
        on_w!(self, requeue(id))
    }

    /// How many jobs are in each state.
    pub async fn job_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        on!(self, counts())
    }
}
