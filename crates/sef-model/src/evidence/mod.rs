//! Evidence: what an analyzer gathered, with its provenance (which tool and
//! version, when, over which inputs) and whether it is complete, and the
//! typed payload of each kind (one module per family).

pub mod facts;
pub mod history;
mod payload;
pub mod plan_payloads;
pub mod resilience;
pub mod schema;
pub mod secrets;
pub mod threat;
pub mod tools;
pub mod vulnerabilities;

pub use payload::{EvidencePayload, PAYLOAD_VERSION, PayloadError, PayloadOf};

use crate::EvidenceId;
use crate::names::{hash_parts, named_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

named_enum! {
    /// The kind of evidence. Each analyzer produces exactly one kind.
    pub enum EvidenceKind {
        /// Facts about the repository: git state, languages, policy files.
        RepositoryFacts => "repository-facts",
        /// The components the offering ships, from lockfiles, manifests and SBOMs.
        Inventory => "inventory",
        /// The components tested against the advisory database, and what matched.
        KnownVulnerabilities => "known-vulnerabilities",
        /// Results of analysis tools (semgrep, CodeQL, clippy, …) read from SARIF.
        StaticAnalysis => "static-analysis",
        /// Test results read from JUnit XML, security tests counted apart.
        SecurityTests => "security-tests",
        /// The release artefacts' signatures and checksums.
        Signatures => "signatures",
        /// The git history of the release: code-review coverage, commit
        /// signatures and contributors.
        History => "history",
        /// Hard-coded secrets found in the working tree (and history).
        Secrets => "secrets",
        /// The Predictive Threat Index: the answers, the index and the tier.
        Pti => "pti",
        /// The SEF's seven planning questions, answered for the release.
        PlanningChecklist => "planning-checklist",
        /// The release's security requirements, their status and verification.
        SecurityRequirements => "security-requirements",
        /// The security documentation expected per SEF role, and its state.
        SecurityDocumentation => "security-documentation",
        /// The team's security training against what each role requires.
        Education => "education",
        /// The threat model: assets, flows, trust boundaries and the ranked
        /// risks the rules find in them, with their tracking and review.
        ThreatModel => "threat-model",
        /// Penetration tests and dynamic scans recorded in the repository,
        /// with their findings and retests.
        ResilienceTesting => "resilience-testing",
        /// Security problems reported after the release was available.
        /// Nothing produces it yet.
        Incidents => "incidents",
        /// The platform security features the offering uses. Nothing
        /// produces it yet.
        Platform => "platform",
    }
}

impl EvidenceKind {
    /// The parts of the security plan: evaluated from the plan after the
    /// analyzers rather than gathered by one of them.
    pub const SECURITY_PLAN: [EvidenceKind; 5] = [
        EvidenceKind::Pti,
        EvidenceKind::PlanningChecklist,
        EvidenceKind::SecurityRequirements,
        EvidenceKind::SecurityDocumentation,
        EvidenceKind::Education,
    ];

    /// Whether this kind is a part of the security plan.
    pub fn is_security_plan(self) -> bool {
        Self::SECURITY_PLAN.contains(&self)
    }
}

/// The tool that produced a piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ToolInfo {
    /// The tool's name, e.g. `sef/repo-facts` or `semgrep`.
    pub name: String,
    /// The tool's version.
    pub version: String,
}

/// A SHA-256 digest over an analyzer's inputs, hex-encoded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Digest(String);

impl Digest {
    /// Hashes the given byte strings in order, each length-prefixed so that
    /// `["ab", "c"]` and `["a", "bc"]` differ.
    pub fn of_parts<I, B>(parts: I) -> Self
    where
        I: IntoIterator<Item = B>,
        B: AsRef<[u8]>,
    {
        Digest(format!("sha256:{}", hex::encode(hash_parts(parts))))
    }

    /// Wraps a digest string read back from the store.
    pub fn from_stored(s: String) -> Self {
        Digest(s)
    }

    /// The digest as text, `sha256:<hex>`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether the evidence is whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum EvidenceStatus {
    /// The analyzer saw everything it was asked to look at.
    Complete,
    /// The analyzer ran but some inputs could not be read.
    Partial {
        /// What was missed and why.
        reason: String,
    },
    /// The analyzer could not produce evidence.
    Failed {
        /// Why it failed.
        reason: String,
    },
    /// What the evidence would be drawn from does not exist yet (e.g. the
    /// plan has no PTI): nothing failed, but there is nothing to show.
    Missing {
        /// What is missing and how to supply it.
        reason: String,
    },
}

