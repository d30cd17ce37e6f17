//! The assessment engine.
//!
//! This crate holds the analyzer seam: the [`Analyzer`] trait every evidence
//! source implements, the runner that executes all enabled analyzers in
//! parallel and turns each outcome (success, error or panic) into an
//! [`Evidence`](sef_model::Evidence) record, the built-in analyzers, and the
//! run policy that decides the gate from the evidence.
//!
//! It reads the repository (that is what analyzers do) but must not write
//! anything, talk to the store, or print: progress is reported through the
//! [`Progress`] trait and the caller renders it.

mod acceptance;
mod analyzer;
pub mod artifacts;
mod assess;
pub mod history;
pub mod inventory;
pub mod junit;
pub mod kpis;
pub mod policy;
pub mod provenance;
pub mod repo_facts;
mod runner;
pub mod sarif;
pub mod secrets;
pub mod security_plan;
pub mod vulnerabilities;

pub use analyzer::{
    AnalysisContext, Analyzer, AnalyzerError, AnalyzerOutput, NoProgress, Progress, ProgressFactory,
};
pub use assess::{assess, assess_with};
pub use runner::{RunOutput, run_analyzers};

use sef_plan::Plan;

/// The version of sef, recorded with every piece of evidence sef produces.
pub const SEF_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The current time at the store's precision (microseconds), so a run
/// reads back from any backend exactly as it was written.
pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

/// The provenance of evidence a built-in analyzer produces: `sef/<name>`
/// at this sef's version.
pub(crate) fn sef_tool(name: &str) -> sef_model::ToolInfo {
    sef_model::ToolInfo {
        name: format!("sef/{name}"),
        version: SEF_VERSION.into(),
    }
}

/// The inventory scan settings of a plan's `[analyzers.inventory]`.
pub fn inventory_options(cfg: &sef_plan::InventoryConfig) -> sef_inventory::InventoryOptions {
    sef_inventory::InventoryOptions {
        scan_vendored: cfg.scan_vendored,
        include_ignored: cfg.include_ignored,
        max_file_bytes: cfg.max_file_bytes,
    }
}

/// Settings that come from the command line rather than the plan.
#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// The advisory database directory.
    pub advisory_db: Option<std::path::PathBuf>,
    /// SARIF files to read besides the plan's (`sef ingest sarif`).
    pub extra_sarif: Vec<std::path::PathBuf>,
    /// JUnit files to read besides the plan's (`sef ingest junit`).
    pub extra_junit: Vec<std::path::PathBuf>,
    /// `--since`: the start of the release range, over the plan's.
    pub since: Option<String>,
    /// `--until`: the end of the release range, over the plan's.
    pub until: Option<String>,
}

/// The history settings in effect: the plan's `[analyzers.history]`, or
/// the defaults when the section is absent and the root is a git work tree
/// top (`None`: history is not mined).
pub fn history_config(
    plan: &Plan,
    root: &std::path::Path,
    options: &EngineOptions,
) -> Option<sef_plan::HistoryConfig> {
    let mut cfg = match &plan.analyzers.history {
        Some(c) if !c.enabled => return None,
        Some(c) => c.clone(),
        None if root.join(".git").exists() => sef_plan::HistoryConfig::default(),
        None => return None,
    };
    if options.since.is_some() {
        cfg.since.clone_from(&options.since);
    }
    if options.until.is_some() {
        cfg.until.clone_from(&options.until);
    }
    Some(cfg)
}

/// The built-in analyzers that the plan enables, in a fixed order. New
/// analyzers are added to this list explicitly.
pub fn builtin(
    plan: &Plan,
    root: &std::path::Path,
    options: &EngineOptions,
) -> Vec<Box<dyn Analyzer>> {
    let mut out: Vec<Box<dyn Analyzer>> = Vec::new();
    if plan.analyzers.repo_facts.enabled {
        out.push(Box::new(repo_facts::RepoFacts::new(
            plan.analyzers.repo_facts.clone(),
        )));
    }
    if plan.analyzers.inventory.enabled {
        out.push(Box::new(inventory::InventoryAnalyzer::new(
            plan.analyzers.inventory.clone(),
        )));
    }
    let mut sarif = sarif::SarifAnalyzer::plan_sources(plan);
    sarif.extend(options.extra_sarif.iter().map(|p| {
        sarif::Source {
            name: p
                .file_name()
                .map_or_else(|| "sarif".to_owned(), |n| n.to_string_lossy().into_owned()),
            file: p.clone(),
            in_repo: false,
            command: None,
            timeout_secs: 0,
        }
    }));
    if !sarif.is_empty() {
        out.push(Box::new(sarif::SarifAnalyzer::new(sarif)));
    }
    let junit_cfg = plan.analyzers.junit.as_ref();
    if junit_cfg.is_some() || !options.extra_junit.is_empty() {
        out.push(Box::new(junit::JunitAnalyzer::new(
            junit_cfg.map(|j| j.files.clone()).unwrap_or_default(),
            options.extra_junit.clone(),
            junit_cfg.map_or(sef_plan::DEFAULT_SECURITY_TEST_PATTERN, |j| {
                j.security_pattern.as_str()
            }),
        )));
    }
    if let Some(h) = history_config(plan, root, options) {
        out.push(Box::new(history::analyzer::HistoryAnalyzer::new(h)));
    }
    if plan.analyzers.secrets.enabled {
        out.push(Box::new(secrets::SecretsAnalyzer::new(
            plan.analyzers.secrets.clone(),
        )));
    }
    if let Some(a) = &plan.release_artifacts {
        out.push(Box::new(artifacts::ArtifactsAnalyzer::new(a.clone())));
    }
    if plan.analyzers.vulnerabilities.enabled {
        out.push(Box::new(vulnerabilities::Vulnerabilities::new(
            plan.analyzers.vulnerabilities.clone(),
            plan.analyzers.inventory.clone(),
            options.advisory_db.clone(),
        )));
    }
    out
}
