//! OIDC login against a local mock issuer: discovery, the authorization
//! code flow with PKCE (the issuer checks the S256 verifier), an RS256 ID
//! token verified against the issuer's JWKS, a session started, the user
//! created on first login; and each way it must fail: a replayed state, a
//! token signed by another key, for another audience, or with another
//! nonce.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use axum::extract::{Form, Query, State};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use sef_server::ServerConfig;
use sef_server::config::OidcConfig;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    Good,
    OtherKey,
    OtherAudience,
    OtherNonce,
}

struct Mock {
    issuer: String,
    key: RsaKeyPair,
    other: RsaKeyPair,
    mode: Mode,
    codes: HashMap<String, (String, String)>,
    pkce_checked: usize,
}

fn rsa_key(dir: &std::path::Path, name: &str) -> RsaKeyPair {
    let path = dir.join(name);
    let st = std::process::Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-outform",
            "DER",
            "-out",
        ])
        .arg(&path)
        .output()
        .expect("openssl is needed to make the mock issuer's keys (apt-get install openssl)");
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    // OpenSSL 3 writes an RSA key in DER as PKCS#1 (RSAPrivateKey)
    RsaKeyPair::from_der(&std::fs::read(path).unwrap()).unwrap()
}

fn b64(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

type Shared = Arc<Mutex<Mock>>;

async fn discovery(State(m): State<Shared>) -> axum::Json<serde_json::Value> {
    let i = m.lock().unwrap().issuer.clone();
    axum::Json(serde_json::json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "jwks_uri": format!("{i}/jwks"),
    }))
}

async fn jwks(State(m): State<Shared>) -> axum::Json<serde_json::Value> {
    let m = m.lock().unwrap();
    let c = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(m.key.public());
    let (n, e) = (b64(&c.n), b64(&c.e));
    axum::Json(
        serde_json::json!({ "keys": [{ "kty": "RSA", "kid": "k1", "alg": "RS256", "n": n, "e": e }] }),
    )
}

/// The user agrees at once: the code is bound to the nonce and challenge.
async fn authorize(State(m): State<Shared>, Query(q): Query<HashMap<String, String>>) -> String {
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["response_type"], "code");
    assert!(q["scope"].split(' ').any(|s| s == "openid"));
    let code = format!("code-{}", q["state"].len() + m.lock().unwrap().codes.len());
    m.lock().unwrap().codes.insert(
        code.clone(),
        (q["nonce"].clone(), q["code_challenge"].clone()),
    );
    code
}

