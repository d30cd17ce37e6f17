//! Tree diffs of the history: the paths each commit touched (in
//! parallel, for history mining) and the raw tree changes the secrets
//! history scan reads blobs from. No rename detection: a rename is a
//! deletion and an addition.

use crate::{GitError, Id, Walked};
use gix::bstr::ByteSlice;
use rayon::prelude::*;

/// Fills in each non-merge commit's touched paths, in parallel.
pub(crate) fn diff_paths(repo: &gix::Repository, walked: &mut [Walked]) -> Result<(), GitError> {
    let sync = repo.clone().into_sync();
    let results: Vec<Result<Vec<String>, GitError>> = walked
        .par_iter()
        .map_init(
            || {
                let mut r = sync.to_thread_local();
                r.object_cache_size_if_unset(8 * 1024 * 1024);
                (r, gix::diff::tree::State::default())
            },
            |(repo, state), w| {
                if w.parent_ids.len() > 1 {
                    return Ok(Vec::new());
                }
                touched(repo, state, w)
            },
        )
        .collect();
    for (w, r) in walked.iter_mut().zip(results) {
        w.commit.paths = r?;
    }
    Ok(())
}

/// The tree changes from `parent`'s tree (none: the empty tree) to
/// `tree` of `commit`, without rename detection. Shared with the secrets
/// history scan.
pub(crate) fn tree_changes(
    repo: &gix::Repository,
    state: &mut gix::diff::tree::State,
    commit: Id,
    tree: Id,
    parent: Option<Id>,
) -> Result<Vec<gix::diff::tree::recorder::Change>, GitError> {
    let err = |reason: String| GitError::Diff {
        id: commit.to_string(),
        reason,
    };
    let new = repo
        .find_object(tree)
        .map_err(|e| err(e.to_string()))?
        .detach();
    let old = match parent {
        Some(p) => {
            let c = repo.find_commit(p).map_err(|e| err(e.to_string()))?;
            let t = c.tree_id().map_err(|e| err(e.to_string()))?;
            repo.find_object(t)
                .map_err(|e| err(e.to_string()))?
                .detach()
                .data
        }
        None => Vec::new(),
    };
    let mut rec = gix::diff::tree::Recorder::default();
    gix::diff::tree(
        gix::objs::TreeRefIter::from_bytes(&old, tree.kind()),
        gix::objs::TreeRefIter::from_bytes(&new.data, tree.kind()),
        state,
        &repo.objects,
        &mut rec,
    )
    .map_err(|e| err(e.to_string()))?;
    Ok(rec.records)
}

/// The paths of files (not trees) a commit touched, sorted.
fn touched(
    repo: &gix::Repository,
    state: &mut gix::diff::tree::State,
    w: &Walked,
) -> Result<Vec<String>, GitError> {
    use gix::diff::tree::recorder::Change;
    let parent = w.parent_ids.first().copied();
    let mut paths: Vec<String> = tree_changes(repo, state, w.oid, w.tree, parent)?
        .into_iter()
        .filter_map(|c| match c {
            Change::Addition {
                entry_mode, path, ..
            }
            | Change::Deletion {
                entry_mode, path, ..
            }
            | Change::Modification {
                entry_mode, path, ..
            } => (!entry_mode.is_tree()).then(|| path.to_str_lossy().into_owned()),
        })
        .collect();
    paths.sort();
    paths.dedup();
    Ok(paths)
}
