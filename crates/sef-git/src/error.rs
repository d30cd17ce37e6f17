//! The errors of reading a git repository: which step failed (opening,
//! resolving a revision, walking, reading a commit, diffing a tree) and
//! gix's reason. A caller makes the evidence failed or partial from them;
//! none is ever read as "no commits".

use std::path::PathBuf;

/// Why the repository or its history could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitError {
    /// `root` is not inside a git repository, where one is required.
    #[error("{}: not a git repository; the history scan needs one", root.display())]
    NotARepository {
        /// The directory looked at.
        root: PathBuf,
    },
    /// The repository is there but a part of it cannot be read (`what`:
    /// "locate the git repository", "read HEAD", …).
    #[error("cannot {what}: {reason}")]
    Repository {
        /// What could not be done.
        what: &'static str,
        /// gix's reason.
        reason: String,
    },
    /// A revision named by the caller does not resolve to a commit.
    #[error("cannot resolve `{spec}`: {reason}")]
    Revision {
        /// The revision as given (`v1.2.0`, a commit id, …).
        spec: String,
        /// Why.
        reason: String,
    },
    /// The history walk could not start or could not go on: a commit
    /// reachable from the tips is missing or unreadable.
    #[error("the history is incomplete or corrupt: {reason}")]
    Walk {
        /// gix's reason.
        reason: String,
    },
    /// One commit cannot be read or decoded.
    #[error("commit {id} cannot be read: {reason}")]
    Commit {
        /// The commit id.
        id: String,
        /// gix's reason.
        reason: String,
    },
    /// A commit's tree cannot be compared with its parent's (a tree or
    /// the parent is missing or corrupt).
    #[error("cannot diff commit {id}: {reason}")]
    Diff {
        /// The commit id.
        id: String,
        /// gix's reason.
        reason: String,
    },
}

impl GitError {
    /// A commit-level error from any displayable reason.
    pub(crate) fn commit(id: impl std::fmt::Display, reason: impl std::fmt::Display) -> Self {
        GitError::Commit {
            id: id.to_string(),
            reason: reason.to_string(),
        }
    }

    /// A walk-level error from any displayable reason.
    pub(crate) fn walk(reason: impl std::fmt::Display) -> Self {
        GitError::Walk {
            reason: reason.to_string(),
        }
    }

    /// A repository-level error from any displayable reason.
    pub(crate) fn repo(what: &'static str, reason: impl std::fmt::Display) -> Self {
        GitError::Repository {
            what,
            reason: reason.to_string(),
        }
    }
}

/// An `allowed_signers` file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SignersError {
    /// The file could not be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is too large to be an `allowed_signers` file.
    #[error("{}: larger than 16 MiB; is this an allowed_signers file?", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// A line is malformed.
    #[error("line {line}: {problem}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        problem: String,
    },
    /// A line of a named file is malformed.
    #[error("{}: {source}", path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// The line's error.
        source: Box<SignersError>,
    },
}
