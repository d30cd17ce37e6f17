//! `sef gate`, `sef phase advance` and `sef phase history`: checkpoint
//! decisions. The gate is decided by the engine and the checkpoint rules
//! (phase order, who may override, which run decides) are
//! `sef_process::advance`'s; this module wires them to the store and prints.

use crate::cli::{GateArgs, GlobalArgs, PhaseAdvanceArgs, PhaseHistoryArgs, ViewFormatArg};
use crate::{output, store};
use anyhow::{Context, Result};
use sef_model::{GateOutcome, PhaseDecision};
use sef_process::advance;
use sef_report::Format;
use sef_store::{RunRepository, Store};
use std::path::Path;

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
    let (root, mut plan) = crate::plan_at::load(&a.path, "read")?;
    if let Some(p) = a.phase {
        plan.release.phase = p;
    }
    let rt = store::runtime()?;
    let st = rt.block_on(store::open(&store::url(g.db.as_deref())?))?;
    let run = assess_for_checkpoint(&rt, &st, &root, &plan, &a.advisory, g.quiet)?;
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

/// A fresh assessment for a checkpoint: the plan's analyzers plus the SARIF
/// and JUnit files the release's last run ingested.
fn assess_for_checkpoint(
    rt: &tokio::runtime::Runtime,
    st: &sef_store::Store,
    root: &std::path::Path,
    plan: &sef_plan::Plan,
    advisory: &crate::cli::AdvisoryDbArgs,
    quiet: bool,
) -> Result<sef_model::AssessmentRun> {
    let ingested = rt.block_on(super::ingested::of_latest_run(st, plan))?;
    let extra = super::assess::Extra {
        sarif: ingested.sarif,
        junit: ingested.junit,
        ..Default::default()
    };
    super::assess::assess_with_extra(rt, Some(st), root, plan, advisory, quiet, &extra)
}

pub fn advance(g: &GlobalArgs, a: &PhaseAdvanceArgs) -> Result<u8> {
    let (root, plan) = crate::plan_at::load(&a.path, "read")?;
    let (offering, release) = (&plan.offering.name, &plan.release.version);
    let from = plan.release.phase;
    let to = advance::next_phase(offering, release, from)?;
    let wanted_override = advance::authorize_override(
        plan.security.team.as_ref(),
        &advance::OverrideRequest {
            wanted: a.override_gate,
            by: a.by.as_deref(),
            justification: a.justification.as_deref(),
        },
    )?;
    let rt = store::runtime()?;
    let st = rt.block_on(store::open(&store::url(g.db.as_deref())?))?;
    let decisions = rt.block_on(st.phase_decisions(&plan.offering.name, &plan.release.version))?;
    advance::check_order(offering, release, from, &decisions)?;

    let run = match &a.run {
        Some(reference) => {
            let run = rt.block_on(super::runs::load(&st, reference, Some(offering)))?;
            advance::check_run(&run, offering, release, from)?;
            run
        }
        None => {
            let run = assess_for_checkpoint(&rt, &st, &root, &plan, &a.advisory, g.quiet)?;
            rt.block_on(st.save_run(&run))
                .with_context(|| format!("{}: cannot store the run", st.location()))?;
            run
        }
    };

    let passed = run.gate.outcome == GateOutcome::Pass;
    if !passed && wanted_override.is_some() {
        advance::check_not_locked(&run)?;
    }
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
    let mut decision = PhaseDecision {
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
    if let (Some(key), Some(payload)) =
        (&a.sign_key, sef_process::proof::override_payload(&decision))
    {
        let sig = super::decision_sign::sign(&payload, key)?;
        if let Some(o) = decision.r#override.as_mut() {
            o.signature = Some(sig);
        }
        if let Some(state) =
            sef_process::proof::override_proof(plan.security.team.as_ref(), &decision)
        {
            let by = decision
                .r#override
                .as_ref()
                .map(|o| o.by.clone())
                .unwrap_or_default();
            if let Err(e) = super::decision_sign::require_verified(&state, &by) {
                rt.block_on(st.close());
                return Err(e);
            }
        }
    }
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
                    Some(o) => format!(
                        "gate FAILED, overridden by {} ({}): {}",
                        o.by,
                        sef_process::proof::override_proof(plan.security.team.as_ref(), &decision)
                            .map(|p| p.label())
                            .unwrap_or_default(),
                        o.justification
                    ),
                },
                run.id
            );
            println!("Now set [release] phase = \"{to}\" in sef.toml.");
        }
    }
    Ok(crate::EXIT_PASS)
}

pub fn history(g: &GlobalArgs, a: &PhaseHistoryArgs) -> Result<u8> {
    let (_, plan) = crate::plan_at::load(&a.path, "read")?;
    let release = a
        .release
        .clone()
        .unwrap_or_else(|| plan.release.version.clone());
    let rt = store::runtime()?;
    let st: Store = rt.block_on(store::open_existing(&store::url(g.db.as_deref())?))?;
    let decisions = rt.block_on(st.phase_decisions(&plan.offering.name, &release))?;
    rt.block_on(st.close());
    emit(
        &sef_report::render_timeline(
            &plan.offering.name,
            &release,
            &decisions,
            &proofs(&plan, &decisions),
            format(a.format),
        ),
        None,
        a.format,
    )?;
    Ok(crate::EXIT_PASS)
}

/// What each override's signature proves, against the plan's team file.
pub(crate) fn proofs(plan: &sef_plan::Plan, decisions: &[PhaseDecision]) -> sef_report::Proofs {
    decisions
        .iter()
        .filter_map(|d| {
            sef_process::proof::override_proof(plan.security.team.as_ref(), d)
                .map(|p| (d.id.clone(), p.label()))
        })
        .collect()
}
