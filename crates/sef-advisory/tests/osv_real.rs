//! The real OSV exports in ../shared/data/osv/: every record parses, and
//! chosen known cases evaluate end to end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sef_advisory::osv::Record;
use sef_advisory::range::{Verdict, evaluate};
use sef_advisory::version::Scheme;
use std::collections::BTreeSet;
use std::io::Read;

fn records(ecosystem: &str) -> Vec<Record> {
    let path = sef_testkit::shared(&format!("data/osv/{ecosystem}/all.zip"));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        out.push(Record::from_json(&bytes).unwrap_or_else(|e| panic!("entry {i}: {e}")));
    }
    out
}

/// Ids of the advisories affecting `name@version`.
fn affecting(recs: &[Record], scheme: Scheme, name: &str, version: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for r in recs.iter().filter(|r| r.withdrawn.is_none()) {
        for a in &r.affected {
            if a.package
                .as_ref()
                .is_some_and(|p| p.name.eq_ignore_ascii_case(name))
                && matches!(evaluate(scheme, version, a), Verdict::Affected { .. })
            {
                out.insert(r.id.clone());
            }
        }
    }
    out
}

#[test]
fn every_record_of_the_three_exports_parses() {
    for (eco, count) in [("crates.io", 1206), ("PyPI", 2661), ("Go", 4291)] {
        let recs = records(eco);
        assert_eq!(recs.len(), count, "{eco}");
    }
}

#[test]
fn pypi_requests_cases() {
    let recs = records("PyPI");
    let ids = affecting(&recs, Scheme::Pep440, "requests", "2.19.0");
    assert!(ids.contains("PYSEC-2018-28"), "{ids:?}");
    assert!(ids.contains("PYSEC-2023-74"), "{ids:?}");
    assert!(!ids.contains("PYSEC-2014-13"), "{ids:?}");
    let fixed = affecting(&recs, Scheme::Pep440, "requests", "2.31.0");
    assert!(
        !fixed.contains("PYSEC-2018-28") && !fixed.contains("PYSEC-2023-74"),
        "{fixed:?}"
    );
}

#[test]
fn go_x_text_cases() {
    let recs = records("Go");
    let ids = affecting(&recs, Scheme::Semver, "golang.org/x/text", "v0.3.7");
    assert!(ids.contains("GO-2022-1059"), "{ids:?}");
    assert!(!ids.contains("GO-2021-0113"), "{ids:?}");
    assert!(!ids.contains("GO-2020-0015"), "{ids:?}");
}

#[test]
fn crates_io_mdbook_case() {
    let recs = records("crates.io");
    assert!(affecting(&recs, Scheme::Semver, "mdbook", "0.4.4").contains("RUSTSEC-2021-0001"));
    assert!(!affecting(&recs, Scheme::Semver, "mdbook", "0.4.5").contains("RUSTSEC-2021-0001"));
}
