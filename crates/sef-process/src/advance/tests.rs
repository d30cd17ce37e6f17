//! The checkpoint rules on their allowed and refused paths.

use super::*;
use crate::education::Member;
use chrono::{TimeZone, Utc};

fn decision(to: Phase) -> PhaseDecision {
    PhaseDecision {
        id: "d".into(),
        offering: "o".into(),
        release: "1".into(),
        from: Phase::Concept,
        to,
        decided_at: Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap(),
        run_id: "r".into(),
        gate_outcome: sef_model::GateOutcome::Pass,
        r#override: None,
    }
}

#[test]
fn order_is_neither_skipped_nor_reversed() {
    assert_eq!(check_order("o", "1", Phase::Plan, &[]), Ok(()));
    let d = [decision(Phase::Plan)];
    assert_eq!(check_order("o", "1", Phase::Plan, &d), Ok(()));
    let e = check_order("o", "1", Phase::Develop, &d).unwrap_err();
    assert!(e.to_string().contains("cannot be skipped"), "{e}");
    assert!(e.to_string().contains("decided 2026-11-02"), "{e}");
    let e = check_order("o", "1", Phase::Concept, &d).unwrap_err();
    assert!(matches!(e, AdvanceError::Backwards { .. }));
    assert!(matches!(
        next_phase("o", "1", Phase::Lifecycle),
        Err(AdvanceError::LastPhase { .. })
    ));
    assert_eq!(next_phase("o", "1", Phase::Plan), Ok(Phase::Develop));
}

fn team() -> Team {
    let member = |id: &str, role: TeamRole| Member {
        id: id.into(),
        name: None,
        roles: vec![role],
        emails: vec![],
        keys: vec![],
        origin: crate::Origin::default(),
    };
    Team {
        members: vec![
            member("lee", TeamRole::PdtLeader),
            member("dev", TeamRole::Developer),
        ],
        ..Team::with_builtin_courses()
    }
}

#[test]
fn only_a_pdt_leader_overrides_with_a_justification() {
    let t = team();
    let ask = |by: &'static str, j: &'static str| OverrideRequest {
        wanted: true,
        by: Some(by),
        justification: Some(j),
    };
    assert_eq!(
        authorize_override(Some(&t), &OverrideRequest::default()),
        Ok(None)
    );
    assert_eq!(
        authorize_override(
            Some(&t),
            &OverrideRequest {
                by: Some("lee"),
                ..Default::default()
            }
        ),
        Err(AdvanceError::OverrideDetailsWithoutOverride)
    );
    assert_eq!(
        authorize_override(Some(&t), &ask("lee", "short")),
        Err(AdvanceError::JustificationTooShort)
    );
    assert_eq!(
        authorize_override(Some(&t), &ask("lee", "two\nlines here")),
        Err(AdvanceError::JustificationInvalid)
    );
    assert_eq!(
        authorize_override(None, &ask("lee", "customer deadline, fix in 1.1")),
        Err(AdvanceError::NoTeam)
    );
    assert_eq!(
        authorize_override(Some(&t), &ask("eve", "customer deadline, fix in 1.1")),
        Err(AdvanceError::NotAMember("eve".into()))
    );
    assert_eq!(
        authorize_override(Some(&t), &ask("dev", "customer deadline, fix in 1.1")),
        Err(AdvanceError::NotPdtLeader("dev".into()))
    );
    let o = authorize_override(Some(&t), &ask(" lee ", " customer deadline, fix in 1.1 "))
        .unwrap()
        .unwrap();
    assert_eq!(o.by, "lee");
    assert_eq!(o.justification, "customer deadline, fix in 1.1");
}

#[test]
fn triage_is_for_members_holding_a_triage_role() {
    let mut t = team();
    assert!(
        authorize_triage(Some(&t), "lee").is_ok(),
        "a PDT leader may"
    );
    let e = authorize_triage(Some(&t), "dev").unwrap_err().to_string();
    assert!(
        e.contains("`dev` may not triage") && e.contains("developer"),
        "{e}"
    );
    let e = authorize_triage(Some(&t), "mallory")
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a member"), "{e}");
    let e = authorize_triage(None, "lee").unwrap_err().to_string();
    assert!(
        e.contains("no [team]") && e.contains("architect, pdt-leader, qa"),
        "{e}"
    );
    t.triage_roles = Some(vec![TeamRole::Developer]);
    assert!(
        authorize_triage(Some(&t), "dev").is_ok(),
        "configured roles"
    );
    assert!(authorize_triage(Some(&t), "lee").is_err());
}
