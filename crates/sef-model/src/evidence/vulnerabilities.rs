//! The known-vulnerabilities payload: the advisory database used, which
//! components were tested, and every advisory that matched.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One ecosystem of the advisory database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct DatabaseEcosystem {
    /// Records imported.
    pub count: usize,
    /// When they were imported (RFC 3339).
    pub imported_at: String,
    /// Days since the newest record was modified (the age of the data,
    /// not of the import); `None` when no record carries a real date.
    pub age_days: Option<i64>,
    /// Where they came from.
    pub source: String,
    /// The newest record's `modified` time.
    pub newest_modified: Option<String>,
}

/// The advisory database used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Database {
    /// Its directory.
    pub location: String,
    /// The ecosystems the inventory needed, as imported.
    pub ecosystems: BTreeMap<String, DatabaseEcosystem>,
}

/// A component that could not be tested.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct NotTested {
    /// The package.
    pub package: String,
    /// Its ecosystem.
    pub ecosystem: String,
    /// Why.
    pub reason: String,
}

/// An advisory range that could not be evaluated for a component.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct NotEvaluated {
    /// The package.
    pub package: String,
    /// The advisory.
    pub advisory: String,
    /// Why.
    pub reason: String,
}

/// Where a matched component is declared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct MatchSource {
    /// The lockfile or manifest.
    pub file: String,
    /// Its line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// One advisory that affects one component.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Match {
    /// The advisory id.
    pub id: String,
    /// Its aliases (CVE, GHSA, …).
    pub aliases: Vec<String>,
    /// The component's ecosystem.
    pub ecosystem: String,
    /// The package.
    pub package: String,
    /// The version matched (empty when the lockfile gives none).
    pub version: String,
    /// The version that fixes it, when there is one.
    pub fixed: Option<String>,
    /// The CVSS vector and score.
    pub cvss: Option<crate::CvssScore>,
    /// The severity, when the advisory gives one.
    pub severity: Option<String>,
    /// The informational kind (`unmaintained`, `unsound`, …), for warnings.
    pub informational: Option<String>,
    /// CWE ids.
    pub cwe: Vec<u32>,
    /// The dependency path from a direct dependency, when known.
    pub path: Vec<String>,
    /// Where the component is declared.
    pub source: MatchSource,
    /// Reference URLs.
    pub references: Vec<String>,
    /// The packages and symbols the advisory names as affected (Go
    /// imports, RustSec functions); when there are any, `reachability`
    /// says sef did not check them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub symbols: Vec<String>,
    /// `not checked` when the advisory names affected symbols: sef does
    /// not analyse whether the offering calls them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reachability: Option<String>,
}

/// Payload of `known-vulnerabilities` evidence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct KnownVulnerabilities {
    /// The database, when one was needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<Database>,
    /// Third-party components.
    pub components: usize,
    /// Of which tested against the database.
    pub tested: usize,
    /// Components that could not be tested.
    pub not_tested: Vec<NotTested>,
    /// Ranges that could not be evaluated.
    pub not_evaluated: Vec<NotEvaluated>,
    /// Every match.
    pub matches: Vec<Match>,
}
