//! `POST /api/v1/runs`: a run uploaded by `sef assess --push`.
//!
//! The server takes the client's evidence and findings (what the
//! repository holds can only be read where it is) but never its verdict:
//! it reads the uploaded plan files with the same parser as the CLI,
//! resets every finding to open, applies the plan's acceptances and its
//! own store's triage decisions, measures the KPIs against its own history
//! and peers, and decides the gate, with the same
//! [`sef_engine::decide::decide`] the CLI runs. The offering must be
//! registered and within the caller's scope; a run id is stored once, and
//! the same id with another body is refused.

use crate::AppState;
use crate::auth::Principal;
use crate::problem::{ApiResult, Problem};
use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use sef_engine::decide::CheckpointFiles;
use sef_model::access::Permission;
use sef_model::{Artifact, AssessmentRun, FindingStatus};
use sef_store::{PlanFile, RunRepository, Upload};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The upload format's name and version.
pub const FORMAT: &str = "sef.run-upload/1";

/// What `sef assess --push` sends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunUpload {
    /// [`FORMAT`].
    pub format: String,
    /// The run as the client assessed it (its KPIs, gate and finding
    /// statuses are recomputed).
    pub run: AssessmentRun,
    /// The content of the run's artifacts (the SBOM).
    pub artifacts: Vec<ArtifactContent>,
    /// `sef.toml` and `security/*.toml`, as in the repository.
    pub plan_files: Vec<PlanFile>,
    /// The documents the checkpoints look at, as the client found them.
    #[serde(default)]
    pub checkpoint_files: CheckpointFiles,
}

/// An artifact's content.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtifactContent {
    /// The artifact's name, as listed in the run.
    pub name: String,
    /// Its media type.
    pub media_type: String,
    /// Its text.
    pub content: String,
}

/// The upload body, for the OpenAPI document: the run follows the report
/// schema (`docs/schemas/sef-report-v1.schema.json`).
#[derive(Debug, schemars::JsonSchema)]
#[allow(dead_code)]
pub struct RunUploadDoc {
    /// `sef.run-upload/1`.
    format: String,
    /// The run, as `sef assess --format json` writes it.
    run: serde_json::Map<String, serde_json::Value>,
    /// Artifact contents: `name`, `media_type`, `content`.
    artifacts: Vec<serde_json::Map<String, serde_json::Value>>,
    /// Plan files: `path`, `text`.
    plan_files: Vec<serde_json::Map<String, serde_json::Value>>,
    /// `threat_model` and `incident_response` file facts.
    checkpoint_files: Option<serde_json::Map<String, serde_json::Value>>,
}

/// What the server decided.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UploadReceipt {
    /// The run id.
    pub run: String,
    /// The server's gate outcome: `pass` or `fail`.
    pub outcome: String,
    /// Whether the evidence was complete.
    pub evidence_complete: bool,
    /// The gate the client reported, when it differs from the server's.
    pub client_outcome: Option<String>,
    /// False when this exact upload was already stored.
    pub created: bool,
    /// Where to read it.
    pub location: String,
}

