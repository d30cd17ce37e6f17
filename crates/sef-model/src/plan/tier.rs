//! The PTI tier: 1 (low) to 4 (critical). The tier scales everything else:
//! which requirements apply, which documentation is expected, and (later)
//! the checkpoint criteria and KPO defaults.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A PTI tier, 1 to 4.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(try_from = "u8", into = "u8")]
pub struct Tier(u8);

impl Tier {
    /// Tier 1: low.
    pub const LOW: Tier = Tier(1);
    /// Tier 2: moderate.
    pub const MODERATE: Tier = Tier(2);
    /// Tier 3: high.
    pub const HIGH: Tier = Tier(3);
    /// Tier 4: critical.
    pub const CRITICAL: Tier = Tier(4);
    /// Every tier, lowest first.
    pub const ALL: [Tier; 4] = [Tier::LOW, Tier::MODERATE, Tier::HIGH, Tier::CRITICAL];

    /// The tier numbered `n`, when `n` is 1 to 4.
    pub const fn new(n: u8) -> Option<Tier> {
        if n >= 1 && n <= 4 {
            Some(Tier(n))
        } else {
            None
        }
    }

    /// The tier's number.
    pub const fn number(self) -> u8 {
        self.0
    }

    /// `low`, `moderate`, `high` or `critical`.
    pub fn label(self) -> &'static str {
        match self.0 {
            1 => "low",
            2 => "moderate",
            3 => "high",
            _ => "critical",
        }
    }
}

/// A number that is not a PTI tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a PTI tier is 1 to 4, got {0}")]
pub struct TierError(pub u8);

impl TryFrom<u8> for Tier {
    type Error = TierError;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Tier::new(n).ok_or(TierError(n))
    }
}

impl From<Tier> for u8 {
    fn from(t: Tier) -> u8 {
        t.0
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.0, self.label())
    }
}
