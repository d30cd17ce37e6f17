//! The [`Store`] methods `sef serve` adds over runs: offerings and teams,
//! users, grants, tokens, sessions, login failures, uploads, the audit
//! trail and backups. Each picks the backend's query in `access`,
//! `audit` or `served`.

use super::*;

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
        on_backend_w!(
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
        on_backend_w!(self, access::create_user(&self.actor, u))
    }
    /// Saves a user's password hash, identity and disabled flag.
    pub async fn update_user(&self, u: &User) -> Result<(), StoreError> {
        on_backend_w!(self, access::update_user(&self.actor, u))
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
        on_backend_w!(self, access::grant(&self.actor, user, g))
    }
    /// Takes a role back; false when it was not granted.
    pub async fn revoke_grant(
        &self,
        user: &User,
        g: &sef_model::access::Grant,
    ) -> Result<bool, StoreError> {
        on_backend_w!(self, access::revoke_grant(&self.actor, user, g))
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
        on_backend_w!(self, access::create_token(&self.actor, t))
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
        on_backend_w!(self, access::revoke_token(&self.actor, id))
    }
    /// Records a token's use (not audited: it is not a change of state).
    pub async fn touch_token(&self, id: &str) -> Result<(), StoreError> {
        on_backend_w!(self, access::touch_token(id))
    }
    /// Starts a session.
    pub async fn create_session(&self, s: &SessionRecord) -> Result<(), StoreError> {
        on_backend_w!(self, access::create_session(&self.actor, s))
    }
    /// A session by the hash of its id.
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        on_backend!(self, access::session(id_hash))
    }
    /// Ends a session.
    pub async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        on_backend_w!(self, access::delete_session(id_hash))
    }
    /// Remembers an OIDC login under way.
    pub async fn put_oidc_login(
        &self,
        state_hash: &str,
        verifier: &str,
        nonce: &str,
    ) -> Result<(), StoreError> {
        on_backend_w!(self, access::put_oidc_login(state_hash, verifier, nonce))
    }
    /// Takes (and forgets) an OIDC login under way: (verifier, nonce, started).
    pub async fn take_oidc_login(
        &self,
        state_hash: &str,
    ) -> Result<Option<(String, String, String)>, StoreError> {
        on_backend_w!(self, access::take_oidc_login(state_hash))
    }
    /// The failed-login counter under `key`.
    pub async fn login_failures(&self, key: &str) -> Result<Option<FailureState>, StoreError> {
        on_backend!(self, access::failures(key))
    }
    /// Sets the failed-login counter under `key`.
    pub async fn set_login_failures(&self, key: &str, s: &FailureState) -> Result<(), StoreError> {
        on_backend_w!(self, access::set_failures(key, s))
    }
    /// Clears the failed-login counter under `key`.
    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        on_backend_w!(self, access::clear_failures(key))
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
        on_backend_w!(self, served::save_upload(run, upload, &self.actor))
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
        on_backend_w!(self, audit::record(&self.actor, change))
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
            Backend::Sqlite(p) => sqlx::query(sql).execute(&p.write).await.map(drop),
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
                sqlx::query("VACUUM INTO $1")
                    .bind(dest)
                    .execute(&p.read)
                    .await?;
                Ok(())
            }
            Backend::Postgres(_) => Err(StoreError::Unsupported(
                "a PostgreSQL store is backed up with pg_dump (docs/server.md), not sef backup"
                    .into(),
            )),
        }
    }
}
