//! What every format says the same way: the verdict, and a few readable
//! lines per piece of evidence.

use sef_model::{AssessmentRun, Evidence, EvidenceKind, EvidenceStatus, GateOutcome};
use serde_json::Value;

/// The verdict of a run as the reports state it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `PASS` or `FAIL`.
    pub label: &'static str,
    /// Whether the gate passed.
    pub pass: bool,
    /// One sentence on the evidence: complete, or what is missing.
    pub evidence: String,
    /// The process exit code `sef assess` returns for this run.
    pub exit_code: i32,
    /// The ids of the gate criteria that failed.
    pub blocking: Vec<String>,
}

/// Names the source of a piece of evidence in a sentence: the analyzer,
/// or for the security plan's parts (one step, five kinds) the kind.
fn source(e: &Evidence) -> &str {
    if e.kind.is_security_plan() {
        e.kind.as_str()
    } else {
        e.analyzer.as_str()
    }
}

/// The verdict of a run.
pub fn verdict(run: &AssessmentRun) -> Verdict {
    let pass = run.gate.outcome == GateOutcome::Pass;
    let failed: Vec<_> = run
        .evidence
        .iter()
        .filter(|e| matches!(e.status, EvidenceStatus::Failed { .. }))
        .map(|e| e.analyzer.as_str())
        .collect();
    let partial: Vec<_> = run
        .evidence
        .iter()
        .filter(|e| matches!(e.status, EvidenceStatus::Partial { .. }))
        .map(source)
        .collect();
    let missing: Vec<_> = run
        .evidence
        .iter()
        .filter(|e| matches!(e.status, EvidenceStatus::Missing { .. }))
        .map(source)
        .collect();
    let evidence = if run.evidence.is_empty() {
        "evidence is incomplete: no analyzer ran".to_owned()
    } else if failed.is_empty() && partial.is_empty() && missing.is_empty() {
        "evidence complete".to_owned()
    } else {
        let mut parts = Vec::new();
        if !failed.is_empty() {
            parts.push(format!("failed: {}", failed.join(", ")));
        }
        if !partial.is_empty() {
            parts.push(format!("partial: {}", partial.join(", ")));
        }
        if !missing.is_empty() {
            parts.push(format!("missing: {}", missing.join(", ")));
        }
        format!("evidence is incomplete ({})", parts.join("; "))
    };
    let blocking = run
        .gate
        .criteria
        .iter()
        .filter(|c| c.outcome == sef_model::CriterionOutcome::Fail)
        .map(|c| c.id.clone())
        .collect();
    Verdict {
        blocking,
        label: if pass { "PASS" } else { "FAIL" },
        pass,
        evidence,
        exit_code: if pass { 0 } else { 1 },
    }
}

