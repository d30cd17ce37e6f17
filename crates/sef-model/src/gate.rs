//! Gate decisions: the outcome of a checkpoint, criterion by criterion.

use crate::Phase;
use crate::names::named_enum;
use serde::{Deserialize, Serialize};

named_enum! {
    /// The outcome of one criterion.
    pub enum CriterionOutcome {
        /// The criterion holds.
        Pass => "pass",
        /// The criterion does not hold.
        Fail => "fail",
        /// The evidence the criterion reads does not exist.
        NotMeasured => "not-measured",
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
    /// What "not measured" means for this criterion: `fail`, or `warn:
    /// <why>`. Runs stored before it existed have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub if_not_measured: Option<String>,
}

named_enum! {
    /// The overall outcome of a gate.
    pub enum GateOutcome {
        /// Every criterion passed.
        Pass => "pass",
        /// At least one criterion failed.
        Fail => "fail",
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
    /// The organisation's policy the gate was decided under, verified;
    /// absent when none applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyRef>,
}

/// The organisation's policy a run was decided under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRef {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// SHA-256 of its text, hex.
    pub digest: String,
    /// Where it came from: the server's URL or the file's path, and
    /// `(cached …)` when the server was unreachable and a verified copy
    /// fetched earlier was used.
    pub source: String,
    /// The id of the minisign key whose signature verified it.
    pub key_id: String,
    /// The criteria it locks (no one may override a gate failed on one).
    #[serde(default)]
    pub locked: Vec<String>,
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
            policy: None,
        }
    }
}

/// A person's override of a failed gate, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateOverride {
    /// The team member (a PDT leader) who decided.
    pub by: String,
    /// Why the release moves on despite the failed gate.
    pub justification: String,
    /// The deciding member's signature over the override
    /// (`sef_sign::decision`), when it was signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

/// A recorded checkpoint decision: the release moved from one phase to
/// the next, on the gate of a stored run (or over it, by override).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseDecision {
    /// The decision's id.
    pub id: String,
    /// The offering.
    pub offering: String,
    /// The release.
    pub release: String,
    /// The phase left.
    pub from: Phase,
    /// The phase entered.
    pub to: Phase,
    /// When.
    pub decided_at: chrono::DateTime<chrono::Utc>,
    /// The run whose gate was decided.
    pub run_id: String,
    /// That gate's outcome.
    pub gate_outcome: GateOutcome,
    /// Present when a failed gate was overridden.
    pub r#override: Option<GateOverride>,
}
