//! Matching components against the advisory database: per component, the
//! advisories whose ranges include its version, grouped by alias (one CVE
//! published by two databases is one match), with the lowest fixed version
//! above it and a severity from CVSS (else the advisory's own severity).

use crate::db::{AdvisoryDb, DbError, normalize_name};
use crate::osv::Record;
use crate::range::{Verdict, evaluate};
use crate::version::Scheme;
use packageurl::PackageUrl;
use rayon::prelude::*;
use sef_model::{Component, Severity};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

/// One vulnerability (or informational advisory) of one component.
#[derive(Debug, Clone)]
pub struct Match {
    /// Index of the component in the input.
    pub component: usize,
    /// The advisory reported (the lowest id of its alias group).
    pub id: String,
    /// Every other id of the same vulnerability.
    pub aliases: Vec<String>,
    /// Summary of the advisory.
    pub summary: Option<String>,
    /// The lowest fixed version above the installed one.
    pub fixed: Option<String>,
    /// CVSS vector and base score, when the advisory gives one.
    pub cvss: Option<(String, f64)>,
    /// Severity: from CVSS, else the advisory's own.
    pub severity: Option<Severity>,
    /// CWE ids.
    pub cwe: Vec<u32>,
    /// `unmaintained`, `unsound`, ...: a warning, not a vulnerability.
    pub informational: Option<String>,
    /// Reference URLs.
    pub references: Vec<String>,
    /// The packages and symbols the advisory names as affected (Go
    /// imports, RustSec functions): only those are vulnerable, and sef does
    /// not check whether the offering reaches them.
    pub symbols: Vec<String>,
}

/// Everything one matching pass found.
#[derive(Debug, Clone, Default)]
pub struct MatchReport {
    /// Vulnerabilities and warnings.
    pub matches: Vec<Match>,
    /// Components whose ecosystem the database covers and which have a version.
    pub tested: usize,
    /// Components not tested, with the reason.
    pub not_tested: Vec<(usize, String)>,
    /// Advisory entries that could not be evaluated (GIT-only ranges,
    /// malformed events), with the component and reason.
    pub not_evaluated: Vec<(usize, String, String)>,
}

/// Severity of a CVSS base score.
pub fn severity_of_score(score: f64) -> Severity {
    match score {
        s if s >= 9.0 => Severity::Critical,
        s if s >= 7.0 => Severity::High,
        s if s >= 4.0 => Severity::Medium,
        s if s > 0.0 => Severity::Low,
        _ => Severity::Info,
    }
}

fn cvss_of(record: &Record) -> Option<(String, f64)> {
    let mut best: Option<(String, f64)> = None;
    let all = record
        .severity
        .iter()
        .chain(record.affected.iter().flat_map(|a| a.severity.iter()));
    for s in all {
        if let Ok(c) = cvss::Cvss::from_str(s.score.trim()) {
            // Prefer the newest CVSS version given (v4 over v3 over v2).
            let rank = |k: &str| {
                if k.contains('4') {
                    3
                } else if k.contains('3') {
                    2
                } else {
                    1
                }
            };
            let better = best
                .as_ref()
                .is_none_or(|(v, _)| rank(&s.kind) > rank(v.split('/').next().unwrap_or("")));
            if better {
                best = Some((s.score.trim().to_owned(), c.score()));
            }
        }
    }
    best
}

fn own_severity(record: &Record) -> Option<Severity> {
    let s = record
        .database_specific
        .as_ref()?
        .severity
        .0
        .as_deref()?
        .to_ascii_lowercase();
    Some(match s.as_str() {
        "critical" => Severity::Critical,
        "high" => Severity::High,
        "moderate" | "medium" => Severity::Medium,
        "low" => Severity::Low,
        _ => return None,
    })
}

/// What matching found for one component.
enum Outcome {
    /// First-party: not a third-party component to test.
    Skipped,
    /// Not testable, with the reason.
    NotTested(String),
    /// Tested: its matches and the ranges that could not be evaluated.
    Tested(Vec<Match>, Vec<(usize, String, String)>),
}

