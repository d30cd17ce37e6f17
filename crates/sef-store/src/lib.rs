//! The evidence store.
//!
//! Runs, their evidence and their findings are persisted through the
//! [`RunRepository`] trait, which has two implementations behind one
//! [`Store`]: SQLite (the embedded default, one file, WAL mode) and
//! PostgreSQL (for organisations whose teams and server nodes share one
//! store). Migrations apply automatically on open; a database written by a
//! newer sef is refused rather than damaged. Every run is written in one
//! transaction, so a crash mid-write leaves the earlier state intact.
//!
//! This is the only crate that sees SQL. It must not know about reports,
//! analyzers or the CLI.

/// Runs the `sqlite` or `postgres` version of a reading query function of
/// the module it is used in, on the store's pool (SQLite: the readers).
/// Defined before the modules so that each of them can use it.
macro_rules! on {
    ($store:expr, $f:ident ( $($a:expr),* )) => {
        match &$store.backend {
            crate::Backend::Sqlite(p) => sqlite::$f(&p.read, $($a),*).await,
            crate::Backend::Postgres(p) => postgres::$f(p, $($a),*).await,
        }
    };
}

/// [`on!`] for a function that writes: on SQLite it runs on the one
/// writer connection.
macro_rules! on_w {
    ($store:expr, $f:ident ( $($a:expr),* )) => {
        match &$store.backend {
            crate::Backend::Sqlite(p) => sqlite::$f(&p.write, $($a),*).await,
            crate::Backend::Postgres(p) => postgres::$f(p, $($a),*).await,
        }
    };
}

pub mod access;
pub mod audit;
mod decisions;
mod error;
mod findings_rows;
mod history;
pub mod jobs;
mod open;
pub mod policies;
pub mod portfolio;
mod portfolio_json;
mod queries;
mod served;
mod summary_cache;
mod url;

pub use access::{
    FailureState, OfferingRecord, PlanFile, SessionRecord, TokenRecord, Upload, User,
};
pub use audit::{AuditEntry, Change, Verification};
pub use error::StoreError;
pub use jobs::{ClaimedJob, Fence, JobRecord, JobState, NewJob, QueuedWith};
pub use policies::PolicyRecord;
pub use portfolio::{GroupSummary, KpiRollup, RollupKey, RollupQuery, ShipRow};
pub use url::StoreUrl;

use sef_model::{AssessmentRun, RunId, RunSummary};
use sqlx::PgPool;
use std::time::Duration;

/// Filters for listing runs.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    /// Only runs of this offering.
    pub offering: Option<String>,
    /// At most this many runs, newest first.
    pub limit: Option<u32>,
    /// Only runs before this one in listing order (started earlier, or at
    /// the same time with a smaller id): the cursor of the next page.
    pub before: Option<(chrono::DateTime<chrono::Utc>, RunId)>,
}

/// One earlier run of a release, as the KPIs need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastRunRow {
    /// When it ran.
    pub started_at: chrono::DateTime<chrono::Utc>,
    /// The release's phase then.
    pub phase: sef_model::Phase,
    /// The state of its known-vulnerabilities evidence (`complete`, …), if any.
    pub vulnerabilities_status: Option<String>,
}

/// What the store knows that a run's KPIs need.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KpiHistory {
    /// Every other offering (within the peer group, when the run names
    /// one) with its latest release's measured KPI values `(id, value)`.
    pub peers: Vec<(String, Vec<(String, f64)>)>,
    /// The lifecycle-phase runs of this release so far, oldest first (the
    /// CVE review interval is the only KPI that reads past runs, and only
    /// those of the lifecycle phase).
    pub runs: Vec<PastRunRow>,
    /// The previous release (the latest run of another release of this
    /// offering): its version and KPI values.
    pub previous: Option<(String, Vec<sef_model::KpiValue>)>,
}

