//! The published JSON Schema of model files (docs/schemas) accepts the
//! golden models and the imported real examples, and refuses what the
//! loader refuses for a wrong word: a schema that editors and CI can use
//! on their own.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

fn validator() -> jsonschema::Validator {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schemas/threat-model.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    jsonschema::options().build(&schema).unwrap()
}

fn golden(v: &str) -> serde_json::Value {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/golden/{v}/model.yaml"));
    sef_threat::yaml::parse(&std::fs::read_to_string(p).unwrap())
        .unwrap()
        .value
}

#[test]
fn the_schema_accepts_good_models_and_refuses_a_wrong_word() {
    let v = validator();
    for m in ["v1", "v2"] {
        let doc = golden(m);
        let errs: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errs.is_empty(), "{m}: {errs:?}");
    }
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/threagile-example.yaml"),
    )
    .unwrap();
    let imported =
        sef_threat::import::convert(sef_threat::import::Format::Threagile, &text).unwrap();
    let yaml = sef_threat::emit::model_yaml(&imported.model, "x");
    let doc = sef_threat::yaml::parse(&yaml).unwrap().value;
    assert!(v.is_valid(&doc));
    let mut bad = golden("v1");
    bad["data_assets"][0]["classification"] = "secret".into();
    assert!(!v.is_valid(&bad));
    let mut bad = golden("v1");
    bad["technical_assets"][0]["colour"] = "blue".into();
    assert!(
        !v.is_valid(&bad),
        "unknown keys are refused, as the loader refuses them"
    );
}
