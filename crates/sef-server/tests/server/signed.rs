//! Decisions made offline and signed, submitted to the server: a gate
//! override signed by a PDT leader of the uploaded team file is recorded
//! as that member; edited, signed by a member without the role, or sent
//! without the run it was signed for, it is refused.

use crate::common::*;
use sef_model::access::{GrantScope, Role};

#[tokio::test]
async fn a_signed_offline_override_is_recorded_as_its_verified_pdt_leader() {
    let h = Harness::sqlite().await;
    h.store().put_offering("shop", "t").await.unwrap();
    let dm = h
        .user(
            "dm",
            &[(Role::DevelopmentManager, GrantScope::Team("t".into()))],
        )
        .await;
    let dm = h.session(&dm).await;
    // the uploaded plan's team: lee is a PDT leader with a minisign key
    let kp = sef_sign::keygen("pw").unwrap();
    let line = kp.public.lines().nth(1).unwrap().to_owned();
    let mut up = upload("shop", vec![finding("r1")]);
    up.plan_files[0].text.push_str(&format!(
        "[[team.member]]\nid = \"lee\"\nroles = [\"pdt-leader\"]\nkeys = [\"{line}\"]\n\
         [[team.member]]\nid = \"dev\"\nroles = [\"developer\"]\nkeys = [\"{line}\"]\n"
    ));
    let a = h.send("POST", "/api/v1/runs", &dm, Some(body(&up))).await;
    assert_eq!(a.status, 201, "{}", a.text());
    let run = a.json()["run"].as_str().unwrap().to_owned();
    let justification = "accepted by the PDT for the beta, signed offline";
    let sign = |by: &str, just: &str| {
        let d = sef_model::PhaseDecision {
            id: String::new(),
            offering: "shop".into(),
            release: "1.0.0".into(),
            from: sef_model::Phase::Develop,
            to: sef_model::Phase::Qualify,
            decided_at: chrono::Utc::now(),
            run_id: run.clone(),
            gate_outcome: sef_model::GateOutcome::Fail,
            r#override: Some(sef_model::GateOverride {
                by: by.into(),
                justification: just.into(),
                signature: None,
            }),
        };
        let payload = sef_process::proof::override_payload(&d).unwrap();
        sef_sign::sign(
            &kp.secret,
            "pw",
            std::io::Cursor::new(payload.as_bytes()),
            "sef decision",
        )
        .unwrap()
    };
    let uri = "/api/v1/offerings/shop/releases/1.0.0/decisions";
    let req = |by: &str, just: &str, sig: String, with_run: bool| {
        let mut v = serde_json::json!({
            "override_justification": just, "signed_by": by, "signature": sig,
        });
        if with_run {
            v["run"] = serde_json::json!(run);
        }
        serde_json::to_vec(&v).unwrap()
    };
    // the development manager may not override; a signed override by lee
    // is refused when edited, when its signer is no PDT leader, or
    // without the run it was signed for
    let edited = req(
        "lee",
        "accepted by the PDT for the GA, signed offline",
        sign("lee", justification),
        true,
    );
    let a = h.send("POST", uri, &dm, Some(edited)).await;
    assert_eq!(a.status, 422, "{}", a.text());
    assert!(a.text().contains("does not verify"), "{}", a.text());
    let a = h
        .send(
            "POST",
            uri,
            &dm,
            Some(req("dev", justification, sign("dev", justification), true)),
        )
        .await;
    assert_eq!(a.status, 422, "{}", a.text());
    assert!(a.text().contains("PDT leader"), "{}", a.text());
    let a = h
        .send(
            "POST",
            uri,
            &dm,
            Some(req("lee", justification, sign("lee", justification), false)),
        )
        .await;
    assert_eq!(a.status, 422, "{}", a.text());
    let a = h
        .send(
            "POST",
            uri,
            &dm,
            Some(req("lee", justification, sign("lee", justification), true)),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text());
    let d = a.json();
    assert_eq!(d["override"]["by"], "lee");
    assert!(
        d["override"]["signature"]
            .as_str()
            .unwrap()
            .contains("untrusted comment")
    );
    // the audit trail names who submitted it
    let audit = h.store().audit_entries(0, 100).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action.starts_with("phase") && e.actor == "user:dm"),
        "{audit:?}"
    );
    h.close().await;
}
