//! The caller, their API tokens, the users and their grants, and the audit
//! trail.

use super::{Body, Page, PageQuery, cursor};
use crate::AppState;
use crate::auth::login::SessionInfo;
use crate::auth::{Principal, Via, password, secret, time_text};
use crate::problem::{ApiResult, Problem};
use axum::Json;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use sef_model::access::{Grant, GrantScope, Permission, Role};
use sef_store::{AuditEntry, TokenRecord, User};
use serde::{Deserialize, Serialize};

/// `GET /api/v1/me`.
pub async fn me(Extension(p): Extension<Principal>) -> Json<SessionInfo> {
    Json(SessionInfo::of(&p))
}

/// `POST /api/v1/tokens`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// A name for people (`ci-upload`).
    pub name: String,
    /// Offerings it may act on; empty: all its owner's grants cover.
    #[serde(default)]
    pub offerings: Vec<String>,
    /// Permissions it carries (within its owner's); empty: all of them.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Days until it expires (default 90).
    pub days: Option<i64>,
}

/// A new token: the only time its secret is shown.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct NewToken {
    /// The public id.
    pub id: String,
    /// The token: keep it secret; it is not shown again.
    pub token: String,
    /// When it expires.
    pub expires_at: String,
}

/// `GET /api/v1/tokens`.
pub async fn list_tokens(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> ApiResult<Json<Vec<TokenRecord>>> {
    Ok(Json(state.store.tokens_of(&p.user.id).await?))
}

/// Creates a token record for `user` in `store` (as `store`'s actor); the
/// caller checks who may. `sef token create` calls it too.
pub async fn issue_token(
    store: &sef_store::Store,
    max_days: i64,
    user: &User,
    req: &TokenRequest,
) -> ApiResult<NewToken> {
    super::offerings::check_name("token name", &req.name)?;
    let days = req.days.unwrap_or(90);
    if !(1..=max_days).contains(&days) {
        return Err(Problem::unprocessable(format!(
            "`days`: a token lives 1 to {max_days} days"
        )));
    }
    let permissions = req
        .permissions
        .iter()
        .map(|p| {
            Permission::parse(p)
                .ok_or_else(|| Problem::unprocessable(format!("unknown permission `{p}`")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (id, secret_part, token) = secret::new_token().map_err(Problem::internal)?;
    let now = chrono::Utc::now();
    let rec = TokenRecord {
        id: id.clone(),
        user_id: user.id.clone(),
        name: req.name.clone(),
        secret_hash: secret::hash(&secret_part),
        offerings: req.offerings.clone(),
        permissions,
        created_at: time_text(now),
        expires_at: time_text(now + chrono::Duration::days(days)),
        revoked_at: None,
        last_used_at: None,
    };
    store.create_token(&rec).await?;
    Ok(NewToken {
        id,
        token,
        expires_at: rec.expires_at,
    })
}

/// `POST /api/v1/tokens`: only from a login session, so that a leaked
/// token cannot mint others.
pub async fn create_token(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Body(req): Body<TokenRequest>,
) -> ApiResult<(StatusCode, Json<NewToken>)> {
    if matches!(p.via, Via::Token(_)) {
        return Err(Problem::forbidden(
            "API tokens are created from a login session, not with another token",
        ));
    }
    for name in &req.permissions {
        if let Some(perm) = Permission::parse(name)
            && !p.has_anywhere(perm)
        {
            return Err(Problem::forbidden(format!(
                "{} holds no role with `{name}`: a token cannot carry more than its owner",
                p.user.name
            )));
        }
    }
    let store = state.store.with_actor(&p.actor());
    let t = issue_token(&store, state.config.max_token_days, &p.user, &req).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// `DELETE /api/v1/tokens/{token}`.
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let Some(t) = state.store.token(&id).await? else {
        return Err(Problem::not_found(format!("no token {id}")));
    };
    if t.user_id != p.user.id && !p.allows(Permission::ManageUsers, None) {
        return Err(Problem::forbidden(
            "only its owner or a user manager revokes a token",
        ));
    }
    state.store.with_actor(&p.actor()).revoke_token(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A user as listed.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct UserView {
    /// Login name.
    pub name: String,
    /// Whether it may log in.
    pub disabled: bool,
    /// Roles and where.
    pub grants: Vec<String>,
}

/// `GET /api/v1/users`.
pub async fn list_users(State(state): State<AppState>) -> ApiResult<Json<Vec<UserView>>> {
    let mut out = Vec::new();
    for u in state.store.users().await? {
        let grants = state.store.grants_of(&u.id).await?;
        out.push(UserView {
            name: u.name,
            disabled: u.disabled,
            grants: grants
                .iter()
                .map(|g| format!("{}@{}", g.role, g.scope))
                .collect(),
        });
    }
    Ok(Json(out))
}

/// `POST /api/v1/users`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Login name.
    pub name: String,
    /// Initial password (at least 12 characters).
    pub password: String,
}

/// Makes a new local user record (password hashed).
pub fn new_user(name: &str, password_text: &str) -> Result<User, Problem> {
    super::offerings::check_name("user name", name)?;
    password::check_strength(password_text).map_err(Problem::unprocessable)?;
    Ok(User {
        id: sef_model::RunId::generate().to_string(),
        name: name.to_owned(),
        password_hash: Some(password::hash(password_text).map_err(Problem::internal)?),
        oidc_subject: None,
        created_at: time_text(chrono::Utc::now()),
        disabled: false,
    })
}

/// `POST /api/v1/users`.
pub async fn create_user(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Body(req): Body<CreateUser>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    let u = tokio::task::spawn_blocking(move || new_user(&req.name, &req.password))
        .await
        .map_err(Problem::internal)??;
    state.store.with_actor(&p.actor()).create_user(&u).await?;
    Ok((
        StatusCode::CREATED,
        Json(UserView {
            name: u.name,
            disabled: false,
            grants: Vec::new(),
        }),
    ))
}

/// `POST /api/v1/users/{name}/grants`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    /// The role.
    pub role: String,
    /// `global`, `team:NAME` or `offering:NAME`.
    pub scope: String,
}

fn grant_of(role: &str, scope: &str) -> Result<Grant, Problem> {
    Ok(Grant {
        role: Role::parse(role).ok_or_else(|| {
            Problem::unprocessable(format!(
                "unknown role `{role}`; roles are {}",
                Role::ALL
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?,
        scope: scope
            .parse::<GrantScope>()
            .map_err(Problem::unprocessable)?,
    })
}

async fn user_named(state: &AppState, name: &str) -> ApiResult<User> {
    state
        .store
        .user_by_name(name)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no user `{name}`")))
}

/// `POST /api/v1/users/{name}/grants`.
pub async fn grant(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(name): Path<String>,
    Body(req): Body<GrantRequest>,
) -> ApiResult<StatusCode> {
    let g = grant_of(&req.role, &req.scope)?;
    let u = user_named(&state, &name).await?;
    state.store.with_actor(&p.actor()).grant(&u, &g).await?;
    Ok(StatusCode::CREATED)
}

/// `?role=&scope=`.
#[derive(Debug, Deserialize)]
pub struct GrantQuery {
    role: String,
    scope: String,
}

/// `DELETE /api/v1/users/{name}/grants?role=&scope=`.
pub async fn revoke_grant(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(name): Path<String>,
    Query(q): Query<GrantQuery>,
) -> ApiResult<StatusCode> {
    let g = grant_of(&q.role, &q.scope)?;
    let u = user_named(&state, &name).await?;
    if state
        .store
        .with_actor(&p.actor())
        .revoke_grant(&u, &g)
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Problem::not_found(format!(
            "{name} does not hold {}@{}",
            g.role, g.scope
        )))
    }
}

/// `GET /api/v1/audit`.
pub async fn audit(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<AuditEntry>>> {
    let size = q.size(state.config.page_size);
    let after: i64 = match q.decode()? {
        None => 0,
        Some(c) => c
            .parse()
            .map_err(|_| Problem::bad_request("`cursor` is not a cursor this API gave out"))?,
    };
    let mut items = state
        .store
        .audit_entries(after, i64::try_from(size + 1).unwrap_or(i64::MAX))
        .await?;
    let next = (items.len() > size).then(|| {
        items.truncate(size);
        items.last().map(|e| cursor(&e.seq.to_string()))
    });
    Ok(Json(Page {
        items,
        next: next.flatten(),
    }))
}

/// `GET /api/v1/audit/verify`.
pub async fn verify_audit(
    State(state): State<AppState>,
) -> ApiResult<Json<sef_store::Verification>> {
    Ok(Json(state.store.verify_audit().await?))
}
