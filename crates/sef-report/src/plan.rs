//! The "Security plan" section: PTI tier, checklist status, requirement
//! coverage per category, documentation coverage per role and training
//! coverage, read from the run's security-plan evidence. Every format says
//! the same thing; this module decides what.

use crate::format::thousands;
use sef_model::evidence::plan_payloads::{
    ChecklistPayload, DocumentationPayload, EducationPayload, PtiPayload, RequirementsPayload,
};
use sef_model::plan::{pti, requirements};
use sef_model::{AssessmentRun, Evidence, EvidenceKind, EvidenceStatus, PayloadOf};

/// The section, ready to lay out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlanSection {
    /// One line per part: (part, status label, what it says).
    pub parts: Vec<(&'static str, &'static str, String)>,
    /// Requirement coverage: category, total, planned, implemented,
    /// verified, not applicable.
    pub requirements: Vec<[String; 6]>,
    /// Documentation per role: role, covered of expected.
    pub roles: Vec<(String, String)>,
}

/// The section of a run, when the run has security-plan evidence.
pub(crate) fn section(run: &AssessmentRun) -> Option<PlanSection> {
    let get = |k: EvidenceKind| run.evidence.iter().find(|e| e.kind == k);
    let pti = get(EvidenceKind::Pti)?;
    let mut parts = Vec::new();
    let label = |s: &EvidenceStatus| s.label();
    parts.push(("PTI", label(&pti.status), pti_line(pti.payload())));
    if let Some(e) = get(EvidenceKind::PlanningChecklist) {
        parts.push(("checklist", label(&e.status), checklist_line(e.payload())));
    }
    let mut requirements = Vec::new();
    if let Some(e) = get(EvidenceKind::SecurityRequirements) {
        let ev = e.payload::<RequirementsPayload>().map(|r| &r.evaluation);
        parts.push(("requirements", label(&e.status), requirements_line(ev)));
        for (name, cov) in ev.map_or(&[][..], |ev| ev.by_category.as_slice()) {
            requirements.push([
                name.as_str().to_owned(),
                cov.total.to_string(),
                cov.planned.to_string(),
                cov.implemented.to_string(),
                cov.verified.to_string(),
                cov.not_applicable.to_string(),
            ]);
        }
    }
    let mut roles = Vec::new();
    if let Some(e) = get(EvidenceKind::SecurityDocumentation) {
        let ev = e.payload::<DocumentationPayload>().map(|d| &d.evaluation);
        parts.push(("documentation", label(&e.status), documentation_line(e)));
        for r in ev.map_or(&[][..], |ev| ev.roles.as_slice()) {
            roles.push((
                r.role.as_str().to_owned(),
                format!("{}/{}", r.covered, r.expected),
            ));
        }
    }
    if let Some(e) = get(EvidenceKind::Education) {
        parts.push(("training", label(&e.status), training_line(e.payload())));
    }
    Some(PlanSection {
        parts,
        requirements,
        roles,
    })
}

fn pti_line(p: Option<&PtiPayload>) -> String {
    match p.and_then(|p| p.outcome.as_ref().map(|o| (p, o))) {
        Some((p, pti::Outcome::Complete(o))) => {
            let mut s = format!(
                "index {} → tier {} ({})",
                o.index,
                o.tier.number(),
                o.tier.label()
            );
            if o.tier != o.index_tier {
                s.push_str(&format!(
                    "; raised from tier {} by a high-water-mark floor",
                    o.index_tier.number()
                ));
            }
            if let Some(by) = &p.assessed_by {
                s.push_str(&format!("; assessed by {by}"));
            }
            if let Some(on) = &p.assessed_on {
                s.push_str(&format!(" on {on}"));
            }
            s
        }
        Some((_, pti::Outcome::Incomplete { unanswered })) => format!(
            "not computed: unanswered {}; every requirement is selected until it is",
            unanswered.join(", ")
        ),
        None => "not done: no [pti] in the plan; every requirement is selected".to_owned(),
    }
}

fn checklist_line(p: Option<&ChecklistPayload>) -> String {
    let Some(c) = p.and_then(|p| p.checklist.as_ref()) else {
        return "not answered: no [checklist] in the plan".to_owned();
    };
    let total = c.items.len();
    let mut s = format!(
        "{} of {total} question(s) answered",
        total.saturating_sub(c.unanswered.len())
    );
    if !c.unanswered.is_empty() {
        s.push_str(&format!("; unanswered: {}", c.unanswered.join(", ")));
    }
    if !c.gaps.is_empty() {
        s.push_str(&format!("; answered no or partial: {}", c.gaps.join(", ")));
    }
    s
}

fn requirements_line(ev: Option<&requirements::Evaluation>) -> String {
    let Some(ev) = ev else {
        return "not evaluated".to_owned();
    };
    let t = &ev.total;
    format!(
        "{} selected at tier {}{} in {} of 9 categories: {} verified, {} implemented, {} planned, {} not applicable",
        thousands(t.total as u64),
        ev.tier.number(),
        if ev.tier_from_pti { "" } else { " (no PTI)" },
        ev.categories_selected,
        t.verified,
        t.implemented,
        t.planned,
        t.not_applicable,
    )
}

fn documentation_line(e: &Evidence) -> String {
    let (covered, required) = e
        .payload::<DocumentationPayload>()
        .map_or((0, 0), |d| (d.evaluation.covered, d.evaluation.required));
    format!("{covered} of {required} required topic(s) documented")
}

fn training_line(p: Option<&EducationPayload>) -> String {
    let Some(ev) = p.map(|p| &p.evaluation).filter(|ev| ev.total > 0) else {
        return "no team recorded: no [team] in the plan".to_owned();
    };
    let mut s = format!(
        "{} of {} member(s) trained for their roles",
        ev.trained, ev.total
    );
    if !ev.overdue.is_empty() {
        let list: Vec<String> = ev
            .overdue
            .iter()
            .map(|(member, course, due)| format!("{member} {course} (due {due})"))
            .collect();
        s.push_str(&format!("; refreshers overdue: {}", list.join(", ")));
    }
    s
}

/// The lines the evidence table shows for a security-plan kind.
pub(crate) fn evidence_lines(e: &Evidence) -> Vec<String> {
    fn p<P: PayloadOf>(e: &Evidence) -> Option<&P> {
        e.payload::<P>()
    }
    match e.kind {
        EvidenceKind::Pti => vec![pti_line(p(e))],
        EvidenceKind::PlanningChecklist => vec![checklist_line(p(e))],
        EvidenceKind::SecurityRequirements => vec![requirements_line(
            p::<RequirementsPayload>(e).map(|r| &r.evaluation),
        )],
        EvidenceKind::SecurityDocumentation => vec![documentation_line(e)],
        EvidenceKind::Education => vec![training_line(p(e))],
        _ => Vec::new(),
    }
}
