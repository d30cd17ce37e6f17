//! Payloads read from other tools' output: static analysis (SARIF), tests (JUnit) and release-artefact signatures.

use serde::{Deserialize, Serialize};

/// One tool run found in a SARIF file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ToolRun {
    /// The tool's name (`driver.name`).
    pub name: String,
    /// Its version, when stated.
    pub version: Option<String>,
    /// Results in this run.
    pub results: usize,
    /// Rules the tool declared (what it can detect).
    pub rules: usize,
    /// CWE ids the tool's rules cover.
    pub rule_cwes: Vec<u32>,
    /// `false` when an invocation says it did not execute successfully.
    pub execution_successful: bool,
    /// The tool's own error and warning notifications.
    pub notifications: Vec<String>,
}

/// One SARIF source and what became of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct SarifFile {
    /// The source's name in the plan (`[[analyzers.sarif]] name`).
    pub name: String,
    /// The SARIF file.
    pub file: String,
    /// `read` or `failed`.
    pub state: String,
    /// Results read, when read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<usize>,
    /// Why it failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The command's exit code and the last line it wrote to stderr, when
    /// a command was run.
    pub command: Option<CommandNote>,
    /// Given on the command line (`sef ingest sarif`) rather than by the
    /// plan: `sef gate` and `sef phase advance` read it again.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ingested: bool,
}

/// What a SARIF command did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct CommandNote {
    /// Its exit code.
    pub exit_code: i32,
    /// The last line of its standard error (empty when it wrote none).
    pub stderr_tail: String,
}

/// Payload of `static-analysis` evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct StaticAnalysis {
    /// Each SARIF source.
    pub files: Vec<SarifFile>,
    /// Each tool run read.
    pub tools: Vec<ToolRun>,
    /// Findings after deduplication.
    pub findings: usize,
    /// Results dropped as duplicates.
    pub duplicates: usize,
    /// CWE ids the tools' rules cover.
    pub rule_cwes: Vec<u32>,
    /// Problems in the SARIF (paths outside the repository, …).
    pub diagnostics: Vec<String>,
}

/// One JUnit file read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct JunitFile {
    /// The file, as shown.
    pub file: String,
    /// Test cases in it.
    pub cases: usize,
    /// Read from the command line (`sef ingest junit`) rather than named by
    /// the plan: the gate reads it again from here.
    pub ingested: bool,
}

/// One security test and its outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct ListedTest {
    /// The test's full name.
    pub test: String,
    /// `passed`, `failed` or `skipped`.
    pub outcome: String,
}

/// The security tests among the results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct SecurityTestCounts {
    /// The name pattern that marks a security test, if any.
    pub pattern: Option<String>,
    /// Security test cases.
    pub cases: usize,
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Skipped.
    pub skipped: usize,
    /// The tests, up to a cap.
    pub tests: Vec<ListedTest>,
    /// Whether `tests` lists every one.
    pub listed_all: bool,
}

impl SecurityTestCounts {
    /// Security tests that ran: passed or failed.
    pub fn executed(&self) -> usize {
        self.passed + self.failed
    }
}

/// Payload of `security-tests` evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct SecurityTests {
    /// The files read.
    pub files: Vec<JunitFile>,
    /// Test cases.
    pub cases: usize,
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Skipped.
    pub skipped: usize,
    /// The security tests among them.
    pub security: SecurityTestCounts,
}

/// One declared release artefact and its checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct ArtifactCheck {
    /// The artefact, repository-relative.
    pub file: String,
    /// `verified`, `unsigned`, `invalid`, `unknown-key`, …
    pub signature: String,
    /// The key that verified it.
    pub key: Option<String>,
    /// What failed, when something did.
    pub detail: Option<String>,
    /// `match`, `mismatch`, `unreadable` or `None` without a checksum file.
    pub checksum: Option<String>,
}

impl ArtifactCheck {
    /// The signature state that counts as signed.
    pub const VERIFIED: &'static str = "verified";
}

/// A team public key the artefacts are checked against.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct SigningKey {
    /// The key file.
    pub file: String,
    /// The key id.
    pub key_id: String,
}

/// Payload of `signatures` evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Signatures {
    /// Each artefact.
    pub artifacts: Vec<ArtifactCheck>,
    /// The keys.
    pub keys: Vec<SigningKey>,
}

impl Signatures {
    /// Artefacts whose signature verified.
    pub fn verified(&self) -> usize {
        self.artifacts
            .iter()
            .filter(|a| a.signature == ArtifactCheck::VERIFIED)
            .count()
    }
}
