//! SARIF that real tools produced here (see tests/fixtures/README.md),
//! quirks included, read into findings without losing any.
#![allow(clippy::unwrap_used, clippy::expect_used)]

fn no_context(_: &str, _: u32) -> Option<String> {
    None
}

#[test]
fn semgrep_oss_placeholder_fingerprints_lose_no_result() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/semgrep-oss-1.185.0.sarif"),
    )
    .unwrap();
    let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
    let results = raw["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 8);
    assert!(
        results
            .iter()
            .all(|r| r["fingerprints"]["matchBasedId/v1"] == "requires login"),
        "the fixture must keep semgrep's quirk"
    );
    let out = sef_sarif::read(
        &text,
        &sef_sarif::Options {
            repo_root: None,
            context: &no_context,
            web_locations: false,
        },
    )
    .unwrap();
    assert_eq!(out.findings.len(), 8, "{:?}", out.diagnostics);
    assert_eq!(out.duplicates, 0);
    let mut places: Vec<(String, u32)> = out
        .findings
        .iter()
        .map(|f| {
            let l = f.location.as_ref().unwrap();
            (l.path.clone(), l.line.unwrap())
        })
        .collect();
    places.sort();
    places.dedup();
    assert_eq!(places.len(), 8, "every result at its own place");
    let fps: std::collections::HashSet<_> =
        out.findings.iter().map(|f| f.fingerprint.clone()).collect();
    assert_eq!(fps.len(), 8, "distinct fingerprints");
}
