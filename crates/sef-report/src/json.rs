//! The JSON reports. Each document names its schema and version; fields
//! are only ever added within a version. Documented in
//! `docs/report-format.md`.

use crate::summary::verdict;
use sef_model::{AssessmentRun, EvidenceStatus, RunDiff, RunSummary, SeverityCounts};
use serde_json::json;

/// The version of every JSON document sef writes.
pub const REPORT_SCHEMA_VERSION: u32 = 1;
/// The schema name of a run report.
pub const RUN_SCHEMA: &str = "sef.run";
/// The schema name of a run listing.
pub const RUNS_SCHEMA: &str = "sef.runs";
/// The schema name of a run diff.
pub const DIFF_SCHEMA: &str = "sef.diff";

fn pretty<T: serde::Serialize + ?Sized>(v: &T) -> String {
    let mut s =
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// The run report as JSON.
pub fn run_json(run: &AssessmentRun) -> String {
    run_json_with(run, &[])
}

/// One run as JSON, with the release's checkpoint decisions so far.
pub fn run_json_with(run: &AssessmentRun, timeline: &[sef_model::PhaseDecision]) -> String {
    let v = verdict(run);
    let count = |label: &str| {
        run.evidence
            .iter()
            .filter(|e| e.status.label() == label)
            .count()
    };
    let summary = json!({
            "verdict": if v.pass { "pass" } else { "fail" },
            "exit_code": v.exit_code,
            "evidence_complete": run.gate.evidence_complete,
            "evidence_statement": v.evidence,
            "defaults_used": run.defaults_used(),
            "evidence": {
                "complete": count("complete"),
                "partial": count("partial"),
                "failed": count("failed"),
                "missing": count("missing"),
            },
            "security_plan": security_plan(run),
            "cwe": crate::cwe::of(run),
            "findings": SeverityCounts::of(&run.findings),
            "blocking_criteria": v.blocking,
            "failed_analyzers": run.evidence.iter()
                .filter(|e| matches!(e.status, EvidenceStatus::Failed { .. }))
                .map(|e| e.analyzer.as_str())
                .collect::<Vec<_>>(),
    });
    // The run is serialized in place, not copied into a `Value` first:
    // payloads can be megabytes.
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        schema: &'static str,
        schema_version: u32,
        summary: serde_json::Value,
        phase_timeline: &'a [sef_model::PhaseDecision],
        run: &'a AssessmentRun,
    }
    pretty(&Doc {
        schema: RUN_SCHEMA,
        schema_version: REPORT_SCHEMA_VERSION,
        summary,
        phase_timeline: timeline,
        run,
    })
}

/// The security plan at a glance: each part's status and the PTI tier.
fn security_plan(run: &AssessmentRun) -> serde_json::Value {
    let mut parts = serde_json::Map::new();
    let mut tier = serde_json::Value::Null;
    for e in run.evidence.iter().filter(|e| e.kind.is_security_plan()) {
        parts.insert(e.kind.as_str().to_owned(), json!(e.status.label()));
        if e.kind == sef_model::EvidenceKind::Pti {
            tier = json!(
                e.payload::<sef_model::evidence::plan_payloads::PtiPayload>()
                    .and_then(|p| p.tier)
            );
        }
    }
    json!({ "pti_tier": tier, "parts": parts })
}

/// A run listing as JSON.
pub fn runs_json(runs: &[RunSummary]) -> String {
    pretty(&json!({
        "schema": RUNS_SCHEMA,
        "schema_version": REPORT_SCHEMA_VERSION,
        "runs": runs,
    }))
}

/// A run diff as JSON.
pub fn diff_json(diff: &RunDiff) -> String {
    pretty(&json!({
        "schema": DIFF_SCHEMA,
        "schema_version": REPORT_SCHEMA_VERSION,
        "summary": {
            "new_findings": diff.new_findings.len(),
            "fixed_findings": diff.fixed_findings.len(),
            "unknown_findings": diff.unknown_findings.len(),
            "evidence_changes": diff.evidence_changes.len(),
            "status_changes": diff.status_changes.len(),
            "criteria_changes": diff.criteria_changes.len(),
            "kpi_changes": diff.kpi_changes.len(),
            "gate_changed": diff.gate.is_some(),
            "phase_changed": diff.phase.is_some(),
            "no_changes": diff.is_empty(),
        },
        "diff": diff,
    }))
}
