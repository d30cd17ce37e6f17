//! The CWE view of a run, as every format shows it: findings by CWE and
//! the CWE Top 25 with the tools' coverage and open findings.

use sef_model::AssessmentRun;
use sef_model::evidence::tools::StaticAnalysis;
use sef_process::cwe::{View, view};

/// The run's CWE view; the CWEs covered are those of the rules of the
/// analysis tools whose SARIF the run read.
pub(crate) fn of(run: &AssessmentRun) -> View {
    let mut rule_cwes: Vec<u32> = run
        .evidence
        .iter()
        .filter_map(|e| e.payload::<StaticAnalysis>())
        .flat_map(|p| p.rule_cwes.iter().copied())
        .collect();
    rule_cwes.sort_unstable();
    rule_cwes.dedup();
    view(&run.findings, &rule_cwes)
}

/// Whether the view has anything to say.
pub(crate) fn worth_showing(v: &View) -> bool {
    !v.by_cwe.is_empty() || v.top25_covered > 0
}
