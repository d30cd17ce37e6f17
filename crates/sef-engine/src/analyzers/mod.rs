//! The built-in analyzers, one folder each, and the list of those a plan
//! enables. An analyzer implements [`Analyzer`](crate::Analyzer) and
//! returns its evidence kind's typed payload; adding one is a new folder
//! here, one `mod` line and one entry in [`builtin`].

pub mod artifacts;
pub mod history;
pub mod inventory;
pub mod junit;
pub mod repo_facts;
pub mod resilience;
pub mod sarif;
pub mod secrets;
pub mod security_plan;
pub mod threat_model;
pub mod vulnerabilities;

use crate::{Analyzer, EngineOptions};
use sef_plan::Plan;

/// The history settings in effect: the plan's `[analyzers.history]`, or
/// the defaults when the section is absent and the root is a git work tree
/// top (`None`: history is not mined).
pub fn history_config(
    plan: &Plan,
    root: &std::path::Path,
    options: &EngineOptions,
) -> Option<sef_plan::HistoryConfig> {
    let mut cfg = match &plan.analyzers.history {
        Some(c) if !c.enabled => return None,
        Some(c) => c.clone(),
        None if root.join(".git").exists() => sef_plan::HistoryConfig::default(),
        None => return None,
    };
    if options.since.is_some() {
        cfg.since.clone_from(&options.since);
    }
    if options.until.is_some() {
        cfg.until.clone_from(&options.until);
    }
    Some(cfg)
}

/// The id of every built-in analyzer, as `--only`/`--skip` and
/// `[analyzers.<id>]` name them.
pub const ANALYZER_IDS: [&str; 10] = [
    repo_facts::ID,
    inventory::ID,
    sarif::ID,
    junit::ID,
    history::analyzer::ID,
    secrets::ID,
    artifacts::ID,
    vulnerabilities::ID,
    resilience::ID,
    threat_model::ID,
];

/// The analyzers the plan alone enables, whatever the repository holds:
/// every run of the plan has evidence from each of them. A server holds an
/// uploaded run against this list, so that an upload cannot leave an
/// analyzer out by omitting its evidence.
pub fn plan_enabled(plan: &Plan) -> Vec<&'static str> {
    let a = &plan.analyzers;
    [
        (a.repo_facts.enabled, repo_facts::ID),
        (a.inventory.enabled, inventory::ID),
        (
            !sarif::SarifAnalyzer::plan_sources(plan).is_empty(),
            sarif::ID,
        ),
        (a.junit.is_some(), junit::ID),
        (a.secrets.enabled, secrets::ID),
        (plan.release_artifacts.is_some(), artifacts::ID),
        (a.vulnerabilities.enabled, vulnerabilities::ID),
        (plan.resilience.is_some(), resilience::ID),
        (plan.threat_model.is_some(), threat_model::ID),
    ]
    .into_iter()
    .filter_map(|(on, id)| on.then_some(id))
    .collect()
}

/// Keeps the analyzers `only` names (all when empty) minus those `skip`
/// names, and returns the ids of those left out: a run without them is
/// scoped, and its gate cannot pass.
pub fn select(
    analyzers: &mut Vec<Box<dyn Analyzer>>,
    only: &[String],
    skip: &[String],
) -> Vec<String> {
    let mut left_out = Vec::new();
    analyzers.retain(|a| {
        let keep = (only.is_empty() || only.iter().any(|o| o == a.id()))
            && !skip.iter().any(|s| s == a.id());
        if !keep {
            left_out.push(a.id().to_owned());
        }
        keep
    });
    left_out
}

/// The built-in analyzers that the plan enables, in a fixed order. New
/// analyzers are added to this list explicitly.
pub fn builtin(
    plan: &Plan,
    root: &std::path::Path,
    options: &EngineOptions,
) -> Vec<Box<dyn Analyzer>> {
    let mut out: Vec<Box<dyn Analyzer>> = Vec::new();
    if plan.analyzers.repo_facts.enabled {
        out.push(Box::new(repo_facts::RepoFacts::new(
            plan.analyzers.repo_facts.clone(),
        )));
    }
    if plan.analyzers.inventory.enabled {
        out.push(Box::new(inventory::InventoryAnalyzer::new(
            plan.analyzers.inventory.clone(),
        )));
    }
    let mut sarif = sarif::SarifAnalyzer::plan_sources(plan);
    sarif.extend(options.extra_sarif.iter().map(|p| {
        sarif::Source {
            name: p
                .file_name()
                .map_or_else(|| "sarif".to_owned(), |n| n.to_string_lossy().into_owned()),
            file: p.clone(),
            in_repo: false,
            command: None,
            timeout_secs: 0,
            ok_exit_codes: vec![0],
            ingested: true,
        }
    }));
    if !sarif.is_empty() {
        out.push(Box::new(sarif::SarifAnalyzer::new(sarif)));
    }
    let junit_cfg = plan.analyzers.junit.as_ref();
    if junit_cfg.is_some() || !options.extra_junit.is_empty() {
        out.push(Box::new(junit::JunitAnalyzer::new(
            junit_cfg.map(|j| j.files.clone()).unwrap_or_default(),
            options.extra_junit.clone(),
            junit_cfg.map_or(sef_plan::DEFAULT_SECURITY_TEST_PATTERN, |j| {
                j.security_pattern.as_str()
            }),
        )));
    }
    if let Some(h) = history_config(plan, root, options) {
        out.push(Box::new(history::analyzer::HistoryAnalyzer::new(h)));
    }
    if plan.analyzers.secrets.enabled {
        out.push(Box::new(secrets::SecretsAnalyzer::new(
            plan.analyzers.secrets.clone(),
        )));
    }
    if let Some(a) = &plan.release_artifacts {
        out.push(Box::new(artifacts::ArtifactsAnalyzer::new(a.clone())));
    }
    if plan.analyzers.vulnerabilities.enabled {
        out.push(Box::new(vulnerabilities::Vulnerabilities::new(
            plan.analyzers.vulnerabilities.clone(),
            plan.analyzers.inventory.clone(),
            options.advisory_db.clone(),
        )));
    }
    if resilience::applies(plan, root) {
        out.push(Box::new(resilience::ResilienceAnalyzer::new(
            chrono::Utc::now().date_naive(),
        )));
    }
    if threat_model::applies(plan, root) {
        out.push(Box::new(threat_model::ThreatModelAnalyzer::new(
            chrono::Utc::now().date_naive(),
        )));
    }
    out
}
