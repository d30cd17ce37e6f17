//! Risk acceptances and triage decisions applied to a run's findings. The
//! plan's `[[risk_acceptances]]` are matched here (by advisory or rule id
//! or alias, by package, or both); the status itself follows from the one
//! model in [`sef_model::status`], which `sef finding list` reads too.
//! Pure logic.

use chrono::NaiveDate;
use sef_model::status::{AcceptancePolicy, resolve};
use sef_model::{Acceptance, AcceptanceSource, Finding, FindingKind, Triage};
use sef_plan::RiskAcceptance;
use std::collections::HashMap;

/// Whether a plan entry names this finding: its advisory (rule id or
/// alias), in its package when it names one; an entry naming only a
/// package covers every advisory of that package.
pub fn covers(a: &RiskAcceptance, f: &Finding) -> bool {
    let package_ok = a.package.as_deref().is_none_or(|p| {
        f.package
            .as_deref()
            .is_some_and(|fp| fp.eq_ignore_ascii_case(p))
    });
    let id_ok = match a.id.as_deref() {
        Some(id) => f.is_known_as(id),
        None => matches!(
            f.kind,
            FindingKind::Vulnerability | FindingKind::AdvisoryWarning
        ),
    };
    package_ok && id_ok
}

/// How an entry reads in notes: "RUSTSEC-x on openssl", "CVE-x in every
/// package", "every advisory of openssl".
fn scope(a: &RiskAcceptance) -> String {
    match (a.id.as_deref(), a.package.as_deref()) {
        (Some(id), Some(p)) => format!("{id} on {p}"),
        (Some(id), None) => format!("{id} in every package"),
        (None, Some(p)) => format!("every advisory of {p}"),
        (None, None) => "nothing".to_owned(),
    }
}

fn from_plan(a: &RiskAcceptance) -> Acceptance {
    Acceptance {
        justification: a.justification.clone(),
        approver: a.approver.clone(),
        expires: Some(a.expires),
        expired: false,
        source: AcceptanceSource::Plan,
        refused: None,
    }
}

