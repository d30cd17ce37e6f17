//! The tracking file, `security/threat-model/tracking.toml`
//! (docs/threat-model.md, "Tracking"): reviews of the model (reviewer,
//! date, the model's digest) and each risk's status: unchecked, in
//! progress, mitigated (by a requirement or evidence), accepted (approver,
//! justification, granted and expiry dates) or false positive. It is kept
//! apart from the model so that recording a review does not change the
//! digest it records. Errors give file:line:col; edits keep comments.

use crate::yaml::Mark;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

/// A risk's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Seen, not yet looked at.
    Unchecked,
    /// Being worked on.
    InProgress,
    /// A requirement or evidence counters it.
    Mitigated,
    /// Its risk is accepted until a date.
    Accepted,
    /// Not a real risk for this offering.
    FalsePositive,
}

impl Status {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unchecked => "unchecked",
            Status::InProgress => "in-progress",
            Status::Mitigated => "mitigated",
            Status::Accepted => "accepted",
            Status::FalsePositive => "false-positive",
        }
    }

    /// Parses the written form.
    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::Unchecked,
            Status::InProgress,
            Status::Mitigated,
            Status::Accepted,
            Status::FalsePositive,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// A review of the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// Who reviewed: a team member.
    pub reviewer: String,
    /// When.
    pub date: NaiveDate,
    /// The model's digest then.
    pub digest: String,
    /// What they said.
    pub note: Option<String>,
    /// Where it is written.
    pub at: Mark,
}

/// A risk's tracking entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The status.
    pub status: Status,
    /// For mitigated: the requirement that counters it.
    pub requirement: Option<String>,
    /// For mitigated: a path, URL or evidence kind that shows it.
    pub evidence: Option<String>,
    /// For accepted: who accepted it.
    pub approver: Option<String>,
    /// For accepted: why.
    pub justification: Option<String>,
    /// For accepted: when it was granted.
    pub granted: Option<NaiveDate>,
    /// For accepted: the last day it holds.
    pub expires: Option<NaiveDate>,
    /// Free text.
    pub note: Option<String>,
    /// Where it is written.
    pub at: Mark,
}

/// The tracking file, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tracking {
    /// Reviews, in file order.
    pub reviews: Vec<Review>,
    /// Entries by risk id.
    pub risks: BTreeMap<String, Entry>,
}

impl Tracking {
    /// The latest review (by date; the later in the file on a tie).
    pub fn last_review(&self) -> Option<&Review> {
        self.reviews.iter().rev().max_by_key(|r| r.date)
    }
}

/// An error in the tracking file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingError {
    /// The file.
    pub file: String,
    /// Where.
    pub at: Mark,
    /// What is wrong.
    pub message: String,
}

impl std::error::Error for TrackingError {}

impl fmt::Display for TrackingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.at, self.message)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReview {
    reviewer: Spanned<String>,
    date: Spanned<toml::value::Datetime>,
    digest: Spanned<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    status: Spanned<String>,
    #[serde(default)]
    requirement: Option<String>,
    #[serde(default)]
    evidence: Option<String>,
    #[serde(default)]
    approver: Option<String>,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    granted: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    expires: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    review: Vec<Spanned<RawReview>>,
    #[serde(default)]
    risks: BTreeMap<String, Spanned<RawEntry>>,
}

/// 1-based line and column of a byte offset.
pub fn mark_at(text: &str, offset: usize) -> Mark {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |p| p + 1);
    Mark {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        col: u32::try_from(before[start..].chars().count() + 1).unwrap_or(u32::MAX),
    }
}

fn date(
    d: &Spanned<toml::value::Datetime>,
    err: &dyn Fn(usize, String) -> TrackingError,
    what: &str,
) -> Result<NaiveDate, TrackingError> {
    let v = d.get_ref();
    match (v.date, v.time) {
        (Some(day), None) => NaiveDate::from_ymd_opt(
            i32::from(day.year),
            u32::from(day.month),
            u32::from(day.day),
        )
        .ok_or_else(|| err(d.span().start, format!("`{what}` is not a real date"))),
        _ => Err(err(
            d.span().start,
            format!("`{what}` is a date without a time, e.g. 2026-12-01"),
        )),
    }
}

