//! Code-review coverage. A commit counts as reviewed when a review trailer
//! (Reviewed-by, Acked-by, Approved-by) names someone other than its author,
//! or when it reached the main line through a pull request that someone
//! other than its author approved. Without forge data, a commit that came
//! through a pull request is "unknown", never "reviewed". Coverage is
//! counted per component, developed and external (vendored) code apart.

use super::forge::{Forge, ForgeError};
use super::{Commit, Entry, History, trailer_reviewers};
use serde::Serialize;
use std::collections::HashMap;

pub use sef_model::evidence::history::{ComponentCoverage, Counts, Coverage};

/// Counts one commit's review state into a slice's counts.
fn count(c: &mut Counts, r: &Review) {
    c.commits += 1;
    match r {
        Review::Reviewed { .. } => c.reviewed += 1,
        Review::NotReviewed { .. } => c.not_reviewed += 1,
        Review::Unknown { .. } => c.unknown += 1,
    }
}

/// The review state of one commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Review {
    /// Reviewed.
    Reviewed {
        /// `trailer`, `merge-trailer` or `pull-request`.
        how: &'static str,
        /// Who reviewed (e-mail addresses or forge logins).
        by: Vec<String>,
    },
    /// Not reviewed.
    NotReviewed {
        /// Why sef says so.
        why: String,
    },
    /// Review state unknown.
    Unknown {
        /// Why.
        why: String,
    },
}

impl Review {
    /// The state's name as stored: `reviewed`, `not-reviewed` or `unknown`.
    pub fn label(&self) -> &'static str {
        match self {
            Review::Reviewed { .. } => "reviewed",
            Review::NotReviewed { .. } => "not-reviewed",
            Review::Unknown { .. } => "unknown",
        }
    }
}

/// The pull request number in GitHub's default merge subject
/// (`Merge pull request #12 from …`) or squash subject (`Title (#12)`).
pub fn pull_number(subject: &str) -> Option<u64> {
    if let Some(rest) = subject.strip_prefix("Merge pull request #") {
        return rest.split_whitespace().next()?.parse().ok();
    }
    let s = subject.trim_end();
    let inner = s.strip_suffix(')')?;
    let at = inner.rfind("(#")?;
    inner[at + 2..].parse().ok()
}

/// A pull request number and its approvers; `Ok(None)`: no pull request;
/// `Err`: the forge could not say.
type Lookup = Result<Option<(u64, Vec<String>)>, ()>;

/// Classifies every commit of `history`, in order. `forge_error` receives
/// the first forge failure; after it the forge is not asked again.
pub fn classify(
    history: &History,
    mut forge: Option<&mut dyn Forge>,
    forge_error: &mut Option<ForgeError>,
) -> Vec<Review> {
    let by_id: HashMap<&str, &Commit> =
        history.commits.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut pr_cache: HashMap<String, Lookup> = HashMap::new();
    let mut out = Vec::with_capacity(history.commits.len());
    for c in &history.commits {
        let reviewers = trailer_reviewers(c);
        if !reviewers.is_empty() {
            out.push(Review::Reviewed {
                how: "trailer",
                by: reviewers,
            });
            continue;
        }
        // The commit that decides: the merge that brought it in, or itself.
        let gate = match &c.entry {
            Entry::Merge { merge } => by_id.get(merge.as_str()).copied(),
            Entry::Mainline => Some(c),
        };
        let Some(gate) = gate else {
            out.push(Review::Unknown {
                why: "the merge that brought it in is outside the range".into(),
            });
            continue;
        };
        if gate.id != c.id {
            let merge_reviewers = trailer_reviewers(gate);
            if !merge_reviewers.is_empty() {
                out.push(Review::Reviewed {
                    how: "merge-trailer",
                    by: merge_reviewers,
                });
                continue;
            }
        }
        let number = pull_number(&gate.subject)
            .filter(|_| forge.as_deref().is_none_or(|f| f.numbers_in_subjects()));
        let pr = match forge.as_deref_mut() {
            Some(f) if forge_error.is_none() => {
                let entry = pr_cache.entry(gate.id.clone()).or_insert_with(|| {
                    lookup(f, gate, number).map_err(|e| {
                        *forge_error = Some(e);
                    })
                });
                entry.clone()
            }
            _ => Err(()),
        };
        out.push(match pr {
            Ok(Some((n, approvers))) if !approvers.is_empty() => Review::Reviewed {
                how: "pull-request",
                by: approvers.iter().map(|a| format!("{a} (#{n})")).collect(),
            },
            Ok(Some((n, _))) => Review::NotReviewed {
                why: format!(
                    "merged through pull request #{n} without an approving review by someone else"
                ),
            },
            Ok(None) => Review::NotReviewed {
                why: if gate.id == c.id {
                    "no review trailer and no pull request".into()
                } else {
                    format!(
                        "merged in {} without a pull request or review trailer",
                        gate.short()
                    )
                },
            },
            Err(()) => match number {
                Some(n) => Review::Unknown {
                    why: format!("came through pull request #{n}; no forge data on its reviews"),
                },
                None if gate.id != c.id => Review::Unknown {
                    why: format!(
                        "merged in {}; no forge data on a pull request",
                        gate.short()
                    ),
                },
                None if forge.is_some() => Review::Unknown {
                    why: "the forge could not be asked".into(),
                },
                None => Review::NotReviewed {
                    why: "no review trailer by someone other than the author".into(),
                },
            },
        });
    }
    out
}

