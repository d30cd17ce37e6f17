//! The history analyzer: mines the release range and turns it into the
//! `history` evidence: code-review coverage (developed and external code,
//! per component), commit signatures, and the release's contributors (new
//! ones, and identities the team file does not list). Invalid commit
//! signatures are integrity findings.

use crate::{AnalysisContext, Analyzer, AnalyzerError, AnalyzerOutput, HistoryError, Progress};
use sef_git::forge::{Forge, ForgeClient, ForgeKind, ForgeSettings};
use sef_git::review::{self, Review};
use sef_git::signing::{AllowedSigners, SigState, Verifier, find_gpg};
use sef_git::{History, MineOptions};
use sef_model::EvidencePayload;
use sef_model::evidence::history::{
    CommitRow, Contributors, ForgeUse, History as HistoryPayload, Outsider, Person, Range,
    ReviewSummary, SignatureProblem, SignatureSummary,
};
use sef_model::{EvidenceKind, Finding, FindingKind, Fingerprint, Location, Severity, ToolInfo};
use sef_plan::HistoryConfig;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// The analyzer id.
pub const ID: &str = "history";

/// At most this many commits are listed by name in each list of the payload.
const LIST_CAP: usize = 200;

/// The history analyzer.
pub struct HistoryAnalyzer {
    config: HistoryConfig,
}

impl HistoryAnalyzer {
    /// An analyzer with these settings.
    pub fn new(config: HistoryConfig) -> Self {
        HistoryAnalyzer { config }
    }
}

/// Everything the history step computes, for the analyzer and `sef history`.
pub struct Mined {
    /// The range.
    pub history: History,
    /// Each commit's review state.
    pub reviews: Vec<Review>,
    /// Each commit's signature state.
    pub signatures: Vec<SigState>,
    /// Facts the reader must know.
    pub notes: Vec<String>,
    /// Why the evidence is partial, if it is.
    pub partial: Vec<String>,
    /// The forge's request and cache counts, when it was used.
    pub forge: Option<(usize, usize)>,
}

/// Mines and classifies; `Ok(None)` when `root` is not in a git repository.
/// The forge token goes only to `token_hosts` (the user's choice).
pub fn run(
    root: &std::path::Path,
    config: &HistoryConfig,
    token_hosts: &[String],
    progress: &dyn Progress,
) -> Result<Option<Mined>, HistoryError> {
    progress.message("reading the git history");
    let Some(history) = sef_git::mine(
        root,
        &MineOptions {
            since: config.since.clone(),
            until: config.until.clone(),
            limit: config.max_commits,
        },
    )?
    else {
        return Ok(None);
    };
    let mut notes = Vec::new();
    let mut partial = Vec::new();
    if history.shallow {
        partial.push("shallow clone: coverage is computed on the history present only".to_owned());
    }
    if history.truncated {
        partial.push(format!(
            "only the newest {} commits of the range were read (max_commits)",
            config.max_commits
        ));
    }
    if history.detached {
        notes.push("HEAD is detached; the range ends at the checked-out commit".to_owned());
    }
    let mut forge_client = match &config.forge {
        None => None,
        Some(f) => {
            let cache_dir = match &f.cache {
                Some(c) => Some(root.join(c)),
                None => directories::ProjectDirs::from("", "", "sef")
                    .map(|d| d.cache_dir().join("forge")),
            };
            let token = std::env::var(&f.token_env).ok().filter(|t| !t.is_empty());
            if token.is_none() {
                notes.push(format!(
                    "no forge token in ${}: unauthenticated requests are heavily rate-limited",
                    f.token_env
                ));
            }
            let had_token = token.is_some();
            let kind = match f.kind {
                sef_plan::ForgeApi::GitHub => ForgeKind::GitHub,
                sef_plan::ForgeApi::GitLab => ForgeKind::GitLab,
            };
            let mut hosts = token_hosts.to_vec();
            if kind == ForgeKind::GitLab {
                hosts.push(sef_plan::DEFAULT_GITLAB_TOKEN_HOST.to_owned());
            }
            let client = ForgeClient::new(ForgeSettings {
                kind,
                base_url: f.base_url.clone(),
                repository: f.repository.clone(),
                token,
                token_hosts: hosts,
                cache_dir,
                max_retries: f.max_retries,
                max_wait: Duration::from_secs(f.max_wait_secs),
                timeout: Duration::from_secs(30),
            })?;
            if had_token && !client.sends_token() {
                notes.push(format!(
                    "the forge token in ${} was not sent: {} is not a host you allowed to receive it (sef.toml is repository content and cannot choose it); allow it with --forge-token-host or [forge] token_hosts in your own sef configuration",
                    f.token_env, f.base_url
                ));
            }
            Some(client)
        }
    };
    progress.message("deciding code review");
    let mut forge_error = None;
    let reviews = review::classify(
        &history,
        forge_client.as_mut().map(|g| g as &mut dyn Forge),
        &mut forge_error,
    );
    if let Some(e) = &forge_error {
        partial.push(format!(
            "the forge stopped answering ({e}); commits it would have decided are unknown"
        ));
    }
    progress.message("verifying commit signatures");
    let ssh = match &config.allowed_signers {
        Some(p) => Some(AllowedSigners::load(&root.join(p))?),
        None => None,
    };
    let verifier = Verifier {
        ssh,
        gpg: if config.gpg { find_gpg() } else { None },
        gpg_home: config.gpg_home.as_ref().map(|h| root.join(h)),
        gpg_keys: None,
    }
    .with_keyring();
    let signatures = verifier.verify_all(&history.commits);
    Ok(Some(Mined {
        forge: forge_client.as_ref().map(Forge::counts),
        history,
        reviews,
        signatures,
        notes,
        partial,
    }))
}

