//! `sef finding list|show|triage`: findings across runs, their history
//! and the people's decisions about them.

use crate::cli::{
    FindingListArgs, FindingShowArgs, FindingStateArg, FindingTriageArgs, GlobalArgs, TriageArg,
    ViewFormatArg,
};
use crate::{output, store};
use anyhow::{Context, Result, bail};
use sef_model::{
    Finding, FindingHistory, FindingStatus, LifecycleState, RunId, Triage, TriageStatus, status,
};
use sef_store::{RunRepository, Store};
use std::collections::HashMap;
use std::fmt::Write as _;

fn open_store(g: &GlobalArgs) -> Result<(tokio::runtime::Runtime, Store)> {
    let rt = store::runtime()?;
    let st = rt.block_on(store::open_existing(&store::url(g.db.as_deref())?))?;
    Ok((rt, st))
}

/// The latest triage decision per fingerprint.
fn latest_triage(all: &[Triage]) -> HashMap<&str, &Triage> {
    let mut m = HashMap::new();
    for t in all {
        m.insert(t.fingerprint.as_str(), t);
    }
    m
}

fn cwe_number(s: &str) -> Option<u32> {
    s.trim()
        .trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '-')
        .parse()
        .ok()
}

/// One row of `finding list`: the history, the latest details, and the
/// status as of today under the current plan, resolved exactly as the gate
/// resolves it.
struct Row<'a> {
    history: &'a FindingHistory,
    finding: Option<Finding>,
    status: FindingStatus,
    triage: Option<&'a Triage>,
}

fn wanted(a: &FindingListArgs, r: &Row<'_>) -> bool {
    a.status.is_empty()
        || a.status.iter().any(|s| match s {
            FindingStateArg::Open => r.status.is_open(),
            FindingStateArg::Fixed => r.status == FindingStatus::Fixed,
            FindingStateArg::Reopened => {
                r.history.state == LifecycleState::Reopened && r.status.is_open()
            }
            FindingStateArg::Confirmed => r.status == FindingStatus::Confirmed,
            FindingStateArg::FalsePositive => r.status == FindingStatus::FalsePositive,
            FindingStateArg::Accepted => r.status == FindingStatus::Accepted,
        })
}

/// The status column: the one status, and "reopened" when it was fixed once.
fn status_text(r: &Row<'_>) -> String {
    if r.history.state == LifecycleState::Reopened && r.status.is_open() {
        format!("{} (reopened)", r.status)
    } else {
        r.status.to_string()
    }
}

