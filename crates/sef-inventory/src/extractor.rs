//! The extractor seam: one implementation per file format.

use sef_model::{Component, SourceRef};

/// Reads another file named by the one being extracted (a `-r` include),
/// given its path relative to the including file's directory. It returns
/// the file's repository-relative path and bytes, and refuses paths that
/// leave the repository.
pub type IncludeReader<'a> =
    &'a (dyn Fn(&str, &str) -> Result<(String, Vec<u8>), ReadError> + Sync);

/// Lists the sub-folders of a folder given relative to the extracted
/// file's folder (for workspace globs such as `packages/*`): their paths
/// relative to the extracted file's folder, sorted. Folders outside the
/// repository, hidden ones and `node_modules` are not listed.
pub type DirLister<'a> = &'a (dyn Fn(&str, &str) -> Vec<String> + Sync);

/// One file handed to an extractor.
pub struct Input<'a> {
    /// Repository-relative path, `/`-separated.
    pub path: &'a str,
    /// The file's bytes (bounded by the scan's size limit).
    pub bytes: &'a [u8],
    /// Reads included files, when the format has includes and the caller
    /// allows them.
    pub include: Option<IncludeReader<'a>>,
    /// Lists sub-folders, when the caller allows it.
    pub list_dirs: Option<DirLister<'a>>,
}

/// What an extractor found in one file.
#[derive(Debug, Default)]
pub struct Extracted {
    /// The components.
    pub components: Vec<Component>,
    /// Lines that were skipped or are doubtful: (line, message).
    pub warnings: Vec<(Option<u32>, String)>,
    /// Why the file could be read only in part (it ends in the middle of
    /// an entry or a block, a section has the wrong shape): the components
    /// found are kept, and the evidence is partial.
    pub incomplete: Vec<(Option<u32>, String)>,
}

impl From<Vec<Component>> for Extracted {
    fn from(components: Vec<Component>) -> Self {
        Extracted {
            components,
            warnings: Vec::new(),
            incomplete: Vec::new(),
        }
    }
}

impl Input<'_> {
    /// The file as UTF-8 text, or an error naming the line of the first
    /// invalid byte.
    pub fn text(&self) -> Result<&str, ExtractError> {
        std::str::from_utf8(self.bytes).map_err(|e| {
            let line = crate::text::line_of(self.bytes, e.valid_up_to());
            ExtractError::at(line, "the file is not valid UTF-8 text")
        })
    }

    /// The same file with different bytes (an included file).
    pub fn with<'b>(&'b self, path: &'b str, bytes: &'b [u8]) -> Input<'b> {
        Input {
            path,
            bytes,
            include: self.include,
            list_dirs: self.list_dirs,
        }
    }

    /// A source reference to a line of this file.
    pub fn at(&self, line: Option<u32>) -> SourceRef {
        SourceRef {
            file: self.path.to_owned(),
            line,
        }
    }
}

/// Why a file (or a file it includes) could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// An I/O error.
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    /// Larger than the scan's limit.
    #[error(
        "skipped: larger than {limit} bytes; raise [analyzers.inventory] max_file_bytes to read it"
    )]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// An included file that does not resolve.
    #[error("cannot read included file {path}: {source}")]
    Include {
        /// The include as written.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// An included file outside the repository.
    #[error("included file {path} is outside the repository; not read")]
    Outside {
        /// The include as written.
        path: String,
    },
}

/// Why a file could not be read as its format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExtractError {
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// What is wrong.
    pub message: String,
}

impl ExtractError {
    /// An error at a line.
    pub fn at(line: Option<u32>, message: impl Into<String>) -> Self {
        ExtractError {
            line,
            message: message.into(),
        }
    }

    /// An error without a line.
    pub fn msg(message: impl Into<String>) -> Self {
        ExtractError::at(None, message)
    }
}

/// Reads one file format into components.
pub trait Extractor: Send + Sync {
    /// A stable id, e.g. `cargo-lock`.
    fn id(&self) -> &'static str;
    /// Whether this extractor reads the file with this name. `path` is the
    /// repository-relative path, for formats whose name varies.
    fn matches(&self, file_name: &str, path: &str) -> bool;
    /// Parses the file.
    fn extract(&self, input: &Input<'_>) -> Result<Extracted, ExtractError>;
}
