//! The organisation's policy, served: the architecture board publishes a
//! revision (`PUT /api/v1/policy`, TOML), the server validates it with the
//! same parser as the CLI, signs its text with the server's policy key
//! (minisign) and keeps it; every caller reads the newest revision with the
//! signature (`GET /api/v1/policy`), which `sef` verifies against the key
//! it was given before applying it. Uploaded runs are decided under the
//! same revision, verified again from the store, so a plan cannot loosen
//! the policy by leaving it out.

use crate::AppState;
use crate::auth::Principal;
use crate::problem::{ApiResult, Problem};
use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use sef_plan::policy::{MAX_POLICY_BYTES, OrgPolicy};
use sef_store::PolicyRecord;
use serde::Serialize;

/// The server's policy key, opened at start-up.
#[derive(Debug)]
pub struct Signer {
    secret: String,
    password: String,
    /// The public key file's text (what `--policy-key` is given).
    pub public: String,
    /// The key id.
    pub key_id: String,
}

impl Signer {
    /// Opens the configured key; `None` when none is configured.
    pub fn load(config: &crate::ServerConfig) -> anyhow::Result<Option<Signer>> {
        let Some(path) = &config.policy_signing_key else {
            return Ok(None);
        };
        let secret = std::fs::read_to_string(path).map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot read the policy signing key: {e}",
                path.display()
            )
        })?;
        let password = std::env::var("SEF_POLICY_KEY_PASSWORD")
            .ok()
            .or_else(|| config.policy_signing_key_password.clone())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{}: the policy signing key needs its password in SEF_POLICY_KEY_PASSWORD",
                    path.display()
                )
            })?;
        let (public, key_id) = sef_sign::public_of(&secret, &password)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        Ok(Some(Signer {
            secret,
            password,
            public,
            key_id,
        }))
    }

    fn sign(&self, text: &str, trusted: &str) -> Result<String, Problem> {
        sef_sign::sign(
            &self.secret,
            &self.password,
            std::io::Cursor::new(text.as_bytes()),
            trusted,
        )
        .map_err(Problem::internal)
    }
}

/// A published revision, as `PUT` answers it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Published {
    /// The revision number.
    pub revision: i64,
    /// The policy's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// SHA-256 of its text.
    pub digest: String,
    /// The signing key's id.
    pub key_id: String,
}

/// `GET /api/v1/policy`: the newest revision, with its signature.
pub async fn get(State(state): State<AppState>) -> ApiResult<Json<PolicyRecord>> {
    state.store.latest_policy().await?.map(Json).ok_or_else(|| {
        Problem::not_found("no policy is published on this server; the architecture board publishes one with `sef policy publish`")
    })
}

/// `PUT /api/v1/policy`: validate, sign and keep a new revision.
pub async fn put(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<Published>)> {
    let Some(signer) = state.policy_signer.clone() else {
        return Err(Problem::unprocessable(
            "this server has no policy signing key: set `policy_signing_key` in its configuration (docs/policy.md)",
        ));
    };
    if body.len() > MAX_POLICY_BYTES {
        return Err(Problem::unprocessable(format!(
            "the policy is larger than {MAX_POLICY_BYTES} bytes"
        )));
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| Problem::unprocessable("the policy is not UTF-8 text"))?;
    let policy = OrgPolicy::parse(std::path::Path::new("policy.toml"), text)
        .map_err(|e| Problem::unprocessable(e.to_string()))?;
    let signature = signer.sign(
        text,
        &format!("sef policy {} {}", policy.name, policy.version),
    )?;
    let record = PolicyRecord {
        revision: 0,
        name: policy.name.clone(),
        version: policy.version.clone(),
        digest: policy.digest.clone(),
        text: text.to_owned(),
        signature,
        key_id: signer.key_id.clone(),
        published_by: p.user.name.clone(),
        published_at: String::new(),
    };
    let revision = state
        .store
        .with_actor(&p.actor())
        .publish_policy(&record)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Published {
            revision,
            name: policy.name,
            version: policy.version,
            digest: policy.digest,
            key_id: signer.key_id.clone(),
        }),
    ))
}

/// The policy uploaded runs are decided under: the newest revision, its
/// signature verified with this server's key (a row changed in the
/// database without the key is refused, not applied).
pub async fn in_force(
    state: &AppState,
) -> Result<Option<(OrgPolicy, sef_model::PolicyRef)>, Problem> {
    let Some(rec) = state.store.latest_policy().await? else {
        return Ok(None);
    };
    let Some(signer) = &state.policy_signer else {
        return Err(Problem::internal(
            "a policy is published but this node has no policy signing key to verify it with: configure `policy_signing_key` on every node",
        ));
    };
    let v = sef_sign::verify(
        &signer.public,
        &rec.signature,
        std::io::Cursor::new(rec.text.as_bytes()),
    )
    .map_err(|e| {
        Problem::internal(format!(
            "the stored policy revision {} does not verify: {e}",
            rec.revision
        ))
    })?;
    let policy = OrgPolicy::parse(std::path::Path::new("policy.toml"), &rec.text).map_err(|e| {
        Problem::internal(format!("the stored policy revision {}: {e}", rec.revision))
    })?;
    let reference = sef_model::PolicyRef {
        name: policy.name.clone(),
        version: policy.version.clone(),
        digest: policy.digest.clone(),
        source: format!("this server (revision {})", rec.revision),
        key_id: v.key_id,
        locked: policy.checkpoints.locked.clone(),
    };
    Ok(Some((policy, reference)))
}
