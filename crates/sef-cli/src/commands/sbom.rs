//! `sef sbom`: the SBOM of a repository.

use crate::cli::{GlobalArgs, SbomArgs, SbomFormatArg};
use crate::output;
use anyhow::Result;
use sef_inventory::{DiagnosticLevel, SbomSubject};

pub fn run(g: &GlobalArgs, a: &SbomArgs) -> Result<u8> {
    let (root, plan) = crate::plan_at::load(&a.path, "read")?;
    let cfg = &plan.analyzers.inventory;
    let options = sef_engine::inventory_options(cfg);
    let inv = sef_inventory::scan(&root, &sef_inventory::builtin(), &options);
    let subject = SbomSubject {
        name: plan.offering.name.clone(),
        version: plan.release.version.clone(),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        timestamp: sef_inventory::timestamp_from_env(
            std::env::var("SOURCE_DATE_EPOCH").ok().as_deref(),
            chrono::Utc::now(),
        )
        .map_err(anyhow::Error::msg)?,
    };
    let doc = match a.format {
        SbomFormatArg::Cyclonedx => sef_inventory::cyclonedx_json(&subject, &inv.components),
        SbomFormatArg::Spdx => sef_inventory::spdx_json(&subject, &inv.components),
    };
    if !g.quiet {
        for d in &inv.diagnostics {
            let line = d.line.map(|l| format!(":{l}")).unwrap_or_default();
            let level = match d.level {
                DiagnosticLevel::Error => "error",
                DiagnosticLevel::Warning => "warning",
            };
            eprintln!(
                "{}",
                crate::output::redacted(&format!("sef: {level}: {}{line}: {}", d.file, d.message))
            );
        }
        eprintln!(
            "sef: {} components from {} file(s)",
            inv.components.len(),
            inv.files.len()
        );
    }
    output::emit_raw(&doc, a.output.as_deref())?;
    Ok(crate::EXIT_PASS)
}