/// Persistence of assessment runs. Implemented by every backend; one
/// contract-test suite (`tests/contract.rs`) runs against each.
#[allow(async_fn_in_trait)]
pub trait RunRepository {
    /// Persists a whole run in one transaction.
    async fn save_run(&self, run: &AssessmentRun) -> Result<(), StoreError>;
    /// Lists runs, newest first.
    async fn list_runs(&self, filter: &RunFilter) -> Result<Vec<RunSummary>, StoreError>;
    /// Loads a whole run.
    async fn get_run(&self, id: RunId) -> Result<Option<AssessmentRun>, StoreError>;
    /// Ids of runs whose id starts with `prefix` (hex digits and dashes).
    async fn find_run_ids(&self, prefix: &str) -> Result<Vec<RunId>, StoreError>;
    /// The run ids just below and just above `id` in id order, to find
    /// the shortest prefix of `id` that is unique in the store.
    async fn run_id_neighbours(
        &self,
        id: RunId,
    ) -> Result<(Option<RunId>, Option<RunId>), StoreError>;
    /// The newest run of an offering before the given run, if any.
    async fn previous_run(&self, run: &AssessmentRun) -> Result<Option<RunId>, StoreError>;
    /// Other offerings' latest KPIs (within `peer_group` when given), this
    /// release's earlier runs and the previous release's KPIs, for the KPI
    /// comparisons and trends.
    async fn kpi_history(
        &self,
        offering: &str,
        release: &str,
        peer_group: Option<&str>,
    ) -> Result<KpiHistory, StoreError>;
    /// Records a triage decision.
    async fn record_triage(&self, t: &sef_model::Triage) -> Result<(), StoreError>;
    /// The triage decisions of an offering, oldest first.
    async fn triage(&self, offering: &str) -> Result<Vec<sef_model::Triage>, StoreError>;
    /// Every finding's history across the offering's runs.
    async fn finding_history(
        &self,
        offering: &str,
    ) -> Result<Vec<sef_model::FindingHistory>, StoreError>;
    /// The latest stored occurrence of a finding.
    async fn latest_finding(
        &self,
        offering: &str,
        fingerprint: &str,
    ) -> Result<Option<sef_model::Finding>, StoreError>;
    /// `(offering, fingerprint)` of the findings a reference names: a
    /// fingerprint, or a finding id or its prefix (at least 4 characters).
    async fn find_finding(&self, reference: &str) -> Result<Vec<(String, String)>, StoreError>;
    /// The KPIs of the latest run of each release of an offering, in the
    /// order the releases were last assessed.
    async fn kpi_series(&self, offering: &str) -> Result<Vec<sef_model::ReleaseKpis>, StoreError>;
    /// Records a checkpoint decision (in one transaction).
    async fn record_phase_decision(
        &self,
        decision: &sef_model::PhaseDecision,
    ) -> Result<(), StoreError>;
    /// The checkpoint decisions of a release, oldest first.
    async fn phase_decisions(
        &self,
        offering: &str,
        release: &str,
    ) -> Result<Vec<sef_model::PhaseDecision>, StoreError>;
}

/// The actor recorded when the caller named none.
pub const UNKNOWN_ACTOR: &str = "unknown (self-asserted)";

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(open::Lite),
    Postgres(PgPool),
}

/// An open store, SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    location: String,
    commit_delay: Option<Duration>,
    actor: std::sync::Arc<str>,
}

/// Runs one backend's version of a reading query function.
macro_rules! on_backend {
    ($self:ident, $m:ident :: $f:ident ( $($a:expr),* )) => {
        match &$self.backend {
            Backend::Sqlite(p) => $m::sqlite::$f(&p.read, $($a),*).await,
            Backend::Postgres(p) => $m::postgres::$f(p, $($a),*).await,
        }
    };
}

/// Runs one backend's version of a writing query function (SQLite: on the
/// writer connection).
macro_rules! on_backend_w {
    ($self:ident, $m:ident :: $f:ident ( $($a:expr),* )) => {
        match &$self.backend {
            Backend::Sqlite(p) => $m::sqlite::$f(&p.write, $($a),*).await,
            Backend::Postgres(p) => $m::postgres::$f(p, $($a),*).await,
        }
    };
}

impl Store {
    /// Opens (creating if needed) the store at `url` and applies migrations.
    pub async fn open(url: &StoreUrl) -> Result<Store, StoreError> {
        let (backend, location) = match url {
            StoreUrl::Sqlite(path) => (
                Backend::Sqlite(open::sqlite(path).await?),
                path.display().to_string(),
            ),
            StoreUrl::Postgres(u) => (
                Backend::Postgres(open::postgres(u, None).await?),
                url.redacted(),
            ),
        };
        let store = Store {
            backend,
            location,
            commit_delay: None,
            actor: std::sync::Arc::from(UNKNOWN_ACTOR),
        };
        store.build_portfolio().await;
        Ok(store)
    }

