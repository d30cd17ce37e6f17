//! Moving a release through the SEF's checkpoints: the phase order (no
//! phase skipped, none moved backwards), who may override a failed gate
//! (a PDT leader of the plan's team, with a written justification) and
//! which run a checkpoint may be decided on. Pure rules: the CLI and the
//! server call them, then store the decision.

use crate::education::{Team, TeamRole};
use sef_model::{GateOverride, Phase, PhaseDecision};

/// Why a checkpoint move is refused. Each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdvanceError {
    /// The gate failed on a criterion the organisation's policy locks.
    #[error(
        "the gate failed on {criteria}, which {policy} locks: no one may override it; fix what it reports and assess again"
    )]
    Locked {
        /// The locked criteria that failed, quoted and listed.
        criteria: String,
        /// The policy, named with its version.
        policy: String,
    },
    /// The release is in the last phase.
    #[error(
        "{offering} {release} is in the `{phase}` phase, the last one: there is no checkpoint to pass"
    )]
    LastPhase {
        /// The offering.
        offering: String,
        /// The release.
        release: String,
        /// Its phase.
        phase: Phase,
    },
    /// The plan names a later phase than the store recorded.
    #[error(
        "{offering} {release} is in phase `{recorded}` in the store (decided {decided}), but sef.toml says `{written}`: phases cannot be skipped; set [release] phase = \"{recorded}\" and advance through each checkpoint"
    )]
    Skipped {
        /// The offering.
        offering: String,
        /// The release.
        release: String,
        /// The phase the store recorded.
        recorded: Phase,
        /// The phase sef.toml says.
        written: Phase,
        /// When the last decision was taken (YYYY-MM-DD).
        decided: String,
    },
    /// The plan names an earlier phase than the store recorded.
    #[error(
        "{offering} {release} already moved to phase `{recorded}` (decided {decided}), but sef.toml says `{written}`: phases cannot move backwards; set [release] phase = \"{recorded}\""
    )]
    Backwards {
        /// The offering.
        offering: String,
        /// The release.
        release: String,
        /// The phase the store recorded.
        recorded: Phase,
        /// The phase sef.toml says.
        written: Phase,
        /// When the last decision was taken (YYYY-MM-DD).
        decided: String,
    },
    /// `--by` or `--justification` without `--override`.
    #[error("--by and --justification only go with --override")]
    OverrideDetailsWithoutOverride,
    /// The justification is missing or too short.
    #[error(
        "an override needs a written justification (--justification, at least 10 characters): it is shown in every later report"
    )]
    JustificationTooShort,
    /// The justification is too long or not one line.
    #[error("the justification must be one line of at most 2000 characters")]
    JustificationInvalid,
    /// The plan has no team to authorise anyone.
    #[error(
        "only a PDT leader of the plan's team may override a failed gate, and the plan has no [team]; record the team in security/team.toml"
    )]
    NoTeam,
    /// The name is not a member of the team.
    #[error(
        "`{0}` is not a member of the plan's team; only a PDT leader may override a failed gate"
    )]
    NotAMember(String),
    /// The member is not a PDT leader.
    #[error(
        "`{0}` is not a PDT leader (role `pdt-leader` in the plan's team); only a PDT leader may override a failed gate"
    )]
    NotPdtLeader(String),
    /// Triage without a team file.
    #[error(
        "a triage decision is recorded by a member of the plan's team, and the plan has no [team]; record the team in security/team.toml (roles allowed to triage: {0})"
    )]
    NoTeamToTriage(String),
    /// The name is not a member of the team.
    #[error("`{0}` is not a member of the plan's team; give --by with a member id of [team]")]
    NotAMemberToTriage(String),
    /// The member holds no role allowed to triage.
    #[error(
        "`{member}` may not triage: their roles ({roles}) are not among the roles allowed to triage ({allowed}; `[team] triage_roles`)"
    )]
    MayNotTriage {
        /// The member.
        member: String,
        /// Their roles.
        roles: String,
        /// The allowed roles.
        allowed: String,
    },
    /// The run is evidence of another offering.
    #[error(
        "run {run} is evidence of `{of}`, not of `{offering}`: a checkpoint is decided on the offering's own evidence"
    )]
    OtherOffering {
        /// The run.
        run: String,
        /// The run's offering.
        of: String,
        /// The plan's offering.
        offering: String,
    },
    /// The run assessed another release or phase.
    #[error(
        "run {run} assessed {run_release} in phase `{run_phase}`; the checkpoint is for {release} in phase `{phase}`"
    )]
    OtherReleaseOrPhase {
        /// The run.
        run: String,
        /// The release the run assessed.
        run_release: String,
        /// The phase the run assessed.
        run_phase: Phase,
        /// The plan's release.
        release: String,
        /// The plan's phase.
        phase: Phase,
    },
}

/// The phase after `from`, or why there is none.
pub fn next_phase(offering: &str, release: &str, from: Phase) -> Result<Phase, AdvanceError> {
    from.next().ok_or_else(|| AdvanceError::LastPhase {
        offering: offering.to_owned(),
        release: release.to_owned(),
        phase: from,
    })
}

