//! One assessment run: everything `sef assess` gathered and decided, as it
//! is stored and reported.

use crate::{
    Artifact, Digest, Evidence, Finding, FindingStatus, GateDecision, GateOutcome, KpiValue,
    Offering, Phase, Release, RunId, Severity,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Counts of findings: the ones that need action (open or confirmed) by
/// severity, and beside them the accepted and false-positive ones. Every
/// view counts with this, so that no total includes triaged findings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityCounts {
    /// Critical findings.
    pub critical: u64,
    /// High findings.
    pub high: u64,
    /// Medium findings.
    pub medium: u64,
    /// Low findings.
    pub low: u64,
    /// Informational findings.
    pub info: u64,
    /// Findings of unknown severity.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unknown: u64,
    /// Findings whose risk is accepted (not in the severity counts).
    #[serde(default)]
    pub accepted: u64,
    /// Findings judged false positives (not in the severity counts).
    #[serde(default)]
    pub false_positive: u64,
}

impl SeverityCounts {
    /// Counts the given findings by their status.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        let mut c = SeverityCounts::default();
        for f in findings {
            match f.status {
                FindingStatus::Open | FindingStatus::Confirmed => c.add(f.severity, 1),
                FindingStatus::Accepted => c.accepted += 1,
                FindingStatus::FalsePositive => c.false_positive += 1,
                FindingStatus::Fixed => {}
            }
        }
        c
    }

    /// Adds `n` findings of a severity.
    pub fn add(&mut self, s: Severity, n: u64) {
        match s {
            Severity::Critical => self.critical += n,
            Severity::High => self.high += n,
            Severity::Medium => self.medium += n,
            Severity::Low => self.low += n,
            Severity::Info => self.info += n,
            Severity::Unknown => self.unknown += n,
        }
    }

    /// The count for one severity.
    pub fn get(&self, s: Severity) -> u64 {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
            Severity::Unknown => self.unknown,
        }
    }

    /// The findings that need action (open or confirmed).
    pub fn total(&self) -> u64 {
        self.critical + self.high + self.medium + self.low + self.info + self.unknown
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A complete assessment run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentRun {
    /// The run's id.
    pub id: RunId,
    /// The offering assessed.
    pub offering: Offering,
    /// The release assessed.
    pub release: Release,
    /// When the run started.
    pub started_at: DateTime<Utc>,
    /// When the run finished.
    pub finished_at: DateTime<Utc>,
    /// The sef version that ran it.
    pub sef_version: String,
    /// The assessed directory, as given on the command line, made absolute.
    pub root: String,
    /// The security plan file, or `None` when defaults were used.
    pub plan_file: Option<String>,
    /// Digest of the plan file's bytes, when there is one.
    pub plan_digest: Option<Digest>,
    /// Things the reader must know about this run: defaults used, no git
    /// history, plan sections this version does not evaluate yet.
    pub notes: Vec<String>,
    /// Evidence, one record per analyzer that was enabled.
    pub evidence: Vec<Evidence>,
    /// Findings from all analyzers.
    pub findings: Vec<Finding>,
    /// KPI values computed from the evidence.
    pub kpis: Vec<KpiValue>,
    /// The gate decision for the release's current phase.
    pub gate: GateDecision,
    /// Documents kept with the run (the SBOM, ...); listed in reports, the
    /// content is stored separately.
    #[serde(default)]
    pub artifacts: Vec<Artifact>,
}

impl AssessmentRun {
    /// Whether defaults were used because there was no plan file.
    pub fn defaults_used(&self) -> bool {
        self.plan_file.is_none()
    }

    /// The run's summary line as listed by `sef runs list`.
    pub fn summary(&self) -> RunSummary {
        RunSummary {
            id: self.id,
            offering: self.offering.name.clone(),
            release_version: self.release.version.clone(),
            phase: self.release.phase,
            started_at: self.started_at,
            finished_at: self.finished_at,
            outcome: self.gate.outcome,
            evidence_complete: self.gate.evidence_complete,
            findings: SeverityCounts::of(&self.findings),
            short_id: String::new(),
        }
    }
}

/// A run in a listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// The run's id.
    pub id: RunId,
    /// The offering's name.
    pub offering: String,
    /// The release version.
    pub release_version: String,
    /// The release's phase at the time of the run.
    pub phase: Phase,
    /// When the run started.
    pub started_at: DateTime<Utc>,
    /// When the run finished.
    pub finished_at: DateTime<Utc>,
    /// The gate outcome.
    pub outcome: GateOutcome,
    /// Whether all evidence was complete.
    pub evidence_complete: bool,
    /// Findings by severity.
    pub findings: SeverityCounts,
    /// The shortest prefix of the id unique in the store (at least 8
    /// characters), when the listing computed it; `sef runs show` and
    /// `sef runs diff` accept it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub short_id: String,
}
