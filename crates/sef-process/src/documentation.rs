//! The documentation plan: the security documentation each SEF security
//! role needs, mapped to files in the repository, and a check that each
//! file exists and says something (is not a stub).
//!
//! The SEF names five security roles (security architect, enterprise
//! architect, system integrator, system auditor, product assurance
//! evaluator) and asks for security in the integration, deployment,
//! operations and management documentation, including the security
//! settings of the environment the software runs in. sef turns that into
//! eight topics; each role expects some of them, and the PTI tier decides
//! which topics are required.

use crate::{Completeness, Origin, PlanWarning, Tier};
use serde::Serialize;

/// A documentation topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Topic {
    /// The key used in the plan.
    pub id: &'static str,
    /// What the documentation must cover.
    pub description: &'static str,
    /// The roles that need it.
    pub roles: &'static [Role],
    /// The lowest tier that requires it.
    pub min_tier: Tier,
}

use Role::*;
pub use sef_model::plan::documentation::{
    Evaluation, FileCheck, FileState, Role, RoleCoverage, TopicStatus,
};

/// The topics, in the order reports show them.
pub const TOPICS: [Topic; 8] = [
    Topic {
        id: "security-architecture",
        description: "Security features, trust boundaries and the design decisions behind them",
        roles: &[SecurityArchitect, ProductAssuranceEvaluator],
        min_tier: Tier::LOW,
    },
    Topic {
        id: "deployment",
        description: "Secure installation and hardening, and the security settings a deployment must make",
        roles: &[SystemIntegrator, EnterpriseArchitect],
        min_tier: Tier::LOW,
    },
    Topic {
        id: "operations",
        description: "Secure operation: monitoring, patching, backup and recovery, incident handling",
        roles: &[SystemIntegrator, SystemAuditor],
        min_tier: Tier::LOW,
    },
    Topic {
        id: "integration",
        description: "Interfaces, ports and protocols, identity integration and what each trusts",
        roles: &[EnterpriseArchitect, SystemIntegrator],
        min_tier: Tier::MODERATE,
    },
    Topic {
        id: "environment-settings",
        description: "Security-related settings of the underlying environment: OS, container, cloud, database",
        roles: &[SystemIntegrator, SecurityArchitect],
        min_tier: Tier::MODERATE,
    },
    Topic {
        id: "management",
        description: "Administration: users and roles, keys and secrets rotation, configuration changes",
        roles: &[SystemAuditor, EnterpriseArchitect],
        min_tier: Tier::MODERATE,
    },
    Topic {
        id: "audit-logging",
        description: "The security events logged, their format and retention, and how to audit them",
        roles: &[SystemAuditor],
        min_tier: Tier::HIGH,
    },
    Topic {
        id: "assurance",
        description: "Security testing and reviews performed, known limitations, how to report a vulnerability",
        roles: &[ProductAssuranceEvaluator, SecurityArchitect],
        min_tier: Tier::HIGH,
    },
];

/// Looks a topic up by id.
pub fn topic(id: &str) -> Option<&'static Topic> {
    TOPICS.iter().find(|t| t.id == id)
}

/// One `[[topic]]` entry of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanEntry {
    /// The topic id.
    pub topic: &'static str,
    /// Files that cover it; `path#Heading` names one section of a Markdown,
    /// reStructuredText or AsciiDoc file.
    pub files: Vec<String>,
    /// When set, the topic does not apply; the text says why.
    pub not_applicable: Option<String>,
    /// Where it was written.
    pub origin: Origin,
}

/// The fewest words of prose for a document (or section) not to be a stub.
pub const MIN_WORDS: usize = 40;

pub mod markup;
use markup::Line;
pub use markup::Markup;

/// Classifies a document's text, in the markup its name says (Markdown,
/// reStructuredText or AsciiDoc). With `section`, only the content under
/// the heading of that name (up to the next heading of the same or a
/// higher level) counts.
pub fn classify(text: &str, section: Option<&str>, markup: Markup) -> FileState {
    let lines = markup::lines(text, markup);
    let body: Vec<&Line<'_>> = match section {
        None => lines.iter().collect(),
        Some(name) => match section_lines(&lines, name) {
            Some(t) => t,
            None => return FileState::SectionMissing,
        },
    };
    if count_words(body.into_iter()) < MIN_WORDS {
        FileState::Stub
    } else {
        FileState::Written
    }
}

#[cfg(test)]
fn heading(line: &str) -> Option<(usize, &str)> {
    markup::markdown_heading(line)
}

