//! The local advisory database: import of the real exports, lookup,
//! per-ecosystem replacement, atomicity and hostile archives.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Utc};
use sef_advisory::db::{AdvisoryDb, Limits, Source, import, import_with_limits};
use std::io::Write;
use std::path::{Path, PathBuf};

fn export(eco: &str) -> PathBuf {
    sef_testkit::shared(&format!("data/osv/{eco}/all.zip"))
}

/// Each zip as an import source labelled by its path.
fn zip_sources(zips: &[PathBuf]) -> Vec<Source<'_>> {
    zips.iter()
        .map(|z| Source::Zip {
            path: z,
            label: z.display().to_string(),
        })
        .collect()
}

fn t(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000 + s, 0).unwrap()
}

fn zip_of(path: &Path, entries: &[(&str, &[u8])]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

const REC: &str = r#"{"id":"TEST-1","modified":"2026-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"crates.io","name":"Foo_Bar"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]}]}"#;

#[test]
fn imports_the_three_real_exports_and_looks_up_by_normalised_name() {
    let zips = [export("crates.io"), export("PyPI"), export("Go")];
    let d = tempfile::tempdir().unwrap();
    let report = import(d.path(), &zip_sources(&zips), t(0)).unwrap();
    assert_eq!(report.imported.get("crates.io"), Some(&1206), "{report:?}");
    assert!(
        report.imported.get("PyPI").copied().unwrap_or(0) >= 2600,
        "{report:?}"
    );
    assert!(
        report.imported.get("Go").copied().unwrap_or(0) >= 4200,
        "{report:?}"
    );

    let db = AdvisoryDb::open(d.path()).unwrap().unwrap();
    assert!(
        db.lookup("crates.io", "mdbook")
            .unwrap()
            .iter()
            .any(|r| r.id == "RUSTSEC-2021-0001")
    );
    // PEP 503: Requests, requests and REQUESTS are one package.
    let a = db.lookup("PyPI", "Requests").unwrap();
    assert!(a.iter().any(|r| r.id == "PYSEC-2018-28"));
    assert_eq!(a.len(), db.lookup("PyPI", "requests").unwrap().len());
    assert!(
        db.lookup("Go", "golang.org/x/text")
            .unwrap()
            .iter()
            .any(|r| r.id == "GO-2022-1059")
    );
    assert!(db.lookup("npm", "left-pad").unwrap().is_empty());
    assert_eq!(db.manifest().ecosystems["crates.io"].count, 1206);
}

#[test]
fn reimporting_one_ecosystem_keeps_the_others() {
    let d = tempfile::tempdir().unwrap();
    let dir1 = d.path().join("one");
    std::fs::create_dir(&dir1).unwrap();
    std::fs::write(dir1.join("a.json"), REC).unwrap();
    std::fs::write(
        dir1.join("b.json"),
        r#"{"id":"PY-1","affected":[{"package":{"ecosystem":"PyPI","name":"Django"},"versions":["1.0"]}]}"#,
    )
    .unwrap();
    let db = d.path().join("db");
    import(&db, &[Source::Dir(&dir1)], t(0)).unwrap();
    let opened = AdvisoryDb::open(&db).unwrap().unwrap();
    assert_eq!(opened.lookup("crates.io", "foo-bar").unwrap().len(), 1);
    assert_eq!(opened.lookup("PyPI", "django").unwrap().len(), 1);

    // A new crates.io import replaces crates.io and keeps PyPI.
    let dir2 = d.path().join("two");
    std::fs::create_dir(&dir2).unwrap();
    std::fs::write(
        dir2.join("c.json"),
        REC.replace("TEST-1", "TEST-2").replace("Foo_Bar", "other"),
    )
    .unwrap();
    import(&db, &[Source::Dir(&dir2)], t(10)).unwrap();
    let opened = AdvisoryDb::open(&db).unwrap().unwrap();
    assert!(opened.lookup("crates.io", "foo-bar").unwrap().is_empty());
    assert_eq!(opened.lookup("crates.io", "other").unwrap()[0].id, "TEST-2");
    assert_eq!(opened.lookup("PyPI", "django").unwrap()[0].id, "PY-1");
    assert_eq!(
        std::fs::read_dir(&db)
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("gen-"))
            .count(),
        1
    );
}

