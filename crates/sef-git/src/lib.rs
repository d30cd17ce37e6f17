//! Git evidence for sef, over gix (no `git` subprocess except `gpg` for
//! OpenPGP signatures): history mining, code-review classification
//! ([`review`]), commit signature verification ([`signing`]), the GitHub
//! forge client ([`forge`]), the work tree's state ([`state`]) and the walk
//! over every distinct blob of the history ([`blobs`]). It reads
//! repositories and, for the forge, the network; it never writes the
//! repository, prints, or touches the store.
//!
//! Mining the git history with gix (no `git` subprocess): for a release
//! range, each commit's author and committer (through `.mailmap`), time,
//! parents, trailers (Reviewed-by, Acked-by, Approved-by, Tested-by,
//! Signed-off-by, Co-authored-by), the paths it touched and its signature,
//! plus how each commit reached the main line (directly, or through which
//! merge). Tree diffs run in parallel, one repository handle per thread.
//!
//! The range is `since..until`: `until` defaults to HEAD; `since` is a
//! revision (tag, branch, commit) or a date (`YYYY-MM-DD`), and defaults to
//! the nearest tag reachable from HEAD below HEAD itself, as `git describe
//! --tags` finds it (tags on release branches count): the previous release.
//! With no tag the whole history is read.

pub mod blobs;
mod diff;
mod error;
pub mod files_at;
pub mod forge;
mod openpgp;
pub mod review;
pub mod signing;
pub mod staged;
pub mod state;

pub use error::{GitError, SignersError};
use gix::bstr::ByteSlice;
use rayon::prelude::*;
pub use sef_model::evidence::history::Base;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// A person as a commit names them (after `.mailmap`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: String,
}

/// A commit's signature: the armored signature and the bytes it signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSignature {
    /// The armored signature (`-----BEGIN SSH SIGNATURE-----`, PGP, …).
    pub armor: Vec<u8>,
    /// The commit object without its signature header.
    pub signed: Vec<u8>,
}

/// How a commit reached the main line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Entry {
    /// It is on the first-parent line of `until`.
    Mainline,
    /// A merge on the main line brought it in.
    Merge {
        /// The merge commit.
        merge: String,
    },
}

/// One commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commit {
    /// The commit id.
    pub id: String,
    /// Who wrote it.
    pub author: Person,
    /// Who committed it.
    pub committer: Person,
    /// Author time, seconds since the epoch.
    pub time: i64,
    /// Parent ids (more than one: a merge).
    pub parents: Vec<String>,
    /// The first line of the message.
    pub subject: String,
    /// Trailers, key lower-cased.
    pub trailers: Vec<(String, String)>,
    /// Paths touched relative to the first parent (all paths for a root
    /// commit); empty for merges.
    pub paths: Vec<String>,
    /// How it reached the main line.
    pub entry: Entry,
    /// Its signature, if it is signed.
    #[serde(skip)]
    pub signature: Option<RawSignature>,
}

impl Commit {
    /// Whether it is a merge.
    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }

    /// The short id.
    pub fn short(&self) -> &str {
        &self.id[..self.id.len().min(12)]
    }
}

/// What to mine.
#[derive(Debug, Clone, Default)]
pub struct MineOptions {
    /// Start of the range (exclusive): a revision or a `YYYY-MM-DD` date.
    pub since: Option<String>,
    /// End of the range (inclusive): a revision; default HEAD.
    pub until: Option<String>,
    /// At most this many commits, newest first.
    pub limit: usize,
}

/// The mined range.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    /// Newest first.
    pub commits: Vec<Commit>,
    /// The last commit of the range.
    pub until: String,
    /// Where the range starts; `None`: the whole history.
    pub base: Option<Base>,
    /// The repository is a shallow clone: coverage is computed on the
    /// history present only.
    pub shallow: bool,
    /// HEAD is detached.
    pub detached: bool,
    /// More commits than the limit were in range.
    pub truncated: bool,
    /// Authors' e-mail addresses (lower-cased) of commits before the range.
    #[serde(skip)]
    pub earlier_authors: HashSet<String>,
    /// Whether `earlier_authors` covers the whole earlier history.
    pub earlier_complete: bool,
    /// The path of the offering inside the repository, when it is not the
    /// whole repository (commits are those touching it, paths relative to it).
    pub subdir: Option<String>,
}

