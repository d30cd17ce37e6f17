//! The CWE view of a run, as every format shows it: findings by CWE and
//! the CWE Top 25 with the tools' coverage and open findings.

use sef_model::evidence::tools::StaticAnalysis;
use sef_model::{AssessmentRun, EvidenceKind, EvidenceStatus};
use sef_process::cwe::{View, view};

/// The CWEs sef's own analyzers look for, by the evidence kind that shows
/// they ran to the end: the secrets rules find hard-coded credentials
/// (CWE-798); the known-vulnerabilities analyzer finds vulnerable
/// third-party components (CWE-1395, and CWE-1104, unmaintained ones).
const OWN_COVERAGE: [(EvidenceKind, &[u32]); 2] = [
    (EvidenceKind::Secrets, &[798]),
    (EvidenceKind::KnownVulnerabilities, &[1395, 1104]),
];

/// The run's CWE view; the CWEs covered are those of the rules of the
/// analysis tools whose SARIF the run read, and those of sef's own
/// analyzers whose evidence is complete.
pub(crate) fn of(run: &AssessmentRun) -> View {
    let mut rule_cwes: Vec<u32> = run
        .evidence
        .iter()
        .filter_map(|e| e.payload::<StaticAnalysis>())
        .flat_map(|p| p.rule_cwes.iter().copied())
        .collect();
    for (kind, cwes) in OWN_COVERAGE {
        if run
            .evidence
            .iter()
            .any(|e| e.kind == kind && matches!(e.status, EvidenceStatus::Complete))
        {
            rule_cwes.extend_from_slice(cwes);
        }
    }
    rule_cwes.sort_unstable();
    rule_cwes.dedup();
    view(&run.findings, &rule_cwes)
}

/// Whether the view has anything to say.
pub(crate) fn worth_showing(v: &View) -> bool {
    !v.by_cwe.is_empty() || v.top25_covered > 0
}
