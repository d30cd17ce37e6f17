//! Portfolio KPI summaries kept in the store, so that every server node
//! answers from the same cache. An entry is valid only while the audit
//! trail's head is the sequence number it was computed at: every stored
//! run, registration change and re-index appends to the trail in its own
//! transaction, so any change on any node makes every older entry stale.
//! Stale entries are never served; they are replaced.

use crate::{Store, StoreError};
use sqlx::Row;

macro_rules! backend {
    ($module:ident, $db:ty) => {
        /// The cache's queries for one backend.
        pub(crate) mod $module {
            use super::*;

            type Pool = sqlx::Pool<$db>;

            pub(crate) async fn audit_seq(pool: &Pool) -> Result<i64, StoreError> {
                let r = sqlx::query("SELECT seq FROM audit_head WHERE id = 1")
                    .fetch_one(pool)
                    .await?;
                Ok(r.try_get("seq")?)
            }

            pub(crate) async fn get(pool: &Pool, key: &str) -> Result<Option<String>, StoreError> {
                let row = sqlx::query(
                    "SELECT c.body FROM rollup_cache c JOIN audit_head h ON h.id = 1 AND h.seq = c.audit_seq WHERE c.key = $1",
                )
                .bind(key)
                .fetch_optional(pool)
                .await?;
                Ok(row.map(|r| r.try_get("body")).transpose()?)
            }

            pub(crate) async fn put(pool: &Pool, key: &str, seq: i64, body: &str) -> Result<(), StoreError> {
                // never replace an entry computed at a later head
                sqlx::query(
                    "INSERT INTO rollup_cache (key, audit_seq, body) VALUES ($1, $2, $3) \
                     ON CONFLICT (key) DO UPDATE SET audit_seq = excluded.audit_seq, body = excluded.body \
                     WHERE excluded.audit_seq >= rollup_cache.audit_seq",
                )
                .bind(key)
                .bind(seq)
                .bind(body)
                .execute(pool)
                .await?;
                Ok(())
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);

impl Store {
    /// The audit trail's head sequence number: the store's version for
    /// caches. Read it before computing what is cached under it.
    pub async fn audit_seq(&self) -> Result<i64, StoreError> {
        on!(self, audit_seq())
    }

    /// A cached summary under `key`, when it was computed at the current
    /// audit head.
    pub async fn cached_summary(&self, key: &str) -> Result<Option<String>, StoreError> {
        on!(self, get(key))
    }

    /// Caches a summary computed at audit head `seq` (read before it was
    /// computed, so that a change made meanwhile leaves it stale).
    pub async fn put_cached_summary(
        &self,
        key: &str,
        seq: i64,
        body: &str,
    ) -> Result<(), StoreError> {
        on_w!(self, put(key, seq, body))
    }
}
