//! Views of the security plan outside a run report: `sef pti`, `sef plan`
//! and `sef requirements`. Pure functions from the process crate's values
//! (or the plan's evidence payloads) to text, Markdown, HTML or CSV.

use crate::doc::{Block, Doc, Inline, t};
use sef_model::Evidence;
use sef_model::evidence::plan_payloads::{ChecklistPayload, PtiPayload};
use sef_model::plan::checklist::Answer;
use sef_model::plan::pti;
use sef_process::asvs::Standard;
use sef_process::requirements::{Row, Verification};
use std::fmt::Write as _;

/// `sef pti`: the index and tier from a `pti` evidence payload; with
/// `explain`, each answer's points, the group caps and the floors.
pub fn pti_text(offering: &str, payload: Option<&PtiPayload>, explain: bool) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Predictive Threat Index — {offering}");
    match payload.and_then(|p| p.outcome.as_ref().map(|x| (p, x))) {
        Some((payload, pti::Outcome::Complete(outcome))) => {
            let tier = outcome.tier;
            let _ = writeln!(
                o,
                "  index {} of 100 → tier {} ({})",
                outcome.index,
                tier.number(),
                tier.label()
            );
            if outcome.tier != outcome.index_tier {
                let _ = writeln!(
                    o,
                    "  (the index alone gives tier {}; a high-water-mark floor raises it)",
                    outcome.index_tier.number()
                );
            }
            let source = payload.source.as_deref().unwrap_or("the plan");
            match (&payload.assessed_by, &payload.assessed_on) {
                (Some(b), Some(d)) => {
                    let _ = writeln!(o, "  assessed by {b} on {d} ({source})");
                }
                (Some(b), None) => {
                    let _ = writeln!(o, "  assessed by {b} ({source})");
                }
                _ => {
                    let _ = writeln!(o, "  answers in {source}");
                }
            }
            if explain {
                explain_pti(&mut o, outcome);
            } else {
                let _ = writeln!(o, "  run `sef pti --explain` for each answer's share");
            }
        }
        Some((_, pti::Outcome::Incomplete { unanswered })) => {
            let _ = writeln!(o, "  not computed: these questions are unanswered:");
            for q in unanswered {
                let _ = writeln!(o, "    - {q}");
            }
            let _ = writeln!(
                o,
                "  answer them in [pti] (docs/pti.md); until then every requirement is selected"
            );
        }
        None => {
            let _ = writeln!(
                o,
                "  not done: the plan has no [pti]. Answer the questionnaire in security/pti.toml\n  or [pti] in sef.toml (docs/pti.md); until then every requirement is selected"
            );
        }
    }
    o
}

fn explain_pti(o: &mut String, outcome: &pti::Pti) {
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "  {:<22} {:<16} {:>6}  group",
        "question", "answer", "points"
    );
    for c in &outcome.contributions {
        let _ = writeln!(
            o,
            "  {:<22} {:<16} {:>6}  {}",
            c.question,
            c.answer,
            c.points,
            c.group.as_str()
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "  group totals (each capped):");
    for g in &outcome.groups {
        let capped = if g.raw > g.counted {
            format!(" (raw {}, capped)", g.raw)
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "    {:<20} {:>3} of {:>2}{capped}",
            g.group.as_str(),
            g.counted,
            g.cap
        );
    }
    let _ = writeln!(
        o,
        "  index {} = the sum; tiers: 0-24 → 1, 25-49 → 2, 50-74 → 3, 75-100 → 4",
        outcome.index
    );
    if outcome.floors.is_empty() {
        let _ = writeln!(o, "  floors: none apply");
    } else {
        let _ = writeln!(o, "  floors:");
        for f in &outcome.floors {
            let _ = writeln!(o, "    at least tier {}: {}", f.tier.number(), f.reason);
        }
    }
}

