//! Comparing two runs: which findings are new, which were fixed, which
//! changed status (triage, acceptances), how the gate, the phase, the
//! criteria, the KPIs and the evidence changed. Findings are matched by
//! fingerprint.

use crate::{
    AssessmentRun, CriterionOutcome, EvidenceKind, Finding, FindingStatus, GateOutcome, Phase,
    RunId,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One top-level payload field or provenance attribute that changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field name (`status`, `tool.version`, `input_digest` or `payload.<key>`).
    pub field: String,
    /// The value in the older run (`null` when absent).
    pub before: serde_json::Value,
    /// The value in the newer run (`null` when absent).
    pub after: serde_json::Value,
}

/// How one kind of evidence changed between two runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceChange {
    /// The evidence kind.
    pub kind: EvidenceKind,
    /// `added`, `removed` or `changed`.
    pub change: String,
    /// The fields that differ (empty for added or removed).
    pub fields: Vec<FieldChange>,
}

/// A finding present in both runs whose status changed: a triage decision,
/// an acceptance that began, expired or was refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The finding as the newer run has it.
    pub finding: Finding,
    /// Its status in the older run.
    pub before: FindingStatus,
    /// Its status in the newer run.
    pub after: FindingStatus,
}

/// A gate criterion whose result changed (or that only one run has).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionChange {
    /// The criterion id.
    pub id: String,
    /// Its result in the older run, when it was evaluated.
    pub before: Option<CriterionOutcome>,
    /// Its result in the newer run, when it was evaluated.
    pub after: Option<CriterionOutcome>,
}

/// A KPI whose value or objective status changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiChange {
    /// The KPI id.
    pub kpi_id: String,
    /// The value in the older run (`None`: not measured or absent).
    pub before: Option<f64>,
    /// The value in the newer run.
    pub after: Option<f64>,
    /// The objective's status in the older run (`met`, `missed`, `not-measured`).
    pub kpo_before: Option<String>,
    /// The objective's status in the newer run.
    pub kpo_after: Option<String>,
}

/// A value that changed: before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change<T> {
    /// In the older run.
    pub before: T,
    /// In the newer run.
    pub after: T,
}

/// The difference between an older run `a` and a newer run `b`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunDiff {
    /// The older run.
    pub from: RunId,
    /// The newer run.
    pub to: RunId,
    /// Findings in `b` whose fingerprint is not in `a`.
    pub new_findings: Vec<Finding>,
    /// Findings in `a` whose fingerprint is not in `b`, when `b`'s evidence
    /// from the same analyzer is complete (a failed analyzer fixes nothing).
    pub fixed_findings: Vec<Finding>,
    /// Findings of `a` absent from `b` whose analyzer did not complete in
    /// `b`, so sef cannot say they were fixed.
    pub unknown_findings: Vec<Finding>,
    /// Evidence kinds that were added, removed or changed.
    pub evidence_changes: Vec<EvidenceChange>,
    /// The gate outcome, when it changed.
    #[serde(default)]
    pub gate: Option<Change<GateOutcome>>,
    /// The release's phase, when it changed.
    #[serde(default)]
    pub phase: Option<Change<Phase>>,
    /// The release version, when it changed.
    #[serde(default)]
    pub release: Option<Change<String>>,
    /// Gate criteria whose result flipped.
    #[serde(default)]
    pub criteria_changes: Vec<CriterionChange>,
    /// Findings in both runs whose status changed.
    #[serde(default)]
    pub status_changes: Vec<StatusChange>,
    /// KPIs whose value or objective status changed.
    #[serde(default)]
    pub kpi_changes: Vec<KpiChange>,
}

