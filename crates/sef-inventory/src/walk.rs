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
