//! The payload of `threat-model` evidence: the model kept under
//! `security/threat-model/` (its files, digest and size), the risks the
//! rules found in it ranked by severity with each one's tracked status,
//! the latest review, and what a checkpoint asks: untracked and
//! unmitigated high risks, and whether the review is current.

use super::resilience::SeverityCounts;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How many elements of each kind the model has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct ModelCounts {
    /// Data assets.
    pub data_assets: usize,
    /// Technical assets.
    pub technical_assets: usize,
    /// Actors.
    pub actors: usize,
    /// Data flows.
    pub data_flows: usize,
    /// Trust boundaries.
    pub trust_boundaries: usize,
}

/// One risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RiskRow {
    /// `rule@element`.
    pub id: String,
    /// The rule.
    pub rule: String,
    /// What the risk is.
    pub title: String,
    /// The STRIDE category.
    pub stride: String,
    /// CWE ids.
    #[serde(default)]
    pub cwe: Vec<u32>,
    /// CAPEC ids.
    #[serde(default)]
    pub capec: Vec<u32>,
    /// The element's id.
    pub element: String,
    /// The element's kind.
    pub element_kind: String,
    /// The impact (low, medium, high, very-high).
    pub impact: String,
    /// The likelihood (unlikely, possible, likely, very-likely).
    pub likelihood: String,
    /// From the risk matrix.
    pub severity: crate::Severity,
    /// The tracked status, or `untracked`.
    pub status: String,
    /// What mitigates it, when mitigated (a requirement id or evidence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigated_by: Option<String>,
    /// Why the recorded status does not count, when it does not (an
    /// expired acceptance, an approver who may not accept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_note: Option<String>,
    /// Requirement ids that counter it.
    #[serde(default)]
    pub countermeasures: Vec<String>,
    /// The model file that holds the element.
    pub file: String,
    /// The element's line in it.
    pub line: u32,
}

/// The latest review of the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReviewRow {
    /// Who reviewed.
    pub reviewer: String,
    /// When.
    pub date: NaiveDate,
    /// The model's digest then.
    pub digest: String,
    /// Whether the model is unchanged since.
    pub current: bool,
    /// Whether the reviewer is a team member with the architect role.
    pub by_architect: bool,
    /// Days between the review and the day judged.
    pub age_days: i64,
}

/// The `threat-model` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ThreatModelPayload {
    /// The model files read, repository-relative.
    pub files: Vec<String>,
    /// The model's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The model's digest (`sha256:...`).
    pub digest: String,
    /// Its size.
    pub counts: ModelCounts,
    /// Rules applied (built-in and the plan's).
    pub rules: usize,
    /// Rule files of the plan, beside the built-in library.
    #[serde(default)]
    pub rule_files: Vec<String>,
    /// The risks, most severe first.
    pub risks: Vec<RiskRow>,
    /// Risks by severity.
    pub by_severity: SeverityCounts,
    /// `rule@element` pairs the model itself shows mitigated.
    #[serde(default)]
    pub mitigated_in_model: usize,
    /// Ids of risks at or above the tracking severity with no tracking entry.
    pub untracked_high: Vec<String>,
    /// Ids of risks at or above the tracking severity that are neither
    /// mitigated, accepted (and unexpired) nor false positives.
    pub unmitigated_high: Vec<String>,
    /// The severity from which a risk must be tracked and handled.
    pub high_from: crate::Severity,
    /// The latest review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_review: Option<ReviewRow>,
    /// A review counts when it is current, by an architect, and at most
    /// this many days old.
    pub review_max_age_days: u32,
    /// Whether the latest review counts.
    pub reviewed: bool,
    /// Tracking entries that name no risk of the model (stale ids).
    #[serde(default)]
    pub stale_tracking: Vec<String>,
    /// Requirement ids the risks' countermeasures select.
    #[serde(default)]
    pub countermeasures: Vec<String>,
    /// The data-flow diagram, SVG, when drawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagram_svg: Option<String>,
    /// The diagram in words: one line per flow.
    #[serde(default)]
    pub diagram_text: Vec<String>,
}