/// Reads the tracking file `text`, shown as `file` in errors.
pub fn parse(file: &str, text: &str) -> Result<Tracking, TrackingError> {
    let err = |offset: usize, message: String| TrackingError {
        file: file.to_owned(),
        at: mark_at(text, offset),
        message,
    };
    let raw: Raw = toml::from_str(text).map_err(|e| {
        err(
            e.span().map_or(0, |s| s.start),
            e.message().trim().to_owned(),
        )
    })?;
    let mut t = Tracking::default();
    for r in raw.review {
        let at = mark_at(text, r.span().start);
        let r = r.into_inner();
        let digest = r.digest.get_ref();
        if !digest.starts_with("sha256:") || digest.len() != 71 {
            return Err(err(
                r.digest.span().start,
                "`digest` is the model's `sha256:<64 hex>` as `sef threat check` prints it".into(),
            ));
        }
        if r.reviewer.get_ref().trim().is_empty() {
            return Err(err(r.reviewer.span().start, "`reviewer` is empty".into()));
        }
        t.reviews.push(Review {
            reviewer: r.reviewer.into_inner(),
            date: date(&r.date, &err, "date")?,
            digest: r.digest.into_inner(),
            note: r.note,
            at,
        });
    }
    for (id, e) in raw.risks {
        let at = mark_at(text, e.span().start);
        let start = e.span().start;
        let e = e.into_inner();
        let status = Status::parse(e.status.get_ref()).ok_or_else(|| {
            err(
                e.status.span().start,
                format!(
                    "risk `{id}`: status `{}` is not unchecked, in-progress, mitigated, accepted or false-positive",
                    e.status.get_ref()
                ),
            )
        })?;
        let granted = e
            .granted
            .as_ref()
            .map(|d| date(d, &err, "granted"))
            .transpose()?;
        let expires = e
            .expires
            .as_ref()
            .map(|d| date(d, &err, "expires"))
            .transpose()?;
        match status {
            Status::Mitigated if e.requirement.is_none() && e.evidence.is_none() => {
                return Err(err(
                    start,
                    format!(
                        "risk `{id}`: `mitigated` names what mitigates it: `requirement = \"SEF-...\"` or `evidence = \"...\"`"
                    ),
                ));
            }
            Status::Accepted => {
                let missing: Vec<&str> = [
                    ("approver", e.approver.is_none()),
                    ("justification", e.justification.is_none()),
                    ("granted", granted.is_none()),
                    ("expires", expires.is_none()),
                ]
                .into_iter()
                .filter(|(_, m)| *m)
                .map(|(n, _)| n)
                .collect();
                if !missing.is_empty() {
                    return Err(err(
                        start,
                        format!("risk `{id}`: `accepted` needs {}", missing.join(", ")),
                    ));
                }
                if let (Some(g), Some(x)) = (granted, expires)
                    && x < g
                {
                    return Err(err(
                        start,
                        format!("risk `{id}`: `expires` is before `granted`"),
                    ));
                }
            }
            _ => {}
        }
        t.risks.insert(
            id,
            Entry {
                status,
                requirement: e.requirement,
                evidence: e.evidence,
                approver: e.approver,
                justification: e.justification,
                granted,
                expires,
                note: e.note,
                at,
            },
        );
    }
    Ok(t)
}

