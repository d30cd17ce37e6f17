//! Where the organisation's policy comes from, verified before any command
//! uses a plan: `--policy` (or `SEF_POLICY`) names a sef server or a file,
//! `--policy-key` (or `SEF_POLICY_KEY`) the minisign public key that must
//! have signed it (the server's policy key).
//!
//! From a server, `GET /api/v1/policy` gives the text and the server's
//! signature; both are verified, then cached under the user's cache
//! directory. When the server cannot be reached, the cached copy is
//! verified again and used, and the run says so. From a file, the
//! signature is the file beside it (`FILE.minisig`). Without the key, or
//! with a signature that does not verify, no command runs: a policy that
//! cannot be proven is never applied, and never silently skipped.

use anyhow::{Context, Result, anyhow, bail};
use sef_model::PolicyRef;
use sef_plan::policy::{MAX_POLICY_BYTES, OrgPolicy};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `--policy` and `--policy-key`, set once by `main`.
static SOURCE: OnceLock<Option<(String, Option<PathBuf>)>> = OnceLock::new();
/// The policy, loaded once per process.
static LOADED: OnceLock<std::result::Result<Option<(OrgPolicy, PolicyRef)>, String>> =
    OnceLock::new();

/// Records `--policy` and `--policy-key`.
pub fn set(source: Option<String>, key: Option<PathBuf>) {
    let _ = SOURCE.set(source.filter(|s| !s.trim().is_empty()).map(|s| (s, key)));
}

/// The policy in force, verified, or `None` when none is configured.
pub fn current() -> Result<Option<(OrgPolicy, PolicyRef)>> {
    LOADED
        .get_or_init(|| match SOURCE.get().cloned().flatten() {
            None => Ok(None),
            Some((source, key)) => load(&source, key.as_deref())
                .map(Some)
                .map_err(|e| format!("{e:#}")),
        })
        .clone()
        .map_err(|e| anyhow!(e))
}

/// What the server answers at `GET /api/v1/policy`.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
pub struct Served {
    /// The policy's text.
    pub text: String,
    /// The server's minisign signature of the text.
    pub signature: String,
    /// The server's revision number.
    pub revision: i64,
}

fn load(source: &str, key: Option<&Path>) -> Result<(OrgPolicy, PolicyRef)> {
    let Some(key) = key else {
        bail!(
            "--policy {source}: a policy is applied only when its signature verifies; give the policy key with --policy-key FILE (or SEF_POLICY_KEY)"
        );
    };
    let public = sef_fs::read_string(key, 64 * 1024)
        .with_context(|| format!("--policy-key {}", key.display()))?;
    if source.starts_with("https://") || source.starts_with("http://") {
        from_server(source, &public)
    } else {
        from_file(Path::new(source), &public)
    }
}

/// Verifies a policy text and its signature; returns the policy and its
/// reference.
pub fn verify(
    text: &str,
    signature: &str,
    public: &str,
    source: &str,
) -> Result<(OrgPolicy, PolicyRef)> {
    let v = sef_sign::verify(public, signature, std::io::Cursor::new(text.as_bytes())).map_err(
        |e| anyhow!("{source}: the policy's signature does not verify with the policy key: {e}"),
    )?;
    let policy = OrgPolicy::parse(Path::new(source), text)?;
    let reference = PolicyRef {
        name: policy.name.clone(),
        version: policy.version.clone(),
        digest: policy.digest.clone(),
        source: source.to_owned(),
        key_id: v.key_id,
        locked: policy.checkpoints.locked.clone(),
    };
    Ok((policy, reference))
}

fn from_file(path: &Path, public: &str) -> Result<(OrgPolicy, PolicyRef)> {
    let text = sef_fs::read_string(path, MAX_POLICY_BYTES as u64)
        .with_context(|| format!("--policy {}", path.display()))?;
    let sig_path = PathBuf::from(format!("{}.minisig", path.display()));
    let signature = sef_fs::read_string(&sig_path, 64 * 1024).with_context(|| {
        format!(
            "--policy {}: its signature {} (sign it with `sef sign {}` using the policy key)",
            path.display(),
            sig_path.display(),
            path.display()
        )
    })?;
    verify(&text, &signature, public, &path.display().to_string())
}

