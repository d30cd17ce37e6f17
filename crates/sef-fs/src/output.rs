//! Writing a file the user named: atomically when it is (or will be) a
//! regular file, in place when it is a FIFO or a character device, and
//! never by replacing something that is not a regular file.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Why an output file was not written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The path names something sef must not replace or write into.
    #[error(
        "{}: is {kind}; sef writes only to a regular file, a FIFO or a character device (choose another path)",
        path.display()
    )]
    Refused {
        /// The path.
        path: PathBuf,
        /// What it is.
        kind: &'static str,
    },
    /// A symbolic link whose target does not exist.
    #[error(
        "{}: is a symbolic link to {}, which does not exist; sef does not create files through links",
        path.display(),
        target.display()
    )]
    DanglingLink {
        /// The link.
        path: PathBuf,
        /// Where it points.
        target: PathBuf,
    },
    /// Writing failed.
    #[error("{}: cannot write: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes `bytes` to the file the user named.
///
/// - Nothing there, or a regular file: written through a new temporary
///   sibling (created exclusively, never through a link) and renamed over
///   it, so readers never see half a file.
/// - A symbolic link to a regular file: the link is kept and its target is
///   replaced the same way.
/// - A FIFO or a character device (directly or through a link): written in
///   place, never replaced.
/// - Anything else (a directory, a socket, a block device, a dangling
///   link): refused.
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let target = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => path.to_owned(),
        Err(e) => return Err(io(path)(e)),
        Ok(meta) if meta.file_type().is_symlink() => match std::fs::metadata(path) {
            Ok(_) => std::fs::canonicalize(path).map_err(io(path))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(OutputError::DanglingLink {
                    path: path.to_owned(),
                    target: std::fs::read_link(path).unwrap_or_default(),
                });
            }
            Err(e) => return Err(io(path)(e)),
        },
        Ok(_) => path.to_owned(),
    };
    match std::fs::metadata(&target) {
        Ok(meta) => {
            let t = meta.file_type();
            if t.is_file() {
                replace(&target, bytes, None)
            } else if t.is_fifo() || t.is_char_device() {
                let mut f = OpenOptions::new()
                    .write(true)
                    .custom_flags(libc::O_NOCTTY)
                    .open(&target)
                    .map_err(io(path))?;
                f.write_all(bytes)
                    .and_then(|()| f.flush())
                    .map_err(io(path))
            } else {
                Err(OutputError::Refused {
                    path: path.to_owned(),
                    kind: crate::kind_of(&t),
                })
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => replace(&target, bytes, None),
        Err(e) => Err(io(path)(e)),
    }
}

/// Writes a private file (a secret key): always a new file with mode 0600
/// renamed over `path`, so an existing file's permissions are not kept and
/// a symbolic link at `path` is replaced, never followed.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        let t = meta.file_type();
        if !(t.is_file() || t.is_symlink()) {
            return Err(OutputError::Refused {
                path: path.to_owned(),
                kind: crate::kind_of(&t),
            });
        }
    }
    replace(path, bytes, Some(0o600))
}

fn replace(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<(), OutputError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(".{name}.sef-tmp-{}-{attempt}", std::process::id()));
        let mut o = OpenOptions::new();
        o.write(true).create_new(true);
        if let Some(m) = mode {
            o.mode(m);
        }
        match o.open(&tmp) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(io(path)(e)),
        }
    };
    let result = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(path)(e));
    }
    Ok(())
}
