//! Which store to use, and a small runtime to talk to it.

use anyhow::{Context, Result};
use sef_store::{Store, StoreUrl};
use std::path::PathBuf;

/// The default SQLite file: `sef.db` in the user's data directory.
pub fn default_location() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "sef")
        .context("cannot find the user's data directory (is HOME set?); pass --db PATH or set SEF_DATABASE_URL")?;
    Ok(dirs.data_dir().join("sef.db"))
}

/// The store URL from `--db` / `SEF_DATABASE_URL`, else the default file.
/// An empty value, an unknown scheme or `sqlite://` without a path is an
/// error (exit 2), never a file of that name.
pub fn url(db: Option<&str>) -> Result<StoreUrl> {
    match db {
        Some(s) => StoreUrl::parse(s).map_err(|e| anyhow::anyhow!("--db / SEF_DATABASE_URL: {e}")),
        None => Ok(StoreUrl::Sqlite(default_location()?)),
    }
}

/// Opens a store that must already exist, for commands that only read
/// (`runs`, `finding`, `kpi`, `phase history`): a SQLite file that is not
/// there is an error, not a new empty store.
pub async fn open_existing(url: &StoreUrl) -> Result<Store> {
    if let StoreUrl::Sqlite(path) = url
        && !path.exists()
    {
        anyhow::bail!(
            "{}: no store here: nothing was assessed into it yet (run `sef assess`), or pass --db with the right store",
            path.display()
        );
    }
    open(url).await
}

/// A single-threaded runtime for store calls.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Opens the store, with the crash-test commit delay in debug builds.
pub async fn open(url: &StoreUrl) -> Result<Store> {
    let mut store = Store::open(url).await?.with_actor(&cli_actor());
    if cfg!(debug_assertions) {
        // Test hook (debug builds only): wait inside the write transaction
        // so a test can kill the process mid-write.
        if let Some(ms) = std::env::var("SEF_DEBUG_COMMIT_DELAY_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        {
            store.set_commit_delay(Some(std::time::Duration::from_millis(ms)));
        }
    }
    Ok(store)
}

/// Who the command line records in the audit trail: the operating-system
/// user, marked self-asserted because nothing proved it.
pub fn cli_actor() -> String {
    let who = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".to_owned());
    format!("cli:{who} (self-asserted)")
}
