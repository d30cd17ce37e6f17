//! `sef vulns`: the known-vulnerability check on its own, for the users of
//! cargo-audit, osv-scanner or pip-audit. It runs the vulnerabilities
//! analyzer of `sef assess` (lockfiles under PATH, or the SBOMs given) and
//! applies the plan's acceptances the same way, so its findings are the
//! ones `sef assess` reports. Nothing else runs, and nothing is written
//! unless `--store` is given.

use crate::cli::{GlobalArgs, VulnsArgs, VulnsFormatArg};
use crate::{output, progress, store};
use anyhow::{Context, Result, bail};
use sef_engine::check::Checked;
use sef_model::EvidenceKind;
use sef_report::{VulnsReport, vulns_verdict};
use sef_store::RunRepository;

pub fn run(g: &GlobalArgs, a: &VulnsArgs) -> Result<u8> {
    let started = std::time::Instant::now();
    let phase = |name: &str| {
        tracing::debug!(
            phase = name,
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "sef vulns"
        );
    };
    let (root, plan) = crate::plan_at::load(&a.path, "vulns")?;
    phase("plan loaded");
    let mut sboms = Vec::with_capacity(a.sboms.len());
    for p in &a.sboms {
        let meta = std::fs::metadata(p)
            .with_context(|| format!("{}: cannot read the SBOM", p.display()))?;
        if !meta.is_file() {
            bail!(
                "{}: not a file; --sbom takes a CycloneDX or SPDX JSON file",
                p.display()
            );
        }
        sboms.push(p.clone());
    }
    let analyzer = sef_engine::vulnerabilities::Vulnerabilities::new(
        plan.analyzers.vulnerabilities.clone(),
        plan.analyzers.inventory.clone(),
        super::db::location(&a.advisory).ok(),
    )
    .with_sboms(sboms);
    let analyzers: Vec<Box<dyn sef_engine::Analyzer>> = vec![Box::new(analyzer)];
    let progress = progress::for_invocation(g.quiet);

    let (checked, stored) = if a.store {
        let rt = store::runtime()?;
        let url = store::url(g.db.as_deref())?;
        let st = rt.block_on(store::open(&url))?;
        let h = rt
            .block_on(st.kpi_history(
                &plan.offering.name,
                &plan.release.version,
                plan.offering.peer_group.as_deref(),
            ))
            .with_context(|| format!("{}: cannot read the KPI history", st.location()))?;
        let mut ctx = super::assess::kpi_context(h);
        ctx.triage = rt
            .block_on(st.triage(&plan.offering.name))
            .with_context(|| format!("{}: cannot read the triage decisions", st.location()))?;
        let mut run = sef_engine::assess_with(&root, &plan, &analyzers, progress.as_ref(), &ctx);
        // the other analyzers the plan enables did not run: a scoped run
        let mut all = sef_engine::builtin(&plan, &root, &sef_engine::EngineOptions::default());
        let left_out =
            sef_engine::select(&mut all, &[sef_engine::vulnerabilities::ID.to_owned()], &[]);
        if !left_out.is_empty() {
            super::assess::scope_gate(&mut run, &left_out);
        }
        rt.block_on(st.save_run(&run))
            .with_context(|| format!("{}: cannot store the run", st.location()))?;
        let location = format!("{} (run {})", st.location(), run.id);
        rt.block_on(st.close());
        let checked = Checked {
            started_at: run.started_at,
            finished_at: run.finished_at,
            evidence: run
                .evidence
                .into_iter()
                .filter(|e| e.kind == EvidenceKind::KnownVulnerabilities)
                .collect(),
            findings: run
                .findings
                .into_iter()
                .filter(|f| f.analyzer == sef_engine::vulnerabilities::ID)
                .collect(),
            notes: run.notes,
        };
        (checked, Some(location))
    } else {
        let checked = sef_engine::check::check(&root, &plan, &analyzers, progress.as_ref(), &[]);
        (checked, None)
    };
    drop(progress);
    phase("checked");
    let Some(evidence) = checked
        .evidence
        .iter()
        .find(|e| e.kind == EvidenceKind::KnownVulnerabilities)
    else {
        bail!("the vulnerabilities analyzer produced no evidence");
    };
    let verdict = vulns_verdict(
        evidence,
        &checked.findings,
        a.fail_on.severity(),
        a.allow_partial,
    );
    // every string the report prints is redacted on its own (the check's
    // strings by the engine, these here), so the rendered text is not
    // scanned again: a redaction of the whole text could cut a JSON
    // string in half
    let own = |s: String| output::redacted(&s).into_owned();
    let root_text = own(root.display().to_string());
    let sbom_names: Vec<String> = a
        .sboms
        .iter()
        .map(|p| own(p.display().to_string()))
        .collect();
    let offering = own(plan.offering.name.clone());
    let release = own(plan.release.version.clone());
    let stored = stored.map(own);
    let report = VulnsReport {
        root: &root_text,
        sboms: &sbom_names,
        offering: &offering,
        release: &release,
        sef_version: sef_engine::SEF_VERSION,
        started_at: checked.started_at,
        finished_at: checked.finished_at,
        evidence,
        findings: &checked.findings,
        notes: &checked.notes,
        verdict: &verdict,
        stored: stored.as_deref(),
    };
    let text = match a.format {
        VulnsFormatArg::Text => sef_report::vulns_text(&report),
        VulnsFormatArg::Json => sef_report::vulns_json(&report),
        VulnsFormatArg::Markdown => sef_report::vulns_markdown(&report),
        VulnsFormatArg::Sarif => sef_report::vulns_sarif(&report),
    };
    phase("rendered");
    output::emit_redacted(&text, a.output.as_deref(), a.format == VulnsFormatArg::Text)?;
    phase("written");
    if verdict.exit_code == crate::EXIT_ERROR {
        for r in &verdict.reasons {
            eprintln!("sef: {}: {}", a.path.display(), output::redacted(r));
        }
    }
    let code = verdict.exit_code;
    // the process ends here: let the OS reclaim the report at once
    std::mem::forget(checked);
    std::mem::forget(text);
    Ok(code)
}
