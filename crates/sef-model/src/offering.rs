//! The offering (product, component, service) and the release of it that
//! is being assessed.

use crate::Phase;
use crate::names::named_enum;
use serde::{Deserialize, Serialize};

named_enum! {
    /// What kind of offering this is.
    pub enum OfferingKind {
        /// A product sold or delivered to customers.
        Product => "product",
        /// A component embedded in other offerings.
        Component => "component",
        /// A hosted or cloud service.
        Service => "service",
        /// A library consumed by other software.
        Library => "library",
        /// An application (desktop, mobile, internal tool).
        Application => "application",
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
    /// The business unit it belongs to, when the plan names one: a key of
    /// the portfolio's KPI roll-ups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_unit: Option<String>,
    /// The peer group whose offerings its KPIs are compared with, when the
    /// plan names one; without one, every other offering in the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_group: Option<String>,
}

/// The release of an offering that a run assesses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// The release's version as the team writes it (not necessarily SemVer).
    pub version: String,
    /// The phase the release is in.
    pub phase: Phase,
    /// Where the version came from. Runs stored before this was recorded
    /// read as `plan`.
    #[serde(default)]
    pub version_source: VersionSource,
}

/// Where a release's version came from, in the order sef looks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VersionSource {
    /// `--release VERSION` on the command line.
    Flag,
    /// The `SEF_RELEASE` environment variable.
    Env,
    /// `[release] version` in the plan.
    #[default]
    Plan,
    /// The tag at HEAD (a leading `v` before a digit stripped).
    Tag,
    /// None of those: the release is `unversioned`.
    None,
}

impl VersionSource {
    /// How the report says it.
    pub fn describe(self) -> &'static str {
        match self {
            VersionSource::Flag => "--release",
            VersionSource::Env => "SEF_RELEASE",
            VersionSource::Plan => "[release] version in the plan",
            VersionSource::Tag => "the tag at HEAD",
            VersionSource::None => "no version: not in the plan, no tag at HEAD, no --release",
        }
    }
}
