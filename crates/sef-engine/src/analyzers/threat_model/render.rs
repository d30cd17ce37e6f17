//! Drawing the data-flow diagram: Graphviz `dot -Tsvg` when the plan asks
//! for it (or for `auto` and `dot` is on PATH), bounded in time (10 s) and
//! output (16 MiB); otherwise sef-threat's built-in layout.

use sef_plan::DiagramEngine;
use sef_threat::{Model, diagram};
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DOT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_SVG_BYTES: u64 = 16 * 1024 * 1024;

/// Why the diagram could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DiagramError(pub String);

fn dot_on_path() -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("dot").is_file()))
}

/// Runs `dot -Tsvg` on `input`.
fn run_dot(input: &str) -> Result<String, DiagramError> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| DiagramError(format!("cannot run Graphviz dot: {e}")))?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| DiagramError("dot: no stdin".into()))?;
    let text = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| DiagramError("dot: no stdout".into()))?;
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let r = (&mut stdout).take(MAX_SVG_BYTES + 1).read_to_end(&mut buf);
        r.map(|_| buf)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child
            .try_wait()
            .map_err(|e| DiagramError(format!("dot: {e}")))?
        {
            break s;
        }
        if start.elapsed() > DOT_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(DiagramError(format!(
                "Graphviz dot took longer than {} s; stopped",
                DOT_TIMEOUT.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = writer.join();
    let out = reader
        .join()
        .map_err(|_| DiagramError("dot: the reader failed".into()))?
        .map_err(|e| DiagramError(format!("dot: {e}")))?;
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = (&mut e).take(4096).read_to_string(&mut err);
        }
        return Err(DiagramError(format!(
            "Graphviz dot failed ({status}): {}",
            err.trim()
        )));
    }
    if out.len() as u64 > MAX_SVG_BYTES {
        return Err(DiagramError(
            "Graphviz dot wrote more than 16 MiB; refused".into(),
        ));
    }
    let svg = String::from_utf8(out).map_err(|_| DiagramError("dot wrote no UTF-8".into()))?;
    // dot's SVG carries an XML prolog and a DOCTYPE; keep the <svg> element
    // so that it embeds in HTML.
    Ok(svg
        .find("<svg")
        .map_or(svg.clone(), |i| svg[i..].to_owned()))
}

/// Draws the model as the plan asks: `Ok(None)` for `none`.
pub fn draw(model: &Model, engine: DiagramEngine) -> Result<Option<String>, DiagramError> {
    match engine {
        DiagramEngine::None => Ok(None),
        DiagramEngine::Builtin => Ok(Some(diagram::builtin_svg(model))),
        DiagramEngine::Dot => run_dot(&diagram::dot(model)).map(Some),
        DiagramEngine::Auto if dot_on_path() => match run_dot(&diagram::dot(model)) {
            Ok(svg) => Ok(Some(svg)),
            Err(_) => Ok(Some(diagram::builtin_svg(model))),
        },
        DiagramEngine::Auto => Ok(Some(diagram::builtin_svg(model))),
    }
}
