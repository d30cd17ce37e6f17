//! Portfolio queries across every offering: which releases ship a package
//! (by purl, optionally within a version range in OSV semantics, with the
//! dependency path and the owning team), and the KPI roll-ups by team,
//! business unit or tier. The CLI's `sef portfolio` calls the same
//! functions on its own store, so the two answer alike.

use crate::AppState;
use crate::auth::Principal;
use crate::problem::{ApiResult, Problem};
use axum::Json;
use axum::extract::{Extension, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sef_advisory::ships::{InRange, Selection};
use sef_model::access::Permission;
use sef_store::{GroupSummary, RollupKey, RollupQuery, ShipRow, Store, StoreError};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;

/// Why a portfolio question cannot be answered.
#[derive(Debug, thiserror::Error)]
pub enum PortfolioError {
    /// The question does not read.
    #[error("{0}")]
    BadQuery(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<PortfolioError> for Problem {
    fn from(e: PortfolioError) -> Problem {
        match e {
            PortfolioError::BadQuery(m) => Problem::unprocessable(m),
            PortfolioError::Store(s) => s.into(),
        }
    }
}

/// `GET /api/v1/portfolio/ships` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct ShipsParams {
    /// The package: a purl; a version in it selects that version only.
    pub purl: String,
    /// A version range (`>=1.0.0, <1.0.5 || =2.0.0`).
    pub range: Option<String>,
    /// Only direct (`true`) or only transitive (`false`) dependencies.
    pub direct: Option<bool>,
}

/// One release that ships the package.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ShipMatch {
    /// The release and the component.
    #[serde(flatten)]
    pub row: ShipRow,
    /// `yes`, or `unknown` when the version cannot be placed in the range
    /// (unpinned, or an ecosystem sef does not order).
    pub in_range: String,
    /// Why it is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The answer to "which releases ship this package?".
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ShipsAnswer {
    /// The OSV ecosystem asked about.
    pub ecosystem: String,
    /// The package name asked about.
    pub name: String,
    /// Which versions were asked for.
    pub versions: String,
    /// Releases shipping a selected version (rows with `in_range: yes`).
    pub releases: usize,
    /// Distinct offerings among them.
    pub offerings: usize,
    /// Rows whose version could not be placed in the range: check them.
    pub unknown: usize,
    /// Every matching component, by offering and release.
    pub rows: Vec<ShipMatch>,
}

/// Reads a package URL into (ecosystem, name, version).
pub fn read_purl(purl: &str) -> Result<(String, String, Option<String>), PortfolioError> {
    let (eco, name, version) = sef_inventory::parse_purl(purl.trim()).ok_or_else(|| {
        PortfolioError::BadQuery(format!(
            "`{purl}` is not a package URL; write it as pkg:TYPE/[NAMESPACE/]NAME[@VERSION], e.g. pkg:cargo/serde or pkg:npm/%40babel/core@7.0.0"
        ))
    })?;
    Ok((eco.as_str().to_owned(), name, version))
}

/// The selection a purl's version and a range make together.
pub fn selection(version: Option<&str>, range: Option<&str>) -> Result<Selection, PortfolioError> {
    match (version, range) {
        (Some(_), Some(_)) => Err(PortfolioError::BadQuery(
            "give either a version in the purl or a range, not both".to_owned(),
        )),
        (Some(v), None) => Ok(Selection::exact(v)),
        (None, Some(r)) => Selection::range(r).map_err(|e| PortfolioError::BadQuery(e.to_string())),
        (None, None) => Ok(Selection::any()),
    }
}

/// Which releases ship `name` of `ecosystem` in `sel`: `visible` says
/// which rows the caller may see.
pub async fn ships(
    store: &Store,
    ecosystem: &str,
    name: &str,
    sel: &Selection,
    direct: Option<bool>,
    visible: impl Fn(&ShipRow) -> bool,
) -> Result<ShipsAnswer, PortfolioError> {
    let rows = store.who_ships(ecosystem, name).await?;
    let mut out = Vec::new();
    for row in rows {
        if direct.is_some() && row.direct != direct || !visible(&row) {
            continue;
        }
        let (in_range, reason) = match sel.contains(&row.ecosystem, row.version.as_deref()) {
            InRange::Yes => ("yes", None),
            InRange::No => continue,
            InRange::Unknown(why) => ("unknown", Some(why)),
        };
        out.push(ShipMatch {
            row,
            in_range: in_range.to_owned(),
            reason,
        });
    }
    let yes: Vec<&ShipMatch> = out.iter().filter(|m| m.in_range == "yes").collect();
    let mut releases: Vec<(&str, &str)> = yes
        .iter()
        .map(|m| (m.row.offering.as_str(), m.row.release.as_str()))
        .collect();
    releases.dedup();
    let mut offerings: Vec<&str> = releases.iter().map(|(o, _)| *o).collect();
    offerings.dedup();
    Ok(ShipsAnswer {
        ecosystem: ecosystem.to_owned(),
        name: name.to_owned(),
        versions: sel.describe().to_owned(),
        releases: releases.len(),
        offerings: offerings.len(),
        unknown: out.len() - yes.len(),
        rows: out,
    })
}

/// `GET /api/v1/portfolio/ships`: the releases the caller may read that
/// ship the package.
pub async fn ships_route(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Query(q): Query<ShipsParams>,
) -> ApiResult<Json<ShipsAnswer>> {
    let (eco, name, version) = read_purl(&q.purl)?;
    let sel = selection(version.as_deref(), q.range.as_deref())?;
    // a global reader sees every row: no registrations to read
    let teams = if p.allows(Permission::Read, None) {
        None
    } else {
        Some(registered_teams(&state).await?)
    };
    let answer = ships(&state.store, &eco, &name, &sel, q.direct, |row| {
        teams
            .as_ref()
            .is_none_or(|t| readable(&p, &row.offering, t))
    })
    .await?;
    Ok(Json(answer))
}

/// `GET /api/v1/portfolio/kpis` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct KpiParams {
    /// `team` (default), `business-unit` or `tier`.
    pub by: Option<String>,
    /// `latest` (default: each offering's latest release) or `all`.
    pub releases: Option<String>,
}

/// The portfolio's KPI summary.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct KpiSummary {
    /// What releases are grouped by.
    pub by: String,
    /// `latest` or `all`.
    pub releases: String,
    /// The groups.
    pub groups: Vec<GroupSummary>,
}