impl RunDiff {
    /// True when nothing differs: no finding, status, gate, phase,
    /// criterion, KPI or evidence change.
    pub fn is_empty(&self) -> bool {
        self.new_findings.is_empty()
            && self.fixed_findings.is_empty()
            && self.unknown_findings.is_empty()
            && self.evidence_changes.is_empty()
            && self.gate.is_none()
            && self.phase.is_none()
            && self.release.is_none()
            && self.criteria_changes.is_empty()
            && self.status_changes.is_empty()
            && self.kpi_changes.is_empty()
    }
}

fn changed<T: PartialEq + Clone>(before: &T, after: &T) -> Option<Change<T>> {
    (before != after).then(|| Change {
        before: before.clone(),
        after: after.clone(),
    })
}

fn criteria_changes(a: &AssessmentRun, b: &AssessmentRun) -> Vec<CriterionChange> {
    let before: BTreeMap<&str, CriterionOutcome> = a
        .gate
        .criteria
        .iter()
        .map(|c| (c.id.as_str(), c.outcome))
        .collect();
    let after: BTreeMap<&str, CriterionOutcome> = b
        .gate
        .criteria
        .iter()
        .map(|c| (c.id.as_str(), c.outcome))
        .collect();
    let ids: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
    ids.into_iter()
        .filter_map(|id| {
            let (x, y) = (before.get(id).copied(), after.get(id).copied());
            (x != y).then(|| CriterionChange {
                id: id.to_owned(),
                before: x,
                after: y,
            })
        })
        .collect()
}

fn kpi_changes(a: &AssessmentRun, b: &AssessmentRun) -> Vec<KpiChange> {
    type Kpi = (Option<f64>, Option<String>);
    let of = |r: &AssessmentRun| -> BTreeMap<String, Kpi> {
        r.kpis
            .iter()
            .map(|k| {
                (
                    k.kpi_id.clone(),
                    (
                        k.measurement.value(),
                        k.kpo.as_ref().map(|o| o.status.as_str().to_owned()),
                    ),
                )
            })
            .collect()
    };
    let (before, after) = (of(a), of(b));
    let ids: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    ids.into_iter()
        .filter_map(|id| {
            let (vb, kb) = before.get(id).cloned().unwrap_or((None, None));
            let (va, ka) = after.get(id).cloned().unwrap_or((None, None));
            let same_value = match (vb, va) {
                (Some(x), Some(y)) => (x - y).abs() < 1e-9,
                (None, None) => true,
                _ => false,
            };
            (!same_value || kb != ka).then(|| KpiChange {
                kpi_id: id.clone(),
                before: vb,
                after: va,
                kpo_before: kb,
                kpo_after: ka,
            })
        })
        .collect()
}

