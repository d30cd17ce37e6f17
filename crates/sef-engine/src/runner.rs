//! Runs analyzers in parallel and turns every outcome into evidence: an
//! error or even a panic in one analyzer becomes a failed evidence record
//! and never stops the others.

use crate::{AnalysisContext, Analyzer, ProgressFactory};
use sef_model::{Evidence, EvidenceId, EvidenceStatus, Finding};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// What all analyzers of one run produced.
#[derive(Debug, Default)]
pub struct RunOutput {
    /// One evidence record per analyzer, in the analyzers' order.
    pub evidence: Vec<Evidence>,
    /// All findings.
    pub findings: Vec<Finding>,
    /// Notes for the report.
    pub notes: Vec<String>,
    /// Artifacts to keep with the run.
    pub artifacts: Vec<sef_model::Artifact>,
}

type OneResult = (
    Evidence,
    Vec<Finding>,
    Vec<String>,
    Vec<sef_model::Artifact>,
);

/// Runs every analyzer on its own thread and collects their evidence,
/// findings and notes.
pub fn run_analyzers(
    analyzers: &[Box<dyn Analyzer>],
    ctx: &AnalysisContext<'_>,
    progress: &dyn ProgressFactory,
) -> RunOutput {
    let results: Vec<OneResult> = std::thread::scope(|scope| {
        let handles: Vec<_> = analyzers
            .iter()
            .map(|a| {
                let p = progress.start(a.id());
                scope.spawn(move || run_one(a.as_ref(), ctx, p.as_ref()))
            })
            .collect();
        handles
            .into_iter()
            .zip(analyzers)
            .map(|(h, a)| {
                h.join().unwrap_or_else(|_| {
                    // run_one catches panics itself; this is only reached if
                    // the progress renderer panicked.
                    let now = crate::now();
                    (
                        failed(a.as_ref(), now, now, "analyzer thread panicked".into()),
                        vec![],
                        vec![],
                        vec![],
                    )
                })
            })
            .collect()
    });
    let mut out = RunOutput::default();
    for (e, f, n, a) in results {
        out.evidence.push(e);
        out.findings.extend(f);
        out.notes.extend(n);
        out.artifacts.extend(a);
    }
    out
}

fn run_one(
    a: &dyn Analyzer,
    ctx: &AnalysisContext<'_>,
    progress: &dyn crate::Progress,
) -> OneResult {
    let started = crate::now();
    tracing::debug!(analyzer = a.id(), "starting");
    let outcome = catch_unwind(AssertUnwindSafe(|| a.run(ctx, progress)));
    let finished = crate::now();
    let (evidence, findings, notes, artifacts) = match outcome {
        // a payload of another kind would be read as the wrong type
        // everywhere downstream: it makes the evidence failed
        Ok(Ok(out)) if out.payload.kind().is_some_and(|k| k != a.kind()) => (
            failed(
                a,
                started,
                finished,
                format!(
                    "internal error: the {} analyzer returned a {} payload for {} evidence",
                    a.id(),
                    out.payload.kind().map_or("", |k| k.as_str()),
                    a.kind()
                ),
            ),
            vec![],
            vec![],
            vec![],
        ),
        Ok(Ok(out)) => {
            let status = match out.partial {
                None => EvidenceStatus::Complete,
                Some(reason) => EvidenceStatus::Partial { reason },
            };
            (
                Evidence {
                    id: EvidenceId::generate(),
                    kind: a.kind(),
                    analyzer: a.id().to_owned(),
                    tool: out.tool,
                    started_at: started,
                    finished_at: finished,
                    input_digest: out.input_digest,
                    status,
                    payload: out.payload,
                },
                out.findings,
                out.notes,
                out.artifacts,
            )
        }
        Ok(Err(e)) => (failed(a, started, finished, e.0), vec![], vec![], vec![]),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            (
                failed(
                    a,
                    started,
                    finished,
                    format!("analyzer crashed: {msg} (this is a bug in sef; please report it)"),
                ),
                vec![],
                vec![],
                vec![],
            )
        }
    };
    progress.finish(&evidence.status);
    tracing::debug!(
        analyzer = a.id(),
        status = evidence.status.label(),
        "finished"
    );
    (evidence, findings, notes, artifacts)
}

fn failed(
    a: &dyn Analyzer,
    started: chrono::DateTime<chrono::Utc>,
    finished: chrono::DateTime<chrono::Utc>,
    reason: String,
) -> Evidence {
    Evidence {
        id: EvidenceId::generate(),
        kind: a.kind(),
        analyzer: a.id().to_owned(),
        tool: a.tool(),
        started_at: started,
        finished_at: finished,
        input_digest: None,
        status: EvidenceStatus::Failed { reason },
        payload: sef_model::EvidencePayload::None,
    }
}
