//! One pure function per KPI: evidence in, value (or the reason there is
//! none) out. Payload shapes are those documented in `docs/evidence.md`.

use super::{Inputs, Outcome};
use sef_model::evidence::history::History;
use sef_model::evidence::plan_payloads::{DocumentationPayload, RequirementsPayload};
use sef_model::evidence::resilience::ResilienceTesting;
use sef_model::evidence::tools::Signatures;
use sef_model::evidence::vulnerabilities::KnownVulnerabilities;
use sef_model::{Evidence, EvidenceKind, EvidenceStatus, PayloadOf, Phase};

fn find<'a>(i: &'a Inputs<'_>, kind: EvidenceKind) -> Option<&'a Evidence> {
    i.evidence.iter().find(|e| e.kind == kind)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[allow(clippy::cast_precision_loss)]
fn pct(part: u64, whole: u64) -> f64 {
    round1(part as f64 * 100.0 / whole as f64)
}

fn measured(value: f64, detail: impl Into<String>) -> Outcome {
    Outcome::Measured {
        value,
        detail: Some(detail.into()),
    }
}

/// The evidence of `P`'s kind, usable for a measurement: present, neither
/// failed nor missing, and with its payload.
fn usable<'a, P: PayloadOf>(
    i: &'a Inputs<'_>,
    what: &str,
) -> Result<(&'a Evidence, &'a P), Outcome> {
    let kind = P::KIND;
    let e = find(i, kind).ok_or_else(|| {
        Outcome::nm(format!(
            "no {kind} evidence in this run: {}",
            if what.is_empty() {
                "no evidence of this kind"
            } else {
                what
            }
        ))
    })?;
    match &e.status {
        EvidenceStatus::Failed { reason } => {
            Err(Outcome::nm(format!("the {kind} evidence failed: {reason}")))
        }
        EvidenceStatus::Missing { reason } => Err(Outcome::nm(format!(
            "the {kind} evidence is missing: {reason}"
        ))),
        _ => e
            .payload::<P>()
            .map(|p| (e, p))
            .ok_or_else(|| Outcome::nm(format!("the {kind} evidence has no payload"))),
    }
}

fn vs_peers(i: &Inputs<'_>, prefix: &str, own: &[Outcome], what: &str) -> Outcome {
    let own: Vec<f64> = own.iter().filter_map(Outcome::value).collect();
    if own.is_empty() {
        return Outcome::nm(format!(
            "no {what} KPI of this offering is measured, so there is nothing to compare"
        ));
    }
    let peer_means: Vec<f64> = i
        .peers
        .iter()
        .filter_map(|p| {
            let v: Vec<f64> = p
                .values
                .iter()
                .filter(|(id, _)| id.starts_with(prefix))
                .map(|(_, v)| *v)
                .collect();
            (!v.is_empty()).then(|| mean(&v))
        })
        .collect();
    if peer_means.is_empty() {
        return Outcome::nm(format!(
            "no other offering with measured {what} KPIs to compare with (none in the store, or the run does not use a store)"
        ));
    }
    let mine = mean(&own);
    let theirs = mean(&peer_means);
    let (value, word) = if mine > theirs + 5.0 {
        (1.0, "higher")
    } else if mine < theirs - 5.0 {
        (-1.0, "lower")
    } else {
        (0.0, "consistent")
    };
    measured(
        value,
        format!(
            "{word}: {:.1} % here against {:.1} % across {} other offering(s) (within 5 points counts as consistent)",
            mine,
            theirs,
            peer_means.len()
        ),
    )
}

#[allow(clippy::cast_precision_loss)]
fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

pub(super) fn integrity_vs_peers(i: &Inputs<'_>) -> Outcome {
    let own: Vec<Outcome> = super::KPIS
        .iter()
        .filter(|k| k.table == super::Table::Integrity)
        .map(|k| (k.measure)(i))
        .collect();
    vs_peers(i, "integrity.", &own, "integrity")
}

