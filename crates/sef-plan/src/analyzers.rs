//! `[analyzers.history]` and `[analyzers.secrets]`: the git-history and
//! secret-detection settings, read and checked with their line.

use crate::ctx::Ctx;
use crate::{AnalyzersConfig, InventoryConfig, PlanError, RepoFactsConfig, VulnerabilitiesConfig};
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
        let kind = match f.kind.as_deref() {
            None | Some("github") => crate::ForgeApi::GitHub,
            Some("gitlab") => crate::ForgeApi::GitLab,
            Some(k) => {
                return Err(ctx.err_at(
                    at,
                    format!("`analyzers.history.forge.kind` `{k}` is not supported; sef reads `github` (GitHub.com, GitHub Enterprise and mirrors of its REST API) and `gitlab` (GitLab.com and self-managed GitLab, REST API v4)"),
                ));
            }
        };
        let parts: Vec<&str> = f.repository.split('/').collect();
        let shape_ok = match kind {
            crate::ForgeApi::GitHub => parts.len() == 2,
            crate::ForgeApi::GitLab => parts.len() >= 2,
        };
        if !shape_ok || parts.iter().any(|p| p.is_empty()) {
            return Err(ctx.err_at(
                at,
                format!(
                    "`analyzers.history.forge.repository` must be `{}`, got `{}`",
                    match kind {
                        crate::ForgeApi::GitHub => "owner/name",
                        crate::ForgeApi::GitLab => "group/name (subgroups allowed)",
                    },
                    f.repository
                ),
            ));
        }
        let (base, token_env) = match kind {
            crate::ForgeApi::GitHub => ("https://api.github.com", "GITHUB_TOKEN"),
            crate::ForgeApi::GitLab => ("https://gitlab.com/api/v4", "GITLAB_TOKEN"),
        };
        c.forge = Some(crate::ForgeConfig {
            kind,
            base_url: f.base_url.unwrap_or_else(|| base.into()),
            repository: f.repository,
            token_env: f.token_env.unwrap_or_else(|| token_env.into()),
            cache: f.cache,
            max_retries: f.max_retries.unwrap_or(3).min(10),
            max_wait_secs: f.max_wait_secs.unwrap_or(60),
        });
    }
    Ok(c)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAnalyzers {
    #[serde(default, rename = "repo-facts")]
    repo_facts: Option<RawRepoFacts>,
    #[serde(default)]
    inventory: Option<RawInventory>,
    #[serde(default)]
    vulnerabilities: Option<RawVulnerabilities>,
    #[serde(default)]
    sarif: Vec<Spanned<RawSarifSource>>,
    #[serde(default)]
    junit: Option<RawJunit>,
    #[serde(default)]
    history: Option<RawHistory>,
    #[serde(default)]
    secrets: Option<Spanned<RawSecrets>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJunit {
    files: Vec<Spanned<String>>,
    #[serde(default)]
    security_pattern: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSarifSource {
    name: Spanned<String>,
    file: Spanned<String>,
    #[serde(default)]
    command: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    timeout_secs: Option<Spanned<i64>>,
    #[serde(default)]
    ok_exit_codes: Option<Spanned<Vec<i64>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVulnerabilities {
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    max_age_days: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInventory {
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    scan_vendored: Option<bool>,
    #[serde(default)]
    include_ignored: Option<bool>,
    #[serde(default)]
    max_file_bytes: Option<Spanned<i64>>,
    #[serde(default)]
    exclude: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRepoFacts {
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    max_file_bytes: Option<Spanned<i64>>,
    #[serde(default)]
    include_ignored: Option<bool>,
}

/// `[analyzers]`: every analyzer's section, validated.
pub(crate) fn analyzers(ctx: &Ctx<'_>, raw: RawAnalyzers) -> Result<AnalyzersConfig, PlanError> {
    Ok(AnalyzersConfig {
        repo_facts: repo_facts(ctx, raw.repo_facts)?,
        inventory: inventory(ctx, raw.inventory)?,
        vulnerabilities: vulnerabilities(ctx, raw.vulnerabilities)?,
        sarif: sarif(ctx, raw.sarif)?,
        junit: raw.junit.map(|j| junit(ctx, j)).transpose()?,
        history: raw.history.map(|h| history_config(ctx, h)).transpose()?,
        secrets: secrets_config(ctx, raw.secrets)?,
    })
}

/// `[analyzers.repo-facts]`.
fn repo_facts(ctx: &Ctx<'_>, raw: Option<RawRepoFacts>) -> Result<RepoFactsConfig, PlanError> {
    let mut repo_facts = RepoFactsConfig::default();
    if let Some(rf) = raw {
        if let Some(e) = rf.enabled {
            repo_facts.enabled = e;
        }
        if let Some(m) = rf.max_file_bytes {
            let start = m.span().start;
            let v = m.into_inner();
            const MAX: i64 = 1 << 30;
            if !(1..=MAX).contains(&v) {
                return Err(ctx.err_at(
                    start,
                    format!(
                        "`analyzers.repo-facts.max_file_bytes` must be between 1 and {MAX}, got {v}"
                    ),
                ));
            }
            repo_facts.max_file_bytes = v.unsigned_abs();
        }
        if let Some(i) = rf.include_ignored {
            repo_facts.include_ignored = i;
        }
    }

    Ok(repo_facts)
}

/// `[analyzers.inventory]`.
fn inventory(ctx: &Ctx<'_>, raw: Option<RawInventory>) -> Result<InventoryConfig, PlanError> {
    let mut inventory = InventoryConfig::default();
    if let Some(inv) = raw {
        if let Some(e) = inv.enabled {
            inventory.enabled = e;
        }
        if let Some(v) = inv.scan_vendored {
            inventory.scan_vendored = v;
        }
        if let Some(i) = inv.include_ignored {
            inventory.include_ignored = i;
        }
        if let Some(m) = inv.max_file_bytes {
            inventory.max_file_bytes = ctx.byte_limit(m, "analyzers.inventory.max_file_bytes")?;
        }
        if let Some(list) = inv.exclude {
            let mut b = ignore::gitignore::GitignoreBuilder::new("");
            inventory.exclude = Vec::with_capacity(list.len());
            for p in list {
                let start = p.span().start;
                let p = p.into_inner();
                if p.trim().is_empty() || p.starts_with('!') {
                    return Err(ctx.err_at(
                        start,
                        format!("`analyzers.inventory.exclude`: {p:?} is not a path pattern; write one like \"examples/\" or \"tools/*/fixtures/\""),
                    ));
                }
                if let Err(e) = b.add_line(None, &p) {
                    return Err(ctx.err_at(
                        start,
                        format!("`analyzers.inventory.exclude`: {p:?} is not a valid .gitignore pattern: {e}"),
                    ));
                }
                inventory.exclude.push(p);
            }
        }
    }

    Ok(inventory)
}

/// `[analyzers.vulnerabilities]`.
fn vulnerabilities(
    ctx: &Ctx<'_>,
    raw: Option<RawVulnerabilities>,
) -> Result<VulnerabilitiesConfig, PlanError> {
    let mut vulnerabilities = VulnerabilitiesConfig::default();
    if let Some(v) = raw {
        if let Some(e) = v.enabled {
            vulnerabilities.enabled = e;
        }
        if let Some(d) = v.max_age_days {
            let start = d.span().start;
            let days = d.into_inner();
            if !(1..=3650).contains(&days) {
                return Err(ctx.err_at(start, format!("`analyzers.vulnerabilities.max_age_days` must be between 1 and 3650, got {days}")));
            }
            vulnerabilities.max_age_days = u32::try_from(days).unwrap_or(7);
        }
    }

    Ok(vulnerabilities)
}

/// `[[analyzers.sarif]]`: names unique, files inside the repository,
/// commands non-empty, timeouts bounded.
fn sarif(
    ctx: &Ctx<'_>,
    raw: Vec<Spanned<RawSarifSource>>,
) -> Result<Vec<crate::SarifSource>, PlanError> {
    let mut sarif = Vec::new();
    for src in raw {
        let at = src.span().start;
        let src = src.into_inner();
        let name = ctx.text_field(src.name, "analyzers.sarif.name", 64)?;
        if sarif.iter().any(|s: &crate::SarifSource| s.name == name) {
            return Err(ctx.err_at(at, format!("two [[analyzers.sarif]] are named `{name}`")));
        }
        let file_at = src.file.span().start;
        let file = ctx.text_field(src.file, "analyzers.sarif.file", 1024)?;
        if std::path::Path::new(&file).is_absolute() || file.split(['/', '\\']).any(|c| c == "..") {
            return Err(ctx.err_at(
                file_at,
                "`analyzers.sarif.file` is a path inside the repository (relative, without `..`)",
            ));
        }
        let command = match src.command {
            None => None,
            Some(c) => {
                let at = c.span().start;
                let c = c.into_inner();
                if c.is_empty() || c[0].trim().is_empty() {
                    return Err(ctx.err_at(at, "`analyzers.sarif.command` is the program and its arguments, e.g. [\"semgrep\", \"scan\", \"--sarif\", \"--output\", \"semgrep.sarif\"]"));
                }
                Some(c)
            }
        };
        let timeout_secs = match src.timeout_secs {
            None => 600,
            Some(t) => {
                let at = t.span().start;
                let v = t.into_inner();
                if !(1..=86_400).contains(&v) {
                    return Err(ctx.err_at(
                        at,
                        format!(
                            "`analyzers.sarif.timeout_secs` must be between 1 and 86400, got {v}"
                        ),
                    ));
                }
                v.unsigned_abs()
            }
        };
        let ok_exit_codes = match src.ok_exit_codes {
            None => vec![0],
            Some(c) => {
                let at = c.span().start;
                let codes = c.into_inner();
                if command.is_none() {
                    return Err(ctx.err_at(
                        at,
                        "`analyzers.sarif.ok_exit_codes` needs a `command` whose exit codes it names",
                    ));
                }
                if codes.is_empty() || codes.iter().any(|c| !(0..=255).contains(c)) {
                    return Err(ctx.err_at(
                        at,
                        "`analyzers.sarif.ok_exit_codes` lists exit codes from 0 to 255 that mean the tool ran to the end, e.g. [0, 1] for a tool that exits 1 when it finds something",
                    ));
                }
                codes.into_iter().map(|c| c as i32).collect()
            }
        };
        sarif.push(crate::SarifSource {
            name,
            file,
            command,
            timeout_secs,
            ok_exit_codes,
        });
    }
    Ok(sarif)
}

/// `[analyzers.junit]`: files inside the repository, a valid pattern.
fn junit(ctx: &Ctx<'_>, j: RawJunit) -> Result<crate::JunitConfig, PlanError> {
    let mut files = Vec::new();
    for f in j.files {
        let at = f.span().start;
        let f = ctx.text_field(f, "analyzers.junit.files", 1024)?;
        if std::path::Path::new(&f).is_absolute() || f.split(['/', '\\']).any(|c| c == "..") {
            return Err(ctx.err_at(
                at,
                "`analyzers.junit.files` are paths inside the repository (relative, without `..`)",
            ));
        }
        files.push(f);
    }
    let security_pattern = match j.security_pattern {
        None => crate::DEFAULT_SECURITY_TEST_PATTERN.to_owned(),
        Some(p) => {
            let at = p.span().start;
            let p = p.into_inner();
            if let Err(e) = regex::RegexBuilder::new(&p).size_limit(1 << 20).build() {
                return Err(ctx.err_at(
                    at,
                    format!(
                        "`analyzers.junit.security_pattern` is not a valid regular expression: {e}"
                    ),
                ));
            }
            p
        }
    };
    Ok(crate::JunitConfig {
        files,
        security_pattern,
    })
}
