//! The SEF's project-planning checklist: seven questions every release
//! answers before development starts, each with an answer, a note and links
//! to the evidence behind it.

use crate::{Completeness, Origin, PlanWarning};
pub use sef_model::plan::checklist::{Answer, Item, Status};
use serde::Serialize;

/// One of the seven planning questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Question {
    /// The key used in the plan, e.g. `risk-assessment`.
    pub id: &'static str,
    /// The question, in sef's words.
    pub text: &'static str,
}

/// The seven questions, in the SEF's order.
pub const QUESTIONS: [Question; 7] = [
    Question {
        id: "people-and-skills",
        text: "Are people with the security skills the work needs on the team or available to it?",
    },
    Question {
        id: "risk-assessment",
        text: "Has a security risk assessment and an architectural review been done?",
    },
    Question {
        id: "security-features",
        text: "Which security features are new, or must existing ones change?",
    },
    Question {
        id: "test-plan",
        text: "Is there a security test plan, and are the tools to carry it out available?",
    },
    Question {
        id: "threat-information",
        text: "Has current information on threats and vulnerabilities in the technology and target environments been gathered?",
    },
    Question {
        id: "schedule",
        text: "Does the schedule leave time for security testing and for fixing what it finds?",
    },
    Question {
        id: "documentation-plan",
        text: "Does the documentation plan include sections on security and on securing the offering?",
    },
];

/// Looks a question up by its key.
pub fn question(id: &str) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.id == id)
}

/// A recorded answer, as the plan loader read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The question key.
    pub question: &'static str,
    /// The answer.
    pub answer: Answer,
    /// Free text: what was done, by whom, what is left.
    pub note: Option<String>,
    /// Links to evidence: repository paths or URLs.
    pub evidence: Vec<String>,
    /// Where it was written.
    pub origin: Origin,
}

/// Whether a link names a web resource rather than a repository path.
pub fn is_url(link: &str) -> bool {
    let l = link.to_ascii_lowercase();
    l.starts_with("https://") || l.starts_with("http://")
}

/// An answer sef derives from the run's evidence (the `risk-assessment`
/// question from the threat model). It answers a question the plan leaves
/// unanswered; a plan answer that says more than the evidence shows is
/// warned about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    /// The question key.
    pub question: &'static str,
    /// The answer the evidence gives.
    pub answer: Answer,
    /// What the evidence shows.
    pub note: String,
    /// The evidence: repository paths.
    pub evidence: Vec<String>,
    /// The evidence kind it comes from.
    pub source: &'static str,
}

/// Evaluates the recorded answers. `path_exists` says whether a repository
/// path exists; links that are URLs are not checked.
pub fn evaluate(
    entries: &[Entry],
    path_exists: &dyn Fn(&str) -> bool,
) -> (Status, Vec<PlanWarning>) {
    evaluate_with(entries, path_exists, &[])
}

fn rank(a: Answer) -> u8 {
    match a {
        Answer::Yes | Answer::NotApplicable => 2,
        Answer::Partial => 1,
        Answer::No => 0,
    }
}