#[test]
fn a_failed_import_leaves_the_previous_database_usable() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("db");
    let good = d.path().join("good.zip");
    zip_of(&good, &[("a.json", REC.as_bytes())]);
    import(
        &db,
        &[Source::Zip {
            path: &good,
            label: "good".into(),
        }],
        t(0),
    )
    .unwrap();

    // Truncated archive: an error, nothing changed.
    let bytes = std::fs::read(&good).unwrap();
    let truncated = d.path().join("truncated.zip");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let err = import(
        &db,
        &[Source::Zip {
            path: &truncated,
            label: "t".into(),
        }],
        t(5),
    )
    .unwrap_err();
    assert!(err.to_string().contains("not a readable zip"), "{err}");
    // Too much content: an error, nothing changed.
    let big = d.path().join("big.zip");
    zip_of(
        &big,
        &[("a.json", REC.as_bytes()), ("b.json", REC.as_bytes())],
    );
    let limits = Limits {
        total_bytes: 300,
        ..Limits::default()
    };
    let err = import_with_limits(
        &db,
        &[Source::Zip {
            path: &big,
            label: "b".into(),
        }],
        t(6),
        limits,
    )
    .unwrap_err();
    assert!(err.to_string().contains("zip bomb"), "{err}");
    let limits = Limits {
        entries: 1,
        ..Limits::default()
    };
    assert!(
        import_with_limits(
            &db,
            &[Source::Zip {
                path: &big,
                label: "b".into()
            }],
            t(7),
            limits
        )
        .is_err()
    );
    // A generation left behind by a killed import is ignored.
    std::fs::create_dir_all(db.join("gen-999")).unwrap();
    std::fs::write(db.join("gen-999/records.jsonl"), "garbage").unwrap();

    let opened = AdvisoryDb::open(&db).unwrap().unwrap();
    assert_eq!(
        opened.lookup("crates.io", "foo_bar").unwrap()[0].id,
        "TEST-1"
    );
    assert_eq!(opened.manifest().ecosystems["crates.io"].source, "good");
}

#[test]
fn hostile_entries_are_reported_and_skipped() {
    let d = tempfile::tempdir().unwrap();
    let z = d.path().join("mixed.zip");
    zip_of(
        &z,
        &[
            ("../evil.json", REC.as_bytes()),
            ("/abs.json", REC.as_bytes()),
            ("bad.json", b"{not json"),
            ("debian.json", br#"{"id":"DEB-1","affected":[{"package":{"ecosystem":"Debian:12","name":"curl"}}]}"#),
            ("ok.json", REC.as_bytes()),
            ("README.md", b"ignored"),
        ],
    );
    let db = d.path().join("db");
    let report = import(
        &db,
        &[Source::Zip {
            path: &z,
            label: "m".into(),
        }],
        t(0),
    )
    .unwrap();
    assert_eq!(report.imported.get("crates.io"), Some(&1));
    let text = report.skipped.join("\n");
    assert!(text.contains("`../evil.json` leaves the archive"), "{text}");
    assert!(text.contains("`/abs.json` leaves the archive"), "{text}");
    assert!(text.contains("bad.json: not a valid OSV record"), "{text}");
    assert!(
        text.contains("ecosystem Debian:12 is not one sef matches"),
        "{text}"
    );
    assert!(!db.join("..").join("evil.json").exists());
}

#[test]
fn a_damaged_database_is_explained() {
    let d = tempfile::tempdir().unwrap();
    assert!(AdvisoryDb::open(d.path()).unwrap().is_none());
    std::fs::write(d.path().join("current"), "../../etc").unwrap();
    assert!(AdvisoryDb::open(d.path()).is_err());
    std::fs::write(d.path().join("current"), "gen-1").unwrap();
    std::fs::create_dir(d.path().join("gen-1")).unwrap();
    std::fs::write(d.path().join("gen-1/manifest.json"), "{").unwrap();
    let e = AdvisoryDb::open(d.path()).err().unwrap();
    assert!(e.to_string().contains("damaged"), "{e}");
}

#[test]
fn a_directory_holding_a_downloaded_export_is_imported_and_an_empty_one_refused() {
    // the shared data keeps each export as `<ecosystem>/all.zip` beside a
    // LICENSE: importing the directory imports the zip
    let dir = sef_testkit::shared("data/osv/Go");
    let d = tempfile::tempdir().unwrap();
    let report = import(d.path(), &[Source::Dir(&dir)], t(0)).unwrap();
    assert!(
        report.imported.get("Go").copied().unwrap_or(0) >= 4200,
        "{report:?}"
    );
    // a directory with no record is an error, not "0 imported"
    let empty = d.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("LICENSE"), "text").unwrap();
    let err = import(&d.path().join("db2"), &[Source::Dir(&empty)], t(1)).unwrap_err();
    assert!(err.to_string().contains("no OSV record"), "{err}");
}