/// Trailer keys that record a review.
pub const REVIEW_TRAILERS: [&str; 3] = ["reviewed-by", "acked-by", "approved-by"];

/// The trailers of a commit message: `Key: value` lines of its last
/// paragraph.
pub fn trailers(message: &str) -> Vec<(String, String)> {
    let text = message.trim_end();
    let Some((_, last)) = text.rsplit_once("\n\n") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for line in last.lines() {
        let Some((k, v)) = line.split_once(':') else {
            return Vec::new();
        };
        let k = k.trim();
        if k.is_empty() || k.contains(' ') || v.trim().is_empty() {
            return Vec::new();
        }
        out.push((k.to_ascii_lowercase(), v.trim().to_owned()));
    }
    out
}

/// The e-mail address in a trailer value (`Name <mail>`), lower-cased.
pub fn trailer_email(v: &str) -> Option<String> {
    let start = v.find('<')?;
    let end = v[start..].find('>')? + start;
    Some(v[start + 1..end].trim().to_ascii_lowercase())
}

/// The reviewers a commit's review trailers name, other than its author.
pub fn trailer_reviewers(c: &Commit) -> Vec<String> {
    let author = c.author.email.to_ascii_lowercase();
    c.trailers
        .iter()
        .filter(|(k, _)| REVIEW_TRAILERS.contains(&k.as_str()))
        .filter_map(|(_, v)| trailer_email(v))
        .filter(|e| *e != author)
        .collect()
}

/// A date `YYYY-MM-DD` as seconds since the epoch (UTC midnight).
fn parse_date(s: &str) -> Option<i64> {
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
}

fn person(sig: gix::actor::SignatureRef<'_>, mailmap: &gix::mailmap::Snapshot) -> Person {
    let sig = mailmap.resolve_cow(sig);
    Person {
        name: sig.name.to_str_lossy().into_owned(),
        email: sig.email.to_str_lossy().into_owned(),
    }
}

type Id = gix::ObjectId;

/// Where `root` lies inside the repository's work tree (`dir/`), when it
/// is not the work tree itself. Shared with the secrets history scan.
pub(crate) fn subdir(repo: &gix::Repository, root: &Path) -> Option<String> {
    let wd = repo.workdir()?;
    let wd = wd.canonicalize().unwrap_or_else(|_| wd.to_path_buf());
    let r = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let p = r
        .strip_prefix(&wd)
        .ok()?
        .to_string_lossy()
        .replace('\\', "/");
    (!p.is_empty()).then(|| format!("{p}/"))
}

/// What the walk reads of one commit before the parallel tree diffs.
struct Walked {
    commit: Commit,
    oid: Id,
    tree: Id,
    parent_ids: Vec<Id>,
}

/// The repository's mailmap, for one worker thread.
fn repo_mailmap(sync: &gix::ThreadSafeRepository) -> gix::mailmap::Snapshot {
    sync.to_thread_local().open_mailmap()
}

/// One commit's facts, and its committer time.
fn read_commit(
    repo: &gix::Repository,
    mailmap: &gix::mailmap::Snapshot,
    id: Id,
) -> Result<(Walked, i64), GitError> {
    let commit = repo.find_commit(id).map_err(|e| GitError::commit(id, e))?;
    let decoded = commit
        .decode()
        .map_err(|e| GitError::commit(id, format!("corrupt: {e}")))?;
    let author = person(
        decoded.author().map_err(|e| GitError::commit(id, e))?,
        mailmap,
    );
    let committed = decoded.committer().map_err(|e| GitError::commit(id, e))?;
    let commit_time = committed.seconds();
    let committer = person(committed, mailmap);
    let message = decoded.message.to_str_lossy();
    let subject = message.lines().next().unwrap_or("").trim().to_owned();
    let signature = commit
        .signature()
        .ok()
        .flatten()
        .map(|(armor, signed)| RawSignature {
            armor: armor.to_vec(),
            signed: signed.to_bstring().to_vec(),
        });
    let parent_ids: Vec<Id> = decoded.parents().collect();
    Ok((
        Walked {
            oid: id,
            tree: decoded.tree(),
            commit: Commit {
                id: id.to_string(),
                time: decoded.author().map(|a| a.seconds()).unwrap_or(commit_time),
                author,
                committer,
                parents: parent_ids.iter().map(ToString::to_string).collect(),
                subject,
                trailers: trailers(&message),
                paths: Vec::new(),
                entry: Entry::Mainline,
                signature,
            },
            parent_ids,
        },
        commit_time,
    ))
}

