//! The education part of the security plan, as evaluated: see `sef_process::education` for how.

use super::*;
use chrono::NaiveDate;

/// A role on the development team: the SEF's roles, the same set a shared
/// store grants (`sef serve`).
pub use crate::access::TeamRole;

/// The state of one required course for one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum CourseState {
    /// Completed, and the refresher is not yet due.
    Current {
        /// Last completion.
        completed: NaiveDate,
        /// When the refresher falls due.
        due: NaiveDate,
    },
    /// Completed, but the refresher is overdue.
    Overdue {
        /// Last completion.
        completed: NaiveDate,
        /// When the refresher fell due.
        due: NaiveDate,
    },
    /// Never completed.
    Missing,
}

/// One member's training.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MemberStatus {
    /// The member.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Roles.
    pub roles: Vec<TeamRole>,
    /// Each required course and its state.
    pub courses: Vec<(String, CourseState)>,
    /// Every required course is current.
    pub trained: bool,
}

/// The team's training on a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evaluation {
    /// Per member.
    pub members: Vec<MemberStatus>,
    /// Members with every required course current.
    pub trained: usize,
    /// Members.
    pub total: usize,
    /// `(member, course, due)` for every overdue refresher.
    pub overdue: Vec<(String, String, NaiveDate)>,
    /// Missing when there is no team; complete when everyone is trained.
    pub completeness: Completeness,
}
