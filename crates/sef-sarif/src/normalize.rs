//! From SARIF runs to findings: rule lookup, CWE ids, severity, paths,
//! messages and fingerprints.

use crate::raw;
use crate::{Ingested, Options, ToolRun};
use sef_model::{
    Cwe, Finding, FindingId, FindingKind, FindingStatus, Fingerprint, Location, Severity,
};
use std::collections::HashSet;

/// A CWE id in a tag or property: `CWE-79`, `cwe_79`, `external/cwe/cwe-079`,
/// `CWE-79: Improper Neutralization…`.
pub fn cwe_of(s: &str) -> Option<u32> {
    let lower = s.to_ascii_lowercase();
    // the first `cwe` followed (after separators) by a number
    lower.match_indices("cwe").find_map(|(i, _)| {
        let rest = lower[i + 3..].trim_start_matches(['-', '_', ':', '/', ' ']);
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let n: u32 = digits.parse().ok()?;
        (1..=3000).contains(&n).then_some(n)
    })
}

/// The severity of a result: from `security-severity` (a CVSS-like score)
/// when the rule or result has one, else from the SARIF level.
pub fn severity_of(security_severity: Option<f64>, level: Option<&str>) -> Severity {
    if let Some(s) = security_severity.filter(|s| s.is_finite()) {
        return if s >= 9.0 {
            Severity::Critical
        } else if s >= 7.0 {
            Severity::High
        } else if s >= 4.0 {
            Severity::Medium
        } else if s > 0.0 {
            Severity::Low
        } else {
            Severity::Info
        };
    }
    match level {
        Some("error") => Severity::High,
        Some("note") => Severity::Low,
        Some("none") => Severity::Info,
        // "warning" is SARIF's default level
        _ => Severity::Medium,
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Why an artifact URI is not a repository-relative path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// A URI of another scheme (`https://…`).
    #[error("`{uri}` is not a file in the repository")]
    NotAFile {
        /// The URI as written.
        uri: String,
    },
    /// An absolute path, and the repository root is not known.
    #[error("`{uri}` is an absolute path and the repository root is not known")]
    RootUnknown {
        /// The URI as written.
        uri: String,
    },
    /// An absolute path outside the repository root.
    #[error("`{uri}` is outside the repository")]
    Outside {
        /// The URI as written.
        uri: String,
    },
    /// A relative path whose `..` leave the repository.
    #[error("`{uri}` climbs out of the repository")]
    ClimbsOut {
        /// The URI as written.
        uri: String,
    },
    /// A path that names the repository itself, no file.
    #[error("`{uri}` names no file")]
    NoFile {
        /// The URI as written.
        uri: String,
    },
}

/// Whether `uri` is a web address.
fn is_web(uri: &str) -> bool {
    let lower = uri.get(..8).unwrap_or(uri).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// A SARIF artifact URI (with its base, when the run defines it) as a
/// repository-relative `/`-separated path, or why it cannot be one.
pub fn normalise_path(
    uri: &str,
    base: Option<&str>,
    repo_root: Option<&str>,
) -> Result<String, PathError> {
    let uri_owned = || uri.to_owned();
    let joined = match base {
        Some(b) if !uri.contains("://") && !uri.starts_with('/') => {
            format!("{}/{}", b.trim_end_matches('/'), uri)
        }
        _ => uri.to_owned(),
    };
    let mut p = percent_decode(&joined).replace('\\', "/");
    if let Some(rest) = p.strip_prefix("file://") {
        // file:///abs or file://host/abs
        p = rest.trim_start_matches("localhost").to_owned();
        if !p.starts_with('/') {
            p = format!("/{p}");
        }
    } else if p.contains("://") {
        return Err(PathError::NotAFile { uri: uri_owned() });
    }
    if p.starts_with('/') || p.get(1..3) == Some(":/") {
        let Some(root) = repo_root else {
            return Err(PathError::RootUnknown { uri: uri_owned() });
        };
        let root = root.trim_end_matches('/');
        match p
            .strip_prefix(root)
            .filter(|r| r.is_empty() || r.starts_with('/'))
        {
            Some(rest) => p = rest.trim_start_matches('/').to_owned(),
            None => return Err(PathError::Outside { uri: uri_owned() }),
        }
    }
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(PathError::ClimbsOut { uri: uri_owned() });
                }
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return Err(PathError::NoFile { uri: uri_owned() });
    }
    Ok(parts.join("/"))
}