/// The real GO-2024-2687 record from the shared Go export.
fn real_go_record(id: &str) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(export("Go")).unwrap()).unwrap();
    let mut f = z.by_name(&format!("{id}.json")).unwrap();
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut f, &mut out).unwrap();
    out
}

#[test]
fn go_severity_comes_from_an_alias_and_symbols_are_kept() {
    use sef_advisory::matcher::match_components;
    use sef_model::{Component, Ecosystem, Severity, SourceRef};
    let go = real_go_record("GO-2024-2687");
    // A GHSA record in GitHub's OSV shape, imported beside the Go
    // database: it rates the vulnerability (7.5, high) and its range
    // differs from the Go record's, so it does not match by itself.
    let ghsa = br#"{"id":"GHSA-4v7x-pqxf-cx7m","modified":"2024-04-04T00:00:00Z","aliases":["CVE-2023-45288"],"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],"affected":[{"package":{"ecosystem":"Go","name":"golang.org/x/net"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"0.1.0"}]}]}]}"#;
    let d = tempfile::tempdir().unwrap();
    // imports the records as one zip and matches golang.org/x/net v0.22.0
    let matched = |name: &str, entries: &[(&str, &[u8])]| {
        let zip = d.path().join(format!("{name}.zip"));
        zip_of(&zip, entries);
        let db_dir = d.path().join(name);
        let source = Source::Zip {
            path: &zip,
            label: "test".into(),
        };
        import(&db_dir, &[source], t(0)).unwrap();
        let db = AdvisoryDb::open(&db_dir).unwrap().unwrap();
        let net = Component::new(
            Ecosystem::Go,
            "golang.org/x/net",
            Some("v0.22.0".into()),
            SourceRef {
                file: "go.mod".into(),
                line: Some(5),
            },
        );
        match_components(&db, &[net]).unwrap()
    };
    let report = matched(
        "with-alias",
        &[
            ("GO-2024-2687.json", &go),
            ("GHSA-4v7x-pqxf-cx7m.json", ghsa),
        ],
    );
    assert_eq!(report.matches.len(), 1, "{report:?}");
    let m = &report.matches[0];
    assert_eq!(m.id, "GO-2024-2687");
    assert_eq!(m.severity, Some(Severity::High));
    assert_eq!(m.cvss.as_ref().unwrap().1, 7.5);
    // the Go record's `imports` survive the import
    assert!(
        m.symbols
            .iter()
            .any(|s| s.starts_with("golang.org/x/net/http2.")),
        "{:?}",
        m.symbols
    );

    // without the alias, the Go record alone rates nothing
    let report = matched("alone", &[("GO-2024-2687.json", &go)]);
    assert_eq!(report.matches[0].severity, None);
}

/// The current generation directory of a database.
fn generation(root: &Path) -> PathBuf {
    let name = std::fs::read_to_string(root.join("current")).unwrap();
    root.join(name.trim())
}

