//! The integrity of a generation: what the manifest promises about the
//! index (per ecosystem, the record count and a SHA-256 of its part of the
//! index), checked each time the database is opened without reading a
//! record, and `verify`, which reads every record.

use super::*;
use sha2::{Digest, Sha256};

/// SHA-256 (hex) of one ecosystem's part of the index, as serialised
/// (BTreeMap serialises in key order, so the digest is canonical).
pub(super) fn index_digest(names: &Names) -> String {
    bytes_digest(&serde_json::to_vec(names).unwrap_or_default())
}

/// SHA-256 (hex) of bytes.
pub(super) fn bytes_digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Reads one ecosystem's part of the index (format 3) and checks it
/// against the manifest: the file's SHA-256 and the number of records it
/// points at. The reason is returned when it does not hold.
pub(super) fn read_names(dir: &Path, eco: &str, info: &EcosystemInfo) -> Result<Names, String> {
    let path = index_file(dir, eco);
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot be read: {e}"))?;
    let Some(expected) = &info.index_sha256 else {
        return Err(format!("the manifest has no index digest for {eco}"));
    };
    if &bytes_digest(&bytes) != expected {
        return Err(format!(
            "the {eco} index does not match the manifest's digest (replaced or damaged)"
        ));
    }
    let names: Names = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    if names.is_empty() && info.count > 0 {
        return Err(format!(
            "the manifest promises {} {eco} record(s) but the index has none",
            info.count
        ));
    }
    let n = distinct_records(&names);
    if n != info.count {
        return Err(format!(
            "the {eco} index points at {n} record(s), the manifest promises {}",
            info.count
        ));
    }
    Ok(names)
}

/// The records one ecosystem's part of the index points at.
fn distinct_records(names: &Names) -> usize {
    let mut offsets: Vec<u64> = names.values().flatten().map(|(o, _)| *o).collect();
    offsets.sort_unstable();
    offsets.dedup();
    offsets.len()
}

/// Checks the index against the manifest: every ecosystem of the manifest
/// has its part of the index, with the promised digest and record count,
/// and the index holds no other ecosystem. Reads no record.
pub(super) fn check_index(dir: &Path, manifest: &Manifest, index: &Index) -> Result<(), DbError> {
    let corrupt = |reason: String| DbError::Corrupt {
        path: dir.join("index.json").display().to_string(),
        reason,
    };
    for (eco, info) in &manifest.ecosystems {
        let empty = BTreeMap::new();
        let names = index.get(eco).unwrap_or(&empty);
        if names.is_empty() && info.count > 0 {
            return Err(corrupt(format!(
                "the manifest promises {} {eco} record(s) but the index has none",
                info.count
            )));
        }
        let Some(expected) = &info.index_sha256 else {
            return Err(corrupt(format!(
                "the manifest has no index digest for {eco}"
            )));
        };
        if &index_digest(names) != expected {
            return Err(corrupt(format!(
                "the {eco} part of the index does not match the manifest's digest (replaced or damaged)"
            )));
        }
        let n = distinct_records(names);
        if n != info.count {
            return Err(corrupt(format!(
                "the {eco} part of the index points at {n} record(s), the manifest promises {}",
                info.count
            )));
        }
    }
    if let Some(extra) = index.keys().find(|e| !manifest.ecosystems.contains_key(*e)) {
        return Err(corrupt(format!(
            "the index holds {extra}, which the manifest does not list"
        )));
    }
    Ok(())
}

/// What `verify` found for one ecosystem.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VerifiedEcosystem {
    /// Records the manifest promises.
    pub promised: usize,
    /// Records read and checked.
    pub verified: usize,
}

/// The outcome of reading every record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// The generation directory checked.
    pub generation: String,
    /// Per ecosystem.
    pub ecosystems: BTreeMap<String, VerifiedEcosystem>,
    /// Every problem found (at most 1,000 listed).
    pub problems: Vec<String>,
    /// Problems in all.
    pub problem_count: usize,
}

impl VerifyReport {
    fn problem(&mut self, p: String) {
        self.problem_count += 1;
        if self.problems.len() < 1000 {
            self.problems.push(p);
        }
    }

    /// Whether every check passed.
    pub fn ok(&self) -> bool {
        self.problem_count == 0
    }
}

impl AdvisoryDb {
    /// Reads every record the index points at and checks it: it parses as
    /// OSV, it names the package the index files it under, and each
    /// ecosystem has as many records as the manifest promises.
    pub fn verify(&self) -> Result<VerifyReport, DbError> {
        let path = self.dir.join("records.jsonl");
        let mut report = VerifyReport {
            generation: self.dir.display().to_string(),
            ..VerifyReport::default()
        };
        let len = self.records.metadata().map_err(io(&path))?.len();
        let mut buf = Vec::new();
        for eco in self.manifest.ecosystems.keys() {
            let names = match self.names(eco) {
                Ok(Some(n)) => n,
                Ok(None) => continue,
                Err(e) => {
                    report.problem(e.to_string());
                    continue;
                }
            };
            let mut seen = std::collections::HashSet::new();
            for (name, ranges) in names {
                for &(offset, n) in ranges {
                    if offset + u64::from(n) > len {
                        report.problem(format!(
                            "{eco} {name}: the index points past the end of records.jsonl (byte {offset})"
                        ));
                        continue;
                    }
                    buf.resize(n as usize, 0);
                    if let Err(e) = read_at(&self.records, &mut buf, offset) {
                        report.problem(format!("{eco} {name}: byte {offset}: {e}"));
                        continue;
                    }
                    match Record::from_json(&buf) {
                        Err(e) => report.problem(format!(
                            "{eco} {name}: the record at byte {offset} is not valid OSV: {e}"
                        )),
                        Ok(r) => {
                            let names_it = r
                                .affected
                                .iter()
                                .filter_map(|a| a.package.as_ref())
                                .any(|p| {
                                    p.ecosystem == *eco && normalize_name(eco, &p.name) == *name
                                });
                            if !names_it {
                                report.problem(format!(
                                    "{eco} {name}: the record at byte {offset} ({}) does not name this package",
                                    r.id
                                ));
                            } else {
                                seen.insert(offset);
                            }
                        }
                    }
                }
            }
            report.ecosystems.insert(
                eco.clone(),
                VerifiedEcosystem {
                    promised: self.manifest.ecosystems.get(eco).map_or(0, |i| i.count),
                    verified: seen.len(),
                },
            );
        }
        for (eco, info) in &self.manifest.ecosystems {
            let v = report.ecosystems.entry(eco.clone()).or_default();
            v.promised = info.count;
        }
        let short: Vec<(String, usize, usize)> = report
            .ecosystems
            .iter()
            .filter(|(_, v)| v.verified != v.promised)
            .map(|(e, v)| (e.clone(), v.verified, v.promised))
            .collect();
        for (eco, got, promised) in short {
            report.problem(format!(
                "{eco}: {got} record(s) verified, the manifest promises {promised}"
            ));
        }
        Ok(report)
    }
}
