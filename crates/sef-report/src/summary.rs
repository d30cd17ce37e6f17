//! What every format says the same way: the verdict, and a few readable
//! lines per piece of evidence.

use sef_model::{AssessmentRun, Evidence, EvidenceStatus, GateOutcome};

/// The verdict of a run as the reports state it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `PASS` or `FAIL`.
    pub label: &'static str,
    /// Whether the gate passed.
    pub pass: bool,
    /// One sentence on the evidence: complete, or what is missing.
    pub evidence: String,
    /// The process exit code `sef assess` returns for this run.
    pub exit_code: i32,
    /// The ids of the gate criteria that failed.
    pub blocking: Vec<String>,
}

/// Names the source of a piece of evidence in a sentence: the analyzer,
/// or for the security plan's parts (one step, five kinds) the kind.
fn source(e: &Evidence) -> &str {
    if e.kind.is_security_plan() {
        e.kind.as_str()
    } else {
        e.analyzer.as_str()
    }
}

/// The verdict of a run.
pub fn verdict(run: &AssessmentRun) -> Verdict {
    let pass = run.gate.outcome == GateOutcome::Pass;
    let failed: Vec<_> = run
        .evidence
        .iter()
        .filter(|e| matches!(e.status, EvidenceStatus::Failed { .. }))
        .map(|e| e.analyzer.as_str())
        .collect();
    let partial: Vec<_> = run
        .evidence
        .iter()
        .filter(|e| matches!(e.status, EvidenceStatus::Partial { .. }))
        .map(source)
        .collect();
    let missing: Vec<_> = run
        .evidence
        .iter()
        .filter(|e| matches!(e.status, EvidenceStatus::Missing { .. }))
        .map(source)
        .collect();
    let evidence = if run.evidence.is_empty() {
        "evidence is incomplete: no analyzer ran".to_owned()
    } else if failed.is_empty() && partial.is_empty() && missing.is_empty() {
        "evidence complete".to_owned()
    } else {
        let mut parts = Vec::new();
        if !failed.is_empty() {
            parts.push(format!("failed: {}", failed.join(", ")));
        }
        if !partial.is_empty() {
            parts.push(format!("partial: {}", partial.join(", ")));
        }
        if !missing.is_empty() {
            parts.push(format!("missing: {}", missing.join(", ")));
        }
        format!("evidence is incomplete ({})", parts.join("; "))
    };
    let blocking = run
        .gate
        .criteria
        .iter()
        .filter(|c| c.outcome == sef_model::CriterionOutcome::Fail)
        .map(|c| c.id.clone())
        .collect();
    Verdict {
        blocking,
        label: if pass { "PASS" } else { "FAIL" },
        pass,
        evidence,
        exit_code: if pass { 0 } else { 1 },
    }
}
