//! The JSON Schema of the evidence payloads, generated from the types
//! (schemars). The checked-in copy, `docs/schemas/evidence-payload-v2.schema.json`,
//! is compared with it in tests, and real payloads are validated against
//! it, so the documented shape cannot drift from the code.

use super::PAYLOAD_VERSION;
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
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

/// The schema document: every payload type under `$defs`, and under
/// `x-kinds` each evidence kind's `$ref`. Kinds without a producer have no
/// entry (their payload is always `null`).
pub fn payload_schema() -> Value {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let mut kinds = Map::new();
    let mut add = |kind: EvidenceKind, schema: schemars::Schema| {
        kinds.insert(kind.as_str().to_owned(), schema.to_value());
    };
    add(
        EvidenceKind::RepositoryFacts,
        generator.subschema_for::<RepoFacts>(),
    );
    add(
        EvidenceKind::Inventory,
        generator.subschema_for::<Inventory>(),
    );
    add(
        EvidenceKind::KnownVulnerabilities,
        generator.subschema_for::<KnownVulnerabilities>(),
    );
    add(
        EvidenceKind::StaticAnalysis,
        generator.subschema_for::<StaticAnalysis>(),
    );
    add(
        EvidenceKind::SecurityTests,
        generator.subschema_for::<SecurityTests>(),
    );
    add(
        EvidenceKind::Signatures,
        generator.subschema_for::<Signatures>(),
    );
    add(EvidenceKind::History, generator.subschema_for::<History>());
    add(EvidenceKind::Secrets, generator.subschema_for::<Secrets>());
    add(EvidenceKind::Pti, generator.subschema_for::<PtiPayload>());
    add(
        EvidenceKind::PlanningChecklist,
        generator.subschema_for::<ChecklistPayload>(),
    );
    add(
        EvidenceKind::SecurityRequirements,
        generator.subschema_for::<RequirementsPayload>(),
    );
    add(
        EvidenceKind::SecurityDocumentation,
        generator.subschema_for::<DocumentationPayload>(),
    );
    add(
        EvidenceKind::Education,
        generator.subschema_for::<EducationPayload>(),
    );
    add(
        EvidenceKind::ResilienceTesting,
        generator.subschema_for::<ResilienceTesting>(),
    );
    add(
        EvidenceKind::ThreatModel,
        generator.subschema_for::<ThreatModelPayload>(),
    );
    let defs: Map<String, Value> = generator.take_definitions(true);
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("https://sef.invalid/schema/evidence-payload-v{PAYLOAD_VERSION}.json"),
        "title": format!("sef evidence payloads, version {PAYLOAD_VERSION}"),
        "description": "One payload type per evidence kind (x-kinds); a failed or missing evidence record has a null payload. Generated from sef-model's types: do not edit, regenerate (docs/evidence.md).",
        "x-payload-version": PAYLOAD_VERSION,
        "x-kinds": kinds,
        "$defs": defs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked-in schema is the generated one. To update it after a
    /// payload type changed: `SEF_UPDATE_SCHEMA=1 cargo test -p sef-model
    /// schema`, and say in the commit what changed (and whether the payload
    /// version must go up).
    #[test]
    fn checked_in_schema_is_the_generated_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
            "../../docs/schemas/evidence-payload-v{PAYLOAD_VERSION}.schema.json"
        ));
        let mut generated = serde_json::to_string_pretty(&payload_schema()).unwrap();
        generated.push('\n');
        if std::env::var_os("SEF_UPDATE_SCHEMA").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let on_disk =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            on_disk == generated,
            "{} differs from the payload types; regenerate it with SEF_UPDATE_SCHEMA=1 cargo test -p sef-model schema",
            path.display()
        );
    }

    #[test]
    fn every_produced_kind_has_a_schema() {
        let s = payload_schema();
        for k in EvidenceKind::ALL {
            let produced = !matches!(k, EvidenceKind::Incidents | EvidenceKind::Platform);
            assert_eq!(s["x-kinds"].get(k.as_str()).is_some(), produced, "{k}");
        }
    }
}
