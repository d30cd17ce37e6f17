//! The security plan, evaluated: the plan's sections held against the
//! repository (documents exist and say something, test results name the
//! tests requirements trace to, evidence links resolve) and turned into
//! five pieces of evidence: `pti`, `planning-checklist`,
//! `security-requirements`, `security-documentation` and `education`.
//!
//! The judgements are the process crate's pure functions; this module only
//! gathers the facts they need. It runs after the analyzers, because a
//! requirement may be verified by another analyzer's evidence.

pub mod junit;
mod paths;

pub use paths::Repo;

use chrono::NaiveDate;
use sef_model::EvidencePayload;
use sef_model::evidence::plan_payloads::{
    ChecklistPayload, DocumentationPayload, EducationPayload, PtiPayload, RequirementsPayload,
};
use sef_model::{Evidence, EvidenceId, EvidenceKind, EvidenceStatus};
use sef_plan::Plan;
use sef_process::{
    Completeness, PlanWarning, Tier, checklist, documentation, education, pti, requirements,
};
use serde::Serialize;
use std::path::Path;

/// The name the security plan's evidence gives as its analyzer.
pub const ANALYZER: &str = "security-plan";

/// The PTI part.
#[derive(Debug, Clone, Serialize)]
pub struct PtiStatus {
    /// The file the answers are in, when there are answers.
    pub source: Option<String>,
    /// Who assessed.
    pub assessed_by: Option<String>,
    /// When.
    pub assessed_on: Option<NaiveDate>,
    /// The PTI, or what is unanswered; `None` when there is no `[pti]`.
    pub outcome: Option<pti::Outcome>,
}

impl PtiStatus {
    /// The tier, when the PTI is complete.
    pub fn tier(&self) -> Option<Tier> {
        match &self.outcome {
            Some(pti::Outcome::Complete(p)) => Some(p.tier),
            _ => None,
        }
    }
}

/// Where the test results came from.
pub use sef_model::evidence::plan_payloads::TracedTests as TestSources;

/// The whole security plan, evaluated.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// The PTI.
    pub pti: PtiStatus,
    /// The planning checklist; `None` when the plan has no `[checklist]`.
    pub checklist: Option<checklist::Status>,
    /// The requirements.
    pub requirements: requirements::Evaluation,
    /// Test results the requirements were checked against.
    pub tests: Option<TestSources>,
    /// The documentation plan.
    pub documentation: documentation::Evaluation,
    /// The team's training.
    pub education: education::Evaluation,
    /// Warnings, per part, in the order of the parts above.
    pub warnings: Warnings,
}

/// Warnings per part of the plan.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Warnings {
    /// Checklist warnings.
    pub checklist: Vec<PlanWarning>,
    /// Requirement warnings, test-result problems included.
    pub requirements: Vec<PlanWarning>,
    /// Documentation warnings.
    pub documentation: Vec<PlanWarning>,
    /// Training warnings (overdue refreshers).
    pub education: Vec<PlanWarning>,
}

impl Warnings {
    /// Every warning.
    pub fn all(&self) -> impl Iterator<Item = &PlanWarning> {
        self.checklist
            .iter()
            .chain(&self.requirements)
            .chain(&self.documentation)
            .chain(&self.education)
    }
}

/// The `risk-assessment` planning question as the threat-model evidence
/// answers it: yes when the model checks, an architect reviewed it as it
/// is, and no high risk is untracked or unmitigated; partial otherwise.
fn risk_assessment(e: &Evidence) -> checklist::Derived {
    use sef_model::evidence::threat::ThreatModelPayload;
    let mut d = checklist::Derived {
        question: "risk-assessment",
        answer: checklist::Answer::Partial,
        note: String::new(),
        evidence: Vec::new(),
        source: "threat-model",
    };
    let Some(p) = e
        .payload::<ThreatModelPayload>()
        .filter(|_| e.status == EvidenceStatus::Complete)
    else {
        d.note = format!(
            "the threat model does not check: {}",
            e.status.reason().unwrap_or("no payload")
        );
        return d;
    };
    d.evidence = p.files.clone();
    let mut gaps = Vec::new();
    if !p.reviewed {
        gaps.push("not reviewed by an architect as it is now".to_owned());
    }
    if !p.untracked_high.is_empty() {
        gaps.push(format!("{} high risk(s) untracked", p.untracked_high.len()));
    }
    if !p.unmitigated_high.is_empty() {
        gaps.push(format!(
            "{} high risk(s) unmitigated",
            p.unmitigated_high.len()
        ));
    }
    let summary = format!(
        "threat model with {} technical assets and {} flows, {} risks ranked",
        p.counts.technical_assets,
        p.counts.data_flows,
        p.risks.len()
    );
    if gaps.is_empty() {
        d.answer = checklist::Answer::Yes;
        let r = p.last_review.as_ref();
        d.note = format!(
            "{summary}; reviewed by {} on {}",
            r.map_or("?", |r| r.reviewer.as_str()),
            r.map_or_else(String::new, |r| r.date.to_string())
        );
    } else {
        d.note = format!("{summary}; {}", gaps.join("; "));
    }
    d
}

