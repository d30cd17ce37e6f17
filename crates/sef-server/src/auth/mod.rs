//! Who is calling: an API token (`Authorization: Bearer sef_…`) or a
//! session cookie, resolved once per request into a [`Principal`] with the
//! user's grants. What the principal may do is [`Principal::allows`];
//! the route table decides what each route asks.

pub mod jwt;
pub mod login;
pub mod oidc;
pub mod password;
pub mod secret;

use crate::AppState;
use crate::problem::Problem;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use sef_model::access::{Grant, GrantScope, Permission};
use sef_store::{SessionRecord, TokenRecord, User};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "sef_session";
/// The header a session-authenticated state change must echo the CSRF
/// token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the caller proved who it is.
#[derive(Debug, Clone)]
pub enum Via {
    /// A login session (a browser).
    Session(SessionRecord),
    /// An API token.
    Token(TokenRecord),
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The user.
    pub user: User,
    /// The user's grants.
    pub grants: Vec<Grant>,
    /// Session or token.
    pub via: Via,
}

impl Principal {
    /// How the audit trail names the caller.
    pub fn actor(&self) -> String {
        match &self.via {
            Via::Session(_) => format!("user:{}", self.user.name),
            Via::Token(t) => format!("user:{} (token {} \"{}\")", self.user.name, t.id, t.name),
        }
    }

    /// Whether the caller may do `p` on `offering` (owned by `team`, when
    /// registered); `None` asks for `p` across the whole store, which only
    /// a global grant gives. A token narrows its owner's grants to its own
    /// offerings and permissions.
    pub fn allows(&self, p: Permission, offering: Option<(&str, Option<&str>)>) -> bool {
        if let Via::Token(t) = &self.via {
            if !t.permissions.is_empty() && !t.permissions.contains(&p) {
                return false;
            }
            match offering {
                Some((o, _)) => {
                    if !t.offerings.is_empty() && !t.offerings.iter().any(|x| x == o) {
                        return false;
                    }
                }
                None => {
                    if !t.offerings.is_empty() {
                        return false;
                    }
                }
            }
        }
        self.grants.iter().any(|g| {
            g.role.allows(p)
                && match offering {
                    Some((o, team)) => g.scope.covers(o, team),
                    None => g.scope == GrantScope::Global,
                }
        })
    }

    /// Whether any grant gives `p` anywhere.
    pub fn has_anywhere(&self, p: Permission) -> bool {
        if let Via::Token(t) = &self.via
            && !t.permissions.is_empty()
            && !t.permissions.contains(&p)
        {
            return false;
        }
        self.grants.iter().any(|g| g.role.allows(p))
    }
}

/// Reads the caller's credentials, if any, into a [`Principal`] request
/// extension. Bad credentials (an unknown, expired or revoked token, a
/// disabled account) end the request with 401; none at all leaves the
/// route's rule to decide. A session-authenticated state change without
/// the session's CSRF token is refused with 403.
pub async fn authenticate(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, Problem> {
    // logging in is open to anyone, and must work with a stale cookie: the
    // login itself ends whatever session the browser presents
    if req.uri().path() == "/api/v1/login" || req.uri().path().starts_with("/api/v1/oidc/") {
        return Ok(next.run(req).await);
    }
    if let Some(principal) = principal_of(&state, req.headers()).await? {
        if let Via::Session(s) = &principal.via
            && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        {
            let sent = req
                .headers()
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !secret::equal(sent.as_bytes(), s.csrf.as_bytes()) {
                return Err(Problem::forbidden(
                    "a change made with a session cookie must send the session's CSRF token in the X-CSRF-Token header (GET /api/v1/me gives it)",
                ));
            }
        }
        req.extensions_mut().insert(principal);
    }
    Ok(next.run(req).await)
}

async fn principal_of(state: &AppState, headers: &HeaderMap) -> Result<Option<Principal>, Problem> {
    let now = sef_store_now();
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let auth = auth
            .to_str()
            .map_err(|_| Problem::unauthorized("the Authorization header is not text"))?;
        let token = auth
            .strip_prefix("Bearer ")
            .ok_or_else(|| Problem::unauthorized("use `Authorization: Bearer <token>`"))?;
        let (id, secret_part) = secret::parse_token(token.trim())
            .ok_or_else(|| Problem::unauthorized("not a sef API token"))?;
        let rec = state
            .store
            .token(&id)
            .await?
            .filter(|t| {
                secret::equal(
                    t.secret_hash.as_bytes(),
                    secret::hash(&secret_part).as_bytes(),
                )
            })
            .ok_or_else(|| Problem::unauthorized("unknown API token"))?;
        if rec.revoked_at.is_some() {
            return Err(Problem::unauthorized("this API token was revoked"));
        }
        if rec.expires_at <= now {
            return Err(Problem::unauthorized(format!(
                "this API token expired at {}; create a new one",
                rec.expires_at
            )));
        }
        let user = active_user(state, &rec.user_id).await?;
        // last use, to the minute: one write a minute per token, not one
        // per request
        let minute_ago = time_text(chrono::Utc::now() - chrono::Duration::minutes(1));
        if rec
            .last_used_at
            .as_deref()
            .is_none_or(|t| t < minute_ago.as_str())
        {
            state.store.touch_token(&rec.id).await?;
        }
        let grants = state.store.grants_of(&user.id).await?;
        return Ok(Some(Principal {
            user,
            grants,
            via: Via::Token(rec),
        }));
    }
    let Some(sid) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let Some(s) = state.store.session(&secret::hash(&sid)).await? else {
        return Err(Problem::unauthorized("the session ended; log in again"));
    };
    if s.expires_at <= now {
        state.store.delete_session(&s.id_hash).await?;
        return Err(Problem::unauthorized("the session expired; log in again"));
    }
    let user = active_user(state, &s.user_id).await?;
    let grants = state.store.grants_of(&user.id).await?;
    Ok(Some(Principal {
        user,
        grants,
        via: Via::Session(s),
    }))
}

async fn active_user(state: &AppState, id: &str) -> Result<User, Problem> {
    match state.store.user_by_id(id).await? {
        Some(u) if !u.disabled => Ok(u),
        Some(_) => Err(Problem::unauthorized("this account is disabled")),
        None => Err(Problem::unauthorized("this account no longer exists")),
    }
}

/// A cookie's value.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Now, as the store writes times (RFC 3339 text, comparable as text).
pub fn sef_store_now() -> String {
    time_text(chrono::Utc::now())
}

/// A time as the store writes it.
pub fn time_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}
