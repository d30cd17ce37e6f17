//! Decisions people make through the server: triage (confirm, false
//! positive, accept a risk) and checkpoint advances with overrides. Each is
//! made as the authenticated user, checked against their role on the
//! offering, stored under their name, and audited.

use super::Body;
use crate::AppState;
use crate::auth::Principal;
use crate::problem::{ApiResult, Problem};
use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use sef_model::access::Permission;
use sef_model::{Fingerprint, GateOutcome, GateOverride, PhaseDecision, Triage, TriageStatus};
use sef_process::advance;
use sef_store::{RunFilter, RunRepository};
use serde::Deserialize;

/// `POST /api/v1/offerings/{offering}/triage`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageRequest {
    /// The finding's fingerprint (or a finding id of a stored run).
    pub finding: String,
    /// `confirmed`, `false-positive` or `accepted`.
    pub status: String,
    /// Why (10 to 2,000 characters).
    pub reason: String,
    /// For `accepted`: the last day the acceptance holds (YYYY-MM-DD).
    pub expires: Option<chrono::NaiveDate>,
    /// A decision made offline and signed by a team member (`sef finding
    /// triage --sign-key`): the member's id in the team file, with
    /// `signature`. The server verifies it against the keys the offering's
    /// latest uploaded team file lists for the member, and records the
    /// member as the decider.
    pub signed_by: Option<String>,
    /// The member's signature over the decision.
    pub signature: Option<String>,
}

/// `POST /api/v1/offerings/{offering}/releases/{release}/decisions`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideRequest {
    /// The run to decide on; the release's latest run when absent.
    pub run: Option<String>,
    /// Override a failed gate, with this justification (needs
    /// override-gate).
    pub override_justification: Option<String>,
    /// An override made offline and signed by a PDT leader of the team
    /// file (`sef phase advance --override --sign-key`): the member's id,
    /// with `signature` and `run`. The server verifies it against the keys
    /// the offering's latest uploaded team file lists for the member, and
    /// records the member as the one who overrode.
    pub signed_by: Option<String>,
    /// The member's signature over the override.
    pub signature: Option<String>,
}

/// The team file of the offering's latest uploaded plan.
async fn uploaded_team(
    state: &AppState,
    offering: &str,
) -> Result<Option<sef_process::education::Team>, Problem> {
    let files = state.store.latest_plan_files(offering).await?.ok_or_else(|| {
        Problem::unprocessable(format!(
            "no plan of {offering} was uploaded, so the server knows no team keys to check the signature with"
        ))
    })?;
    let files: Vec<(String, String)> = files.into_iter().map(|f| (f.path, f.text)).collect();
    let plan = sef_plan::Plan::from_texts(&files).map_err(|e| {
        Problem::unprocessable(format!("the offering's uploaded plan does not read: {e}"))
    })?;
    Ok(plan.security.team)
}

fn check_text(what: &str, s: &str) -> Result<(), Problem> {
    let n = s.trim().chars().count();
    if !(10..=2000).contains(&n) || s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Problem::unprocessable(format!(
            "{what}: write 10 to 2,000 characters, without control characters"
        )));
    }
    Ok(())
}

async fn team_of(state: &AppState, offering: &str) -> Result<Option<String>, Problem> {
    Ok(state.store.offering(offering).await?.map(|r| r.team))
}

/// `GET /api/v1/offerings/{offering}/triage`.
pub async fn list_triage(
    State(state): State<AppState>,
    Path(offering): Path<String>,
) -> ApiResult<Json<Vec<Triage>>> {
    super::offerings::registered(&state, &offering).await?;
    Ok(Json(state.store.triage(&offering).await?))
}

