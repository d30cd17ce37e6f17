//! `sef serve`: the store as a shared, authenticated service.
//!
//! One axum application over the same [`Store`] the CLI uses (SQLite for
//! one node, PostgreSQL for several). Every route is declared once in the
//! route table ([`routes::table`]) with the permission it needs and where
//! the offering it acts on comes from; the router, the authorization check
//! and the OpenAPI document are all built from that table, so a route
//! cannot exist without a rule. People log in with a password (argon2id)
//! and get a session cookie; CI uses API tokens (256-bit, kept as hashes,
//! scoped to offerings and permissions). Uploaded runs are decided again
//! on the server with its own triage decisions and history; every change
//! is appended to the store's hash-chained audit trail as the
//! authenticated user. Nothing here keeps state in the process that other
//! nodes would need: sessions, lockouts, uploads, cached summaries and the
//! background job queue ([`jobs`]) live in the store, so any number of
//! nodes can serve one PostgreSQL store.

pub mod api;
pub mod auth;
pub mod config;
pub mod jobs;
pub mod metrics;
pub mod openapi;
pub mod problem;
pub mod routes;
pub mod upload;

pub use config::ServerConfig;
pub use problem::Problem;

use axum::Router;
use sef_store::Store;
use std::sync::Arc;

/// What every handler sees.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Store,
    /// The configuration.
    pub config: Arc<ServerConfig>,
    /// Request counters for `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// An argon2id hash verified when a login names no user, so that a
    /// login takes as long whether or not the account exists.
    pub dummy_hash: Arc<String>,
    /// This node's name in the shared job queue.
    pub node: Arc<str>,
    /// The key that signs the organisation's policy, when configured.
    pub policy_signer: Option<Arc<api::policy::Signer>>,
}

impl AppState {
    /// The state for a store and configuration.
    pub fn new(store: Store, config: ServerConfig) -> anyhow::Result<AppState> {
        let config_node = config.node_id.clone();
        let policy_signer = api::policy::Signer::load(&config)?.map(Arc::new);
        Ok(AppState {
            store,
            config: Arc::new(config),
            metrics: Arc::new(metrics::Metrics::default()),
            dummy_hash: Arc::new(auth::password::hash("not a password of anyone")?),
            node: Arc::from(jobs::node_id(config_node.as_deref())),
            policy_signer,
        })
    }
}

/// The whole application: the routes of the table, each behind its
/// authorization check, then authentication, request ids, body limits,
/// metrics and tracing for all.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}

/// Serves `app` on `config.listen` until `shutdown` resolves, with TLS when
/// the configuration names a certificate and key, and runs this node's job
/// workers meanwhile.
pub async fn serve(
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let workers = jobs::Workers::start(&state);
    // a server writes all day: its SQLite commits leave the WAL
    // checkpoints (and their fsyncs) to a task of their own
    let checkpoints = state
        .store
        .checkpoint_in_background(std::time::Duration::from_millis(250))
        .await?;
    let served = listen(state, shutdown).await;
    workers.stop(std::time::Duration::from_secs(10)).await;
    if let Some(c) = checkpoints {
        c.abort();
    }
    served
}

async fn listen(
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let config = state.config.clone();
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let handle = axum_server::Handle::new();
    let h = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        h.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(|e| {
                    anyhow::anyhow!(
                        "cannot load the TLS certificate {} and key {}: {e}",
                        cert.display(),
                        key.display()
                    )
                })?;
            tracing::info!(listen = %config.listen, tls = true, "sef serve listening");
            axum_server::bind_rustls(config.listen, tls)
                .handle(handle)
                .serve(app)
                .await?;
        }
        (None, None) => {
            tracing::info!(listen = %config.listen, tls = false, "sef serve listening");
            axum_server::bind(config.listen)
                .handle(handle)
                .serve(app)
                .await?;
        }
        _ => anyhow::bail!("TLS needs both a certificate and a key (--tls-cert and --tls-key)"),
    }
    Ok(())
}
