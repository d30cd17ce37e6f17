//! `sef threat check|list|diff|diagram|import|review|track|rules|schema`:
//! the repository's threat model, read and judged by the same code as the
//! `threat-model` analyzer of `sef assess`, and the tracking file written
//! with sef-threat's editor (which keeps hand-written comments).

use crate::cli::{
    DiagramEngineArg, RiskStatusArg, ThreatCheckArgs, ThreatCommand, ThreatDiagramArgs,
    ThreatDiffArgs, ThreatDiffFormat, ThreatImportArgs, ThreatImportFormat, ThreatListArgs,
    ThreatReviewArgs, ThreatRulesArgs, ThreatSchemaArgs, ThreatTrackArgs, ThreatViewFormat,
};
use crate::output;
use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;
use sef_engine::threat_model::{self as analyzer, Evaluated};
use sef_model::Severity;
use sef_model::evidence::threat::{RiskRow, ThreatModelPayload};
use sef_plan::{DiagramEngine, Plan};
use sef_threat::tracking::{self, Status, Update};
use sef_threat::{diagram, diff, emit, import, judge, risk, rules};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Runs one `sef threat` command.
pub fn run(c: ThreatCommand) -> Result<u8> {
    match c {
        ThreatCommand::Check(a) => check(&a),
        ThreatCommand::List(a) => list(&a),
        ThreatCommand::Diff(a) => diff_cmd(&a),
        ThreatCommand::Diagram(a) => draw(&a),
        ThreatCommand::Import(a) => import_cmd(&a),
        ThreatCommand::Review(a) => review(&a),
        ThreatCommand::Track(a) => track(&a),
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
                eprintln!("the threat model does not check");
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

/// One side of a diff: the model files and tracking file at a revision
/// (or in the work tree), judged with the work tree's rules.
fn side_at(
    root: &Path,
    plan: &Plan,
    rev: Option<&str>,
    rules: &[sef_threat::Rule],
) -> Result<(sef_threat::Model, Vec<sef_threat::Risk>, tracking::Tracking)> {
    let cfg = analyzer::config(plan);
    let dir = cfg.dir.trim_end_matches('/');
    let files: Vec<(String, String)> = match rev {
        Some(rev) => {
            sef_git::files_at::files_at(root, rev, dir, sef_threat::load::MAX_MODEL_BYTES)?
                .into_iter()
                .map(|(p, b)| (p, String::from_utf8_lossy(&b).into_owned()))
                .collect()
        }
        None => {
            let (_, names) = analyzer::model_files(root, &cfg).map_err(|e| anyhow!(e))?;
            let mut v = Vec::new();
            for n in names {
                let text = sef_fs::read_string(&root.join(&n), sef_threat::load::MAX_MODEL_BYTES)
                    .map_err(|e| anyhow!("{n}: cannot read: {}", e.reason()))?;
                v.push((n, text));
            }
            let t = format!("{dir}/{}", analyzer::TRACKING_FILE);
            if let Ok(Some(text)) =
                sef_fs::read_string_if_exists(&root.join(&t), sef_threat::load::MAX_MODEL_BYTES)
            {
                v.push((t, text));
            }
            v
        }
    };
    let at = rev.unwrap_or("the work tree");
    let tracking_name = format!("{dir}/{}", analyzer::TRACKING_FILE);
    let tracking = match files.iter().find(|(n, _)| *n == tracking_name) {
        Some((n, t)) => tracking::parse(&format!("{n} at {at}"), t)?,
        None => tracking::Tracking::default(),
    };
    let model_files: Vec<(String, String)> = files
        .into_iter()
        .filter(|(n, _)| n.ends_with(".yaml") || n.ends_with(".yml"))
        .collect();
    let model = sef_threat::load(&model_files).map_err(|errs| {
        anyhow!(
            "the model at {at} does not check:\n{}",
            errs.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    let outcome = risk::assess(&model, rules, &cfg.matrix);
    Ok((model, outcome.risks, tracking))
}

fn diff_cmd(a: &ThreatDiffArgs) -> Result<u8> {
    let (root, plan) = crate::plan_at::load(&a.repo.repo, "diff the threat model")?;
    let loaded = analyzer::load(&root, &plan).map_err(|e| anyhow!("{e}"))?;
    let (m0, r0, t0) = side_at(&root, &plan, Some(&a.from), &loaded.rules)?;
    let (m1, r1, t1) = side_at(&root, &plan, a.to.as_deref(), &loaded.rules)?;
    let d = diff::diff(
        &diff::Side {
            model: &m0,
            risks: &r0,
            tracking: &t0,
        },
        &diff::Side {
            model: &m1,
            risks: &r1,
            tracking: &t1,
        },
    );
    let to = a.to.as_deref().unwrap_or("the work tree");
    match a.format {
        ThreatDiffFormat::Json => json_out(
            &serde_json::json!({"from": a.from, "to": to, "diff": d}),
            None,
        )?,
        f => {
            let md = f == ThreatDiffFormat::Markdown;
            let mut o = String::new();
            let _ = writeln!(
                o,
                "{}threat model changes from {} to {to}\n",
                if md { "## " } else { "" },
                a.from
            );
            let mut section = |title: &str, items: Vec<String>| {
                if items.is_empty() {
                    return;
                }
                let _ = writeln!(
                    o,
                    "{}{title} ({}):",
                    if md { "### " } else { "" },
                    items.len()
                );
                for i in items {
                    let _ = writeln!(o, "{}{i}", if md { "- " } else { "  " });
                }
                o.push('\n');
            };
            section("new assets", d.new_assets.clone());
            section("removed elements", d.removed.clone());
            section(
                "new flows across a trust boundary",
                d.new_boundary_flows.clone(),
            );
            section(
                "changed classifications",
                d.reclassified
                    .iter()
                    .map(|r| format!("{}: {}", r.id, r.changes.join(", ")))
                    .collect(),
            );
            section("new risks", d.new_risks.clone());
            section(
                "risks mitigated since",
                d.mitigated
                    .iter()
                    .map(|c| format!("{} ({}): {}", c.id, c.severity, c.how))
                    .collect(),
            );
            if d.is_empty() {
                o.push_str("no change\n");
            }
            output::emit_view(&o, None, !md)?;
        }
    }
    Ok(0)
}

fn draw(a: &ThreatDiagramArgs) -> Result<u8> {
    let (root, plan) = crate::plan_at::load(&a.repo.repo, "draw the threat model")?;
    let loaded = analyzer::load(&root, &plan).map_err(|e| anyhow!("{e}"))?;
    let text = if a.dot {
        diagram::dot(&loaded.model)
    } else {
        let engine = match a.engine {
            DiagramEngineArg::Auto => DiagramEngine::Auto,
            DiagramEngineArg::Dot => DiagramEngine::Dot,
            DiagramEngineArg::Builtin => DiagramEngine::Builtin,
        };
        analyzer::draw(&loaded.model, engine)?.unwrap_or_default()
    };
    output::emit_raw(&text, a.output.as_deref())?;
    Ok(0)
}

fn import_cmd(a: &ThreatImportArgs) -> Result<u8> {
    let shown = a.file.display().to_string();
    let text = sef_fs::read_string(&a.file, sef_threat::load::MAX_MODEL_BYTES)
        .map_err(|e| anyhow!("{shown}: cannot read: {}", e.reason()))?;
    let format = match a.from {
        ThreatImportFormat::Threagile => import::Format::Threagile,
        ThreatImportFormat::ThreatDragon => import::Format::ThreatDragon,
    };
    let imported = import::convert(format, &text).map_err(|e| anyhow!("{shown}: {e}"))?;
    let name = a
        .file
        .file_name()
        .map_or(shown.clone(), |n| n.to_string_lossy().into_owned());
    let yaml = emit::model_yaml(
        &imported.model,
        &format!(
            "Imported by `sef threat import` from {name}.\nCheck what the notes below say the source did not record.\n{}",
            imported
                .notes
                .iter()
                .map(|n| format!("- {n}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    );
    // What is written must check.
    sef_threat::load(&[(name.clone(), yaml.clone())]).map_err(|errs| {
        anyhow!(
            "the converted model does not check; nothing was written:\n{}",
            errs.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    if a.output.as_deref() == Some(Path::new("-")) {
        output::emit_raw(&yaml, None)?;
    } else {
        let path = match &a.output {
            Some(p) => p.clone(),
            None => {
                let (root, plan) = crate::plan_at::load(&a.repo.repo, "import a threat model")?;
                root.join(analyzer::config(&plan).dir).join("model.yaml")
            }
        };
        if path.exists() && !a.force {
            bail!(
                "{}: exists; choose --output, or --force to replace it",
                path.display()
            );
        }
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d)
                .map_err(|e| anyhow!("{}: cannot create: {e}", d.display()))?;
        }
        output::write_atomically(&path, yaml.as_bytes())?;
        eprintln!(
            "wrote {} ({} data assets, {} technical assets, {} actors, {} flows, {} boundaries)",
            path.display(),
            imported.model.data_assets.len(),
            imported.model.technical_assets.len(),
            imported.model.actors.len(),
            imported.model.data_flows.len(),
            imported.model.trust_boundaries.len()
        );
    }
    for n in &imported.notes {
        eprintln!("note: {n}");
    }
    Ok(0)
}

fn tracking_text(root: &Path, rel: &str) -> Result<String> {
    Ok(
        sef_fs::read_string_if_exists(&root.join(rel), sef_threat::load::MAX_MODEL_BYTES)
            .map_err(|e| anyhow!("{rel}: cannot read: {}", e.reason()))?
            .unwrap_or_default(),
    )
}

fn review(a: &ThreatReviewArgs) -> Result<u8> {
    let (root, plan, e) = evaluated(&a.repo.repo, "record a threat-model review")?;
    let e = e.map_err(|p| {
        anyhow!("{p}\nthe threat model does not check: a review records a model that does")
    })?;
    let s = analyzer::settings(&plan);
    if !s.architects.iter().any(|x| x == &a.reviewer) {
        bail!(
            "`{}` may not review the threat model: a review is by a member of [team] with the architect role ({})",
            a.reviewer,
            if s.architects.is_empty() {
                "the plan has none".to_owned()
            } else {
                s.architects.join(", ")
            }
        );
    }
    let date = a.date.unwrap_or_else(today);
    if date > today() {
        bail!("--date {date} is in the future");
    }
    let rel = e.loaded.tracking_path.clone();
    let text = tracking_text(&root, &rel)?;
    let out = tracking::add_review(
        &rel,
        &text,
        &a.reviewer,
        date,
        &e.loaded.digest,
        a.note.as_deref(),
    )?;
    output::write_atomically(&root.join(&rel), out.as_bytes())?;
    println!(
        "recorded in {rel}: review by {} on {date} of {}",
        a.reviewer, e.loaded.digest
    );
    Ok(0)
}

fn track(a: &ThreatTrackArgs) -> Result<u8> {
    let (root, plan, e) = evaluated(&a.repo.repo, "track a threat-model risk")?;
    let e = e.map_err(|p| anyhow!("{p}\nthe threat model does not check; fix it first"))?;
    if !e.outcome.risks.iter().any(|r| r.id == a.risk) {
        let near: Vec<&str> = e
            .outcome
            .risks
            .iter()
            .map(|r| r.id.as_str())
            .filter(|id| {
                id.split('@').next() == a.risk.split('@').next()
                    || id.ends_with(a.risk.split('@').nth(1).unwrap_or("\0"))
            })
            .take(5)
            .collect();
        bail!(
            "`{}` is no risk of the model{}; see `sef threat list`",
            a.risk,
            if near.is_empty() {
                String::new()
            } else {
                format!(" (similar: {})", near.join(", "))
            }
        );
    }
    let status = match a.status {
        RiskStatusArg::Unchecked => Status::Unchecked,
        RiskStatusArg::InProgress => Status::InProgress,
        RiskStatusArg::Mitigated => Status::Mitigated,
        RiskStatusArg::Accepted => Status::Accepted,
        RiskStatusArg::FalsePositive => Status::FalsePositive,
    };
    let mut u = Update {
        status: Some(status),
        requirement: a.requirement.clone(),
        evidence: a.evidence.clone(),
        note: a.note.clone(),
        ..Update::default()
    };
    if let Some(r) = &a.requirement
        && !analyzer::known_requirement(&plan)(r)
    {
        bail!(
            "--requirement {r}: no such requirement in sef's catalog or the plan (sef requirements)"
        );
    }
    match status {
        Status::Mitigated if a.requirement.is_none() && a.evidence.is_none() => {
            bail!("`mitigated` names what mitigates the risk: --requirement ID or --evidence WHAT");
        }
        Status::Accepted => {
            let (Some(approver), Some(justification), Some(expires)) =
                (&a.approver, &a.justification, a.expires)
            else {
                bail!("`accepted` needs --approver, --justification and --expires");
            };
            let s = analyzer::settings(&plan);
            match &s.approvers {
                None => bail!("the plan has no [team]: nobody may accept a risk"),
                Some(list) if !list.contains(approver) => bail!(
                    "`{approver}` may not accept risks: only members of [team] with a triage role ({})",
                    list.join(", ")
                ),
                Some(_) => {}
            }
            let granted = today();
            if expires < granted {
                bail!("--expires {expires} is in the past");
            }
            if let Some(max) = s.acceptance_max_days
                && (expires - granted).num_days() > i64::from(max)
            {
                bail!(
                    "--expires {expires} is more than the plan's acceptance_max_days = {max} days away"
                );
            }
            u.approver = Some(approver.clone());
            u.justification = Some(justification.clone());
            u.granted = Some(granted);
            u.expires = Some(expires);
        }
        _ => {}
    }
    let rel = e.loaded.tracking_path.clone();
    let text = tracking_text(&root, &rel)?;
    let out = tracking::set_risk(&rel, &text, &a.risk, &u)?;
    output::write_atomically(&root.join(&rel), out.as_bytes())?;
    println!("recorded in {rel}: {} is {}", a.risk, status.as_str());
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
