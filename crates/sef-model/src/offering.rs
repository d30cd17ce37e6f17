//! The offering (product, component, service) and the release of it that
//! is being assessed.

use crate::Phase;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of offering this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OfferingKind {
    /// A product sold or delivered to customers.
    Product,
    /// A component embedded in other offerings.
    Component,
    /// A hosted or cloud service.
    Service,
    /// A library consumed by other software.
    Library,
    /// An application (desktop, mobile, internal tool).
    Application,
}

impl OfferingKind {
    /// The lowercase name used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            OfferingKind::Product => "product",
            OfferingKind::Component => "component",
            OfferingKind::Service => "service",
            OfferingKind::Library => "library",
            OfferingKind::Application => "application",
        }
    }
}

impl fmt::Display for OfferingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A software offering whose security plan sef executes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offering {
    /// The offering's name, unique within a store.
    pub name: String,
    /// The team that owns the offering, when the plan names one.
    pub owner_team: Option<String>,
    /// What kind of offering it is.
    pub kind: OfferingKind,
}

/// The release of an offering that a run assesses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// The release's version as the team writes it (not necessarily SemVer).
    pub version: String,
    /// The phase the release is in.
    pub phase: Phase,
}
