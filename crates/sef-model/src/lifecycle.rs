//! The life of a finding across runs: triage decisions people record, and
//! the history sef derives from the stored runs (first seen, last seen,
//! fixed, reopened).

use crate::names::named_enum;
use crate::{Fingerprint, Severity};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

named_enum! {
    /// A triage decision.
    pub enum TriageStatus {
        /// A real problem, to be fixed.
        Confirmed => "confirmed",
        /// Not a real problem.
        FalsePositive => "false-positive",
        /// A real problem whose risk is accepted (until `expires`).
        Accepted => "accepted",
    }
}

/// One recorded triage decision on a finding (by fingerprint).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Triage {
    /// The decision's id.
    pub id: String,
    /// The offering.
    pub offering: String,
    /// The finding's fingerprint.
    pub fingerprint: Fingerprint,
    /// The decision.
    pub status: TriageStatus,
    /// Why.
    pub reason: String,
    /// Who decided.
    pub decided_by: String,
    /// When.
    pub decided_at: DateTime<Utc>,
    /// For an acceptance: the last day it holds.
    pub expires: Option<NaiveDate>,
    /// The deciding member's signature over the decision
    /// (`sef_sign::decision`), when it was signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

named_enum! {
    /// Where a finding stands across runs.
    pub enum LifecycleState {
        /// Present in the latest complete run of its analyzer.
        Open => "open",
        /// Absent from a later complete run of its analyzer.
        Fixed => "fixed",
        /// Fixed once, present again.
        Reopened => "reopened",
    }
}

/// A finding's history in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingHistory {
    /// The fingerprint.
    pub fingerprint: Fingerprint,
    /// The analyzer that reports it.
    pub analyzer: String,
    /// The rule.
    pub rule_id: String,
    /// The latest severity.
    pub severity: Severity,
    /// The latest location, `path:line`.
    pub location: Option<String>,
    /// The run that first reported it.
    pub first_seen_run: String,
    /// Its release.
    pub first_seen_release: String,
    /// When.
    pub first_seen_at: DateTime<Utc>,
    /// The latest run that reported it.
    pub last_seen_run: String,
    /// When.
    pub last_seen_at: DateTime<Utc>,
    /// Open, fixed or reopened.
    pub state: LifecycleState,
    /// When it was (last) found fixed: the first later complete run of its
    /// analyzer without it.
    pub fixed_at: Option<DateTime<Utc>>,
    /// The release of that run.
    pub fixed_in_release: Option<String>,
    /// How many runs reported it.
    pub occurrences: usize,
}