fn text_of(t: Option<&raw::Text>) -> Option<String> {
    t.and_then(|t| t.text.clone().or_else(|| t.markdown.clone()))
        .filter(|s| !s.trim().is_empty())
}

fn number(v: Option<&serde_json::Value>) -> Option<f64> {
    match v? {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn rule_cwes(rule: &raw::Rule) -> Vec<u32> {
    let mut out = Vec::new();
    let mut add = |s: &str| {
        if let Some(n) = cwe_of(s)
            && !out.contains(&n)
        {
            out.push(n);
        }
    };
    if let Some(tags) = rule.properties.get("tags").and_then(|t| t.as_array()) {
        for t in tags.iter().filter_map(|t| t.as_str()) {
            add(t);
        }
    }
    for key in ["cwe", "CWE", "cwe_ids"] {
        match rule.properties.get(key) {
            Some(serde_json::Value::String(s)) => add(s),
            Some(serde_json::Value::Array(a)) => {
                for s in a.iter().filter_map(|v| v.as_str()) {
                    add(s);
                }
            }
            _ => {}
        }
    }
    for r in &rule.relationships {
        let is_cwe = r
            .target
            .tool_component
            .as_ref()
            .and_then(|t| t.name.as_deref())
            .is_some_and(|n| n.eq_ignore_ascii_case("cwe"));
        if let Some(id) = r.target.id.as_deref() {
            if is_cwe && let Ok(n) = id.trim().parse::<u32>() {
                add(&format!("CWE-{n}"));
                continue;
            }
            if id.to_ascii_lowercase().contains("cwe") {
                add(id);
            }
        }
    }
    out
}

/// The tool's own fingerprint of a result, as `key=value` parts: its
/// partial fingerprints when it gives them, else its fingerprints.
fn tool_fingerprint(r: &raw::Result) -> Option<Vec<String>> {
    let source = if r.partial_fingerprints.is_empty() {
        &r.fingerprints
    } else {
        &r.partial_fingerprints
    };
    if source.is_empty() {
        return None;
    }
    Some(source.iter().map(|(k, v)| format!("{k}={v}")).collect())
}

/// Tool fingerprints that are not fingerprints: one value given to results
/// at different places (file and line; a column alone does not make
/// another result). A real fingerprint names one
/// place; semgrep OSS gives every result `matchBasedId/v1: "requires
/// login"`, and trusting it would merge distinct results into one.
fn shared_fingerprints(results: &[raw::Result]) -> HashSet<String> {
    let mut places: std::collections::HashMap<String, (Option<String>, Option<i64>)> =
        std::collections::HashMap::new();
    let mut shared = HashSet::new();
    for r in results {
        let Some(key) = tool_fingerprint(r).map(|p| p.join("\u{1f}")) else {
            continue;
        };
        let pl = r
            .locations
            .first()
            .and_then(|l| l.physical_location.as_ref());
        let place = (
            pl.and_then(|p| p.artifact_location.as_ref())
                .and_then(|a| a.uri.clone()),
            pl.and_then(|p| p.region.as_ref())
                .and_then(|g| g.start_line),
        );
        match places.get(&key) {
            Some(seen) if *seen != place => {
                shared.insert(key);
            }
            Some(_) => {}
            None => {
                places.insert(key, place);
            }
        }
    }
    shared
}

fn one_line(s: &str, max: usize) -> String {
    let line = s
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() > max {
        let cut: String = line.chars().take(max).collect();
        format!("{cut}…")
    } else {
        line.to_owned()
    }
}

fn normalise_code(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn run(
    run: &raw::Run,
    opts: &Options<'_>,
    out: &mut Ingested,
    seen: &mut HashSet<String>,
) {
    let d = &run.tool.driver;
    let tool = if d.name.trim().is_empty() {
        "unknown-tool".to_owned()
    } else {
        d.name.trim().to_owned()
    };
    let mut rule_cwe_all: Vec<u32> = Vec::new();
    for r in &d.rules {
        for c in rule_cwes(r) {
            if !rule_cwe_all.contains(&c) {
                rule_cwe_all.push(c);
            }
        }
    }
    rule_cwe_all.sort_unstable();
    let mut notifications = Vec::new();
    let mut ok = true;
    for inv in &run.invocations {
        if inv.execution_successful == Some(false) {
            ok = false;
        }
        for n in &inv.tool_execution_notifications {
            if matches!(n.level.as_deref(), Some("error" | "warning") | None)
                && let Some(t) = n.message.text.as_deref()
            {
                notifications.push(format!(
                    "{}: {}",
                    n.level.as_deref().unwrap_or("warning"),
                    one_line(t, 300)
                ));
            }
        }
    }
    let results = run.results.as_deref().unwrap_or(&[]);
    if run.results.is_none() {
        out.diagnostics.push(format!(
            "{tool}: the run has no \"results\" array: it does not say whether the tool looked"
        ));
    }
    let mut no_location = 0usize;
    let placeholders = shared_fingerprints(results);
    if !placeholders.is_empty() {
        out.diagnostics.push(format!(
            "{tool}: {} fingerprint value(s) are shared by results at different places (semgrep OSS writes \"requires login\"); those results are fingerprinted by sef's own location-and-code hash instead",
            placeholders.len()
        ));
    }
    for r in results {
        if matches!(
            r.kind.as_deref(),
            Some("pass" | "notApplicable" | "informational")
        ) {
            continue;
        }
        let rule_id = r
            .rule_id
            .clone()
            .or_else(|| r.rule.as_ref().and_then(|x| x.id.clone()))
            .unwrap_or_else(|| "unidentified".to_owned());
        let index = r
            .rule_index
            .or_else(|| r.rule.as_ref().and_then(|x| x.index));
        let rule = index
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| d.rules.get(i))
            .filter(|x| x.id == rule_id || x.id.is_empty())
            .or_else(|| d.rules.iter().find(|x| x.id == rule_id));
        let mut cwe: Vec<u32> = rule.map(rule_cwes).unwrap_or_default();
        for t in &r.taxa {
            if let Some(id) = t.id.as_deref() {
                let named_cwe = t
                    .tool_component
                    .as_ref()
                    .and_then(|c| c.name.as_deref())
                    .is_some_and(|n| n.eq_ignore_ascii_case("cwe"));
                let n = if named_cwe {
                    id.trim().parse::<u32>().ok()
                } else {
                    cwe_of(id)
                };
                if let Some(n) = n.filter(|n| !cwe.contains(n)) {
                    cwe.push(n);
                }
            }
        }
        let sec = number(r.properties.get("security-severity"))
            .or_else(|| rule.and_then(|x| number(x.properties.get("security-severity"))));
        let level = r.level.as_deref().or_else(|| {
            rule.and_then(|x| x.default_configuration.as_ref())
                .and_then(|c| c.level.as_deref())
        });
        let severity = severity_of(sec, level);

        let message = r
            .message
            .text
            .clone()
            .or_else(|| {
                let id = r.message.id.as_deref()?;
                let mut t = rule?.message_strings.get(id)?.text.clone()?;
                for (i, a) in r.message.arguments.iter().enumerate() {
                    t = t.replace(&format!("{{{i}}}"), a);
                }
                Some(t)
            })
            .or_else(|| rule.and_then(|x| text_of(x.short_description.as_ref())))
            .unwrap_or_else(|| rule_id.clone());

        let physical = r
            .locations
            .first()
            .and_then(|l| l.physical_location.as_ref());
        let mut location = None;
        let mut snippet = None;
        if let Some(pl) = physical {
            if let Some(al) = &pl.artifact_location {
                let base = al
                    .uri_base_id
                    .as_deref()
                    .and_then(|b| run.original_uri_base_ids.get(b))
                    .and_then(|b| b.uri.as_deref());
                match al.uri.as_deref().map(|u| {
                    if opts.web_locations && is_web(u) {
                        Ok(u.split('#').next().unwrap_or(u).to_owned())
                    } else {
                        normalise_path(u, base, opts.repo_root)
                    }
                }) {
                    Some(Ok(path)) => {
                        let region = pl.region.as_ref();
                        location = Some(Location {
                            path,
                            line: region
                                .and_then(|g| g.start_line)
                                .and_then(|l| u32::try_from(l).ok())
                                .filter(|l| *l >= 1),
                            column: region
                                .and_then(|g| g.start_column)
                                .and_then(|c| u32::try_from(c).ok())
                                .filter(|c| *c >= 1),
                        });
                    }
                    Some(Err(why)) => out.diagnostics.push(format!(
                        "{tool} {rule_id}: {why}; the result is kept without a location"
                    )),
                    None => {}
                }
            }
            snippet = text_of(pl.region.as_ref().and_then(|g| g.snippet.as_ref()))
                .or_else(|| text_of(pl.context_region.as_ref().and_then(|g| g.snippet.as_ref())));
        }
        if location.is_none() {
            no_location += 1;
        }

        let tool_parts = tool_fingerprint(r).filter(|p| !placeholders.contains(&p.join("\u{1f}")));
        let fingerprint = if let Some(tool_parts) = tool_parts {
            let mut parts = vec!["sarif".to_owned(), tool.clone(), rule_id.clone()];
            parts.extend(tool_parts);
            Fingerprint::compute(parts)
        } else {
            let context = snippet.clone().or_else(|| {
                let l = location.as_ref()?;
                (opts.context)(&l.path, l.line?)
            });
            let anchor = match context {
                Some(c) => normalise_code(&c),
                None => normalise_code(&message),
            };
            let path = location.as_ref().map_or("", |l| l.path.as_str());
            Fingerprint::compute(["sarif", &tool, &rule_id, path, &anchor])
        };
        if !seen.insert(fingerprint.as_str().to_owned()) {
            out.duplicates += 1;
            continue;
        }
        let mut title = one_line(&message, 300);
        if let Some(s) = &snippet {
            let s = one_line(s, 120);
            if !s.is_empty() && !title.contains(&s) {
                title = format!("{title} — `{s}`");
            }
        }
        let remediation = rule
            .and_then(|x| {
                text_of(x.help.as_ref())
                    .map(|h| one_line(&h, 500))
                    .or_else(|| x.help_uri.clone())
            })
            .unwrap_or_else(|| format!("see the {tool} documentation of rule {rule_id}"));
        let mut references = Vec::new();
        if let Some(u) = rule.and_then(|x| x.help_uri.clone()) {
            references.push(u);
        }
        out.findings.push(Finding {
            id: FindingId::generate(),
            kind: FindingKind::StaticAnalysis,
            analyzer: format!("sarif:{tool}"),
            rule_id,
            title,
            remediation,
            cwe: cwe.into_iter().map(Cwe).collect(),
            severity,
            location,
            fingerprint,
            status: if r.suppressions.is_empty() {
                FindingStatus::Open
            } else {
                FindingStatus::FalsePositive
            },
            package: None,
            aliases: Vec::new(),
            acceptance: None,
            cvss: None,
            references,
            dependency_path: Vec::new(),
            scope: None,
        });
    }
    if no_location > 0 {
        out.diagnostics.push(format!(
            "{tool}: {no_location} result(s) have no usable location"
        ));
    }
    out.tools.push(ToolRun {
        name: tool,
        version: d.version.clone().or_else(|| d.semantic_version.clone()),
        results: results.len(),
        rules: d.rules.len(),
        rule_cwes: rule_cwe_all,
        execution_successful: ok,
        notifications,
    });
}
