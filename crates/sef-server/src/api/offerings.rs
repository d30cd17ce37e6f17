//! Offerings: registered with their team, listed as far as the caller may
//! read, and each release's plan as last uploaded.

use super::{Body, Page, PageQuery, cursor};
use crate::AppState;
use crate::auth::Principal;
use crate::problem::{ApiResult, Problem};
use axum::Json;
use axum::extract::{Extension, Path, Query, State};
use sef_model::access::Permission;
use sef_store::{RunFilter, RunRepository};

use serde::{Deserialize, Serialize};

/// An offering as the API shows it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct OfferingView {
    /// Its name.
    pub name: String,
    /// The team that owns it.
    pub team: String,
    /// The business unit it belongs to, when registered with one.
    pub business_unit: Option<String>,
    /// When it was registered.
    pub created_at: String,
    /// Its latest run's id, if any.
    pub latest_run: Option<String>,
}

/// `PUT /api/v1/offerings/{offering}`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PutOffering {
    /// The owning team.
    pub team: String,
    /// The business unit (a key of the portfolio's KPI roll-ups); absent
    /// clears it.
    #[serde(default)]
    pub business_unit: Option<String>,
}

/// Names of offerings and teams: what a plan may call them, and nothing
/// a path or a log could be confused by.
pub fn check_name(what: &str, s: &str) -> Result<(), Problem> {
    let ok = !s.is_empty()
        && s.len() <= 128
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '))
        && !s.starts_with('.');
    if ok {
        Ok(())
    } else {
        Err(Problem::unprocessable(format!(
            "{what} `{s}`: use 1 to 128 letters, digits, spaces, `-`, `_` or `.`, not starting with `.`"
        )))
    }
}

async fn view(state: &AppState, rec: sef_store::OfferingRecord) -> ApiResult<OfferingView> {
    let latest = state
        .store
        .list_runs(&RunFilter {
            offering: Some(rec.name.clone()),
            limit: Some(1),
            before: None,
        })
        .await?;
    Ok(OfferingView {
        name: rec.name,
        business_unit: rec.business_unit,
        team: rec.team,
        created_at: rec.created_at,
        latest_run: latest.first().map(|r| r.id.to_string()),
    })
}

