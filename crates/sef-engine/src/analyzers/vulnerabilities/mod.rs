//! The known-vulnerabilities analyzer: every third-party component tested
//! against the local OSV database. A missing database is failed evidence
//! (never "0 vulnerabilities"); a stale one, or components the database
//! cannot test, make it partial. It records the KPI input "amount of the
//! offering tested for known vulnerabilities".
//!
//! It reads the inventory itself (one more walk of the tree); sharing the
//! inventory analyzer's result is a later optimisation. Given SBOM files
//! (`sef vulns --sbom`), it reads their components instead of the tree. A
//! lockfile it could not read makes the evidence partial: its components
//! were not tested.

use crate::{AnalysisContext, Analyzer, AnalyzerError, AnalyzerOutput, Progress};
use sef_advisory::db::AdvisoryDb;
use sef_advisory::matcher::match_components;
use sef_model::EvidencePayload;
use sef_model::evidence::vulnerabilities::{
    Database, DatabaseEcosystem, KnownVulnerabilities, Match, MatchSource, NotEvaluated, NotTested,
};
use sef_model::{
    CvssScore, Cwe, Digest, EvidenceKind, Finding, FindingId, FindingKind, FindingStatus,
    Fingerprint, Location, Severity, ToolInfo,
};
use sef_plan::{InventoryConfig, VulnerabilitiesConfig};
use std::path::PathBuf;

/// The analyzer id under `[analyzers.<id>]`.
pub const ID: &str = "vulnerabilities";

/// The known-vulnerabilities analyzer.
pub struct Vulnerabilities {
    config: VulnerabilitiesConfig,
    inventory: InventoryConfig,
    db: Option<PathBuf>,
    sboms: Vec<PathBuf>,
}

impl Vulnerabilities {
    /// An analyzer reading the database at `db` (`None`: no location known).
    pub fn new(
        config: VulnerabilitiesConfig,
        inventory: InventoryConfig,
        db: Option<PathBuf>,
    ) -> Self {
        Vulnerabilities {
            config,
            inventory,
            db,
            sboms: Vec::new(),
        }
    }

    /// Reads the components of these SBOM files (CycloneDX or SPDX JSON)
    /// instead of walking the repository.
    #[must_use]
    pub fn with_sboms(mut self, sboms: Vec<PathBuf>) -> Self {
        self.sboms = sboms;
        self
    }

    /// The components to test: the SBOMs' when given, else the tree's.
    fn inventory(&self, root: &std::path::Path) -> Result<sef_inventory::Inventory, AnalyzerError> {
        let options = crate::inventory_options(&self.inventory);
        if self.sboms.is_empty() {
            return Ok(sef_inventory::scan(
                root,
                &sef_inventory::builtin(),
                &options,
            ));
        }
        let mut inv = sef_inventory::Inventory::default();
        for path in &self.sboms {
            let label = path.display().to_string();
            let found = sef_inventory::read_sbom(path, &label, options.max_file_bytes).map_err(
                |e| match e.line {
                    Some(l) => AnalyzerError(format!("{label}:{l}: {}", e.message)),
                    None => AnalyzerError(format!("{label}: {}", e.message)),
                },
            )?;
            for (line, message) in found.incomplete {
                inv.diagnostics.push(sef_inventory::Diagnostic {
                    file: label.clone(),
                    line,
                    extractor: "sbom".into(),
                    level: sef_inventory::DiagnosticLevel::Error,
                    message,
                });
            }
            inv.components.extend(found.components);
        }
        Ok(inv)
    }
}

/// Days from a timestamp to `now`: the age of the data is that of its
/// newest record (`modified`), not of the import.
fn age_days(date: &str, now: chrono::DateTime<chrono::Utc>) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(date)
        .ok()
        .map(|t| (now - t.with_timezone(&chrono::Utc)).num_days())
}

