//! The SARIF analyzer: results of the analysis tools the plan names
//! (`[[analyzers.sarif]]`, optionally running each tool's command first)
//! and of SARIF files given on the command line (`sef ingest sarif`), read
//! with `sef-sarif` into one `static-analysis` evidence record.
//!
//! A tool that did not run, wrote no SARIF, wrote something unreadable or
//! says it did not execute successfully is never "no findings": the
//! evidence is failed (nothing could be read) or partial (some could).

use crate::security_plan::Repo;
use crate::{
    AnalysisContext, Analyzer, AnalyzerError, AnalyzerOutput, CommandError, Progress, ReadError,
};
use sef_model::EvidencePayload;
use sef_model::evidence::tools::{CommandNote, SarifFile, StaticAnalysis};
use sef_model::{EvidenceKind, ToolInfo};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The analyzer id.
pub const ID: &str = "sarif";

/// SARIF files larger than this are refused before they are read (about
/// 700,000 results of the usual shape; memory stays near 3 GB at most).
pub const MAX_SARIF_BYTES: u64 = 256 * 1024 * 1024;

/// Where one SARIF document comes from.
#[derive(Debug, Clone)]
pub struct Source {
    /// A label for reports.
    pub name: String,
    /// The file: relative to the repository (plan) or as given (command line).
    pub file: PathBuf,
    /// Whether `file` is a plan path that must stay inside the repository.
    pub in_repo: bool,
    /// The command that writes it, run from the repository root.
    pub command: Option<Vec<String>>,
    /// Seconds before the command is stopped.
    pub timeout_secs: u64,
    /// Exit codes that mean the command ran to the end.
    pub ok_exit_codes: Vec<i32>,
    /// Given on the command line (`sef ingest sarif`), not by the plan.
    pub ingested: bool,
}

impl Source {
    /// Whether the command's exit code means it ran to the end (a signal,
    /// reported as a negative code, never does).
    fn accept_exit(&self, code: i32) -> bool {
        code >= 0 && self.ok_exit_codes.contains(&code)
    }
}

/// The SARIF analyzer.
pub struct SarifAnalyzer {
    sources: Vec<Source>,
}

impl SarifAnalyzer {
    /// An analyzer over these sources.
    pub fn new(sources: Vec<Source>) -> Self {
        SarifAnalyzer { sources }
    }

    /// The sources a plan names.
    pub fn plan_sources(plan: &sef_plan::Plan) -> Vec<Source> {
        plan.analyzers
            .sarif
            .iter()
            .map(|s| Source {
                name: s.name.clone(),
                file: PathBuf::from(&s.file),
                in_repo: true,
                command: s.command.clone(),
                timeout_secs: s.timeout_secs,
                ok_exit_codes: s.ok_exit_codes.clone(),
                ingested: false,
            })
            .collect()
    }
}

/// Runs a command without a shell, stdin closed, output kept bounded, and
/// stopped after `timeout`. Returns the exit status and the tail of stderr.
///
/// The command leads its own process group. When it times out, the whole
/// group is killed, so `sh -c "sleep 25 & …"` ends at the timeout with its
/// background children; when it exits, children it left behind are killed
/// too, so none outlives the run or holds its stderr open.
fn run_command(
    cmd: &[String],
    cwd: &Path,
    timeout: Duration,
) -> Result<(i32, String), CommandError> {
    use std::os::unix::process::CommandExt;
    let (program, args) = cmd.split_first().ok_or(CommandError::Empty)?;
    let mut child = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|source| CommandError::Start {
            program: program.clone(),
            source,
        })?;
    let group = child.id();
    let stderr = child.stderr.take();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // keep the last 8 KiB
        let mut tail: Vec<u8> = Vec::new();
        if let Some(mut s) = stderr {
            let mut buf = [0u8; 8192];
            while let Ok(n) = s.read(&mut buf) {
                if n == 0 {
                    break;
                }
                tail.extend_from_slice(&buf[..n]);
                if tail.len() > 8192 {
                    tail.drain(..tail.len() - 8192);
                }
            }
        }
        let _ = tx.send(String::from_utf8_lossy(&tail).into_owned());
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() > timeout => {
                let _ = sef_fs::kill_process_group(group);
                let _ = child.kill();
                let _ = child.wait();
                return Err(CommandError::TimedOut {
                    program: program.clone(),
                    secs: timeout.as_secs(),
                });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(source) => {
                let _ = sef_fs::kill_process_group(group);
                return Err(CommandError::Wait {
                    program: program.clone(),
                    source,
                });
            }
        }
    };
    // children the command left running are not part of its result
    let _ = sef_fs::kill_process_group(group);
    // a child that left the group could still hold stderr open: wait for
    // the tail briefly, never for that child
    let tail = rx.recv_timeout(Duration::from_secs(2)).unwrap_or_default();
    Ok((status.code().unwrap_or(-1), tail))
}

