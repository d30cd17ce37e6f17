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

mod error;
mod history;
mod open;
mod queries;
mod url;

pub use error::StoreError;
pub use url::StoreUrl;

use sef_model::{AssessmentRun, RunId, RunSummary};
use sqlx::{PgPool, SqlitePool};
use std::time::Duration;

/// Filters for listing runs.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    /// Only runs of this offering.
    pub offering: Option<String>,
    /// At most this many runs, newest first.
    pub limit: Option<u32>,
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
    /// Every other offering with its latest run's KPI values.
    pub peers: Vec<(String, Vec<sef_model::KpiValue>)>,
    /// The runs of this release so far, oldest first.
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
    /// Other offerings' latest KPIs, this release's earlier runs and the
    /// previous release's KPIs, for the KPI comparisons and trends.
    async fn kpi_history(&self, offering: &str, release: &str) -> Result<KpiHistory, StoreError>;
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

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open store, SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    location: String,
    commit_delay: Option<Duration>,
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
        Ok(Store {
            backend,
            location,
            commit_delay: None,
        })
    }

    /// Opens a PostgreSQL store inside its own schema, creating the schema
    /// first. Used to give each test, or each tenant, its own namespace.
    pub async fn open_postgres_schema(url: &str, schema: &str) -> Result<Store, StoreError> {
        let pool = open::postgres(url, Some(schema)).await?;
        Ok(Store {
            backend: Backend::Postgres(pool),
            location: format!(
                "{} (schema {schema})",
                StoreUrl::Postgres(url.to_owned()).redacted()
            ),
            commit_delay: None,
        })
    }

    /// Drops a schema made by [`Store::open_postgres_schema`].
    pub async fn drop_postgres_schema(url: &str, schema: &str) -> Result<(), StoreError> {
        open::drop_schema(url, schema).await
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

    /// Closes the connections, waiting for them to finish.
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(p) => p.close().await,
            Backend::Postgres(p) => p.close().await,
        }
    }
}

impl RunRepository for Store {
    async fn save_run(&self, run: &AssessmentRun) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::save_run(p, run, self.commit_delay).await,
            Backend::Postgres(p) => queries::postgres::save_run(p, run, self.commit_delay).await,
        }
    }

    async fn list_runs(&self, filter: &RunFilter) -> Result<Vec<RunSummary>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::list_runs(p, filter).await,
            Backend::Postgres(p) => queries::postgres::list_runs(p, filter).await,
        }
    }

    async fn get_run(&self, id: RunId) -> Result<Option<AssessmentRun>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::get_run(p, id).await,
            Backend::Postgres(p) => queries::postgres::get_run(p, id).await,
        }
    }

    async fn find_run_ids(&self, prefix: &str) -> Result<Vec<RunId>, StoreError> {
        if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Ok(Vec::new());
        }
        let prefix = prefix.to_ascii_lowercase();
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::find_run_ids(p, &prefix).await,
            Backend::Postgres(p) => queries::postgres::find_run_ids(p, &prefix).await,
        }
    }

    async fn run_id_neighbours(
        &self,
        id: RunId,
    ) -> Result<(Option<RunId>, Option<RunId>), StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::run_id_neighbours(p, id).await,
            Backend::Postgres(p) => queries::postgres::run_id_neighbours(p, id).await,
        }
    }

    async fn previous_run(&self, run: &AssessmentRun) -> Result<Option<RunId>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::previous_run(p, run).await,
            Backend::Postgres(p) => queries::postgres::previous_run(p, run).await,
        }
    }

    async fn record_triage(&self, t: &sef_model::Triage) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::record_triage(p, t).await,
            Backend::Postgres(p) => queries::postgres::record_triage(p, t).await,
        }
    }

    async fn triage(&self, offering: &str) -> Result<Vec<sef_model::Triage>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::triage(p, offering).await,
            Backend::Postgres(p) => queries::postgres::triage(p, offering).await,
        }
    }

    async fn finding_history(
        &self,
        offering: &str,
    ) -> Result<Vec<sef_model::FindingHistory>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::finding_history(p, offering).await,
            Backend::Postgres(p) => queries::postgres::finding_history(p, offering).await,
        }
    }

    async fn latest_finding(
        &self,
        offering: &str,
        fingerprint: &str,
    ) -> Result<Option<sef_model::Finding>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::latest_finding(p, offering, fingerprint).await,
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
            Backend::Sqlite(p) => queries::sqlite::find_finding(p, r).await,
            Backend::Postgres(p) => queries::postgres::find_finding(p, r).await,
        }
    }

    async fn kpi_series(&self, offering: &str) -> Result<Vec<sef_model::ReleaseKpis>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::kpi_series(p, offering).await,
            Backend::Postgres(p) => queries::postgres::kpi_series(p, offering).await,
        }
    }

    async fn record_phase_decision(
        &self,
        decision: &sef_model::PhaseDecision,
    ) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::record_phase_decision(p, decision).await,
            Backend::Postgres(p) => queries::postgres::record_phase_decision(p, decision).await,
        }
    }

    async fn phase_decisions(
        &self,
        offering: &str,
        release: &str,
    ) -> Result<Vec<sef_model::PhaseDecision>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::phase_decisions(p, offering, release).await,
            Backend::Postgres(p) => queries::postgres::phase_decisions(p, offering, release).await,
        }
    }

    async fn kpi_history(&self, offering: &str, release: &str) -> Result<KpiHistory, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => queries::sqlite::kpi_history(p, offering, release).await,
            Backend::Postgres(p) => queries::postgres::kpi_history(p, offering, release).await,
        }
    }
}