    /// Builds the portfolio tables from the runs when a store written
    /// before schema 8 has none. A store that cannot be written (a
    /// read-only file) keeps them empty; the portfolio queries then refuse
    /// to answer rather than answer "nobody".
    async fn build_portfolio(&self) {
        match self.rebuild_portfolio_if_empty().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(releases = n, "portfolio index built from the stored runs"),
            Err(e) => tracing::warn!(error = %e, "the portfolio index could not be built"),
        }
    }

    /// Opens a PostgreSQL store inside its own schema, creating the schema
    /// first. Used to give each test, or each tenant, its own namespace.
    pub async fn open_postgres_schema(url: &str, schema: &str) -> Result<Store, StoreError> {
        let pool = open::postgres(url, Some(schema)).await?;
        let store = Store {
            backend: Backend::Postgres(pool),
            location: format!(
                "{} (schema {schema})",
                StoreUrl::Postgres(url.to_owned()).redacted()
            ),
            commit_delay: None,
            actor: std::sync::Arc::from(UNKNOWN_ACTOR),
        };
        store.build_portfolio().await;
        Ok(store)
    }

    /// Drops a schema made by [`Store::open_postgres_schema`].
    pub async fn drop_postgres_schema(url: &str, schema: &str) -> Result<(), StoreError> {
        open::drop_schema(url, schema).await
    }

    /// The same store, recording `actor` as the author of the changes made
    /// through it in the audit trail: `user:NAME`, `token:…`, or
    /// `cli:NAME (self-asserted)` for the command line.
    pub fn with_actor(&self, actor: &str) -> Store {
        Store {
            actor: std::sync::Arc::from(actor),
            ..self.clone()
        }
    }

    /// Who changes made through this handle are recorded as.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Where the store is, for messages (passwords redacted).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Which backend this is: `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Waits this long inside the write transaction before committing. It
    /// exists so crash-safety tests can kill the process mid-write.
    pub fn set_commit_delay(&mut self, delay: Option<Duration>) {
        self.commit_delay = delay;
    }

    /// On SQLite, runs WAL checkpoints on a background task every `every`
    /// instead of inside the commits that cross SQLite's threshold (a
    /// long-running server's writes then never wait for a checkpoint's
    /// fsyncs); the task stops when the store is closed. `None` on
    /// PostgreSQL, which checkpoints by itself.
    pub async fn checkpoint_in_background(
        &self,
        every: Duration,
    ) -> Result<Option<tokio::task::JoinHandle<()>>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => Ok(Some(p.checkpoint_in_background(every).await?)),
            Backend::Postgres(_) => Ok(None),
        }
    }

    /// Closes the connections, waiting for them to finish.
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(p) => {
                p.write.close().await;
                p.read.close().await;
            }
            Backend::Postgres(p) => p.close().await,
        }
    }
}

