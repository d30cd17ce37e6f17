//! `sef threat import`, `review` and `track`: the commands that write
//! files, each checking that what it writes reads back.

use super::{evaluated, today};
use crate::cli::{
    RiskStatusArg, ThreatImportArgs, ThreatImportFormat, ThreatReviewArgs, ThreatTrackArgs,
};
use crate::output;
use anyhow::{Result, anyhow, bail};
use sef_engine::threat_model as analyzer;
use sef_threat::tracking::{self, Status, Update};
use sef_threat::{emit, import};
use std::path::Path;

pub(super) fn import_cmd(a: &ThreatImportArgs) -> Result<u8> {
    let shown = a.file.display().to_string();
    let text = sef_fs::read_string(&a.file, sef_threat::load::MAX_MODEL_BYTES)
        .map_err(|e| anyhow!("{shown}: cannot read: {}", e.reason()))?;
    let format = match a.from {
        ThreatImportFormat::Threagile => import::Format::Threagile,
        ThreatImportFormat::ThreatDragon => import::Format::ThreatDragon,
    };
    let imported = import::convert(format, &text).map_err(|e| anyhow!("{shown}: {e}"))?;
    let name = a
        .file
        .file_name()
        .map_or(shown.clone(), |n| n.to_string_lossy().into_owned());
    let yaml = emit::model_yaml(
        &imported.model,
        &format!(
            "Imported by `sef threat import` from {name}.\nCheck what the notes below say the source did not record.\n{}",
            imported
                .notes
                .iter()
                .map(|n| format!("- {n}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    );
    // What is written must check.
    sef_threat::load(&[(name.clone(), yaml.clone())]).map_err(|errs| {
        anyhow!(
            "the converted model does not check; nothing was written:\n{}",
            errs.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    if a.output.as_deref() == Some(Path::new("-")) {
        output::emit_raw(&yaml, None)?;
    } else {
        let path = match &a.output {
            Some(p) => p.clone(),
            None => {
                let (root, plan) = crate::plan_at::load(&a.repo.repo, "import a threat model")?;
                root.join(analyzer::config(&plan).dir).join("model.yaml")
            }
        };
        if path.exists() && !a.force {
            bail!(
                "{}: exists; choose --output, or --force to replace it",
                path.display()
            );
        }
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d)
                .map_err(|e| anyhow!("{}: cannot create: {e}", d.display()))?;
        }
        output::write_atomically(&path, yaml.as_bytes())?;
        eprintln!(
            "wrote {} ({} data assets, {} technical assets, {} actors, {} flows, {} boundaries)",
            path.display(),
            imported.model.data_assets.len(),
            imported.model.technical_assets.len(),
            imported.model.actors.len(),
            imported.model.data_flows.len(),
            imported.model.trust_boundaries.len()
        );
    }
    for n in &imported.notes {
        eprintln!("note: {n}");
    }
    Ok(0)
}

fn tracking_text(root: &Path, rel: &str) -> Result<String> {
    Ok(
        sef_fs::read_string_if_exists(&root.join(rel), sef_threat::load::MAX_MODEL_BYTES)
            .map_err(|e| anyhow!("{rel}: cannot read: {}", e.reason()))?
            .unwrap_or_default(),
    )
}

pub(super) fn review(a: &ThreatReviewArgs) -> Result<u8> {
    let (root, plan, e) = evaluated(&a.repo.repo, "record a threat-model review")?;
    let e = e.map_err(|p| {
        anyhow!("{p}\nthe threat model does not check: a review records a model that does")
    })?;
    let s = analyzer::settings(&plan);
    if !s.architects.iter().any(|x| x == &a.reviewer) {
        bail!(
            "`{}` may not review the threat model: a review is by a member of [team] with the architect role ({})",
            a.reviewer,
            if s.architects.is_empty() {
                "the plan has none".to_owned()
            } else {
                s.architects.join(", ")
            }
        );
    }
    let date = a.date.unwrap_or_else(today);
    if date > today() {
        bail!("--date {date} is in the future");
    }
    let rel = e.loaded.tracking_path.clone();
    let text = tracking_text(&root, &rel)?;
    let out = tracking::add_review(
        &rel,
        &text,
        &a.reviewer,
        date,
        &e.loaded.digest,
        a.note.as_deref(),
    )?;
    output::write_atomically(&root.join(&rel), out.as_bytes())?;
    println!(
        "recorded in {rel}: review by {} on {date} of {}",
        a.reviewer, e.loaded.digest
    );
    Ok(0)
}

pub(super) fn track(a: &ThreatTrackArgs) -> Result<u8> {
    let (root, plan, e) = evaluated(&a.repo.repo, "track a threat-model risk")?;
    let e = e.map_err(|p| anyhow!("{p}\nthe threat model does not check; fix it first"))?;
    if !e.outcome.risks.iter().any(|r| r.id == a.risk) {
        let near: Vec<&str> = e
            .outcome
            .risks
            .iter()
            .map(|r| r.id.as_str())
            .filter(|id| {
                id.split('@').next() == a.risk.split('@').next()
                    || id.ends_with(a.risk.split('@').nth(1).unwrap_or("\0"))
            })
            .take(5)
            .collect();
        bail!(
            "`{}` is no risk of the model{}; see `sef threat list`",
            a.risk,
            if near.is_empty() {
                String::new()
            } else {
                format!(" (similar: {})", near.join(", "))
            }
        );
    }
    let status = match a.status {
        RiskStatusArg::Unchecked => Status::Unchecked,
        RiskStatusArg::InProgress => Status::InProgress,
        RiskStatusArg::Mitigated => Status::Mitigated,
        RiskStatusArg::Accepted => Status::Accepted,
        RiskStatusArg::FalsePositive => Status::FalsePositive,
    };
    let mut u = Update {
        status: Some(status),
        requirement: a.requirement.clone(),
        evidence: a.evidence.clone(),
        note: a.note.clone(),
        ..Update::default()
    };
    if let Some(r) = &a.requirement
        && !analyzer::known_requirement(&plan)(r)
    {
        bail!(
            "--requirement {r}: no such requirement in sef's catalog or the plan (sef requirements)"
        );
    }
    match status {
        Status::Mitigated if a.requirement.is_none() && a.evidence.is_none() => {
            bail!("`mitigated` names what mitigates the risk: --requirement ID or --evidence WHAT");
        }
        Status::Accepted => {
            let (Some(approver), Some(justification), Some(expires)) =
                (&a.approver, &a.justification, a.expires)
            else {
                bail!("`accepted` needs --approver, --justification and --expires");
            };
            let s = analyzer::settings(&plan);
            match &s.approvers {
                None => bail!("the plan has no [team]: nobody may accept a risk"),
                Some(list) if !list.contains(approver) => bail!(
                    "`{approver}` may not accept risks: only members of [team] with a triage role ({})",
                    list.join(", ")
                ),
                Some(_) => {}
            }
            let granted = today();
            if expires < granted {
                bail!("--expires {expires} is in the past");
            }
            if let Some(max) = s.acceptance_max_days
                && (expires - granted).num_days() > i64::from(max)
            {
                bail!(
                    "--expires {expires} is more than the plan's acceptance_max_days = {max} days away"
                );
            }
            u.approver = Some(approver.clone());
            u.justification = Some(justification.clone());
            u.granted = Some(granted);
            u.expires = Some(expires);
        }
        _ => {}
    }
    let rel = e.loaded.tracking_path.clone();
    let text = tracking_text(&root, &rel)?;
    let out = tracking::set_risk(&rel, &text, &a.risk, &u)?;
    output::write_atomically(&root.join(&rel), out.as_bytes())?;
    println!("recorded in {rel}: {} is {}", a.risk, status.as_str());
    Ok(0)
}
