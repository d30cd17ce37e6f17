//! The local advisory database: OSV records imported from the per-ecosystem
//! `all.zip` exports (or a directory of OSV JSON), indexed by (ecosystem,
//! normalised package name) so a scan reads only the records of the
//! packages it has.
//!
//! On disk (`DIR`):
//!
//! * `current` names the active generation directory;
//! * `gen-N/records.jsonl` holds one minified OSV record per line;
//! * `gen-N/index/<ecosystem>.json` maps, for one ecosystem, each
//!   normalised name → byte ranges in it: a scan reads and checks only the
//!   index of the ecosystems it has components of (format 2 kept the whole
//!   index in one `index.json`; such a database is still read);
//! * `gen-N/manifest.json` says, per ecosystem, how many records, when and
//!   from where they were imported.
//!
//! An import writes a complete new generation, then replaces `current`
//! atomically (write and rename), so an interrupted or failed import leaves
//! the previous database fully usable. Archives are bounded: entry count,
//! total uncompressed size and record size are capped, and entry names that
//! leave the archive (`..`, absolute paths) are refused.

use crate::osv::Record;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Read, Write};
#[cfg(not(unix))]
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Caps on what one import reads.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Entries read from one archive or directory, at most.
    pub entries: usize,
    /// Total uncompressed bytes read from one archive, at most.
    pub total_bytes: u64,
    /// Size of one record, at most.
    pub record_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            entries: 500_000,
            total_bytes: 4 * 1024 * 1024 * 1024,
            record_bytes: 16 * 1024 * 1024,
        }
    }
}
/// The on-disk format version.
pub const FORMAT: u32 = 3;
/// The format before the index was split per ecosystem: still read.
const FORMAT_ONE_INDEX: u32 = 2;