/// [`evaluate`], with answers derived from evidence for the questions the
/// plan leaves unanswered.
pub fn evaluate_with(
    entries: &[Entry],
    path_exists: &dyn Fn(&str) -> bool,
    derived: &[Derived],
) -> (Status, Vec<PlanWarning>) {
    let mut warnings = Vec::new();
    let mut items = Vec::with_capacity(QUESTIONS.len());
    for q in &QUESTIONS {
        let entry = entries.iter().find(|e| e.question == q.id);
        let mut missing_evidence = Vec::new();
        if let Some(e) = entry {
            for link in &e.evidence {
                if !is_url(link) && !path_exists(link) {
                    warnings.push(e.origin.warn(format!(
                        "checklist `{}`: evidence `{link}` does not exist in the repository; fix the path or remove the link",
                        q.id
                    )));
                    missing_evidence.push(link.clone());
                }
            }
            if matches!(
                e.answer,
                Answer::NotApplicable | Answer::Partial | Answer::No
            ) && e.note.is_none()
            {
                warnings.push(e.origin.warn(format!(
                    "checklist `{}` is answered `{}` without a note; say why in `note`",
                    q.id, e.answer
                )));
            }
        }
        let d = derived.iter().find(|d| d.question == q.id);
        if let (Some(e), Some(d)) = (entry, d)
            && rank(e.answer) > rank(d.answer)
        {
            warnings.push(e.origin.warn(format!(
                "checklist `{}` is answered `{}`, but the {} evidence says `{}`: {}",
                q.id, e.answer, d.source, d.answer, d.note
            )));
        }
        items.push(match (entry, d) {
            (None, Some(d)) => Item {
                id: q.id.to_owned(),
                question: q.text.to_owned(),
                answer: Some(d.answer),
                note: Some(d.note.clone()),
                evidence: d.evidence.clone(),
                missing_evidence,
                answered_by: Some(d.source.to_owned()),
            },
            _ => Item {
                id: q.id.to_owned(),
                question: q.text.to_owned(),
                answer: entry.map(|e| e.answer),
                note: entry.and_then(|e| e.note.clone()),
                evidence: entry.map(|e| e.evidence.clone()).unwrap_or_default(),
                missing_evidence,
                answered_by: None,
            },
        });
    }
    let unanswered: Vec<String> = items
        .iter()
        .filter(|i| i.answer.is_none())
        .map(|i| i.id.clone())
        .collect();
    let gaps: Vec<String> = items
        .iter()
        .filter(|i| matches!(i.answer, Some(Answer::No | Answer::Partial)))
        .map(|i| i.id.clone())
        .collect();
    let answered = items.len() - unanswered.len();
    let completeness = if answered == 0 {
        Completeness::Missing
    } else if unanswered.is_empty() && gaps.is_empty() {
        Completeness::Complete
    } else {
        Completeness::Partial
    };
    (
        Status {
            items,
            unanswered,
            gaps,
            completeness,
        },
        warnings,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(q: &'static str, a: Answer) -> Entry {
        Entry {
            question: q,
            answer: a,
            note: Some("n".into()),
            evidence: vec![],
            origin: Origin {
                file: "sef.toml".into(),
                line: 3,
            },
        }
    }

    #[test]
    fn nothing_answered_is_missing() {
        let (s, w) = evaluate(&[], &|_| true);
        assert_eq!(s.completeness, Completeness::Missing);
        assert_eq!(s.unanswered.len(), 7);
        assert!(w.is_empty());
    }

    #[test]
    fn all_yes_is_complete_and_a_no_is_a_gap() {
        let mut all: Vec<Entry> = QUESTIONS.iter().map(|q| entry(q.id, Answer::Yes)).collect();
        let (s, _) = evaluate(&all, &|_| true);
        assert_eq!(s.completeness, Completeness::Complete);
        all[3].answer = Answer::No;
        let (s, _) = evaluate(&all, &|_| true);
        assert_eq!(s.completeness, Completeness::Partial);
        assert_eq!(s.gaps, vec!["test-plan"]);
        all[3].answer = Answer::NotApplicable;
        let (s, _) = evaluate(&all, &|_| true);
        assert_eq!(s.completeness, Completeness::Complete);
    }

    #[test]
    fn one_unanswered_is_partial_and_listed() {
        let all: Vec<Entry> = QUESTIONS
            .iter()
            .filter(|q| q.id != "schedule")
            .map(|q| entry(q.id, Answer::Yes))
            .collect();
        let (s, _) = evaluate(&all, &|_| true);
        assert_eq!(s.completeness, Completeness::Partial);
        assert_eq!(s.unanswered, vec!["schedule"]);
    }

    #[test]
    fn dangling_evidence_and_silent_no_are_warned_with_line() {
        let mut e = entry("risk-assessment", Answer::No);
        e.note = None;
        e.evidence = vec![
            "docs/risk.md".into(),
            "https://wiki.example/risk".into(),
            "docs/gone.md".into(),
        ];
        let (s, w) = evaluate(&[e], &|p| p == "docs/risk.md");
        assert_eq!(s.items[1].missing_evidence, vec!["docs/gone.md"]);
        assert_eq!(w.len(), 2);
        assert!(
            w[0].to_string()
                .starts_with("sef.toml:3: checklist `risk-assessment`")
        );
        assert!(w[1].message.contains("without a note"));
    }

    #[test]
    fn evidence_answers_an_unanswered_question_and_checks_a_plan_answer() {
        let d = Derived {
            question: "risk-assessment",
            answer: Answer::Partial,
            note: "the model was never reviewed".into(),
            evidence: vec!["security/threat-model/model.yaml".into()],
            source: "threat-model",
        };
        let (s, w) = evaluate_with(&[], &|_| true, std::slice::from_ref(&d));
        assert_eq!(s.items[1].answer, Some(Answer::Partial));
        assert_eq!(s.items[1].answered_by.as_deref(), Some("threat-model"));
        assert_eq!(s.gaps, vec!["risk-assessment"]);
        assert!(w.is_empty());
        let (s, w) = evaluate_with(&[entry("risk-assessment", Answer::Yes)], &|_| true, &[d]);
        assert_eq!(
            s.items[1].answer,
            Some(Answer::Yes),
            "the plan's answer stands"
        );
        assert!(
            w[0].message
                .contains("the threat-model evidence says `partial`"),
            "{w:?}"
        );
    }

    #[test]
    fn question_ids_are_unique() {
        for (i, q) in QUESTIONS.iter().enumerate() {
            assert!(QUESTIONS[i + 1..].iter().all(|o| o.id != q.id));
            assert_eq!(question(q.id), Some(q));
        }
        assert_eq!(question("nope"), None);
    }
}
