//! Logging in and out with a local password. A login is refused while the
//! account or the source address is locked: `max_failed_logins` failures
//! within the window lock it for `lockout_minutes`, counted in the store so
//! every node enforces the same lock. A successful login always starts a
//! new session (any session the browser presented is ended first), and the
//! cookie is HttpOnly, SameSite=Strict, and Secure under TLS. Login takes
//! JSON only, which a cross-site form cannot send.

use super::{Principal, SESSION_COOKIE, cookie, secret, sef_store_now, time_text};
use crate::AppState;
use crate::problem::{ApiResult, Problem};
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use sef_store::{FailureState, SessionRecord};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

/// `POST /api/v1/login`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The user name.
    pub name: String,
    /// The password.
    pub password: String,
}

/// Who is logged in, and the CSRF token to send with changes.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SessionInfo {
    /// The user name.
    pub user: String,
    /// Roles and where they apply (`developer@team:payments`).
    pub grants: Vec<String>,
    /// Send it as `X-CSRF-Token` with every change made with the cookie.
    pub csrf: Option<String>,
    /// `session` or `token`.
    pub via: String,
}

impl SessionInfo {
    /// The view of a principal.
    pub fn of(p: &Principal) -> SessionInfo {
        SessionInfo {
            user: p.user.name.clone(),
            grants: p
                .grants
                .iter()
                .map(|g| format!("{}@{}", g.role, g.scope))
                .collect(),
            csrf: match &p.via {
                super::Via::Session(s) => Some(s.csrf.clone()),
                super::Via::Token(_) => None,
            },
            via: match &p.via {
                super::Via::Session(_) => "session".into(),
                super::Via::Token(_) => "token".into(),
            },
        }
    }
}

fn locked(state: &Option<FailureState>, now: &str) -> Option<String> {
    state
        .as_ref()
        .and_then(|s| s.locked_until.clone())
        .filter(|until| until.as_str() > now)
}

async fn count_failure(state: &AppState, key: &str) -> Result<(), Problem> {
    let cfg = &state.config;
    let now = Utc::now();
    let window_start = time_text(now - Duration::minutes(cfg.lockout_window_minutes));
    let prev = state.store.login_failures(key).await?;
    let mut s = match prev {
        Some(s) if s.window_start > window_start => s,
        _ => FailureState {
            failures: 0,
            window_start: time_text(now),
            locked_until: None,
        },
    };
    s.failures += 1;
    if s.failures >= cfg.max_failed_logins {
        s.locked_until = Some(time_text(now + Duration::minutes(cfg.lockout_minutes)));
        tracing::warn!(
            key,
            failures = s.failures,
            "login locked after repeated failures"
        );
    }
    state.store.set_login_failures(key, &s).await?;
    Ok(())
}

/// `POST /api/v1/login`.
pub async fn login(
    State(state): State<AppState>,
    req: axum::extract::Request,
) -> ApiResult<Response> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let headers = req.headers().clone();
    let body = axum::body::to_bytes(req.into_body(), 64 * 1024)
        .await
        .map_err(|_| {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "a login body is at most 64 KiB",
            )
        })?;
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "log in with a JSON body {\"name\": …, \"password\": …} and Content-Type: application/json",
        ));
    }
    let req: LoginRequest = crate::api::parse_json(&body)?;
    let now = sef_store_now();
    let user_key = format!("user:{}", req.name);
    let ip_key = format!(
        "ip:{}",
        peer.map(|p| p.ip().to_string())
            .unwrap_or_else(|| "unknown".into())
    );
    for key in [&user_key, &ip_key] {
        if let Some(until) = locked(&state.store.login_failures(key).await?, &now) {
            return Err(Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("too many failed logins: locked until {until}"),
            ));
        }
    }
    let user = state.store.user_by_name(&req.name).await?;
    let hash = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .unwrap_or_else(|| state.dummy_hash.to_string());
    let password = req.password.clone();
    let ok = tokio::task::spawn_blocking(move || super::password::verify(&password, &hash))
        .await
        .map_err(Problem::internal)?;
    let user = match user {
        Some(u) if ok && !u.disabled && u.password_hash.is_some() => u,
        _ => {
            count_failure(&state, &user_key).await?;
            count_failure(&state, &ip_key).await?;
            return Err(Problem::unauthorized("wrong user name or password"));
        }
    };
    state.store.clear_login_failures(&user_key).await?;
    start_session(&state, user, &headers).await
}

/// Starts a new session for `user` (ending any session the browser
/// presented) and answers with its cookie and the session's view.
pub async fn start_session(
    state: &AppState,
    user: sef_store::User,
    headers: &axum::http::HeaderMap,
) -> ApiResult<Response> {
    let now = sef_store_now();
    // rotation: whatever session the browser had ends here
    if let Some(old) = cookie(headers, SESSION_COOKIE) {
        state.store.delete_session(&secret::hash(&old)).await?;
    }
    let sid = secret::new_secret().map_err(Problem::internal)?;
    let csrf = secret::new_secret().map_err(Problem::internal)?;
    let minutes = state.config.session_minutes;
    let rec = SessionRecord {
        id_hash: secret::hash(&sid),
        user_id: user.id.clone(),
        csrf: csrf.clone(),
        created_at: now,
        expires_at: time_text(Utc::now() + Duration::minutes(minutes)),
    };
    state
        .store
        .with_actor(&format!("user:{}", user.name))
        .create_session(&rec)
        .await?;
    let grants = state.store.grants_of(&user.id).await?;
    let info = SessionInfo::of(&Principal {
        user,
        grants,
        via: super::Via::Session(rec),
    });
    let secure = if state.config.cookies_secure() {
        "; Secure"
    } else {
        ""
    };
    let set = format!(
        "{SESSION_COOKIE}={sid}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        minutes * 60
    );
    let mut r = Json(info).into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&set).map_err(Problem::internal)?,
    );
    Ok(r)
}

/// `POST /api/v1/logout`.
pub async fn logout(
    State(state): State<AppState>,
    axum::Extension(p): axum::Extension<Principal>,
) -> ApiResult<Response> {
    if let super::Via::Session(s) = &p.via {
        state.store.delete_session(&s.id_hash).await?;
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("sef_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(r)
}
