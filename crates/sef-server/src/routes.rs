//! The route table: every route of the service with the rule that guards
//! it. The router, the authorization check and the OpenAPI document are
//! built from this one table, so a route cannot be served without a rule,
//! and the authorization-matrix test walks the same list.

use crate::auth::{self, Principal};
use crate::problem::Problem;
use crate::{AppState, api, openapi};
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{MethodRouter, delete, get, post, put};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use sef_model::access::Permission;
use std::collections::HashMap;
use tower_http::set_header::SetResponseHeaderLayer;

/// Where the offering a route acts on comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The `{offering}` path parameter.
    OfferingParam,
    /// The offering of the run named by the `{id}` path parameter.
    RunParam,
    /// The request body: the handler checks it with the same rule.
    Body,
    /// The whole store: only a global grant gives it.
    Global,
}

/// What a route asks of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, logged in or not.
    Public,
    /// Any authenticated caller; the handler only shows or changes the
    /// caller's own things, or filters to what the caller may read.
    Authenticated,
    /// A permission on an offering (or the store).
    Needs(Permission, Scope),
}

/// An HTTP method of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// DELETE.
    Delete,
}

impl Verb {
    /// Lower case, as OpenAPI writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::Post => "post",
            Verb::Put => "put",
            Verb::Delete => "delete",
        }
    }
}

