//! The security plan as code: `sef.toml`.
//!
//! Each offering keeps its security plan in its repository. This crate
//! loads that file, validates it strictly (unknown keys and bad values are
//! errors that name the file, line and column and say what is expected) and
//! turns it into a [`Plan`]. When a repository has no `sef.toml`, a plan of
//! defaults is built and marked as such so reports can say so.
//!
//! The security plan's sections (`[pti]`, `[checklist]`, `[requirements]`,
//! `[documentation]`, `[team]`) are written inline in `sef.toml` or each in
//! its own file under `security/` (see [`security`]).
//!
//! It reads those plan files and must not touch anything else: no network,
//! no store, no analyzers.

mod analyzers;
mod confine;
mod ctx;
mod error;
pub mod migrate;
pub mod policy;
mod raw;
mod sections;
pub mod security;
mod template;
mod threat;
pub use threat::{
    DEFAULT_THREAT_MODEL_DIR, DEFAULT_THREAT_REVIEW_MAX_DAYS, DiagramEngine, ThreatModelConfig,
};

pub use error::PlanError;
pub use security::{PtiPlan, RequirementsPlan, SecurityPlan};
pub use template::template;

use sef_model::{Digest, Offering, OfferingKind, Phase, Release};
use std::path::{Path, PathBuf};

/// The file name of the plan inside a repository.
pub const PLAN_FILE: &str = "sef.toml";

/// Plans larger than this are refused before parsing.
pub const MAX_PLAN_BYTES: u64 = 1024 * 1024;

/// The release version used when the plan names none.
pub const UNVERSIONED: &str = "unversioned";

/// Settings of the repository-facts analyzer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoFactsConfig {
    /// Whether the analyzer runs.
    pub enabled: bool,
    /// Files larger than this are counted but their lines are not.
    pub max_file_bytes: u64,
    /// Also walk directories that .gitignore excludes.
    pub include_ignored: bool,
}

impl Default for RepoFactsConfig {
    fn default() -> Self {
        RepoFactsConfig {
            enabled: true,
            max_file_bytes: 8 * 1024 * 1024,
            include_ignored: false,
        }
    }
}

/// Settings of the inventory analyzer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryConfig {
    /// Whether the analyzer runs.
    pub enabled: bool,
    /// Also read lockfiles under node_modules, vendor, target and virtualenvs.
    pub scan_vendored: bool,
    /// Also walk files that .gitignore excludes.
    pub include_ignored: bool,
    /// Lockfiles larger than this are skipped with a diagnostic.
    pub max_file_bytes: u64,
    /// Paths whose lockfiles and manifests describe something other than
    /// what the offering ships (examples, test fixtures, documentation), in
    /// `.gitignore` syntax. Their components are counted as excluded, never
    /// findings or SBOM components.
    pub exclude: Vec<String>,
}

/// The paths `[analyzers.inventory] exclude` holds when the plan does not
/// set it: example projects, test data and fixtures, documentation.
pub const DEFAULT_INVENTORY_EXCLUDES: &[&str] = &[
    "examples/",
    "example/",
    "testdata/",
    "test/fixtures/",
    "tests/fixtures/",
    "docs/",
];

impl Default for InventoryConfig {
    fn default() -> Self {
        InventoryConfig {
            enabled: true,
            scan_vendored: false,
            include_ignored: false,
            max_file_bytes: 256 * 1024 * 1024,
            exclude: DEFAULT_INVENTORY_EXCLUDES
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        }
    }
}

/// Settings of the known-vulnerabilities analyzer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VulnerabilitiesConfig {
    /// Whether the analyzer runs.
    pub enabled: bool,
    /// A database older than this many days makes the evidence partial.
    pub max_age_days: u32,
}

impl Default for VulnerabilitiesConfig {
    fn default() -> Self {
        VulnerabilitiesConfig {
            enabled: true,
            max_age_days: 7,
        }
    }
}

