//! What `sef serve` keeps about people and offerings: which team owns each
//! offering, users and the roles granted to them, API tokens and sessions
//! (their secrets as SHA-256 hashes only), failed-login counters shared by
//! every server node, and the upload and plan records of pushed runs.
//! Every change is appended to the audit trail in its own transaction.

use crate::StoreError;
use crate::audit::Change;
use sef_model::access::{Grant, GrantScope, Permission, Role};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// An offering registered on the server, and its team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferingRecord {
    /// The offering's name, as in its plan.
    pub name: String,
    /// The team that owns it.
    pub team: String,
    /// The business unit it belongs to, when registered with one.
    pub business_unit: Option<String>,
    /// When it was registered.
    pub created_at: String,
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Stable id.
    pub id: String,
    /// Login name.
    pub name: String,
    /// The argon2id PHC string, for local login.
    pub password_hash: Option<String>,
    /// `issuer|subject`, for OIDC login.
    pub oidc_subject: Option<String>,
    /// When it was created.
    pub created_at: String,
    /// A disabled account cannot log in and its tokens do not work.
    pub disabled: bool,
}

/// An API token, as stored: the secret only as its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenRecord {
    /// Public id (the part of the token before the secret).
    pub id: String,
    /// The owner.
    pub user_id: String,
    /// A name for people.
    pub name: String,
    /// SHA-256 of the secret, hex.
    #[serde(skip)]
    pub secret_hash: String,
    /// The offerings it may act on; empty means every offering its owner's
    /// grants cover.
    pub offerings: Vec<String>,
    /// What it may do, within its owner's grants.
    pub permissions: Vec<Permission>,
    /// When it was created.
    pub created_at: String,
    /// When it stops working.
    pub expires_at: String,
    /// When it was revoked.
    pub revoked_at: Option<String>,
    /// When it was last used.
    pub last_used_at: Option<String>,
}

/// A login session, as stored: the id only as its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the session id, hex.
    pub id_hash: String,
    /// Whose.
    pub user_id: String,
    /// The CSRF token forms must echo.
    pub csrf: String,
    /// When it started.
    pub created_at: String,
    /// When it ends.
    pub expires_at: String,
}

/// Failed logins counted under one key (an account or a source address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureState {
    /// Failures in the current window.
    pub failures: i64,
    /// When the window started.
    pub window_start: String,
    /// Locked until then, if locked.
    pub locked_until: Option<String>,
}

/// A plan file uploaded with a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFile {
    /// Its path in the repository (`sef.toml`, `security/pti.toml`, …).
    pub path: String,
    /// Its text.
    pub text: String,
}

/// What is stored with an uploaded run besides the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// SHA-256 of the upload body, hex: the same run id with another body
    /// is refused.
    pub body_digest: String,
    /// The plan files the server decided the run with.
    pub plan_files: Vec<PlanFile>,
    /// Background work the run calls for (the KPI roll-up, a
    /// notification), queued in the run's own transaction.
    pub jobs: Vec<crate::QueuedWith>,
}

fn list(json: &str, what: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Decode(format!("{what}: {e}")))
}

fn user_change(action: &str, u: &User) -> Change {
    Change::new(
        action,
        format!("user:{}", u.name),
        serde_json::json!({ "id": u.id, "name": u.name, "local_password": u.password_hash.is_some(), "oidc": u.oidc_subject, "disabled": u.disabled }),
    )
}

fn token_change(action: &str, t: &TokenRecord) -> Change {
    Change::new(
        action,
        format!("token:{}", t.id),
        serde_json::json!({ "id": t.id, "user": t.user_id, "name": t.name, "offerings": t.offerings, "permissions": t.permissions, "expires_at": t.expires_at, "revoked_at": t.revoked_at }),
    )
}

