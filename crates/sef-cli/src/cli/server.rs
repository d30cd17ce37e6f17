//! Arguments of `sef serve` and of the commands that administer a shared
//! store: `sef user`, `sef token`, `sef offering`, `sef audit`, `sef backup`.

use super::{StoreArgs, ViewFormatArg};
use clap::{Args, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// `sef serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// A TOML configuration file (docs/server.md); flags override it.
    #[arg(long, env = "SEF_SERVE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address and port to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "SEF_SERVE_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    /// PEM certificate chain: serve HTTPS (with --tls-key).
    #[arg(
        long,
        env = "SEF_SERVE_TLS_CERT",
        value_name = "FILE",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of the certificate.
    #[arg(
        long,
        env = "SEF_SERVE_TLS_KEY",
        value_name = "FILE",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,
    /// Mark session cookies Secure without TLS here (behind a TLS proxy).
    #[arg(long)]
    pub secure_cookies: bool,
    /// Background jobs this node runs at once (default 2; 0: this node
    /// only serves requests and leaves the queue to the other nodes).
    #[arg(long, env = "SEF_SERVE_WORKERS", value_name = "N")]
    pub workers: Option<usize>,
    /// This node's name in the shared job queue (default: host name,
    /// process id and a random suffix).
    #[arg(long, env = "SEF_SERVE_NODE_ID", value_name = "NAME")]
    pub node_id: Option<String>,
}

/// `sef user`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a local user; the password is read from standard input (one
    /// line) or SEF_USER_PASSWORD.
    Add(UserAddArgs),
    /// Grant a role: admin, architect, pdt-leader, development-manager,
    /// developer, qa, psirt, auditor, supplier-manager.
    Grant(GrantArgs),
    /// Take a role back.
    Revoke(GrantArgs),
    /// List users and their grants.
    List(UserListArgs),
}

/// `sef user add`.
#[derive(Debug, Args)]
pub struct UserAddArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The login name.
    pub name: String,
}

/// `sef user grant|revoke`.
#[derive(Debug, Args)]
pub struct GrantArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The user.
    pub name: String,
    /// The role.
    pub role: String,
    /// Where: `global`, `team:NAME` or `offering:NAME`.
    #[arg(default_value = "global")]
    pub scope: String,
}

/// `sef user list`.
#[derive(Debug, Args)]
pub struct UserListArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
}

/// `sef token`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user (shown once, stored as a hash).
    Create(TokenCreateArgs),
    /// List a user's tokens (never their secrets).
    List(TokenListArgs),
    /// Revoke a token by its id.
    Revoke(TokenRevokeArgs),
}

/// `sef token create`.
#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The user who owns it.
    #[arg(long)]
    pub user: String,
    /// A name for people (`ci-upload`).
    #[arg(long, default_value = "api")]
    pub name: String,
    /// Offerings it may act on (comma-separated; default: all its owner's
    /// grants cover).
    #[arg(long, value_delimiter = ',')]
    pub offering: Vec<String>,
    /// Permissions it carries (comma-separated: read, upload-run, triage,
    /// accept-risk, decide-phase, override-gate, read-audit,
    /// manage-offerings, manage-users, operate-service; default: all of its owner's).
    #[arg(long, value_delimiter = ',')]
    pub permission: Vec<String>,
    /// Days until it expires.
    #[arg(long, default_value_t = 90)]
    pub days: i64,
}

/// `sef token list`.
#[derive(Debug, Args)]
pub struct TokenListArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The user.
    #[arg(long)]
    pub user: String,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
}

/// `sef token revoke`.
#[derive(Debug, Args)]
pub struct TokenRevokeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The token's id (the 12 hex digits after `sef_`).
    pub id: String,
}

/// `sef offering`.
#[derive(Debug, Subcommand)]
pub enum OfferingCommand {
    /// Register an offering for a team on a shared store (or move it).
    Put(OfferingPutArgs),
}

/// `sef offering put`.
#[derive(Debug, Args)]
pub struct OfferingPutArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The offering, as named in its plan.
    pub name: String,
    /// The owning team.
    #[arg(long)]
    pub team: String,
    /// The business unit it belongs to (a key of `sef portfolio kpis
    /// --by business-unit`); without it, a re-registration clears it.
    #[arg(long)]
    pub business_unit: Option<String>,
}

/// `sef audit`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain of the audit trail against its head. Exit code 1
    /// when an entry was edited, deleted or reordered.
    Verify(AuditVerifyArgs),
    /// Write the audit trail as JSON lines.
    Export(AuditExportArgs),
}

/// `sef audit verify`.
#[derive(Debug, Args)]
pub struct AuditVerifyArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ViewFormatArg::Text)]
    pub format: ViewFormatArg,
}

/// `sef audit export`.
#[derive(Debug, Args)]
pub struct AuditExportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Write here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only entries after this sequence number.
    #[arg(long, default_value_t = 0)]
    pub after: i64,
}

/// `sef backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The backup file to write (must not exist).
    pub output: PathBuf,
}

/// `sef migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The repository directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Only report what would change; exit code 1 when something would.
    #[arg(long)]
    pub check: bool,
}
