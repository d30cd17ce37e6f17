//! Writing records: a new test's file, and additions to an existing one
//! (imported findings, a retest, the completion date) made with
//! `toml_edit`, so comments and layout written by hand stay as they were.

use crate::import::{Format, Imported, ImportedFinding};
use crate::record::{State, TestRecord};
use chrono::NaiveDate;
use std::collections::HashSet;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

/// A record file that cannot be edited.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct EditError(String);

/// A new test, as `sef pentest add` records it.
#[derive(Debug, Clone)]
pub struct NewTest {
    /// What was tested.
    pub title: String,
    /// Who tests.
    pub tester: String,
    /// `internal` or `external`.
    pub tester_kind: String,
    /// `black-box`, `grey-box` or `white-box`.
    pub method: String,
    /// When testing started.
    pub started: NaiveDate,
    /// When it was completed, if it was.
    pub completed: Option<NaiveDate>,
    /// The release tested.
    pub release: Option<String>,
    /// The scope items.
    pub scope: Vec<String>,
    /// The report's path, when kept in the repository.
    pub report_file: Option<String>,
    /// The report's SHA-256.
    pub report_sha256: Option<String>,
}

/// The text of a new record.
pub fn new_record(t: &NewTest) -> String {
    let mut doc = DocumentMut::new();
    doc["title"] = value(t.title.as_str());
    doc["tester"] = value(t.tester.as_str());
    doc["tester_kind"] = value(t.tester_kind.as_str());
    doc["method"] = value(t.method.as_str());
    doc["started"] = value(date(t.started));
    if let Some(c) = t.completed {
        doc["completed"] = value(date(c));
    }
    if let Some(r) = &t.release {
        doc["release"] = value(r.as_str());
    }
    let mut scope = toml_edit::Array::new();
    for s in &t.scope {
        scope.push(s.as_str());
    }
    doc["scope"] = value(scope);
    if let Some(sha) = &t.report_sha256 {
        let mut report = Table::new();
        if let Some(f) = &t.report_file {
            report["file"] = value(f.as_str());
        }
        report["sha256"] = value(sha.as_str());
        doc["report"] = Item::Table(report);
    }
    format!(
        "# A penetration test or dynamic scan (docs/pentest.md). Findings are added\n\
         # with `sef pentest import` or by hand as [[finding]] tables; retests with\n\
         # `sef pentest retest`.\n{doc}"
    )
}

fn date(d: NaiveDate) -> toml_edit::Datetime {
    toml_edit::Datetime {
        date: Some(toml_edit::Date {
            year: u16::try_from(chrono::Datelike::year(&d)).unwrap_or(0),
            month: u8::try_from(chrono::Datelike::month(&d)).unwrap_or(0),
            day: u8::try_from(chrono::Datelike::day(&d)).unwrap_or(0),
        }),
        time: None,
        offset: None,
    }
}

fn open_doc(text: &str) -> Result<DocumentMut, EditError> {
    text.parse::<DocumentMut>()
        .map_err(|e| EditError(format!("the record is not valid TOML: {e}")))
}

fn tables<'d>(doc: &'d mut DocumentMut, key: &str) -> Result<&'d mut ArrayOfTables, EditError> {
    if !doc.contains_key(key) {
        doc[key] = Item::ArrayOfTables(ArrayOfTables::new());
    }
    doc[key]
        .as_array_of_tables_mut()
        .ok_or_else(|| EditError(format!("`{key}` is not written as [[{key}]] tables")))
}

/// Finding ids not yet used in a record: `<family>-<n>`.
struct Ids {
    used: HashSet<String>,
    next: usize,
}

impl Ids {
    fn new(record: &TestRecord) -> Self {
        Ids {
            used: record.findings.iter().map(|f| f.id.clone()).collect(),
            next: record.findings.len() + 1,
        }
    }