pub(super) fn resilience_vs_peers(i: &Inputs<'_>) -> Outcome {
    let own: Vec<Outcome> = super::KPIS
        .iter()
        .filter(|k| k.table == super::Table::Resilience)
        .map(|k| (k.measure)(i))
        .collect();
    vs_peers(i, "resilience.", &own, "resilience")
}

/// The measurement of a KPI whose evidence kind has no producer yet: "not
/// measured", naming the kind. When a producer lands, its payload type
/// replaces this with a real measurement.
fn unproduced(i: &Inputs<'_>, kind: EvidenceKind, what: &str) -> Outcome {
    match find(i, kind) {
        None => Outcome::nm(format!(
            "no {kind} evidence in this run: no evidence of this kind ({what})"
        )),
        Some(e) => Outcome::nm(format!(
            "the {kind} evidence is {}, and this sef cannot read it yet ({what})",
            e.status.label()
        )),
    }
}

pub(super) fn platform_features(i: &Inputs<'_>) -> Outcome {
    unproduced(
        i,
        EvidenceKind::Platform,
        "sef does not record the platform's security features yet",
    )
}

const NO_HISTORY: &str =
    "the repository is not a git work tree, or [analyzers.history] is turned off";

/// Review share of one slice (`developed` or `external`) of the history
/// evidence. Commits whose review state is unknown count as not reviewed
/// in the value (it is a lower bound) and are named in the detail; when
/// every commit is unknown there is no value.
fn review_share(
    i: &Inputs<'_>,
    slice: fn(&History) -> &sef_model::evidence::history::Counts,
    what: &str,
) -> Outcome {
    let (e, h) = match usable::<History>(i, NO_HISTORY) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let s = slice(h);
    let (reviewed, unknown, total) = (s.reviewed as u64, s.unknown as u64, s.commits as u64);
    if total == 0 {
        return Outcome::nm(format!("no commit in the release range touched {what}"));
    }
    let known = total.saturating_sub(unknown);
    let mut detail = match over_known(
        i,
        reviewed.min(known),
        known,
        unknown,
        &format!("commits touching {what}"),
        "reviewed",
        "their review is known only from forge data: configure [analyzers.history.forge]",
    ) {
        Ok(d) => d,
        Err(o) => return o,
    };
    if let EvidenceStatus::Partial { reason } = &e.status {
        detail.push_str(&format!("; partial: {reason}"));
    }
    measured(pct(reviewed.min(known), known), detail)
}

/// The rule for a share over items some of whose state is unknown: the
/// value is over the known ones, with the unknown share beside it, and
/// past `[checkpoints] max_unknown_percent` the KPI is not measured
/// (unknown is never counted as "no"). The detail, or the not-measured
/// outcome saying what is needed.
fn over_known(
    i: &Inputs<'_>,
    yes: u64,
    known: u64,
    unknown: u64,
    items: &str,
    yes_word: &str,
    needed: &str,
) -> Result<String, Outcome> {
    let total = known + unknown;
    let unknown_pct = pct(unknown, total.max(1));
    if known == 0 || unknown_pct > f64::from(i.max_unknown_percent) {
        return Err(Outcome::nm(format!(
            "{unknown} of {total} {items} ({unknown_pct} %) are of unknown state, more than max_unknown_percent ({} %); {needed}",
            i.max_unknown_percent
        )));
    }
    let mut detail = format!("{yes} of {known} {items} whose state is known {yes_word}");
    if unknown > 0 {
        detail.push_str(&format!(
            "; {unknown} of {total} ({unknown_pct} %) unknown, not counted"
        ));
    }
    Ok(detail)
}

pub(super) fn developed_code_review(i: &Inputs<'_>) -> Outcome {
    review_share(i, |h| &h.review.developed, "developed code")
}

pub(super) fn external_code_review(i: &Inputs<'_>) -> Outcome {
    review_share(i, |h| &h.review.external, "external (vendored) code")
}

