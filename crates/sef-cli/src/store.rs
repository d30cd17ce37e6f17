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
pub fn url(db: Option<&str>) -> Result<StoreUrl> {
    match db.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(StoreUrl::parse(s)),
        None => Ok(StoreUrl::Sqlite(default_location()?)),
    }
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
    let mut store = Store::open(url).await?;
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
