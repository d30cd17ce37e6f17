//! The analyzer seam: analyzers run in parallel, and one that fails or
//! panics becomes failed evidence while the others finish.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sef_engine::{
    AnalysisContext, Analyzer, AnalyzerError, AnalyzerOutput, NoProgress, Progress, assess,
};
use sef_model::{EvidenceKind, EvidenceStatus, GateOutcome, ToolInfo};
use sef_plan::Plan;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

enum Behaviour {
    Ok,
    Err,
    Panic,
    /// Returns a payload of another evidence kind.
    WrongKind,
}

struct Fake {
    id: &'static str,
    behaviour: Behaviour,
    running: &'static AtomicUsize,
    max_running: &'static AtomicUsize,
}

impl Analyzer for Fake {
    fn id(&self) -> &'static str {
        self.id
    }
    fn kind(&self) -> EvidenceKind {
        EvidenceKind::RepositoryFacts
    }
    fn tool(&self) -> ToolInfo {
        ToolInfo {
            name: self.id.into(),
            version: "1".into(),
        }
    }
    fn run(
        &self,
        _: &AnalysisContext<'_>,
        _: &dyn Progress,
    ) -> Result<AnalyzerOutput, AnalyzerError> {
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_running.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(150));
        self.running.fetch_sub(1, Ordering::SeqCst);
        match self.behaviour {
            Behaviour::Ok => Ok(AnalyzerOutput {
                tool: self.tool(),
                input_digest: None,
                partial: None,
                payload: sef_model::EvidencePayload::RepositoryFacts(Default::default()),
                findings: vec![],
                notes: vec![format!("{} ran", self.id)],
                artifacts: vec![],
            }),
            Behaviour::Err => Err(AnalyzerError(
                "cannot read thing.lock: permission denied".into(),
            )),
            Behaviour::Panic => panic!("index out of bounds"),
            Behaviour::WrongKind => Ok(AnalyzerOutput {
                tool: self.tool(),
                input_digest: None,
                partial: None,
                payload: sef_model::EvidencePayload::Signatures(Default::default()),
                findings: vec![],
                notes: vec![],
                artifacts: vec![],
            }),
        }
    }
}

#[test]
fn failures_become_evidence_and_others_finish_in_parallel() {
    static RUNNING: AtomicUsize = AtomicUsize::new(0);
    static MAX: AtomicUsize = AtomicUsize::new(0);
    let mk = |id, behaviour| -> Box<dyn Analyzer> {
        Box::new(Fake {
            id,
            behaviour,
            running: &RUNNING,
            max_running: &MAX,
        })
    };
    let analyzers = vec![
        mk("a", Behaviour::Ok),
        mk("b", Behaviour::Err),
        mk("c", Behaviour::Panic),
        mk("d", Behaviour::Ok),
    ];
    let dir = tempfile::tempdir().unwrap();
    let plan = Plan::defaults_for(dir.path());
    let run = assess(dir.path(), &plan, &analyzers, &NoProgress);

    let status: Vec<_> = run
        .evidence
        .iter()
        .filter(|e| e.analyzer != sef_engine::security_plan::ANALYZER)
        .map(|e| (e.analyzer.as_str(), e.status.label()))
        .collect();
    // the security plan's five parts follow the analyzers' evidence
    assert_eq!(run.evidence.len(), 9);
    assert_eq!(
        status,
        [
            ("a", "complete"),
            ("b", "failed"),
            ("c", "failed"),
            ("d", "complete")
        ]
    );
    assert_eq!(
        run.evidence[1].status.reason(),
        Some("cannot read thing.lock: permission denied")
    );
    assert!(
        matches!(&run.evidence[2].status, EvidenceStatus::Failed { reason } if reason.contains("index out of bounds"))
    );
    assert!(run.notes.iter().any(|n| n == "d ran"));
    assert!(run.notes.iter().any(|n| n.contains("defaults were used")));
    assert_eq!(run.gate.outcome, GateOutcome::Fail);
    assert!(!run.gate.evidence_complete);
    assert!(MAX.load(Ordering::SeqCst) >= 2, "analyzers did not overlap");
}

/// A payload of another kind would be read as the wrong type everywhere
/// downstream: the evidence is failed, never complete.
#[test]
fn a_payload_of_another_kind_fails_the_evidence() {
    static RUNNING: AtomicUsize = AtomicUsize::new(0);
    static MAX: AtomicUsize = AtomicUsize::new(0);
    let analyzers: Vec<Box<dyn Analyzer>> = vec![Box::new(Fake {
        id: "w",
        behaviour: Behaviour::WrongKind,
        running: &RUNNING,
        max_running: &MAX,
    })];
    let dir = tempfile::tempdir().unwrap();
    let plan = Plan::defaults_for(dir.path());
    let run = assess(dir.path(), &plan, &analyzers, &NoProgress);
    let e = &run.evidence[0];
    assert_eq!(e.analyzer, "w");
    assert_eq!(e.status.label(), "failed");
    assert!(
        e.status.reason().unwrap().contains("signatures payload"),
        "{:?}",
        e.status
    );
    assert_eq!(e.payload, sef_model::EvidencePayload::None);
}
