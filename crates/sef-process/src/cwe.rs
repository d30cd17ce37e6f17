//! The CWE view: findings grouped by CWE, and the CWE Top 25 with, for each
//! weakness, whether the offering's tools have rules for it and whether
//! findings of it are open.

use sef_model::Finding;
use serde::Serialize;
use std::collections::BTreeMap;

/// The 2024 CWE Top 25 Most Dangerous Software Weaknesses, in rank order.
pub const TOP25_2024: [(u32, &str); 25] = [
    (79, "Cross-site Scripting"),
    (787, "Out-of-bounds Write"),
    (89, "SQL Injection"),
    (352, "Cross-Site Request Forgery"),
    (22, "Path Traversal"),
    (125, "Out-of-bounds Read"),
    (78, "OS Command Injection"),
    (416, "Use After Free"),
    (862, "Missing Authorization"),
    (434, "Unrestricted Upload of File with Dangerous Type"),
    (94, "Code Injection"),
    (20, "Improper Input Validation"),
    (77, "Command Injection"),
    (287, "Improper Authentication"),
    (269, "Improper Privilege Management"),
    (502, "Deserialization of Untrusted Data"),
    (
        200,
        "Exposure of Sensitive Information to an Unauthorized Actor",
    ),
    (863, "Incorrect Authorization"),
    (918, "Server-Side Request Forgery"),
    (
        119,
        "Improper Restriction of Operations within the Bounds of a Memory Buffer",
    ),
    (476, "NULL Pointer Dereference"),
    (798, "Use of Hard-coded Credentials"),
    (190, "Integer Overflow or Wraparound"),
    (400, "Uncontrolled Resource Consumption"),
    (306, "Missing Authentication for Critical Function"),
];

/// Findings of one CWE. Two tools reporting the same CWE at the same
/// place (path and line) count once: they are linked, not double-counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CweGroup {
    /// The CWE id.
    pub cwe: u32,
    /// Open findings (distinct places).
    pub open: usize,
    /// Accepted or false-positive findings (distinct places).
    pub closed: usize,
    /// Findings that share their place with another of this CWE.
    pub linked: usize,
}

/// One Top 25 weakness as this run sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopEntry {
    /// Rank, 1 to 25.
    pub rank: usize,
    /// The CWE id.
    pub cwe: u32,
    /// Its name.
    pub name: &'static str,
    /// A tool of the run has a rule for it.
    pub covered: bool,
    /// Open findings of it.
    pub open: usize,
}

/// The CWE view of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct View {
    /// Findings by CWE, lowest id first.
    pub by_cwe: Vec<CweGroup>,
    /// Findings without a CWE.
    pub without_cwe: usize,
    /// The Top 25, with coverage and open findings.
    pub top25: Vec<TopEntry>,
    /// How many of the Top 25 the tools cover.
    pub top25_covered: usize,
}

/// Builds the view from the findings and the CWEs the tools' rules cover.
pub fn view(findings: &[Finding], rule_cwes: &[u32]) -> View {
    let mut groups: BTreeMap<u32, CweGroup> = BTreeMap::new();
    let mut places: std::collections::HashSet<(u32, bool, String, u32)> =
        std::collections::HashSet::new();
    let mut without_cwe = 0;
    for f in findings {
        if f.cwe.is_empty() {
            without_cwe += 1;
        }
        for c in &f.cwe {
            let g = groups.entry(c.0).or_insert(CweGroup {
                cwe: c.0,
                open: 0,
                closed: 0,
                linked: 0,
            });
            let open = f.status.is_open();
            if let Some(l) = f.location.as_ref().filter(|l| l.line.is_some()) {
                let key = (c.0, open, l.path.clone(), l.line.unwrap_or(0));
                if !places.insert(key) {
                    g.linked += 1;
                    continue;
                }
            }
            if open {
                g.open += 1;
            } else {
                g.closed += 1;
            }
        }
    }
    let top25: Vec<TopEntry> = TOP25_2024
        .iter()
        .enumerate()
        .map(|(i, (cwe, name))| TopEntry {
            rank: i + 1,
            cwe: *cwe,
            name,
            covered: rule_cwes.contains(cwe),
            open: groups.get(cwe).map_or(0, |g| g.open),
        })
        .collect();
    let top25_covered = top25.iter().filter(|t| t.covered).count();
    View {
        by_cwe: groups.into_values().collect(),
        without_cwe,
        top25,
        top25_covered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sef_model::{Cwe, FindingId, FindingKind, FindingStatus, Fingerprint, Severity};

    fn f(cwes: &[u32], status: FindingStatus) -> Finding {
        Finding {
            id: FindingId::generate(),
            kind: FindingKind::StaticAnalysis,
            analyzer: "sarif:t".into(),
            rule_id: "r".into(),
            title: "t".into(),
            remediation: "r".into(),
            cwe: cwes.iter().map(|c| Cwe(*c)).collect(),
            severity: Severity::High,
            location: None,
            fingerprint: Fingerprint::compute([format!("{cwes:?}{status}")]),
            status,
            package: None,
            aliases: vec![],
            acceptance: None,
            cvss: None,
            references: vec![],
            dependency_path: vec![],
            scope: None,
        }
    }

    #[test]
    fn two_tools_at_the_same_place_count_once() {
        let at = |mut x: Finding, tool: &str| {
            x.analyzer = tool.into();
            x.location = Some(sef_model::Location {
                path: "app.py".into(),
                line: Some(3),
                column: None,
            });
            x
        };
        let findings = [
            at(f(&[78], FindingStatus::Open), "sarif:semgrep"),
            at(f(&[78, 20], FindingStatus::Confirmed), "sarif:bandit"),
        ];
        let v = view(&findings, &[]);
        let g = v.by_cwe.iter().find(|g| g.cwe == 78).unwrap();
        assert_eq!((g.open, g.linked), (1, 1));
        let top = v.top25.iter().find(|t| t.cwe == 78).unwrap();
        assert_eq!(top.open, 1);
    }

    #[test]
    fn top25_is_25_distinct_cwes() {
        let mut ids: Vec<u32> = TOP25_2024.iter().map(|(c, _)| *c).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 25);
    }

    #[test]
    fn groups_coverage_and_open_counts() {
        let findings = [
            f(&[79], FindingStatus::Open),
            f(&[79, 116], FindingStatus::Open),
            f(&[79], FindingStatus::Accepted),
            f(&[], FindingStatus::Open),
        ];
        let v = view(&findings, &[79, 89, 4000]);
        assert_eq!(v.by_cwe.len(), 2);
        assert_eq!(
            v.by_cwe[0],
            CweGroup {
                cwe: 79,
                open: 2,
                closed: 1,
                linked: 0
            }
        );
        assert_eq!(v.without_cwe, 1);
        assert_eq!(v.top25[0].open, 2);
        assert!(v.top25[0].covered);
        assert!(v.top25[2].covered, "SQL injection rules");
        assert!(!v.top25[1].covered);
        assert_eq!(v.top25_covered, 2);
    }
}
