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