impl Analyzer for Vulnerabilities {
    fn id(&self) -> &'static str {
        ID
    }

    fn kind(&self) -> EvidenceKind {
        EvidenceKind::KnownVulnerabilities
    }

    fn tool(&self) -> ToolInfo {
        crate::sef_tool(ID)
    }

    fn run(
        &self,
        ctx: &AnalysisContext<'_>,
        progress: &dyn Progress,
    ) -> Result<AnalyzerOutput, AnalyzerError> {
        progress.message(if self.sboms.is_empty() {
            "reading lockfiles"
        } else {
            "reading SBOMs"
        });
        let inv = self.inventory(ctx.root)?;
        // what could not be read was not tested: never "no vulnerability"
        let unread: Vec<String> = inv
            .diagnostics
            .iter()
            .filter(|d| d.level == sef_inventory::DiagnosticLevel::Error)
            .map(|d| match d.line {
                Some(l) => format!("{}:{l}: {}", d.file, d.message),
                None => format!("{}: {}", d.file, d.message),
            })
            .collect();
        let unread_note = (!unread.is_empty()).then(|| {
            format!(
                "{} file(s) could not be read in full, so what they list was not tested: {}",
                unread.len(),
                unread
                    .iter()
                    .take(5)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        });
        let third_party: Vec<usize> = inv
            .components
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.first_party)
            .map(|(i, _)| i)
            .collect();
        let mut notes = Vec::new();
        if third_party.is_empty() {
            return Ok(AnalyzerOutput {
                tool: self.tool(),
                input_digest: None,
                partial: unread_note,
                payload: EvidencePayload::KnownVulnerabilities(Box::default()),
                findings: Vec::new(),
                notes,
                artifacts: Vec::new(),
            });
        }
        let Some(location) = &self.db else {
            return Err(AnalyzerError(
                "no advisory database location (set --advisory-db or SEF_ADVISORY_DB)".into(),
            ));
        };
        progress.message("matching advisories");
        let db = AdvisoryDb::open(location)
            .map_err(|e| AnalyzerError(e.to_string()))?
            .ok_or_else(|| {
                AnalyzerError(format!(
                    "no advisory database at {}: {} component(s) untested; run `sef db update` (or `sef db import PATH` offline)",
                    location.display(),
                    third_party.len()
                ))
            })?;
        let started = std::time::Instant::now();
        let report =
            match_components(&db, &inv.components).map_err(|e| AnalyzerError(e.to_string()))?;
        tracing::info!(
            components = inv.components.len(),
            matches = report.matches.len(),
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "advisory matching done"
        );

        let now = crate::now();
        let mut partial: Vec<String> = unread_note.into_iter().collect();
        let mut db_info = std::collections::BTreeMap::new();
        let used: std::collections::BTreeSet<&str> = third_party
            .iter()
            .map(|i| inv.components[*i].ecosystem.as_str())
            .collect();
        for eco in &used {
            if let Some(info) = db.manifest().ecosystems.get(*eco) {
                let age = info
                    .newest_modified
                    .as_deref()
                    .and_then(|m| age_days(m, now));
                match age {
                    Some(a) if a > i64::from(self.config.max_age_days) => partial.push(format!(
                        "the {eco} advisories are {a} days old: their newest record was modified on {} (more than max_age_days = {}); run `sef db update`",
                        info.newest_modified.as_deref().unwrap_or("?").get(..10).unwrap_or("?"),
                        self.config.max_age_days
                    )),
                    Some(_) => {}
                    None => partial.push(format!(
                        "the age of the {eco} advisories is unknown: no record carries a real `modified` date, so sef cannot tell whether they are current"
                    )),
                }
                db_info.insert(
                    (*eco).to_owned(),
                    DatabaseEcosystem {
                        count: info.count,
                        imported_at: info.imported_at.clone(),
                        age_days: age,
                        source: info.source.clone(),
                        newest_modified: info.newest_modified.clone(),
                    },
                );
            }
        }
        if !report.not_tested.is_empty() {
            let mut reasons: std::collections::BTreeMap<&str, usize> =
                std::collections::BTreeMap::new();
            for (_, r) in &report.not_tested {
                *reasons.entry(r.as_str()).or_default() += 1;
            }
            partial.push(format!(
                "{} of {} component(s) not tested: {}",
                report.not_tested.len(),
                third_party.len(),
                reasons
                    .iter()
                    .map(|(r, n)| format!("{n} {r}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }

        let mut findings = Vec::new();
        let mut matches = Vec::new();
        for m in &report.matches {
            let c = &inv.components[m.component];
            let version = c.version.as_deref().unwrap_or("");
            let warning = m.informational.is_some();
            let severity = if warning {
                Severity::Info
            } else {
                // No CVSS and no rating in the advisory or its aliases:
                // unknown, never a guessed medium.
                m.severity.unwrap_or(Severity::Unknown)
            };
            // Go's standard library is the toolchain's: a finding on it is
            // fixed by building with a newer Go, not by a module upgrade.
            let toolchain = c.ecosystem == sef_model::Ecosystem::Go && c.name == "stdlib";
            let subject = if toolchain {
                format!("Go toolchain {version} (standard library)")
            } else {
                format!("{} {version}", c.name)
            };
            let reach = if m.symbols.is_empty() {
                ""
            } else {
                "; reachability not checked"
            };
            let title = match (&m.summary, &m.informational) {
                (Some(s), Some(kind)) => format!("{subject} is {kind}: {s} ({}{reach})", m.id),
                (Some(s), None) => format!("{subject}: {s} ({}{reach})", m.id),
                (None, _) => format!("{subject} is affected by {}{reach}", m.id),
            };
            let remediation = match &m.fixed {
                Some(f) if toolchain => format!(
                    "build with Go {f} or later, and record it in go.mod's `toolchain` directive"
                ),
                Some(f) => format!("upgrade {} to {f} or later", c.name),
                None if warning => format!("review {} and plan a replacement", c.name),
                None => format!(
                    "no fixed version of {} is published: remove or replace it, or record a risk acceptance",
                    c.name
                ),
            };
            findings.push(Finding {
                id: FindingId::generate(),
                kind: if warning {
                    FindingKind::AdvisoryWarning
                } else {
                    FindingKind::Vulnerability
                },
                analyzer: ID.into(),
                rule_id: m.id.clone(),
                title,
                remediation,
                cwe: m.cwe.iter().map(|n| Cwe(*n)).collect(),
                severity,
                location: Some(Location {
                    path: c.source.file.clone(),
                    line: c.source.line,
                    column: None,
                }),
                fingerprint: Fingerprint::compute([
                    ID,
                    m.id.as_str(),
                    c.ecosystem.as_str(),
                    c.name.as_str(),
                    c.source.file.as_str(),
                ]),
                status: FindingStatus::Open,
                package: Some(c.name.clone()),
                aliases: m.aliases.clone(),
                acceptance: None,
                cvss: m.cvss.as_ref().map(|(vector, score)| CvssScore {
                    vector: vector.clone(),
                    score: *score,
                }),
                references: m.references.clone(),
                dependency_path: c.path.clone(),
                scope: (c.scope != sef_model::DependencyScope::Unknown).then_some(c.scope),
            });
            matches.push(Match {
                id: m.id.clone(),
                aliases: m.aliases.clone(),
                ecosystem: c.ecosystem.as_str().to_owned(),
                package: c.name.clone(),
                version: version.to_owned(),
                fixed: m.fixed.clone(),
                cvss: m.cvss.as_ref().map(|(vector, score)| CvssScore {
                    vector: vector.clone(),
                    score: *score,
                }),
                severity: m.severity.map(|s| s.as_str().to_owned()),
                informational: m.informational.clone(),
                cwe: m.cwe.clone(),
                path: c.path.clone(),
                source: MatchSource {
                    file: c.source.file.clone(),
                    line: c.source.line,
                },
                references: m.references.clone(),
                symbols: m.symbols.clone(),
                reachability: (!m.symbols.is_empty()).then(|| {
                    "not checked: the advisory names the affected packages or symbols; sef does not analyse whether the offering calls them".to_owned()
                }),
            });
        }
        if partial.is_empty() && !report.not_evaluated.is_empty() {
            notes.push(format!(
                "{} advisory range(s) not evaluated (GIT ranges need the repository's history)",
                report.not_evaluated.len()
            ));
        }
        let digest = Digest::of_parts(
            inv.components
                .iter()
                .map(|c| {
                    format!(
                        "{}\0{}\0{}",
                        c.ecosystem,
                        c.name,
                        c.version.as_deref().unwrap_or("")
                    )
                })
                .chain(
                    db.manifest()
                        .ecosystems
                        .iter()
                        .map(|(e, i)| format!("db\0{e}\0{}\0{}", i.imported_at, i.count)),
                ),
        );
        let not_tested = report
            .not_tested
            .iter()
            .map(|(i, r)| NotTested {
                package: inv.components[*i].name.clone(),
                ecosystem: inv.components[*i].ecosystem.as_str().to_owned(),
                reason: r.clone(),
            })
            .collect();
        let not_evaluated = report
            .not_evaluated
            .iter()
            .map(|(i, id, r)| NotEvaluated {
                package: inv.components[*i].name.clone(),
                advisory: id.clone(),
                reason: r.clone(),
            })
            .collect();
        let payload = EvidencePayload::KnownVulnerabilities(Box::new(KnownVulnerabilities {
            database: Some(Database {
                location: location.display().to_string(),
                ecosystems: db_info,
            }),
            components: third_party.len(),
            tested: report.tested,
            not_tested,
            not_evaluated,
            matches,
        }));
        Ok(AnalyzerOutput {
            tool: self.tool(),
            input_digest: Some(digest),
            partial: (!partial.is_empty()).then(|| partial.join("; ")),
            payload,
            findings,
            notes,
            artifacts: Vec::new(),
        })
    }
}