/// Why a component's purl says it is not its registry's release: fetched
/// from git or downloaded from a URL (`vcs_url`/`download_url`), or part of
/// an SDK. Registry advisories are not matched against such a component.
pub fn not_registry_release(purl: &str) -> Option<String> {
    // Without qualifiers (a purl's only literal `?` starts them) only an
    // SDK's generic purl says so: most purls need no parse.
    if !purl.contains('?')
        && !purl
            .as_bytes()
            .windows(7)
            .any(|w| w.eq_ignore_ascii_case(b"generic"))
    {
        return None;
    }
    parsed_not_registry_release(purl)
}

/// [`not_registry_release`], always by parsing the purl.
fn parsed_not_registry_release(purl: &str) -> Option<String> {
    let p: PackageUrl<'_> = purl.parse().ok()?;
    if p.ty() == "generic" && p.namespace().is_some_and(|n| n.ends_with("-sdk")) {
        return Some(format!(
            "part of the {} SDK: its version is the SDK's, which the lockfile does not record",
            p.namespace().unwrap_or("").trim_end_matches("-sdk")
        ));
    }
    for (key, what) in [
        ("vcs_url", "fetched from git"),
        ("download_url", "downloaded"),
    ] {
        if let Some(u) = p.qualifiers().get(key) {
            return Some(format!(
                "{what} ({u}), not the registry release: registry advisories are not matched"
            ));
        }
    }
    None
}

/// Matches every component against the database. Components are matched
/// in parallel (each looks up and parses its own records); the report keeps
/// the components' order.
pub fn match_components(db: &AdvisoryDb, components: &[Component]) -> Result<MatchReport, DbError> {
    let outcomes: Vec<Result<Outcome, DbError>> = components
        .par_iter()
        .enumerate()
        .map(|(i, c)| match_one(db, i, c))
        .collect();
    let mut report = MatchReport::default();
    for (i, o) in outcomes.into_iter().enumerate() {
        match o? {
            Outcome::Skipped => {}
            Outcome::NotTested(reason) => report.not_tested.push((i, reason)),
            Outcome::Tested(matches, not_evaluated) => {
                report.tested += 1;
                report.matches.extend(matches);
                report.not_evaluated.extend(not_evaluated);
            }
        }
    }
    Ok(report)
}