fn num(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

/// Groups digits by thousands: 12345 → "12,345".
pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A few human-readable lines summarising one piece of evidence.
pub fn evidence_lines(e: &Evidence) -> Vec<String> {
    if let Some(reason) = e.status.reason() {
        let mut lines = vec![format!("{}: {reason}", e.status.label())];
        if matches!(
            e.status,
            EvidenceStatus::Failed { .. } | EvidenceStatus::Missing { .. }
        ) {
            return lines;
        }
        lines.extend(kind_lines(e));
        return lines;
    }
    kind_lines(e)
}

fn kind_lines(e: &Evidence) -> Vec<String> {
    match e.kind {
        EvidenceKind::RepositoryFacts => repo_facts_lines(&e.payload),
        EvidenceKind::Inventory => inventory_lines(&e.payload),
        EvidenceKind::KnownVulnerabilities => vulnerability_lines(&e.payload),
        EvidenceKind::StaticAnalysis => static_analysis_lines(&e.payload),
        EvidenceKind::Signatures => {
            let k = &e.payload["kpi_input"];
            vec![format!(
                "{} of {} declared release artefact(s) signed and verified",
                num(&k["verified"]),
                num(&k["total"])
            )]
        }
        EvidenceKind::History => history_lines(&e.payload),
        EvidenceKind::Secrets => {
            let p = &e.payload;
            let sc = &p["scanned"];
            let mut v = vec![format!(
                "{} hard-coded secret(s) in {} file(s) scanned ({} binary, {} over the size cap skipped); {} rules ({})",
                num(&p["found"]),
                thousands(num(&sc["files"])),
                num(&sc["binary"]),
                num(&sc["too_large"]),
                num(&p["rules"]["count"]),
                p["rules"]["source"].as_str().unwrap_or("")
            )];
            if let Some(h) = p["history"].as_object() {
                v.push(format!(
                    "history: {} commit(s), {} distinct blob(s) scanned",
                    thousands(num(&h["commits"])),
                    thousands(num(&h["blobs"]))
                ));
            }
            let allowed = p["allowed_inline"].as_array().map_or(0, Vec::len);
            if allowed > 0 || num(&p["baselined"]) > 0 {
                v.push(format!(
                    "{allowed} allowed inline (sef:allow), {} in the baseline",
                    num(&p["baselined"])
                ));
            }
            v
        }
        EvidenceKind::SecurityTests => {
            let p = &e.payload;
            let s = &p["security"];
            vec![
                format!(
                    "{} test case(s) in {} JUnit file(s): {} passed, {} failed, {} skipped",
                    thousands(num(&p["cases"])),
                    p["files"].as_array().map_or(0, Vec::len),
                    num(&p["passed"]),
                    num(&p["failed"]),
                    num(&p["skipped"])
                ),
                format!(
                    "security tests: {} executed, {} passed, {} failed, {} skipped",
                    num(&s["passed"]) + num(&s["failed"]),
                    num(&s["passed"]),
                    num(&s["failed"]),
                    num(&s["skipped"])
                ),
            ]
        }
        EvidenceKind::Pti
        | EvidenceKind::PlanningChecklist
        | EvidenceKind::SecurityRequirements
        | EvidenceKind::SecurityDocumentation
        | EvidenceKind::Education => crate::plan::evidence_lines(e.kind, &e.payload),
    }
}

fn static_analysis_lines(p: &Value) -> Vec<String> {
    let tools: Vec<String> = p["tools"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|t| {
                    format!(
                        "{}{} ({} result(s){})",
                        t["name"].as_str().unwrap_or("?"),
                        t["version"]
                            .as_str()
                            .map(|v| format!(" {v}"))
                            .unwrap_or_default(),
                        num(&t["results"]),
                        if t["execution_successful"] == false {
                            ", did NOT execute successfully"
                        } else {
                            ""
                        }
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut out = vec![format!(
        "{} finding(s) from {} SARIF file(s): {}",
        num(&p["findings"]),
        p["files"].as_array().map_or(0, Vec::len),
        if tools.is_empty() {
            "no tool run".to_owned()
        } else {
            tools.join(", ")
        }
    )];
    let diags = p["diagnostics"].as_array().map_or(0, Vec::len);
    if diags > 0 {
        out.push(format!(
            "{diags} diagnostic(s) about the files (see the JSON report)"
        ));
    }
    out
}

fn vulnerability_lines(p: &Value) -> Vec<String> {
    let total = num(&p["components"]);
    if total == 0 {
        return vec!["no third-party component to test".to_owned()];
    }
    let mut out = vec![format!(
        "{} of {} third-party component(s) tested against the advisory database; {} match(es)",
        thousands(num(&p["tested"])),
        thousands(total),
        p["matches"].as_array().map_or(0, Vec::len)
    )];
    if let Some(Value::Object(eco)) = p["database"].get("ecosystems") {
        let parts: Vec<String> = eco
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}: {} advisories, {} day(s) old",
                    num(&v["count"]),
                    v["age_days"]
                        .as_i64()
                        .map_or("?".to_owned(), |d| d.to_string())
                )
            })
            .collect();
        if !parts.is_empty() {
            out.push(format!("database: {}", parts.join("; ")));
        }
    }
    out
}

fn inventory_lines(p: &Value) -> Vec<String> {
    let s = &p["summary"];
    let mut out = vec![format!(
        "{} components ({} third-party, {} first-party) from {} file(s)",
        thousands(num(&s["components"])),
        thousands(num(&s["third_party"])),
        thousands(num(&s["first_party"])),
        num(&s["files"])
    )];
    if let Some(Value::Object(eco)) = s.get("by_ecosystem")
        && !eco.is_empty()
    {
        let parts: Vec<String> = eco.iter().map(|(k, v)| format!("{k} {}", num(v))).collect();
        out.push(format!("ecosystems: {}", parts.join(", ")));
    }
    let unpinned = num(&s["unpinned"]);
    if unpinned > 0 {
        out.push(format!(
            "{unpinned} unpinned requirement(s): no exact version"
        ));
    }
    if let Some(Value::Array(d)) = p.get("diagnostics") {
        for diag in d.iter().take(5) {
            let line = diag["line"]
                .as_u64()
                .map(|l| format!(":{l}"))
                .unwrap_or_default();
            out.push(format!(
                "{}: {}{line}: {}",
                diag["level"].as_str().unwrap_or("note"),
                diag["file"].as_str().unwrap_or(""),
                diag["message"].as_str().unwrap_or("")
            ));
        }
        if d.len() > 5 {
            out.push(format!("… and {} more diagnostic(s)", d.len() - 5));
        }
    }
    out
}

