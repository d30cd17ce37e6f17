//! The release-artefact analyzer: every file the plan's
//! `[release_artifacts]` declares is checked against its `FILE.minisig`
//! with the team's public keys, and against the checksum file when there
//! is one. An unsigned artefact, a signature that does not verify (altered
//! file, unknown key) or a checksum mismatch is a finding; the share of
//! artefacts signed and verified is a KPI input.

use crate::security_plan::Repo;
use crate::{AnalysisContext, Analyzer, AnalyzerError, AnalyzerOutput, Progress};
use sef_model::EvidencePayload;
use sef_model::evidence::tools::{ArtifactCheck, Signatures, SigningKey};
use sef_model::{EvidenceKind, Finding, FindingKind, Fingerprint, Location, Severity, ToolInfo};
use sef_plan::ReleaseArtifacts;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The analyzer id.
pub const ID: &str = "signatures";

/// Signature and key files larger than this are not ones.
const MAX_SMALL_FILE: u64 = 64 * 1024;

/// Artefacts larger than this are not hashed or verified (reported as
/// `too-large`, and the evidence is partial).
pub const MAX_ARTIFACT_BYTES: u64 = 16 * 1024 * 1024 * 1024;

/// Why an artefact cannot be checked: it is a symbolic link (which can
/// point anywhere, so sef checks files, not links), larger than
/// [`MAX_ARTIFACT_BYTES`], or cannot be opened. The state and the reason.
fn cannot_check(path: &Path, rel: &str) -> Option<(&'static str, String)> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) => return Some(("unreadable", format!("{rel}: {e}"))),
    };
    if meta.file_type().is_symlink() {
        let to = std::fs::read_link(path)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        return Some((
            "symlink",
            format!(
                "{rel} is a symbolic link (to {to}): sef checks the released file itself; ship the file, not a link"
            ),
        ));
    }
    if meta.len() > MAX_ARTIFACT_BYTES {
        return Some((
            "too-large",
            format!(
                "{rel} is {} bytes, more than the {MAX_ARTIFACT_BYTES} sef hashes and verifies",
                meta.len()
            ),
        ));
    }
    if let Err(e) = sef_fs::open_regular(path, u64::MAX) {
        return Some((
            "unreadable",
            format!("{rel} cannot be read: {}", e.reason()),
        ));
    }
    None
}

/// The release-artefact analyzer.
pub struct ArtifactsAnalyzer {
    config: ReleaseArtifacts,
}

impl ArtifactsAnalyzer {
    /// An analyzer for the plan's `[release_artifacts]`.
    pub fn new(config: ReleaseArtifacts) -> Self {
        ArtifactsAnalyzer { config }
    }
}

/// A key, signature or checksum file: a regular file (a FIFO or a device
/// is refused, never read) of at most [`MAX_SMALL_FILE`] bytes.
fn read_small(path: &Path) -> Option<String> {
    sef_fs::read_string(path, MAX_SMALL_FILE).ok()
}

/// `sha256sum` lines: `<hex>  <name>` or `<hex> *<name>`.
fn parse_checksums(text: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for line in text.lines() {
        let line = line.trim();
        let Some((hash, name)) = line.split_once(char::is_whitespace) else {
            continue;
        };
        let name = name.trim_start().trim_start_matches('*').trim();
        if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) && !name.is_empty() {
            out.insert(name.to_owned(), hash.to_ascii_lowercase());
        }
    }
    out
}

/// The literal directory a glob starts from (`dist/*.tar.gz` → `dist`).
fn glob_base(pattern: &str) -> &str {
    let meta = pattern.find(['*', '?', '[', '{']).unwrap_or(pattern.len());
    match pattern[..meta].rfind('/') {
        Some(i) => &pattern[..i],
        None => "",
    }
}

fn finding(rule: &str, severity: Severity, path: &str, title: String, fix: &str) -> Finding {
    Finding {
        title,
        remediation: fix.to_owned(),
        cwe: vec![sef_model::Cwe(if rule == "artifact/unsigned" {
            347
        } else {
            354
        })],
        location: Some(Location {
            path: path.to_owned(),
            line: None,
            column: None,
        }),
        ..Finding::open(
            FindingKind::Integrity,
            ID,
            rule,
            severity,
            Fingerprint::compute(["artifact", rule, path]),
        )
    }
}

