//! A finding's history across an offering's runs, derived from what the
//! store holds: when it was first and last reported, and whether a later
//! complete run of the same analyzer no longer reports it (fixed), and
//! whether it came back (reopened). A failed or partial run of the analyzer
//! never fixes anything.

use chrono::{DateTime, Utc};
use sef_model::{FindingHistory, Fingerprint, LifecycleState, Severity};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One run of the offering.
pub(crate) struct RunRow {
    pub id: String,
    pub at: DateTime<Utc>,
    pub release: String,
}

/// One finding occurrence in a run.
pub(crate) struct Occurrence {
    pub run_id: String,
    pub fingerprint: String,
    pub analyzer: String,
    pub rule_id: String,
    pub severity: Severity,
    pub location: Option<String>,
}

/// What a stored evidence row written before schema 5 covered completely
/// ([`sef_model::evidence::complete_scopes`]), derived from its payload.
pub(crate) fn legacy_scopes(
    kind: &str,
    status: &str,
    reason: Option<String>,
    version: i64,
    payload: serde_json::Value,
    analyzer: &str,
) -> Result<Vec<String>, crate::StoreError> {
    use crate::StoreError::Decode;
    let kind = sef_model::EvidenceKind::parse(kind)
        .ok_or_else(|| Decode(format!("unknown evidence kind `{kind}`")))?;
    let status = sef_model::EvidenceStatus::from_parts(status, reason)
        .ok_or_else(|| Decode(format!("unknown evidence status `{status}`")))?;
    let payload =
        sef_model::EvidencePayload::from_json(kind, u32::try_from(version).unwrap_or(0), payload)
            .map_err(|e| Decode(e.to_string()))?;
    Ok(sef_model::evidence::complete_scopes(
        analyzer, &status, &payload,
    ))
}

