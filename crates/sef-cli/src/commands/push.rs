//! `sef assess --push URL`: uploads the run, its artifacts (the SBOM), its
//! plan files and the checkpoint documents to a sef server with the token
//! in `SEF_TOKEN`. The server decides the KPIs and gate again; its verdict
//! is what this prints and what sets the exit code.

use anyhow::{Context, Result};
use sef_model::AssessmentRun;
use sef_plan::Plan;
use sef_server::upload::{ArtifactContent, FORMAT, RunUpload, UploadReceipt};
use sef_store::PlanFile;
use std::path::Path;

/// Builds the upload of `run`, assessed at `root` under `plan`.
pub fn upload_of(root: &Path, plan: &Plan, run: &AssessmentRun) -> Result<RunUpload> {
    let mut plan_files = Vec::new();
    if matches!(plan.source, sef_plan::PlanSource::File { .. }) {
        let path = root.join(sef_plan::PLAN_FILE);
        let text = sef_fs::read_string(&path, sef_plan::MAX_PLAN_BYTES)
            .with_context(|| format!("{}: cannot read the plan to upload", path.display()))?;
        plan_files.push(PlanFile {
            path: sef_plan::PLAN_FILE.to_owned(),
            text,
        });
    } else {
        anyhow::bail!(
            "{}: there is no {} to upload with the run; a server decides a run under its plan (run `sef init`)",
            root.display(),
            sef_plan::PLAN_FILE
        );
    }
    for rel in &plan.security_files {
        let path = root.join(rel);
        let text = sef_fs::read_string(&path, sef_plan::MAX_PLAN_BYTES)
            .with_context(|| format!("{}: cannot read the plan file to upload", path.display()))?;
        plan_files.push(PlanFile {
            path: rel.clone(),
            text,
        });
    }
    Ok(RunUpload {
        format: FORMAT.to_owned(),
        run: run.clone(),
        artifacts: run
            .artifacts
            .iter()
            .map(|a| ArtifactContent {
                name: a.name.clone(),
                media_type: a.media_type.clone(),
                content: a.content.clone(),
            })
            .collect(),
        plan_files,
        checkpoint_files: sef_engine::decide::CheckpointFiles::read(root, plan),
    })
}

/// The base URL (no trailing slash) and an HTTP agent for a sef server:
/// HTTPS only, except on the loopback address; no redirects. `what` names
/// the flag in errors.
pub fn agent_for(url: &str, what: &str) -> Result<(String, ureq::Agent)> {
    let base = url.trim_end_matches('/').to_owned();
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| base.starts_with(p));
    if base.starts_with("http://") && !loopback {
        anyhow::bail!(
            "{what} {url}: the token would cross the network in clear text; use https:// (plain http is only for the loopback address)"
        );
    }
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(300)))
        .http_status_as_error(false)
        .https_only(!loopback)
        .max_redirects(0)
        .user_agent(concat!("sef/", env!("CARGO_PKG_VERSION")))
        .build();
    Ok((base, ureq::Agent::new_with_config(config)))
}

/// Sends the upload; returns the server's receipt.
pub fn push(url: &str, upload: &RunUpload) -> Result<UploadReceipt> {
    let token = std::env::var("SEF_TOKEN").map_err(|_| {
        anyhow::anyhow!(
            "--push needs an API token in SEF_TOKEN (create one with `sef token create` or POST /api/v1/tokens)"
        )
    })?;
    let (base, agent) = agent_for(url, "--push")?;
    let endpoint = format!("{base}/api/v1/runs");
    let body = serde_json::to_vec(upload)?;
    let mut resp = agent
        .post(&endpoint)
        .header("Authorization", &format!("Bearer {}", token.trim()))
        .header("Content-Type", "application/json")
        .send(&body[..])
        .with_context(|| format!("{endpoint}: cannot reach the sef server"))?;
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .with_config()
        .limit(1024 * 1024)
        .read_to_string()
        .with_context(|| format!("{endpoint}: cannot read the answer"))?;
    if !(200..300).contains(&status) {
        let detail = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["detail"].as_str().map(str::to_owned))
            .unwrap_or(text);
        anyhow::bail!("{endpoint}: the server refused the run ({status}): {detail}");
    }
    serde_json::from_str(&text).with_context(|| format!("{endpoint}: not a sef upload receipt"))
}
