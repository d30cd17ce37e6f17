//! Git state of the repository: HEAD commit, branch, whether the work
//! tree has uncommitted changes to tracked files, and the origin remote.

use crate::GitError;
pub use sef_model::evidence::facts::GitState;
use std::path::Path;

/// Reads the git state. `Ok(None)` when `root` is not inside a git
/// repository; `Err` when it is but the repository cannot be read.
pub fn read(root: &Path) -> Result<Option<GitState>, GitError> {
    match gix::discover::upwards(root) {
        Ok(_) => {}
        Err(e)
            if e.downcast_any_ref::<gix::discover::upwards::Error>()
                .is_some_and(is_not_a_repo) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(GitError::repo("locate the git repository", e)),
    }
    let repo = gix::discover(root).map_err(|e| GitError::repo("open the git repository", e))?;
    let head = repo.head().map_err(|e| GitError::repo("read HEAD", e))?;
    let branch = head.referent_name().map(|n| n.shorten().to_string());
    let head_commit = match repo.head_id() {
        Ok(id) => Some(id.to_string()),
        Err(_) if head.is_unborn() => None,
        Err(e) => return Err(GitError::repo("resolve HEAD", e)),
    };
    let dirty = if head_commit.is_some() {
        repo.is_dirty()
            .map_err(|e| GitError::repo("compute the work-tree status", e))?
    } else {
        // No commit yet: anything in the index is uncommitted.
        repo.index_or_empty()
            .map(|i| !i.entries().is_empty())
            .unwrap_or(false)
    };
    let is_toplevel = repo
        .workdir()
        .and_then(|w| w.canonicalize().ok())
        .zip(root.canonicalize().ok())
        .is_some_and(|(w, r)| w == r);
    Ok(Some(GitState {
        head_commit,
        branch,
        dirty,
        is_toplevel,
    }))
}

fn is_not_a_repo(e: &gix::discover::upwards::Error) -> bool {
    matches!(
        e,
        gix::discover::upwards::Error::NoGitRepository { .. }
            | gix::discover::upwards::Error::NoGitRepositoryWithinCeiling { .. }
            | gix::discover::upwards::Error::NoGitRepositoryWithinFs { .. }
    )
}

/// The fetch URL of the `origin` remote, when the repository has one.
pub fn origin_url(root: &Path) -> Option<String> {
    let repo = gix::discover(root).ok()?;
    let r = repo.find_remote("origin").ok()?;
    r.url(gix::remote::Direction::Fetch)
        .map(|u| u.to_bstring().to_string())
}
