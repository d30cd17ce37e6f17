//! The secrets history scan: every distinct blob of the history (sef-git's
//! walk, each attributed to the commit that introduced it) scanned exactly
//! once with the rule set.

use super::{Introduced, Located};
use sef_git::blobs::Blob;
pub use sef_model::evidence::secrets::HistoryStats;
use sef_secrets::RuleSet;
use std::path::Path;

/// Scans the history of the repository `root` is in.
pub fn scan(
    root: &Path,
    set: &RuleSet,
    max: u64,
) -> Result<(Vec<Located>, HistoryStats), sef_git::GitError> {
    let walk = sef_git::blobs::walk(root)?;
    let mut stats = HistoryStats {
        shallow: walk.shallow(),
        commits: walk.commits(),
        unreadable_count: walk.unreadable_refs().len() as u64,
        unreadable: walk
            .unreadable_refs()
            .iter()
            .take(super::LIST_CAP)
            .cloned()
            .collect(),
        ..HistoryStats::default()
    };
    let results: Vec<(Vec<(usize, Located)>, HistoryStats)> = walk.visit(
        max,
        |path| !set.path_allowed(path),
        |path, who, blob| {
            let mut s = HistoryStats::default();
            let data = match blob {
                Blob::TooLarge => {
                    s.too_large += 1;
                    return (Vec::new(), s);
                }
                Blob::Unreadable(why) => {
                    s.unreadable_count += 1;
                    s.unreadable.push(format!("{path}: {why}"));
                    return (Vec::new(), s);
                }
                Blob::Data(d) => d,
            };
            if sef_secrets::is_binary(data) {
                s.binary += 1;
                return (Vec::new(), s);
            }
            s.blobs += 1;
            s.bytes += data.len() as u64;
            let hits = set
                .scan(path, data, Some(&who.commit))
                .into_iter()
                .map(|h| {
                    let located = Located::new(
                        path,
                        h,
                        Some(Introduced {
                            commit: who.commit.clone(),
                            author: who.author.clone(),
                            time: who.time,
                        }),
                        false,
                    );
                    (who.order, located)
                })
                .collect();
            (hits, s)
        },
    );
    let mut found = Vec::new();
    for (hits, s) in results {
        found.extend(hits);
        stats.blobs += s.blobs;
        stats.bytes += s.bytes;
        stats.binary += s.binary;
        stats.too_large += s.too_large;
        stats.unreadable_count += s.unreadable_count;
        for u in s.unreadable {
            if stats.unreadable.len() < super::LIST_CAP {
                stats.unreadable.push(u);
            }
        }
    }
    // Oldest introduction first (commits of one second in parent-first
    // order); one secret in one file, once: the oldest wins.
    found.sort_by_key(|(order, _)| *order);
    let mut seen = std::collections::HashSet::new();
    let found = found
        .into_iter()
        .map(|(_, l)| l)
        .filter(|l| seen.insert(l.fingerprint.clone()))
        .collect();
    Ok((found, stats))
}