/// Evaluates the plan of the repository at `root` as of `today`.
/// `evidence` is the run's evidence when there is a run (requirements
/// verified by evidence are then checked; otherwise not measured).
pub fn evaluate(
    root: &Path,
    plan: &Plan,
    evidence: Option<&[Evidence]>,
    today: NaiveDate,
) -> Status {
    evaluate_at_tier(root, plan, evidence, today, None)
}

/// [`evaluate`], selecting requirements and documentation at `tier`
/// instead of the PTI's tier when one is given (`sef requirements --tier`).
pub fn evaluate_at_tier(
    root: &Path,
    plan: &Plan,
    evidence: Option<&[Evidence]>,
    today: NaiveDate,
    tier_override: Option<Tier>,
) -> Status {
    let repo = Repo::new(root);
    let sec = &plan.security;
    let mut warnings = Warnings::default();

    let pti = PtiStatus {
        source: sec.pti.as_ref().map(|p| p.origin.file.clone()),
        assessed_by: sec.pti.as_ref().and_then(|p| p.assessed_by.clone()),
        assessed_on: sec.pti.as_ref().and_then(|p| p.assessed_on),
        outcome: sec.pti.as_ref().map(|p| pti::evaluate(&p.answers)),
    };
    let tier = tier_override.or_else(|| pti.tier());

    let exists = |p: &str| repo.exists(p);
    let derived: Vec<checklist::Derived> = evidence
        .and_then(|ev| ev.iter().find(|e| e.kind == EvidenceKind::ThreatModel))
        .map(risk_assessment)
        .into_iter()
        .collect();
    let checklist = match (&sec.checklist, derived.is_empty()) {
        (None, true) => None,
        (entries, _) => {
            let entries = entries.as_deref().unwrap_or(&[]);
            let (status, w) = checklist::evaluate_with(entries, &exists, &derived);
            warnings.checklist = w;
            Some(status)
        }
    };

    // the test results requirements trace to: the requirements section's
    // own `junit`, else the JUnit analyzer's files
    let junit_files: Option<(&[String], sef_process::Origin)> = match &sec.requirements {
        Some(r) if !r.junit.is_empty() => Some((&r.junit, r.origin.clone())),
        _ => plan.analyzers.junit.as_ref().map(|j| {
            (
                j.files.as_slice(),
                sef_process::Origin {
                    file: sef_plan::PLAN_FILE.to_owned(),
                    line: 0,
                },
            )
        }),
    };
    let (tests, test_results) = match junit_files {
        Some((files, origin)) => {
            let (sources, results, w) = read_tests(&repo, files, &origin);
            warnings.requirements.extend(w);
            (Some(sources), Some(results))
        }
        None => (None, None),
    };
    let lookup = |kind: &str| -> Option<bool> {
        let e = evidence?.iter().find(|e| e.kind.as_str() == kind)?;
        Some(e.status == EvidenceStatus::Complete)
    };
    let facts = requirements::Facts {
        tests: test_results.as_ref(),
        path_exists: &exists,
        evidence: evidence.map(|_| &lookup as &dyn Fn(&str) -> Option<bool>),
        selected: &crate::analyzers::threat_model::selected_requirements(root, plan),
    };
    let entries = sec
        .requirements
        .as_ref()
        .map_or(&[][..], |r| r.entries.as_slice());
    let (requirements, w) = requirements::evaluate(tier, entries, &facts);
    warnings.requirements.extend(w);

    let doc_state = |reference: &str| doc_state(&repo, reference);
    let doc_entries = sec.documentation.as_deref().unwrap_or(&[]);
    let (documentation, w) =
        documentation::evaluate(tier.unwrap_or(Tier::CRITICAL), doc_entries, &doc_state);
    warnings.documentation = w;

    let no_team = education::Team::with_builtin_courses();
    let team = sec.team.as_ref().unwrap_or(&no_team);
    let education = education::evaluate(team, today);
    for (member, course, due) in &education.overdue {
        let origin = team
            .members
            .iter()
            .find(|m| &m.id == member)
            .map(|m| m.origin.clone())
            .unwrap_or_default();
        warnings.education.push(origin.warn(format!(
            "`{member}`: the `{course}` refresher was due on {due}; record the new completion"
        )));
    }
    for c in &team.completions {
        if c.date > today {
            warnings.education.push(c.origin.warn(format!(
                "completion of `{}` by `{}` is dated {}, in the future",
                c.course, c.member, c.date
            )));
        }
    }

    Status {
        pti,
        checklist,
        requirements,
        tests,
        documentation,
        education,
        warnings,
    }
}