/// Checks that the phase sef.toml names is the one the store recorded
/// last (`decisions` oldest first): none skipped, none moved backwards.
pub fn check_order(
    offering: &str,
    release: &str,
    written: Phase,
    decisions: &[PhaseDecision],
) -> Result<(), AdvanceError> {
    let Some(last) = decisions.last() else {
        return Ok(());
    };
    let recorded = last.to;
    let decided = last.decided_at.format("%Y-%m-%d").to_string();
    let (offering, release) = (offering.to_owned(), release.to_owned());
    if written > recorded {
        return Err(AdvanceError::Skipped {
            offering,
            release,
            recorded,
            written,
            decided,
        });
    }
    if written < recorded {
        return Err(AdvanceError::Backwards {
            offering,
            release,
            recorded,
            written,
            decided,
        });
    }
    Ok(())
}

/// An override as asked for on the command line (or through the API).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverrideRequest<'a> {
    /// `--override` was given.
    pub wanted: bool,
    /// Who asks (a team member id).
    pub by: Option<&'a str>,
    /// Why.
    pub justification: Option<&'a str>,
}

/// Authorises an override before anything is assessed or stored: only a
/// PDT leader of the plan's team, with a one-line justification of 10 to
/// 2,000 characters. `Ok(None)` when no override is asked for.
pub fn authorize_override(
    team: Option<&Team>,
    request: &OverrideRequest<'_>,
) -> Result<Option<GateOverride>, AdvanceError> {
    if !request.wanted {
        if request.by.is_some() || request.justification.is_some() {
            return Err(AdvanceError::OverrideDetailsWithoutOverride);
        }
        return Ok(None);
    }
    let by = request.by.map(str::trim).unwrap_or_default();
    let justification = request.justification.map(str::trim).unwrap_or_default();
    if justification.chars().count() < 10 {
        return Err(AdvanceError::JustificationTooShort);
    }
    if justification.chars().count() > 2000 || justification.chars().any(char::is_control) {
        return Err(AdvanceError::JustificationInvalid);
    }
    let Some(team) = team else {
        return Err(AdvanceError::NoTeam);
    };
    if !team.members.iter().any(|m| m.id == by) {
        return Err(AdvanceError::NotAMember(by.to_owned()));
    }
    if !team.has_role(by, TeamRole::PdtLeader) {
        return Err(AdvanceError::NotPdtLeader(by.to_owned()));
    }
    Ok(Some(GateOverride {
        by: by.to_owned(),
        justification: justification.to_owned(),
        signature: None,
    }))
}

/// Refuses to override a gate that failed on a criterion the organisation's
/// policy locks (as recorded with the run's gate).
pub fn check_not_locked(run: &sef_model::AssessmentRun) -> Result<(), AdvanceError> {
    let Some(policy) = &run.gate.policy else {
        return Ok(());
    };
    let failed: Vec<String> = run
        .gate
        .criteria
        .iter()
        .filter(|c| c.outcome == sef_model::CriterionOutcome::Fail && policy.locked.contains(&c.id))
        .map(|c| format!("`{}`", c.id))
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    Err(AdvanceError::Locked {
        criteria: failed.join(", "),
        policy: format!("policy `{}` {}", policy.name, policy.version),
    })
}

/// Checks that `by` may record a triage decision: a member of the team
/// holding one of its triage roles (`architect`, `pdt-leader` and `qa`
/// unless `[team] triage_roles` says otherwise).
pub fn authorize_triage(team: Option<&Team>, by: &str) -> Result<(), AdvanceError> {
    let list = |roles: &[TeamRole]| {
        roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(team) = team else {
        return Err(AdvanceError::NoTeamToTriage(list(
            &crate::education::DEFAULT_TRIAGE_ROLES,
        )));
    };
    let Some(member) = team.members.iter().find(|m| m.id == by) else {
        return Err(AdvanceError::NotAMemberToTriage(by.to_owned()));
    };
    let allowed = team.triage_roles();
    if member.roles.iter().any(|r| allowed.contains(r)) {
        Ok(())
    } else {
        Err(AdvanceError::MayNotTriage {
            member: by.to_owned(),
            roles: list(&member.roles),
            allowed: list(allowed),
        })
    }
}

/// Checks that a stored run may decide the checkpoint of `offering`
/// `release` in phase `phase`: its own offering, release and phase.
pub fn check_run(
    run: &sef_model::AssessmentRun,
    offering: &str,
    release: &str,
    phase: Phase,
) -> Result<(), AdvanceError> {
    if run.offering.name != offering {
        return Err(AdvanceError::OtherOffering {
            run: run.id.to_string(),
            of: run.offering.name.clone(),
            offering: offering.to_owned(),
        });
    }
    if run.release.version != release || run.release.phase != phase {
        return Err(AdvanceError::OtherReleaseOrPhase {
            run: run.id.to_string(),
            run_release: run.release.version.clone(),
            run_phase: run.release.phase,
            release: release.to_owned(),
            phase,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
