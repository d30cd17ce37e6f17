//! Reading SARIF 2.1.0: the results of any analysis tool (semgrep, CodeQL,
//! clippy via clippy-sarif, bandit, gosec, …) normalised to sef findings.
//!
//! Each result becomes a [`Finding`] with the tool and rule, CWE ids (from
//! rule properties, tags, relationships and result taxa), a severity (the
//! rule's `security-severity` when present, else the SARIF level), a
//! repository-relative location, the message and snippet, and a fingerprint
//! that survives lines moving above the finding: the tool's own
//! (partial) fingerprints when it gives them, else a hash of the tool, the
//! rule, the path and the normalised code around the finding.
//!
//! The tools' invocations and notifications are kept: a tool that reports
//! it did not execute successfully is failed evidence, not "no findings".
//! Problems in the file (a path outside the repository, a result without a
//! location, an unknown level) are diagnostics; the rest of the file is
//! still read. This crate reads text it is given: the caller reads files.

mod normalize;
mod raw;

pub use normalize::{PathError, cwe_of, normalise_path, severity_of};

use sef_model::Finding;
pub use sef_model::evidence::tools::ToolRun;
use serde::Serialize;

/// What one SARIF file held.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Ingested {
    /// The tool runs.
    pub tools: Vec<ToolRun>,
    /// The findings, deduplicated by fingerprint.
    pub findings: Vec<Finding>,
    /// Results that repeated a fingerprint already seen.
    pub duplicates: usize,
    /// Problems in the file that did not stop the reading.
    pub diagnostics: Vec<String>,
}

/// Why a SARIF file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum SarifError {
    /// Not JSON.
    #[error("line {line}, column {column}: not valid JSON: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json said.
        message: String,
    },
    /// JSON, but not SARIF 2.1.0.
    #[error("{0}")]
    Version(String),
}

/// What the reader needs from its caller.
pub struct Options<'a> {
    /// The repository root as an absolute path (`/`-separated), to turn
    /// absolute URIs inside it into repository-relative paths.
    pub repo_root: Option<&'a str>,
    /// The code around a line of a repository file (the caller reads it),
    /// for fingerprints when the tool gives none and no snippet.
    pub context: &'a dyn Fn(&str, u32) -> Option<String>,
    /// Keep `http://` and `https://` artifact URIs as the location (a
    /// dynamic scanner's findings are at URLs, not files) instead of
    /// reporting them as "not a file".
    pub web_locations: bool,
}

/// Reads one SARIF 2.1.0 document.
pub fn read(text: &str, opts: &Options<'_>) -> Result<Ingested, SarifError> {
    let log: raw::Log = serde_json::from_str(text).map_err(|e| SarifError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    match log.version.as_deref() {
        Some("2.1.0") => {}
        Some(v) => {
            return Err(SarifError::Version(format!(
                "SARIF version {v} is not supported; sef reads SARIF 2.1.0 (most tools write it with an option such as --sarif or --format sarif)"
            )));
        }
        None => {
            return Err(SarifError::Version(
                "no \"version\": this is not a SARIF log (expected \"version\": \"2.1.0\")".into(),
            ));
        }
    }
    let mut out = Ingested::default();
    let mut seen = std::collections::HashSet::new();
    for run in &log.runs {
        normalize::run(run, opts, &mut out, &mut seen);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
