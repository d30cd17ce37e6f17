//! The authorization matrix, generated from the route table: every route ×
//! every SEF role × a grant on the offering's own team, on another team,
//! and a global grant, plus no credentials at all. Each request either
//! passes the authorization check or is refused with 401/403, exactly as
//! the route's rule and the role's permissions say. The table must also
//! equal the hand-written list below: a new route without a rule written
//! here fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use common::*;
use sef_model::access::{GrantScope, Permission, Role};
use sef_server::routes::{Rule, Scope, table};

/// Every route and what it asks, written by hand.
const EXPECTED: &[(&str, &str, &str)] = &[
    ("get", "/healthz", "public"),
    ("get", "/readyz", "public"),
    ("get", "/metrics", "public"),
    ("get", "/api/v1/openapi.json", "public"),
    ("post", "/api/v1/login", "public"),
    ("get", "/api/v1/oidc/login", "public"),
    ("get", "/api/v1/oidc/callback", "public"),
    ("post", "/api/v1/logout", "authenticated"),
    ("get", "/api/v1/me", "authenticated"),
    ("get", "/api/v1/offerings", "authenticated"),
    ("get", "/api/v1/portfolio/ships", "authenticated"),
    ("get", "/api/v1/portfolio/kpis", "authenticated"),
    ("get", "/api/v1/offerings/{offering}", "read@offering"),
    (
        "put",
        "/api/v1/offerings/{offering}",
        "manage-offerings@global",
    ),
    (
        "get",
        "/api/v1/offerings/{offering}/releases",
        "read@offering",
    ),
    ("get", "/api/v1/offerings/{offering}/team", "read@offering"),
    ("get", "/api/v1/offerings/{offering}/runs", "read@offering"),
    (
        "get",
        "/api/v1/offerings/{offering}/triage",
        "read@offering",
    ),
    (
        "post",
        "/api/v1/offerings/{offering}/triage",
        "triage@offering",
    ),
    (
        "get",
        "/api/v1/offerings/{offering}/releases/{release}/decisions",
        "read@offering",
    ),
    (
        "post",
        "/api/v1/offerings/{offering}/releases/{release}/decisions",
        "decide-phase@offering",
    ),
    (
        "get",
        "/api/v1/offerings/{offering}/releases/{release}/plan",
        "read@offering",
    ),
    ("post", "/api/v1/runs", "upload-run@body"),
    ("get", "/api/v1/runs/{id}", "read@run"),
    ("get", "/api/v1/runs/{id}/findings", "read@run"),
    ("get", "/api/v1/runs/{id}/evidence", "read@run"),
    ("get", "/api/v1/runs/{id}/kpis", "read@run"),
    ("get", "/api/v1/runs/{id}/gate", "read@run"),
    ("get", "/api/v1/runs/{id}/artifacts/{name}", "read@run"),
    ("get", "/api/v1/tokens", "authenticated"),
    ("post", "/api/v1/tokens", "authenticated"),
    ("delete", "/api/v1/tokens/{token}", "authenticated"),
    ("get", "/api/v1/users", "read-audit@global"),
    ("post", "/api/v1/users", "manage-users@global"),
    ("post", "/api/v1/users/{name}/grants", "manage-users@global"),
    (
        "delete",
        "/api/v1/users/{name}/grants",
        "manage-users@global",
    ),
    ("get", "/api/v1/audit", "read-audit@global"),
    ("get", "/api/v1/audit/verify", "read-audit@global"),
    ("get", "/api/v1/policy", "authenticated"),
    ("put", "/api/v1/policy", "set-policy@global"),
    ("get", "/api/v1/jobs", "operate-service@global"),
    ("get", "/api/v1/jobs/{id}", "operate-service@global"),
    ("post", "/api/v1/jobs/{id}/retry", "operate-service@global"),
    (
        "post",
        "/api/v1/portfolio/reindex",
        "operate-service@global",
    ),
    (
        "post",
        "/api/v1/notifications/test",
        "operate-service@global",
    ),
];

fn describe(rule: Rule) -> String {
    match rule {
        Rule::Public => "public".into(),
        Rule::Authenticated => "authenticated".into(),
        Rule::Needs(p, s) => format!(
            "{p}@{}",
            match s {
                Scope::OfferingParam => "offering",
                Scope::RunParam => "run",
                Scope::Body => "body",
                Scope::Global => "global",
            }
        ),
    }
}

