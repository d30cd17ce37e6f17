//! Arguments of `sef vulns`.

use super::{AdvisoryDbArgs, ReleaseArgs, StoreArgs};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// The formats of `sef vulns`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum VulnsFormatArg {
    /// Human-readable text.
    Text,
    /// Versioned JSON (`sef/vulns/v1`, docs/vulns.md).
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// The lowest severity that fails the check.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FailOnArg {
    /// Any open finding, informational advisories (unmaintained, unsound)
    /// included.
    Info,
    /// Any open vulnerability (the default).
    Low,
    /// Medium and above.
    Medium,
    /// High and above.
    High,
    /// Critical (and unknown severity, which ranks above critical).
    Critical,
    /// Never fail on findings (partial or failed checks still fail).
    Never,
}

impl FailOnArg {
    /// The threshold (`None`: never).
    pub fn severity(self) -> Option<sef_model::Severity> {
        use sef_model::Severity as S;
        match self {
            FailOnArg::Info => Some(S::Info),
            FailOnArg::Low => Some(S::Low),
            FailOnArg::Medium => Some(S::Medium),
            FailOnArg::High => Some(S::High),
            FailOnArg::Critical => Some(S::Critical),
            FailOnArg::Never => None,
        }
    }
}

/// `sef vulns`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit codes: 0 no open finding at or above --fail-on and every \
component tested; 1 a finding at or above it is open, or the check is partial \
(a component or file could not be tested; --allow-partial accepts that); 2 the \
check could not run (no advisory database, an unreadable SBOM, a bad flag)."
)]
pub struct VulnsArgs {
    /// The directory whose lockfiles are checked; its sef.toml, if any,
    /// gives the risk acceptances, the inventory's excludes and the
    /// database's maximum age.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Check the components of this CycloneDX or SPDX JSON SBOM instead of
    /// PATH's lockfiles (repeatable).
    #[arg(long = "sbom", value_name = "FILE")]
    pub sboms: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = VulnsFormatArg::Text)]
    pub format: VulnsFormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when an open (not accepted, not false-positive) finding is at
    /// or above this severity.
    #[arg(long, value_enum, default_value_t = FailOnArg::Low, value_name = "SEVERITY")]
    pub fail_on: FailOnArg,
    /// Do not fail because the check is partial (components that could not
    /// be tested, a stale database); the report still says so.
    #[arg(long)]
    pub allow_partial: bool,
    /// Store the check as a run in the store of `--db` (scoped to the
    /// vulnerabilities analyzer: its gate cannot pass). Without it, nothing
    /// is written and `--db` is not used.
    #[arg(long)]
    pub store: bool,
    #[command(flatten)]
    pub db: StoreArgs,
    #[command(flatten)]
    pub advisory: AdvisoryDbArgs,
    #[command(flatten)]
    pub release: ReleaseArgs,
}