/// Why the database could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The database files are not what this sef wrote.
    #[error(
        "{path}: the advisory database is damaged or from another sef version ({reason}); run `sef db import` or `sef db update` again"
    )]
    Corrupt {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A source could not be read at all.
    #[error("{path}: {reason}")]
    Source {
        /// The source.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> DbError + '_ {
    move |source| DbError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What the database knows about one ecosystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcosystemInfo {
    /// Records with at least one affected package in the ecosystem.
    pub count: usize,
    /// When they were imported (RFC 3339, UTC).
    pub imported_at: String,
    /// Where they came from (a file path or a URL).
    pub source: String,
    /// The newest real `modified` time among them (placeholder dates such
    /// as `0001-01-01` are not dates): how current the data is.
    pub newest_modified: Option<String>,
    /// SHA-256 (hex) of the ecosystem's part of the index, checked on open.
    #[serde(default)]
    pub index_sha256: Option<String>,
}

/// The manifest of one generation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The on-disk format version.
    pub format: u32,
    /// Per ecosystem.
    pub ecosystems: BTreeMap<String, EcosystemInfo>,
}

/// One ecosystem's part of the index: normalised name → byte ranges.
type Names = BTreeMap<String, Vec<(u64, u32)>>;
type Index = BTreeMap<String, Names>;

/// The file of one ecosystem's part of the index (format 3).
fn index_file(dir: &Path, ecosystem: &str) -> PathBuf {
    dir.join("index").join(format!("{ecosystem}.json"))
}

/// Normalises a package name as the ecosystem compares names: PyPI by PEP
/// 503, crates.io case- and `-`/`_`-insensitively, case-insensitive
/// registries in lower case, the others as written.
pub fn normalize_name(ecosystem: &str, name: &str) -> String {
    sef_model::package_name_key(ecosystem, name)
}

/// The ecosystems sef matches (OSV names).
pub const SUPPORTED: &[&str] = &[
    "crates.io",
    "npm",
    "PyPI",
    "Go",
    "RubyGems",
    "Packagist",
    "Maven",
    "NuGet",
    "Pub",
    "Hex",
    "ConanCenter",
    "SwiftURL",
    "CRAN",
    "Bioconductor",
];

/// An opened database.
pub struct AdvisoryDb {
    dir: PathBuf,
    manifest: Manifest,
    /// Per ecosystem of the manifest, its part of the index, read and
    /// checked against the manifest on first use.
    index: BTreeMap<String, std::sync::OnceLock<Result<Names, String>>>,
    records: std::fs::File,
}

fn generation(root: &Path) -> Result<Option<PathBuf>, DbError> {
    let current = root.join("current");
    match std::fs::read_to_string(&current) {
        Ok(name) => {
            let name = name.trim();
            if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
                return Err(DbError::Corrupt {
                    path: current.display().to_string(),
                    reason: format!("`{name}` is not a generation name"),
                });
            }
            Ok(Some(root.join(name)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(&current)(e)),
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, DbError> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    serde_json::from_slice(&bytes).map_err(|e| DbError::Corrupt {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

impl AdvisoryDb {
    /// Opens the database at `root`, or `None` when nothing was imported.
    pub fn open(root: &Path) -> Result<Option<AdvisoryDb>, DbError> {
        let Some(dir) = generation(root)? else {
            return Ok(None);
        };
        let manifest: Manifest = read_json(&dir.join("manifest.json"))?;
        let mut index: BTreeMap<String, std::sync::OnceLock<Result<Names, String>>> = manifest
            .ecosystems
            .keys()
            .map(|e| (e.clone(), std::sync::OnceLock::new()))
            .collect();
        match manifest.format {
            FORMAT => {}
            FORMAT_ONE_INDEX => {
                let whole: Index = read_json(&dir.join("index.json"))?;
                integrity::check_index(&dir, &manifest, &whole)?;
                for (eco, names) in whole {
                    if let Some(cell) = index.get_mut(&eco) {
                        *cell = std::sync::OnceLock::from(Ok(names));
                    }
                }
            }
            other => {
                return Err(DbError::Corrupt {
                    path: dir.join("manifest.json").display().to_string(),
                    reason: format!(
                        "format {other} (this sef reads {FORMAT_ONE_INDEX} and {FORMAT})"
                    ),
                });
            }
        }
        let path = dir.join("records.jsonl");
        let records = std::fs::File::open(&path).map_err(io(&path))?;
        Ok(Some(AdvisoryDb {
            dir,
            manifest,
            index,
            records,
        }))
    }

    /// One ecosystem's part of the index, read and checked on first use;
    /// `None` when the database does not hold the ecosystem.
    fn names(&self, ecosystem: &str) -> Result<Option<&Names>, DbError> {
        let (Some(cell), Some(info)) = (
            self.index.get(ecosystem),
            self.manifest.ecosystems.get(ecosystem),
        ) else {
            return Ok(None);
        };
        cell.get_or_init(|| integrity::read_names(&self.dir, ecosystem, info))
            .as_ref()
            .map(Some)
            .map_err(|reason| DbError::Corrupt {
                path: if self.manifest.format == FORMAT {
                    index_file(&self.dir, ecosystem)
                } else {
                    self.dir.join("index.json")
                }
                .display()
                .to_string(),
                reason: reason.clone(),
            })
    }

    /// What was imported, per ecosystem.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Whether the database holds the ecosystem.
    pub fn covers(&self, ecosystem: &str) -> bool {
        self.manifest.ecosystems.contains_key(ecosystem)
    }

    /// The records that name the package in the ecosystem.
    pub fn lookup(&self, ecosystem: &str, name: &str) -> Result<Vec<Record>, DbError> {
        let Some(ranges) = self
            .names(ecosystem)?
            .and_then(|m| m.get(&normalize_name(ecosystem, name)))
        else {
            return Ok(Vec::new());
        };
        let path = self.dir.join("records.jsonl");
        let mut out = Vec::with_capacity(ranges.len());
        let mut buf = Vec::new();
        for &(offset, len) in ranges {
            buf.resize(len as usize, 0);
            read_at(&self.records, &mut buf, offset).map_err(io(&path))?;
            out.push(Record::from_json(&buf).map_err(|e| DbError::Corrupt {
                path: path.display().to_string(),
                reason: format!("record at byte {offset}: {e}"),
            })?);
        }
        Ok(out)
    }
}

/// Reads `buf.len()` bytes at `offset` without moving a shared cursor.
#[cfg(unix)]
fn read_at(f: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, offset)
}

/// Reads `buf.len()` bytes at `offset` (a fresh handle, so `&self` stays shareable).
#[cfg(not(unix))]
fn read_at(f: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    let mut f = f.try_clone()?;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

mod import;
mod integrity;
pub use import::{ImportReport, Source, import, import_with_limits};
pub use integrity::{VerifiedEcosystem, VerifyReport};

/// Whether an OSV timestamp is a real date: RFC 3339 and after 1995
/// (some exports write `0001-01-01T00:00:00Z` for "unknown").
pub fn real_date(s: &str) -> bool {
    DateTime::parse_from_rfc3339(s).is_ok_and(|d| d.timestamp() > 788_918_400)
}
