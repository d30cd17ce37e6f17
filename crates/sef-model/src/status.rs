//! The one status model every view reads: how a finding's status follows
//! from the plan's risk acceptance for it, the latest triage decision and
//! the day. The gate, `finding list`, every report and `runs list` call
//! [`resolve`] (through the engine or directly) and count with
//! [`SeverityCounts`](crate::SeverityCounts); none decides on its own.
//!
//! The rules, in order:
//! 1. A finding starts `open` (or `false-positive` when the tool itself
//!    suppressed it).
//! 2. A current plan acceptance makes it `accepted`; an expired one, or one
//!    the plan's acceptance policy refuses, leaves it open and says why.
//! 3. The latest triage decision about this one finding is more specific
//!    and wins: `confirmed` (still open), `false-positive`, or `accepted`
//!    (checked against expiry and policy like a plan acceptance).
//! 4. Across runs, a finding no later complete run reports is `fixed`,
//!    whatever was decided about it.

use crate::{Acceptance, AcceptanceSource, FindingStatus, LifecycleState, Triage, TriageStatus};
use chrono::NaiveDate;

/// The plan's rule for risk acceptances (`[checkpoints]
/// acceptance_max_days`): when set, every acceptance needs an expiry at
/// most that many days after it was granted (a plan entry: after the day
/// of the run; a triage decision: after the day it was recorded).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AcceptancePolicy {
    /// The longest an acceptance may hold, in days; `None`: no limit and
    /// no expiry required.
    pub max_days: Option<u32>,
}

impl AcceptancePolicy {
    /// Why an acceptance granted on `granted` and expiring on `expires`
    /// breaks the policy, or `None` when it keeps it.
    pub fn refusal(self, granted: NaiveDate, expires: Option<NaiveDate>) -> Option<String> {
        let max = self.max_days?;
        match expires {
            None => Some(format!(
                "it has no expiry and the plan requires one within {max} days"
            )),
            Some(e) if (e - granted).num_days() > i64::from(max) => Some(format!(
                "it holds until {e}, more than the plan's {max} days after {granted}"
            )),
            Some(_) => None,
        }
    }
}

/// A finding's status and the acceptance behind it, as of `today`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The status.
    pub status: FindingStatus,
    /// The acceptance that applies (current, expired or refused), if any.
    pub acceptance: Option<Acceptance>,
}

/// Resolves a finding's status from what the tool said (`reported`: open,
/// or false-positive when the tool suppressed it), the plan's acceptance
/// for it (`plan`, if one names it), its latest triage decision and the
/// day, under `policy`.
pub fn resolve(
    reported: FindingStatus,
    plan: Option<&Acceptance>,
    triage: Option<&Triage>,
    today: NaiveDate,
    policy: AcceptancePolicy,
) -> Resolved {
    let mut status = match reported {
        FindingStatus::FalsePositive => FindingStatus::FalsePositive,
        _ => FindingStatus::Open,
    };
    let mut acceptance = plan.map(|a| checked(a.clone(), today, today, policy));
    if let Some(a) = &acceptance
        && a.holds()
        && status == FindingStatus::Open
    {
        status = FindingStatus::Accepted;
    }
    if let Some(t) = triage {
        match t.status {
            TriageStatus::Confirmed => status = FindingStatus::Confirmed,
            TriageStatus::FalsePositive => status = FindingStatus::FalsePositive,
            TriageStatus::Accepted => {
                let a = checked(
                    Acceptance {
                        justification: t.reason.clone(),
                        approver: t.decided_by.clone(),
                        expires: t.expires,
                        expired: false,
                        source: AcceptanceSource::Triage,
                        refused: None,
                        proof: None,
                    },
                    t.decided_at.date_naive(),
                    today,
                    policy,
                );
                status = if a.holds() {
                    FindingStatus::Accepted
                } else {
                    FindingStatus::Open
                };
                acceptance = Some(a);
            }
        }
    }
    Resolved { status, acceptance }
}

/// The status shown across runs: `fixed` when no later complete run
/// reports the finding, else the resolved status.
pub fn across_runs(state: LifecycleState, resolved: FindingStatus) -> FindingStatus {
    if state == LifecycleState::Fixed {
        FindingStatus::Fixed
    } else {
        resolved
    }
}

