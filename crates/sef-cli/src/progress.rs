//! Progress of the analyzers: indicatif spinners on a terminal, plain log
//! lines on stderr otherwise, nothing with --quiet.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use sef_engine::{NoProgress, Progress, ProgressFactory};
use sef_model::EvidenceStatus;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Picks the progress renderer for this invocation.
pub fn for_invocation(quiet: bool) -> Box<dyn ProgressFactory> {
    if quiet {
        Box::new(NoProgress)
    } else if std::io::stderr().is_terminal() {
        Box::new(Bars {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
        })
    } else {
        Box::new(Lines)
    }
}

struct Bars {
    multi: MultiProgress,
}

impl ProgressFactory for Bars {
    fn start(&self, id: &str) -> Box<dyn Progress> {
        let bar = self.multi.add(ProgressBar::new_spinner());
        let style = ProgressStyle::with_template("{spinner} {prefix:<14} {pos:>8} files  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_prefix(id.to_owned());
        bar.enable_steady_tick(Duration::from_millis(100));
        Box::new(Bar { bar })
    }
}

struct Bar {
    bar: ProgressBar,
}

impl Progress for Bar {
    fn set_total(&self, total: u64) {
        self.bar.set_length(total);
    }
    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }
    fn message(&self, msg: &str) {
        self.bar.set_message(msg.to_owned());
    }
    fn finish(&self, status: &EvidenceStatus) {
        self.bar.finish_with_message(status.label().to_owned());
    }
}

struct Lines;

impl ProgressFactory for Lines {
    fn start(&self, id: &str) -> Box<dyn Progress> {
        eprintln!("sef: {id}: started");
        Box::new(Line {
            id: id.to_owned(),
            started: Instant::now(),
        })
    }
}

struct Line {
    id: String,
    started: Instant,
}

impl Progress for Line {
    fn set_total(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn message(&self, msg: &str) {
        eprintln!("sef: {}: {msg}", self.id);
    }
    fn finish(&self, status: &EvidenceStatus) {
        let reason = status
            .reason()
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        eprintln!(
            "sef: {}: {}{reason} ({} ms)",
            self.id,
            status.label(),
            self.started.elapsed().as_millis()
        );
    }
}