/// Applies the plan's acceptances, then the store's triage decisions
/// (oldest first; the latest of a fingerprint wins), as of `today` under
/// the plan's acceptance `policy`. Returns notes for the report: what each
/// entry covers, entries that expired, were refused or match nothing, and
/// triage acceptances that no longer hold.
pub fn apply(
    findings: &mut [Finding],
    acceptances: &[RiskAcceptance],
    triage: &[Triage],
    today: NaiveDate,
    policy: AcceptancePolicy,
) -> Vec<String> {
    let mut latest: HashMap<&str, &Triage> = HashMap::new();
    for t in triage {
        latest.insert(t.fingerprint.as_str(), t);
    }
    let mut covered = vec![0usize; acceptances.len()];
    let mut notes = Vec::new();
    for f in findings.iter_mut() {
        // the first current entry that names the finding, else the first
        // (expired) one
        let matching: Vec<usize> = (0..acceptances.len())
            .filter(|&i| covers(&acceptances[i], f))
            .collect();
        let chosen = matching
            .iter()
            .copied()
            .find(|&i| today <= acceptances[i].expires)
            .or_else(|| matching.first().copied());
        if let Some(i) = chosen {
            covered[i] += 1;
        }
        let plan = chosen.map(|i| from_plan(&acceptances[i]));
        let t = latest.get(f.fingerprint.as_str()).copied();
        let r = resolve(f.status, plan.as_ref(), t, today, policy);
        if let (Some(t), Some(a)) = (t, &r.acceptance)
            && a.source == AcceptanceSource::Triage
            && !a.holds()
        {
            notes.push(format!(
                "{} {}: {}",
                f.rule_id,
                f.fingerprint,
                a.describe().replace(&format!(": {}", t.reason), "")
            ));
        }
        f.status = r.status;
        f.acceptance = r.acceptance;
    }
    for (a, n) in acceptances.iter().zip(covered) {
        let what = scope(a);
        let refusal = policy.refusal(today, Some(a.expires));
        if n == 0 {
            notes.push(format!(
                "risk acceptance for {what} (sef.toml line {}) matches no finding; remove it if the risk is gone",
                a.line
            ));
        } else if today > a.expires {
            notes.push(format!(
                "risk acceptance for {what} (sef.toml line {}) expired on {}: {n} finding(s) open again",
                a.line, a.expires
            ));
        } else if let Some(why) = refusal {
            notes.push(format!(
                "risk acceptance for {what} (sef.toml line {}) not honoured: {why}; {n} finding(s) stay open",
                a.line
            ));
        } else {
            notes.push(format!(
                "risk acceptance for {what} (sef.toml line {}) covers {n} finding(s) until {}",
                a.line, a.expires
            ));
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use sef_model::{FindingStatus, Fingerprint, Severity, TriageStatus};

    const NO_POLICY: AcceptancePolicy = AcceptancePolicy { max_days: None };

    fn finding(id: &str, aliases: &[&str], package: &str) -> Finding {
        Finding {
            package: Some(package.into()),
            aliases: aliases.iter().map(|s| (*s).to_owned()).collect(),
            ..Finding::open(
                FindingKind::Vulnerability,
                "vulnerabilities",
                id,
                Severity::High,
                Fingerprint::compute([id, package]),
            )
        }
    }

    fn acceptance(id: Option<&str>, package: Option<&str>, expires: &str) -> RiskAcceptance {
        RiskAcceptance {
            id: id.map(str::to_owned),
            package: package.map(str::to_owned),
            justification: "not reachable".into(),
            approver: "Jane".into(),
            expires: day(expires),
            line: 7,
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn plan_only(f: &mut [Finding], a: &[RiskAcceptance], today: &str) -> Vec<String> {
        apply(f, a, &[], day(today), NO_POLICY)
    }

    #[test]
    fn current_acceptance_accepts_by_id_or_alias_and_says_what_it_covers() {
        let mut f = vec![
            finding("RUSTSEC-2021-0001", &["CVE-2020-26297"], "mdbook"),
            finding("GHSA-x", &[], "other"),
        ];
        let notes = plan_only(
            &mut f,
            &[acceptance(Some("cve-2020-26297"), None, "2027-01-01")],
            "2026-11-28",
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].contains("covers 1 finding(s) until 2027-01-01"),
            "{notes:?}"
        );
        assert_eq!(f[0].status, FindingStatus::Accepted);
        assert!(!f[0].acceptance.as_ref().unwrap().expired);
        assert_eq!(f[1].status, FindingStatus::Open);
        assert!(f[1].acceptance.is_none());
    }

    #[test]
    fn the_last_day_still_holds_and_the_next_does_not() {
        let a = [acceptance(Some("RUSTSEC-2021-0001"), None, "2026-11-28")];
        let mut f = vec![finding("RUSTSEC-2021-0001", &[], "mdbook")];
        plan_only(&mut f, &a, "2026-11-28");
        assert_eq!(f[0].status, FindingStatus::Accepted);
        let mut f = vec![finding("RUSTSEC-2021-0001", &[], "mdbook")];
        let notes = plan_only(&mut f, &a, "2026-11-29");
        assert_eq!(f[0].status, FindingStatus::Open);
        assert!(f[0].acceptance.as_ref().unwrap().expired);
        assert!(notes[0].contains("expired on 2026-11-28"), "{notes:?}");
    }

    #[test]
    fn package_scope_and_unused_acceptances() {
        let mut f = vec![finding("X-1", &[], "a"), finding("X-1", &[], "b")];
        let notes = plan_only(
            &mut f,
            &[
                acceptance(Some("X-1"), Some("B"), "2030-01-01"),
                acceptance(Some("Y-2"), None, "2030-01-01"),
            ],
            "2026-11-28",
        );
        assert_eq!(f[0].status, FindingStatus::Open);
        assert_eq!(f[1].status, FindingStatus::Accepted);
        assert!(notes[1].contains("Y-2") && notes[1].contains("matches no finding"));
    }

    #[test]
    fn one_entry_covers_every_advisory_of_a_package_or_one_advisory_everywhere() {
        let mut f = vec![
            finding("X-1", &[], "openssl"),
            finding("X-2", &[], "openssl"),
            finding("X-3", &[], "zlib"),
            finding("X-3", &[], "curl"),
        ];
        let notes = plan_only(
            &mut f,
            &[
                acceptance(None, Some("OpenSSL"), "2027-01-01"),
                acceptance(Some("X-3"), None, "2027-01-01"),
            ],
            "2026-12-01",
        );
        assert!(f.iter().all(|f| f.status == FindingStatus::Accepted));
        assert!(notes[0].contains("every advisory of OpenSSL") && notes[0].contains("covers 2"));
        assert!(notes[1].contains("X-3 in every package") && notes[1].contains("covers 2"));
        // and it still expires
        let mut f = vec![finding("X-1", &[], "openssl")];
        let notes = plan_only(
            &mut f,
            &[acceptance(None, Some("openssl"), "2026-01-01")],
            "2026-12-01",
        );
        assert_eq!(f[0].status, FindingStatus::Open);
        assert!(notes[0].contains("expired on 2026-01-01: 1 finding(s) open again"));
        // a package-wide entry does not reach static-analysis results
        let mut sa = Finding::open(
            FindingKind::StaticAnalysis,
            "sarif:x",
            "r",
            Severity::High,
            Fingerprint::compute(["r"]),
        );
        sa.package = Some("openssl".into());
        assert!(!covers(
            &acceptance(None, Some("openssl"), "2027-01-01"),
            &sa
        ));
    }

    #[test]
    fn a_current_acceptance_wins_over_an_expired_one() {
        let mut f = vec![finding("X-1", &[], "a")];
        plan_only(
            &mut f,
            &[
                acceptance(Some("X-1"), None, "2020-01-01"),
                acceptance(Some("X-1"), None, "2030-01-01"),
            ],
            "2026-11-28",
        );
        assert_eq!(f[0].status, FindingStatus::Accepted);
    }

    #[test]
    fn the_plan_policy_refuses_long_acceptances() {
        let mut f = vec![finding("X-1", &[], "a")];
        let notes = apply(
            &mut f,
            &[acceptance(Some("X-1"), None, "2028-01-01")],
            &[],
            day("2026-12-01"),
            AcceptancePolicy { max_days: Some(90) },
        );
        assert_eq!(f[0].status, FindingStatus::Open);
        assert!(notes[0].contains("not honoured"), "{notes:?}");
    }

    fn t(fp: &Fingerprint, status: TriageStatus, expires: Option<&str>) -> Triage {
        Triage {
            id: fp.to_string(),
            offering: "o".into(),
            fingerprint: fp.clone(),
            status,
            reason: "because".into(),
            decided_by: "ana".into(),
            decided_at: "2026-11-20T00:00:00Z".parse().unwrap(),
            expires: expires.map(day),
            signature: None,
        }
    }

    #[test]
    fn latest_decision_wins_and_expired_acceptances_reopen() {
        let mut f: Vec<Finding> = ["a", "b", "c", "d"]
            .iter()
            .map(|p| finding(p, &[], p))
            .collect();
        let fp: Vec<Fingerprint> = f.iter().map(|f| f.fingerprint.clone()).collect();
        let decisions = vec![
            t(&fp[0], TriageStatus::Accepted, Some("2026-12-31")),
            t(&fp[0], TriageStatus::Confirmed, None),
            t(&fp[1], TriageStatus::FalsePositive, None),
            t(&fp[2], TriageStatus::Accepted, Some("2026-11-27")),
        ];
        let notes = apply(&mut f, &[], &decisions, day("2026-11-28"), NO_POLICY);
        assert_eq!(f[0].status, FindingStatus::Confirmed);
        assert_eq!(f[1].status, FindingStatus::FalsePositive);
        assert_eq!(f[2].status, FindingStatus::Open);
        assert!(f[2].acceptance.as_ref().unwrap().expired);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("EXPIRED on 2026-11-27"), "{notes:?}");
        assert_eq!(f[3].status, FindingStatus::Open);
    }
}