pub fn list(g: &GlobalArgs, a: &FindingListArgs) -> Result<u8> {
    let (_root, plan) = crate::plan_at::load(&a.path, "read")?;
    let offering = plan.offering.name.clone();
    let want_cwe = match &a.cwe {
        Some(c) => Some(
            cwe_number(c)
                .with_context(|| format!("--cwe {c}: expected a CWE id such as 79 or CWE-79"))?,
        ),
        None => None,
    };
    let (rt, st) = open_store(g)?;
    let history = rt.block_on(st.finding_history(&offering))?;
    let triage = rt.block_on(st.triage(&offering))?;
    // the latest details of each finding, from the runs that last saw them
    let mut details: HashMap<String, Finding> = HashMap::new();
    let mut runs: Vec<&str> = history.iter().map(|h| h.last_seen_run.as_str()).collect();
    runs.sort_unstable();
    runs.dedup();
    for id in runs {
        let Ok(run_id) = id.parse::<RunId>() else {
            continue;
        };
        if let Some(run) = rt.block_on(st.get_run(run_id))? {
            for f in run.findings {
                details.insert(f.fingerprint.as_str().to_owned(), f);
            }
        }
    }
    rt.block_on(st.close());
    // The status as the gate would decide it today: the plan's current
    // acceptances, the latest triage, the day. A stored status of
    // false-positive without a triage decision is the tool's own
    // suppression; with one, the decision decides anyway.
    let today = chrono::Utc::now().date_naive();
    let mut found: Vec<Finding> = history
        .iter()
        .filter_map(|h| details.remove(h.fingerprint.as_str()))
        .collect();
    for f in &mut found {
        if f.status != FindingStatus::FalsePositive {
            f.status = FindingStatus::Open;
        }
        f.acceptance = None;
    }
    sef_engine::acceptance::apply(
        &mut found,
        &plan.risk_acceptances,
        &triage,
        today,
        plan.checkpoints.acceptance_policy(),
        sef_engine::acceptance::Signers {
            team: plan.security.team.as_ref(),
            offering: &plan.offering.name,
        },
    );
    let mut resolved: HashMap<String, Finding> = found
        .into_iter()
        .map(|f| (f.fingerprint.as_str().to_owned(), f))
        .collect();
    let latest = latest_triage(&triage);
    let all: Vec<Row<'_>> = history
        .iter()
        .map(|h| {
            let finding = resolved.remove(h.fingerprint.as_str());
            let status = status::across_runs(
                h.state,
                finding.as_ref().map_or(FindingStatus::Open, |f| f.status),
            );
            Row {
                history: h,
                finding,
                status,
                triage: latest.get(h.fingerprint.as_str()).copied(),
            }
        })
        .collect();
    let rows: Vec<&Row<'_>> = all
        .iter()
        .filter(|r| wanted(a, r))
        .filter(|r| a.severity.is_empty() || a.severity.contains(&r.history.severity))
        .filter(|r| {
            a.tool.as_deref().is_none_or(|t| {
                r.history
                    .analyzer
                    .to_lowercase()
                    .contains(&t.to_lowercase())
            })
        })
        .filter(|r| {
            want_cwe.is_none_or(|c| {
                r.finding
                    .as_ref()
                    .is_some_and(|f| f.cwe.iter().any(|x| x.0 == c))
            })
        })
        .collect();
    match a.format {
        ViewFormatArg::Json => {
            let items: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let f = r.finding.as_ref();
                    serde_json::json!({
                        "status": r.status,
                        "history": r.history,
                        "triage": r.triage,
                        // what the triage's signature proves: signed (key),
                        // SIGNATURE INVALID, or self-asserted (unsigned)
                        "triage_proof": r.triage.map(|t| {
                            sef_process::proof::triage_proof(plan.security.team.as_ref(), t)
                        }),
                        "acceptance": f.and_then(|f| f.acceptance.as_ref()),
                        "title": f.map(|f| f.title.clone()),
                        "cwe": f.map(|f| f.cwe.iter().map(|c| c.0).collect::<Vec<_>>()),
                        "id": f.map(|f| f.id.to_string()),
                    })
                })
                .collect();
            let mut by_status: std::collections::BTreeMap<&str, usize> =
                std::collections::BTreeMap::new();
            for r in &all {
                *by_status.entry(r.status.as_str()).or_default() += 1;
            }
            // KPI inputs: defects fixed per release, and the time to fix
            let mut fixed_per_release: std::collections::BTreeMap<&str, usize> =
                std::collections::BTreeMap::new();
            let mut days = Vec::new();
            for h in &history {
                if let (Some(at), Some(rel)) = (h.fixed_at, h.fixed_in_release.as_deref()) {
                    *fixed_per_release.entry(rel).or_default() += 1;
                    #[allow(clippy::cast_precision_loss)]
                    days.push((at - h.first_seen_at).num_seconds() as f64 / 86_400.0);
                }
            }
            #[allow(clippy::cast_precision_loss)]
            let mean_days_to_fix = (!days.is_empty())
                .then(|| (days.iter().sum::<f64>() / days.len() as f64 * 10.0).round() / 10.0);
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "schema": "sef.findings", "schema_version": 2, "offering": offering,
                "summary": {
                    "total": history.len(),
                    "by_status": by_status,
                    "fixed_per_release": fixed_per_release,
                    "mean_days_to_fix": mean_days_to_fix,
                },
                "findings": items,
            }))?;
            s.push('\n');
            output::emit_raw(&s, None)?;
        }
        ViewFormatArg::Text => {
            let mut o = format!(
                "Findings of {offering}: {} of {}\n",
                rows.len(),
                history.len()
            );
            for r in &rows {
                let h = r.history;
                let _ = writeln!(
                    o,
                    "  {:<15} {:<8} {:<30} {}",
                    status_text(r),
                    h.severity.as_str(),
                    h.rule_id,
                    h.location.as_deref().unwrap_or("-")
                );
                let _ = writeln!(
                    o,
                    "            {}",
                    r.finding
                        .as_ref()
                        .map_or_else(|| h.fingerprint.to_string(), |f| f.title.clone())
                );
                let mut line = format!(
                    "            {} · first seen {} ({}) · last seen {}",
                    h.analyzer,
                    h.first_seen_at.format("%Y-%m-%d"),
                    h.first_seen_release,
                    h.last_seen_at.format("%Y-%m-%d")
                );
                if let Some(at) = h.fixed_at {
                    let _ = write!(line, " · fixed {}", at.format("%Y-%m-%d"));
                }
                if let Some(a) = r.finding.as_ref().and_then(|f| f.acceptance.as_ref()) {
                    let _ = write!(line, " · {}", a.describe());
                } else if let Some(t) = r.triage {
                    let _ = write!(
                        line,
                        " · triage: {} by {} ({})",
                        t.status,
                        t.decided_by,
                        sef_process::proof::triage_proof(plan.security.team.as_ref(), t).label()
                    );
                }
                if let Some(f) = &r.finding {
                    let _ = write!(line, " · id {}", f.id);
                }
                let _ = writeln!(o, "{line}");
            }
            output::emit(&o, None, crate::cli::FormatArg::Text)?;
        }
    }
    Ok(crate::EXIT_PASS)
}