fn read_tests(
    repo: &Repo,
    junit: &[String],
    origin: &sef_process::Origin,
) -> (TestSources, requirements::TestResults, Vec<PlanWarning>) {
    let mut sources = TestSources::default();
    let mut results = requirements::TestResults::default();
    let mut warnings = Vec::new();
    for entry in junit {
        let Some(path) = repo.resolve(entry) else {
            warnings.push(origin.warn(format!(
                "JUnit results `{entry}` do not exist in the repository; run the tests with JUnit output first, or fix the path"
            )));
            continue;
        };
        let mut files = Vec::new();
        if path.is_dir() {
            let walk = ignore::WalkBuilder::new(&path)
                .standard_filters(false)
                .follow_links(false)
                .build();
            for f in walk.flatten() {
                if f.file_type().is_some_and(|t| t.is_file())
                    && f.path().extension().is_some_and(|e| e == "xml")
                {
                    files.push(f.into_path());
                }
            }
            files.sort();
        } else {
            files.push(path);
        }
        for f in files {
            let shown = repo.display(&f);
            match repo.read(&f) {
                Ok(text) => match junit::read(&text, &mut results) {
                    Ok(_) => sources.files.push(shown),
                    Err(e) => warnings.push(origin.warn(format!(
                        "{shown}:{}:{}: not readable as JUnit XML: {}",
                        e.line, e.column, e.message
                    ))),
                },
                Err(e) => warnings
                    .push(origin.warn(format!("{shown}: cannot read the test results: {e}"))),
            }
        }
    }
    sources.cases = results.cases;
    (sources, results, warnings)
}

/// Where sef looks for a threat model when the plan names none.
pub const THREAT_MODEL_CANDIDATES: [&str; 3] = [
    "security/threat-model.md",
    "docs/threat-model.md",
    "THREAT_MODEL.md",
];

/// The files the checkpoints read: the threat model (the plan's, or the
/// first default candidate that exists) and the incident-response process.
pub fn checkpoint_files(
    root: &Path,
    plan: &Plan,
) -> (
    Option<sef_process::checkpoint::FileFact>,
    Option<sef_process::checkpoint::IncidentResponse>,
) {
    use sef_process::checkpoint::{FileFact, IncidentResponse};
    let repo = Repo::new(root);
    let fact = |path: &str| FileFact {
        path: path.to_owned(),
        state: doc_state(&repo, path),
    };
    let threat_model = match &plan.checkpoints.threat_model {
        Some(p) => Some(fact(p)),
        None => THREAT_MODEL_CANDIDATES
            .iter()
            .find(|c| repo.exists(c))
            .map(|c| fact(c)),
    };
    let incident = plan.incident_response.as_ref().map(|ir| IncidentResponse {
        contact: ir.contact.clone(),
        process: fact(&ir.process),
    });
    (threat_model, incident)
}

/// Classifies one documentation reference, `path` or `path#Heading`.
fn doc_state(repo: &Repo, reference: &str) -> documentation::FileState {
    let (path, section) = match reference.split_once('#') {
        Some((p, s)) => (p, Some(s)),
        None => (reference, None),
    };
    let Some(full) = repo.resolve(path) else {
        return documentation::FileState::Missing;
    };
    if !full.is_file() {
        return documentation::FileState::Missing;
    }
    match repo.read(&full) {
        Ok(text) => documentation::classify(&text, section, documentation::Markup::of_path(path)),
        Err(_) => documentation::FileState::Missing,
    }
}

