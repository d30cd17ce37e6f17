//! The typed errors of the built-in analyzers and the provenance step.
//! Each becomes the failed evidence's reason through
//! [`AnalyzerError`](crate::AnalyzerError), or the CLI's message; each
//! names the file, command or revision it is about.

use std::path::PathBuf;

/// Why the history analyzer could not mine the release range.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The repository or its history cannot be read.
    #[error(transparent)]
    Git(#[from] sef_git::GitError),
    /// The forge settings cannot be used.
    #[error(transparent)]
    Forge(#[from] sef_git::forge::ForgeError),
    /// The plan's `allowed_signers` file cannot be used.
    #[error(transparent)]
    Signers(#[from] sef_git::SignersError),
}

/// Why the secrets analyzer could not scan.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// The plan's gitleaks configuration cannot be used.
    #[error(transparent)]
    Config(#[from] sef_secrets::ConfigError),
    /// The baseline cannot be used.
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// The history, asked for, cannot be read.
    #[error(transparent)]
    History(#[from] sef_git::GitError),
}

/// A secrets baseline that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file exists but cannot be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The baseline file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is too large to be a baseline.
    #[error("{}: larger than 64 MiB; is this a sef secrets baseline?", path.display())]
    TooLarge {
        /// The baseline file.
        path: PathBuf,
    },
    /// The file is not JSON of the baseline's shape.
    #[error("{}: line {line}, column {column}: not a sef secrets baseline: {source}", path.display())]
    Json {
        /// The baseline file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's error.
        source: serde_json::Error,
    },
    /// The file is JSON of another schema.
    #[error("{}: not a sef secrets baseline (schema `{schema}`)", path.display())]
    Schema {
        /// The baseline file.
        path: PathBuf,
        /// The schema it names.
        schema: String,
    },
}

/// Why a `[[analyzers.sarif]]` command did not run to its end.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The command is an empty list.
    #[error("empty command")]
    Empty,
    /// The program could not be started.
    #[error("cannot start `{program}`: {source} (is it installed and on PATH?)")]
    Start {
        /// The program.
        program: String,
        /// Why.
        source: std::io::Error,
    },
    /// It ran past its timeout and was stopped.
    #[error("`{program}` did not finish within {secs} s and was stopped")]
    TimedOut {
        /// The program.
        program: String,
        /// The timeout.
        secs: u64,
    },
    /// Waiting for it failed.
    #[error("waiting for `{program}`: {source}")]
    Wait {
        /// The program.
        program: String,
        /// Why.
        source: std::io::Error,
    },
}

/// A SARIF file that could not be read (before parsing).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// An I/O error.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// Larger than the limit.
    #[error("larger than {limit} bytes; split the analysis or filter its results")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// Not a regular file, not found, or not UTF-8.
    #[error("cannot read: {}", .0.reason())]
    File(sef_fs::ReadError),
}

impl ReadError {
    /// A bounded read's error, its size limit kept as this error's own.
    pub fn from_fs(e: sef_fs::ReadError) -> Self {
        match e {
            sef_fs::ReadError::TooLarge { limit, .. } => ReadError::TooLarge { limit },
            sef_fs::ReadError::Io { source, .. } => ReadError::Io(source),
            other => ReadError::File(other),
        }
    }
}

/// Why the source commit for provenance cannot be named.
#[derive(Debug, thiserror::Error)]
pub enum ProvenanceError {
    /// The repository cannot be read.
    #[error(transparent)]
    Git(#[from] sef_git::GitError),
    /// `root` is not in a git repository.
    #[error("{} is not in a git repository: provenance needs the source commit", root.display())]
    NotARepository {
        /// The directory.
        root: PathBuf,
    },
    /// The repository has no commit yet.
    #[error("the repository has no commit yet: provenance needs the source commit")]
    NoCommit,
}
