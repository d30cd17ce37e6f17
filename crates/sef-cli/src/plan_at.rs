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

/// `--release`, set once by the dispatcher.
static RELEASE_FLAG: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// Records the command's `--release`.
pub fn set_release_flag(release: Option<String>) {
    let _ = RELEASE_FLAG.set(release);
}

/// The release's version and where it came from: `--release`, else
/// `SEF_RELEASE`, else the plan's `[release] version`, else the tag at
/// HEAD (a leading `v` before a digit dropped), else `unversioned`.
fn release_identity(plan: &mut Plan, tags_at_head: impl FnOnce() -> Vec<String>) -> Result<()> {
    use sef_model::VersionSource;
    let given = RELEASE_FLAG
        .get()
        .cloned()
        .flatten()
        .map(|v| (v, VersionSource::Flag, "--release"))
        .or_else(|| {
            std::env::var("SEF_RELEASE")
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(|v| (v, VersionSource::Env, "SEF_RELEASE"))
        });
    if let Some((v, source, name)) = given {
        let v = v.trim();
        if v.chars().count() > 64 || v.chars().any(char::is_control) || v.is_empty() {
            bail!(
                "{name}: {v:?} is not a release version: give 1 to 64 characters, no control characters"
            );
        }
        plan.release.version = v.to_owned();
        plan.release.version_source = source;
        return Ok(());
    }
    if plan.release.version_source == VersionSource::Plan {
        return Ok(());
    }
    if let Some(tag) = version_tag(&tags_at_head()) {
        plan.release.version = tag;
        plan.release.version_source = VersionSource::Tag;
    }
    Ok(())
}

/// Whether [`release_identity`] will look at the tags: no `--release`, no
/// `SEF_RELEASE`, no version in the plan.
fn tags_needed(plan: &Plan) -> bool {
    RELEASE_FLAG.get().cloned().flatten().is_none()
        && std::env::var("SEF_RELEASE").map_or(true, |v| v.trim().is_empty())
        && plan.release.version_source != sef_model::VersionSource::Plan
}

/// The version a tag at HEAD names: tags that look like versions (a digit
/// first, after an optional `v`) win over others, the highest in sort
/// order; `v` before a digit is dropped.
fn version_tag(tags: &[String]) -> Option<String> {
    let looks = |t: &&String| {
        let t = t.strip_prefix('v').unwrap_or(t);
        t.starts_with(|c: char| c.is_ascii_digit())
    };
    let pick = tags
        .iter()
        .filter(looks)
        .max_by(|a, b| natural(a).cmp(&natural(b)))
        .or_else(|| tags.iter().max())?;
    let v = match pick.strip_prefix('v') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => pick.as_str(),
    };
    (v.chars().count() <= 64 && !v.chars().any(char::is_control)).then(|| v.to_owned())
}

/// A sort key that orders `1.10` after `1.9`.
fn natural(s: &str) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    for part in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        let rest = part[digits.len()..].to_owned();
        out.push((digits.parse().unwrap_or(0), rest));
    }
    out
}

/// The hosts that may receive the forge token, set once by `main`.
static FORGE_TOKEN_HOSTS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();

/// The user's own configuration, outside any repository.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct UserConfig {
    #[serde(default)]
    forge: UserForge,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct UserForge {
    #[serde(default)]
    token_hosts: Vec<String>,
}

/// The user's configuration file: `$SEF_CONFIG`, else `config.toml` in the
/// user's configuration directory (`~/.config/sef/config.toml`).
fn user_config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SEF_CONFIG") {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "sef").map(|d| d.config_dir().join("config.toml"))
}

/// Records the forge token hosts: api.github.com, the user's
/// configuration's `[forge] token_hosts`, and `--forge-token-host`.
pub fn set_forge_token_hosts(from_flags: &[String]) -> Result<()> {
    let mut hosts = vec![sef_plan::DEFAULT_FORGE_TOKEN_HOST.to_owned()];
    if let Some(path) = user_config_path() {
        match sef_fs::read_string_if_exists(&path, sef_fs::CONFIG_LIMIT) {
            Ok(None) => {}
            Ok(Some(text)) => {
                let c: UserConfig = toml::from_str(&text)
                    .with_context(|| format!("{}: your sef configuration", path.display()))?;
                hosts.extend(c.forge.token_hosts);
            }
            Err(e) => return Err(anyhow::Error::new(e).context("your sef configuration")),
        }
    }
    hosts.extend(from_flags.iter().cloned());
    let _ = FORGE_TOKEN_HOSTS.set(hosts);
    Ok(())
}

/// Loads the plan at `root` (absolute) and refuses one whose paths leave
/// the repository, unless the user allowed it.
pub fn plan(root: &Path) -> Result<Plan> {
    let mut plan = unversioned(root)?;
    release_identity(&mut plan, || sef_engine::tags_at_head(root))?;
    Ok(plan)
}

/// The plan at `root` with everything but the release identity (which may
/// read the repository's tags): the policy in force applied.
fn unversioned(root: &Path) -> Result<Plan> {
    let mut plan = Plan::load(root)?;
    plan.allow_outside_repo = ALLOW_OUTSIDE_REPO.load(Ordering::Relaxed);
    if let Some(h) = FORGE_TOKEN_HOSTS.get() {
        plan.forge_token_hosts.clone_from(h);
    }
    plan.confine(root)?;
    crate::policy_source::apply(&mut plan)?;
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

/// [`load`] for a command whose `work` needs the plan's settings but not
/// the release version: `work` runs while another thread reads the tags
/// at HEAD (a repository with many tags takes milliseconds), and the plan
/// comes back with its release identity set.
pub fn load_with<T>(
    path: &Path,
    verb: &str,
    work: impl FnOnce(&Path, &Plan) -> T,
) -> Result<(PathBuf, Plan, T)> {
    let root = path
        .canonicalize()
        .with_context(|| format!("{}: cannot {verb}: no such directory", path.display()))?;
    if !root.is_dir() {
        bail!("{}: cannot {verb}: not a directory", root.display());
    }
    let mut plan = unversioned(&root)?;
    let (tags, out) = std::thread::scope(|s| {
        let tags = tags_needed(&plan).then(|| s.spawn(|| sef_engine::tags_at_head(&root)));
        let out = work(&root, &plan);
        (tags.and_then(|t| t.join().ok()).unwrap_or_default(), out)
    });
    release_identity(&mut plan, || tags)?;
    Ok((root, plan, out))
}