/// Which analyzers run, and their settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalyzersConfig {
    /// `[analyzers.repo-facts]`.
    pub repo_facts: RepoFactsConfig,
    /// `[analyzers.inventory]`.
    pub inventory: InventoryConfig,
    /// `[analyzers.vulnerabilities]`.
    pub vulnerabilities: VulnerabilitiesConfig,
    /// `[[analyzers.sarif]]`: analysis tools whose SARIF sef reads.
    pub sarif: Vec<SarifSource>,
    /// `[analyzers.junit]`: test results sef reads.
    pub junit: Option<JunitConfig>,
    /// `[analyzers.history]`: code review, commit signatures and
    /// contributors from the git history. `None`: the section is absent
    /// (sef then mines with the defaults when the repository root is a git
    /// work tree).
    pub history: Option<HistoryConfig>,
    /// `[analyzers.secrets]`: hard-coded secret detection.
    pub secrets: SecretsConfig,
}

/// `[analyzers.secrets]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretsConfig {
    /// On unless `enabled = false`.
    pub enabled: bool,
    /// A gitleaks TOML configuration, relative to the repository root
    /// (default: sef's built-in rules).
    pub config: Option<String>,
    /// The baseline of triaged findings, relative to the repository root.
    pub baseline: String,
    /// Also scan every blob of the git history.
    pub history: bool,
    /// Files larger than this are skipped (and counted).
    pub max_file_bytes: u64,
    /// The findings' severity.
    pub severity: sef_model::Severity,
}

impl Default for SecretsConfig {
    fn default() -> Self {
        SecretsConfig {
            enabled: true,
            config: None,
            baseline: ".sef-secrets-baseline.json".into(),
            history: false,
            max_file_bytes: 10 * 1024 * 1024,
            severity: sef_model::Severity::High,
        }
    }
}

/// `[analyzers.history]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryConfig {
    /// `enabled = false` turns history mining off.
    pub enabled: bool,
    /// Start of the release range: a tag, commit or `YYYY-MM-DD` (default:
    /// the previous tag on the first-parent line).
    pub since: Option<String>,
    /// End of the range (default HEAD).
    pub until: Option<String>,
    /// Path prefixes of external (vendored) code.
    pub vendored: Vec<String>,
    /// Components: a name and its path prefixes (default: the whole
    /// repository, one component).
    pub components: Vec<(String, Vec<String>)>,
    /// At most this many commits, newest first.
    pub max_commits: usize,
    /// The `allowed_signers` file for SSH-signed commits, relative to the
    /// repository root.
    pub allowed_signers: Option<String>,
    /// Verify OpenPGP signatures with gpg when it is installed.
    pub gpg: bool,
    /// GNUPGHOME for gpg.
    pub gpg_home: Option<String>,
    /// The forge integration.
    pub forge: Option<ForgeConfig>,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig {
            enabled: true,
            since: None,
            until: None,
            vendored: ["vendor/", "third_party/", "third-party/", "external/"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            components: Vec::new(),
            max_commits: 200_000,
            allowed_signers: None,
            gpg: true,
            gpg_home: None,
            forge: None,
        }
    }
}

/// `[analyzers.history.forge]`: pull requests and reviews from GitHub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForgeConfig {
    /// `github` or `gitlab`.
    pub kind: ForgeApi,
    /// The REST API base URL (GitHub Enterprise: `https://HOST/api/v3`;
    /// GitLab: `https://HOST/api/v4`).
    pub base_url: String,
    /// `owner/name` (GitLab: `group/subgroup/name`).
    pub repository: String,
    /// The environment variable holding the token.
    pub token_env: String,
    /// The cache directory (default: sef's user cache directory).
    pub cache: Option<String>,
    /// Retries after a rate limit or server error.
    pub max_retries: u32,
    /// The longest wait accepted, in seconds.
    pub max_wait_secs: u64,
}

