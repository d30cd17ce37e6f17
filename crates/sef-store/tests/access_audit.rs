//! The server's records on both backends: offerings and teams, users and
//! grants, tokens, sessions, login failures, uploads, and the audit chain
//! with each way of tampering with it caught.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{each_backend, finding, run};
use sef_model::access::{Grant, GrantScope, Permission, Role};
use sef_store::{
    FailureState, JobState, NewJob, PlanFile, QueuedWith, SessionRecord, StoreError, TokenRecord,
    Upload, User,
};

fn user(name: &str) -> User {
    User {
        id: format!("id-{name}"),
        name: name.into(),
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$x$y".into()),
        oidc_subject: None,
        created_at: "2026-12-03T00:00:00.000000Z".into(),
        disabled: false,
    }
}

#[tokio::test]
async fn users_grants_tokens_and_sessions_round_trip() {
    each_backend("access", |s| async move {
        let s = s.with_actor("user:root");
        let off = s.put_offering("shop", "payments").await.unwrap();
        assert_eq!(off.team, "payments");
        s.put_offering("shop", "retail").await.unwrap();
        assert_eq!(s.offering("shop").await.unwrap().unwrap().team, "retail");
        assert!(s.offering("nope").await.unwrap().is_none());
        s.put_offering("api", "retail").await.unwrap();
        let names: Vec<_> = s
            .offerings("", 10)
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.name)
            .collect();
        assert_eq!(names, ["api", "shop"]);
        assert_eq!(
            s.offerings("api", 10).await.unwrap().len(),
            1,
            "cursor after `api`"
        );

        let ana = user("ana");
        s.create_user(&ana).await.unwrap();
        let again = s
            .create_user(&User {
                id: "other".into(),
                ..ana.clone()
            })
            .await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        assert_eq!(s.user_by_name("ana").await.unwrap().unwrap(), ana);
        assert_eq!(s.user_by_id("id-ana").await.unwrap().unwrap(), ana);
        assert!(s.user_by_name("ana' OR '1'='1").await.unwrap().is_none());

        let g = Grant {
            role: Role::Developer,
            scope: GrantScope::Team("retail".into()),
        };
        s.grant(&ana, &g).await.unwrap();
        s.grant(&ana, &g).await.unwrap();
        s.grant(
            &ana,
            &Grant {
                role: Role::Auditor,
                scope: GrantScope::Global,
            },
        )
        .await
        .unwrap();
        assert_eq!(s.grants_of("id-ana").await.unwrap().len(), 2);
        assert!(s.revoke_grant(&ana, &g).await.unwrap());
        assert!(!s.revoke_grant(&ana, &g).await.unwrap());
        assert_eq!(
            s.grants_of("id-ana").await.unwrap(),
            vec![Grant {
                role: Role::Auditor,
                scope: GrantScope::Global
            }]
        );

        let t = TokenRecord {
            id: "tok1".into(),
            user_id: ana.id.clone(),
            name: "ci".into(),
            secret_hash: "ab".repeat(32),
            offerings: vec!["shop".into()],
            permissions: vec![Permission::UploadRun, Permission::Read],
            created_at: "2026-12-03T00:00:00.000000Z".into(),
            expires_at: "2027-03-03T00:00:00.000000Z".into(),
            revoked_at: None,
            last_used_at: None,
        };
        s.create_token(&t).await.unwrap();
        assert_eq!(s.token("tok1").await.unwrap().unwrap(), t);
        s.touch_token("tok1").await.unwrap();
        assert!(
            s.token("tok1")
                .await
                .unwrap()
                .unwrap()
                .last_used_at
                .is_some()
        );
        assert!(s.revoke_token("tok1").await.unwrap());
        assert!(!s.revoke_token("tok1").await.unwrap());
        assert!(s.tokens_of(&ana.id).await.unwrap()[0].revoked_at.is_some());

        let sess = SessionRecord {
            id_hash: "cd".repeat(32),
            user_id: ana.id.clone(),
            csrf: "csrf".into(),
            created_at: "2026-12-03T00:00:00.000000Z".into(),
            expires_at: "2026-12-03T08:00:00.000000Z".into(),
        };
        s.create_session(&sess).await.unwrap();
        assert_eq!(s.session(&sess.id_hash).await.unwrap().unwrap(), sess);
        s.delete_session(&sess.id_hash).await.unwrap();
        assert!(s.session(&sess.id_hash).await.unwrap().is_none());

        let f = FailureState {
            failures: 3,
            window_start: "2026-12-03T00:00:00.000000Z".into(),
            locked_until: None,
        };
        s.set_login_failures("user:ana", &f).await.unwrap();
        assert_eq!(s.login_failures("user:ana").await.unwrap().unwrap(), f);
        s.clear_login_failures("user:ana").await.unwrap();
        assert!(s.login_failures("user:ana").await.unwrap().is_none());

        // every change above is in the chain, by the actor, and it holds
        let v = s.verify_audit().await.unwrap();
        assert!(v.ok(), "{:?}", v.problems);
        let log = s.audit_entries(0, 1000).await.unwrap();
        assert!(log.iter().all(|e| e.actor == "user:root"));
        let actions: Vec<_> = log.iter().map(|e| e.action.as_str()).collect();
        for a in [
            "offering.put",
            "user.create",
            "grant.add",
            "grant.remove",
            "token.create",
            "token.revoke",
            "session.login",
        ] {
            assert!(actions.contains(&a), "{a} not audited: {actions:?}");
        }
        // moving an offering records its team before and after
        let moved = log
            .iter()
            .filter(|e| e.action == "offering.put")
            .nth(1)
            .unwrap();
        assert_eq!(
            moved.before.as_deref(),
            Some(r#"{"business_unit":null,"team":"payments"}"#)
        );
        assert_eq!(
            moved.after.as_deref(),
            Some(r#"{"business_unit":null,"team":"retail"}"#)
        );
    })
    .await;
}

#[tokio::test]
async fn uploads_keep_their_digest_and_plan() {
    each_backend("uploads", |s| async move {
        let r = run("shop", 0, vec![finding("a", sef_model::Severity::High)]);
        let job = |kind: &str, key: Option<&str>| NewJob {
            kind: kind.into(),
            payload: serde_json::json!({ "k": kind }),
            max_attempts: 3,
            unique_key: key.map(str::to_owned),
        };
        // a roll-up already waits: the upload pushes it back, not a second
        let waiting = s
            .enqueue_debounced(&job("rollup", Some("rollup")), "rollup", 1_000)
            .await
            .unwrap();
        let up = Upload {
            body_digest: "ef".repeat(32),
            plan_files: vec![PlanFile {
                path: "sef.toml".into(),
                text: "[offering]\nname = \"shop\"\n".into(),
            }],
            jobs: vec![
                QueuedWith {
                    job: job("rollup", Some("rollup")),
                    run_at_us: 9_000,
                    debounce: true,
                },
                QueuedWith {
                    job: job("notify", None),
                    run_at_us: 5_000,
                    debounce: false,
                },
            ],
        };
        s.save_upload(&r, &up).await.unwrap();
        let queued = s.jobs(Some(JobState::Queued), 10).await.unwrap();
        assert_eq!(queued.len(), 2, "{queued:?}");
        let rollup = queued.iter().find(|j| j.kind == "rollup").unwrap();
        assert_eq!((rollup.id, rollup.run_at_us), (waiting, 9_000));
        let notify = queued.iter().find(|j| j.kind == "notify").unwrap();
        assert_eq!(notify.run_at_us, 5_000);
        assert_eq!(
            s.upload_digest(r.id).await.unwrap(),
            Some(up.body_digest.clone())
        );
        let again = s.save_upload(&r, &up).await;
        assert!(again.is_err(), "the same run id is stored once");
        assert_eq!(
            s.jobs(Some(JobState::Queued), 10).await.unwrap().len(),
            2,
            "a refused upload queues nothing"
        );
        let (run_id, files) = s
            .plan_files("shop", &r.release.version)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(run_id, r.id.to_string());
        assert_eq!(files, up.plan_files);
        let log = s.audit_entries(0, 10).await.unwrap();
        assert_eq!(log.len(), 1, "a failed upload leaves no audit entry");
        assert_eq!(log[0].action, "run.upload");
    })
    .await;
}

/// Edits the database behind sef's back, then verifies.
async fn tamper(s: &sef_store::Store, sql: &[&'static str]) -> sef_store::Verification {
    for q in sql {
        s.raw_execute_for_tests(q).await.unwrap();
    }
    s.verify_audit().await.unwrap()
}

#[tokio::test]
async fn every_kind_of_tampering_is_caught() {
    each_backend("tamper", |s| async move {
        let s = s.with_actor("user:root");
        let setup = |s: sef_store::Store| async move {
            for team in ["a", "b", "c", "d"] {
                s.put_offering(&format!("o-{team}"), team).await.unwrap();
            }
        };
        setup(s.clone()).await;
        assert!(s.verify_audit().await.unwrap().ok());
        let cases: [(&str, &[&'static str]); 6] = [
            ("edited", &["UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 2"]),
            ("edited after", &["UPDATE audit_log SET after = '{\"team\":\"z\"}' WHERE seq = 3"]),
            ("deleted", &["DELETE FROM audit_log WHERE seq = 2"]),
            (
                "reordered",
                &[
                    "UPDATE audit_log SET seq = -2 WHERE seq = 2",
                    "UPDATE audit_log SET seq = 2 WHERE seq = 3",
                    "UPDATE audit_log SET seq = 3 WHERE seq = -2",
                ],
            ),
            ("truncated", &["DELETE FROM audit_log WHERE seq = 4"]),
            ("head", &["UPDATE audit_head SET hash = '00' WHERE id = 1"]),
        ];
        for (what, sql) in cases {
            s.raw_execute_for_tests("DELETE FROM audit_log").await.unwrap();
            s.raw_execute_for_tests("UPDATE audit_head SET seq = 0, hash = '0000000000000000000000000000000000000000000000000000000000000000' WHERE id = 1").await.unwrap();
            setup(s.clone()).await;
            assert!(s.verify_audit().await.unwrap().ok());
            let v = tamper(&s, sql).await;
            assert!(!v.ok(), "{what} was not caught");
        }
    })
    .await;
}
