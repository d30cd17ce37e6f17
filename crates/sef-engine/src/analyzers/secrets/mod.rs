//! The secrets analyzer: scans the working tree in parallel (honouring
//! .gitignore, skipping binaries and files over the size cap) and, with
//! `history`, every distinct blob of the git history once, with the
//! built-in rules or a gitleaks configuration. Findings are redacted; a
//! baseline file and inline `sef:allow <reason>` comments hold triaged
//! false positives.

pub mod baseline;
pub mod blobs;
mod tree;

use crate::{AnalysisContext, Analyzer, AnalyzerError, AnalyzerOutput, Progress, SecretsError};
use sef_model::EvidencePayload;
use sef_model::evidence::secrets::{
    AllowedInline, BaselineUsed, RulesUsed, Secrets as SecretsPayload,
};
pub use sef_model::evidence::secrets::{Introduced, Located, Stats};
use sef_model::{EvidenceKind, Finding, FindingKind, Fingerprint, Location, Severity, ToolInfo};
use sef_plan::SecretsConfig;
use sef_secrets::RuleSet;
use std::collections::BTreeMap;
use std::path::Path;

/// The analyzer id.
pub const ID: &str = "secrets";

/// Lists in the payload hold at most this many entries.
const LIST_CAP: usize = 500;

/// The rule set for a plan: the gitleaks configuration it names, or the
/// built-in rules.
/// With `allow_outside` (`--allow-outside-repo`), its `[extend] path` may
/// leave the repository.
pub fn rule_set(
    root: &Path,
    config: &SecretsConfig,
    allow_outside: bool,
) -> Result<(RuleSet, String), sef_secrets::ConfigError> {
    match &config.config {
        None => Ok((sef_secrets::builtin::rule_set(), "built-in".to_owned())),
        Some(c) => {
            let path = root.join(c);
            let loaded = sef_secrets::gitleaks::load(&path, (!allow_outside).then_some(root))?;
            Ok((loaded.set, c.clone()))
        }
    }
}

/// A finished scan.
pub struct Scan {
    /// Secrets found (before the baseline and inline allows).
    pub found: Vec<Located>,
    /// Tree counts.
    pub stats: Stats,
    /// History counts, when the history was scanned.
    pub history: Option<blobs::HistoryStats>,
}

