//! Reading the files that a repository, a plan or a configuration names,
//! and writing the files a user names, without trusting what they are.
//!
//! Every such read is bounded in size and checks the file type first: a
//! FIFO would hang a plain `read`, a link to `/dev/zero` would fill memory,
//! a sparse 5 GB file would do both slowly. [`read`] opens without blocking,
//! checks on the open file that it is a regular file no larger than the
//! caller's limit, and reads at most that much. Output (`-o FILE`) is
//! written by [`write_output`]: a regular file is replaced atomically, a
//! FIFO or character device (`/dev/stdout`, `/dev/null`) is written in
//! place, and anything else is refused, so that sef never turns a device
//! into a regular file. [`kill_process_group`] ends a timed-out command with
//! every child it started. [`confine`] keeps the paths that repository
//! content names inside the repository.

mod confine;
mod output;

pub use confine::{ConfineError, confine};
pub use output::{OutputError, write_output, write_private};

use std::fs::{File, FileType, Metadata};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The size limit of a configuration file (sef.toml, security/*.toml,
/// gitleaks configuration, allowed signers, password files).
pub const CONFIG_LIMIT: u64 = 8 * 1024 * 1024;
/// The size limit of a data file sef reads whole (a baseline, a checksum
/// list, a signature, a requirements include).
pub const DATA_LIMIT: u64 = 64 * 1024 * 1024;

/// Why a named file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// It does not exist.
    #[error("{}: not found", .0.display())]
    NotFound(PathBuf),
    /// It is not a regular file.
    #[error(
        "{}: is {kind}, not a regular file; sef reads only regular files here (replace it with a file, or remove it)",
        path.display()
    )]
    NotRegular {
        /// The file.
        path: PathBuf,
        /// What it is, e.g. "a FIFO".
        kind: &'static str,
    },
    /// It is larger than the limit.
    #[error(
        "{}: is {size} bytes, over the {limit}-byte limit for this file; it cannot be what sef expects here",
        path.display()
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size (as stated, or as far as it was read).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// It is not UTF-8 text.
    #[error("{}: is not UTF-8 text (byte {at})", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// The offset of the first invalid byte.
        at: usize,
    },
    /// Reading failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
}

impl ReadError {
    /// Whether the file does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound(_))
    }

    /// The message without the path, for callers that name the file
    /// themselves (relative to the repository).
    pub fn reason(&self) -> String {
        let full = self.to_string();
        let prefix = format!("{}: ", self.path().display());
        full.strip_prefix(&prefix)
            .map_or(full.clone(), str::to_owned)
    }

    /// The file this error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::NotFound(p)
            | Self::NotRegular { path: p, .. }
            | Self::TooLarge { path: p, .. }
            | Self::NotUtf8 { path: p, .. }
            | Self::Io { path: p, .. } => p,
        }
    }
}

/// What a file type is, in words: "a FIFO", "a character device", ….
pub fn kind_of(t: &FileType) -> &'static str {
    if t.is_file() {
        "a regular file"
    } else if t.is_dir() {
        "a directory"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> ReadError + '_ {
    move |source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            ReadError::NotFound(path.to_owned())
        } else {
            ReadError::Io {
                path: path.to_owned(),
                source,
            }
        }
    }
}

/// Opens `path` (following links) for reading, without blocking on a FIFO,
/// and checks that what was opened is a regular file of at most `limit`
/// bytes. For callers that stream the file (hashing, line by line).
pub fn open_regular(path: &Path, limit: u64) -> Result<(File, Metadata), ReadError> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(io_err(path))?;
    let meta = file.metadata().map_err(io_err(path))?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            path: path.to_owned(),
            kind: kind_of(&meta.file_type()),
        });
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            path: path.to_owned(),
            size: meta.len(),
            limit,
        });
    }
    Ok((file, meta))
}

/// Reads the regular file `path`, at most `limit` bytes (a file that grows
/// past the limit while being read is refused too).
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, meta) = open_regular(path, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_err(path))?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > limit {
        return Err(ReadError::TooLarge {
            path: path.to_owned(),
            size: read,
            limit,
        });
    }
    Ok(bytes)
}

/// Reads the first `max` bytes of the regular file `path`, whatever its
/// size: for callers that look only at a file's beginning (a document's
/// prose, a file's first lines).
pub fn read_prefix(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let (file, _) = open_regular(path, u64::MAX)?;
    let mut bytes = Vec::new();
    file.take(max)
        .read_to_end(&mut bytes)
        .map_err(io_err(path))?;
    Ok(bytes)
}

/// Reads the regular file `path` as UTF-8 text, at most `limit` bytes.
pub fn read_string(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read(path, limit)?;
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        path: path.to_owned(),
        at: e.utf8_error().valid_up_to(),
    })
}

/// Like [`read_string`], but a file that does not exist is `Ok(None)`.
pub fn read_string_if_exists(path: &Path, limit: u64) -> Result<Option<String>, ReadError> {
    match read_string(path, limit) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Sends SIGKILL to the process group `pgid` (a child started with
/// `process_group(0)` leads a group whose id is its pid), so that a
/// timed-out command's own children end with it. A group already gone is
/// not an error.
pub fn kill_process_group(pgid: u32) -> std::io::Result<()> {
    let Some(pid) = i32::try_from(pgid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return Err(std::io::Error::other(format!("{pgid} is not a process id")));
    };
    match rustix::process::kill_process_group(pid, rustix::process::Signal::KILL) {
        Ok(()) => Ok(()),
        Err(e) if e == rustix::io::Errno::SRCH => Ok(()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests;
