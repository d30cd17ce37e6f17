//! Imports of dynamic-testing tools' reports: ZAP (traditional JSON and
//! XML reports, and the API's alert list), nuclei (JSON lines or a JSON
//! array), Burp Suite's XML issue export, and SARIF from any DAST tool
//! through sef's SARIF reader.
//!
//! Each report becomes [`ImportedFinding`]s with stable fingerprints built
//! from the tool, its rule and where it was found (never from a date or a
//! scan id), so importing a retest's report tells which findings are gone.
//! Instances of one rule at one place are one finding.

mod burp;
mod nuclei;
mod sarif;
mod xml;
mod zap;

use sef_model::{Fingerprint, Severity};
use std::collections::HashMap;

/// A report larger than this is refused.
pub const MAX_REPORT_BYTES: u64 = 512 * 1024 * 1024;

/// The report formats sef reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// ZAP's traditional JSON report, or its API's alert list.
    ZapJson,
    /// ZAP's traditional XML report.
    ZapXml,
    /// nuclei's `-jsonl` output (or `-json-export`'s array).
    Nuclei,
    /// Burp Suite's "Report selected issues" XML export.
    Burp,
    /// SARIF 2.1.0 from any DAST tool.
    Sarif,
}

impl Format {
    /// Every format, as `--format` names them.
    pub const ALL: [Format; 5] = [
        Format::ZapJson,
        Format::ZapXml,
        Format::Nuclei,
        Format::Burp,
        Format::Sarif,
    ];

    /// The name used on the command line and in records.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::ZapJson => "zap-json",
            Format::ZapXml => "zap-xml",
            Format::Nuclei => "nuclei",
            Format::Burp => "burp",
            Format::Sarif => "sarif",
        }
    }

    /// The tool family findings of this format are recorded under (the
    /// `source` of a finding): both ZAP formats give `zap`, so a retest may
    /// use either.
    pub fn family(self) -> &'static str {
        match self {
            Format::ZapJson | Format::ZapXml => "zap",
            Format::Nuclei => "nuclei",
            Format::Burp => "burp",
            Format::Sarif => "sarif",
        }
    }

    /// The format called `name`.
    pub fn parse(name: &str) -> Option<Format> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// The format of `text`, recognised from its first structure: a SARIF
    /// `version`, ZAP's `@programName` or alert fields, nuclei's
    /// `template-id`, or the XML root element.
    pub fn detect(text: &str) -> Option<Format> {
        let head: String = text.chars().take(4096).collect();
        let t = head.trim_start_matches('\u{feff}').trim_start();
        if t.starts_with('<') {
            if head.contains("<OWASPZAPReport") {
                return Some(Format::ZapXml);
            }
            if head.contains("<issues") {
                return Some(Format::Burp);
            }
            return None;
        }
        if head.contains("\"$schema\"") && head.contains("sarif") || head.contains("\"runs\"") {
            return Some(Format::Sarif);
        }
        if head.contains("\"template-id\"") || head.contains("\"templateID\"") {
            return Some(Format::Nuclei);
        }
        if head.contains("\"@programName\"")
            || head.contains("\"site\"")
            || head.contains("\"pluginId\"")
            || head.contains("\"alertRef\"")
        {
            return Some(Format::ZapJson);
        }
        None
    }
}

/// One finding of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedFinding {
    /// The tool's rule, plugin or template id.
    pub rule: String,
    /// Its title.
    pub title: String,
    /// Its severity.
    pub severity: Severity,
    /// Its CWE, when the tool gives one.
    pub cwe: Option<u32>,
    /// Where: the site, URL or host and path.
    pub location: Option<String>,
    /// Instances folded into this finding (URLs, parameters).
    pub instances: usize,
    /// The stable fingerprint.
    pub fingerprint: Fingerprint,
}

/// A whole report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The format read.
    pub format: Format,
    /// The tool and version, as the report names them.
    pub tool: String,
    /// The findings, in report order, one per fingerprint.
    pub findings: Vec<ImportedFinding>,
    /// Results the tool itself marked as false positives, left out.
    pub false_positives: usize,
    /// Problems that did not stop the reading.
    pub diagnostics: Vec<String>,
}

/// A report that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct ImportError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl ImportError {
    fn at(line: usize, column: usize, message: impl Into<String>) -> Self {
        ImportError {
            line,
            column,
            message: message.into(),
        }
    }

    fn json(e: &serde_json::Error, what: &str) -> Self {
        ImportError::at(
            e.line().max(1),
            e.column().max(1),
            format!("not {what}: {e}"),
        )
    }
}

