//! Checkpoints: the criteria each phase must meet before the release moves
//! on, as data (an id, the phase whose exit it guards, a description, the
//! evidence it reads, the lowest PTI tier it applies to) and one pure
//! predicate each.
//!
//! A criterion whose evidence does not exist is *not measured*, never
//! passed. Each criterion says, as data ([`IfNotMeasured`]), what that
//! means at its exit: the gate fails, or it warns with the reason given.
//! With `strict = true` in `[checkpoints]` every not-measured criterion
//! fails the gate.

use crate::Tier;
use crate::checklist::Answer;
use crate::documentation::FileState;
use sef_model::evidence::plan_payloads::{ChecklistPayload, RequirementsPayload};
use sef_model::{
    CriterionOutcome, Evidence, EvidenceKind, EvidenceStatus, Finding, KpiValue, KpoStatus, Phase,
    Severity,
};

/// A plan file a criterion looks for, and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileFact {
    /// The path looked at (relative to the repository).
    pub path: String,
    /// What it holds.
    pub state: FileState,
}

/// The incident-response record of the plan.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IncidentResponse {
    /// Who to contact (an address or URL).
    pub contact: String,
    /// The process document.
    pub process: FileFact,
}

/// Everything a predicate may read.
pub struct Facts<'a> {
    /// The run's evidence.
    pub evidence: &'a [Evidence],
    /// The run's findings (after risk acceptances).
    pub findings: &'a [Finding],
    /// The run's KPIs with their KPOs.
    pub kpis: &'a [KpiValue],
    /// The PTI tier, when complete.
    pub tier: Option<Tier>,
    /// The threat model file, when the plan names one or one was found.
    pub threat_model: Option<FileFact>,
    /// The incident-response record, when the plan has one.
    pub incident_response: Option<IncidentResponse>,
    /// Open findings at or above this severity block the develop exit.
    pub max_open_severity: Severity,
    /// The blocking severity for findings in development-only components,
    /// when the plan sets one apart.
    pub max_open_severity_dev: Option<Severity>,
    /// What a finding of unknown severity counts as; `None`: it blocks.
    pub unknown_severity: Option<Severity>,
}

/// A predicate's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Pass, fail or not measured.
    pub outcome: CriterionOutcome,
    /// The evidence behind it and, unless it passed, what to do.
    pub detail: String,
}

fn pass(d: impl Into<String>) -> Check {
    Check {
        outcome: CriterionOutcome::Pass,
        detail: d.into(),
    }
}

fn fail(d: impl Into<String>) -> Check {
    Check {
        outcome: CriterionOutcome::Fail,
        detail: d.into(),
    }
}

fn nm(d: impl Into<String>) -> Check {
    Check {
        outcome: CriterionOutcome::NotMeasured,
        detail: d.into(),
    }
}

/// What a criterion's "not measured" means, decided per criterion (and so
/// per phase: each criterion guards one phase's exit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfNotMeasured {
    /// The gate fails: what the criterion asks was not shown.
    Fail,
    /// The gate does not fail, and the report warns, with why waiting
    /// for the measurement is acceptable at this exit.
    Warn(&'static str),
}

impl IfNotMeasured {
    /// `fail`, or `warn: <why>`, as reports print it.
    pub fn label(&self) -> String {
        match self {
            IfNotMeasured::Fail => "fail".to_owned(),
            IfNotMeasured::Warn(why) => format!("warn: {why}"),
        }
    }
}

/// One gate criterion.
#[derive(Clone, Copy)]
pub struct Criterion {
    /// Stable id, e.g. `develop.no-open-high-findings`.
    pub id: &'static str,
    /// The phase whose exit it guards.
    pub phase: Phase,
    /// What it asks.
    pub description: &'static str,
    /// The evidence it reads.
    pub reads: &'static [&'static str],
    /// The lowest tier it applies to.
    pub min_tier: Tier,
    /// What "not measured" means here.
    pub if_not_measured: IfNotMeasured,
    /// The predicate.
    pub check: fn(&Facts<'_>) -> Check,
}