/// `POST /api/v1/offerings/{offering}/triage`.
pub async fn triage(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(offering): Path<String>,
    Body(req): Body<TriageRequest>,
) -> ApiResult<(StatusCode, Json<Triage>)> {
    super::offerings::registered(&state, &offering).await?;
    let status = TriageStatus::parse(&req.status).ok_or_else(|| {
        Problem::unprocessable("`status` is confirmed, false-positive or accepted")
    })?;
    check_text("reason", &req.reason)?;
    if status == TriageStatus::Accepted {
        let team = team_of(&state, &offering).await?;
        if !p.allows(Permission::AcceptRisk, Some((&offering, team.as_deref()))) {
            return Err(Problem::forbidden(format!(
                "{} may triage but not accept a risk on {offering}: it needs the `accept-risk` permission (architect, pdt-leader)",
                p.user.name
            )));
        }
        if req.expires.is_none() {
            return Err(Problem::unprocessable(
                "an acceptance needs `expires`, the last day it holds",
            ));
        }
    } else if req.expires.is_some() {
        return Err(Problem::unprocessable("only an acceptance has `expires`"));
    }
    let found = state.store.find_finding(&req.finding).await?;
    let fingerprint = found
        .iter()
        .find(|(o, _)| *o == offering)
        .map(|(_, f)| f.clone())
        .ok_or_else(|| {
            Problem::not_found(format!(
                "no finding `{}` in the stored runs of {offering}",
                req.finding
            ))
        })?;
    let mut t = Triage {
        id: sef_model::RunId::generate().to_string(),
        offering,
        fingerprint: Fingerprint::from_stored(fingerprint),
        status,
        reason: req.reason.trim().to_owned(),
        decided_by: p.user.name.clone(),
        decided_at: chrono::Utc::now(),
        expires: req.expires,
        signature: None,
    };
    match (req.signed_by, req.signature) {
        (None, None) => {}
        (Some(member), Some(sig)) => {
            t.decided_by = member.clone();
            t.signature = Some(sig);
            let team = uploaded_team(&state, &t.offering).await?;
            let proof = sef_process::proof::triage_proof(team.as_ref(), &t);
            if !matches!(proof, sef_sign::decision::SignatureState::Verified { .. }) {
                return Err(Problem::unprocessable(format!(
                    "the signature of `{member}` does not verify against the team file: {}",
                    proof.label()
                )));
            }
        }
        _ => {
            return Err(Problem::unprocessable(
                "a signed decision sends both `signed_by` and `signature`",
            ));
        }
    }
    state.store.with_actor(&p.actor()).record_triage(&t).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// `GET /api/v1/offerings/{offering}/releases/{release}/decisions`.
pub async fn list_decisions(
    State(state): State<AppState>,
    Path((offering, release)): Path<(String, String)>,
) -> ApiResult<Json<Vec<PhaseDecision>>> {
    super::offerings::registered(&state, &offering).await?;
    Ok(Json(
        state.store.phase_decisions(&offering, &release).await?,
    ))
}

/// `POST /api/v1/offerings/{offering}/releases/{release}/decisions`.
pub async fn decide(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path((offering, release)): Path<(String, String)>,
    Body(req): Body<DecideRequest>,
) -> ApiResult<(StatusCode, Json<PhaseDecision>)> {
    super::offerings::registered(&state, &offering).await?;
    let unprocessable = |e: advance::AdvanceError| Problem::unprocessable(e.to_string());
    let run = match &req.run {
        Some(id) => {
            let id = id
                .parse()
                .map_err(|_| Problem::not_found(format!("no run {id}")))?;
            state.store.get_run(id).await?
        }
        None => {
            let runs = state
                .store
                .list_runs(&RunFilter {
                    offering: Some(offering.clone()),
                    limit: Some(1000),
                    before: None,
                })
                .await?;
            match runs.iter().find(|r| r.release_version == release) {
                Some(r) => state.store.get_run(r.id).await?,
                None => None,
            }
        }
    }
    .ok_or_else(|| {
        Problem::not_found(format!(
            "no run of {offering} {release} to decide the checkpoint on; upload one (sef assess --push)"
        ))
    })?;
    let from = run.release.phase;
    advance::check_run(&run, &offering, &release, from).map_err(unprocessable)?;
    let decisions = state.store.phase_decisions(&offering, &release).await?;
    advance::check_order(&offering, &release, from, &decisions).map_err(unprocessable)?;
    let to = advance::next_phase(&offering, &release, from).map_err(unprocessable)?;
    let passed = run.gate.outcome == GateOutcome::Pass;
    let r#override = match (&req.override_justification, passed) {
        (_, true) => None,
        (None, false) => {
            return Err(Problem::unprocessable(format!(
                "the {from} checkpoint of run {} failed; {offering} {release} stays in `{from}`. Fix the failing criteria, or a PDT leader overrides with `override_justification`",
                run.id
            )));
        }
        (Some(j), false) => {
            check_text("override_justification", j)?;
            advance::check_not_locked(&run).map_err(unprocessable)?;
            match (&req.signed_by, &req.signature) {
                // made here by the caller, who must hold override-gate
                (None, None) => {
                    let team = team_of(&state, &offering).await?;
                    if !p.allows(Permission::OverrideGate, Some((&offering, team.as_deref()))) {
                        return Err(Problem::forbidden(format!(
                            "{} may not override a failed gate of {offering}: it needs the `override-gate` permission (pdt-leader)",
                            p.user.name
                        )));
                    }
                    Some(GateOverride {
                        by: p.user.name.clone(),
                        justification: j.trim().to_owned(),
                        signature: None,
                    })
                }
                // made offline by a PDT leader of the team file, signed
                (Some(member), Some(sig)) => {
                    if req.run.is_none() {
                        return Err(Problem::unprocessable(
                            "a signed override names the `run` it was signed for",
                        ));
                    }
                    let team = uploaded_team(&state, &offering).await?;
                    advance::authorize_override(
                        team.as_ref(),
                        &advance::OverrideRequest {
                            wanted: true,
                            by: Some(member),
                            justification: Some(j),
                        },
                    )
                    .map_err(unprocessable)?;
                    Some(GateOverride {
                        by: member.clone(),
                        justification: j.trim().to_owned(),
                        signature: Some(sig.clone()),
                    })
                }
                _ => {
                    return Err(Problem::unprocessable(
                        "a signed override sends both `signed_by` and `signature`",
                    ));
                }
            }
        }
    };
    let decision = PhaseDecision {
        id: sef_model::RunId::generate().to_string(),
        offering,
        release,
        from,
        to,
        decided_at: chrono::Utc::now(),
        run_id: run.id.to_string(),
        gate_outcome: run.gate.outcome,
        r#override,
    };
    if decision
        .r#override
        .as_ref()
        .is_some_and(|o| o.signature.is_some())
    {
        let team = uploaded_team(&state, &decision.offering).await?;
        let proof = sef_process::proof::override_proof(team.as_ref(), &decision);
        if !matches!(
            proof,
            Some(sef_sign::decision::SignatureState::Verified { .. })
        ) {
            return Err(Problem::unprocessable(format!(
                "the override's signature does not verify against the team file: {}",
                proof.map_or_else(|| "no override".to_owned(), |p| p.label())
            )));
        }
    }
    state
        .store
        .with_actor(&p.actor())
        .record_phase_decision(&decision)
        .await?;
    Ok((StatusCode::CREATED, Json(decision)))
}
