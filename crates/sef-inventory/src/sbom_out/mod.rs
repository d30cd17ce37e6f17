//! SBOM writers: CycloneDX 1.6 JSON and SPDX 2.3 JSON.
//!
//! Both are deterministic: components are merged by purl (or name and
//! version) and sorted, ids and the serial number / namespace are derived
//! from the content, and the only time in the document is taken from
//! `SOURCE_DATE_EPOCH` when set (the caller passes it in).

mod cyclonedx;
mod spdx_doc;

pub use cyclonedx::{cyclonedx_json, cyclonedx_json_redacted};
pub use spdx_doc::spdx_json;

use chrono::{DateTime, Utc};
use sef_model::{Component, DependencyScope};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// What the SBOM describes and who wrote it.
#[derive(Debug, Clone)]
pub struct SbomSubject {
    /// The offering's name.
    pub name: String,
    /// The release version.
    pub version: String,
    /// The sef version writing the document.
    pub tool_version: String,
    /// The document's creation time (`SOURCE_DATE_EPOCH` when set).
    pub timestamp: DateTime<Utc>,
}

/// The creation time: `SOURCE_DATE_EPOCH` (seconds since 1970) when set,
/// else `now`. A value that is not a whole number of seconds between 0 and
/// the end of year 9999 is an error, never a silent fallback to `now`: a
/// reproducible build that asked for a fixed time must not get another.
pub fn timestamp_from_env(
    value: Option<&str>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, String> {
    let Some(v) = value else {
        return Ok(now);
    };
    let bad = || {
        format!(
            "SOURCE_DATE_EPOCH={v:?} is not a time sef can use: give whole seconds since 1970-01-01 UTC, from 0 to 253402300799, or unset it"
        )
    };
    let secs: i64 = v.trim().parse().map_err(|_| bad())?;
    if !(0..=253_402_300_799).contains(&secs) {
        return Err(bad());
    }
    DateTime::from_timestamp(secs, 0).ok_or_else(bad)
}

/// Entries per run that [`pretty_items`] writes as one part.
const RUN: usize = 64;

/// `items`, each mapped by `f` and written as serde_json's pretty printer
/// writes an element of an array that is a field of the top-level object
/// (four spaces in), joined by `,\n`: the text between `[\n` and `\n  ]`.
/// Runs of [`RUN`] items are written on the thread pool.
pub(crate) fn pretty_items<'a, T: Sync, S: serde::Serialize>(
    items: &'a [T],
    f: impl Fn(&'a T) -> S + Sync,
) -> String {
    use rayon::prelude::*;
    let runs: Vec<String> = items
        .par_chunks(RUN)
        .map(|run| {
            let mut out = String::with_capacity(run.len() * 768);
            for (i, item) in run.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                let one = serde_json::to_string_pretty(&f(item)).unwrap_or_default();
                // every line four spaces in; a JSON string holds no raw
                // line break, so only the printer's own are met
                out.push_str("    ");
                for (j, line) in one.split('\n').enumerate() {
                    if j > 0 {
                        out.push_str("\n    ");
                    }
                    out.push_str(line);
                }
            }
            out
        })
        .collect();
    let mut out = String::with_capacity(runs.iter().map(|r| r.len() + 2).sum());
    for (i, run) in runs.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        out.push_str(run);
    }
    out
}

/// One component of the SBOM after merging occurrences.
pub(crate) struct Entry<'a> {
    pub key: String,
    pub first: &'a Component,
    pub sources: Vec<String>,
    pub direct: bool,
    pub scope: DependencyScope,
    pub depends_on: Vec<String>,
}