fn repo_facts_lines(p: &Value) -> Vec<String> {
    let mut out = Vec::new();
    match p.get("git") {
        Some(Value::Object(g)) => {
            let branch = g
                .get("branch")
                .and_then(Value::as_str)
                .unwrap_or("(detached HEAD)");
            let commit = g.get("head_commit").and_then(Value::as_str).map_or_else(
                || "no commits yet".to_owned(),
                |c| c.chars().take(12).collect(),
            );
            let dirty = if g.get("dirty").and_then(Value::as_bool).unwrap_or(false) {
                ", uncommitted changes"
            } else {
                ", clean"
            };
            out.push(format!("git: {branch} @ {commit}{dirty}"));
        }
        _ => out.push("git: no git history".to_owned()),
    }
    let code = num(&p["code_lines"]);
    out.push(format!(
        "{} files, {} lines of code",
        thousands(num(&p["files"])),
        thousands(code)
    ));
    if let Some(Value::Object(langs)) = p.get("languages") {
        let mut v: Vec<(&String, u64, u64)> = langs
            .iter()
            .map(|(k, s)| (k, num(&s["code_lines"]), num(&s["files"])))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
        let top: Vec<String> = v
            .iter()
            .take(6)
            .map(|(k, lines, files)| {
                if code > 0 {
                    let pct = (*lines as f64) * 100.0 / code as f64;
                    if pct < 1.0 {
                        format!("{k} <1%")
                    } else {
                        format!("{k} {pct:.0}%")
                    }
                } else {
                    format!("{k} ({files} files)")
                }
            })
            .collect();
        if !top.is_empty() {
            let more = if v.len() > 6 {
                format!(", +{} more", v.len() - 6)
            } else {
                String::new()
            };
            out.push(format!("languages: {}{more}", top.join(", ")));
        }
    }
    if let Some(Value::Object(pf)) = p.get("policy_files") {
        fn label(k: &str) -> &str {
            match k {
                "security_policy" => "security policy",
                "license" => "license",
                "codeowners" => "code owners",
                "ci" => "CI",
                "dependency_updates" => "dependency updates",
                other => other,
            }
        }
        let items: Vec<String> = pf
            .iter()
            .map(|(k, v)| match v.as_str() {
                Some(path) => format!("{} ✓ ({path})", label(k)),
                None => format!("{} ✗", label(k)),
            })
            .collect();
        out.push(items.join(" · "));
    }
    out
}

/// The summary lines of the `history` evidence.
fn history_lines(p: &serde_json::Value) -> Vec<String> {
    let r = &p["range"];
    let base = r["base"]["label"].as_str().map_or_else(
        || "in the whole history".to_owned(),
        |b| format!("since {b}"),
    );
    let share = |c: &serde_json::Value, what: &str| {
        let total = num(&c["commits"]);
        if total == 0 {
            format!("{what}: no commit in the range")
        } else {
            format!(
                "{what}: {} of {} commit(s) reviewed, {} not reviewed, {} unknown",
                num(&c["reviewed"]),
                total,
                num(&c["not_reviewed"]),
                num(&c["unknown"])
            )
        }
    };
    let s = &p["signatures"];
    let c = &p["contributors"];
    let mut out = vec![
        format!(
            "{} commit(s) {base} ({} merge(s)){}",
            thousands(num(&r["commits"])),
            num(&r["merges"]),
            if r["shallow"].as_bool() == Some(true) {
                "; shallow clone: only the history present"
            } else {
                ""
            }
        ),
        share(&p["review"]["developed"], "code review, developed code"),
        share(&p["review"]["external"], "code review, external code"),
        format!(
            "signed commits: {} verified, {} unsigned, {} invalid, {} unknown key, {} not verified",
            num(&s["verified"]),
            num(&s["unsigned"]),
            num(&s["invalid"]),
            num(&s["unknown_key"]),
            num(&s["not_verified"])
        ),
    ];
    let people = c["people"].as_array().map_or(0, Vec::len);
    let new = c["new"].as_array().map_or_else(
        || "new: not measured".to_owned(),
        |n| format!("{} new", n.len()),
    );
    let outside = c["outside_team"].as_array().map_or_else(
        || "outside the team file: not measured (no member e-mails)".to_owned(),
        |o| format!("{} outside the team file", o.len()),
    );
    out.push(format!("contributors: {people} ({new}; {outside})"));
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
