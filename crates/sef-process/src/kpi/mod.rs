//! The SEF's key performance indicators (Tables 1–5) as data: each KPI is
//! a definition (id, name, table, unit, improvement direction, the evidence
//! it needs) and one pure function from the run's evidence to a value.
//!
//! A KPI whose evidence does not exist (its analyzer has not landed, the
//! plan lacks the section, or the data is missing) is *not measured*, with
//! the reason. It is never 0 % or 100 %.

pub mod kpo;
mod measure;
mod practices;

use crate::Tier;
use sef_model::{Evidence, EvidenceKind, named_enum};
use serde::Serialize;

named_enum! {
    /// The SEF's five KPI tables.
    pub enum Table {
        /// Table 1: pre-release security quality.
        Quality => "quality",
        /// Table 2: pre-release security integrity.
        Integrity => "integrity",
        /// Table 3: pre-release security resilience.
        Resilience => "resilience",
        /// Table 4: post-release security quality.
        PostReleaseQuality => "post-release-quality",
        /// Table 5: post-release security serviceability.
        PostReleaseServiceability => "post-release-serviceability",
    }
}

named_enum! {
    /// What a KPI's value counts.
    pub enum Unit {
        /// 0 to 100.
        Percent => "percent",
        /// A count.
        Count => "count",
        /// Days.
        Days => "days",
        /// Hours.
        Hours => "hours",
        /// A comparison with other offerings: 1 higher, 0 consistent, -1 lower.
        Comparison => "comparison",
    }
}

named_enum! {
    /// Which way is better.
    pub enum Direction {
        /// Higher is better.
        Increasing => "increasing",
        /// Lower is better.
        Decreasing => "decreasing",
    }
}

/// A KPI's value, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Outcome {
    /// Computed from evidence.
    Measured {
        /// The value in the KPI's unit.
        value: f64,
        /// What the value is made of (e.g. the practices without evidence).
        detail: Option<String>,
    },
    /// The evidence does not exist.
    NotMeasured {
        /// Which evidence is missing.
        reason: String,
    },
}

impl Outcome {
    /// The value, when measured.
    pub fn value(&self) -> Option<f64> {
        match self {
            Outcome::Measured { value, .. } => Some(*value),
            Outcome::NotMeasured { .. } => None,
        }
    }

    fn nm(reason: impl Into<String>) -> Outcome {
        Outcome::NotMeasured {
            reason: reason.into(),
        }
    }
}

/// Another offering's latest KPI values, for the comparisons of Table 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Peer {
    /// The offering's name.
    pub offering: String,
    /// Its measured KPIs: id and value.
    pub values: Vec<(String, f64)>,
}

/// One earlier run of the same release, for the post-release KPIs.
#[derive(Debug, Clone, PartialEq)]
pub struct PastRun {
    /// When it ran.
    pub at: chrono::DateTime<chrono::Utc>,
    /// The phase the release was in.
    pub phase: sef_model::Phase,
    /// Whether its known-vulnerabilities evidence was complete.
    pub vulnerabilities_complete: bool,
}

/// Everything a KPI function may read.
pub struct Inputs<'a> {
    /// The run's evidence.
    pub evidence: &'a [Evidence],
    /// The PTI tier, when the PTI is complete.
    pub tier: Option<Tier>,
    /// The run's phase.
    pub phase: sef_model::Phase,
    /// When the run started.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Other offerings' latest values.
    pub peers: &'a [Peer],
    /// Earlier runs of this release.
    pub history: &'a [PastRun],
    /// Above this share (percent) of items whose state is unknown, a KPI
    /// over them is not measured (`[checkpoints] max_unknown_percent`).
    pub max_unknown_percent: u8,
}