impl std::fmt::Debug for Criterion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Criterion").field("id", &self.id).finish()
    }
}

fn find<'a>(f: &'a Facts<'_>, kind: EvidenceKind) -> Option<&'a Evidence> {
    f.evidence.iter().find(|e| e.kind == kind)
}

/// Passes when evidence of `kind` is complete.
fn complete(f: &Facts<'_>, kind: EvidenceKind, fix: &str) -> Check {
    match find(f, kind).map(|e| &e.status) {
        None => nm(format!("no {kind} evidence in this run; {fix}")),
        Some(EvidenceStatus::Complete) => pass(format!("{kind} evidence is complete")),
        Some(s) => fail(format!(
            "{kind} evidence is {}: {}; {fix}",
            s.label(),
            s.reason().unwrap_or("")
        )),
    }
}

fn kpo_met(f: &Facts<'_>, kpi: &str) -> Check {
    let Some(k) = f.kpis.iter().find(|k| k.kpi_id == kpi) else {
        return nm(format!("the KPI {kpi} was not computed"));
    };
    let value = match &k.measurement {
        sef_model::KpiMeasurement::Measured { value, unit } => format!("{value} {unit}"),
        sef_model::KpiMeasurement::NotMeasured { reason } => {
            return nm(format!("{kpi} is not measured: {reason}"));
        }
    };
    match &k.kpo {
        None => nm(format!(
            "{kpi} is {value} but the release sets no KPO for it; set one in [kpo]"
        )),
        Some(o) => match o.status {
            KpoStatus::Met => pass(format!("{kpi} is {value}, KPO {} met", o.target)),
            KpoStatus::Missed => fail(format!(
                "{kpi} is {value}, KPO {} missed; raise it or change the KPO with a reason",
                o.target
            )),
            KpoStatus::NotMeasured => nm(format!("{kpi}: KPO {} not measured", o.target)),
        },
    }
}

fn file_fact(fact: Option<&FileFact>, what: &str, fix: &str) -> Check {
    match fact {
        None => fail(format!("no {what} found; {fix}")),
        Some(FileFact {
            path,
            state: FileState::Written,
        }) => pass(format!("{what}: {path}")),
        Some(FileFact { path, state }) => fail(format!(
            "{what} {path} is {}; {fix}",
            match state {
                FileState::Stub => "a stub",
                FileState::SectionMissing => "missing the named section",
                _ => "missing",
            }
        )),
    }
}

fn pti_done(f: &Facts<'_>) -> Check {
    complete(
        f,
        EvidenceKind::Pti,
        "answer the PTI questionnaire (docs/pti.md)",
    )
}

fn checklist_complete(f: &Facts<'_>) -> Check {
    complete(
        f,
        EvidenceKind::PlanningChecklist,
        "answer the seven planning questions (sef plan)",
    )
}

fn threat_payload<'a>(
    f: &'a Facts<'_>,
) -> Result<&'a sef_model::evidence::threat::ThreatModelPayload, Check> {
    let fix = "model it under security/threat-model/ (sef threat check; docs/threat-model.md)";
    let Some(e) = find(f, EvidenceKind::ThreatModel) else {
        return Err(nm(format!("no threat-model evidence in this run; {fix}")));
    };
    if e.status != EvidenceStatus::Complete {
        return Err(fail(format!(
            "the threat model does not check ({}): {}",
            e.status.label(),
            e.status.reason().unwrap_or("")
        )));
    }
    e.payload::<sef_model::evidence::threat::ThreatModelPayload>()
        .ok_or_else(|| fail("the threat-model evidence has no payload"))
}

