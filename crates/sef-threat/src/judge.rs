//! The model's risks and tracking judged on a day: the `threat-model`
//! payload and a finding for each unmitigated risk at or above the
//! tracking severity (docs/threat-model.md, "How a release is judged").
//!
//! A risk counts as handled when its tracking entry says mitigated, false
//! positive, or accepted by an approver the plan allows, not expired, and
//! within the plan's longest acceptance. A review counts when the model's
//! digest is unchanged since, the reviewer is an architect of the team,
//! and it is at most `review_max_age_days` old.

use crate::load::Model;
use crate::risk::Outcome;
use crate::tracking::{Status, Tracking};
use chrono::NaiveDate;
use sef_model::evidence::resilience::SeverityCounts;
use sef_model::evidence::threat::{ModelCounts, ReviewRow, RiskRow, ThreatModelPayload};
use sef_model::{Cwe, Finding, FindingKind, Fingerprint, Location, Severity};
use std::collections::BTreeSet;

/// The analyzer id findings carry.
pub const ANALYZER: &str = "threat-model";

/// What the plan and the team say.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Risks at or above this must be tracked and handled.
    pub high_from: Severity,
    /// How old a review may be.
    pub review_max_age_days: u32,
    /// Team members with the architect role: who may review.
    pub architects: Vec<String>,
    /// Team members who may accept a risk; `None` when the plan has no team
    /// (then no acceptance is honoured).
    pub approvers: Option<Vec<String>>,
    /// The longest acceptance, in days, when the plan limits it.
    pub acceptance_max_days: Option<u32>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            high_from: Severity::High,
            review_max_age_days: 365,
            architects: Vec::new(),
            approvers: None,
            acceptance_max_days: None,
        }
    }
}

/// Everything judged.
pub struct Input<'a> {
    /// The model.
    pub model: &'a Model,
    /// Its digest.
    pub digest: &'a str,
    /// What the rules found.
    pub outcome: &'a Outcome,
    /// The tracking file.
    pub tracking: &'a Tracking,
    /// The plan's rule files.
    pub rule_files: &'a [String],
}

/// Judges the model on `today`.
pub fn judge(i: &Input<'_>, s: &Settings, today: NaiveDate) -> (ThreatModelPayload, Vec<Finding>) {
    let mut by_severity = SeverityCounts::default();
    let mut rows = Vec::new();
    let mut untracked_high = Vec::new();
    let mut unmitigated_high = Vec::new();
    let mut findings = Vec::new();
    let mut countermeasures: BTreeSet<String> = BTreeSet::new();
    for r in &i.outcome.risks {
        by_severity.add(r.severity);
        countermeasures.extend(r.countermeasures.iter().cloned());
        let entry = i.tracking.risks.get(&r.id);
        let (status, mitigated_by, note, handled) = match entry {
            None => ("untracked".to_owned(), None, None, false),
            Some(e) => {
                let (note, handled) = match e.status {
                    Status::Mitigated | Status::FalsePositive => (None, true),
                    Status::Unchecked | Status::InProgress => (None, false),
                    Status::Accepted => match acceptance_problem(e, s, today) {
                        Some(p) => (Some(p), false),
                        None => (None, true),
                    },
                };
                let by = if e.status == Status::Mitigated {
                    e.requirement.clone().or_else(|| e.evidence.clone())
                } else {
                    None
                };
                (e.status.as_str().to_owned(), by, note, handled)
            }
        };
        let high = r.severity >= s.high_from;
        if high && entry.is_none() {
            untracked_high.push(r.id.clone());
        }
        if high && !handled {
            unmitigated_high.push(r.id.clone());
            findings.push(finding(r, note.as_deref()));
        }
        rows.push(RiskRow {
            id: r.id.clone(),
            rule: r.rule.clone(),
            title: r.title.clone(),
            stride: r.stride.as_str().to_owned(),
            cwe: r.cwe.clone(),
            capec: r.capec.clone(),
            element: r.element.clone(),
            element_kind: r.kind.as_str().to_owned(),
            impact: r.impact.as_str().to_owned(),
            likelihood: r.likelihood.as_str().to_owned(),
            severity: r.severity,
            status,
            mitigated_by,
            status_note: note,
            countermeasures: r.countermeasures.clone(),
            file: r.place.file.clone(),
            line: r.place.at.line,
        });
    }
    let known: BTreeSet<&str> = i
        .outcome
        .risks
        .iter()
        .map(|r| r.id.as_str())
        .chain(i.outcome.mitigated_in_model.iter().map(String::as_str))
        .collect();
    let stale_tracking = i
        .tracking
        .risks
        .keys()
        .filter(|k| !known.contains(k.as_str()))
        .cloned()
        .collect();
    let last_review = i.tracking.last_review().map(|r| {
        let age_days = (today - r.date).num_days();
        ReviewRow {
            reviewer: r.reviewer.clone(),
            date: r.date,
            digest: r.digest.clone(),
            current: r.digest == i.digest,
            by_architect: s.architects.iter().any(|a| a == &r.reviewer),
            age_days,
        }
    });
    let reviewed = last_review.as_ref().is_some_and(|r| {
        r.current
            && r.by_architect
            && r.age_days >= 0
            && r.age_days <= i64::from(s.review_max_age_days)
    });
    let m = i.model;
    let payload = ThreatModelPayload {
        files: m.files.clone(),
        title: m.title.clone(),
        digest: i.digest.to_owned(),
        counts: ModelCounts {
            data_assets: m.data_assets.len(),
            technical_assets: m.technical_assets.len(),
            actors: m.actors.len(),
            data_flows: m.data_flows.len(),
            trust_boundaries: m.trust_boundaries.len(),
        },
        rules: i.outcome.rules,
        rule_files: i.rule_files.to_vec(),
        risks: rows,
        by_severity,
        mitigated_in_model: i.outcome.mitigated_in_model.len(),
        untracked_high,
        unmitigated_high,
        high_from: s.high_from,
        last_review,
        review_max_age_days: s.review_max_age_days,
        reviewed,
        stale_tracking,
        countermeasures: countermeasures.into_iter().collect(),
        diagram_svg: None,
        diagram_text: crate::diagram::text_alternative(m),
    };
    (payload, findings)
}

