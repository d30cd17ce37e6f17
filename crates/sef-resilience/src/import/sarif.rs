//! SARIF from any DAST tool, through sef's SARIF reader: web locations
//! (`https://…` artifact URIs) are kept as they are, and the reader's
//! fingerprint (the tool's own, or sef's hash of rule, place and code)
//! identifies the finding.

use super::{Builder, ImportError};

/// Reads one SARIF log.
pub(super) fn read(text: &str, b: &mut Builder) -> Result<(), ImportError> {
    let no_context = |_: &str, _: u32| None;
    let opts = sef_sarif::Options {
        repo_root: None,
        context: &no_context,
        web_locations: true,
    };
    let ingested = sef_sarif::read(text, &opts).map_err(|e| match e {
        sef_sarif::SarifError::Json {
            line,
            column,
            message,
        } => ImportError::at(line.max(1), column.max(1), format!("not SARIF: {message}")),
        sef_sarif::SarifError::Version(m) => ImportError::at(1, 1, m),
    })?;
    b.tool = ingested
        .tools
        .iter()
        .map(|t| match &t.version {
            Some(v) => format!("{} {v}", t.name),
            None => t.name.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    // a scan that did not finish proves nothing fixed: refuse it
    if let Some(t) = ingested.tools.iter().find(|t| !t.execution_successful) {
        return Err(ImportError::at(
            1,
            1,
            format!(
                "{} says it did not run to completion ({}); import a report of a scan that finished",
                t.name,
                if t.notifications.is_empty() {
                    "no reason given".to_owned()
                } else {
                    t.notifications.join("; ")
                }
            ),
        ));
    }
    b.diagnostics.extend(ingested.diagnostics);
    for f in ingested.findings {
        let location = f.location.as_ref().map(|l| match l.line {
            Some(n) => format!("{}:{n}", l.path),
            None => l.path.clone(),
        });
        let _ = b.add(
            "sarif",
            &f.rule_id,
            f.fingerprint.as_str(),
            &f.title,
            f.severity,
            f.cwe.first().map(|c| c.0),
            location,
        );
    }
    Ok(())
}
