//! Helpers shared by the importer and record tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

/// The text of a real report under `tests/fixtures/` (README.md there
/// says where each comes from).
pub fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
