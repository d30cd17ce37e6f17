//! The Predictive Threat Index (PTI).
//!
//! The SEF asks every project to begin with "a very simple Predictive
//! Threat Index calculation" that records the business value of the
//! information and processing the software handles and sizes the security
//! effort from it. IBM never published its formula; this one is sef's own,
//! and `docs/pti.md` gives its rationale and the published schemes it draws
//! on (FIPS 199 impact levels and their high-water mark, the Microsoft SDL
//! risk questionnaire, Threagile's attacker attractiveness).
//!
//! Twelve answers give points in four groups, each capped: the value of the
//! data (35), exposure (25), privilege and reach (20) and business impact
//! (20). The sum is the index, 0 to 100. The tier follows from the index
//! (0–24 → 1, 25–49 → 2, 50–74 → 3, 75–100 → 4), raised by high-water-mark
//! floors when one answer alone makes the software a high-value target.

use crate::Tier;
use sef_model::named_enum;
pub use sef_model::plan::pti::{Contribution, Floor, Group, GroupTotal, Outcome, Pti};

named_enum! {
    /// The highest classification of data the software handles.
    pub enum DataClassification {
        /// Meant for anyone.
        Public => "public",
        /// Inside the organization only.
        Internal => "internal",
        /// Harm if disclosed: customer data, business plans.
        Confidential => "confidential",
        /// Severe harm if disclosed: regulated or secret data.
        Restricted => "restricted",
    }
}

named_enum! {
    /// Who can reach the software over the network.
    pub enum Exposure {
        /// Only the organization's own network.
        Internal => "internal",
        /// Known partners over dedicated or authenticated links.
        Partner => "partner",
        /// The public internet.
        Internet => "internet",
    }
}

named_enum! {
    /// How the software is delivered.
    pub enum Deployment {
        /// Installed and run by the customer in their data centre.
        OnPremises => "on-premises",
        /// A desktop or mobile application.
        Desktop => "desktop",
        /// A library or component built into other software.
        Library => "library",
        /// Firmware or software on devices.
        Embedded => "embedded",
        /// Run by the vendor as a service.
        Saas => "saas",
    }
}

named_enum! {
    /// How much the business depends on the software.
    pub enum Criticality {
        /// An outage is an inconvenience.
        Low => "low",
        /// An outage hurts one team or customer group.
        Medium => "medium",
        /// An outage stops a business function.
        High => "high",
        /// An outage stops the business or endangers people.
        MissionCritical => "mission-critical",
    }
}

named_enum! {
    /// How many people use the software.
    pub enum UserScale {
        /// Fewer than 100.
        Small => "small",
        /// Fewer than 10,000.
        Medium => "medium",
        /// Fewer than 1,000,000.
        Large => "large",
        /// A million or more.
        VeryLarge => "very-large",
    }
}

/// The PTI questionnaire. Every answer is optional so that a half-filled
/// questionnaire can say what is left; the index is computed only when all
/// twelve are answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Questionnaire {
    /// The highest data classification handled.
    pub data_classification: Option<DataClassification>,
    /// Handles personal data (names, addresses, identifiers of people).
    pub personal_data: Option<bool>,
    /// Handles credentials (passwords, keys, tokens) of users or systems.
    pub credential_data: Option<bool>,
    /// Handles payment data (card numbers, bank accounts).
    pub payment_data: Option<bool>,
    /// Handles health data.
    pub health_data: Option<bool>,
    /// Network exposure.
    pub exposure: Option<Exposure>,
    /// Some functions are reachable without authentication.
    pub anonymous_access: Option<bool>,
    /// Serves several customers (tenants) from one deployment.
    pub multi_tenant: Option<bool>,
    /// Runs with administrative, root or kernel privileges, or manages others' systems.
    pub privileged: Option<bool>,
    /// How it is deployed.
    pub deployment: Option<Deployment>,
    /// How critical it is to the business.
    pub criticality: Option<Criticality>,
    /// How many people use it.
    pub user_scale: Option<UserScale>,
}

/// The question keys, in questionnaire order, as written in the plan.
pub const QUESTIONS: [&str; 12] = [
    "data_classification",
    "personal_data",
    "credential_data",
    "payment_data",
    "health_data",
    "exposure",
    "anonymous_access",
    "multi_tenant",
    "privileged",
    "deployment",
    "criticality",
    "user_scale",
];

/// The tier an index falls in: 0–24 → 1, 25–49 → 2, 50–74 → 3, 75+ → 4.
pub fn tier_of_index(index: u8) -> Tier {
    match index {
        0..=24 => Tier::LOW,
        25..=49 => Tier::MODERATE,
        50..=74 => Tier::HIGH,
        _ => Tier::CRITICAL,
    }
}

/// Points for the data classification.
pub fn classification_points(c: DataClassification) -> u8 {
    match c {
        DataClassification::Public => 0,
        DataClassification::Internal => 6,
        DataClassification::Confidential => 16,
        DataClassification::Restricted => 24,
    }
}

/// Points for the exposure.
pub fn exposure_points(e: Exposure) -> u8 {
    match e {
        Exposure::Internal => 0,
        Exposure::Partner => 8,
        Exposure::Internet => 18,
    }
}

