//! Education and awareness: the team's members and roles, the training each
//! role requires, completion records, and refreshers that fall due.
//!
//! The SEF describes what product managers, development managers,
//! architects, developers and quality-assurance staff each need to know,
//! and makes the team leader responsible for scheduling refreshers. sef
//! records that as data: a built-in course list and role requirements that
//! a team can override, and completions with dates.

use crate::{Completeness, Origin};
use chrono::NaiveDate;
pub use sef_model::plan::education::{CourseState, Evaluation, MemberStatus, TeamRole};
use serde::Serialize;

/// A training course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Course {
    /// The key used in the plan.
    pub id: String,
    /// What it teaches.
    pub title: String,
    /// Days after completion before a refresher is due (the team's default
    /// when absent).
    pub refresher_days: Option<u32>,
}

/// The built-in courses: id and what each teaches.
pub const BUILTIN_COURSES: [(&str, &str); 7] = [
    (
        "security-fundamentals",
        "Fundamentals of system and software security, and what security issues cost customers",
    ),
    (
        "standards-and-regulations",
        "Industry standards and government regulations on system and software security",
    ),
    (
        "secure-development-process",
        "Secure development methods: threat modeling and risk assessment in each phase",
    ),
    (
        "secure-design",
        "Secure design principles and the security features of the development platform",
    ),
    (
        "threat-modeling",
        "Threat modeling and risk assessment techniques applied to a design",
    ),
    (
        "secure-coding",
        "The coding mistakes behind vulnerabilities, secure coding principles, testing one's own code",
    ),
    (
        "security-testing",
        "Application security testing techniques, methods and tools",
    ),
];

/// The courses each role requires by default.
pub fn default_required(role: TeamRole) -> &'static [&'static str] {
    match role {
        TeamRole::DevelopmentManager | TeamRole::PdtLeader => {
            &["security-fundamentals", "secure-development-process"]
        }
        TeamRole::Architect => &["secure-design", "threat-modeling", "secure-coding"],
        TeamRole::Developer => &["secure-coding"],
        TeamRole::Qa => &["security-testing"],
        TeamRole::Psirt => &["security-fundamentals", "secure-development-process"],
        TeamRole::Admin => &["security-fundamentals"],
        TeamRole::Auditor | TeamRole::SupplierManager => {
            &["security-fundamentals", "standards-and-regulations"]
        }
    }
}

/// A team member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// A stable handle, e.g. a user name.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Roles held.
    pub roles: Vec<TeamRole>,
    /// E-mail addresses the member commits with (lower-cased).
    pub emails: Vec<String>,
    /// Public keys whose signatures on decisions are the member's: OpenSSH
    /// public keys or minisign public keys (`RW…`), checked when the plan
    /// is loaded.
    pub keys: Vec<String>,
    /// Where it was written.
    pub origin: Origin,
}

/// A completed course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The member's id.
    pub member: String,
    /// The course id.
    pub course: String,
    /// When it was completed.
    pub date: NaiveDate,
    /// Where it was written.
    pub origin: Origin,
}

/// The team file, validated by the plan loader (every completion names a
/// known member and course).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Team {
    /// Members.
    pub members: Vec<Member>,
    /// Courses: the built-in ones plus the team's own.
    pub courses: Vec<Course>,
    /// Per-role overrides of the required courses.
    pub required: Vec<(TeamRole, Vec<String>)>,
    /// Completion records.
    pub completions: Vec<Completion>,
    /// Default days between refreshers.
    pub refresher_days: u32,
    /// `triage_roles`: the roles whose members may record triage
    /// decisions; `None`: [`DEFAULT_TRIAGE_ROLES`].
    pub triage_roles: Option<Vec<TeamRole>>,
}

/// Who may triage findings when `[team] triage_roles` is not set.
pub const DEFAULT_TRIAGE_ROLES: [TeamRole; 3] =
    [TeamRole::Architect, TeamRole::PdtLeader, TeamRole::Qa];

/// The default refresher interval: a year.
pub const DEFAULT_REFRESHER_DAYS: u32 = 365;

impl Team {
    /// The roles whose members may triage findings.
    pub fn triage_roles(&self) -> &[TeamRole] {
        self.triage_roles
            .as_deref()
            .unwrap_or(&DEFAULT_TRIAGE_ROLES)
    }

    /// Every member's e-mail addresses, or `None` when no member lists
    /// one (then "outside the team file" cannot be measured).
    pub fn emails(&self) -> Option<std::collections::BTreeSet<String>> {
        let e: std::collections::BTreeSet<String> = self
            .members
            .iter()
            .flat_map(|m| m.emails.iter().cloned())
            .collect();
        (!e.is_empty()).then_some(e)
    }

    /// The built-in course list, with no members.
    pub fn with_builtin_courses() -> Team {
        Team {
            courses: BUILTIN_COURSES
                .iter()
                .map(|(id, title)| Course {
                    id: (*id).to_owned(),
                    title: (*title).to_owned(),
                    refresher_days: None,
                })
                .collect(),
            refresher_days: DEFAULT_REFRESHER_DAYS,
            ..Team::default()
        }
    }

    /// The courses `role` requires in this team.
    pub fn required_for(&self, role: TeamRole) -> Vec<String> {
        match self.required.iter().find(|(r, _)| *r == role) {
            Some((_, list)) => list.clone(),
            None => default_required(role)
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        }
    }

