//! `sef assess`: the main job.

use crate::cli::{AssessArgs, GlobalArgs};
use crate::{output, progress, store};
use anyhow::{Context, Result};
use sef_plan::Plan;
use sef_report::{RunContext, render_run, verdict};
use sef_store::RunRepository;

/// The engine's KPI context from the store's history (the server's own,
/// so that `sef assess` and an upload are decided alike).
pub use sef_server::upload::kpi_context;

/// Result files given on the command line (`sef ingest`), read besides the
/// plan's sources.
#[derive(Debug, Default)]
pub(crate) struct Extra {
    /// SARIF files.
    pub sarif: Vec<std::path::PathBuf>,
    /// JUnit XML files.
    pub junit: Vec<std::path::PathBuf>,
    /// `--since`/`--until` for the git history.
    pub range: crate::cli::RangeArgs,
    /// Set by `sef ingest`: the kind of file being ingested. The files of
    /// the other kind that the release's latest run ingested are read
    /// again, so that ingesting JUnit does not drop the SARIF ingested
    /// before (and the other way round).
    pub ingesting: Option<IngestKind>,
    /// `--only`: the analyzers to run (all when empty).
    pub only: Vec<String>,
    /// `--skip`: the analyzers not to run.
    pub skip: Vec<String>,
}

/// What `sef ingest` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IngestKind {
    /// `sef ingest sarif`.
    Sarif,
    /// `sef ingest junit`.
    Junit,
}

/// Runs one assessment without storing it, also reading these result
/// files; with a store, its history feeds the KPIs (peers, earlier runs,
/// previous release).
pub(crate) fn assess_with_extra(
    rt: &tokio::runtime::Runtime,
    st: Option<&sef_store::Store>,
    root: &std::path::Path,
    plan: &Plan,
    advisory: &crate::cli::AdvisoryDbArgs,
    quiet: bool,
    extra: &Extra,
) -> Result<sef_model::AssessmentRun> {
    let options = sef_engine::EngineOptions {
        advisory_db: super::db::location(advisory).ok(),
        extra_sarif: extra.sarif.clone(),
        extra_junit: extra.junit.clone(),
        since: extra.range.since.clone(),
        until: extra.range.until.clone(),
    };
    let kpi_context = match st {
        Some(st) => {
            let h = rt
                .block_on(st.kpi_history(
                    &plan.offering.name,
                    &plan.release.version,
                    plan.offering.peer_group.as_deref(),
                ))
                .with_context(|| format!("{}: cannot read the KPI history", st.location()))?;
            let mut ctx = kpi_context(h);
            ctx.triage = rt
                .block_on(st.triage(&plan.offering.name))
                .with_context(|| format!("{}: cannot read the triage decisions", st.location()))?;
            ctx
        }
        None => sef_engine::kpis::KpiContext::default(),
    };
    let mut analyzers = sef_engine::builtin(plan, root, &options);
    let left_out = sef_engine::select(&mut analyzers, &extra.only, &extra.skip);
    let progress = progress::for_invocation(quiet);
    let mut run = sef_engine::assess_with(root, plan, &analyzers, progress.as_ref(), &kpi_context);
    drop(progress);
    if !left_out.is_empty() {
        scope_gate(&mut run, &left_out);
    }
    Ok(run)
}

/// A run that left enabled analyzers out (`--only`/`--skip`) decides
/// nothing: a criterion says which, and the gate fails on it.
pub(crate) fn scope_gate(run: &mut sef_model::AssessmentRun, left_out: &[String]) {
    sef_engine::decide::scope_gate(run, left_out, "--only/--skip");
}

/// A note when sef.toml's phase is not the one the store's checkpoint
/// decisions reached: the gate evaluated is then not the one recorded.
fn phase_mismatch(plan: &Plan, decisions: &[sef_model::PhaseDecision]) -> Option<String> {
    let last = decisions.last()?;
    (last.to != plan.release.phase).then(|| {
        format!(
            "sef.toml says phase `{}`, but the store records {} {} in phase `{}` (decided {}); this run's gate is the `{}` checkpoint. Set [release] phase = \"{}\", or decide the checkpoints in order with `sef phase advance`",
            plan.release.phase,
            plan.offering.name,
            plan.release.version,
            last.to,
            last.decided_at.format("%Y-%m-%d"),
            plan.release.phase,
            last.to
        )
    })
}

pub fn run(g: &GlobalArgs, a: &AssessArgs) -> Result<u8> {
    for id in a.only.iter().chain(&a.skip) {
        if !sef_engine::ANALYZER_IDS.contains(&id.as_str()) {
            anyhow::bail!(
                "unknown analyzer `{id}` in --only/--skip; sef has {}",
                sef_engine::ANALYZER_IDS.join(", ")
            );
        }
    }
    run_with(
        g,
        a,
        &Extra {
            range: a.range.clone(),
            only: a.only.clone(),
            skip: a.skip.clone(),
            ..Extra::default()
        },
    )
}

