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
    /// Files that cover it; `path#Heading` names one section of a Markdown file.
    pub files: Vec<String>,
    /// When set, the topic does not apply; the text says why.
    pub not_applicable: Option<String>,
    /// Where it was written.
    pub origin: Origin,
}

/// The fewest words of prose for a document (or section) not to be a stub.
pub const MIN_WORDS: usize = 40;

/// Classifies a document's text. With `section`, only the content under
/// the Markdown heading of that name (up to the next heading of the same
/// or a higher level) counts.
pub fn classify(text: &str, section: Option<&str>) -> FileState {
    let body = match section {
        None => text.to_owned(),
        Some(name) => match section_text(text, name) {
            Some(t) => t,
            None => return FileState::SectionMissing,
        },
    };
    let words = prose_words(&body);
    if words < MIN_WORDS {
        FileState::Stub
    } else {
        FileState::Written
    }
}

fn heading(line: &str) -> Option<(usize, &str)> {
    let t = line.trim_start();
    let level = t.bytes().take_while(|b| *b == b'#').count();
    if (1..=6).contains(&level) && t[level..].starts_with(' ') {
        Some((level, t[level..].trim().trim_end_matches('#').trim()))
    } else {
        None
    }
}

fn section_text(text: &str, name: &str) -> Option<String> {
    let want = name.trim().to_lowercase();
    let mut out: Option<(usize, String)> = None;
    for line in text.lines() {
        match (&mut out, heading(line)) {
            (None, Some((level, h))) if h.to_lowercase() == want => {
                out = Some((level, String::new()));
            }
            (Some((level, _)), Some((l, _))) if l <= *level => break,
            (Some((_, body)), _) => {
                body.push_str(line);
                body.push('\n');
            }
            _ => {}
        }
    }
    out.map(|(_, b)| b)
}

/// Counts words of prose: not headings, not code fences, not HTML
/// comments, not placeholder words (TODO, TBD, FIXME, lorem ipsum).
pub fn prose_words(text: &str) -> usize {
    let mut in_fence = false;
    let mut in_comment = false;
    let mut n = 0;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || heading(line).is_some() {
            continue;
        }
        let mut rest = t;
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