/// Computes every fingerprint's history. `complete` holds, per run id, the
/// analyzers whose evidence was complete and the analysis tools
/// (`sarif:<tool>`) that ran successfully: a finding is fixed only by a
/// complete run of what reports it.
pub(crate) fn compute(
    runs: &[RunRow],
    complete: &HashMap<String, HashSet<String>>,
    occurrences: &[Occurrence],
) -> Vec<FindingHistory> {
    let order: HashMap<&str, usize> = runs
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    // fingerprint → run indices where present, and the latest occurrence
    let mut seen: BTreeMap<&str, (Vec<usize>, &Occurrence)> = BTreeMap::new();
    for o in occurrences {
        let Some(&i) = order.get(o.run_id.as_str()) else {
            continue;
        };
        let e = seen
            .entry(o.fingerprint.as_str())
            .or_insert((Vec::new(), o));
        e.0.push(i);
        if order.get(e.1.run_id.as_str()).is_some_and(|&j| i >= j) {
            e.1 = o;
        }
    }
    let mut out = Vec::with_capacity(seen.len());
    for (fp, (mut present, last)) in seen {
        present.sort_unstable();
        present.dedup();
        let analyzer = last.analyzer.as_str();
        let present_set: HashSet<usize> = present.iter().copied().collect();
        let first = present[0];
        // walk the runs from the first sighting: complete runs of the
        // analyzer without the finding fix it; a sighting after a fix
        // reopens it
        let mut state = LifecycleState::Open;
        let mut fixed_at = None;
        for (i, r) in runs.iter().enumerate().skip(first) {
            if present_set.contains(&i) {
                if state == LifecycleState::Fixed {
                    state = LifecycleState::Reopened;
                }
            } else if complete.get(&r.id).is_some_and(|a| a.contains(analyzer))
                && state != LifecycleState::Fixed
            {
                state = LifecycleState::Fixed;
                fixed_at = Some(i);
            }
        }
        let last_i = *present.last().unwrap_or(&first);
        out.push(FindingHistory {
            fingerprint: Fingerprint::from_stored(fp.to_owned()),
            analyzer: last.analyzer.clone(),
            rule_id: last.rule_id.clone(),
            severity: last.severity,
            location: last.location.clone(),
            first_seen_run: runs[first].id.clone(),
            first_seen_release: runs[first].release.clone(),
            first_seen_at: runs[first].at,
            last_seen_run: runs[last_i].id.clone(),
            last_seen_at: runs[last_i].at,
            state,
            fixed_at: if state == LifecycleState::Fixed {
                fixed_at.map(|i| runs[i].at)
            } else {
                None
            },
            fixed_in_release: if state == LifecycleState::Fixed {
                fixed_at.map(|i| runs[i].release.clone())
            } else {
                None
            },
            occurrences: present.len(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn run(i: i64, release: &str) -> RunRow {
        RunRow {
            id: format!("r{i}"),
            at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::days(i),
            release: release.into(),
        }
    }

    fn occ(run: i64, fp: &str) -> Occurrence {
        Occurrence {
            run_id: format!("r{run}"),
            fingerprint: fp.into(),
            analyzer: "sarif:semgrep".into(),
            rule_id: "rule".into(),
            severity: Severity::High,
            location: Some("a.py:3".into()),
        }
    }

    fn complete(runs: &[(i64, bool)]) -> HashMap<String, HashSet<String>> {
        runs.iter()
            .map(|(i, ok)| {
                let mut s = HashSet::new();
                if *ok {
                    s.insert("sarif:semgrep".to_owned());
                }
                (format!("r{i}"), s)
            })
            .collect()
    }

    #[test]
    fn open_fixed_reopened_and_partial_runs_fix_nothing() {
        let runs: Vec<RunRow> = (0..6)
            .map(|i| run(i, if i < 3 { "1.0" } else { "2.0" }))
            .collect();
        // r2 is a failed/partial run of the analyzer: absence there proves nothing
        let c = complete(&[
            (0, true),
            (1, true),
            (2, false),
            (3, true),
            (4, true),
            (5, true),
        ]);
        let all = vec![
            occ(0, "stays"),
            occ(1, "stays"),
            occ(2, "stays"),
            occ(3, "stays"),
            occ(4, "stays"),
            occ(5, "stays"),
            occ(0, "fixed"),
            occ(1, "fixed"),
            occ(1, "back"),
            occ(4, "back"),
            occ(1, "only-missing-in-partial"),
            occ(3, "only-missing-in-partial"),
            occ(4, "only-missing-in-partial"),
            occ(5, "only-missing-in-partial"),
        ];
        let h = compute(&runs, &c, &all);
        let get = |fp: &str| h.iter().find(|x| x.fingerprint.as_str() == fp).unwrap();
        assert_eq!(get("stays").state, LifecycleState::Open);
        assert_eq!(get("stays").occurrences, 6);
        let fixed = get("fixed");
        assert_eq!(fixed.state, LifecycleState::Fixed);
        assert_eq!(
            fixed.fixed_in_release.as_deref(),
            Some("2.0"),
            "r2 was partial, r3 fixed it"
        );
        assert_eq!(fixed.first_seen_release, "1.0");
        assert_eq!(fixed.last_seen_run, "r1");
        let back = get("back");
        assert_eq!(
            back.state,
            LifecycleState::Fixed,
            "seen at r4, gone again at r5"
        );
        assert_eq!(back.fixed_at, Some(runs[5].at));
        let p = get("only-missing-in-partial");
        assert_eq!(p.state, LifecycleState::Open);
        // reopened: fixed, then present in the latest run
        let occ2 = vec![occ(0, "x"), occ(3, "x")];
        let h = compute(&runs[..4], &c, &occ2);
        assert_eq!(h[0].state, LifecycleState::Reopened);
    }

    #[test]
    fn legacy_rows_derive_their_scopes_from_the_payload() {
        // a version-1 static-analysis payload, partial: one tool ran, one crashed
        let p = serde_json::json!({
            "files": [], "findings": 0, "duplicates": 0, "rule_cwes": [], "diagnostics": [],
            "tools": [
                {"name": "semgrep", "version": "1", "results": 0, "rules": 1, "rule_cwes": [],
                 "execution_successful": true, "notifications": []},
                {"name": "bandit", "version": null, "results": 0, "rules": 0, "rule_cwes": [],
                 "execution_successful": false, "notifications": ["boom"]}
            ]
        });
        let s = legacy_scopes(
            "static-analysis",
            "partial",
            Some("x".into()),
            1,
            p,
            "sarif",
        );
        assert_eq!(s.unwrap(), vec!["sarif:semgrep".to_owned()]);
        let s = legacy_scopes(
            "secrets",
            "complete",
            None,
            1,
            serde_json::Value::Null,
            "secrets",
        );
        assert_eq!(s.unwrap(), vec!["secrets".to_owned()]);
        assert!(
            legacy_scopes(
                "secrets",
                "failed",
                Some("x".into()),
                1,
                serde_json::Value::Null,
                "secrets"
            )
            .unwrap()
            .is_empty()
        );
        assert!(
            legacy_scopes(
                "inventory",
                "complete",
                None,
                1,
                serde_json::json!([1]),
                "inventory"
            )
            .is_err()
        );
    }
}
