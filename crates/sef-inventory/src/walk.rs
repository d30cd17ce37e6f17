//! The one way sef walks a repository's tree, shared by the inventory, the
//! repository facts and the secrets scan: hidden files included, `.git`
//! skipped, symbolic links not followed, and the repository's own ignore
//! files (`.gitignore`, `.ignore`, `.git/info/exclude`, also outside a git
//! repository) honoured unless `include_ignored`. The user's global git
//! excludes are never read: what sef sees must not depend on who runs it.

use ignore::WalkBuilder;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The largest ignore file the walk lets the `ignore` crate read. Real
/// ones are a few kilobytes; a bigger one, or one that is not a regular
/// file (a FIFO would hang the walk, a link to `/dev/zero` would fill
/// memory), makes its folder unreadable instead.
pub const MAX_IGNORE_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The ignore files the walk reads in each folder.
const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

/// Folders the walk refused to enter, with why, as `(path relative to the
/// root, reason)`: their ignore file was not a regular file or too large.
/// Callers count them as unreadable, like folders the walk could not open.
#[derive(Debug, Clone, Default)]
pub struct Refused(Arc<Mutex<Vec<(String, String)>>>);

impl Refused {
    fn push(&self, rel: String, why: String) {
        if let Ok(mut v) = self.0.lock() {
            v.push((rel, why));
        }
    }

    /// What was refused, sorted by path.
    pub fn take(&self) -> Vec<(String, String)> {
        let mut v = self
            .0
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default();
        v.sort();
        v
    }
}

/// Why an ignore file in `dir` must not be read, if it must not.
fn bad_ignore_file(dir: &Path, names: &[&str]) -> Option<String> {
    for name in names {
        let path = dir.join(name);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() {
            return Some(format!(
                "its {name} is {}, not a regular file, so the folder was not walked",
                sef_fs::kind_of(&meta.file_type())
            ));
        }
        if meta.len() > MAX_IGNORE_FILE_BYTES {
            return Some(format!(
                "its {name} is {} bytes, over the {MAX_IGNORE_FILE_BYTES}-byte limit for ignore files, so the folder was not walked",
                meta.len()
            ));
        }
    }
    None
}

/// A walker over `root` with sef's policy, and the folders it refuses.
/// `keep` is the caller's own entry filter (the walker always skips `.git`
/// and folders with a hostile ignore file before asking it).
pub fn repo_walker(
    root: &Path,
    include_ignored: bool,
    keep: impl Fn(&ignore::DirEntry) -> bool + Send + Sync + 'static,
) -> (WalkBuilder, Refused) {
    let refused = Refused::default();
    let mut b = WalkBuilder::new(root);
    b.hidden(false)
        .git_ignore(!include_ignored)
        .git_exclude(!include_ignored)
        .git_global(false)
        .ignore(!include_ignored)
        .parents(!include_ignored)
        .require_git(false)
        .follow_links(false);
    if !include_ignored {
        // The root's own ignore files, its parents' and .git/info/exclude
        // are read before any filter runs: one that is hostile stops the
        // whole walk, which then reports the root as unreadable.
        let mut why = bad_ignore_file(root, &IGNORE_FILES)
            .or_else(|| bad_ignore_file(&root.join(".git/info"), &["exclude"]));
        let mut parent = root.parent();
        while why.is_none()
            && let Some(p) = parent
        {
            why = bad_ignore_file(p, &IGNORE_FILES).map(|w| format!("{} ({})", w, p.display()));
            parent = p.parent();
        }
        if let Some(why) = why {
            refused.push(".".to_owned(), why);
            b.git_ignore(false)
                .git_exclude(false)
                .ignore(false)
                .parents(false)
                .max_depth(Some(0));
        }
    }
    let (r, root_owned) = (refused.clone(), root.to_path_buf());
    b.filter_entry(move |e| {
        if is_git_dir(e) {
            return false;
        }
        if !include_ignored
            && e.depth() > 0
            && e.file_type().is_some_and(|t| t.is_dir())
            && let Some(why) = bad_ignore_file(e.path(), &IGNORE_FILES)
        {
            let rel = e
                .path()
                .strip_prefix(&root_owned)
                .unwrap_or(e.path())
                .to_string_lossy()
                .replace('\\', "/");
            r.push(rel, why);
            return false;
        }
        keep(e)
    });
    (b, refused)
}

/// Whether a walk entry is a `.git` directory (or file, for worktrees).
pub fn is_git_dir(e: &ignore::DirEntry) -> bool {
    e.file_name() == ".git"
}

/// A walk error that means part of the tree was not looked at: a folder
/// or file the walker could not open (permission denied, vanished). Its
/// path relative to `root` and the reason. Other walk errors (a malformed
/// ignore file, a symbolic-link loop) return `None`: nothing was skipped
/// because of them that the walk was meant to read.
pub fn unreadable(root: &Path, err: &ignore::Error) -> Option<(String, String)> {
    fn find<'e>(
        err: &'e ignore::Error,
        path: Option<&'e Path>,
    ) -> Option<(Option<&'e Path>, &'e std::io::Error)> {
        match err {
            ignore::Error::WithPath { path, err } => find(err, Some(path)),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                find(err, path)
            }
            ignore::Error::Io(io) => Some((path, io)),
            _ => None,
        }
    }
    let (path, io) = find(err, None)?;
    let rel = path.map_or_else(
        || ".".to_owned(),
        |p| {
            p.strip_prefix(root)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        },
    );
    Some((rel, io.to_string()))
}
