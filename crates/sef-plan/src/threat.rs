//! `[threat_model]`: where the threat model lives, the plan's own rule
//! files and disabled rules, the risk matrix, the severity from which
//! risks must be tracked, how recent a review must be, and how the
//! diagram is drawn (docs/threat-model.md).

use crate::ctx::Ctx;
use crate::error::PlanError;
use serde::Deserialize;
use toml::Spanned;

/// Where the threat model lives when `[threat_model] dir` does not say.
pub const DEFAULT_THREAT_MODEL_DIR: &str = "security/threat-model";

/// How recent a review must be when `[threat_model] review_max_days` does
/// not say.
pub const DEFAULT_THREAT_REVIEW_MAX_DAYS: u32 = 365;

/// How the data-flow diagram is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagramEngine {
    /// Graphviz `dot` when installed, else the built-in layout.
    Auto,
    /// Graphviz `dot` only (an error when it is missing).
    Dot,
    /// The built-in layout.
    Builtin,
    /// No diagram.
    None,
}

impl DiagramEngine {
    /// Parses the written form.
    pub fn parse(s: &str) -> Option<DiagramEngine> {
        Some(match s {
            "auto" => DiagramEngine::Auto,
            "dot" => DiagramEngine::Dot,
            "builtin" => DiagramEngine::Builtin,
            "none" => DiagramEngine::None,
            _ => return None,
        })
    }
}

/// `[threat_model]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreatModelConfig {
    /// The model folder, relative to the repository.
    pub dir: String,
    /// The plan's own rule files, relative to the repository.
    pub rules: Vec<String>,
    /// Built-in (or own) rule ids not applied.
    pub disabled_rules: Vec<String>,
    /// A review counts for at most this many days.
    pub review_max_days: u32,
    /// Risks at or above this must be tracked and handled.
    pub high_from: sef_model::Severity,
    /// The risk matrix: rows impact low..very-high, columns likelihood
    /// unlikely..very-likely.
    pub matrix: sef_threat::Matrix,
    /// How the diagram is drawn.
    pub diagram: DiagramEngine,
}

impl Default for ThreatModelConfig {
    fn default() -> ThreatModelConfig {
        ThreatModelConfig {
            dir: DEFAULT_THREAT_MODEL_DIR.to_owned(),
            rules: Vec::new(),
            disabled_rules: Vec::new(),
            review_max_days: DEFAULT_THREAT_REVIEW_MAX_DAYS,
            high_from: sef_model::Severity::High,
            matrix: sef_threat::Matrix::default(),
            diagram: DiagramEngine::Auto,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawThreatModel {
    #[serde(default)]
    dir: Option<Spanned<String>>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    disabled_rules: Vec<Spanned<String>>,
    #[serde(default)]
    review_max_days: Option<Spanned<i64>>,
    #[serde(default)]
    high_from: Option<Spanned<String>>,
    #[serde(default)]
    matrix: Option<Spanned<Vec<Vec<String>>>>,
    #[serde(default)]
    diagram: Option<Spanned<String>>,
}

pub(crate) fn threat_model(
    ctx: &Ctx<'_>,
    raw: Option<RawThreatModel>,
) -> Result<Option<ThreatModelConfig>, PlanError> {
    let Some(r) = raw else { return Ok(None) };
    let mut c = ThreatModelConfig::default();
    if let Some(d) = r.dir {
        c.dir = ctx.text_field(d, "threat_model.dir", 1024)?;
    }
    for f in r.rules {
        c.rules.push(ctx.text_field(f, "threat_model.rules", 1024)?);
    }
    for id in r.disabled_rules {
        c.disabled_rules
            .push(ctx.text_field(id, "threat_model.disabled_rules", 128)?);
    }
    if let Some(v) = r.review_max_days {
        let start = v.span().start;
        let n = v.into_inner();
        c.review_max_days = u32::try_from(n)
            .ok()
            .filter(|d| (1..=3660).contains(d))
            .ok_or_else(|| {
                ctx.err_at(
                    start,
                    format!("`threat_model.review_max_days` must be between 1 and 3660, got {n}"),
                )
            })?;
    }
    if let Some(v) = r.high_from {
        let start = v.span().start;
        c.high_from = sef_model::Severity::parse(v.get_ref().trim())
            .filter(|s| !matches!(s, sef_model::Severity::Unknown | sef_model::Severity::Info))
            .ok_or_else(|| {
                ctx.err_at(
                    start,
                    format!(
                        "`threat_model.high_from` is low, medium, high or critical, not `{}`",
                        v.get_ref().escape_debug()
                    ),
                )
            })?;
    }
    if let Some(m) = r.matrix {
        let start = m.span().start;
        c.matrix = sef_threat::Matrix::parse(m.get_ref())
            .map_err(|why| ctx.err_at(start, format!("`threat_model.matrix`: {why}")))?;
    }
    if let Some(d) = r.diagram {
        let start = d.span().start;
        c.diagram = DiagramEngine::parse(d.get_ref().trim()).ok_or_else(|| {
            ctx.err_at(
                start,
                format!(
                    "`threat_model.diagram` is auto, dot, builtin or none, not `{}`",
                    d.get_ref().escape_debug()
                ),
            )
        })?;
    }
    Ok(Some(c))
}