fn resolve(repo: &gix::Repository, spec: &str) -> Result<Id, GitError> {
    let err = |reason: String| GitError::Revision {
        spec: spec.to_owned(),
        reason,
    };
    let id = repo
        .rev_parse_single(spec)
        .map_err(|e| err(e.to_string()))?;
    let commit = id
        .object()
        .map_err(|e| err(format!("cannot be read: {e}")))?
        .peel_to_commit()
        .map_err(|e| err(format!("not a commit: {e}")))?;
    Ok(commit.id)
}

/// Tags by the commit they point at (peeled).
fn tags_by_commit(repo: &gix::Repository) -> HashMap<Id, Vec<String>> {
    let mut out: HashMap<Id, Vec<String>> = HashMap::new();
    let Ok(refs) = repo.references() else {
        return out;
    };
    let Ok(tags) = refs.tags() else { return out };
    for mut r in tags.flatten() {
        let name = r.name().shorten().to_str_lossy().into_owned();
        if let Ok(id) = r.peel_to_id() {
            let commit = repo
                .find_object(id)
                .ok()
                .and_then(|o| o.peel_to_commit().ok())
                .map(|c| c.id);
            if let Some(c) = commit {
                out.entry(c).or_default().push(name);
            }
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

/// The tags pointing at HEAD's commit (annotated or not), sorted; empty
/// outside a git repository, before the first commit, or when HEAD is not
/// tagged.
pub fn tags_at_head(root: &Path) -> Vec<String> {
    let Ok(repo) = gix::discover(root) else {
        return Vec::new();
    };
    let Ok(Some(head)) = head_commit(&repo) else {
        return Vec::new();
    };
    // Only the tags whose fully peeled target is HEAD's commit: a packed
    // tag carries its peeled id, so no object is read for the others (a
    // repository with 1,460 tags read 1,460 commits here, 40% of `sef
    // sbom`'s time).
    let Ok(refs) = repo.references() else {
        return Vec::new();
    };
    let Ok(tags) = refs.tags() else {
        return Vec::new();
    };
    // A `packed-refs` file written "fully-peeled" gives every entry that
    // points at a tag object its peeled line: an entry without one points
    // at no tag, and its object need not be read (a repository with 1,460
    // lightweight tags read 1,460 object headers here).
    let not_tags: std::collections::HashSet<gix::ObjectId> = repo
        .refs
        .cached_packed_buffer()
        .ok()
        .flatten()
        .filter(|_| fully_peeled(&repo.common_dir().join("packed-refs")))
        .and_then(|buffer| {
            Some(
                buffer
                    .iter()
                    .ok()?
                    .flatten()
                    .filter(|entry| entry.object.is_none())
                    .map(|entry| entry.target())
                    .collect(),
            )
        })
        .unwrap_or_default();
    let mut out: Vec<String> = tags
        .flatten()
        .filter_map(|mut r| {
            let name = || r.name().shorten().to_str_lossy().into_owned();
            // packed annotated tags carry their peeled commit
            if let Some(peeled) = r.inner.peeled {
                return (peeled == head).then(name);
            }
            let target = r.target().try_id()?.to_owned();
            if target == head {
                return Some(name());
            }
            if not_tags.contains(&target) {
                return None;
            }
            // a loose annotated tag: read it (only a header for the rest)
            if repo.find_header(target).ok()?.kind() != gix::object::Kind::Tag {
                return None;
            }
            let id = r.peel_to_id().ok()?.detach();
            (id == head).then(|| r.name().shorten().to_str_lossy().into_owned())
        })
        .collect();
    out.sort();
    out
}

/// Whether the `packed-refs` file at `path` says it is fully peeled (its
/// header line lists the `fully-peeled` trait).
fn fully_peeled(path: &Path) -> bool {
    let Ok(head) = sef_fs::read_prefix(path, 256) else {
        return false;
    };
    let first = head.split(|&b| b == b'\n').next().unwrap_or_default();
    first
        .strip_prefix(b"# pack-refs with:")
        .is_some_and(|traits| {
            traits
                .split(|b| b.is_ascii_whitespace())
                .any(|t| t == b"fully-peeled")
        })
}

/// How many tagged commits `previous_tag` weighs, as `git describe`
/// (`--candidates`, default 10).
const TAG_CANDIDATES: usize = 10;

/// The nearest tag reachable from `until`, below `until` itself, as `git
/// describe --tags` picks it: among the first tagged ancestors met newest
/// first, the one that leaves the fewest commits between it and `until`.
/// Tags on release branches merged back count, not only the first-parent
/// line.
fn previous_tag(repo: &gix::Repository, until: Id) -> Option<(String, Id)> {
    use gix::revision::walk::Sorting;
    use gix::traverse::commit::simple::CommitTimeOrder;
    let tags = tags_by_commit(repo);
    if tags.is_empty() {
        return None;
    }
    let walk = repo
        .rev_walk([until])
        .sorting(Sorting::ByCommitTime(CommitTimeOrder::NewestFirst))
        .all()
        .ok()?;
    let mut candidates: Vec<Id> = Vec::new();
    for info in walk.skip(1).take(10_000_000) {
        let info = info.ok()?;
        if tags.contains_key(&info.id) {
            candidates.push(info.id);
            if candidates.len() == TAG_CANDIDATES {
                break;
            }
        }
    }
    // the commits in `tag..until`; a walk stops once it is no better than
    // the best so far
    let mut best: Option<(usize, Id)> = None;
    for c in candidates {
        let bound = best.map_or(usize::MAX, |(n, _)| n);
        let walk = repo.rev_walk([until]).with_hidden([c]).all().ok()?;
        let mut n = 0usize;
        for info in walk {
            info.ok()?;
            n += 1;
            if n >= bound {
                break;
            }
        }
        if n < bound {
            best = Some((n, c));
        }
    }
    let (_, id) = best?;
    Some((tags.get(&id)?.last()?.clone(), id))
}

/// The commit HEAD points at; `None` only for a repository without
/// commits yet (an unborn branch). A HEAD that names a missing object or
/// cannot be decoded is an error, never an empty history.
fn head_commit(repo: &gix::Repository) -> Result<Option<gix::ObjectId>, GitError> {
    let mut head = repo.head().map_err(|e| GitError::repo("read HEAD", e))?;
    if head.is_unborn() {
        return Ok(None);
    }
    head.peel_to_commit()
        .map(|c| Some(c.id))
        .map_err(|e| GitError::repo("resolve HEAD to a commit", e))
}

/// Mines `root`'s history. `Ok(None)` when `root` is not in a git
/// repository.
pub fn mine(root: &Path, options: &MineOptions) -> Result<Option<History>, GitError> {
    let Ok(repo) = gix::discover(root) else {
        return Ok(None);
    };
    let subdir = subdir(&repo, root);
    let detached = repo.head().map(|h| h.is_detached()).unwrap_or(false);
    let until = match &options.until {
        Some(u) => resolve(&repo, u)?,
        None => match head_commit(&repo)? {
            Some(id) => id,
            None => {
                return Ok(Some(History {
                    commits: Vec::new(),
                    until: String::new(),
                    base: None,
                    shallow: repo.is_shallow().unwrap_or(false),
                    detached,
                    truncated: false,
                    earlier_authors: HashSet::new(),
                    earlier_complete: true,
                    subdir,
                }));
            }
        },
    };
    let (base, hidden, cutoff) = match &options.since {
        Some(s) => match parse_date(s) {
            Some(t) => (
                Some(Base {
                    label: s.clone(),
                    how: "date".into(),
                    commit: None,
                }),
                None,
                Some(t),
            ),
            None => {
                let id = resolve(&repo, s)?;
                (
                    Some(Base {
                        label: s.clone(),
                        how: "given".into(),
                        commit: Some(id.to_string()),
                    }),
                    Some(id),
                    None,
                )
            }
        },
        None => match previous_tag(&repo, until) {
            Some((tag, id)) => (
                Some(Base {
                    label: tag,
                    how: "previous-tag".into(),
                    commit: Some(id.to_string()),
                }),
                Some(id),
                None,
            ),
            None => (None, None, None),
        },
    };
    let mailmap = repo.open_mailmap();
    let walk = repo
        .rev_walk([until])
        .with_hidden(hidden)
        .all()
        .map_err(|e| GitError::walk(format!("cannot walk from {until}: {e}")))?;
    // The walk itself is serial (it decodes each commit for its parents);
    // reading each commit's facts is not, so it runs in parallel, a chunk
    // at a time in walk order, until the limit is reached.
    let mut ids: Vec<Id> = Vec::new();
    for info in walk {
        let info = info.map_err(|e| GitError::walk(format!("a commit cannot be read: {e}")))?;
        ids.push(info.id);
    }
    let mut walked: Vec<Walked> = Vec::new();
    let mut earlier_authors = HashSet::new();
    let mut truncated = false;
    let limit = options.limit.max(1);
    let sync = repo.clone().into_sync();
    'chunks: for chunk in ids.chunks(4096) {
        let read: Vec<Result<(Walked, i64), GitError>> = chunk
            .par_iter()
            .map_init(
                || {
                    let mut r = sync.to_thread_local();
                    r.object_cache_size_if_unset(4 * 1024 * 1024);
                    (r, repo_mailmap(&sync))
                },
                |(r, mailmap), id| read_commit(r, mailmap, *id),
            )
            .collect();
        for item in read {
            let (w, commit_time) = item?;
            if cutoff.is_some_and(|t| commit_time < t) {
                earlier_authors.insert(w.commit.author.email.to_ascii_lowercase());
                continue;
            }
            if walked.len() >= limit {
                truncated = true;
                break 'chunks;
            }
            walked.push(w);
        }
    }
    let earlier_complete = match hidden {
        Some(h) => earlier(&repo, h, &mailmap, &mut earlier_authors),
        None => !truncated,
    };
    diff::diff_paths(&repo, &mut walked)?;
    let mut commits: Vec<Commit> = assign_entries(walked, until);
    if let Some(prefix) = &subdir {
        commits.retain(|c| c.is_merge() || c.paths.iter().any(|p| p.starts_with(prefix.as_str())));
        for c in &mut commits {
            c.paths = c
                .paths
                .iter()
                .filter_map(|p| p.strip_prefix(prefix.as_str()).map(str::to_owned))
                .collect();
        }
    }
    Ok(Some(History {
        commits,
        until: until.to_string(),
        base,
        shallow: repo.is_shallow().unwrap_or(false),
        detached,
        truncated,
        earlier_authors,
        earlier_complete,
        subdir,
    }))
}

/// Authors of the commits reachable from `from`; whether all were read.
fn earlier(
    repo: &gix::Repository,
    from: Id,
    mailmap: &gix::mailmap::Snapshot,
    out: &mut HashSet<String>,
) -> bool {
    let Ok(walk) = repo.rev_walk([from]).all() else {
        return false;
    };
    for (n, info) in walk.enumerate() {
        if n >= 2_000_000 {
            return false;
        }
        let Ok(info) = info else { return false };
        let Ok(commit) = info.object() else {
            return false;
        };
        let Ok(author) = commit.author() else {
            continue;
        };
        out.insert(person(author, mailmap).email.to_ascii_lowercase());
    }
    true
}

/// Sets each commit's [`Entry`]: on `until`'s first-parent line, or brought
/// in by the oldest main-line merge that reaches it.
fn assign_entries(walked: Vec<Walked>, until: Id) -> Vec<Commit> {
    let index: HashMap<Id, usize> = walked.iter().enumerate().map(|(i, w)| (w.oid, i)).collect();
    let mut mainline: Vec<usize> = Vec::new();
    let mut at = index.get(&until).copied();
    while let Some(i) = at {
        mainline.push(i);
        at = walked[i]
            .parent_ids
            .first()
            .and_then(|p| index.get(p).copied());
    }
    let on_main: HashSet<usize> = mainline.iter().copied().collect();
    let mut assigned: BTreeMap<usize, usize> = BTreeMap::new();
    for &m in mainline.iter().rev() {
        let mut stack: Vec<usize> = walked[m]
            .parent_ids
            .iter()
            .skip(1)
            .filter_map(|p| index.get(p).copied())
            .collect();
        while let Some(i) = stack.pop() {
            if on_main.contains(&i) || assigned.contains_key(&i) {
                continue;
            }
            assigned.insert(i, m);
            stack.extend(
                walked[i]
                    .parent_ids
                    .iter()
                    .filter_map(|p| index.get(p).copied()),
            );
        }
    }
    let ids: Vec<String> = walked.iter().map(|w| w.commit.id.clone()).collect();
    walked
        .into_iter()
        .enumerate()
        .map(|(i, w)| {
            let mut c = w.commit;
            if let Some(&m) = assigned.get(&i) {
                c.entry = Entry::Merge {
                    merge: ids[m].clone(),
                };
            }
            c
        })
        .collect()
}

#[cfg(test)]
mod tests;
