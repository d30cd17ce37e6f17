//! Importing OSV records into a new generation of the database: from a zip
//! export or a directory of OSV JSON, bounded in entries and sizes, written
//! completely before `current` moves to it.

use super::*;

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
    /// Records imported although keys the OSV schema asks for are missing,
    /// per key (`modified`, `affected[].package`, `affected[].ranges or
    /// versions`): their freshness or their scope is unknown.
    pub missing_keys: BTreeMap<String, usize>,
    /// The first of them (at most 20), `ID: missing KEY`.
    pub missing_examples: Vec<String>,
    /// Problems with the database itself (a damaged previous generation
    /// whose other ecosystems could not be carried forward).
    pub warnings: Vec<String>,
}

impl ImportReport {
    fn missing(&mut self, id: &str, key: &str) {
        *self.missing_keys.entry(key.to_owned()).or_default() += 1;
        if self.missing_examples.len() < 20 {
            self.missing_examples.push(format!("{id}: missing `{key}`"));
        }
    }
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
    if ecos.iter().any(|e| SUPPORTED.contains(e)) {
        // imported, but counted: a record without these keys has an
        // unknown date or an unknown scope
        if record.modified.is_none() {
            report.missing(&record.id, "modified");
        }
        if record.affected.is_empty() {
            report.missing(&record.id, "affected");
        }
        for a in &record.affected {
            if a.package.is_none() {
                report.missing(&record.id, "affected[].package");
            } else if a.ranges.is_empty() && a.versions.is_empty() {
                report.missing(&record.id, "affected[].ranges or versions");
            }
        }
    }
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
    // lookup reads (the long description, credits, the rest of
    // `ecosystem_specific`): half the bytes, so half the parsing on every
    // scan. The affected packages and symbols (Go `imports`, RustSec
    // `affects.functions`) are kept: a finding says they exist and that
    // sef did not check whether they are reached.
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(mut v) => {
            if let Some(o) = v.as_object_mut() {
                for k in ["details", "credits", "related"] {
                    o.remove(k);
                }
                if let Some(aff) = o.get_mut("affected").and_then(|a| a.as_array_mut()) {
                    for a in aff.iter_mut().filter_map(|a| a.as_object_mut()) {
                        if let Some(es) = a.remove("ecosystem_specific") {
                            let mut kept = serde_json::Map::new();
                            if let Some(i) = es.get("imports") {
                                kept.insert("imports".into(), i.clone());
                            }
                            if let Some(f) = es.get("affects").and_then(|x| x.get("functions")) {
                                kept.insert(
                                    "affects".into(),
                                    serde_json::json!({ "functions": f }),
                                );
                            }
                            if !kept.is_empty() {
                                a.insert("ecosystem_specific".into(), kept.into());
                            }
                        }
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
            } else if ft.is_file() && p.extension().is_some_and(|e| e == "zip") {
                // an ecosystem's export saved as it was downloaded
                read_zip(&p, limits, out, report)?;
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
                let skipped = report.skipped.len();
                read_dir(path, limits, &mut incoming, &mut report)?;
                if incoming.len() == before && report.skipped.len() == skipped {
                    return Err(DbError::Source {
                        path: path.display().to_string(),
                        reason: "holds no OSV record (no *.json file, no all.zip export); nothing imported".into(),
                    });
                }
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
    std::fs::create_dir_all(root).map_err(io(root))?;
    // One import at a time: a second waits, then carries this one's
    // ecosystems forward instead of deleting its generation.
    let lock_path = root.join("import.lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io(&lock_path))?;
    lock.lock().map_err(io(&lock_path))?;
    let gen_name = format!("gen-{}", now.timestamp_nanos_opt().unwrap_or_default());
    let gen_dir = root.join(&gen_name);
    let _ = std::fs::remove_dir_all(&gen_dir);
    std::fs::create_dir_all(&gen_dir).map_err(io(&gen_dir))?;
    let written = write_generation(root, &gen_dir, &incoming, &labels, now, &mut report);
    if let Err(e) = written {
        // a failed import leaves nothing behind
        let _ = std::fs::remove_dir_all(&gen_dir);
        return Err(e);
    }
    // The switch: one rename.
    let tmp = root.join("current.tmp");
    let switched =
        std::fs::write(&tmp, &gen_name).and_then(|()| std::fs::rename(&tmp, root.join("current")));
    if let Err(e) = switched {
        let _ = std::fs::remove_dir_all(&gen_dir);
        let _ = std::fs::remove_file(&tmp);
        return Err(io(root)(e));
    }
    // Old generations (and any a crashed import left) are garbage now.
    if let Ok(entries) = std::fs::read_dir(root) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with("gen-") && n != gen_name {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    drop(lock);
    Ok(report)
}

/// Writes the records, index and manifest of a new generation into
/// `gen_dir`: the ecosystems of `incoming`, and the others carried forward
/// from the current generation.
fn write_generation(
    root: &Path,
    gen_dir: &Path,
    incoming: &[Incoming],
    labels: &BTreeMap<String, String>,
    now: DateTime<Utc>,
    report: &mut ImportReport,
) -> Result<(), DbError> {
    let replaced: BTreeSet<String> = labels.keys().cloned().collect();
    let none = BTreeSet::new();
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
                            skip: &BTreeSet<String>,
                            index: &mut Index,
                            counts: &mut BTreeMap<String, (usize, Option<String>)>|
     -> Result<(), DbError> {
        w.write_all(raw.as_bytes()).map_err(io(&records_path))?;
        w.write_all(b"\n").map_err(io(&records_path))?;
        let len = u32::try_from(raw.len()).unwrap_or(u32::MAX);
        let mut ecos = BTreeSet::new();
        for p in record.affected.iter().filter_map(|a| a.package.as_ref()) {
            if SUPPORTED.contains(&p.ecosystem.as_str()) && !skip.contains(&p.ecosystem) {
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
                && super::real_date(m)
                && c.1.as_ref().is_none_or(|x| m > x)
            {
                c.1 = Some(m.clone());
            }
        }
        offset += raw.len() as u64 + 1;
        Ok(())
    };

    // Carry forward the ecosystems this import does not replace.
    let previous = match AdvisoryDb::open(root) {
        Ok(p) => p,
        Err(e) => {
            report.warnings.push(format!(
                "the previous database could not be opened ({e}); only the ecosystems of this import are in the new one"
            ));
            None
        }
    };
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
                write_record(&line, &record, &replaced, &mut index, &mut counts)?;
            }
        }
        for (eco, info) in &prev.manifest.ecosystems {
            if !replaced.contains(eco) {
                manifest.ecosystems.insert(eco.clone(), info.clone());
            }
        }
    }
    for inc in incoming {
        write_record(&inc.raw, &inc.record, &none, &mut index, &mut counts)?;
    }
    w.flush().map_err(io(&records_path))?;
    w.get_ref().sync_all().map_err(io(&records_path))?;
    drop(w);

    for (eco, label) in labels {
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
                index_sha256: None,
            },
        );
    }
    // What the manifest promises about the index, for every ecosystem
    // (carried ones too: their offsets moved), written below
    // One index file per ecosystem, whose SHA-256 the manifest records: a
    // scan reads only the ecosystems it needs
    let index_dir = gen_dir.join("index");
    std::fs::create_dir_all(&index_dir).map_err(io(&index_dir))?;
    let empty = BTreeMap::new();
    let mut files: Vec<(PathBuf, Result<Vec<u8>, serde_json::Error>)> = Vec::new();
    for (eco, info) in manifest.ecosystems.iter_mut() {
        let names = index.get(eco).unwrap_or(&empty);
        info.count = counts.get(eco).map_or(0, |c| c.0);
        let bytes = serde_json::to_vec(names);
        if let Ok(b) = &bytes {
            info.index_sha256 = Some(super::integrity::bytes_digest(b));
        }
        files.push((super::index_file(gen_dir, eco), bytes));
    }
    files.push((
        gen_dir.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest),
    ));
    for (p, value) in files {
        let bytes = value.map_err(|e| DbError::Corrupt {
            path: p.display().to_string(),
            reason: e.to_string(),
        })?;
        let mut f = std::fs::File::create(&p).map_err(io(&p))?;
        f.write_all(&bytes).map_err(io(&p))?;
        f.sync_all().map_err(io(&p))?;
    }
    Ok(())
}