    fn take(&mut self, family: &str) -> String {
        loop {
            let id = format!("{family}-{}", self.next);
            self.next += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }
}

fn known_prints(record: &TestRecord) -> HashSet<&str> {
    record
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect()
}

fn finding_table(id: &str, f: &ImportedFinding, family: &str, found: NaiveDate) -> Table {
    let mut t = Table::new();
    t["id"] = value(id);
    t["title"] = value(f.title.as_str());
    t["severity"] = value(f.severity.as_str());
    if let Some(c) = f.cwe {
        t["cwe"] = value(i64::from(c));
    }
    if let Some(l) = &f.location {
        t["location"] = value(l.as_str());
    }
    t["source"] = value(family);
    t["rule"] = value(f.rule.as_str());
    t["fingerprint"] = value(f.fingerprint.as_str());
    t["found"] = value(date(found));
    t
}

fn import_table(format: Format, file: &str, sha256: &str, on: NaiveDate, n: usize) -> Table {
    let mut t = Table::new();
    t["format"] = value(format.as_str());
    t["file"] = value(file);
    t["sha256"] = value(sha256);
    t["date"] = value(date(on));
    t["findings"] = value(i64::try_from(n).unwrap_or(i64::MAX));
    t
}

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportOutcome {
    /// Finding ids added.
    pub added: Vec<String>,
    /// Findings of the report the record already had.
    pub already_recorded: usize,
}

/// Appends to `doc` the findings of `imported` that `record` does not have
/// yet (by fingerprint) and the `[[import]]` entry; returns the new ids and
/// how many the record already had.
fn append_import(
    doc: &mut DocumentMut,
    record: &TestRecord,
    imported: &Imported,
    file: &str,
    sha256: &str,
    on: NaiveDate,
) -> Result<ImportOutcome, EditError> {
    let family = imported.format.family();
    let known = known_prints(record);
    let mut ids = Ids::new(record);
    let mut out = ImportOutcome::default();
    let findings = tables(doc, "finding")?;
    for f in &imported.findings {
        if known.contains(f.fingerprint.as_str()) {
            out.already_recorded += 1;
            continue;
        }
        let id = ids.take(family);
        findings.push(finding_table(&id, f, family, on));
        out.added.push(id);
    }
    tables(doc, "import")?.push(import_table(
        imported.format,
        file,
        sha256,
        on,
        imported.findings.len(),
    ));
    Ok(out)
}

/// Adds the findings of `imported` that `record` does not have yet (by
/// fingerprint), and logs the import. `text` is the record's text.
pub fn add_import(
    text: &str,
    record: &TestRecord,
    imported: &Imported,
    file: &str,
    sha256: &str,
    on: NaiveDate,
) -> Result<(String, ImportOutcome), EditError> {
    let mut doc = open_doc(text)?;
    let out = append_import(&mut doc, record, imported, file, sha256, on)?;
    Ok((doc.to_string(), out))
}

/// A retest to record.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RetestOutcome {
    /// Finding ids found fixed.
    pub fixed: Vec<String>,
    /// Finding ids still open.
    pub open: Vec<String>,
    /// Findings the retest's report has that the record did not: added as
    /// new findings, not yet retested themselves.
    pub added: Vec<String>,
}

/// Records a retest read from a tool's report: the record's open findings
/// of the same tool family the report no longer has are fixed, those it
/// still has are open, and findings it newly reports are added as new
/// findings (open, and awaiting a retest of their own).
pub fn retest_from_import(
    text: &str,
    record: &TestRecord,
    imported: &Imported,
    file: &str,
    sha256: &str,
    on: NaiveDate,
    by: Option<&str>,
) -> Result<(String, RetestOutcome), EditError> {
    let family = imported.format.family();
    let reported: HashSet<&str> = imported
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let mut out = RetestOutcome::default();
    for f in record.findings.iter().filter(|f| f.source == family) {
        if record.state_of(&f.id) != State::Open {
            continue;
        }
        if reported.contains(f.fingerprint.as_str()) {
            out.open.push(f.id.clone());
        } else {
            out.fixed.push(f.id.clone());
        }
    }
    let mut doc = open_doc(text)?;
    out.added = append_import(&mut doc, record, imported, file, sha256, on)?.added;
    let source = format!("{} {file} (sha256 {sha256})", imported.format.as_str());
    tables(&mut doc, "retest")?.push(retest_table(on, by, &out.fixed, &out.open, Some(&source)));
    Ok((doc.to_string(), out))
}

/// Records a retest stated by hand: these ids fixed, those still open.
pub fn retest_manual(
    text: &str,
    on: NaiveDate,
    by: Option<&str>,
    fixed: &[String],
    open: &[String],
) -> Result<String, EditError> {
    let mut doc = open_doc(text)?;
    tables(&mut doc, "retest")?.push(retest_table(on, by, fixed, open, None));
    Ok(doc.to_string())
}

fn retest_table(
    on: NaiveDate,
    by: Option<&str>,
    fixed: &[String],
    open: &[String],
    source: Option<&str>,
) -> Table {
    let list = |ids: &[String]| {
        let mut a = toml_edit::Array::new();
        for i in ids {
            a.push(i.as_str());
        }
        value(a)
    };
    let mut t = Table::new();
    t["date"] = value(date(on));
    if let Some(b) = by {
        t["by"] = value(b);
    }
    t["fixed"] = list(fixed);
    t["open"] = list(open);
    if let Some(s) = source {
        t["source"] = value(s);
    }
    t
}

/// Sets the completion date.
pub fn complete(text: &str, on: NaiveDate) -> Result<String, EditError> {
    let mut doc = open_doc(text)?;
    doc["completed"] = value(date(on));
    Ok(doc.to_string())
}