fn threat_model(f: &Facts<'_>) -> Check {
    if find(f, EvidenceKind::ThreatModel).is_some() {
        return match threat_payload(f) {
            Ok(p) => pass(format!(
                "threat model {} checks: {} technical assets, {} flows, {} risks",
                p.files.join(", "),
                p.counts.technical_assets,
                p.counts.data_flows,
                p.risks.len()
            )),
            Err(c) => c,
        };
    }
    file_fact(
        f.threat_model.as_ref(),
        "threat model",
        "model it under security/threat-model/ (docs/threat-model.md), or write one (security/threat-model.md) or name it in [checkpoints] threat_model",
    )
}

fn threat_model_reviewed(f: &Facts<'_>) -> Check {
    let p = match threat_payload(f) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let fix = "an architect of the team reviews it (sef threat review --reviewer NAME)";
    match &p.last_review {
        None => fail(format!("the threat model was never reviewed; {fix}")),
        Some(r) if !r.current => fail(format!(
            "the threat model changed since {}'s review of {}; {fix}",
            r.reviewer, r.date
        )),
        Some(r) if !r.by_architect => fail(format!(
            "reviewer `{}` is not a team member with the architect role; {fix}",
            r.reviewer
        )),
        Some(r) if r.age_days < 0 => {
            fail(format!("the review is dated in the future ({})", r.date))
        }
        Some(r) if r.age_days > i64::from(p.review_max_age_days) => fail(format!(
            "the last review ({}, by {}) is {} days old, more than {}; {fix}",
            r.date, r.reviewer, r.age_days, p.review_max_age_days
        )),
        Some(r) => pass(format!(
            "reviewed by {} on {} ({} days ago), model unchanged since",
            r.reviewer, r.date, r.age_days
        )),
    }
}

fn threat_risks_tracked(f: &Facts<'_>) -> Check {
    let p = match threat_payload(f) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if p.untracked_high.is_empty() {
        pass(format!(
            "every risk at or above {} is tracked ({} risks in all)",
            p.high_from,
            p.risks.len()
        ))
    } else {
        let mut ids = p.untracked_high.clone();
        let more = ids.len().saturating_sub(5);
        ids.truncate(5);
        fail(format!(
            "{} risk(s) at or above {} untracked: {}{}; record each (sef threat track ID --status ...)",
            p.untracked_high.len(),
            p.high_from,
            ids.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ))
    }
}

fn requirements_selected(f: &Facts<'_>) -> Check {
    let Some(e) = find(f, EvidenceKind::SecurityRequirements) else {
        return nm("no security-requirements evidence in this run");
    };
    if matches!(e.status, EvidenceStatus::Missing { .. }) {
        return fail(
            "no [requirements] in the plan: record the release's requirements (sef requirements)",
        );
    }
    let n = e
        .payload::<RequirementsPayload>()
        .map_or(0, |r| r.evaluation.categories_selected);
    if n >= 9 {
        pass("requirements are selected in all nine categories")
    } else {
        fail(format!(
            "requirements are selected in {n} of 9 categories; a category whose requirements are all not applicable counts as unselected"
        ))
    }
}

fn test_and_doc_plans(f: &Facts<'_>) -> Check {
    let Some(e) = find(f, EvidenceKind::PlanningChecklist) else {
        return nm("no planning-checklist evidence in this run");
    };
    let items = e
        .payload::<ChecklistPayload>()
        .and_then(|c| c.checklist.as_ref())
        .map_or(&[][..], |c| c.items.as_slice());
    let yes = |id: &str| {
        items
            .iter()
            .any(|i| i.id == id && matches!(i.answer, Some(Answer::Yes | Answer::NotApplicable)))
    };
    match (yes("test-plan"), yes("documentation-plan")) {
        (true, true) => pass("the checklist records a security test plan and a documentation plan"),
        (t, d) => fail(format!(
            "the checklist does not answer yes to{}{}; write the plan and answer the question",
            if t { "" } else { " test-plan" },
            if d { "" } else { " documentation-plan" }
        )),
    }
}

fn code_review(f: &Facts<'_>) -> Check {
    kpo_met(f, "integrity.developed-code-review")
}

