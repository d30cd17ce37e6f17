//! Opening each backend: connection options, WAL mode, migrations, and the
//! translation of low-level failures into errors a user can act on.

use crate::StoreError;
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, PgPool, SqlitePool};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

fn newest(m: &Migrator) -> i64 {
    m.iter().map(|m| m.version).max().unwrap_or(0)
}

/// SQLite result codes that mean "this is not a (healthy) database file".
fn is_corruption(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            // SQLITE_CORRUPT = 11, SQLITE_NOTADB = 26 (with extended codes).
            let primary = code.parse::<i64>().map(|c| c & 0xff).unwrap_or(0);
            primary == 11 || primary == 26
        }
        _ => false,
    }
}

fn migrate_error(location: &str, known: i64, e: MigrateError) -> StoreError {
    match e {
        MigrateError::VersionMissing(found) => StoreError::NewerSchema {
            location: location.to_owned(),
            found,
            known,
        },
        MigrateError::Execute(inner) if is_corruption(&inner) => StoreError::Corrupt {
            location: location.to_owned(),
            reason: inner.to_string(),
        },
        other => StoreError::Corrupt {
            location: location.to_owned(),
            reason: format!("cannot apply schema migrations: {other}"),
        },
    }
}

/// Opens or creates a SQLite store file and migrates it.
pub(crate) async fn sqlite(path: &Path) -> Result<Lite, StoreError> {
    let location = path.display().to_string();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| StoreError::Unwritable {
            location: location.clone(),
            reason: format!("cannot create directory {}: {e}", parent.display()),
        })?;
    }
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
        && !meta.is_dir()
    {
        return Err(StoreError::Unwritable {
            location,
            reason: format!(
                "it is {}, not a database file",
                sef_fs::kind_of(&meta.file_type())
            ),
        });
    }
    if path.is_dir() {
        return Err(StoreError::Unwritable {
            location,
            reason: "it is a directory".into(),
        });
    }
    // Several processes may open a new store at once (parallel CI jobs):
    // the first creates the file and applies the migrations while the
    // others wait on an advisory lock of the file, then find it migrated.
    // (flock is independent of SQLite's own POSIX locks.)
    let lock_file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| StoreError::Unwritable {
            location: location.clone(),
            reason: e.to_string(),
        })?;
    lock_file.lock().map_err(|e| StoreError::Unwritable {
        location: location.clone(),
        reason: format!("cannot lock the file to open it: {e}"),
    })?;
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // A run of a thousand findings touches more pages than SQLite's
        // default 2 MB page cache holds: it spilled them into the WAL
        // mid-transaction and read them back with a system call each.
        // The cache is a ceiling, taken as pages are read.
        .pragma("cache_size", "-32768")
        // statement journals (multi-row inserts) in memory, not temp files
        .pragma("temp_store", "memory")
        // rows handed to the caller in batches rather than a handful at a
        // time: each hand-over from SQLite's thread is a wake-up
        .row_buffer_size(1024)
        .disable_statement_logging();

    // Probe with one connection first so that a corrupt or unwritable file
    // gets a precise error rather than a pool timeout.
    let mut probe = opts.connect().await.map_err(|e| open_error(&location, e))?;
    let check: Result<(String,), sqlx::Error> = sqlx::query_as("PRAGMA quick_check")
        .fetch_one(&mut probe)
        .await;
    match check {
        Ok((ok,)) if ok == "ok" => {}
        Ok((problem,)) => {
            return Err(StoreError::Corrupt {
                location,
                reason: format!("integrity check: {problem}"),
            });
        }
        Err(e) => return Err(open_error(&location, e)),
    }
    probe.close().await.map_err(|e| open_error(&location, e))?;

    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(opts.clone())
        .await
        .map_err(|e| open_error(&location, e))?;
    SQLITE_MIGRATIONS
        .run(&pool)
        .await
        .map_err(|e| migrate_error(&location, newest(&SQLITE_MIGRATIONS), e))?;
    // migrated: the others may go on
    drop(lock_file);
    // SQLite has one writer. Writers of this process queue for one
    // connection (woken in turn as it comes free) instead of meeting
    // SQLITE_BUSY on a shared pool and sleeping in the busy handler,
    // which left the lock idle between writes.
    let background = Arc::new(AtomicBool::new(false));
    let flag = background.clone();
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(60))
        // a writer connection opened again (the pool retires old ones)
        // keeps the checkpoint mode the store runs in
        .after_connect(move |conn, _| {
            let background = flag.load(Ordering::Relaxed);
            Box::pin(async move {
                if background {
                    sqlx::query(WRITER_BACKSTOP).execute(conn).await?;
                }
                Ok(())
            })
        })
        .connect_with(opts)
        .await
        .map_err(|e| open_error(&location, e))?;
    Ok(Lite {
        read: pool,
        write,
        background,
    })
}

/// With checkpoints in the background, the writer still checkpoints itself
/// once the WAL holds this many pages (64 MB): a backstop should the
/// background checkpoints fall behind.
const WRITER_BACKSTOP: &str = "PRAGMA wal_autocheckpoint = 16384";

