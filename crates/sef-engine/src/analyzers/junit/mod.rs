//! The JUnit analyzer: test results from JUnit XML (the plan's
//! `[analyzers.junit]` files and those given to `sef ingest junit`), with
//! the security tests counted apart: the SEF's "security test cases
//! executed and passed". A test is a security test when its `class::name`
//! matches the plan's pattern or it carries a `security` property.

use crate::security_plan::Repo;
use crate::security_plan::junit::{self, Outcome};
use crate::{AnalysisContext, Analyzer, AnalyzerError, AnalyzerOutput, Progress};
use sef_model::EvidencePayload;
use sef_model::evidence::tools::{JunitFile, ListedTest, SecurityTestCounts, SecurityTests};
use sef_model::{EvidenceKind, ToolInfo};
use std::path::PathBuf;

/// The analyzer id.
pub const ID: &str = "junit";

/// JUnit files larger than this are refused.
const MAX_JUNIT_BYTES: u64 = 256 * 1024 * 1024;

/// The security tests listed by name in the evidence, at most.
const MAX_LISTED: usize = 2000;

/// The JUnit analyzer.
pub struct JunitAnalyzer {
    /// Plan paths, inside the repository.
    plan_files: Vec<String>,
    /// Paths given on the command line.
    extra: Vec<PathBuf>,
    /// `None` only when the pattern does not compile (the plan loader
    /// refuses such a pattern; the API could pass one): nothing matches.
    pattern: Option<regex::Regex>,
}

impl JunitAnalyzer {
    /// An analyzer over these files.
    pub fn new(plan_files: Vec<String>, extra: Vec<PathBuf>, pattern: &str) -> Self {
        JunitAnalyzer {
            plan_files,
            extra,
            pattern: regex::RegexBuilder::new(pattern)
                .size_limit(1 << 20)
                .build()
                .ok(),
        }
    }

    fn is_security(&self, name: &str) -> bool {
        self.pattern.as_ref().is_some_and(|p| p.is_match(name))
    }
}

impl Analyzer for JunitAnalyzer {
    fn id(&self) -> &'static str {
        ID
    }

    fn kind(&self) -> EvidenceKind {
        EvidenceKind::SecurityTests
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
        let mut paths: Vec<(String, PathBuf, bool)> = Vec::new();
        let mut problems = Vec::new();
        let mut expand = |shown: String, p: PathBuf, ingested: bool| {
            if p.is_dir() {
                let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(&p)
                    .standard_filters(false)
                    .follow_links(false)
                    .build()
                    .flatten()
                    .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                    .map(ignore::DirEntry::into_path)
                    .filter(|f| f.extension().is_some_and(|e| e == "xml"))
                    .collect();
                found.sort();
                paths.extend(
                    found
                        .into_iter()
                        .map(|f| (f.display().to_string(), f, ingested)),
                );
            } else {
                paths.push((shown, p, ingested));
            }
        };
        for f in &self.plan_files {
            match repo.resolve(f) {
                Some(p) => expand(f.clone(), p, false),
                None => problems.push(format!("{f} does not exist in the repository")),
            }
        }
        for p in &self.extra {
            expand(p.display().to_string(), p.clone(), true);
        }
        progress.set_total(paths.len() as u64);

        let (mut cases, mut passed, mut failed, mut skipped) = (0usize, 0usize, 0usize, 0usize);
        let (mut s_cases, mut s_passed, mut s_failed, mut s_skipped) =
            (0usize, 0usize, 0usize, 0usize);
        let mut listed = Vec::new();
        let mut files = Vec::new();
        for (shown, path, ingested) in &paths {
            progress.advance(1);
            let text = match sef_fs::read_string(path, MAX_JUNIT_BYTES) {
                Ok(t) => t,
                Err(sef_fs::ReadError::TooLarge { .. }) => {
                    problems.push(format!("{shown}: larger than {MAX_JUNIT_BYTES} bytes"));
                    continue;
                }
                Err(e) => {
                    problems.push(format!("{shown}: cannot read: {}", e.reason()));
                    continue;
                }
            };
            match junit::cases(&text) {
                Err(e) => problems.push(format!(
                    "{shown}:{}:{}: not JUnit XML: {}",
                    e.line, e.column, e.message
                )),
                Ok(list) => {
                    files.push(JunitFile {
                        file: shown.clone(),
                        cases: list.len(),
                        ingested: *ingested,
                    });
                    for c in list {
                        cases += 1;
                        match c.outcome {
                            Outcome::Passed => passed += 1,
                            Outcome::Failed => failed += 1,
                            Outcome::Skipped => skipped += 1,
                        }
                        let full = if c.class.is_empty() {
                            c.name.clone()
                        } else {
                            format!("{}::{}", c.class, c.name)
                        };
                        if c.security_property || self.is_security(&full) {
                            s_cases += 1;
                            match c.outcome {
                                Outcome::Passed => s_passed += 1,
                                Outcome::Failed => s_failed += 1,
                                Outcome::Skipped => s_skipped += 1,
                            }
                            if listed.len() < MAX_LISTED {
                                listed.push(ListedTest {
                                    test: full,
                                    outcome: match c.outcome {
                                        Outcome::Passed => "passed",
                                        Outcome::Failed => "failed",
                                        Outcome::Skipped => "skipped",
                                    }
                                    .to_owned(),
                                });
                            }
                        }
                    }
                }
            }
        }
        if files.is_empty() {
            return Err(AnalyzerError(if problems.is_empty() {
                "no JUnit file to read".to_owned()
            } else {
                format!("no JUnit results could be read — {}", problems.join("; "))
            }));
        }
        Ok(AnalyzerOutput {
            tool: crate::sef_tool(ID),
            input_digest: None,
            partial: (!problems.is_empty()).then(|| problems.join("; ")),
            payload: EvidencePayload::SecurityTests(SecurityTests {
                files,
                cases,
                passed,
                failed,
                skipped,
                security: SecurityTestCounts {
                    pattern: self.pattern.as_ref().map(|r| r.as_str().to_owned()),
                    cases: s_cases,
                    passed: s_passed,
                    failed: s_failed,
                    skipped: s_skipped,
                    tests: listed,
                    listed_all: s_cases <= MAX_LISTED,
                },
            }),
            findings: Vec::new(),
            notes: Vec::new(),
            artifacts: Vec::new(),
        })
    }
}