/// Which forge API `[analyzers.history.forge]` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForgeApi {
    /// GitHub.com, GitHub Enterprise and mirrors of its REST API.
    GitHub,
    /// GitLab.com and self-managed GitLab (REST API v4).
    GitLab,
}

/// The one host that receives the forge token unless the user allows more.
pub const DEFAULT_FORGE_TOKEN_HOST: &str = "api.github.com";

/// The host that also receives the token when the forge is GitLab.
pub const DEFAULT_GITLAB_TOKEN_HOST: &str = "gitlab.com";

/// The regular expression that marks a test as a security test by its
/// class or name, unless `[analyzers.junit] security_pattern` says otherwise.
pub const DEFAULT_SECURITY_TEST_PATTERN: &str = r"(?i)secur|auth|crypt|inject|xss|csrf|sqli|vuln|fuzz|sanitiz|escap|permission|access.?control|tls|cert|password|token|session";

/// `[analyzers.junit]`: JUnit XML results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JunitConfig {
    /// JUnit files or directories of them, relative to the repository.
    pub files: Vec<String>,
    /// Tests whose `class::name` matches are security tests (as are tests
    /// with a `security` property set to true).
    pub security_pattern: String,
}

/// One `[[analyzers.sarif]]`: a SARIF file in the repository, and
/// optionally the command that writes it (run from the repository root,
/// without a shell, before the file is read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SarifSource {
    /// A label, e.g. `semgrep`.
    pub name: String,
    /// The SARIF file, relative to the repository root.
    pub file: String,
    /// The program and its arguments.
    pub command: Option<Vec<String>>,
    /// Seconds before the command is stopped.
    pub timeout_secs: u64,
    /// Exit codes that mean the command ran to the end (default `[0]`;
    /// tools such as bandit exit 1 when they find something). Any other
    /// exit, or a signal, fails the evidence without reading the file.
    pub ok_exit_codes: Vec<i32>,
}

/// `[[risk_acceptances]]`: a known risk an approver accepted until a date.
/// It names an advisory (`id`), a package, or both: an advisory in every
/// package, every advisory of one package, or one advisory in one package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskAcceptance {
    /// The advisory or rule id (an alias such as a CVE id works too); every
    /// advisory of `package` when absent.
    pub id: Option<String>,
    /// Only findings on this package (all packages when absent).
    pub package: Option<String>,
    /// Why the risk is accepted.
    pub justification: String,
    /// Who accepted it.
    pub approver: String,
    /// The last day it holds; from the day after, the finding is open again.
    pub expires: chrono::NaiveDate,
    /// The line of the entry in `sef.toml`.
    pub line: usize,
    /// The approver's signature of the entry (`sef plan sign-acceptance`):
    /// SSH (`ssh-keygen -Y sign -n sef-decision`) or minisign, verified
    /// against the team file's keys for the approver. Without it the
    /// acceptance is self-asserted.
    pub signature: Option<String>,
}

/// `[checkpoints]`: how the phase gates are decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointsConfig {
    /// A criterion that is not measured fails the gate.
    pub strict: bool,
    /// The threat model's path (default: the first of
    /// `security/threat-model.md`, `docs/threat-model.md`, `THREAT_MODEL.md`).
    pub threat_model: Option<String>,
    /// Criteria switched off for this offering.
    pub disabled: Vec<String>,
    /// Open findings at or above this severity block the develop exit.
    pub block_severity: sef_model::Severity,
    /// `dev_block_severity`: the blocking severity for findings in
    /// components used only in development (a lockfile's dev scope); `None`
    /// blocks them like any other, at `block_severity`.
    pub dev_block_severity: Option<sef_model::Severity>,
    /// `unknown_severity`: the severity a finding of unknown severity (an
    /// advisory that rates none) counts as at the gate; `None` treats it
    /// as at or above every threshold, so it blocks.
    pub unknown_severity: Option<sef_model::Severity>,
    /// A KPI built from items of known and unknown state (commits whose
    /// review or signature is unknown) is not measured when the unknown
    /// share exceeds this percentage.
    pub max_unknown_percent: u8,
    /// `acceptance_max_days`: when set, every risk acceptance (plan entry
    /// or triage decision) must expire, at most this many days after it
    /// was granted; one that does not is not honoured.
    pub acceptance_max_days: Option<u32>,
    /// The line of each key the plan set (`block_severity`, …, and
    /// `disabled:ID` for each disabled criterion), to name it when the
    /// organisation's policy refuses it.
    pub set_lines: std::collections::BTreeMap<String, usize>,
    /// Criteria the organisation's policy locks: never disabled, and a
    /// gate failed on one is never overridden.
    pub locked: Vec<String>,
}

