//! The secrets payload: the scan's counts and each secret found, always redacted.

use crate::Fingerprint;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// Where a secret was first introduced in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Introduced {
    /// The commit.
    pub commit: String,
    /// Its author.
    pub author: String,
    /// Its author time, seconds since the epoch.
    pub time: i64,
}

/// One secret in one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Located {
    /// Repository-relative path.
    pub path: String,
    /// The hit.
    #[serde(flatten)]
    pub hit: Hit,
    /// The stable fingerprint: rule, path and the secret's salted digest.
    pub fingerprint: String,
    /// The fingerprint sef before 0.2 gave it (from the cheap digest), in
    /// memory only, to match baselines written then.
    #[serde(skip)]
    #[schemars(skip)]
    pub legacy_fingerprint: Option<String>,
    /// Where the history first shows it (history scans only).
    pub introduced: Option<Introduced>,
    /// Still in the working tree.
    pub in_tree: bool,
    /// The other lines of the same file where the same secret appears
    /// again: one secret in one file is one finding, at its first line.
    #[serde(default)]
    pub also_at: Vec<usize>,
}

impl Located {
    /// A located hit.
    pub fn new(path: &str, hit: Hit, introduced: Option<Introduced>, in_tree: bool) -> Self {
        let fingerprint = Fingerprint::compute([
            "secret",
            hit.rule.as_str(),
            path,
            hit.secret.digest.as_str(),
        ])
        .as_str()
        .to_owned();
        let legacy_fingerprint = hit.secret.legacy_sha256.as_ref().map(|l| {
            Fingerprint::compute(["secret", hit.rule.as_str(), path, l.as_str()])
                .as_str()
                .to_owned()
        });
        Located {
            path: path.to_owned(),
            hit,
            fingerprint,
            legacy_fingerprint,
            introduced,
            in_tree,
            also_at: Vec::new(),
        }
    }
}

/// Counts of a scan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Stats {
    /// Files scanned.
    pub files: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Files skipped as binary.
    pub binary: u64,
    /// Files skipped as larger than the cap.
    pub too_large: u64,
    /// Files that could not be read, with the reason (at most 500).
    pub unreadable: Vec<String>,
    /// Unreadable files in all.
    pub unreadable_count: u64,
}

/// Counts of a history scan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HistoryStats {
    /// Commits read.
    pub commits: u64,
    /// Distinct blobs scanned.
    pub blobs: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Blobs skipped as binary.
    pub binary: u64,
    /// Blobs skipped as larger than the cap.
    pub too_large: u64,
    /// The clone is shallow: only the history present was scanned.
    pub shallow: bool,
    /// Blobs and references that could not be read (missing or corrupt
    /// objects), with the reason (at most 500). Any makes the scan partial.
    #[serde(default)]
    pub unreadable: Vec<String>,
    /// Unreadable blobs and references in all.
    #[serde(default)]
    pub unreadable_count: u64,
}

/// A secret, redacted: never the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Redacted {
    /// Its first characters (at most 4, at most a quarter of it),
    /// followed by `…`.
    pub prefix: String,
    /// Its length in bytes.
    pub length: usize,
    /// A slow, salted digest of the secret (Argon2id; the salt is the
    /// repository's, see docs/secrets.md), hex. Runs stored before it
    /// existed hold a `sha256` here instead, read under the same name.
    #[serde(alias = "sha256")]
    pub digest: String,
    /// The cheap digest of sef before 0.2 (SHA-256 of `sef-secret-v1\0`
    /// and the secret), kept in memory only to match old baselines: never
    /// stored or printed.
    #[serde(skip)]
    #[schemars(skip)]
    pub legacy_sha256: Option<String>,
}

impl Redacted {
    /// Redacts `secret` with a digest computed by the caller (the secrets
    /// crate's salted key derivation); the legacy digest is kept in memory.
    pub fn new(secret: &[u8], digest: String) -> Self {
        let n = (secret.len() / 4).min(4);
        let prefix: String = String::from_utf8_lossy(&secret[..n])
            .chars()
            .map(|c| if c.is_ascii_graphic() { c } else { '?' })
            .collect();
        let mut h = Sha256::new();
        h.update(b"sef-secret-v1\0");
        h.update(secret);
        Redacted {
            prefix: format!("{prefix}…"),
            length: secret.len(),
            digest,
            legacy_sha256: Some(hex::encode(h.finalize())),
        }
    }
}

/// One secret found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Hit {
    /// The rule's id.
    pub rule: String,
    /// The rule's description.
    pub description: String,
    /// 1-based line (0 for a path-only rule).
    pub line: usize,
    /// 1-based column, in bytes.
    pub column: usize,
    /// The secret, redacted.
    pub secret: Redacted,
    /// Shannon entropy of the secret, bits per byte.
    pub entropy: f64,
    /// `Some(reason)` when an inline `sef:allow <reason>` (or
    /// `gitleaks:allow`) comment on the line allows it.
    pub allowed: Option<String>,
}

/// Something in a configuration that sef could not use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConfigProblem {
    /// The rule concerned, if any.
    pub rule: Option<String>,
    /// The line in the configuration file, if known.
    pub line: Option<usize>,
    /// What is wrong and what sef did about it.
    pub message: String,
}

/// The rules used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct RulesUsed {
    /// `built-in` or the gitleaks configuration file.
    pub source: String,
    /// Rules.
    pub count: usize,
    /// Prefilter keywords.
    pub keywords: usize,
    /// Constructs of the configuration sef could not use.
    pub problems: Vec<ConfigProblem>,
}

/// A secret allowed by an inline comment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct AllowedInline {
    /// Repository-relative path.
    pub path: String,
    /// Line.
    pub line: usize,
    /// Rule.
    pub rule: String,
    /// The comment's reason.
    pub reason: Option<String>,
}

/// The baseline used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct BaselineUsed {
    /// The baseline file.
    pub file: String,
    /// Its entries.
    pub entries: usize,
}

/// Payload of `secrets` evidence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Secrets {
    /// The rules.
    pub rules: RulesUsed,
    /// The working-tree scan's counts.
    pub scanned: Stats,
    /// The history scan's counts, when history was scanned.
    pub history: Option<HistoryStats>,
    /// Open secrets.
    pub found: usize,
    /// Open secrets per rule.
    pub by_rule: std::collections::BTreeMap<String, usize>,
    /// The open secrets, redacted (capped).
    pub secrets: Vec<Located>,
    /// Allowed inline (capped).
    pub allowed_inline: Vec<AllowedInline>,
    /// Secrets in the baseline.
    pub baselined: usize,
    /// The baseline.
    pub baseline: BaselineUsed,
}
