//! Who provably made a decision: the canonical text a triage decision or a
//! gate override signs, and its signature checked against the keys the
//! team file lists for the deciding member (`sef_sign::decision`). A
//! decision without a signature is self-asserted: only the name typed says
//! who decided.

use crate::education::Team;
use sef_model::{PhaseDecision, Triage};
use sef_sign::decision::{self, DecisionKey, SignatureState};

/// The text a triage decision's signature covers.
pub fn triage_payload(t: &Triage) -> String {
    let expires = t.expires.map(|e| e.to_string()).unwrap_or_default();
    decision::payload(
        "triage",
        &[
            &t.offering,
            t.fingerprint.as_str(),
            t.status.as_str(),
            &t.reason,
            &t.decided_by,
            &expires,
        ],
    )
}

/// The text a plan risk acceptance's signature covers: the offering and
/// the entry's fields (empty when absent), the expiry as `YYYY-MM-DD`.
pub fn acceptance_payload(
    offering: &str,
    id: Option<&str>,
    package: Option<&str>,
    justification: &str,
    approver: &str,
    expires: chrono::NaiveDate,
) -> String {
    let expires = expires.to_string();
    decision::payload(
        "acceptance",
        &[
            offering,
            id.unwrap_or(""),
            package.unwrap_or(""),
            justification,
            approver,
            &expires,
        ],
    )
}

/// The text a gate override's signature covers, or `None` without an
/// override.
pub fn override_payload(d: &PhaseDecision) -> Option<String> {
    let o = d.r#override.as_ref()?;
    Some(decision::payload(
        "override",
        &[
            &d.offering,
            &d.release,
            d.from.as_str(),
            d.to.as_str(),
            &d.run_id,
            &o.by,
            &o.justification,
        ],
    ))
}

/// The keys the team file lists for `member` (those that do not read are
/// refused when the plan loads, so none is skipped here).
pub fn keys_of(team: Option<&Team>, member: &str) -> Vec<DecisionKey> {
    team.and_then(|t| t.members.iter().find(|m| m.id == member))
        .map(|m| {
            m.keys
                .iter()
                .filter_map(|k| DecisionKey::parse(k).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// What a triage decision's signature proves.
pub fn triage_proof(team: Option<&Team>, t: &Triage) -> SignatureState {
    decision::verify(
        &triage_payload(t),
        t.signature.as_deref(),
        &keys_of(team, &t.decided_by),
    )
}

/// What a gate override's signature proves; `None` without an override.
pub fn override_proof(team: Option<&Team>, d: &PhaseDecision) -> Option<SignatureState> {
    let o = d.r#override.as_ref()?;
    Some(decision::verify(
        &override_payload(d)?,
        o.signature.as_deref(),
        &keys_of(team, &o.by),
    ))
}
