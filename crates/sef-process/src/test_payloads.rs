//! Typed payloads for the KPI and checkpoint unit tests: only the fields a
//! test sets, the rest empty.

use sef_model::EvidencePayload;
use sef_model::evidence::history::{Counts, History};
use sef_model::evidence::plan_payloads::{
    ChecklistPayload, DocumentationPayload, RequirementsPayload,
};
use sef_model::evidence::tools::{ArtifactCheck, Signatures};
use sef_model::evidence::vulnerabilities::KnownVulnerabilities;
use sef_model::plan::{Completeness, Tier, checklist, documentation, requirements};

/// Requirements with these totals and categories selected.
pub fn requirements(
    total: usize,
    na: usize,
    verified: usize,
    categories: usize,
) -> EvidencePayload {
    EvidencePayload::SecurityRequirements(Box::new(RequirementsPayload {
        evaluation: requirements::Evaluation {
            tier: Tier::LOW,
            tier_from_pti: true,
            rows: vec![],
            by_category: vec![],
            total: requirements::Coverage {
                total,
                not_applicable: na,
                verified,
                ..Default::default()
            },
            categories_selected: categories,
            completeness: Completeness::Partial,
        },
        tests: None,
        warnings: vec![],
    }))
}

/// A documentation topic: `(id, required, documented, not applicable)`.
pub fn topic(
    id: &str,
    required: bool,
    documented: bool,
    na: Option<&str>,
) -> documentation::TopicStatus {
    documentation::TopicStatus {
        id: id.to_owned(),
        description: String::new(),
        required,
        not_applicable: na.map(str::to_owned),
        files: vec![],
        documented,
    }
}

/// Documentation with these topics, `covered` of `required` covered.
pub fn documentation(
    topics: Vec<documentation::TopicStatus>,
    covered: usize,
    required: usize,
) -> EvidencePayload {
    EvidencePayload::SecurityDocumentation(DocumentationPayload {
        evaluation: documentation::Evaluation {
            topics,
            roles: vec![],
            required,
            covered,
            completeness: Completeness::Partial,
        },
        warnings: vec![],
    })
}

/// A checklist with these `(question, answer)` items.
pub fn checklist(items: &[(&str, &str)]) -> EvidencePayload {
    EvidencePayload::PlanningChecklist(ChecklistPayload {
        checklist: Some(checklist::Status {
            items: items
                .iter()
                .map(|(id, a)| checklist::Item {
                    id: (*id).to_owned(),
                    question: String::new(),
                    answer: checklist::Answer::parse(a),
                    note: None,
                    evidence: vec![],
                    missing_evidence: vec![],
                    answered_by: None,
                })
                .collect(),
            unanswered: vec![],
            gaps: vec![],
            completeness: Completeness::Partial,
        }),
        warnings: vec![],
    })
}

/// `tested` of `total` third-party components tested.
pub fn vulnerabilities(tested: usize, total: usize) -> EvidencePayload {
    EvidencePayload::KnownVulnerabilities(Box::new(KnownVulnerabilities {
        components: total,
        tested,
        ..Default::default()
    }))
}

fn counts((reviewed, unknown, total): (usize, usize, usize)) -> Counts {
    Counts {
        commits: total,
        reviewed,
        unknown,
        not_reviewed: total - reviewed - unknown,
    }
}

/// History: `(reviewed, unknown, total)` for developed and external code,
/// `(verified, total)` signed commits.
pub fn history(
    dev: (usize, usize, usize),
    ext: (usize, usize, usize),
    signed: (usize, usize),
) -> EvidencePayload {
    let mut h = History::default();
    h.review.developed = counts(dev);
    h.review.external = counts(ext);
    h.signatures.verified = signed.0;
    h.signatures.commits = signed.1;
    EvidencePayload::History(Box::new(h))
}

/// `verified` of `total` release artefacts signed and verified.
pub fn signatures(verified: usize, total: usize) -> EvidencePayload {
    EvidencePayload::Signatures(Signatures {
        artifacts: (0..total)
            .map(|n| ArtifactCheck {
                file: format!("a{n}"),
                signature: if n < verified { "verified" } else { "unsigned" }.to_owned(),
                ..Default::default()
            })
            .collect(),
        keys: vec![],
    })
}
