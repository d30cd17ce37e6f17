//! One penetration test's record: a TOML file under `security/tests/`
//! (docs/pentest.md). It says what was tested, by whom, how and when, the
//! report's digest, the findings with severity and CWE, the tool reports
//! imported, and the retests. Every error names the file, line and column.

use chrono::NaiveDate;
use sef_model::evidence::resilience::ImportRecord;
use sef_model::{Fingerprint, Severity};
use serde::Deserialize;
use std::collections::HashSet;
use toml::Spanned;

/// A record file larger than this is refused.
pub const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// Who tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TesterKind {
    /// The offering's own organisation.
    Internal,
    /// An external firm.
    External,
}

impl TesterKind {
    /// As written in the record.
    pub fn as_str(self) -> &'static str {
        match self {
            TesterKind::Internal => "internal",
            TesterKind::External => "external",
        }
    }
}

/// How much the testers knew.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// No inside knowledge.
    BlackBox,
    /// Some: accounts, documentation.
    GreyBox,
    /// Full: source code and design.
    WhiteBox,
}

impl Method {
    /// As written in the record.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::BlackBox => "black-box",
            Method::GreyBox => "grey-box",
            Method::WhiteBox => "white-box",
        }
    }
}

/// The test report document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Where it is kept, when in the repository.
    pub file: Option<String>,
    /// Its SHA-256, lower-case hex.
    pub sha256: String,
}

/// One finding of the test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedFinding {
    /// Its id within the record (the tester's, or the importer's).
    pub id: String,
    /// What it is.
    pub title: String,
    /// How severe.
    pub severity: Severity,
    /// Its CWE, when known.
    pub cwe: Option<u32>,
    /// Where: a URL, a component, a file.
    pub location: Option<String>,
    /// `manual`, or the tool it was imported from.
    pub source: String,
    /// The tool's rule or template id, when imported.
    pub rule: Option<String>,
    /// The stable fingerprint: the importer's, or one derived from the
    /// test and the finding's id for manual findings.
    pub fingerprint: Fingerprint,
    /// When it was found.
    pub found: Option<NaiveDate>,
}

/// One retest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retest {
    /// When.
    pub date: NaiveDate,
    /// By whom.
    pub by: Option<String>,
    /// Finding ids found fixed.
    pub fixed: Vec<String>,
    /// Finding ids still open.
    pub open: Vec<String>,
    /// The report the retest was read from, when imported.
    pub source: Option<String>,
}

/// A whole record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestRecord {
    /// The test's id: the file's stem.
    pub id: String,
    /// The file, as shown (relative to the repository).
    pub file: String,
    /// What was tested.
    pub title: String,
    /// Who tested.
    pub tester: String,
    /// Internal or external.
    pub tester_kind: TesterKind,
    /// Black, grey or white box.
    pub method: Method,
    /// When testing started.
    pub started: NaiveDate,
    /// When it was completed; `None` while in progress.
    pub completed: Option<NaiveDate>,
    /// The release tested.
    pub release: Option<String>,
    /// What it covered (normalised scope items).
    pub scope: Vec<String>,
    /// The report.
    pub report: Option<Report>,
    /// Findings.
    pub findings: Vec<RecordedFinding>,
    /// Tool reports imported.
    pub imports: Vec<ImportRecord>,
    /// Retests, in file order.
    pub retests: Vec<Retest>,
}

/// Whether a finding is still open, as the retests say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// No retest found it fixed (or the latest found it open again).
    Open,
    /// The latest retest that looked at it found it fixed, on this date.
    Fixed(NaiveDate),
}

impl TestRecord {
    /// Whether a retest has looked at finding `id` (found it fixed or
    /// still open).
    pub fn retested(&self, id: &str) -> bool {
        self.retests
            .iter()
            .any(|r| r.fixed.iter().chain(&r.open).any(|f| f == id))
    }