/// Compares run `a` (older) with run `b` (newer).
pub fn diff_runs(a: &AssessmentRun, b: &AssessmentRun) -> RunDiff {
    let in_a: BTreeSet<_> = a.findings.iter().map(|f| &f.fingerprint).collect();
    let in_b: BTreeSet<_> = b.findings.iter().map(|f| &f.fingerprint).collect();
    let complete_in_b: BTreeSet<&str> = b
        .evidence
        .iter()
        .filter(|e| matches!(e.status, crate::EvidenceStatus::Complete))
        .map(|e| e.analyzer.as_str())
        .collect();

    let new_findings = b
        .findings
        .iter()
        .filter(|f| !in_a.contains(&f.fingerprint))
        .cloned()
        .collect();
    let (fixed_findings, unknown_findings): (Vec<_>, Vec<_>) = a
        .findings
        .iter()
        .filter(|f| !in_b.contains(&f.fingerprint))
        .cloned()
        .partition(|f| complete_in_b.contains(f.analyzer.as_str()));

    let ev_a: BTreeMap<_, _> = a.evidence.iter().map(|e| (e.kind, e)).collect();
    let ev_b: BTreeMap<_, _> = b.evidence.iter().map(|e| (e.kind, e)).collect();
    let kinds: BTreeSet<_> = ev_a.keys().chain(ev_b.keys()).copied().collect();
    let mut evidence_changes = Vec::new();
    for kind in kinds {
        match (ev_a.get(&kind), ev_b.get(&kind)) {
            (Some(_), None) => evidence_changes.push(EvidenceChange {
                kind,
                change: "removed".into(),
                fields: vec![],
            }),
            (None, Some(_)) => evidence_changes.push(EvidenceChange {
                kind,
                change: "added".into(),
                fields: vec![],
            }),
            (Some(x), Some(y)) => {
                let fields = field_changes(x, y);
                if !fields.is_empty() {
                    evidence_changes.push(EvidenceChange {
                        kind,
                        change: "changed".into(),
                        fields,
                    });
                }
            }
            (None, None) => {}
        }
    }

    let status_in_a: BTreeMap<&str, FindingStatus> = a
        .findings
        .iter()
        .map(|f| (f.fingerprint.as_str(), f.status))
        .collect();
    let status_changes = b
        .findings
        .iter()
        .filter_map(|f| {
            let before = *status_in_a.get(f.fingerprint.as_str())?;
            (before != f.status).then(|| StatusChange {
                finding: f.clone(),
                before,
                after: f.status,
            })
        })
        .collect();

    RunDiff {
        from: a.id,
        to: b.id,
        new_findings,
        fixed_findings,
        unknown_findings,
        evidence_changes,
        gate: changed(&a.gate.outcome, &b.gate.outcome),
        phase: changed(&a.release.phase, &b.release.phase),
        release: changed(&a.release.version, &b.release.version),
        criteria_changes: criteria_changes(a, b),
        status_changes,
        kpi_changes: kpi_changes(a, b),
    }
}

