//! KPIs of one run: the process crate's pure KPI functions applied to the
//! run's evidence, with the context only the store knows (other offerings'
//! latest values, earlier runs of this release, the previous release) passed
//! in by the caller. No I/O here.

use sef_model::{Evidence, KpiMeasurement, KpiTrend, KpiValue, KpoResult, Phase};
use sef_process::Tier;
use sef_process::kpi::kpo::{self, Objective};
use sef_process::kpi::{self, Outcome, PastRun, Peer};

/// The previous release of the same offering, as stored.
#[derive(Debug, Clone, Default)]
pub struct PreviousRelease {
    /// Its version.
    pub version: String,
    /// The KPI values of its latest run.
    pub kpis: Vec<KpiValue>,
}

/// What the store knows that a run's KPIs need.
#[derive(Debug, Clone, Default)]
pub struct KpiContext {
    /// Other offerings' latest measured KPIs.
    pub peers: Vec<Peer>,
    /// Earlier runs of this release.
    pub history: Vec<PastRun>,
    /// The previous release, for trends.
    pub previous: Option<PreviousRelease>,
    /// The offering's triage decisions (not a KPI input, but also what the
    /// store knows about this offering), applied to the run's findings.
    pub triage: Vec<sef_model::Triage>,
}

/// Measures every KPI of the run, holds it against its objective and
/// compares it with the previous release. `objectives` are the release's
/// KPOs (see [`sef_process::kpi::kpo::objectives`]).
pub fn compute(
    evidence: &[Evidence],
    tier: Option<Tier>,
    phase: Phase,
    at: chrono::DateTime<chrono::Utc>,
    ctx: &KpiContext,
    objectives: &[Objective],
    max_unknown_percent: u8,
) -> Vec<KpiValue> {
    let inputs = kpi::Inputs {
        evidence,
        tier,
        phase,
        at,
        peers: &ctx.peers,
        history: &ctx.history,
        max_unknown_percent,
    };
    kpi::KPIS
        .iter()
        .map(|def| {
            let outcome = (def.measure)(&inputs);
            let (measurement, detail) = match outcome {
                Outcome::Measured { value, detail } => (
                    KpiMeasurement::Measured {
                        value,
                        unit: def.unit.as_str().to_owned(),
                    },
                    detail,
                ),
                Outcome::NotMeasured { reason } => (KpiMeasurement::NotMeasured { reason }, None),
            };
            let trend = ctx.previous.as_ref().map(|prev| {
                let previous_value = prev
                    .kpis
                    .iter()
                    .find(|k| k.kpi_id == def.id)
                    .and_then(|k| k.measurement.value());
                KpiTrend {
                    previous_release: prev.version.clone(),
                    previous_value,
                    direction: kpi::trend(def.direction, previous_value, measurement.value()),
                }
            });
            let kpo = objectives
                .iter()
                .find(|o| o.kpi == def.id)
                .map(|o| KpoResult {
                    target: o.target.text(def.unit),
                    source: if o.origin.is_some() {
                        "plan"
                    } else {
                        "tier-default"
                    }
                    .to_owned(),
                    status: kpo::status(&o.target, measurement.value()),
                });
            KpiValue {
                kpi_id: def.id.to_owned(),
                name: def.name.to_owned(),
                table: def.table.as_str().to_owned(),
                direction: def.direction.as_str().to_owned(),
                measurement,
                detail,
                kpo,
                trend,
            }
        })
        .collect()
}
