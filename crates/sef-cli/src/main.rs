//! `sef`: the command-line interface of the Secure Engineering Framework
//! toolkit. This crate is glue only: it parses arguments, wires the plan,
//! the engine, the store and the report writers together, and maps
//! outcomes to exit codes (0 pass, 1 gate failed, 2 could not run).

mod cli;
mod commands;
mod output;
mod plan_at;
mod policy_source;
mod progress;
mod store;

use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

// Inventory and reports allocate many small strings; mimalloc is several
// times faster than the system allocator at that (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit code: the gate passed.
pub const EXIT_PASS: u8 = 0;
/// Exit code: the gate failed or a policy was violated.
pub const EXIT_FAIL: u8 = 1;
/// Exit code: sef could not run.
pub const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let matches = cli::Cli::command().get_matches();
    let args = match cli::Cli::from_arg_matches(&matches) {
        Ok(a) => a,
        Err(e) => e.exit(),
    };
    sef_report::set_terminal_width(output::terminal_width(output::file_output_given(&matches)));
    init_tracing(
        args.global.verbose,
        matches!(args.command, cli::Command::Serve(_)),
    );
    plan_at::set_allow_outside_repo(args.global.allow_outside_repo);
    policy_source::set(args.global.policy.clone(), args.global.policy_key.clone());
    if let Err(e) = plan_at::set_forge_token_hosts(&args.global.forge_token_hosts) {
        eprintln!("error: {e:#}");
        return ExitCode::from(EXIT_ERROR);
    }
    // a reproducible-build time that cannot be used stops every command
    // before it writes anything dated
    if let Err(e) = sef_inventory::timestamp_from_env(
        std::env::var("SOURCE_DATE_EPOCH").ok().as_deref(),
        chrono::Utc::now(),
    ) {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_ERROR);
    }
    match commands::dispatch(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let mut msg = format!("error: {e}");
            for cause in e.chain().skip(1) {
                msg.push_str(&format!("\n  caused by: {cause}"));
            }
            eprintln!("{}", output::redacted(&msg));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Logs to standard error: text for commands, JSON lines at `info` for
/// `sef serve` (a log collector reads them).
fn init_tracing(verbose: u8, server: bool) {
    let default = match verbose {
        0 if server => "info",
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SEF_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    use std::io::IsTerminal;
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if server {
        let _ = tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_current_span(true)
            .try_init();
        return;
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