/// `sef plan`: every part of the security plan, the checklist question by
/// question (the unanswered ones marked), and the warnings.
pub fn plan_text(
    offering: &str,
    release: &str,
    evidence: &[Evidence],
    warnings: &[String],
) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Security plan — {offering} {release}");
    let run_like = sef_model::AssessmentRun {
        evidence: evidence.to_vec(),
        ..placeholder_run()
    };
    if let Some(section) = crate::plan::section(&run_like) {
        for (part, status, line) in &section.parts {
            let _ = writeln!(o, "  {part:<14} {status:<9} {line}");
            if *part == "checklist" {
                checklist_items(&mut o, evidence);
            }
        }
        if !section.roles.is_empty() {
            let roles: Vec<String> = section
                .roles
                .iter()
                .map(|(r, c)| format!("{r} {c}"))
                .collect();
            let _ = writeln!(o, "  documentation by role: {}", roles.join(", "));
        }
    }
    if !warnings.is_empty() {
        let _ = writeln!(o, "\nWarnings");
        for w in warnings {
            let _ = writeln!(o, "  {w}");
        }
    }
    o
}

fn checklist_items(o: &mut String, evidence: &[Evidence]) {
    let Some(c) = evidence
        .iter()
        .find_map(|e| e.payload::<ChecklistPayload>())
        .and_then(|p| p.checklist.as_ref())
    else {
        return;
    };
    for item in &c.items {
        let mark = match item.answer {
            Some(Answer::Yes | Answer::NotApplicable) => "✓",
            Some(_) => "✗",
            None => "?",
        };
        let detail = match (item.answer, &item.note) {
            (None, _) => format!("unanswered — {}", item.question),
            (Some(a), Some(n)) => format!("{a}: {n}"),
            (Some(a), None) => a.as_str().to_owned(),
        };
        let _ = writeln!(o, "      {mark} {:<20} {detail}", item.id);
    }
}

fn placeholder_run() -> sef_model::AssessmentRun {
    let now = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    sef_model::AssessmentRun {
        id: sef_model::RunId::generate(),
        offering: sef_model::Offering {
            name: String::new(),
            owner_team: None,
            kind: sef_model::OfferingKind::Product,
            business_unit: None,
            peer_group: None,
        },
        release: sef_model::Release {
            version: String::new(),
            phase: sef_model::Phase::Plan,
            version_source: sef_model::VersionSource::Plan,
        },
        started_at: now,
        finished_at: now,
        sef_version: String::new(),
        root: String::new(),
        plan_file: None,
        plan_digest: None,
        notes: Vec::new(),
        evidence: Vec::new(),
        findings: Vec::new(),
        kpis: Vec::new(),
        gate: sef_model::GateDecision::from_criteria(sef_model::Phase::Plan, false, Vec::new()),
        artifacts: Vec::new(),
    }
}

/// The formats of `sef requirements`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequirementsFormat {
    /// Terminal text.
    Text,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// One self-contained HTML file.
    Html,
    /// Comma-separated values (RFC 4180), safe to open in a spreadsheet.
    Csv,
}