fn import_two(d: &Path) {
    let zips = [export("crates.io"), export("PyPI")];
    import(d, &zip_sources(&zips), t(0)).unwrap();
}

#[test]
fn only_the_ecosystems_looked_up_are_read_and_each_is_checked() {
    let d = tempfile::tempdir().unwrap();
    import_two(d.path());
    let pypi = generation(d.path()).join("index").join("PyPI.json");
    let text = std::fs::read_to_string(&pypi).unwrap();
    // one name renamed: the file no longer has the digest the manifest
    // promises
    std::fs::write(&pypi, text.replacen("\"requests\":", "\"requestz\":", 1)).unwrap();
    let db = AdvisoryDb::open(d.path()).unwrap().unwrap();
    // crates.io is read and checked on its own, and is sound
    assert!(
        db.lookup("crates.io", "mdbook")
            .unwrap()
            .iter()
            .any(|r| r.id == "RUSTSEC-2021-0001")
    );
    // PyPI is refused, naming its file, on every lookup
    for _ in 0..2 {
        let e = db
            .lookup("PyPI", "requests")
            .expect_err("damaged")
            .to_string();
        assert!(e.contains("PyPI.json") && e.contains("digest"), "{e}");
    }
    // and verify reports it without stopping
    let report = db.verify().unwrap();
    assert!(!report.ok());
    assert!(
        report.problems.iter().any(|p| p.contains("PyPI.json")),
        "{report:?}"
    );
    assert_eq!(report.ecosystems["crates.io"].verified, 1206);

    std::fs::remove_file(&pypi).unwrap();
    let e = db.lookup("PyPI", "requests").err();
    // the first failure is kept: the answer does not change within a run
    assert!(e.is_some());
    let db = AdvisoryDb::open(d.path()).unwrap().unwrap();
    let e = db
        .lookup("PyPI", "requests")
        .expect_err("missing")
        .to_string();
    assert!(
        e.contains("PyPI.json") && e.contains("cannot be read"),
        "{e}"
    );
}

#[test]
fn a_database_in_the_one_index_format_is_still_read() {
    let d = tempfile::tempdir().unwrap();
    import_two(d.path());
    let g = generation(d.path());
    // rewrite the generation as format 2 wrote it: one index.json
    let mut whole = serde_json::Map::new();
    for eco in ["crates.io", "PyPI"] {
        let f = g.join("index").join(format!("{eco}.json"));
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        whole.insert(eco.to_owned(), v);
    }
    std::fs::remove_dir_all(g.join("index")).unwrap();
    std::fs::write(g.join("index.json"), serde_json::to_vec(&whole).unwrap()).unwrap();
    let manifest = std::fs::read_to_string(g.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"format\": 3"), "{manifest}");
    std::fs::write(
        g.join("manifest.json"),
        manifest.replace("\"format\": 3", "\"format\": 2"),
    )
    .unwrap();
    let db = AdvisoryDb::open(d.path()).unwrap().unwrap();
    assert!(
        db.lookup("PyPI", "Requests")
            .unwrap()
            .iter()
            .any(|r| r.id == "PYSEC-2018-28")
    );
    assert!(db.verify().unwrap().ok());
    // a damaged one-file index is still refused at open
    let text = std::fs::read_to_string(g.join("index.json")).unwrap();
    std::fs::write(
        g.join("index.json"),
        text.replacen("\"mdbook\":", "\"mdbooq\":", 1),
    )
    .unwrap();
    let e = AdvisoryDb::open(d.path())
        .err()
        .expect("damaged")
        .to_string();
    assert!(e.contains("index.json"), "{e}");
    // an unknown format is refused
    std::fs::write(
        g.join("manifest.json"),
        manifest.replace("\"format\": 3", "\"format\": 9"),
    )
    .unwrap();
    let e = AdvisoryDb::open(d.path())
        .err()
        .expect("format")
        .to_string();
    assert!(e.contains("format 9"), "{e}");
}