/// Reads a SARIF file: a regular file (a FIFO or a device is refused,
/// never read) of at most [`MAX_SARIF_BYTES`], also if it grows while read.
fn read_sarif(path: &Path) -> Result<String, ReadError> {
    sef_fs::read_string(path, MAX_SARIF_BYTES).map_err(ReadError::from_fs)
}

/// Moves the output a command is about to write out of the way (to
/// `<file>.previous`), so that only what this run writes is read.
fn move_aside(repo: &Repo, src: &Source) -> Result<(), String> {
    let Some(old) = repo.resolve(&src.file.to_string_lossy()) else {
        // absent (the usual case), or outside the repository: the check
        // after the command reports the latter
        return Ok(());
    };
    let mut aside = old.clone().into_os_string();
    aside.push(".previous");
    std::fs::rename(&old, &aside).map_err(|e| {
        format!(
            "the output {} left by an earlier run could not be moved aside ({e}); remove it and run again",
            src.file.display()
        )
    })
}

/// A source that could not be read, as the payload lists it.
fn failed_file(src: &Source, reason: String, command: Option<CommandNote>) -> SarifFile {
    SarifFile {
        name: src.name.clone(),
        file: src.file.display().to_string(),
        state: "failed".into(),
        results: None,
        reason: Some(reason),
        command,
        ingested: src.ingested,
    }
}

