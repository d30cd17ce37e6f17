//! The `[team]` section: members and roles, courses, what each role
//! requires, completion records.

use crate::PlanError;
use crate::ctx::Ctx;
use sef_process::education::{self, Course, TeamRole};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTeam {
    #[serde(default)]
    refresher_days: Option<Spanned<i64>>,
    #[serde(default)]
    member: Vec<Spanned<RawMember>>,
    #[serde(default)]
    course: Vec<Spanned<RawCourse>>,
    #[serde(default)]
    required: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    completion: Vec<Spanned<RawCompletion>>,
    #[serde(default)]
    triage_roles: Option<Spanned<Vec<TeamRole>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    id: Spanned<String>,
    #[serde(default)]
    name: Option<Spanned<String>>,
    roles: Spanned<Vec<TeamRole>>,
    #[serde(default)]
    emails: Vec<Spanned<String>>,
    #[serde(default)]
    keys: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCourse {
    id: Spanned<String>,
    title: Spanned<String>,
    #[serde(default)]
    refresher_days: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompletion {
    member: Spanned<String>,
    course: Spanned<String>,
    date: Spanned<toml::Value>,
}

pub(crate) fn team(ctx: &Ctx<'_>, raw: Spanned<RawTeam>) -> Result<education::Team, PlanError> {
    let r = raw.into_inner();
    let mut team = education::Team::with_builtin_courses();
    if let Some(d) = r.refresher_days {
        team.refresher_days = ctx.days(d, "team.refresher_days")?;
    }
    if let Some(roles) = r.triage_roles {
        let at = roles.span().start;
        let roles = roles.into_inner();
        if roles.is_empty() {
            return Err(ctx.err_at(
                at,
                format!(
                    "`team.triage_roles` is empty: nobody could triage; give one or more of {}",
                    role_list()
                ),
            ));
        }
        team.triage_roles = Some(roles);
    }
    for c in r.course {
        let c = c.into_inner();
        let id_at = c.id.span().start;
        let id = ctx.spanned_text(c.id, "course.id", 64)?;
        if team.courses.iter().any(|k| k.id == id) {
            return Err(ctx.err_at(
                id_at,
                format!("course `{id}` is defined twice (or is a built-in course)"),
            ));
        }
        team.courses.push(Course {
            id,
            title: ctx.spanned_text(c.title, "course.title", 256)?,
            refresher_days: c
                .refresher_days
                .map(|d| ctx.days(d, "course.refresher_days"))
                .transpose()?,
        });
    }
    for (role, list) in r.required {
        let at = list.span().start;
        let Some(role) = TeamRole::parse(&role) else {
            return Err(ctx.err_at(
                at,
                format!(
                    "unknown role `{role}` in [required]; expected one of {}",
                    role_list()
                ),
            ));
        };
        let mut courses = Vec::new();
        for c in list.into_inner() {
            let c_at = c.span().start;
            let c = c.into_inner();
            if !team.courses.iter().any(|k| k.id == c) {
                return Err(ctx.err_at(
                    c_at,
                    format!(
                        "unknown course `{c}`; define it with [[course]] or use a built-in one"
                    ),
                ));
            }
            courses.push(c);
        }
        team.required.push((role, courses));
    }
    for m in r.member {
        let at = m.span().start;
        let m = m.into_inner();
        let id_at = m.id.span().start;
        let id = ctx.spanned_text(m.id, "member.id", 128)?;
        if team.members.iter().any(|x| x.id == id) {
            return Err(ctx.err_at(id_at, format!("member `{id}` is listed twice")));
        }
        let roles_at = m.roles.span().start;
        let roles = m.roles.into_inner();
        if roles.is_empty() {
            return Err(ctx.err_at(
                roles_at,
                format!(
                    "member `{id}` has no role; give one or more of {}",
                    role_list()
                ),
            ));
        }
        let keys = m
            .keys
            .into_iter()
            .map(|k| {
                let k_at = k.span().start;
                let text = ctx.spanned_text(k, "member.keys", 4096)?;
                sef_sign::decision::DecisionKey::parse(&text)
                    .map_err(|e| ctx.err_at(k_at, format!("member `{id}`: {e}")))?;
                Ok(text)
            })
            .collect::<Result<_, PlanError>>()?;
        team.members.push(education::Member {
            id,
            name: m
                .name
                .map(|n| ctx.spanned_text(n, "member.name", 256))
                .transpose()?,
            emails: m
                .emails
                .into_iter()
                .map(|e| {
                    ctx.spanned_text(e, "member.emails", 320)
                        .map(|e| e.to_ascii_lowercase())
                })
                .collect::<Result<_, _>>()?,
            roles,
            keys,
            origin: ctx.origin(at),
        });
    }
    for c in r.completion {
        let at = c.span().start;
        let c = c.into_inner();
        let m_at = c.member.span().start;
        let member = c.member.into_inner();
        if !team.members.iter().any(|m| m.id == member) {
            return Err(ctx.err_at(
                m_at,
                format!("completion names member `{member}`, who is not in [[member]]"),
            ));
        }
        let c_at = c.course.span().start;
        let course = c.course.into_inner();
        if !team.courses.iter().any(|k| k.id == course) {
            return Err(ctx.err_at(
                c_at,
                format!("completion names course `{course}`, which is neither built in nor defined with [[course]]"),
            ));
        }
        team.completions.push(education::Completion {
            member,
            course,
            date: ctx.date(c.date, "date")?,
            origin: ctx.origin(at),
        });
    }
    Ok(team)
}

fn role_list() -> String {
    TeamRole::ALL
        .iter()
        .map(|r| format!("`{r}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
