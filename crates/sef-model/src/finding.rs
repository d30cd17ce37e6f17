//! Findings: something an analyzer says is wrong, at a place, with a stable
//! fingerprint that survives unrelated edits so a finding can be followed
//! from run to run.

use crate::FindingId;
use crate::names::{hash_parts, named_enum};
use serde::{Deserialize, Serialize};
use std::fmt;

named_enum! {
    /// What family of problem a finding is.
    pub enum FindingKind {
        /// Missing repository-level security hygiene: no security policy, no
        /// license, no code owners, no dependency-update configuration.
        RepositoryHygiene => "repository-hygiene",
        /// A component version affected by a published vulnerability.
        Vulnerability => "vulnerability",
        /// An informational advisory (unmaintained, unsound): a warning.
        AdvisoryWarning => "advisory-warning",
        /// A result of a static (or other) analysis tool, read from SARIF.
        StaticAnalysis => "static-analysis",
        /// A release artefact that is unsigned, wrongly signed or altered.
        Integrity => "integrity",
        /// A hard-coded credential (CWE-798), redacted.
        Secret => "secret",
        /// A finding of a penetration test or dynamic scan, recorded or
        /// imported into the repository's test records.
        PenetrationTest => "penetration-test",
        /// A high risk of the threat model that is neither mitigated,
        /// accepted nor a false positive, at the model element it concerns.
        ThreatRisk => "threat-risk",
    }
}

named_enum! {
    /// Severity, ordered from least to most severe.
    pub enum Severity {
        /// Informational; no action required.
        Info => "info",
        /// Low.
        Low => "low",
        /// Medium.
        Medium => "medium",
        /// High.
        High => "high",
        /// Critical.
        Critical => "critical",
        /// No severity is known (an advisory that gives none, and no
        /// alias that does). Ordered above critical: until someone rates
        /// it, a gate treats it as blocking unless the plan maps it
        /// (`[checkpoints] unknown_severity`).
        Unknown => "unknown",
    }
}

impl Severity {
    /// All severities from most to least severe (report order).
    pub const DESCENDING: [Severity; 6] = [
        Severity::Unknown,
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];
}

/// A CWE identifier (the number in `CWE-79`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cwe(pub u32);

impl fmt::Display for Cwe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CWE-{}", self.0)
    }
}

/// Where a finding is: a repository-relative path with `/` separators and
/// an optional line and column (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Repository-relative path, `/`-separated.
    pub path: String,
    /// 1-based line, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        Ok(())
    }
}

/// A stable identity for a finding across runs: the same problem at the
/// same logical place gets the same fingerprint even when lines move.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// Computes a fingerprint from the parts that identify the finding
    /// (tool, rule, path, normalised context). Line numbers must not be
    /// among them. Parts are length-prefixed before hashing.
    pub fn compute<I, B>(parts: I) -> Self
    where
        I: IntoIterator<Item = B>,
        B: AsRef<[u8]>,
    {
        let digest = hash_parts(parts);
        Fingerprint(format!("fp1:{}", hex::encode(&digest[..16])))
    }

    /// Wraps a fingerprint read back from the store.
    pub fn from_stored(s: String) -> Self {
        Fingerprint(s)
    }

    /// The fingerprint text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FindingStatus {
    /// Whether the finding still needs action: open or confirmed.
    pub fn is_open(self) -> bool {
        matches!(self, FindingStatus::Open | FindingStatus::Confirmed)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

named_enum! {
    /// Where a finding stands in its triage.
    pub enum FindingStatus {
        /// Reported and not yet dealt with.
        Open => "open",
        /// Triaged as a real problem, still to be fixed (open).
        Confirmed => "confirmed",
        /// A risk accepted by an approver.
        Accepted => "accepted",
        /// Judged not to be a real problem (by a person, or suppressed in
        /// the tool's own output).
        FalsePositive => "false-positive",
        /// No longer reported by a later complete run of its analyzer. Only
        /// across runs (`sef finding list`); a run's own findings are never
        /// fixed.
        Fixed => "fixed",
    }
}

named_enum! {
    /// Where an acceptance comes from.
    pub enum AcceptanceSource {
        /// A `[[risk_acceptances]]` entry of the security plan.
        Plan => "plan",
        /// A `sef finding triage --status accepted` decision.
        Triage => "triage",
    }
}

/// A risk acceptance (from the plan or a triage decision) as applied to a
/// finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    /// Why the risk is accepted.
    pub justification: String,
    /// Who accepted it.
    pub approver: String,
    /// The last day the acceptance holds; `None`: no expiry. (Runs stored
    /// before 2026-12 wrote the largest date for "no expiry"; it reads back
    /// as `None`.)
    #[serde(deserialize_with = "no_expiry_as_none")]
    pub expires: Option<chrono::NaiveDate>,
    /// Whether it had expired at the time of the run (the finding is then
    /// open again).
    pub expired: bool,
    /// Where it comes from.
    #[serde(default = "plan_source")]
    pub source: AcceptanceSource,
    /// Why the plan's acceptance policy refuses it (the finding is then
    /// open), when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// What its signature proves: `signed (KEY)`, or `self-asserted
    /// (unsigned)` when only the typed name says who accepted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<String>,
}

