//! A release's security requirements: selected from the catalog by PTI
//! tier, extended or narrowed by the plan, each with a status, and traced
//! to the evidence that verifies it.

use crate::catalog;
use crate::{Completeness, Origin, PlanWarning, Tier};
use sef_model::plan::requirements::Category;
pub use sef_model::plan::requirements::{
    Check, CheckState, Coverage, Evaluation, Row, Status, Verification,
};
use std::collections::HashMap;

/// A requirement the plan defines itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Custom {
    /// Its category.
    pub category: Category,
    /// What must hold.
    pub statement: String,
}

/// One `[[requirement]]` entry of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanEntry {
    /// The requirement id: a catalog id, or the plan's own.
    pub id: String,
    /// The recorded status (`planned` when absent).
    pub status: Option<Status>,
    /// Why it does not apply, or other context.
    pub rationale: Option<String>,
    /// What verifies it.
    pub verification: Vec<Verification>,
    /// Present for requirements the plan defines itself.
    pub custom: Option<Custom>,
    /// Where it was written.
    pub origin: Origin,
}

/// Test results by test name: `true` when the test passed. A test is known
/// by its bare name, `class::name` and `class.name`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestResults {
    by_name: HashMap<String, bool>,
    /// How many test cases were read.
    pub cases: usize,
}

impl TestResults {
    /// Records one test case. A name seen twice keeps the worse outcome.
    pub fn record(&mut self, class: &str, name: &str, passed: bool) {
        self.cases += 1;
        let mut put = |k: String| {
            let slot = self.by_name.entry(k).or_insert(passed);
            *slot = *slot && passed;
        };
        put(name.to_owned());
        if !class.is_empty() {
            put(format!("{class}::{name}"));
            put(format!("{class}.{name}"));
        }
    }

    /// `Some(passed)` when a test of that name ran.
    pub fn outcome(&self, name: &str) -> Option<bool> {
        self.by_name.get(name).copied()
    }
}

/// Looks an evidence kind up in the run: `None` when absent, `Some(true)`
/// when complete.
pub type EvidenceLookup<'a> = dyn Fn(&str) -> Option<bool> + 'a;

/// What the engine knows about the repository and the run.
pub struct Facts<'a> {
    /// Test results, or `None` when the plan names no JUnit results.
    pub tests: Option<&'a TestResults>,
    /// Whether a repository path exists.
    pub path_exists: &'a dyn Fn(&str) -> bool,
    /// For an evidence kind of this run: `None` when absent, `Some(true)`
    /// when complete. `None` here when there is no run to look in (a
    /// standalone `sef requirements`): evidence checks are then not measured.
    pub evidence: Option<&'a EvidenceLookup<'a>>,
    /// Catalog requirement ids the threat model's countermeasures select:
    /// selected whatever the tier, with source `threat-model`.
    pub selected: &'a [String],
}