fn no_open_findings(f: &Facts<'_>) -> Check {
    let threshold = |x: &Finding| match (x.scope, f.max_open_severity_dev) {
        (Some(sef_model::DependencyScope::Development), Some(dev)) => dev,
        _ => f.max_open_severity,
    };
    // Unknown is ordered above critical, so unless the plan maps it, it is
    // at or above every threshold.
    let effective = |s: Severity| match (s, f.unknown_severity) {
        (Severity::Unknown, Some(mapped)) => mapped,
        _ => s,
    };
    let open: Vec<&Finding> = f
        .findings
        .iter()
        .filter(|x| x.status.is_open() && effective(x.severity) >= threshold(x))
        .collect();
    let mut dev = f
        .max_open_severity_dev
        .map(|d| format!("; {d} or above for development-only components"))
        .unwrap_or_default();
    if let Some(m) = f.unknown_severity {
        dev.push_str(&format!("; unknown severity counted as {m}"));
    }
    if open.is_empty() {
        pass(format!(
            "no open finding at {} or above{dev} (accepted risks excluded)",
            f.max_open_severity
        ))
    } else {
        let ids: Vec<&str> = open.iter().take(5).map(|x| x.rule_id.as_str()).collect();
        fail(format!(
            "{} open finding(s) at {} or above{dev}: {}{}; fix them or record a risk acceptance",
            open.len(),
            f.max_open_severity,
            ids.join(", "),
            if open.len() > 5 {
                format!(", … {} more", open.len() - 5)
            } else {
                String::new()
            }
        ))
    }
}

fn scans_current(f: &Facts<'_>) -> Check {
    let mut problems = Vec::new();
    for kind in [
        EvidenceKind::RepositoryFacts,
        EvidenceKind::Inventory,
        EvidenceKind::KnownVulnerabilities,
    ] {
        match find(f, kind).map(|e| &e.status) {
            None => problems.push(format!("{kind} did not run (enable its analyzer)")),
            Some(EvidenceStatus::Complete) => {}
            Some(s) => problems.push(format!(
                "{kind} is {}: {}",
                s.label(),
                s.reason().unwrap_or("")
            )),
        }
    }
    if problems.is_empty() {
        pass(
            "the repository, inventory and known-vulnerability scans ran in this assessment with current data",
        )
    } else {
        fail(problems.join("; "))
    }
}

fn security_tests(f: &Facts<'_>) -> Check {
    kpo_met(f, "integrity.assurance-review-documentation")
}

fn all_components_tested(f: &Facts<'_>) -> Check {
    kpo_met(f, "integrity.known-vulnerability-testing")
}

fn signed_packages(f: &Facts<'_>) -> Check {
    kpo_met(f, "integrity.signed-code-and-packages")
}

fn documentation_complete(f: &Facts<'_>) -> Check {
    complete(
        f,
        EvidenceKind::SecurityDocumentation,
        "document every required topic (sef plan)",
    )
}

