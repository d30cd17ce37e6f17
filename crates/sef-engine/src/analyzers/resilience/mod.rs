//! The resilience analyzer: the penetration tests and dynamic scans
//! recorded under `security/tests/` (or `[resilience] records`), read with
//! sef-resilience and judged for the release as of the run's day. It runs
//! when the plan has a `[resilience]` section or the records folder exists.
//!
//! A record that does not read fails the evidence with its file:line:col:
//! a gate never passes on tests sef could not read.

use crate::security_plan::Repo;
use crate::{AnalysisContext, Analyzer, AnalyzerError, AnalyzerOutput, Progress};
use chrono::NaiveDate;
use sef_model::{EvidenceKind, EvidencePayload, ToolInfo};
use sef_plan::{DEFAULT_RESILIENCE_MAX_AGE_DAYS, DEFAULT_RESILIENCE_RECORDS, Plan};
use sef_resilience::record::{self, MAX_RECORD_BYTES, TestRecord};
use std::path::{Path, PathBuf};

/// The analyzer id.
pub const ID: &str = "resilience";

/// A folder holding more records than this is refused.
const MAX_RECORDS: usize = 10_000;

/// The records folder of `plan`, relative to the repository.
pub fn records_dir(plan: &Plan) -> &str {
    plan.resilience
        .as_ref()
        .map_or(DEFAULT_RESILIENCE_RECORDS, |r| r.records.as_str())
}

/// Whether the analyzer runs for `plan` in the repository at `root`.
pub fn applies(plan: &Plan, root: &Path) -> bool {
    plan.resilience.is_some() || root.join(DEFAULT_RESILIENCE_RECORDS).is_dir()
}

/// The plan's resilience settings (defaults without `[resilience]`).
pub fn settings(plan: &Plan) -> sef_resilience::Settings {
    let r = plan.resilience.as_ref();
    sef_resilience::Settings {
        scope: r.map(|r| r.scope.clone()).unwrap_or_default(),
        records_dir: records_dir(plan).to_owned(),
        max_age_days: r.map_or(DEFAULT_RESILIENCE_MAX_AGE_DAYS, |r| r.max_age_days),
        retest_severity: r.map_or(sef_model::Severity::High, |r| r.retest_severity),
    }
}

/// The record file of test `id`, and whether the folder is inside the
/// repository.
pub fn record_path(root: &Path, plan: &Plan, id: &str) -> Result<PathBuf, String> {
    if !record::valid_id(id) {
        return Err(format!(
            "`{}` is not a usable test id: use letters, digits, `.`, `_` and `-` (e.g. 2026-11-web)",
            id.escape_debug()
        ));
    }
    let dir = Repo::new(root)
        .resolve(records_dir(plan))
        .unwrap_or_else(|| root.join(records_dir(plan)));
    Ok(dir.join(format!("{id}.toml")))
}

/// Reads every record (`*.toml`) of the records folder, sorted by file
/// name. A missing folder is no records; anything unreadable is an error
/// naming the file.
pub fn load_records(root: &Path, plan: &Plan) -> Result<Vec<TestRecord>, String> {
    let rel = records_dir(plan).trim_end_matches('/');
    let Some(dir) = Repo::new(root).resolve(rel) else {
        return Ok(Vec::new());
    };
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("{rel}: cannot read the folder: {e}"))?;
    let mut files = Vec::new();
    for e in entries {
        let e = e.map_err(|e| format!("{rel}: cannot read the folder: {e}"))?;
        let p = e.path();
        if p.extension().is_some_and(|x| x == "toml") {
            files.push(p);
        }
        if files.len() > MAX_RECORDS {
            return Err(format!("{rel}: more than {MAX_RECORDS} test records"));
        }
    }
    files.sort();
    let mut out = Vec::new();
    for p in files {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let shown = format!("{rel}/{name}");
        let text = sef_fs::read_string(&p, MAX_RECORD_BYTES)
            .map_err(|e| format!("{shown}: cannot read: {}", e.reason()))?;
        let id = name.trim_end_matches(".toml");
        out.push(record::parse(id, &shown, &text).map_err(|e| e.to_string())?);
    }
    Ok(out)
}

/// The resilience analyzer.
pub struct ResilienceAnalyzer {
    today: NaiveDate,
}

impl ResilienceAnalyzer {
    /// An analyzer judging the records as of `today`.
    pub fn new(today: NaiveDate) -> Self {
        ResilienceAnalyzer { today }
    }
}

impl Analyzer for ResilienceAnalyzer {
    fn id(&self) -> &'static str {
        ID
    }

    fn kind(&self) -> EvidenceKind {
        EvidenceKind::ResilienceTesting
    }

    fn tool(&self) -> ToolInfo {
        crate::sef_tool(ID)
    }

    fn run(
        &self,
        ctx: &AnalysisContext<'_>,
        _progress: &dyn Progress,
    ) -> Result<AnalyzerOutput, AnalyzerError> {
        let records = load_records(ctx.root, ctx.plan).map_err(AnalyzerError)?;
        let settings = settings(ctx.plan);
        let (payload, findings) =
            sef_resilience::evaluate(&records, &settings, &ctx.plan.release.version, self.today);
        let mut notes = Vec::new();
        if records.is_empty() {
            notes.push(format!(
                "no penetration test is recorded in {} (sef pentest add)",
                settings.records_dir
            ));
        }
        if settings.scope.is_empty() {
            notes.push(
                "the plan declares no scope to test ([resilience] scope), so coverage is not measured"
                    .to_owned(),
            );
        }
        Ok(AnalyzerOutput {
            tool: crate::sef_tool(ID),
            input_digest: None,
            partial: None,
            payload: EvidencePayload::ResilienceTesting(Box::new(payload)),
            findings,
            notes,
            artifacts: Vec::new(),
        })
    }
}
