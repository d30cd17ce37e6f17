//! The run policy: the gate of the release's current phase, decided after
//! the analyzers. Every gate has the criterion that no analyzer failed,
//! then the phase's exit criteria from the process crate
//! ([`sef_process::checkpoint`]); an incomplete security plan makes the
//! evidence incomplete. Pure functions; no I/O.

use sef_model::{
    CriterionOutcome, CriterionResult, Evidence, EvidenceStatus, Finding, GateDecision, KpiValue,
    Phase,
};
use sef_process::Tier;
use sef_process::checkpoint::{self, FileFact, IncidentResponse};

/// Everything the gate reads.
pub struct GateInputs<'a> {
    /// The phase whose exit is decided.
    pub phase: Phase,
    /// The run's evidence.
    pub evidence: &'a [Evidence],
    /// The run's findings, after risk acceptances.
    pub findings: &'a [Finding],
    /// The run's KPIs, with KPOs.
    pub kpis: &'a [KpiValue],
    /// The PTI tier, when complete (tier 4 criteria apply otherwise).
    pub tier: Option<Tier>,
    /// The threat model file, if found.
    pub threat_model: Option<FileFact>,
    /// The incident-response record, if the plan has one.
    pub incident_response: Option<IncidentResponse>,
    /// `[checkpoints]`.
    pub config: &'a sef_plan::CheckpointsConfig,
}

/// Decides the gate of `inputs.phase`: the analyzer criterion, then the
/// phase's exit criteria at the tier. A failed criterion fails the gate; a
/// not-measured one does too when `[checkpoints] strict = true`.
pub fn decide(inputs: &GateInputs<'_>) -> GateDecision {
    let base = evaluate(inputs.phase, inputs.evidence);
    let mut criteria = base.criteria;
    let facts = checkpoint::Facts {
        evidence: inputs.evidence,
        findings: inputs.findings,
        kpis: inputs.kpis,
        tier: inputs.tier,
        threat_model: inputs.threat_model.clone(),
        incident_response: inputs.incident_response.clone(),
        max_open_severity: inputs.config.block_severity,
        max_open_severity_dev: inputs.config.dev_block_severity,
        unknown_severity: inputs.config.unknown_severity,
    };
    for c in checkpoint::criteria_for(
        inputs.phase,
        inputs.tier.unwrap_or(Tier::CRITICAL),
        &inputs.config.disabled,
    ) {
        let check = (c.check)(&facts);
        let (outcome, detail) = match (check.outcome, c.if_not_measured) {
            (CriterionOutcome::NotMeasured, _) if inputs.config.strict => (
                CriterionOutcome::Fail,
                format!(
                    "not measured, and [checkpoints] strict = true: {}",
                    check.detail
                ),
            ),
            (CriterionOutcome::NotMeasured, checkpoint::IfNotMeasured::Fail) => (
                CriterionOutcome::Fail,
                format!("not measured, which fails this exit: {}", check.detail),
            ),
            (CriterionOutcome::NotMeasured, checkpoint::IfNotMeasured::Warn(why)) => (
                CriterionOutcome::NotMeasured,
                format!("{} (warning only: {why})", check.detail),
            ),
            (o, _) => (o, check.detail),
        };
        criteria.push(CriterionResult {
            id: c.id.to_owned(),
            description: c.description.to_owned(),
            outcome,
            detail,
            if_not_measured: Some(c.if_not_measured.label()),
        });
    }
    GateDecision::from_criteria(inputs.phase, base.evidence_complete, criteria)
}

/// The id of the "no analyzer failed" criterion.
pub const NO_ANALYZER_FAILED: &str = "evidence.no-analyzer-failed";

/// The analyzer criterion alone: every enabled analyzer produced its
/// evidence.
pub fn evaluate(phase: Phase, all_evidence: &[Evidence]) -> GateDecision {
    // The criterion is about analyzers; the security plan's evidence is
    // not an analyzer's, but it counts toward the evidence being complete.
    let evidence: Vec<&Evidence> = all_evidence
        .iter()
        .filter(|e| !e.kind.is_security_plan())
        .collect();
    let failed: Vec<String> = evidence
        .iter()
        .filter_map(|e| match &e.status {
            EvidenceStatus::Failed { reason } => Some(format!("{}: {reason}", e.analyzer)),
            _ => None,
        })
        .collect();
    let partial: Vec<String> = evidence
        .iter()
        .filter_map(|e| match &e.status {
            EvidenceStatus::Partial { reason } => Some(format!("{}: {reason}", e.analyzer)),
            _ => None,
        })
        .collect();
    let plan_incomplete = all_evidence
        .iter()
        .any(|e| e.kind.is_security_plan() && e.status != EvidenceStatus::Complete);
    // No evidence at all is not complete evidence.
    let evidence_complete =
        !evidence.is_empty() && failed.is_empty() && partial.is_empty() && !plan_incomplete;

    let criterion = if evidence.is_empty() {
        CriterionResult {
            id: NO_ANALYZER_FAILED.into(),
            description: "Every enabled analyzer produced its evidence".into(),
            outcome: CriterionOutcome::Fail,
            detail: "no analyzer is enabled in sef.toml, so nothing was assessed; enable at least one under [analyzers]".into(),
            if_not_measured: Some("fail".into()),
        }
    } else if failed.is_empty() && partial.is_empty() {
        CriterionResult {
            id: NO_ANALYZER_FAILED.into(),
            description: "Every enabled analyzer produced its evidence".into(),
            outcome: CriterionOutcome::Pass,
            detail: format!("{} analyzer(s) ran", evidence.len()),
            if_not_measured: Some("fail".into()),
        }
    } else if failed.is_empty() {
        // what an analyzer could not look at was not checked: no pass on it
        CriterionResult {
            id: NO_ANALYZER_FAILED.into(),
            description: "Every enabled analyzer produced its evidence".into(),
            outcome: CriterionOutcome::Fail,
            detail: format!(
                "evidence is incomplete — partial: {}. What was not checked cannot pass; fix the cause and run `sef assess` again",
                partial.join("; ")
            ),
            if_not_measured: Some("fail".into()),
        }
    } else {
        CriterionResult {
            id: NO_ANALYZER_FAILED.into(),
            description: "Every enabled analyzer produced its evidence".into(),
            outcome: CriterionOutcome::Fail,
            detail: format!(
                "evidence is incomplete — failed: {}. Fix the cause and run `sef assess` again",
                failed.join("; ")
            ),
            if_not_measured: Some("fail".into()),
        }
    };
    let mut criteria = vec![criterion];
    criteria.extend(something_assessed(all_evidence));
    GateDecision::from_criteria(phase, evidence_complete, criteria)
}