/// Selects and evaluates the requirements. `tier` is the PTI tier, or
/// `None` when the PTI is not done (then every requirement is selected).
pub fn evaluate(
    tier: Option<Tier>,
    entries: &[PlanEntry],
    facts: &Facts<'_>,
) -> (Evaluation, Vec<PlanWarning>) {
    let selection_tier = tier.unwrap_or(Tier::CRITICAL);
    let mut warnings = Vec::new();
    let by_id: HashMap<&str, &PlanEntry> = entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut rows: Vec<Row> = Vec::new();

    let mut push = |id: String,
                    category: Category,
                    statement: String,
                    source: &'static str,
                    tiers: Option<String>,
                    asvs: Vec<String>,
                    cwe: Vec<u32>,
                    entry: Option<&PlanEntry>| {
        let status = entry.and_then(|e| e.status).unwrap_or(Status::Planned);
        let checks: Vec<Check> = entry
            .map(|e| {
                e.verification
                    .iter()
                    .map(|v| Check {
                        verification: v.clone(),
                        state: check(v, facts),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if let Some(e) = entry {
            for c in &checks {
                let what = match &c.verification {
                    Verification::Test(t) => format!("test `{t}`"),
                    Verification::File(f) => format!("file `{f}`"),
                    Verification::Evidence(k) => format!("evidence `{k}`"),
                };
                match c.state {
                    CheckState::Missing => warnings.push(e.origin.warn(format!(
                        "requirement {id}: {what} does not exist{}; fix the reference or produce it",
                        if matches!(c.verification, Verification::Test(_)) {
                            " in the JUnit results"
                        } else {
                            ""
                        }
                    ))),
                    CheckState::Failed => warnings.push(e.origin.warn(format!(
                        "requirement {id}: {what} failed, so the requirement is not verified"
                    ))),
                    _ => {}
                }
            }
            if status == Status::Verified && e.verification.is_empty() {
                warnings.push(e.origin.warn(format!(
                    "requirement {id} is recorded as verified but names no verification; add `verify = {{ test = \"...\" }}` (or file, or evidence)"
                )));
            }
        }
        let verified = status == Status::Verified
            && !checks.is_empty()
            && checks.iter().all(|c| c.state == CheckState::Confirmed);
        rows.push(Row {
            id,
            category,
            statement,
            source: source.to_owned(),
            tiers,
            asvs,
            cwe,
            status,
            rationale: entry.and_then(|e| e.rationale.clone()),
            checks,
            verified,
        });
    };

    for r in catalog::all() {
        let entry = by_id.get(r.id).copied();
        let by_threat = facts.selected.iter().any(|s| s == r.id);
        if !r.applies_to(selection_tier) && entry.is_none() && !by_threat {
            continue;
        }
        push(
            r.id.to_owned(),
            r.category,
            r.statement.to_owned(),
            if r.applies_to(selection_tier) || entry.is_some() {
                "catalog"
            } else {
                "threat-model"
            },
            Some(r.tiers_label()),
            r.asvs.iter().map(|s| (*s).to_owned()).collect(),
            r.cwe.to_vec(),
            entry,
        );
    }
    for e in entries {
        if let Some(c) = &e.custom {
            push(
                e.id.clone(),
                c.category,
                c.statement.clone(),
                "plan",
                None,
                Vec::new(),
                Vec::new(),
                Some(e),
            );
        }
    }
    rows.sort_by_key(|r| {
        Category::ALL
            .iter()
            .position(|c| *c == r.category)
            .unwrap_or(usize::MAX)
    });

    let mut total = Coverage::default();
    let by_category: Vec<(Category, Coverage)> = Category::ALL
        .iter()
        .map(|&c| {
            let mut cov = Coverage::default();
            for r in rows.iter().filter(|r| r.category == c) {
                cov.add(r);
                total.add(r);
            }
            (c, cov)
        })
        .collect();
    let categories_selected = by_category
        .iter()
        .filter(|(_, c)| c.total > c.not_applicable)
        .count();
    let completeness = if entries.is_empty() {
        Completeness::Missing
    } else if total.total > 0 && total.verified + total.not_applicable == total.total {
        Completeness::Complete
    } else {
        Completeness::Partial
    };
    (
        Evaluation {
            tier: selection_tier,
            tier_from_pti: tier.is_some(),
            rows,
            by_category,
            total,
            categories_selected,
            completeness,
        },
        warnings,
    )
}

fn check(v: &Verification, facts: &Facts<'_>) -> CheckState {
    match v {
        Verification::Test(name) => match facts.tests {
            None => CheckState::NotMeasured,
            Some(t) => match t.outcome(name) {
                Some(true) => CheckState::Confirmed,
                Some(false) => CheckState::Failed,
                None => CheckState::Missing,
            },
        },
        Verification::File(path) => {
            if (facts.path_exists)(path) {
                CheckState::Confirmed
            } else {
                CheckState::Missing
            }
        }
        Verification::Evidence(kind) => match facts.evidence.map(|f| f(kind)) {
            None => CheckState::NotMeasured,
            Some(Some(true)) => CheckState::Confirmed,
            Some(Some(false)) => CheckState::Failed,
            Some(None) => CheckState::Missing,
        },
    }
}

#[cfg(test)]
mod tests;
