//! The documentation part of the security plan, as evaluated: see `sef_process::documentation` for how.

use super::*;
use crate::named_enum;

named_enum! {
    /// The SEF's security roles that read product documentation.
    pub enum Role {
        /// Designs and reviews the security architecture.
        SecurityArchitect => "security-architect",
        /// Fits the product into the enterprise's architecture.
        EnterpriseArchitect => "enterprise-architect",
        /// Installs, configures and integrates the product.
        SystemIntegrator => "system-integrator",
        /// Audits the running system.
        SystemAuditor => "system-auditor",
        /// Evaluates the product's assurance (certification, review).
        ProductAssuranceEvaluator => "product-assurance-evaluator",
    }
}

/// What a file says, as far as the stub check cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FileState {
    /// It exists and has content.
    Written,
    /// It exists but is a stub: headings with little or no prose, or only
    /// placeholders such as TODO.
    Stub,
    /// The named `#heading` is not in the file.
    SectionMissing,
    /// It does not exist.
    Missing,
}

/// A file reference and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FileCheck {
    /// The reference as written (`path` or `path#Heading`).
    pub file: String,
    /// What it holds.
    pub state: FileState,
}

/// One topic's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TopicStatus {
    /// The topic id.
    pub id: String,
    /// What it covers.
    pub description: String,
    /// Whether the tier requires it.
    pub required: bool,
    /// Marked not applicable, with the reason.
    pub not_applicable: Option<String>,
    /// The files mapped to it and their states.
    pub files: Vec<FileCheck>,
    /// At least one file is written and none is missing or a stub.
    pub documented: bool,
}

/// One role's coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RoleCoverage {
    /// The role.
    pub role: Role,
    /// Required topics this role needs.
    pub expected: usize,
    /// Of those, documented or not applicable.
    pub covered: usize,
}

/// The documentation plan of a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evaluation {
    /// Every topic.
    pub topics: Vec<TopicStatus>,
    /// Per role.
    pub roles: Vec<RoleCoverage>,
    /// Required topics.
    pub required: usize,
    /// Required topics documented or not applicable.
    pub covered: usize,
    /// Complete when every required topic is covered; missing when the
    /// plan maps no topic at all.
    pub completeness: Completeness,
}
