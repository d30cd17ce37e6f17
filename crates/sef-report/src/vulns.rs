//! The report of `sef vulns`: the known-vulnerability check on its own, as
//! terminal text, versioned JSON (`sef/vulns/v1`, docs/vulns.md), Markdown
//! or SARIF, with its verdict (the exit code and why).

use crate::sarif::{SarifRun, sarif_log};
use sef_model::evidence::vulnerabilities::{KnownVulnerabilities, Match};
use sef_model::{Evidence, EvidenceStatus, Finding, FindingStatus, Severity};
use serde_json::json;
use std::fmt::Write as _;

/// The schema id of the JSON report.
pub const VULNS_SCHEMA: &str = "sef/vulns/v1";

/// One `sef vulns` check, ready to render.
pub struct VulnsReport<'a> {
    /// The directory checked (absolute).
    pub root: &'a str,
    /// The SBOM files read instead of the directory's lockfiles.
    pub sboms: &'a [String],
    /// The offering and release of the plan in effect.
    pub offering: &'a str,
    /// The release.
    pub release: &'a str,
    /// sef's version.
    pub sef_version: &'a str,
    /// When the check started.
    pub started_at: chrono::DateTime<chrono::Utc>,
    /// When it finished.
    pub finished_at: chrono::DateTime<chrono::Utc>,
    /// The known-vulnerabilities evidence.
    pub evidence: &'a Evidence,
    /// The findings, acceptances applied, most severe first.
    pub findings: &'a [Finding],
    /// Notes.
    pub notes: &'a [String],
    /// The verdict.
    pub verdict: &'a VulnsVerdict,
    /// Where the run was stored (`--store`).
    pub stored: Option<&'a str>,
}

/// The outcome of a check: its exit code and the reasons for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VulnsVerdict {
    /// 0: nothing at or above the threshold is open and every component
    /// was tested; 1: a finding at or above it is open, or the check was
    /// partial; 2: the check could not run.
    pub exit_code: u8,
    /// Why, one reason per line (empty on a pass).
    pub reasons: Vec<String>,
    /// `--fail-on`: the lowest severity that fails (`None`: never).
    pub fail_on: Option<Severity>,
    /// `--allow-partial`.
    pub allow_partial: bool,
}

/// Whether a finding still needs action (open or confirmed).
fn is_open(f: &Finding) -> bool {
    matches!(f.status, FindingStatus::Open | FindingStatus::Confirmed)
}

/// Decides the verdict: failed evidence could not run (2); an open finding
/// at or above `fail_on`, or partial evidence without `allow_partial`,
/// fails (1). An unknown severity ranks above critical, so it fails at any
/// threshold.
pub fn vulns_verdict(
    evidence: &Evidence,
    findings: &[Finding],
    fail_on: Option<Severity>,
    allow_partial: bool,
) -> VulnsVerdict {
    let mut reasons = Vec::new();
    let mut exit_code = 0;
    match &evidence.status {
        EvidenceStatus::Failed { reason } | EvidenceStatus::Missing { reason } => {
            reasons.push(format!("the check could not run: {reason}"));
            exit_code = 2;
        }
        EvidenceStatus::Partial { reason } if !allow_partial => {
            reasons.push(format!(
                "the check is partial, so a pass would claim what was not checked: {reason} (--allow-partial accepts this)"
            ));
            exit_code = 1;
        }
        _ => {}
    }
    if let Some(threshold) = fail_on {
        let open: Vec<&Finding> = findings
            .iter()
            .filter(|f| is_open(f) && f.severity >= threshold)
            .collect();
        if !open.is_empty() {
            reasons.push(format!(
                "{} open finding(s) at or above {} (--fail-on {})",
                open.len(),
                threshold.as_str(),
                threshold.as_str()
            ));
            exit_code = exit_code.max(1);
        }
    }
    VulnsVerdict {
        exit_code,
        reasons,
        fail_on,
        allow_partial,
    }
}

fn payload<'a>(r: &'a VulnsReport<'_>) -> Option<&'a KnownVulnerabilities> {
    r.evidence.payload::<KnownVulnerabilities>()
}

/// The match behind a finding (same advisory, package, file and line: one
/// lockfile may hold several versions of a package), for its version and
/// fixed version.
fn match_of<'a>(p: Option<&'a KnownVulnerabilities>, f: &Finding) -> Option<&'a Match> {
    let file = f.location.as_ref().map(|l| l.path.as_str());
    let line = f.location.as_ref().and_then(|l| l.line);
    p?.matches.iter().find(|m| {
        m.id == f.rule_id
            && Some(m.package.as_str()) == f.package.as_deref()
            && Some(m.source.file.as_str()) == file
            && m.source.line == line
    })
}

