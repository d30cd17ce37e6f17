//! The server's configuration: a TOML file, then `SEF_SERVE_*` environment
//! variables, then command-line flags, each overriding the one before.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// How `sef serve` runs.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// PEM certificate chain, for TLS.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key, for TLS.
    pub tls_key: Option<PathBuf>,
    /// Mark session cookies `Secure` even without TLS here (behind a TLS
    /// proxy). Always on with TLS.
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long a login session lasts, in minutes.
    pub session_minutes: i64,
    /// Failed logins of one account (or from one address) within
    /// `lockout_window_minutes` that lock it.
    pub max_failed_logins: i64,
    /// The window failed logins are counted in, in minutes.
    pub lockout_window_minutes: i64,
    /// How long a lock lasts, in minutes.
    pub lockout_minutes: i64,
    /// The longest an API token may live, in days.
    pub max_token_days: i64,
    /// Page size when a request names none, and the largest allowed.
    pub page_size: usize,
    /// Login through an OpenID Connect identity provider.
    pub oidc: Option<OidcConfig>,
    /// This node's name in the job queue (default: host name, process id
    /// and a random suffix). Each node of one store needs its own.
    pub node_id: Option<String>,
    /// `[jobs]`: the background workers of this node.
    pub jobs: JobsConfig,
    /// `[notify]`: where events are sent (nothing is sent without it).
    pub notify: Option<NotifyConfig>,
    /// The minisign secret key that signs the organisation's policy
    /// (`sef keygen`); its password in SEF_POLICY_KEY_PASSWORD. Without
    /// it, no policy can be published.
    pub policy_signing_key: Option<std::path::PathBuf>,
    /// The signing key's password (better: SEF_POLICY_KEY_PASSWORD).
    pub policy_signing_key_password: Option<String>,
}

/// `[jobs]`: how this node works through the shared job queue.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// Jobs this node runs at once; 0 makes a node that only serves.
    pub workers: usize,
    /// How long a claimed job stays this node's without a renewal, in
    /// milliseconds; the node renews it every third of that while it works.
    /// A node that stops holds its jobs at most this long.
    pub lease_ms: u64,
    /// How often an idle worker looks for work, in milliseconds.
    pub poll_ms: u64,
    /// The first retry's delay, in milliseconds; it doubles per attempt
    /// (at most an hour).
    pub retry_base_ms: u64,
    /// Attempts before a job is dead (kept for an admin to retry).
    pub max_attempts: i32,
}

impl Default for JobsConfig {
    fn default() -> Self {
        JobsConfig {
            workers: 2,
            lease_ms: 30_000,
            poll_ms: 500,
            retry_base_ms: 5_000,
            max_attempts: 5,
        }
    }
}

/// `[notify]`: a webhook that receives events as JSON, each POST carrying
/// `Sef-Event`, `Sef-Delivery` (the job id, the same on every retry) and,
/// with a secret, `Sef-Signature: sha256=HMAC(secret, body)`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// The URL events are POSTed to (http or https).
    pub url: String,
    /// The HMAC-SHA256 key; better: the SEF_NOTIFY_SECRET environment variable.
    #[serde(default)]
    pub secret: Option<String>,
    /// How long one delivery may take, in seconds.
    #[serde(default = "default_notify_timeout")]
    pub timeout_seconds: u64,
}

fn default_notify_timeout() -> u64 {
    10
}

/// `[oidc]`: the identity provider (authorization code flow with PKCE).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// The issuer URL; `/.well-known/openid-configuration` is read below it.
    pub issuer: String,
    /// This server's client id at the provider.
    pub client_id: String,
    /// The client secret, if the provider gave one (better: the
    /// SEF_OIDC_CLIENT_SECRET environment variable).
    pub client_secret: Option<String>,
    /// Where the provider sends the browser back:
    /// `https://HOST/api/v1/oidc/callback`.
    pub redirect_url: String,
    /// The claim that names a new user (default `preferred_username`, then
    /// `email`, then the subject).
    #[serde(default)]
    pub username_claim: Option<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            tls_cert: None,
            tls_key: None,
            secure_cookies: false,
            max_body_bytes: 64 * 1024 * 1024,
            session_minutes: 8 * 60,
            max_failed_logins: 5,
            lockout_window_minutes: 15,
            lockout_minutes: 15,
            max_token_days: 366,
            page_size: 100,
            oidc: None,
            node_id: None,
            jobs: JobsConfig::default(),
            notify: None,
            policy_signing_key: None,
            policy_signing_key_password: None,
        }
    }
}

impl ServerConfig {
    /// Reads a configuration file; unknown keys are refused with the line.
    pub fn from_file(path: &std::path::Path) -> anyhow::Result<ServerConfig> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot read the server configuration: {e}",
                path.display()
            )
        })?;
        toml_config(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }

    /// Whether session cookies are marked `Secure`.
    pub fn cookies_secure(&self) -> bool {
        self.secure_cookies || self.tls_cert.is_some()
    }
}

fn toml_config(text: &str) -> Result<ServerConfig, String> {
    toml::from_str(text).map_err(|e| e.to_string())
}
