//! `sef pti`, `sef plan` and `sef requirements`: the security plan on its
//! own, without a full assessment.

use crate::cli::{
    GlobalArgs, PlanArgs, PtiArgs, RequirementStatusArg, RequirementsArgs, RequirementsFormatArg,
    ViewFormatArg,
};
use crate::output;
use anyhow::Result;
use sef_engine::security_plan::{self, Status};
use sef_plan::Plan;
use sef_process::Tier;
use std::path::Path;

/// The largest ASVS file read.
const MAX_ASVS_BYTES: u64 = 32 * 1024 * 1024;

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

fn json_doc(schema: &str, plan: &Plan, body: (&str, serde_json::Value)) -> Result<String> {
    let mut doc = serde_json::Map::new();
    doc.insert("schema".into(), schema.into());
    doc.insert("schema_version".into(), 1.into());
    doc.insert("offering".into(), plan.offering.name.clone().into());
    doc.insert("release".into(), plan.release.version.clone().into());
    doc.insert(body.0.into(), body.1);
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}

pub fn pti(a: &PtiArgs) -> Result<u8> {
    let (root, plan) = crate::plan_at::load(&a.path, "read")?;
    let status = security_plan::evaluate(&root, &plan, None, today());
    let now = chrono::Utc::now();
    let evidence = security_plan::to_evidence(&status, now, now);
    let payload = &evidence[0].payload;
    let text = match a.format {
        ViewFormatArg::Text => sef_report::pti_text(
            &plan.offering.name,
            evidence[0].payload::<sef_model::evidence::plan_payloads::PtiPayload>(),
            a.explain,
        ),
        ViewFormatArg::Json => json_doc("sef.pti", &plan, ("pti", payload.to_json()))?,
    };
    output::emit_view(&text, a.output.as_deref(), a.format == ViewFormatArg::Text)?;
    Ok(if status.pti.tier().is_some() {
        crate::EXIT_PASS
    } else {
        crate::EXIT_FAIL
    })
}

pub fn plan(a: &PlanArgs) -> Result<u8> {
    let (root, plan) = crate::plan_at::load(&a.path, "read")?;
    let status = security_plan::evaluate(&root, &plan, None, today());
    let text = match a.format {
        ViewFormatArg::Text => {
            let now = chrono::Utc::now();
            let evidence = security_plan::to_evidence(&status, now, now);
            let warnings: Vec<String> = status.warnings.all().map(ToString::to_string).collect();
            sef_report::plan_text(
                &plan.offering.name,
                &plan.release.version,
                &evidence,
                &warnings,
            )
        }
        ViewFormatArg::Json => json_doc(
            "sef.plan",
            &plan,
            ("security_plan", serde_json::to_value(&status)?),
        )?,
    };
    output::emit_view(&text, a.output.as_deref(), a.format == ViewFormatArg::Text)?;
    Ok(if plan_answered(&status) {
        crate::EXIT_PASS
    } else {
        crate::EXIT_FAIL
    })
}

/// The PTI is complete and every planning question has an answer.
fn plan_answered(s: &Status) -> bool {
    s.pti.tier().is_some()
        && s.checklist
            .as_ref()
            .is_some_and(|c| c.unanswered.is_empty())
}

fn read_asvs(path: &Path) -> Result<sef_process::asvs::Standard> {
    let bytes = sef_fs::read(path, MAX_ASVS_BYTES).map_err(|e| match e {
        sef_fs::ReadError::TooLarge { .. } => anyhow::anyhow!(
            "{}: larger than {MAX_ASVS_BYTES} bytes; the official ASVS JSON is well under 1 MB, check that this is the right file",
            path.display()
        ),
        other => anyhow::anyhow!("cannot read the ASVS file: {other}"),
    })?;
    let text = String::from_utf8_lossy(&bytes);
    sef_process::asvs::parse(&text).map_err(|e| match e {
        sef_process::asvs::AsvsError::Json {
            line,
            column,
            message,
        } => anyhow::anyhow!(
            "{}:{line}:{column}: not valid JSON: {message}",
            path.display()
        ),
        sef_process::asvs::AsvsError::Shape(m) => anyhow::anyhow!("{}: {m}", path.display()),
    })
}

pub fn requirements(g: &GlobalArgs, a: &RequirementsArgs) -> Result<u8> {
    let asvs = a.asvs.as_deref().map(read_asvs).transpose()?;
    let (root, plan) = crate::plan_at::load(&a.path, "read")?;
    let tier = a.tier.and_then(Tier::new);
    let status = security_plan::evaluate_at_tier(&root, &plan, None, today(), tier);
    let rows: Vec<_> = status
        .requirements
        .rows
        .iter()
        .filter(|r| a.category.is_empty() || a.category.contains(&r.category))
        .filter(|r| {
            a.status.is_empty()
                || a.status.iter().any(|s| {
                    let name = match s {
                        RequirementStatusArg::Planned => "planned",
                        RequirementStatusArg::Implemented => "implemented",
                        RequirementStatusArg::Verified => "verified",
                        RequirementStatusArg::NotApplicable => "not-applicable",
                    };
                    sef_report::row_has_status(r, name)
                })
        })
        .cloned()
        .collect();
    if !g.quiet {
        let selection = if tier.is_some() {
            "the --tier given"
        } else if status.requirements.tier_from_pti {
            "the PTI"
        } else {
            "no PTI: every requirement"
        };
        eprintln!(
            "sef: {} of {} requirement(s) shown; tier {} ({selection})",
            rows.len(),
            status.requirements.rows.len(),
            status.requirements.tier.number()
        );
        for w in &status.warnings.requirements {
            eprintln!("sef: warning: {w}");
        }
        if let Some(std) = &asvs {
            let missing: Vec<&str> = sef_process::catalog::all()
                .flat_map(|r| r.asvs.iter().copied())
                .filter(|id| std.get(id).is_none())
                .collect();
            if !missing.is_empty() {
                eprintln!(
                    "sef: warning: {} ASVS reference(s) of the catalog are not in the supplied file (version {}): {}",
                    missing.len(),
                    if std.version.is_empty() {
                        "unstated"
                    } else {
                        &std.version
                    },
                    missing.join(", ")
                );
            }
        }
    }
    let format = match a.format {
        RequirementsFormatArg::Text => Some(sef_report::RequirementsFormat::Text),
        RequirementsFormatArg::Csv => Some(sef_report::RequirementsFormat::Csv),
        RequirementsFormatArg::Markdown => Some(sef_report::RequirementsFormat::Markdown),
        RequirementsFormatArg::Html => Some(sef_report::RequirementsFormat::Html),
        RequirementsFormatArg::Json => None,
    };
    let text = match format {
        Some(f) => sef_report::requirements(&rows, f, asvs.as_ref()),
        None => json_doc(
            "sef.requirements",
            &plan,
            (
                "requirements",
                serde_json::json!({
                    "tier": status.requirements.tier,
                    "tier_from_pti": status.requirements.tier_from_pti,
                    "rows": rows,
                }),
            ),
        )?,
    };
    output::emit_view(
        &text,
        a.output.as_deref(),
        a.format == RequirementsFormatArg::Text,
    )?;
    Ok(crate::EXIT_PASS)
}
