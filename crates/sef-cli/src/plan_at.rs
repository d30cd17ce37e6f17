//! The one plan loader of the commands: the directory made absolute and
//! checked, then its plan loaded and validated.

use anyhow::{Context, Result, bail};
use sef_plan::Plan;
use std::path::{Path, PathBuf};

/// The repository root `path` (absolute) and its plan. `verb` says what
/// the command was about to do, for the error ("cannot assess: …").
pub fn load(path: &Path, verb: &str) -> Result<(PathBuf, Plan)> {
    let root = path
        .canonicalize()
        .with_context(|| format!("{}: cannot {verb}: no such directory", path.display()))?;
    if !root.is_dir() {
        bail!("{}: cannot {verb}: not a directory", root.display());
    }
    let plan = Plan::load(&root)?;
    Ok((root, plan))
}
