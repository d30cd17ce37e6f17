//! The "Git history" section: code-review coverage per component, the
//! unreviewed commits, commit-signature problems and the contributors (new
//! ones, and identities the team file does not list: the supply-chain
//! assurance record), read from the run's `history` evidence. Every format
//! says the same thing; this module decides what.

use sef_model::{AssessmentRun, EvidenceKind};
use serde_json::Value;

/// At most this many rows per list in a report.
const ROWS: usize = 15;

fn num(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or("").to_owned()
}

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
}

fn coverage(c: &Value) -> String {
    let total = num(&c["commits"]);
    if total == 0 {
        return "no commits".into();
    }
    #[allow(clippy::cast_precision_loss)]
    let pct = num(&c["reviewed"]) as f64 * 100.0 / total as f64;
    let mut out = format!("{pct:.1} % ({} of {total})", num(&c["reviewed"]));
    if num(&c["unknown"]) > 0 {
        out.push_str(&format!(", {} unknown", num(&c["unknown"])));
    }
    out
}

fn yes_no(v: &Value) -> String {
    match v.as_bool() {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => "not measured".into(),
    }
}

/// The section of a run, when it has usable history evidence.
pub(crate) fn section(run: &AssessmentRun) -> Option<HistorySection> {
    let e = run
        .evidence
        .iter()
        .find(|e| e.kind == EvidenceKind::History)?;
    let p = &e.payload;
    p.get("review")?;
    let mut components: Vec<[String; 3]> = vec![[
        "all".into(),
        coverage(&p["review"]["developed"]),
        coverage(&p["review"]["external"]),
    ]];
    for c in p["review"]["components"].as_array().into_iter().flatten() {
        if s(&c["name"]) == "repository" {
            continue;
        }
        components.push([
            s(&c["name"]),
            coverage(&c["developed"]),
            coverage(&c["external"]),
        ]);
    }
    let mut unreviewed = Vec::new();
    let mut total = 0u64;
    for (key, state) in [("unreviewed", "not reviewed"), ("unknown", "unknown")] {
        for r in p["review"][key].as_array().into_iter().flatten() {
            total += 1;
            if unreviewed.len() < ROWS {
                unreviewed.push([
                    s(&r["commit"]),
                    s(&r["author"]),
                    state.to_owned(),
                    s(&r["why"]),
                ]);
            }
        }
    }
    let signatures = p["signatures"]["problems"]
        .as_array()
        .into_iter()
        .flatten()
        .take(ROWS)
        .map(|r| {
            let sig = &r["signature"];
            [
                s(&r["commit"]),
                s(&r["author"]),
                s(&sig["state"]),
                sig["detail"]
                    .as_str()
                    .or(sig["key"].as_str())
                    .unwrap_or("")
                    .to_owned(),
            ]
        })
        .collect();
    let people: Vec<&Value> = p["contributors"]["people"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    // Identities outside the team, then new ones, first.
    let mut sorted = people.clone();
    sorted.sort_by_key(|c| {
        (
            c["in_team"].as_bool() != Some(false),
            c["new"].as_bool() != Some(true),
        )
    });
    let contributors = sorted
        .iter()
        .take(ROWS)
        .map(|c| {
            [
                format!("{} <{}>", s(&c["name"]), s(&c["email"])),
                num(&c["commits"]).to_string(),
                yes_no(&c["new"]),
                yes_no(&c["in_team"]),
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
    })
}
