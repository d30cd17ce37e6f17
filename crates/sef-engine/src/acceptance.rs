//! Risk acceptances and triage decisions applied to a run's findings. The
//! plan's `[[risk_acceptances]]` are matched here (by advisory or rule id
//! or alias, by package, or both); the status itself follows from the one
//! model in [`sef_model::status`], which `sef finding list` reads too.
//! Pure logic.

use chrono::NaiveDate;
use sef_model::status::{AcceptancePolicy, resolve};
use sef_model::{Acceptance, AcceptanceSource, Finding, FindingKind, Triage};
use sef_plan::RiskAcceptance;
use sef_process::education::Team;
use sef_sign::decision::SignatureState;
use std::collections::HashMap;

/// Who may have signed the decisions: the team file (its members' keys)
/// and the offering the signatures name.
#[derive(Debug, Clone, Copy)]
pub struct Signers<'a> {
    /// The team file, if the plan has one.
    pub team: Option<&'a Team>,
    /// The offering.
    pub offering: &'a str,
}

/// What a plan entry's signature proves.
pub fn entry_proof(a: &RiskAcceptance, signers: Signers<'_>) -> SignatureState {
    let payload = sef_process::proof::acceptance_payload(
        signers.offering,
        a.id.as_deref(),
        a.package.as_deref(),
        &a.justification,
        &a.approver,
        a.expires,
    );
    sef_sign::decision::verify(
        &payload,
        a.signature.as_deref(),
        &sef_process::proof::keys_of(signers.team, &a.approver),
    )
}

/// A signature that was given and does not prove the decision: the
/// decision is not honoured.
fn disproves(s: &SignatureState) -> bool {
    matches!(
        s,
        SignatureState::Invalid { .. } | SignatureState::UnknownKey
    )
}

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
        proof: None,
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
    signers: Signers<'_>,
) -> Vec<String> {
    let proofs: Vec<SignatureState> = acceptances
        .iter()
        .map(|a| entry_proof(a, signers))
        .collect();
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
        let mut r = r;
        if let Some(a) = r.acceptance.as_mut() {
            let state = match a.source {
                AcceptanceSource::Plan => chosen.map(|i| proofs[i].clone()),
                AcceptanceSource::Triage => {
                    t.map(|t| sef_process::proof::triage_proof(signers.team, t))
                }
            };
            if let Some(state) = state {
                if disproves(&state) && a.refused.is_none() {
                    a.refused = Some(state.label());
                    if r.status == sef_model::FindingStatus::Accepted {
                        r.status = sef_model::FindingStatus::Open;
                    }
                }
                a.proof = Some(state.label());
            }
        }
        f.status = r.status;
        f.acceptance = r.acceptance;
    }
    for ((a, n), proof) in acceptances.iter().zip(covered).zip(&proofs) {
        let what = scope(a);
        let refusal = policy
            .refusal(today, Some(a.expires))
            .or_else(|| disproves(proof).then(|| proof.label()));
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
                "risk acceptance for {what} (sef.toml line {}) covers {n} finding(s) until {}, {}",
                a.line,
                a.expires,
                proof.label()
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
    const NO_TEAM: Signers<'static> = Signers {
        team: None,
        offering: "o",
    };

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
            signature: None,
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn plan_only(f: &mut [Finding], a: &[RiskAcceptance], today: &str) -> Vec<String> {
        apply(f, a, &[], day(today), NO_POLICY, NO_TEAM)
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
            NO_TEAM,
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
        let notes = apply(
            &mut f,
            &[],
            &decisions,
            day("2026-11-28"),
            NO_POLICY,
            NO_TEAM,
        );
        assert_eq!(f[0].status, FindingStatus::Confirmed);
        assert_eq!(f[1].status, FindingStatus::FalsePositive);
        assert_eq!(f[2].status, FindingStatus::Open);
        assert!(f[2].acceptance.as_ref().unwrap().expired);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("EXPIRED on 2026-11-27"), "{notes:?}");
        assert_eq!(f[3].status, FindingStatus::Open);
    }
}