/// Why an acceptance does not count, or `None` when it does.
fn acceptance_problem(
    e: &crate::tracking::Entry,
    s: &Settings,
    today: NaiveDate,
) -> Option<String> {
    let approver = e.approver.as_deref().unwrap_or_default();
    match &s.approvers {
        None => return Some("the plan has no [team], so no acceptance is honoured".into()),
        Some(list) if !list.iter().any(|a| a == approver) => {
            return Some(format!(
                "approver `{approver}` is not a team member with a role that may accept risks"
            ));
        }
        Some(_) => {}
    }
    if let Some(x) = e.expires
        && today > x
    {
        return Some(format!("the acceptance expired on {x}"));
    }
    if let (Some(max), Some(g), Some(x)) = (s.acceptance_max_days, e.granted, e.expires)
        && (x - g).num_days() > i64::from(max)
    {
        return Some(format!(
            "the acceptance runs {} days, longer than the plan's acceptance_max_days = {max}",
            (x - g).num_days()
        ));
    }
    None
}

/// The finding a risk becomes (an unmitigated risk at or above the
/// tracking severity, or any risk `sef threat list -f sarif` shows).
pub fn finding(r: &crate::risk::Risk, note: Option<&str>) -> Finding {
    let mut f = Finding::open(
        FindingKind::ThreatRisk,
        ANALYZER,
        r.rule.clone(),
        r.severity,
        Fingerprint::compute(["threat-model", r.id.as_str()]),
    );
    f.title = format!("{} ({}, risk {})", r.title, r.element_name, r.id);
    let cm = if r.countermeasures.is_empty() {
        String::new()
    } else {
        format!(" with {}", r.countermeasures.join(", "))
    };
    f.remediation = format!(
        "counter it{cm} and record it (`sef threat track {} --status mitigated --requirement ID`), or accept it with an approver and an expiry{}",
        r.id,
        note.map(|n| format!("; {n}")).unwrap_or_default()
    );
    f.cwe = r.cwe.iter().copied().map(Cwe).collect();
    f.location = Some(Location {
        path: r.place.file.clone(),
        line: Some(r.place.at.line),
        column: Some(r.place.at.col),
    });
    f
}
