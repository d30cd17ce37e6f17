//! KPI values. A KPI is either measured, with a value and a unit, or not
//! measured, with the reason. sef never invents a value for missing evidence.

use serde::{Deserialize, Serialize};

/// A measurement, or the honest absence of one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum KpiMeasurement {
    /// The KPI was computed from evidence.
    Measured {
        /// The value in `unit`.
        value: f64,
        /// `percent`, `count`, `hours`, `days`, …
        unit: String,
    },
    /// The evidence the KPI needs does not exist.
    NotMeasured {
        /// Why not: which evidence is missing.
        reason: String,
    },
}

/// The value of one KPI in one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiValue {
    /// The KPI's id, e.g. `integrity.known-vulnerability-testing`.
    pub kpi_id: String,
    /// The measurement.
    pub measurement: KpiMeasurement,
}