fn plan_source() -> AcceptanceSource {
    AcceptanceSource::Plan
}

fn no_expiry_as_none<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<chrono::NaiveDate>, D::Error> {
    let v: Option<chrono::NaiveDate> = Option::deserialize(d)?;
    Ok(v.filter(|e| *e != chrono::NaiveDate::MAX))
}

impl Acceptance {
    /// Whether it makes the finding accepted: not expired, not refused.
    pub fn holds(&self) -> bool {
        !self.expired && self.refused.is_none()
    }

    /// "until 2027-03-31" or "no expiry".
    pub fn until(&self) -> String {
        self.expires
            .map_or_else(|| "no expiry".to_owned(), |e| format!("until {e}"))
    }

    /// One line saying how the acceptance stands, for every report.
    pub fn describe(&self) -> String {
        if let Some(why) = &self.refused {
            format!(
                "risk acceptance by {} NOT HONOURED: {why}; open",
                self.approver
            )
        } else if let (true, Some(e)) = (self.expired, self.expires) {
            format!(
                "risk acceptance EXPIRED on {e} (approved by {}): open again",
                self.approver
            )
        } else {
            format!(
                "ACCEPTED {} by {}{}: {}",
                self.until(),
                self.approver,
                self.proof
                    .as_deref()
                    .map_or_else(String::new, |p| format!(" ({p})")),
                self.justification
            )
        }
    }
}

/// One finding reported by one analyzer in one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// This occurrence's id.
    pub id: FindingId,
    /// What family of problem it is.
    pub kind: FindingKind,
    /// The analyzer id that reported it.
    pub analyzer: String,
    /// The rule or advisory id, e.g. `repo/no-security-policy` or `RUSTSEC-2024-0001`.
    pub rule_id: String,
    /// One line saying what is wrong.
    pub title: String,
    /// What to do about it.
    pub remediation: String,
    /// CWE ids the problem maps to.
    #[serde(default)]
    pub cwe: Vec<Cwe>,
    /// How severe it is.
    pub severity: Severity,
    /// Where it is, when it has a place.
    pub location: Option<Location>,
    /// Stable identity across runs.
    pub fingerprint: Fingerprint,
    /// Triage status.
    pub status: FindingStatus,
    /// The package the finding is about, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Other ids the same problem is published under (CVE, GHSA, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The plan's risk acceptance for this finding, current or expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<Acceptance>,
    /// The CVSS vector and its base score, when the advisory has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss: Option<CvssScore>,
    /// Links: the advisory, the fix, reports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// The dependency path from the project to the package (direct
    /// dependency first), when the lockfile says.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependency_path: Vec<String>,
    /// How the affected component is used (runtime, development,
    /// optional), for findings about a component whose lockfile says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<crate::DependencyScope>,
}

/// A CVSS vector and its base score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CvssScore {
    /// The vector, e.g. `CVSS:3.1/AV:N/...`.
    pub vector: String,
    /// The base score, 0.0 to 10.0.
    pub score: f64,
}

impl Finding {
    /// An open finding with a fresh id and no package facts; the caller
    /// sets the title, remediation, CWE and location (struct update syntax).
    pub fn open(
        kind: FindingKind,
        analyzer: &str,
        rule_id: impl Into<String>,
        severity: Severity,
        fingerprint: Fingerprint,
    ) -> Finding {
        Finding {
            id: FindingId::generate(),
            kind,
            analyzer: analyzer.to_owned(),
            rule_id: rule_id.into(),
            title: String::new(),
            remediation: String::new(),
            cwe: Vec::new(),
            severity,
            location: None,
            fingerprint,
            status: FindingStatus::Open,
            package: None,
            aliases: Vec::new(),
            acceptance: None,
            cvss: None,
            references: Vec::new(),
            dependency_path: Vec::new(),
            scope: None,
        }
    }

    /// Whether `id` names this finding: its rule id or one of its aliases
    /// (case-insensitive).
    pub fn is_known_as(&self, id: &str) -> bool {
        self.rule_id.eq_ignore_ascii_case(id)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_depends_on_parts_only() {
        let a = Fingerprint::compute(["repo-facts", "repo/no-license", "LICENSE"]);
        let b = Fingerprint::compute(["repo-facts", "repo/no-license", "LICENSE"]);
        let c = Fingerprint::compute(["repo-facts", "repo/no-license", "LICENSE.md"]);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.as_str().starts_with("fp1:"));
        assert_eq!(a.as_str().len(), 4 + 32);
    }

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        for s in Severity::DESCENDING {
            assert_eq!(Severity::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn location_displays_like_a_compiler() {
        let l = Location {
            path: "src/a.rs".into(),
            line: Some(3),
            column: Some(7),
        };
        assert_eq!(l.to_string(), "src/a.rs:3:7");
        assert_eq!(Cwe(79).to_string(), "CWE-79");
    }
}
