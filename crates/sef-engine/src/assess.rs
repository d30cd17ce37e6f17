//! One assessment, end to end in memory: run the analyzers, decide the
//! gate, and assemble the [`AssessmentRun`], redacted and capped by
//! [`crate::boundary`]. Persisting and rendering are the caller's job.

use crate::kpis::KpiContext;
use crate::{AnalysisContext, Analyzer, ProgressFactory, SEF_VERSION, run_analyzers};
use sef_model::{AssessmentRun, RunId};
use sef_plan::{Plan, PlanSource};
use std::path::Path;

/// Assesses the repository at `root` (absolute) under `plan` with the given
/// analyzers, with no store context (no peers, history or previous release).
pub fn assess(
    root: &Path,
    plan: &Plan,
    analyzers: &[Box<dyn Analyzer>],
    progress: &dyn ProgressFactory,
) -> AssessmentRun {
    assess_with(root, plan, analyzers, progress, &KpiContext::default())
}

/// [`assess`], with what the store knows for the KPIs: other offerings'
/// values, earlier runs of this release, the previous release.
pub fn assess_with(
    root: &Path,
    plan: &Plan,
    analyzers: &[Box<dyn Analyzer>],
    progress: &dyn ProgressFactory,
    kpi_context: &KpiContext,
) -> AssessmentRun {
    let started_at = crate::now();
    let ctx = AnalysisContext { root, plan };
    // the redactor every string passes at the end is built meanwhile, on
    // a core the analyzers leave idle
    let mut out = std::thread::scope(|s| {
        s.spawn(|| sef_secrets::builtin_redactor().warm());
        run_analyzers(analyzers, &ctx, progress)
    });

    // The security plan is held against the repository and the analyzers'
    // evidence, so it is evaluated after them.
    let plan_started = crate::now();
    let plan_status =
        crate::security_plan::evaluate(root, plan, Some(&out.evidence), plan_started.date_naive());
    out.evidence.extend(crate::security_plan::to_evidence(
        &plan_status,
        plan_started,
        crate::now(),
    ));
    let tier = plan_status.pti.tier();
    let mut notes = plan_notes(plan, analyzers.is_empty());
    notes.extend(
        plan_status
            .warnings
            .all()
            .map(|w| format!("security plan: {w}")),
    );
    notes.extend(out.notes);
    let (plan_file, plan_digest) = match &plan.source {
        PlanSource::File { path, digest } => {
            (Some(path.display().to_string()), Some(digest.clone()))
        }
        PlanSource::Defaults => (None, None),
    };
    let files = crate::decide::CheckpointFiles::read(root, plan);
    let verdict = crate::decide::decide(
        plan,
        tier,
        &files,
        started_at,
        kpi_context,
        &out.evidence,
        out.findings,
    );
    notes.extend(verdict.notes);
    let (kpis, gate, findings) = (verdict.kpis, verdict.gate, verdict.findings);

    let run = AssessmentRun {
        id: RunId::generate(),
        offering: plan.offering.clone(),
        release: plan.release.clone(),
        started_at,
        finished_at: crate::now(),
        sef_version: SEF_VERSION.to_owned(),
        root: root.display().to_string(),
        plan_file,
        plan_digest,
        notes,
        evidence: out.evidence,
        findings,
        kpis,
        gate,
        artifacts: out.artifacts,
    };
    // one redaction and length cap over every string, before the store and
    // the reports see the run
    crate::boundary::sanitize(run, sef_secrets::builtin_redactor()).0
}

/// The notes every run of `plan` carries: defaults used, sections this
/// version does not evaluate, no analyzer enabled.
fn plan_notes(plan: &Plan, no_analyzer: bool) -> Vec<String> {
    let mut notes = Vec::new();
    if matches!(plan.source, PlanSource::Defaults) {
        notes.push(format!(
            "no {} found: defaults were used (offering named after the directory, release `{}`, phase `{}`); run `sef init` to write a plan",
            sef_plan::PLAN_FILE,
            plan.release.version,
            plan.release.phase
        ));
    }
    for s in &plan.pending_sections {
        notes.push(format!(
            "plan section [{s}] is present but not evaluated by this version of sef"
        ));
    }
    if no_analyzer {
        notes.push("no analyzer is enabled: there is no evidence".to_owned());
    }
    notes
}
