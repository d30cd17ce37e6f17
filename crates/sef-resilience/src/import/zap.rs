//! ZAP: the traditional JSON and XML reports (`site` → `alerts` →
//! `instances`, risk codes 0–3, confidence 0 meaning "false positive"),
//! and the API's alert list (`/JSON/core/view/alerts`: one object per
//! instance with `risk` as a word).
//!
//! One finding per alert (its `alertRef`, else its plugin id) per site.

use super::{Builder, ImportError, cwe_number, url_place, xml};
use sef_model::Severity;
use serde_json::Value;

const TOOL: &str = "zap";

fn risk_code(code: &str) -> Option<Severity> {
    match code.trim() {
        "0" => Some(Severity::Info),
        "1" => Some(Severity::Low),
        "2" => Some(Severity::Medium),
        "3" => Some(Severity::High),
        _ => None,
    }
}

fn risk_word(word: &str) -> Option<Severity> {
    match word.trim().to_ascii_lowercase().as_str() {
        "informational" | "info" => Some(Severity::Info),
        "low" => Some(Severity::Low),
        "medium" => Some(Severity::Medium),
        "high" => Some(Severity::High),
        _ => None,
    }
}

fn s(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The site of a URL: scheme, host and port.
fn site_of(url: &str) -> String {
    let p = url_place(url);
    match p.split_once("://") {
        Some((scheme, rest)) => {
            format!("{scheme}://{}", rest.split('/').next().unwrap_or(rest))
        }
        None => p,
    }
}

/// The traditional JSON report, or the API's alert list.
pub(super) fn json(text: &str, b: &mut Builder) -> Result<(), ImportError> {
    let v: Value = serde_json::from_str(text).map_err(|e| ImportError::json(&e, "ZAP JSON"))?;
    let program = s(&v, "@programName");
    let version = s(&v, "@version");
    b.tool = match (program.is_empty(), version.is_empty()) {
        (true, _) => "ZAP".to_owned(),
        (false, true) => program,
        (false, false) => format!("{program} {version}"),
    };
    if let Some(sites) = v.get("site") {
        let sites = sites
            .as_array()
            .ok_or_else(|| ImportError::at(1, 1, "ZAP JSON: `site` is not a list of sites"))?;
        for site in sites {
            let name = s(site, "@name");
            let Some(alerts) = site.get("alerts").and_then(Value::as_array) else {
                continue;
            };
            for a in alerts {
                let n = a
                    .get("instances")
                    .and_then(Value::as_array)
                    .map_or(1, Vec::len);
                alert(b, &name, a, &s(a, "riskcode"), true, n);
            }
        }
        return Ok(());
    }
    let list = match &v {
        Value::Array(a) => a,
        Value::Object(o) => o.get("alerts").and_then(Value::as_array).ok_or_else(|| {
            ImportError::at(
                1,
                1,
                "ZAP JSON: neither a report (`site`) nor an alert list (`alerts`)",
            )
        })?,
        _ => return Err(ImportError::at(1, 1, "ZAP JSON: not an object or a list")),
    };
    for a in list {
        let url = s(a, "url");
        alert(b, &site_of(&url), a, &s(a, "risk"), false, 1);
    }
    Ok(())
}

/// One alert; `instances` is how many places the report lists for it.
fn alert(b: &mut Builder, site: &str, a: &Value, risk: &str, coded: bool, instances: usize) {
    let confidence = s(a, "confidence");
    if confidence == "0" || confidence.eq_ignore_ascii_case("false positive") {
        b.false_positives += 1;
        return;
    }
    let rule = [s(a, "alertRef"), s(a, "pluginid"), s(a, "pluginId")]
        .into_iter()
        .find(|r| !r.is_empty())
        .unwrap_or_default();
    let title = [s(a, "name"), s(a, "alert")]
        .into_iter()
        .find(|t| !t.is_empty())
        .unwrap_or_default();
    let severity = if coded {
        risk_code(risk)
    } else {
        risk_word(risk)
    };
    let severity = severity.unwrap_or_else(|| {
        b.diagnostics.push(format!(
            "alert {rule} ({title}): unknown risk `{risk}`; its severity is unknown"
        ));
        Severity::Unknown
    });
    if rule.is_empty() {
        b.diagnostics.push(format!(
            "an alert without a plugin id (`{title}`) is kept under its name"
        ));
    }
    let rule = if rule.is_empty() { title.clone() } else { rule };
    let i = b.add(
        TOOL,
        &rule,
        site,
        &title,
        severity,
        cwe_number(&s(a, "cweid")),
        (!site.is_empty()).then(|| site.to_owned()),
    );
    b.findings[i].instances += instances.saturating_sub(1);
}

/// The traditional XML report.
pub(super) fn xml(text: &str, b: &mut Builder) -> Result<(), ImportError> {
    let doc = xml::parse(text)?;
    let root = doc.root_element();
    if !root.has_tag_name("OWASPZAPReport") {
        let (l, c) = xml::pos(&doc, root);
        return Err(ImportError::at(
            l,
            c,
            format!(
                "the root element is <{}>, not <OWASPZAPReport>: not a ZAP XML report",
                root.tag_name().name()
            ),
        ));
    }
    b.tool = match root.attribute("version") {
        Some(v) => format!("ZAP {v}"),
        None => "ZAP".to_owned(),
    };
    for site in root.children().filter(|n| n.has_tag_name("site")) {
        let name = site.attribute("name").unwrap_or_default().trim().to_owned();
        for alerts in site.children().filter(|n| n.has_tag_name("alerts")) {
            for item in alerts.children().filter(|n| n.has_tag_name("alertitem")) {
                let mut a = serde_json::Map::new();
                for key in [
                    "pluginid",
                    "alertRef",
                    "alert",
                    "name",
                    "riskcode",
                    "confidence",
                    "cweid",
                ] {
                    if let Some(v) = xml::child(item, key) {
                        a.insert(key.to_owned(), Value::String(v.to_owned()));
                    }
                }
                let a = Value::Object(a);
                let risk = s(&a, "riskcode");
                let n = item
                    .children()
                    .filter(|c| c.has_tag_name("instances"))
                    .flat_map(|c| c.children().filter(|i| i.has_tag_name("instance")))
                    .count();
                alert(b, &name, &a, &risk, true, n);
            }
        }
    }
    Ok(())
}