fn checked(
    mut a: Acceptance,
    granted: NaiveDate,
    today: NaiveDate,
    policy: AcceptancePolicy,
) -> Acceptance {
    a.expired = a.expires.is_some_and(|e| today > e);
    a.refused = policy.refusal(granted, a.expires);
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Fingerprint;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn plan(expires: Option<&str>) -> Acceptance {
        Acceptance {
            justification: "not reachable".into(),
            approver: "ann".into(),
            expires: expires.map(day),
            expired: false,
            source: AcceptanceSource::Plan,
            refused: None,
            proof: None,
        }
    }

    fn triage(status: TriageStatus, on: &str, expires: Option<&str>) -> Triage {
        Triage {
            id: "t".into(),
            offering: "o".into(),
            fingerprint: Fingerprint::from_stored("fp1:x".into()),
            status,
            reason: "why".into(),
            decided_by: "bob".into(),
            decided_at: format!("{on}T10:00:00Z").parse().unwrap(),
            expires: expires.map(day),
            signature: None,
        }
    }

    const NONE: AcceptancePolicy = AcceptancePolicy { max_days: None };

    #[test]
    fn plan_acceptance_holds_until_its_last_day() {
        let a = plan(Some("2027-01-31"));
        let r = resolve(FindingStatus::Open, Some(&a), None, day("2027-01-31"), NONE);
        assert_eq!(r.status, FindingStatus::Accepted);
        let r = resolve(FindingStatus::Open, Some(&a), None, day("2027-02-01"), NONE);
        assert_eq!(r.status, FindingStatus::Open);
        assert!(r.acceptance.unwrap().expired);
    }

    #[test]
    fn triage_is_more_specific_than_the_plan() {
        let a = plan(Some("2027-01-31"));
        let t = triage(TriageStatus::Confirmed, "2026-12-01", None);
        let r = resolve(
            FindingStatus::Open,
            Some(&a),
            Some(&t),
            day("2026-12-02"),
            NONE,
        );
        assert_eq!(r.status, FindingStatus::Confirmed);
        assert!(r.status.is_open());
        let t = triage(TriageStatus::FalsePositive, "2026-12-01", None);
        let r = resolve(FindingStatus::Open, None, Some(&t), day("2026-12-02"), NONE);
        assert_eq!(r.status, FindingStatus::FalsePositive);
        assert!(!r.status.is_open());
    }

    #[test]
    fn an_acceptance_without_expiry_never_expires_unless_the_plan_requires_one() {
        let t = triage(TriageStatus::Accepted, "2026-12-01", None);
        let r = resolve(FindingStatus::Open, None, Some(&t), day("2099-01-01"), NONE);
        assert_eq!(r.status, FindingStatus::Accepted);
        let policy = AcceptancePolicy { max_days: Some(90) };
        let r = resolve(
            FindingStatus::Open,
            None,
            Some(&t),
            day("2026-12-02"),
            policy,
        );
        assert_eq!(r.status, FindingStatus::Open);
        assert!(r.acceptance.unwrap().refused.unwrap().contains("no expiry"));
        let t = triage(TriageStatus::Accepted, "2026-12-01", Some("2027-06-01"));
        let r = resolve(
            FindingStatus::Open,
            None,
            Some(&t),
            day("2026-12-02"),
            policy,
        );
        assert_eq!(r.status, FindingStatus::Open, "182 days > 90");
        let t = triage(TriageStatus::Accepted, "2026-12-01", Some("2027-02-01"));
        let r = resolve(
            FindingStatus::Open,
            None,
            Some(&t),
            day("2026-12-02"),
            policy,
        );
        assert_eq!(r.status, FindingStatus::Accepted);
    }

    #[test]
    fn fixed_wins_across_runs_and_tool_suppressions_stay() {
        assert_eq!(
            across_runs(LifecycleState::Fixed, FindingStatus::Accepted),
            FindingStatus::Fixed
        );
        assert_eq!(
            across_runs(LifecycleState::Reopened, FindingStatus::Open),
            FindingStatus::Open
        );
        let r = resolve(
            FindingStatus::FalsePositive,
            None,
            None,
            day("2026-12-02"),
            NONE,
        );
        assert_eq!(r.status, FindingStatus::FalsePositive);
    }
}
