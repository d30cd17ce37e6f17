//! `sef threat diff` (a revision's model beside the work tree's) and
//! `sef threat diagram`.

use super::json_out;
use crate::cli::{DiagramEngineArg, ThreatDiagramArgs, ThreatDiffArgs, ThreatDiffFormat};
use crate::output;
use anyhow::{Result, anyhow};
use sef_engine::threat_model as analyzer;
use sef_plan::{DiagramEngine, Plan};
use sef_threat::tracking;
use sef_threat::{diagram, diff, risk};
use std::fmt::Write as _;
use std::path::Path;

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

pub(super) fn diff_cmd(a: &ThreatDiffArgs) -> Result<u8> {
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

pub(super) fn draw(a: &ThreatDiagramArgs) -> Result<u8> {
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
