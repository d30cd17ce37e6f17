//! OSV records (the Open Source Vulnerability schema), read strictly enough
//! to evaluate them: ids and aliases, the affected packages with their
//! ranges and versions, severities, CWE ids, references, withdrawal, and
//! RustSec's "informational" marker (unmaintained, unsound: warnings, not
//! vulnerabilities), and the affected packages and symbols (Go `imports`,
//! RustSec `affects.functions`). Fields sef does not use (`details`, the
//! rest of `ecosystem_specific`, ...) are skipped unread, which keeps
//! lookups fast.

use serde::Deserialize;
use std::collections::BTreeMap;

/// One OSV record.
#[derive(Debug, Clone, Deserialize)]
pub struct Record {
    /// The advisory id, e.g. `RUSTSEC-2021-0001` or `GHSA-...`.
    pub id: String,
    /// Last modification time (RFC 3339), as written.
    #[serde(default)]
    pub modified: Option<String>,
    /// Set when the advisory was withdrawn: it no longer applies.
    #[serde(default)]
    pub withdrawn: Option<String>,
    /// Other ids of the same vulnerability (CVE, GHSA, ...).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// One-line summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// Severity scores (CVSS vectors).
    #[serde(default)]
    pub severity: Vec<Severity>,
    /// The affected packages.
    #[serde(default)]
    pub affected: Vec<Affected>,
    /// References (advisory, fix, report, ...).
    #[serde(default)]
    pub references: Vec<Reference>,
    /// Database-specific data (GHSA keeps `cwe_ids` and `severity` here).
    #[serde(default)]
    pub database_specific: Option<RecordSpecific>,
}

/// The parts of a record's `database_specific` sef reads. A field of an
/// unexpected type is ignored, never an error.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RecordSpecific {
    /// `CWE-79`, ...
    #[serde(default)]
    pub cwe_ids: Lenient<Vec<String>>,
    /// GHSA's own severity: `LOW`, `MODERATE`, `HIGH`, `CRITICAL`.
    #[serde(default)]
    pub severity: Lenient<String>,
}

/// The parts of an affected entry's `database_specific` sef reads.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AffectedSpecific {
    /// RustSec's informational kind (`unmaintained`, `unsound`, `notice`).
    #[serde(default)]
    pub informational: Lenient<String>,
}

/// A value that is kept when it has the expected type and dropped
/// otherwise (a record's vendor-specific data must not make it unreadable).
#[derive(Debug, Clone, Default)]
pub struct Lenient<T>(pub Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either<T> {
            Ok(T),
            Other(serde::de::IgnoredAny),
        }
        Ok(Lenient(match Either::deserialize(d)? {
            Either::Ok(v) => Some(v),
            Either::Other(_) => None,
        }))
    }
}

/// A severity score.
#[derive(Debug, Clone, Deserialize)]
pub struct Severity {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// The vector or score.
    pub score: String,
}

/// A reference link.
#[derive(Debug, Clone, Deserialize)]
pub struct Reference {
    /// `ADVISORY`, `FIX`, `WEB`, ...
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The URL.
    pub url: String,
}

/// One affected package and where it is affected.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Affected {
    /// The package.
    #[serde(default)]
    pub package: Option<Package>,
    /// Version ranges.
    #[serde(default)]
    pub ranges: Vec<Range>,
    /// Explicitly listed affected versions.
    #[serde(default)]
    pub versions: Vec<String>,
    /// Per-package severity (OSV 1.5+).
    #[serde(default)]
    pub severity: Vec<Severity>,
    /// Database-specific data (RustSec keeps `informational` here).
    #[serde(default)]
    pub database_specific: Option<AffectedSpecific>,
    /// Ecosystem-specific data: the Go database's affected `imports`
    /// (packages and symbols), RustSec's affected `functions`.
    #[serde(default)]
    pub ecosystem_specific: Option<EcosystemSpecific>,
}

/// The parts of an affected entry's `ecosystem_specific` sef reads.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EcosystemSpecific {
    /// Go: the affected packages, each with its affected symbols.
    #[serde(default)]
    pub imports: Lenient<Vec<GoImport>>,
    /// RustSec: the affected functions.
    #[serde(default)]
    pub affects: Lenient<RustAffects>,
}

/// One affected Go package.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GoImport {
    /// The package's import path.
    #[serde(default)]
    pub path: String,
    /// Affected functions and methods in it.
    #[serde(default)]
    pub symbols: Vec<String>,
}

/// RustSec's `affects`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RustAffects {
    /// Affected functions, by path.
    #[serde(default)]
    pub functions: Vec<String>,
}

/// The package an entry applies to.
#[derive(Debug, Clone, Deserialize)]
pub struct Package {
    /// The ecosystem as OSV names it.
    pub ecosystem: String,
    /// The package name.
    pub name: String,
    /// Its purl, when given.
    #[serde(default)]
    pub purl: Option<String>,
}

/// A version range.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Range {
    /// `SEMVER`, `ECOSYSTEM` or `GIT`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its events.
    #[serde(default)]
    pub events: Vec<Event>,
    /// The repository, for GIT ranges.
    #[serde(default)]
    pub repo: Option<String>,
}

/// One range event: exactly one of the fields is set.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Event {
    /// The first affected version (`0` for "since the beginning").
    #[serde(default)]
    pub introduced: Option<String>,
    /// The first version that is fixed.
    #[serde(default)]
    pub fixed: Option<String>,
    /// The last affected version.
    #[serde(default)]
    pub last_affected: Option<String>,
    /// An upper limit of the range.
    #[serde(default)]
    pub limit: Option<String>,
}

impl Record {
    /// Parses one record from JSON.
    pub fn from_json(bytes: &[u8]) -> Result<Record, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// The ecosystems the record's affected packages belong to.
    pub fn ecosystems(&self) -> std::collections::BTreeSet<&str> {
        self.affected
            .iter()
            .filter_map(|a| a.package.as_ref())
            .map(|p| p.ecosystem.as_str())
            .collect()
    }

    /// CWE ids from `database_specific.cwe_ids` (GHSA style), as numbers.
    pub fn cwe_ids(&self) -> Vec<u32> {
        let mut out: Vec<u32> = self
            .database_specific
            .as_ref()
            .and_then(|d| d.cwe_ids.0.as_ref())
            .into_iter()
            .flatten()
            .filter_map(|c| c.strip_prefix("CWE-").and_then(|n| n.parse().ok()))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl Affected {
    /// RustSec's informational kind (`unmaintained`, `unsound`, `notice`),
    /// when set: such advisories are warnings, not vulnerabilities.
    pub fn informational(&self) -> Option<String> {
        self.database_specific
            .as_ref()
            .and_then(|d| d.informational.0.clone())
    }

    /// The packages and symbols the entry names as affected (Go imports
    /// as `path` or `path.Symbol`, RustSec functions), when it names any.
    pub fn affected_symbols(&self) -> Vec<String> {
        let Some(e) = &self.ecosystem_specific else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for i in e.imports.0.iter().flatten() {
            if i.symbols.is_empty() {
                out.push(i.path.clone());
            } else {
                out.extend(i.symbols.iter().map(|s| format!("{}.{s}", i.path)));
            }
        }
        if let Some(a) = &e.affects.0 {
            out.extend(a.functions.iter().cloned());
        }
        out.retain(|s| !s.is_empty());
        out
    }
}

/// Counts of records by ecosystem, as an import summary.
pub type EcosystemCounts = BTreeMap<String, usize>;
