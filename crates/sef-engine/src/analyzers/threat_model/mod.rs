//! The threat-model analyzer: the model under `security/threat-model/` (or
//! `[threat_model] dir`), read and checked with sef-threat, the built-in
//! rules and the plan's own applied, the tracking file's statuses and
//! reviews judged as of the run's day, and the diagram drawn. It runs
//! when the plan has a `[threat_model]` section or the folder exists.
//!
//! A model, rule file or tracking file that does not read fails the
//! evidence with its file:line:col: a gate never passes on a model sef
//! could not read.

mod render;

pub use render::{DiagramError, draw};

use crate::security_plan::Repo;
use crate::{AnalysisContext, Analyzer, AnalyzerError, AnalyzerOutput, Progress};
use chrono::NaiveDate;
use sef_model::evidence::threat::ThreatModelPayload;
use sef_model::{EvidenceKind, EvidencePayload, Finding, ToolInfo};
use sef_plan::{DEFAULT_THREAT_MODEL_DIR, Plan, ThreatModelConfig};
use sef_threat::load::MAX_MODEL_BYTES;
use sef_threat::risk::Outcome;
use sef_threat::tracking::Tracking;
use sef_threat::{Model, Rule, judge, risk, rules, tracking};
use std::path::{Path, PathBuf};

/// The analyzer id.
pub const ID: &str = "threat-model";

/// The tracking file's name inside the model folder.
pub const TRACKING_FILE: &str = "tracking.toml";

/// A diagram larger than this is not kept with the run (the run
/// boundary's document cap, `boundary::DOCUMENT_FIELDS`).
pub const MAX_DIAGRAM_BYTES: usize = 4 * 1024 * 1024;

/// A model folder holding more files than this is refused.
const MAX_FILES: usize = 1_000;

/// The plan's settings (defaults without `[threat_model]`).
pub fn config(plan: &Plan) -> ThreatModelConfig {
    plan.threat_model.clone().unwrap_or_default()
}

/// Whether the analyzer runs for `plan` in the repository at `root`.
pub fn applies(plan: &Plan, root: &Path) -> bool {
    plan.threat_model.is_some() || root.join(DEFAULT_THREAT_MODEL_DIR).is_dir()
}

/// Everything read from the repository.
pub struct Loaded {
    /// The model files, `(repository path, text)`, by name.
    pub files: Vec<(String, String)>,
    /// The model.
    pub model: Model,
    /// Its digest.
    pub digest: String,
    /// The rules applied.
    pub rules: Vec<Rule>,
    /// The plan's rule files.
    pub rule_files: Vec<String>,
    /// The tracking file.
    pub tracking: Tracking,
    /// The tracking file's repository path.
    pub tracking_path: String,
}

/// A repository path that does not exist is `None`; one that leaves the
/// repository (through `..` or a link) is an error.
fn inside(root: &Path, rel: &str) -> Result<Option<PathBuf>, String> {
    match Repo::new(root).resolve(rel) {
        Some(p) => Ok(Some(p)),
        None if !Path::new(rel).is_absolute()
            && !rel.split('/').any(|c| c == "..")
            && std::fs::symlink_metadata(root.join(rel)).is_err() =>
        {
            Ok(None)
        }
        None => Err(format!("{rel}: the path leaves the repository")),
    }
}

fn read(root: &Path, rel: &str) -> Result<Option<String>, String> {
    let Some(p) = inside(root, rel)? else {
        return Ok(None);
    };
    sef_fs::read_string_if_exists(&p, MAX_MODEL_BYTES)
        .map_err(|e| format!("{rel}: cannot read: {}", e.reason()))
}