impl CheckpointsConfig {
    /// The acceptance policy the status model applies.
    pub fn acceptance_policy(&self) -> sef_model::AcceptancePolicy {
        sef_model::AcceptancePolicy {
            max_days: self.acceptance_max_days,
        }
    }
}

/// The default of `[checkpoints] max_unknown_percent`.
pub const DEFAULT_MAX_UNKNOWN_PERCENT: u8 = 20;

impl Default for CheckpointsConfig {
    fn default() -> Self {
        CheckpointsConfig {
            strict: false,
            threat_model: None,
            disabled: Vec::new(),
            block_severity: sef_model::Severity::High,
            dev_block_severity: None,
            unknown_severity: None,
            max_unknown_percent: DEFAULT_MAX_UNKNOWN_PERCENT,
            acceptance_max_days: None,
            set_lines: std::collections::BTreeMap::new(),
            locked: Vec::new(),
        }
    }
}

/// `[release_artifacts]`: the files a release ships, the team's public
/// keys that sign them, and an optional `sha256sum`-style checksum file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseArtifacts {
    /// Paths or globs, relative to the repository.
    pub files: Vec<String>,
    /// minisign public key files.
    pub public_keys: Vec<String>,
    /// A checksum file (`<sha256>  <name>` lines).
    pub checksums: Option<String>,
}

/// `[incident_response]`: who handles security incidents, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentResponseConfig {
    /// The contact: an address or URL.
    pub contact: String,
    /// The process document in the repository.
    pub process: String,
}

/// Where penetration-test records live when `[resilience] records` does
/// not say.
pub const DEFAULT_RESILIENCE_RECORDS: &str = "security/tests";

/// How recent a completed penetration test must be for the qualify
/// criterion, when `[resilience] max_age_days` does not say.
pub const DEFAULT_RESILIENCE_MAX_AGE_DAYS: u32 = 365;

/// `[resilience]`: the release's resilience-testing scope and policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResilienceConfig {
    /// What a penetration test must cover: `component:…`, `endpoint:…`,
    /// `asset:…` (normalised).
    pub scope: Vec<String>,
    /// The folder of test records, relative to the repository.
    pub records: String,
    /// A completed test counts for the qualify criterion within this many
    /// days.
    pub max_age_days: u32,
    /// A test covers its scope once its findings at or above this severity
    /// have been retested (default high).
    pub retest_severity: sef_model::Severity,
}

/// Where the plan came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanSource {
    /// A `sef.toml` file, with the digest of its bytes.
    File {
        /// The file's path.
        path: PathBuf,
        /// SHA-256 of the file's bytes.
        digest: Digest,
    },
    /// No file: defaults were used.
    Defaults,
}

