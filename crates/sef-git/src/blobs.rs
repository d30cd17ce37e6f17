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
    /// Its place among the history's commits, oldest first (parents
    /// before children when the time is the same): orders introductions
    /// made within one second.
    pub order: usize,
}

/// One blob as the visitor sees it.
#[derive(Debug)]
pub enum Blob<'a> {
    /// Larger than the size cap: not read.
    TooLarge,
    /// The object could not be read (missing or corrupt), and why.
    Unreadable(String),
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
    /// References whose target could not be read, with the reason.
    bad_refs: Vec<String>,
}

/// The commits every reference points at, and the references that could
/// not be followed to a commit (a missing or corrupt object, a damaged
/// reference file), with the reason. A reference to a tree or blob (as
/// some tags are) is not a commit and not an error.
fn tips(repo: &gix::Repository) -> Result<(Vec<Id>, Vec<String>), GitError> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    match repo.head() {
        Ok(mut head) => {
            if let Some(id) = head.id() {
                out.push(id.detach());
            } else if !head.is_unborn()
                && let Err(e) = head.peel_to_commit()
            {
                bad.push(format!("HEAD: {e}"));
            }
        }
        Err(e) => bad.push(format!("HEAD: {e}")),
    }
    let refs = repo
        .references()
        .map_err(|e| GitError::walk(format!("cannot read the references: {e}")))?;
    let all = refs
        .all()
        .map_err(|e| GitError::walk(format!("cannot read the references: {e}")))?;
    for r in all {
        let mut r = match r {
            Ok(r) => r,
            Err(e) => {
                bad.push(format!("a reference: {e}"));
                continue;
            }
        };
        let name = r.name().as_bstr().to_str_lossy().into_owned();
        let id = match r.peel_to_id() {
            Ok(id) => id.detach(),
            Err(e) => {
                bad.push(format!("{name}: {e}"));
                continue;
            }
        };
        match repo.find_object(id) {
            Ok(obj) => {
                if obj.kind == gix::object::Kind::Commit {
                    out.push(id);
                } else if let Ok(c) = obj.peel_to_commit() {
                    out.push(c.id);
                }
            }
            Err(e) => bad.push(format!("{name}: {e}")),
        }
    }
    out.sort();
    out.dedup();
    Ok((out, bad))
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
    let (tips, bad_refs) = tips(&repo)?;
    if tips.is_empty() && !bad_refs.is_empty() {
        // not one reference could be followed: nothing of the history
        // was read, which is a failure, not an empty history
        return Err(GitError::walk(format!(
            "no reference leads to a readable commit ({})",
            bad_refs.join("; ")
        )));
    }
    let sync = repo.clone().into_sync();
    if tips.is_empty() {
        return Ok(BlobWalk {
            repo: sync,
            commits: Vec::new(),
            blobs: Vec::new(),
            shallow,
            bad_refs,
        });
    }
    let walk = repo
        .rev_walk(tips)
        .all()
        .map_err(|e| GitError::walk(format!("cannot start the walk: {e}")))?;
    let mut commits = Vec::new();
    // the walk yields children before their parents: within one second,
    // the later in the walk is the older
    let mut order: Vec<usize> = Vec::new();
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
        order.push(order.len());
    }
    let mut indexed: Vec<(usize, CommitInfo)> = order.into_iter().zip(commits).collect();
    indexed.sort_by_key(|(walked, c)| (c.time, std::cmp::Reverse(*walked)));
    let commits: Vec<CommitInfo> = indexed.into_iter().map(|(_, c)| c).collect();
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
        bad_refs,
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

    /// References that could not be followed to a commit, with the reason:
    /// the history behind them was not read.
    pub fn unreadable_refs(&self) -> &[String] {
        &self.bad_refs
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
                        order: *i,
                    };
                    if let Ok(h) = repo.find_header(*blob)
                        && h.size() > max
                    {
                        return Some(visit(path, &who, Blob::TooLarge));
                    }
                    Some(match repo.find_object(*blob) {
                        Ok(obj) => visit(path, &who, Blob::Data(&obj.data)),
                        Err(e) => visit(path, &who, Blob::Unreadable(format!("blob {blob}: {e}"))),
                    })
                },
            )
            .flatten()
            .collect()
    }
}
