//! The local advisory database: OSV records imported from the per-ecosystem
//! `all.zip` exports (or a directory of OSV JSON), indexed by (ecosystem,
//! normalised package name) so a scan reads only the records of the
//! packages it has.
//!
//! On disk (`DIR`):
//!
//! * `current` names the active generation directory;
//! * `gen-N/records.jsonl` holds one minified OSV record per line;
//! * `gen-N/index.json` maps ecosystem → name → byte ranges in it;
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
pub const FORMAT: u32 = 1;

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
    /// The newest `modified` time among them.
    pub newest_modified: Option<String>,
}

/// The manifest of one generation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The on-disk format version.
    pub format: u32,
    /// Per ecosystem.
    pub ecosystems: BTreeMap<String, EcosystemInfo>,
}

type Index = BTreeMap<String, BTreeMap<String, Vec<(u64, u32)>>>;

/// Normalises a package name as the ecosystem compares names: PyPI by PEP
/// 503, crates.io case- and `-`/`_`-insensitively, case-insensitive
/// registries in lower case, the others as written.
pub fn normalize_name(ecosystem: &str, name: &str) -> String {
    match ecosystem {
        "PyPI" => sef_model::pep503_name(name),
        "crates.io" => name.trim().to_ascii_lowercase().replace('_', "-"),
        "NuGet" | "RubyGems" | "Packagist" | "Pub" | "Hex" | "npm" => {
            name.trim().to_ascii_lowercase()
        }
        _ => name.trim().to_owned(),
    }
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
    index: Index,
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
        if manifest.format != FORMAT {
            return Err(DbError::Corrupt {
                path: dir.join("manifest.json").display().to_string(),
                reason: format!("format {} (this sef reads {FORMAT})", manifest.format),
            });
        }
        let index: Index = read_json(&dir.join("index.json"))?;
        let path = dir.join("records.jsonl");
        let records = std::fs::File::open(&path).map_err(io(&path))?;
        Ok(Some(AdvisoryDb {
            dir,
            manifest,
            index,
            records,
        }))
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
            .index
            .get(ecosystem)
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

/// Where records come from.
pub enum Source<'a> {
    /// An OSV `all.zip` (or any zip of OSV JSON files).
    Zip {
        /// The archive.
        path: &'a Path,
        /// How the manifest names the source (path or URL).
        label: String,
    },
    /// A directory of OSV JSON files (searched recursively).
    Dir(&'a Path),
}

/// The outcome of an import.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// Records imported, per ecosystem.
    pub imported: BTreeMap<String, usize>,
    /// Records left out, with the reason (bad JSON, unknown ecosystem,
    /// unsafe entry name, ...).
    pub skipped: Vec<String>,
}

struct Incoming {
    raw: String,
    record: Record,
}

fn accept(name: &str, bytes: &[u8], out: &mut Vec<Incoming>, report: &mut ImportReport) {
    let record = match Record::from_json(bytes) {
        Ok(r) => r,
        Err(e) => {
            report
                .skipped
                .push(format!("{name}: not a valid OSV record: {e}"));
            return;
        }
    };
    let ecos = record.ecosystems();
    if !ecos.iter().any(|e| SUPPORTED.contains(e)) {
        let list = ecos.iter().copied().collect::<Vec<_>>().join(", ");
        report.skipped.push(format!(
            "{name}: ecosystem {} is not one sef matches",
            if list.is_empty() {
                "(none)".to_owned()
            } else {
                list
            }
        ));
        return;
    }
    // Minified, so each record is one line, and without the parts no
    // lookup reads (the long description, credits, per-package function
    // lists): half the bytes, so half the parsing on every scan.
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(mut v) => {
            if let Some(o) = v.as_object_mut() {
                for k in ["details", "credits", "related"] {
                    o.remove(k);
                }
                if let Some(aff) = o.get_mut("affected").and_then(|a| a.as_array_mut()) {
                    for a in aff.iter_mut().filter_map(|a| a.as_object_mut()) {
                        a.remove("ecosystem_specific");
                    }
                }
            }
            out.push(Incoming {
                raw: v.to_string(),
                record,
            });
        }
        Err(e) => report.skipped.push(format!("{name}: {e}")),
    }
}