/// Points for the deployment model.
pub fn deployment_points(d: Deployment) -> u8 {
    match d {
        Deployment::OnPremises => 0,
        Deployment::Desktop => 1,
        Deployment::Library => 2,
        Deployment::Embedded => 3,
        Deployment::Saas => 4,
    }
}

/// Points for the business criticality.
pub fn criticality_points(c: Criticality) -> u8 {
    match c {
        Criticality::Low => 0,
        Criticality::Medium => 5,
        Criticality::High => 10,
        Criticality::MissionCritical => 14,
    }
}

/// Points for the scale of users.
pub fn scale_points(s: UserScale) -> u8 {
    match s {
        UserScale::Small => 0,
        UserScale::Medium => 2,
        UserScale::Large => 4,
        UserScale::VeryLarge => 6,
    }
}

/// Points for the yes/no questions when answered yes.
pub fn flag_points(question: &str) -> u8 {
    match question {
        "personal_data" => 4,
        "credential_data" | "payment_data" => 6,
        "health_data" => 5,
        "anonymous_access" => 7,
        "multi_tenant" => 6,
        "privileged" => 10,
        _ => 0,
    }
}

/// Computes the PTI, or lists what is unanswered.
pub fn evaluate(q: &Questionnaire) -> Outcome {
    let mut unanswered = Vec::new();
    let mut contributions = Vec::new();
    let mut push = |question: &'static str, group: Group, answer: Option<(String, u8)>| match answer
    {
        Some((answer, points)) => contributions.push(Contribution {
            question: question.to_owned(),
            answer,
            group,
            points,
        }),
        None => unanswered.push(question.to_owned()),
    };
    let flag = |question: &'static str, v: Option<bool>| {
        v.map(|b| {
            (
                if b { "yes" } else { "no" }.to_owned(),
                if b { flag_points(question) } else { 0 },
            )
        })
    };
    push(
        "data_classification",
        Group::DataValue,
        q.data_classification
            .map(|c| (c.as_str().to_owned(), classification_points(c))),
    );
    push(
        "personal_data",
        Group::DataValue,
        flag("personal_data", q.personal_data),
    );
    push(
        "credential_data",
        Group::DataValue,
        flag("credential_data", q.credential_data),
    );
    push(
        "payment_data",
        Group::DataValue,
        flag("payment_data", q.payment_data),
    );
    push(
        "health_data",
        Group::DataValue,
        flag("health_data", q.health_data),
    );
    push(
        "exposure",
        Group::Exposure,
        q.exposure
            .map(|e| (e.as_str().to_owned(), exposure_points(e))),
    );
    push(
        "anonymous_access",
        Group::Exposure,
        flag("anonymous_access", q.anonymous_access),
    );
    push(
        "multi_tenant",
        Group::PrivilegeAndReach,
        flag("multi_tenant", q.multi_tenant),
    );
    push(
        "privileged",
        Group::PrivilegeAndReach,
        flag("privileged", q.privileged),
    );
    push(
        "deployment",
        Group::PrivilegeAndReach,
        q.deployment
            .map(|d| (d.as_str().to_owned(), deployment_points(d))),
    );
    push(
        "criticality",
        Group::BusinessImpact,
        q.criticality
            .map(|c| (c.as_str().to_owned(), criticality_points(c))),
    );
    push(
        "user_scale",
        Group::BusinessImpact,
        q.user_scale
            .map(|s| (s.as_str().to_owned(), scale_points(s))),
    );
    if !unanswered.is_empty() {
        return Outcome::Incomplete { unanswered };
    }

    let groups: Vec<GroupTotal> = Group::ALL
        .iter()
        .map(|&group| {
            let raw: u8 = contributions
                .iter()
                .filter(|c| c.group == group)
                .map(|c| c.points)
                .sum();
            GroupTotal {
                group,
                raw,
                counted: raw.min(group.cap()),
                cap: group.cap(),
            }
        })
        .collect();
    let index: u8 = groups.iter().map(|g| g.counted).sum();
    let index_tier = tier_of_index(index);
    let floors = floors(q);
    let tier = floors.iter().map(|f| f.tier).fold(index_tier, Tier::max);
    Outcome::Complete(Pti {
        index,
        index_tier,
        tier,
        contributions,
        groups,
        floors,
    })
}

/// The high-water-mark floors that apply to the answers.
fn floors(q: &Questionnaire) -> Vec<Floor> {
    let internet = q.exposure == Some(Exposure::Internet);
    let mut out = Vec::new();
    if q.data_classification == Some(DataClassification::Restricted) {
        out.push(Floor {
            tier: Tier::HIGH,
            reason:
                "restricted data: a disclosure alone is a high impact (FIPS 199 high-water mark)"
                    .to_owned(),
        });
    }
    if internet
        && (q.payment_data == Some(true)
            || q.health_data == Some(true)
            || q.credential_data == Some(true))
    {
        out.push(Floor {
            tier: Tier::HIGH,
            reason: "payment, health or credential data reachable from the internet".to_owned(),
        });
    }
    if internet && q.privileged == Some(true) {
        out.push(Floor {
            tier: Tier::HIGH,
            reason: "privileged operation reachable from the internet".to_owned(),
        });
    }
    if internet && q.anonymous_access == Some(true) && q.privileged == Some(true) {
        out.push(Floor {
            tier: Tier::CRITICAL,
            reason: "anonymous internet access to software that runs with privileges".to_owned(),
        });
    }
    out
}

#[cfg(test)]
mod tests;