/// A validated security plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The offering.
    pub offering: Offering,
    /// The release being assessed.
    pub release: Release,
    /// Analyzer settings.
    pub analyzers: AnalyzersConfig,
    /// Accepted risks.
    pub risk_acceptances: Vec<RiskAcceptance>,
    /// Where the plan came from.
    pub source: PlanSource,
    /// Sections present in the file that this version of sef accepts but
    /// does not evaluate yet (none today), so reports can say they were not
    /// evaluated.
    pub pending_sections: Vec<String>,
    /// The security plan: PTI, checklist, requirements, documentation plan
    /// and team.
    pub security: SecurityPlan,
    /// The `security/` files read, relative to the repository root.
    pub security_files: Vec<String>,
    /// `[kpo]`: the release's key performance objectives (the PTI tier's
    /// defaults apply to the KPIs not listed).
    pub kpo: Vec<sef_process::kpi::kpo::Objective>,
    /// `[checkpoints]`.
    pub checkpoints: CheckpointsConfig,
    /// `[incident_response]`.
    pub incident_response: Option<IncidentResponseConfig>,
    /// `[release_artifacts]`.
    pub release_artifacts: Option<ReleaseArtifacts>,
    /// `[resilience]`.
    pub resilience: Option<ResilienceConfig>,
    /// `[threat_model]`.
    pub threat_model: Option<ThreatModelConfig>,
    /// Paths the plan names may leave the repository. Never read from the
    /// plan (repository content must not widen its own reach): the command
    /// line's `--allow-outside-repo` sets it.
    pub allow_outside_repo: bool,
    /// The hosts that may receive the forge token. Never read from the
    /// plan: the user's configuration (`~/.config/sef/config.toml`) and
    /// `--forge-token-host` set it; the default is `api.github.com`.
    pub forge_token_hosts: Vec<String>,
    /// The organisation's policy applied to this plan, verified
    /// ([`Plan::apply_policy`]). Never read from the plan.
    pub policy: Option<policy::AppliedPolicy>,
}

