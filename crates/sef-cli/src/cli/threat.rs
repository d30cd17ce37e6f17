//! Arguments of `sef threat`: threat modeling as code.

use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

/// `sef threat …`.
#[derive(Debug, Subcommand)]
pub enum ThreatCommand {
    /// Check the model (security/threat-model/*.yaml), apply the rules and
    /// print the ranked risks.
    Check(ThreatCheckArgs),
    /// List the ranked risks with their tracked status.
    List(ThreatListArgs),
    /// What changed in the model since a revision: new assets, new flows
    /// across a boundary, changed classifications, new risks, risks
    /// mitigated since.
    Diff(ThreatDiffArgs),
    /// Draw the data-flow diagram (SVG, or Graphviz DOT).
    Diagram(ThreatDiagramArgs),
    /// Convert a Threagile or OWASP Threat Dragon model into sef's format.
    Import(ThreatImportArgs),
    /// Record a review of the model as it is now (reviewer, date, digest).
    Review(ThreatReviewArgs),
    /// Record a risk's status in the tracking file.
    Track(ThreatTrackArgs),
    /// List the rules: the built-in library and the plan's own.
    Rules(ThreatRulesArgs),
    /// Print the JSON Schema of model files (or of rule files).
    Schema(ThreatSchemaArgs),
}

/// Where the repository is.
#[derive(Debug, Args)]
pub struct ThreatRepoArg {
    /// The repository directory.
    #[arg(long, default_value = ".")]
    pub repo: PathBuf,
}

/// Text or JSON.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ThreatViewFormat {
    /// Human-readable text.
    Text,
    /// JSON.
    Json,
    /// Markdown.
    Markdown,
    /// SARIF 2.1.0 (the unmitigated risks at or above the tracking severity).
    Sarif,
}

/// `sef threat check`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit code 0 when the model checks, 1 when it does not (every problem is \
listed with file:line:col) or when --fail-on finds an unmitigated risk, 2 when sef could not run."
)]
pub struct ThreatCheckArgs {
    #[command(flatten)]
    pub repo: ThreatRepoArg,
    /// Output format (text or json).
    #[arg(long, short, value_enum, default_value_t = ThreatViewFormat::Text)]
    pub format: ThreatViewFormat,
    /// Exit 1 when a risk at or above this severity is neither mitigated,
    /// accepted nor a false positive.
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
}

/// `sef threat list`.
#[derive(Debug, Args)]
pub struct ThreatListArgs {
    #[command(flatten)]
    pub repo: ThreatRepoArg,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ThreatViewFormat::Text)]
    pub format: ThreatViewFormat,
    /// Only risks at or above this severity.
    #[arg(long, value_name = "SEVERITY")]
    pub min_severity: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// Diff formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ThreatDiffFormat {
    /// Human-readable text.
    Text,
    /// JSON.
    Json,
    /// Markdown.
    Markdown,
}

/// `sef threat diff`.
#[derive(Debug, Args)]
#[command(
    after_help = "The model, its tracking file and its risks at --from (a tag, branch or \
commit) are compared with the work tree (or --to). The rules of the work tree judge both sides, \
so only the model's changes show."
)]
pub struct ThreatDiffArgs {
    #[command(flatten)]
    pub repo: ThreatRepoArg,
    /// The earlier revision, e.g. the last release's tag.
    #[arg(long, value_name = "REV")]
    pub from: String,
    /// The later revision (default: the work tree).
    #[arg(long, value_name = "REV")]
    pub to: Option<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ThreatDiffFormat::Text)]
    pub format: ThreatDiffFormat,
}

/// Diagram engines.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum DiagramEngineArg {
    /// Graphviz dot when installed, else the built-in layout.
    Auto,
    /// Graphviz dot.
    Dot,
    /// The built-in layout.
    Builtin,
}

/// `sef threat diagram`.
#[derive(Debug, Args)]
pub struct ThreatDiagramArgs {
    #[command(flatten)]
    pub repo: ThreatRepoArg,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// How to draw it.
    #[arg(long, value_enum, default_value_t = DiagramEngineArg::Auto)]
    pub engine: DiagramEngineArg,
    /// Write the Graphviz DOT source instead of SVG.
    #[arg(long)]
    pub dot: bool,
}

/// Import formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ThreatImportFormat {
    /// Threagile's YAML model.
    Threagile,
    /// OWASP Threat Dragon v2 JSON.
    ThreatDragon,
}

/// `sef threat import`.
#[derive(Debug, Args)]
#[command(
    after_help = "Writes security/threat-model/model.yaml (or --output; `-` for standard \
output) and lists what the source did not say. Exit code 2 when the file exists (without \
--force) or the input is not a model of that format."
)]
pub struct ThreatImportArgs {
    /// The source format.
    #[arg(value_enum)]
    pub from: ThreatImportFormat,
    /// The model file to convert.
    pub file: PathBuf,
    #[command(flatten)]
    pub repo: ThreatRepoArg,
    /// Where to write the sef model.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
}

/// `sef threat review`.
#[derive(Debug, Args)]
#[command(
    after_help = "The reviewer must be a member of the plan's [team] with the architect \
role. The review records the model's digest: any later edit of a model file makes it \
unreviewed."
)]
pub struct ThreatReviewArgs {
    #[command(flatten)]
    pub repo: ThreatRepoArg,
    /// The reviewer's team id.
    #[arg(long)]
    pub reviewer: String,
    /// The review's date (default today).
    #[arg(long)]
    pub date: Option<chrono::NaiveDate>,
    /// What the review concluded.
    #[arg(long)]
    pub note: Option<String>,
}

/// Risk statuses.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum RiskStatusArg {
    /// Seen, not yet looked at.
    Unchecked,
    /// Being worked on.
    InProgress,
    /// Countered (give --requirement or --evidence).
    Mitigated,
    /// Accepted until --expires (give --approver and --justification).
    Accepted,
    /// Not a real risk here.
    FalsePositive,
}

/// `sef threat track`.
#[derive(Debug, Args)]
pub struct ThreatTrackArgs {
    /// The risk id, `rule@element`, as `sef threat list` shows it.
    pub risk: String,
    #[command(flatten)]
    pub repo: ThreatRepoArg,
    /// The status.
    #[arg(long, value_enum)]
    pub status: RiskStatusArg,
    /// The requirement that mitigates it.
    #[arg(long)]
    pub requirement: Option<String>,
    /// The evidence that shows it mitigated (a path, URL or evidence kind).
    #[arg(long)]
    pub evidence: Option<String>,
    /// Who accepts the risk (a team member allowed to triage).
    #[arg(long)]
    pub approver: Option<String>,
    /// Why the risk is accepted.
    #[arg(long)]
    pub justification: Option<String>,
    /// The last day the acceptance holds.
    #[arg(long)]
    pub expires: Option<chrono::NaiveDate>,
    /// A note.
    #[arg(long)]
    pub note: Option<String>,
}

/// `sef threat rules`.
#[derive(Debug, Args)]
pub struct ThreatRulesArgs {
    #[command(flatten)]
    pub repo: ThreatRepoArg,
    /// Output format (text or json).
    #[arg(long, short, value_enum, default_value_t = ThreatDiffFormat::Text)]
    pub format: ThreatDiffFormat,
}

/// `sef threat schema`.
#[derive(Debug, Args)]
pub struct ThreatSchemaArgs {
    /// The schema of rule files instead of model files.
    #[arg(long)]
    pub rules: bool,
}