/// Signed and verified share of the commits (history evidence) and of the
/// declared release artefacts (signatures evidence). With both, the value
/// is the lower of the two shares: the offering is only as signed as its
/// less signed part.
pub(super) fn signed(i: &Inputs<'_>) -> Outcome {
    // (verified, known, unknown): an unknown key, a signature that could
    // not be checked, or an artefact that could not be read is unknown
    let packages = usable::<Signatures>(i, "").ok().and_then(|(_, s)| {
        let known = s
            .artifacts
            .iter()
            .filter(|a| matches!(a.signature.as_str(), "verified" | "unsigned" | "invalid"))
            .count() as u64;
        let total = s.artifacts.len() as u64;
        (total > 0).then_some((s.verified() as u64, known, total - known))
    });
    let commits = usable::<History>(i, "").ok().and_then(|(_, h)| {
        let s = &h.signatures;
        let unknown = (s.unknown_key + s.not_verified) as u64;
        let total = s.commits as u64;
        (total > 0).then_some((s.verified as u64, total.saturating_sub(unknown), unknown))
    });
    if commits.is_none() && packages.is_none() {
        return Outcome::nm(format!(
            "no commits and no declared release artefacts to check: {NO_HISTORY}, and the plan declares no [release_artifacts]"
        ));
    }
    let mut parts = Vec::new();
    let mut values = Vec::new();
    for (x, what, needed, absent) in [
        (
            commits,
            "commits",
            "name the team's keys in allowed_signers so their signatures can be checked",
            "no git history in this run",
        ),
        (
            packages,
            "release artefacts",
            "fix the artefacts that could not be checked, or name the key that signed them",
            "the plan declares no [release_artifacts], or none exists yet",
        ),
    ] {
        match x {
            None => parts.push(format!("{what}: not measured ({absent})")),
            Some((v, known, unknown)) => {
                match over_known(
                    i,
                    v.min(known),
                    known,
                    unknown,
                    what,
                    "signed and verified",
                    needed,
                ) {
                    Ok(d) => {
                        parts.push(d);
                        values.push(pct(v.min(known), known));
                    }
                    Err(o) => return o,
                }
            }
        }
    }
    let value = values.iter().copied().fold(f64::INFINITY, f64::min);
    measured(value, parts.join("; "))
}

pub(super) fn penetration_testing(i: &Inputs<'_>) -> Outcome {
    let (_, p) = match usable::<ResilienceTesting>(
        i,
        "the plan has no [resilience] section and the repository no security/tests folder",
    ) {
        Ok(x) => x,
        Err(o) => return o,
    };
    if p.scope.is_empty() {
        return Outcome::nm(
            "the plan declares no scope to test: list components, endpoints and assets in [resilience] scope",
        );
    }
    let n = p.scope.len() as u64;
    let c = p.covered.len() as u64;
    let mut detail = format!(
        "{c} of {n} declared scope item(s) covered by a completed test of release {} whose findings at {} or above are all retested",
        p.release, p.retest_severity
    );
    if !p.awaiting_retest.is_empty() {
        detail.push_str(&format!(
            "; {} tested but awaiting a retest: {}",
            p.awaiting_retest.len(),
            p.awaiting_retest.join(", ")
        ));
    }
    let untested: Vec<&str> = p
        .uncovered
        .iter()
        .filter(|u| !p.awaiting_retest.contains(u))
        .map(String::as_str)
        .collect();
    if !untested.is_empty() {
        detail.push_str(&format!("; not tested: {}", untested.join(", ")));
    }
    measured(pct(c, n), detail)
}

pub(super) fn no_incident_records(i: &Inputs<'_>) -> Outcome {
    unproduced(
        i,
        EvidenceKind::Incidents,
        "sef does not track post-availability security problems yet",
    )
}

pub(super) fn known_vulnerability_testing(i: &Inputs<'_>) -> Outcome {
    let (_, v) = match usable::<KnownVulnerabilities>(i, "the vulnerabilities analyzer is disabled")
    {
        Ok(x) => x,
        Err(o) => return o,
    };
    let (tested, total) = (v.tested as u64, v.components as u64);
    if total == 0 {
        return Outcome::nm("the offering has no third-party component to test");
    }
    measured(
        pct(tested.min(total), total),
        format!("{tested} of {total} third-party components tested"),
    )
}

