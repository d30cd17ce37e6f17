//! Gate decisions: the outcome of a checkpoint, criterion by criterion.

use crate::Phase;
use serde::{Deserialize, Serialize};

/// The outcome of one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CriterionOutcome {
    /// The criterion holds.
    Pass,
    /// The criterion does not hold.
    Fail,
    /// The evidence the criterion reads does not exist.
    NotMeasured,
}

impl CriterionOutcome {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            CriterionOutcome::Pass => "pass",
            CriterionOutcome::Fail => "fail",
            CriterionOutcome::NotMeasured => "not-measured",
        }
    }
}

/// One evaluated criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionResult {
    /// Stable id, e.g. `evidence.no-analyzer-failed`.
    pub id: String,
    /// What the criterion asks.
    pub description: String,
    /// Whether it holds.
    pub outcome: CriterionOutcome,
    /// The evidence behind the outcome and, when it fails, what to do.
    pub detail: String,
}

/// The overall outcome of a gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GateOutcome {
    /// Every criterion passed.
    Pass,
    /// At least one criterion failed.
    Fail,
}

impl GateOutcome {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            GateOutcome::Pass => "pass",
            GateOutcome::Fail => "fail",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pass" => Some(GateOutcome::Pass),
            "fail" => Some(GateOutcome::Fail),
            _ => None,
        }
    }
}

/// The decision on one gate (checkpoint) for one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateDecision {
    /// The phase whose exit the gate guards.
    pub phase: Phase,
    /// Pass or fail.
    pub outcome: GateOutcome,
    /// Whether every analyzer produced complete evidence.
    pub evidence_complete: bool,
    /// Each criterion with its result.
    pub criteria: Vec<CriterionResult>,
}

impl GateDecision {
    /// Derives the gate from its criteria: it fails when any criterion fails.
    pub fn from_criteria(
        phase: Phase,
        evidence_complete: bool,
        criteria: Vec<CriterionResult>,
    ) -> Self {
        let outcome = if criteria.iter().any(|c| c.outcome == CriterionOutcome::Fail) {
            GateOutcome::Fail
        } else {
            GateOutcome::Pass
        };
        GateDecision {
            phase,
            outcome,
            evidence_complete,
            criteria,
        }
    }
}
