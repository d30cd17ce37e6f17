//! The "secure engineering practices" KPI: the share of the practices the
//! tier requires whose evidence shows the practice was *followed*, not
//! merely that an analyzer ran. Each practice reads its evidence's content
//! (docs/kpis.md lists what counts, practice by practice).

use super::{Inputs, Outcome};
use crate::Tier;
use sef_model::evidence::facts::{Inventory, RepoFacts};
use sef_model::evidence::history::History;
use sef_model::evidence::secrets::Secrets;
use sef_model::evidence::tools::{ArtifactCheck, SecurityTests, Signatures, StaticAnalysis};
use sef_model::evidence::vulnerabilities::KnownVulnerabilities;
use sef_model::{Evidence, EvidenceKind, EvidenceStatus};

/// Whether evidence shows a practice was followed: `Ok(what shows it)` or
/// `Err(why not)`. It is only asked of complete evidence.
type Followed = fn(&Evidence) -> Result<String, String>;

/// A secure-engineering practice the SEF expects, the evidence that shows
/// it, and what in that evidence counts as following it.
#[derive(Clone, Copy)]
pub struct Practice {
    /// The evidence kind that shows it.
    pub evidence: EvidenceKind,
    /// What the practice is.
    pub name: &'static str,
    /// The lowest PTI tier that requires it.
    pub min_tier: Tier,
    /// What counts as followed (as docs/kpis.md says).
    pub counts_when: &'static str,
    followed: Followed,
}

impl std::fmt::Debug for Practice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Practice")
            .field("evidence", &self.evidence)
            .field("name", &self.name)
            .finish()
    }
}

const fn p(
    evidence: EvidenceKind,
    name: &'static str,
    tier: u8,
    counts_when: &'static str,
    followed: Followed,
) -> Practice {
    Practice {
        evidence,
        name,
        min_tier: match Tier::new(tier) {
            Some(t) => t,
            None => Tier::CRITICAL,
        },
        counts_when,
        followed,
    }
}

fn payload<P: sef_model::PayloadOf>(e: &Evidence) -> Result<&P, String> {
    e.payload::<P>()
        .ok_or_else(|| format!("the {} evidence has no payload", e.kind))
}

fn complete_is_enough(_: &Evidence) -> Result<String, String> {
    Ok("complete".into())
}

fn threat_model(e: &Evidence) -> Result<String, String> {
    use sef_model::evidence::threat::ThreatModelPayload;
    let p = payload::<ThreatModelPayload>(e)?;
    let mut why = Vec::new();
    if !p.reviewed {
        why.push(match &p.last_review {
            None => "the model was never reviewed".to_owned(),
            Some(r) if !r.current => format!(
                "the model changed since {}'s review of {}",
                r.reviewer, r.date
            ),
            Some(r) if !r.by_architect => {
                format!("reviewer `{}` is not an architect of the team", r.reviewer)
            }
            Some(r) => format!(
                "the last review ({}) is older than {} days",
                r.date, p.review_max_age_days
            ),
        });
    }
    if !p.untracked_high.is_empty() {
        why.push(format!("{} high risk(s) untracked", p.untracked_high.len()));
    }
    if !p.unmitigated_high.is_empty() {
        why.push(format!(
            "{} high risk(s) unmitigated",
            p.unmitigated_high.len()
        ));
    }
    if why.is_empty() {
        Ok(format!(
            "model reviewed and current; {} risk(s), none high left unhandled",
            p.risks.len()
        ))
    } else {
        Err(why.join("; "))
    }
}

fn pentest(e: &Evidence) -> Result<String, String> {
    use sef_model::evidence::resilience::ResilienceTesting;
    let p = payload::<ResilienceTesting>(e)?;
    if p.scope.is_empty() {
        return Err("no scope is declared in [resilience]".to_owned());
    }
    if p.covered.len() == p.scope.len() {
        Ok(format!(
            "all {} declared scope item(s) covered by a completed, retested test",
            p.scope.len()
        ))
    } else {
        Err(format!(
            "{} of {} declared scope item(s) not covered by a completed, retested test",
            p.uncovered.len(),
            p.scope.len()
        ))
    }
}

