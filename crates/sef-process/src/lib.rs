//! The Secure Engineering Framework itself, as pure logic.
//!
//! The SEF's planning practices become data here: the Predictive Threat
//! Index questionnaire and its tier ([`pti`]), the seven planning questions
//! ([`checklist`]), the built-in catalog of security requirements in the
//! SEF's nine categories ([`catalog`]) and how a release's requirements are
//! selected, tracked and traced to evidence ([`requirements`]), the
//! documentation expected for each security role ([`documentation`]) and
//! the training each team role needs ([`education`]).
//!
//! Everything here takes values and returns values. It must not read files,
//! the clock, the store or the network: the plan loader parses the files,
//! the engine gathers the facts (which files exist, what they say, which
//! tests ran) and passes them in, and the date of "today" is an argument.

pub mod asvs;
pub mod catalog;
pub mod checklist;
pub mod checkpoint;
pub mod cwe;
pub mod documentation;
pub mod education;
pub mod kpi;
pub mod pti;
pub mod requirements;
mod tier;

pub use tier::Tier;

/// Whether a planning element is whole, as evidence: the plan's parts are
/// complete, partly there, or missing altogether.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// Where a plan entry was written: the file and the 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Origin {
    /// The plan file, as shown to the user (relative to the repository).
    pub file: String,
    /// The 1-based line.
    pub line: usize,
}

impl Origin {
    /// A warning about the entry written here.
    pub fn warn(&self, message: impl Into<String>) -> PlanWarning {
        PlanWarning {
            file: self.file.clone(),
            line: (self.line > 0).then_some(self.line),
            message: message.into(),
        }
    }
}