/// The model folder's path, and its files (`*.yaml`, `*.yml`), sorted.
pub fn model_files(root: &Path, cfg: &ThreatModelConfig) -> Result<(PathBuf, Vec<String>), String> {
    let rel = cfg.dir.trim_end_matches('/');
    let dir = inside(root, rel)?.unwrap_or_else(|| root.join(rel));
    if !dir.is_dir() {
        return Err(format!(
            "no threat model: {rel}/ does not exist; model the offering there (docs/threat-model.md), or import one (sef threat import)"
        ));
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).map_err(|e| format!("{rel}: cannot read the folder: {e}"))? {
        let e = e.map_err(|e| format!("{rel}: cannot read the folder: {e}"))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if (name.ends_with(".yaml") || name.ends_with(".yml")) && !name.starts_with('.') {
            out.push(format!("{rel}/{name}"));
        }
        if out.len() > MAX_FILES {
            return Err(format!("{rel}: more than {MAX_FILES} model files"));
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(format!("no threat model: {rel}/ holds no .yaml file"));
    }
    Ok((dir, out))
}

/// Whether a requirement id exists: in sef's catalog or the plan's own.
pub fn known_requirement(plan: &Plan) -> impl Fn(&str) -> bool + '_ {
    move |id: &str| {
        sef_process::catalog::get(id).is_some()
            || plan
                .security
                .requirements
                .as_ref()
                .is_some_and(|r| r.entries.iter().any(|e| e.id == id && e.custom.is_some()))
    }
}