fn match_one(db: &AdvisoryDb, i: usize, c: &Component) -> Result<Outcome, DbError> {
    if c.first_party {
        return Ok(Outcome::Skipped);
    }
    if let Some(why) = c.purl.as_deref().and_then(not_registry_release) {
        return Ok(Outcome::NotTested(why));
    }
    let eco = c.ecosystem.as_str();
    let Some(version) = &c.version else {
        return Ok(Outcome::NotTested(
            "unpinned: no exact version to test".to_owned(),
        ));
    };
    let Some(scheme) = Scheme::for_ecosystem(c.ecosystem) else {
        return Ok(Outcome::NotTested(format!(
            "sef does not order {eco} versions yet"
        )));
    };
    if !db.covers(eco) {
        return Ok(Outcome::NotTested(format!(
            "the advisory database has no {eco} advisories; import them"
        )));
    }
    let mut matches = Vec::new();
    let mut not_evaluated = Vec::new();
    {
        let key = (eco, normalize_name(eco, &c.name));
        let records = db.lookup(eco, &c.name)?;
        // Affected records for this component, grouped by alias.
        let mut hits: Vec<(&Record, Option<String>, Option<String>)> = Vec::new();
        for r in records.iter().filter(|r| r.withdrawn.is_none()) {
            for a in &r.affected {
                let Some(p) = &a.package else { continue };
                if p.ecosystem != eco || normalize_name(eco, &p.name) != key.1 {
                    continue;
                }
                match evaluate(scheme, version, a) {
                    Verdict::Affected { fixed } => hits.push((r, fixed, a.informational())),
                    Verdict::NotAffected => {}
                    Verdict::NotEvaluated(reason) => not_evaluated.push((i, r.id.clone(), reason)),
                }
            }
        }
        let mut groups: Vec<(BTreeSet<String>, Vec<usize>)> = Vec::new();
        for (h, (r, _, _)) in hits.iter().enumerate() {
            let ids: BTreeSet<String> = std::iter::once(r.id.clone())
                .chain(r.aliases.iter().cloned())
                .collect();
            match groups.iter_mut().find(|(g, _)| !g.is_disjoint(&ids)) {
                Some((g, members)) => {
                    g.extend(ids);
                    members.push(h);
                }
                None => groups.push((ids, vec![h])),
            }
        }
        for (ids, members) in groups {
            let primary_ids: BTreeSet<&str> =
                members.iter().map(|m| hits[*m].0.id.as_str()).collect();
            let Some(&id) = primary_ids.iter().next() else {
                continue;
            };
            let main = members
                .iter()
                .map(|m| hits[*m].0)
                .find(|r| r.id == id)
                .unwrap_or(hits[members[0]].0);
            let fixed = members
                .iter()
                .filter_map(|m| hits[*m].1.clone())
                .min_by(|a, b| scheme.compare(a, b));
            // The rating comes from the matched records, else from any
            // record of the same package that is an alias of them (a GHSA
            // record imported beside the Go database's record, whose own
            // ranges may differ).
            let aliases: Vec<&Record> = records
                .iter()
                .filter(|r| ids.contains(&r.id) && !members.iter().any(|m| hits[*m].0.id == r.id))
                .collect();
            let cvss = members
                .iter()
                .find_map(|m| cvss_of(hits[*m].0))
                .or_else(|| aliases.iter().find_map(|r| cvss_of(r)));
            let severity = cvss
                .as_ref()
                .map(|(_, s)| severity_of_score(*s))
                .or_else(|| members.iter().find_map(|m| own_severity(hits[*m].0)))
                .or_else(|| aliases.iter().find_map(|r| own_severity(r)));
            let mut cwe: BTreeSet<u32> = BTreeSet::new();
            let mut refs: BTreeMap<String, ()> = BTreeMap::new();
            for m in &members {
                cwe.extend(hits[*m].0.cwe_ids());
                for r in &hits[*m].0.references {
                    refs.insert(r.url.clone(), ());
                }
            }
            matches.push(Match {
                component: i,
                id: id.to_owned(),
                aliases: ids.into_iter().filter(|x| x != id).collect(),
                summary: main.summary.clone(),
                fixed,
                cvss,
                severity,
                cwe: cwe.into_iter().collect(),
                informational: members.iter().find_map(|m| hits[*m].2.clone()),
                references: refs.into_keys().collect(),
                symbols: {
                    let mut s: BTreeSet<String> = BTreeSet::new();
                    for m in &members {
                        for a in &hits[*m].0.affected {
                            if a.package.as_ref().is_some_and(|p| {
                                p.ecosystem == eco && normalize_name(eco, &p.name) == key.1
                            }) {
                                s.extend(a.affected_symbols());
                            }
                        }
                    }
                    s.into_iter().collect()
                },
            });
        }
    }
    Ok(Outcome::Tested(matches, not_evaluated))
}

#[cfg(test)]
mod registry_tests {
    use super::not_registry_release;

    #[test]
    fn git_downloads_and_sdk_packages_are_not_registry_releases() {
        let git = "pkg:hex/heroicons@88ab3a0d?vcs_url=git%2Bhttps://github.com/tailwindlabs/heroicons.git%4088ab3a0d";
        assert!(
            not_registry_release(git)
                .unwrap()
                .starts_with("fetched from git")
        );
        let dl = "pkg:npm/ansi-regex@6.0.1?download_url=https://codeload.github.com/chalk/ansi-regex/tar.gz/02fa893";
        assert!(not_registry_release(dl).unwrap().starts_with("downloaded"));
        let sdk = "pkg:generic/flutter-sdk/flutter_web_plugins";
        assert!(not_registry_release(sdk).unwrap().contains("flutter SDK"));
        assert_eq!(not_registry_release("pkg:pub/http@1.0.0"), None);
        assert_eq!(not_registry_release("not a purl"), None);
        let upper = "pkg:GENERIC/flutter-sdk/flutter_web_plugins";
        assert!(not_registry_release(upper).unwrap().contains("flutter SDK"));
    }

    proptest::proptest! {
        /// The shortcut for purls without qualifiers answers as the parse.
        #[test]
        fn the_shortcut_agrees_with_the_parse(
            purl in "(pkg:|PKG:|pkg:/)?(cargo|npm|generic|Generic|hex)/([a-z]{1,4}-sdk/|%3F/)?[a-z_%?]{1,6}(@[0-9a-f.]{1,6})?(\\?(vcs_url|download_url|arch)=[a-z%:/?]{0,8})?(#[a-z/]{0,4})?"
        ) {
            proptest::prop_assert_eq!(not_registry_release(&purl), super::parsed_not_registry_release(&purl));
        }
    }
}
