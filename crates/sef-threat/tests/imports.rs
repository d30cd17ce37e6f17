//! Real public example models of Threagile and OWASP Threat Dragon import,
//! and the result passes sef's own checks (`sef threat check`): it loads,
//! every reference resolves, the built-in rules run on it, and its diagram
//! is well-formed SVG.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use sef_threat::import::{self, Format};
use sef_threat::{diagram, emit, load, risk, rules};
use std::path::Path;

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Imports, writes sef YAML, reads it back as `sef threat check` does.
fn round_trip(format: Format, name: &str) -> (sef_threat::Model, risk::Outcome, Vec<String>) {
    let imported =
        import::convert(format, &fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let yaml = emit::model_yaml(&imported.model, &format!("imported from {name}"));
    let model = load::load(&[(format!("{name}.yaml"), yaml.clone())]).unwrap_or_else(|e| {
        panic!(
            "{name}: the imported model does not check:\n{}\n---\n{yaml}",
            e.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let rules = rules::load(&[], true, &|id| id.starts_with("SEF-")).unwrap();
    let outcome = risk::assess(&model, &rules, &risk::Matrix::default());
    let svg = diagram::builtin_svg(&model);
    roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: SVG: {e}"));
    (model, outcome, imported.notes)
}

#[test]
fn threagile_example_model_imports_with_every_element() {
    let (m, outcome, notes) = round_trip(Format::Threagile, "threagile-example.yaml");
    // PyYAML, an independent reader, counts 12 data assets (one built
    // through a merge key), 14 technical assets, 5 trust boundaries and 20
    // communication links in the example.
    assert_eq!(m.title.as_deref(), Some("Some Example Application"));
    assert_eq!(
        m.data_assets.len(),
        12,
        "{:?}",
        m.data_assets.iter().map(|d| &d.id).collect::<Vec<_>>()
    );
    assert_eq!(m.technical_assets.len(), 14);
    assert_eq!(m.trust_boundaries.len(), 5);
    assert_eq!(m.data_flows.len(), 20);
    // The asset built on a merge key keeps its own overrides (integrity
    // operational, confidentiality restricted), as PyYAML reads it.
    let summaries = m.data("contract-summaries").unwrap();
    assert_eq!(summaries.integrity, sef_threat::model::Need::Low);
    assert_eq!(
        summaries.classification,
        sef_threat::model::Classification::Confidential
    );
    // Flags survive the written YAML (the customer's browser is on the
    // internet and out of scope in the source).
    let client = m.asset("customer-client").unwrap();
    assert!(client.internet_facing && client.out_of_scope && !client.custom_developed);
    assert!(m.asset("erp-system").is_some_and(|a| !a.internet_facing));
    // Nesting survived: the application network holds the web DMZ.
    assert!(
        m.boundaries_of("apache-webserver").len() >= 2,
        "{:?}",
        m.boundaries_of("apache-webserver")
    );
    assert!(!outcome.risks.is_empty());
    assert!(
        notes.iter().any(|n| n.contains("risk_tracking")),
        "{notes:?}"
    );
}

#[test]
fn threagile_stub_imports() {
    let (m, _, _) = round_trip(Format::Threagile, "threagile-stub.yaml");
    assert!(!m.technical_assets.is_empty());
}

#[test]
fn threat_dragon_demo_models_import() {
    for (name, actors, assets, boxes) in [
        ("td-v2-threat-model.json", 1, 6, 0),
        ("td-three-tier-web-app.json", 0, 3, 2),
        ("td-generic-cms.json", 2, 3, 1),
        ("td-payment-online.json", 1, 4, 3),
    ] {
        let (m, outcome, notes) = round_trip(Format::ThreatDragon, name);
        assert_eq!(m.actors.len(), actors, "{name}");
        assert_eq!(m.technical_assets.len(), assets, "{name}");
        assert_eq!(m.trust_boundaries.len(), boxes, "{name}");
        assert!(!m.data_flows.is_empty(), "{name}");
        assert!(!outcome.risks.is_empty(), "{name}");
        assert!(
            notes.iter().any(|n| n.contains("authentication")),
            "{name}: {notes:?}"
        );
    }
    // The v2 demo marks two stores as holding credentials.
    let (m, _, notes) = round_trip(Format::ThreatDragon, "td-v2-threat-model.json");
    assert!(m.data("credentials").is_some());
    assert!(
        notes.iter().any(|n| n.contains("curves dropped")),
        "{notes:?}"
    );
}

#[test]
fn what_is_not_a_model_is_refused() {
    assert!(
        import::convert(Format::Threagile, "a: 1\n")
            .unwrap_err()
            .to_string()
            .contains("no `technical_assets`")
    );
    assert!(
        import::convert(Format::ThreatDragon, "{\"summary\": {}}")
            .unwrap_err()
            .to_string()
            .contains("detail.diagrams")
    );
    assert!(
        import::convert(Format::ThreatDragon, "{")
            .unwrap_err()
            .to_string()
            .contains("line 1")
    );
}