/// Reads the model, the rules and the tracking file. Every problem is in
/// the error, one per line, with file:line:col.
pub fn load(root: &Path, plan: &Plan) -> Result<Loaded, String> {
    let cfg = config(plan);
    let (_, names) = model_files(root, &cfg)?;
    let mut files = Vec::new();
    for n in names {
        let text = read(root, &n)?.unwrap_or_default();
        files.push((n, text));
    }
    let model = sef_threat::load(&files).map_err(|errs| {
        errs.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let mut rule_texts = Vec::new();
    for f in &cfg.rules {
        let text = read(root, f)?.ok_or_else(|| {
            format!("{f}: the rule file named in [threat_model] rules does not exist")
        })?;
        rule_texts.push((f.clone(), text));
    }
    let known = known_requirement(plan);
    let mut all_rules = rules::load(&rule_texts, true, &known).map_err(|errs| {
        errs.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    for d in &cfg.disabled_rules {
        if !all_rules.iter().any(|r| &r.id == d) {
            return Err(format!(
                "[threat_model] disabled_rules names `{d}`, which is no rule; see sef threat rules"
            ));
        }
    }
    all_rules.retain(|r| !cfg.disabled_rules.contains(&r.id));
    let tracking_path = format!("{}/{TRACKING_FILE}", cfg.dir.trim_end_matches('/'));
    let tracking = match read(root, &tracking_path)? {
        Some(t) => tracking::parse(&tracking_path, &t).map_err(|e| e.to_string())?,
        None => Tracking::default(),
    };
    let digest = sef_threat::load::digest(&files);
    Ok(Loaded {
        files,
        model,
        digest,
        rules: all_rules,
        rule_files: cfg.rules.clone(),
        tracking,
        tracking_path,
    })
}

/// The judgement settings from the plan and its team.
pub fn settings(plan: &Plan) -> judge::Settings {
    let cfg = config(plan);
    let team = plan.security.team.as_ref();
    let members_with = |roles: &[sef_process::education::TeamRole]| -> Vec<String> {
        team.map(|t| {
            t.members
                .iter()
                .filter(|m| m.roles.iter().any(|r| roles.contains(r)))
                .map(|m| m.id.clone())
                .collect()
        })
        .unwrap_or_default()
    };
    judge::Settings {
        high_from: cfg.high_from,
        review_max_age_days: cfg.review_max_days,
        architects: members_with(&[sef_process::education::TeamRole::Architect]),
        approvers: team.map(|t| members_with(t.triage_roles())),
        acceptance_max_days: plan.checkpoints.acceptance_max_days,
    }
}

/// What the rules found and the judgement on `today`.
pub struct Evaluated {
    /// What was read.
    pub loaded: Loaded,
    /// The risks.
    pub outcome: Outcome,
    /// The payload (without a diagram).
    pub payload: ThreatModelPayload,
    /// Unmitigated high risks.
    pub findings: Vec<Finding>,
}

/// Loads, applies the rules and judges as of `today`.
pub fn evaluate(root: &Path, plan: &Plan, today: NaiveDate) -> Result<Evaluated, String> {
    let loaded = load(root, plan)?;
    let cfg = config(plan);
    let outcome = risk::assess(&loaded.model, &loaded.rules, &cfg.matrix);
    let (payload, findings) = judge::judge(
        &judge::Input {
            model: &loaded.model,
            digest: &loaded.digest,
            outcome: &outcome,
            tracking: &loaded.tracking,
            rule_files: &loaded.rule_files,
        },
        &settings(plan),
        today,
    );
    Ok(Evaluated {
        loaded,
        outcome,
        payload,
        findings,
    })
}

/// The requirement ids the model's risks select (their countermeasures,
/// except for risks tracked as false positives), or nothing when there is
/// no model that loads.
pub fn selected_requirements(root: &Path, plan: &Plan) -> Vec<String> {
    if !applies(plan, root) {
        return Vec::new();
    }
    let Ok(loaded) = load(root, plan) else {
        return Vec::new();
    };
    let outcome = risk::assess(&loaded.model, &loaded.rules, &config(plan).matrix);
    let mut out: Vec<String> = outcome
        .risks
        .iter()
        .filter(|r| {
            loaded
                .tracking
                .risks
                .get(&r.id)
                .is_none_or(|e| e.status != tracking::Status::FalsePositive)
        })
        .flat_map(|r| r.countermeasures.iter().cloned())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The threat-model analyzer.
pub struct ThreatModelAnalyzer {
    today: NaiveDate,
}

impl ThreatModelAnalyzer {
    /// An analyzer judging the model as of `today`.
    pub fn new(today: NaiveDate) -> Self {
        ThreatModelAnalyzer { today }
    }
}

impl Analyzer for ThreatModelAnalyzer {
    fn id(&self) -> &'static str {
        ID
    }

    fn kind(&self) -> EvidenceKind {
        EvidenceKind::ThreatModel
    }

    fn tool(&self) -> ToolInfo {
        crate::sef_tool(ID)
    }

    fn run(
        &self,
        ctx: &AnalysisContext<'_>,
        _progress: &dyn Progress,
    ) -> Result<AnalyzerOutput, AnalyzerError> {
        let mut e = evaluate(ctx.root, ctx.plan, self.today).map_err(AnalyzerError)?;
        let mut notes = Vec::new();
        match draw(&e.loaded.model, config(ctx.plan).diagram) {
            Ok(Some(svg)) if svg.len() > MAX_DIAGRAM_BYTES => notes.push(format!(
                "the diagram ({} bytes) is larger than {MAX_DIAGRAM_BYTES} bytes and is not kept with the run; draw it with sef threat diagram",
                svg.len()
            )),
            Ok(svg) => e.payload.diagram_svg = svg,
            Err(err) => notes.push(format!("the diagram was not drawn: {err}")),
        }
        if !e.payload.stale_tracking.is_empty() {
            notes.push(format!(
                "{} tracking entr{} name no risk of the model: {}",
                e.payload.stale_tracking.len(),
                if e.payload.stale_tracking.len() == 1 {
                    "y"
                } else {
                    "ies"
                },
                e.payload.stale_tracking.join(", ")
            ));
        }
        let digest = sef_model::Digest::of_parts(
            e.loaded
                .files
                .iter()
                .flat_map(|(n, t)| [n.as_bytes(), t.as_bytes()]),
        );
        Ok(AnalyzerOutput {
            tool: crate::sef_tool(ID),
            input_digest: Some(digest),
            partial: None,
            payload: EvidencePayload::ThreatModel(Box::new(e.payload)),
            findings: e.findings,
            notes,
            artifacts: Vec::new(),
        })
    }
}