fn status_of(c: Completeness, missing: &str, partial: String) -> EvidenceStatus {
    match c {
        Completeness::Complete => EvidenceStatus::Complete,
        Completeness::Partial => EvidenceStatus::Partial { reason: partial },
        Completeness::Missing => EvidenceStatus::Missing {
            reason: missing.to_owned(),
        },
    }
}

/// Turns the evaluation into the five pieces of evidence.
pub fn to_evidence(
    s: &Status,
    started: chrono::DateTime<chrono::Utc>,
    finished: chrono::DateTime<chrono::Utc>,
) -> Vec<Evidence> {
    let make = |kind: EvidenceKind, status: EvidenceStatus, payload: EvidencePayload| Evidence {
        id: EvidenceId::generate(),
        kind,
        analyzer: ANALYZER.to_owned(),
        tool: crate::sef_tool(ANALYZER),
        started_at: started,
        finished_at: finished,
        input_digest: None,
        status,
        payload,
    };

    let pti_status = match &s.pti.outcome {
        None => EvidenceStatus::Missing {
            reason: "no [pti] in the plan: answer the Predictive Threat Index questionnaire (docs/pti.md); until then every requirement and documentation topic is selected".into(),
        },
        Some(pti::Outcome::Incomplete { unanswered }) => EvidenceStatus::Partial {
            reason: format!("unanswered: {}", unanswered.join(", ")),
        },
        Some(pti::Outcome::Complete(_)) => EvidenceStatus::Complete,
    };

    let checklist_status = match &s.checklist {
        None => EvidenceStatus::Missing {
            reason: "no [checklist] in the plan: answer the seven planning questions (docs/security-plan.md)".into(),
        },
        Some(c) => {
            let mut parts = Vec::new();
            if !c.unanswered.is_empty() {
                parts.push(format!("unanswered: {}", c.unanswered.join(", ")));
            }
            if !c.gaps.is_empty() {
                parts.push(format!("answered no or partial: {}", c.gaps.join(", ")));
            }
            status_of(
                c.completeness,
                "no planning question is answered",
                parts.join("; "),
            )
        }
    };

    let r = &s.requirements;
    let req_status = status_of(
        r.completeness,
        "no [requirements] in the plan: no requirement has a recorded status (docs/security-plan.md)",
        format!(
            "{} of {} requirements verified or not applicable",
            r.total.verified + r.total.not_applicable,
            r.total.total
        ),
    );

    let d = &s.documentation;
    let doc_status = status_of(
        d.completeness,
        "no [documentation] in the plan: map the security documentation topics to files (docs/security-plan.md)",
        format!("{} of {} required topics documented", d.covered, d.required),
    );

    let e = &s.education;
    let edu_status = status_of(
        e.completeness,
        "no [team] in the plan: record the team's members, roles and training (docs/security-plan.md)",
        format!(
            "{} of {} members trained{}",
            e.trained,
            e.total,
            if e.overdue.is_empty() {
                String::new()
            } else {
                format!(", {} refresher(s) overdue", e.overdue.len())
            }
        ),
    );

    vec![
        make(
            EvidenceKind::Pti,
            pti_status,
            EvidencePayload::Pti(PtiPayload {
                source: s.pti.source.clone(),
                assessed_by: s.pti.assessed_by.clone(),
                assessed_on: s.pti.assessed_on,
                outcome: s.pti.outcome.clone(),
                tier: s.pti.tier().map(Tier::number),
            }),
        ),
        make(
            EvidenceKind::PlanningChecklist,
            checklist_status,
            EvidencePayload::PlanningChecklist(ChecklistPayload {
                checklist: s.checklist.clone(),
                warnings: s.warnings.checklist.clone(),
            }),
        ),
        make(
            EvidenceKind::SecurityRequirements,
            req_status,
            EvidencePayload::SecurityRequirements(Box::new(RequirementsPayload {
                evaluation: s.requirements.clone(),
                tests: s.tests.clone(),
                warnings: s.warnings.requirements.clone(),
            })),
        ),
        // the documentation KPIs read the evaluation's topics and counts
        make(
            EvidenceKind::SecurityDocumentation,
            doc_status,
            EvidencePayload::SecurityDocumentation(DocumentationPayload {
                evaluation: s.documentation.clone(),
                warnings: s.warnings.documentation.clone(),
            }),
        ),
        make(
            EvidenceKind::Education,
            edu_status,
            EvidencePayload::Education(EducationPayload {
                evaluation: s.education.clone(),
                warnings: s.warnings.education.clone(),
            }),
        ),
    ]
}

#[cfg(test)]
mod tests;
