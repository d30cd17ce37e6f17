//! The security plan's evaluated state as data: the PTI tier, how complete
//! each planning element is, and (one module per part) what the SEF's
//! planning practices concluded for a release. `sef-process` computes these
//! values from the plan and the repository's facts; they travel as the
//! security-plan evidence payloads, so they live here with the other
//! evidence types and carry no logic beyond small accessors.

pub mod checklist;
pub mod documentation;
pub mod education;
pub mod pti;
pub mod requirements;
mod tier;

use serde::{Deserialize, Serialize};
pub use tier::{Tier, TierError};

/// Whether a planning element is whole, as evidence: the plan's parts are
/// complete, partly there, or missing altogether.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Completeness {
    /// Everything the element asks for is there.
    Complete,
    /// Some of it is there.
    Partial,
    /// None of it is there.
    Missing,
}

impl Completeness {
    /// `complete`, `partial` or `missing`.
    pub fn as_str(self) -> &'static str {
        match self {
            Completeness::Complete => "complete",
            Completeness::Partial => "partial",
            Completeness::Missing => "missing",
        }
    }

    /// Complete when `done == total` (and there is something to do),
    /// missing when nothing is done, partial in between.
    pub fn of(done: usize, total: usize) -> Self {
        if total > 0 && done >= total {
            Completeness::Complete
        } else if done == 0 {
            Completeness::Missing
        } else {
            Completeness::Partial
        }
    }
}

/// A warning about the plan that does not stop the assessment: a dangling
/// reference, an overdue refresher. `line` is the line of the plan entry
/// in `file` when the plan loader recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanWarning {
    /// The plan file the entry is in.
    pub file: String,
    /// The 1-based line of the entry, when known.
    pub line: Option<usize>,
    /// What is wrong and what to do.
    pub message: String,
}

impl std::fmt::Display for PlanWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}
