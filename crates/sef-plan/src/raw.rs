//! The plan file as written (`Raw*` types, strict serde with spans) and its
//! validation into a [`Plan`].

use crate::VulnerabilitiesConfig;
use crate::error::line_col;
use crate::security::{
    RawChecklist, RawDocumentation, RawPti, RawRequirements, RawSections, RawTeam, SecurityPlan,
};
use crate::{
    AnalyzersConfig, InventoryConfig, Plan, PlanError, PlanSource, RepoFactsConfig, RiskAcceptance,
    UNVERSIONED,
};
use sef_model::{Offering, OfferingKind, Phase, Release};
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    offering: RawOffering,
    #[serde(default)]
    release: Option<RawRelease>,
    #[serde(default)]
    analyzers: RawAnalyzers,
    // The security plan's sections, inline (or under security/).
    #[serde(default)]
    pti: Option<Spanned<RawPti>>,
    #[serde(default)]
    checklist: Option<Spanned<RawChecklist>>,
    #[serde(default)]
    requirements: Option<Spanned<RawRequirements>>,
    #[serde(default)]
    documentation: Option<Spanned<RawDocumentation>>,
    #[serde(default)]
    team: Option<Spanned<RawTeam>>,
    #[serde(default)]
    checkpoints: Option<RawCheckpoints>,
    #[serde(default)]
    release_artifacts: Option<RawArtifacts>,
    #[serde(default)]
    incident_response: Option<RawIncidentResponse>,
    // Key performance objectives: KPI id = target.
    #[serde(default)]
    kpo: Option<std::collections::BTreeMap<String, Spanned<toml::Value>>>,
    #[serde(default)]
    risk_acceptances: Vec<Spanned<RawRiskAcceptance>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheckpoints {
    #[serde(default)]
    strict: Option<bool>,
    #[serde(default)]
    threat_model: Option<Spanned<String>>,
    #[serde(default)]
    disabled: Vec<Spanned<String>>,
    #[serde(default)]
    block_severity: Option<sef_model::Severity>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArtifacts {
    files: Vec<Spanned<String>>,
    public_keys: Vec<Spanned<String>>,
    #[serde(default)]
    checksums: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIncidentResponse {
    contact: Spanned<String>,
    process: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRiskAcceptance {
    id: Spanned<String>,
    #[serde(default)]
    package: Option<Spanned<String>>,
    justification: Spanned<String>,
    approver: Spanned<String>,
    expires: Spanned<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffering {
    name: Spanned<String>,
    #[serde(default)]
    owner_team: Option<Spanned<String>>,
    #[serde(default)]
    kind: Option<OfferingKind>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelease {
    #[serde(default)]
    version: Option<Spanned<String>>,
    #[serde(default)]
    phase: Option<Phase>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAnalyzers {
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
    history: Option<crate::analyzers::RawHistory>,
    #[serde(default)]
    secrets: Option<Spanned<crate::analyzers::RawSecrets>>,
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

/// One plan file being validated: its path (for errors), the name shown
/// in warnings (relative to the repository) and its text.
pub(crate) struct Ctx<'a> {
    pub(crate) path: &'a Path,
    pub(crate) display: String,
    pub(crate) text: &'a str,
}

impl Ctx<'_> {
    /// The 1-based line of a byte offset.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        line_col(self.text.as_bytes(), offset).0
    }

    /// A TOML syntax or schema error, located.
    pub(crate) fn toml_err(&self, e: &toml::de::Error) -> PlanError {
        let offset = e.span().map_or(0, |s| s.start);
        self.err_at(offset, e.message().trim().to_owned())
    }

    pub(crate) fn err_at(&self, offset: usize, message: impl Into<String>) -> PlanError {
        let (line, column) = line_col(self.text.as_bytes(), offset);
        PlanError::Invalid {
            path: self.path.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }

    /// A size limit in bytes: 1 byte to 1 GiB.
    fn byte_limit(&self, v: Spanned<i64>, key: &str) -> Result<u64, PlanError> {
        const MAX: i64 = 1 << 30;
        let start = v.span().start;
        let v = v.into_inner();
        if !(1..=MAX).contains(&v) {
            return Err(self.err_at(
                start,
                format!("`{key}` must be between 1 and {MAX}, got {v}"),
            ));
        }
        Ok(v.unsigned_abs())
    }

    /// A short identifier-like text: non-empty, bounded, no control characters.
    pub(crate) fn text_field(
        &self,
        v: Spanned<String>,
        key: &str,
        max: usize,
    ) -> Result<String, PlanError> {
        let start = v.span().start;
        let s = v.into_inner();
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err(self.err_at(start, format!("`{key}` must not be empty")));
        }
        if trimmed.chars().count() > max {
            return Err(self.err_at(start, format!("`{key}` is longer than {max} characters")));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(self.err_at(
                start,
                format!("`{key}` must not contain control characters"),
            ));
        }
        Ok(trimmed.to_owned())
    }
}

pub(crate) fn parse(path: &Path, text: &str) -> Result<Plan, PlanError> {
    let display = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let ctx = Ctx {
        path,
        display,
        text,
    };
    let raw: RawPlan = toml::from_str(text).map_err(|e| ctx.toml_err(&e))?;

    let offering = Offering {
        name: ctx.text_field(raw.offering.name, "offering.name", 128)?,
        owner_team: raw
            .offering
            .owner_team
            .map(|t| ctx.text_field(t, "offering.owner_team", 128))
            .transpose()?,
        kind: raw.offering.kind.unwrap_or(OfferingKind::Product),
    };

    let (version, phase) = match raw.release {
        Some(r) => (
            r.version
                .map(|v| ctx.text_field(v, "release.version", 64))
                .transpose()?,
            r.phase,
        ),
        None => (None, None),
    };
    let release = Release {
        version: version.unwrap_or_else(|| UNVERSIONED.to_owned()),
        phase: phase.unwrap_or(Phase::Develop),
    };

    let mut repo_facts = RepoFactsConfig::default();
    if let Some(rf) = raw.analyzers.repo_facts {
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

    let mut inventory = InventoryConfig::default();
    if let Some(inv) = raw.analyzers.inventory {
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
    }

    let mut vulnerabilities = VulnerabilitiesConfig::default();
    if let Some(v) = raw.analyzers.vulnerabilities {
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

    let mut sarif = Vec::new();
    for src in raw.analyzers.sarif {
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
        sarif.push(crate::SarifSource {
            name,
            file,
            command,
            timeout_secs,
        });
    }
    let junit = match raw.analyzers.junit {
        None => None,
        Some(j) => {
            let mut files = Vec::new();
            for f in j.files {
                let at = f.span().start;
                let f = ctx.text_field(f, "analyzers.junit.files", 1024)?;
                if std::path::Path::new(&f).is_absolute() || f.split(['/', '\\']).any(|c| c == "..")
                {
                    return Err(ctx.err_at(at, "`analyzers.junit.files` are paths inside the repository (relative, without `..`)"));
                }
                files.push(f);
            }
            let security_pattern = match j.security_pattern {
                None => crate::DEFAULT_SECURITY_TEST_PATTERN.to_owned(),
                Some(p) => {
                    let at = p.span().start;
                    let p = p.into_inner();
                    if let Err(e) = regex::RegexBuilder::new(&p).size_limit(1 << 20).build() {
                        return Err(ctx.err_at(at, format!("`analyzers.junit.security_pattern` is not a valid regular expression: {e}")));
                    }
                    p
                }
            };
            Some(crate::JunitConfig {
                files,
                security_pattern,
            })
        }
    };
    let secrets = crate::analyzers::secrets_config(&ctx, raw.analyzers.secrets)?;
    let history = match raw.analyzers.history {
        None => None,
        Some(h) => Some(crate::analyzers::history_config(&ctx, h)?),
    };
    let pending_sections = Vec::new();
    let mut kpo = Vec::new();
    for (id, value) in raw.kpo.unwrap_or_default() {
        let at = value.span().start;
        let Some(def) = sef_process::kpi::get(&id) else {
            return Err(ctx.err_at(
                at,
                format!(
                    "`{id}` is not a KPI; the KPIs are: {}",
                    sef_process::kpi::KPIS
                        .iter()
                        .map(|k| k.id)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        let target = match value.into_inner() {
            toml::Value::Integer(n) => {
                #[allow(clippy::cast_precision_loss)]
                let v = n as f64;
                sef_process::kpi::kpo::numeric_target(def, v)
            }
            toml::Value::Float(v) => sef_process::kpi::kpo::numeric_target(def, v),
            toml::Value::String(s) if def.unit == sef_process::kpi::Unit::Comparison => {
                sef_process::kpi::kpo::parse_comparison(s.trim())
                    .map(sef_process::kpi::kpo::Target::Comparison)
                    .ok_or_else(|| {
                        format!("the objective for `{id}` is \"higher\", \"consistent\" or \"lower\", got {s:?}")
                    })
            }
            other => Err(format!(
                "the objective for `{id}` must be a number{}, got {}",
                if def.unit == sef_process::kpi::Unit::Comparison {
                    " (or, for a comparison, \"higher\", \"consistent\" or \"lower\")"
                } else {
                    ""
                },
                other.type_str()
            )),
        }
        .map_err(|m| ctx.err_at(at, m))?;
        kpo.push(sef_process::kpi::kpo::Objective {
            kpi: id,
            target,
            origin: Some(sef_process::Origin {
                file: ctx.display.clone(),
                line: ctx.line_of(at),
            }),
        });
    }
    let mut security = SecurityPlan::default();
    crate::security::merge(
        &ctx,
        RawSections {
            pti: raw.pti,
            checklist: raw.checklist,
            requirements: raw.requirements,
            documentation: raw.documentation,
            team: raw.team,
        },
        &mut security,
        &|_| String::new(),
    )?;

    let mut risk_acceptances = Vec::new();
    for entry in raw.risk_acceptances {
        let (line, _) = line_col(text.as_bytes(), entry.span().start);
        let r = entry.into_inner();
        let expires_at = r.expires.span().start;
        let expires = ctx.date(r.expires, "expires").map_err(|_| {
            ctx.err_at(
                expires_at,
                "`risk_acceptances.expires` must be a date, e.g. expires = 2027-03-31",
            )
        })?;
        risk_acceptances.push(RiskAcceptance {
            id: ctx.text_field(r.id, "risk_acceptances.id", 128)?,
            package: r
                .package
                .map(|p| ctx.text_field(p, "risk_acceptances.package", 256))
                .transpose()?,
            justification: ctx.text_field(
                r.justification,
                "risk_acceptances.justification",
                2000,
            )?,
            approver: ctx.text_field(r.approver, "risk_acceptances.approver", 256)?,
            expires,
            line,
        });
    }

    let mut checkpoints = crate::CheckpointsConfig::default();
    if let Some(c) = raw.checkpoints {
        checkpoints.strict = c.strict.unwrap_or(false);
        checkpoints.threat_model = c
            .threat_model
            .map(|t| ctx.text_field(t, "checkpoints.threat_model", 1024))
            .transpose()?;
        if let Some(s) = c.block_severity {
            checkpoints.block_severity = s;
        }
        for d in c.disabled {
            let at = d.span().start;
            let id = d.into_inner();
            if sef_process::checkpoint::get(&id).is_none() {
                return Err(ctx.err_at(
                    at,
                    format!(
                        "`{id}` is not a gate criterion; the criteria are: {}",
                        sef_process::checkpoint::CRITERIA
                            .iter()
                            .map(|c| c.id)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            checkpoints.disabled.push(id);
        }
    }
    let incident_response = raw
        .incident_response
        .map(|ir| -> Result<crate::IncidentResponseConfig, PlanError> {
            Ok(crate::IncidentResponseConfig {
                contact: ctx.text_field(ir.contact, "incident_response.contact", 256)?,
                process: ctx.text_field(ir.process, "incident_response.process", 1024)?,
            })
        })
        .transpose()?;

    let release_artifacts = match raw.release_artifacts {
        None => None,
        Some(a) => {
            let inside = |v: Spanned<String>, key: &str| -> Result<String, PlanError> {
                let at = v.span().start;
                let s = ctx.text_field(v, key, 1024)?;
                if std::path::Path::new(&s).is_absolute() || s.split(['/', '\\']).any(|c| c == "..")
                {
                    return Err(ctx.err_at(at, format!("`{key}` is a path (or glob) inside the repository, relative, without `..`")));
                }
                Ok(s)
            };
            let mut files = Vec::new();
            for f in a.files {
                let at = f.span().start;
                let f = inside(f, "release_artifacts.files")?;
                if let Err(e) = globset::Glob::new(&f) {
                    return Err(ctx.err_at(
                        at,
                        format!("`release_artifacts.files`: `{f}` is not a valid glob: {e}"),
                    ));
                }
                files.push(f);
            }
            if files.is_empty() {
                return Err(ctx.err_at(0, "`release_artifacts.files` lists no artefact"));
            }
            let mut public_keys = Vec::new();
            for k in a.public_keys {
                public_keys.push(inside(k, "release_artifacts.public_keys")?);
            }
            if public_keys.is_empty() {
                return Err(ctx.err_at(0, "`release_artifacts.public_keys` lists no key: name the team's minisign public keys"));
            }
            let checksums = a
                .checksums
                .map(|c| inside(c, "release_artifacts.checksums"))
                .transpose()?;
            Some(crate::ReleaseArtifacts {
                files,
                public_keys,
                checksums,
            })
        }
    };

    Ok(Plan {
        release_artifacts,
        checkpoints,
        incident_response,
        offering,
        release,
        analyzers: AnalyzersConfig {
            repo_facts,
            inventory,
            vulnerabilities,
            sarif,
            junit,
            history,
            secrets,
        },
        risk_acceptances,
        source: PlanSource::Defaults,
        pending_sections,
        security,
        security_files: Vec::new(),
        kpo,
    })
}
