//! Range evaluation, following the OSV schema's algorithm: events are
//! ordered by version; a version is affected from an `introduced` event on,
//! until a `fixed` version (exclusive) or past a `last_affected` version;
//! a `limit` bounds the range from above; explicit `versions` are affected
//! too. GIT ranges are not evaluated (they need the repository's history).

use crate::osv::{Affected, Event};
use crate::version::Scheme;
use std::cmp::Ordering;

/// The verdict for one installed version against one affected entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Affected; `fixed` is the lowest fixed version above the installed one.
    Affected {
        /// The lowest fixed version above the installed one, if any.
        fixed: Option<String>,
    },
    /// Not affected.
    NotAffected,
    /// The entry could not be evaluated (only GIT ranges, or malformed
    /// ranges); the reason says why.
    NotEvaluated(String),
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

fn kind_of(e: &Event) -> Option<(Kind, &str)> {
    match (&e.introduced, &e.fixed, &e.last_affected, &e.limit) {
        (Some(v), None, None, None) => Some((Kind::Introduced, v)),
        (None, Some(v), None, None) => Some((Kind::Fixed, v)),
        (None, None, Some(v), None) => Some((Kind::LastAffected, v)),
        (None, None, None, Some(v)) => Some((Kind::Limit, v)),
        _ => None,
    }
}

/// Compares with `0` as the lowest version of every scheme.
fn cmp(scheme: Scheme, a: &str, b: &str) -> Ordering {
    match (a == "0", b == "0") {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => scheme.compare(a, b),
    }
}

/// Evaluates `version` against one affected entry, with `scheme` the
/// ecosystem's ordering (SEMVER ranges always use SemVer).
pub fn evaluate(scheme: Scheme, version: &str, affected: &Affected) -> Verdict {
    if affected
        .versions
        .iter()
        .any(|v| v == version || scheme.compare(v, version) == Ordering::Equal)
    {
        return Verdict::Affected {
            fixed: lowest_fixed(scheme, version, affected),
        };
    }
    let mut evaluated = false;
    let mut skipped = Vec::new();
    for range in &affected.ranges {
        let range_scheme = match range.kind.as_str() {
            "SEMVER" => Scheme::Semver,
            "ECOSYSTEM" => scheme,
            "GIT" => {
                skipped.push("GIT range not evaluated (needs the repository's history)".to_owned());
                continue;
            }
            other => {
                skipped.push(format!("unknown range type `{other}`"));
                continue;
            }
        };
        let mut events = Vec::with_capacity(range.events.len());
        let mut bad = false;
        for e in &range.events {
            match kind_of(e) {
                Some(k) => events.push(k),
                None => bad = true,
            }
        }
        if bad || events.is_empty() {
            skipped.push(
                "a range has an event with none or several of introduced/fixed/last_affected/limit"
                    .to_owned(),
            );
            continue;
        }
        evaluated = true;
        events.sort_by(|(ka, va), (kb, vb)| cmp(range_scheme, va, vb).then(ka.cmp(kb)));
        let mut affected_now = false;
        for (k, v) in &events {
            let c = cmp(range_scheme, version, v);
            match k {
                Kind::Introduced if c != Ordering::Less => affected_now = true,
                Kind::Fixed if c != Ordering::Less => affected_now = false,
                Kind::LastAffected if c == Ordering::Greater => affected_now = false,
                Kind::Limit if c != Ordering::Less => affected_now = false,
                _ => {}
            }
        }
        if affected_now {
            return Verdict::Affected {
                fixed: lowest_fixed(scheme, version, affected),
            };
        }
    }
    if evaluated || affected.ranges.is_empty() {
        Verdict::NotAffected
    } else {
        Verdict::NotEvaluated(skipped.join("; "))
    }
}

