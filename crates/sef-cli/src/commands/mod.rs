//! One module per command.

mod assess;
mod db;
mod db_update;
mod decision_sign;
mod finding;
mod history;
mod ingested;
mod init;
mod kpi;
mod pentest;
mod phase;
mod policy;
mod portfolio;
pub(crate) mod push;
mod runs;
mod sbom;
mod secrets;
mod security_plan;
mod server;
mod sign;
mod threat;
mod vulns;

use crate::cli::{Cli, Command, DbCommand, RunsCommand};
use anyhow::Result;

/// The `--db` of a command that uses the store.
fn store_of(c: &Command) -> Option<String> {
    use crate::cli::{FindingCommand as F, IngestCommand as I, PhaseCommand as P};
    let s = match c {
        Command::Assess(a) => &a.store,
        Command::Runs(RunsCommand::List(a)) => &a.store,
        Command::Runs(RunsCommand::Show(a)) => &a.store,
        Command::Runs(RunsCommand::Diff(a)) => &a.store,
        Command::Kpi(a) => &a.store,
        Command::Gate(a) => &a.store,
        Command::Finding(F::List(a)) => &a.store,
        Command::Finding(F::Show(a)) => &a.store,
        Command::Finding(F::Triage(a)) => &a.store,
        Command::Ingest(I::Sarif(a) | I::Junit(a)) => &a.store,
        Command::Phase(P::Advance(a)) => &a.store,
        Command::Phase(P::History(a)) => &a.store,
        Command::Vulns(a) => &a.db,
        Command::Serve(a) => &a.store,
        _ => return None,
    };
    s.db.clone()
}

/// The `--release` of a command that assesses a release.
fn release_of(c: &Command) -> Option<String> {
    use crate::cli::{IngestCommand as I, PhaseCommand as P};
    let r = match c {
        Command::Assess(a) => &a.release,
        Command::Gate(a) => &a.release,
        Command::Ingest(I::Sarif(a) | I::Junit(a)) => &a.release,
        Command::Phase(P::Advance(a)) => &a.release,
        Command::Vulns(a) => &a.release,
        _ => return None,
    };
    r.release.clone()
}

