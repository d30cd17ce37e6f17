//! The analyzer seam: one trait per evidence source.

use sef_model::{Artifact, Digest, EvidenceKind, EvidenceStatus, Finding, ToolInfo};
use sef_plan::Plan;
use std::path::Path;

/// What an analyzer sees.
pub struct AnalysisContext<'a> {
    /// The repository root being assessed (absolute).
    pub root: &'a Path,
    /// The validated plan.
    pub plan: &'a Plan,
}

/// An analyzer that could not produce evidence. The message says what
/// failed and where; it becomes the failed evidence's reason.
#[derive(Debug)]
pub struct AnalyzerError(pub String);

impl std::fmt::Display for AnalyzerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Any typed error becomes the failed evidence's reason, its message.
impl<E: std::error::Error> From<E> for AnalyzerError {
    fn from(e: E) -> Self {
        AnalyzerError(e.to_string())
    }
}

/// What an analyzer produced.
#[derive(Debug)]
pub struct AnalyzerOutput {
    /// The tool that produced the evidence.
    pub tool: ToolInfo,
    /// A digest of the inputs read, when the analyzer can name them.
    pub input_digest: Option<Digest>,
    /// `Some(reason)` when some inputs could not be read.
    pub partial: Option<String>,
    /// The evidence payload, typed by kind (documented in `docs/evidence.md`).
    pub payload: sef_model::EvidencePayload,
    /// Findings. The runner assigns nothing; analyzers fingerprint them.
    pub findings: Vec<Finding>,
    /// Facts the report's reader must know (e.g. "no git history").
    pub notes: Vec<String>,
    /// Documents to keep with the run (e.g. the SBOM).
    pub artifacts: Vec<Artifact>,
}

/// Progress of one analyzer, rendered by the caller.
pub trait Progress: Send + Sync {
    /// Sets the amount of work, when known.
    fn set_total(&self, total: u64);
    /// Records `n` units of work done.
    fn advance(&self, n: u64);
    /// Replaces the current status message.
    fn message(&self, msg: &str);
    /// The analyzer finished with this status.
    fn finish(&self, status: &EvidenceStatus);
}

/// Creates one [`Progress`] per analyzer.
pub trait ProgressFactory: Sync {
    /// A progress handle for the analyzer `id`.
    fn start(&self, id: &str) -> Box<dyn Progress>;
}

/// Discards progress.
pub struct NoProgress;

impl Progress for NoProgress {
    fn set_total(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn message(&self, _: &str) {}
    fn finish(&self, _: &EvidenceStatus) {}
}

impl ProgressFactory for NoProgress {
    fn start(&self, _: &str) -> Box<dyn Progress> {
        Box::new(NoProgress)
    }
}

/// One source of evidence.
pub trait Analyzer: Send + Sync {
    /// The analyzer's id as written under `[analyzers.<id>]` in sef.toml.
    fn id(&self) -> &'static str;
    /// The kind of evidence it produces.
    fn kind(&self) -> EvidenceKind;
    /// The tool it reports as its producer (used for failed evidence too).
    fn tool(&self) -> ToolInfo;
    /// Gathers the evidence. An `Err` becomes failed evidence; the other
    /// analyzers are unaffected.
    fn run(
        &self,
        ctx: &AnalysisContext<'_>,
        progress: &dyn Progress,
    ) -> Result<AnalyzerOutput, AnalyzerError>;
}
