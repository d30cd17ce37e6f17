//! [`EvidencePayload`]: one typed payload per evidence kind, and the
//! versioned reader that turns stored JSON back into it.
//!
//! JSON exists only where evidence crosses a boundary (the store, the
//! reports): [`EvidencePayload::to_json`] and [`EvidencePayload::from_json`].
//! Everything else reads fields.

use super::facts::{Inventory, RepoFacts};
use super::history::History;
use super::plan_payloads::{
    ChecklistPayload, DocumentationPayload, EducationPayload, PtiPayload, RequirementsPayload,
};
use super::resilience::ResilienceTesting;
use super::secrets::Secrets;
use super::threat::ThreatModelPayload;
use super::tools::{SecurityTests, Signatures, StaticAnalysis};
use super::vulnerabilities::KnownVulnerabilities;
use crate::EvidenceKind;
use serde::Serialize;

/// The version of the payload shapes this sef writes.
///
/// * 1: the untyped payloads of sef up to commit 9fb00cf, which also
///   carried `kpi_input`/`kpi_inputs` objects duplicating other fields.
/// * 2: the typed payloads; the duplicated KPI-input objects are gone
///   (KPIs read the fields themselves).
pub const PAYLOAD_VERSION: u32 = 2;

/// What an analyzer gathered, typed by its kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum EvidencePayload {
    /// No payload: the analyzer failed, or its source is missing.
    None,
    /// `repository-facts`.
    RepositoryFacts(RepoFacts),
    /// `inventory`.
    Inventory(Box<Inventory>),
    /// `known-vulnerabilities`.
    KnownVulnerabilities(Box<KnownVulnerabilities>),
    /// `static-analysis`.
    StaticAnalysis(StaticAnalysis),
    /// `security-tests`.
    SecurityTests(SecurityTests),
    /// `signatures`.
    Signatures(Signatures),
    /// `history`.
    History(Box<History>),
    /// `secrets`.
    Secrets(Box<Secrets>),
    /// `pti`.
    Pti(PtiPayload),
    /// `planning-checklist`.
    PlanningChecklist(ChecklistPayload),
    /// `security-requirements`.
    SecurityRequirements(Box<RequirementsPayload>),
    /// `security-documentation`.
    SecurityDocumentation(DocumentationPayload),
    /// `education`.
    Education(EducationPayload),
    /// `resilience-testing`.
    ResilienceTesting(Box<ResilienceTesting>),
    /// `threat-model`.
    ThreatModel(Box<ThreatModelPayload>),
}

/// A stored payload that does not read as its kind's type.
#[derive(Debug, thiserror::Error)]
#[error("the {kind} evidence payload (version {version}) does not read: {source}")]
pub struct PayloadError {
    /// The kind.
    pub kind: EvidenceKind,
    /// The version it was stored with.
    pub version: u32,
    /// What serde said.
    #[source]
    pub source: serde_json::Error,
}

impl EvidencePayload {
    /// The kind this payload belongs to; `None` for [`EvidencePayload::None`].
    pub fn kind(&self) -> Option<EvidenceKind> {
        Some(match self {
            EvidencePayload::None => return None,
            EvidencePayload::RepositoryFacts(_) => EvidenceKind::RepositoryFacts,
            EvidencePayload::Inventory(_) => EvidenceKind::Inventory,
            EvidencePayload::KnownVulnerabilities(_) => EvidenceKind::KnownVulnerabilities,
            EvidencePayload::StaticAnalysis(_) => EvidenceKind::StaticAnalysis,
            EvidencePayload::SecurityTests(_) => EvidenceKind::SecurityTests,
            EvidencePayload::Signatures(_) => EvidenceKind::Signatures,
            EvidencePayload::History(_) => EvidenceKind::History,
            EvidencePayload::Secrets(_) => EvidenceKind::Secrets,
            EvidencePayload::Pti(_) => EvidenceKind::Pti,
            EvidencePayload::PlanningChecklist(_) => EvidenceKind::PlanningChecklist,
            EvidencePayload::SecurityRequirements(_) => EvidenceKind::SecurityRequirements,
            EvidencePayload::SecurityDocumentation(_) => EvidenceKind::SecurityDocumentation,
            EvidencePayload::Education(_) => EvidenceKind::Education,
            EvidencePayload::ResilienceTesting(_) => EvidenceKind::ResilienceTesting,
            EvidencePayload::ThreatModel(_) => EvidenceKind::ThreatModel,
        })
    }