fn verification_text(row: &Row) -> String {
    row.checks
        .iter()
        .map(|c| {
            let what = match &c.verification {
                Verification::Test(n) => format!("test {n}"),
                Verification::File(f) => format!("file {f}"),
                Verification::Evidence(k) => format!("evidence {k}"),
            };
            format!("{what} ({})", c.state)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn status_text(row: &Row) -> String {
    match (row.status.as_str(), row.verified) {
        ("verified", false) => "verified (unconfirmed)".to_owned(),
        (s, _) => s.to_owned(),
    }
}

fn refs(row: &Row) -> String {
    let mut parts: Vec<String> = row.asvs.iter().map(|a| format!("ASVS {a}")).collect();
    parts.extend(row.cwe.iter().map(|c| format!("CWE-{c}")));
    parts.join(", ")
}

/// Renders requirement rows. With an ASVS standard, each cited ASVS id is
/// listed with its level and the standard's own wording.
pub fn requirements(rows: &[Row], format: RequirementsFormat, asvs: Option<&Standard>) -> String {
    match format {
        RequirementsFormat::Csv => requirements_csv(rows),
        RequirementsFormat::Text => requirements_text(rows, asvs),
        RequirementsFormat::Markdown => crate::markdown::render(&requirements_doc(rows, asvs)),
        RequirementsFormat::Html => crate::html::render(&requirements_doc(rows, asvs)),
    }
}

fn requirements_text(rows: &[Row], asvs: Option<&Standard>) -> String {
    let mut o = String::new();
    let mut category = None;
    for r in rows {
        if category != Some(r.category) {
            category = Some(r.category);
            let _ = writeln!(o, "\n{}", r.category.title());
        }
        let mark = if r.verified {
            "✓"
        } else if r.status.as_str() == "not-applicable" {
            "–"
        } else {
            "·"
        };
        let _ = writeln!(
            o,
            "  {mark} {:<15} {:<22} {}",
            r.id,
            status_text(r),
            r.tiers
                .as_deref()
                .map_or("plan".to_owned(), |t| format!("tiers {t}"))
        );
        let _ = writeln!(o, "      {}", r.statement);
        let refs = refs(r);
        if !refs.is_empty() {
            let _ = writeln!(o, "      {refs}");
        }
        if let Some(rat) = &r.rationale {
            let _ = writeln!(o, "      rationale: {rat}");
        }
        if !r.checks.is_empty() {
            let _ = writeln!(o, "      verified by: {}", verification_text(r));
        }
        if let Some(std) = asvs {
            for id in &r.asvs {
                match std.get(id) {
                    Some(a) => {
                        let _ = writeln!(o, "      {id} (L{}): {}", a.level, a.description);
                    }
                    None => {
                        let _ = writeln!(o, "      {id}: not in the supplied ASVS file");
                    }
                }
            }
        }
    }
    let _ = writeln!(o, "\n{} requirement(s)", rows.len());
    o
}

fn requirements_doc(rows: &[Row], asvs: Option<&Standard>) -> Doc {
    let mut blocks = vec![Block::Heading(1, vec![t("Security requirements")])];
    let mut head = vec![
        "id",
        "category",
        "status",
        "tiers",
        "requirement",
        "references",
        "verification",
    ];
    if asvs.is_some() {
        head.push("ASVS wording");
    }
    let table_rows = rows
        .iter()
        .map(|r| {
            let mut cells = vec![
                vec![Inline::Code(r.id.clone())],
                vec![t(r.category.as_str())],
                vec![if r.verified {
                    Inline::Class("pass", status_text(r))
                } else {
                    t(status_text(r))
                }],
                vec![t(r.tiers.clone().unwrap_or_else(|| "plan".into()))],
                match &r.rationale {
                    Some(rat) => vec![
                        t(&r.statement),
                        Inline::Break,
                        t(format!("Rationale: {rat}")),
                    ],
                    None => vec![t(&r.statement)],
                },
                vec![t(refs(r))],
                vec![t(verification_text(r))],
            ];
            if let Some(std) = asvs {
                let mut cell = Vec::new();
                for id in &r.asvs {
                    if !cell.is_empty() {
                        cell.push(Inline::Break);
                    }
                    cell.push(t(match std.get(id) {
                        Some(a) => format!("{id} (L{}): {}", a.level, a.description),
                        None => format!("{id}: not in the supplied ASVS file"),
                    }));
                }
                cells.push(cell);
            }
            cells
        })
        .collect();
    blocks.push(Block::Table {
        head,
        rows: table_rows,
    });
    blocks.push(Block::Para(vec![t(format!(
        "{} requirement(s).",
        rows.len()
    ))]));
    Doc {
        title: "Security requirements".into(),
        blocks,
    }
}

/// One CSV field: quoted when needed (RFC 4180), and prefixed with `'`
/// when it would start a spreadsheet formula.
fn csv_field(s: &str) -> String {
    let guarded = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

fn requirements_csv(rows: &[Row]) -> String {
    let mut o = String::from(
        "id,category,status,verified,tiers,source,statement,asvs,cwe,rationale,verification\r\n",
    );
    for r in rows {
        let fields = [
            r.id.clone(),
            r.category.as_str().to_owned(),
            r.status.as_str().to_owned(),
            r.verified.to_string(),
            r.tiers.clone().unwrap_or_default(),
            r.source.to_owned(),
            r.statement.clone(),
            r.asvs.join(" "),
            r.cwe
                .iter()
                .map(|c| format!("CWE-{c}"))
                .collect::<Vec<_>>()
                .join(" "),
            r.rationale.clone().unwrap_or_default(),
            verification_text(r),
        ];
        o.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        o.push_str("\r\n");
    }
    o
}

/// Whether a row matches a status filter (`verified` means confirmed).
pub fn row_has_status(row: &Row, status: &str) -> bool {
    match status {
        "verified" => row.verified,
        "implemented" => {
            row.status.as_str() == "implemented"
                || (row.status.as_str() == "verified" && !row.verified)
        }
        other => row.status.as_str() == other,
    }
}

#[cfg(test)]
mod tests;
