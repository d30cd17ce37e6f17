//! The pti part of the security plan, as evaluated: see `sef_process::pti` for how.

use super::*;

/// The four groups of the index, each with its cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    /// What the data is worth to an attacker and to its owners (cap 35).
    DataValue,
    /// How easily an attacker reaches the software (cap 25).
    Exposure,
    /// How far a compromise reaches beyond the software (cap 20).
    PrivilegeAndReach,
    /// What a compromise costs the business (cap 20).
    BusinessImpact,
}

impl Group {
    /// The most points the group can add.
    pub const fn cap(self) -> u8 {
        match self {
            Group::DataValue => 35,
            Group::Exposure => 25,
            Group::PrivilegeAndReach | Group::BusinessImpact => 20,
        }
    }

    /// The group's key as stored: `data-value`, `exposure`,
    /// `privilege-and-reach` or `business-impact`.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::DataValue => "data-value",
            Group::Exposure => "exposure",
            Group::PrivilegeAndReach => "privilege-and-reach",
            Group::BusinessImpact => "business-impact",
        }
    }

    /// The group's name in reports.
    pub fn label(self) -> &'static str {
        match self {
            Group::DataValue => "data value",
            Group::Exposure => "exposure",
            Group::PrivilegeAndReach => "privilege and reach",
            Group::BusinessImpact => "business impact",
        }
    }

    /// The groups, in the order reports show them.
    pub const ALL: [Group; 4] = [
        Group::DataValue,
        Group::Exposure,
        Group::PrivilegeAndReach,
        Group::BusinessImpact,
    ];
}

/// One answer's share of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Contribution {
    /// The question key.
    pub question: String,
    /// The answer as written.
    pub answer: String,
    /// The group it counts in.
    pub group: Group,
    /// The points before the group cap.
    pub points: u8,
}

/// One group's total after its cap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GroupTotal {
    /// The group.
    pub group: Group,
    /// The sum of its answers' points.
    pub raw: u8,
    /// The points it adds to the index: `raw` capped.
    pub counted: u8,
    /// The cap.
    pub cap: u8,
}

/// A high-water-mark floor that raised the tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Floor {
    /// The lowest tier the rule allows.
    pub tier: Tier,
    /// Why.
    pub reason: String,
}

/// The PTI of a complete questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Pti {
    /// The index, 0 to 100.
    pub index: u8,
    /// The tier from the index alone.
    pub index_tier: Tier,
    /// The tier, after the floors.
    pub tier: Tier,
    /// Each answer's points.
    pub contributions: Vec<Contribution>,
    /// Each group's total.
    pub groups: Vec<GroupTotal>,
    /// The floors that apply (those above `index_tier` raised the tier).
    pub floors: Vec<Floor>,
}

/// The outcome of a questionnaire: the PTI, or what is still unanswered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Outcome {
    /// Every question is answered.
    Complete(Pti),
    /// Some questions are unanswered; no index is computed.
    Incomplete {
        /// The unanswered question keys.
        unanswered: Vec<String>,
    },
}
