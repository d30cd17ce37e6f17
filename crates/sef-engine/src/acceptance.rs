//! Risk acceptances from the plan applied to a run's findings: a finding
//! whose rule id or alias (and package, when the acceptance names one)
//! matches a current acceptance becomes `accepted`; an expired acceptance
//! leaves it open and says so. Pure logic.

use chrono::NaiveDate;
use sef_model::{Acceptance, Finding, FindingStatus};
use sef_plan::RiskAcceptance;

/// Applies the store's triage decisions (oldest first; the latest of a
/// fingerprint wins) as of `today`, after the plan's risk acceptances: a
/// decision about one finding is more specific than one about an advisory.
/// An expired triage acceptance opens the finding again, with a note.
pub fn apply_triage(
    findings: &mut [Finding],
    triage: &[sef_model::Triage],
    today: NaiveDate,
) -> Vec<String> {
    use sef_model::TriageStatus;
    let mut latest: std::collections::HashMap<&str, &sef_model::Triage> =
        std::collections::HashMap::new();
    for t in triage {
        latest.insert(t.fingerprint.as_str(), t);
    }
    let mut notes = Vec::new();
    for f in findings.iter_mut() {
        let Some(t) = latest.get(f.fingerprint.as_str()) else {
            continue;
        };
        match t.status {
            TriageStatus::Confirmed => f.status = FindingStatus::Confirmed,
            TriageStatus::FalsePositive => f.status = FindingStatus::FalsePositive,
            TriageStatus::Accepted => {
                let expires = t.expires.unwrap_or(NaiveDate::MAX);
                let expired = today > expires;
                f.acceptance = Some(Acceptance {
                    justification: t.reason.clone(),
                    approver: t.decided_by.clone(),
                    expires,
                    expired,
                });
                f.status = if expired {
                    notes.push(format!(
                        "{} {}: accepted by {} until {expires}, expired: open again",
                        f.rule_id, f.fingerprint, t.decided_by
                    ));
                    FindingStatus::Open
                } else {
                    FindingStatus::Accepted
                };
            }
        }
    }
    notes
}

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

#[cfg(test)]
mod triage_tests {
    use super::*;
    use sef_model::{Fingerprint, Triage, TriageStatus};

    fn finding(fp: &str) -> Finding {
        Finding {
            id: sef_model::FindingId::generate(),
            kind: sef_model::FindingKind::StaticAnalysis,
            analyzer: "sarif:t".into(),
            rule_id: "r".into(),
            title: "t".into(),
            remediation: "x".into(),
            cwe: vec![],
            severity: sef_model::Severity::High,
            location: None,
            fingerprint: Fingerprint::from_stored(fp.into()),
            status: FindingStatus::Open,
            package: None,
            aliases: vec![],
            acceptance: None,
            cvss: None,
            references: vec![],
            dependency_path: vec![],
        }
    }

    fn t(fp: &str, status: TriageStatus, expires: Option<&str>) -> Triage {
        Triage {
            id: fp.into(),
            offering: "o".into(),
            fingerprint: Fingerprint::from_stored(fp.into()),
            status,
            reason: "because".into(),
            decided_by: "ana".into(),
            decided_at: chrono::Utc::now(),
            expires: expires.map(|e| NaiveDate::parse_from_str(e, "%Y-%m-%d").unwrap()),
        }
    }

    #[test]
    fn latest_decision_wins_and_expired_acceptances_reopen() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let mut f = vec![finding("a"), finding("b"), finding("c"), finding("d")];
        let decisions = vec![
            t("a", TriageStatus::Accepted, Some("2026-12-31")),
            t("a", TriageStatus::Confirmed, None),
            t("b", TriageStatus::FalsePositive, None),
            t("c", TriageStatus::Accepted, Some("2026-11-27")),
        ];
        let notes = apply_triage(&mut f, &decisions, today);
        assert_eq!(f[0].status, FindingStatus::Confirmed);
        assert_eq!(f[1].status, FindingStatus::FalsePositive);
        assert_eq!(f[2].status, FindingStatus::Open);
        assert!(f[2].acceptance.as_ref().unwrap().expired);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("expired: open again"));
        assert_eq!(f[3].status, FindingStatus::Open);
        // an acceptance that holds through its last day
        let mut g = vec![finding("e")];
        apply_triage(
            &mut g,
            &[t("e", TriageStatus::Accepted, Some("2026-11-28"))],
            today,
        );
        assert_eq!(g[0].status, FindingStatus::Accepted);
    }
}