/// One KPI definition.
#[derive(Clone, Copy)]
pub struct Definition {
    /// Stable id, e.g. `integrity.known-vulnerability-testing`.
    pub id: &'static str,
    /// The SEF's wording.
    pub name: &'static str,
    /// Its table.
    pub table: Table,
    /// Its unit.
    pub unit: Unit,
    /// Which way is better.
    pub direction: Direction,
    /// The evidence kinds it reads (some have no producer yet: then the
    /// KPI is "not measured: no evidence of this kind").
    pub needs: &'static [EvidenceKind],
    /// What else it reads, beyond this run's evidence.
    pub also: Option<&'static str>,
    /// The measurement.
    pub measure: fn(&Inputs<'_>) -> Outcome,
}

impl std::fmt::Debug for Definition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Definition").field("id", &self.id).finish()
    }
}

use Direction::{Decreasing, Increasing};
use Table::*;
use Unit::*;

/// Every KPI of the SEF's five tables, in table order.
pub const KPIS: [Definition; 19] = [
    Definition {
        id: "quality.secure-engineering-practices",
        name: "Proof that secure engineering practices were followed in the development project",
        table: Quality,
        unit: Percent,
        direction: Increasing,
        needs: &[],
        also: Some("the evidence of each practice the tier requires (docs/kpis.md)"),
        measure: practices::practices,
    },
    Definition {
        id: "quality.integrity-vs-peers",
        name: "Offering integrity indicators compared with other offerings",
        table: Quality,
        unit: Comparison,
        direction: Increasing,
        needs: &[],
        also: Some("the integrity KPIs of this and other offerings in the store"),
        measure: measure::integrity_vs_peers,
    },
    Definition {
        id: "quality.resilience-vs-peers",
        name: "Offering resilience indicators compared with other offerings",
        table: Quality,
        unit: Comparison,
        direction: Increasing,
        needs: &[],
        also: Some("the resilience KPIs of this and other offerings in the store"),
        measure: measure::resilience_vs_peers,
    },
    Definition {
        id: "quality.platform-security-features",
        name: "Use of the security features of the hardware and underlying software",
        table: Quality,
        unit: Percent,
        direction: Increasing,
        needs: &[EvidenceKind::Platform],
        also: None,
        measure: measure::platform_features,
    },
    Definition {
        id: "integrity.developed-code-review",
        name: "Amount of developed components included in code review",
        table: Integrity,
        unit: Percent,
        direction: Increasing,
        needs: &[EvidenceKind::History],
        also: None,
        measure: measure::developed_code_review,
    },
    Definition {
        id: "integrity.external-code-review",
        name: "Amount of external components included in code review",
        table: Integrity,
        unit: Percent,
        direction: Increasing,
        needs: &[EvidenceKind::History],
        also: None,
        measure: measure::external_code_review,
    },
    Definition {
        id: "integrity.known-vulnerability-testing",
        name: "Amount of offering tested for known vulnerabilities",
        table: Integrity,
        unit: Percent,
        direction: Increasing,
        needs: &[EvidenceKind::KnownVulnerabilities],
        also: None,
        measure: measure::known_vulnerability_testing,
    },
    Definition {
        id: "integrity.signed-code-and-packages",
        name: "Amount of offering with signed code and distribution packages",
        table: Integrity,
        unit: Percent,
        direction: Increasing,
        needs: &[EvidenceKind::Signatures, EvidenceKind::History],
        also: None,
        measure: measure::signed,
    },
    Definition {
        id: "integrity.security-feature-documentation",
        name: "Documentation for security features and standards",
        table: Integrity,
        unit: Percent,
        direction: Increasing,
        needs: &[EvidenceKind::SecurityDocumentation],
        also: None,
        measure: measure::security_feature_documentation,
    },
    Definition {
        id: "integrity.assurance-review-documentation",
        name: "Documentation for completed assurance review and regression tests",
        table: Integrity,
        unit: Percent,
        direction: Increasing,
        needs: &[EvidenceKind::SecurityRequirements],
        also: None,
        measure: measure::assurance_review,
    },
    Definition {
        id: "resilience.design-documentation",
        name: "Completed design documentation for resilient operation",
        table: Resilience,
        unit: Percent,
        direction: Increasing,
        needs: &[EvidenceKind::SecurityDocumentation],
        also: None,
        measure: measure::design_documentation,
    },
    Definition {
        id: "resilience.deployment-documentation",
        name: "Completed deployment documentation for resilient operation",
        table: Resilience,
        unit: Percent,
        direction: Increasing,
        needs: &[EvidenceKind::SecurityDocumentation],
        also: None,
        measure: measure::deployment_documentation,
    },
    Definition {
        id: "resilience.penetration-testing",
        name: "Completed resilience testing (ethical hacking, penetration testing)",
        table: Resilience,
        unit: Percent,
        direction: Increasing,
        needs: &[EvidenceKind::ResilienceTesting],
        also: None,
        measure: measure::penetration_testing,
    },
    Definition {
        id: "post-release.time-to-resolution",
        name: "Time to resolution of post-availability security problems (including CVEs)",
        table: PostReleaseQuality,
        unit: Days,
        direction: Decreasing,
        needs: &[EvidenceKind::Incidents],
        also: None,
        measure: measure::no_incident_records,
    },
    Definition {
        id: "post-release.fixes-code-reviewed",
        name: "Fixes and changes that passed code assurance review and regression tests",
        table: PostReleaseQuality,
        unit: Percent,
        direction: Increasing,
        needs: &[EvidenceKind::Incidents, EvidenceKind::History],
        also: None,
        measure: measure::no_incident_records,
    },
    Definition {
        id: "post-release.fixes-vulnerability-tested",
        name: "Fixes and changes that passed vulnerability tests",
        table: PostReleaseQuality,
        unit: Percent,
        direction: Increasing,
        needs: &[EvidenceKind::Incidents, EvidenceKind::KnownVulnerabilities],
        also: None,
        measure: measure::no_incident_records,
    },
    Definition {
        id: "post-release.cve-review-interval",
        name: "Frequency of post-availability CVE reviews and retests (days between reviews)",
        table: PostReleaseQuality,
        unit: Days,
        direction: Decreasing,
        needs: &[EvidenceKind::KnownVulnerabilities],
        also: Some("this release's earlier runs in the lifecycle phase"),
        measure: measure::cve_review_interval,
    },
    Definition {
        id: "serviceability.security-problems-reported",
        name: "Number of post-availability security problems reported",
        table: PostReleaseServiceability,
        unit: Count,
        direction: Decreasing,
        needs: &[EvidenceKind::Incidents],
        also: None,
        measure: measure::no_incident_records,
    },
    Definition {
        id: "serviceability.cves-published",
        name: "Number of post-availability CVEs published",
        table: PostReleaseServiceability,
        unit: Count,
        direction: Decreasing,
        needs: &[EvidenceKind::Incidents],
        also: None,
        measure: measure::no_incident_records,
    },
];

