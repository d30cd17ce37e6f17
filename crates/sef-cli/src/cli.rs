//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

mod git_evidence;
mod lifecycle;
mod pentest;
mod policy;
mod portfolio;
mod server;
mod threat;
mod vulns;
pub use git_evidence::*;
pub use lifecycle::*;
pub use pentest::*;
pub use policy::*;
pub use portfolio::*;
pub use server::*;
pub use threat::*;
pub use vulns::*;

/// sef — the IBM Secure Engineering Framework, executable.
///
/// Gathers security evidence from a repository, decides the release's
/// checkpoint from it, and keeps every run in a store.
///
/// Exit codes: 0 pass, 1 gate failed or policy violated, 2 could not run.
#[derive(Debug, Parser)]
#[command(name = "sef", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The store of the command, from its own `--db` ([`StoreArgs`]); only
    /// the commands that use the store accept the option.
    #[arg(skip)]
    pub db: Option<String>,
    /// Print only the report and errors: no progress.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// More log output on stderr (-v info, -vv debug). SEF_LOG overrides.
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Let paths that sef.toml names (allowed_signers, gpg_home, the forge
    /// cache, the secrets configuration and baseline, SARIF files) be
    /// absolute, use `..` or lead outside the repository through links.
    /// Off by default: the plan is repository content and must not reach
    /// files outside the work tree on its own.
    #[arg(long, global = true)]
    pub allow_outside_repo: bool,
    /// A host that may receive the forge token (repeatable), besides
    /// api.github.com and the `token_hosts` of your own configuration
    /// (~/.config/sef/config.toml, `[forge] token_hosts = [..]`). sef.toml
    /// names the token's variable, never where it goes.
    #[arg(long = "forge-token-host", global = true, value_name = "HOST[:PORT]")]
    pub forge_token_hosts: Vec<String>,
    /// The organisation's policy every plan inherits: a sef server's URL
    /// (fetched, verified, cached for offline use) or a signed policy file
    /// (FILE.minisig beside it). See docs/policy.md.
    #[arg(long, global = true, env = "SEF_POLICY", value_name = "URL|FILE")]
    pub policy: Option<String>,
    /// The minisign public key the policy must be signed with (the
    /// server's policy key).
    #[arg(long, global = true, env = "SEF_POLICY_KEY", value_name = "FILE")]
    pub policy_key: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented security plan (sef.toml) into a repository.
    Init(InitArgs),
    /// Assess a repository: run every enabled analyzer, decide the gate,
    /// store the run and print the report.
    Assess(AssessArgs),
    /// Stored runs: list them, show one, compare two.
    #[command(subcommand)]
    Runs(RunsCommand),
    /// Write the repository's SBOM (CycloneDX 1.6 or SPDX 2.3 JSON) from
    /// every lockfile, manifest and SBOM in it.
    Sbom(SbomArgs),
    /// Check lockfiles (or CycloneDX/SPDX SBOMs) for known vulnerabilities,
    /// and nothing else: the same matching, severities, fixed versions,
    /// dependency paths and acceptances as `sef assess`, without secrets,
    /// history or a store.
    Vulns(VulnsArgs),
    /// The local advisory database (OSV): update, import, status.
    #[command(subcommand)]
    Db(DbCommand),
    /// Show the Predictive Threat Index and tier from the plan's [pti].
    ///
    /// Exit code 1 when the questionnaire is missing or incomplete.
    Pti(PtiArgs),
    /// Show the security plan: PTI, the seven planning questions (and which
    /// are unanswered), requirements, documentation and training.
    ///
    /// Exit code 1 when the PTI or a planning question is unanswered.
    Plan(PlanArgs),
    /// List the release's security requirements: selected by PTI tier,
    /// with status and verification; filter them and export CSV or Markdown.
    Requirements(RequirementsArgs),
    /// The KPI table of a release from the store: KPI, value, KPO and its
    /// status, trend against the previous release.
    Kpi(KpiArgs),
    /// Evaluate the checkpoint of the release's phase (or --phase): every
    /// criterion with its result, the evidence behind it and what to do.
    ///
    /// Nothing is stored. Exit code 1 when the gate fails.
    Gate(GateArgs),
    /// Checkpoint decisions: advance the release to the next phase, show
    /// the release's phase history.
    #[command(subcommand)]
    Phase(PhaseCommand),
    /// Bring results of other tools into an assessment.
    #[command(subcommand)]
    Ingest(IngestCommand),
    /// Findings across runs: list them with their history, show one,
    /// record a triage decision.
    #[command(subcommand)]
    Finding(FindingCommand),
    /// Create a password-protected Ed25519 key pair in the minisign format.
    ///
    /// The password comes from SEF_KEY_PASSWORD or --password-file.
    Keygen(KeygenArgs),
    /// Sign files: write FILE.minisig next to each (minisign-compatible).
    Sign(SignArgs),
    /// Verify files against their FILE.minisig and a public key
    /// (minisign-compatible). Exit code 1 when any signature fails.
    Verify(VerifyArgs),
    /// Write a signed in-toto statement with an SLSA provenance predicate
    /// for release artefacts: their SHA-256, the source commit, the builder.
    Provenance(ProvenanceArgs),
    /// The release's git history: code-review coverage (developed and
    /// external code, per component), signed commits, contributors.
    ///
    /// Reads [analyzers.history] from sef.toml; --since/--until override
    /// its range. Exit code 1 when a commit signature is invalid.
    History(HistoryArgs),
    /// Hard-coded secrets: scan the working tree (and the git history),
    /// list the rules.
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// Penetration tests and dynamic scans: record them, import ZAP,
    /// nuclei, Burp and DAST SARIF reports, record retests, and list the
    /// release's resilience-testing coverage.
    #[command(subcommand)]
    Pentest(PentestCommand),
    /// Threat modeling as code: check the model and rank its risks, list,
    /// diff against a release, draw, import Threagile and Threat Dragon
    /// models, record reviews and risk statuses.
    #[command(subcommand)]
    Threat(ThreatCommand),
    /// Serve the store as a shared, authenticated service: REST API with
    /// OpenAPI, uploads from CI, SEF roles, an audit trail (docs/server.md).
    Serve(ServeArgs),
    /// Users of a shared store and their SEF roles.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens of a shared store.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Offerings of a shared store and their teams.
    #[command(subcommand)]
    Offering(OfferingCommand),
    /// Questions across every offering in the store: which releases ship a
    /// package (incident response), KPIs by team, business unit or tier.
    #[command(subcommand)]
    Portfolio(PortfolioCommand),
    /// The organisation's policy every plan inherits: check a policy file
    /// and a plan against it, show the policy in force, publish one.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// The store's hash-chained audit trail: verify it, export it.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Copy a SQLite store while it is in use (VACUUM INTO); PostgreSQL
    /// stores are backed up with pg_dump (docs/server.md).
    Backup(BackupArgs),
    /// Rewrite a repository's plan files written for an older sef, keeping
    /// comments: team roles become the SEF role set (`product-manager` is
    /// now `development-manager`).
    Migrate(MigrateArgs),
}

