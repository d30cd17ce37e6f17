//! Burp Suite: the XML of "Report selected issues" (`<issues>` of
//! `<issue>` with type, name, host, path, severity and confidence; CWE ids
//! in the HTML of `vulnerabilityClassifications`).
//!
//! One finding per issue type per host and path.

use super::{Builder, ImportError, cwe_number, xml};
use sef_model::Severity;

const TOOL: &str = "burp";

/// Reads the whole export.
pub(super) fn read(text: &str, b: &mut Builder) -> Result<(), ImportError> {
    let doc = xml::parse(text)?;
    let root = doc.root_element();
    if !root.has_tag_name("issues") {
        let (l, c) = xml::pos(&doc, root);
        return Err(ImportError::at(
            l,
            c,
            format!(
                "the root element is <{}>, not <issues>: not a Burp Suite issue export",
                root.tag_name().name()
            ),
        ));
    }
    b.tool = match root.attribute("burpVersion") {
        Some(v) if !v.trim().is_empty() => format!("Burp Suite {}", v.trim()),
        _ => "Burp Suite".to_owned(),
    };
    for issue in root.children().filter(|n| n.has_tag_name("issue")) {
        let (line, col) = xml::pos(&doc, issue);
        let kind = xml::child(issue, "type")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ImportError::at(line, col, "an <issue> without a <type>"))?;
        let name = xml::child(issue, "name").unwrap_or(kind);
        let host = xml::child(issue, "host").unwrap_or_default();
        let path = xml::child(issue, "path").unwrap_or_default();
        let confidence = xml::child(issue, "confidence").unwrap_or_default();
        let severity = match xml::child(issue, "severity").unwrap_or_default() {
            "High" => Severity::High,
            "Medium" => Severity::Medium,
            "Low" => Severity::Low,
            "Information" => Severity::Info,
            "False positive" => {
                b.false_positives += 1;
                continue;
            }
            other => {
                b.diagnostics.push(format!(
                    "line {line}: issue {kind} ({name}): unknown severity `{other}`; its severity is unknown"
                ));
                Severity::Unknown
            }
        };
        if confidence.eq_ignore_ascii_case("false positive") {
            b.false_positives += 1;
            continue;
        }
        let cwe = xml::child(issue, "vulnerabilityClassifications").and_then(first_cwe);
        let location = format!("{}{}", host.trim_end_matches('/'), path);
        let _ = b.add(
            TOOL,
            kind,
            &location,
            name,
            severity,
            cwe,
            (!location.is_empty()).then(|| location.clone()),
        );
    }
    Ok(())
}

/// The first `CWE-n` in Burp's classification HTML.
fn first_cwe(html: &str) -> Option<u32> {
    let mut rest = html;
    while let Some(i) = rest.find("CWE-") {
        let after = &rest[i + 4..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if let Some(n) = cwe_number(&digits) {
            return Some(n);
        }
        rest = after;
    }
    None
}