fn penetration_test(f: &Facts<'_>) -> Check {
    use sef_model::evidence::resilience::ResilienceTesting;
    let Some(e) = find(f, EvidenceKind::ResilienceTesting) else {
        return nm(
            "no penetration test is recorded: add one under security/tests (sef pentest add) and declare the scope in [resilience]",
        );
    };
    if let Some(reason) = e
        .status
        .reason()
        .filter(|_| e.status != EvidenceStatus::Complete)
    {
        return fail(format!(
            "the resilience-testing evidence is {}: {reason}",
            e.status.label()
        ));
    }
    let Some(p) = e.payload::<ResilienceTesting>() else {
        return nm("the resilience-testing evidence has no payload");
    };
    let recent = p
        .tests
        .iter()
        .filter(|t| t.counts_for_release)
        .filter(|t| t.age_days.is_some_and(|a| a <= i64::from(p.max_age_days)))
        .min_by_key(|t| t.age_days);
    let Some(t) = recent else {
        let why: Vec<String> = p
            .tests
            .iter()
            .map(|t| {
                format!(
                    "{}: {}",
                    t.id,
                    t.why_not.as_deref().unwrap_or("completed too long ago")
                )
            })
            .collect();
        return fail(format!(
            "no completed test of release {} within {} days{}",
            p.release,
            p.max_age_days,
            if why.is_empty() {
                String::new()
            } else {
                format!(" ({})", why.join("; "))
            }
        ));
    };
    let effective = |s: Severity| match (s, f.unknown_severity) {
        (Severity::Unknown, Some(mapped)) => mapped,
        _ => s,
    };
    let open: Vec<&Finding> = f
        .findings
        .iter()
        .filter(|x| x.kind == sef_model::FindingKind::PenetrationTest)
        .filter(|x| x.status.is_open() && effective(x.severity) >= f.max_open_severity)
        .collect();
    if !open.is_empty() {
        let ids: Vec<&str> = open.iter().take(5).map(|x| x.rule_id.as_str()).collect();
        return fail(format!(
            "{} open penetration-test finding(s) at {} or above: {}; fix and retest them, or record a risk acceptance",
            open.len(),
            f.max_open_severity,
            ids.join(", ")
        ));
    }
    let kpo = kpo_met(f, "resilience.penetration-testing");
    let done = format!(
        "test {} completed {} ({} day(s) ago, within {}), no open finding at {} or above",
        t.id,
        t.completed.map(|d| d.to_string()).unwrap_or_default(),
        t.age_days.unwrap_or(0),
        p.max_age_days,
        f.max_open_severity
    );
    match kpo.outcome {
        CriterionOutcome::Pass => pass(format!("{done}; {}", kpo.detail)),
        _ => Check {
            outcome: kpo.outcome,
            detail: format!("{done}, but {}", kpo.detail),
        },
    }
}

fn incident_response(f: &Facts<'_>) -> Check {
    match &f.incident_response {
        None => {
            fail("no [incident_response] in the plan: record the contact and the process document")
        }
        Some(ir) => {
            let process = file_fact(Some(&ir.process), "incident-response process", "write it");
            if process.outcome == CriterionOutcome::Pass {
                pass(format!("contact {}; {}", ir.contact, process.detail))
            } else {
                process
            }
        }
    }
}

const fn c(
    id: &'static str,
    phase: Phase,
    description: &'static str,
    reads: &'static [&'static str],
    min_tier: Tier,
    if_not_measured: IfNotMeasured,
    check: fn(&Facts<'_>) -> Check,
) -> Criterion {
    Criterion {
        id,
        phase,
        description,
        reads,
        min_tier,
        if_not_measured,
        check,
    }
}

use IfNotMeasured::{Fail as NmFail, Warn as NmWarn};

