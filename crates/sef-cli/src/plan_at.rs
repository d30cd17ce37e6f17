//! The one plan loader of the commands: the directory made absolute and
//! checked, then its plan loaded and validated, and the paths it names kept
//! inside the repository unless `--allow-outside-repo` was given.

use anyhow::{Context, Result, bail};
use sef_plan::Plan;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// `--allow-outside-repo`, set once by `main` from the global arguments.
static ALLOW_OUTSIDE_REPO: AtomicBool = AtomicBool::new(false);

/// Records the global `--allow-outside-repo` flag.
pub fn set_allow_outside_repo(allow: bool) {
    ALLOW_OUTSIDE_REPO.store(allow, Ordering::Relaxed);
}

/// Loads the plan at `root` (absolute) and refuses one whose paths leave
/// the repository, unless the user allowed it.
pub fn plan(root: &Path) -> Result<Plan> {
    let mut plan = Plan::load(root)?;
    plan.allow_outside_repo = ALLOW_OUTSIDE_REPO.load(Ordering::Relaxed);
    plan.confine(root)?;
    Ok(plan)
}

/// The repository root `path` (absolute) and its plan. `verb` says what
/// the command was about to do, for the error ("cannot assess: …").
pub fn load(path: &Path, verb: &str) -> Result<(PathBuf, Plan)> {
    let root = path
        .canonicalize()
        .with_context(|| format!("{}: cannot {verb}: no such directory", path.display()))?;
    if !root.is_dir() {
        bail!("{}: cannot {verb}: not a directory", root.display());
    }
    let plan = plan(&root)?;
    Ok((root, plan))
}