fn lookup(
    f: &mut dyn Forge,
    gate: &Commit,
    number: Option<u64>,
) -> Result<Option<(u64, Vec<String>)>, ForgeError> {
    let numbers = match number {
        Some(n) => vec![n],
        None => f.pulls_for_commit(&gate.id)?,
    };
    let Some(&n) = numbers.first() else {
        return Ok(None);
    };
    let pr = f.pull(n)?;
    Ok(Some((pr.number, pr.approvers)))
}

/// Counts coverage; merges are not counted themselves (the commits they
/// bring in are).
pub fn coverage(
    commits: &[Commit],
    reviews: &[Review],
    vendored: &[String],
    components: &[(String, Vec<String>)],
) -> Coverage {
    let is_ext = |p: &str| vendored.iter().any(|v| p.starts_with(v.as_str()));
    let mut cov = Coverage {
        developed: Counts::default(),
        external: Counts::default(),
        components: components
            .iter()
            .map(|(n, _)| ComponentCoverage {
                name: n.clone(),
                developed: Counts::default(),
                external: Counts::default(),
            })
            .collect(),
    };
    for (c, r) in commits.iter().zip(reviews) {
        if c.is_merge() {
            continue;
        }
        if c.paths.iter().any(|p| !is_ext(p)) {
            count(&mut cov.developed, r);
        }
        if c.paths.iter().any(|p| is_ext(p)) {
            count(&mut cov.external, r);
        }
        for (i, (_, prefixes)) in components.iter().enumerate() {
            let in_comp = |p: &&String| prefixes.iter().any(|x| p.starts_with(x.as_str()));
            let mine: Vec<&String> = c.paths.iter().filter(in_comp).collect();
            if mine.iter().any(|p| !is_ext(p)) {
                count(&mut cov.components[i].developed, r);
            }
            if mine.iter().any(|p| is_ext(p)) {
                count(&mut cov.components[i].external, r);
            }
        }
    }
    cov
}

#[cfg(test)]
mod tests {
    use super::super::Person;
    use super::*;

    fn commit(id: &str, subject: &str, parents: usize, entry: Entry, paths: &[&str]) -> Commit {
        Commit {
            id: id.into(),
            author: Person {
                name: "Ana".into(),
                email: "ana@x.org".into(),
            },
            committer: Person {
                name: "Ana".into(),
                email: "ana@x.org".into(),
            },
            time: 0,
            parents: (0..parents).map(|i| format!("p{i}")).collect(),
            subject: subject.into(),
            trailers: Vec::new(),
            paths: paths.iter().map(|p| (*p).to_owned()).collect(),
            entry,
            signature: None,
        }
    }

    fn history(commits: Vec<Commit>) -> History {
        History {
            commits,
            until: String::new(),
            base: None,
            shallow: false,
            detached: false,
            truncated: false,
            earlier_authors: Default::default(),
            earlier_complete: true,
            subdir: None,
        }
    }

    #[test]
    fn pull_numbers_come_from_github_subjects() {
        assert_eq!(pull_number("Merge pull request #12 from ana/fix"), Some(12));
        assert_eq!(pull_number("Fix the parser (#345)"), Some(345));
        assert_eq!(pull_number("Fix the parser"), None);
        assert_eq!(pull_number("Fix (#x)"), None);
    }

    #[test]
    fn without_a_forge_pull_requests_are_unknown_not_reviewed() {
        let merge = commit(
            "m1",
            "Merge pull request #7 from bo/x",
            2,
            Entry::Mainline,
            &[],
        );
        let inside = commit(
            "c1",
            "work",
            1,
            Entry::Merge { merge: "m1".into() },
            &["src/a.rs"],
        );
        let direct = commit("c2", "direct push", 1, Entry::Mainline, &["src/b.rs"]);
        let mut reviewed = commit("c3", "reviewed", 1, Entry::Mainline, &["vendor/z/lib.c"]);
        reviewed.trailers = vec![("reviewed-by".into(), "Bo <bo@x.org>".into())];
        let h = history(vec![merge, inside, direct, reviewed]);
        let mut err = None;
        let r = classify(&h, None, &mut err);
        assert!(matches!(r[1], Review::Unknown { .. }), "{:?}", r[1]);
        assert!(matches!(r[2], Review::NotReviewed { .. }));
        assert!(matches!(r[3], Review::Reviewed { how: "trailer", .. }));
        let cov = coverage(
            &h.commits,
            &r,
            &["vendor/".into()],
            &[("core".into(), vec!["src/".into()])],
        );
        assert_eq!(cov.developed.commits, 2);
        assert_eq!(cov.developed.unknown, 1);
        assert_eq!(cov.developed.not_reviewed, 1);
        assert_eq!(cov.external.reviewed, 1);
        assert_eq!(cov.components[0].developed.commits, 2);
        assert_eq!(cov.components[0].external.commits, 0);
    }
}
