//! nuclei: `-jsonl` output (one result per line; older versions wrote the
//! same with `-json`), or the array `-json-export` writes. Field names
//! changed over versions (`templateID`/`template-id`, `matched`/
//! `matched-at`, `matcher_name`/`matcher-name`); both are read.
//!
//! One finding per template and matcher per matched location.

use super::{Builder, ImportError, cwe_number, url_place};
use sef_model::Severity;
use serde_json::Value;

const TOOL: &str = "nuclei";

fn field<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Reads the whole output.
pub(super) fn read(text: &str, b: &mut Builder) -> Result<(), ImportError> {
    b.tool = "nuclei".to_owned();
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let all: Vec<Value> =
            serde_json::from_str(text).map_err(|e| ImportError::json(&e, "nuclei JSON"))?;
        for (i, r) in all.iter().enumerate() {
            result(b, r, 1, i + 1)?;
        }
        return Ok(());
    }
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|e| {
            ImportError::at(
                n + 1,
                e.column().max(1),
                format!("not a nuclei JSON line: {e}"),
            )
        })?;
        result(b, &v, n + 1, 0)?;
    }
    Ok(())
}

fn result(b: &mut Builder, r: &Value, line: usize, index: usize) -> Result<(), ImportError> {
    let at = |what: &str| {
        let msg = if index > 0 {
            format!("result {index}: {what}")
        } else {
            what.to_owned()
        };
        ImportError::at(line, 1, msg)
    };
    if !r.is_object() {
        return Err(at("a nuclei result is a JSON object"));
    }
    let template = field(r, &["template-id", "templateID"])
        .ok_or_else(|| at("no `template-id`: not a nuclei result"))?;
    let info = r.get("info").unwrap_or(&Value::Null);
    let name = field(info, &["name"]).unwrap_or(template);
    let severity = match field(info, &["severity"])
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("info") => Severity::Info,
        Some("low") => Severity::Low,
        Some("medium") => Severity::Medium,
        Some("high") => Severity::High,
        Some("critical") => Severity::Critical,
        other => {
            b.diagnostics.push(format!(
                "{template}: severity `{}` is not one nuclei defines; its severity is unknown",
                other.unwrap_or("")
            ));
            Severity::Unknown
        }
    };
    let cwe = match info.get("classification").and_then(|c| c.get("cwe-id")) {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).find_map(cwe_number),
        Some(Value::String(s)) => s.split(',').find_map(cwe_number),
        _ => None,
    };
    let matcher = field(r, &["matcher-name", "matcher_name"]);
    let rule = match matcher {
        Some(m) => format!("{template}:{m}"),
        None => template.to_owned(),
    };
    let matched = field(r, &["matched-at", "matched"]).or_else(|| field(r, &["host"]));
    let place = matched.map(url_place).unwrap_or_default();
    let _ = b.add(
        TOOL,
        &rule,
        &place,
        name,
        severity,
        cwe,
        matched.map(str::to_owned),
    );
    Ok(())
}
