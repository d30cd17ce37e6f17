//! `sef history` as text: the release range, code-review coverage,
//! signed commits and contributors, from the typed `history` payload.

use crate::table::{Cell, Table};
use sef_model::evidence::history::{Counts, History};
use std::fmt::Write as _;

/// A table fitted to where it is shown.
fn table(head: Vec<&'static str>, rows: Vec<Vec<Cell>>, indent: usize) -> String {
    Table {
        head,
        rows,
        indent,
        head_style: anstyle::Style::new().dimmed(),
    }
    .render()
}

/// One commit of `sef history --commits`: short id, review state,
/// signature state, author e-mail, subject.
pub type CommitLine = [String; 5];

fn counts(c: &Counts) -> String {
    if c.commits == 0 {
        return "no commits".into();
    }
    #[allow(clippy::cast_precision_loss)]
    let pct = c.reviewed as f64 * 100.0 / c.commits as f64;
    format!(
        "{pct:>5.1} %  {} of {} reviewed, {} not reviewed, {} unknown",
        c.reviewed, c.commits, c.not_reviewed, c.unknown
    )
}

/// The text of `sef history`. `notes` are the miner's partial reasons and
/// notes; `commits`, when given, lists every commit of the range.
pub fn history_text(
    offering: &str,
    release: &str,
    p: &History,
    notes: &[String],
    commits: Option<&[CommitLine]>,
) -> String {
    let mut s = String::new();
    let list = commits.is_some();
    let r = &p.range;
    let base = r.base.as_ref().map_or_else(
        || "in the whole history".to_owned(),
        |b| format!("since {}", b.label),
    );
    let _ = writeln!(
        s,
        "{offering} {release}: {} commit(s) {base}, until {}",
        r.commits,
        r.until.get(..12).unwrap_or("")
    );
    for n in notes {
        let _ = writeln!(s, "  note: {n}");
    }
    let _ = writeln!(s, "\nCode review");
    let _ = writeln!(s, "  developed code   {}", counts(&p.review.developed));
    let _ = writeln!(s, "  external code    {}", counts(&p.review.external));
    if p.review.components.len() > 1 {
        s.push_str(&table(
            vec!["component", "developed code"],
            p.review
                .components
                .iter()
                .map(|c| vec![Cell::from(c.name.clone()), Cell::from(counts(&c.developed))])
                .collect(),
            2,
        ));
    }
    if let Some(f) = &p.review.forge {
        let _ = writeln!(
            s,
            "  forge: {} request(s), {} from the cache",
            f.requests, f.cached
        );
    }
    for (rows, label) in [
        (&p.review.unreviewed, "not reviewed"),
        (&p.review.unknown, "unknown"),
    ] {
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(s, "  {label}:");
        s.push_str(&table(
            vec!["commit", "author", "why"],
            rows.iter()
                .take(if list { usize::MAX } else { 10 })
                .map(|row| {
                    vec![
                        Cell::from(row.commit.clone()),
                        Cell::from(row.author.clone()),
                        Cell::from(row.why.clone()),
                    ]
                })
                .collect(),
            4,
        ));
        if !list && rows.len() > 10 {
            let _ = writeln!(
                s,
                "    … {} more (--commits or --format json)",
                rows.len() - 10
            );
        }
    }
    let sg = &p.signatures;
    let _ = writeln!(s, "\nSigned commits");
    let _ = writeln!(
        s,
        "  {} verified, {} unsigned, {} invalid, {} unknown key, {} not verified (of {})",
        sg.verified, sg.unsigned, sg.invalid, sg.unknown_key, sg.not_verified, sg.commits
    );
    for pr in sg.problems.iter().take(if list { usize::MAX } else { 20 }) {
        let _ = writeln!(
            s,
            "    {}  {}  {}",
            pr.commit,
            pr.signature.label(),
            pr.signature.detail().unwrap_or("")
        );
    }
    if !list && sg.problems.len() > 20 {
        let _ = writeln!(
            s,
            "    … {} more (--commits or --format json)",
            sg.problems.len() - 20
        );
    }
    let c = &p.contributors;
    let _ = writeln!(s, "\nContributors");
    for person in &c.people {
        let mut flags = Vec::new();
        if person.new == Some(true) {
            flags.push("new");
        }
        if person.in_team == Some(false) {
            flags.push("not in the team file");
        }
        let _ = writeln!(
            s,
            "  {:>5}  {} <{}>{}",
            person.commits,
            person.name,
            person.email,
            if flags.is_empty() {
                String::new()
            } else {
                format!("  ({})", flags.join(", "))
            }
        );
    }
    if c.new.is_none() {
        let _ = writeln!(
            s,
            "  new contributors: not measured (the range has no start, or the earlier history is incomplete)"
        );
    }
    if c.outside_team.is_none() {
        let _ = writeln!(
            s,
            "  outside the team file: not measured (no [[team.member]] lists emails)"
        );
    }
    if let Some(commits) = commits {
        let _ = writeln!(s, "\nCommits");
        s.push_str(&table(
            vec!["commit", "review", "signature", "author", "subject"],
            commits
                .iter()
                .map(|r| r.iter().map(|c| Cell::from(c.clone())).collect())
                .collect(),
            2,
        ));
    }
    s
}
