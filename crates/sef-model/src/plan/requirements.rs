//! The requirements part of the security plan, as evaluated: see `sef_process::requirements` for how.

use super::*;
use crate::named_enum;

named_enum! {
    /// The SEF's nine categories of security requirements.
    pub enum Category {
        /// Auditing and logging.
        AuditingLogging => "auditing-and-logging",
        /// Authentication and authorization.
        AuthenticationAuthorization => "authentication-and-authorization",
        /// Session management.
        SessionManagement => "session-management",
        /// Input validation and output encoding.
        InputValidation => "input-validation-and-output-encoding",
        /// Exception management.
        ExceptionManagement => "exception-management",
        /// Cryptography and integrity.
        CryptographyIntegrity => "cryptography-and-integrity",
        /// Data at rest.
        DataAtRest => "data-at-rest",
        /// Data in motion.
        DataInMotion => "data-in-motion",
        /// Configuration management.
        ConfigurationManagement => "configuration-management",
    }
}

impl Category {
    /// The category's name in reports.
    pub fn title(self) -> &'static str {
        match self {
            Category::AuditingLogging => "Auditing and logging",
            Category::AuthenticationAuthorization => "Authentication and authorization",
            Category::SessionManagement => "Session management",
            Category::InputValidation => "Input validation and output encoding",
            Category::ExceptionManagement => "Exception management",
            Category::CryptographyIntegrity => "Cryptography and integrity",
            Category::DataAtRest => "Data at rest",
            Category::DataInMotion => "Data in motion",
            Category::ConfigurationManagement => "Configuration management",
        }
    }

    /// The prefix of the category's built-in requirement ids.
    pub fn id_prefix(self) -> &'static str {
        match self {
            Category::AuditingLogging => "SEF-LOG-",
            Category::AuthenticationAuthorization => "SEF-AUTH-",
            Category::SessionManagement => "SEF-SESS-",
            Category::InputValidation => "SEF-INPUT-",
            Category::ExceptionManagement => "SEF-EXC-",
            Category::CryptographyIntegrity => "SEF-CRYPTO-",
            Category::DataAtRest => "SEF-REST-",
            Category::DataInMotion => "SEF-MOTION-",
            Category::ConfigurationManagement => "SEF-CONF-",
        }
    }
}

named_enum! {
    /// Where a requirement stands in this release.
    pub enum Status {
        /// Selected; work not done yet.
        Planned => "planned",
        /// Built; not yet shown to hold.
        Implemented => "implemented",
        /// Built and shown to hold by its verification.
        Verified => "verified",
        /// Does not apply to this offering; the rationale says why.
        NotApplicable => "not-applicable",
    }
}

/// What shows that a requirement holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", content = "target", rename_all = "lowercase")]
pub enum Verification {
    /// A test case, by name, in the JUnit results.
    Test(String),
    /// A file in the repository (a test script, a review record).
    File(String),
    /// Evidence of this kind in the same assessment, complete.
    Evidence(String),
}

named_enum! {
    /// The result of checking one verification.
    pub enum CheckState {
        /// The evidence exists (and the test passed).
        Confirmed => "confirmed",
        /// The test ran and failed, or the evidence is incomplete.
        Failed => "failed",
        /// The named test, file or evidence does not exist.
        Missing => "missing",
        /// sef cannot check it here: no test results were supplied, or
        /// evidence is looked up outside an assessment.
        NotMeasured => "not-measured",
    }
}

/// One verification and its check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Check {
    /// What was checked.
    pub verification: Verification,
    /// The result.
    pub state: CheckState,
}

/// One requirement of the release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Row {
    /// The id.
    pub id: String,
    /// The category.
    pub category: Category,
    /// The statement.
    pub statement: String,
    /// `catalog`, `plan`, or `threat-model` (a catalog requirement above
    /// the tier that a threat's countermeasure selects).
    pub source: String,
    /// Tiers it applies to, e.g. `2-4` (catalog entries).
    pub tiers: Option<String>,
    /// ASVS 5.0 ids.
    pub asvs: Vec<String>,
    /// CWE ids.
    pub cwe: Vec<u32>,
    /// The recorded status.
    pub status: Status,
    /// The rationale.
    pub rationale: Option<String>,
    /// Each verification and its check.
    pub checks: Vec<Check>,
    /// Recorded as verified, and every verification confirmed.
    pub verified: bool,
}

/// Counts per category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Coverage {
    /// Selected requirements, not-applicable ones included.
    pub total: usize,
    /// Planned.
    pub planned: usize,
    /// Implemented, or recorded as verified without confirmed evidence.
    pub implemented: usize,
    /// Verified with confirmed evidence.
    pub verified: usize,
    /// Not applicable.
    pub not_applicable: usize,
}

impl Coverage {
    /// Counts one requirement row.
    pub fn add(&mut self, row: &Row) {
        self.total += 1;
        match row.status {
            Status::NotApplicable => self.not_applicable += 1,
            Status::Planned => self.planned += 1,
            Status::Implemented => self.implemented += 1,
            Status::Verified if row.verified => self.verified += 1,
            Status::Verified => self.implemented += 1,
        }
    }
}

/// A release's requirements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evaluation {
    /// The tier used to select them.
    pub tier: Tier,
    /// Whether the tier came from a complete PTI (false: the PTI is not
    /// done and every requirement was selected).
    pub tier_from_pti: bool,
    /// Every selected requirement.
    pub rows: Vec<Row>,
    /// Counts per category, in the SEF's order.
    pub by_category: Vec<(Category, Coverage)>,
    /// Counts over all categories.
    pub total: Coverage,
    /// Categories with at least one applicable requirement selected.
    pub categories_selected: usize,
    /// Missing when the plan records nothing about requirements; complete
    /// when every requirement is verified or not applicable.
    pub completeness: Completeness,
}
