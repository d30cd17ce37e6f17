//! The API itself: the OpenAPI document validates against the OpenAPI 3.1
//! schema and lists every route; uploads are decided again on the server
//! with its own triage; pages, ETags, request ids, health and metrics;
//! decisions are made as the authenticated user and checked against roles.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use common::*;
use sef_model::access::{GrantScope, Role};

#[tokio::test]
async fn the_openapi_document_validates_and_lists_every_route() {
    let h = Harness::sqlite().await;
    let a = h
        .send("GET", "/api/v1/openapi.json", &Caller::Anonymous, None)
        .await;
    assert_eq!(a.status, 200);
    let doc = a.json();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/openapi-3.1-schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(doc["openapi"], "3.1.0");
    // every route, every path parameter declared, every schema a valid JSON Schema
    for (spec, _) in sef_server::routes::table() {
        let op = &doc["paths"][spec.path][spec.verb.as_str()];
        assert!(
            op.is_object(),
            "{} {} missing",
            spec.verb.as_str(),
            spec.path
        );
        for seg in spec.path.split('/').filter(|s| s.starts_with('{')) {
            let name = seg.trim_matches(|c| c == '{' || c == '}');
            assert!(
                op["parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["name"] == name),
                "{} {name}",
                spec.path
            );
        }
    }
    let mut with_defs = doc["components"]["schemas"].clone();
    for (name, s) in with_defs.as_object_mut().unwrap().iter_mut() {
        let mut s = s.clone();
        s["components"] = serde_json::json!({ "schemas": doc["components"]["schemas"] });
        assert!(
            jsonschema::validator_for(&s).is_ok(),
            "schema {name} does not compile"
        );
    }
    h.close().await;
}

#[tokio::test]
async fn the_server_decides_the_gate_with_its_own_triage_and_never_the_clients() {
    for h in [
        Harness::sqlite().await,
        Harness::postgres("recompute").await,
    ] {
        let u = h.user("root", &[(Role::Admin, GrantScope::Global)]).await;
        let root = h.session(&u).await;
        h.store().put_offering("shop", "t").await.unwrap();
        // a client that claims its run passed, with a high finding open
        let mut up = upload("shop", vec![finding("r1")]);
        up.run.gate.outcome = sef_model::GateOutcome::Pass;
        up.run.gate.criteria.clear();
        up.run.findings[0].status = sef_model::FindingStatus::FalsePositive;
        let a = h.send("POST", "/api/v1/runs", &root, Some(body(&up))).await;
        assert_eq!(a.status, 201, "{}", a.text());
        let receipt = a.json();
        assert_eq!(receipt["outcome"], "fail");
        assert_eq!(receipt["client_outcome"], "pass");
        let id = receipt["run"].as_str().unwrap().to_owned();
        let gate = h
            .send("GET", &format!("/api/v1/runs/{id}/gate"), &root, None)
            .await
            .json();
        let blocking = gate["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "develop.no-open-high-findings")
            .unwrap()
            .clone();
        assert_eq!(blocking["outcome"], "fail", "{blocking}");
        let f = h
            .send("GET", &format!("/api/v1/runs/{id}/findings"), &root, None)
            .await
            .json();
        assert_eq!(
            f["items"][0]["status"], "open",
            "the client's status was not trusted"
        );

        // a false-positive triage recorded on the server applies to the next upload
        let fp = up.run.findings[0].fingerprint.as_str().to_owned();
        let a = h
            .send("POST", "/api/v1/offerings/shop/triage", &root,
                Some(serde_json::to_vec(&serde_json::json!({"finding": fp, "status": "false-positive", "reason": "test fixture, never shipped"})).unwrap()))
            .await;
        assert_eq!(a.status, 201, "{}", a.text());
        assert_eq!(
            a.json()["decided_by"],
            "root",
            "the authenticated user, not a typed name"
        );
        let up2 = upload("shop", vec![finding("r1")]);
        let a = h
            .send("POST", "/api/v1/runs", &root, Some(body(&up2)))
            .await;
        let id2 = a.json()["run"].as_str().unwrap().to_owned();
        let f = h
            .send(
                "GET",
                &format!("/api/v1/runs/{id2}/findings?status=false-positive"),
                &root,
                None,
            )
            .await
            .json();
        assert_eq!(f["items"].as_array().unwrap().len(), 1, "{f}");
        let gate = h
            .send("GET", &format!("/api/v1/runs/{id2}/gate"), &root, None)
            .await
            .json();
        let blocking = gate["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "develop.no-open-high-findings")
            .unwrap()
            .clone();
        assert_eq!(blocking["outcome"], "pass", "{blocking}");
        h.close().await;
    }
}

#[tokio::test]
async fn a_plan_that_disagrees_with_its_run_is_refused() {
    let h = Harness::sqlite().await;
    let u = h.user("root", &[(Role::Admin, GrantScope::Global)]).await;
    let root = h.session(&u).await;
    h.store().put_offering("shop", "t").await.unwrap();
    let mut up = upload("shop", vec![]);
    up.plan_files[0].text = plan_text("other");
    let a = h.send("POST", "/api/v1/runs", &root, Some(body(&up))).await;
    assert_eq!(a.status, 422, "{}", a.text());
    let mut up = upload("shop", vec![]);
    up.plan_files.clear();
    let a = h.send("POST", "/api/v1/runs", &root, Some(body(&up))).await;
    assert_eq!(a.status, 422, "{}", a.text());
    assert!(a.text().contains("sef.toml"));
    let mut up = upload("shop", vec![]);
    up.plan_files.push(sef_store::PlanFile {
        path: "../../etc/passwd".into(),
        text: String::new(),
    });
    let a = h.send("POST", "/api/v1/runs", &root, Some(body(&up))).await;
    assert_eq!(a.status, 422, "{}", a.text());
    h.close().await;
}

#[tokio::test]
async fn checkpoints_are_decided_by_role_and_shown_with_the_identity() {
    let h = Harness::sqlite().await;
    h.store().put_offering("shop", "t").await.unwrap();
    let dm = h
        .user(
            "dm",
            &[(Role::DevelopmentManager, GrantScope::Team("t".into()))],
        )
        .await;
    let lead = h
        .user("lead", &[(Role::PdtLeader, GrantScope::Team("t".into()))])
        .await;
    let dm = h.session(&dm).await;
    let lead = h.session(&lead).await;
    let a = h
        .send(
            "POST",
            "/api/v1/runs",
            &dm,
            Some(body(&upload("shop", vec![finding("r1")]))),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text());
    let uri = "/api/v1/offerings/shop/releases/1.0.0/decisions";
    let a = h.send("POST", uri, &dm, Some(b"{}".to_vec())).await;
    assert_eq!(a.status, 422, "the gate failed: {}", a.text());
    let ov = serde_json::to_vec(
        &serde_json::json!({"override_justification": "accepted by the PDT for the beta"}),
    )
    .unwrap();
    let a = h.send("POST", uri, &dm, Some(ov.clone())).await;
    assert_eq!(
        a.status,
        403,
        "a development manager does not override: {}",
        a.text()
    );
    let a = h.send("POST", uri, &lead, Some(ov)).await;
    assert_eq!(a.status, 201, "{}", a.text());
    let d = a.json();
    assert_eq!(d["override"]["by"], "lead");
    assert_eq!(d["to"], "qualify");
    let list = h.send("GET", uri, &lead, None).await.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let rel = h
        .send("GET", "/api/v1/offerings/shop/releases", &lead, None)
        .await
        .json();
    assert_eq!(rel[0]["version"], "1.0.0");
    assert_eq!(rel[0]["decided_phase"], "qualify");
    let team = h
        .send("GET", "/api/v1/offerings/shop/team", &lead, None)
        .await
        .json();
    let names: Vec<&str> = team
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["dm", "lead"], "{team}");
    let log = h.store().audit_entries(0, 1000).await.unwrap();
    let e = log.iter().find(|e| e.action == "phase.decide").unwrap();
    assert_eq!(e.actor, "user:lead");
    assert!(e.before.as_deref().unwrap().contains("develop"));
    h.close().await;
}

#[tokio::test]
async fn pages_etags_request_ids_health_and_metrics() {
    let h = Harness::sqlite().await;
    let u = h.user("root", &[(Role::Admin, GrantScope::Global)]).await;
    let root = h.session(&u).await;
    h.store().put_offering("shop", "t").await.unwrap();
    let mut ids = Vec::new();
    for _ in 0..5 {
        let a = h
            .send(
                "POST",
                "/api/v1/runs",
                &root,
                Some(body(&upload("shop", vec![]))),
            )
            .await;
        ids.push(a.json()["run"].as_str().unwrap().to_owned());
    }
    let mut seen = Vec::new();
    let mut uri = "/api/v1/offerings/shop/runs?limit=2".to_owned();
    loop {
        let p = h.send("GET", &uri, &root, None).await.json();
        for r in p["items"].as_array().unwrap() {
            seen.push(r["id"].as_str().unwrap().to_owned());
        }
        match p["next"].as_str() {
            Some(c) => uri = format!("/api/v1/offerings/shop/runs?limit=2&cursor={c}"),
            None => break,
        }
    }
    ids.reverse();
    assert_eq!(seen, ids, "every run once, newest first");
    let a = h.send("GET", "/api/v1/offerings/shop", &root, None).await;
    let etag = a.headers["etag"].to_str().unwrap().to_owned();
    assert!(a.headers.contains_key("x-request-id"));
    let mut b = axum::http::Request::builder().uri("/api/v1/offerings/shop");
    if let Caller::Session { cookie, .. } = &root {
        b = b.header("cookie", cookie).header("if-none-match", &etag);
    }
    let resp =
        tower::ServiceExt::oneshot(h.app.clone(), b.body(axum::body::Body::empty()).unwrap())
            .await
            .unwrap();
    assert_eq!(resp.status(), 304);
    assert_eq!(
        h.send("GET", "/healthz", &Caller::Anonymous, None)
            .await
            .status,
        200
    );
    assert_eq!(
        h.send("GET", "/readyz", &Caller::Anonymous, None)
            .await
            .status,
        200
    );
    let m = h
        .send("GET", "/metrics", &Caller::Anonymous, None)
        .await
        .text();
    assert!(
        m.contains(
            "sef_http_requests_total{route=\"/api/v1/runs\",method=\"POST\",status=\"201\"} 5"
        ),
        "{m}"
    );
    h.close().await;
}

#[tokio::test]
async fn a_signed_offline_triage_is_recorded_as_its_verified_signer() {
    let h = Harness::sqlite().await;
    let u = h
        .user("ci", &[(Role::Developer, GrantScope::Team("t".into()))])
        .await;
    let ci = h.session(&u).await;
    h.store().put_offering("shop", "t").await.unwrap();
    let kp = sef_sign::keygen("pw").unwrap();
    let key_line = kp.public.lines().nth(1).unwrap().to_owned();
    let mut up = upload("shop", vec![finding("r1")]);
    up.plan_files[0].text.push_str(&format!(
        "[[team.member]]\nid = \"ana\"\nroles = [\"architect\"]\nkeys = [\"{key_line}\"]\n"
    ));
    let a = h.send("POST", "/api/v1/runs", &ci, Some(body(&up))).await;
    assert_eq!(a.status, 201, "{}", a.text());
    let fp = up.run.findings[0].fingerprint.clone();
    let t = sef_model::Triage {
        id: String::new(),
        offering: "shop".into(),
        fingerprint: fp.clone(),
        status: sef_model::TriageStatus::Confirmed,
        reason: "reachable from the public API".into(),
        decided_by: "ana".into(),
        decided_at: chrono::Utc::now(),
        expires: None,
        signature: None,
    };
    let payload = sef_process::proof::triage_payload(&t);
    let sig = sef_sign::sign(
        &kp.secret,
        "pw",
        std::io::Cursor::new(payload.as_bytes()),
        "sef decision",
    )
    .unwrap();
    let req = |reason: &str, sig: &str| {
        serde_json::to_vec(&serde_json::json!({
            "finding": fp.as_str(), "status": "confirmed", "reason": reason,
            "signed_by": "ana", "signature": sig,
        }))
        .unwrap()
    };
    // the reason changed after signing: refused
    let a = h
        .send(
            "POST",
            "/api/v1/offerings/shop/triage",
            &ci,
            Some(req("not reachable at all", &sig)),
        )
        .await;
    assert_eq!(a.status, 422, "{}", a.text());
    let a = h
        .send(
            "POST",
            "/api/v1/offerings/shop/triage",
            &ci,
            Some(req("reachable from the public API", &sig)),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text());
    assert_eq!(
        a.json()["decided_by"],
        "ana",
        "the verified signer, not the uploader"
    );
    assert!(
        a.json()["signature"]
            .as_str()
            .unwrap()
            .starts_with("untrusted comment")
    );
    let log = h.store().audit_entries(0, 1000).await.unwrap();
    let e = log
        .iter()
        .rev()
        .find(|e| e.action == "triage.record")
        .unwrap();
    assert_eq!(e.actor, "user:ci", "who submitted it");
    assert!(e.after.as_deref().unwrap().contains("\"signed\":true"));
    h.close().await;
}

/// An upload of `offering` whose inventory holds `name` at `version`.
fn upload_shipping(offering: &str, name: &str, version: &str) -> sef_server::upload::RunUpload {
    use sef_model::*;
    let mut up = upload(offering, vec![]);
    let mut c = Component::new(
        Ecosystem::Npm,
        name,
        Some(version.to_owned()),
        SourceRef {
            file: "package-lock.json".into(),
            line: Some(7),
        },
    );
    c.direct = Some(false);
    c.path = vec!["express".into(), name.into()];
    let mut e = up.run.evidence[0].clone();
    e.id = EvidenceId::generate();
    e.kind = EvidenceKind::Inventory;
    e.analyzer = "inventory".into();
    e.status = EvidenceStatus::Complete;
    e.payload = EvidencePayload::Inventory(Box::new(evidence::facts::Inventory {
        components: vec![c],
        ..Default::default()
    }));
    up.run.evidence.push(e);
    up
}

#[tokio::test]
async fn portfolio_answers_only_what_the_caller_may_read() {
    for h in [
        Harness::sqlite().await,
        Harness::postgres("portfolio").await,
    ] {
        let root = h.user("root", &[(Role::Admin, GrantScope::Global)]).await;
        let root = h.session(&root).await;
        h.store().put_offering("own-app", "own").await.unwrap();
        h.store()
            .put_offering_in("other-app", "other", Some("retail"))
            .await
            .unwrap();
        for (o, v) in [("own-app", "4.17.20"), ("other-app", "4.17.21")] {
            let a = h
                .send(
                    "POST",
                    "/api/v1/runs",
                    &root,
                    Some(body(&upload_shipping(o, "lodash", v))),
                )
                .await;
            assert_eq!(a.status, 201, "{}", a.text());
        }
        let dev = h
            .user("dev", &[(Role::Developer, GrantScope::Team("own".into()))])
            .await;
        let dev = h.session(&dev).await;
        let psirt = h.user("ir", &[(Role::Psirt, GrantScope::Global)]).await;
        let psirt = h.session(&psirt).await;

        // the incident responder sees every release, the developer their team's
        let uri = "/api/v1/portfolio/ships?purl=pkg:npm/lodash";
        let a = h.send("GET", uri, &psirt, None).await;
        assert_eq!(a.status, 200, "{}", a.text());
        let v = a.json();
        assert_eq!(v["releases"], 2);
        let rows = v["rows"].as_array().unwrap();
        // ordered by offering: other-app, own-app
        assert_eq!(rows[1]["path"], serde_json::json!(["express", "lodash"]));
        assert_eq!(rows[1]["direct"], false);
        assert_eq!(rows[0]["team"], "other");
        assert_eq!(rows[0]["business_unit"], "retail");
        assert_eq!(rows[1]["team"], "own");
        let a = h.send("GET", uri, &dev, None).await;
        let v = a.json();
        assert_eq!(v["releases"], 1);
        assert_eq!(v["rows"][0]["offering"], "own-app");

        // a range in OSV semantics; a bad one is a 422 naming the problem
        let a = h
            .send(
                "GET",
                "/api/v1/portfolio/ships?purl=pkg:npm/lodash&range=%3C4.17.21",
                &psirt,
                None,
            )
            .await;
        assert_eq!(a.json()["releases"], 1);
        let a = h
            .send(
                "GET",
                "/api/v1/portfolio/ships?purl=pkg:npm/lodash&range=%3E4",
                &psirt,
                None,
            )
            .await;
        assert_eq!(a.status, 422);
        assert!(a.text().contains("no OSV event"), "{}", a.text());
        let a = h
            .send("GET", "/api/v1/portfolio/ships?purl=lodash", &psirt, None)
            .await;
        assert_eq!(a.status, 422);

        // KPI roll-ups, filtered the same way
        let a = h
            .send("GET", "/api/v1/portfolio/kpis?by=team", &psirt, None)
            .await;
        assert_eq!(a.status, 200, "{}", a.text());
        let groups: Vec<String> = a.json()["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["group"].as_str().unwrap_or("").to_owned())
            .collect();
        assert_eq!(groups, vec!["other", "own"]);
        let a = h
            .send("GET", "/api/v1/portfolio/kpis?by=business-unit", &dev, None)
            .await;
        let v = a.json();
        assert_eq!(v["groups"].as_array().unwrap().len(), 1);
        assert_eq!(v["groups"][0]["group"], serde_json::Value::Null);
        assert_eq!(v["groups"][0]["offerings"], 1);
        let a = h
            .send("GET", "/api/v1/portfolio/kpis?by=colour", &psirt, None)
            .await;
        assert_eq!(a.status, 422);
        h.close().await;
    }
}