impl KpiSummary {
    /// The summary of `groups`, grouped as `q` asked.
    pub fn of(q: &RollupQuery, groups: Vec<GroupSummary>) -> KpiSummary {
        KpiSummary {
            by: q.by.as_str().to_owned(),
            releases: if q.all_releases { "all" } else { "latest" }.to_owned(),
            groups,
        }
    }
}

/// The key a summary is cached under: the grouping, the releases and the
/// offerings it covers (a digest of their sorted names when filtered).
pub fn summary_cache_key(q: &RollupQuery) -> String {
    let scope = match &q.offerings {
        None => "all".to_owned(),
        Some(o) => {
            let mut names: Vec<&str> = o.iter().map(String::as_str).collect();
            names.sort_unstable();
            names.dedup();
            let mut h = sha2::Sha256::new();
            for n in names {
                h.update(n.as_bytes());
                h.update([0]);
            }
            hex::encode(h.finalize())
        }
    };
    format!(
        "kpis/{}/{}/{scope}",
        q.by.as_str(),
        if q.all_releases { "all" } else { "latest" }
    )
}

/// Reads the roll-up parameters.
pub fn rollup_query(
    by: Option<&str>,
    releases: Option<&str>,
    offerings: Option<Vec<String>>,
) -> Result<RollupQuery, PortfolioError> {
    let by = match by {
        None => RollupKey::Team,
        Some(b) => RollupKey::parse(b).ok_or_else(|| {
            PortfolioError::BadQuery(format!("`by={b}`: group by team, business-unit or tier"))
        })?,
    };
    let all_releases = match releases.unwrap_or("latest") {
        "latest" => false,
        "all" => true,
        other => {
            return Err(PortfolioError::BadQuery(format!(
                "`releases={other}`: latest (each offering's latest release) or all"
            )));
        }
    };
    Ok(RollupQuery {
        by,
        all_releases,
        offerings,
    })
}

/// `GET /api/v1/portfolio/kpis`: the KPI roll-up over the offerings the
/// caller may read.
pub async fn kpis_route(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Query(q): Query<KpiParams>,
) -> ApiResult<Response> {
    let offerings = if p.allows(Permission::Read, None) {
        None
    } else {
        let teams = registered_teams(&state).await?;
        Some(
            teams
                .keys()
                .filter(|o| readable(&p, o, &teams))
                .cloned()
                .collect(),
        )
    };
    let rq = rollup_query(q.by.as_deref(), q.releases.as_deref(), offerings)?;
    let key = summary_cache_key(&rq);
    if let Some(body) = state.store.cached_summary(&key).await? {
        return Ok(json_text(body));
    }
    // the version first: a change made while computing leaves the entry stale
    let seq = state.store.audit_seq().await?;
    let groups = state.store.kpi_rollup(&rq).await?;
    let body = serde_json::to_string(&KpiSummary::of(&rq, groups))
        .map_err(|e| Problem::internal(e.to_string()))?;
    if let Err(e) = state.store.put_cached_summary(&key, seq, &body).await {
        tracing::warn!(error = %e, "cannot cache the KPI summary");
    }
    Ok(json_text(body))
}

/// A JSON body already serialized.
fn json_text(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Every registered offering with its team.
async fn registered_teams(
    state: &AppState,
) -> Result<std::collections::HashMap<String, String>, Problem> {
    let mut out = std::collections::HashMap::new();
    let mut after = String::new();
    loop {
        let batch = state.store.offerings(&after, 1000).await?;
        let done = batch.len() < 1000;
        for rec in batch {
            after = rec.name.clone();
            out.insert(rec.name, rec.team);
        }
        if done {
            return Ok(out);
        }
    }
}

/// Whether the caller may read `offering`: by the team the server
/// registered it under, never the team a plan claims. An offering the
/// server has not registered is readable only with a global grant.
fn readable(
    p: &Principal,
    offering: &str,
    teams: &std::collections::HashMap<String, String>,
) -> bool {
    match teams.get(offering) {
        Some(t) => p.allows(Permission::Read, Some((offering, Some(t.as_str())))),
        None => p.allows(Permission::Read, None),
    }
}
