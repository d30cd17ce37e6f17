//! The payload of `resilience-testing` evidence: the penetration tests and
//! dynamic scans recorded in the repository (`security/tests/*.toml`), what
//! each covered, when, by whom, its findings and retests, and how much of
//! the release's declared scope a completed test covers.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Open findings by severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct SeverityCounts {
    /// Critical.
    pub critical: usize,
    /// High.
    pub high: usize,
    /// Medium.
    pub medium: usize,
    /// Low.
    pub low: usize,
    /// Informational.
    pub info: usize,
    /// No severity known.
    pub unknown: usize,
}

impl SeverityCounts {
    /// Adds one finding of `severity`.
    pub fn add(&mut self, severity: crate::Severity) {
        use crate::Severity as S;
        match severity {
            S::Critical => self.critical += 1,
            S::High => self.high += 1,
            S::Medium => self.medium += 1,
            S::Low => self.low += 1,
            S::Info => self.info += 1,
            S::Unknown => self.unknown += 1,
        }
    }

    /// All of them.
    pub fn total(&self) -> usize {
        self.critical + self.high + self.medium + self.low + self.info + self.unknown
    }
}

/// A tool report imported into a test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImportRecord {
    /// The format (`zap-json`, `zap-xml`, `nuclei`, `burp`, `sarif`).
    pub format: String,
    /// The file's name as imported.
    pub file: String,
    /// Its SHA-256.
    pub sha256: String,
    /// When it was imported.
    pub date: NaiveDate,
    /// Findings it reported.
    pub findings: usize,
}

/// One recorded test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TestSummary {
    /// The test's id (its file stem).
    pub id: String,
    /// The record file, relative to the repository.
    pub file: String,
    /// What was tested.
    pub title: String,
    /// Who tested.
    pub tester: String,
    /// `internal` or `external`.
    pub tester_kind: String,
    /// `black-box`, `grey-box` or `white-box`.
    pub method: String,
    /// When testing started.
    pub started: NaiveDate,
    /// When it was completed; `None` while in progress.
    pub completed: Option<NaiveDate>,
    /// The release it tested, when the record names one.
    pub release: Option<String>,
    /// Its scope: `component:…`, `endpoint:…`, `asset:…`.
    pub scope: Vec<String>,
    /// The SHA-256 of the test report, when recorded.
    pub report_sha256: Option<String>,
    /// Whether this completed test counts for the assessed release.
    pub counts_for_release: bool,
    /// Why it does not count, when it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why_not: Option<String>,
    /// Days from completion to the assessment.
    pub age_days: Option<i64>,
    /// Findings recorded.
    pub findings: usize,
    /// Of those, still open (not fixed by a retest).
    pub open: usize,
    /// Of those, fixed by a retest.
    pub fixed: usize,
    /// Open findings at or above the retest severity that no retest has
    /// looked at yet: until one does, the test covers nothing.
    pub awaiting_retest: usize,
    /// Retests recorded.
    pub retests: usize,
    /// The date of the last retest.
    pub last_retest: Option<NaiveDate>,
    /// Tool reports imported.
    pub imports: Vec<ImportRecord>,
}

/// Payload of `resilience-testing` evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct ResilienceTesting {
    /// The folder the records were read from, relative to the repository.
    pub records_dir: String,
    /// The release assessed.
    pub release: String,
    /// The scope the plan declares (`[resilience] scope`); empty when none.
    pub scope: Vec<String>,
    /// Declared scope items covered by a completed test that counts for
    /// the release.
    pub covered: Vec<String>,
    /// Declared scope items no such test covers.
    pub uncovered: Vec<String>,
    /// Of the uncovered items, those a completed test covers whose
    /// findings at or above the retest severity are not yet retested.
    pub awaiting_retest: Vec<String>,
    /// Findings at or above this severity must be retested before a test
    /// covers its scope (`[resilience] retest_severity`).
    pub retest_severity: String,
    /// A completed test counts for the qualify criterion within this many
    /// days (`[resilience] max_age_days`).
    pub max_age_days: u32,
    /// The tests, newest first.
    pub tests: Vec<TestSummary>,
    /// The id of the most recently completed test that counts for the
    /// release.
    pub latest_completed: Option<String>,
    /// Findings recorded across tests (deduplicated by fingerprint).
    pub findings: usize,
    /// Open findings by severity, before acceptances.
    pub open: SeverityCounts,
    /// Findings a retest fixed.
    pub fixed: usize,
}