fn hygiene(e: &Evidence) -> Result<String, String> {
    let f = &payload::<RepoFacts>(e)?.policy_files;
    let missing: Vec<&str> = [
        ("security policy", &f.security_policy),
        ("code owners", &f.codeowners),
        ("CI", &f.ci),
    ]
    .iter()
    .filter(|(_, v)| v.is_none())
    .map(|(n, _)| *n)
    .collect();
    if missing.is_empty() {
        Ok("security policy, code owners and CI present".into())
    } else {
        Err(format!("missing: {}", missing.join(", ")))
    }
}

fn inventory(e: &Evidence) -> Result<String, String> {
    let n = payload::<Inventory>(e)?.files.len();
    if n > 0 {
        Ok(format!("{n} lockfile(s) or manifest(s) read"))
    } else {
        Err("no lockfile or manifest was found, so no component is inventoried".into())
    }
}

fn vulnerabilities(e: &Evidence) -> Result<String, String> {
    let v = payload::<KnownVulnerabilities>(e)?;
    if v.not_tested.is_empty() {
        Ok(format!("{} component(s) tested", v.tested))
    } else {
        Err(format!("{} component(s) not tested", v.not_tested.len()))
    }
}

fn secrets(e: &Evidence) -> Result<String, String> {
    let s = payload::<Secrets>(e)?;
    if s.found == 0 {
        Ok(format!(
            "{} file(s) scanned, no open secret",
            s.scanned.files
        ))
    } else {
        Err(format!(
            "{} hard-coded secret(s) found and still open",
            s.found
        ))
    }
}

fn static_analysis(e: &Evidence) -> Result<String, String> {
    let s = payload::<StaticAnalysis>(e)?;
    let ran: Vec<&str> = s
        .tools
        .iter()
        .filter(|t| t.execution_successful)
        .map(|t| t.name.as_str())
        .collect();
    if ran.is_empty() {
        Err("no analysis tool ran successfully".into())
    } else {
        Ok(format!("ran: {}", ran.join(", ")))
    }
}

fn security_tests(e: &Evidence) -> Result<String, String> {
    let t = &payload::<SecurityTests>(e)?.security;
    if t.cases == 0 {
        Err("no security test case was executed".into())
    } else if t.failed > 0 {
        Err(format!(
            "{} of {} security test(s) failed",
            t.failed, t.cases
        ))
    } else {
        Ok(format!("{} security test(s) passed", t.passed))
    }
}

fn code_review(e: &Evidence) -> Result<String, String> {
    let c = &payload::<History>(e)?.review.developed;
    let known = c.reviewed + c.not_reviewed;
    if c.commits == 0 {
        Err("no commit to review in the range".into())
    } else if known == 0 {
        Err("the review of every commit is unknown (forge data is needed)".into())
    } else if c.reviewed * 5 >= known * 4 {
        Ok(format!(
            "{} of {} commit(s) reviewed",
            c.reviewed, c.commits
        ))
    } else {
        Err(format!(
            "{} of {} commit(s) reviewed ({} not reviewed, {} unknown)",
            c.reviewed, c.commits, c.not_reviewed, c.unknown
        ))
    }
}

fn signatures(e: &Evidence) -> Result<String, String> {
    let s = payload::<Signatures>(e)?;
    let verified = s.verified();
    if s.artifacts.is_empty() {
        Err("no release artefact was checked".into())
    } else if verified == s.artifacts.len() {
        Ok(format!("{verified} artefact(s) verified"))
    } else {
        let bad = s
            .artifacts
            .iter()
            .filter(|a| a.signature != ArtifactCheck::VERIFIED)
            .count();
        Err(format!(
            "{bad} of {} artefact(s) not verified",
            s.artifacts.len()
        ))
    }
}