/// `POST /api/v1/runs`.
pub async fn upload(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<UploadReceipt>)> {
    // hashing and parsing a body of a megabyte or more is CPU work: off the
    // async workers, which keep serving (and finishing other requests'
    // store transactions) meanwhile
    let (digest, up) = cpu(move || {
        let digest = hex::encode(Sha256::digest(&body));
        crate::api::parse_json::<RunUpload>(&body).map(|up| (digest, up))
    })
    .await??;
    if up.format != FORMAT {
        return Err(Problem::unprocessable(format!(
            "`format` is `{}`; this server reads `{FORMAT}`",
            up.format
        )));
    }
    let offering = up.run.offering.name.clone();
    let registered = state.store.offering(&offering).await?;
    let team = registered.as_ref().map(|r| r.team.clone());
    if !p.allows(Permission::UploadRun, Some((&offering, team.as_deref()))) {
        return Err(Problem::forbidden(format!(
            "{} may not upload runs of {offering}: the token or the user's roles do not cover it",
            p.user.name
        )));
    }
    if registered.is_none() {
        return Err(Problem::unprocessable(format!(
            "offering `{offering}` is not registered on this server; an admin registers it for its team (PUT /api/v1/offerings/{offering})"
        )));
    }
    let run_id = up.run.id;
    let receipt = |run: &AssessmentRun, created: bool, client: Option<String>| UploadReceipt {
        run: run.id.to_string(),
        outcome: run.gate.outcome.as_str().to_owned(),
        evidence_complete: run.gate.evidence_complete,
        client_outcome: client,
        created,
        location: format!("/api/v1/runs/{}", run.id),
    };
    if let Some(stored) = state.store.upload_digest(run_id).await? {
        if stored != digest {
            return Err(Problem::conflict(format!(
                "run {run_id} was already uploaded with another body: a run is immutable; assess again for a new run"
            )));
        }
        let run = state
            .store
            .get_run(run_id)
            .await?
            .ok_or_else(|| Problem::internal("an upload record without its run"))?;
        return Ok((StatusCode::OK, Json(receipt(&run, false, None))));
    }
    if state.store.get_run(run_id).await?.is_some() {
        return Err(Problem::conflict(format!(
            "run {run_id} is already in the store (not as an upload)"
        )));
    }
    let started = std::time::Instant::now();
    let (run, plan_files, client) = decide(&state, up).await?;
    let decided = std::time::Instant::now();
    // its roll-up and its notification are queued with the run, in one
    // transaction: a stored run never misses them, a refused one never
    // sends them
    let mut jobs = vec![crate::jobs::rollup_job(&state)];
    if run.gate.outcome == sef_model::GateOutcome::Fail {
        let event = serde_json::json!({
            "offering": run.offering.name,
            "release": run.release.version,
            "phase": run.release.phase.as_str(),
            "run": run.id.to_string(),
            "outcome": run.gate.outcome.as_str(),
            "evidence_complete": run.gate.evidence_complete,
            "location": format!("/api/v1/runs/{}", run.id),
        });
        jobs.extend(crate::jobs::event_job(&state, "gate.failed", event));
    }
    let upload = Upload {
        body_digest: digest,
        plan_files,
        jobs,
    };
    match state
        .store
        .with_actor(&p.actor())
        .save_upload(&run, &upload)
        .await
    {
        Ok(()) => tracing::debug!(
            run = %run.id,
            offering = %run.offering.name,
            findings = run.findings.len(),
            decide_ms = (decided - started).as_secs_f64() * 1e3,
            store_ms = decided.elapsed().as_secs_f64() * 1e3,
            "run uploaded"
        ),
        // a concurrent upload of the same run id won the race: the same
        // body is that stored run, another body a conflict
        Err(sef_store::StoreError::Conflict(why)) => {
            return match state.store.upload_digest(run_id).await? {
                Some(stored) if stored == upload.body_digest => {
                    let run = state
                        .store
                        .get_run(run_id)
                        .await?
                        .ok_or_else(|| Problem::internal("an upload record without its run"))?;
                    Ok((StatusCode::OK, Json(receipt(&run, false, None))))
                }
                _ => Err(Problem::conflict(format!(
                    "{why}, with another body: a run is immutable; assess again for a new run"
                ))),
            };
        }
        Err(e) => return Err(e.into()),
    }
    let r = receipt(&run, true, client);
    Ok((StatusCode::CREATED, Json(r)))
}

/// Checks the upload against its plan, and decides it again.
async fn decide(
    state: &AppState,
    up: RunUpload,
) -> ApiResult<(AssessmentRun, Vec<PlanFile>, Option<String>)> {
    let files: Vec<(String, String)> = up
        .plan_files
        .iter()
        .map(|f| (f.path.clone(), f.text.clone()))
        .collect();
    let mut plan = sef_plan::Plan::from_texts(&files)
        .map_err(|e| Problem::unprocessable(format!("the uploaded plan does not read: {e}")))?;
    if let Some((policy, reference)) = crate::api::policy::in_force(state).await? {
        plan.apply_policy(&policy, reference)
            .map_err(|v| Problem::unprocessable(v.to_string()))?;
    }
    let mut run = up.run;
    if plan.offering.name != run.offering.name
        || plan.release.version != run.release.version
        || plan.release.phase != run.release.phase
    {
        return Err(Problem::unprocessable(format!(
            "the run is of {} {} in `{}`, but its plan says {} {} in `{}`",
            run.offering.name,
            run.release.version,
            run.release.phase,
            plan.offering.name,
            plan.release.version,
            plan.release.phase
        )));
    }
    // who owns it and whom it is compared with: the plan's word, not the run's
    run.offering = plan.offering.clone();
    if run.notes.iter().any(|n| n.starts_with("scoped run:"))
        || run
            .gate
            .criteria
            .iter()
            .any(|c| c.id == "evidence.all-analyzers-ran")
    {
        return Err(Problem::unprocessable(
            "a scoped run (--only/--skip) decides nothing and is not uploaded; run `sef assess --push` without them",
        ));
    }
    // artifacts: the listed ones, with content whose digest matches
    let mut artifacts = Vec::new();
    for listed in &run.artifacts {
        let c = up
            .artifacts
            .iter()
            .find(|a| a.name == listed.name)
            .ok_or_else(|| {
                Problem::unprocessable(format!("artifact `{}` is listed but not sent", listed.name))
            })?;
        let a = Artifact::new(c.name.clone(), c.media_type.clone(), c.content.clone());
        if a.digest != listed.digest {
            return Err(Problem::unprocessable(format!(
                "artifact `{}` does not match the digest the run lists",
                listed.name
            )));
        }
        artifacts.push(a);
    }
    run.artifacts = artifacts;
    for f in &mut run.findings {
        f.status = FindingStatus::Open;
        f.acceptance = None;
    }
    let h = state
        .store
        .kpi_history(
            &run.offering.name,
            &run.release.version,
            plan.offering.peer_group.as_deref(),
        )
        .await?;
    let mut ctx = kpi_context(h);
    ctx.triage = state.store.triage(&run.offering.name).await?;
    let checkpoint_files = up.checkpoint_files;
    let (run, client) = cpu(move || judge(&plan, &checkpoint_files, &ctx, run)).await?;
    Ok((run, up.plan_files, client))
}

