//! The history scan: every commit reachable from any reference, each
//! commit's added or changed blobs (tree diffs against its first parent,
//! in parallel), each distinct blob scanned exactly once, attributed to
//! the oldest commit that introduced it (commit, author, date, path).

use super::{Introduced, Located};
use gix::bstr::ByteSlice;
use rayon::prelude::*;
pub use sef_model::evidence::secrets::HistoryStats;
use sef_secrets::RuleSet;
use std::collections::HashMap;
use std::path::Path;

type Id = gix::ObjectId;

struct CommitInfo {
    id: Id,
    tree: Id,
    parent: Option<Id>,
    author: String,
    time: i64,
}

fn tips(repo: &gix::Repository) -> Vec<Id> {
    let mut out = Vec::new();
    if let Ok(h) = repo.head_id() {
        out.push(h.detach());
    }
    if let Ok(refs) = repo.references()
        && let Ok(all) = refs.all()
    {
        for mut r in all.flatten() {
            if let Ok(id) = r.peel_to_id()
                && let Ok(obj) = repo.find_object(id)
                && let Ok(c) = obj.peel_to_commit()
            {
                out.push(c.id);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A commit's added or changed blobs: path and blob id.
fn changes(
    repo: &gix::Repository,
    state: &mut gix::diff::tree::State,
    c: &CommitInfo,
) -> Result<Vec<(String, Id)>, String> {
    use gix::diff::tree::recorder::Change;
    Ok(crate::history::tree_changes(repo, state, c.tree, c.parent)?
        .into_iter()
        .filter_map(|ch| match ch {
            Change::Addition {
                entry_mode,
                oid,
                path,
                ..
            }
            | Change::Modification {
                entry_mode,
                oid,
                path,
                ..
            } if entry_mode.is_blob() => Some((path.to_str_lossy().into_owned(), oid)),
            _ => None,
        })
        .collect())
}

/// Scans the history of the repository `root` is in.
pub fn scan(root: &Path, set: &RuleSet, max: u64) -> Result<(Vec<Located>, HistoryStats), String> {
    let repo = gix::discover(root).map_err(|_| {
        format!(
            "{}: not a git repository; the history scan needs one",
            root.display()
        )
    })?;
    let prefix = crate::history::subdir(&repo, root);
    let mut stats = HistoryStats {
        shallow: repo.is_shallow().unwrap_or(false),
        ..HistoryStats::default()
    };
    let tips = tips(&repo);
    if tips.is_empty() {
        return Ok((Vec::new(), stats));
    }
    let walk = repo
        .rev_walk(tips)
        .all()
        .map_err(|e| format!("cannot walk the history: {e}"))?;
    let mut commits = Vec::new();
    for info in walk {
        let info = info.map_err(|e| format!("the history is incomplete or corrupt: {e}"))?;
        let c = info
            .object()
            .map_err(|e| format!("cannot read commit {}: {e}", info.id))?;
        let d = c
            .decode()
            .map_err(|e| format!("commit {} is corrupt: {e}", info.id))?;
        let a = d.author().map_err(|e| format!("commit {}: {e}", info.id))?;
        commits.push(CommitInfo {
            id: info.id,
            tree: d.tree(),
            parent: d.parents().next(),
            author: format!("{} <{}>", a.name.to_str_lossy(), a.email.to_str_lossy()),
            time: a.seconds(),
        });
    }
    commits.sort_by_key(|c| c.time);
    stats.commits = commits.len() as u64;
    let sync = repo.clone().into_sync();
    let diffs: Vec<Result<Vec<(String, Id)>, String>> = commits
        .par_iter()
        .map_init(
            || (sync.to_thread_local(), gix::diff::tree::State::default()),
            |(repo, state), c| {
                changes(repo, state, c).map_err(|e| format!("cannot diff commit {}: {e}", c.id))
            },
        )
        .collect();
    // The oldest commit that adds each blob introduces it.
    let mut first: HashMap<Id, (usize, String)> = HashMap::new();
    for (i, d) in diffs.into_iter().enumerate() {
        for (path, blob) in d? {
            let path = match &prefix {
                Some(p) => match path.strip_prefix(p.as_str()) {
                    Some(rest) => rest.to_owned(),
                    None => continue,
                },
                None => path,
            };
            first.entry(blob).or_insert((i, path));
        }
    }
    let work: Vec<(Id, usize, String)> = first.into_iter().map(|(b, (i, p))| (b, i, p)).collect();
    let results: Vec<(Vec<Located>, HistoryStats)> = work
        .par_iter()
        .map_init(
            || sync.to_thread_local(),
            |repo, (blob, i, path)| {
                let mut s = HistoryStats::default();
                let c = &commits[*i];
                if set.path_allowed(path) {
                    return (Vec::new(), s);
                }
                if let Ok(h) = repo.find_header(*blob)
                    && h.size() > max
                {
                    s.too_large += 1;
                    return (Vec::new(), s);
                }
                let Ok(obj) = repo.find_object(*blob) else {
                    return (Vec::new(), s);
                };
                if sef_secrets::is_binary(&obj.data) {
                    s.binary += 1;
                    return (Vec::new(), s);
                }
                s.blobs += 1;
                s.bytes += obj.data.len() as u64;
                let commit = c.id.to_string();
                let hits = set
                    .scan(path, &obj.data, Some(&commit))
                    .into_iter()
                    .map(|h| {
                        Located::new(
                            path,
                            h,
                            Some(Introduced {
                                commit: commit.clone(),
                                author: c.author.clone(),
                                time: c.time,
                            }),
                            false,
                        )
                    })
                    .collect();
                (hits, s)
            },
        )
        .collect();
    let mut found = Vec::new();
    for (hits, s) in results {
        found.extend(hits);
        stats.blobs += s.blobs;
        stats.bytes += s.bytes;
        stats.binary += s.binary;
        stats.too_large += s.too_large;
    }
    // One secret in one file, once: the oldest introduction wins.
    found.sort_by_key(|l| l.introduced.as_ref().map_or(i64::MAX, |i| i.time));
    let mut seen = std::collections::HashSet::new();
    found.retain(|l| seen.insert(l.fingerprint.clone()));
    Ok((found, stats))
}
