//! `sef threat check|list|diff|diagram|import|review|track|rules|schema`:
//! the repository's threat model, read and judged by the same code as the
//! `threat-model` analyzer of `sef assess`, and the tracking file written
//! with sef-threat's editor (which keeps hand-written comments).

use crate::cli::{
    ThreatCheckArgs, ThreatCommand, ThreatDiffFormat, ThreatListArgs, ThreatRulesArgs,
    ThreatSchemaArgs, ThreatViewFormat,
};
use crate::output;
use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use sef_engine::threat_model::{self as analyzer, Evaluated};
use sef_model::Severity;
use sef_model::evidence::threat::{RiskRow, ThreatModelPayload};
use sef_plan::Plan;
use sef_threat::{judge, rules};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

mod diff;
mod edit;

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Runs one `sef threat` command.
pub fn run(c: ThreatCommand) -> Result<u8> {
    match c {
        ThreatCommand::Check(a) => check(&a),
        ThreatCommand::List(a) => list(&a),
        ThreatCommand::Diff(a) => diff::diff_cmd(&a),
        ThreatCommand::Diagram(a) => diff::draw(&a),
        ThreatCommand::Import(a) => edit::import_cmd(&a),
        ThreatCommand::Review(a) => edit::review(&a),
        ThreatCommand::Track(a) => edit::track(&a),
        ThreatCommand::Rules(a) => rules_cmd(&a),
        ThreatCommand::Schema(a) => schema(&a),
    }
}

fn severity(s: &str) -> Result<Severity> {
    Severity::parse(s.trim())
        .filter(|s| !matches!(s, Severity::Unknown))
        .ok_or_else(|| anyhow!("`{s}` is not a severity: info, low, medium, high or critical"))
}

fn evaluated(repo: &Path, verb: &str) -> Result<(PathBuf, Plan, Result<Evaluated, String>)> {
    let (root, plan) = crate::plan_at::load(repo, verb)?;
    let e = analyzer::evaluate(&root, &plan, today());
    Ok((root, plan, e))
}

fn risk_table(rows: &[&RiskRow]) -> String {
    let mut o = String::new();
    let w = rows
        .iter()
        .map(|r| r.id.len())
        .max()
        .unwrap_or(4)
        .clamp(4, 60);
    let _ = writeln!(
        o,
        "{:<w$}  {:<8}  {:<22}  {:<14}  WHERE",
        "RISK", "SEVERITY", "STRIDE", "STATUS"
    );
    for r in rows {
        let _ = writeln!(
            o,
            "{:<w$}  {:<8}  {:<22}  {:<14}  {}:{}",
            r.id,
            r.severity.as_str(),
            r.stride,
            r.status,
            r.file,
            r.line
        );
    }
    o
}

fn summary(p: &ThreatModelPayload) -> String {
    let b = &p.by_severity;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "threat model {} ({})",
        p.title.as_deref().unwrap_or("(untitled)"),
        p.digest
    );
    let _ = writeln!(o, "  files: {}", p.files.join(", "));
    let _ = writeln!(
        o,
        "  {} data assets, {} technical assets, {} actors, {} data flows, {} trust boundaries",
        p.counts.data_assets,
        p.counts.technical_assets,
        p.counts.actors,
        p.counts.data_flows,
        p.counts.trust_boundaries
    );
    let _ = writeln!(
        o,
        "  {} rules: {} risks ({} critical, {} high, {} medium, {} low); {} rule matches shown mitigated by the model",
        p.rules,
        p.risks.len(),
        b.critical,
        b.high,
        b.medium,
        b.low,
        p.mitigated_in_model
    );
    let _ = writeln!(
        o,
        "  review: {}",
        match &p.last_review {
            None => "never reviewed".to_owned(),
            Some(r) => format!(
                "{} on {} ({} days ago){}{}",
                r.reviewer,
                r.date,
                r.age_days,
                if r.current {
                    ", model unchanged since"
                } else {
                    ", the model changed since"
                },
                if p.reviewed {
                    ""
                } else {
                    " — does not count"
                }
            ),
        }
    );
    if !p.untracked_high.is_empty() {
        let _ = writeln!(
            o,
            "  untracked at or above {}: {}",
            p.high_from,
            p.untracked_high.len()
        );
    }
    if !p.unmitigated_high.is_empty() {
        let _ = writeln!(
            o,
            "  unmitigated at or above {}: {}",
            p.high_from,
            p.unmitigated_high.len()
        );
    }
    if !p.stale_tracking.is_empty() {
        let _ = writeln!(
            o,
            "  tracking entries naming no risk: {}",
            p.stale_tracking.join(", ")
        );
    }
    o
}

fn json_out(v: &impl serde::Serialize, output: Option<&Path>) -> Result<()> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    output::emit_view(&s, output, false)
}

fn check(a: &ThreatCheckArgs) -> Result<u8> {
    let fail_on = a.fail_on.as_deref().map(severity).transpose()?;
    let (_, _, e) = evaluated(&a.repo.repo, "check the threat model")?;
    let e = match e {
        Ok(e) => e,
        Err(problems) => {
            if a.format == ThreatViewFormat::Json {
                json_out(
                    &serde_json::json!({"valid": false, "problems": problems.lines().collect::<Vec<_>>()}),
                    None,
                )?;
            } else {
                eprintln!("{problems}");
                if !problems.starts_with("no threat model") {
                    eprintln!("the threat model does not check");
                }
            }
            return Ok(1);
        }
    };
    let blocking = fail_on.map_or(0, |s| open_at_or_above(&e, s));
    match a.format {
        ThreatViewFormat::Json => {
            let mut p = e.payload.clone();
            p.diagram_svg = None;
            json_out(&serde_json::json!({"valid": true, "threat_model": p}), None)?;
        }
        _ => {
            let rows: Vec<&RiskRow> = e.payload.risks.iter().collect();
            let text = format!("{}\n{}", summary(&e.payload), risk_table(&rows));
            output::emit_view(&text, None, true)?;
        }
    }
    Ok(u8::from(blocking > 0))
}