fn field_changes(x: &crate::Evidence, y: &crate::Evidence) -> Vec<FieldChange> {
    use serde_json::{Value, json};
    let mut out = Vec::new();
    let mut push = |field: &str, before: Value, after: Value| {
        if before != after {
            out.push(FieldChange {
                field: field.to_owned(),
                before,
                after,
            });
        }
    };
    push("status", json!(x.status), json!(y.status));
    push("tool.version", json!(x.tool.version), json!(y.tool.version));
    push("input_digest", json!(x.input_digest), json!(y.input_digest));
    let empty = serde_json::Map::new();
    // the diff reports changed payload fields as JSON: compare the
    // serialized forms, field by field
    let (jx, jy) = (x.payload.to_json(), y.payload.to_json());
    let px = jx.as_object().unwrap_or(&empty);
    let py = jy.as_object().unwrap_or(&empty);
    let keys: BTreeSet<&String> = px.keys().chain(py.keys()).collect();
    for k in keys {
        let before = px.get(k).cloned().unwrap_or(Value::Null);
        let after = py.get(k).cloned().unwrap_or(Value::Null);
        push(&format!("payload.{k}"), before, after);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::*;
    use chrono::{TimeZone, Utc};

    fn finding(rule: &str) -> Finding {
        Finding {
            id: FindingId::generate(),
            kind: FindingKind::RepositoryHygiene,
            analyzer: "repo-facts".into(),
            rule_id: rule.into(),
            title: rule.into(),
            remediation: String::new(),
            cwe: vec![],
            severity: Severity::Low,
            location: None,
            fingerprint: Fingerprint::compute(["repo-facts", rule]),
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

    fn run(findings: Vec<Finding>, status: EvidenceStatus, files: u64) -> AssessmentRun {
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        AssessmentRun {
            id: RunId::generate(),
            offering: Offering {
                name: "o".into(),
                owner_team: None,
                kind: OfferingKind::Product,
                business_unit: None,
                peer_group: None,
            },
            release: Release {
                version: "1".into(),
                phase: Phase::Develop,
                version_source: crate::VersionSource::Plan,
            },
            started_at: t,
            finished_at: t,
            sef_version: "0".into(),
            root: "/r".into(),
            plan_file: None,
            plan_digest: None,
            notes: vec![],
            evidence: vec![Evidence {
                id: EvidenceId::generate(),
                kind: EvidenceKind::RepositoryFacts,
                analyzer: "repo-facts".into(),
                tool: ToolInfo {
                    name: "sef".into(),
                    version: "0".into(),
                },
                started_at: t,
                finished_at: t,
                input_digest: None,
                status,
                payload: EvidencePayload::RepositoryFacts(crate::evidence::facts::RepoFacts {
                    files,
                    ..Default::default()
                }),
            }],
            findings,
            kpis: vec![],
            gate: GateDecision::from_criteria(Phase::Develop, true, vec![]),
            artifacts: vec![],
        }
    }

    #[test]
    fn new_and_fixed_findings_by_fingerprint() {
        let a = run(
            vec![finding("x"), finding("y")],
            EvidenceStatus::Complete,
            1,
        );
        let b = run(
            vec![finding("y"), finding("z")],
            EvidenceStatus::Complete,
            2,
        );
        let d = diff_runs(&a, &b);
        assert_eq!(
            d.new_findings
                .iter()
                .map(|f| f.rule_id.as_str())
                .collect::<Vec<_>>(),
            ["z"]
        );
        assert_eq!(
            d.fixed_findings
                .iter()
                .map(|f| f.rule_id.as_str())
                .collect::<Vec<_>>(),
            ["x"]
        );
        assert_eq!(d.evidence_changes.len(), 1);
        assert_eq!(d.evidence_changes[0].fields[0].field, "payload.files");
    }

    #[test]
    fn failed_analyzer_fixes_nothing() {
        let a = run(vec![finding("x")], EvidenceStatus::Complete, 1);
        let b = run(
            vec![],
            EvidenceStatus::Failed {
                reason: "boom".into(),
            },
            1,
        );
        let d = diff_runs(&a, &b);
        assert!(d.fixed_findings.is_empty());
        assert_eq!(d.unknown_findings.len(), 1);
        assert_eq!(d.evidence_changes[0].fields[0].field, "status");
    }

    #[test]
    fn identical_runs_have_empty_diff() {
        let a = run(vec![finding("x")], EvidenceStatus::Complete, 1);
        assert!(diff_runs(&a, &a).is_empty());
    }

    #[test]
    fn triage_gate_criteria_and_kpis_are_changes() {
        let a = run(vec![finding("x")], EvidenceStatus::Complete, 1);
        let mut b = a.clone();
        b.findings[0].status = FindingStatus::FalsePositive;
        let d = diff_runs(&a, &b);
        assert!(!d.is_empty(), "a triage decision is a change");
        assert_eq!(d.status_changes.len(), 1);
        assert_eq!(d.status_changes[0].before, FindingStatus::Open);
        assert_eq!(d.status_changes[0].after, FindingStatus::FalsePositive);

        let mut c = a.clone();
        c.gate = GateDecision::from_criteria(
            Phase::Develop,
            true,
            vec![CriterionResult {
                id: "findings.none-blocking".into(),
                description: String::new(),
                outcome: CriterionOutcome::Fail,
                detail: String::new(),
                if_not_measured: None,
            }],
        );
        c.release.phase = Phase::Qualify;
        c.kpis = vec![KpiValue {
            kpi_id: "k".into(),
            name: String::new(),
            table: String::new(),
            direction: String::new(),
            measurement: KpiMeasurement::Measured {
                value: 50.0,
                unit: "%".into(),
            },
            detail: None,
            kpo: None,
            trend: None,
        }];
        let d = diff_runs(&a, &c);
        assert_eq!(d.gate.unwrap().after, GateOutcome::Fail);
        assert_eq!(d.phase.unwrap().before, Phase::Develop);
        assert_eq!(d.criteria_changes[0].after, Some(CriterionOutcome::Fail));
        assert_eq!(d.criteria_changes[0].before, None);
        assert_eq!(d.kpi_changes[0].after, Some(50.0));
        assert!(!d.is_empty());
    }
}
