//! Plan errors. Each names the file and, where there is one, the line and
//! column, and says what was expected.

use std::path::PathBuf;

/// Why a plan could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A plan uploaded to a server lacks a file, or names one that is not
    /// part of a plan.
    #[error("uploaded plan: {0}")]
    NotUploaded(String),
    /// The file could not be read.
    #[error("{}: cannot read the security plan: {source}", path.display())]
    Io {
        /// The plan file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A path the plan names leaves the repository.
    #[error("{plan}: {key}: {why}")]
    OutsideRepository {
        /// The plan file.
        plan: String,
        /// The plan key, e.g. `analyzers.secrets.config`.
        key: String,
        /// Why.
        why: sef_fs::ConfineError,
    },
    /// The file is not a regular file, or vanished.
    #[error("{}: cannot read the security plan: {}", .0.path().display(), .0.reason())]
    File(sef_fs::ReadError),
    /// The file is larger than any real plan.
    #[error("{}: the security plan is larger than {limit} bytes; a sef.toml is a small hand-written file, check that this is the right file", path.display())]
    TooLarge {
        /// The plan file.
        path: PathBuf,
        /// The size limit in bytes.
        limit: u64,
    },
    /// The file is not UTF-8 text.
    #[error("{}:{line}:{column}: the security plan is not valid UTF-8 text; save it as UTF-8", path.display())]
    NotUtf8 {
        /// The plan file.
        path: PathBuf,
        /// 1-based line of the first bad byte.
        line: usize,
        /// 1-based column of the first bad byte.
        column: usize,
    },
    /// The file is not valid TOML, or a key or value is wrong.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        /// The plan file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong and what is expected.
        message: String,
    },
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}
