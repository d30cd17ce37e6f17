//! The service's background work, for whoever operates it: the shared job
//! queue listed and counted, a dead job retried, the portfolio re-indexed,
//! and a test event sent to the webhook.

use crate::AppState;
use crate::problem::{ApiResult, Problem};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use sef_store::{JobRecord, JobState, NewJob};
use serde::{Deserialize, Serialize};

/// `GET /api/v1/jobs` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct JobsQuery {
    /// Only jobs in this state: queued, running, done or dead.
    pub state: Option<String>,
    /// At most this many, newest first (default 100, at most 1,000).
    pub limit: Option<i64>,
}

/// The queue at a glance, and the jobs asked for.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct JobList {
    /// This node's name in the queue.
    pub node: String,
    /// How many jobs are in each state.
    pub counts: std::collections::BTreeMap<String, i64>,
    /// The jobs, newest first: id, kind, payload, state, attempts,
    /// max_attempts, run_at_us, locked_by, done_by, last_error,
    /// created_us, finished_us.
    pub jobs: Vec<serde_json::Value>,
}

/// A job queued by a request.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Queued {
    /// Its id; none when the same work was already waiting.
    pub job: Option<i64>,
    /// Its kind.
    pub kind: String,
    /// Where to follow it.
    pub location: Option<String>,
}

/// `GET /api/v1/jobs`.
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<JobsQuery>,
) -> ApiResult<Json<JobList>> {
    let wanted = match q.state.as_deref() {
        None => None,
        Some(s) => Some(JobState::parse(s).ok_or_else(|| {
            Problem::unprocessable(format!("`state={s}`: queued, running, done or dead"))
        })?),
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let jobs: Vec<JobRecord> = state.store.jobs(wanted, limit).await?;
    Ok(Json(JobList {
        node: state.node.to_string(),
        counts: state.store.job_counts().await?.into_iter().collect(),
        jobs: jobs
            .iter()
            .map(|j| serde_json::to_value(j).map_err(Problem::internal))
            .collect::<Result<_, _>>()?,
    }))
}

/// `GET /api/v1/jobs/{id}`.
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<JobRecord>> {
    let id = job_id(&id)?;
    state
        .store
        .job(id)
        .await?
        .map(Json)
        .ok_or_else(|| Problem::not_found(format!("no job {id}")))
}

fn job_id(s: &str) -> Result<i64, Problem> {
    s.parse()
        .map_err(|_| Problem::not_found(format!("no job `{s}`: job ids are numbers")))
}

/// `POST /api/v1/jobs/{id}/retry`: a dead job queued again with fresh
/// attempts.
pub async fn retry(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<Queued>)> {
    let id = job_id(&id)?;
    let Some(job) = state.store.job(id).await? else {
        return Err(Problem::not_found(format!("no job {id}")));
    };
    if !state.store.requeue_job(id).await? {
        return Err(Problem::conflict(format!(
            "job {id} is {}: only a dead job is retried",
            job.state.as_str()
        )));
    }
    state
        .store
        .audit(&sef_store::Change::new(
            "job.retry",
            format!("job:{id}"),
            serde_json::json!({ "kind": job.kind, "last_error": job.last_error }),
        ))
        .await?;
    Ok((StatusCode::ACCEPTED, Json(queued(Some(id), &job.kind))))
}

fn queued(id: Option<i64>, kind: &str) -> Queued {
    Queued {
        job: id,
        kind: kind.to_owned(),
        location: id.map(|i| format!("/api/v1/jobs/{i}")),
    }
}

/// `POST /api/v1/portfolio/reindex`: rebuild the portfolio index from the
/// stored runs, in the background.
pub async fn reindex(State(state): State<AppState>) -> ApiResult<(StatusCode, Json<Queued>)> {
    let job = NewJob {
        kind: crate::jobs::REINDEX.into(),
        payload: serde_json::json!({}),
        max_attempts: state.config.jobs.max_attempts,
        unique_key: Some(crate::jobs::REINDEX.into()),
    };
    let id = state.store.enqueue_job(&job).await?;
    Ok((StatusCode::ACCEPTED, Json(queued(id, &job.kind))))
}

/// `POST /api/v1/notifications/test`: a `test` event sent to the
/// configured webhook through the queue, as every event is.
pub async fn test_notification(
    State(state): State<AppState>,
) -> ApiResult<(StatusCode, Json<Queued>)> {
    if state.config.notify.is_none() {
        return Err(Problem::unprocessable(
            "no webhook is configured: set [notify] url in the server configuration (docs/server.md)",
        ));
    }
    let id = crate::jobs::queue_event(
        &state,
        "test",
        serde_json::json!({ "requested_at": chrono::Utc::now().to_rfc3339() }),
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(queued(id, crate::jobs::NOTIFY))))
}
