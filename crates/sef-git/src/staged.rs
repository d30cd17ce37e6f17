//! What `git commit` would record: the files whose staged content (the
//! index) differs from HEAD's, with that staged content, for the secrets
//! pre-commit scan (`sef secrets scan --staged`). The work tree is not
//! read: an unstaged edit is not what gets committed.

use crate::GitError;
use gix::bstr::ByteSlice;
use std::collections::HashMap;
use std::path::Path;

/// One staged file.
#[derive(Debug)]
pub struct Staged {
    /// Its path, relative to `root`.
    pub path: String,
    /// Its staged bytes, or why they could not be read.
    pub content: StagedContent,
}

/// The content of one staged file.
#[derive(Debug)]
pub enum StagedContent {
    /// The bytes.
    Data(Vec<u8>),
    /// Larger than the size cap: not read.
    TooLarge,
    /// The object could not be read, and why.
    Unreadable(String),
}

/// The files added or changed in the index compared with HEAD (all of
/// them before the first commit), under `root`. Deletions, submodules and
/// symbolic links carry no content to scan and are left out; a conflicted
/// path is scanned in each staged version.
pub fn staged(root: &Path, max: u64) -> Result<Vec<Staged>, GitError> {
    let repo = gix::discover(root).map_err(|_| GitError::NotARepository {
        root: root.to_owned(),
    })?;
    let prefix = crate::subdir(&repo, root);
    let index = repo
        .index_or_empty()
        .map_err(|e| GitError::repo("read the index", e))?;
    let tree = repo
        .head_tree_id_or_empty()
        .map_err(|e| GitError::repo("resolve HEAD's tree", e))?;
    let at_head: HashMap<Vec<u8>, gix::ObjectId> = {
        let state: gix::index::State = repo
            .index_from_tree(&tree)
            .map_err(|e| GitError::repo("read HEAD's tree", e))?
            .into();
        state
            .entries()
            .iter()
            .map(|e| (e.path(&state).to_vec(), e.id))
            .collect()
    };
    let mut out = Vec::new();
    for e in index.entries() {
        use gix::index::entry::Mode;
        if !(e.mode == Mode::FILE || e.mode == Mode::FILE_EXECUTABLE) {
            continue;
        }
        let path = e.path(&index);
        if at_head.get(path.as_bytes()) == Some(&e.id) {
            continue;
        }
        let path = path.to_str_lossy().into_owned();
        let path = match &prefix {
            Some(p) => match path.strip_prefix(p.as_str()) {
                Some(rest) => rest.to_owned(),
                None => continue,
            },
            None => path,
        };
        let content = match repo.find_header(e.id) {
            Ok(h) if h.size() > max => StagedContent::TooLarge,
            Ok(_) => match repo.find_object(e.id) {
                Ok(o) => StagedContent::Data(o.detach().data),
                Err(err) => StagedContent::Unreadable(err.to_string()),
            },
            Err(err) => StagedContent::Unreadable(err.to_string()),
        };
        out.push(Staged { path, content });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}