/// `sef assess`, reading `extra_sarif` besides the plan's sources
/// (`sef ingest sarif`).
pub(crate) fn run_with(g: &GlobalArgs, a: &AssessArgs, extra: &Extra) -> Result<u8> {
    let (root, plan) = crate::plan_at::load(&a.path, "assess")?;

    let rt = store::runtime()?;
    // Open the store before the analyzers run, so a bad --db fails fast.
    let st = if a.no_store {
        None
    } else {
        let url = store::url(g.db.as_deref())?;
        Some(rt.block_on(store::open(&url))?)
    };

    let kept;
    let extra = match (extra.ingesting, &st) {
        (Some(kind), Some(st)) => {
            let before = rt.block_on(super::ingested::of_latest_run(st, &plan))?;
            kept = Extra {
                sarif: if kind == IngestKind::Sarif {
                    extra.sarif.clone()
                } else {
                    before.sarif
                },
                junit: if kind == IngestKind::Junit {
                    extra.junit.clone()
                } else {
                    before.junit
                },
                range: extra.range.clone(),
                ingesting: extra.ingesting,
                only: extra.only.clone(),
                skip: extra.skip.clone(),
            };
            &kept
        }
        _ => extra,
    };
    let mut run = assess_with_extra(&rt, st.as_ref(), &root, &plan, &a.advisory, g.quiet, extra)?;
    if let Some(st) = &st {
        let decisions =
            rt.block_on(st.phase_decisions(&plan.offering.name, &plan.release.version))?;
        if let Some(note) = phase_mismatch(&plan, &decisions) {
            // added after the run boundary: cleaned as the boundary would
            let (note, _) = sef_engine::boundary::clean(note, sef_secrets::builtin_redactor());
            run.notes.insert(0, note);
        }
    }

    let receipt = match &a.push {
        Some(url) => {
            let upload = super::push::upload_of(&root, &plan, &run)?;
            Some(super::push::push(url, &upload)?)
        }
        None => None,
    };

    let mut ctx = RunContext::default();
    if let Some(st) = &st {
        rt.block_on(st.save_run(&run))
            .with_context(|| format!("{}: cannot store the run", st.location()))?;
        // What the report shows from the store (decisions typed by people,
        // release names) is cleaned string by string, as the run boundary
        // cleaned the run itself; the report then needs no second scan of
        // its whole text, which was more than half of a small run's work.
        let redactor = sef_secrets::builtin_redactor();
        ctx.store = Some(sef_engine::boundary::clean(st.location().to_owned(), redactor).0);
        ctx.timeline = sef_engine::boundary::clean(
            rt.block_on(st.phase_decisions(&run.offering.name, &run.release.version))?,
            redactor,
        )
        .0;
        ctx.proofs = super::phase::proofs(&plan, &ctx.timeline);
        ctx.kpi_series =
            sef_engine::boundary::clean(rt.block_on(st.kpi_series(&run.offering.name))?, redactor)
                .0;
        rt.block_on(st.close());
    }

    // Every string rendered passed the run boundary or was cleaned above;
    // the rest is sef's own text.
    let text = render_run(&run, output::format(a.out.format), &ctx);
    output::emit_redacted(
        &text,
        a.out.output.as_deref(),
        a.out.format == crate::cli::FormatArg::Text,
    )?;
    if let Some(c) = run.gate.criteria.iter().find(|c| {
        c.id == sef_engine::policy::SOMETHING_ASSESSED
            && c.outcome == sef_model::CriterionOutcome::Fail
    }) {
        eprintln!("sef: {}: {}", a.path.display(), c.detail);
    }
    let mut code = u8::try_from(verdict(&run).exit_code).unwrap_or(crate::EXIT_FAIL);
    if let Some(r) = &receipt {
        eprintln!(
            "sef: pushed run {} to {}: the server's gate {}{}{}",
            r.run,
            a.push.as_deref().unwrap_or_default(),
            if r.outcome == "pass" {
                "passed"
            } else {
                "FAILED"
            },
            r.client_outcome
                .as_deref()
                .map(|c| format!(
                    " (this machine said {c}: the server's triage and history decide)"
                ))
                .unwrap_or_default(),
            if r.created { "" } else { " (already uploaded)" }
        );
        code = if r.outcome == "pass" {
            crate::EXIT_PASS
        } else {
            crate::EXIT_FAIL
        };
    }
    // The process ends right after this: freeing a run of thousands of
    // findings and megabytes of payload one allocation at a time would only
    // delay the exit (about a fifth of the instructions on a 1,000-crate
    // lockfile). The operating system reclaims it all at once.
    std::mem::forget(run);
    std::mem::forget(text);
    Ok(code)
}
