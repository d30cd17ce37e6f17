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

pub mod access;
pub mod audit;
mod decisions;
mod error;
mod history;
mod open;
pub mod portfolio;
mod queries;
mod served;
mod url;

pub use access::{
    FailureState, OfferingRecord, PlanFile, SessionRecord, TokenRecord, Upload, User,
};
pub use audit::{AuditEntry, Change, Verification};
pub use error::StoreError;
pub use portfolio::{GroupSummary, KpiRollup, RollupKey, RollupQuery, ShipRow};
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
    Sqlite(SqlitePool),
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

/// Runs one backend's version of a query function.
macro_rules! on_backend {
    ($self:ident, $m:ident :: $f:ident ( $($a:expr),* )) => {
        match &$self.backend {
            Backend::Sqlite(p) => $m::sqlite::$f(p, $($a),*).await,
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
            Backend::Sqlite(p) => {
                queries::sqlite::save_run(p, run, self.commit_delay, &self.actor).await
            }
            Backend::Postgres(p) => {
                queries::postgres::save_run(p, run, self.commit_delay, &self.actor).await
            }
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
            Backend::Sqlite(p) => decisions::sqlite::record_triage(p, t, &self.actor).await,
            Backend::Postgres(p) => decisions::postgres::record_triage(p, t, &self.actor).await,
        }
    }

    async fn triage(&self, offering: &str) -> Result<Vec<sef_model::Triage>, StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => decisions::sqlite::triage(p, offering).await,
            Backend::Postgres(p) => decisions::postgres::triage(p, offering).await,
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
            Backend::Sqlite(p) => {
                decisions::sqlite::record_phase_decision(p, decision, &self.actor).await
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
            Backend::Sqlite(p) => decisions::sqlite::phase_decisions(p, offering, release).await,
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
            Backend::Sqlite(p) => queries::sqlite::kpi_history(p, offering, release).await,
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

/// What `sef serve` keeps besides runs: offerings and teams, users, grants,
/// tokens, sessions, login failures, uploads, and the audit trail. Every
/// change is audited as [`Store::actor`].
impl Store {
    /// Registers an offering for a team, or moves it to another team.
    pub async fn put_offering(&self, name: &str, team: &str) -> Result<OfferingRecord, StoreError> {
        self.put_offering_in(name, team, None).await
    }

    /// Registers (or re-registers) an offering with its team and business
    /// unit; a re-registration replaces both.
    pub async fn put_offering_in(
        &self,
        name: &str,
        team: &str,
        business_unit: Option<&str>,
    ) -> Result<OfferingRecord, StoreError> {
        on_backend!(
            self,
            access::put_offering(&self.actor, name, team, business_unit)
        )
    }
    /// A registered offering.
    pub async fn offering(&self, name: &str) -> Result<Option<OfferingRecord>, StoreError> {
        on_backend!(self, access::offering(name))
    }
    /// Registered offerings named after `after`, by name, at most `limit`.
    pub async fn offerings(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<OfferingRecord>, StoreError> {
        on_backend!(self, access::offerings(after, limit))
    }
    /// Creates a user; a taken name or identity is a [`StoreError::Conflict`].
    pub async fn create_user(&self, u: &User) -> Result<(), StoreError> {
        on_backend!(self, access::create_user(&self.actor, u))
    }
    /// Saves a user's password hash, identity and disabled flag.
    pub async fn update_user(&self, u: &User) -> Result<(), StoreError> {
        on_backend!(self, access::update_user(&self.actor, u))
    }
    /// A user by login name.
    pub async fn user_by_name(&self, name: &str) -> Result<Option<User>, StoreError> {
        on_backend!(self, access::user_where("name", name))
    }
    /// A user by id.
    pub async fn user_by_id(&self, id: &str) -> Result<Option<User>, StoreError> {
        on_backend!(self, access::user_where("id", id))
    }
    /// A user by OIDC identity (`issuer|subject`).
    pub async fn user_by_oidc(&self, subject: &str) -> Result<Option<User>, StoreError> {
        on_backend!(self, access::user_where("oidc", subject))
    }
    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        on_backend!(self, access::users())
    }
    /// Grants a role (nothing happens when it is already granted).
    pub async fn grant(&self, user: &User, g: &sef_model::access::Grant) -> Result<(), StoreError> {
        on_backend!(self, access::grant(&self.actor, user, g))
    }
    /// Takes a role back; false when it was not granted.
    pub async fn revoke_grant(
        &self,
        user: &User,
        g: &sef_model::access::Grant,
    ) -> Result<bool, StoreError> {
        on_backend!(self, access::revoke_grant(&self.actor, user, g))
    }
    /// A user's grants.
    pub async fn grants_of(
        &self,
        user_id: &str,
    ) -> Result<Vec<sef_model::access::Grant>, StoreError> {
        on_backend!(self, access::grants_of(user_id))
    }
    /// Stores a new API token (its secret hashed by the caller).
    pub async fn create_token(&self, t: &TokenRecord) -> Result<(), StoreError> {
        on_backend!(self, access::create_token(&self.actor, t))
    }
    /// A token by its public id.
    pub async fn token(&self, id: &str) -> Result<Option<TokenRecord>, StoreError> {
        on_backend!(self, access::token(id))
    }
    /// A user's tokens.
    pub async fn tokens_of(&self, user_id: &str) -> Result<Vec<TokenRecord>, StoreError> {
        on_backend!(self, access::tokens_of(user_id))
    }
    /// Revokes a token; false when it was already revoked or never existed.
    pub async fn revoke_token(&self, id: &str) -> Result<bool, StoreError> {
        on_backend!(self, access::revoke_token(&self.actor, id))
    }
    /// Records a token's use (not audited: it is not a change of state).
    pub async fn touch_token(&self, id: &str) -> Result<(), StoreError> {
        on_backend!(self, access::touch_token(id))
    }
    /// Starts a session.
    pub async fn create_session(&self, s: &SessionRecord) -> Result<(), StoreError> {
        on_backend!(self, access::create_session(&self.actor, s))
    }
    /// A session by the hash of its id.
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        on_backend!(self, access::session(id_hash))
    }
    /// Ends a session.
    pub async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        on_backend!(self, access::delete_session(id_hash))
    }
    /// Remembers an OIDC login under way.
    pub async fn put_oidc_login(
        &self,
        state_hash: &str,
        verifier: &str,
        nonce: &str,
    ) -> Result<(), StoreError> {
        on_backend!(self, access::put_oidc_login(state_hash, verifier, nonce))
    }
    /// Takes (and forgets) an OIDC login under way: (verifier, nonce, started).
    pub async fn take_oidc_login(
        &self,
        state_hash: &str,
    ) -> Result<Option<(String, String, String)>, StoreError> {
        on_backend!(self, access::take_oidc_login(state_hash))
    }
    /// The failed-login counter under `key`.
    pub async fn login_failures(&self, key: &str) -> Result<Option<FailureState>, StoreError> {
        on_backend!(self, access::failures(key))
    }
    /// Sets the failed-login counter under `key`.
    pub async fn set_login_failures(&self, key: &str, s: &FailureState) -> Result<(), StoreError> {
        on_backend!(self, access::set_failures(key, s))
    }
    /// Clears the failed-login counter under `key`.
    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        on_backend!(self, access::clear_failures(key))
    }
    /// A run's head: everything but its evidence, findings and artifact
    /// contents.
    pub async fn run_head(&self, id: RunId) -> Result<Option<RunHead>, StoreError> {
        on_backend!(self, served::run_head(id))
    }
    /// A run's findings alone, in report order.
    pub async fn run_findings(&self, id: RunId) -> Result<Vec<sef_model::Finding>, StoreError> {
        on_backend!(self, queries::run_findings(id))
    }
    /// One artifact of a run, with its content.
    pub async fn artifact(
        &self,
        id: RunId,
        name: &str,
    ) -> Result<Option<sef_model::Artifact>, StoreError> {
        on_backend!(self, served::artifact(id, name))
    }
    /// The offering of a stored run.
    pub async fn run_offering(&self, id: RunId) -> Result<Option<String>, StoreError> {
        on_backend!(self, access::run_offering(id))
    }
    /// Stores an uploaded run with its upload record and plan files.
    pub async fn save_upload(
        &self,
        run: &AssessmentRun,
        upload: &Upload,
    ) -> Result<(), StoreError> {
        on_backend!(self, served::save_upload(run, upload, &self.actor))
    }
    /// The plan files of an offering's most recently assessed upload (its
    /// team file names the members' keys).
    pub async fn latest_plan_files(
        &self,
        offering: &str,
    ) -> Result<Option<Vec<PlanFile>>, StoreError> {
        on_backend!(self, served::latest_plan_files(offering))
    }
    /// The body digest a run id was uploaded with.
    pub async fn upload_digest(&self, run_id: RunId) -> Result<Option<String>, StoreError> {
        on_backend!(self, served::upload_digest(run_id))
    }
    /// The plan files of a release's latest upload, with that run's id.
    pub async fn plan_files(
        &self,
        offering: &str,
        release: &str,
    ) -> Result<Option<(String, Vec<PlanFile>)>, StoreError> {
        on_backend!(self, served::plan_files(offering, release))
    }
    /// Appends a change to the audit trail on its own.
    pub async fn audit(&self, change: &Change) -> Result<(), StoreError> {
        on_backend!(self, audit::record(&self.actor, change))
    }
    /// Audit entries after `after_seq`, at most `limit`, in order.
    pub async fn audit_entries(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        on_backend!(self, audit::entries(after_seq, limit))
    }
    /// Walks the whole audit chain against its head.
    pub async fn verify_audit(&self) -> Result<Verification, StoreError> {
        let (head_seq, head_hash) = on_backend!(self, audit::head())?;
        let mut all = Vec::new();
        let mut after = i64::MIN;
        loop {
            let page = self.audit_entries(after, 10_000).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            all.extend(page);
        }
        Ok(audit::verify(&all, head_seq, &head_hash))
    }
    /// Runs a statement as is, behind sef's back: for tests that damage a
    /// store on purpose (an edited audit row, say). Nothing in sef calls it.
    #[doc(hidden)]
    pub async fn raw_execute_for_tests(&self, sql: &'static str) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => sqlx::query(sql).execute(p).await.map(drop),
            Backend::Postgres(p) => sqlx::query(sql).execute(p).await.map(drop),
        }
        .map_err(StoreError::from)
    }

    /// Writes a consistent copy of a SQLite store to `dest` while it stays
    /// in use (`VACUUM INTO`). PostgreSQL stores are backed up with
    /// `pg_dump` (see docs/server.md).
    pub async fn backup_to(&self, dest: &std::path::Path) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(p) => {
                if dest.exists() {
                    return Err(StoreError::Conflict(format!(
                        "{}: already exists; sef does not overwrite a backup",
                        dest.display()
                    )));
                }
                let dest = dest.to_str().ok_or_else(|| {
                    StoreError::Decode(format!("{}: not a UTF-8 path", dest.display()))
                })?;
                sqlx::query("VACUUM INTO $1").bind(dest).execute(p).await?;
                Ok(())
            }
            Backend::Postgres(_) => Err(StoreError::Unsupported(
                "a PostgreSQL store is backed up with pg_dump (docs/server.md), not sef backup"
                    .into(),
            )),
        }
    }
}
