//! The phases of the SEF's common development process. A release moves
//! through them in order; each phase ends at a checkpoint.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One phase of the common development process, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// The offering is an idea being evaluated.
    Concept,
    /// Requirements, risk assessment and the security plan are written.
    Plan,
    /// The offering is designed, built and unit-tested.
    Develop,
    /// Function, system and security testing.
    Qualify,
    /// The release is made generally available.
    Launch,
    /// Maintenance, fixes and incident response after availability.
    Lifecycle,
}

/// A phase name that is not one of the six.
#[derive(Debug, thiserror::Error)]
#[error("unknown phase `{0}`, expected one of: concept, plan, develop, qualify, launch, lifecycle")]
pub struct PhaseParseError(pub String);

impl Phase {
    /// All phases in process order.
    pub const ALL: [Phase; 6] = [
        Phase::Concept,
        Phase::Plan,
        Phase::Develop,
        Phase::Qualify,
        Phase::Launch,
        Phase::Lifecycle,
    ];

    /// The lowercase name used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Concept => "concept",
            Phase::Plan => "plan",
            Phase::Develop => "develop",
            Phase::Qualify => "qualify",
            Phase::Launch => "launch",
            Phase::Lifecycle => "lifecycle",
        }
    }

    /// The phase that follows this one, if any.
    pub fn next(self) -> Option<Phase> {
        let i = Phase::ALL.iter().position(|p| *p == self)?;
        Phase::ALL.get(i + 1).copied()
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Phase {
    type Err = PhaseParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Phase::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| PhaseParseError(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_are_ordered_and_parse() {
        assert!(Phase::Concept < Phase::Lifecycle);
        assert_eq!(Phase::Plan.next(), Some(Phase::Develop));
        assert_eq!(Phase::Lifecycle.next(), None);
        for p in Phase::ALL {
            assert_eq!(p.as_str().parse::<Phase>().unwrap(), p);
        }
        assert!("shipping".parse::<Phase>().is_err());
    }
}
