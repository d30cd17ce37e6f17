//! Arguments of `sef history` and `sef secrets`, and the release range
//! shared with `sef assess`.

use super::ViewFormatArg;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The repository directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub range: RangeArgs,
    /// List every commit with its review and signature state.
    #[arg(long)]
    pub commits: bool,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// Scan for hard-coded secrets. Output is redacted: a short prefix, the
    /// length and a hash, never the secret.
    ///
    /// Exit code 1 when a secret is found that is neither allowed inline
    /// (`sef:allow <reason>`) nor in the baseline.
    Scan(SecretsScanArgs),
    /// List the rules in effect (built-in, or a gitleaks configuration)
    /// and what in the configuration sef does not use.
    Rules(SecretsRulesArgs),
}

#[derive(Debug, Args)]
pub struct SecretsScanArgs {
    /// The repository directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Also scan every blob of the git history, each once, reporting the
    /// commit that introduced each secret.
    #[arg(long, conflicts_with = "staged")]
    pub history: bool,
    /// Scan only what is staged for the next commit (the index's content
    /// of each file that differs from HEAD), for a pre-commit hook. Exit 1
    /// when it holds a secret.
    #[arg(long)]
    pub staged: bool,
    /// A gitleaks TOML configuration (default: the plan's, else sef's
    /// built-in rules).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The baseline of triaged findings (default: the plan's,
    /// .sef-secrets-baseline.json).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every finding of this scan into FILE as a baseline, with this
    /// reason, and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// The reason recorded with --write-baseline.
    #[arg(long, default_value = "triaged: not a live credential")]
    pub reason: String,
    /// Skip files larger than this many bytes.
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SecretsRulesArgs {
    /// A gitleaks TOML configuration (default: sef's built-in rules).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format (JSON includes each built-in rule's examples).
    #[arg(long, short, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The release range of the git history.
#[derive(Debug, Args, Default, Clone)]
pub struct RangeArgs {
    /// Start of the release range in the git history: a tag, commit or
    /// YYYY-MM-DD (default: the plan's, else the previous tag).
    #[arg(long, value_name = "TAG|DATE")]
    pub since: Option<String>,
    /// End of the release range (default: the plan's, else HEAD).
    #[arg(long, value_name = "REV")]
    pub until: Option<String>,
}