#[derive(Debug, Args)]
pub struct ProvenanceArgs {
    /// The artefacts.
    #[arg(required = true, value_name = "ARTIFACT")]
    pub artifacts: Vec<PathBuf>,
    /// The repository the artefacts were built from.
    #[arg(long, default_value = ".")]
    pub repo: PathBuf,
    /// The secret key that signs the statement.
    #[arg(long, short = 's', default_value = "sef.key", value_name = "FILE")]
    pub secret_key: PathBuf,
    /// The builder's id (default: SEF_BUILDER_ID, else `sef/<version>`).
    #[arg(long)]
    pub builder: Option<String>,
    /// Where to write the statement (default: the first ARTIFACT.intoto.json);
    /// its signature goes next to it as .minisig.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Debug, Args)]
pub struct PasswordArgs {
    /// Read the password from the first line of FILE (else SEF_KEY_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Where to write the public key.
    #[arg(long, default_value = "sef.pub", value_name = "FILE")]
    pub public_key: PathBuf,
    /// Where to write the secret key (created with mode 0600).
    #[arg(long, default_value = "sef.key", value_name = "FILE")]
    pub secret_key: PathBuf,
    /// Overwrite existing key files.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The files to sign.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The secret key.
    #[arg(long, short = 's', default_value = "sef.key", value_name = "FILE")]
    pub secret_key: PathBuf,
    /// The trusted (signed) comment (default: the file name and the time).
    #[arg(long, short = 't')]
    pub trusted_comment: Option<String>,
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The files to verify; each signature is FILE.minisig.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The public key.
    #[arg(long, short = 'p', default_value = "sef.pub", value_name = "FILE")]
    pub public_key: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
}

/// A value a command-line parser refused, with what it expected.
#[derive(Debug, thiserror::Error)]
#[error("expected one of: {expected}")]
pub struct BadValue {
    /// The values accepted, comma-separated.
    expected: String,
}

fn parse_severity(s: &str) -> Result<sef_model::Severity, BadValue> {
    sef_model::Severity::parse(&s.to_ascii_lowercase()).ok_or_else(|| BadValue {
        expected: "critical, high, medium, low, info".to_owned(),
    })
}

fn parse_phase(s: &str) -> Result<sef_model::Phase, sef_model::PhaseParseError> {
    s.parse::<sef_model::Phase>()
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ViewFormatArg {
    /// Human-readable text.
    Text,
    /// JSON.
    Json,
}

#[derive(Debug, Args)]
pub struct PtiArgs {
    /// The repository directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Show each answer's points, the group caps and the floors.
    #[arg(long)]
    pub explain: bool,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The repository directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum RequirementsFormatArg {
    /// Human-readable text, grouped by category.
    Text,
    /// JSON.
    Json,
    /// Comma-separated values (RFC 4180), safe to open in a spreadsheet.
    Csv,
    /// A GitHub-flavoured Markdown table.
    Markdown,
    /// One self-contained HTML file.
    Html,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum RequirementStatusArg {
    /// Selected, not built yet.
    Planned,
    /// Built, or recorded as verified without confirmed evidence.
    Implemented,
    /// Verified, with confirmed evidence.
    Verified,
    /// Not applicable, with a rationale.
    NotApplicable,
}

#[derive(Debug, Args)]
pub struct RequirementsArgs {
    /// The repository directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Only these categories (repeatable).
    #[arg(long, short, value_parser = parse_category, value_name = "CATEGORY")]
    pub category: Vec<sef_process::catalog::Category>,
    /// Only these statuses (repeatable).
    #[arg(long, short, value_enum)]
    pub status: Vec<RequirementStatusArg>,
    /// Select at this PTI tier (1-4) instead of the plan's.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=4))]
    pub tier: Option<u8>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = RequirementsFormatArg::Text)]
    pub format: RequirementsFormatArg,
    /// The official OWASP ASVS JSON (e.g. OWASP_Application_Security_Verification_Standard_5.0.0_en.json
    /// or its .flat.json): show the standard's wording and level beside each reference, and
    /// report references the file does not hold.
    #[arg(long, value_name = "FILE")]
    pub asvs: Option<PathBuf>,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn parse_category(s: &str) -> Result<sef_process::catalog::Category, BadValue> {
    sef_process::catalog::Category::parse(s).ok_or_else(|| BadValue {
        expected: sef_process::catalog::Category::ALL
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

#[derive(Debug, Args)]
pub struct AdvisoryDbArgs {
    /// The advisory database directory (default: `advisories` in the
    /// user's cache directory).
    #[arg(long, env = "SEF_ADVISORY_DB", value_name = "DIR")]
    pub advisory_db: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Download each ecosystem's OSV export (`all.zip`) over HTTPS and
    /// import it. By default, the ecosystems of the repository's inventory.
    /// A failed download or import leaves that ecosystem's previous data in
    /// place.
    Update(DbUpdateArgs),
    /// Import OSV advisories from local `all.zip` exports or directories of
    /// OSV JSON (for sites without network access). Each ecosystem found
    /// replaces that ecosystem's previous records; the others are kept.
    Import(DbImportArgs),
    /// Show, per ecosystem, how many advisories, when and from where.
    Status(DbStatusArgs),
    /// Read every record of the database and check it against the index
    /// and the manifest (opening the database checks only the index).
    /// Exits 1 when anything is wrong.
    Verify(DbStatusArgs),
}

#[derive(Debug, Args)]
pub struct DbUpdateArgs {
    /// An OSV ecosystem to fetch (repeatable), e.g. `crates.io`, `PyPI`,
    /// `Go`, `npm`, `Maven`. Default: every ecosystem in the inventory of
    /// `--repo`.
    #[arg(long = "ecosystem", short = 'e', value_name = "ECOSYSTEM")]
    pub ecosystems: Vec<String>,
    /// The repository whose inventory decides the ecosystems when no
    /// `--ecosystem` is given.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub repo: PathBuf,
    /// Where the exports are: `{URL}/{ecosystem}/all.zip`. https only
    /// (plain http is accepted for 127.0.0.1 / localhost mirrors).
    #[arg(
        long,
        env = "SEF_OSV_BASE_URL",
        default_value = sef_advisory::fetch::DEFAULT_BASE_URL,
        value_name = "URL"
    )]
    pub base_url: String,
    /// Give up on a download when the server sends nothing for this many
    /// seconds.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub timeout: u64,
    /// Refuse an export larger than this many MiB.
    #[arg(long, default_value_t = 2048, value_name = "MIB")]
    pub max_size: u64,
    #[command(flatten)]
    pub db: AdvisoryDbArgs,
    /// Output format of the update summary.
    #[arg(long, short, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct DbImportArgs {
    /// Zip archives or directories of OSV JSON.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub db: AdvisoryDbArgs,
    /// Output format of the import summary.
    #[arg(long, short, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct DbStatusArgs {
    #[command(flatten)]
    pub db: AdvisoryDbArgs,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum SbomFormatArg {
    /// CycloneDX 1.6 JSON.
    Cyclonedx,
    /// SPDX 2.3 JSON.
    Spdx,
}

#[derive(Debug, Args)]
pub struct SbomArgs {
    /// The repository directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// SBOM format.
    #[arg(long, short, value_enum, default_value_t = SbomFormatArg::Cyclonedx)]
    pub format: SbomFormatArg,
    /// Write the SBOM to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The repository directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The offering's name (default: the directory's name).
    #[arg(long)]
    pub name: Option<String>,
    /// The kind of offering.
    #[arg(long, value_enum, default_value_t = KindArg::Product)]
    pub kind: KindArg,
    /// Overwrite an existing sef.toml.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Product,
    Component,
    Service,
    Library,
    Application,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FormatArg {
    /// Human-readable text (coloured on a terminal unless NO_COLOR is set).
    Text,
    /// Versioned JSON (docs/report-format.md).
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// One self-contained HTML file.
    Html,
    /// SARIF 2.1.0: the run's findings for code-scanning tools (one run:
    /// `sef assess`, `sef runs show`).
    Sarif,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Report format.
    #[arg(long, short, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The store option, on the commands that read or write the store only.
#[derive(Debug, Clone, Args, Default)]
pub struct StoreArgs {
    /// The store: a SQLite file path (default: sef.db in the user's data
    /// directory) or a postgres:// URL.
    #[arg(long, env = "SEF_DATABASE_URL", value_name = "PATH|URL")]
    pub db: Option<String>,
}

/// The release's version, on the commands that assess a release.
#[derive(Debug, Clone, Args, Default)]
pub struct ReleaseArgs {
    /// The release's version, overriding `SEF_RELEASE`, the plan's `[release]
    /// version` and the tag at HEAD (sef looks in that order; a tag's leading
    /// `v` before a digit is dropped; with none of them the release is
    /// `unversioned`).
    #[arg(long, value_name = "VERSION")]
    pub release: Option<String>,
}

#[derive(Debug, Args)]
pub struct AssessArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub release: ReleaseArgs,
    /// The repository directory to assess.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Do not store the run.
    #[arg(long)]
    pub no_store: bool,
    #[command(flatten)]
    pub advisory: AdvisoryDbArgs,
    #[command(flatten)]
    pub range: RangeArgs,
    /// Upload the run to a sef server (its base URL) with the token in
    /// SEF_TOKEN. The server decides the KPIs and gate again; its verdict
    /// is printed and sets the exit code.
    #[arg(long, value_name = "URL", conflicts_with_all = ["only", "skip"])]
    pub push: Option<String>,
    /// Run only these analyzers (comma-separated: repo-facts, inventory,
    /// sarif, junit, history, secrets, signatures, vulnerabilities). A run
    /// that leaves an enabled analyzer out is scoped: its gate fails
    /// (criterion `evidence.all-analyzers-ran`).
    #[arg(long, value_delimiter = ',', value_name = "ANALYZER")]
    pub only: Vec<String>,
    /// Do not run these analyzers (comma-separated, or repeated); the run
    /// is scoped, as with `--only`.
    #[arg(long, value_delimiter = ',', value_name = "ANALYZER")]
    pub skip: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// List stored runs, newest first.
    List(ListArgs),
    /// Show one stored run as a full report.
    Show(ShowArgs),
    /// Compare two runs of one offering: gate, phase and criteria that
    /// changed, triage and acceptance changes, KPI changes, new and fixed
    /// findings, changed evidence.
    Diff(DiffArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Only runs of this offering.
    #[arg(long)]
    pub offering: Option<String>,
    /// At most this many runs.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// A run id, a unique prefix of one, or `latest`.
    pub run: String,
    /// Print this artifact of the run (e.g. `sbom.cdx.json`) instead of
    /// the report.
    #[arg(long, value_name = "NAME")]
    pub artifact: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The older run: an id, a unique prefix, `latest` or `previous`.
    pub from: String,
    /// The newer run: an id, a unique prefix, `latest` or `previous`.
    pub to: String,
    /// The offering whose runs `latest` and `previous` mean (default: the
    /// offering of the plan in --repo).
    #[arg(long)]
    pub offering: Option<String>,
    /// The repository whose plan names the offering.
    #[arg(long, default_value = ".")]
    pub repo: PathBuf,
    #[command(flatten)]
    pub out: OutputArgs,
}