/// A schema-producing function, for the OpenAPI document.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// Makes the [`SchemaFn`] of a type.
pub fn schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// One route.
#[derive(Clone)]
pub struct RouteSpec {
    /// The method.
    pub verb: Verb,
    /// The path, with `{param}` segments.
    pub path: &'static str,
    /// Who may call it.
    pub rule: Rule,
    /// A stable operation id.
    pub operation: &'static str,
    /// One line on what it does.
    pub summary: &'static str,
    /// The OpenAPI tag.
    pub tag: &'static str,
    /// Query parameters: (name, description).
    pub query: &'static [(&'static str, &'static str)],
    /// The JSON request body, if any.
    pub request: Option<SchemaFn>,
    /// The success status.
    pub status: u16,
    /// The success body's media type and schema (`None`: no body).
    pub response: Option<(&'static str, Option<SchemaFn>)>,
}

const JSON: &str = "application/json";

macro_rules! route {
    ($verb:ident $path:literal, $rule:expr, $op:literal, $tag:literal, $summary:literal,
     query: $query:expr, request: $req:expr, status: $status:literal, response: $resp:expr, $handler:expr) => {
        (
            RouteSpec {
                verb: Verb::$verb,
                path: $path,
                rule: $rule,
                operation: $op,
                summary: $summary,
                tag: $tag,
                query: $query,
                request: $req,
                status: $status,
                response: $resp,
            },
            route!(@method $verb, $handler),
        )
    };
    (@method Get, $h:expr) => { get($h) };
    (@method Post, $h:expr) => { post($h) };
    (@method Put, $h:expr) => { put($h) };
    (@method Delete, $h:expr) => { delete($h) };
}

const PAGE: &[(&str, &str)] = &[
    ("cursor", "the `next` cursor of the previous page"),
    ("limit", "page size (default 100, at most 100)"),
];
const FINDING_FILTERS: &[(&str, &str)] = &[
    (
        "severity",
        "only this severity: critical, high, medium, low, info, unknown",
    ),
    (
        "status",
        "only this status: open, confirmed, accepted, false-positive",
    ),
    ("kind", "only this kind of finding"),
    ("rule", "only this rule or advisory id"),
    ("cursor", "the `next` cursor of the previous page"),
    ("limit", "page size (default 100, at most 100)"),
];

/// Every route, with its rule and handler.
pub fn table() -> Vec<(RouteSpec, MethodRouter<AppState>)> {
    use Permission::*;
    use Rule::*;
    use Scope::*;
    vec![
        route!(Get "/healthz", Public, "healthz", "service", "liveness: the process answers",
            query: &[], request: None, status: 200, response: Some(("text/plain", None)), api::service::healthz),
        route!(Get "/readyz", Public, "readyz", "service", "readiness: the store answers",
            query: &[], request: None, status: 200, response: Some(("text/plain", None)), api::service::readyz),
        route!(Get "/metrics", Public, "metrics", "service", "Prometheus metrics",
            query: &[], request: None, status: 200, response: Some(("text/plain", None)), api::service::metrics),
        route!(Get "/api/v1/openapi.json", Public, "openapi", "service", "this API's OpenAPI 3.1 document",
            query: &[], request: None, status: 200, response: Some((JSON, None)), openapi::serve),
        route!(Post "/api/v1/login", Public, "login", "session", "log in with a password; sets the session cookie",
            query: &[], request: Some(schema::<auth::login::LoginRequest>), status: 200,
            response: Some((JSON, Some(schema::<auth::login::SessionInfo>))), auth::login::login),
        route!(Get "/api/v1/oidc/login", Public, "oidcLogin", "session", "log in through the OIDC provider: redirects to it (code flow with PKCE)",
            query: &[], request: None, status: 303, response: None, auth::oidc::login),
        route!(Get "/api/v1/oidc/callback", Public, "oidcCallback", "session", "where the OIDC provider sends the browser back; starts a session",
            query: &[("code", "the authorization code"), ("state", "the login's state"), ("error", "the provider's refusal")], request: None, status: 200,
            response: Some((JSON, Some(schema::<auth::login::SessionInfo>))), auth::oidc::callback),
        route!(Post "/api/v1/logout", Authenticated, "logout", "session", "end the session",
            query: &[], request: None, status: 204, response: None, auth::login::logout),
        route!(Get "/api/v1/me", Authenticated, "me", "session", "who is calling, with grants and the CSRF token",
            query: &[], request: None, status: 200, response: Some((JSON, Some(schema::<auth::login::SessionInfo>))), api::admin::me),
        route!(Get "/api/v1/portfolio/ships", Authenticated, "whoShips", "portfolio",
            "which releases the caller may read ship a package: by purl (a version in it selects that version), optionally within a version range in OSV semantics; with the dependency path and the owning team",
            query: &[("purl", "the package, e.g. pkg:cargo/serde or pkg:npm/lodash@4.17.20"),
                     ("range", "versions: comparators >=, <, <=, = joined by commas, clauses by || (e.g. `>=1.0.0, <1.0.5`)"),
                     ("direct", "true: direct dependencies only; false: transitive only")],
            request: None, status: 200, response: Some((JSON, Some(schema::<api::portfolio::ShipsAnswer>))), api::portfolio::ships_route),
        route!(Get "/api/v1/portfolio/kpis", Authenticated, "portfolioKpis", "portfolio",
            "the KPI summary of the releases the caller may read, grouped by team, business unit or tier",
            query: &[("by", "team (default), business-unit or tier"),
                     ("releases", "latest (default: each offering's latest release) or all")],
            request: None, status: 200, response: Some((JSON, Some(schema::<api::portfolio::KpiSummary>))), api::portfolio::kpis_route),
        route!(Get "/api/v1/offerings", Authenticated, "listOfferings", "offerings", "the offerings the caller may read",
            query: PAGE, request: None, status: 200, response: Some((JSON, Some(schema::<api::Page<api::offerings::OfferingView>>))), api::offerings::list),
        route!(Get "/api/v1/offerings/{offering}", Needs(Read, OfferingParam), "getOffering", "offerings", "an offering, its team and latest run",
            query: &[], request: None, status: 200, response: Some((JSON, Some(schema::<api::offerings::OfferingView>))), api::offerings::get_one),
        route!(Put "/api/v1/offerings/{offering}", Needs(ManageOfferings, Global), "putOffering", "offerings", "register an offering for a team, or move it",
            query: &[], request: Some(schema::<api::offerings::PutOffering>), status: 200,
            response: Some((JSON, Some(schema::<api::offerings::OfferingView>))), api::offerings::put_one),
        route!(Get "/api/v1/offerings/{offering}/releases", Needs(Read, OfferingParam), "listReleases", "offerings",
            "an offering's releases with their latest run, phase and last checkpoint decision",
            query: &[], request: None, status: 200, response: Some((JSON, Some(schema::<Vec<api::offerings::ReleaseView>>))), api::offerings::releases),
        route!(Get "/api/v1/offerings/{offering}/team", Needs(Read, OfferingParam), "getTeam", "team",
            "the users whose roles reach the offering",
            query: &[], request: None, status: 200, response: Some((JSON, Some(schema::<Vec<api::offerings::MemberView>>))), api::offerings::team),
        route!(Get "/api/v1/offerings/{offering}/runs", Needs(Read, OfferingParam), "listRuns", "runs", "an offering's runs, newest first",
            query: PAGE, request: None, status: 200, response: Some((JSON, Some(schema::<api::Page<api::runs::RunSummaryView>>))), api::runs::list),
        route!(Get "/api/v1/offerings/{offering}/triage", Needs(Read, OfferingParam), "listTriage", "findings", "an offering's triage decisions, oldest first",
            query: &[], request: None, status: 200, response: Some((JSON, None)), api::decisions::list_triage),
        route!(Post "/api/v1/offerings/{offering}/triage", Needs(Triage, OfferingParam), "triage", "findings",
            "triage a finding (accepting a risk also needs accept-risk)",
            query: &[], request: Some(schema::<api::decisions::TriageRequest>), status: 201, response: Some((JSON, None)), api::decisions::triage),
        route!(Get "/api/v1/offerings/{offering}/releases/{release}/decisions", Needs(Read, OfferingParam), "listDecisions", "checkpoints",
            "a release's checkpoint decisions, oldest first",
            query: &[], request: None, status: 200, response: Some((JSON, None)), api::decisions::list_decisions),
        route!(Post "/api/v1/offerings/{offering}/releases/{release}/decisions", Needs(DecidePhase, OfferingParam), "decide", "checkpoints",
            "advance a release to its next phase on its latest run's gate (an override also needs override-gate)",
            query: &[], request: Some(schema::<api::decisions::DecideRequest>), status: 201, response: Some((JSON, None)), api::decisions::decide),
        route!(Get "/api/v1/offerings/{offering}/releases/{release}/plan", Needs(Read, OfferingParam), "getPlan", "plans",
            "a release's plan files as last uploaded, with its PTI and requirements evidence",
            query: &[], request: None, status: 200, response: Some((JSON, None)), api::offerings::plan),
        route!(Post "/api/v1/runs", Needs(UploadRun, Body), "uploadRun", "runs",
            "upload a run (sef assess --push); the server decides its KPIs and gate again",
            query: &[], request: Some(schema::<crate::upload::RunUploadDoc>), status: 201,
            response: Some((JSON, Some(schema::<crate::upload::UploadReceipt>))), crate::upload::upload),
        route!(Get "/api/v1/runs/{id}", Needs(Read, RunParam), "getRun", "runs", "a run: summary, notes, KPIs and gate",
            query: &[], request: None, status: 200, response: Some((JSON, None)), api::runs::get_one),
        route!(Get "/api/v1/runs/{id}/findings", Needs(Read, RunParam), "listFindings", "findings", "a run's findings, filtered",
            query: FINDING_FILTERS, request: None, status: 200, response: Some((JSON, None)), api::runs::findings),
        route!(Get "/api/v1/runs/{id}/evidence", Needs(Read, RunParam), "listEvidence", "runs", "a run's evidence",
            query: &[], request: None, status: 200, response: Some((JSON, None)), api::runs::evidence),
        route!(Get "/api/v1/runs/{id}/kpis", Needs(Read, RunParam), "listKpis", "runs", "a run's KPIs with objectives and trends",
            query: &[], request: None, status: 200, response: Some((JSON, None)), api::runs::kpis),
        route!(Get "/api/v1/runs/{id}/gate", Needs(Read, RunParam), "getGate", "checkpoints", "a run's gate evaluation",
            query: &[], request: None, status: 200, response: Some((JSON, None)), api::runs::gate),
        route!(Get "/api/v1/runs/{id}/artifacts/{name}", Needs(Read, RunParam), "getArtifact", "runs", "a document kept with a run (the SBOM)",
            query: &[], request: None, status: 200, response: Some(("application/octet-stream", None)), api::runs::artifact),
        route!(Get "/api/v1/tokens", Authenticated, "listTokens", "tokens", "the caller's API tokens (never their secrets)",
            query: &[], request: None, status: 200, response: Some((JSON, None)), api::admin::list_tokens),
        route!(Post "/api/v1/tokens", Authenticated, "createToken", "tokens", "create an API token for the caller; the token is shown once",
            query: &[], request: Some(schema::<api::admin::TokenRequest>), status: 201,
            response: Some((JSON, Some(schema::<api::admin::NewToken>))), api::admin::create_token),
        route!(Delete "/api/v1/tokens/{token}", Authenticated, "revokeToken", "tokens", "revoke one of the caller's tokens (any token with manage-users)",
            query: &[], request: None, status: 204, response: None, api::admin::revoke_token),
        route!(Get "/api/v1/users", Needs(ReadAudit, Global), "listUsers", "team", "every user with their grants",
            query: &[], request: None, status: 200, response: Some((JSON, None)), api::admin::list_users),
        route!(Post "/api/v1/users", Needs(ManageUsers, Global), "createUser", "team", "create a user with a password",
            query: &[], request: Some(schema::<api::admin::CreateUser>), status: 201, response: Some((JSON, None)), api::admin::create_user),
        route!(Post "/api/v1/users/{name}/grants", Needs(ManageUsers, Global), "grant", "team", "grant a role",
            query: &[], request: Some(schema::<api::admin::GrantRequest>), status: 201, response: Some((JSON, None)), api::admin::grant),
        route!(Delete "/api/v1/users/{name}/grants", Needs(ManageUsers, Global), "revokeGrant", "team", "take a role back",
            query: &[("role", "the role"), ("scope", "global, team:NAME or offering:NAME")], request: None, status: 204, response: None, api::admin::revoke_grant),
        route!(Get "/api/v1/audit", Needs(ReadAudit, Global), "listAudit", "audit", "the audit trail in order",
            query: PAGE, request: None, status: 200, response: Some((JSON, None)), api::admin::audit),
        route!(Get "/api/v1/audit/verify", Needs(ReadAudit, Global), "verifyAudit", "audit", "walk the audit chain against its head",
            query: &[], request: None, status: 200, response: Some((JSON, None)), api::admin::verify_audit),
        route!(Get "/api/v1/policy", Authenticated, "getPolicy", "policy", "the organisation's policy in force: its text and the server's signature",
            query: &[], request: None, status: 200, response: Some((JSON, None)), api::policy::get),
        route!(Put "/api/v1/policy", Needs(SetPolicy, Global), "putPolicy", "policy", "publish a new revision of the organisation's policy (TOML); the server signs it",
            query: &[], request: None, status: 201, response: Some((JSON, Some(schema::<api::policy::Published>))), api::policy::put),
        route!(Get "/api/v1/jobs", Needs(OperateService, Global), "listJobs", "service", "the background job queue: counts per state and the jobs, newest first",
            query: &[("state", "only jobs in this state: queued, running, done, dead"), ("limit", "at most this many (default 100, at most 1,000)")],
            request: None, status: 200, response: Some((JSON, Some(schema::<api::jobs::JobList>))), api::jobs::list),
        route!(Get "/api/v1/jobs/{id}", Needs(OperateService, Global), "getJob", "service", "one background job",
            query: &[], request: None, status: 200, response: Some((JSON, None)), api::jobs::get),
        route!(Post "/api/v1/jobs/{id}/retry", Needs(OperateService, Global), "retryJob", "service", "queue a dead job again with fresh attempts",
            query: &[], request: None, status: 202, response: Some((JSON, Some(schema::<api::jobs::Queued>))), api::jobs::retry),
        route!(Post "/api/v1/portfolio/reindex", Needs(OperateService, Global), "reindexPortfolio", "portfolio", "rebuild the portfolio index from the stored runs, in the background",
            query: &[], request: None, status: 202, response: Some((JSON, Some(schema::<api::jobs::Queued>))), api::jobs::reindex),
        route!(Post "/api/v1/notifications/test", Needs(OperateService, Global), "testNotification", "service", "send a test event to the configured webhook, through the job queue",
            query: &[], request: None, status: 202, response: Some((JSON, Some(schema::<api::jobs::Queued>))), api::jobs::test_notification),
    ]
}

/// The router: each route of the table behind its rule.
pub fn router(state: AppState) -> Router {
    let mut r = Router::new();
    for (spec, method) in table() {
        let rule = spec.rule;
        let guarded = method.route_layer(middleware::from_fn_with_state(
            (state.clone(), rule),
            authorize,
        ));
        r = r.route(spec.path, guarded);
    }
    let limit = state.config.max_body_bytes;
    r.fallback(api::service::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), auth::authenticate))
        .layer(middleware::from_fn(api::etag))
        .layer(middleware::from_fn_with_state(state.clone(), api::service::observe))
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(
            |req: &axum::http::Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                tracing::info_span!("request", method = %req.method(), uri = %req.uri().path(), request_id = %id)
            },
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::X_CONTENT_TYPE_OPTIONS,
            axum::http::HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::CONTENT_SECURITY_POLICY,
            axum::http::HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        ))
        .layer(tower_http::request_id::PropagateRequestIdLayer::x_request_id())
        .layer(tower_http::request_id::SetRequestIdLayer::x_request_id(
            tower_http::request_id::MakeRequestUuid,
        ))
        .with_state(state)
}