/// What `sef threat track` records for a risk.
#[derive(Debug, Clone, Default)]
pub struct Update {
    /// The status.
    pub status: Option<Status>,
    /// Mitigating requirement.
    pub requirement: Option<String>,
    /// Mitigating evidence.
    pub evidence: Option<String>,
    /// Approver.
    pub approver: Option<String>,
    /// Justification.
    pub justification: Option<String>,
    /// Granted.
    pub granted: Option<NaiveDate>,
    /// Expiry.
    pub expires: Option<NaiveDate>,
    /// Note.
    pub note: Option<String>,
}

fn date_value(d: NaiveDate) -> toml_edit::Value {
    use chrono::Datelike;
    let dt = toml_edit::Datetime {
        date: Some(toml_edit::Date {
            year: u16::try_from(d.year()).unwrap_or(0),
            month: u8::try_from(d.month()).unwrap_or(1),
            day: u8::try_from(d.day()).unwrap_or(1),
        }),
        time: None,
        offset: None,
    };
    toml_edit::Value::from(dt)
}

/// Sets a risk's entry in the tracking `text` (empty when there is no
/// file yet), replacing the fields `u` gives and keeping the rest and
/// every comment. The result is parsed back before it is returned.
pub fn set_risk(file: &str, text: &str, risk: &str, u: &Update) -> Result<String, TrackingError> {
    let mut doc: toml_edit::DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| TrackingError {
                file: file.to_owned(),
                at: mark_at(text, e.span().map_or(0, |s| s.start)),
                message: e.message().trim().to_owned(),
            })?;
    let risks = doc
        .entry("risks")
        .or_insert_with(|| {
            let mut t = toml_edit::Table::new();
            t.set_implicit(true);
            toml_edit::Item::Table(t)
        })
        .as_table_mut()
        .ok_or_else(|| TrackingError {
            file: file.to_owned(),
            at: Mark { line: 1, col: 1 },
            message: "`risks` is not a table".into(),
        })?;
    let entry = risks
        .entry(risk)
        .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()))
        .as_table_mut()
        .ok_or_else(|| TrackingError {
            file: file.to_owned(),
            at: Mark { line: 1, col: 1 },
            message: format!("`risks.\"{risk}\"` is not a table"),
        })?;
    let mut put = |k: &str, v: Option<toml_edit::Value>| {
        if let Some(v) = v {
            entry.insert(k, toml_edit::Item::Value(v));
        }
    };
    put("status", u.status.map(|s| s.as_str().into()));
    put("requirement", u.requirement.as_deref().map(Into::into));
    put("evidence", u.evidence.as_deref().map(Into::into));
    put("approver", u.approver.as_deref().map(Into::into));
    put("justification", u.justification.as_deref().map(Into::into));
    put("granted", u.granted.map(date_value));
    put("expires", u.expires.map(date_value));
    put("note", u.note.as_deref().map(Into::into));
    let out = doc.to_string();
    parse(file, &out)?;
    Ok(out)
}

/// Appends a review to the tracking `text`, keeping everything else.
pub fn add_review(
    file: &str,
    text: &str,
    reviewer: &str,
    date: NaiveDate,
    digest: &str,
    note: Option<&str>,
) -> Result<String, TrackingError> {
    let mut doc: toml_edit::DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| TrackingError {
                file: file.to_owned(),
                at: mark_at(text, e.span().map_or(0, |s| s.start)),
                message: e.message().trim().to_owned(),
            })?;
    let mut t = toml_edit::Table::new();
    t.insert("reviewer", toml_edit::value(reviewer));
    t.insert("date", toml_edit::Item::Value(date_value(date)));
    t.insert("digest", toml_edit::value(digest));
    if let Some(n) = note {
        t.insert("note", toml_edit::value(n));
    }
    let arr = doc
        .entry("review")
        .or_insert_with(|| toml_edit::Item::ArrayOfTables(toml_edit::ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| TrackingError {
            file: file.to_owned(),
            at: Mark { line: 1, col: 1 },
            message: "`review` is not an array of tables ([[review]])".into(),
        })?;
    arr.push(t);
    let out = doc.to_string();
    parse(file, &out)?;
    Ok(out)
}
