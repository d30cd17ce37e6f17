//! `[analyzers.history]` and `[analyzers.secrets]`: the git-history and
//! secret-detection settings, read and checked with their line.

use crate::PlanError;
use crate::raw::Ctx;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSecrets {
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    config: Option<String>,
    #[serde(default)]
    baseline: Option<String>,
    #[serde(default)]
    history: Option<bool>,
    #[serde(default)]
    max_file_bytes: Option<i64>,
    #[serde(default)]
    severity: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHistory {
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    since: Option<String>,
    #[serde(default)]
    until: Option<String>,
    #[serde(default)]
    vendored: Option<Vec<String>>,
    #[serde(default)]
    components: std::collections::BTreeMap<String, Vec<String>>,
    #[serde(default)]
    max_commits: Option<Spanned<i64>>,
    #[serde(default)]
    allowed_signers: Option<String>,
    #[serde(default)]
    gpg: Option<bool>,
    #[serde(default)]
    gpg_home: Option<String>,
    #[serde(default)]
    forge: Option<Spanned<RawForge>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForge {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    base_url: Option<String>,
    repository: String,
    #[serde(default)]
    token_env: Option<String>,
    #[serde(default)]
    cache: Option<String>,
    #[serde(default)]
    max_retries: Option<u32>,
    #[serde(default)]
    max_wait_secs: Option<u64>,
}

pub(crate) fn secrets_config(
    ctx: &Ctx<'_>,
    raw: Option<Spanned<RawSecrets>>,
) -> Result<crate::SecretsConfig, PlanError> {
    Ok(match raw {
        None => crate::SecretsConfig::default(),
        Some(s) => {
            let at = s.span().start;
            let s = s.into_inner();
            let d = crate::SecretsConfig::default();
            let severity = match s.severity.as_deref() {
                None => d.severity,
                Some(v) => sef_model::Severity::parse(v).ok_or_else(|| {
                    ctx.err_at(at, format!("`analyzers.secrets.severity` `{v}` is not one of info, low, medium, high, critical"))
                })?,
            };
            let max_file_bytes = match s.max_file_bytes {
                None => d.max_file_bytes,
                Some(v) => u64::try_from(v).ok().filter(|v| (1..=1 << 32).contains(v)).ok_or_else(|| {
                    ctx.err_at(at, format!("`analyzers.secrets.max_file_bytes` must be between 1 and 4294967296, got {v}"))
                })?,
            };
            crate::SecretsConfig {
                enabled: s.enabled.unwrap_or(true),
                config: s.config,
                baseline: s.baseline.unwrap_or(d.baseline),
                history: s.history.unwrap_or(false),
                max_file_bytes,
                severity,
            }
        }
    })
}

pub(crate) fn history_config(
    ctx: &Ctx<'_>,
    h: RawHistory,
) -> Result<crate::HistoryConfig, PlanError> {
    let mut c = crate::HistoryConfig {
        enabled: h.enabled.unwrap_or(true),
        since: h.since,
        until: h.until,
        allowed_signers: h.allowed_signers,
        gpg: h.gpg.unwrap_or(true),
        gpg_home: h.gpg_home,
        components: h.components.into_iter().collect(),
        ..crate::HistoryConfig::default()
    };
    if let Some(v) = h.vendored {
        c.vendored = v;
    }
    if let Some(m) = h.max_commits {
        let at = m.span().start;
        let v = m.into_inner();
        c.max_commits = usize::try_from(v)
            .ok()
            .filter(|n| (1..=10_000_000).contains(n))
            .ok_or_else(|| {
                ctx.err_at(
                    at,
                    format!(
                        "`analyzers.history.max_commits` must be between 1 and 10000000, got {v}"
                    ),
                )
            })?;
    }
    if let Some(f) = h.forge {
        let at = f.span().start;
        let f = f.into_inner();
        if let Some(k) = f.kind.as_deref().filter(|k| *k != "github") {
            return Err(ctx.err_at(
                at,
                format!("`analyzers.history.forge.kind` `{k}` is not supported; sef reads `github` (GitHub.com, GitHub Enterprise and mirrors of its REST API)"),
            ));
        }
        let parts: Vec<&str> = f.repository.split('/').collect();
        if parts.len() != 2 || parts.iter().any(|p| p.is_empty()) {
            return Err(ctx.err_at(
                at,
                format!(
                    "`analyzers.history.forge.repository` must be `owner/name`, got `{}`",
                    f.repository
                ),
            ));
        }
        c.forge = Some(crate::ForgeConfig {
            base_url: f
                .base_url
                .unwrap_or_else(|| "https://api.github.com".into()),
            repository: f.repository,
            token_env: f.token_env.unwrap_or_else(|| "GITHUB_TOKEN".into()),
            cache: f.cache,
            max_retries: f.max_retries.unwrap_or(3).min(10),
            max_wait_secs: f.max_wait_secs.unwrap_or(60),
        });
    }
    Ok(c)
}
