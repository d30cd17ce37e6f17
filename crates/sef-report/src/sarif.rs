//! SARIF 2.1.0 output: every finding of a run as one log, for GitHub code
//! scanning and any other SARIF consumer.
//!
//! One run, tool `sef`, one rule per distinct rule id (its title, remediation
//! as help, CWE tags and a `security-severity`), one result per finding with
//! its level, location (repository-relative, under `%SRCROOT%`), the
//! finding's stable fingerprint as `partialFingerprints["sef/v1"]`, and, for
//! accepted risks and false positives, a suppression saying so. Failed or
//! partial evidence becomes a tool execution notification, so a consumer
//! can tell "no findings" from "could not look".

use sef_model::{AssessmentRun, EvidenceStatus, Finding, FindingStatus, Severity};
use serde_json::{Map, Value, json};

/// The URI of the SARIF 2.1.0 JSON schema.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Percent-encodes what may not appear in a URI reference (spaces,
/// non-ASCII, `%`, `#`, `?`), keeping `/` so that paths stay paths.
fn uri_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Unknown | Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity`: the CVSS base score when there is one,
/// else a score inside the severity's band; none when the severity is
/// unknown (a made-up score would be a fake rating).
fn security_severity(f: &Finding) -> Option<String> {
    match &f.cvss {
        Some(c) => Some(format!("{:.1}", c.score)),
        None => match f.severity {
            Severity::Critical => Some("9.5"),
            Severity::High => Some("8.0"),
            Severity::Medium => Some("5.5"),
            Severity::Low => Some("2.0"),
            Severity::Info => Some("0.0"),
            Severity::Unknown => None,
        }
        .map(str::to_owned),
    }
}

fn rule(f: &Finding) -> Value {
    let mut tags: Vec<String> = vec!["security".to_owned(), f.kind.as_str().to_owned()];
    tags.extend(f.cwe.iter().map(|c| format!("external/cwe/cwe-{}", c.0)));
    let mut r = json!({
        "id": f.rule_id,
        "name": f.rule_id,
        "shortDescription": { "text": f.title },
        "fullDescription": { "text": f.title },
        "help": { "text": f.remediation },
        "defaultConfiguration": { "level": level(f.severity) },
        "properties": {
            "tags": tags,
            "precision": "high",
        },
    });
    if let Some(score) = security_severity(f) {
        r["properties"]["security-severity"] = json!(score);
    }
    if let Some(uri) = f.references.iter().find(|u| u.starts_with("https://")) {
        r["helpUri"] = json!(uri);
    }
    r
}

fn result(f: &Finding, rule_index: usize) -> Value {
    let mut message = f.title.clone();
    if let Some(p) = &f.package {
        message.push_str(&format!(" ({p})"));
    }
    if !f.remediation.is_empty() {
        message.push_str(&format!(". {}", f.remediation));
    }
    let mut r = json!({
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": message },
        "partialFingerprints": { "sef/v1": f.fingerprint.as_str() },
    });
    if let Some(loc) = &f.location {
        let mut physical = json!({
            "artifactLocation": { "uri": uri_escape(&loc.path), "uriBaseId": "%SRCROOT%" },
        });
        if let Some(line) = loc.line.filter(|l| *l >= 1) {
            let mut region = json!({ "startLine": line });
            if let Some(col) = loc.column.filter(|c| *c >= 1) {
                region["startColumn"] = json!(col);
            }
            physical["region"] = region;
        }
        r["locations"] = json!([{ "physicalLocation": physical }]);
    } else {
        // A finding about the repository as a whole (a missing file, a
        // vulnerable package without a lockfile place): code scanning needs
        // a location, so it is the repository root.
        r["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": { "uri": ".", "uriBaseId": "%SRCROOT%" },
            },
            "message": { "text": "the repository as a whole" },
        }]);
    }
    let mut props = Map::new();
    props.insert("severity".into(), json!(f.severity.as_str()));
    props.insert("status".into(), json!(f.status.as_str()));
    props.insert("analyzer".into(), json!(f.analyzer));
    if let Some(p) = &f.package {
        props.insert("package".into(), json!(p));
    }
    if !f.aliases.is_empty() {
        props.insert("aliases".into(), json!(f.aliases));
    }
    if let Some(c) = &f.cvss {
        props.insert(
            "cvss".into(),
            json!({ "vector": c.vector, "score": c.score }),
        );
    }
    if !f.dependency_path.is_empty() {
        props.insert("dependency_path".into(), json!(f.dependency_path));
    }
    r["properties"] = Value::Object(props);
    match f.status {
        FindingStatus::Open | FindingStatus::Confirmed | FindingStatus::Fixed => {}
        FindingStatus::Accepted => {
            let justification = f.acceptance.as_ref().map_or_else(
                || "risk accepted".to_owned(),
                |a| {
                    format!(
                        "{} (approved by {}, {})",
                        a.justification,
                        a.approver,
                        a.until()
                    )
                },
            );
            r["suppressions"] = json!([{
                "kind": "external",
                "status": "accepted",
                "justification": justification,
            }]);
        }
        FindingStatus::FalsePositive => {
            r["suppressions"] = json!([{
                "kind": "external",
                "status": "accepted",
                "justification": "triaged as a false positive",
            }]);
        }
    }
    r
}

/// What a SARIF log says about the run that produced it, besides its
/// findings and evidence.
pub struct SarifRun<'a> {
    /// The directory assessed (absolute).
    pub root: &'a str,
    /// sef's version.
    pub sef_version: &'a str,
    /// `automationDetails.id`: the kind of run and what it was on.
    pub automation_id: String,
    /// When it started.
    pub started_at: chrono::DateTime<chrono::Utc>,
    /// When it finished.
    pub finished_at: chrono::DateTime<chrono::Utc>,
    /// The evidence: failed or partial evidence becomes a notification.
    pub evidence: &'a [sef_model::Evidence],
    /// The findings.
    pub findings: &'a [Finding],
    /// The run's `properties`.
    pub properties: Value,
}

/// The SARIF 2.1.0 log of one run.
pub fn run_sarif(run: &AssessmentRun) -> String {
    sarif_log(&SarifRun {
        root: &run.root,
        sef_version: &run.sef_version,
        automation_id: format!("sef/{}/{}/", run.offering.name, run.release.version),
        started_at: run.started_at,
        finished_at: run.finished_at,
        evidence: &run.evidence,
        findings: &run.findings,
        properties: json!({
            "run_id": run.id.to_string(),
            "offering": run.offering.name,
            "release": run.release.version,
            "phase": run.release.phase.as_str(),
            "gate": run.gate.outcome.as_str(),
        }),
    })
}

/// The SARIF 2.1.0 log of findings and the evidence behind them.
pub fn sarif_log(run: &SarifRun<'_>) -> String {
    let mut rules: Vec<Value> = Vec::new();
    let mut index: Vec<&str> = Vec::new();
    let mut results = Vec::with_capacity(run.findings.len());
    for f in run.findings {
        let i = match index.iter().position(|id| *id == f.rule_id) {
            Some(i) => i,
            None => {
                index.push(&f.rule_id);
                rules.push(rule(f));
                index.len() - 1
            }
        };
        results.push(result(f, i));
    }
    let notifications: Vec<Value> = run
        .evidence
        .iter()
        .filter_map(|e| {
            let (level, what) = match &e.status {
                EvidenceStatus::Failed { reason } => ("error", reason),
                EvidenceStatus::Partial { reason } if !e.kind.is_security_plan() => {
                    ("warning", reason)
                }
                _ => return None,
            };
            Some(json!({
                "level": level,
                "message": { "text": format!("{} ({}): {}", e.analyzer, e.kind, what) },
                "descriptor": { "id": format!("sef/evidence/{}", e.kind) },
            }))
        })
        .collect();
    let failed = run
        .evidence
        .iter()
        .any(|e| matches!(e.status, EvidenceStatus::Failed { .. }));
    let root = format!(
        "file://{}{}/",
        if run.root.starts_with('/') { "" } else { "/" },
        uri_escape(run.root.trim_end_matches('/'))
    );
    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "sef",
                "version": run.sef_version,
                "semanticVersion": run.sef_version,
                "informationUri": "https://example.invalid/sef",
                "rules": rules,
            }},
            "automationDetails": {
                "id": run.automation_id,
            },
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root } },
            "invocations": [{
                "executionSuccessful": !failed,
                "startTimeUtc": run.started_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                "endTimeUtc": run.finished_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": run.properties,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}
