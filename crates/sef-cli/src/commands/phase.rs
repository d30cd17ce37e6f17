//! `sef gate`, `sef phase advance` and `sef phase history`: checkpoint
//! decisions. The gate is decided by the engine; this module checks the
//! phase order against the store, checks who may override, and records.

use crate::cli::{GateArgs, GlobalArgs, PhaseAdvanceArgs, PhaseHistoryArgs, ViewFormatArg};
use crate::{output, store};
use anyhow::{Context, Result, bail};
use sef_model::{GateOutcome, GateOverride, PhaseDecision};
use sef_plan::Plan;
use sef_process::education::TeamRole;
use sef_report::Format;
use sef_store::{RunRepository, Store};
use std::path::{Path, PathBuf};

fn load(path: &Path) -> Result<(PathBuf, Plan)> {
    let root = path
        .canonicalize()
        .with_context(|| format!("{}: cannot read: no such directory", path.display()))?;
    if !root.is_dir() {
        bail!("{}: not a directory", root.display());
    }
    let plan = Plan::load(&root)?;
    Ok((root, plan))
}

fn format(f: ViewFormatArg) -> Format {
    match f {
        ViewFormatArg::Text => Format::Text,
        ViewFormatArg::Json => Format::Json,
    }
}

fn emit(text: &str, output: Option<&Path>, f: ViewFormatArg) -> Result<()> {
    match f {
        ViewFormatArg::Text => output::emit(text, output, crate::cli::FormatArg::Text),
        ViewFormatArg::Json => output::emit_raw(text, output),
    }
}

pub fn gate(g: &GlobalArgs, a: &GateArgs) -> Result<u8> {
    let (root, mut plan) = load(&a.path)?;
    if let Some(p) = a.phase {
        plan.release.phase = p;
    }
    let rt = store::runtime()?;
    let st = rt.block_on(store::open(&store::url(g.db.as_deref())?))?;
    let run = super::assess::assess_in_memory(&rt, Some(&st), &root, &plan, &a.advisory, g.quiet)?;
    rt.block_on(st.close());
    emit(
        &sef_report::render_gate(&run, format(a.format)),
        a.output.as_deref(),
        a.format,
    )?;
    Ok(if run.gate.outcome == GateOutcome::Pass {
        crate::EXIT_PASS
    } else {
        crate::EXIT_FAIL
    })
}

/// The phase the store records for the release, and the check that the
/// plan agrees with it (no phase skipped, none moved backwards).
fn check_phase_order(plan: &Plan, decisions: &[PhaseDecision]) -> Result<()> {
    let Some(last) = decisions.last() else {
        return Ok(());
    };
    let recorded = last.to;
    let written = plan.release.phase;
    if written > recorded {
        bail!(
            "{} {} is in phase `{recorded}` in the store (decided {}), but sef.toml says `{written}`: phases cannot be skipped; set [release] phase = \"{recorded}\" and advance through each checkpoint",
            plan.offering.name,
            plan.release.version,
            last.decided_at.format("%Y-%m-%d")
        );
    }
    if written < recorded {
        bail!(
            "{} {} already moved to phase `{recorded}` (decided {}), but sef.toml says `{written}`: phases cannot move backwards; set [release] phase = \"{recorded}\"",
            plan.offering.name,
            plan.release.version,
            last.decided_at.format("%Y-%m-%d")
        );
    }
    Ok(())
}

/// Checks an override request before anything is assessed or stored.
fn check_override(plan: &Plan, a: &PhaseAdvanceArgs) -> Result<Option<GateOverride>> {
    if !a.override_gate {
        if a.by.is_some() || a.justification.is_some() {
            bail!("--by and --justification only go with --override");
        }
        return Ok(None);
    }
    let by = a.by.as_deref().map(str::trim).unwrap_or_default();
    let justification = a
        .justification
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    if justification.chars().count() < 10 {
        bail!(
            "an override needs a written justification (--justification, at least 10 characters): it is shown in every later report"
        );
    }
    if justification.chars().count() > 2000 || justification.chars().any(char::is_control) {
        bail!("the justification must be one line of at most 2000 characters");
    }
    let Some(team) = &plan.security.team else {
        bail!(
            "only a PDT leader of the plan's team may override a failed gate, and the plan has no [team]; record the team in security/team.toml"
        );
    };
    if !team.members.iter().any(|m| m.id == by) {
        bail!(
            "`{by}` is not a member of the plan's team; only a PDT leader may override a failed gate"
        );
    }
    if !team.has_role(by, TeamRole::PdtLeader) {
        bail!(
            "`{by}` is not a PDT leader (role `pdt-leader` in the plan's team); only a PDT leader may override a failed gate"
        );
    }
    Ok(Some(GateOverride {
        by: by.to_owned(),
        justification: justification.to_owned(),
    }))
}