impl Plan {
    /// The plan used when a repository has no `sef.toml`: the offering is
    /// named after the directory.
    pub fn defaults_for(root: &Path) -> Plan {
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "unnamed-offering".to_owned());
        Plan {
            offering: Offering {
                name,
                owner_team: None,
                kind: OfferingKind::Product,
                business_unit: None,
                peer_group: None,
            },
            release: Release {
                version: UNVERSIONED.to_owned(),
                phase: Phase::Develop,
                version_source: sef_model::VersionSource::None,
            },
            analyzers: AnalyzersConfig::default(),
            risk_acceptances: Vec::new(),
            source: PlanSource::Defaults,
            pending_sections: Vec::new(),
            security: SecurityPlan::default(),
            security_files: Vec::new(),
            kpo: Vec::new(),
            checkpoints: CheckpointsConfig::default(),
            incident_response: None,
            release_artifacts: None,
            resilience: None,
            threat_model: None,
            allow_outside_repo: false,
            forge_token_hosts: vec![DEFAULT_FORGE_TOKEN_HOST.to_owned()],
            policy: None,
        }
    }

    /// Loads `root/sef.toml`, or the defaults when it does not exist.
    /// `root` should be absolute so the default name is meaningful.
    pub fn load(root: &Path) -> Result<Plan, PlanError> {
        let path = root.join(PLAN_FILE);
        let mut plan = match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Plan::defaults_for(root),
            Err(source) => return Err(PlanError::Io { path, source }),
            Ok(_) => Plan::from_file(&path)?,
        };
        plan.load_security_dir(root)?;
        Ok(plan)
    }

    /// Reads and validates one plan file (its inline sections only; see
    /// [`Plan::load`] for the `security/` files beside it).
    pub fn from_file(path: &Path) -> Result<Plan, PlanError> {
        let bytes = read_bounded(path)?;
        let text = utf8(path, &bytes)?;
        let mut plan = Plan::parse(path, text)?;
        plan.source = PlanSource::File {
            path: path.to_owned(),
            digest: Digest::of_parts([&bytes]),
        };
        Ok(plan)
    }

    /// Reads `root/security/<section>.toml` for each section present,
    /// refusing a section that is also inline in `sef.toml`.
    pub fn load_security_dir(&mut self, root: &Path) -> Result<(), PlanError> {
        for section in security::SECTIONS {
            let rel = format!("{}/{section}.toml", security::SECURITY_DIR);
            let path = root.join(&rel);
            match std::fs::symlink_metadata(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(source) => return Err(PlanError::Io { path, source }),
                Ok(_) => {}
            }
            let bytes = read_bounded(&path)?;
            let text = utf8(&path, &bytes)?;
            let ctx = ctx::Ctx {
                path: &path,
                display: rel.clone(),
                text,
            };
            let raw = security::parse_section_file(&ctx, section)?;
            security::merge(&ctx, raw, &mut self.security, &|_| PLAN_FILE.to_owned())?;
            self.security_files.push(rel);
        }
        Ok(())
    }

    /// Builds a plan from the texts of its files, as a repository holds
    /// them: `sef.toml` and any `security/<section>.toml`, each given as
    /// (path relative to the repository, text). `sef serve` reads the plan
    /// files uploaded with a run this way; the checks are those of
    /// [`Plan::load`], and a file it would not read is refused.
    pub fn from_texts(files: &[(String, String)]) -> Result<Plan, PlanError> {
        let main = files
            .iter()
            .find(|(p, _)| p == PLAN_FILE)
            .ok_or_else(|| PlanError::NotUploaded(PLAN_FILE.to_owned()))?;
        let path = Path::new(PLAN_FILE);
        if main.1.len() as u64 > MAX_PLAN_BYTES {
            return Err(PlanError::TooLarge {
                path: path.to_owned(),
                limit: MAX_PLAN_BYTES,
            });
        }
        let mut plan = Plan::parse(path, &main.1)?;
        plan.source = PlanSource::File {
            path: path.to_owned(),
            digest: Digest::of_parts([main.1.as_bytes()]),
        };
        for (rel, text) in files {
            if rel == PLAN_FILE {
                continue;
            }
            let section = rel
                .strip_prefix(&format!("{}/", security::SECURITY_DIR))
                .and_then(|f| f.strip_suffix(".toml"))
                .filter(|s| security::SECTIONS.contains(s))
                .ok_or_else(|| PlanError::NotUploaded(format!("{rel} is not a plan file")))?;
            let path = Path::new(rel);
            if text.len() as u64 > MAX_PLAN_BYTES {
                return Err(PlanError::TooLarge {
                    path: path.to_owned(),
                    limit: MAX_PLAN_BYTES,
                });
            }
            let ctx = ctx::Ctx {
                path,
                display: rel.clone(),
                text,
            };
            let raw = security::parse_section_file(&ctx, section)?;
            security::merge(&ctx, raw, &mut plan.security, &|_| PLAN_FILE.to_owned())?;
            plan.security_files.push(rel.clone());
        }
        Ok(plan)
    }

    /// Parses plan text; `path` is used in error messages only.
    pub fn parse(path: &Path, text: &str) -> Result<Plan, PlanError> {
        raw::parse(path, text)
    }
}

/// Reads a plan file: a regular file (a FIFO or a device is refused before
/// it can hang or flood sef) of at most [`MAX_PLAN_BYTES`].
fn read_bounded(path: &Path) -> Result<Vec<u8>, PlanError> {
    sef_fs::read(path, MAX_PLAN_BYTES).map_err(|e| match e {
        sef_fs::ReadError::TooLarge { .. } => PlanError::TooLarge {
            path: path.to_owned(),
            limit: MAX_PLAN_BYTES,
        },
        sef_fs::ReadError::Io { source, .. } => PlanError::Io {
            path: path.to_owned(),
            source,
        },
        other => PlanError::File(other),
    })
}

fn utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, PlanError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = error::line_col(bytes, e.valid_up_to());
        PlanError::NotUtf8 {
            path: path.to_owned(),
            line,
            column,
        }
    })
}

#[cfg(test)]
mod tests;
