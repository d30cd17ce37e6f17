//! The repository-facts and inventory payloads: what the tree holds and which components it ships.

use serde::{Deserialize, Serialize};

/// What sef knows about the repository's git state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GitState {
    /// The HEAD commit id, or `None` on a branch without commits.
    pub head_commit: Option<String>,
    /// The checked-out branch, or `None` when HEAD is detached.
    pub branch: Option<String>,
    /// Whether tracked files differ from HEAD (index or work tree).
    pub dirty: bool,
    /// Whether the assessed path is the top of the work tree (`false` when
    /// a subdirectory of a repository is assessed).
    pub is_toplevel: bool,
}

/// Lines and files of one language.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct LanguageStats {
    /// Files of this language.
    pub files: u64,
    /// All lines, blank ones included.
    pub lines: u64,
    /// Lines that are not blank.
    pub code_lines: u64,
    /// Files whose lines were not counted because they exceed the size limit.
    pub files_too_large: u64,
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticLevel {
    /// The file could not be read; its components are missing.
    Error,
    /// The file was read, but something in it was skipped or is doubtful.
    Warning,
}

impl DiagnosticLevel {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticLevel::Error => "error",
            DiagnosticLevel::Warning => "warning",
        }
    }
}

/// A problem with one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Diagnostic {
    /// Repository-relative path.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// The extractor that reported it.
    pub extractor: String,
    /// Error or warning.
    pub level: DiagnosticLevel,
    /// What is wrong and, where useful, what to do.
    pub message: String,
}

/// A file the scan parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScannedFile {
    /// Repository-relative path.
    pub path: String,
    /// The extractor that read it.
    pub extractor: String,
    /// Components found in it.
    pub components: usize,
    /// Whether it was read without error.
    pub ok: bool,
    /// Whether it lies under an excluded path (`[analyzers.inventory]
    /// exclude`): its components are counted, not inventoried.
    #[serde(default)]
    pub excluded: bool,
}

/// The policy files the repository-facts analyzer looks for: the path
/// found for each, or `None` when the repository has none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct PolicyFiles {
    /// SECURITY.md or equal.
    pub security_policy: Option<String>,
    /// The licence file.
    pub license: Option<String>,
    /// CODEOWNERS.
    pub codeowners: Option<String>,
    /// CI configuration.
    pub ci: Option<String>,
    /// Dependency-update configuration (Dependabot, Renovate).
    pub dependency_updates: Option<String>,
}

impl PolicyFiles {
    /// Records what was found for the file named `key` (one of the field
    /// names); an unknown key is ignored.
    pub fn set(&mut self, key: &str, found: Option<String>) {
        let slot = match key {
            "security_policy" => &mut self.security_policy,
            "license" => &mut self.license,
            "codeowners" => &mut self.codeowners,
            "ci" => &mut self.ci,
            "dependency_updates" => &mut self.dependency_updates,
            _ => return,
        };
        *slot = found;
    }
}

/// The repository-facts analyzer's settings, as it ran.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct RepoFactsSettings {
    /// Files larger than this were counted but not read.
    pub max_file_bytes: u64,
    /// Whether git-ignored files were walked too.
    pub include_ignored: bool,
}

/// Payload of `repository-facts` evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct RepoFacts {
    /// The git state, when the path is in a work tree.
    pub git: Option<GitState>,
    /// Files walked.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Lines in files of a known language.
    pub lines: u64,
    /// Of which code (not blank, not comment).
    pub code_lines: u64,
    /// Files of no known language.
    pub other_files: u64,
    /// Per language.
    pub languages: std::collections::BTreeMap<String, LanguageStats>,
    /// The policy files found.
    pub policy_files: PolicyFiles,
    /// The settings it ran with.
    pub settings: RepoFactsSettings,
}

/// Counts over the inventory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct InventorySummary {
    /// Files read.
    pub files: usize,
    /// Components, first-party included.
    pub components: usize,
    /// Third-party components.
    pub third_party: usize,
    /// First-party components (the offering's own packages).
    pub first_party: usize,
    /// Third-party components without a resolved version.
    pub unpinned: usize,
    /// Third-party components per ecosystem.
    pub by_ecosystem: std::collections::BTreeMap<String, usize>,
    /// Files under excluded paths.
    pub excluded_files: usize,
    /// Components in them: neither findings nor SBOM components.
    pub excluded_components: usize,
}

/// The inventory analyzer's settings, as it ran.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct InventorySettings {
    /// Whether vendored directories were read.
    pub scan_vendored: bool,
    /// Whether git-ignored files were read.
    pub include_ignored: bool,
    /// Files larger than this were not read.
    pub max_file_bytes: u64,
    /// The excluded paths, `.gitignore` syntax.
    pub exclude: Vec<String>,
}

/// Payload of `inventory` evidence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Inventory {
    /// Counts.
    pub summary: InventorySummary,
    /// The files read.
    pub files: Vec<ScannedFile>,
    /// Problems, per file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Every component.
    pub components: Vec<crate::Component>,
    /// The settings it ran with.
    pub settings: InventorySettings,
}
