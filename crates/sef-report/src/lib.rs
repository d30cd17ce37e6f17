//! Report writers.
//!
//! One assessment run (or a listing of runs, or a diff of two runs) is
//! rendered as terminal text, versioned JSON, Markdown or one
//! self-contained HTML file. Terminal text carries ANSI styles; the caller
//! strips them when colour is off (NO_COLOR, not a TTY, or a file).
//!
//! Writers are pure functions from model values to strings: no I/O, no
//! clock, no store.

mod cwe;
mod doc;
mod documents;
mod format;
mod history;
mod history_view;
mod html;
mod json;
mod kpis;
mod lines;
mod markdown;
mod plan;
mod sarif;
mod summary;
mod table;
mod text;
mod views;
mod vulns;

pub use history_view::{CommitLine, history_text};
pub use json::{
    DIFF_SCHEMA, REPORT_SCHEMA_VERSION, RUN_SCHEMA, RUNS_SCHEMA, diff_json, run_json, runs_json,
};
pub use lines::evidence_lines;
pub use sarif::{SARIF_SCHEMA, SarifRun, run_sarif, sarif_log};
pub use summary::{Verdict, verdict};
pub use table::{fit_to_terminal, set_terminal_width};
pub use views::{RequirementsFormat, plan_text, pti_text, requirements, row_has_status};
pub use vulns::{
    VULNS_SCHEMA, VulnsReport, VulnsVerdict, vulns_json, vulns_markdown, vulns_sarif, vulns_text,
    vulns_verdict,
};

use sef_model::{AssessmentRun, RunDiff, RunSummary};

/// The output formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text for a terminal.
    Text,
    /// Versioned JSON for machines (see `docs/report-format.md`).
    Json,
    /// Markdown, e.g. for a pull-request comment.
    Markdown,
    /// One self-contained HTML file that makes no external requests.
    Html,
    /// SARIF 2.1.0 (one run's findings; for code-scanning tools).
    Sarif,
}

/// Context shown with a run that is not part of the run itself.
#[derive(Debug, Clone, Default)]
pub struct RunContext {
    /// Where the run was stored, if it was.
    pub store: Option<String>,
    /// The release's checkpoint decisions so far (from the store).
    pub timeline: Vec<sef_model::PhaseDecision>,
    /// The offering's KPIs release by release (from the store), for the
    /// HTML report's trend charts.
    pub kpi_series: Vec<sef_model::ReleaseKpis>,
    /// What each override's signature proves, by decision id, as checked
    /// against the team file by the caller (`sef_process::proof`).
    pub proofs: Proofs,
}

/// What each decision's signature proves, by decision id.
pub type Proofs = std::collections::BTreeMap<String, String>;

/// How a decision's author is shown: the proof the caller checked, else
/// "self-asserted" for an unsigned decision, else "signed, not checked".
pub fn proof_label(d: &sef_model::PhaseDecision, proofs: &Proofs) -> String {
    match (proofs.get(&d.id), d.r#override.as_ref()) {
        (Some(p), _) => p.clone(),
        (None, Some(o)) if o.signature.is_some() => "signed, not checked here".into(),
        _ => "self-asserted (unsigned)".into(),
    }
}

/// Renders one run.
pub fn render_run(run: &AssessmentRun, format: Format, ctx: &RunContext) -> String {
    match format {
        Format::Text => text::run(run, ctx),
        Format::Json => json::run_json_with(run, &ctx.timeline),
        Format::Markdown => markdown::render(&documents::run(run, ctx)),
        Format::Html => html::render(&documents::run(run, ctx)),
        Format::Sarif => sarif::run_sarif(run),
    }
}

/// Renders the KPI table of one stored run (`sef kpi`): text or JSON.
pub fn render_kpis(run: &AssessmentRun, format: Format) -> String {
    match format {
        Format::Json => {
            let doc = serde_json::json!({
                "schema": "sef.kpis",
                "schema_version": REPORT_SCHEMA_VERSION,
                "offering": run.offering.name,
                "release": run.release.version,
                "phase": run.release.phase,
                "run": run.id,
                "started_at": run.started_at,
                "kpis": run.kpis,
            });
            let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Markdown | Format::Html | Format::Text | Format::Sarif => {
            let mut o = format!(
                "{} {} (phase: {}) — run {} of {}\n",
                run.offering.name,
                run.release.version,
                run.release.phase,
                run.id,
                run.started_at.format("%Y-%m-%d %H:%M UTC")
            );
            text::kpi_section(&mut o, &run.kpis);
            o
        }
    }
}

/// Renders the gate of a run (`sef gate`): the outcome and every criterion
/// with its result, evidence and what to do; text or JSON.
pub fn render_gate(run: &AssessmentRun, format: Format) -> String {
    match format {
        Format::Json => {
            let doc = serde_json::json!({
                "schema": "sef.gate",
                "schema_version": REPORT_SCHEMA_VERSION,
                "offering": run.offering.name,
                "release": run.release.version,
                "gate": run.gate,
            });
            let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
            s.push('\n');
            s
        }
        _ => {
            let mut o = format!(
                "{} {} — checkpoint of the {} phase\n",
                run.offering.name, run.release.version, run.gate.phase
            );
            text::gate_section(&mut o, run);
            o
        }
    }
}

/// Renders a release's checkpoint decisions, oldest first (text or JSON).
pub fn render_timeline(
    offering: &str,
    release: &str,
    decisions: &[sef_model::PhaseDecision],
    proofs: &Proofs,
    format: Format,
) -> String {
    match format {
        Format::Json => {
            let doc = serde_json::json!({
                "schema": "sef.phases",
                "schema_version": REPORT_SCHEMA_VERSION,
                "offering": offering,
                "release": release,
                "decisions": decisions,
                "proofs": decisions
                    .iter()
                    .filter(|d| d.r#override.is_some())
                    .map(|d| (d.id.clone(), proof_label(d, proofs)))
                    .collect::<Proofs>(),
            });
            let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
            s.push('\n');
            s
        }
        _ => {
            let mut o = format!("Phase timeline — {offering} {release}\n");
            text::timeline(&mut o, decisions, proofs);
            o
        }
    }
}

/// Renders a list of runs.
pub fn render_runs(runs: &[RunSummary], format: Format) -> String {
    match format {
        Format::Text => text::runs(runs),
        // SARIF describes one run's findings; a listing has none (the CLI
        // refuses the combination), so JSON is the nearest machine form.
        Format::Json | Format::Sarif => json::runs_json(runs),
        Format::Markdown => markdown::render(&documents::runs(runs)),
        Format::Html => html::render(&documents::runs(runs)),
    }
}

/// Renders the difference between two runs.
pub fn render_diff(diff: &RunDiff, format: Format) -> String {
    match format {
        Format::Text => text::diff(diff),
        Format::Json | Format::Sarif => json::diff_json(diff),
        Format::Markdown => markdown::render(&documents::diff(diff)),
        Format::Html => html::render(&documents::diff(diff)),
    }
}
