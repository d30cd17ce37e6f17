//! The repository-facts analyzer: git HEAD, branch and dirty state; files
//! and lines of code per language; and the presence of the files a
//! well-run repository has (security policy, license, code owners, CI and
//! dependency-update configuration). Missing ones become findings.

mod languages;
mod walk;

pub use languages::language_of;

use crate::{AnalysisContext, Analyzer, AnalyzerError, AnalyzerOutput, Progress};
use sef_model::EvidencePayload;
use sef_model::evidence::facts::{PolicyFiles, RepoFacts as RepoFactsPayload, RepoFactsSettings};
use sef_model::{
    Cwe, Digest, EvidenceKind, Finding, FindingId, FindingKind, FindingStatus, Fingerprint,
    Severity, ToolInfo,
};
use sef_plan::RepoFactsConfig;
use std::path::Path;

/// The analyzer id under `[analyzers.<id>]`.
pub const ID: &str = "repo-facts";

/// How many walk errors are quoted in a partial-evidence reason.
const ERRORS_QUOTED: usize = 5;

/// A repository file that sef looks for, with where it may live.
struct Expected {
    /// Key in the payload's `policy_files` object.
    key: &'static str,
    /// Candidate paths, relative to the root. A trailing `/` means "a
    /// directory holding at least one file".
    candidates: &'static [&'static str],
    rule: &'static str,
    title: &'static str,
    remediation: &'static str,
    severity: Severity,
    cwe: &'static [u32],
}

const EXPECTED: &[Expected] = &[
    Expected {
        key: "security_policy",
        candidates: &[
            "SECURITY.md",
            ".github/SECURITY.md",
            "docs/SECURITY.md",
            "SECURITY.rst",
            "SECURITY.txt",
            "SECURITY",
        ],
        rule: "repo/no-security-policy",
        title: "No security policy (SECURITY.md): reporters do not know how to disclose a vulnerability",
        remediation: "Add SECURITY.md saying how to report a vulnerability, who responds and which versions get fixes",
        severity: Severity::Medium,
        cwe: &[],
    },
    Expected {
        key: "license",
        candidates: &[
            "LICENSE",
            "LICENSE.md",
            "LICENSE.txt",
            "LICENSE-APACHE",
            "LICENSE-MIT",
            "LICENCE",
            "LICENCE.md",
            "COPYING",
            "COPYING.md",
        ],
        rule: "repo/no-license",
        title: "No license file: the terms under which the offering is distributed are not stated",
        remediation: "Add a LICENSE file with the offering's license text",
        severity: Severity::Low,
        cwe: &[],
    },
    Expected {
        key: "codeowners",
        candidates: &[
            "CODEOWNERS",
            ".github/CODEOWNERS",
            "docs/CODEOWNERS",
            ".gitlab/CODEOWNERS",
        ],
        rule: "repo/no-codeowners",
        title: "No CODEOWNERS file: changes are not routed to a responsible reviewer",
        remediation: "Add CODEOWNERS naming who must review each part of the code",
        severity: Severity::Low,
        cwe: &[],
    },
    Expected {
        key: "ci",
        candidates: &[
            ".github/workflows/",
            ".gitlab-ci.yml",
            "Jenkinsfile",
            ".circleci/config.yml",
            "azure-pipelines.yml",
            ".travis.yml",
            "bitbucket-pipelines.yml",
            ".buildkite/",
            ".drone.yml",
            ".woodpecker.yml",
            ".ci/",
            ".tekton/",
        ],
        rule: "repo/no-ci",
        title: "No CI configuration: tests and scans do not run on every change",
        remediation: "Add a CI pipeline that builds, tests and runs `sef assess` on every change",
        severity: Severity::Low,
        cwe: &[],
    },
    Expected {
        key: "dependency_updates",
        candidates: &[
            ".github/dependabot.yml",
            ".github/dependabot.yaml",
            "renovate.json",
            "renovate.json5",
            ".renovaterc",
            ".renovaterc.json",
            ".renovaterc.json5",
            ".github/renovate.json",
            ".github/renovate.json5",
            ".gitlab/renovate.json",
        ],
        rule: "repo/no-dependency-updates",
        title: "No dependency-update configuration (Dependabot or Renovate): vulnerable components stay in place",
        remediation: "Add .github/dependabot.yml or renovate.json so dependency updates are proposed automatically",
        severity: Severity::Low,
        cwe: &[1104],
    },
];

