//! The CWE view of a run, as every format shows it: findings by CWE and
//! the CWE Top 25 with the tools' coverage and open findings.

use sef_model::{AssessmentRun, EvidenceKind};
use sef_process::cwe::{View, view};

/// The run's CWE view; the CWEs covered are those of the rules of the
/// analysis tools whose SARIF the run read.
pub(crate) fn of(run: &AssessmentRun) -> View {
    let mut rule_cwes: Vec<u32> = run
        .evidence
        .iter()
        .filter(|e| e.kind == EvidenceKind::StaticAnalysis)
        .flat_map(|e| {
            e.payload["rule_cwes"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_u64().and_then(|n| u32::try_from(n).ok()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .collect();
    rule_cwes.sort_unstable();
    rule_cwes.dedup();
    view(&run.findings, &rule_cwes)
}

/// Whether the view has anything to say.
pub(crate) fn worth_showing(v: &View) -> bool {
    !v.by_cwe.is_empty() || v.top25_covered > 0
}
