//! The secrets baseline: fingerprints of triaged findings (false
//! positives, accepted test fixtures) kept in the repository, each with who
//! decided and why. A finding in the baseline is counted, not reported.

use crate::BaselineError;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

/// One baseline entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// The rule.
    pub rule: String,
    /// The file.
    pub path: String,
    /// Why it is not a secret to report.
    #[serde(default)]
    pub reason: String,
}

/// The file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Baseline {
    /// Always `sef.secrets-baseline`.
    pub schema: String,
    /// Format version (1; 2 when it records its salt).
    pub schema_version: u32,
    /// The salt of the secrets' digests and fingerprints in this
    /// repository (see docs/secrets.md); absent in baselines written before
    /// sef 0.2, whose entries still match through the legacy fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    /// The entries.
    pub entries: Vec<Entry>,
    #[serde(skip)]
    index: HashSet<String>,
}

impl Baseline {
    /// Reads a baseline; an absent file is an empty baseline.
    pub fn load(path: &Path) -> Result<Self, BaselineError> {
        // a regular file only: a FIFO or a device is refused, not read
        let text = match sef_fs::read_string(path, sef_fs::DATA_LIMIT) {
            Ok(t) => t,
            Err(sef_fs::ReadError::NotFound(_)) => return Ok(Baseline::default()),
            Err(sef_fs::ReadError::TooLarge { .. }) => {
                return Err(BaselineError::TooLarge {
                    path: path.to_owned(),
                });
            }
            Err(sef_fs::ReadError::Io { source, .. }) => {
                return Err(BaselineError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
            Err(other) => {
                return Err(BaselineError::Read {
                    path: path.to_owned(),
                    source: std::io::Error::other(other.reason()),
                });
            }
        };
        let mut b: Baseline = serde_json::from_str(&text).map_err(|e| BaselineError::Json {
            path: path.to_owned(),
            line: e.line(),
            column: e.column(),
            source: e,
        })?;
        if b.schema != "sef.secrets-baseline" {
            return Err(BaselineError::Schema {
                path: path.to_owned(),
                schema: b.schema,
            });
        }
        b.index = b.entries.iter().map(|e| e.fingerprint.clone()).collect();
        Ok(b)
    }

    /// A baseline of these entries, recording the salt they were made with.
    pub fn new(mut entries: Vec<Entry>, salt: String) -> Self {
        entries.sort_by(|a, b| {
            (&a.path, &a.rule, &a.fingerprint).cmp(&(&b.path, &b.rule, &b.fingerprint))
        });
        entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        let index = entries.iter().map(|e| e.fingerprint.clone()).collect();
        Baseline {
            schema: "sef.secrets-baseline".into(),
            schema_version: 2,
            salt: Some(salt),
            entries,
            index,
        }
    }

    /// The salt for this repository: the baseline's own, else the default
    /// of the offering.
    pub fn salt_for(&self, offering: &str) -> String {
        self.salt
            .clone()
            .unwrap_or_else(|| sef_secrets::digest::default_salt(offering))
    }

    /// Whether a fingerprint is in it.
    pub fn contains(&self, fingerprint: &str) -> bool {
        self.index.contains(fingerprint)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