#[test]
fn every_route_has_the_rule_written_here() {
    let mut got: Vec<(String, String, String)> = table()
        .iter()
        .map(|(s, _)| {
            (
                s.verb.as_str().to_owned(),
                s.path.to_owned(),
                describe(s.rule),
            )
        })
        .collect();
    let mut want: Vec<(String, String, String)> = EXPECTED
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(
        got, want,
        "the route table and this test's list of rules differ"
    );
}

/// Where the caller's grant is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Where {
    OwnTeam,
    OtherTeam,
    Global,
}

#[tokio::test]
async fn every_route_every_role_own_and_foreign_team() {
    let h = Harness::sqlite().await;
    let st = h.store();
    st.put_offering("own-app", "own").await.unwrap();
    st.put_offering("foreign-app", "foreign").await.unwrap();
    // one uploaded run in each offering, through the API
    let admin = h.user("root", &[(Role::Admin, GrantScope::Global)]).await;
    let root = h.session(&admin).await;
    let mut runs = std::collections::HashMap::new();
    for o in ["own-app", "foreign-app"] {
        let u = upload(o, vec![finding("r1")]);
        runs.insert(o, u.run.id.to_string());
        let a = h.send("POST", "/api/v1/runs", &root, Some(body(&u))).await;
        assert_eq!(a.status, 201, "{}", a.text());
    }

    let mut checked = 0;
    let mut denied = 0;
    for role in Role::ALL {
        for place in [Where::OwnTeam, Where::OtherTeam, Where::Global] {
            let scope = match place {
                Where::OwnTeam => GrantScope::Team("own".into()),
                Where::OtherTeam => GrantScope::Team("foreign".into()),
                Where::Global => GrantScope::Global,
            };
            let name = format!("{role}-{place:?}").to_lowercase();
            let u = h.user(&name, &[(*role, scope)]).await;
            let caller = h.session(&u).await;
            for (spec, _) in table() {
                // the resource is always own-app: the grant decides whether
                // it is the caller's own team, another team, or global
                let target = "own-app";
                let path = spec
                    .path
                    .replace("{offering}", target)
                    .replace("{id}", &runs[target])
                    .replace("{release}", "1.0.0")
                    .replace("{name}", "nobody")
                    .replace("{token}", "000000000000");
                let payload = match (spec.path, spec.request.is_some()) {
                    ("/api/v1/runs", _) => Some(body(&upload(target, vec![]))),
                    (_, true) => Some(b"{}".to_vec()),
                    _ => None,
                };
                let expected = match spec.rule {
                    Rule::Public | Rule::Authenticated => true,
                    Rule::Needs(p, Scope::Global) => role.allows(p) && place == Where::Global,
                    Rule::Needs(p, _) => role.allows(p) && place != Where::OtherTeam,
                };
                let verb = spec.verb.as_str().to_uppercase();
                // logging out would end the session the loop still uses
                if spec.path == "/api/v1/logout" {
                    continue;
                }
                let a = h.send(&verb, &path, &caller, payload).await;
                assert_eq!(
                    ok(&a),
                    expected,
                    "{verb} {} as {role} ({place:?}): got {} {}",
                    spec.path,
                    a.status,
                    a.text()
                );
                assert_ne!(a.status, 500, "{verb} {}: {}", spec.path, a.text());
                checked += 1;
                if !expected {
                    denied += 1;
                    assert_eq!(a.status, 403, "{verb} {}", spec.path);
                }
            }
        }
    }
    // and nobody at all: only the public routes answer
    for (spec, _) in table() {
        let path = spec
            .path
            .replace("{offering}", "own-app")
            .replace("{id}", &runs["own-app"])
            .replace("{release}", "1.0.0")
            .replace("{name}", "nobody")
            .replace("{token}", "000000000000");
        let verb = spec.verb.as_str().to_uppercase();
        let payload = spec.request.map(|_| b"{}".to_vec());
        let a = h.send(&verb, &path, &Caller::Anonymous, payload).await;
        if spec.rule == Rule::Public {
            assert!(
                ok(&a),
                "{verb} {} should be public: {}",
                spec.path,
                a.status
            );
        } else {
            assert_eq!(a.status, 401, "{verb} {} without credentials", spec.path);
        }
    }
    assert!(checked > 800, "{checked} requests checked");
    assert!(denied > 200, "{denied} denials checked");
    // the auditor reads everything and changes nothing
    assert!(
        Role::Auditor
            .permissions()
            .iter()
            .all(|p| matches!(p, Permission::Read | Permission::ReadAudit))
    );
    h.close().await;
}
