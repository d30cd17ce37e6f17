//! The verdict of a run, from its evidence and findings: risk acceptances
//! and triage applied, KPIs measured against the release's objectives, and
//! the gate of the release's phase decided. `sef assess` calls it after its
//! analyzers; `sef serve` calls it on an uploaded run with its own store's
//! triage decisions and history, so the client's verdict is never trusted
//! and the two can never disagree. Pure logic: the repository files the
//! checkpoints read are looked at by [`CheckpointFiles::read`] beforehand.

use crate::kpis::KpiContext;
use crate::policy;
use chrono::{DateTime, Utc};
use sef_model::{Evidence, EvidencePayload, EvidenceStatus, Finding, GateDecision, KpiValue};
use sef_plan::Plan;
use sef_process::Tier;
use sef_process::checkpoint::{FileFact, IncidentResponse};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The repository files the checkpoint criteria look at: the threat model
/// document and the incident-response process. They are evidence the client
/// gathers with the rest, and travel with an uploaded run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointFiles {
    /// The threat model document, if found.
    pub threat_model: Option<FileFact>,
    /// The incident-response record, if the plan has one.
    pub incident_response: Option<IncidentResponse>,
}

impl CheckpointFiles {
    /// Looks at the files in the repository at `root`.
    pub fn read(root: &Path, plan: &Plan) -> CheckpointFiles {
        let (threat_model, incident_response) = crate::security_plan::checkpoint_files(root, plan);
        CheckpointFiles {
            threat_model,
            incident_response,
        }
    }
}

/// What [`decide`] concludes.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The KPIs, with objectives and trends.
    pub kpis: Vec<KpiValue>,
    /// The gate of the release's phase.
    pub gate: GateDecision,
    /// The findings, acceptances and triage applied, in report order.
    pub findings: Vec<Finding>,
    /// Notes on acceptances (what each covers, expired, refused).
    pub notes: Vec<String>,
}

/// The PTI tier the run's evidence records, when its questionnaire is
/// complete.
pub fn tier_of(evidence: &[Evidence]) -> Option<Tier> {
    evidence.iter().find_map(|e| match (&e.status, &e.payload) {
        (EvidenceStatus::Complete, EvidencePayload::Pti(p)) => p.tier.and_then(Tier::new),
        _ => None,
    })
}

/// Decides a run: `findings` as the analyzers reported them (every status
/// open); the plan's acceptances and `ctx.triage` are applied as of
/// `started_at`.
pub fn decide(
    plan: &Plan,
    tier: Option<Tier>,
    files: &CheckpointFiles,
    started_at: DateTime<Utc>,
    ctx: &KpiContext,
    evidence: &[Evidence],
    mut findings: Vec<Finding>,
) -> Verdict {
    let t = tier.unwrap_or(Tier::CRITICAL);
    let (objectives, policy_notes) = match &plan.policy {
        Some(applied) => applied.policy.objectives(t, &plan.kpo),
        None => (sef_process::kpi::kpo::objectives(t, &plan.kpo), Vec::new()),
    };
    let kpis = crate::kpis::compute(
        evidence,
        tier,
        plan.release.phase,
        started_at,
        ctx,
        &objectives,
        plan.checkpoints.max_unknown_percent,
    );
    let mut notes = crate::acceptance::apply(
        &mut findings,
        &plan.risk_acceptances,
        &ctx.triage,
        started_at.date_naive(),
        plan.checkpoints.acceptance_policy(),
        crate::acceptance::Signers {
            team: plan.security.team.as_ref(),
            offering: &plan.offering.name,
        },
    );
    notes.extend(policy_notes);
    let mut gate = policy::decide(&policy::GateInputs {
        phase: plan.release.phase,
        evidence,
        findings: &findings,
        kpis: &kpis,
        tier,
        threat_model: files.threat_model.clone(),
        incident_response: files.incident_response.clone(),
        config: &plan.checkpoints,
    });
    gate.policy = plan.policy.as_ref().map(|p| p.reference.clone());
    crate::check::sort_findings(&mut findings);
    Verdict {
        kpis,
        gate,
        findings,
        notes,
    }
}

/// A run that left enabled analyzers out (`--only`/`--skip`, or an upload
/// without their evidence) decides nothing: a criterion says which, and
/// the gate fails on it.
pub fn scope_gate(run: &mut sef_model::AssessmentRun, left_out: &[String], how: &str) {
    let what = left_out.join(", ");
    run.notes.push(format!(
        "scoped run: {what} did not run ({how}); its gate cannot pass"
    ));
    let mut criteria = std::mem::take(&mut run.gate.criteria);
    criteria.push(sef_model::CriterionResult {
        id: "evidence.all-analyzers-ran".into(),
        description: "every analyzer the plan enables ran".into(),
        outcome: sef_model::CriterionOutcome::Fail,
        detail: format!(
            "{what} left out ({how}): a scoped run does not decide a release; run `sef assess` without leaving analyzers out"
        ),
        if_not_measured: None,
    });
    let policy = run.gate.policy.take();
    run.gate = GateDecision::from_criteria(run.gate.phase, run.gate.evidence_complete, criteria);
    run.gate.policy = policy;
}