impl Analyzer for ArtifactsAnalyzer {
    fn id(&self) -> &'static str {
        ID
    }

    fn kind(&self) -> EvidenceKind {
        EvidenceKind::Signatures
    }

    fn tool(&self) -> ToolInfo {
        crate::sef_tool(ID)
    }

    fn run(
        &self,
        ctx: &AnalysisContext<'_>,
        progress: &dyn Progress,
    ) -> Result<AnalyzerOutput, AnalyzerError> {
        let repo = Repo::new(ctx.root);
        let mut keys = Vec::new();
        for k in &self.config.public_keys {
            let text = repo
                .resolve(k)
                .and_then(|p| read_small(&p))
                .ok_or_else(|| {
                    AnalyzerError(format!("public key {k} does not exist in the repository"))
                })?;
            let id = sef_sign::public_key_id(&text)
                .map_err(|e| AnalyzerError(format!("public key {k}: {e}")))?;
            keys.push((k.clone(), id, text));
        }
        let checksums = match &self.config.checksums {
            None => None,
            Some(c) => Some(
                repo.resolve(c)
                    .ok_or_else(|| {
                        AnalyzerError(format!(
                            "checksum file {c} does not exist in the repository"
                        ))
                    })
                    .and_then(|p| {
                        sef_fs::read_string(&p, 16 * 1024 * 1024).map_err(|e| {
                            AnalyzerError(format!("checksum file {c}: {}", e.reason()))
                        })
                    })
                    .map(|t| parse_checksums(&t))?,
            ),
        };

        // the declared artefacts
        let mut files: Vec<(String, PathBuf)> = Vec::new();
        let mut unmatched = Vec::new();
        let root = std::fs::canonicalize(ctx.root).unwrap_or_else(|_| ctx.root.to_owned());
        for pattern in &self.config.files {
            let before = files.len();
            if !pattern.contains(['*', '?', '[', '{']) {
                // a plain path: no walk
                let direct = root.join(pattern);
                if direct
                    .symlink_metadata()
                    .is_ok_and(|m| m.file_type().is_symlink())
                    && !pattern.split(['/', '\\']).any(|c| c == "..")
                {
                    files.push((pattern.clone(), direct));
                } else if let Some(p) = repo.resolve(pattern).filter(|p| p.is_file()) {
                    files.push((pattern.clone(), p));
                } else {
                    unmatched.push(pattern.clone());
                }
                continue;
            }
            let Ok(glob) = globset::Glob::new(pattern) else {
                continue;
            };
            let matcher = glob.compile_matcher();
            let base = glob_base(pattern);
            if let Some(dir) = if base.is_empty() {
                Some(root.clone())
            } else {
                repo.resolve(base)
            } {
                if dir.is_file() {
                    if matcher.is_match(pattern) {
                        files.push((pattern.clone(), dir));
                    }
                } else {
                    for e in ignore::WalkBuilder::new(&dir)
                        .standard_filters(false)
                        .follow_links(false)
                        .build()
                        .flatten()
                    {
                        if !e.file_type().is_some_and(|t| t.is_file() || t.is_symlink()) {
                            continue;
                        }
                        let rel = e
                            .path()
                            .strip_prefix(&root)
                            .unwrap_or(e.path())
                            .to_string_lossy()
                            .replace('\\', "/");
                        if matcher.is_match(&rel) && !rel.ends_with(".minisig") {
                            files.push((rel, e.into_path()));
                        }
                    }
                }
            }
            if files.len() == before {
                unmatched.push(pattern.clone());
            }
        }
        files.sort();
        files.dedup();
        progress.set_total(files.len() as u64);

        let mut rows = Vec::new();
        let mut findings = Vec::new();
        let mut unchecked = Vec::new();
        for (rel, path) in &files {
            progress.advance(1);
            let mut sig_path = path.as_os_str().to_owned();
            sig_path.push(".minisig");
            let sig_path = std::path::PathBuf::from(sig_path);
            let problem = cannot_check(path, rel).or_else(|| {
                // a signature that is there but cannot be read is not "unsigned"
                (sig_path.symlink_metadata().is_ok() && read_small(&sig_path).is_none()).then(|| {
                    (
                        "unreadable",
                        format!(
                            "{rel}.minisig cannot be read (a link, unreadable, or larger than {MAX_SMALL_FILE} bytes)"
                        ),
                    )
                })
            });
            if let Some((state, why)) = problem {
                unchecked.push(why.clone());
                rows.push(ArtifactCheck {
                    file: rel.clone(),
                    signature: state.to_owned(),
                    key: None,
                    detail: Some(why),
                    checksum: None,
                });
                continue;
            }
            let sig = read_small(&sig_path);
            let (state, key, detail) = match &sig {
                None => ("unsigned", None, None),
                Some(sig) => {
                    let mut outcome = ("invalid", None, None);
                    for (name, id, text) in &keys {
                        match sef_fs::open_regular(path, u64::MAX)
                            .map(|(f, _)| f)
                            .map_err(|e| e.reason())
                            .and_then(|f| sef_sign::verify(text, sig, f).map_err(|e| e.to_string()))
                        {
                            Ok(v) => {
                                outcome = (
                                    "verified",
                                    Some(format!("{id} ({name})")),
                                    Some(v.trusted_comment),
                                );
                                break;
                            }
                            Err(e) => outcome.2 = Some(e),
                        }
                    }
                    outcome
                }
            };
            match state {
                "verified" => {}
                "unsigned" => findings.push(finding(
                    "artifact/unsigned",
                    Severity::Medium,
                    rel,
                    format!("Release artefact {rel} is not signed"),
                    "sign it: sef sign FILE (or minisign -S), and ship FILE.minisig with it",
                )),
                _ => findings.push(finding(
                    "artifact/signature-invalid",
                    Severity::High,
                    rel,
                    format!("The signature of release artefact {rel} does not verify with the team's keys: the file was altered or signed with another key"),
                    "rebuild the artefact from a trusted source and sign it again; find out how it changed",
                )),
            }
            let checksum = match &checksums {
                None => None,
                Some(sums) => {
                    let name = rel.rsplit('/').next().unwrap_or(rel);
                    match sums.get(rel.as_str()).or_else(|| sums.get(name)) {
                        None => Some("not listed"),
                        Some(want) => match crate::provenance::sha256_file(path) {
                            Ok(got) if &got == want => Some("ok"),
                            Ok(_) => {
                                findings.push(finding(
                                    "artifact/checksum-mismatch",
                                    Severity::High,
                                    rel,
                                    format!("Release artefact {rel} does not match its SHA-256 in the checksum file"),
                                    "rebuild the artefact or the checksum file from a trusted build; find out how it changed",
                                ));
                                Some("mismatch")
                            }
                            Err(_) => Some("unreadable"),
                        },
                    }
                }
            };
            rows.push(ArtifactCheck {
                file: rel.clone(),
                signature: state.to_owned(),
                key,
                detail,
                checksum: checksum.map(str::to_owned),
            });
        }
        let mut problems = Vec::new();
        if !unmatched.is_empty() {
            problems.push(format!(
                "no artefact matches {}: build the release before assessing it, or fix [release_artifacts] files",
                unmatched.join(", ")
            ));
        }
        if !unchecked.is_empty() {
            problems.push(format!(
                "{} artefact(s) could not be checked: {}",
                unchecked.len(),
                unchecked.join("; ")
            ));
        }
        let partial = (!problems.is_empty()).then(|| problems.join("; "));
        Ok(AnalyzerOutput {
            tool: crate::sef_tool(ID),
            input_digest: None,
            partial,
            // "amount of offering with signed code and distribution
            // packages": the packages part is Signatures::verified() of all
            payload: EvidencePayload::Signatures(Signatures {
                artifacts: rows,
                keys: keys
                    .iter()
                    .map(|(name, id, _)| SigningKey {
                        file: name.clone(),
                        key_id: id.clone(),
                    })
                    .collect(),
            }),
            findings,
            notes: Vec::new(),
            artifacts: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_lines_and_glob_bases() {
        let sums = parse_checksums(&format!(
            "{}  app.tar.gz\n{} *dist/app.bin\nnot a line\n",
            "a".repeat(64),
            "B".repeat(64)
        ));
        assert_eq!(sums.get("app.tar.gz").map(String::len), Some(64));
        assert_eq!(sums.get("dist/app.bin").unwrap(), &"b".repeat(64));
        assert_eq!(sums.len(), 2);
        assert_eq!(glob_base("dist/*.tar.gz"), "dist");
        assert_eq!(glob_base("*.bin"), "");
        assert_eq!(glob_base("out/x/app.bin"), "out/x");
    }
}
