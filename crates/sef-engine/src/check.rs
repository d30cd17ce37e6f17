//! A check on its own: some analyzers run, and their findings get the
//! plan's acceptances and the triage decisions, exactly as in an
//! assessment, but nothing else is computed (no plan evaluation, KPIs or
//! gate). This is what `sef vulns` runs. Because the same analyzer and the
//! same acceptance code produce them, its findings are the ones `sef
//! assess` reports for the same analyzers.

use crate::{AnalysisContext, Analyzer, ProgressFactory, run_analyzers};
use chrono::{DateTime, Utc};
use sef_model::{Evidence, Finding};
use sef_plan::Plan;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What a check found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checked {
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: DateTime<Utc>,
    /// One evidence record per analyzer (its status says whether it is
    /// complete, partial or failed).
    pub evidence: Vec<Evidence>,
    /// The findings, acceptances applied, most severe first.
    pub findings: Vec<Finding>,
    /// Notes for the report.
    pub notes: Vec<String>,
}

/// Runs `analyzers` on `root` under `plan`, applies the plan's risk
/// acceptances and the given triage decisions, and redacts, caps and
/// escapes every string as an assessment does.
pub fn check(
    root: &Path,
    plan: &Plan,
    analyzers: &[Box<dyn Analyzer>],
    progress: &dyn ProgressFactory,
    triage: &[sef_model::Triage],
) -> Checked {
    let started_at = crate::now();
    let ctx = AnalysisContext { root, plan };
    // the redactor every string passes at the end is built meanwhile, on
    // a core the analyzers leave idle
    let out = std::thread::scope(|s| {
        s.spawn(|| sef_secrets::builtin_redactor().warm());
        run_analyzers(analyzers, &ctx, progress)
    });
    let mut notes = out.notes;
    let mut findings = out.findings;
    notes.extend(crate::acceptance::apply(
        &mut findings,
        &plan.risk_acceptances,
        triage,
        started_at.date_naive(),
        plan.checkpoints.acceptance_policy(),
        crate::acceptance::Signers {
            team: plan.security.team.as_ref(),
            offering: &plan.offering.name,
        },
    ));
    sort_findings(&mut findings);
    tracing::debug!("check: analyzers done, acceptances applied");
    let checked = Checked {
        started_at,
        finished_at: crate::now(),
        evidence: out.evidence,
        findings,
        notes,
    };
    let (mut clean, s) = crate::boundary::clean(checked, sef_secrets::builtin_redactor());
    tracing::debug!(
        redacted = s.redacted,
        cut = s.cut,
        escaped = s.escaped,
        "check: strings redacted, capped and escaped"
    );
    clean.notes.extend(s.notes());
    clean
}

/// The order of findings in every report: most severe first, then by rule
/// and fingerprint.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
}
