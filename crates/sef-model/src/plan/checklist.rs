//! The checklist part of the security plan, as evaluated: see `sef_process::checklist` for how.

use super::*;
use crate::named_enum;

named_enum! {
    /// The answer to a planning question.
    pub enum Answer {
        /// Yes: in place.
        Yes => "yes",
        /// In part; the note says what is left.
        Partial => "partial",
        /// No: not in place.
        No => "no",
        /// Does not apply to this release; the note says why.
        NotApplicable => "not-applicable",
    }
}

/// The state of one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Item {
    /// The question key.
    pub id: String,
    /// The question.
    pub question: String,
    /// The answer, or `None` when unanswered.
    pub answer: Option<Answer>,
    /// The note.
    pub note: Option<String>,
    /// The evidence links.
    pub evidence: Vec<String>,
    /// Evidence links that are repository paths and do not exist.
    pub missing_evidence: Vec<String>,
    /// The evidence kind that answered it, when the plan did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
}

/// The checklist of one release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Status {
    /// Every question, in order.
    pub items: Vec<Item>,
    /// Questions with no answer.
    pub unanswered: Vec<String>,
    /// Questions answered `no` or `partial`: gaps in the plan.
    pub gaps: Vec<String>,
    /// Complete when all seven are answered and none is `no` or `partial`;
    /// missing when none is answered.
    pub completeness: Completeness,
}