/// Resolves a finding reference to `(offering, fingerprint)`.
async fn resolve(st: &Store, reference: &str) -> Result<(String, String)> {
    let found = st.find_finding(reference).await?;
    match found.as_slice() {
        [] => bail!(
            "no stored finding matches `{reference}`; give a finding id (at least 4 characters) or a fingerprint, as `sef finding list` shows them"
        ),
        [one] => Ok(one.clone()),
        many => bail!(
            "`{reference}` matches {} findings; give more characters",
            many.len()
        ),
    }
}

pub fn show(g: &GlobalArgs, a: &FindingShowArgs) -> Result<u8> {
    let (rt, st) = open_store(g)?;
    let (offering, fp) = rt.block_on(resolve(&st, &a.id))?;
    let history = rt.block_on(st.finding_history(&offering))?;
    let h = history.into_iter().find(|h| h.fingerprint.as_str() == fp);
    let finding = rt.block_on(st.latest_finding(&offering, &fp))?;
    let triage: Vec<Triage> = rt
        .block_on(st.triage(&offering))?
        .into_iter()
        .filter(|t| t.fingerprint.as_str() == fp)
        .collect();
    rt.block_on(st.close());
    match a.format {
        ViewFormatArg::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "schema": "sef.finding", "schema_version": 1, "offering": offering,
                "finding": finding, "history": h, "triage": triage,
            }))?;
            s.push('\n');
            output::emit_raw(&s, None)?;
        }
        ViewFormatArg::Text => {
            let mut o = String::new();
            if let Some(f) = &finding {
                let _ = writeln!(o, "{} — {} ({})", f.rule_id, f.title, f.severity);
                if let Some(l) = &f.location {
                    let _ = writeln!(o, "  location:    {l}");
                }
                if !f.cwe.is_empty() {
                    let cwes: Vec<String> = f.cwe.iter().map(|c| format!("CWE-{}", c.0)).collect();
                    let _ = writeln!(o, "  CWE:         {}", cwes.join(", "));
                }
                let _ = writeln!(o, "  reported by: {}", f.analyzer);
                let _ = writeln!(o, "  fix:         {}", f.remediation);
            }
            let _ = writeln!(o, "  offering:    {offering}");
            let _ = writeln!(o, "  fingerprint: {fp}");
            if let Some(h) = &h {
                let _ = writeln!(
                    o,
                    "  history:     {}; first seen {} in {} (run {}); last seen {} (run {}); {} run(s)",
                    h.state,
                    h.first_seen_at.format("%Y-%m-%d %H:%M UTC"),
                    h.first_seen_release,
                    h.first_seen_run,
                    h.last_seen_at.format("%Y-%m-%d %H:%M UTC"),
                    h.last_seen_run,
                    h.occurrences
                );
                if let (Some(at), Some(rel)) = (h.fixed_at, &h.fixed_in_release) {
                    let _ = writeln!(
                        o,
                        "               fixed {} in {rel}",
                        at.format("%Y-%m-%d %H:%M UTC")
                    );
                }
            }
            if triage.is_empty() {
                let _ = writeln!(o, "  triage:      none recorded (`sef finding triage`)");
            }
            for t in &triage {
                let _ = writeln!(
                    o,
                    "  triage:      {} {} by {} ({}): {}{}",
                    t.decided_at.format("%Y-%m-%d %H:%M UTC"),
                    t.status,
                    t.decided_by,
                    if t.signature.is_some() {
                        "signed; `sef finding list` in its repository checks it"
                    } else {
                        "self-asserted (unsigned)"
                    },
                    t.reason,
                    t.expires
                        .map(|e| format!(" (until {e})"))
                        .unwrap_or_default()
                );
            }
            output::emit(&o, None, crate::cli::FormatArg::Text)?;
        }
    }
    Ok(crate::EXIT_PASS)
}

