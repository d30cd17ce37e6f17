//! Terminal text with ANSI styles. The caller strips the styles when
//! colour is off, so the words alone must carry the meaning.

use crate::RunContext;
use crate::lines::evidence_lines;
use crate::summary::verdict;
use crate::table::{Cell, Table, wrap};
use anstyle::{AnsiColor, Style};
use sef_model::{
    AssessmentRun, CriterionOutcome, EvidenceStatus, Finding, RunDiff, RunSummary, Severity,
    SeverityCounts,
};
use std::fmt::Write as _;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default();

fn width_of(s: &str) -> usize {
    s.chars().count()
}

fn paint(style: Style, text: &str) -> String {
    format!("{}{text}{}", style.render(), style.render_reset())
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Unknown | Severity::Critical | Severity::High => RED,
        Severity::Medium => YELLOW,
        Severity::Low | Severity::Info => DIM,
    }
}

fn counts_line(c: &SeverityCounts) -> String {
    let mut s = Severity::DESCENDING
        .iter()
        .filter(|s| **s != Severity::Unknown || c.get(**s) > 0)
        .map(|s| format!("{} {}", c.get(*s), s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    s.push_str(&triaged_suffix(c));
    s
}

/// " · 2 accepted · 1 false positive", or nothing.
pub(crate) fn triaged_suffix(c: &SeverityCounts) -> String {
    let mut s = String::new();
    if c.accepted > 0 {
        let _ = write!(s, " · {} accepted", c.accepted);
    }
    if c.false_positive > 0 {
        let _ = write!(s, " · {} false positive", c.false_positive);
    }
    s
}

/// The run's findings in the order every report shows them: those that
/// need action, then the accepted, then the false positives; each group
/// with its heading (`None` for the first).
pub(crate) fn finding_groups(findings: &[Finding]) -> Vec<(Option<&'static str>, Vec<&Finding>)> {
    use sef_model::FindingStatus as S;
    let group = |want: &[S]| -> Vec<&Finding> {
        findings
            .iter()
            .filter(|f| want.contains(&f.status))
            .collect()
    };
    let mut out = vec![(None, group(&[S::Open, S::Confirmed]))];
    for (title, st) in [
        ("Accepted", S::Accepted),
        ("False positive", S::FalsePositive),
    ] {
        let g = group(&[st]);
        if !g.is_empty() {
            out.push((Some(title), g));
        }
    }
    out
}

fn duration_ms(run: &AssessmentRun) -> i64 {
    (run.finished_at - run.started_at).num_milliseconds()
}

fn history_section(o: &mut String, s: &crate::history::HistorySection) {
    let _ = writeln!(o, "\n{}", paint(BOLD, "Git history"));
    let rows = |rs: &[[String; 3]]| -> Vec<Vec<Cell>> {
        rs.iter()
            .map(|r| r.iter().map(|c| Cell::from(c.clone())).collect())
            .collect()
    };
    o.push_str(&table(
        vec![
            "component",
            "developed code reviewed",
            "external code reviewed",
        ],
        rows(&s.components),
        2,
    ));
    if !s.unreviewed.is_empty() {
        let _ = writeln!(o, "  {}", paint(DIM, "commits not reviewed or unknown:"));
        o.push_str(&table(
            vec!["commit", "author", "state", "why"],
            s.unreviewed
                .iter()
                .map(|r| r.iter().map(|c| Cell::from(c.clone())).collect())
                .collect(),
            4,
        ));
        if s.unreviewed_more > 0 {
            let _ = writeln!(
                o,
                "    … {} more (sef history --commits)",
                s.unreviewed_more
            );
        }
    }
    if !s.signatures.is_empty() {
        let _ = writeln!(o, "  {}", paint(DIM, "signature problems:"));
        o.push_str(&table(
            vec!["commit", "author", "state", "detail"],
            s.signatures
                .iter()
                .map(|[c, a, state, detail]| {
                    vec![
                        Cell::from(c.clone()),
                        Cell::from(a.clone()),
                        Cell::styled(if state == "invalid" { RED } else { YELLOW }, state.clone()),
                        Cell::from(detail.clone()),
                    ]
                })
                .collect(),
            4,
        ));
    }
    if s.signatures_more > 0 {
        let _ = writeln!(
            o,
            "    … {} more signature problem(s) (sef history)",
            s.signatures_more
        );
    }

    if !s.contributors.is_empty() {
        o.push_str(&table(
            vec!["contributor", "commits", "new", "in team file"],
            s.contributors
                .iter()
                .map(|r| r.iter().map(|c| Cell::from(c.clone())).collect())
                .collect(),
            2,
        ));
        if s.contributors_more > 0 {
            let _ = writeln!(o, "  … {} more", s.contributors_more);
        }
    }
}

/// A table fitted to where it is shown, with a dimmed header.
fn table(head: Vec<&'static str>, rows: Vec<Vec<Cell>>, indent: usize) -> String {
    Table {
        head,
        rows,
        indent,
        head_style: DIM,
    }
    .render()
}

fn plan_section(o: &mut String, s: &crate::plan::PlanSection) {
    let _ = writeln!(o, "\n{}", paint(BOLD, "Security plan"));
    for (part, status, line) in &s.parts {
        let status = match *status {
            "complete" => paint(GREEN, "complete"),
            "failed" => paint(RED, "failed"),
            other => paint(YELLOW, other),
        };
        let _ = writeln!(o, "  {part:<14} {status}  {line}");
        if *part == "requirements" && !s.requirements.is_empty() {
            o.push_str(&table(
                vec![
                    "category",
                    "total",
                    "planned",
                    "implemented",
                    "verified",
                    "n/a",
                ],
                s.requirements
                    .iter()
                    .map(|r| r.iter().map(|c| Cell::from(c.clone())).collect())
                    .collect(),
                6,
            ));
        }
        if *part == "documentation" && !s.roles.is_empty() {
            let roles: Vec<String> = s.roles.iter().map(|(r, c)| format!("{r} {c}")).collect();
            let _ = writeln!(o, "      by role: {}", roles.join(", "));
        }
    }
}

/// The run report for a terminal.
pub(crate) fn run(run: &AssessmentRun, ctx: &RunContext) -> String {
    let mut o = String::new();
    let v = verdict(run);
    let _ = writeln!(
        o,
        "{} {} {} (phase: {})",
        paint(BOLD, "sef assessment —"),
        paint(BOLD, &run.offering.name),
        run.release.version,
        run.release.phase
    );
    let _ = writeln!(
        o,
        "{}",
        paint(
            DIM,
            &format!(
                "run {} · {} · {} ms · version from {}{}",
                run.id,
                run.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
                duration_ms(run),
                run.release.version_source.describe(),
                ctx.store
                    .as_ref()
                    .map(|s| format!(" · stored in {s}"))
                    .unwrap_or_default()
            )
        )
    );
    let _ = writeln!(o);
    let label = if v.pass {
        paint(GREEN, v.label)
    } else {
        paint(RED, v.label)
    };
    let _ = writeln!(
        o,
        "Verdict: {label} — {} checkpoint {}; {}",
        run.gate.phase, run.gate.outcome, v.evidence
    );
    if !v.blocking.is_empty() {
        let _ = writeln!(o, "Blocking: {}", v.blocking.join(", "));
    }
    if !ctx.timeline.is_empty() {
        let _ = writeln!(o, "\n{}", paint(BOLD, "Phase timeline"));
        timeline(&mut o, &ctx.timeline, &ctx.proofs);
    }

    if !run.notes.is_empty() {
        let _ = writeln!(o, "\n{}", paint(BOLD, "Notes"));
        for n in &run.notes {
            let _ = writeln!(o, "  • {n}");
        }
    }

    let _ = writeln!(o, "\n{}", paint(BOLD, "Evidence"));
    if !run.evidence.iter().any(|e| !e.kind.is_security_plan()) {
        let _ = writeln!(o, "  none: no analyzer is enabled");
    }
    for e in run.evidence.iter().filter(|e| !e.kind.is_security_plan()) {
        let status = match e.status {
            EvidenceStatus::Complete => paint(GREEN, "complete"),
            EvidenceStatus::Partial { .. } => paint(YELLOW, "partial"),
            EvidenceStatus::Failed { .. } => paint(RED, "failed"),
            EvidenceStatus::Missing { .. } => paint(YELLOW, "missing"),
        };
        let ms = (e.finished_at - e.started_at).num_milliseconds();
        let _ = writeln!(
            o,
            "  {:<18} {status}  {} {} · {ms} ms",
            e.kind.as_str(),
            e.tool.name,
            e.tool.version
        );
        for line in evidence_lines(e) {
            let _ = writeln!(o, "      {line}");
        }
    }

    if let Some(section) = crate::plan::section(run) {
        plan_section(&mut o, &section);
    }
    if let Some(section) = crate::history::section(run) {
        history_section(&mut o, &section);
    }

    let counts = SeverityCounts::of(&run.findings);
    let _ = writeln!(
        o,
        "\n{} ({} open): {}",
        paint(BOLD, "Findings"),
        counts.total(),
        counts_line(&counts)
    );
    for (title, group) in finding_groups(&run.findings) {
        if let Some(title) = title {
            let _ = writeln!(o, "  {} ({})", paint(BOLD, title), group.len());
        }
        for f in group {
            write_finding(&mut o, f, "  ");
        }
    }

    if !run.artifacts.is_empty() {
        let _ = writeln!(o, "\n{}", paint(BOLD, "Artifacts"));
        for a in &run.artifacts {
            let _ = writeln!(
                o,
                "  {} ({}, {} bytes) — `sef runs show {} --artifact {}`",
                a.name, a.media_type, a.size, run.id, a.name
            );
        }
    }

    cwe_section(&mut o, run);
    kpi_section(&mut o, &run.kpis);

    gate_section(&mut o, run);
    o
}

/// The gate: outcome, then every criterion with its result and detail.
pub(crate) fn gate_section(o: &mut String, run: &AssessmentRun) {
    let pass = run.gate.outcome == sef_model::GateOutcome::Pass;
    let _ = writeln!(
        o,
        "\n{} ({} exit): {}",
        paint(BOLD, "Gate"),
        run.gate.phase,
        if pass {
            paint(GREEN, "pass")
        } else {
            paint(RED, "fail")
        }
    );
    if let Some(p) = &run.gate.policy {
        let _ = writeln!(
            o,
            "  under policy `{}` {} (sha256 {}, signed by key {}, from {}){}",
            p.name,
            p.version,
            p.digest.get(..12).unwrap_or(&p.digest),
            p.key_id,
            p.source,
            if p.locked.is_empty() {
                String::new()
            } else {
                format!("; locked: {}", p.locked.join(", "))
            }
        );
    }
    for c in &run.gate.criteria {
        let mark = match c.outcome {
            CriterionOutcome::Pass => paint(GREEN, "pass"),
            CriterionOutcome::Fail => paint(RED, "FAIL"),
            CriterionOutcome::NotMeasured => paint(YELLOW, "not measured"),
        };
        let _ = writeln!(o, "  [{mark}] {} — {}", c.id, c.description);
        let _ = writeln!(o, "         {}", c.detail);
        if let Some(nm) = &c.if_not_measured {
            let _ = writeln!(o, "         if not measured: {nm}");
        }
    }
}

fn cwe_section(o: &mut String, run: &AssessmentRun) {
    let v = crate::cwe::of(run);
    if !crate::cwe::worth_showing(&v) {
        return;
    }
    let _ = writeln!(o, "\n{}", paint(BOLD, "Findings by CWE"));
    let groups: Vec<String> = v
        .by_cwe
        .iter()
        .map(|g| {
            format!(
                "CWE-{} {} open{}",
                g.cwe,
                g.open,
                if g.closed > 0 {
                    format!(" ({} closed)", g.closed)
                } else {
                    String::new()
                }
            )
        })
        .collect();
    if !groups.is_empty() {
        let _ = writeln!(o, "  {}", groups.join(", "));
    }
    if v.without_cwe > 0 {
        let _ = writeln!(o, "  {} finding(s) name no CWE", v.without_cwe);
    }
    let _ = writeln!(
        o,
        "  CWE Top 25 (2024): the tools' rules cover {} of 25",
        v.top25_covered
    );
    let rows: Vec<Vec<Cell>> = v
        .top25
        .iter()
        .filter(|t| t.covered || t.open > 0)
        .map(|t| {
            vec![
                Cell::from(format!("#{}", t.rank)),
                Cell::from(format!("CWE-{}", t.cwe)),
                Cell::from(t.name),
                if t.covered {
                    Cell::from("covered")
                } else {
                    Cell::styled(YELLOW, "NOT covered")
                },
                Cell::from(t.open.to_string()),
            ]
        })
        .collect();
    if !rows.is_empty() {
        o.push_str(
            &Table {
                head: vec!["rank", "CWE", "weakness", "rules", "open"],
                rows,
                indent: 4,
                head_style: DIM,
            }
            .render(),
        );
    }
}

pub(crate) fn kpi_section(o: &mut String, kpis: &[sef_model::KpiValue]) {
    use crate::kpis::{headline, kpo_text, not_measured, short_id, trend_text, value_text};
    let _ = writeln!(o, "\n{} ({})", paint(BOLD, "KPIs"), headline(kpis));
    if kpis.is_empty() {
        let _ = writeln!(o, "  none: this run has no KPI values");
        return;
    }
    let rows = kpis
        .iter()
        .map(|k| {
            let value = value_text(k);
            vec![
                Cell::from(k.table.clone()),
                Cell::from(short_id(k)),
                if k.measurement.value().is_some() {
                    Cell::from(value)
                } else {
                    Cell::styled(DIM, value)
                },
                Cell::from(kpo_text(k)),
                Cell::from(trend_text(k)),
            ]
        })
        .collect();
    o.push_str(
        &Table {
            head: vec!["table", "KPI", "value", "KPO", "trend"],
            rows,
            indent: 2,
            head_style: DIM,
        }
        .render(),
    );
    let nm = not_measured(kpis);
    if !nm.is_empty() {
        let _ = writeln!(o, "  not measured:");
        for (reason, ids) in nm {
            let _ = writeln!(o, "    • {reason} — {}", ids.join(", "));
        }
    }
}

/// How a finding stands against a risk acceptance, if one names it.
pub(crate) fn acceptance_text(f: &Finding) -> Option<String> {
    f.acceptance.as_ref().map(sef_model::Acceptance::describe)
}

fn write_finding(o: &mut String, f: &Finding, indent: &str) {
    let sev = paint(
        severity_style(f.severity),
        &format!("{:<8}", f.severity.as_str().to_uppercase()),
    );
    let loc = f
        .location
        .as_ref()
        .map(|l| format!("  {l}"))
        .unwrap_or_default();
    let _ = writeln!(o, "{indent}{sev} {}{loc}", f.rule_id);
    let hang = width_of(indent) + 9;
    let _ = writeln!(o, "{indent}         {}", wrap(&f.title, hang, hang));
    if let Some(c) = &f.cvss {
        let _ = writeln!(o, "{indent}         CVSS {:.1}  {}", c.score, c.vector);
    }
    if let Some(a) = acceptance_text(f) {
        let _ = writeln!(o, "{indent}         {}", wrap(&a, hang, hang));
    }
    if !f.remediation.is_empty() {
        let _ = writeln!(
            o,
            "{indent}         fix: {}",
            wrap(&f.remediation, hang + 5, hang + 5)
        );
    }
}

/// A run listing: the shortest unique id prefix (which `runs show` and
/// `runs diff` accept), when, what, the verdict and the open findings.
pub(crate) fn runs(runs: &[RunSummary]) -> String {
    if runs.is_empty() {
        return "No runs stored yet. Run `sef assess` first.\n".to_owned();
    }
    let rows = runs
        .iter()
        .map(|r| {
            let verdict = match r.outcome {
                sef_model::GateOutcome::Pass => Cell::styled(GREEN, "pass"),
                sef_model::GateOutcome::Fail => Cell::styled(RED, "fail"),
            };
            let id = if r.short_id.is_empty() {
                r.id.to_string()
            } else {
                r.short_id.clone()
            };
            let incomplete = if r.evidence_complete {
                ""
            } else {
                " (evidence incomplete)"
            };
            vec![
                Cell::from(id),
                Cell::from(r.started_at.format("%Y-%m-%d %H:%M:%S").to_string()),
                Cell::from(r.offering.clone()),
                Cell::from(r.release_version.clone()),
                Cell::from(r.phase.as_str()),
                verdict,
                Cell::from(format!("{}{incomplete}", short_counts(&r.findings))),
            ]
        })
        .collect();
    Table {
        head: vec![
            "run",
            "started (UTC)",
            "offering",
            "release",
            "phase",
            "verdict",
            "findings",
        ],
        rows,
        indent: 0,
        head_style: BOLD,
    }
    .render()
}

pub(crate) fn short_counts(c: &SeverityCounts) -> String {
    let open = if c.total() == 0 {
        "none open".to_owned()
    } else {
        Severity::DESCENDING
            .iter()
            .filter(|s| c.get(**s) > 0)
            .map(|s| format!("{} {}", c.get(*s), s.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    open + &triaged_suffix(c)
}

/// A run diff for a terminal.
pub(crate) fn diff(d: &RunDiff) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {} → {}",
        paint(BOLD, "Changes from run"),
        d.from,
        d.to
    );
    if d.is_empty() {
        let _ = writeln!(
            o,
            "\nNo changes: same findings and statuses, same gate, phase, criteria, KPIs and evidence."
        );
        return o;
    }
    let decisions = decision_lines(d);
    let _ = writeln!(
        o,
        "\n{} ({})",
        paint(BOLD, "Decision changes"),
        decisions.len()
    );
    for l in &decisions {
        let _ = writeln!(o, "  {l}");
    }
    let _ = writeln!(
        o,
        "\n{} ({})",
        paint(BOLD, "New findings"),
        d.new_findings.len()
    );
    for f in &d.new_findings {
        write_finding(&mut o, f, "  + ");
    }
    let _ = writeln!(
        o,
        "\n{} ({})",
        paint(BOLD, "Fixed findings"),
        d.fixed_findings.len()
    );
    for f in &d.fixed_findings {
        write_finding(&mut o, f, "  - ");
    }
    if !d.unknown_findings.is_empty() {
        let _ = writeln!(
            o,
            "\n{} ({}) — absent, but their analyzer did not complete in the newer run, so they are not counted as fixed",
            paint(BOLD, "Not re-checked"),
            d.unknown_findings.len()
        );
        for f in &d.unknown_findings {
            write_finding(&mut o, f, "  ? ");
        }
    }
    let _ = writeln!(
        o,
        "\n{} ({})",
        paint(BOLD, "Evidence changes"),
        d.evidence_changes.len()
    );
    for c in &d.evidence_changes {
        let _ = writeln!(o, "  {} {}", c.kind, c.change);
        for f in &c.fields {
            let _ = writeln!(
                o,
                "      {}: {} → {}",
                f.field,
                compact(&f.before),
                compact(&f.after)
            );
        }
    }
    o
}

/// What changed in the decisions between two runs, one line each: the
/// release, the phase, the gate, each flipped criterion, each finding whose
/// status changed (triage, acceptances), each KPI that moved.
pub(crate) fn decision_lines(d: &RunDiff) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(c) = &d.release {
        out.push(format!("release {} → {}", c.before, c.after));
    }
    if let Some(c) = &d.phase {
        out.push(format!("phase {} → {}", c.before, c.after));
    }
    if let Some(c) = &d.gate {
        out.push(format!("gate {} → {}", c.before, c.after));
    }
    let outcome = |o: Option<sef_model::CriterionOutcome>| {
        o.map_or_else(|| "not evaluated".to_owned(), |o| o.as_str().to_owned())
    };
    for c in &d.criteria_changes {
        out.push(format!(
            "criterion {}: {} → {}",
            c.id,
            outcome(c.before),
            outcome(c.after)
        ));
    }
    for c in &d.status_changes {
        let f = &c.finding;
        let place = f
            .location
            .as_ref()
            .map(|l| format!(" at {l}"))
            .unwrap_or_default();
        let why = f
            .acceptance
            .as_ref()
            .map(|a| format!(" ({})", a.describe()))
            .unwrap_or_default();
        out.push(format!(
            "finding {}{place}: {} → {}{why}",
            f.rule_id, c.before, c.after
        ));
    }
    let value = |v: Option<f64>| v.map_or_else(|| "not measured".to_owned(), |v| format!("{v:.1}"));
    for k in &d.kpi_changes {
        let mut l = format!("KPI {}: {} → {}", k.kpi_id, value(k.before), value(k.after));
        if k.kpo_before != k.kpo_after {
            let _ = write!(
                l,
                " (objective {} → {})",
                k.kpo_before.as_deref().unwrap_or("none"),
                k.kpo_after.as_deref().unwrap_or("none")
            );
        }
        out.push(l);
    }
    out
}

/// A JSON value on one line, shortened for display.
pub(crate) fn compact(v: &serde_json::Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        let mut t: String = s.chars().take(117).collect();
        t.push_str("...");
        t
    } else {
        s
    }
}

/// The release's checkpoint decisions, one line each; overrides with who
/// and why, every time.
pub(crate) fn timeline(
    o: &mut String,
    decisions: &[sef_model::PhaseDecision],
    proofs: &crate::Proofs,
) {
    if decisions.is_empty() {
        let _ = writeln!(
            o,
            "  no checkpoint decision recorded yet (`sef phase advance`)"
        );
    }
    for d in decisions {
        let how = match &d.r#override {
            None => format!("gate {}", d.gate_outcome),
            Some(ov) => format!(
                "gate {} — OVERRIDDEN by {} ({}): {}",
                d.gate_outcome,
                ov.by,
                crate::proof_label(d, proofs),
                ov.justification
            ),
        };
        let _ = writeln!(
            o,
            "  {}  {} → {}  ({how}; run {})",
            d.decided_at.format("%Y-%m-%d %H:%M UTC"),
            d.from,
            d.to,
            d.run_id
        );
    }
}