fn status_line(e: &Evidence) -> String {
    match &e.status {
        EvidenceStatus::Complete => "complete".to_owned(),
        EvidenceStatus::Partial { reason } => format!("partial: {reason}"),
        EvidenceStatus::Failed { reason } => format!("failed: {reason}"),
        EvidenceStatus::Missing { reason } => format!("missing: {reason}"),
    }
}

fn subject(f: &Finding, m: Option<&Match>) -> String {
    match m {
        Some(m) => format!("{} {}", m.package, m.version),
        None => f.package.clone().unwrap_or_default(),
    }
}

fn where_of(f: &Finding) -> String {
    match &f.location {
        Some(l) => match l.line {
            Some(n) => format!("{}:{n}", l.path),
            None => l.path.clone(),
        },
        None => String::new(),
    }
}

fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let open = findings.iter().filter(|f| is_open(f)).count();
    let accepted = findings
        .iter()
        .filter(|f| f.status == FindingStatus::Accepted)
        .count();
    let fp = findings
        .iter()
        .filter(|f| f.status == FindingStatus::FalsePositive)
        .count();
    (open, accepted, fp)
}

fn verdict_line(v: &VulnsVerdict) -> String {
    match v.exit_code {
        0 => format!(
            "PASS: no open finding at or above {}",
            v.fail_on
                .map_or("any threshold (--fail-on never)", |s| s.as_str())
        ),
        1 => format!("FAIL: {}", v.reasons.join("; ")),
        _ => format!("ERROR: {}", v.reasons.join("; ")),
    }
}

/// Terminal text.
pub fn vulns_text(r: &VulnsReport<'_>) -> String {
    let mut s = String::new();
    let p = payload(r);
    let _ = writeln!(s, "sef vulns: {} {} ({})", r.offering, r.release, r.root);
    for b in r.sboms {
        let _ = writeln!(s, "SBOM: {b}");
    }
    if let Some(p) = p {
        if let Some(db) = &p.database {
            let ecos: Vec<String> = db
                .ecosystems
                .iter()
                .map(|(e, i)| match i.age_days {
                    Some(a) => format!("{e} {} records, {a} days old", i.count),
                    None => format!("{e} {} records, age unknown", i.count),
                })
                .collect();
            let _ = writeln!(s, "Advisories: {} ({})", db.location, ecos.join("; "));
        }
        let _ = writeln!(
            s,
            "Components: {} third-party, {} tested, {} not tested",
            p.components,
            p.tested,
            p.not_tested.len()
        );
    }
    let _ = writeln!(s, "Evidence: {}", status_line(r.evidence));
    let (open, accepted, fp) = counts(r.findings);
    let _ = writeln!(
        s,
        "\nFindings ({open} open · {accepted} accepted · {fp} false positive)"
    );
    for f in r.findings {
        let m = match_of(p, f);
        let fixed = m
            .and_then(|m| m.fixed.as_deref())
            .map_or_else(|| "no fix".to_owned(), |x| format!("fixed in {x}"));
        let status = if is_open(f) {
            String::new()
        } else {
            format!(" [{}]", f.status.as_str())
        };
        let _ = writeln!(
            s,
            "  {:<8} {:<20} {:<30} {:<22} {}{status}",
            f.severity.as_str().to_uppercase(),
            f.rule_id,
            subject(f, m),
            fixed,
            where_of(f)
        );
        let _ = writeln!(s, "           {}", f.title);
        if f.dependency_path.len() > 1 {
            let _ = writeln!(s, "           path: {}", f.dependency_path.join(" > "));
        }
        if let Some(a) = &f.acceptance {
            let _ = writeln!(
                s,
                "           accepted by {}: {}",
                a.approver, a.justification
            );
        }
    }
    if let Some(p) = p
        && !p.not_tested.is_empty()
    {
        let _ = writeln!(s, "\nNot tested ({})", p.not_tested.len());
        for n in p.not_tested.iter().take(50) {
            let _ = writeln!(s, "  {} {}: {}", n.ecosystem, n.package, n.reason);
        }
        if p.not_tested.len() > 50 {
            let _ = writeln!(
                s,
                "  … and {} more (--format json lists all)",
                p.not_tested.len() - 50
            );
        }
    }
    for n in r.notes {
        let _ = writeln!(s, "note: {n}");
    }
    if let Some(st) = r.stored {
        let _ = writeln!(s, "Stored in {st}");
    }
    let _ = writeln!(s, "\n{}", verdict_line(r.verdict));
    s
}