impl Lite {
    /// Moves WAL checkpoints off the writer: the writer's automatic
    /// checkpoint (every 1,000 pages, with its fsyncs, inside whichever
    /// commit crosses the line) becomes a backstop, and a task checkpoints
    /// passively every `every` on a reading connection, beside the writer.
    pub(crate) async fn checkpoint_in_background(
        &self,
        every: Duration,
    ) -> Result<tokio::task::JoinHandle<()>, sqlx::Error> {
        self.background.store(true, Ordering::Relaxed);
        sqlx::query(WRITER_BACKSTOP).execute(&self.write).await?;
        let read = self.read.clone();
        Ok(tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if read.is_closed() {
                    return;
                }
                // (busy, WAL frames, frames checkpointed)
                match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
                    .fetch_one(&read)
                    .await
                {
                    Ok((_, frames, done)) => {
                        tracing::trace!(frames, done, "WAL checkpoint");
                    }
                    Err(e) => tracing::warn!(error = %e, "background WAL checkpoint failed"),
                }
            }
        }))
    }
}

/// A SQLite store's connections: readers, and the one writer.
#[derive(Debug, Clone)]
pub(crate) struct Lite {
    /// Up to four reading connections (WAL: they read beside the writer).
    pub(crate) read: SqlitePool,
    /// The one connection every write goes through.
    pub(crate) write: SqlitePool,
    /// Whether WAL checkpoints run in the background
    /// ([`Lite::checkpoint_in_background`]).
    background: Arc<AtomicBool>,
}

/// Begins a transaction that writes: on SQLite `BEGIN IMMEDIATE`, which
/// takes the write lock at once (another process holding it is waited
/// for by the busy handler). A deferred transaction that read first and
/// then found another process's newer commit would fail at its first
/// write instead, without waiting.
pub(crate) trait BeginWrite {
    /// The backend.
    type Db: sqlx::Database;
    /// Begins the writing transaction.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>;
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

fn open_error(location: &str, e: sqlx::Error) -> StoreError {
    if is_corruption(&e) {
        return StoreError::Corrupt {
            location: location.to_owned(),
            reason: e.to_string(),
        };
    }
    match &e {
        sqlx::Error::Database(db) => {
            let code = db.code().and_then(|c| c.parse::<i64>().ok()).unwrap_or(0) & 0xff;
            // SQLITE_READONLY = 8, SQLITE_CANTOPEN = 14, SQLITE_PERM = 3.
            if matches!(code, 3 | 8 | 14) {
                return StoreError::Unwritable {
                    location: location.to_owned(),
                    reason: e.to_string(),
                };
            }
            StoreError::Corrupt {
                location: location.to_owned(),
                reason: e.to_string(),
            }
        }
        sqlx::Error::Io(_) => StoreError::Unwritable {
            location: location.to_owned(),
            reason: e.to_string(),
        },
        _ => StoreError::Connect {
            location: location.to_owned(),
            reason: e.to_string(),
        },
    }
}

fn pg_options(url: &str) -> Result<PgConnectOptions, StoreError> {
    let location = crate::StoreUrl::Postgres(url.to_owned()).redacted();
    PgConnectOptions::from_str(url)
        .map(|o| o.disable_statement_logging())
        .map_err(|e| StoreError::Connect {
            location,
            reason: format!("invalid PostgreSQL URL: {e}"),
        })
}

/// Connects to PostgreSQL and migrates. With `schema`, the schema is
/// created and used as the connection's search path.
pub(crate) async fn postgres(url: &str, schema: Option<&str>) -> Result<PgPool, StoreError> {
    let location = crate::StoreUrl::Postgres(url.to_owned()).redacted();
    let connect_err = |e: sqlx::Error| StoreError::Connect {
        location: location.clone(),
        reason: e.to_string(),
    };
    let mut opts = pg_options(url)?;
    // One probe connection first: a refused or unreachable server fails
    // at once with its own error instead of after the pool's timeout.
    let mut probe = opts.connect().await.map_err(connect_err)?;
    if let Some(schema) = schema {
        check_schema_name(schema)?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE SCHEMA IF NOT EXISTS \"{schema}\""
        )))
        .execute(&mut probe)
        .await?;
        opts = opts.options([("search_path", schema)]);
    }
    probe.close().await.map_err(connect_err)?;
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(opts)
        .await
        .map_err(connect_err)?;
    POSTGRES_MIGRATIONS
        .run(&pool)
        .await
        .map_err(|e| migrate_error(&location, newest(&POSTGRES_MIGRATIONS), e))?;
    Ok(pool)
}

pub(crate) async fn drop_schema(url: &str, schema: &str) -> Result<(), StoreError> {
    check_schema_name(schema)?;
    let mut conn = pg_options(url)?.connect().await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
    )))
    .execute(&mut conn)
    .await?;
    Ok(())
}

fn check_schema_name(schema: &str) -> Result<(), StoreError> {
    let ok = !schema.is_empty()
        && schema.len() <= 63
        && schema
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !schema.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(StoreError::Connect {
            location: schema.to_owned(),
            reason: "schema names must be 1-63 ASCII letters, digits or underscores, not starting with a digit".into(),
        })
    }
}