pub fn advance(g: &GlobalArgs, a: &PhaseAdvanceArgs) -> Result<u8> {
    let (root, plan) = load(&a.path)?;
    let from = plan.release.phase;
    let Some(to) = from.next() else {
        bail!(
            "{} {} is in the `{from}` phase, the last one: there is no checkpoint to pass",
            plan.offering.name,
            plan.release.version
        );
    };
    let wanted_override = check_override(&plan, a)?;
    let rt = store::runtime()?;
    let st = rt.block_on(store::open(&store::url(g.db.as_deref())?))?;
    let decisions = rt.block_on(st.phase_decisions(&plan.offering.name, &plan.release.version))?;
    check_phase_order(&plan, &decisions)?;

    let run = match &a.run {
        Some(reference) => {
            let run = rt.block_on(super::runs::load(&st, reference))?;
            if run.offering.name != plan.offering.name {
                bail!(
                    "run {} is evidence of `{}`, not of `{}`: a checkpoint is decided on the offering's own evidence",
                    run.id,
                    run.offering.name,
                    plan.offering.name
                );
            }
            if run.release.version != plan.release.version || run.release.phase != from {
                bail!(
                    "run {} assessed {} in phase `{}`; the checkpoint is for {} in phase `{from}`",
                    run.id,
                    run.release.version,
                    run.release.phase,
                    plan.release.version
                );
            }
            run
        }
        None => {
            let run = super::assess::assess_in_memory(
                &rt,
                Some(&st),
                &root,
                &plan,
                &a.advisory,
                g.quiet,
            )?;
            rt.block_on(st.save_run(&run))
                .with_context(|| format!("{}: cannot store the run", st.location()))?;
            run
        }
    };

    let passed = run.gate.outcome == GateOutcome::Pass;
    if !passed && wanted_override.is_none() {
        let text = sef_report::render_gate(&run, format(a.format));
        emit(&text, None, a.format)?;
        eprintln!(
            "sef: the {from} checkpoint failed; {} {} stays in `{from}`. Fix the failing criteria, or a PDT leader may override with --override --by MEMBER --justification TEXT",
            plan.offering.name, plan.release.version
        );
        rt.block_on(st.close());
        return Ok(crate::EXIT_FAIL);
    }
    let decision = PhaseDecision {
        id: sef_model::RunId::generate().to_string(),
        offering: plan.offering.name.clone(),
        release: plan.release.version.clone(),
        from,
        to,
        decided_at: chrono::Utc::now(),
        run_id: run.id.to_string(),
        gate_outcome: run.gate.outcome,
        r#override: if passed { None } else { wanted_override },
    };
    rt.block_on(st.record_phase_decision(&decision))
        .with_context(|| format!("{}: cannot record the decision", st.location()))?;
    rt.block_on(st.close());
    match a.format {
        ViewFormatArg::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "schema": "sef.phase-decision",
                "schema_version": 1,
                "decision": decision,
            }))?;
            s.push('\n');
            output::emit_raw(&s, None)?;
        }
        ViewFormatArg::Text => {
            println!(
                "{} {}: {from} → {to} ({}; run {}).",
                plan.offering.name,
                plan.release.version,
                match &decision.r#override {
                    None => "gate passed".to_owned(),
                    Some(o) => format!("gate FAILED, overridden by {}: {}", o.by, o.justification),
                },
                run.id
            );
            println!("Now set [release] phase = \"{to}\" in sef.toml.");
        }
    }
    Ok(crate::EXIT_PASS)
}

pub fn history(g: &GlobalArgs, a: &PhaseHistoryArgs) -> Result<u8> {
    let (_, plan) = load(&a.path)?;
    let release = a
        .release
        .clone()
        .unwrap_or_else(|| plan.release.version.clone());
    let rt = store::runtime()?;
    let st: Store = rt.block_on(store::open(&store::url(g.db.as_deref())?))?;
    let decisions = rt.block_on(st.phase_decisions(&plan.offering.name, &release))?;
    rt.block_on(st.close());
    emit(
        &sef_report::render_timeline(&plan.offering.name, &release, &decisions, format(a.format)),
        None,
        a.format,
    )?;
    Ok(crate::EXIT_PASS)
}