    /// The state of finding `id`: the latest retest (by date, then file
    /// order) that names it decides.
    pub fn state_of(&self, id: &str) -> State {
        let mut state = State::Open;
        let mut at: Option<NaiveDate> = None;
        for r in &self.retests {
            if at.is_some_and(|d| r.date < d) {
                continue;
            }
            if r.fixed.iter().any(|f| f == id) {
                state = State::Fixed(r.date);
                at = Some(r.date);
            } else if r.open.iter().any(|f| f == id) {
                state = State::Open;
                at = Some(r.date);
            }
        }
        state
    }
}

/// A record that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct RecordError {
    /// The record file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong and what to write instead.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    title: Spanned<String>,
    tester: Spanned<String>,
    tester_kind: Spanned<String>,
    method: Spanned<String>,
    started: Spanned<toml::value::Datetime>,
    #[serde(default)]
    completed: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    release: Option<Spanned<String>>,
    scope: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    report: Option<RawReport>,
    #[serde(default)]
    finding: Vec<Spanned<RawFinding>>,
    #[serde(default)]
    import: Vec<Spanned<RawImport>>,
    #[serde(default)]
    retest: Vec<Spanned<RawRetest>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReport {
    #[serde(default)]
    file: Option<Spanned<String>>,
    sha256: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFinding {
    id: Spanned<String>,
    title: Spanned<String>,
    severity: Spanned<String>,
    #[serde(default)]
    cwe: Option<Spanned<i64>>,
    #[serde(default)]
    location: Option<Spanned<String>>,
    #[serde(default)]
    source: Option<Spanned<String>>,
    #[serde(default)]
    rule: Option<Spanned<String>>,
    #[serde(default)]
    fingerprint: Option<Spanned<String>>,
    #[serde(default)]
    found: Option<Spanned<toml::value::Datetime>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImport {
    format: Spanned<String>,
    file: Spanned<String>,
    sha256: Spanned<String>,
    date: Spanned<toml::value::Datetime>,
    findings: Spanned<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRetest {
    date: Spanned<toml::value::Datetime>,
    #[serde(default)]
    by: Option<Spanned<String>>,
    #[serde(default)]
    fixed: Vec<Spanned<String>>,
    #[serde(default)]
    open: Vec<Spanned<String>>,
    #[serde(default)]
    source: Option<Spanned<String>>,
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn err(&self, offset: usize, message: impl Into<String>) -> RecordError {
        let (line, column) = line_col(self.text, offset);
        RecordError {
            file: self.file.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }

    fn text(&self, v: Spanned<String>, key: &str, max: usize) -> Result<String, RecordError> {
        let start = v.span().start;
        let s = v.into_inner();
        let t = s.trim();
        if t.is_empty() {
            return Err(self.err(start, format!("`{key}` must not be empty")));
        }
        if t.chars().count() > max {
            return Err(self.err(start, format!("`{key}` is longer than {max} characters")));
        }
        if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(self.err(
                start,
                format!("`{key}` must not contain control characters"),
            ));
        }
        Ok(t.to_owned())
    }

    fn date(
        &self,
        v: &Spanned<toml::value::Datetime>,
        key: &str,
    ) -> Result<NaiveDate, RecordError> {
        let d = v.get_ref();
        match (d.date, d.time) {
            (Some(date), None) => NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            )
            .ok_or_else(|| self.err(v.span().start, format!("`{key}` is not a real date"))),
            _ => Err(self.err(
                v.span().start,
                format!("`{key}` must be a date such as 2026-11-30, without a time"),
            )),
        }
    }

    fn sha256(&self, v: Spanned<String>, key: &str) -> Result<String, RecordError> {
        let start = v.span().start;
        let s = v.into_inner().trim().to_ascii_lowercase();
        if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.err(
                start,
                format!(
                    "`{key}` must be a SHA-256 in hex (64 characters), as `sha256sum` prints it"
                ),
            ));
        }
        Ok(s)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[start..].chars().count() + 1)
}