fn read_zip(
    path: &Path,
    limits: Limits,
    out: &mut Vec<Incoming>,
    report: &mut ImportReport,
) -> Result<(), DbError> {
    let src = |reason: String| DbError::Source {
        path: path.display().to_string(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(io(path))?;
    let mut zip =
        zip::ZipArchive::new(file).map_err(|e| src(format!("not a readable zip archive: {e}")))?;
    if zip.len() > limits.entries {
        return Err(src(format!(
            "{} entries: more than the {} sef reads from one archive; nothing imported",
            zip.len(),
            limits.entries
        )));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                report
                    .skipped
                    .push(format!("{}: entry {i}: {e}", path.display()));
                continue;
            }
        };
        let name = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("entry {i}"));
        if entry.is_dir() {
            continue;
        }
        let escapes = name.starts_with(['/', '\\'])
            || name.split(['/', '\\']).any(|c| c == "..")
            || name.as_bytes().get(1) == Some(&b':');
        if escapes || entry.enclosed_name().is_none() {
            report.skipped.push(format!(
                "{}: entry `{name}` leaves the archive (`..` or absolute); refused",
                path.display()
            ));
            continue;
        }
        if !name.ends_with(".json") {
            continue;
        }
        let mut bytes = Vec::new();
        // Never trust the declared size: read at most the cap plus one.
        if let Err(e) = (&mut entry)
            .take(limits.record_bytes + 1)
            .read_to_end(&mut bytes)
        {
            report
                .skipped
                .push(format!("{}: `{name}`: {e}", path.display()));
            continue;
        }
        if bytes.len() as u64 > limits.record_bytes {
            report.skipped.push(format!(
                "{}: `{name}` is larger than {} bytes; refused",
                path.display(),
                limits.record_bytes
            ));
            continue;
        }
        total += bytes.len() as u64;
        if total > limits.total_bytes {
            return Err(src(format!(
                "uncompressed content exceeds {} bytes (a zip bomb?); nothing imported",
                limits.total_bytes
            )));
        }
        accept(&name, &bytes, out, report);
    }
    Ok(())
}

fn read_dir(
    path: &Path,
    limits: Limits,
    out: &mut Vec<Incoming>,
    report: &mut ImportReport,
) -> Result<(), DbError> {
    let mut stack = vec![path.to_owned()];
    let mut seen = 0usize;
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(io(&d))? {
            let entry = entry.map_err(io(&d))?;
            let p = entry.path();
            let ft = entry.file_type().map_err(io(&p))?;
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() && p.extension().is_some_and(|e| e == "json") {
                seen += 1;
                if seen > limits.entries {
                    return Err(DbError::Source {
                        path: path.display().to_string(),
                        reason: format!("more than {} files; nothing imported", limits.entries),
                    });
                }
                let mut bytes = Vec::new();
                std::fs::File::open(&p)
                    .and_then(|f| f.take(limits.record_bytes + 1).read_to_end(&mut bytes))
                    .map_err(io(&p))?;
                if bytes.len() as u64 > limits.record_bytes {
                    report.skipped.push(format!(
                        "{}: larger than {} bytes; refused",
                        p.display(),
                        limits.record_bytes
                    ));
                    continue;
                }
                accept(&p.display().to_string(), &bytes, out, report);
            }
        }
    }
    Ok(())
}

