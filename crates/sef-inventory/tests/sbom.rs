//! SBOM writers: every document validates against the official schema, is
//! byte-identical for the same input, and reads back as the same
//! components.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::DateTime;
use jsonschema::{Registry, Validator};
use sef_inventory::{
    Input, InventoryOptions, SbomSubject, builtin, cyclonedx_json, extract_file, scan, spdx_json,
};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn schemas() -> PathBuf {
    sef_testkit::shared("schemas")
}

fn load(path: PathBuf) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn cyclonedx_validator(dir: &std::path::Path) -> Validator {
    let registry = Registry::new()
        .add(
            "http://cyclonedx.org/schema/spdx.schema.json",
            load(dir.join("cyclonedx/spdx.schema.json")),
        )
        .unwrap()
        .add(
            "http://cyclonedx.org/schema/jsf-0.82.schema.json",
            load(dir.join("cyclonedx/jsf-0.82.schema.json")),
        )
        .unwrap()
        .prepare()
        .unwrap();
    jsonschema::options()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(&load(dir.join("cyclonedx/bom-1.6.schema.json")))
        .unwrap()
}

fn errors(v: &Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc)
        .take(20)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn subject() -> SbomSubject {
    SbomSubject {
        name: "fixtures".into(),
        version: "1.0.0".into(),
        tool_version: "0.1.0".into(),
        timestamp: DateTime::from_timestamp(0, 0).unwrap(),
    }
}

#[test]
fn every_lockfile_fixture_becomes_valid_sboms() {
    let (root, schema_dir) = (support::fixtures_dir(), schemas());
    // The fixtures are named as tests, not as lockfiles: read them all by
    // running every extractor over every file that parses.
    let mut components = Vec::new();
    for ex in builtin() {
        for entry in walk(&root) {
            let bytes = std::fs::read(&entry).unwrap();
            let rel = entry
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if let Ok(found) = extract_file(
                ex.as_ref(),
                &Input {
                    path: &rel,
                    bytes: &bytes,
                    include: None,
                    list_dirs: None,
                },
            ) {
                components.extend(found.components);
            }
        }
    }
    assert!(
        components.len() > 500,
        "only {} components",
        components.len()
    );

    let cdx = cyclonedx_json(&subject(), &components);
    let doc: serde_json::Value = serde_json::from_str(&cdx).unwrap();
    let e = errors(&cyclonedx_validator(&schema_dir), &doc);
    assert!(e.is_empty(), "CycloneDX invalid: {e:#?}");
    assert_eq!(
        cdx,
        cyclonedx_json(&subject(), &components),
        "CycloneDX output is not deterministic"
    );

    let spdx = spdx_json(&subject(), &components);
    let doc: serde_json::Value = serde_json::from_str(&spdx).unwrap();
    let v = jsonschema::options()
        .should_validate_formats(true)
        .build(&load(schema_dir.join("spdx/spdx-2.3.schema.json")))
        .unwrap();
    let e = errors(&v, &doc);
    assert!(e.is_empty(), "SPDX invalid: {e:#?}");
    assert_eq!(
        spdx,
        spdx_json(&subject(), &components),
        "SPDX output is not deterministic"
    );
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn written_sboms_read_back_as_the_same_components() {
    let d = tempfile::tempdir().unwrap();
    sef_testkit::write(
        d.path(),
        "Cargo.lock",
        "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"serde\"]\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"0000000000000000000000000000000000000000000000000000000000000000\"\n",
    );
    sef_testkit::write(
        d.path(),
        "web/package-lock.json",
        r#"{"lockfileVersion":3,"packages":{"":{"dependencies":{"@babel/core":"7"}},"node_modules/@babel/core":{"version":"7.0.0","license":"MIT"}}}"#,
    );
    sef_testkit::write(d.path(), "requirements.txt", "Django==4.2\nflask\n");
    let inv = scan(d.path(), &builtin(), &InventoryOptions::default());
    let want: BTreeSet<String> = inv
        .components
        .iter()
        .filter(|c| !c.first_party)
        .map(|c| format!("{}/{}@{:?}", c.ecosystem, c.name, c.version))
        .collect();
    for (file, text) in [
        ("bom.cdx.json", cyclonedx_json(&subject(), &inv.components)),
        ("bom.spdx.json", spdx_json(&subject(), &inv.components)),
    ] {
        let ex = builtin().into_iter().find(|e| e.id() == "sbom").unwrap();
        let read = extract_file(
            ex.as_ref(),
            &Input {
                path: file,
                bytes: text.as_bytes(),
                include: None,
                list_dirs: None,
            },
        )
        .unwrap();
        let got: BTreeSet<String> = read
            .components
            .iter()
            // The SPDX root package (the subject) and first-party packages have no ecosystem.
            .filter(|c| {
                c.purl.is_some() && !c.first_party && c.ecosystem != sef_model::Ecosystem::Generic
            })
            .map(|c| format!("{}/{}@{:?}", c.ecosystem, c.name, c.version))
            .collect();
        // PyPI names come back normalised from the purl (django), as OSV writes them.
        let want: BTreeSet<String> = want
            .iter()
            .map(|w| w.replace("PyPI/Django", "PyPI/django"))
            .collect();
        assert_eq!(got, want, "{file}");
    }
    let cdx = cyclonedx_json(&subject(), &inv.components);
    assert!(cdx.contains("\"alg\": \"SHA-256\""));
    assert!(cdx.contains("\"expression\": \"MIT\""));
    assert!(cdx.contains("\"ref\": \"pkg:cargo/serde@1.0.0\""));
}
