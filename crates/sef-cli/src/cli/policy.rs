//! Arguments of `sef policy`: the organisation's policy checked, shown and
//! published.

use super::ViewFormatArg;
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `sef policy`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Check a policy file: it reads (errors at their line), its signature
    /// (FILE.minisig) verifies with --key, and a repository's plan may run
    /// under it (exit 1 when the plan loosens what the policy locks).
    Check(PolicyCheckArgs),
    /// The policy in force (--policy / SEF_POLICY), verified: where it came
    /// from, its key, and what it sets.
    Show(PolicyShowArgs),
    /// Publish a policy file to a sef server (SEF_TOKEN of a user with the
    /// set-policy permission); the server signs it with its policy key.
    Publish(PolicyPublishArgs),
}

/// `sef policy check`.
#[derive(Debug, Args)]
pub struct PolicyCheckArgs {
    /// The policy file (TOML).
    pub file: PathBuf,
    /// The minisign public key FILE.minisig must verify with.
    #[arg(long, value_name = "PUBKEY")]
    pub key: Option<PathBuf>,
    /// A repository whose plan is checked against the policy.
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
}

/// `sef policy show`.
#[derive(Debug, Args)]
pub struct PolicyShowArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
}

/// `sef policy publish`.
#[derive(Debug, Args)]
pub struct PolicyPublishArgs {
    /// The policy file (TOML).
    pub file: PathBuf,
    /// The sef server (https://…; http only on the loopback address).
    #[arg(long, env = "SEF_SERVER", value_name = "URL")]
    pub server: String,
}
