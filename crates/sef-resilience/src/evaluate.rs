//! The records, judged for one release as of one day: which tests count
//! for the release, which declared scope items a closed test covers, and
//! the open findings (each a sef [`Finding`] with its stable fingerprint).
//!
//! A test counts for the release when it is completed, not in the future,
//! and either names this release or names none and completed within the
//! maximum age. It covers its scope once every finding at or above the
//! retest severity has been retested: found fixed, or found still open (an
//! open finding then blocks the gate unless its risk is accepted).

use crate::record::{State, TestRecord};
use chrono::NaiveDate;
use sef_model::evidence::resilience::{ResilienceTesting, SeverityCounts, TestSummary};
use sef_model::{Cwe, Finding, FindingKind, Location, Severity};
use std::collections::HashMap;

/// The analyzer name findings carry.
pub const ANALYZER: &str = "resilience";

/// The release's policy, from `[resilience]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The declared scope (normalised items).
    pub scope: Vec<String>,
    /// The records folder, as shown.
    pub records_dir: String,
    /// How old a completed test may be.
    pub max_age_days: u32,
    /// Findings at or above this must be retested before a test covers its
    /// scope.
    pub retest_severity: Severity,
}

/// Judges `records` for `release` as of `today`.
pub fn evaluate(
    records: &[TestRecord],
    settings: &Settings,
    release: &str,
    today: NaiveDate,
) -> (ResilienceTesting, Vec<Finding>) {
    let mut order: Vec<&TestRecord> = records.iter().collect();
    // newest first: by completion (in-progress tests first), then start
    order.sort_by(|a, b| {
        (b.completed.is_none(), b.completed, b.started, &b.id).cmp(&(
            a.completed.is_none(),
            a.completed,
            a.started,
            &a.id,
        ))
    });

    // one finding per fingerprint: the newest test that records it decides
    let mut findings: Vec<Finding> = Vec::new();
    let mut seen: HashMap<String, ()> = HashMap::new();
    let mut open = SeverityCounts::default();
    let mut fixed_total = 0usize;
    let mut total = 0usize;

    let mut tests = Vec::new();
    for r in &order {
        let mut s = summary(r, settings, release, today);
        for f in &r.findings {
            let state = r.state_of(&f.id);
            match state {
                State::Open => {
                    s.open += 1;
                    // a finding no retest has looked at yet keeps the test open;
                    // one a retest found still open is the gate's business
                    // (where risk acceptances apply), not the coverage's
                    if f.severity >= settings.retest_severity && !r.retested(&f.id) {
                        s.awaiting_retest += 1;
                    }
                }
                State::Fixed(_) => s.fixed += 1,
            }
            if seen.insert(f.fingerprint.as_str().to_owned(), ()).is_some() {
                continue;
            }
            total += 1;
            match state {
                State::Fixed(_) => fixed_total += 1,
                State::Open => {
                    open.add(f.severity);
                    findings.push(to_finding(r, f));
                }
            }
        }
        if s.awaiting_retest > 0 && s.counts_for_release {
            s.why_not = Some(format!(
                "{} finding(s) at {} or above not yet retested",
                s.awaiting_retest, settings.retest_severity
            ));
        }
        tests.push(s);
    }

    let closed = |t: &TestSummary| t.counts_for_release && t.awaiting_retest == 0;
    let mut covered = Vec::new();
    let mut uncovered = Vec::new();
    let mut awaiting = Vec::new();
    for item in &settings.scope {
        let by = |t: &TestSummary| t.scope.iter().any(|s| crate::scope::covers(s, item));
        if tests.iter().any(|t| closed(t) && by(t)) {
            covered.push(item.clone());
        } else {
            if tests.iter().any(|t| t.counts_for_release && by(t)) {
                awaiting.push(item.clone());
            }
            uncovered.push(item.clone());
        }
    }
    let latest_completed = tests
        .iter()
        .filter(|t| t.counts_for_release)
        .max_by_key(|t| t.completed)
        .map(|t| t.id.clone());
    (
        ResilienceTesting {
            records_dir: settings.records_dir.clone(),
            release: release.to_owned(),
            scope: settings.scope.clone(),
            covered,
            uncovered,
            awaiting_retest: awaiting,
            retest_severity: settings.retest_severity.as_str().to_owned(),
            max_age_days: settings.max_age_days,
            tests,
            latest_completed,
            findings: total,
            open,
            fixed: fixed_total,
        },
        findings,
    )
}

fn summary(r: &TestRecord, settings: &Settings, release: &str, today: NaiveDate) -> TestSummary {
    let age_days = r.completed.map(|c| (today - c).num_days());
    let why_not = match (r.completed, &r.release) {
        (None, _) => Some("in progress: no completion date".to_owned()),
        (Some(c), _) if c > today => Some(format!("its completion date {c} is in the future")),
        (Some(_), Some(rel)) if rel != release => {
            Some(format!("it tested release {rel}, not {release}"))
        }
        (Some(c), None) if age_days.unwrap_or(0) > i64::from(settings.max_age_days) => {
            Some(format!(
                "completed {c}, more than {} days ago",
                settings.max_age_days
            ))
        }
        _ => None,
    };
    TestSummary {
        id: r.id.clone(),
        file: r.file.clone(),
        title: r.title.clone(),
        tester: r.tester.clone(),
        tester_kind: r.tester_kind.as_str().to_owned(),
        method: r.method.as_str().to_owned(),
        started: r.started,
        completed: r.completed,
        release: r.release.clone(),
        scope: r.scope.clone(),
        report_sha256: r.report.as_ref().map(|p| p.sha256.clone()),
        counts_for_release: why_not.is_none(),
        why_not,
        age_days,
        findings: r.findings.len(),
        open: 0,
        fixed: 0,
        awaiting_retest: 0,
        retests: r.retests.len(),
        last_retest: r.retests.iter().map(|t| t.date).max(),
        imports: r.imports.clone(),
    }
}

fn to_finding(r: &TestRecord, f: &crate::record::RecordedFinding) -> Finding {
    let rule_id = match &f.rule {
        Some(rule) => format!("{}:{rule}", f.source),
        None => format!("{}:{}", r.id, f.id),
    };
    let mut out = Finding::open(
        FindingKind::PenetrationTest,
        ANALYZER,
        rule_id,
        f.severity,
        f.fingerprint.clone(),
    );
    out.title = format!("{} (test {}, finding {})", f.title, r.id, f.id);
    out.remediation = format!(
        "fix it, then record a retest of test {} that finds it fixed (`sef pentest retest {}`)",
        r.id, r.id
    );
    out.cwe = f.cwe.map(Cwe).into_iter().collect();
    out.location = Some(Location {
        path: f.location.clone().unwrap_or_else(|| r.file.clone()),
        line: None,
        column: None,
    });
    out
}