/// Merges components that are the same package (same purl, or same
/// ecosystem, name and version) and resolves dependency names to keys.
pub(crate) fn merge(components: &[Component]) -> Vec<Entry<'_>> {
    let key_of = |c: &Component| match &c.purl {
        Some(p) => p.clone(),
        None => format!(
            "{}:{}@{}{}",
            c.ecosystem,
            c.name,
            c.version.as_deref().unwrap_or("unpinned"),
            if c.first_party { "#first-party" } else { "" }
        ),
    };
    let mut by_key: BTreeMap<String, Entry<'_>> = BTreeMap::new();
    // (file, name) -> key, to resolve `depends_on` within a file.
    let mut in_file: BTreeMap<(&str, &str), String> = BTreeMap::new();
    for c in components {
        let key = key_of(c);
        in_file
            .entry((c.source.file.as_str(), c.name.as_str()))
            .or_insert_with(|| key.clone());
        let source = match c.source.line {
            Some(l) => format!("{}:{l}", c.source.file),
            None => c.source.file.clone(),
        };
        let e = by_key.entry(key.clone()).or_insert_with(|| Entry {
            key,
            first: c,
            sources: Vec::new(),
            direct: false,
            scope: DependencyScope::Unknown,
            depends_on: Vec::new(),
        });
        if !e.sources.contains(&source) {
            e.sources.push(source);
        }
        e.direct |= c.direct == Some(true);
        if rank(c.scope) > rank(e.scope) {
            e.scope = c.scope;
        }
    }
    for c in components {
        let key = key_of(c);
        // an edge names the resolved package by its purl where the
        // extractor knows the version, else by name within the file
        let deps: Vec<String> = c
            .depends_on
            .iter()
            .filter_map(|d| {
                if d.starts_with("pkg:") {
                    by_key.contains_key(d).then(|| d.clone())
                } else {
                    in_file.get(&(c.source.file.as_str(), d.as_str())).cloned()
                }
            })
            .filter(|d| d != &key)
            .collect();
        if let Some(e) = by_key.get_mut(&key) {
            e.depends_on.extend(deps);
        }
    }
    let mut out: Vec<Entry<'_>> = by_key.into_values().collect();
    for e in &mut out {
        e.sources.sort();
        e.depends_on.sort();
        e.depends_on.dedup();
    }
    out
}

