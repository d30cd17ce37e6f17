//! The plan's top-level sections other than the analyzers and the
//! security plan: `[offering]`, `[release]`, `[kpo]`,
//! `[[risk_acceptances]]`, `[checkpoints]`, `[incident_response]` and
//! `[release_artifacts]`. One validator per section, from its `Raw*` form
//! (strict serde, with spans) to the typed value, errors located by `Ctx`.

use crate::ctx::Ctx;
use crate::error::line_col;
use crate::{PlanError, RiskAcceptance, UNVERSIONED};
use sef_model::{Offering, OfferingKind, Phase, Release};
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCheckpoints {
    #[serde(default)]
    strict: Option<Spanned<bool>>,
    #[serde(default)]
    threat_model: Option<Spanned<String>>,
    #[serde(default)]
    disabled: Vec<Spanned<String>>,
    #[serde(default)]
    block_severity: Option<Spanned<sef_model::Severity>>,
    #[serde(default)]
    dev_block_severity: Option<Spanned<sef_model::Severity>>,
    #[serde(default)]
    unknown_severity: Option<Spanned<sef_model::Severity>>,
    #[serde(default)]
    max_unknown_percent: Option<Spanned<i64>>,
    #[serde(default)]
    acceptance_max_days: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawArtifacts {
    files: Vec<Spanned<String>>,
    public_keys: Vec<Spanned<String>>,
    #[serde(default)]
    checksums: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawIncidentResponse {
    contact: Spanned<String>,
    process: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawResilience {
    #[serde(default)]
    scope: Vec<Spanned<String>>,
    #[serde(default)]
    records: Option<Spanned<String>>,
    #[serde(default)]
    max_age_days: Option<Spanned<i64>>,
    #[serde(default)]
    retest_severity: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRiskAcceptance {
    #[serde(default)]
    id: Option<Spanned<String>>,
    #[serde(default)]
    package: Option<Spanned<String>>,
    justification: Spanned<String>,
    approver: Spanned<String>,
    expires: Spanned<toml::Value>,
    #[serde(default)]
    signature: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOffering {
    name: Spanned<String>,
    #[serde(default)]
    owner_team: Option<Spanned<String>>,
    #[serde(default)]
    kind: Option<OfferingKind>,
    #[serde(default)]
    business_unit: Option<Spanned<String>>,
    #[serde(default)]
    peer_group: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRelease {
    #[serde(default)]
    version: Option<Spanned<String>>,
    #[serde(default)]
    phase: Option<Phase>,
}

/// `[offering]`.
pub(crate) fn offering(ctx: &Ctx<'_>, raw: RawOffering) -> Result<Offering, PlanError> {
    Ok(Offering {
        name: ctx.text_field(raw.name, "offering.name", 128)?,
        owner_team: raw
            .owner_team
            .map(|t| ctx.text_field(t, "offering.owner_team", 128))
            .transpose()?,
        kind: raw.kind.unwrap_or(OfferingKind::Product),
        business_unit: raw
            .business_unit
            .map(|t| ctx.text_field(t, "offering.business_unit", 128))
            .transpose()?,
        peer_group: raw
            .peer_group
            .map(|t| ctx.text_field(t, "offering.peer_group", 128))
            .transpose()?,
    })
}

/// `[release]`: the version (default: unversioned) and phase (default: develop).
pub(crate) fn release(ctx: &Ctx<'_>, raw: Option<RawRelease>) -> Result<Release, PlanError> {
    let (version, phase) = match raw {
        Some(r) => (
            r.version
                .map(|v| ctx.text_field(v, "release.version", 64))
                .transpose()?,
            r.phase,
        ),
        None => (None, None),
    };
    Ok(Release {
        version_source: if version.is_some() {
            sef_model::VersionSource::Plan
        } else {
            sef_model::VersionSource::None
        },
        version: version.unwrap_or_else(|| UNVERSIONED.to_owned()),
        phase: phase.unwrap_or(Phase::Develop),
    })
}

/// `[kpo]`: one objective per KPI id, checked against the KPI's unit.
pub(crate) fn kpo(
    ctx: &Ctx<'_>,
    raw: Vec<(String, Spanned<toml::Value>)>,
) -> Result<Vec<sef_process::kpi::kpo::Objective>, PlanError> {
    let mut kpo = Vec::new();
    for (id, value) in raw {
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
                sef_process::kpi::kpo::numeric_target(def, v).map_err(|e| e.to_string())
            }
            toml::Value::Float(v) => {
                sef_process::kpi::kpo::numeric_target(def, v).map_err(|e| e.to_string())
            }
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
    Ok(kpo)
}

/// `[[risk_acceptances]]`.
pub(crate) fn risk_acceptances(
    ctx: &Ctx<'_>,
    raw: Vec<Spanned<RawRiskAcceptance>>,
) -> Result<Vec<RiskAcceptance>, PlanError> {
    let mut risk_acceptances = Vec::new();
    for entry in raw {
        let (line, _) = line_col(ctx.text.as_bytes(), entry.span().start);
        let r = entry.into_inner();
        let expires_at = r.expires.span().start;
        let expires = ctx.date(r.expires, "expires").map_err(|_| {
            ctx.err_at(
                expires_at,
                "`risk_acceptances.expires` must be a date, e.g. expires = 2027-03-31",
            )
        })?;
        if r.id.is_none() && r.package.is_none() {
            return Err(ctx.err_at(
                expires_at,
                "a `[[risk_acceptances]]` entry names an advisory (`id`), a `package`, or both",
            ));
        }
        risk_acceptances.push(RiskAcceptance {
            id: r
                .id
                .map(|i| ctx.text_field(i, "risk_acceptances.id", 128))
                .transpose()?,
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
            signature: r
                .signature
                .map(|s| {
                    let at = s.span().start;
                    let s = s.into_inner();
                    if s.len() > 8 * 1024 {
                        Err(ctx.err_at(
                            at,
                            "`risk_acceptances.signature` is longer than any signature (8 KiB)",
                        ))
                    } else {
                        Ok(s.trim().to_owned())
                    }
                })
                .transpose()?,
        });
    }

    Ok(risk_acceptances)
}

/// `[checkpoints]`: known criteria only.
pub(crate) fn checkpoints(
    ctx: &Ctx<'_>,
    raw: Option<RawCheckpoints>,
) -> Result<crate::CheckpointsConfig, PlanError> {
    let mut checkpoints = crate::CheckpointsConfig::default();
    if let Some(c) = raw {
        let mut line = |key: &str, at: usize| {
            checkpoints
                .set_lines
                .insert(key.to_owned(), ctx.line_of(at));
        };
        if let Some(s) = &c.strict {
            line("strict", s.span().start);
        }
        if let Some(s) = &c.block_severity {
            line("block_severity", s.span().start);
        }
        if let Some(s) = &c.dev_block_severity {
            line("dev_block_severity", s.span().start);
        }
        if let Some(s) = &c.unknown_severity {
            line("unknown_severity", s.span().start);
        }
        if let Some(s) = &c.acceptance_max_days {
            line("acceptance_max_days", s.span().start);
        }
        for d in &c.disabled {
            line(&format!("disabled:{}", d.get_ref()), d.span().start);
        }
        checkpoints.strict = c.strict.is_some_and(Spanned::into_inner);
        checkpoints.threat_model = c
            .threat_model
            .map(|t| ctx.text_field(t, "checkpoints.threat_model", 1024))
            .transpose()?;
        if let Some(s) = c.block_severity {
            checkpoints.block_severity = s.into_inner();
        }
        checkpoints.dev_block_severity = c.dev_block_severity.map(Spanned::into_inner);
        checkpoints.unknown_severity = c.unknown_severity.map(Spanned::into_inner);
        if let Some(m) = c.max_unknown_percent {
            let at = m.span().start;
            let v = m.into_inner();
            let Some(v) = u8::try_from(v).ok().filter(|v| *v <= 100) else {
                return Err(ctx.err_at(
                    at,
                    format!("`checkpoints.max_unknown_percent` is a whole percentage from 0 to 100, got {v}"),
                ));
            };
            checkpoints.max_unknown_percent = v;
        }
        if let Some(m) = c.acceptance_max_days {
            let at = m.span().start;
            let v = m.into_inner();
            let Some(v) = u32::try_from(v).ok().filter(|v| (1..=3650).contains(v)) else {
                return Err(ctx.err_at(
                    at,
                    format!("`checkpoints.acceptance_max_days` is a number of days from 1 to 3650, got {v}"),
                ));
            };
            checkpoints.acceptance_max_days = Some(v);
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
    Ok(checkpoints)
}

/// `[incident_response]`.
pub(crate) fn incident_response(
    ctx: &Ctx<'_>,
    raw: Option<RawIncidentResponse>,
) -> Result<Option<crate::IncidentResponseConfig>, PlanError> {
    raw.map(|ir| -> Result<crate::IncidentResponseConfig, PlanError> {
        Ok(crate::IncidentResponseConfig {
            contact: ctx.text_field(ir.contact, "incident_response.contact", 256)?,
            process: ctx.text_field(ir.process, "incident_response.process", 1024)?,
        })
    })
    .transpose()
}

/// `[resilience]`: the scope penetration tests must cover, where the test
/// records are, and how recent a completed test must be.
pub(crate) fn resilience(
    ctx: &Ctx<'_>,
    raw: Option<RawResilience>,
) -> Result<Option<crate::ResilienceConfig>, PlanError> {
    let Some(r) = raw else { return Ok(None) };
    let mut scope: Vec<String> = Vec::new();
    for item in r.scope {
        let start = item.span().start;
        let v = sef_resilience::scope::parse_item(item.get_ref())
            .map_err(|why| ctx.err_at(start, format!("`resilience.scope`: {why}")))?;
        if scope.contains(&v) {
            return Err(ctx.err_at(start, format!("`resilience.scope` lists `{v}` twice")));
        }
        scope.push(v);
    }
    let records = match r.records {
        Some(p) => ctx.text_field(p, "resilience.records", 1024)?,
        None => crate::DEFAULT_RESILIENCE_RECORDS.to_owned(),
    };
    let max_age_days = match r.max_age_days {
        Some(v) => {
            let start = v.span().start;
            let v = v.into_inner();
            u32::try_from(v)
                .ok()
                .filter(|d| (1..=3660).contains(d))
                .ok_or_else(|| {
                    ctx.err_at(
                        start,
                        format!("`resilience.max_age_days` must be between 1 and 3660, got {v}"),
                    )
                })?
        }
        None => crate::DEFAULT_RESILIENCE_MAX_AGE_DAYS,
    };
    let retest_severity = match r.retest_severity {
        Some(v) => {
            let start = v.span().start;
            sef_model::Severity::parse(v.get_ref().trim())
                .filter(|s| *s != sef_model::Severity::Unknown)
                .ok_or_else(|| {
                    ctx.err_at(
                        start,
                        format!(
                            "`resilience.retest_severity` is info, low, medium, high or critical, not `{}`",
                            v.get_ref().escape_debug()
                        ),
                    )
                })?
        }
        None => sef_model::Severity::High,
    };
    Ok(Some(crate::ResilienceConfig {
        scope,
        records,
        max_age_days,
        retest_severity,
    }))
}

/// `[release_artifacts]`: paths and globs inside the repository, at least
/// one artefact and one key.
pub(crate) fn release_artifacts(
    ctx: &Ctx<'_>,
    raw: Option<RawArtifacts>,
) -> Result<Option<crate::ReleaseArtifacts>, PlanError> {
    let Some(a) = raw else {
        return Ok(None);
    };
    let inside = |v: Spanned<String>, key: &str| -> Result<String, PlanError> {
        let at = v.span().start;
        let s = ctx.text_field(v, key, 1024)?;
        if std::path::Path::new(&s).is_absolute() || s.split(['/', '\\']).any(|c| c == "..") {
            return Err(ctx.err_at(
                at,
                format!(
                    "`{key}` is a path (or glob) inside the repository, relative, without `..`"
                ),
            ));
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
        return Err(ctx.err_at(
            0,
            "`release_artifacts.public_keys` lists no key: name the team's minisign public keys",
        ));
    }
    let checksums = a
        .checksums
        .map(|c| inside(c, "release_artifacts.checksums"))
        .transpose()?;
    Ok(Some(crate::ReleaseArtifacts {
        files,
        public_keys,
        checksums,
    }))
}