impl RunRepository for Store {
    async fn save_run(&self, run: &AssessmentRun) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => {
                queries::sqlite::save_run(&p.write, run, self.commit_delay, &self.actor).await
            }
            Backend::Postgres(p) => {
                queries::postgres::save_run(p, run, self.commit_delay, &self.actor).await
            }
        }
    }

    async fn list_runs(&self, filter: &RunFilter) -> Result<Vec<RunSummary>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::list_runs(&p.read, filter).await,
            Backend::Postgres(p) => queries::postgres::list_runs(p, filter).await,
        }
    }

    async fn get_run(&self, id: RunId) -> Result<Option<AssessmentRun>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::get_run(&p.read, id).await,
            Backend::Postgres(p) => queries::postgres::get_run(p, id).await,
        }
    }

    async fn find_run_ids(&self, prefix: &str) -> Result<Vec<RunId>, StoreError> {
        if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Ok(Vec::new());
        }
        let prefix = prefix.to_ascii_lowercase();
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::find_run_ids(&p.read, &prefix).await,
            Backend::Postgres(p) => queries::postgres::find_run_ids(p, &prefix).await,
        }
    }

    async fn run_id_neighbours(
        &self,
        id: RunId,
    ) -> Result<(Option<RunId>, Option<RunId>), StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::run_id_neighbours(&p.read, id).await,
            Backend::Postgres(p) => queries::postgres::run_id_neighbours(p, id).await,
        }
    }

    async fn previous_run(&self, run: &AssessmentRun) -> Result<Option<RunId>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::previous_run(&p.read, run).await,
            Backend::Postgres(p) => queries::postgres::previous_run(p, run).await,
        }
    }

    async fn record_triage(&self, t: &sef_model::Triage) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => decisions::sqlite::record_triage(&p.write, t, &self.actor).await,
            Backend::Postgres(p) => decisions::postgres::record_triage(p, t, &self.actor).await,
        }
    }

    async fn triage(&self, offering: &str) -> Result<Vec<sef_model::Triage>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => decisions::sqlite::triage(&p.read, offering).await,
            Backend::Postgres(p) => decisions::postgres::triage(p, offering).await,
        }
    }

    async fn finding_history(
        &self,
        offering: &str,
    ) -> Result<Vec<sef_model::FindingHistory>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::finding_history(&p.read, offering).await,
            Backend::Postgres(p) => queries::postgres::finding_history(p, offering).await,
        }
    }

    async fn latest_finding(
        &self,
        offering: &str,
        fingerprint: &str,
    ) -> Result<Option<sef_model::Finding>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => {
                queries::sqlite::latest_finding(&p.read, offering, fingerprint).await
            }
            Backend::Postgres(p) => {
                queries::postgres::latest_finding(p, offering, fingerprint).await
            }
        }
    }

    async fn find_finding(&self, reference: &str) -> Result<Vec<(String, String)>, StoreError> {
        let r = reference.trim();
        if r.len() < 4
            || !r
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':')
        {
            return Ok(Vec::new());
        }
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::find_finding(&p.read, r).await,
            Backend::Postgres(p) => queries::postgres::find_finding(p, r).await,
        }
    }

    async fn kpi_series(&self, offering: &str) -> Result<Vec<sef_model::ReleaseKpis>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::kpi_series(&p.read, offering).await,
            Backend::Postgres(p) => queries::postgres::kpi_series(p, offering).await,
        }
    }

    async fn record_phase_decision(
        &self,
        decision: &sef_model::PhaseDecision,
    ) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => {
                decisions::sqlite::record_phase_decision(&p.write, decision, &self.actor).await
            }
            Backend::Postgres(p) => {
                decisions::postgres::record_phase_decision(p, decision, &self.actor).await
            }
        }
    }

    async fn phase_decisions(
        &self,
        offering: &str,
        release: &str,
    ) -> Result<Vec<sef_model::PhaseDecision>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => {
                decisions::sqlite::phase_decisions(&p.read, offering, release).await
            }
            Backend::Postgres(p) => {
                decisions::postgres::phase_decisions(p, offering, release).await
            }
        }
    }

    async fn kpi_history(
        &self,
        offering: &str,
        release: &str,
        peer_group: Option<&str>,
    ) -> Result<KpiHistory, StoreError> {
        let mut h = match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::kpi_history(&p.read, offering, release).await,
            Backend::Postgres(p) => queries::postgres::kpi_history(p, offering, release).await,
        }?;
        h.peers = self.portfolio_peers(offering, peer_group).await?;
        Ok(h)
    }
}

/// A run without its evidence, findings and artifact contents: what a
/// view of its verdict needs, read without loading the rest.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RunHead {
    /// The run's id.
    pub id: RunId,
    /// The offering.
    pub offering: sef_model::Offering,
    /// The release.
    pub release: sef_model::Release,
    /// When it started.
    pub started_at: chrono::DateTime<chrono::Utc>,
    /// When it finished.
    pub finished_at: chrono::DateTime<chrono::Utc>,
    /// The sef that ran it.
    pub sef_version: String,
    /// Digest of its plan file.
    pub plan_digest: Option<sef_model::Digest>,
    /// Its notes.
    pub notes: Vec<String>,
    /// Its KPIs.
    pub kpis: Vec<sef_model::KpiValue>,
    /// Its gate.
    pub gate: sef_model::GateDecision,
    /// How many findings it has.
    pub findings: i64,
    /// How many evidence records it has.
    pub evidence: i64,
    /// Its artifacts, listed (no content).
    pub artifacts: Vec<sef_model::Artifact>,
}

// declared after `on_backend!`, which it uses
mod served_store;
