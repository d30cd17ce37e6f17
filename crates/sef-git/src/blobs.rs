//! The walk over a repository's whole history for the secrets history
//! scan: every commit reachable from any reference, each commit's added or
//! changed blobs (tree diffs against its first parent, in parallel), each
//! distinct blob visited exactly once, attributed to the oldest commit
//! that introduced it (commit, author, date, path).

use crate::GitError;
use gix::bstr::ByteSlice;
use rayon::prelude::*;
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

/// The commit that first brought a blob into the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Introducer {
    /// The commit id (40 hex digits).
    pub commit: String,
    /// `Name <email>` of its author.
    pub author: String,
    /// Its author time, seconds since the epoch.
    pub time: i64,
}

/// One blob as the visitor sees it.
#[derive(Debug)]
pub enum Blob<'a> {
    /// Larger than the size cap: not read.
    TooLarge,
    /// The object could not be read.
    Unreadable,
    /// Its bytes.
    Data(&'a [u8]),
}

/// The distinct blobs of a repository's history, ready to visit.
pub struct BlobWalk {
    repo: gix::ThreadSafeRepository,
    commits: Vec<CommitInfo>,
    /// (blob, index of the introducing commit, repository-relative path)
    blobs: Vec<(Id, usize, String)>,
    shallow: bool,
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
) -> Result<Vec<(String, Id)>, GitError> {
    use gix::diff::tree::recorder::Change;
    Ok(
        crate::diff::tree_changes(repo, state, c.id, c.tree, c.parent)?
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
            .collect(),
    )
}

/// Reads every commit of the history of the repository `root` is in and
/// the distinct blobs they introduced (paths relative to `root` when it is
/// a subdirectory; blobs outside it are left out).
pub fn walk(root: &Path) -> Result<BlobWalk, GitError> {
    let repo = gix::discover(root).map_err(|_| GitError::NotARepository {
        root: root.to_owned(),
    })?;
    let prefix = crate::subdir(&repo, root);
    let shallow = repo.is_shallow().unwrap_or(false);
    let tips = tips(&repo);
    let sync = repo.clone().into_sync();
    if tips.is_empty() {
        return Ok(BlobWalk {
            repo: sync,
            commits: Vec::new(),
            blobs: Vec::new(),
            shallow,
        });
    }
    let walk = repo
        .rev_walk(tips)
        .all()
        .map_err(|e| GitError::walk(format!("cannot start the walk: {e}")))?;
    let mut commits = Vec::new();
    for info in walk {
        let info = info.map_err(GitError::walk)?;
        let c = info.object().map_err(|e| GitError::commit(info.id, e))?;
        let d = c
            .decode()
            .map_err(|e| GitError::commit(info.id, format!("corrupt: {e}")))?;
        let a = d.author().map_err(|e| GitError::commit(info.id, e))?;
        commits.push(CommitInfo {
            id: info.id,
            tree: d.tree(),
            parent: d.parents().next(),
            author: format!("{} <{}>", a.name.to_str_lossy(), a.email.to_str_lossy()),
            time: a.seconds(),
        });
    }
    commits.sort_by_key(|c| c.time);
    let diffs: Vec<Result<Vec<(String, Id)>, GitError>> = commits
        .par_iter()
        .map_init(
            || (sync.to_thread_local(), gix::diff::tree::State::default()),
            |(repo, state), c| changes(repo, state, c),
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
    Ok(BlobWalk {
        repo: sync,
        commits,
        blobs: first.into_iter().map(|(b, (i, p))| (b, i, p)).collect(),
        shallow,
    })
}

impl BlobWalk {
    /// Commits read.
    pub fn commits(&self) -> u64 {
        self.commits.len() as u64
    }

    /// Whether the clone is shallow (only the history present was read).
    pub fn shallow(&self) -> bool {
        self.shallow
    }

    /// Visits each distinct blob once, in parallel: blobs whose path
    /// `wanted` refuses are skipped unread, blobs over `max` bytes are
    /// `TooLarge`. Returns what `visit` returned for each blob visited.
    pub fn visit<T: Send>(
        &self,
        max: u64,
        wanted: impl Fn(&str) -> bool + Sync,
        visit: impl Fn(&str, &Introducer, Blob<'_>) -> T + Sync,
    ) -> Vec<T> {
        self.blobs
            .par_iter()
            .map_init(
                || self.repo.to_thread_local(),
                |repo, (blob, i, path)| {
                    if !wanted(path) {
                        return None;
                    }
                    let c = &self.commits[*i];
                    let who = Introducer {
                        commit: c.id.to_string(),
                        author: c.author.clone(),
                        time: c.time,
                    };
                    if let Ok(h) = repo.find_header(*blob)
                        && h.size() > max
                    {
                        return Some(visit(path, &who, Blob::TooLarge));
                    }
                    Some(match repo.find_object(*blob) {
                        Ok(obj) => visit(path, &who, Blob::Data(&obj.data)),
                        Err(_) => visit(path, &who, Blob::Unreadable),
                    })
                },
            )
            .flatten()
            .collect()
    }
}
