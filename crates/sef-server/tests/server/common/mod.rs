//! What the server suites share: an app on a fresh store (SQLite, or
//! PostgreSQL in its own schema), users with sessions and tokens made
//! straight in the store, requests sent in process, and real upload bodies
//! made by the engine from a plan.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sef_model::access::{Grant, GrantScope, Role};
use sef_server::auth::secret;
use sef_server::{AppState, ServerConfig};
use sef_store::{SessionRecord, Store, StoreUrl, TokenRecord, User};
use tower::ServiceExt;

/// A running app and its store.
pub struct Harness {
    pub state: AppState,
    pub app: axum::Router,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<String>,
}

impl Harness {
    pub async fn sqlite() -> Harness {
        Harness::sqlite_with(ServerConfig::default()).await
    }

    pub async fn sqlite_with(config: ServerConfig) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&StoreUrl::Sqlite(dir.path().join("sef.db")))
            .await
            .unwrap();
        Harness::on(store, config, Some(dir), None)
    }

    pub async fn postgres(name: &str) -> Harness {
        Harness::postgres_with(name, ServerConfig::default()).await
    }

    pub async fn postgres_with(name: &str, config: ServerConfig) -> Harness {
        let url = sef_testkit::postgres_url();
        let schema = format!(
            "sef_srv_{name}_{}",
            &sef_model::RunId::generate().to_string().replace('-', "")[20..]
        );
        let store = Store::open_postgres_schema(&url, &schema)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {url} (set SEF_TEST_POSTGRES_URL): {e}"));
        Harness::on(store, config, None, Some(schema))
    }

    fn on(
        store: Store,
        config: ServerConfig,
        dir: Option<tempfile::TempDir>,
        pg: Option<String>,
    ) -> Harness {
        let state = AppState::new(store, config).unwrap();
        let app = sef_server::app(state.clone());
        Harness {
            state,
            app,
            _dir: dir,
            pg_schema: pg,
        }
    }

    pub async fn close(self) {
        self.state.store.close().await;
        if let Some(s) = &self.pg_schema {
            Store::drop_postgres_schema(&sef_testkit::postgres_url(), s)
                .await
                .unwrap();
        }
    }

    pub fn store(&self) -> Store {
        self.state.store.with_actor("test:setup")
    }

    /// Makes a user holding `grants`.
    pub async fn user(&self, name: &str, grants: &[(Role, GrantScope)]) -> User {
        let u = User {
            id: format!("id-{name}"),
            name: name.into(),
            password_hash: None,
            oidc_subject: None,
            created_at: "2026-12-03T00:00:00.000000Z".into(),
            disabled: false,
        };
        self.store().create_user(&u).await.unwrap();
        for (role, scope) in grants {
            self.store()
                .grant(
                    &u,
                    &Grant {
                        role: *role,
                        scope: scope.clone(),
                    },
                )
                .await
                .unwrap();
        }
        u
    }

    /// A session for `user`: (cookie header, csrf).
    pub async fn session(&self, user: &User) -> Caller {
        let sid = secret::new_secret().unwrap();
        let csrf = secret::new_secret().unwrap();
        self.store()
            .create_session(&SessionRecord {
                id_hash: secret::hash(&sid),
                user_id: user.id.clone(),
                csrf: csrf.clone(),
                created_at: "2026-12-03T00:00:00.000000Z".into(),
                expires_at: "2999-01-01T00:00:00.000000Z".into(),
            })
            .await
            .unwrap();
        Caller::Session {
            cookie: format!("sef_session={sid}"),
            csrf,
        }
    }

    /// A token for `user`, narrowed as given.
    pub async fn token(
        &self,
        user: &User,
        offerings: &[&str],
        permissions: &[sef_model::access::Permission],
        expires_at: &str,
    ) -> (String, Caller) {
        let (id, secret_part, token) = secret::new_token().unwrap();
        self.store()
            .create_token(&TokenRecord {
                id: id.clone(),
                user_id: user.id.clone(),
                name: "t".into(),
                secret_hash: secret::hash(&secret_part),
                offerings: offerings.iter().map(|s| s.to_string()).collect(),
                permissions: permissions.to_vec(),
                created_at: "2026-12-03T00:00:00.000000Z".into(),
                expires_at: expires_at.into(),
                revoked_at: None,
                last_used_at: None,
            })
            .await
            .unwrap();
        (id, Caller::Token(token))
    }

    /// Sends a request.
    pub async fn send(
        &self,
        method: &str,
        uri: &str,
        caller: &Caller,
        body: Option<Vec<u8>>,
    ) -> Answer {
        let mut b = Request::builder().method(method).uri(uri);
        match caller {
            Caller::Anonymous => {}
            Caller::Token(t) => b = b.header("authorization", format!("Bearer {t}")),
            Caller::Session { cookie, csrf } => {
                b = b.header("cookie", cookie).header("x-csrf-token", csrf);
            }
            Caller::SessionNoCsrf { cookie } => b = b.header("cookie", cookie),
        }
        let req = match body {
            Some(bytes) => b
                .header("content-type", "application/json")
                .body(Body::from(bytes)),
            None => b.body(Body::empty()),
        }
        .unwrap();
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Answer {
            status,
            headers,
            body: bytes,
        }
    }
}

/// Who calls.
#[derive(Clone, Debug)]
pub enum Caller {
    Anonymous,
    Token(String),
    Session { cookie: String, csrf: String },
    SessionNoCsrf { cookie: String },
}

/// An answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The plan of a test offering.
pub fn plan_text(offering: &str) -> String {
    format!(
        "[offering]\nname = \"{offering}\"\n[release]\nversion = \"1.0.0\"\nphase = \"develop\"\n\
         [analyzers.vulnerabilities]\nenabled = false\n"
    )
}

/// A real upload of `offering`: the engine's run over an empty directory
/// under the plan (so the gate fails on missing evidence), with the
/// findings given.
pub fn upload(offering: &str, findings: Vec<sef_model::Finding>) -> sef_server::upload::RunUpload {
    let text = plan_text(offering);
    let files = vec![("sef.toml".to_owned(), text.clone())];
    let plan = sef_plan::Plan::from_texts(&files).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut run = sef_engine::assess(dir.path(), &plan, &[], &sef_engine::NoProgress);
    run.findings = findings;
    sef_server::upload::RunUpload {
        format: sef_server::upload::FORMAT.into(),
        run,
        artifacts: Vec::new(),
        plan_files: vec![sef_store::PlanFile {
            path: "sef.toml".into(),
            text,
        }],
        checkpoint_files: Default::default(),
    }
}

pub fn body(u: &sef_server::upload::RunUpload) -> Vec<u8> {
    serde_json::to_vec(u).unwrap()
}

/// A high-severity finding.
pub fn finding(rule: &str) -> sef_model::Finding {
    use sef_model::*;
    Finding {
        id: FindingId::generate(),
        kind: FindingKind::RepositoryHygiene,
        analyzer: "repo-facts".into(),
        rule_id: rule.into(),
        title: format!("title of {rule}"),
        remediation: "do it".into(),
        cwe: vec![],
        severity: Severity::High,
        location: None,
        fingerprint: Fingerprint::compute(["repo-facts", rule]),
        status: FindingStatus::Open,
        package: None,
        aliases: Vec::new(),
        acceptance: None,
        cvss: None,
        references: Vec::new(),
        dependency_path: Vec::new(),
        scope: None,
    }
}

pub fn ok(a: &Answer) -> bool {
    a.status != StatusCode::UNAUTHORIZED && a.status != StatusCode::FORBIDDEN
}
