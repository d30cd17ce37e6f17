//! Key performance objectives: the goal a release sets for a KPI, written
//! in `[kpo]` or taken from the defaults of the PTI tier, and whether the
//! measured value meets it.

use super::{Definition, Direction, Unit};
use crate::{Origin, Tier};
use sef_model::KpoStatus;

/// What a KPO asks of its KPI.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// The value must be at least this (KPIs where higher is better).
    AtLeast(f64),
    /// The value must be at most this (KPIs where lower is better).
    AtMost(f64),
    /// The comparison with other offerings must be at least this:
    /// -1 lower, 0 consistent, 1 higher.
    Comparison(i8),
}

impl Target {
    /// The objective in words, e.g. `>= 90 %`, `<= 30 days`.
    pub fn text(&self, unit: Unit) -> String {
        let u = match unit {
            Unit::Percent => " %",
            Unit::Days => " days",
            Unit::Hours => " h",
            Unit::Count | Unit::Comparison => "",
        };
        match self {
            Target::AtLeast(v) => format!(">= {v}{u}"),
            Target::AtMost(v) => format!("<= {v}{u}"),
            Target::Comparison(c) => format!("at least {}", comparison_word(*c)),
        }
    }

    /// Whether `value` meets the target.
    pub fn met_by(&self, value: f64) -> bool {
        match self {
            Target::AtLeast(t) => value >= *t,
            Target::AtMost(t) => value <= *t,
            Target::Comparison(c) => value >= f64::from(*c),
        }
    }
}

fn comparison_word(c: i8) -> &'static str {
    match c {
        1 => "higher",
        0 => "consistent",
        _ => "lower",
    }
}

/// Parses a comparison word: `higher`, `consistent` or `lower`.
pub fn parse_comparison(s: &str) -> Option<i8> {
    match s {
        "higher" => Some(1),
        "consistent" => Some(0),
        "lower" => Some(-1),
        _ => None,
    }
}

/// A number the KPI's objective cannot take.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TargetError {
    /// NaN or infinite.
    #[error("the objective for `{kpi}` must be a finite number")]
    NotFinite {
        /// The KPI id.
        kpi: String,
    },
    /// A number for a KPI that compares with other offerings.
    #[error(
        "`{kpi}` compares with other offerings: its objective is \"higher\", \"consistent\" or \"lower\", not a number"
    )]
    Comparison {
        /// The KPI id.
        kpi: String,
    },
    /// A percentage outside 0..=100.
    #[error("the objective for `{kpi}` is a percentage: it must be between 0 and 100, got {value}")]
    Percent {
        /// The KPI id.
        kpi: String,
        /// The number given.
        value: f64,
    },
    /// A negative count or duration.
    #[error("the objective for `{kpi}` counts {unit}: it cannot be negative, got {value}")]
    Negative {
        /// The KPI id.
        kpi: String,
        /// What the KPI counts.
        unit: String,
        /// The number given.
        value: f64,
    },
}

/// Builds the target for a KPI from a number written in the plan,
/// refusing values the KPI cannot take (a percentage above 100, a negative
/// count or duration, a number for a comparison).
pub fn numeric_target(def: &Definition, v: f64) -> Result<Target, TargetError> {
    let kpi = def.id.to_owned();
    if !v.is_finite() {
        return Err(TargetError::NotFinite { kpi });
    }
    match def.unit {
        Unit::Comparison => return Err(TargetError::Comparison { kpi }),
        Unit::Percent if !(0.0..=100.0).contains(&v) => {
            return Err(TargetError::Percent { kpi, value: v });
        }
        _ if v < 0.0 => {
            return Err(TargetError::Negative {
                kpi,
                unit: def.unit.to_string(),
                value: v,
            });
        }
        _ => {}
    }
    Ok(match def.direction {
        Direction::Increasing => Target::AtLeast(v),
        Direction::Decreasing => Target::AtMost(v),
    })
}

/// One objective, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    /// The KPI id.
    pub kpi: String,
    /// What it asks.
    pub target: Target,
    /// Written in the plan (with its place) or a tier default (`None`).
    pub origin: Option<Origin>,
}

/// The default objectives of a tier: `(kpi, target per tier 1..=4)`;
/// `None` where the tier sets no objective.
#[allow(clippy::type_complexity)]
#[rustfmt::skip]
const DEFAULTS: [(&str, [Option<Target>; 4]); 13] = {
    use Target::{AtLeast as Min, AtMost as Max, Comparison as Cmp};
    [
        ("quality.secure-engineering-practices", [Some(Min(50.0)), Some(Min(60.0)), Some(Min(70.0)), Some(Min(80.0))]),
        ("quality.integrity-vs-peers", [None, None, Some(Cmp(0)), Some(Cmp(0))]),
        ("integrity.developed-code-review", [Some(Min(50.0)), Some(Min(70.0)), Some(Min(90.0)), Some(Min(100.0))]),
        ("integrity.external-code-review", [None, Some(Min(25.0)), Some(Min(50.0)), Some(Min(75.0))]),
        ("integrity.known-vulnerability-testing", [Some(Min(90.0)), Some(Min(95.0)), Some(Min(100.0)), Some(Min(100.0))]),
        ("integrity.signed-code-and-packages", [None, Some(Min(50.0)), Some(Min(100.0)), Some(Min(100.0))]),
        ("integrity.security-feature-documentation", [Some(Min(50.0)), Some(Min(75.0)), Some(Min(90.0)), Some(Min(100.0))]),
        ("integrity.assurance-review-documentation", [Some(Min(25.0)), Some(Min(50.0)), Some(Min(75.0)), Some(Min(90.0))]),
        ("resilience.design-documentation", [Some(Min(50.0)), Some(Min(75.0)), Some(Min(100.0)), Some(Min(100.0))]),
        ("resilience.deployment-documentation", [Some(Min(50.0)), Some(Min(75.0)), Some(Min(100.0)), Some(Min(100.0))]),
        ("resilience.penetration-testing", [None, None, Some(Min(100.0)), Some(Min(100.0))]),
        ("post-release.time-to-resolution", [Some(Max(90.0)), Some(Max(60.0)), Some(Max(30.0)), Some(Max(14.0))]),
        ("post-release.cve-review-interval", [Some(Max(30.0)), Some(Max(14.0)), Some(Max(7.0)), Some(Max(1.0))]),
    ]
};

