//! Runs: listed per offering (newest first, keyset cursor), and each run's
//! summary, findings (filtered, paged), evidence, KPIs, gate and artifacts.

use super::{Page, PageQuery, cursor};
use crate::AppState;
use crate::problem::{ApiResult, Problem};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sef_model::{AssessmentRun, RunId, RunSummary};
use sef_store::{RunFilter, RunRepository};
use serde::{Deserialize, Serialize};

/// A run in a list.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RunSummaryView {
    /// Run id.
    pub id: String,
    /// Offering.
    pub offering: String,
    /// Release version.
    pub release: String,
    /// Phase whose gate was decided.
    pub phase: String,
    /// When it started (RFC 3339).
    pub started_at: String,
    /// `pass` or `fail`.
    pub outcome: String,
    /// Whether every analyzer produced complete evidence.
    pub evidence_complete: bool,
    /// Findings needing action by severity.
    pub open: std::collections::BTreeMap<String, u64>,
}

impl From<&RunSummary> for RunSummaryView {
    fn from(r: &RunSummary) -> Self {
        let f = &r.findings;
        RunSummaryView {
            id: r.id.to_string(),
            offering: r.offering.clone(),
            release: r.release_version.clone(),
            phase: r.phase.as_str().to_owned(),
            started_at: r.started_at.to_rfc3339(),
            outcome: r.outcome.as_str().to_owned(),
            evidence_complete: r.evidence_complete,
            open: [
                ("critical", f.critical),
                ("high", f.high),
                ("medium", f.medium),
                ("low", f.low),
                ("info", f.info),
                ("unknown", f.unknown),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        }
    }
}

/// The offering of run `id`, or `None` when there is no such run (an id
/// that does not parse is no run either).
pub async fn offering_of_run(state: &AppState, id: &str) -> Result<Option<String>, Problem> {
    let Ok(id) = id.parse::<RunId>() else {
        return Ok(None);
    };
    Ok(state.store.run_offering(id).await?)
}

async fn load(state: &AppState, id: &str) -> ApiResult<AssessmentRun> {
    let parsed: RunId = id
        .parse()
        .map_err(|_| Problem::not_found(format!("no run {id}")))?;
    state
        .store
        .get_run(parsed)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no run {id}")))
}

/// `GET /api/v1/offerings/{offering}/runs`.
pub async fn list(
    State(state): State<AppState>,
    Path(offering): Path<String>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<RunSummaryView>>> {
    super::offerings::registered(&state, &offering).await?;
    let size = q.size(state.config.page_size);
    let before = match q.decode()? {
        None => None,
        Some(c) => {
            let (at, id) = c.split_once('|').ok_or_else(|| {
                Problem::bad_request("`cursor` is not a cursor this API gave out")
            })?;
            let at = chrono::DateTime::parse_from_rfc3339(at)
                .map_err(|_| Problem::bad_request("`cursor` is not a cursor this API gave out"))?
                .with_timezone(&chrono::Utc);
            let id: RunId = id
                .parse()
                .map_err(|_| Problem::bad_request("`cursor` is not a cursor this API gave out"))?;
            Some((at, id))
        }
    };
    let mut runs = state
        .store
        .list_runs(&RunFilter {
            offering: Some(offering),
            limit: Some(u32::try_from(size + 1).unwrap_or(u32::MAX)),
            before,
        })
        .await?;
    let next = (runs.len() > size).then(|| {
        runs.truncate(size);
        runs.last()
            .map(|r| cursor(&format!("{}|{}", r.started_at.to_rfc3339(), r.id)))
    });
    Ok(Json(Page {
        items: runs.iter().map(RunSummaryView::from).collect(),
        next: next.flatten(),
    }))
}

async fn head(state: &AppState, id: &str) -> ApiResult<sef_store::RunHead> {
    let parsed: RunId = id
        .parse()
        .map_err(|_| Problem::not_found(format!("no run {id}")))?;
    state
        .store
        .run_head(parsed)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no run {id}")))
}

/// `GET /api/v1/runs/{id}`: everything but the findings and evidence.
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let run = head(&state, &id).await?;
    Ok(Json(serde_json::to_value(&run).map_err(Problem::internal)?))
}

/// `?severity=&status=&kind=&rule=&cursor=&limit=`.
#[derive(Debug, Default, Deserialize)]
pub struct FindingQuery {
    severity: Option<String>,
    status: Option<String>,
    kind: Option<String>,
    rule: Option<String>,
    cursor: Option<String>,
    limit: Option<usize>,
}

/// `GET /api/v1/runs/{id}/findings`.
pub async fn findings(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<FindingQuery>,
) -> ApiResult<Json<Page<serde_json::Value>>> {
    let parsed: RunId = id
        .parse()
        .map_err(|_| Problem::not_found(format!("no run {id}")))?;
    let all = state.store.run_findings(parsed).await?;
    let page = PageQuery {
        cursor: q.cursor.clone(),
        limit: q.limit,
    };
    let size = page.size(state.config.page_size);
    let start: usize = match page.decode()? {
        None => 0,
        Some(c) => c
            .parse()
            .map_err(|_| Problem::bad_request("`cursor` is not a cursor this API gave out"))?,
    };
    let mut out = Vec::new();
    let mut next = None;
    for (i, f) in all.iter().enumerate().skip(start) {
        let v = serde_json::to_value(f).map_err(Problem::internal)?;
        let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
        let keep = q.severity.as_deref().is_none_or(|s| field("severity") == s)
            && q.status.as_deref().is_none_or(|s| field("status") == s)
            && q.kind.as_deref().is_none_or(|s| field("kind") == s)
            && q.rule.as_deref().is_none_or(|s| f.is_known_as(s));
        if !keep {
            continue;
        }
        if out.len() == size {
            next = Some(cursor(&i.to_string()));
            break;
        }
        out.push(v);
    }
    Ok(Json(Page { items: out, next }))
}

/// `GET /api/v1/runs/{id}/evidence`.
pub async fn evidence(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let run = load(&state, &id).await?;
    Ok(Json(
        serde_json::to_value(&run.evidence).map_err(Problem::internal)?,
    ))
}

/// `GET /api/v1/runs/{id}/kpis`.
pub async fn kpis(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let run = head(&state, &id).await?;
    Ok(Json(
        serde_json::to_value(&run.kpis).map_err(Problem::internal)?,
    ))
}

/// `GET /api/v1/runs/{id}/gate`.
pub async fn gate(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let run = head(&state, &id).await?;
    Ok(Json(
        serde_json::to_value(&run.gate).map_err(Problem::internal)?,
    ))
}

/// `GET /api/v1/runs/{id}/artifacts/{name}`.
pub async fn artifact(
    State(state): State<AppState>,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<Response> {
    let parsed: RunId = id
        .parse()
        .map_err(|_| Problem::not_found(format!("no run {id}")))?;
    let a =
        state.store.artifact(parsed, &name).await?.ok_or_else(|| {
            Problem::not_found(format!("run {id} keeps no artifact named `{name}`"))
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, a.media_type.clone()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CONTENT_DISPOSITION, "attachment".to_owned()),
        ],
        a.content,
    )
        .into_response())
}
