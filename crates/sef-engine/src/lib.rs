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

pub mod acceptance;
mod analyzer;
pub mod analyzers;
mod assess;
pub mod boundary;
pub mod check;
pub mod decide;
mod error;
pub mod kpis;
pub mod policy;
pub mod provenance;
mod runner;

pub use analyzers::{
    ANALYZER_IDS, artifacts, builtin, history, history_config, inventory, junit, plan_enabled,
    repo_facts, resilience, sarif, secrets, security_plan, select, threat_model, vulnerabilities,
};

pub use analyzer::{
    AnalysisContext, Analyzer, AnalyzerError, AnalyzerOutput, NoProgress, Progress, ProgressFactory,
};
pub use assess::{assess, assess_with};
pub use error::{
    BaselineError, CommandError, HistoryError, ProvenanceError, ReadError, SecretsError,
};
pub use runner::{RunOutput, run_analyzers};

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
        exclude: cfg.exclude.clone(),
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

/// The tags at HEAD of the repository holding `root` (sorted; empty when
/// there is none), for the release's version when the plan names none.
pub fn tags_at_head(root: &std::path::Path) -> Vec<String> {
    sef_git::tags_at_head(root)
}