/// Checks the route's rule before its handler runs.
async fn authorize(
    State((state, rule)): State<(AppState, Rule)>,
    path: Option<axum::extract::Path<HashMap<String, String>>>,
    matched: Option<MatchedPath>,
    req: Request,
    next: Next,
) -> Result<Response, Problem> {
    let principal = req.extensions().get::<Principal>().cloned();
    let (permission, scope) = match rule {
        Rule::Public => return Ok(next.run(req).await),
        Rule::Authenticated => {
            return match principal {
                Some(_) => Ok(next.run(req).await),
                None => Err(unauthenticated()),
            };
        }
        Rule::Needs(p, s) => (p, s),
    };
    let Some(principal) = principal else {
        return Err(unauthenticated());
    };
    let params = path.map(|p| p.0).unwrap_or_default();
    let route = matched.as_ref().map(|m| m.as_str()).unwrap_or("");
    let allowed = match scope {
        Scope::Global => principal.allows(permission, None),
        Scope::Body => principal.has_anywhere(permission),
        Scope::OfferingParam => {
            let o = params
                .get("offering")
                .ok_or_else(|| Problem::internal(format!("{route}: no {{offering}} parameter")))?;
            let team = state.store.offering(o).await?.map(|r| r.team);
            principal.allows(permission, Some((o, team.as_deref())))
        }
        Scope::RunParam => {
            let id = params
                .get("id")
                .ok_or_else(|| Problem::internal(format!("{route}: no {{id}} parameter")))?;
            let Some(offering) = api::runs::offering_of_run(&state, id).await? else {
                return Err(Problem::not_found(format!("no run {id}")));
            };
            let team = state.store.offering(&offering).await?.map(|r| r.team);
            principal.allows(permission, Some((&offering, team.as_deref())))
        }
    };
    if allowed {
        Ok(next.run(req).await)
    } else {
        Err(Problem::forbidden(format!(
            "{} may not {} here: it needs the `{permission}` permission{}",
            principal.user.name,
            permission_phrase(permission),
            match scope {
                Scope::Global => " from a global grant",
                _ => " on this offering",
            }
        )))
    }
}

fn unauthenticated() -> Problem {
    Problem::unauthorized(
        "log in (POST /api/v1/login) or send an API token (Authorization: Bearer sef_…)",
    )
}

fn permission_phrase(p: Permission) -> &'static str {
    match p {
        Permission::Read => "read",
        Permission::UploadRun => "upload runs",
        Permission::Triage => "triage findings",
        Permission::AcceptRisk => "accept risks",
        Permission::DecidePhase => "decide checkpoints",
        Permission::OverrideGate => "override a gate",
        Permission::ReadAudit => "read the audit trail",
        Permission::ManageOfferings => "manage offerings",
        Permission::ManageUsers => "manage users",
        Permission::OperateService => "operate the service",
        Permission::SetPolicy => "publish the organisation's policy",
    }
}
