//! Bad input and attacks, each with its test: oversized and malformed
//! bodies, SQL injection in every filter, stored XSS read back, path
//! traversal, CSRF on every state-changing route, brute-force login,
//! expired, revoked and foreign-scope tokens, uploads outside the token's
//! scope, replayed and altered uploads, and a tampered audit row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use common::*;
use sef_model::access::{GrantScope, Permission, Role};
use sef_server::ServerConfig;
use sef_server::routes::{Rule, table};

async fn admin(h: &Harness) -> Caller {
    let u = h.user("root", &[(Role::Admin, GrantScope::Global)]).await;
    h.session(&u).await
}

#[tokio::test]
async fn oversized_and_malformed_bodies_are_refused() {
    let h = Harness::sqlite_with(ServerConfig {
        max_body_bytes: 64 * 1024,
        ..ServerConfig::default()
    })
    .await;
    let root = admin(&h).await;
    let big = vec![b' '; 65 * 1024];
    let a = h.send("POST", "/api/v1/runs", &root, Some(big)).await;
    assert_eq!(a.status, 413, "{}", a.text());
    for (bad, says) in [
        (&b"{\"format\": "[..], "line 1"),
        (&b"[]"[..], "malformed JSON"),
        (&b"{\"format\": 42}"[..], "format"),
        (&b"\xff\xfe"[..], "malformed JSON"),
    ] {
        let a = h
            .send("POST", "/api/v1/runs", &root, Some(bad.to_vec()))
            .await;
        assert_eq!(a.status, 400, "{}", a.text());
        assert_eq!(a.headers["content-type"], "application/problem+json");
        assert!(
            a.json()["detail"].as_str().unwrap().contains(says),
            "{}",
            a.text()
        );
    }
    // a body the handler does not expect
    let a = h
        .send(
            "PUT",
            "/api/v1/offerings/x",
            &root,
            Some(br#"{"team":"t","evil":1}"#.to_vec()),
        )
        .await;
    assert_eq!(a.status, 400, "{}", a.text());
    // JSON required
    let mut no_type = h
        .send("POST", "/api/v1/login", &Caller::Anonymous, None)
        .await;
    assert_eq!(no_type.status, 415);
    no_type = h.send("GET", "/api/v1/nothing/here", &root, None).await;
    assert_eq!(no_type.status, 404);
    h.close().await;
}

const INJECTIONS: [&str; 5] = [
    "' OR '1'='1",
    "x'; DROP TABLE runs; --",
    "\" OR 1=1 --",
    "1) UNION SELECT secret_hash FROM api_tokens --",
    "%27%20OR%201%3D1",
];

#[tokio::test]
async fn sql_injection_in_every_filter_finds_nothing_and_breaks_nothing() {
    let h = Harness::sqlite().await;
    let root = admin(&h).await;
    h.store().put_offering("shop", "t").await.unwrap();
    let up = upload("shop", vec![finding("r1")]);
    let run = up.run.id.to_string();
    assert_eq!(
        h.send("POST", "/api/v1/runs", &root, Some(body(&up)))
            .await
            .status,
        201
    );
    let u = h.user("tokenholder", &[]).await;
    let (tid, _) = h.token(&u, &[], &[], "2999-01-01T00:00:00.000000Z").await;
    let secret_hash = h.store().token(&tid).await.unwrap().unwrap().secret_hash;
    for inj in INJECTIONS {
        let q: String = url_encode(inj);
        for uri in [
            format!("/api/v1/runs/{run}/findings?severity={q}"),
            format!("/api/v1/runs/{run}/findings?status={q}"),
            format!("/api/v1/runs/{run}/findings?kind={q}"),
            format!("/api/v1/runs/{run}/findings?rule={q}"),
            format!("/api/v1/runs/{run}/findings?cursor={q}"),
            format!("/api/v1/offerings/shop/runs?cursor={q}"),
            format!("/api/v1/offerings?cursor={q}"),
            format!("/api/v1/audit?cursor={q}"),
            format!("/api/v1/offerings/{q}"),
            format!("/api/v1/offerings/{q}/runs"),
            format!("/api/v1/runs/{q}"),
            format!("/api/v1/offerings/shop/releases/{q}/decisions"),
            format!("/api/v1/offerings/shop/releases/{q}/plan"),
        ] {
            let a = h.send("GET", &uri, &root, None).await;
            assert!(
                a.status.is_client_error() || a.status == 200,
                "{uri}: {}",
                a.status
            );
            let t = a.text();
            assert!(
                !t.contains(&secret_hash) && !t.contains("$argon2"),
                "{uri}: {t}"
            );
            if a.status == 200 && uri.contains("findings?") && !uri.contains("cursor") {
                assert_eq!(a.json()["items"].as_array().unwrap().len(), 0, "{uri}");
            }
        }
        let a = h
            .send("POST", "/api/v1/offerings/shop/triage", &root,
                Some(serde_json::to_vec(&serde_json::json!({"finding": inj, "status": "confirmed", "reason": "injection attempt here"})).unwrap()))
            .await;
        assert_eq!(a.status, 404, "{}", a.text());
    }
    // everything is still there
    let a = h
        .send("GET", &format!("/api/v1/runs/{run}/findings"), &root, None)
        .await;
    assert_eq!(a.json()["items"].as_array().unwrap().len(), 1);
    assert!(h.store().verify_audit().await.unwrap().ok());
    h.close().await;
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn stored_xss_comes_back_as_inert_json() {
    let h = Harness::sqlite().await;
    let root = admin(&h).await;
    h.store().put_offering("shop", "t").await.unwrap();
    let up = upload("shop", vec![finding("<script>alert(1)</script>")]);
    let run = up.run.id.to_string();
    assert_eq!(
        h.send("POST", "/api/v1/runs", &root, Some(body(&up)))
            .await
            .status,
        201
    );
    let payload = "<img src=x onerror=alert(1)> reviewed </script>";
    let fp = up.run.findings[0].fingerprint.as_str().to_owned();
    let a = h
        .send(
            "POST",
            "/api/v1/offerings/shop/triage",
            &root,
            Some(
                serde_json::to_vec(
                    &serde_json::json!({"finding": fp, "status": "confirmed", "reason": payload}),
                )
                .unwrap(),
            ),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text());
    for uri in [
        "/api/v1/offerings/shop/triage".to_owned(),
        format!("/api/v1/runs/{run}/findings"),
    ] {
        let a = h.send("GET", &uri, &root, None).await;
        assert_eq!(a.status, 200);
        assert!(
            a.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        assert_eq!(a.headers["x-content-type-options"], "nosniff");
        assert!(
            a.headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'none'")
        );
    }
    let a = h
        .send("GET", "/api/v1/offerings/shop/triage", &root, None)
        .await;
    assert_eq!(
        a.json()[0]["reason"],
        payload,
        "stored as written, served as data"
    );
    h.close().await;
}

#[tokio::test]
async fn path_traversal_reaches_nothing() {
    let h = Harness::sqlite().await;
    let root = admin(&h).await;
    h.store().put_offering("shop", "t").await.unwrap();
    let up = upload("shop", vec![]);
    let run = up.run.id.to_string();
    assert_eq!(
        h.send("POST", "/api/v1/runs", &root, Some(body(&up)))
            .await
            .status,
        201
    );
    for uri in [
        format!("/api/v1/runs/{run}/artifacts/..%2F..%2F..%2Fetc%2Fpasswd"),
        format!("/api/v1/runs/{run}/artifacts/../../../../etc/passwd"),
        "/api/v1/offerings/..%2F..%2Fetc/runs".to_owned(),
        "/api/v1/../../etc/passwd".to_owned(),
        "/api/v1/runs/..%2Fsef.db".to_owned(),
    ] {
        let a = h.send("GET", &uri, &root, None).await;
        assert!(a.status == 404 || a.status == 400, "{uri}: {}", a.status);
        assert!(!a.text().contains("root:"), "{uri}");
    }
    let a = h
        .send(
            "PUT",
            "/api/v1/offerings/..%2Fx",
            &root,
            Some(br#"{"team":"t"}"#.to_vec()),
        )
        .await;
    assert_eq!(a.status, 422, "{}", a.text());
    h.close().await;
}

#[tokio::test]
async fn every_state_change_by_session_needs_the_csrf_token() {
    let h = Harness::sqlite().await;
    let u = h.user("root", &[(Role::Admin, GrantScope::Global)]).await;
    let Caller::Session { cookie, .. } = h.session(&u).await else {
        unreachable!()
    };
    h.store().put_offering("shop", "t").await.unwrap();
    let before = h.store().audit_entries(0, 10_000).await.unwrap().len();
    let mut n = 0;
    for (spec, _) in table() {
        if spec.verb.as_str() == "get" || spec.rule == Rule::Public {
            continue;
        }
        let path = spec
            .path
            .replace("{offering}", "shop")
            .replace("{release}", "1.0.0")
            .replace("{name}", "root")
            .replace("{token}", "000000000000")
            .replace("{id}", "x");
        let payload = spec.request.map(|_| b"{}".to_vec());
        let a = h
            .send(
                &spec.verb.as_str().to_uppercase(),
                &path,
                &Caller::SessionNoCsrf {
                    cookie: cookie.clone(),
                },
                payload,
            )
            .await;
        assert_eq!(
            a.status,
            403,
            "{} {} without CSRF: {}",
            spec.verb.as_str(),
            spec.path,
            a.text()
        );
        assert!(a.text().contains("CSRF"));
        n += 1;
    }
    assert!(n >= 10, "{n} state-changing routes");
    assert_eq!(
        h.store().audit_entries(0, 10_000).await.unwrap().len(),
        before,
        "nothing changed"
    );
    h.close().await;
}

#[tokio::test]
async fn brute_force_login_is_locked_out() {
    let h = Harness::sqlite().await;
    let mut u = h
        .user("ana", &[(Role::Developer, GrantScope::Global)])
        .await;
    u.password_hash = Some(sef_server::auth::password::hash("the right password").unwrap());
    h.store().update_user(&u).await.unwrap();
    let login =
        |pw: &str| serde_json::to_vec(&serde_json::json!({"name": "ana", "password": pw})).unwrap();
    let a = h
        .send(
            "POST",
            "/api/v1/login",
            &Caller::Anonymous,
            Some(login("the right password")),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text());
    let cookie = a.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(a.json()["csrf"].is_string());
    for i in 0..5 {
        let a = h
            .send(
                "POST",
                "/api/v1/login",
                &Caller::Anonymous,
                Some(login(&format!("guess {i}"))),
            )
            .await;
        assert_eq!(a.status, 401, "{}", a.text());
    }
    let a = h
        .send(
            "POST",
            "/api/v1/login",
            &Caller::Anonymous,
            Some(login("the right password")),
        )
        .await;
    assert_eq!(
        a.status,
        429,
        "locked even with the right password: {}",
        a.text()
    );
    // an unknown user gets the same answer as a wrong password
    let a = h
        .send(
            "POST",
            "/api/v1/login",
            &Caller::Anonymous,
            Some(
                serde_json::to_vec(&serde_json::json!({"name": "nobody", "password": "x"}))
                    .unwrap(),
            ),
        )
        .await;
    assert!(a.status == 401 || a.status == 429, "{}", a.status);
    h.close().await;
}

#[tokio::test]
async fn login_rotates_the_session() {
    let h = Harness::sqlite().await;
    let mut u = h
        .user("ana", &[(Role::Developer, GrantScope::Global)])
        .await;
    u.password_hash = Some(sef_server::auth::password::hash("the right password").unwrap());
    h.store().update_user(&u).await.unwrap();
    let old = h.session(&u).await;
    let Caller::Session { cookie, .. } = old.clone() else {
        unreachable!()
    };
    let body =
        serde_json::to_vec(&serde_json::json!({"name": "ana", "password": "the right password"}))
            .unwrap();
    let a = h
        .send(
            "POST",
            "/api/v1/login",
            &Caller::SessionNoCsrf {
                cookie: cookie.clone(),
            },
            Some(body),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text());
    let set = a.headers["set-cookie"].to_str().unwrap();
    assert!(
        !set.contains(cookie.trim_start_matches("sef_session=")),
        "a new session id"
    );
    let a = h.send("GET", "/api/v1/me", &old, None).await;
    assert_eq!(a.status, 401, "the session presented at login ended");
    h.close().await;
}

#[tokio::test]
async fn expired_revoked_and_foreign_tokens_are_refused() {
    let h = Harness::sqlite().await;
    let st = h.store();
    st.put_offering("mine", "a").await.unwrap();
    st.put_offering("theirs", "b").await.unwrap();
    let dev = h
        .user("dev", &[(Role::Developer, GrantScope::Team("a".into()))])
        .await;
    let (_, expired) = h.token(&dev, &[], &[], "2020-01-01T00:00:00.000000Z").await;
    let (rid, revoked) = h.token(&dev, &[], &[], "2999-01-01T00:00:00.000000Z").await;
    st.revoke_token(&rid).await.unwrap();
    let (_, narrow) = h
        .token(
            &dev,
            &["mine"],
            &[Permission::Read],
            "2999-01-01T00:00:00.000000Z",
        )
        .await;
    let (_, good) = h.token(&dev, &[], &[], "2999-01-01T00:00:00.000000Z").await;
    let a = h.send("GET", "/api/v1/me", &expired, None).await;
    assert_eq!(a.status, 401);
    assert!(a.text().contains("expired"));
    let a = h.send("GET", "/api/v1/me", &revoked, None).await;
    assert_eq!(a.status, 401);
    assert!(a.text().contains("revoked"));
    let forged = Caller::Token(format!("sef_{rid}_{}", "A".repeat(43)));
    assert_eq!(h.send("GET", "/api/v1/me", &forged, None).await.status, 401);
    assert_eq!(
        h.send(
            "GET",
            "/api/v1/me",
            &Caller::Token("Bearer-junk".into()),
            None
        )
        .await
        .status,
        401
    );
    assert_eq!(
        h.send("GET", "/api/v1/offerings/mine", &good, None)
            .await
            .status,
        200
    );
    assert_eq!(
        h.send("GET", "/api/v1/offerings/theirs", &good, None)
            .await
            .status,
        403,
        "foreign team"
    );
    assert_eq!(
        h.send("GET", "/api/v1/offerings/mine", &narrow, None)
            .await
            .status,
        200
    );
    // the narrow token reads only: it cannot upload even to its own offering
    let up = upload("mine", vec![]);
    let a = h
        .send("POST", "/api/v1/runs", &narrow, Some(body(&up)))
        .await;
    assert_eq!(a.status, 403, "{}", a.text());
    // and a token cannot mint another
    let a = h
        .send(
            "POST",
            "/api/v1/tokens",
            &good,
            Some(br#"{"name":"x"}"#.to_vec()),
        )
        .await;
    assert_eq!(a.status, 403, "{}", a.text());
    h.close().await;
}

#[tokio::test]
async fn an_upload_outside_the_tokens_scope_is_refused() {
    let h = Harness::sqlite().await;
    let st = h.store();
    st.put_offering("mine", "a").await.unwrap();
    st.put_offering("theirs", "b").await.unwrap();
    let dev = h
        .user(
            "dev",
            &[
                (Role::Developer, GrantScope::Team("a".into())),
                (Role::Developer, GrantScope::Team("b".into())),
            ],
        )
        .await;
    let (_, ci) = h
        .token(
            &dev,
            &["mine"],
            &[Permission::UploadRun],
            "2999-01-01T00:00:00.000000Z",
        )
        .await;
    let a = h
        .send(
            "POST",
            "/api/v1/runs",
            &ci,
            Some(body(&upload("theirs", vec![]))),
        )
        .await;
    assert_eq!(a.status, 403, "{}", a.text());
    let a = h
        .send(
            "POST",
            "/api/v1/runs",
            &ci,
            Some(body(&upload("mine", vec![]))),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text());
    // an offering nobody registered
    let root = admin(&h).await;
    let a = h
        .send(
            "POST",
            "/api/v1/runs",
            &root,
            Some(body(&upload("ghost", vec![]))),
        )
        .await;
    assert_eq!(a.status, 422, "{}", a.text());
    h.close().await;
}

#[tokio::test]
async fn the_same_run_uploaded_many_times_at_once_is_stored_once() {
    for h in [Harness::sqlite().await, Harness::postgres("race").await] {
        let root = admin(&h).await;
        h.store().put_offering("shop", "t").await.unwrap();
        let up = upload("shop", vec![finding("r1")]);
        let bytes = body(&up);
        let mut altered = up.clone();
        altered.run.findings.clear();
        let other = body(&altered);
        // eight copies and two altered bodies under one run id, all at once
        let sends = (0..10).map(|i| {
            let b = if i % 5 == 4 {
                other.clone()
            } else {
                bytes.clone()
            };
            h.send("POST", "/api/v1/runs", &root, Some(b))
        });
        let answers = futures_util::future::join_all(sends).await;
        let mut codes: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
        codes.sort_unstable();
        assert!(
            codes.iter().all(|c| [200, 201, 409].contains(c)),
            "{codes:?}: never a 500"
        );
        assert_eq!(codes.iter().filter(|c| **c == 201).count(), 1, "{codes:?}");
        let runs = h
            .send("GET", "/api/v1/offerings/shop/runs", &root, None)
            .await;
        assert_eq!(runs.json()["items"].as_array().unwrap().len(), 1);
        h.close().await;
    }
}

#[tokio::test]
async fn a_replayed_upload_is_stored_once_and_an_altered_one_refused() {
    for h in [Harness::sqlite().await, Harness::postgres("replay").await] {
        let root = admin(&h).await;
        h.store().put_offering("shop", "t").await.unwrap();
        let up = upload("shop", vec![finding("r1")]);
        let bytes = body(&up);
        let a = h
            .send("POST", "/api/v1/runs", &root, Some(bytes.clone()))
            .await;
        assert_eq!(a.status, 201, "{}", a.text());
        assert_eq!(a.json()["created"], true);
        let a = h
            .send("POST", "/api/v1/runs", &root, Some(bytes.clone()))
            .await;
        assert_eq!(a.status, 200, "{}", a.text());
        assert_eq!(a.json()["created"], false);
        let mut altered = up.clone();
        altered.run.findings.clear();
        let a = h
            .send("POST", "/api/v1/runs", &root, Some(body(&altered)))
            .await;
        assert_eq!(a.status, 409, "{}", a.text());
        let runs = h
            .send("GET", "/api/v1/offerings/shop/runs", &root, None)
            .await;
        assert_eq!(
            runs.json()["items"].as_array().unwrap().len(),
            1,
            "stored once"
        );
        let uploads = h
            .store()
            .audit_entries(0, 1000)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "run.upload")
            .count();
        assert_eq!(uploads, 1);
        h.close().await;
    }
}

#[tokio::test]
async fn a_tampered_audit_row_is_reported_by_the_api() {
    for h in [
        Harness::sqlite().await,
        Harness::postgres("tamper_api").await,
    ] {
        let root = admin(&h).await;
        h.store().put_offering("shop", "t").await.unwrap();
        let a = h
            .send(
                "PUT",
                "/api/v1/offerings/shop",
                &root,
                Some(br#"{"team":"u"}"#.to_vec()),
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.text());
        let a = h.send("GET", "/api/v1/audit/verify", &root, None).await;
        assert_eq!(
            a.json()["problems"].as_array().unwrap().len(),
            0,
            "{}",
            a.text()
        );
        let log = h.send("GET", "/api/v1/audit", &root, None).await.json();
        let last = log["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(
            last["actor"], "user:root",
            "the decision carries the authenticated user"
        );
        assert_eq!(last["before"], r#"{"business_unit":null,"team":"t"}"#);
        h.store()
            .raw_execute_for_tests("UPDATE audit_log SET actor = 'user:nobody' WHERE seq = 1")
            .await
            .unwrap();
        let a = h.send("GET", "/api/v1/audit/verify", &root, None).await;
        let problems = a.json()["problems"].as_array().unwrap().len();
        assert!(problems >= 1, "{}", a.text());
        h.close().await;
    }
}