/// Whether `id` is a usable test or finding id: 1 to 100 characters of
/// letters, digits, `.`, `_` and `-`, not starting with `.` or `-`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && !id.starts_with(['.', '-'])
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The fingerprint of a manual finding: the test and the finding's id.
pub fn manual_fingerprint(test: &str, id: &str) -> Fingerprint {
    Fingerprint::compute(["pentest", "manual", test, id])
}

/// Reads the record `text` of the test `id`, shown as `file` in errors.
pub fn parse(id: &str, file: &str, text: &str) -> Result<TestRecord, RecordError> {
    let ctx = Ctx { file, text };
    if !valid_id(id) {
        return Err(ctx.err(
            0,
            format!(
                "the file name gives the test id `{}`, which is not usable: name the file with letters, digits, `.`, `_` and `-` (e.g. 2026-11-web.toml)",
                id.escape_debug()
            ),
        ));
    }
    let raw: Raw = toml::from_str(text).map_err(|e| {
        ctx.err(
            e.span().map_or(0, |s| s.start),
            e.message().trim().to_owned(),
        )
    })?;
    let title = ctx.text(raw.title, "title", 300)?;
    let tester = ctx.text(raw.tester, "tester", 200)?;
    let tester_kind = match raw.tester_kind.get_ref().trim() {
        "internal" => TesterKind::Internal,
        "external" => TesterKind::External,
        other => {
            return Err(ctx.err(
                raw.tester_kind.span().start,
                format!(
                    "`tester_kind` is `internal` or `external`, not `{}`",
                    other.escape_debug()
                ),
            ));
        }
    };
    let method = match raw.method.get_ref().trim() {
        "black-box" => Method::BlackBox,
        "grey-box" | "gray-box" => Method::GreyBox,
        "white-box" => Method::WhiteBox,
        other => {
            return Err(ctx.err(
                raw.method.span().start,
                format!(
                    "`method` is `black-box`, `grey-box` or `white-box`, not `{}`",
                    other.escape_debug()
                ),
            ));
        }
    };
    let started = ctx.date(&raw.started, "started")?;
    let completed = match &raw.completed {
        Some(c) => {
            let d = ctx.date(c, "completed")?;
            if d < started {
                return Err(ctx.err(
                    c.span().start,
                    format!("`completed` ({d}) is before `started` ({started})"),
                ));
            }
            Some(d)
        }
        None => None,
    };
    let release = raw
        .release
        .map(|r| ctx.text(r, "release", 100))
        .transpose()?;
    let scope_span = raw.scope.span().start;
    let mut scope = Vec::new();
    for item in raw.scope.into_inner() {
        let start = item.span().start;
        let v = crate::scope::parse_item(item.get_ref())
            .map_err(|why| ctx.err(start, format!("`scope`: {why}")))?;
        if !scope.contains(&v) {
            scope.push(v);
        }
    }
    if scope.is_empty() {
        return Err(ctx.err(
            scope_span,
            "`scope` must name what was tested: `component:NAME`, `endpoint:URL` or `asset:ID`",
        ));
    }
    let report = raw
        .report
        .map(|r| -> Result<Report, RecordError> {
            Ok(Report {
                file: r
                    .file
                    .map(|f| ctx.text(f, "report.file", 1024))
                    .transpose()?,
                sha256: ctx.sha256(r.sha256, "report.sha256")?,
            })
        })
        .transpose()?;

    let mut findings = Vec::new();
    let mut ids = HashSet::new();
    let mut prints = HashSet::new();
    for f in raw.finding {
        let at = f.span().start;
        let f = f.into_inner();
        let id_at = f.id.span().start;
        let fid = ctx.text(f.id, "finding.id", 100)?;
        if !valid_id(&fid) {
            return Err(ctx.err(
                id_at,
                format!("`finding.id` `{fid}`: use letters, digits, `.`, `_` and `-`"),
            ));
        }
        if !ids.insert(fid.clone()) {
            return Err(ctx.err(id_at, format!("two findings have the id `{fid}`")));
        }
        let sev_at = f.severity.span().start;
        let severity = Severity::parse(f.severity.get_ref().trim())
            .filter(|s| *s != Severity::Unknown)
            .ok_or_else(|| {
                ctx.err(
                    sev_at,
                    format!(
                        "`severity` is info, low, medium, high or critical, not `{}`",
                        f.severity.get_ref().escape_debug()
                    ),
                )
            })?;
        let cwe = match f.cwe {
            Some(c) => {
                let start = c.span().start;
                let v = c.into_inner();
                Some(
                    u32::try_from(v)
                        .ok()
                        .filter(|v| (1..=100_000).contains(v))
                        .ok_or_else(|| {
                            ctx.err(start, format!("`cwe` is a CWE number such as 89, not {v}"))
                        })?,
                )
            }
            None => None,
        };
        let source = match f.source {
            Some(s) => ctx.text(s, "finding.source", 100)?,
            None => "manual".to_owned(),
        };
        let fingerprint = match f.fingerprint {
            Some(p) => Fingerprint::from_stored(ctx.text(p, "finding.fingerprint", 200)?),
            None => manual_fingerprint(id, &fid),
        };
        if !prints.insert(fingerprint.as_str().to_owned()) {
            return Err(ctx.err(
                at,
                format!("finding `{fid}` repeats the fingerprint of an earlier finding"),
            ));
        }
        findings.push(RecordedFinding {
            id: fid,
            title: ctx.text(f.title, "finding.title", 500)?,
            severity,
            cwe,
            location: f
                .location
                .map(|l| ctx.text(l, "finding.location", 2048))
                .transpose()?,
            source,
            rule: f
                .rule
                .map(|r| ctx.text(r, "finding.rule", 300))
                .transpose()?,
            fingerprint,
            found: f
                .found
                .as_ref()
                .map(|d| ctx.date(d, "finding.found"))
                .transpose()?,
        });
    }

    let mut imports = Vec::new();
    for i in raw.import {
        let i = i.into_inner();
        let n_at = i.findings.span().start;
        imports.push(ImportRecord {
            format: ctx.text(i.format, "import.format", 50)?,
            file: ctx.text(i.file, "import.file", 1024)?,
            sha256: ctx.sha256(i.sha256, "import.sha256")?,
            date: ctx.date(&i.date, "import.date")?,
            findings: usize::try_from(i.findings.into_inner())
                .map_err(|_| ctx.err(n_at, "`import.findings` must not be negative"))?,
        });
    }

    let mut retests = Vec::new();
    for r in raw.retest {
        let r = r.into_inner();
        let date = ctx.date(&r.date, "retest.date")?;
        if date < started {
            return Err(ctx.err(
                r.date.span().start,
                format!("`retest.date` ({date}) is before the test started ({started})"),
            ));
        }
        let names = |list: Vec<Spanned<String>>, key: &str| -> Result<Vec<String>, RecordError> {
            let mut out = Vec::new();
            for f in list {
                let start = f.span().start;
                let v = f.into_inner().trim().to_owned();
                if !ids.contains(&v) {
                    return Err(ctx.err(
                        start,
                        format!(
                            "`retest.{key}` names `{}`, which no `[[finding]]` of this test has",
                            v.escape_debug()
                        ),
                    ));
                }
                out.push(v);
            }
            Ok(out)
        };
        let fixed = names(r.fixed, "fixed")?;
        let open = names(r.open, "open")?;
        if let Some(both) = fixed.iter().find(|f| open.contains(f)) {
            return Err(ctx.err(
                r.date.span().start,
                format!("this retest lists `{both}` as both fixed and open"),
            ));
        }
        retests.push(Retest {
            date,
            by: r.by.map(|b| ctx.text(b, "retest.by", 200)).transpose()?,
            fixed,
            open,
            source: r
                .source
                .map(|s| ctx.text(s, "retest.source", 1024))
                .transpose()?,
        });
    }

    Ok(TestRecord {
        id: id.to_owned(),
        file: file.to_owned(),
        title,
        tester,
        tester_kind,
        method,
        started,
        completed,
        release,
        scope,
        report,
        findings,
        imports,
        retests,
    })
}

#[cfg(test)]
mod tests;