/// Reads `text` as `format` (detected when `None`).
pub fn read(text: &str, format: Option<Format>) -> Result<Imported, ImportError> {
    // An empty file proves nothing: a scan that crashed leaves one too. A
    // clean scan still writes its document (ZAP's and Burp's reports, a
    // SARIF log, nuclei's -json-export array `[]`).
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(ImportError::at(
            1,
            1,
            "the report is empty: a scan that crashed writes an empty file too, so it proves nothing; for a scan that found nothing, import a report that says so (nuclei: -json-export writes [])",
        ));
    }
    let format = match format {
        Some(f) => f,
        None => Format::detect(text).ok_or_else(|| {
            ImportError::at(
                1,
                1,
                "not a report sef recognises (ZAP JSON or XML, nuclei JSON lines, Burp XML, SARIF); name the format with --format",
            )
        })?,
    };
    let text = text.trim_start_matches('\u{feff}');
    let mut b = Builder::new(format);
    match format {
        Format::ZapJson => zap::json(text, &mut b)?,
        Format::ZapXml => zap::xml(text, &mut b)?,
        Format::Nuclei => nuclei::read(text, &mut b)?,
        Format::Burp => burp::read(text, &mut b)?,
        Format::Sarif => sarif::read(text, &mut b)?,
    }
    Ok(b.finish())
}

/// Collects findings, folding instances of one fingerprint together.
struct Builder {
    format: Format,
    tool: String,
    findings: Vec<ImportedFinding>,
    index: HashMap<String, usize>,
    false_positives: usize,
    diagnostics: Vec<String>,
}

impl Builder {
    fn new(format: Format) -> Self {
        Builder {
            format,
            tool: String::new(),
            findings: Vec::new(),
            index: HashMap::new(),
            false_positives: 0,
            diagnostics: Vec::new(),
        }
    }

    /// Adds one result of `tool`'s `rule` at `place` (the part of the
    /// location that identifies the finding; `location` is what is shown),
    /// and returns the finding's index.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        tool: &str,
        rule: &str,
        place: &str,
        title: &str,
        severity: Severity,
        cwe: Option<u32>,
        location: Option<String>,
    ) -> usize {
        let fingerprint = Fingerprint::compute(["pentest", tool, rule, place]);
        if let Some(&i) = self.index.get(fingerprint.as_str()) {
            let f = &mut self.findings[i];
            f.instances += 1;
            // the most severe instance decides
            if rank(severity) > rank(f.severity) {
                f.severity = severity;
            }
            return i;
        }
        self.index
            .insert(fingerprint.as_str().to_owned(), self.findings.len());
        self.findings.push(ImportedFinding {
            rule: one_line(rule, 300),
            title: one_line(if title.trim().is_empty() { rule } else { title }, 500),
            severity,
            cwe,
            location: location.map(|l| one_line(&l, 2048)),
            instances: 1,
            fingerprint,
        });
        self.findings.len() - 1
    }

    fn finish(self) -> Imported {
        Imported {
            format: self.format,
            tool: if self.tool.is_empty() {
                self.format.as_str().to_owned()
            } else {
                self.tool
            },
            findings: self.findings,
            false_positives: self.false_positives,
            diagnostics: self.diagnostics,
        }
    }
}

fn rank(s: Severity) -> u8 {
    match s {
        Severity::Info => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
        Severity::Unknown => 5,
    }
}

/// Text on one line, control characters dropped, at most `max` characters.
fn one_line(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in s
        .split_whitespace()
        .flat_map(|w| std::iter::once(' ').chain(w.chars()))
        .skip(1)
        .enumerate()
    {
        if n >= max {
            out.push('…');
            break;
        }
        if !c.is_control() {
            out.push(c);
        }
    }
    out
}

/// A CWE number from `79`, `CWE-79` or `cwe-79`; `None` for 0, -1 or
/// anything else.
fn cwe_number(s: &str) -> Option<u32> {
    let s = s.trim();
    let digits = s
        .strip_prefix("CWE-")
        .or_else(|| s.strip_prefix("cwe-"))
        .unwrap_or(s);
    digits.parse::<u32>().ok().filter(|n| *n > 0)
}

/// A URL without its query and fragment, scheme and host lower-cased.
fn url_place(url: &str) -> String {
    let u = url.trim();
    let u = u.split(['?', '#']).next().unwrap_or(u);
    match u.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            format!(
                "{}://{}{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase(),
                if path.is_empty() { "/" } else { path }
            )
        }
        None => u.to_owned(),
    }
}

#[cfg(test)]
mod tests;