fn last_line(s: &str) -> &str {
    s.lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

impl Analyzer for SarifAnalyzer {
    fn id(&self) -> &'static str {
        ID
    }

    fn kind(&self) -> EvidenceKind {
        EvidenceKind::StaticAnalysis
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
        let root_text = std::fs::canonicalize(ctx.root)
            .unwrap_or_else(|_| ctx.root.to_owned())
            .display()
            .to_string()
            .replace('\\', "/");
        // the code around a finding, from the repository (files cached)
        let cache: RefCell<HashMap<String, Option<Vec<String>>>> = RefCell::new(HashMap::new());
        let context = |path: &str, line: u32| -> Option<String> {
            let mut c = cache.borrow_mut();
            let lines = c.entry(path.to_owned()).or_insert_with(|| {
                let full = repo.resolve(path)?;
                let text = sef_fs::read(&full, 16 * 1024 * 1024).ok()?;
                Some(
                    String::from_utf8_lossy(&text)
                        .lines()
                        .map(str::to_owned)
                        .collect(),
                )
            });
            let lines = lines.as_ref()?;
            let i = usize::try_from(line).ok()?.checked_sub(1)?;
            lines.get(i).cloned()
        };
        let opts = sef_sarif::Options {
            repo_root: Some(&root_text),
            context: &context,
            web_locations: false,
        };
        progress.set_total(self.sources.len() as u64);

        let mut files = Vec::new();
        let mut tools = Vec::new();
        let mut findings = Vec::new();
        let mut seen = HashSet::new();
        let mut duplicates = 0usize;
        let mut diagnostics = Vec::new();
        let mut failed = Vec::new();
        let mut crashed = Vec::new();
        for src in &self.sources {
            progress.message(&src.name);
            let mut command_note = None;
            if let Some(cmd) = &src.command {
                // an output left from an earlier run must never stand in for
                // this one: it is moved aside, and the command must write anew
                if let Err(why) = move_aside(&repo, src) {
                    let why = format!("{}: {why}", src.name);
                    failed.push(why.clone());
                    files.push(failed_file(src, why, None));
                    progress.advance(1);
                    continue;
                }
                match run_command(cmd, ctx.root, Duration::from_secs(src.timeout_secs)) {
                    Ok((code, tail)) => {
                        let note = CommandNote {
                            exit_code: code,
                            stderr_tail: last_line(&tail).to_owned(),
                        };
                        if !src.accept_exit(code) {
                            let why = format!(
                                "{}: the command {} (exit code {code}{}); its output is not read",
                                src.name,
                                if code < 0 {
                                    "was killed by a signal".to_owned()
                                } else {
                                    "failed".to_owned()
                                },
                                if note.stderr_tail.is_empty() {
                                    String::new()
                                } else {
                                    format!(": {}", note.stderr_tail)
                                }
                            );
                            failed.push(why.clone());
                            files.push(failed_file(src, why, Some(note)));
                            progress.advance(1);
                            continue;
                        }
                        command_note = Some(note);
                    }
                    Err(e) => {
                        failed.push(format!("{}: {e}", src.name));
                        files.push(failed_file(src, e.to_string(), None));
                        progress.advance(1);
                        continue;
                    }
                }
            }
            let path = if src.in_repo {
                match repo.resolve(&src.file.to_string_lossy()) {
                    Some(p) => p,
                    None => {
                        let why = format!(
                            "{}: {} does not exist in the repository{}",
                            src.name,
                            src.file.display(),
                            if src.command.is_some() {
                                " after the command ran"
                            } else {
                                ""
                            }
                        );
                        failed.push(why.clone());
                        files.push(failed_file(src, why, command_note));
                        progress.advance(1);
                        continue;
                    }
                }
            } else {
                src.file.clone()
            };
            let result = read_sarif(&path)
                .map_err(|e| e.to_string())
                .and_then(|text| sef_sarif::read(&text, &opts).map_err(|e| e.to_string()));
            progress.advance(1);
            match result {
                Err(e) => {
                    let why = format!("{}: {}: {e}", src.name, path.display());
                    failed.push(why.clone());
                    files.push(failed_file(src, why, command_note));
                }
                Ok(ing) if ing.tools.is_empty() => {
                    let why = format!(
                        "{}: {}: the SARIF log holds no runs, so no tool reported anything (not \"no findings\")",
                        src.name,
                        path.display()
                    );
                    failed.push(why.clone());
                    files.push(failed_file(src, why, command_note));
                }
                Ok(ing)
                    if ing.findings.is_empty()
                        && ing.tools.iter().all(|t| !t.execution_successful) =>
                {
                    let why = format!(
                        "{}: {}: every run reports it did not execute successfully{}",
                        src.name,
                        path.display(),
                        ing.tools
                            .iter()
                            .flat_map(|t| t.notifications.first())
                            .next()
                            .map(|n| format!(" ({n})"))
                            .unwrap_or_default()
                    );
                    failed.push(why.clone());
                    files.push(failed_file(src, why, command_note));
                }
                Ok(ing) => {
                    for t in &ing.tools {
                        if !t.execution_successful {
                            crashed.push(format!(
                                "{}: {} reports it did not execute successfully{}",
                                src.name,
                                t.name,
                                t.notifications
                                    .first()
                                    .map(|n| format!(" ({n})"))
                                    .unwrap_or_default()
                            ));
                        }
                    }
                    diagnostics
                        .extend(ing.diagnostics.iter().map(|d| format!("{}: {d}", src.name)));
                    duplicates += ing.duplicates;
                    files.push(SarifFile {
                        name: src.name.clone(),
                        file: src.file.display().to_string(),
                        state: "read".into(),
                        results: Some(ing.findings.len()),
                        reason: None,
                        command: command_note,
                        ingested: src.ingested,
                    });
                    tools.extend(ing.tools);
                    for f in ing.findings {
                        if seen.insert(f.fingerprint.clone()) {
                            findings.push(f);
                        } else {
                            duplicates += 1;
                        }
                    }
                }
            }
        }
        if !failed.is_empty() && failed.len() == self.sources.len() {
            return Err(AnalyzerError(format!(
                "no SARIF could be read — {}",
                failed.join("; ")
            )));
        }
        let mut problems = failed;
        problems.extend(crashed);
        let partial = (!problems.is_empty()).then(|| problems.join("; "));
        let mut rule_cwes: Vec<u32> = tools
            .iter()
            .flat_map(|t| t.rule_cwes.iter().copied())
            .collect();
        rule_cwes.sort_unstable();
        rule_cwes.dedup();
        let payload = EvidencePayload::StaticAnalysis(StaticAnalysis {
            files,
            tools,
            findings: findings.len(),
            duplicates,
            rule_cwes,
            diagnostics,
        });
        Ok(AnalyzerOutput {
            tool: crate::sef_tool(ID),
            input_digest: None,
            partial,
            payload,
            findings,
            notes: Vec::new(),
            artifacts: Vec::new(),
        })
    }
}
