//! The security plan's own sections: `[pti]`, `[checklist]`,
//! `[requirements]`, `[documentation]` and `[team]`.
//!
//! Each section is written either inline in `sef.toml` or as its own file
//! under `security/` (`security/pti.toml`, `security/checklist.toml`, …),
//! never both. The raw types below are shared by both forms; validation
//! turns them into the process crate's types and rejects unknown keys,
//! wrong enums, duplicate ids and dangling references with file:line.

use crate::PlanError;
use crate::ctx::Ctx;
use chrono::NaiveDate;
use sef_model::EvidenceKind;
use sef_process::catalog::{self, Category};
use sef_process::checklist::{self, Answer};
use sef_process::documentation;
use sef_process::education;
use sef_process::pti::{Criticality, DataClassification, Deployment, Exposure, UserScale};
use sef_process::requirements::{self, Verification};
use sef_process::{Origin, pti};
use serde::Deserialize;
use std::collections::HashSet;
use toml::Spanned;

mod team;
pub(crate) use team::{RawTeam, team};

/// The directory, relative to the repository root, of the plan's files.
pub const SECURITY_DIR: &str = "security";

/// The section names, which are also the file stems under `security/`.
pub const SECTIONS: [&str; 5] = ["pti", "checklist", "requirements", "documentation", "team"];

/// The PTI answers, with who answered and when.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PtiPlan {
    /// The answers.
    pub answers: pti::Questionnaire,
    /// Who did the assessment.
    pub assessed_by: Option<String>,
    /// When.
    pub assessed_on: Option<NaiveDate>,
    /// Where the section was written.
    pub origin: Origin,
}

/// The requirements section.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequirementsPlan {
    /// JUnit XML files or directories that hold test results.
    pub junit: Vec<String>,
    /// The `[[requirement]]` entries.
    pub entries: Vec<requirements::PlanEntry>,
    /// Where the section was written.
    pub origin: Origin,
}

/// The security plan: every section that is present.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecurityPlan {
    /// `[pti]`.
    pub pti: Option<PtiPlan>,
    /// `[checklist]`: the answered questions.
    pub checklist: Option<Vec<checklist::Entry>>,
    /// `[requirements]`.
    pub requirements: Option<RequirementsPlan>,
    /// `[documentation]`: the mapped topics.
    pub documentation: Option<Vec<documentation::PlanEntry>>,
    /// `[team]`.
    pub team: Option<education::Team>,
}

