//! The built-in catalog of security requirements, in the SEF's nine
//! categories.
//!
//! The statements are sef's own, written to be testable: each says what
//! must hold so that a test, a review or a file can show it does. Each
//! requirement names the PTI tiers it applies to (from its lowest tier up)
//! and cross-references OWASP ASVS 5.0 requirement ids and CWE ids, which
//! are cited as facts so that teams can map sef's catalog to the standards
//! they already use.

mod access;
mod data;
mod robustness;

use crate::Tier;
pub use sef_model::plan::requirements::Category;
use serde::Serialize;

/// One built-in requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// Stable id, e.g. `SEF-AUTH-003`.
    pub id: &'static str,
    /// The category.
    pub category: Category,
    /// What must hold, in one testable sentence.
    pub statement: &'static str,
    /// The lowest PTI tier it applies to; it applies to every tier above.
    pub min_tier: Tier,
    /// OWASP ASVS 5.0 requirement ids, e.g. `V6.3.1`.
    pub asvs: &'static [&'static str],
    /// CWE ids.
    pub cwe: &'static [u32],
}

impl Requirement {
    /// Whether the requirement applies at `tier`.
    pub fn applies_to(&self, tier: Tier) -> bool {
        tier >= self.min_tier
    }

    /// The tiers it applies to, e.g. `2-4` or `4`.
    pub fn tiers_label(&self) -> String {
        if self.min_tier == Tier::CRITICAL {
            "4".to_owned()
        } else {
            format!("{}-4", self.min_tier.number())
        }
    }
}

/// A catalog entry before its category is attached.
pub(crate) struct Entry {
    id: &'static str,
    min_tier: u8,
    asvs: &'static [&'static str],
    cwe: &'static [u32],
    statement: &'static str,
}

/// Writes one catalog entry: id, lowest tier, ASVS ids, CWE ids, statement.
pub(crate) const fn e(
    id: &'static str,
    min_tier: u8,
    asvs: &'static [&'static str],
    cwe: &'static [u32],
    statement: &'static str,
) -> Entry {
    Entry {
        id,
        min_tier,
        asvs,
        cwe,
        statement,
    }
}

fn groups() -> [(Category, &'static [Entry]); 9] {
    [
        (Category::AuditingLogging, robustness::LOGGING),
        (Category::AuthenticationAuthorization, access::AUTH),
        (Category::SessionManagement, access::SESSION),
        (Category::InputValidation, robustness::INPUT),
        (Category::ExceptionManagement, robustness::EXCEPTIONS),
        (Category::CryptographyIntegrity, data::CRYPTO),
        (Category::DataAtRest, data::AT_REST),
        (Category::DataInMotion, data::IN_MOTION),
        (Category::ConfigurationManagement, access::CONFIGURATION),
    ]
}

/// Every built-in requirement, category by category, in id order.
pub fn all() -> impl Iterator<Item = Requirement> {
    groups().into_iter().flat_map(|(category, entries)| {
        entries.iter().map(move |e| Requirement {
            id: e.id,
            category,
            statement: e.statement,
            // Entries are written with tiers 1 to 4; a test checks it.
            min_tier: Tier::new(e.min_tier).unwrap_or(Tier::LOW),
            asvs: e.asvs,
            cwe: e.cwe,
        })
    })
}

/// Looks a built-in requirement up by id.
pub fn get(id: &str) -> Option<Requirement> {
    all().find(|r| r.id == id)
}

/// The built-in requirements that apply at `tier`.
pub fn for_tier(tier: Tier) -> impl Iterator<Item = Requirement> {
    all().filter(move |r| r.applies_to(tier))
}

#[cfg(test)]
mod tests;
