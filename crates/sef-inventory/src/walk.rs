//! The one way sef walks a repository's tree, shared by the inventory, the
//! repository facts and the secrets scan: hidden files included, `.git`
//! skipped, symbolic links not followed, and the repository's own ignore
//! files (`.gitignore`, `.ignore`, `.git/info/exclude`, also outside a git
//! repository) honoured unless `include_ignored`. The user's global git
//! excludes are never read: what sef sees must not depend on who runs it.

use ignore::WalkBuilder;
use std::path::Path;

/// A walker over `root` with sef's policy. Callers that add their own
/// `filter_entry` must keep skipping `.git` ([`is_git_dir`]).
pub fn repo_walker(root: &Path, include_ignored: bool) -> WalkBuilder {
    let mut b = WalkBuilder::new(root);
    b.hidden(false)
        .git_ignore(!include_ignored)
        .git_exclude(!include_ignored)
        .git_global(false)
        .ignore(!include_ignored)
        .parents(!include_ignored)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| !is_git_dir(e));
    b
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