/// Looks a KPI up by id.
pub fn get(id: &str) -> Option<&'static Definition> {
    KPIS.iter().find(|k| k.id == id)
}

/// One measured KPI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measurement {
    /// The KPI id.
    pub id: &'static str,
    /// The outcome.
    pub outcome: Outcome,
}

/// Measures every KPI.
pub fn measure_all(inputs: &Inputs<'_>) -> Vec<Measurement> {
    KPIS.iter()
        .map(|k| Measurement {
            id: k.id,
            outcome: (k.measure)(inputs),
        })
        .collect()
}

pub use practices::{PRACTICES, Practice, practices_for};

#[cfg(test)]
mod tests;

/// How a value moved from `previous` to `now`, in the KPI's direction.
/// Differences within 0.05 are "held"; a missing value is not comparable.
pub fn trend(
    direction: Direction,
    previous: Option<f64>,
    now: Option<f64>,
) -> sef_model::TrendDirection {
    use sef_model::TrendDirection as T;
    match (previous, now) {
        (Some(p), Some(n)) => {
            let delta = match direction {
                Direction::Increasing => n - p,
                Direction::Decreasing => p - n,
            };
            if delta > 0.05 {
                T::Improved
            } else if delta < -0.05 {
                T::Regressed
            } else {
                T::Held
            }
        }
        _ => T::NotComparable,
    }
}
