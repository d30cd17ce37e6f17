//! The security plan's payloads: the PTI, the checklist, requirements,
//! documentation and education, each as `sef-process` evaluated it.

use crate::plan::{PlanWarning, checklist, documentation, education, pti, requirements};
use serde::{Deserialize, Serialize};

/// Payload of `pti` evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct PtiPayload {
    /// Where the answers were written.
    pub source: Option<String>,
    /// Who answered.
    pub assessed_by: Option<String>,
    /// When.
    pub assessed_on: Option<chrono::NaiveDate>,
    /// The index and tier, or what is unanswered; `None` without `[pti]`.
    pub outcome: Option<pti::Outcome>,
    /// The tier, when the questionnaire is complete.
    pub tier: Option<u8>,
}

/// Payload of `planning-checklist` evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct ChecklistPayload {
    /// The checklist; `None` without `[checklist]`.
    pub checklist: Option<checklist::Status>,
    /// Warnings about the plan's entries.
    pub warnings: Vec<PlanWarning>,
}

/// The JUnit results requirements were traced to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct TracedTests {
    /// Test cases read.
    pub cases: usize,
    /// Files read.
    pub files: Vec<String>,
}

/// Payload of `security-requirements` evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RequirementsPayload {
    /// The evaluation.
    pub evaluation: requirements::Evaluation,
    /// The test results traced to, when the plan names any.
    #[serde(default)]
    pub tests: Option<TracedTests>,
    /// Warnings about the plan's entries.
    #[serde(default)]
    pub warnings: Vec<PlanWarning>,
}

/// Payload of `security-documentation` evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DocumentationPayload {
    /// The evaluation.
    pub evaluation: documentation::Evaluation,
    /// Warnings about the plan's entries.
    #[serde(default)]
    pub warnings: Vec<PlanWarning>,
}

/// Payload of `education` evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EducationPayload {
    /// The evaluation.
    pub evaluation: education::Evaluation,
    /// Warnings about the plan's entries.
    #[serde(default)]
    pub warnings: Vec<PlanWarning>,
}
