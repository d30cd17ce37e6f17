//! The sef domain model.
//!
//! These are the nouns of the IBM Secure Engineering Framework as sef uses
//! them: an [`Offering`] and the [`Release`] being assessed, the development
//! [`Phase`]s, one [`AssessmentRun`] with the [`Evidence`] its analyzers
//! gathered, the [`Finding`]s they reported, [`KpiValue`]s and the
//! [`GateDecision`] taken from them.
//!
//! This crate must not perform I/O: no files, no network, no database, no
//! clock reads outside of constructors that take the time as an argument.
//! Every type is serde-serializable so that the store, the reports and the
//! server share one vocabulary.

pub mod access;
mod artifact;
mod component;
mod diff;
pub mod evidence;
mod finding;
mod gate;
mod ids;
mod kpi;
mod lifecycle;
mod names;
mod offering;
mod phase;
pub mod plan;
mod run;
pub mod status;

pub use artifact::Artifact;
pub use component::{
    Component, DependencyScope, Ecosystem, SourceRef, package_name_key, pep503_name,
};
pub use diff::{EvidenceChange, FieldChange, RunDiff, diff_runs};
pub use evidence::{
    Digest, Evidence, EvidenceKind, EvidencePayload, EvidenceStatus, PAYLOAD_VERSION, PayloadOf,
    ToolInfo,
};
pub use finding::{
    Acceptance, AcceptanceSource, CvssScore, Cwe, Finding, FindingKind, FindingStatus, Fingerprint,
    Location, Severity,
};
pub use gate::{
    CriterionOutcome, CriterionResult, GateDecision, GateOutcome, GateOverride, PhaseDecision,
    PolicyRef,
};
pub use ids::{EvidenceId, FindingId, IdParseError, RunId, unique_prefix};
pub use kpi::{
    KpiMeasurement, KpiTrend, KpiValue, KpoResult, KpoStatus, ReleaseKpis, TrendDirection,
};
pub use lifecycle::{FindingHistory, LifecycleState, Triage, TriageStatus};
pub use offering::{Offering, OfferingKind, Release, VersionSource};
pub use phase::{Phase, PhaseParseError};
pub use run::{AssessmentRun, RunSummary, SeverityCounts};
pub use status::{AcceptancePolicy, Resolved};