// ---- raw forms ------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPti {
    #[serde(default)]
    data_classification: Option<DataClassification>,
    #[serde(default)]
    personal_data: Option<bool>,
    #[serde(default)]
    credential_data: Option<bool>,
    #[serde(default)]
    payment_data: Option<bool>,
    #[serde(default)]
    health_data: Option<bool>,
    #[serde(default)]
    exposure: Option<Exposure>,
    #[serde(default)]
    anonymous_access: Option<bool>,
    #[serde(default)]
    multi_tenant: Option<bool>,
    #[serde(default)]
    privileged: Option<bool>,
    #[serde(default)]
    deployment: Option<Deployment>,
    #[serde(default)]
    criticality: Option<Criticality>,
    #[serde(default)]
    user_scale: Option<UserScale>,
    #[serde(default)]
    assessed_by: Option<Spanned<String>>,
    #[serde(default)]
    assessed_on: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChecklist {
    #[serde(default, rename = "people-and-skills")]
    people: Option<Spanned<RawAnswer>>,
    #[serde(default, rename = "risk-assessment")]
    risk: Option<Spanned<RawAnswer>>,
    #[serde(default, rename = "security-features")]
    features: Option<Spanned<RawAnswer>>,
    #[serde(default, rename = "test-plan")]
    test_plan: Option<Spanned<RawAnswer>>,
    #[serde(default, rename = "threat-information")]
    threats: Option<Spanned<RawAnswer>>,
    #[serde(default)]
    schedule: Option<Spanned<RawAnswer>>,
    #[serde(default, rename = "documentation-plan")]
    docs: Option<Spanned<RawAnswer>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnswer {
    answer: Answer,
    #[serde(default)]
    note: Option<Spanned<String>>,
    #[serde(default)]
    evidence: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRequirements {
    #[serde(default)]
    junit: Vec<Spanned<String>>,
    #[serde(default)]
    requirement: Vec<Spanned<RawRequirement>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequirement {
    id: Spanned<String>,
    #[serde(default)]
    status: Option<requirements::Status>,
    #[serde(default)]
    rationale: Option<Spanned<String>>,
    #[serde(default)]
    verify: Option<OneOrMany>,
    #[serde(default)]
    category: Option<Category>,
    #[serde(default)]
    statement: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(RawVerify),
    Many(Vec<RawVerify>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVerify {
    #[serde(default)]
    test: Option<String>,
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    evidence: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDocumentation {
    #[serde(default)]
    topic: Vec<Spanned<RawTopic>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    id: Spanned<String>,
    #[serde(default)]
    files: Vec<Spanned<String>>,
    #[serde(default)]
    not_applicable: Option<Spanned<String>>,
}

/// Every raw section that one file (sef.toml or a security/ file) holds.
#[derive(Default)]
pub(crate) struct RawSections {
    pub(crate) pti: Option<Spanned<RawPti>>,
    pub(crate) checklist: Option<Spanned<RawChecklist>>,
    pub(crate) requirements: Option<Spanned<RawRequirements>>,
    pub(crate) documentation: Option<Spanned<RawDocumentation>>,
    pub(crate) team: Option<Spanned<RawTeam>>,
}

// ---- validation -----------------------------------------------------------

impl Ctx<'_> {
    fn origin(&self, offset: usize) -> Origin {
        Origin {
            file: self.display.clone(),
            line: self.line_of(offset),
        }
    }

    fn days(&self, v: Spanned<i64>, key: &str) -> Result<u32, PlanError> {
        let at = v.span().start;
        let n = v.into_inner();
        if !(1..=3650).contains(&n) {
            return Err(self.err_at(
                at,
                format!("`{key}` must be between 1 and 3650 days, got {n}"),
            ));
        }
        Ok(u32::try_from(n).unwrap_or(365))
    }

    pub(crate) fn date(&self, v: Spanned<toml::Value>, key: &str) -> Result<NaiveDate, PlanError> {
        let at = v.span().start;
        match v.into_inner() {
            toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => {
                d.date.and_then(|d| {
                    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                })
            }
            toml::Value::String(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
            _ => None,
        }
        .ok_or_else(|| {
            self.err_at(
                at,
                format!("`{key}` must be a date, e.g. {key} = 2026-03-31"),
            )
        })
    }

    fn spanned_text(&self, v: Spanned<String>, key: &str, max: usize) -> Result<String, PlanError> {
        self.text_field(v, key, max)
    }
}

pub(crate) fn pti(ctx: &Ctx<'_>, raw: Spanned<RawPti>) -> Result<PtiPlan, PlanError> {
    let origin = ctx.origin(raw.span().start);
    let r = raw.into_inner();
    Ok(PtiPlan {
        answers: pti::Questionnaire {
            data_classification: r.data_classification,
            personal_data: r.personal_data,
            credential_data: r.credential_data,
            payment_data: r.payment_data,
            health_data: r.health_data,
            exposure: r.exposure,
            anonymous_access: r.anonymous_access,
            multi_tenant: r.multi_tenant,
            privileged: r.privileged,
            deployment: r.deployment,
            criticality: r.criticality,
            user_scale: r.user_scale,
        },
        assessed_by: r
            .assessed_by
            .map(|v| ctx.spanned_text(v, "pti.assessed_by", 256))
            .transpose()?,
        assessed_on: r
            .assessed_on
            .map(|v| ctx.date(v, "assessed_on"))
            .transpose()?,
        origin,
    })
}

pub(crate) fn checklist(
    ctx: &Ctx<'_>,
    raw: Spanned<RawChecklist>,
) -> Result<Vec<checklist::Entry>, PlanError> {
    let r = raw.into_inner();
    let mut out = Vec::new();
    for (id, item) in [
        ("people-and-skills", r.people),
        ("risk-assessment", r.risk),
        ("security-features", r.features),
        ("test-plan", r.test_plan),
        ("threat-information", r.threats),
        ("schedule", r.schedule),
        ("documentation-plan", r.docs),
    ] {
        let Some(item) = item else { continue };
        let origin = ctx.origin(item.span().start);
        let item = item.into_inner();
        let question = checklist::question(id).map_or("", |q| q.id);
        let mut evidence = Vec::new();
        for link in item.evidence {
            evidence.push(ctx.spanned_text(link, "checklist.evidence", 1024)?);
        }
        out.push(checklist::Entry {
            question,
            answer: item.answer,
            note: item
                .note
                .map(|n| ctx.spanned_text(n, "checklist.note", 4000))
                .transpose()?,
            evidence,
            origin,
        });
    }
    Ok(out)
}

pub(crate) fn requirements(
    ctx: &Ctx<'_>,
    raw: Spanned<RawRequirements>,
) -> Result<RequirementsPlan, PlanError> {
    let origin = ctx.origin(raw.span().start);
    let r = raw.into_inner();
    let mut junit = Vec::new();
    for j in r.junit {
        junit.push(ctx.spanned_text(j, "requirements.junit", 1024)?);
    }
    let mut seen = HashSet::new();
    let mut entries = Vec::new();
    for entry in r.requirement {
        let at = entry.span().start;
        let e = entry.into_inner();
        let id_at = e.id.span().start;
        let id = ctx.spanned_text(e.id, "requirement.id", 64)?;
        if !seen.insert(id.clone()) {
            return Err(ctx.err_at(id_at, format!("requirement `{id}` is listed twice")));
        }
        let builtin = id.starts_with("SEF-");
        let custom = match (builtin, e.category, e.statement) {
            (true, None, None) => {
                if catalog::get(&id).is_none() {
                    return Err(ctx.err_at(
                        id_at,
                        format!("`{id}` is not in sef's catalog; run `sef requirements --tier 4` for the ids, or give your own requirement an id that does not start with SEF- plus a category and a statement"),
                    ));
                }
                None
            }
            (true, _, _) => {
                return Err(ctx.err_at(
                    id_at,
                    format!("`{id}` is a catalog requirement: its category and statement cannot be changed; give your own requirement an id that does not start with SEF-"),
                ));
            }
            (false, Some(category), Some(statement)) => Some(requirements::Custom {
                category,
                statement: ctx.spanned_text(statement, "requirement.statement", 1000)?,
            }),
            (false, _, _) => {
                return Err(ctx.err_at(
                    id_at,
                    format!("requirement `{id}` is not in the catalog, so it needs a `category` and a `statement`"),
                ));
            }
        };
        let rationale = e
            .rationale
            .map(|r| ctx.spanned_text(r, "requirement.rationale", 2000))
            .transpose()?;
        if e.status == Some(requirements::Status::NotApplicable) && rationale.is_none() {
            return Err(ctx.err_at(
                at,
                format!("requirement `{id}` is not-applicable without a `rationale`; say why it does not apply"),
            ));
        }
        let raw_verify = match e.verify {
            None => Vec::new(),
            Some(OneOrMany::One(v)) => vec![v],
            Some(OneOrMany::Many(v)) => v,
        };
        let mut verification = Vec::new();
        for v in raw_verify {
            verification.push(match (v.test, v.file, v.evidence) {
                (Some(t), None, None) if !t.trim().is_empty() => {
                    Verification::Test(t.trim().to_owned())
                }
                (None, Some(f), None) if !f.trim().is_empty() => {
                    Verification::File(f.trim().to_owned())
                }
                (None, None, Some(k)) => match EvidenceKind::parse(k.trim()) {
                    Some(kind) => Verification::Evidence(kind.as_str().to_owned()),
                    None => {
                        return Err(ctx.err_at(
                            at,
                            format!(
                                "requirement `{id}`: `{k}` is not an evidence kind; expected one of {}",
                                EvidenceKind::ALL
                                    .iter()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                    }
                },
                _ => {
                    return Err(ctx.err_at(
                        at,
                        format!("requirement `{id}`: each `verify` entry names exactly one of `test`, `file` or `evidence`, e.g. verify = {{ test = \"auth::rejects_expired_token\" }}"),
                    ));
                }
            });
        }
        entries.push(requirements::PlanEntry {
            id,
            status: e.status,
            rationale,
            verification,
            custom,
            origin: ctx.origin(at),
        });
    }
    Ok(RequirementsPlan {
        junit,
        entries,
        origin,
    })
}

pub(crate) fn documentation(
    ctx: &Ctx<'_>,
    raw: Spanned<RawDocumentation>,
) -> Result<Vec<documentation::PlanEntry>, PlanError> {
    let mut out: Vec<documentation::PlanEntry> = Vec::new();
    for t in raw.into_inner().topic {
        let at = t.span().start;
        let t = t.into_inner();
        let id_at = t.id.span().start;
        let id = t.id.into_inner();
        let Some(topic) = documentation::topic(id.trim()) else {
            return Err(ctx.err_at(
                id_at,
                format!(
                    "unknown documentation topic `{id}`; expected one of {}",
                    documentation::TOPICS
                        .iter()
                        .map(|t| format!("`{}`", t.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        if out.iter().any(|e| e.topic == topic.id) {
            return Err(ctx.err_at(id_at, format!("topic `{id}` is listed twice")));
        }
        let mut files = Vec::new();
        for f in t.files {
            files.push(ctx.spanned_text(f, "topic.files", 1024)?);
        }
        let not_applicable = t
            .not_applicable
            .map(|n| ctx.spanned_text(n, "topic.not_applicable", 2000))
            .transpose()?;
        match (files.is_empty(), not_applicable.is_some()) {
            (true, false) => {
                return Err(ctx.err_at(
                    at,
                    format!("topic `{id}` maps no `files`; list the documents that cover it, or set `not_applicable = \"why\"`"),
                ));
            }
            (false, true) => {
                return Err(ctx.err_at(
                    at,
                    format!("topic `{id}` has both `files` and `not_applicable`; keep one"),
                ));
            }
            _ => {}
        }
        out.push(documentation::PlanEntry {
            topic: topic.id,
            files,
            not_applicable,
            origin: ctx.origin(at),
        });
    }
    Ok(out)
}

/// Validates every raw section present into `plan`, refusing a section
/// that `plan` already has from another file.
pub(crate) fn merge(
    ctx: &Ctx<'_>,
    raw: RawSections,
    plan: &mut SecurityPlan,
    other_file: &dyn Fn(&str) -> String,
) -> Result<(), PlanError> {
    let twice = |name: &str, at: usize| {
        ctx.err_at(
            at,
            format!(
                "[{name}] is defined both here and in {}; keep one",
                other_file(name)
            ),
        )
    };
    if let Some(r) = raw.pti {
        if plan.pti.is_some() {
            return Err(twice("pti", r.span().start));
        }
        plan.pti = Some(pti(ctx, r)?);
    }
    if let Some(r) = raw.checklist {
        if plan.checklist.is_some() {
            return Err(twice("checklist", r.span().start));
        }
        plan.checklist = Some(checklist(ctx, r)?);
    }
    if let Some(r) = raw.requirements {
        if plan.requirements.is_some() {
            return Err(twice("requirements", r.span().start));
        }
        plan.requirements = Some(requirements(ctx, r)?);
    }
    if let Some(r) = raw.documentation {
        if plan.documentation.is_some() {
            return Err(twice("documentation", r.span().start));
        }
        plan.documentation = Some(documentation(ctx, r)?);
    }
    if let Some(r) = raw.team {
        if plan.team.is_some() {
            return Err(twice("team", r.span().start));
        }
        plan.team = Some(team(ctx, r)?);
    }
    Ok(())
}

/// Parses one `security/<section>.toml` file, whose top level is the
/// section itself.
pub(crate) fn parse_section_file(ctx: &Ctx<'_>, section: &str) -> Result<RawSections, PlanError> {
    fn whole<T: serde::de::DeserializeOwned>(ctx: &Ctx<'_>) -> Result<Spanned<T>, PlanError> {
        let v: T = toml::from_str(ctx.text).map_err(|e| ctx.toml_err(&e))?;
        Ok(Spanned::new(0..0, v))
    }
    let mut out = RawSections::default();
    match section {
        "pti" => out.pti = Some(whole(ctx)?),
        "checklist" => out.checklist = Some(whole(ctx)?),
        "requirements" => out.requirements = Some(whole(ctx)?),
        "documentation" => out.documentation = Some(whole(ctx)?),
        _ => out.team = Some(whole(ctx)?),
    }
    Ok(out)
}