/// Imports the sources into the database at `root`, replacing the
/// ecosystems they contain and keeping the others.
pub fn import(
    root: &Path,
    sources: &[Source<'_>],
    now: DateTime<Utc>,
) -> Result<ImportReport, DbError> {
    import_with_limits(root, sources, now, Limits::default())
}

/// [`import`] with explicit limits.
pub fn import_with_limits(
    root: &Path,
    sources: &[Source<'_>],
    now: DateTime<Utc>,
    limits: Limits,
) -> Result<ImportReport, DbError> {
    let mut report = ImportReport::default();
    let mut incoming = Vec::new();
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    for s in sources {
        let before = incoming.len();
        let label = match s {
            Source::Zip { path, label } => {
                read_zip(path, limits, &mut incoming, &mut report)?;
                label.clone()
            }
            Source::Dir(path) => {
                read_dir(path, limits, &mut incoming, &mut report)?;
                path.display().to_string()
            }
        };
        for inc in &incoming[before..] {
            for a in inc
                .record
                .affected
                .iter()
                .filter_map(|a| a.package.as_ref())
            {
                labels
                    .entry(a.ecosystem.clone())
                    .or_insert_with(|| label.clone());
            }
        }
    }
    let replaced: BTreeSet<String> = labels.keys().cloned().collect();

    std::fs::create_dir_all(root).map_err(io(root))?;
    let gen_name = format!("gen-{}", now.timestamp_nanos_opt().unwrap_or_default());
    let gen_dir = root.join(&gen_name);
    let _ = std::fs::remove_dir_all(&gen_dir);
    std::fs::create_dir_all(&gen_dir).map_err(io(&gen_dir))?;
    let records_path = gen_dir.join("records.jsonl");
    let mut w =
        std::io::BufWriter::new(std::fs::File::create(&records_path).map_err(io(&records_path))?);
    let mut index: Index = BTreeMap::new();
    let mut offset = 0u64;
    let mut manifest = Manifest {
        format: FORMAT,
        ecosystems: BTreeMap::new(),
    };
    let mut counts: BTreeMap<String, (usize, Option<String>)> = BTreeMap::new();

    let mut write_record = |raw: &str,
                            record: &Record,
                            index: &mut Index,
                            counts: &mut BTreeMap<String, (usize, Option<String>)>|
     -> Result<(), DbError> {
        w.write_all(raw.as_bytes()).map_err(io(&records_path))?;
        w.write_all(b"\n").map_err(io(&records_path))?;
        let len = u32::try_from(raw.len()).unwrap_or(u32::MAX);
        let mut ecos = BTreeSet::new();
        for p in record.affected.iter().filter_map(|a| a.package.as_ref()) {
            if SUPPORTED.contains(&p.ecosystem.as_str()) {
                let list = index
                    .entry(p.ecosystem.clone())
                    .or_default()
                    .entry(normalize_name(&p.ecosystem, &p.name))
                    .or_default();
                if !list.contains(&(offset, len)) {
                    list.push((offset, len));
                }
                ecos.insert(p.ecosystem.clone());
            }
        }
        for e in ecos {
            let c = counts.entry(e).or_default();
            c.0 += 1;
            if let Some(m) = &record.modified
                && c.1.as_ref().is_none_or(|x| m > x)
            {
                c.1 = Some(m.clone());
            }
        }
        offset += raw.len() as u64 + 1;
        Ok(())
    };

    // Carry forward the ecosystems this import does not replace.
    let previous = AdvisoryDb::open(root).ok().flatten();
    if let Some(prev) = &previous {
        let path = prev.dir.join("records.jsonl");
        let file = std::fs::File::open(&path).map_err(io(&path))?;
        for line in std::io::BufReader::new(file).lines() {
            let line = line.map_err(io(&path))?;
            let Ok(record) = Record::from_json(line.as_bytes()) else {
                continue;
            };
            let ecos = record.ecosystems();
            if ecos
                .iter()
                .any(|e| !replaced.contains(*e) && SUPPORTED.contains(e))
            {
                write_record(&line, &record, &mut index, &mut counts)?;
            }
        }
        for (eco, info) in &prev.manifest.ecosystems {
            if !replaced.contains(eco) {
                manifest.ecosystems.insert(eco.clone(), info.clone());
            }
        }
    }
    for inc in &incoming {
        write_record(&inc.raw, &inc.record, &mut index, &mut counts)?;
    }
    w.flush().map_err(io(&records_path))?;
    w.get_ref().sync_all().map_err(io(&records_path))?;
    drop(w);

    for (eco, label) in &labels {
        if !SUPPORTED.contains(&eco.as_str()) {
            continue;
        }
        let (count, newest) = counts.get(eco).cloned().unwrap_or_default();
        report.imported.insert(eco.clone(), count);
        manifest.ecosystems.insert(
            eco.clone(),
            EcosystemInfo {
                count,
                imported_at: now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                source: label.clone(),
                newest_modified: newest,
            },
        );
    }
    for (name, value) in [
        ("index.json", serde_json::to_vec(&index)),
        ("manifest.json", serde_json::to_vec_pretty(&manifest)),
    ] {
        let p = gen_dir.join(name);
        let bytes = value.map_err(|e| DbError::Corrupt {
            path: p.display().to_string(),
            reason: e.to_string(),
        })?;
        let mut f = std::fs::File::create(&p).map_err(io(&p))?;
        f.write_all(&bytes).map_err(io(&p))?;
        f.sync_all().map_err(io(&p))?;
    }
    // The switch: one rename.
    let tmp = root.join("current.tmp");
    std::fs::write(&tmp, &gen_name).map_err(io(&tmp))?;
    std::fs::rename(&tmp, root.join("current")).map_err(io(root))?;
    // Old generations are garbage now.
    if let Ok(entries) = std::fs::read_dir(root) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with("gen-") && n != gen_name {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    Ok(report)
}
