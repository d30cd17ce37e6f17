//! Version selections for "which releases ship this package?": an exact
//! version, a range written with comparators, or an OSV advisory's affected
//! entries. Ranges are turned into OSV events and evaluated with OSV's own
//! algorithm ([`crate::range::evaluate`]) in the ecosystem's ordering, so a
//! range selects exactly what an advisory with the same events would. A
//! version that cannot be ordered (unpinned, or an ecosystem sef does not
//! order) is reported as unknown, never silently left out.

use crate::osv::{Affected, Event, Range, Record};
use crate::range::{Verdict, evaluate};
use crate::version::Scheme;
use sef_model::Ecosystem;

/// Why a range does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("version range `{range}`: {reason}")]
pub struct RangeError {
    /// The range as given.
    pub range: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Which versions of a package are asked for.
#[derive(Debug, Clone)]
pub struct Selection {
    affected: Option<Affected>,
    text: String,
}

/// Whether one shipped version is selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InRange {
    /// Selected.
    Yes,
    /// Not selected.
    No,
    /// Cannot be told; the reason says why.
    Unknown(String),
}

impl Selection {
    /// Every version.
    pub fn any() -> Selection {
        Selection {
            affected: None,
            text: "any version".to_owned(),
        }
    }

    /// One version.
    pub fn exact(version: &str) -> Selection {
        Selection {
            affected: Some(Affected {
                versions: vec![version.to_owned()],
                ..Affected::default()
            }),
            text: format!("= {version}"),
        }
    }

    /// A range: clauses joined by `||`, each a list of comparators
    /// (`>=V`, `<V`, `<=V`, `=V`) separated by commas or spaces. `>=`
    /// becomes OSV's `introduced`, `<` its `fixed`, `<=` its
    /// `last_affected`; a clause without a lower bound starts at `0`. `>V`
    /// has no OSV event and is refused (write `>=` the next version).
    pub fn range(text: &str) -> Result<Selection, RangeError> {
        let err = |reason: String| RangeError {
            range: text.to_owned(),
            reason,
        };
        let mut ranges = Vec::new();
        let mut versions = Vec::new();
        for clause in text.split("||") {
            let mut events = Vec::new();
            let mut lower = false;
            let mut upper = false;
            let mut exact = Vec::new();
            let words: Vec<&str> = clause
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|w| !w.is_empty())
                .collect();
            if words.is_empty() {
                return Err(err("an empty clause".to_owned()));
            }
            let mut i = 0;
            while i < words.len() {
                // `>= 1.0` as well as `>=1.0`
                let (op, v) = split_op(words[i]);
                let v = if v.is_empty() && i + 1 < words.len() {
                    i += 1;
                    words[i]
                } else {
                    v
                };
                i += 1;
                if v.is_empty() || v.starts_with(['<', '>', '=']) {
                    return Err(err(format!("`{op}` needs a version after it")));
                }
                match op {
                    ">=" => {
                        if lower {
                            return Err(err("two lower bounds in one clause".to_owned()));
                        }
                        lower = true;
                        events.push(Event {
                            introduced: Some(v.to_owned()),
                            ..Event::default()
                        });
                    }
                    "<" | "<=" => {
                        if upper {
                            return Err(err("two upper bounds in one clause".to_owned()));
                        }
                        upper = true;
                        events.push(if op == "<" {
                            Event {
                                fixed: Some(v.to_owned()),
                                ..Event::default()
                            }
                        } else {
                            Event {
                                last_affected: Some(v.to_owned()),
                                ..Event::default()
                            }
                        });
                    }
                    "" if !v.starts_with(|c: char| c.is_ascii_alphanumeric()) => {
                        let c = v.chars().next().unwrap_or(' ');
                        return Err(err(format!("unknown comparator `{c}`; use >=, <, <= or =")));
                    }
                    "=" | "==" | "" => exact.push(v.to_owned()),
                    ">" => {
                        return Err(err(format!(
                            "`>{v}` has no OSV event; write `>=` the first version after {v}"
                        )));
                    }
                    other => {
                        return Err(err(format!(
                            "unknown comparator `{other}`; use >=, <, <= or ="
                        )));
                    }
                }
            }
            if !exact.is_empty() && (lower || upper) {
                return Err(err(
                    "a clause is either one exact version or bounds, not both".to_owned(),
                ));
            }
            if exact.len() > 1 {
                return Err(err(
                    "two exact versions in one clause; join them with `||`".to_owned()
                ));
            }
            versions.extend(exact);
            if lower || upper {
                if !lower {
                    events.insert(
                        0,
                        Event {
                            introduced: Some("0".to_owned()),
                            ..Event::default()
                        },
                    );
                }
                ranges.push(Range {
                    kind: "ECOSYSTEM".to_owned(),
                    events,
                    repo: None,
                });
            }
        }
        Ok(Selection {
            affected: Some(Affected {
                ranges,
                versions,
                ..Affected::default()
            }),
            text: text.trim().to_owned(),
        })
    }

    /// The selection an advisory's affected entry makes.
    pub fn of_advisory(record: &Record, entry: &Affected) -> Selection {
        Selection {
            affected: Some(entry.clone()),
            text: format!("affected by {}", record.id),
        }
    }

    /// How the selection was written, for reports.
    pub fn describe(&self) -> &str {
        &self.text
    }

    /// Whether `version` of a package of `ecosystem` (an OSV name) is
    /// selected.
    pub fn contains(&self, ecosystem: &str, version: Option<&str>) -> InRange {
        let Some(a) = &self.affected else {
            return InRange::Yes;
        };
        let Some(version) = version else {
            return InRange::Unknown("the lockfile pins no version".to_owned());
        };
        let scheme = Ecosystem::parse(ecosystem).and_then(Scheme::for_ecosystem);
        match scheme {
            Some(s) => match evaluate(s, version, a) {
                Verdict::Affected { .. } => InRange::Yes,
                Verdict::NotAffected => InRange::No,
                Verdict::NotEvaluated(why) => InRange::Unknown(why),
            },
            // without an ordering, only listed versions can be told
            None if a.versions.iter().any(|v| v == version) => InRange::Yes,
            None if a.ranges.is_empty() => InRange::No,
            None => InRange::Unknown(format!("sef does not order {ecosystem} versions")),
        }
    }
}

