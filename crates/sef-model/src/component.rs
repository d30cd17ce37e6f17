//! Components: the third-party and first-party packages an offering ships,
//! as found in its lockfiles, manifests and supplied SBOMs.

use crate::names::named_enum;
use serde::{Deserialize, Serialize};

named_enum! {
    /// A package ecosystem, named as the OSV schema names it.
    pub enum Ecosystem {
        /// Rust crates.
        CratesIo => "crates.io",
        /// JavaScript packages (npm, yarn, pnpm, bun).
        Npm => "npm",
        /// Python packages.
        PyPI => "PyPI",
        /// Go modules.
        Go => "Go",
        /// Ruby gems.
        RubyGems => "RubyGems",
        /// PHP packages (Composer).
        Packagist => "Packagist",
        /// Java and JVM packages.
        Maven => "Maven",
        /// .NET packages.
        NuGet => "NuGet",
        /// Dart and Flutter packages.
        Pub => "Pub",
        /// Erlang and Elixir packages.
        Hex => "Hex",
        /// C and C++ packages (Conan).
        ConanCenter => "ConanCenter",
        /// Swift packages, identified by repository URL.
        SwiftURL => "SwiftURL",
        /// R packages from CRAN.
        Cran => "CRAN",
        /// R packages from Bioconductor.
        Bioconductor => "Bioconductor",
        /// Components from an SBOM whose ecosystem sef does not know.
        Generic => "generic",
    }
}

named_enum! {
    /// How a component is used, where the format says.
    pub enum DependencyScope {
        /// Needed at run time (shipped).
        Runtime => "runtime",
        /// Needed only to develop, build or test.
        Development => "development",
        /// Optional (an extra or optional dependency).
        Optional => "optional",
        /// The format does not say.
        Unknown => "unknown",
    }
}

/// Where a component was declared.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceRef {
    /// The lockfile or manifest, repository-relative, `/`-separated.
    pub file: String,
    /// 1-based line of the declaration, when the format lets sef know it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// One component found in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Component {
    /// The OSV ecosystem.
    pub ecosystem: Ecosystem,
    /// The package name as the ecosystem writes it.
    pub name: String,
    /// The exact version, or `None` when the file pins none (unpinned).
    pub version: Option<String>,
    /// The package URL (purl), when one can be formed.
    pub purl: Option<String>,
    /// `Some(true)` for a direct dependency, `Some(false)` for a transitive
    /// one, `None` when the format does not say.
    pub direct: Option<bool>,
    /// The chain of package names from a direct dependency to this one,
    /// where the format tells (empty otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
    /// How it is used.
    pub scope: DependencyScope,
    /// Where it was declared.
    pub source: SourceRef,
    /// Checksum or integrity value, as written in the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Declared license (an SPDX expression when the file gives one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Workspace members and local-path packages: the offering's own code.
    pub first_party: bool,
    /// Names of the components this one depends on, as the file records
    /// them (used for SBOM relationships).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

impl Component {
    /// A third-party component with a name and an optional version, its
    /// other fields at their "unknown" values.
    pub fn new(
        ecosystem: Ecosystem,
        name: impl Into<String>,
        version: Option<String>,
        source: SourceRef,
    ) -> Self {
        Component {
            ecosystem,
            name: name.into(),
            version,
            purl: None,
            direct: None,
            path: Vec::new(),
            scope: DependencyScope::Unknown,
            source,
            checksum: None,
            license: None,
            first_party: false,
            depends_on: Vec::new(),
        }
    }
}

/// A package name as its ecosystem (OSV name) compares names: PyPI by PEP
/// 503, crates.io case- and `-`/`_`-insensitively, case-insensitive
/// registries in lower case, the others as written. The advisory index and
/// the portfolio's component index both key packages by it.
pub fn package_name_key(ecosystem: &str, name: &str) -> String {
    match ecosystem {
        "PyPI" => pep503_name(name),
        "crates.io" => name.trim().to_ascii_lowercase().replace('_', "-"),
        "NuGet" | "RubyGems" | "Packagist" | "Pub" | "Hex" | "npm" => {
            name.trim().to_ascii_lowercase()
        }
        _ => name.trim().to_owned(),
    }
}

/// A PyPI name normalised by PEP 503: lower case, each run of `-`, `_`
/// and `.` replaced by one `-`.
pub fn pep503_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}
