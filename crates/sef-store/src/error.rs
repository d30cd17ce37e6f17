//! Store errors. Each says which store, what failed and what to do.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database location cannot be created or written.
    #[error(
        "{location}: cannot open the database for writing: {reason}; choose a writable location with --db or SEF_DATABASE_URL"
    )]
    Unwritable {
        /// The database location.
        location: String,
        /// The underlying reason.
        reason: String,
    },
    /// The file is not a SQLite database, or is damaged.
    #[error(
        "{location}: the file is corrupt or is not a sef database ({reason}); move it aside or choose another with --db"
    )]
    Corrupt {
        /// The database location.
        location: String,
        /// The underlying reason.
        reason: String,
    },
    /// The database was migrated by a newer sef.
    #[error(
        "{location}: the database was written by a newer version of sef (it has schema migration {found}, this sef knows up to {known}); upgrade sef or choose another database with --db"
    )]
    NewerSchema {
        /// The database location.
        location: String,
        /// The unknown migration version found in the database.
        found: i64,
        /// The newest migration this sef knows.
        known: i64,
    },
    /// The server could not be reached or refused the connection.
    #[error("{location}: cannot connect to the database: {reason}")]
    Connect {
        /// The database location (password redacted).
        location: String,
        /// The underlying reason.
        reason: String,
    },
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    /// The operation does not apply to this backend.
    #[error("{0}")]
    Unsupported(String),
    /// A record with that name or id already exists.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Stored data could not be decoded (written by a different sef, or edited by hand).
    #[error("stored data is malformed: {0}")]
    Decode(String),
}