fn documentation<'a>(i: &'a Inputs<'_>) -> Result<&'a DocumentationPayload, Outcome> {
    usable::<DocumentationPayload>(i, "the security plan was not evaluated").map(|(_, p)| p)
}

pub(super) fn security_feature_documentation(i: &Inputs<'_>) -> Outcome {
    let p = match documentation(i) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let ev = &p.evaluation;
    // not measured, never 0 %, when the plan maps no documentation
    let planned = ev
        .topics
        .iter()
        .any(|t| !t.files.is_empty() || t.not_applicable.is_some());
    if !planned || ev.required == 0 {
        return Outcome::nm("the documentation plan maps no topic");
    }
    measured(
        pct(ev.covered as u64, ev.required as u64),
        format!(
            "{} of {} required security documentation topics documented",
            ev.covered, ev.required
        ),
    )
}

fn topics_share(i: &Inputs<'_>, ids: &[&str], what: &str) -> Outcome {
    let p = match documentation(i) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let required: Vec<_> = p
        .evaluation
        .topics
        .iter()
        .filter(|t| ids.contains(&t.id.as_str()) && t.required)
        .collect();
    if required.is_empty() {
        return Outcome::nm(format!("the tier requires no {what} topic"));
    }
    let covered: Vec<&str> = required
        .iter()
        .filter(|t| t.documented || t.not_applicable.is_some())
        .map(|t| t.id.as_str())
        .collect();
    measured(
        pct(covered.len() as u64, required.len() as u64),
        format!(
            "{} of {} {what} topics documented{}",
            covered.len(),
            required.len(),
            if covered.is_empty() {
                String::new()
            } else {
                format!(" ({})", covered.join(", "))
            }
        ),
    )
}

pub(super) fn design_documentation(i: &Inputs<'_>) -> Outcome {
    topics_share(
        i,
        &[
            "security-architecture",
            "integration",
            "environment-settings",
        ],
        "design",
    )
}

pub(super) fn deployment_documentation(i: &Inputs<'_>) -> Outcome {
    topics_share(i, &["deployment", "operations", "management"], "deployment")
}

pub(super) fn assurance_review(i: &Inputs<'_>) -> Outcome {
    let (_, r) = match usable::<RequirementsPayload>(i, "the security plan was not evaluated") {
        Ok(x) => x,
        Err(o) => return o,
    };
    let t = &r.evaluation.total;
    let (total, na, verified) = (t.total as u64, t.not_applicable as u64, t.verified as u64);
    let applicable = total.saturating_sub(na);
    if applicable == 0 {
        return Outcome::nm("no applicable security requirement is selected");
    }
    measured(
        pct(verified, applicable),
        format!(
            "{verified} of {applicable} applicable security requirements verified by passing tests or other evidence"
        ),
    )
}

pub(super) fn cve_review_interval(i: &Inputs<'_>) -> Outcome {
    if i.phase != Phase::Lifecycle {
        return Outcome::nm(format!(
            "the release is in the {} phase; post-availability reviews are counted in the lifecycle phase",
            i.phase
        ));
    }
    let mut times: Vec<chrono::DateTime<chrono::Utc>> = i
        .history
        .iter()
        .filter(|r| r.phase == Phase::Lifecycle && r.vulnerabilities_complete)
        .map(|r| r.at)
        .collect();
    if find(i, EvidenceKind::KnownVulnerabilities)
        .is_some_and(|e| e.status == EvidenceStatus::Complete)
    {
        times.push(i.at);
    }
    times.sort();
    times.dedup();
    if times.len() < 2 {
        return Outcome::nm(
            "fewer than two complete known-vulnerability reviews of this release in the lifecycle phase",
        );
    }
    #[allow(clippy::cast_precision_loss)]
    let gaps: Vec<f64> = times
        .windows(2)
        .map(|w| (w[1] - w[0]).num_seconds() as f64 / 86_400.0)
        .collect();
    measured(
        round1(mean(&gaps)),
        format!(
            "mean of {} interval(s) between complete vulnerability reviews",
            gaps.len()
        ),
    )
}
