//! The inventory analyzer: every component from every lockfile, manifest
//! and supplied SBOM, with per-file diagnostics. A file that cannot be read
//! makes the evidence partial, never the whole analyzer fail.

use crate::{AnalysisContext, Analyzer, AnalyzerError, AnalyzerOutput, Progress};
use sef_inventory::{DiagnosticLevel, SbomSubject};
use sef_model::EvidencePayload;
use sef_model::evidence::facts::{Inventory, InventorySettings, InventorySummary};
use sef_model::{Artifact, Digest, EvidenceKind, ToolInfo};
use sef_plan::InventoryConfig;
use std::collections::BTreeMap;

/// The analyzer id under `[analyzers.<id>]`.
pub const ID: &str = "inventory";

/// The inventory analyzer.
pub struct InventoryAnalyzer {
    config: InventoryConfig,
}

impl InventoryAnalyzer {
    /// An analyzer with the given settings.
    pub fn new(config: InventoryConfig) -> Self {
        InventoryAnalyzer { config }
    }
}

impl Analyzer for InventoryAnalyzer {
    fn id(&self) -> &'static str {
        ID
    }

    fn kind(&self) -> EvidenceKind {
        EvidenceKind::Inventory
    }

    fn tool(&self) -> ToolInfo {
        crate::sef_tool(ID)
    }

    fn run(
        &self,
        ctx: &AnalysisContext<'_>,
        progress: &dyn Progress,
    ) -> Result<AnalyzerOutput, AnalyzerError> {
        if !ctx.root.is_dir() {
            return Err(AnalyzerError(format!(
                "{} is not a readable directory",
                ctx.root.display()
            )));
        }
        progress.message("reading lockfiles");
        let options = crate::inventory_options(&self.config);
        let inv = sef_inventory::scan(ctx.root, &sef_inventory::builtin(), &options);
        progress.advance(inv.files.len() as u64);

        let errors: Vec<_> = inv
            .diagnostics
            .iter()
            .filter(|d| d.level == DiagnosticLevel::Error)
            .collect();
        let partial = (!errors.is_empty()).then(|| {
            let quoted: Vec<String> = errors
                .iter()
                .take(5)
                .map(|d| match d.line {
                    Some(l) => format!("{}:{l}: {}", d.file, d.message),
                    None => format!("{}: {}", d.file, d.message),
                })
                .collect();
            format!(
                "{} problem(s) left files or folders unread or read only in part, e.g. {}",
                errors.len(),
                quoted.join("; ")
            )
        });

        let mut by_ecosystem: BTreeMap<&str, usize> = BTreeMap::new();
        for c in inv.components.iter().filter(|c| !c.first_party) {
            *by_ecosystem.entry(c.ecosystem.as_str()).or_default() += 1;
        }
        let first_party = inv.components.iter().filter(|c| c.first_party).count();
        let unpinned = inv
            .components
            .iter()
            .filter(|c| c.version.is_none() && !c.first_party)
            .count();
        let digest = Digest::of_parts(inv.components.iter().map(|c| {
            format!(
                "{}\0{}\0{}\0{}",
                c.source.file,
                c.ecosystem,
                c.name,
                c.version.as_deref().unwrap_or("")
            )
        }));
        let mut notes = Vec::new();
        if inv.files.is_empty() {
            notes.push("inventory: no lockfile, manifest or SBOM found; the component list is empty, not verified empty".to_owned());
        }
        let summary = InventorySummary {
            files: inv.files.len(),
            components: inv.components.len(),
            third_party: inv.components.len() - first_party,
            first_party,
            unpinned,
            by_ecosystem: by_ecosystem
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            excluded_files: inv.files.iter().filter(|f| f.excluded).count(),
            excluded_components: inv.excluded_components,
        };
        // the SBOM is written before the inventory moves into the payload
        let sbom = Artifact::new(
            "sbom.cdx.json",
            "application/vnd.cyclonedx+json",
            sef_inventory::cyclonedx_json(
                &SbomSubject {
                    name: ctx.plan.offering.name.clone(),
                    version: ctx.plan.release.version.clone(),
                    tool_version: crate::SEF_VERSION.to_owned(),
                    timestamp: sef_inventory::timestamp_from_env(
                        std::env::var("SOURCE_DATE_EPOCH").ok().as_deref(),
                        crate::now(),
                    )
                    .map_err(AnalyzerError)?,
                },
                &inv.components,
            ),
        );
        let payload = EvidencePayload::Inventory(Box::new(Inventory {
            summary,
            files: inv.files,
            diagnostics: inv.diagnostics,
            components: inv.components,
            settings: InventorySettings {
                scan_vendored: self.config.scan_vendored,
                include_ignored: self.config.include_ignored,
                max_file_bytes: self.config.max_file_bytes,
                exclude: self.config.exclude.clone(),
            },
        }));
        Ok(AnalyzerOutput {
            tool: self.tool(),
            input_digest: Some(digest),
            partial,
            payload,
            findings: Vec::new(),
            notes,
            artifacts: vec![sbom],
        })
    }
}