    /// The tools inside this evidence that ran completely (for static
    /// analysis, each SARIF tool run that executed successfully).
    pub fn complete_parts(&self) -> Vec<&str> {
        match self {
            EvidencePayload::StaticAnalysis(s) => s
                .tools
                .iter()
                .filter(|t| t.execution_successful)
                .map(|t| t.name.as_str())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The payload as JSON, for the store and the reports.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Reads a stored payload of `kind` written with payload `version`.
    ///
    /// `null` reads as [`EvidencePayload::None`] for every kind. Version 1
    /// payloads read with the same types: the `kpi_input`/`kpi_inputs`
    /// objects they carry duplicate fields the types keep, and are
    /// ignored. Kinds that nothing produces yet have no payload type, so
    /// anything but `null` for them is an error.
    pub fn from_json(
        kind: EvidenceKind,
        version: u32,
        value: serde_json::Value,
    ) -> Result<Self, PayloadError> {
        if value.is_null() {
            return Ok(EvidencePayload::None);
        }
        let err = |source| PayloadError {
            kind,
            version,
            source,
        };
        fn read<T: serde::de::DeserializeOwned>(
            v: serde_json::Value,
        ) -> Result<T, serde_json::Error> {
            serde_json::from_value(v)
        }
        Ok(match kind {
            EvidenceKind::RepositoryFacts => Self::RepositoryFacts(read(value).map_err(err)?),
            EvidenceKind::Inventory => Self::Inventory(read(value).map_err(err)?),
            EvidenceKind::KnownVulnerabilities => {
                Self::KnownVulnerabilities(read(value).map_err(err)?)
            }
            EvidenceKind::StaticAnalysis => Self::StaticAnalysis(read(value).map_err(err)?),
            EvidenceKind::SecurityTests => Self::SecurityTests(read(value).map_err(err)?),
            EvidenceKind::Signatures => Self::Signatures(read(value).map_err(err)?),
            EvidenceKind::History => Self::History(read(value).map_err(err)?),
            EvidenceKind::Secrets => Self::Secrets(read(value).map_err(err)?),
            EvidenceKind::Pti => Self::Pti(read(value).map_err(err)?),
            EvidenceKind::PlanningChecklist => Self::PlanningChecklist(read(value).map_err(err)?),
            EvidenceKind::SecurityRequirements => {
                Self::SecurityRequirements(read(value).map_err(err)?)
            }
            EvidenceKind::SecurityDocumentation => {
                Self::SecurityDocumentation(read(value).map_err(err)?)
            }
            EvidenceKind::Education => Self::Education(read(value).map_err(err)?),
            EvidenceKind::ResilienceTesting => Self::ResilienceTesting(read(value).map_err(err)?),
            EvidenceKind::ThreatModel => Self::ThreatModel(read(value).map_err(err)?),
            EvidenceKind::Incidents | EvidenceKind::Platform => {
                return Err(err(serde::de::Error::custom(format!(
                    "this sef has no payload type for {kind} evidence yet"
                ))));
            }
        })
    }
}

/// A payload type and the evidence kind it belongs to: KPI functions and
/// gate criteria name the type, so a measurement of a kind that has no
/// payload type does not compile.
pub trait PayloadOf: Sized {
    /// The kind.
    const KIND: EvidenceKind;
    /// The payload, when `p` is of this type.
    fn of(p: &EvidencePayload) -> Option<&Self>;
}

macro_rules! payload_of {
    ($($ty:ty => $variant:ident, boxed: $boxed:tt;)+) => {
        $(
            impl PayloadOf for $ty {
                const KIND: EvidenceKind = EvidenceKind::$variant;
                fn of(p: &EvidencePayload) -> Option<&Self> {
                    match p {
                        EvidencePayload::$variant(x) => Some(payload_of!(@deref $boxed x)),
                        _ => None,
                    }
                }
            }
        )+
    };
    (@deref true $x:ident) => { &**$x };
    (@deref false $x:ident) => { $x };
}

payload_of! {
    RepoFacts => RepositoryFacts, boxed: false;
    Inventory => Inventory, boxed: true;
    KnownVulnerabilities => KnownVulnerabilities, boxed: true;
    StaticAnalysis => StaticAnalysis, boxed: false;
    SecurityTests => SecurityTests, boxed: false;
    Signatures => Signatures, boxed: false;
    History => History, boxed: true;
    Secrets => Secrets, boxed: true;
    PtiPayload => Pti, boxed: false;
    ChecklistPayload => PlanningChecklist, boxed: false;
    RequirementsPayload => SecurityRequirements, boxed: true;
    DocumentationPayload => SecurityDocumentation, boxed: false;
    EducationPayload => Education, boxed: false;
    ResilienceTesting => ResilienceTesting, boxed: true;
    ThreatModelPayload => ThreatModel, boxed: true;
}
