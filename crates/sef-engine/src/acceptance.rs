//! Risk acceptances from the plan applied to a run's findings: a finding
//! whose rule id or alias (and package, when the acceptance names one)
//! matches a current acceptance becomes `accepted`; an expired acceptance
//! leaves it open and says so. Pure logic.

use chrono::NaiveDate;
use sef_model::{Acceptance, Finding, FindingStatus};
use sef_plan::RiskAcceptance;

/// Applies `acceptances` as of `today`; returns notes for the report
/// (expired acceptances, acceptances that match nothing).
pub fn apply(
    findings: &mut [Finding],
    acceptances: &[RiskAcceptance],
    today: NaiveDate,
) -> Vec<String> {
    let mut notes = Vec::new();
    for a in acceptances {
        let expired = today > a.expires;
        let mut matched = 0usize;
        for f in findings.iter_mut() {
            let package_ok = a.package.as_deref().is_none_or(|p| {
                f.package
                    .as_deref()
                    .is_some_and(|fp| fp.eq_ignore_ascii_case(p))
            });
            // A finding already accepted by an earlier, current entry stays so.
            if !f.is_known_as(&a.id) || !package_ok || f.status == FindingStatus::Accepted {
                continue;
            }
            matched += 1;
            f.acceptance = Some(Acceptance {
                justification: a.justification.clone(),
                approver: a.approver.clone(),
                expires: a.expires,
                expired,
            });
            f.status = if expired {
                FindingStatus::Open
            } else {
                FindingStatus::Accepted
            };
        }
        let scope = a
            .package
            .as_deref()
            .map(|p| format!(" on {p}"))
            .unwrap_or_default();
        if matched == 0 {
            notes.push(format!(
                "risk acceptance for {}{scope} (sef.toml line {}) matches no finding; remove it if the risk is gone",
                a.id, a.line
            ));
        } else if expired {
            notes.push(format!(
                "risk acceptance for {}{scope} (sef.toml line {}) expired on {}: {matched} finding(s) open again",
                a.id, a.line, a.expires
            ));
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use sef_model::{FindingId, FindingKind, Fingerprint, Severity};

    fn finding(id: &str, aliases: &[&str], package: &str) -> Finding {
        Finding {
            id: FindingId::generate(),
            kind: FindingKind::Vulnerability,
            analyzer: "vulnerabilities".into(),
            rule_id: id.into(),
            title: String::new(),
            remediation: String::new(),
            cwe: Vec::new(),
            severity: Severity::High,
            location: None,
            fingerprint: Fingerprint::compute([id, package]),
            status: FindingStatus::Open,
            package: Some(package.into()),
            aliases: aliases.iter().map(|s| (*s).to_owned()).collect(),
            acceptance: None,
            cvss: None,
            references: Vec::new(),
            dependency_path: Vec::new(),
        }
    }

    fn acceptance(id: &str, package: Option<&str>, expires: &str) -> RiskAcceptance {
        RiskAcceptance {
            id: id.into(),
            package: package.map(str::to_owned),
            justification: "not reachable".into(),
            approver: "Jane".into(),
            expires: NaiveDate::parse_from_str(expires, "%Y-%m-%d").unwrap(),
            line: 7,
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn current_acceptance_accepts_by_id_or_alias() {
        let mut f = vec![
            finding("RUSTSEC-2021-0001", &["CVE-2020-26297"], "mdbook"),
            finding("GHSA-x", &[], "other"),
        ];
        let notes = apply(
            &mut f,
            &[acceptance("cve-2020-26297", None, "2027-01-01")],
            day("2026-11-28"),
        );
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(f[0].status, FindingStatus::Accepted);
        assert!(!f[0].acceptance.as_ref().unwrap().expired);
        assert_eq!(f[1].status, FindingStatus::Open);
        assert!(f[1].acceptance.is_none());
    }

    #[test]
    fn the_last_day_still_holds_and_the_next_does_not() {
        let a = [acceptance("RUSTSEC-2021-0001", None, "2026-11-28")];
        let mut f = vec![finding("RUSTSEC-2021-0001", &[], "mdbook")];
        apply(&mut f, &a, day("2026-11-28"));
        assert_eq!(f[0].status, FindingStatus::Accepted);
        let mut f = vec![finding("RUSTSEC-2021-0001", &[], "mdbook")];
        let notes = apply(&mut f, &a, day("2026-11-29"));
        assert_eq!(f[0].status, FindingStatus::Open);
        assert!(f[0].acceptance.as_ref().unwrap().expired);
        assert!(notes[0].contains("expired on 2026-11-28"), "{notes:?}");
    }

    #[test]
    fn package_scope_and_unused_acceptances() {
        let mut f = vec![finding("X-1", &[], "a"), finding("X-1", &[], "b")];
        let notes = apply(
            &mut f,
            &[
                acceptance("X-1", Some("B"), "2030-01-01"),
                acceptance("Y-2", None, "2030-01-01"),
            ],
            day("2026-11-28"),
        );
        assert_eq!(f[0].status, FindingStatus::Open);
        assert_eq!(f[1].status, FindingStatus::Accepted);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("Y-2") && notes[0].contains("matches no finding"));
    }

    #[test]
    fn a_current_acceptance_wins_over_an_expired_one() {
        let mut f = vec![finding("X-1", &[], "a")];
        apply(
            &mut f,
            &[
                acceptance("X-1", None, "2030-01-01"),
                acceptance("X-1", None, "2020-01-01"),
            ],
            day("2026-11-28"),
        );
        assert_eq!(f[0].status, FindingStatus::Accepted);
    }
}