/// The practices, by the tier from which they are required.
pub const PRACTICES: [Practice; 15] = [
    p(
        EvidenceKind::RepositoryFacts,
        "repository hygiene: security policy, code owners, CI",
        1,
        "the repository has a security policy, code owners and a CI configuration",
        hygiene,
    ),
    p(
        EvidenceKind::Inventory,
        "component inventory (SBOM)",
        1,
        "at least one lockfile or manifest was read",
        inventory,
    ),
    p(
        EvidenceKind::KnownVulnerabilities,
        "components tested for known vulnerabilities",
        1,
        "every third-party component was tested against the advisory database",
        vulnerabilities,
    ),
    p(
        EvidenceKind::Pti,
        "Predictive Threat Index",
        1,
        "the questionnaire is answered (complete evidence)",
        complete_is_enough,
    ),
    p(
        EvidenceKind::PlanningChecklist,
        "planning checklist answered",
        1,
        "the seven questions are answered (complete evidence)",
        complete_is_enough,
    ),
    p(
        EvidenceKind::SecurityRequirements,
        "security requirements selected and traced",
        1,
        "every selected requirement has a recorded status (complete evidence)",
        complete_is_enough,
    ),
    p(
        EvidenceKind::SecurityDocumentation,
        "security documentation plan",
        1,
        "every required topic maps to a written file (complete evidence)",
        complete_is_enough,
    ),
    p(
        EvidenceKind::Education,
        "team security education",
        2,
        "every member's training is current (complete evidence)",
        complete_is_enough,
    ),
    p(
        EvidenceKind::Secrets,
        "hard-coded secret detection",
        2,
        "the whole tree was scanned and no secret is open",
        secrets,
    ),
    p(
        EvidenceKind::StaticAnalysis,
        "static analysis",
        2,
        "at least one analysis tool ran successfully",
        static_analysis,
    ),
    p(
        EvidenceKind::SecurityTests,
        "security test cases executed and passed",
        2,
        "security test cases were executed and none failed",
        security_tests,
    ),
    p(
        EvidenceKind::History,
        "code review coverage (git history)",
        3,
        "at least 80 % of the commits whose review is known were reviewed",
        code_review,
    ),
    p(
        EvidenceKind::ThreatModel,
        "threat model",
        3,
        "the model is reviewed by an architect, unchanged since, within the review age, and no high risk is untracked or unmitigated",
        threat_model,
    ),
    p(
        EvidenceKind::Signatures,
        "signed code and distribution packages",
        3,
        "release artefacts were checked and every one's signature verified",
        signatures,
    ),
    p(
        EvidenceKind::ResilienceTesting,
        "penetration testing",
        4,
        "completed, retested tests of the release cover its whole declared scope",
        pentest,
    ),
];

/// The practices a tier requires.
pub fn practices_for(tier: Tier) -> impl Iterator<Item = &'static Practice> {
    PRACTICES.iter().filter(move |p| tier >= p.min_tier)
}

pub(super) fn practices(i: &Inputs<'_>) -> Outcome {
    let tier = i.tier.unwrap_or(Tier::CRITICAL);
    let required: Vec<&Practice> = practices_for(tier).collect();
    let mut followed = Vec::new();
    let mut not_followed = Vec::new();
    let mut without = Vec::new();
    for p in &required {
        match i.evidence.iter().find(|e| e.kind == p.evidence) {
            Some(e) if e.status == EvidenceStatus::Complete => match (p.followed)(e) {
                Ok(_) => followed.push(p.evidence.as_str()),
                Err(why) => not_followed.push(format!("{} ({why})", p.evidence)),
            },
            Some(e) if matches!(e.status, EvidenceStatus::Partial { .. }) => {
                not_followed.push(format!("{} (partial evidence)", p.evidence));
            }
            _ => without.push(p.evidence.as_str()),
        }
    }
    let mut detail = format!(
        "{} of {} practices of tier {}{} followed",
        followed.len(),
        required.len(),
        tier.number(),
        if i.tier.is_none() {
            " (no PTI: tier 4 assumed)"
        } else {
            ""
        }
    );
    if !not_followed.is_empty() {
        detail.push_str(&format!("; not followed: {}", not_followed.join(", ")));
    }
    if !without.is_empty() {
        detail.push_str(&format!("; without evidence: {}", without.join(", ")));
    }
    #[allow(clippy::cast_precision_loss)]
    let value = (followed.len() as f64 * 1000.0 / required.len() as f64).round() / 10.0;
    Outcome::Measured {
        value,
        detail: Some(detail),
    }
}