    /// Whether any member holds `role`.
    pub fn has_role(&self, member: &str, role: TeamRole) -> bool {
        self.members
            .iter()
            .any(|m| m.id == member && m.roles.contains(&role))
    }
}

/// Evaluates the team's training as of `today`.
pub fn evaluate(team: &Team, today: NaiveDate) -> Evaluation {
    let mut overdue = Vec::new();
    let members: Vec<MemberStatus> = team
        .members
        .iter()
        .map(|m| {
            let mut required: Vec<String> = Vec::new();
            for r in &m.roles {
                for c in team.required_for(*r) {
                    if !required.contains(&c) {
                        required.push(c);
                    }
                }
            }
            let courses: Vec<(String, CourseState)> = required
                .into_iter()
                .map(|course| {
                    let last = team
                        .completions
                        .iter()
                        .filter(|c| c.member == m.id && c.course == course)
                        .map(|c| c.date)
                        .max();
                    let days = team
                        .courses
                        .iter()
                        .find(|c| c.id == course)
                        .and_then(|c| c.refresher_days)
                        .unwrap_or(team.refresher_days);
                    let state = match last {
                        None => CourseState::Missing,
                        Some(completed) => {
                            let due = completed
                                .checked_add_days(chrono::Days::new(u64::from(days)))
                                .unwrap_or(NaiveDate::MAX);
                            if today > due {
                                overdue.push((m.id.clone(), course.clone(), due));
                                CourseState::Overdue { completed, due }
                            } else {
                                CourseState::Current { completed, due }
                            }
                        }
                    };
                    (course, state)
                })
                .collect();
            let trained = courses
                .iter()
                .all(|(_, s)| matches!(s, CourseState::Current { .. }));
            MemberStatus {
                id: m.id.clone(),
                name: m.name.clone(),
                roles: m.roles.clone(),
                courses,
                trained,
            }
        })
        .collect();
    let trained = members.iter().filter(|m| m.trained).count();
    let total = members.len();
    let completeness = match (total, trained) {
        (0, _) => Completeness::Missing,
        (t, d) if d == t => Completeness::Complete,
        _ => Completeness::Partial,
    };
    Evaluation {
        members,
        trained,
        total,
        overdue,
        completeness,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn team() -> Team {
        let mut t = Team::with_builtin_courses();
        t.members = vec![
            Member {
                emails: Vec::new(),
                keys: Vec::new(),
                id: "ana".into(),
                name: Some("Ana".into()),
                roles: vec![TeamRole::Developer],
                origin: Origin::default(),
            },
            Member {
                emails: Vec::new(),
                keys: Vec::new(),
                id: "bo".into(),
                name: None,
                roles: vec![TeamRole::Qa, TeamRole::PdtLeader],
                origin: Origin::default(),
            },
        ];
        t.completions = vec![
            Completion {
                member: "ana".into(),
                course: "secure-coding".into(),
                date: d("2026-01-10"),
                origin: Origin::default(),
            },
            Completion {
                member: "bo".into(),
                course: "security-testing".into(),
                date: d("2025-01-10"),
                origin: Origin::default(),
            },
        ];
        t
    }

    #[test]
    fn current_overdue_and_missing() {
        let e = evaluate(&team(), d("2026-11-28"));
        assert_eq!(e.total, 2);
        assert_eq!(e.trained, 1);
        assert_eq!(e.completeness, Completeness::Partial);
        let bo = &e.members[1];
        assert_eq!(bo.courses.len(), 3);
        assert!(matches!(bo.courses[0].1, CourseState::Overdue { .. }));
        assert_eq!(bo.courses[1].1, CourseState::Missing);
        assert_eq!(
            e.overdue,
            vec![("bo".into(), "security-testing".into(), d("2026-01-10"))]
        );
    }

    #[test]
    fn the_due_day_itself_is_not_overdue() {
        let e = evaluate(&team(), d("2027-01-10"));
        assert!(matches!(
            e.members[0].courses[0].1,
            CourseState::Current { .. }
        ));
        let e = evaluate(&team(), d("2027-01-11"));
        assert!(matches!(
            e.members[0].courses[0].1,
            CourseState::Overdue { .. }
        ));
    }

    #[test]
    fn overrides_and_course_intervals() {
        let mut t = team();
        t.required = vec![(TeamRole::Qa, vec!["security-testing".into()])];
        t.required.push((TeamRole::PdtLeader, vec![]));
        t.courses[6].refresher_days = Some(1000);
        let e = evaluate(&t, d("2026-11-28"));
        assert_eq!(e.trained, 2);
        assert_eq!(e.completeness, Completeness::Complete);
        assert!(t.has_role("bo", TeamRole::PdtLeader));
        assert!(!t.has_role("ana", TeamRole::PdtLeader));
    }

    #[test]
    fn no_team_is_missing() {
        let e = evaluate(&Team::with_builtin_courses(), d("2026-11-28"));
        assert_eq!(e.completeness, Completeness::Missing);
    }

    #[test]
    fn every_default_requirement_names_a_builtin_course() {
        for r in TeamRole::ALL {
            for c in default_required(*r) {
                assert!(BUILTIN_COURSES.iter().any(|(id, _)| id == c), "{c}");
            }
        }
    }
}