macro_rules! backend {
    ($module:ident, $db:ty) => {
        /// The access queries for one backend.
        pub(crate) mod $module {
            use super::*;
            use crate::audit::$module::append;

            type Pool = sqlx::Pool<$db>;
            type DbRow = <$db as sqlx::Database>::Row;

            fn unique(e: sqlx::Error, what: String) -> StoreError {
                match &e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(what),
                    _ => StoreError::Query(e),
                }
            }

            pub(crate) async fn put_offering(pool: &Pool, actor: &str, name: &str, team: &str, business_unit: Option<&str>) -> Result<OfferingRecord, StoreError> {
                let mut tx = crate::open::BeginWrite::begin_write(pool).await?;
                let before = sqlx::query("SELECT team, business_unit FROM offerings WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| -> Result<serde_json::Value, sqlx::Error> {
                        Ok(serde_json::json!({
                            "team": r.try_get::<String, _>("team")?,
                            "business_unit": r.try_get::<Option<String>, _>("business_unit")?,
                        }))
                    })
                    .transpose()?;
                let now = crate::audit::now_text();
                sqlx::query(
                    "INSERT INTO offerings (name, team, business_unit, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (name) DO UPDATE SET team = excluded.team, business_unit = excluded.business_unit",
                )
                .bind(name)
                .bind(team)
                .bind(business_unit)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
                let change = Change {
                    action: "offering.put".into(),
                    target: format!("offering:{name}"),
                    before,
                    after: Some(serde_json::json!({ "team": team, "business_unit": business_unit })),
                };
                append(&mut tx, actor, &change).await?;
                tx.commit().await?;
                offering(pool, name).await?.ok_or_else(|| StoreError::Decode(format!("offering {name} vanished")))
            }

            fn offering_of(r: &DbRow) -> Result<OfferingRecord, StoreError> {
                Ok(OfferingRecord {
                    name: r.try_get("name")?,
                    team: r.try_get("team")?,
                    business_unit: r.try_get("business_unit")?,
                    created_at: r.try_get("created_at")?,
                })
            }

            pub(crate) async fn offering(pool: &Pool, name: &str) -> Result<Option<OfferingRecord>, StoreError> {
                sqlx::query("SELECT name, team, business_unit, created_at FROM offerings WHERE name = $1")
                    .bind(name)
                    .fetch_optional(pool)
                    .await?
                    .as_ref()
                    .map(offering_of)
                    .transpose()
            }

            pub(crate) async fn offerings(pool: &Pool, after: &str, limit: i64) -> Result<Vec<OfferingRecord>, StoreError> {
                sqlx::query("SELECT name, team, business_unit, created_at FROM offerings WHERE name > $1 ORDER BY name LIMIT $2")
                    .bind(after)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(offering_of)
                    .collect()
            }

            pub(crate) async fn run_offering(pool: &Pool, id: sef_model::RunId) -> Result<Option<String>, StoreError> {
                let row = sqlx::query("SELECT offering FROM runs WHERE id = $1")
                    .bind(id.to_string())
                    .fetch_optional(pool)
                    .await?;
                Ok(row.map(|r| r.try_get("offering")).transpose()?)
            }

            pub(crate) async fn create_user(pool: &Pool, actor: &str, u: &User) -> Result<(), StoreError> {
                let mut tx = crate::open::BeginWrite::begin_write(pool).await?;
                sqlx::query(
                    "INSERT INTO users (id, name, password_hash, oidc_subject, created_at, disabled) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&u.id)
                .bind(&u.name)
                .bind(&u.password_hash)
                .bind(&u.oidc_subject)
                .bind(&u.created_at)
                .bind(u.disabled)
                .execute(&mut *tx)
                .await
                .map_err(|e| unique(e, format!("a user named `{}` (or with that identity) already exists", u.name)))?;
                append(&mut tx, actor, &user_change("user.create", u)).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn update_user(pool: &Pool, actor: &str, u: &User) -> Result<(), StoreError> {
                let mut tx = crate::open::BeginWrite::begin_write(pool).await?;
                sqlx::query("UPDATE users SET password_hash = $1, oidc_subject = $2, disabled = $3 WHERE id = $4")
                    .bind(&u.password_hash)
                    .bind(&u.oidc_subject)
                    .bind(u.disabled)
                    .bind(&u.id)
                    .execute(&mut *tx)
                    .await?;
                append(&mut tx, actor, &user_change("user.update", u)).await?;
                tx.commit().await?;
                Ok(())
            }

            fn user_of(r: &DbRow) -> Result<User, StoreError> {
                Ok(User {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    password_hash: r.try_get("password_hash")?,
                    oidc_subject: r.try_get("oidc_subject")?,
                    created_at: r.try_get("created_at")?,
                    disabled: r.try_get("disabled")?,
                })
            }

            pub(crate) async fn user_where(pool: &Pool, column: &str, value: &str) -> Result<Option<User>, StoreError> {
                let sql = match column {
                    "id" => "SELECT id, name, password_hash, oidc_subject, created_at, disabled FROM users WHERE id = $1",
                    "name" => "SELECT id, name, password_hash, oidc_subject, created_at, disabled FROM users WHERE name = $1",
                    _ => "SELECT id, name, password_hash, oidc_subject, created_at, disabled FROM users WHERE oidc_subject = $1",
                };
                sqlx::query(sql).bind(value).fetch_optional(pool).await?.as_ref().map(user_of).transpose()
            }

            pub(crate) async fn users(pool: &Pool) -> Result<Vec<User>, StoreError> {
                sqlx::query("SELECT id, name, password_hash, oidc_subject, created_at, disabled FROM users ORDER BY name")
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(user_of)
                    .collect()
            }

            pub(crate) async fn grant(pool: &Pool, actor: &str, user: &User, g: &Grant) -> Result<(), StoreError> {
                let mut tx = crate::open::BeginWrite::begin_write(pool).await?;
                let done = sqlx::query(
                    "INSERT INTO grants (user_id, role, scope_kind, scope, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (user_id, role, scope_kind, scope) DO NOTHING",
                )
                .bind(&user.id)
                .bind(g.role.as_str())
                .bind(g.scope.kind())
                .bind(g.scope.name())
                .bind(actor)
                .bind(crate::audit::now_text())
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() > 0 {
                    let change = Change::new("grant.add", format!("user:{}", user.name), serde_json::json!({ "role": g.role.as_str(), "scope": g.scope.to_string() }));
                    append(&mut tx, actor, &change).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn revoke_grant(pool: &Pool, actor: &str, user: &User, g: &Grant) -> Result<bool, StoreError> {
                let mut tx = crate::open::BeginWrite::begin_write(pool).await?;
                let done = sqlx::query("DELETE FROM grants WHERE user_id = $1 AND role = $2 AND scope_kind = $3 AND scope = $4")
                    .bind(&user.id)
                    .bind(g.role.as_str())
                    .bind(g.scope.kind())
                    .bind(g.scope.name())
                    .execute(&mut *tx)
                    .await?;
                let removed = done.rows_affected() > 0;
                if removed {
                    let change = Change {
                        action: "grant.remove".into(),
                        target: format!("user:{}", user.name),
                        before: Some(serde_json::json!({ "role": g.role.as_str(), "scope": g.scope.to_string() })),
                        after: None,
                    };
                    append(&mut tx, actor, &change).await?;
                }
                tx.commit().await?;
                Ok(removed)
            }

            pub(crate) async fn grants_of(pool: &Pool, user_id: &str) -> Result<Vec<Grant>, StoreError> {
                let rows = sqlx::query("SELECT role, scope_kind, scope FROM grants WHERE user_id = $1 ORDER BY role, scope_kind, scope")
                    .bind(user_id)
                    .fetch_all(pool)
                    .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    let role: String = r.try_get("role")?;
                    let kind: String = r.try_get("scope_kind")?;
                    let scope: String = r.try_get("scope")?;
                    out.push(Grant {
                        role: Role::parse(&role).ok_or_else(|| StoreError::Decode(format!("unknown role `{role}`")))?,
                        scope: GrantScope::from_parts(&kind, &scope).ok_or_else(|| StoreError::Decode(format!("unknown scope kind `{kind}`")))?,
                    });
                }
                Ok(out)
            }

            pub(crate) async fn create_token(pool: &Pool, actor: &str, t: &TokenRecord) -> Result<(), StoreError> {
                let mut tx = crate::open::BeginWrite::begin_write(pool).await?;
                sqlx::query(
                    "INSERT INTO api_tokens (id, user_id, name, secret_hash, offerings, permissions, created_at, expires_at, revoked_at, last_used_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL)",
                )
                .bind(&t.id)
                .bind(&t.user_id)
                .bind(&t.name)
                .bind(&t.secret_hash)
                .bind(serde_json::json!(t.offerings).to_string())
                .bind(serde_json::json!(t.permissions).to_string())
                .bind(&t.created_at)
                .bind(&t.expires_at)
                .execute(&mut *tx)
                .await?;
                append(&mut tx, actor, &token_change("token.create", t)).await?;
                tx.commit().await?;
                Ok(())
            }

            fn token_of(r: &DbRow) -> Result<TokenRecord, StoreError> {
                let offerings: String = r.try_get("offerings")?;
                let permissions: String = r.try_get("permissions")?;
                let permissions = list(&permissions, "token permissions")?
                    .iter()
                    .map(|p| Permission::parse(p).ok_or_else(|| StoreError::Decode(format!("unknown permission `{p}`"))))
                    .collect::<Result<_, _>>()?;
                Ok(TokenRecord {
                    id: r.try_get("id")?,
                    user_id: r.try_get("user_id")?,
                    name: r.try_get("name")?,
                    secret_hash: r.try_get("secret_hash")?,
                    offerings: list(&offerings, "token offerings")?,
                    permissions,
                    created_at: r.try_get("created_at")?,
                    expires_at: r.try_get("expires_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                    last_used_at: r.try_get("last_used_at")?,
                })
            }

            pub(crate) async fn token(pool: &Pool, id: &str) -> Result<Option<TokenRecord>, StoreError> {
                sqlx::query("SELECT id, user_id, name, secret_hash, offerings, permissions, created_at, expires_at, revoked_at, last_used_at FROM api_tokens WHERE id = $1")
                    .bind(id)
                    .fetch_optional(pool)
                    .await?
                    .as_ref()
                    .map(token_of)
                    .transpose()
            }

            pub(crate) async fn tokens_of(pool: &Pool, user_id: &str) -> Result<Vec<TokenRecord>, StoreError> {
                sqlx::query("SELECT id, user_id, name, secret_hash, offerings, permissions, created_at, expires_at, revoked_at, last_used_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id")
                    .bind(user_id)
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(token_of)
                    .collect()
            }

            pub(crate) async fn revoke_token(pool: &Pool, actor: &str, id: &str) -> Result<bool, StoreError> {
                let mut tx = crate::open::BeginWrite::begin_write(pool).await?;
                let now = crate::audit::now_text();
                let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                    .bind(&now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let revoked = done.rows_affected() > 0;
                if revoked {
                    let change = Change {
                        action: "token.revoke".into(),
                        target: format!("token:{id}"),
                        before: Some(serde_json::json!({ "revoked_at": null })),
                        after: Some(serde_json::json!({ "revoked_at": now })),
                    };
                    append(&mut tx, actor, &change).await?;
                }
                tx.commit().await?;
                Ok(revoked)
            }

            pub(crate) async fn touch_token(pool: &Pool, id: &str) -> Result<(), StoreError> {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                    .bind(crate::audit::now_text())
                    .bind(id)
                    .execute(pool)
                    .await?;
                Ok(())
            }

            pub(crate) async fn create_session(pool: &Pool, actor: &str, s: &SessionRecord) -> Result<(), StoreError> {
                let mut tx = crate::open::BeginWrite::begin_write(pool).await?;
                sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&s.id_hash)
                    .bind(&s.user_id)
                    .bind(&s.csrf)
                    .bind(&s.created_at)
                    .bind(&s.expires_at)
                    .execute(&mut *tx)
                    .await?;
                let change = Change::new("session.login", format!("user-id:{}", s.user_id), serde_json::json!({ "expires_at": s.expires_at }));
                append(&mut tx, actor, &change).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn session(pool: &Pool, id_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
                let row = sqlx::query("SELECT id_hash, user_id, csrf, created_at, expires_at FROM sessions WHERE id_hash = $1")
                    .bind(id_hash)
                    .fetch_optional(pool)
                    .await?;
                row.map(|r| -> Result<SessionRecord, StoreError> {
                    Ok(SessionRecord {
                        id_hash: r.try_get("id_hash")?,
                        user_id: r.try_get("user_id")?,
                        csrf: r.try_get("csrf")?,
                        created_at: r.try_get("created_at")?,
                        expires_at: r.try_get("expires_at")?,
                    })
                })
                .transpose()
            }

            pub(crate) async fn delete_session(pool: &Pool, id_hash: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(pool).await?;
                Ok(())
            }

            pub(crate) async fn put_oidc_login(pool: &Pool, state_hash: &str, verifier: &str, nonce: &str) -> Result<(), StoreError> {
                sqlx::query("INSERT INTO oidc_logins (state_hash, verifier, nonce, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(state_hash)
                    .bind(verifier)
                    .bind(nonce)
                    .bind(crate::audit::now_text())
                    .execute(pool)
                    .await?;
                Ok(())
            }

            /// Takes a pending login (it is used once): (verifier, nonce, created_at).
            pub(crate) async fn take_oidc_login(pool: &Pool, state_hash: &str) -> Result<Option<(String, String, String)>, StoreError> {
                let row = sqlx::query("DELETE FROM oidc_logins WHERE state_hash = $1 RETURNING verifier, nonce, created_at")
                    .bind(state_hash)
                    .fetch_optional(pool)
                    .await?;
                row.map(|r| -> Result<_, StoreError> { Ok((r.try_get("verifier")?, r.try_get("nonce")?, r.try_get("created_at")?)) })
                    .transpose()
            }

            pub(crate) async fn failures(pool: &Pool, key: &str) -> Result<Option<FailureState>, StoreError> {
                let row = sqlx::query("SELECT failures, window_start, locked_until FROM login_failures WHERE key = $1")
                    .bind(key)
                    .fetch_optional(pool)
                    .await?;
                row.map(|r| -> Result<FailureState, StoreError> {
                    Ok(FailureState {
                        failures: r.try_get("failures")?,
                        window_start: r.try_get("window_start")?,
                        locked_until: r.try_get("locked_until")?,
                    })
                })
                .transpose()
            }

            pub(crate) async fn set_failures(pool: &Pool, key: &str, s: &FailureState) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO login_failures (key, failures, window_start, locked_until) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start, locked_until = excluded.locked_until",
                )
                .bind(key)
                .bind(s.failures)
                .bind(&s.window_start)
                .bind(&s.locked_until)
                .execute(pool)
                .await?;
                Ok(())
            }

            pub(crate) async fn clear_failures(pool: &Pool, key: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key).execute(pool).await?;
                Ok(())
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);
