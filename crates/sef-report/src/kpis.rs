//! The KPI table: value, objective and trend per KPI, and the reasons the
//! others are not measured (grouped, since several KPIs often wait on the
//! same evidence). Shared by every format.

use sef_model::{KpiMeasurement, KpiValue, KpoStatus, TrendDirection};

/// A KPI's value in words: `75.0 %`, `10.0 days`, `higher`, `not measured`.
pub(crate) fn value_text(k: &KpiValue) -> String {
    match &k.measurement {
        KpiMeasurement::NotMeasured { .. } => "not measured".to_owned(),
        KpiMeasurement::Measured { value, unit } => match unit.as_str() {
            "percent" => format!("{value:.1} %"),
            "days" => format!("{value:.1} days"),
            "hours" => format!("{value:.1} h"),
            "comparison" => match value.partial_cmp(&0.0) {
                Some(std::cmp::Ordering::Greater) => "higher".to_owned(),
                Some(std::cmp::Ordering::Less) => "lower".to_owned(),
                _ => "consistent".to_owned(),
            },
            _ => format!("{value}"),
        },
    }
}

/// The objective and its status, or `-`.
pub(crate) fn kpo_text(k: &KpiValue) -> String {
    match &k.kpo {
        None => "-".to_owned(),
        Some(o) => format!(
            "{}: {}",
            o.target,
            match o.status {
                KpoStatus::Met => "met",
                KpoStatus::Missed => "MISSED",
                KpoStatus::NotMeasured => "not measured",
            }
        ),
    }
}

/// The trend against the previous release, or `-`.
pub(crate) fn trend_text(k: &KpiValue) -> String {
    let Some(t) = &k.trend else {
        return "-".to_owned();
    };
    let prev = t
        .previous_value
        .map(|v| format!("{v:.1}"))
        .unwrap_or_else(|| "not measured".to_owned());
    match t.direction {
        TrendDirection::Improved => format!("improved (from {prev} in {})", t.previous_release),
        TrendDirection::Held => format!("held (as in {})", t.previous_release),
        TrendDirection::Regressed => {
            format!("REGRESSED (from {prev} in {})", t.previous_release)
        }
        TrendDirection::NotComparable => format!("not comparable ({}: {prev})", t.previous_release),
    }
}

/// The KPI's id without its table prefix.
pub(crate) fn short_id(k: &KpiValue) -> &str {
    k.kpi_id.split_once('.').map_or(&k.kpi_id, |(_, r)| r)
}

/// The not-measured KPIs grouped by reason, in first-seen order.
pub(crate) fn not_measured(kpis: &[KpiValue]) -> Vec<(String, Vec<&str>)> {
    let mut out: Vec<(String, Vec<&str>)> = Vec::new();
    for k in kpis {
        if let KpiMeasurement::NotMeasured { reason } = &k.measurement {
            match out.iter_mut().find(|(r, _)| r == reason) {
                Some((_, ids)) => ids.push(&k.kpi_id),
                None => out.push((reason.clone(), vec![&k.kpi_id])),
            }
        }
    }
    out
}

/// `n of m measured`.
pub(crate) fn headline(kpis: &[KpiValue]) -> String {
    let measured = kpis
        .iter()
        .filter(|k| k.measurement.value().is_some())
        .count();
    format!("{measured} of {} measured", kpis.len())
}
