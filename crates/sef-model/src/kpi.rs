//! KPI values. A KPI is either measured, with a value and a unit, or not
//! measured, with the reason. sef never invents a value for missing evidence.
//! Each value carries its key performance objective (KPO) for the release,
//! when one is set, and its trend against the previous release.

use crate::names::named_enum;
use serde::{Deserialize, Serialize};

/// A measurement, or the honest absence of one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum KpiMeasurement {
    /// The KPI was computed from evidence.
    Measured {
        /// The value in `unit`.
        value: f64,
        /// `percent`, `count`, `hours`, `days`, `comparison`.
        unit: String,
    },
    /// The evidence the KPI needs does not exist.
    NotMeasured {
        /// Why not: which evidence is missing.
        reason: String,
    },
}

impl KpiMeasurement {
    /// The value, when measured.
    pub fn value(&self) -> Option<f64> {
        match self {
            KpiMeasurement::Measured { value, .. } => Some(*value),
            KpiMeasurement::NotMeasured { .. } => None,
        }
    }
}

named_enum! {
    /// Whether a KPI met its objective.
    pub enum KpoStatus {
        /// The value meets the objective.
        Met => "met",
        /// The value misses the objective.
        Missed => "missed",
        /// The KPI is not measured, so the objective cannot be judged.
        NotMeasured => "not-measured",
    }
}

/// A KPI's objective for the release and whether it was met.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpoResult {
    /// The objective, e.g. `>= 90 percent` or `<= 30 days`.
    pub target: String,
    /// `plan` (set in sef.toml) or `tier-default`.
    pub source: String,
    /// Met, missed or not measured.
    pub status: KpoStatus,
}

named_enum! {
    /// How a KPI moved since the previous release, in its own direction.
    pub enum TrendDirection {
        /// Better than the previous release.
        Improved => "improved",
        /// The same.
        Held => "held",
        /// Worse than the previous release.
        Regressed => "regressed",
        /// One of the two is not measured.
        NotComparable => "not-comparable",
    }
}

/// A KPI compared with the offering's previous release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiTrend {
    /// The previous release's version.
    pub previous_release: String,
    /// Its value, when it was measured.
    pub previous_value: Option<f64>,
    /// Improved, held, regressed or not comparable.
    pub direction: TrendDirection,
}

/// The value of one KPI in one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiValue {
    /// The KPI's id, e.g. `integrity.known-vulnerability-testing`.
    pub kpi_id: String,
    /// The SEF's name for it.
    #[serde(default)]
    pub name: String,
    /// The SEF table it belongs to (`quality`, `integrity`, …).
    #[serde(default)]
    pub table: String,
    /// `increasing` or `decreasing`: which way is better.
    #[serde(default)]
    pub direction: String,
    /// The measurement.
    pub measurement: KpiMeasurement,
    /// What the value is made of.
    #[serde(default)]
    pub detail: Option<String>,
    /// The release's objective for it, when one applies.
    #[serde(default)]
    pub kpo: Option<KpoResult>,
    /// The change since the previous release, when there is one in the store.
    #[serde(default)]
    pub trend: Option<KpiTrend>,
}

/// The KPI values of one release (its latest run), for trend charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseKpis {
    /// The release version.
    pub release: String,
    /// When its latest run started.
    pub at: chrono::DateTime<chrono::Utc>,
    /// The KPI values of that run.
    pub kpis: Vec<KpiValue>,
}
