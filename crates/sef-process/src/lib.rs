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

pub mod advance;
pub mod asvs;
pub mod catalog;
pub mod checklist;
pub mod checkpoint;
pub mod cwe;
pub mod documentation;
pub mod education;
pub mod kpi;
pub mod proof;
pub mod pti;
pub mod requirements;
#[cfg(test)]
mod test_payloads;
pub use sef_model::plan::{Completeness, PlanWarning, Tier};

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