fn components(config: &HistoryConfig) -> Vec<(String, Vec<String>)> {
    if config.components.is_empty() {
        vec![("repository".to_owned(), vec![String::new()])]
    } else {
        config.components.clone()
    }
}

/// The evidence payload of a mined range.
pub fn payload(
    m: &Mined,
    config: &HistoryConfig,
    team_emails: Option<&BTreeSet<String>>,
) -> HistoryPayload {
    let h = &m.history;
    let cov = review::coverage(
        &h.commits,
        &m.reviews,
        &config.vendored,
        &components(config),
    );
    let mut unreviewed = Vec::new();
    let mut unknown = Vec::new();
    for (c, r) in h.commits.iter().zip(&m.reviews) {
        if c.is_merge() {
            continue;
        }
        let row = |why: &str| CommitRow {
            commit: c.short().to_owned(),
            author: c.author.email.clone(),
            subject: c.subject.clone(),
            why: why.to_owned(),
        };
        match r {
            Review::NotReviewed { why } if unreviewed.len() < LIST_CAP => unreviewed.push(row(why)),
            Review::Unknown { why } if unknown.len() < LIST_CAP => unknown.push(row(why)),
            _ => {}
        }
    }
    let mut sig_counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for (c, s) in h.commits.iter().zip(&m.signatures) {
        let key = match s {
            SigState::Unsigned => "unsigned",
            SigState::Verified { .. } => "verified",
            SigState::Invalid { .. } => "invalid",
            SigState::UnknownKey { .. } => "unknown_key",
            SigState::NotVerified { .. } => "not_verified",
        };
        *sig_counts.entry(key).or_default() += 1;
        if !matches!(s, SigState::Unsigned | SigState::Verified { .. }) && problems.len() < LIST_CAP
        {
            problems.push(SignatureProblem {
                commit: c.short().to_owned(),
                author: c.author.email.clone(),
                signature: s.clone(),
            });
        }
    }
    let total = h.commits.len();
    let verified = sig_counts.get("verified").copied().unwrap_or(0);
    let mut people: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for c in &h.commits {
        let e = people
            .entry(c.author.email.to_ascii_lowercase())
            .or_insert_with(|| (c.author.name.clone(), 0));
        e.1 += 1;
    }
    let contributors: Vec<Person> = people
        .iter()
        .map(|(email, (name, n))| Person {
            name: name.clone(),
            email: email.clone(),
            commits: *n,
            new: h
                .earlier_complete
                .then(|| !h.earlier_authors.contains(email)),
            in_team: team_emails.map(|t| t.contains(email)),
        })
        .collect();
    let new: Vec<String> = if h.earlier_complete {
        people
            .keys()
            .filter(|e| !h.earlier_authors.contains(*e))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    let outside: Option<Vec<Outsider>> = team_emails.map(|t| {
        people
            .iter()
            .filter(|(e, _)| !t.contains(*e))
            .map(|(e, (name, n))| Outsider {
                email: e.clone(),
                name: name.clone(),
                commits: *n,
            })
            .collect()
    });
    HistoryPayload {
        range: Range {
            base: h.base.clone(),
            until: h.until.clone(),
            commits: total,
            merges: h.commits.iter().filter(|c| c.is_merge()).count(),
            shallow: h.shallow,
            detached: h.detached,
            truncated: h.truncated,
            subdir: h.subdir.clone(),
        },
        review: ReviewSummary {
            developed: cov.developed,
            external: cov.external,
            components: cov.components,
            vendored_prefixes: config.vendored.clone(),
            unreviewed,
            unknown,
            forge: m
                .forge
                .map(|(requests, cached)| ForgeUse { requests, cached }),
        },
        signatures: SignatureSummary {
            commits: total,
            verified,
            unsigned: sig_counts.get("unsigned").copied().unwrap_or(0),
            invalid: sig_counts.get("invalid").copied().unwrap_or(0),
            unknown_key: sig_counts.get("unknown_key").copied().unwrap_or(0),
            not_verified: sig_counts.get("not_verified").copied().unwrap_or(0),
            allowed_signers: config.allowed_signers.clone(),
            problems,
        },
        contributors: Contributors {
            people: contributors,
            new: h.earlier_complete.then_some(new),
            outside_team: outside,
            team_emails_declared: team_emails.is_some(),
        },
    }
}

fn invalid_signature_finding(commit: &str, detail: &str) -> Finding {
    Finding {
        title: format!("commit {commit}: the signature does not verify ({detail})"),
        remediation: "Find out who altered the commit or forged the signature; the history after it cannot be trusted until then.".to_owned(),
        cwe: vec![sef_model::Cwe(347)],
        location: Some(Location {
            path: format!("commit:{commit}"),
            line: None,
            column: None,
        }),
        ..Finding::open(
            FindingKind::Integrity,
            ID,
            "commit/signature-invalid",
            Severity::High,
            Fingerprint::compute(["commit-signature", commit]),
        )
    }
}

impl Analyzer for HistoryAnalyzer {
    fn id(&self) -> &'static str {
        ID
    }

    fn kind(&self) -> EvidenceKind {
        EvidenceKind::History
    }

    fn tool(&self) -> ToolInfo {
        crate::sef_tool(ID)
    }

    fn run(
        &self,
        ctx: &AnalysisContext<'_>,
        progress: &dyn Progress,
    ) -> Result<AnalyzerOutput, AnalyzerError> {
        let mined = run(ctx.root, &self.config, &ctx.plan.forge_token_hosts, progress)?
            .ok_or_else(|| {
                AnalyzerError(
                    "not a git repository: there is no history to measure code review, signed commits or contributors on".into(),
                )
            })?;
        let team_emails = ctx.plan.security.team.as_ref().and_then(|t| t.emails());
        let payload = EvidencePayload::History(Box::new(payload(
            &mined,
            &self.config,
            team_emails.as_ref(),
        )));
        let findings = mined
            .history
            .commits
            .iter()
            .zip(&mined.signatures)
            .filter_map(|(c, s)| match s {
                SigState::Invalid { detail, .. } => {
                    Some(invalid_signature_finding(c.short(), detail))
                }
                _ => None,
            })
            .collect();
        Ok(AnalyzerOutput {
            tool: crate::sef_tool(ID),
            input_digest: None,
            partial: (!mined.partial.is_empty()).then(|| mined.partial.join("; ")),
            payload,
            findings,
            notes: mined.notes,
            artifacts: Vec::new(),
        })
    }
}