/// The cache directory of a server's policy.
fn cache_dir(url: &str) -> Option<PathBuf> {
    use sha2::Digest as _;
    let base = std::env::var_os("SEF_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            directories::ProjectDirs::from("", "", "sef").map(|d| d.cache_dir().to_owned())
        })?;
    let id = hex::encode(&sha2::Sha256::digest(url.as_bytes())[..8]);
    Some(base.join("policy").join(id))
}

fn from_server(url: &str, public: &str) -> Result<(OrgPolicy, PolicyRef)> {
    let (base, agent) = crate::commands::push::agent_for(url, "--policy")?;
    let endpoint = format!("{base}/api/v1/policy");
    let fetched = fetch(&agent, &endpoint);
    match fetched {
        Ok(served) => {
            let (policy, mut reference) =
                verify(&served.text, &served.signature, public, &endpoint)?;
            reference.source = format!("{base} (revision {})", served.revision);
            if let Some(dir) = cache_dir(&base) {
                // a cache that cannot be written only costs the offline case
                if let Err(e) = write_cache(&dir, &served) {
                    tracing::warn!(dir = %dir.display(), error = %e, "cannot cache the policy");
                }
            }
            Ok((policy, reference))
        }
        Err(why) => {
            let dir = cache_dir(&base)
                .ok_or_else(|| anyhow!("{endpoint}: {why}; and no cache directory"))?;
            let cached = std::fs::read_to_string(dir.join("served.json")).map_err(|_| {
                anyhow!("{endpoint}: {why}; no copy of the policy was fetched before, so none can be verified offline")
            })?;
            let served: Served = serde_json::from_str(&cached)
                .with_context(|| format!("{}: the cached policy is damaged", dir.display()))?;
            let (policy, mut reference) =
                verify(&served.text, &served.signature, public, &endpoint)?;
            let when = std::fs::metadata(dir.join("served.json"))
                .and_then(|m| m.modified())
                .map(|t| {
                    chrono::DateTime::<chrono::Utc>::from(t)
                        .format("%Y-%m-%d %H:%M UTC")
                        .to_string()
                })
                .unwrap_or_else(|_| "an earlier run".into());
            reference.source = format!(
                "{base} (revision {}, cached {when}: the server was unreachable: {why})",
                served.revision
            );
            Ok((policy, reference))
        }
    }
}

fn fetch(agent: &ureq::Agent, endpoint: &str) -> std::result::Result<Served, String> {
    let mut req = agent.get(endpoint);
    if let Ok(token) = std::env::var("SEF_TOKEN") {
        req = req.header("Authorization", &format!("Bearer {}", token.trim()));
    }
    let mut resp = req
        .call()
        .map_err(|e| format!("cannot reach the sef server: {e}"))?;
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .with_config()
        .limit(2 * MAX_POLICY_BYTES as u64)
        .read_to_string()
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    if status != 200 {
        let detail = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["detail"].as_str().map(str::to_owned))
            .unwrap_or(text);
        return Err(format!("the server answered {status}: {detail}"));
    }
    serde_json::from_str(&text).map_err(|e| format!("not a sef policy answer: {e}"))
}

fn write_cache(dir: &Path, served: &Served) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join("served.json.tmp");
    std::fs::write(&tmp, serde_json::to_vec(served)?)?;
    std::fs::rename(&tmp, dir.join("served.json"))?;
    Ok(())
}

/// Applies the policy in force to a plan; a plan that loosens what the
/// policy locks is refused with each line named.
pub fn apply(plan: &mut sef_plan::Plan) -> Result<()> {
    if let Some((policy, reference)) = current()? {
        let label = policy.label();
        plan.apply_policy(&policy, reference)
            .map_err(|v| anyhow!("{v}\n(under {label}; see docs/policy.md)"))?;
    }
    Ok(())
}