/// The id of the "something was assessed" criterion.
pub const SOMETHING_ASSESSED: &str = "evidence.something-assessed";

/// Languages that are documentation or data, not the offering's source.
const NOT_SOURCE: &[&str] = &[
    "Markdown",
    "reStructuredText",
    "AsciiDoc",
    "TeX",
    "YAML",
    "TOML",
    "JSON",
    "XML",
];

/// Fails when the path holds nothing to assess: no source file of a
/// programming language, no lockfile or manifest, and no git history (an
/// empty directory, a mistyped path). `None` when the repository facts
/// did not run, so the question cannot be asked.
fn something_assessed(evidence: &[Evidence]) -> Option<CriterionResult> {
    let facts = evidence
        .iter()
        .find(|e| e.kind == sef_model::EvidenceKind::RepositoryFacts)?
        .payload::<sef_model::evidence::facts::RepoFacts>()?;
    let lockfiles = evidence
        .iter()
        .find(|e| e.kind == sef_model::EvidenceKind::Inventory)
        .and_then(|e| e.payload::<sef_model::evidence::facts::Inventory>())
        .map_or(0, |i| i.files.len());
    let source: u64 = facts
        .languages
        .iter()
        .filter(|(l, _)| !NOT_SOURCE.contains(&l.as_str()))
        .map(|(_, s)| s.files)
        .sum();
    let nothing = source == 0 && lockfiles == 0 && facts.git.is_none();
    Some(CriterionResult {
        id: SOMETHING_ASSESSED.into(),
        description: "The path holds an offering to assess".into(),
        outcome: if nothing {
            CriterionOutcome::Fail
        } else {
            CriterionOutcome::Pass
        },
        detail: if nothing {
            format!(
                "nothing was assessed: {} file(s), none of them source code, no lockfile or manifest, and no git repository; check the path",
                facts.files
            )
        } else {
            format!(
                "{source} source file(s), {lockfiles} lockfile(s) or manifest(s){}",
                if facts.git.is_some() {
                    ", a git repository"
                } else {
                    ""
                }
            )
        },
        if_not_measured: Some("fail".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sef_model::{EvidenceId, EvidenceKind, GateOutcome, ToolInfo};

    fn ev(status: EvidenceStatus) -> Evidence {
        let t = chrono::Utc::now();
        Evidence {
            id: EvidenceId::generate(),
            kind: EvidenceKind::RepositoryFacts,
            analyzer: "a".into(),
            tool: ToolInfo {
                name: "t".into(),
                version: "1".into(),
            },
            started_at: t,
            finished_at: t,
            input_digest: None,
            status,
            payload: sef_model::EvidencePayload::None,
        }
    }

    #[test]
    fn failed_analyzer_fails_the_gate() {
        let g = evaluate(
            Phase::Develop,
            &[
                ev(EvidenceStatus::Complete),
                ev(EvidenceStatus::Failed { reason: "x".into() }),
            ],
        );
        assert_eq!(g.outcome, GateOutcome::Fail);
        assert!(!g.evidence_complete);
        assert!(g.criteria[0].detail.contains("evidence is incomplete"));
    }

    #[test]
    fn partial_evidence_fails_the_gate() {
        let g = evaluate(
            Phase::Develop,
            &[ev(EvidenceStatus::Partial { reason: "y".into() })],
        );
        assert_eq!(g.outcome, GateOutcome::Fail);
        assert!(!g.evidence_complete);
        assert!(g.criteria[0].detail.contains("partial: a: y"));
    }

    #[test]
    fn an_incomplete_security_plan_makes_evidence_incomplete_but_passes() {
        let mut plan = ev(EvidenceStatus::Missing {
            reason: "no [pti]".into(),
        });
        plan.kind = EvidenceKind::Pti;
        let g = evaluate(
            Phase::Develop,
            &[ev(EvidenceStatus::Complete), plan.clone()],
        );
        assert_eq!(g.outcome, GateOutcome::Pass);
        assert!(!g.evidence_complete);
        assert_eq!(g.criteria[0].detail, "1 analyzer(s) ran");
        // only the plan: no analyzer ran, nothing was assessed
        let g = evaluate(Phase::Develop, &[plan]);
        assert_eq!(g.criteria[0].outcome, CriterionOutcome::Fail);
    }

    #[test]
    fn no_evidence_fails() {
        let g = evaluate(Phase::Develop, &[]);
        assert_eq!(g.criteria[0].outcome, CriterionOutcome::Fail);
        assert_eq!(g.outcome, GateOutcome::Fail);
        assert!(!g.evidence_complete);
    }

    #[test]
    fn all_complete_passes() {
        let g = evaluate(Phase::Plan, &[ev(EvidenceStatus::Complete)]);
        assert_eq!(g.outcome, GateOutcome::Pass);
        assert!(g.evidence_complete);
    }
}