/// The lowest `fixed` event above `version` across the entry's ranges.
fn lowest_fixed(scheme: Scheme, version: &str, affected: &Affected) -> Option<String> {
    affected
        .ranges
        .iter()
        .filter(|r| r.kind != "GIT")
        .flat_map(|r| {
            let s = if r.kind == "SEMVER" {
                Scheme::Semver
            } else {
                scheme
            };
            r.events
                .iter()
                .filter_map(move |e| e.fixed.as_deref().map(|f| (s, f)))
        })
        .filter(|(s, f)| cmp(*s, f, version) == Ordering::Greater)
        .min_by(|(s, a), (_, b)| cmp(*s, a, b))
        .map(|(_, f)| f.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osv::{Range, Record};

    fn affected(events: &[(&str, &str)]) -> Affected {
        let events = events
            .iter()
            .map(|(k, v)| {
                let mut e = Event::default();
                let v = Some((*v).to_owned());
                match *k {
                    "introduced" => e.introduced = v,
                    "fixed" => e.fixed = v,
                    "last_affected" => e.last_affected = v,
                    _ => e.limit = v,
                }
                e
            })
            .collect();
        Affected {
            package: None,
            ranges: vec![Range {
                kind: "ECOSYSTEM".into(),
                events,
                repo: None,
            }],
            versions: vec![],
            severity: vec![],
            database_specific: None,
            ecosystem_specific: None,
        }
    }

    fn is(v: &str, a: &Affected) -> bool {
        matches!(evaluate(Scheme::Semver, v, a), Verdict::Affected { .. })
    }

    #[test]
    fn introduced_fixed_last_affected_limit() {
        let a = affected(&[
            ("introduced", "1.0.0"),
            ("fixed", "1.2.0"),
            ("introduced", "2.0.0"),
            ("last_affected", "2.1.0"),
        ]);
        assert!(!is("0.9.0", &a));
        assert!(is("1.0.0", &a));
        assert!(is("1.1.9", &a));
        assert!(!is("1.2.0", &a));
        assert!(is("2.1.0", &a));
        assert!(!is("2.1.1", &a));
        assert_eq!(
            evaluate(Scheme::Semver, "1.1.0", &a),
            Verdict::Affected {
                fixed: Some("1.2.0".into())
            }
        );
        let z = affected(&[("introduced", "0"), ("limit", "3.0.0")]);
        assert!(is("0.0.1", &z));
        assert!(!is("3.0.0", &z));
        // Events given out of order are sorted first.
        let o = affected(&[("fixed", "1.2.0"), ("introduced", "1.0.0")]);
        assert!(is("1.1.0", &o));
    }

    #[test]
    fn git_ranges_are_not_evaluated_and_bad_events_are_reported() {
        let mut a = affected(&[("introduced", "0")]);
        a.ranges[0].kind = "GIT".into();
        assert!(
            matches!(evaluate(Scheme::Semver, "1.0.0", &a), Verdict::NotEvaluated(r) if r.contains("GIT"))
        );
        let mut b = affected(&[("introduced", "0")]);
        b.ranges[0].events[0].fixed = Some("1".into());
        assert!(matches!(
            evaluate(Scheme::Semver, "1.0.0", &b),
            Verdict::NotEvaluated(_)
        ));
    }

    #[test]
    fn a_real_rustsec_record() {
        let rec = Record::from_json(
            br#"{"id":"RUSTSEC-2021-0001","aliases":["CVE-2020-26297"],"affected":[{"package":{"ecosystem":"crates.io","name":"mdbook"},
            "ranges":[{"type":"SEMVER","events":[{"introduced":"0.1.4-0"},{"fixed":"0.4.5"}]}]}]}"#,
        )
        .unwrap();
        let a = &rec.affected[0];
        assert!(
            matches!(evaluate(Scheme::Semver, "0.4.4", a), Verdict::Affected { fixed: Some(f) } if f == "0.4.5")
        );
        assert_eq!(evaluate(Scheme::Semver, "0.4.5", a), Verdict::NotAffected);
        assert_eq!(evaluate(Scheme::Semver, "0.1.3", a), Verdict::NotAffected);
    }
}