/// The entries the SBOM's root depends on: the direct dependencies and the
/// offering's own packages; then, for a lockfile that does not say which
/// dependencies are direct (no manifest beside it), the packages nothing
/// else depends on, and at last one member of each cycle still out of
/// reach, so that every component is reachable from the root.
pub(crate) fn root_dependencies<'e>(entries: &'e [Entry<'_>]) -> Vec<&'e str> {
    use std::collections::{BTreeSet, HashSet};
    let mut root: Vec<&str> = entries
        .iter()
        .filter(|e| e.direct || e.first.first_party)
        .map(|e| e.key.as_str())
        .collect();
    let index: std::collections::HashMap<&str, &Entry<'_>> =
        entries.iter().map(|e| (e.key.as_str(), e)).collect();
    let reach = |from: &[&'e str], seen: &mut HashSet<&'e str>| {
        let mut stack: Vec<&str> = from.iter().copied().filter(|k| seen.insert(*k)).collect();
        while let Some(k) = stack.pop() {
            if let Some(e) = index.get(k) {
                for d in &e.depends_on {
                    if let Some(t) = index.get(d.as_str())
                        && seen.insert(t.key.as_str())
                    {
                        stack.push(t.key.as_str());
                    }
                }
            }
        }
    };
    let mut seen: HashSet<&str> = HashSet::new();
    reach(&root, &mut seen);
    if seen.len() == entries.len() {
        return root;
    }
    let depended: HashSet<&str> = entries
        .iter()
        .flat_map(|e| e.depends_on.iter().map(String::as_str))
        .collect();
    let tops: Vec<&str> = entries
        .iter()
        .map(|e| e.key.as_str())
        .filter(|k| !seen.contains(k) && !depended.contains(k))
        .collect();
    reach(&tops, &mut seen);
    root.extend(tops);
    // cycles nothing outside them reaches
    let rest: BTreeSet<&str> = entries
        .iter()
        .map(|e| e.key.as_str())
        .filter(|k| !seen.contains(k))
        .collect();
    for k in rest {
        if !seen.contains(k) {
            reach(&[k], &mut seen);
            root.push(k);
        }
    }
    root
}

fn rank(s: DependencyScope) -> u8 {
    match s {
        DependencyScope::Unknown => 0,
        DependencyScope::Development => 1,
        DependencyScope::Optional => 2,
        DependencyScope::Runtime => 3,
    }
}

/// Placeholder written where the content-derived id goes; replaced after
/// the document is serialised once.
pub(crate) const PLACEHOLDER: &str = "00000000-0000-5000-8000-000000000000";

/// Serialises `doc` (pretty, trailing newline) and replaces the placeholder
/// with a UUID derived from what the document says: the subject and every
/// component with its dependencies (hashing those, not the whole text,
/// keeps large SBOMs fast).
pub(crate) fn finish(
    doc: &serde_json::Value,
    subject: &SbomSubject,
    entries: &[Entry<'_>],
) -> String {
    finish_text(
        serde_json::to_string_pretty(doc).unwrap_or_default(),
        subject,
        entries,
    )
}

/// [`finish`] for a document already serialised.
pub(crate) fn finish_text(mut s: String, subject: &SbomSubject, entries: &[Entry<'_>]) -> String {
    s.push('\n');
    let mut h = Sha256::new();
    for part in [
        subject.name.as_str(),
        subject.version.as_str(),
        subject.tool_version.as_str(),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.update(subject.timestamp.timestamp().to_le_bytes());
    for e in entries {
        h.update(e.key.as_bytes());
        h.update([0]);
        for d in &e.depends_on {
            h.update(d.as_bytes());
            h.update([1]);
        }
        for src in &e.sources {
            h.update(src.as_bytes());
            h.update([2]);
        }
    }
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    let id = uuid::Builder::from_bytes(b)
        .with_version(uuid::Version::Sha1)
        .with_variant(uuid::Variant::RFC4122)
        .into_uuid()
        .to_string();
    // Same length as the placeholder: replaced in place, no copy.
    if let Some(i) = s.find(PLACEHOLDER) {
        s.replace_range(i..i + PLACEHOLDER.len(), &id);
    }
    s
}

/// A checksum as (algorithm, lowercase hex), when sef can tell which
/// algorithm it is: hex SHA-1/256/512, `sha256:hex`, or npm-style
/// `sha512-base64`.
pub(crate) fn hash_of(checksum: &str) -> Option<(&'static str, String)> {
    use base64::Engine as _;
    let is_hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    let by_len = |hex: &str| match hex.len() {
        40 => Some("SHA-1"),
        64 => Some("SHA-256"),
        128 => Some("SHA-512"),
        _ => None,
    };
    let c = checksum.trim();
    if is_hex(c) {
        return by_len(c).map(|a| (a, c.to_ascii_lowercase()));
    }
    for (prefix, alg) in [
        ("sha1", "SHA-1"),
        ("sha256", "SHA-256"),
        ("sha512", "SHA-512"),
    ] {
        if let Some(rest) = c.strip_prefix(prefix) {
            if let Some(hex) = rest.strip_prefix(':').filter(|h| is_hex(h)) {
                return (by_len(hex) == Some(alg)).then(|| (alg, hex.to_ascii_lowercase()));
            }
            if let Some(b64) = rest.strip_prefix('-') {
                let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
                let hex = hex::encode(bytes);
                return (by_len(&hex) == Some(alg)).then_some((alg, hex));
            }
        }
    }
    None
}

/// The license as a valid SPDX expression, or `None`.
pub(crate) fn spdx_expression(license: &str) -> Option<String> {
    let l = license.trim();
    spdx::Expression::parse(l).ok().map(|_| l.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_become_hashes() {
        assert_eq!(hash_of(&"ab".repeat(32)).unwrap().0, "SHA-256");
        assert_eq!(
            hash_of(&format!("sha256:{}", "0".repeat(64))).unwrap().0,
            "SHA-256"
        );
        let npm = "sha512-l4Sp/DRseor9wL6EvV2+TuQn63dMkPjZ/sp9XkghTEbV9KlPS1xUsZ3u7/IQO4wxtcFB4bgpQPRcR3QCvezPcQ==";
        let (alg, hex) = hash_of(npm).unwrap();
        assert_eq!(alg, "SHA-512");
        assert_eq!(hex.len(), 128);
        assert_eq!(
            hash_of("h1:dueUQJ1C2q9oE3F7wvmSGAaVtTmUizReu6fjN8uqzbQ="),
            None
        );
        assert_eq!(hash_of("sha1-nope!"), None);
    }

    #[test]
    fn licenses_are_checked() {
        assert_eq!(
            spdx_expression("MIT OR Apache-2.0").as_deref(),
            Some("MIT OR Apache-2.0")
        );
        assert_eq!(spdx_expression("SEE LICENSE IN LICENSE"), None);
    }

    #[test]
    fn timestamps_honour_source_date_epoch() {
        let now = Utc::now();
        assert_eq!(timestamp_from_env(Some("0"), now).unwrap().timestamp(), 0);
        assert_eq!(timestamp_from_env(None, now), Ok(now));
        for bad in [
            "junk",
            "",
            "-1",
            "1.5",
            "253402300800",
            "99999999999999999999",
        ] {
            let e = timestamp_from_env(Some(bad), now).unwrap_err();
            assert!(e.contains("SOURCE_DATE_EPOCH"), "{bad}: {e}");
        }
    }
}
