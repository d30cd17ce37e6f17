//! The files of one folder as a revision holds them (`sef threat diff
//! --from REV`): the blobs directly under a path of the revision's tree,
//! each bounded in size. A folder the revision does not have is empty.

use crate::GitError;
use gix::bstr::ByteSlice;
use std::path::Path;

/// The files directly in `dir` (relative to `root`, `/`-separated) at
/// revision `rev`, as `(path relative to root, bytes)`, sorted by path.
/// A file larger than `max` bytes is an error naming it.
pub fn files_at(
    root: &Path,
    rev: &str,
    dir: &str,
    max: u64,
) -> Result<Vec<(String, Vec<u8>)>, GitError> {
    let repo = gix::discover(root).map_err(|_| GitError::NotARepository {
        root: root.to_owned(),
    })?;
    let prefix = crate::subdir(&repo, root).unwrap_or_default();
    let err = |reason: String| GitError::Revision {
        spec: rev.to_owned(),
        reason,
    };
    let tree = repo
        .rev_parse_single(rev)
        .map_err(|e| err(e.to_string()))?
        .object()
        .map_err(|e| err(format!("cannot be read: {e}")))?
        .peel_to_tree()
        .map_err(|e| err(format!("has no tree: {e}")))?;
    let dir = dir.trim_matches('/');
    let full = format!("{prefix}{dir}");
    let mut buf = Vec::new();
    let entry = tree
        .lookup_entry_by_path(&full)
        .map_err(|e| err(format!("cannot look up {full}: {e}")))?;
    let Some(entry) = entry else {
        return Ok(Vec::new());
    };
    if !entry.mode().is_tree() {
        return Ok(Vec::new());
    }
    let sub = repo
        .find_object(entry.object_id())
        .map_err(|e| err(format!("{full}: {e}")))?
        .peel_to_tree()
        .map_err(|e| err(format!("{full}: {e}")))?;
    let mut out = Vec::new();
    for e in sub.iter() {
        let e = e.map_err(|e| err(format!("{full}: {e}")))?;
        if !e.mode().is_blob() {
            continue;
        }
        let name = e.filename().to_str_lossy().into_owned();
        let obj = repo
            .find_object(e.oid())
            .map_err(|x| err(format!("{dir}/{name}: {x}")))?;
        if obj.data.len() as u64 > max {
            return Err(err(format!("{dir}/{name} is larger than {max} bytes")));
        }
        buf.clear();
        buf.extend_from_slice(&obj.data);
        out.push((format!("{dir}/{name}"), buf.clone()));
    }
    out.sort();
    Ok(out)
}