/// Runs the command and returns the process exit code.
pub fn dispatch(mut cli: Cli) -> Result<u8> {
    cli.global.db = store_of(&cli.command);
    crate::plan_at::set_release_flag(release_of(&cli.command));
    let g = &cli.global;
    match cli.command {
        Command::Init(a) => init::run(&a),
        Command::Assess(a) => assess::run(g, &a),
        Command::Runs(RunsCommand::List(a)) => runs::list(g, &a),
        Command::Runs(RunsCommand::Show(a)) => runs::show(g, &a),
        Command::Runs(RunsCommand::Diff(a)) => runs::diff(g, &a),
        Command::Sbom(a) => sbom::run(g, &a),
        Command::Vulns(a) => vulns::run(g, &a),
        Command::Db(DbCommand::Update(a)) => db_update::update(g, &a),
        Command::Db(DbCommand::Import(a)) => db::import(g, &a),
        Command::Db(DbCommand::Status(a)) => db::status(&a),
        Command::Db(DbCommand::Verify(a)) => db::verify(&a),
        Command::Pti(a) => security_plan::pti(&a),
        Command::Plan(a) => security_plan::plan(&a),
        Command::Requirements(a) => security_plan::requirements(g, &a),
        Command::Kpi(a) => kpi::run(g, &a),
        Command::Gate(a) => phase::gate(g, &a),
        Command::Keygen(a) => sign::keygen(&a),
        Command::Sign(a) => sign::sign(&a),
        Command::Verify(a) => sign::verify(&a),
        Command::Provenance(a) => sign::provenance(&a),
        Command::History(a) => history::run(g, &a),
        Command::Secrets(crate::cli::SecretsCommand::Scan(a)) => secrets::scan(g, &a),
        Command::Secrets(crate::cli::SecretsCommand::Rules(a)) => secrets::rules(&a),
        Command::Finding(crate::cli::FindingCommand::List(a)) => finding::list(g, &a),
        Command::Finding(crate::cli::FindingCommand::Show(a)) => finding::show(g, &a),
        Command::Finding(crate::cli::FindingCommand::Triage(a)) => finding::triage(g, &a),
        Command::Finding(crate::cli::FindingCommand::SignAcceptance(a)) => {
            decision_sign::sign_acceptance(&a)
        }
        Command::Ingest(crate::cli::IngestCommand::Sarif(a)) => ingest(g, a, true),
        Command::Ingest(crate::cli::IngestCommand::Junit(a)) => ingest(g, a, false),
        Command::Phase(crate::cli::PhaseCommand::Advance(a)) => phase::advance(g, &a),
        Command::Phase(crate::cli::PhaseCommand::History(a)) => phase::history(g, &a),
        Command::Pentest(c) => pentest::run(c),
        Command::Threat(c) => threat::run(c),
        Command::Serve(a) => server::serve(&a),
        Command::User(crate::cli::UserCommand::Add(a)) => server::user_add(&a),
        Command::User(crate::cli::UserCommand::Grant(a)) => server::user_grant(&a),
        Command::User(crate::cli::UserCommand::Revoke(a)) => server::user_revoke(&a),
        Command::User(crate::cli::UserCommand::List(a)) => server::user_list(&a),
        Command::Token(crate::cli::TokenCommand::Create(a)) => server::token_create(&a),
        Command::Token(crate::cli::TokenCommand::List(a)) => server::token_list(&a),
        Command::Token(crate::cli::TokenCommand::Revoke(a)) => server::token_revoke(&a),
        Command::Offering(crate::cli::OfferingCommand::Put(a)) => server::offering_put(&a),
        Command::Portfolio(crate::cli::PortfolioCommand::Ships(a)) => portfolio::ships(&a),
        Command::Portfolio(crate::cli::PortfolioCommand::Kpis(a)) => portfolio::kpis(&a),
        Command::Policy(crate::cli::PolicyCommand::Check(a)) => policy::check(&a),
        Command::Policy(crate::cli::PolicyCommand::Show(a)) => policy::show(&a),
        Command::Policy(crate::cli::PolicyCommand::Publish(a)) => policy::publish(&a),
        Command::Audit(crate::cli::AuditCommand::Verify(a)) => server::audit_verify(&a),
        Command::Audit(crate::cli::AuditCommand::Export(a)) => server::audit_export(&a),
        Command::Backup(a) => server::backup(&a),
        Command::Migrate(a) => server::migrate(&a),
    }
}

/// `sef ingest sarif|junit`: an assessment that also reads the given files.
fn ingest(g: &crate::cli::GlobalArgs, a: crate::cli::IngestArgs, sarif: bool) -> Result<u8> {
    let files = a
        .files
        .iter()
        .map(|f| {
            f.canonicalize()
                .map_err(|e| anyhow::anyhow!("{}: cannot read the results file: {e}", f.display()))
        })
        .collect::<Result<Vec<_>>>()?;
    let assess_args = crate::cli::AssessArgs {
        store: a.store,
        release: a.release,
        path: a.repo,
        out: a.out,
        no_store: a.no_store,
        advisory: a.advisory,
        range: crate::cli::RangeArgs::default(),
        only: Vec::new(),
        skip: Vec::new(),
        push: None,
    };
    let extra = if sarif {
        assess::Extra {
            sarif: files,
            ingesting: Some(assess::IngestKind::Sarif),
            ..Default::default()
        }
    } else {
        assess::Extra {
            junit: files,
            ingesting: Some(assess::IngestKind::Junit),
            ..Default::default()
        }
    };
    assess::run_with(g, &assess_args, &extra)
}
