//! Terminal text with ANSI styles. The caller strips the styles when
//! colour is off, so the words alone must carry the meaning.

use crate::RunContext;
use crate::lines::evidence_lines;
use crate::summary::verdict;
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

fn paint(style: Style, text: &str) -> String {
    format!("{}{text}{}", style.render(), style.render_reset())
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Critical | Severity::High => RED,
        Severity::Medium => YELLOW,
        Severity::Low | Severity::Info => DIM,
    }
}

fn counts_line(c: &SeverityCounts) -> String {
    Severity::DESCENDING
        .iter()
        .map(|s| format!("{} {}", c.get(*s), s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn duration_ms(run: &AssessmentRun) -> i64 {
    (run.finished_at - run.started_at).num_milliseconds()
}

fn history_section(o: &mut String, s: &crate::history::HistorySection) {
    let _ = writeln!(o, "\n{}", paint(BOLD, "Git history"));
    let _ = writeln!(
        o,
        "  {}",
        paint(
            DIM,
            &format!(
                "{:<16} {:<34} {}",
                "component", "developed code reviewed", "external code reviewed"
            )
        )
    );
    for [name, dev, ext] in &s.components {
        let _ = writeln!(o, "  {name:<16} {dev:<34} {ext}");
    }
    if !s.unreviewed.is_empty() {
        let _ = writeln!(o, "  {}", paint(DIM, "commits not reviewed or unknown:"));
        for [c, a, state, why] in &s.unreviewed {
            let _ = writeln!(o, "    {c}  {a:<28} {state:<12} {why}");
        }
        if s.unreviewed_more > 0 {
            let _ = writeln!(
                o,
                "    … {} more (sef history --commits)",
                s.unreviewed_more
            );
        }
    }
    for [c, a, state, detail] in &s.signatures {
        let _ = writeln!(
            o,
            "  signature {c}  {a:<28} {}  {detail}",
            paint(if state == "invalid" { RED } else { YELLOW }, state)
        );
    }
    if !s.contributors.is_empty() {
        let _ = writeln!(
            o,
            "  {}",
            paint(
                DIM,
                &format!(
                    "{:<44} {:>7}  {:<12} {}",
                    "contributor", "commits", "new", "in team file"
                )
            )
        );
        for [who, n, new, team] in &s.contributors {
            let _ = writeln!(o, "  {who:<44} {n:>7}  {new:<12} {team}");
        }
        if s.contributors_more > 0 {
            let _ = writeln!(o, "  … {} more", s.contributors_more);
        }
    }
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
            let _ = writeln!(
                o,
                "      {}",
                paint(
                    DIM,
                    &format!(
                        "{:<38} {:>5} {:>7} {:>11} {:>8} {:>4}",
                        "category", "total", "planned", "implemented", "verified", "n/a"
                    )
                )
            );
            for [c, total, planned, implemented, verified, na] in &s.requirements {
                let _ = writeln!(
                    o,
                    "      {c:<38} {total:>5} {planned:>7} {implemented:>11} {verified:>8} {na:>4}"
                );
            }
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
                "run {} · {} · {} ms{}",
                run.id,
                run.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
                duration_ms(run),
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
        timeline(&mut o, &ctx.timeline);
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
        "\n{} ({}): {}",
        paint(BOLD, "Findings"),
        counts.total(),
        counts_line(&counts)
    );
    for f in &run.findings {
        write_finding(&mut o, f, "  ");
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
    for t in v.top25.iter().filter(|t| t.covered || t.open > 0) {
        let _ = writeln!(
            o,
            "    #{:<2} CWE-{:<4} {:<45} {:<11} {} open",
            t.rank,
            t.cwe,
            t.name,
            if t.covered { "covered" } else { "NOT covered" },
            t.open
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
    let _ = writeln!(
        o,
        "  {}",
        paint(
            DIM,
            &format!(
                "{:<28} {:<38} {:>12}  {:<32} {}",
                "table", "KPI", "value", "KPO", "trend"
            )
        )
    );
    for k in kpis {
        let value = value_text(k);
        let value = if k.measurement.value().is_some() {
            value
        } else {
            paint(DIM, &value)
        };
        let _ = writeln!(
            o,
            "  {:<28} {:<38} {:>12}  {:<32} {}",
            k.table,
            short_id(k),
            value,
            kpo_text(k),
            trend_text(k)
        );
    }
    let nm = not_measured(kpis);
    if !nm.is_empty() {
        let _ = writeln!(o, "  not measured:");
        for (reason, ids) in nm {
            let _ = writeln!(o, "    • {reason} — {}", ids.join(", "));
        }
    }
}

/// How a finding stands against the plan's risk acceptances, if one names it.
pub(crate) fn acceptance_text(f: &Finding) -> Option<String> {
    let a = f.acceptance.as_ref()?;
    Some(if a.expired {
        format!(
            "risk acceptance EXPIRED on {} (approved by {}): open again",
            a.expires, a.approver
        )
    } else {
        format!(
            "ACCEPTED until {} by {}: {}",
            a.expires, a.approver, a.justification
        )
    })
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
    let _ = writeln!(o, "{indent}         {}", f.title);
    if let Some(c) = &f.cvss {
        let _ = writeln!(o, "{indent}         CVSS {:.1}  {}", c.score, c.vector);
    }
    if let Some(a) = acceptance_text(f) {
        let _ = writeln!(o, "{indent}         {a}");
    }
    if !f.remediation.is_empty() {
        let _ = writeln!(o, "{indent}         fix: {}", f.remediation);
    }
}

/// A run listing for a terminal.
pub(crate) fn runs(runs: &[RunSummary]) -> String {
    if runs.is_empty() {
        return "No runs stored yet. Run `sef assess` first.\n".to_owned();
    }
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}",
        paint(
            BOLD,
            &format!(
                "{:<36}  {:<20}  {:<20}  {:<12}  {:<9}  {:<7}  findings",
                "run", "started (UTC)", "offering", "release", "phase", "verdict"
            )
        )
    );
    for r in runs {
        let verdict = match r.outcome {
            sef_model::GateOutcome::Pass => paint(GREEN, "pass   "),
            sef_model::GateOutcome::Fail => paint(RED, "fail   "),
        };
        let incomplete = if r.evidence_complete {
            ""
        } else {
            " (evidence incomplete)"
        };
        let _ = writeln!(
            o,
            "{:<36}  {:<20}  {:<20}  {:<12}  {:<9}  {verdict}  {}{incomplete}",
            r.id,
            r.started_at.format("%Y-%m-%d %H:%M:%S"),
            truncate(&r.offering, 20),
            truncate(&r.release_version, 12),
            r.phase.as_str(),
            short_counts(&r.findings),
        );
    }
    o
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

pub(crate) fn short_counts(c: &SeverityCounts) -> String {
    if c.total() == 0 {
        return "none".to_owned();
    }
    Severity::DESCENDING
        .iter()
        .filter(|s| c.get(**s) > 0)
        .map(|s| format!("{} {}", c.get(*s), s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
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
        let _ = writeln!(o, "\nNo changes: same findings, same evidence.");
        return o;
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
pub(crate) fn timeline(o: &mut String, decisions: &[sef_model::PhaseDecision]) {
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
                "gate {} — OVERRIDDEN by {}: {}",
                d.gate_outcome, ov.by, ov.justification
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