fn section_lines<'a, 'b>(lines: &'b [Line<'a>], name: &str) -> Option<Vec<&'b Line<'a>>> {
    let want = name.trim().to_lowercase();
    let start = lines
        .iter()
        .position(|l| matches!(l, Line::Heading(_, h) if h.to_lowercase() == want))?;
    let Line::Heading(level, _) = lines[start] else {
        return None;
    };
    Some(
        lines[start + 1..]
            .iter()
            .take_while(|l| !matches!(l, Line::Heading(n, _) if *n <= level))
            .collect(),
    )
}

/// Counts words of prose in a Markdown text: not headings, not code
/// fences, not HTML comments, not placeholder words (TODO, TBD, FIXME,
/// lorem ipsum).
pub fn prose_words(text: &str) -> usize {
    count_words(markup::lines(text, Markup::Markdown).iter())
}

fn count_words<'a, 'b: 'a>(lines: impl Iterator<Item = &'a Line<'b>>) -> usize {
    let mut in_comment = false;
    let mut n = 0;
    for line in lines {
        let Line::Prose(line) = line else {
            continue;
        };
        let mut rest = line.trim();
        let mut prose = String::new();
        loop {
            if in_comment {
                match rest.find("-->") {
                    Some(i) => {
                        rest = &rest[i + 3..];
                        in_comment = false;
                    }
                    None => break,
                }
            } else {
                match rest.find("<!--") {
                    Some(i) => {
                        prose.push_str(&rest[..i]);
                        prose.push(' ');
                        rest = &rest[i + 4..];
                        in_comment = true;
                    }
                    None => {
                        prose.push_str(rest);
                        break;
                    }
                }
            }
        }
        n += prose
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .filter(|w| {
                let w = w
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_ascii_lowercase();
                !matches!(
                    w.as_str(),
                    "todo" | "tbd" | "fixme" | "xxx" | "lorem" | "ipsum" | "placeholder" | "wip"
                )
            })
            .count();
    }
    n
}

/// Evaluates the plan. `file_state` classifies one reference (it reads the
/// file; the engine supplies it).
pub fn evaluate(
    tier: Tier,
    entries: &[PlanEntry],
    file_state: &dyn Fn(&str) -> FileState,
) -> (Evaluation, Vec<PlanWarning>) {
    let mut warnings = Vec::new();
    let topics: Vec<TopicStatus> = TOPICS
        .iter()
        .map(|t| {
            let entry = entries.iter().find(|e| e.topic == t.id);
            let files: Vec<FileCheck> = entry
                .map(|e| {
                    e.files
                        .iter()
                        .map(|f| FileCheck {
                            file: f.clone(),
                            state: file_state(f),
                        })
                        .collect()
                })
                .unwrap_or_default();
            if let Some(e) = entry {
                for f in &files {
                    let problem = match f.state {
                        FileState::Written => continue,
                        FileState::Missing => "does not exist".to_owned(),
                        FileState::SectionMissing => "has no such heading".to_owned(),
                        FileState::Stub => format!(
                            "is a stub (fewer than {MIN_WORDS} words of prose); write the content"
                        ),
                    };
                    warnings.push(e.origin.warn(format!(
                        "documentation topic `{}`: `{}` {problem}",
                        t.id, f.file
                    )));
                }
            }
            let documented =
                !files.is_empty() && files.iter().all(|f| f.state == FileState::Written);
            TopicStatus {
                id: t.id.to_owned(),
                description: t.description.to_owned(),
                required: tier >= t.min_tier,
                not_applicable: entry.and_then(|e| e.not_applicable.clone()),
                files,
                documented,
            }
        })
        .collect();
    let covered_topic = |s: &TopicStatus| s.documented || s.not_applicable.is_some();
    let roles = Role::ALL
        .iter()
        .map(|&role| {
            let mine: Vec<&TopicStatus> = topics
                .iter()
                .zip(TOPICS.iter())
                .filter(|(s, t)| s.required && t.roles.contains(&role))
                .map(|(s, _)| s)
                .collect();
            RoleCoverage {
                role,
                expected: mine.len(),
                covered: mine.iter().filter(|s| covered_topic(s)).count(),
            }
        })
        .collect();
    let required = topics.iter().filter(|s| s.required).count();
    let covered = topics
        .iter()
        .filter(|s| s.required && covered_topic(s))
        .count();
    let completeness = if entries.is_empty() {
        Completeness::Missing
    } else {
        match Completeness::of(covered, required) {
            Completeness::Missing => Completeness::Partial,
            c => c,
        }
    };
    (
        Evaluation {
            topics,
            roles,
            required,
            covered,
            completeness,
        },
        warnings,
    )
}

#[cfg(test)]
mod tests;