/// The default criteria, by phase.
pub const CRITERIA: [Criterion; 17] = [
    c(
        "plan.pti-done",
        Phase::Plan,
        "The Predictive Threat Index is answered",
        &["pti"],
        Tier::LOW,
        NmFail,
        pti_done,
    ),
    c(
        "plan.checklist-complete",
        Phase::Plan,
        "The seven planning questions are answered, none with no or partial",
        &["planning-checklist"],
        Tier::LOW,
        NmFail,
        checklist_complete,
    ),
    c(
        "plan.threat-model-present",
        Phase::Plan,
        "A threat model is written (and, when modeled as code, checks)",
        &["threat-model", "threat model file"],
        Tier::LOW,
        NmFail,
        threat_model,
    ),
    c(
        "plan.threat-model-reviewed",
        Phase::Plan,
        "An architect reviewed the threat model as it is now, recently enough",
        &["threat-model"],
        Tier::MODERATE,
        NmFail,
        threat_model_reviewed,
    ),
    c(
        "plan.threat-risks-tracked",
        Phase::Plan,
        "No high risk of the threat model is untracked",
        &["threat-model"],
        Tier::MODERATE,
        NmFail,
        threat_risks_tracked,
    ),
    c(
        "plan.requirements-selected",
        Phase::Plan,
        "Security requirements are selected in all nine categories",
        &["security-requirements"],
        Tier::LOW,
        NmFail,
        requirements_selected,
    ),
    c(
        "plan.test-and-documentation-plans",
        Phase::Plan,
        "A security test plan and a documentation plan exist",
        &["planning-checklist"],
        Tier::LOW,
        NmFail,
        test_and_doc_plans,
    ),
    c(
        "develop.code-review-kpo",
        Phase::Develop,
        "The code-review KPO is met",
        &["integrity.developed-code-review"],
        Tier::LOW,
        NmWarn(
            "code review is known only for commits whose review left a trace (a merge, a Reviewed-by trailer, or forge data); the develop exit warns and names what is missing, and `strict = true` makes it fail",
        ),
        code_review,
    ),
    c(
        "develop.no-open-high-findings",
        Phase::Develop,
        "No open finding at or above the blocking severity",
        &["findings"],
        Tier::LOW,
        NmFail,
        no_open_findings,
    ),
    c(
        "develop.scans-current",
        Phase::Develop,
        "The scans sef knows ran with current data",
        &["repository-facts", "inventory", "known-vulnerabilities"],
        Tier::LOW,
        NmFail,
        scans_current,
    ),
    c(
        "qualify.requirements-verified-kpo",
        Phase::Qualify,
        "Security requirements verified by passing tests, to the KPO",
        &["integrity.assurance-review-documentation"],
        Tier::LOW,
        NmFail,
        security_tests,
    ),
    c(
        "qualify.components-tested",
        Phase::Qualify,
        "All components tested for known vulnerabilities (KPO)",
        &["integrity.known-vulnerability-testing"],
        Tier::LOW,
        NmFail,
        all_components_tested,
    ),
    c(
        "qualify.packages-signed",
        Phase::Qualify,
        "Distribution packages signed (KPO)",
        &["integrity.signed-code-and-packages"],
        Tier::MODERATE,
        NmFail,
        signed_packages,
    ),
    c(
        "qualify.security-documentation-complete",
        Phase::Qualify,
        "Security documentation complete for every required topic",
        &["security-documentation"],
        Tier::LOW,
        NmFail,
        documentation_complete,
    ),
    c(
        "qualify.penetration-test",
        Phase::Qualify,
        "Penetration testing done (KPO)",
        &["resilience.penetration-testing"],
        Tier::HIGH,
        NmFail,
        penetration_test,
    ),
    c(
        "launch.incident-response",
        Phase::Launch,
        "An incident-response contact and process are recorded",
        &["[incident_response]"],
        Tier::LOW,
        NmFail,
        incident_response,
    ),
    c(
        "lifecycle.no-open-high-findings",
        Phase::Lifecycle,
        "No open finding at or above the blocking severity",
        &["findings"],
        Tier::LOW,
        NmFail,
        no_open_findings,
    ),
];

/// Ids criteria had before they were renamed to say what they measure:
/// (old, new). Plans naming an old id keep working.
pub const RENAMED: &[(&str, &str)] = &[(
    "qualify.security-tests-kpo",
    "qualify.requirements-verified-kpo",
)];

/// Looks a criterion up by id (or by the id it had before a rename).
pub fn get(id: &str) -> Option<&'static Criterion> {
    let id = RENAMED
        .iter()
        .find(|(old, _)| *old == id)
        .map_or(id, |(_, new)| new);
    CRITERIA.iter().find(|c| c.id == id)
}

/// The criteria of `phase`'s exit at `tier`, without the disabled ones.
pub fn criteria_for(phase: Phase, tier: Tier, disabled: &[String]) -> Vec<&'static Criterion> {
    CRITERIA
        .iter()
        .filter(|c| {
            c.phase == phase
                && tier >= c.min_tier
                && !disabled
                    .iter()
                    .any(|d| get(d).is_some_and(|x| x.id == c.id))
        })
        .collect()
}

#[cfg(test)]
mod tests;
