//! Login through an OpenID Connect identity provider: the authorization
//! code flow with PKCE (S256). `GET /api/v1/oidc/login` remembers a state,
//! a nonce and a PKCE verifier in the store (any node may receive the
//! provider's answer) and sends the browser to the provider;
//! `GET /api/v1/oidc/callback` takes them back (once, within ten minutes),
//! exchanges the code with the verifier, verifies the ID token
//! ([`super::jwt`]) and starts a session. A first login creates the user
//! with no role: an admin grants roles. The provider's metadata and keys
//! are read for each login (no cache to go stale across nodes).

use super::{jwt, secret};
use crate::AppState;
use crate::config::OidcConfig;
use crate::problem::{ApiResult, Problem};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};

#[derive(Debug, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

fn config(state: &AppState) -> ApiResult<OidcConfig> {
    state.config.oidc.clone().ok_or_else(|| {
        Problem::not_found(
            "this server has no OIDC provider configured ([oidc] in its configuration)",
        )
    })
}

fn loopback(url: &str) -> bool {
    ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| url.starts_with(p))
}

fn agent(url: &str) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(10)))
        .http_status_as_error(false)
        .https_only(!loopback(url))
        .max_redirects(0)
        .user_agent(concat!("sef/", env!("CARGO_PKG_VERSION")))
        .build();
    ureq::Agent::new_with_config(config)
}

fn read_json<T: serde::de::DeserializeOwned>(
    mut resp: ureq::http::Response<ureq::Body>,
    what: &str,
) -> Result<T, String> {
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .with_config()
        .limit(1024 * 1024)
        .read_to_string()
        .map_err(|e| format!("{what}: {e}"))?;
    if status != 200 {
        return Err(format!("{what}: the provider answered {status}"));
    }
    serde_json::from_str(&text).map_err(|e| format!("{what}: {e}"))
}

fn discover(issuer: &str) -> Result<Discovery, String> {
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let resp = agent(&url)
        .get(&url)
        .call()
        .map_err(|e| format!("{url}: {e}"))?;
    let d: Discovery = read_json(resp, &url)?;
    if d.issuer.trim_end_matches('/') != issuer.trim_end_matches('/') {
        return Err(format!("{url} names issuer `{}`, not `{issuer}`", d.issuer));
    }
    Ok(d)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(Problem::internal)?
        .map_err(|e| {
            tracing::warn!(error = %e, "OIDC provider");
            Problem::new(
                StatusCode::BAD_GATEWAY,
                format!("the identity provider: {e}"),
            )
        })
}

/// `GET /api/v1/oidc/login`.
pub async fn login(State(state): State<AppState>) -> ApiResult<Response> {
    let cfg = config(&state)?;
    let issuer = cfg.issuer.clone();
    let d = blocking(move || discover(&issuer)).await?;
    let st = secret::new_secret().map_err(Problem::internal)?;
    let nonce = secret::new_secret().map_err(Problem::internal)?;
    let verifier = secret::new_secret().map_err(Problem::internal)?;
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    state
        .store
        .put_oidc_login(&secret::hash(&st), &verifier, &nonce)
        .await?;
    let q = |s: &str| url_encode(s);
    let location = format!(
        "{}{}response_type=code&client_id={}&redirect_uri={}&scope={}&state={}&nonce={}&code_challenge={}&code_challenge_method=S256",
        d.authorization_endpoint,
        if d.authorization_endpoint.contains('?') {
            '&'
        } else {
            '?'
        },
        q(&cfg.client_id),
        q(&cfg.redirect_url),
        q("openid profile email"),
        q(&st),
        q(&nonce),
        q(&challenge),
    );
    let mut r = StatusCode::SEE_OTHER.into_response();
    r.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(&location).map_err(Problem::internal)?,
    );
    Ok(r)
}

/// The provider's answer.
#[derive(Debug, Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    id_token: String,
}

/// `GET /api/v1/oidc/callback`.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(cb): Query<Callback>,
) -> ApiResult<Response> {
    let cfg = config(&state)?;
    if let Some(e) = cb.error {
        return Err(Problem::unauthorized(format!(
            "the identity provider refused the login: {e}"
        )));
    }
    let (Some(code), Some(st)) = (cb.code, cb.state) else {
        return Err(Problem::bad_request(
            "the callback needs `code` and `state`",
        ));
    };
    let Some((verifier, nonce, started)) = state.store.take_oidc_login(&secret::hash(&st)).await?
    else {
        return Err(Problem::unauthorized(
            "unknown or already used login state: start again at /api/v1/oidc/login",
        ));
    };
    let limit = super::time_text(chrono::Utc::now() - chrono::Duration::minutes(10));
    if started < limit {
        return Err(Problem::unauthorized(
            "the login took more than ten minutes: start again",
        ));
    }
    let secret_env = std::env::var("SEF_OIDC_CLIENT_SECRET").ok();
    let c = cfg.clone();
    let claims = blocking(move || {
        let d = discover(&c.issuer)?;
        let mut form = vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code),
            ("redirect_uri", c.redirect_url.clone()),
            ("client_id", c.client_id.clone()),
            ("code_verifier", verifier),
        ];
        if let Some(s) = secret_env.or(c.client_secret.clone()) {
            form.push(("client_secret", s));
        }
        let resp = agent(&d.token_endpoint)
            .post(&d.token_endpoint)
            .send_form(form.iter().map(|(k, v)| (*k, v.as_str())))
            .map_err(|e| format!("{}: {e}", d.token_endpoint))?;
        let answer: TokenAnswer = read_json(resp, &d.token_endpoint)?;
        let resp = agent(&d.jwks_uri)
            .get(&d.jwks_uri)
            .call()
            .map_err(|e| format!("{}: {e}", d.jwks_uri))?;
        let jwks: jwt::Jwks = read_json(resp, &d.jwks_uri)?;
        jwt::verify(
            &answer.id_token,
            &jwks,
            &c.issuer,
            &c.client_id,
            &nonce,
            chrono::Utc::now().timestamp(),
        )
        .map_err(|e| e.to_string())
    })
    .await?;
    let subject = format!("{}|{}", claims.iss.trim_end_matches('/'), claims.sub);
    let user = match state.store.user_by_oidc(&subject).await? {
        Some(u) if u.disabled => return Err(Problem::unauthorized("this account is disabled")),
        Some(u) => u,
        None => {
            let claim = cfg.username_claim.as_deref();
            let name = claim
                .and_then(|c| claims.other.get(c))
                .or_else(|| claims.other.get("preferred_username"))
                .or_else(|| claims.other.get("email"))
                .and_then(|v| v.as_str())
                .unwrap_or(&claims.sub)
                .to_owned();
            crate::api::offerings::check_name("user name", &name.replace('@', "."))?;
            let u = sef_store::User {
                id: sef_model::RunId::generate().to_string(),
                name,
                password_hash: None,
                oidc_subject: Some(subject.clone()),
                created_at: super::sef_store_now(),
                disabled: false,
            };
            state
                .store
                .with_actor(&format!("oidc:{subject}"))
                .create_user(&u)
                .await
                .map_err(|e| match e {
                    sef_store::StoreError::Conflict(_) => Problem::conflict(format!(
                        "a user named `{}` exists without this identity; an admin links them",
                        u.name
                    )),
                    other => other.into(),
                })?;
            u
        }
    };
    super::login::start_session(&state, user, &headers).await
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