fn split_op(word: &str) -> (&str, &str) {
    let n = word
        .find(|c: char| !matches!(c, '<' | '>' | '='))
        .unwrap_or(word.len());
    (&word[..n], &word[n..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparators_become_osv_events() {
        let s = Selection::range(">=1.0.0, <1.0.190").unwrap();
        assert_eq!(s.contains("crates.io", Some("1.0.100")), InRange::Yes);
        assert_eq!(s.contains("crates.io", Some("1.0.190")), InRange::No);
        assert_eq!(s.contains("crates.io", Some("0.9.9")), InRange::No);
        let s = Selection::range("<= 2.31.0").unwrap();
        assert_eq!(s.contains("PyPI", Some("2.31.0")), InRange::Yes);
        assert_eq!(s.contains("PyPI", Some("2.31.0.post1")), InRange::No);
        assert_eq!(s.contains("PyPI", Some("0.1")), InRange::Yes);
        // PEP 440: a pre-release orders before its release
        let s = Selection::range(">=2.0 <3.0").unwrap();
        assert_eq!(s.contains("PyPI", Some("3.0rc1")), InRange::Yes);
        let s = Selection::range("=1.2.3 || >=2.0.0 <2.0.5").unwrap();
        assert_eq!(s.contains("npm", Some("1.2.3")), InRange::Yes);
        assert_eq!(s.contains("npm", Some("1.2.4")), InRange::No);
        assert_eq!(s.contains("npm", Some("2.0.4")), InRange::Yes);
        // Maven orders 1.10 after 1.9
        let s = Selection::range(">=1.9, <1.10").unwrap();
        assert_eq!(s.contains("Maven", Some("1.10")), InRange::No);
        assert_eq!(s.contains("Maven", Some("1.9.5")), InRange::Yes);
    }

    #[test]
    fn what_cannot_be_told_is_unknown() {
        let s = Selection::range("<1.0").unwrap();
        assert!(matches!(s.contains("npm", None), InRange::Unknown(_)));
        assert!(matches!(
            s.contains("generic", Some("0.5")),
            InRange::Unknown(_)
        ));
        assert_eq!(Selection::any().contains("npm", None), InRange::Yes);
        assert_eq!(
            Selection::exact("0.5").contains("generic", Some("0.5")),
            InRange::Yes
        );
    }

    #[test]
    fn bad_ranges_say_why() {
        for (r, why) in [
            (">1.0", "no OSV event"),
            (">=1 >=2", "two lower bounds"),
            ("<1 <=2", "two upper bounds"),
            ("=1 <2", "either one exact"),
            ("", "empty clause"),
            (">=", "needs a version"),
            ("~1.0", "unknown comparator"),
        ] {
            let e = Selection::range(r).unwrap_err();
            assert!(e.to_string().contains(why), "{r}: {e}");
        }
    }
}