/// Risks at or above `s` that are not handled.
fn open_at_or_above(e: &Evaluated, s: Severity) -> usize {
    e.payload
        .risks
        .iter()
        .filter(|r| r.severity >= s && !handled(r))
        .count()
}

fn handled(r: &RiskRow) -> bool {
    matches!(r.status.as_str(), "mitigated" | "false-positive")
        || (r.status == "accepted" && r.status_note.is_none())
}

fn list(a: &ThreatListArgs) -> Result<u8> {
    let min = a.min_severity.as_deref().map(severity).transpose()?;
    let (root, plan, e) = evaluated(&a.repo.repo, "list the threat model's risks")?;
    let e = e.map_err(|p| {
        anyhow!("{p}\nthe threat model does not check; fix it first (sef threat check)")
    })?;
    let rows: Vec<&RiskRow> = e
        .payload
        .risks
        .iter()
        .filter(|r| min.is_none_or(|m| r.severity >= m))
        .collect();
    let out = a.output.as_deref();
    match a.format {
        ThreatViewFormat::Text => output::emit_view(&risk_table(&rows), out, true)?,
        ThreatViewFormat::Json => json_out(&rows, out)?,
        ThreatViewFormat::Markdown => {
            let mut o = String::from(
                "| risk | severity | STRIDE | what | element | status | countermeasures |\n|---|---|---|---|---|---|---|\n",
            );
            let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
            for r in &rows {
                let _ = writeln!(
                    o,
                    "| `{}` | {} | {} | {} | {} ({}:{}) | {} | {} |",
                    r.id,
                    r.severity,
                    r.stride,
                    cell(&r.title),
                    cell(&r.element),
                    cell(&r.file),
                    r.line,
                    r.status,
                    r.countermeasures.join(", ")
                );
            }
            output::emit_view(&o, out, false)?;
        }
        ThreatViewFormat::Sarif => {
            let open: Vec<sef_model::Finding> = e
                .outcome
                .risks
                .iter()
                .filter(|r| {
                    min.is_none_or(|m| r.severity >= m)
                        && e.payload
                            .risks
                            .iter()
                            .find(|x| x.id == r.id)
                            .is_some_and(|x| !handled(x))
                })
                .map(|r| judge::finding(r, None))
                .collect();
            let now = chrono::Utc::now();
            let root_s = root.display().to_string();
            let log = sef_report::sarif_log(&sef_report::SarifRun {
                root: &root_s,
                sef_version: env!("CARGO_PKG_VERSION"),
                automation_id: format!(
                    "sef/threat/{}/{}/",
                    plan.offering.name, plan.release.version
                ),
                started_at: now,
                finished_at: now,
                evidence: &[],
                findings: &open,
                properties: serde_json::json!({"model_digest": e.payload.digest}),
            });
            output::emit_view(&log, out, false)?;
        }
    }
    Ok(0)
}

fn rules_cmd(a: &ThreatRulesArgs) -> Result<u8> {
    let (_, plan) = crate::plan_at::load(&a.repo.repo, "list the threat rules")?;
    let root = a
        .repo
        .repo
        .canonicalize()
        .unwrap_or_else(|_| a.repo.repo.clone());
    let cfg = analyzer::config(&plan);
    let mut texts = Vec::new();
    for f in &cfg.rules {
        let t = sef_fs::read_string(&root.join(f), sef_threat::load::MAX_MODEL_BYTES)
            .map_err(|e| anyhow!("{f}: cannot read: {}", e.reason()))?;
        texts.push((f.clone(), t));
    }
    let list = rules::load(&texts, true, &analyzer::known_requirement(&plan)).map_err(|errs| {
        anyhow!(
            "{}",
            errs.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    match a.format {
        ThreatDiffFormat::Json => {
            let v: Vec<serde_json::Value> = list
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "title": r.title, "stride": r.stride.as_str(),
                        "applies_to": r.applies_to.as_str(), "applies_when": r.applies_source,
                        "mitigated_when": r.mitigated_source, "impact": r.impact.as_str(),
                        "likelihood": r.likelihood.as_str(), "cwe": r.cwe, "capec": r.capec,
                        "countermeasures": r.countermeasures, "file": r.file,
                        "disabled": cfg.disabled_rules.contains(&r.id),
                    })
                })
                .collect();
            json_out(&v, None)?;
        }
        _ => {
            let mut o = String::new();
            for r in &list {
                let _ = writeln!(
                    o,
                    "{}{}  [{} {}] {} on {}; {} × {}; CWE {}; counters: {}",
                    r.id,
                    if cfg.disabled_rules.contains(&r.id) {
                        " (disabled)"
                    } else {
                        ""
                    },
                    r.stride.letter(),
                    r.stride.as_str(),
                    r.title,
                    r.applies_to.as_str(),
                    r.impact.as_str(),
                    r.likelihood.as_str(),
                    r.cwe
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    r.countermeasures.join(", ")
                );
            }
            let _ = writeln!(o, "\n{} rules", list.len());
            output::emit_view(&o, None, true)?;
        }
    }
    Ok(0)
}

fn schema(a: &ThreatSchemaArgs) -> Result<u8> {
    let v = if a.rules {
        rules::schema()
    } else {
        sef_threat::model::schema()
    };
    json_out(&v, None)?;
    Ok(0)
}