/// The repository-facts analyzer.
pub struct RepoFacts {
    config: RepoFactsConfig,
}

impl RepoFacts {
    /// An analyzer with the given settings.
    pub fn new(config: RepoFactsConfig) -> Self {
        RepoFacts { config }
    }
}

impl Analyzer for RepoFacts {
    fn id(&self) -> &'static str {
        ID
    }

    fn kind(&self) -> EvidenceKind {
        EvidenceKind::RepositoryFacts
    }

    fn tool(&self) -> ToolInfo {
        crate::sef_tool(ID)
    }

    fn run(
        &self,
        ctx: &AnalysisContext<'_>,
        progress: &dyn Progress,
    ) -> Result<AnalyzerOutput, AnalyzerError> {
        let root = ctx.root;
        if !root.is_dir() {
            return Err(AnalyzerError(format!(
                "{} is not a readable directory",
                root.display()
            )));
        }
        let mut partial = Vec::new();
        let mut notes = Vec::new();

        progress.message("reading git state");
        let git = match sef_git::state::read(root) {
            Ok(Some(g)) => Some(g),
            Ok(None) => {
                notes.push("no git history: the path is not inside a git repository".to_owned());
                None
            }
            Err(e) => {
                partial.push(format!("git: {e}"));
                None
            }
        };

        progress.message("walking files");
        let w = walk::walk(
            root,
            self.config.max_file_bytes,
            self.config.include_ignored,
            progress,
        );
        if !w.errors.is_empty() {
            let quoted: Vec<_> = w.errors.iter().take(ERRORS_QUOTED).cloned().collect();
            partial.push(format!(
                "{} path(s) could not be read, e.g. {}",
                w.errors.len(),
                quoted.join("; ")
            ));
        }

        let mut policy = PolicyFiles::default();
        let mut findings = Vec::new();
        for exp in EXPECTED {
            let found = exp.candidates.iter().copied().find(|c| exists(root, c));
            policy.set(exp.key, found.map(|f| f.trim_end_matches('/').to_owned()));
            if found.is_none() {
                findings.push(missing_finding(exp));
            }
        }

        let digest = Digest::of_parts(
            std::iter::once(
                git.as_ref()
                    .and_then(|g| g.head_commit.clone())
                    .unwrap_or_default(),
            )
            .chain(w.inventory.iter().map(|(p, s)| format!("{p}\0{s}"))),
        );
        let total_lines: u64 = w.languages.values().map(|l| l.lines).sum();
        let total_code: u64 = w.languages.values().map(|l| l.code_lines).sum();
        let payload = EvidencePayload::RepositoryFacts(RepoFactsPayload {
            git,
            files: w.total_files,
            bytes: w.total_bytes,
            lines: total_lines,
            code_lines: total_code,
            other_files: w.other_files,
            languages: w.languages,
            policy_files: policy,
            settings: RepoFactsSettings {
                max_file_bytes: self.config.max_file_bytes,
                include_ignored: self.config.include_ignored,
            },
        });
        Ok(AnalyzerOutput {
            tool: self.tool(),
            input_digest: Some(digest),
            partial: (!partial.is_empty()).then(|| partial.join("; ")),
            payload,
            findings,
            notes,
            artifacts: Vec::new(),
        })
    }
}

/// Whether a candidate exists: a file, or for `dir/` a directory with at
/// least one entry.
fn exists(root: &Path, candidate: &str) -> bool {
    match candidate.strip_suffix('/') {
        Some(dir) => std::fs::read_dir(root.join(dir)).is_ok_and(|mut d| d.next().is_some()),
        None => root.join(candidate).is_file(),
    }
}

fn missing_finding(exp: &Expected) -> Finding {
    // The finding is about an absence, so it has no location; the
    // remediation says where the file belongs.
    Finding {
        id: FindingId::generate(),
        kind: FindingKind::RepositoryHygiene,
        analyzer: ID.into(),
        rule_id: exp.rule.into(),
        title: exp.title.into(),
        remediation: exp.remediation.into(),
        cwe: exp.cwe.iter().map(|c| Cwe(*c)).collect(),
        severity: exp.severity,
        location: None,
        fingerprint: Fingerprint::compute([ID, exp.rule]),
        status: FindingStatus::Open,
        package: None,
        aliases: Vec::new(),
        acceptance: None,
        cvss: None,
        references: Vec::new(),
        dependency_path: Vec::new(),
        scope: None,
    }
}

#[cfg(test)]
mod tests;
