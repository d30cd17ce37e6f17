//! The arguments of the commands that follow a release through its
//! lifecycle: `sef finding`, `sef ingest`, `sef gate`, `sef phase` and `sef kpi`.

use super::*;

#[derive(Debug, Subcommand)]
pub enum FindingCommand {
    /// The offering's findings across its stored runs: first seen, last
    /// seen, open, fixed or reopened, and the latest triage.
    List(FindingListArgs),
    /// One finding: its history, its latest details and every triage
    /// decision on it.
    Show(FindingShowArgs),
    /// Record a triage decision: who, when, why. It applies to every later
    /// run, and survives re-ingestion.
    Triage(FindingTriageArgs),
    /// Sign a `[[risk_acceptances]]` entry of sef.toml as its approver: the
    /// signature (checked against the approver's keys in the team file) is
    /// written into the entry. Unsigned acceptances are shown as
    /// self-asserted; one changed after signing is not honoured.
    SignAcceptance(FindingSignAcceptanceArgs),
}

/// `sef finding sign-acceptance`.
#[derive(Debug, Args)]
pub struct FindingSignAcceptanceArgs {
    /// The entry: its advisory `id`, or its `package` when it names no id.
    pub entry: String,
    /// The approver's key: an OpenSSH private key (`ssh-keygen -Y sign -n
    /// sef-decision`) or a minisign secret key (password in
    /// SEF_KEY_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub sign_key: PathBuf,
    /// The repository whose sef.toml holds the entry.
    #[arg(long, default_value = ".")]
    pub repo: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FindingStateArg {
    /// Needs action: open or confirmed (reopened ones included).
    Open,
    /// No longer reported by a later complete run.
    Fixed,
    /// Fixed once, reported again, and not accepted or dismissed.
    Reopened,
    /// Triaged as real, still open.
    Confirmed,
    /// Judged not a real problem (by triage or by the tool).
    FalsePositive,
    /// Risk accepted (by the plan or by triage), and the acceptance holds.
    Accepted,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum TriageArg {
    /// A real problem, to be fixed.
    Confirmed,
    /// Not a real problem.
    FalsePositive,
    /// A real problem whose risk is accepted (until --expires).
    Accepted,
}

#[derive(Debug, Args)]
pub struct FindingListArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The repository directory (its plan names the offering).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Only these states (repeatable).
    #[arg(long, value_enum)]
    pub status: Vec<FindingStateArg>,
    /// Only these severities (repeatable).
    #[arg(long, value_parser = parse_severity)]
    pub severity: Vec<sef_model::Severity>,
    /// Only findings of this tool (analyzer, e.g. `sarif:Semgrep OSS`, or part of it).
    #[arg(long)]
    pub tool: Option<String>,
    /// Only findings of this CWE id (e.g. 79 or CWE-79).
    #[arg(long)]
    pub cwe: Option<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
}

#[derive(Debug, Args)]
pub struct FindingShowArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// A finding id (or its first characters) or fingerprint.
    pub id: String,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
}

#[derive(Debug, Args)]
pub struct FindingTriageArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// A finding id (or its first characters) or fingerprint.
    pub id: String,
    /// The decision.
    #[arg(long, value_enum)]
    pub status: TriageArg,
    /// Why.
    #[arg(long)]
    pub reason: String,
    /// For an acceptance: the last day it holds (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub expires: Option<chrono::NaiveDate>,
    /// Who decides: a member id of the plan's [team] holding a role
    /// allowed to triage (architect, pdt-leader, qa unless `[team]
    /// triage_roles` says otherwise). Default: the USER environment variable.
    #[arg(long, value_name = "MEMBER")]
    pub by: Option<String>,
    /// The repository whose plan (and team) governs the finding.
    #[arg(long, default_value = ".")]
    pub repo: PathBuf,
    /// Sign the decision with this key: an OpenSSH private key (signed by
    /// `ssh-keygen -Y sign -n sef-decision`) or a minisign secret key
    /// (password in SEF_KEY_PASSWORD). Its public key must be among the
    /// member's `keys` in the team file. Unsigned decisions are shown as
    /// self-asserted.
    #[arg(long, value_name = "FILE")]
    pub sign_key: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum IngestCommand {
    /// Assess the repository, also reading these SARIF 2.1.0 files (from
    /// semgrep, CodeQL, clippy-sarif, bandit, gosec, …), and store the run.
    Sarif(IngestArgs),
    /// Assess the repository, also reading these JUnit XML test results
    /// (security tests counted apart), and store the run.
    Junit(IngestArgs),
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub release: super::ReleaseArgs,
    /// Result files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The repository the results are about.
    #[arg(long, default_value = ".")]
    pub repo: PathBuf,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Do not store the run.
    #[arg(long)]
    pub no_store: bool,
    #[command(flatten)]
    pub advisory: AdvisoryDbArgs,
}

#[derive(Debug, Args)]
pub struct GateArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub release: super::ReleaseArgs,
    /// The repository directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Evaluate this phase's exit instead of the plan's current phase.
    #[arg(long, value_parser = parse_phase)]
    pub phase: Option<sef_model::Phase>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub advisory: AdvisoryDbArgs,
}

#[derive(Debug, Subcommand)]
pub enum PhaseCommand {
    /// Decide the current phase's checkpoint and record the move to the next
    /// phase in the store. A failed gate can only be overridden by a PDT
    /// leader of the plan's team, with a written justification.
    ///
    /// Exit code 1 when the gate fails and is not overridden; nothing is
    /// recorded then.
    Advance(PhaseAdvanceArgs),
    /// The release's checkpoint decisions, oldest first.
    History(PhaseHistoryArgs),
}

#[derive(Debug, Args)]
pub struct PhaseAdvanceArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub release: super::ReleaseArgs,
    /// The repository directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Decide on this stored run (id, prefix, `latest`) instead of
    /// assessing now. It must be a run of this offering, release and phase.
    #[arg(long, value_name = "RUN")]
    pub run: Option<String>,
    /// Override a failed gate (needs --by and --justification).
    #[arg(long = "override", requires_all = ["by", "justification"])]
    pub override_gate: bool,
    /// The team member who decides the override: a PDT leader in the plan's team.
    #[arg(long, value_name = "MEMBER")]
    pub by: Option<String>,
    /// Why the release moves on despite the failed gate.
    #[arg(long, value_name = "TEXT")]
    pub justification: Option<String>,
    /// Sign the override with this key (an OpenSSH private key or a
    /// minisign secret key, whose public key is among the member's `keys`
    /// in the team file).
    #[arg(long, value_name = "FILE", requires = "override_gate")]
    pub sign_key: Option<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
    #[command(flatten)]
    pub advisory: AdvisoryDbArgs,
}

#[derive(Debug, Args)]
pub struct PhaseHistoryArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The repository directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The release (default: the plan's release).
    #[arg(long, value_name = "VERSION")]
    pub release: Option<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
}

#[derive(Debug, Args)]
pub struct KpiArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The repository directory (its plan names the offering).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The release (default: the plan's release).
    #[arg(long, value_name = "VERSION")]
    pub release: Option<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}
