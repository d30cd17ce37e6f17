//! `sef sbom`: the SBOM of a repository.

use crate::cli::{GlobalArgs, SbomArgs, SbomFormatArg};
use crate::output;
use anyhow::Result;
use sef_inventory::{DiagnosticLevel, SbomSubject};

pub fn run(g: &GlobalArgs, a: &SbomArgs) -> Result<u8> {
    // the redaction rules and their long-text automaton are built on
    // another thread while the tree is walked
    let _ = std::thread::Builder::new()
        .name("sef-redactor".into())
        .spawn(|| sef_secrets::builtin_redactor().warm_for_long_text());
    let (_, plan, inv) = crate::plan_at::load_with(&a.path, "read", |root, plan| {
        let options = sef_engine::inventory_options(&plan.analyzers.inventory);
        sef_inventory::scan(root, &sef_inventory::builtin(), &options)
    })?;
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
        // redacted part by part on the thread pool as it is written
        SbomFormatArg::Cyclonedx => {
            sef_inventory::cyclonedx_json_redacted(&subject, &inv.components, &|part| {
                sef_secrets::builtin_redactor().redact(part)
            })
        }
        SbomFormatArg::Spdx => {
            crate::output::redacted(&sef_inventory::spdx_json(&subject, &inv.components))
                .into_owned()
        }
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
    output::emit_redacted(&doc, a.output.as_deref(), false)?;
    // the process ends here: what it built is left to the operating system
    // to reclaim, not freed string by string (about a millisecond)
    std::mem::forget((inv, doc, plan));
    Ok(crate::EXIT_PASS)
}
