//! Writing reports: to standard output (ANSI styles kept only on a colour
//! terminal) or atomically to a file (never styled). Everything written
//! passes [`redacted`] first: the secret rules run over the final text, so
//! no command can print a secret whatever string carried it.

use crate::cli::FormatArg;
use anyhow::{Context, Result};
use sef_report::Format;
use std::io::Write;
use std::path::Path;

/// The report format for a CLI format argument.
pub fn format(f: FormatArg) -> Format {
    match f {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Html => Format::Html,
        FormatArg::Sarif => Format::Sarif,
    }
}

/// Writes a report in format `f` to `output`, or to standard output. Only
/// the text format carries ANSI styles (kept on a colour terminal, stripped
/// elsewhere); the others are written byte for byte.
pub fn emit(text: &str, output: Option<&Path>, f: FormatArg) -> Result<()> {
    emit_redacted(&redacted(text), output, f == FormatArg::Text)
}

/// [`emit`] for a text rendered only from strings that were each redacted
/// before rendering (a structure-aware redaction that cannot cut a JSON
/// string in half), so the final text is not scanned a second time.
pub fn emit_redacted(text: &str, output: Option<&Path>, is_text: bool) -> Result<()> {
    if !is_text {
        return write_raw(text, output);
    }
    match output {
        None => {
            // on a terminal, long lines wrap to its width; a pipe gets
            // the text unchanged
            let text = sef_report::fit_to_terminal(text);
            let mut out = anstream::stdout();
            quiet_on_closed_pipe(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
        }
        Some(path) => write_atomically(
            path,
            anstream::adapter::strip_str(text).to_string().as_bytes(),
        ),
    }
}

/// A write to standard output: a reader that went away (`sef … | head`)
/// is not an error; any other failure is.
fn quiet_on_closed_pipe(r: std::io::Result<()>) -> Result<()> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

/// Writes a view: text like [`emit`] (styles and fitting only on a
/// terminal), any other format byte for byte.
pub fn emit_view(text: &str, output: Option<&Path>, is_text: bool) -> Result<()> {
    if is_text {
        emit(text, output, FormatArg::Text)
    } else {
        emit_raw(text, output)
    }
}

/// Writes a document that is never styled (an SBOM) to `output` or
/// standard output, byte for byte.
pub fn emit_raw(text: &str, output: Option<&Path>) -> Result<()> {
    write_raw(&redacted(text), output)
}

fn write_raw(text: &str, output: Option<&Path>) -> Result<()> {
    match output {
        None => {
            let mut out = std::io::stdout().lock();
            quiet_on_closed_pipe(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
        }
        Some(path) => write_atomically(path, text.as_bytes()),
    }
}

/// Whether the command writes its report to a file (`-o FILE`, on the
/// command or a subcommand).
pub fn file_output_given(m: &clap::ArgMatches) -> bool {
    let here = m
        .try_get_one::<std::path::PathBuf>("output")
        .ok()
        .flatten()
        .is_some();
    here || m
        .subcommand()
        .is_some_and(|(_, sub)| file_output_given(sub))
}

/// The width text reports are fitted to: standard output's terminal
/// (`COLUMNS` first, else the terminal's own size), or `None` for a pipe, a
/// file or `-o FILE`, where no value is cut.
pub fn terminal_width(to_file: bool) -> Option<usize> {
    use std::io::IsTerminal;
    if to_file || !std::io::stdout().is_terminal() {
        return None;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
        .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
}

/// `text` with every secret the built-in rules find replaced by its
/// prefix and `[REDACTED]`.
pub fn redacted(text: &str) -> std::borrow::Cow<'_, str> {
    match sef_secrets::builtin_redactor().redact(text) {
        Some(r) => std::borrow::Cow::Owned(r),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// Writes a file the user named: a regular file through a temporary
/// sibling and a rename, so readers never see half a report; a FIFO or a
/// character device (`/dev/stdout`) in place; anything else refused.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    sef_fs::write_output(path, bytes).map_err(anyhow::Error::new)
}
