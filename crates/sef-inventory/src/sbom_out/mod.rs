//! SBOM writers: CycloneDX 1.6 JSON and SPDX 2.3 JSON.
//!
//! Both are deterministic: components are merged by purl (or name and
//! version) and sorted, ids and the serial number / namespace are derived
//! from the content, and the only time in the document is taken from
//! `SOURCE_DATE_EPOCH` when set (the caller passes it in).

mod cyclonedx;
mod pretty;
mod spdx_doc;

pub use cyclonedx::{cyclonedx_json, cyclonedx_json_redacted};
pub use spdx_doc::spdx_json;

use chrono::{DateTime, Utc};
use sef_model::{Component, DependencyScope};
use sha2::{Digest, Sha256};

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

/// One component of the SBOM after merging occurrences.
pub(crate) struct Entry<'a> {
    pub key: String,
    pub first: &'a Component,
    pub sources: Vec<String>,
    pub direct: bool,
    pub scope: DependencyScope,
    /// The entries this one depends on, as indices into the merged
    /// entries (sorted by key, so sorted indices are sorted keys), each
    /// once, never the entry itself.
    pub depends_on: Vec<usize>,
}

/// Merges components that are the same package (same purl, or same
/// ecosystem, name and version) and resolves dependency names to entries.
/// The entries come sorted by key; each takes its facts from the first
/// component (in `components` order) with its key.
pub(crate) fn merge(components: &[Component]) -> Vec<Entry<'_>> {
    use std::borrow::Cow;
    let keys: Vec<Cow<'_, str>> = components
        .iter()
        .map(|c| match &c.purl {
            Some(p) => Cow::Borrowed(p.as_str()),
            None => Cow::Owned(format!(
                "{}:{}@{}{}",
                c.ecosystem,
                c.name,
                c.version.as_deref().unwrap_or("unpinned"),
                if c.first_party { "#first-party" } else { "" }
            )),
        })
        .collect();
    // by key, and (a stable sort) in `components` order within a key
    let mut order: Vec<usize> = (0..components.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut out: Vec<Entry<'_>> = Vec::new();
    let mut entry_of = vec![0usize; components.len()];
    for &i in &order {
        let c = &components[i];
        if out.last().is_none_or(|e| e.key != keys[i]) {
            out.push(Entry {
                key: keys[i].clone().into_owned(),
                first: c,
                sources: Vec::new(),
                direct: false,
                scope: DependencyScope::Unknown,
                depends_on: Vec::new(),
            });
        }
        let at = out.len() - 1;
        entry_of[i] = at;
        let e = &mut out[at];
        let source = match c.source.line {
            Some(l) => format!("{}:{l}", c.source.file),
            None => c.source.file.clone(),
        };
        if !e.sources.contains(&source) {
            e.sources.push(source);
        }
        e.direct |= c.direct == Some(true);
        if rank(c.scope) > rank(e.scope) {
            e.scope = c.scope;
        }
    }
    // (file, name) -> the entry of the first component so named in that
    // file, to resolve `depends_on` within a file
    let mut in_file: std::collections::HashMap<(&str, &str), usize, foldhash::fast::RandomState> =
        std::collections::HashMap::with_capacity_and_hasher(
            components.len(),
            foldhash::fast::RandomState::default(),
        );
    for (i, c) in components.iter().enumerate() {
        in_file
            .entry((c.source.file.as_str(), c.name.as_str()))
            .or_insert(entry_of[i]);
    }
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); out.len()];
    for (i, c) in components.iter().enumerate() {
        let me = entry_of[i];
        // an edge names the resolved package by its purl where the
        // extractor knows the version, else by name within the file
        for d in &c.depends_on {
            let target = if d.starts_with("pkg:") {
                out.binary_search_by(|e| e.key.as_str().cmp(d)).ok()
            } else {
                in_file.get(&(c.source.file.as_str(), d.as_str())).copied()
            };
            if let Some(t) = target
                && t != me
            {
                deps[me].push(t);
            }
        }
    }
    for (e, mut d) in out.iter_mut().zip(deps) {
        e.sources.sort();
        d.sort_unstable();
        d.dedup();
        e.depends_on = d;
    }
    out
}

/// The entries (indices) the SBOM's root depends on: the direct
/// dependencies and the offering's own packages; then, for a lockfile
/// that does not say which dependencies are direct (no manifest beside
/// it), the packages nothing else depends on, and at last one member of
/// each cycle still out of reach, so that every component is reachable
/// from the root.
pub(crate) fn root_dependencies(entries: &[Entry<'_>]) -> Vec<usize> {
    let mut root: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].direct || entries[i].first.first_party)
        .collect();
    let mut seen = vec![false; entries.len()];
    let reach = |from: &[usize], seen: &mut Vec<bool>| {
        let mut stack: Vec<usize> = Vec::new();
        for &k in from {
            if !seen[k] {
                seen[k] = true;
                stack.push(k);
            }
        }
        while let Some(k) = stack.pop() {
            for &d in &entries[k].depends_on {
                if !seen[d] {
                    seen[d] = true;
                    stack.push(d);
                }
            }
        }
    };
    reach(&root, &mut seen);
    if seen.iter().all(|&s| s) {
        return root;
    }
    let mut depended = vec![false; entries.len()];
    for e in entries {
        for &d in &e.depends_on {
            depended[d] = true;
        }
    }
    let tops: Vec<usize> = (0..entries.len())
        .filter(|&k| !seen[k] && !depended[k])
        .collect();
    reach(&tops, &mut seen);
    root.extend(tops);
    // cycles nothing outside them reaches, in key order
    for k in 0..entries.len() {
        if !seen[k] {
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
    let id = content_id(subject, entries);
    // Same length as the placeholder: replaced in place, no copy.
    if let Some(i) = s.find(PLACEHOLDER) {
        s.replace_range(i..i + PLACEHOLDER.len(), &id);
    }
    s
}

/// The document's id, a UUID derived from what the document says: the
/// subject and every component with its dependencies and sources
/// (hashing those, not the whole text, keeps large SBOMs fast).
pub(crate) fn content_id(subject: &SbomSubject, entries: &[Entry<'_>]) -> String {
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
        for &d in &e.depends_on {
            h.update(entries[d].key.as_bytes());
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
    uuid::Builder::from_bytes(b)
        .with_version(uuid::Version::Sha1)
        .with_variant(uuid::Variant::RFC4122)
        .into_uuid()
        .to_string()
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
