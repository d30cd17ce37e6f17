//! The phases of the SEF's common development process. A release moves
//! through them in order; each phase ends at a checkpoint.

use crate::names::named_enum;
use std::str::FromStr;

named_enum! {
    /// One phase of the common development process, in order.
    pub enum Phase {
        /// The offering is an idea being evaluated.
        Concept => "concept",
        /// Requirements, risk assessment and the security plan are written.
        Plan => "plan",
        /// The offering is designed, built and unit-tested.
        Develop => "develop",
        /// Function, system and security testing.
        Qualify => "qualify",
        /// The release is made generally available.
        Launch => "launch",
        /// Maintenance, fixes and incident response after availability.
        Lifecycle => "lifecycle",
    }
}

/// A phase name that is not one of the six.
#[derive(Debug, thiserror::Error)]
#[error("unknown phase `{0}`, expected one of: concept, plan, develop, qualify, launch, lifecycle")]
pub struct PhaseParseError(pub String);

impl Phase {
    /// The phase that follows this one, if any.
    pub fn next(self) -> Option<Phase> {
        let i = Phase::ALL.iter().position(|p| *p == self)?;
        Phase::ALL.get(i + 1).copied()
    }
}

impl FromStr for Phase {
    type Err = PhaseParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Phase::ALL
            .iter()
            .copied()
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
            assert_eq!(p.as_str().parse::<Phase>().unwrap(), *p);
        }
        assert!("shipping".parse::<Phase>().is_err());
    }
}