/// `GET /api/v1/offerings`.
pub async fn list(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<OfferingView>>> {
    let size = q.size(state.config.page_size);
    let mut after = q.decode()?.unwrap_or_default();
    let mut items = Vec::new();
    // reads pages of the store until a page of readable offerings is full
    loop {
        let batch = state.store.offerings(&after, 500).await?;
        let done = batch.len() < 500;
        for rec in batch {
            after = rec.name.clone();
            if p.allows(Permission::Read, Some((&rec.name, Some(&rec.team)))) {
                items.push(view(&state, rec).await?);
                if items.len() == size {
                    return Ok(Json(Page {
                        next: Some(cursor(&after)),
                        items,
                    }));
                }
            }
        }
        if done {
            return Ok(Json(Page { items, next: None }));
        }
    }
}

/// The registered offering named, or 404.
pub async fn registered(state: &AppState, offering: &str) -> ApiResult<sef_store::OfferingRecord> {
    state
        .store
        .offering(offering)
        .await?
        .ok_or_else(|| Problem::not_found(format!("offering `{offering}` is not registered")))
}

/// `GET /api/v1/offerings/{offering}`.
pub async fn get_one(
    State(state): State<AppState>,
    Path(offering): Path<String>,
) -> ApiResult<Json<OfferingView>> {
    let rec =
        state.store.offering(&offering).await?.ok_or_else(|| {
            Problem::not_found(format!("offering `{offering}` is not registered"))
        })?;
    Ok(Json(view(&state, rec).await?))
}

/// `PUT /api/v1/offerings/{offering}`.
pub async fn put_one(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(offering): Path<String>,
    Body(body): Body<PutOffering>,
) -> ApiResult<Json<OfferingView>> {
    check_name("offering", &offering)?;
    check_name("team", &body.team)?;
    if let Some(bu) = &body.business_unit {
        check_name("business unit", bu)?;
    }
    let rec = state
        .store
        .with_actor(&p.actor())
        .put_offering_in(&offering, &body.team, body.business_unit.as_deref())
        .await?;
    Ok(Json(view(&state, rec).await?))
}

/// `GET /api/v1/offerings/{offering}/releases/{release}/plan`.
pub async fn plan(
    State(state): State<AppState>,
    Path((offering, release)): Path<(String, String)>,
) -> ApiResult<Json<serde_json::Value>> {
    registered(&state, &offering).await?;
    let Some((run_id, files)) = state.store.plan_files(&offering, &release).await? else {
        return Err(Problem::not_found(format!(
            "no run of {offering} {release} was uploaded, so the server holds no plan for it"
        )));
    };
    let run = match run_id.parse() {
        Ok(id) => state.store.get_run(id).await?,
        Err(_) => None,
    };
    let pick = |kind: sef_model::EvidenceKind| {
        run.as_ref()
            .and_then(|r| r.evidence.iter().find(|e| e.kind == kind))
            .map(|e| serde_json::json!({ "status": e.status, "payload": e.payload }))
    };
    Ok(Json(serde_json::json!({
        "offering": offering,
        "release": release,
        "run": run_id,
        "files": files,
        "pti": pick(sef_model::EvidenceKind::Pti),
        "requirements": pick(sef_model::EvidenceKind::SecurityRequirements),
    })))
}

/// A release of an offering, as its latest run and decisions show it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ReleaseView {
    /// The version.
    pub version: String,
    /// The phase its latest run was in.
    pub phase: String,
    /// The phase its latest checkpoint decision moved it to, if any.
    pub decided_phase: Option<String>,
    /// Its latest run.
    pub latest_run: String,
    /// That run's gate: `pass` or `fail`.
    pub outcome: String,
    /// When that run started (RFC 3339).
    pub assessed_at: String,
    /// Runs of it in the store.
    pub runs: usize,
}

/// `GET /api/v1/offerings/{offering}/releases`: newest assessed first.
pub async fn releases(
    State(state): State<AppState>,
    Path(offering): Path<String>,
) -> ApiResult<Json<Vec<ReleaseView>>> {
    registered(&state, &offering).await?;
    let runs = state
        .store
        .list_runs(&RunFilter {
            offering: Some(offering.clone()),
            limit: None,
            before: None,
        })
        .await?;
    let mut out: Vec<ReleaseView> = Vec::new();
    for r in &runs {
        if let Some(v) = out.iter_mut().find(|v| v.version == r.release_version) {
            v.runs += 1;
            continue;
        }
        let decided = state
            .store
            .phase_decisions(&offering, &r.release_version)
            .await?
            .last()
            .map(|d| d.to.as_str().to_owned());
        out.push(ReleaseView {
            version: r.release_version.clone(),
            phase: r.phase.as_str().to_owned(),
            decided_phase: decided,
            latest_run: r.id.to_string(),
            outcome: r.outcome.as_str().to_owned(),
            assessed_at: r.started_at.to_rfc3339(),
            runs: 1,
        });
    }
    Ok(Json(out))
}

/// A member of an offering's team: a user whose grants reach the offering.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct MemberView {
    /// The user.
    pub user: String,
    /// The grants that reach the offering (`role@scope`).
    pub roles: Vec<String>,
}

/// `GET /api/v1/offerings/{offering}/team`.
pub async fn team(
    State(state): State<AppState>,
    Path(offering): Path<String>,
) -> ApiResult<Json<Vec<MemberView>>> {
    let rec = registered(&state, &offering).await?;
    let mut out = Vec::new();
    for u in state.store.users().await? {
        if u.disabled {
            continue;
        }
        let roles: Vec<String> = state
            .store
            .grants_of(&u.id)
            .await?
            .iter()
            .filter(|g| g.scope.covers(&offering, Some(&rec.team)))
            .map(|g| format!("{}@{}", g.role, g.scope))
            .collect();
        if !roles.is_empty() {
            out.push(MemberView {
                user: u.name,
                roles,
            });
        }
    }
    Ok(Json(out))
}