/// The default objectives of `tier`.
pub fn defaults(tier: Tier) -> Vec<Objective> {
    let i = usize::from(tier.number() - 1);
    DEFAULTS
        .iter()
        .filter_map(|(kpi, targets)| {
            targets[i].map(|target| Objective {
                kpi: (*kpi).to_owned(),
                target,
                origin: None,
            })
        })
        .collect()
}

/// The objectives of a release: the tier's defaults, replaced KPI by KPI
/// by those the plan writes.
pub fn objectives(tier: Tier, plan: &[Objective]) -> Vec<Objective> {
    let mut out = defaults(tier);
    for p in plan {
        match out.iter_mut().find(|o| o.kpi == p.kpi) {
            Some(slot) => *slot = p.clone(),
            None => out.push(p.clone()),
        }
    }
    out
}

/// Whether a value meets an objective.
pub fn status(target: &Target, value: Option<f64>) -> KpoStatus {
    match value {
        None => KpoStatus::NotMeasured,
        Some(v) if target.met_by(v) => KpoStatus::Met,
        Some(_) => KpoStatus::Missed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::get;

    #[test]
    fn targets_are_checked_against_the_kpi() {
        let pct = get("integrity.known-vulnerability-testing").unwrap();
        assert_eq!(numeric_target(pct, 90.0), Ok(Target::AtLeast(90.0)));
        assert!(
            numeric_target(pct, 101.0)
                .unwrap_err()
                .to_string()
                .contains("between 0 and 100")
        );
        assert!(numeric_target(pct, -1.0).is_err());
        assert!(numeric_target(pct, f64::NAN).is_err());
        let days = get("post-release.time-to-resolution").unwrap();
        assert_eq!(numeric_target(days, 30.0), Ok(Target::AtMost(30.0)));
        assert!(
            numeric_target(days, -3.0)
                .unwrap_err()
                .to_string()
                .contains("cannot be negative")
        );
        let cmp = get("quality.integrity-vs-peers").unwrap();
        assert!(
            numeric_target(cmp, 1.0)
                .unwrap_err()
                .to_string()
                .contains("\"higher\"")
        );
        assert_eq!(parse_comparison("consistent"), Some(0));
        assert_eq!(parse_comparison("better"), None);
    }

    #[test]
    fn status_met_missed_not_measured() {
        assert_eq!(status(&Target::AtLeast(90.0), Some(90.0)), KpoStatus::Met);
        assert_eq!(
            status(&Target::AtLeast(90.0), Some(89.9)),
            KpoStatus::Missed
        );
        assert_eq!(status(&Target::AtMost(7.0), Some(3.0)), KpoStatus::Met);
        assert_eq!(status(&Target::AtMost(7.0), Some(8.0)), KpoStatus::Missed);
        assert_eq!(status(&Target::Comparison(0), Some(1.0)), KpoStatus::Met);
        assert_eq!(
            status(&Target::Comparison(0), Some(-1.0)),
            KpoStatus::Missed
        );
        assert_eq!(status(&Target::AtLeast(1.0), None), KpoStatus::NotMeasured);
    }

    #[test]
    fn defaults_scale_with_the_tier_and_the_plan_overrides() {
        for (kpi, _) in DEFAULTS {
            assert!(get(kpi).is_some(), "{kpi}");
        }
        let t1 = defaults(Tier::LOW);
        let t4 = defaults(Tier::CRITICAL);
        assert!(t4.len() > t1.len());
        let kv = |o: &[Objective]| {
            o.iter()
                .find(|o| o.kpi == "integrity.known-vulnerability-testing")
                .unwrap()
                .target
        };
        assert_eq!(kv(&t1), Target::AtLeast(90.0));
        assert_eq!(kv(&t4), Target::AtLeast(100.0));
        let plan = vec![Objective {
            kpi: "integrity.known-vulnerability-testing".into(),
            target: Target::AtLeast(80.0),
            origin: Some(Origin::default()),
        }];
        let all = objectives(Tier::CRITICAL, &plan);
        assert_eq!(kv(&all), Target::AtLeast(80.0));
        assert_eq!(all.len(), t4.len());
        assert_eq!(Target::AtMost(7.0).text(Unit::Days), "<= 7 days");
        assert_eq!(
            Target::Comparison(1).text(Unit::Comparison),
            "at least higher"
        );
    }
}
