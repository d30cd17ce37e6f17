//! The fixture harness: runs one extractor over every file of a format
//! directory in ../shared/data/lockfiles and compares with expectations.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use sef_inventory::{Input, builtin, extract_file};
use sef_model::Component;
use std::path::PathBuf;

/// What a fixture file must yield.
pub enum Expect {
    /// Exactly these components, as `name@version`, `name` (unpinned), with
    /// ` (first-party)` appended for first-party ones; any order.
    Packages(&'static [&'static str]),
    /// An error whose message contains this text.
    Error(&'static str),
}

/// The shared lockfile fixtures, or `None` (with a message) when the
/// shared folder is truly absent.
pub fn fixtures_dir() -> PathBuf {
    sef_testkit::shared("data/lockfiles")
}

/// How a component is written in expectations.
pub fn label(c: &Component) -> String {
    let mut s = match &c.version {
        Some(v) => format!("{}@{v}", c.name),
        None => c.name.clone(),
    };
    if c.first_party {
        s.push_str(" (first-party)");
    }
    s
}

/// Checks every file of `format` with the extractor `extractor_id`.
pub fn check_format(format: &str, extractor_id: &str, cases: &[(&str, Expect)]) {
    let root = fixtures_dir();
    let dir = root.join(format);
    let extractors = builtin();
    let ex = extractors
        .iter()
        .find(|e| e.id() == extractor_id)
        .unwrap_or_else(|| panic!("no extractor {extractor_id}"));

    let mut on_disk: Vec<String> = walk(&dir);
    on_disk.sort();
    let mut covered: Vec<String> = cases.iter().map(|(f, _)| (*f).to_owned()).collect();
    covered.sort();
    assert_eq!(
        on_disk, covered,
        "every fixture file of {format} must have an expectation"
    );

    let mut failures = Vec::new();
    for (file, expect) in cases {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let rel = format!("{format}/{file}");
        let include = |from: &str, inc: &str| {
            let p = std::path::Path::new(from).parent().unwrap().join(inc);
            std::fs::read(root.join(&p))
                .map(|b| (p.to_string_lossy().into_owned(), b))
                .map_err(sef_inventory::ReadError::Io)
        };
        let input = Input {
            path: &rel,
            bytes: &bytes,
            include: Some(&include),
            list_dirs: None,
        };
        let got = extract_file(ex.as_ref(), &input).map(|x| x.components);
        match (expect, got) {
            (Expect::Packages(want), Ok(comps)) => {
                let mut got: Vec<String> = comps.iter().map(label).collect();
                got.sort();
                let mut want: Vec<String> = want.iter().map(|s| (*s).to_owned()).collect();
                want.sort();
                if got != want {
                    failures.push(format!("{file}: expected {want:?}\n       got {got:?}"));
                }
                for c in &comps {
                    if c.source.file != rel && !c.source.file.starts_with(&format!("{format}/")) {
                        failures.push(format!(
                            "{file}: component {} has source {}",
                            c.name, c.source.file
                        ));
                    }
                }
            }
            (Expect::Packages(_), Err(e)) => {
                failures.push(format!("{file}: unexpected error: {e} (line {:?})", e.line))
            }
            (Expect::Error(text), Ok(comps)) => failures.push(format!(
                "{file}: expected an error containing {text:?}, got {} components",
                comps.len()
            )),
            (Expect::Error(text), Err(e)) => {
                if !e.message.contains(text) {
                    failures.push(format!(
                        "{file}: error {:?} does not contain {text:?}",
                        e.message
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{format}:\n{}", failures.join("\n"));
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            for sub in walk(&entry.path()) {
                out.push(format!("{name}/{sub}"));
            }
        } else {
            out.push(name);
        }
    }
    out
}
