//! The plan file as written (`RawPlan`, strict serde with spans) and its
//! validation into a [`Plan`]: `parse` calls one validator per section
//! (`sections`, `analyzers`, `security`) and assembles their typed values.

use crate::analyzers::RawAnalyzers;
use crate::ctx::Ctx;
use crate::sections::{
    self, RawArtifacts, RawCheckpoints, RawIncidentResponse, RawOffering, RawRelease,
    RawResilience, RawRiskAcceptance,
};
use crate::security::{
    RawChecklist, RawDocumentation, RawPti, RawRequirements, RawSections, RawTeam, SecurityPlan,
};
use crate::{Plan, PlanError, PlanSource};
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
    #[serde(default)]
    resilience: Option<RawResilience>,
    #[serde(default)]
    threat_model: Option<crate::threat::RawThreatModel>,
    // Key performance objectives: KPI id = target.
    #[serde(default)]
    kpo: Option<std::collections::BTreeMap<String, Spanned<toml::Value>>>,
    #[serde(default)]
    risk_acceptances: Vec<Spanned<RawRiskAcceptance>>,
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

    let offering = sections::offering(&ctx, raw.offering)?;
    let release = sections::release(&ctx, raw.release)?;
    let analyzers = crate::analyzers::analyzers(&ctx, raw.analyzers)?;
    let pending_sections = Vec::new();
    let kpo = sections::kpo(&ctx, raw.kpo.unwrap_or_default().into_iter().collect())?;
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

    let risk_acceptances = sections::risk_acceptances(&ctx, raw.risk_acceptances)?;
    let checkpoints = sections::checkpoints(&ctx, raw.checkpoints)?;
    let incident_response = sections::incident_response(&ctx, raw.incident_response)?;
    let release_artifacts = sections::release_artifacts(&ctx, raw.release_artifacts)?;
    let resilience = sections::resilience(&ctx, raw.resilience)?;
    let threat_model = crate::threat::threat_model(&ctx, raw.threat_model)?;

    Ok(Plan {
        release_artifacts,
        checkpoints,
        incident_response,
        resilience,
        threat_model,
        offering,
        release,
        analyzers,
        risk_acceptances,
        source: PlanSource::Defaults,
        pending_sections,
        security,
        security_files: Vec::new(),
        kpo,
        allow_outside_repo: false,
        forge_token_hosts: vec![crate::DEFAULT_FORGE_TOKEN_HOST.to_owned()],
        policy: None,
    })
}