async fn token(
    State(m): State<Shared>,
    Form(f): Form<HashMap<String, String>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut m = m.lock().unwrap();
    let Some((nonce, challenge)) = m.codes.remove(&f["code"]) else {
        return (axum::http::StatusCode::BAD_REQUEST, "invalid_grant").into_response();
    };
    if b64(&Sha256::digest(f["code_verifier"].as_bytes())) != challenge {
        return (axum::http::StatusCode::BAD_REQUEST, "invalid_grant: PKCE").into_response();
    }
    m.pkce_checked += 1;
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({
        "iss": m.issuer,
        "sub": "248289761001",
        "aud": if m.mode == Mode::OtherAudience { "someone-else" } else { "sef" },
        "exp": now + 300,
        "iat": now,
        "nonce": if m.mode == Mode::OtherNonce { "not-it".to_owned() } else { nonce },
        "preferred_username": "alice",
    });
    let header = b64(br#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#);
    let body = b64(claims.to_string().as_bytes());
    let signing = format!("{header}.{body}");
    let key = if m.mode == Mode::OtherKey {
        &m.other
    } else {
        &m.key
    };
    let mut sig = vec![0u8; key.public().modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        signing.as_bytes(),
        &mut sig,
    )
    .unwrap();
    axum::Json(serde_json::json!({ "id_token": format!("{signing}.{}", b64(&sig)), "token_type": "Bearer" })).into_response()
}

async fn start_mock() -> (Shared, String) {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let m = Arc::new(Mutex::new(Mock {
        issuer: issuer.clone(),
        key: rsa_key(dir.path(), "k1.der"),
        other: rsa_key(dir.path(), "k2.der"),
        mode: Mode::Good,
        codes: HashMap::new(),
        pkce_checked: 0,
    }));
    let app = axum::Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .with_state(m.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (m, issuer)
}

/// Login, the provider's consent, and the callback: the callback's answer.
async fn log_in(h: &Harness) -> (Answer, String) {
    let a = h
        .send("GET", "/api/v1/oidc/login", &Caller::Anonymous, None)
        .await;
    assert_eq!(a.status, 303, "{}", a.text());
    let location = a.headers["location"].to_str().unwrap().to_owned();
    let query = location.split_once('?').unwrap().1.to_owned();
    let url = location.clone();
    let code = tokio::task::spawn_blocking(move || {
        ureq::get(&url)
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap()
    })
    .await
    .unwrap();
    let state = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("state="))
        .unwrap()
        .to_owned();
    let cb = format!("/api/v1/oidc/callback?code={code}&state={state}");
    (h.send("GET", &cb, &Caller::Anonymous, None).await, cb)
}

async fn harness(issuer: &str) -> Harness {
    Harness::sqlite_with(ServerConfig {
        oidc: Some(OidcConfig {
            issuer: issuer.to_owned(),
            client_id: "sef".into(),
            client_secret: None,
            redirect_url: "http://sef.test/api/v1/oidc/callback".into(),
            username_claim: None,
        }),
        ..ServerConfig::default()
    })
    .await
}

#[tokio::test]
async fn oidc_login_with_pkce_starts_a_session_and_creates_the_user_once() {
    let (mock, issuer) = start_mock().await;
    let h = harness(&issuer).await;
    let (a, cb) = log_in(&h).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.json()["user"], "alice");
    assert_eq!(
        a.json()["grants"].as_array().unwrap().len(),
        0,
        "no role until an admin grants one"
    );
    let cookie = a.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(mock.lock().unwrap().pkce_checked, 1);
    let csrf = a.json()["csrf"].as_str().unwrap().to_owned();
    let me = h
        .send("GET", "/api/v1/me", &Caller::Session { cookie, csrf }, None)
        .await;
    assert_eq!(me.json()["user"], "alice");
    // the state is used once
    let again = h.send("GET", &cb, &Caller::Anonymous, None).await;
    assert_eq!(again.status, 401, "{}", again.text());
    // a second login finds the same user
    let (a, _) = log_in(&h).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(h.store().users().await.unwrap().len(), 1);
    let u = h.store().user_by_name("alice").await.unwrap().unwrap();
    assert_eq!(
        u.oidc_subject.as_deref(),
        Some(format!("{issuer}|248289761001").as_str())
    );
    assert!(u.password_hash.is_none());
    h.close().await;
}

#[tokio::test]
async fn oidc_refuses_a_foreign_key_audience_or_nonce() {
    let (mock, issuer) = start_mock().await;
    let h = harness(&issuer).await;
    for (mode, says) in [
        (Mode::OtherKey, "signature"),
        (Mode::OtherAudience, "aud"),
        (Mode::OtherNonce, "nonce"),
    ] {
        mock.lock().unwrap().mode = mode;
        let (a, _) = log_in(&h).await;
        assert_eq!(a.status, 502, "{mode:?}: {}", a.text());
        assert!(a.text().contains(says), "{mode:?}: {}", a.text());
        assert!(!a.headers.contains_key("set-cookie"));
    }
    assert_eq!(h.store().users().await.unwrap().len(), 0);
    // without [oidc], the routes say so
    let plain = Harness::sqlite().await;
    let a = plain
        .send("GET", "/api/v1/oidc/login", &Caller::Anonymous, None)
        .await;
    assert_eq!(a.status, 404);
    plain.close().await;
    h.close().await;
}