/// Decides the gate of `run` (its findings reset to open) under `plan`,
/// with the store's history and triage in `ctx`: the engine's work, the
/// same as the CLI's. Returns the run and the client's outcome when it
/// differs.
fn judge(
    plan: &sef_plan::Plan,
    checkpoint_files: &CheckpointFiles,
    ctx: &sef_engine::kpis::KpiContext,
    mut run: AssessmentRun,
) -> (AssessmentRun, Option<String>) {
    let client_outcome = run.gate.outcome;
    let tier = sef_engine::decide::tier_of(&run.evidence);
    let findings = std::mem::take(&mut run.findings);
    let verdict = sef_engine::decide::decide(
        plan,
        tier,
        checkpoint_files,
        run.started_at,
        ctx,
        &run.evidence,
        findings,
    );
    // the client's acceptance notes are replaced by the server's
    run.notes
        .retain(|n| !n.starts_with("risk acceptance for ") && !verdict.notes.contains(n));
    run.notes.extend(verdict.notes);
    run.kpis = verdict.kpis;
    run.gate = verdict.gate;
    run.findings = verdict.findings;
    // every analyzer the plan enables must have left evidence
    let missing: Vec<String> = sef_engine::plan_enabled(plan)
        .into_iter()
        .filter(|id| !run.evidence.iter().any(|e| e.analyzer == *id))
        .map(str::to_owned)
        .collect();
    if !missing.is_empty() {
        sef_engine::decide::scope_gate(&mut run, &missing, "no evidence in the upload");
    }
    let client = (client_outcome != run.gate.outcome).then(|| client_outcome.as_str().to_owned());
    if let Some(c) = &client {
        run.notes.push(format!(
            "the server decided the gate again: {} (the uploading client reported {c})",
            run.gate.outcome.as_str()
        ));
    }
    // the same redaction and caps as every run, whatever the client did
    let run = sef_engine::boundary::sanitize(run, sef_secrets::builtin_redactor()).0;
    (run, client)
}

/// Runs CPU-bound work on the blocking pool, inside the request's span
/// (its log lines keep the request id).
async fn cpu<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Problem> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(f))
        .await
        .map_err(|e| Problem::internal(format!("the upload's processing stopped: {e}")))
}

/// The engine's KPI context from the store's history.
pub fn kpi_context(h: sef_store::KpiHistory) -> sef_engine::kpis::KpiContext {
    sef_engine::kpis::KpiContext {
        peers: h
            .peers
            .into_iter()
            .map(|(offering, values)| sef_process::kpi::Peer { offering, values })
            .collect(),
        history: h
            .runs
            .into_iter()
            .map(|r| sef_process::kpi::PastRun {
                at: r.started_at,
                phase: r.phase,
                vulnerabilities_complete: r.vulnerabilities_status.as_deref() == Some("complete"),
            })
            .collect(),
        previous: h
            .previous
            .map(|(version, kpis)| sef_engine::kpis::PreviousRelease { version, kpis }),
        triage: Vec::new(),
    }
}
