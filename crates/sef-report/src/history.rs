//! The "Git history" section: code-review coverage per component, the
//! unreviewed commits, commit-signature problems and the contributors (new
//! ones, and identities the team file does not list: the supply-chain
//! assurance record), read from the run's `history` evidence. Every format
//! says the same thing; this module decides what.

use sef_model::AssessmentRun;
use sef_model::evidence::history::{Counts, History};

/// At most this many rows per list in a report.
const ROWS: usize = 15;

/// The section, ready to lay out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HistorySection {
    /// Per component: name, developed coverage, external coverage.
    pub components: Vec<[String; 3]>,
    /// Commits not reviewed or unknown: commit, author, state, why.
    pub unreviewed: Vec<[String; 4]>,
    /// More of them than listed.
    pub unreviewed_more: u64,
    /// Signature problems: commit, author, state, detail.
    pub signatures: Vec<[String; 4]>,
    /// Contributors: name and e-mail, commits, new, in the team file.
    pub contributors: Vec<[String; 4]>,
    /// More contributors than listed.
    pub contributors_more: usize,
    /// More signature problems than listed.
    pub signatures_more: usize,
}

fn coverage(c: &Counts) -> String {
    let total = c.commits;
    if total == 0 {
        return "no commits".into();
    }
    #[allow(clippy::cast_precision_loss)]
    let pct = c.reviewed as f64 * 100.0 / total as f64;
    let mut out = format!("{pct:.1} % ({} of {total})", c.reviewed);
    if c.unknown > 0 {
        out.push_str(&format!(", {} unknown", c.unknown));
    }
    out
}

fn yes_no(v: Option<bool>) -> String {
    match v {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => "not measured".into(),
    }
}

/// The section of a run, when it has usable history evidence.
pub(crate) fn section(run: &AssessmentRun) -> Option<HistorySection> {
    let p: &History = run.evidence.iter().find_map(|e| e.payload::<History>())?;
    let mut components: Vec<[String; 3]> = vec![[
        "all".into(),
        coverage(&p.review.developed),
        coverage(&p.review.external),
    ]];
    for c in &p.review.components {
        if c.name == "repository" {
            continue;
        }
        components.push([
            c.name.clone(),
            coverage(&c.developed),
            coverage(&c.external),
        ]);
    }
    let mut unreviewed = Vec::new();
    let mut total = 0u64;
    for (rows, state) in [
        (&p.review.unreviewed, "not reviewed"),
        (&p.review.unknown, "unknown"),
    ] {
        for r in rows {
            total += 1;
            if unreviewed.len() < ROWS {
                unreviewed.push([
                    r.commit.clone(),
                    r.author.clone(),
                    state.to_owned(),
                    r.why.clone(),
                ]);
            }
        }
    }
    let signatures = p
        .signatures
        .problems
        .iter()
        .take(ROWS)
        .map(|r| {
            [
                r.commit.clone(),
                r.author.clone(),
                r.signature.label().to_owned(),
                r.signature.detail().unwrap_or("").to_owned(),
            ]
        })
        .collect();
    let people = &p.contributors.people;
    // Identities outside the team, then new ones, first.
    let mut sorted: Vec<_> = people.iter().collect();
    sorted.sort_by_key(|c| (c.in_team != Some(false), c.new != Some(true)));
    let contributors = sorted
        .iter()
        .take(ROWS)
        .map(|c| {
            [
                format!("{} <{}>", c.name, c.email),
                c.commits.to_string(),
                yes_no(c.new),
                yes_no(c.in_team),
            ]
        })
        .collect();
    Some(HistorySection {
        components,
        unreviewed,
        unreviewed_more: total.saturating_sub(ROWS as u64),
        signatures,
        contributors,
        contributors_more: people.len().saturating_sub(ROWS),
        signatures_more: p.signatures.problems.len().saturating_sub(ROWS),
    })
}