impl EvidenceStatus {
    /// `complete`, `partial`, `failed` or `missing`.
    pub fn label(&self) -> &'static str {
        match self {
            EvidenceStatus::Complete => "complete",
            EvidenceStatus::Partial { .. } => "partial",
            EvidenceStatus::Failed { .. } => "failed",
            EvidenceStatus::Missing { .. } => "missing",
        }
    }

    /// The reason for a partial or failed status.
    pub fn reason(&self) -> Option<&str> {
        match self {
            EvidenceStatus::Complete => None,
            EvidenceStatus::Partial { reason }
            | EvidenceStatus::Failed { reason }
            | EvidenceStatus::Missing { reason } => Some(reason),
        }
    }

    /// Rebuilds a status from its stored label and reason.
    pub fn from_parts(label: &str, reason: Option<String>) -> Option<Self> {
        match label {
            "complete" => Some(EvidenceStatus::Complete),
            "partial" => Some(EvidenceStatus::Partial {
                reason: reason.unwrap_or_default(),
            }),
            "failed" => Some(EvidenceStatus::Failed {
                reason: reason.unwrap_or_default(),
            }),
            "missing" => Some(EvidenceStatus::Missing {
                reason: reason.unwrap_or_default(),
            }),
            _ => None,
        }
    }
}

/// One piece of evidence, with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// This record's id.
    pub id: EvidenceId,
    /// What kind of evidence it is.
    pub kind: EvidenceKind,
    /// The analyzer id in `sef.toml` that produced it.
    pub analyzer: String,
    /// The producing tool and its version.
    pub tool: ToolInfo,
    /// When the analyzer started.
    pub started_at: DateTime<Utc>,
    /// When the analyzer finished.
    pub finished_at: DateTime<Utc>,
    /// A digest of the inputs the analyzer read, when it can name them.
    pub input_digest: Option<Digest>,
    /// Complete, partial or failed.
    pub status: EvidenceStatus,
    /// The evidence itself, typed by `kind` (documented in
    /// `docs/evidence.md`).
    pub payload: EvidencePayload,
}

impl Evidence {
    /// The payload as `P`, when this evidence is of `P`'s kind and has one.
    pub fn payload<P: PayloadOf>(&self) -> Option<&P> {
        P::of(&self.payload)
    }

    /// What this evidence looked at completely: its analyzer when the
    /// evidence is complete, and `analyzer:tool` for each tool inside it
    /// that ran completely (a SARIF source's tool, even when another
    /// source of the same analyzer failed). A finding is fixed only by a
    /// later run that covered what reported it.
    pub fn complete_scopes(&self) -> Vec<String> {
        complete_scopes(&self.analyzer, &self.status, &self.payload)
    }
}

/// [`Evidence::complete_scopes`] from the parts, for stored rows.
pub fn complete_scopes(
    analyzer: &str,
    status: &EvidenceStatus,
    payload: &EvidencePayload,
) -> Vec<String> {
    let mut out = Vec::new();
    if matches!(
        status,
        EvidenceStatus::Failed { .. } | EvidenceStatus::Missing { .. }
    ) {
        return out;
    }
    if *status == EvidenceStatus::Complete {
        out.push(analyzer.to_owned());
    }
    out.extend(
        payload
            .complete_parts()
            .into_iter()
            .map(|p| format!("{analyzer}:{p}")),
    );
    out
}

/// The stored form of [`Evidence`], payload still JSON.
#[derive(Deserialize)]
struct StoredEvidence {
    id: EvidenceId,
    kind: EvidenceKind,
    analyzer: String,
    tool: ToolInfo,
    started_at: DateTime<Utc>,
    finished_at: DateTime<Utc>,
    input_digest: Option<Digest>,
    status: EvidenceStatus,
    #[serde(default)]
    payload: serde_json::Value,
    /// Written by sef since payload version 2; absent means 1.
    #[serde(default)]
    payload_version: Option<u32>,
}

impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = StoredEvidence::deserialize(d)?;
        let payload = EvidencePayload::from_json(s.kind, s.payload_version.unwrap_or(1), s.payload)
            .map_err(serde::de::Error::custom)?;
        Ok(Evidence {
            id: s.id,
            kind: s.kind,
            analyzer: s.analyzer,
            tool: s.tool,
            started_at: s.started_at,
            finished_at: s.finished_at,
            input_digest: s.input_digest,
            status: s.status,
            payload,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_length_prefixed() {
        assert_ne!(Digest::of_parts(["ab", "c"]), Digest::of_parts(["a", "bc"]));
        assert_eq!(Digest::of_parts(["x"]), Digest::of_parts(["x"]));
        assert!(Digest::of_parts(["x"]).as_str().starts_with("sha256:"));
    }

    #[test]
    fn status_serializes_with_reason() {
        let s = EvidenceStatus::Failed {
            reason: "boom".into(),
        };
        let j = serde_json::to_value(&s).unwrap();
        assert_eq!(j, serde_json::json!({"state": "failed", "reason": "boom"}));
        assert_eq!(
            EvidenceStatus::from_parts("failed", Some("boom".into())),
            Some(s)
        );
        assert_eq!(EvidenceStatus::from_parts("weird", None), None);
    }

    #[test]
    fn kinds_round_trip() {
        for k in EvidenceKind::ALL {
            assert_eq!(EvidenceKind::parse(k.as_str()), Some(*k));
        }
    }
}