/// Escapes what would break a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('\n', " ")
        .replace('<', "&lt;")
}

/// GitHub-flavoured Markdown, e.g. for a pull-request comment.
pub fn vulns_markdown(r: &VulnsReport<'_>) -> String {
    let mut s = String::new();
    let p = payload(r);
    let (open, accepted, fp) = counts(r.findings);
    let _ = writeln!(
        s,
        "## Known vulnerabilities: {} {}\n",
        cell(r.offering),
        cell(r.release)
    );
    let _ = writeln!(s, "**{}**\n", cell(&verdict_line(r.verdict)));
    if let Some(p) = p {
        let _ = writeln!(
            s,
            "{} third-party components, {} tested, {} not tested. Evidence: {}.\n",
            p.components,
            p.tested,
            p.not_tested.len(),
            cell(&status_line(r.evidence))
        );
    }
    let _ = writeln!(
        s,
        "{open} open · {accepted} accepted · {fp} false positive\n"
    );
    if !r.findings.is_empty() {
        let _ = writeln!(
            s,
            "| Severity | Advisory | Package | Fixed | Status | Where | Path |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|---|---|");
        for f in r.findings {
            let m = match_of(p, f);
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} |",
                f.severity.as_str(),
                cell(&f.rule_id),
                cell(&subject(f, m)),
                cell(m.and_then(|m| m.fixed.as_deref()).unwrap_or("–")),
                f.status.as_str(),
                cell(&where_of(f)),
                cell(&f.dependency_path.join(" › "))
            );
        }
        s.push('\n');
    }
    if let Some(p) = p
        && !p.not_tested.is_empty()
    {
        let _ = writeln!(s, "### Not tested\n");
        for n in &p.not_tested {
            let _ = writeln!(
                s,
                "- {} {}: {}",
                cell(&n.ecosystem),
                cell(&n.package),
                cell(&n.reason)
            );
        }
        s.push('\n');
    }
    for n in r.notes {
        let _ = writeln!(s, "> {}", cell(n));
    }
    s
}

/// Versioned JSON (`sef/vulns/v1`).
pub fn vulns_json(r: &VulnsReport<'_>) -> String {
    let p = payload(r);
    let (open, accepted, fp) = counts(r.findings);
    let (status, reason) = match &r.evidence.status {
        EvidenceStatus::Complete => ("complete", None),
        EvidenceStatus::Partial { reason } => ("partial", Some(reason)),
        EvidenceStatus::Failed { reason } => ("failed", Some(reason)),
        EvidenceStatus::Missing { reason } => ("missing", Some(reason)),
    };
    let doc = json!({
        "schema": VULNS_SCHEMA,
        "sef_version": r.sef_version,
        "root": r.root,
        "sboms": r.sboms,
        "offering": r.offering,
        "release": r.release,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "status": status,
        "reason": reason,
        "database": p.and_then(|p| p.database.as_ref()),
        "components": p.map(|p| p.components),
        "tested": p.map(|p| p.tested),
        "not_tested": p.map(|p| &p.not_tested),
        "not_evaluated": p.map(|p| &p.not_evaluated),
        "counts": { "open": open, "accepted": accepted, "false_positive": fp },
        "findings": r.findings,
        "matches": p.map(|p| &p.matches),
        "notes": r.notes,
        "stored": r.stored,
        "verdict": {
            "exit_code": r.verdict.exit_code,
            "fail_on": r.verdict.fail_on.map(|s| s.as_str()),
            "allow_partial": r.verdict.allow_partial,
            "reasons": r.verdict.reasons,
        },
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// SARIF 2.1.0: the findings, with failed or partial evidence as a
/// notification.
pub fn vulns_sarif(r: &VulnsReport<'_>) -> String {
    sarif_log(&SarifRun {
        root: r.root,
        sef_version: r.sef_version,
        automation_id: format!("sef-vulns/{}/{}/", r.offering, r.release),
        started_at: r.started_at,
        finished_at: r.finished_at,
        evidence: std::slice::from_ref(r.evidence),
        findings: r.findings,
        properties: json!({
            "offering": r.offering,
            "release": r.release,
            "exit_code": r.verdict.exit_code,
        }),
    })
}