#[cfg(test)]
mod signed {
    //! Plan acceptances signed by the approver's key: verified, tampered,
    //! signed by a stranger, unsigned.
    use super::*;
    use sef_model::{FindingStatus, Fingerprint, Severity};
    use sef_process::education::{Member, TeamRole};

    fn team(public: &str) -> Team {
        // the team file lists the base64 line of a minisign public key
        let line = public.lines().nth(1).unwrap().to_owned();
        Team {
            members: vec![Member {
                id: "jane".into(),
                name: None,
                roles: vec![TeamRole::Architect],
                emails: Vec::new(),
                keys: vec![line],
                origin: sef_process::Origin {
                    file: "security/team.toml".into(),
                    line: 1,
                },
            }],
            ..Team::default()
        }
    }

    fn entry(justification: &str) -> RiskAcceptance {
        RiskAcceptance {
            id: Some("X-1".into()),
            package: None,
            justification: justification.into(),
            approver: "jane".into(),
            expires: NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
            line: 9,
            signature: None,
        }
    }

    fn signed_by(secret: &str, a: &RiskAcceptance) -> String {
        let payload = sef_process::proof::acceptance_payload(
            "o",
            a.id.as_deref(),
            a.package.as_deref(),
            &a.justification,
            &a.approver,
            a.expires,
        );
        sef_sign::sign(
            secret,
            "pw",
            std::io::Cursor::new(payload.as_bytes()),
            "sef decision",
        )
        .unwrap()
    }

    fn run(a: RiskAcceptance, t: &Team) -> (Finding, Vec<String>) {
        let mut f = vec![Finding::open(
            FindingKind::Vulnerability,
            "vulnerabilities",
            "X-1",
            Severity::High,
            Fingerprint::compute(["X-1"]),
        )];
        let notes = apply(
            &mut f,
            &[a],
            &[],
            NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
            AcceptancePolicy { max_days: None },
            Signers {
                team: Some(t),
                offering: "o",
            },
        );
        (f.remove(0), notes)
    }

    #[test]
    fn a_signed_acceptance_holds_and_says_who_signed() {
        let kp = sef_sign::keygen("pw").unwrap();
        let t = team(&kp.public);
        let mut a = entry("not reachable from the network");
        a.signature = Some(signed_by(&kp.secret, &a));
        let (f, notes) = run(a.clone(), &t);
        assert_eq!(f.status, FindingStatus::Accepted);
        let proof = f.acceptance.as_ref().unwrap().proof.clone().unwrap();
        assert_eq!(proof, format!("signed (minisign:{})", kp.key_id));
        assert!(f.acceptance.unwrap().describe().contains(&proof));
        assert!(notes[0].ends_with(&proof), "{notes:?}");

        // the justification edited after signing: not honoured
        let mut changed = a.clone();
        changed.justification = "whatever".into();
        let (f, notes) = run(changed, &t);
        assert_eq!(f.status, FindingStatus::Open);
        let acc = f.acceptance.unwrap();
        assert!(acc.refused.unwrap().starts_with("SIGNATURE INVALID"));
        assert!(
            notes[0].contains("not honoured: SIGNATURE INVALID"),
            "{notes:?}"
        );

        // signed by a key the team file does not list for jane
        let stranger = sef_sign::keygen("pw").unwrap();
        let mut other = entry("not reachable from the network");
        other.signature = Some(signed_by(&stranger.secret, &other));
        let (f, _) = run(other, &t);
        assert_eq!(f.status, FindingStatus::Open);
        assert!(
            f.acceptance
                .unwrap()
                .refused
                .unwrap()
                .contains("does not list")
        );

        // unsigned: honoured, and shown as self-asserted
        let (f, notes) = run(entry("not reachable from the network"), &t);
        assert_eq!(f.status, FindingStatus::Accepted);
        assert_eq!(
            f.acceptance.unwrap().proof.as_deref(),
            Some("self-asserted (unsigned)")
        );
        assert!(notes[0].ends_with("self-asserted (unsigned)"), "{notes:?}");
    }
}