pub fn triage(g: &GlobalArgs, a: &FindingTriageArgs) -> Result<u8> {
    let reason = a.reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 || reason.chars().any(char::is_control) {
        bail!("--reason is one line of 1 to 2000 characters saying why");
    }
    let by = a
        .by
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && s.chars().count() <= 256 && !s.chars().any(char::is_control))
        .context("say who decides with --by NAME (USER is not set)")?;
    let status = match a.status {
        TriageArg::Confirmed => TriageStatus::Confirmed,
        TriageArg::FalsePositive => TriageStatus::FalsePositive,
        TriageArg::Accepted => TriageStatus::Accepted,
    };
    let today = chrono::Utc::now().date_naive();
    match (status, a.expires) {
        (TriageStatus::Accepted, Some(e)) if e < today => {
            bail!("--expires {e} is in the past; an acceptance holds until a future day")
        }
        (TriageStatus::Accepted, _) => {}
        (_, Some(_)) => bail!("--expires only goes with --status accepted"),
        _ => {}
    }
    let (_root, plan) = crate::plan_at::load(&a.repo, "read")?;
    sef_process::advance::authorize_triage(plan.security.team.as_ref(), &by)?;
    if status == TriageStatus::Accepted
        && let Some(why) = plan
            .checkpoints
            .acceptance_policy()
            .refusal(today, a.expires)
    {
        bail!(
            "the plan would not honour this acceptance: {why} (`[checkpoints] acceptance_max_days`); give --expires within the limit"
        );
    }
    let (rt, st) = open_store(g)?;
    let (offering, fp) = rt.block_on(resolve(&st, &a.id))?;
    if offering != plan.offering.name {
        rt.block_on(st.close());
        bail!(
            "the finding belongs to `{offering}`, but the plan at {} is `{}`'s; give --repo with the repository of `{offering}`",
            a.repo.display(),
            plan.offering.name
        );
    }
    let t = Triage {
        id: RunId::generate().to_string(),
        offering: offering.clone(),
        fingerprint: sef_model::Fingerprint::from_stored(fp.clone()),
        status,
        reason: reason.to_owned(),
        decided_by: by.clone(),
        decided_at: chrono::Utc::now(),
        expires: a.expires,
        signature: None,
    };
    let mut t = t;
    if let Some(key) = &a.sign_key {
        let sig = super::decision_sign::sign(&sef_process::proof::triage_payload(&t), key)?;
        t.signature = Some(sig);
        let state = sef_process::proof::triage_proof(plan.security.team.as_ref(), &t);
        if let Err(e) = super::decision_sign::require_verified(&state, &by) {
            rt.block_on(st.close());
            return Err(e);
        }
    }
    rt.block_on(st.record_triage(&t))?;
    rt.block_on(st.close());
    let until = match (status, a.expires) {
        (TriageStatus::Accepted, Some(e)) => format!(" until {e}"),
        (TriageStatus::Accepted, None) => ", no expiry".to_owned(),
        _ => String::new(),
    };
    let proof = sef_process::proof::triage_proof(plan.security.team.as_ref(), &t);
    println!(
        "{offering} {fp}: {status} by {by}{until}, {}; `sef gate` and `sef finding list` apply it now, reports from the next run",
        proof.label()
    );
    Ok(crate::EXIT_PASS)
}