impl Scan {
    /// Why the scan did not look at everything (unreadable files, folders,
    /// blobs or references), or `None` when it did.
    pub fn incomplete(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.stats.unreadable_count > 0 {
            parts.push(format!(
                "{} file(s) or folder(s) could not be read (first: {})",
                self.stats.unreadable_count,
                self.stats.unreadable.first().map_or("", String::as_str)
            ));
        }
        if let Some(h) = &self.history
            && h.unreadable_count > 0
        {
            parts.push(format!(
                "{} object(s) or reference(s) of the git history could not be read (first: {})",
                h.unreadable_count,
                h.unreadable.first().map_or("", String::as_str)
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Scans the tree and, if asked, the history. One secret in one file is
/// one finding, at its first line (`also_at` lists the others). With the
/// history, each secret of the tree is attributed to the oldest commit
/// that brought that secret in under any path (a moved or renamed file
/// keeps its introducer), and secrets found only in the history are
/// reported once per file, marked as not in the tree.
pub fn scan(
    root: &Path,
    set: &RuleSet,
    max_file_bytes: u64,
    history: bool,
    progress: &dyn Progress,
) -> Result<Scan, SecretsError> {
    progress.message("scanning the working tree");
    let (found, stats) = tree::scan(root, set, max_file_bytes, progress);
    let mut found = one_per_file(found);
    let mut hist = None;
    if history {
        progress.message("scanning every blob of the git history");
        let (hits, hs) = blobs::scan(root, set, max_file_bytes)?;
        let key = |l: &Located| (l.hit.rule.clone(), l.hit.secret.digest.clone());
        // the oldest introduction of each secret, under whatever path
        let mut oldest: std::collections::HashMap<(String, String), Introduced> =
            std::collections::HashMap::new();
        for h in &hits {
            if let Some(i) = &h.introduced {
                let e = oldest.entry(key(h)).or_insert_with(|| i.clone());
                if i.time < e.time {
                    *e = i.clone();
                }
            }
        }
        // the same value allowed inline in the tree does not cover a place
        // in the history where it was not allowed
        let placed = |l: &Located| (key(l), l.hit.allowed.is_some());
        let in_tree: std::collections::HashSet<((String, String), bool)> =
            found.iter().map(placed).collect();
        for l in &mut found {
            if let Some(i) = oldest.get(&key(l)) {
                l.introduced = Some(i.clone());
            }
        }
        let mut only: Vec<Located> = hits
            .into_iter()
            .filter(|h| !in_tree.contains(&placed(h)))
            .collect();
        // a file changed many times holds the secret in many blobs: the
        // oldest stands for all
        only.sort_by_key(|h| h.introduced.as_ref().map_or(i64::MAX, |i| i.time));
        let mut seen = std::collections::HashSet::new();
        only.retain(|h| seen.insert(h.fingerprint.clone()));
        for mut h in only {
            h.in_tree = false;
            if let Some(i) = oldest.get(&key(&h)) {
                h.introduced = Some(i.clone());
            }
            found.push(h);
        }
        hist = Some(hs);
    }
    found.sort_by(|a, b| {
        (&a.path, a.hit.line, &a.hit.rule).cmp(&(&b.path, b.hit.line, &b.hit.rule))
    });
    Ok(Scan {
        found,
        stats,
        history: hist,
    })
}

/// Scans what is staged for the next commit (`sef secrets scan --staged`,
/// a pre-commit hook): each file whose staged content differs from HEAD's,
/// as staged. Line numbers are those of the staged content.
pub fn scan_staged(root: &Path, set: &RuleSet, max_file_bytes: u64) -> Result<Scan, SecretsError> {
    use sef_git::staged::StagedContent;
    let mut stats = Stats::default();
    let mut found = Vec::new();
    for f in sef_git::staged::staged(root, max_file_bytes)? {
        // an allowlisted path is not scanned
        if set.path_allowed(&f.path) {
            continue;
        }
        let data = match f.content {
            StagedContent::TooLarge => {
                stats.too_large += 1;
                continue;
            }
            StagedContent::Unreadable(why) => {
                stats.unreadable_count += 1;
                if stats.unreadable.len() < LIST_CAP {
                    stats.unreadable.push(format!("{}: {why}", f.path));
                }
                continue;
            }
            StagedContent::Data(d) => d,
        };
        if sef_secrets::is_binary(&data) {
            stats.binary += 1;
            continue;
        }
        stats.files += 1;
        stats.bytes += data.len() as u64;
        found.extend(
            set.scan(&f.path, &data, None)
                .into_iter()
                .map(|h| Located::new(&f.path, h, None, true)),
        );
    }
    Ok(Scan {
        found: one_per_file(found),
        stats,
        history: None,
    })
}

/// Repeats of one secret in one file (same fingerprint, same inline
/// allowance) merged into the first, the other lines kept in `also_at`.
fn one_per_file(mut found: Vec<Located>) -> Vec<Located> {
    found.sort_by(|a, b| {
        (&a.path, a.hit.line, a.hit.column).cmp(&(&b.path, b.hit.line, b.hit.column))
    });
    let mut out: Vec<Located> = Vec::with_capacity(found.len());
    let mut at: std::collections::HashMap<(String, bool), usize> = std::collections::HashMap::new();
    for l in found {
        match at.get(&(l.fingerprint.clone(), l.hit.allowed.is_some())) {
            Some(&i) => {
                if l.hit.line != out[i].hit.line && !out[i].also_at.contains(&l.hit.line) {
                    out[i].also_at.push(l.hit.line);
                }
            }
            None => {
                at.insert((l.fingerprint.clone(), l.hit.allowed.is_some()), out.len());
                out.push(l);
            }
        }
    }
    out
}

/// The secrets analyzer.
pub struct SecretsAnalyzer {
    config: SecretsConfig,
}

impl SecretsAnalyzer {
    /// An analyzer with these settings.
    pub fn new(config: SecretsConfig) -> Self {
        SecretsAnalyzer { config }
    }
}

fn finding(l: &Located, severity: Severity) -> Finding {
    let where_ = match &l.introduced {
        Some(i) if !l.in_tree => format!(
            " (in the history only: commit {})",
            &i.commit[..i.commit.len().min(12)]
        ),
        _ => String::new(),
    };
    let again = match l.also_at.as_slice() {
        [] => String::new(),
        lines => format!(
            "; also on line{} {}",
            if lines.len() == 1 { "" } else { "s" },
            lines
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Finding {
        title: format!(
            "{}: {} ({} characters){where_}{again}",
            l.hit.description, l.hit.secret.prefix, l.hit.secret.length,
        ),
        remediation: "Revoke and rotate the credential, remove it from the code (and the history), and read it from a secret store or the environment instead. A false positive goes in the baseline (sef secrets scan --write-baseline) or gets an inline `sef:allow <reason>` comment.".to_owned(),
        cwe: vec![sef_model::Cwe(sef_secrets::CWE)],
        location: Some(Location {
            path: l.path.clone(),
            line: (l.hit.line > 0).then(|| u32::try_from(l.hit.line).unwrap_or(u32::MAX)),
            column: (l.hit.column > 0).then(|| u32::try_from(l.hit.column).unwrap_or(u32::MAX)),
        }),
        ..Finding::open(
            FindingKind::Secret,
            ID,
            format!("secret/{}", l.hit.rule),
            severity,
            Fingerprint::from_stored(l.fingerprint.clone()),
        )
    }
}

/// Splits found secrets into reported, inline-allowed and baselined.
pub fn triage<'a>(
    found: &'a [Located],
    base: &baseline::Baseline,
) -> (Vec<&'a Located>, Vec<&'a Located>, Vec<&'a Located>) {
    let mut open = Vec::new();
    let mut allowed = Vec::new();
    let mut baselined = Vec::new();
    for l in found {
        if l.hit.allowed.is_some() {
            allowed.push(l);
        } else if base.contains(&l.fingerprint)
            || l.legacy_fingerprint
                .as_deref()
                .is_some_and(|f| base.contains(f))
        {
            baselined.push(l);
        } else {
            open.push(l);
        }
    }
    (open, allowed, baselined)
}

impl Analyzer for SecretsAnalyzer {
    fn id(&self) -> &'static str {
        ID
    }

    fn kind(&self) -> EvidenceKind {
        EvidenceKind::Secrets
    }

    fn tool(&self) -> ToolInfo {
        crate::sef_tool(ID)
    }

    fn run(
        &self,
        ctx: &AnalysisContext<'_>,
        progress: &dyn Progress,
    ) -> Result<AnalyzerOutput, AnalyzerError> {
        let (mut set, source) = rule_set(ctx.root, &self.config, ctx.plan.allow_outside_repo)?;
        let base = baseline::Baseline::load(&ctx.root.join(&self.config.baseline))?;
        set.salt = base.salt_for(&ctx.plan.offering.name);
        let s = scan(
            ctx.root,
            &set,
            self.config.max_file_bytes,
            self.config.history,
            progress,
        )?;
        let (open, allowed, baselined) = triage(&s.found, &base);
        let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for l in &open {
            *by_rule.entry(l.hit.rule.as_str()).or_default() += 1;
        }
        let mut notes = Vec::new();
        if !set.problems.is_empty() {
            notes.push(format!(
                "{}: {} construct(s) not used (see the secrets evidence)",
                source,
                set.problems.len()
            ));
        }
        let partial = s.incomplete();
        let payload = EvidencePayload::Secrets(Box::new(SecretsPayload {
            rules: RulesUsed {
                source: source.clone(),
                count: set.rules.len(),
                keywords: set.keyword_count(),
                problems: set.problems.clone(),
            },
            scanned: s.stats.clone(),
            history: s.history.clone(),
            found: open.len(),
            by_rule: by_rule
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            secrets: open.iter().take(LIST_CAP).map(|l| (*l).clone()).collect(),
            allowed_inline: allowed
                .iter()
                .take(LIST_CAP)
                .map(|l| AllowedInline {
                    path: l.path.clone(),
                    line: l.hit.line,
                    rule: l.hit.rule.clone(),
                    reason: l.hit.allowed.clone(),
                })
                .collect(),
            baselined: baselined.len(),
            baseline: BaselineUsed {
                file: self.config.baseline.clone(),
                entries: base.len(),
            },
        }));
        Ok(AnalyzerOutput {
            tool: crate::sef_tool(ID),
            input_digest: None,
            partial,
            payload,
            findings: open
                .iter()
                .map(|l| finding(l, self.config.severity))
                .collect(),
            notes,
            artifacts: Vec::new(),
        })
    }
}
