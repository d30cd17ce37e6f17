//! Arguments of `sef portfolio`: the questions asked across every offering
//! in a store.

use super::{StoreArgs, ViewFormatArg};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `sef portfolio`.
#[derive(Debug, Subcommand)]
pub enum PortfolioCommand {
    /// Which releases ship a package: every offering's releases (each at its
    /// latest run) whose inventory holds it, with the version, whether it is
    /// direct, the dependency path and the owning team. Exit code 1 when at
    /// least one release ships a selected version (or one that cannot be
    /// placed in the range), 0 when none does.
    Ships(ShipsArgs),
    /// The KPI summary of the portfolio grouped by team, business unit or
    /// tier: releases, gates passed and failed, and per KPI how many
    /// releases measure it, meet and miss their objective, with the mean.
    Kpis(PortfolioKpisArgs),
}

/// `sef portfolio ships`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["purl", "advisory"]))]
pub struct ShipsArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The package as a purl (`pkg:cargo/serde`, `pkg:npm/%40babel/core`);
    /// a version in it (`@1.0.0`) selects that version only.
    pub purl: Option<String>,
    /// Only versions in this range: comparators `>=`, `<`, `<=`, `=`
    /// joined by commas, clauses by `||` (`">=1.0.0, <1.0.5 || =2.0.0"`),
    /// evaluated as OSV events in the ecosystem's version ordering.
    #[arg(long, value_name = "RANGE", requires = "purl")]
    pub range: Option<String>,
    /// An OSV advisory (JSON): every package it names, in its affected
    /// ranges, instead of a purl.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["purl", "range"])]
    pub advisory: Option<PathBuf>,
    /// Only direct dependencies.
    #[arg(long, conflicts_with = "transitive")]
    pub direct: bool,
    /// Only transitive dependencies.
    #[arg(long)]
    pub transitive: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
}

/// `sef portfolio kpis`.
#[derive(Debug, Args)]
pub struct PortfolioKpisArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Group by `team`, `business-unit` or `tier`.
    #[arg(long, default_value = "team", value_parser = ["team", "business-unit", "tier"])]
    pub by: String,
    /// Count every release of every offering, not only each offering's
    /// latest.
    #[arg(long)]
    pub all_releases: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
}
