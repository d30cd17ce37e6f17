//! The audit trail: every state change appended to a hash-chained log in
//! the same transaction as the change itself. Each entry carries the hash
//! of the entry before it, and its own hash over every field; the chain's
//! head (last sequence number and hash) is kept in a table of its own, so
//! deleting the newest entries is caught as surely as editing or
//! reordering older ones. [`verify`] walks the chain.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// The hash the first entry points back to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Its position, from 1, without gaps.
    pub seq: i64,
    /// When (RFC 3339, UTC, microseconds).
    pub at: String,
    /// Who: `user:NAME`, `token:NAME/TOKEN` or `cli:NAME (self-asserted)`.
    pub actor: String,
    /// What kind of change: `run.store`, `triage.record`, …
    pub action: String,
    /// What it changed: an offering, a run, a user, …
    pub target: String,
    /// The state before, as JSON, when there was one.
    pub before: Option<String>,
    /// The state after, as JSON, when there is one.
    pub after: Option<String>,
    /// The previous entry's hash ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// SHA-256 over every field above, hex.
    pub hash: String,
}

/// A change to append: the log fills in the sequence, time and hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What kind of change.
    pub action: String,
    /// What it changed.
    pub target: String,
    /// The state before.
    pub before: Option<serde_json::Value>,
    /// The state after.
    pub after: Option<serde_json::Value>,
}

impl Change {
    /// A change with a state after it and none before.
    pub fn new(action: &str, target: impl Into<String>, after: serde_json::Value) -> Change {
        Change {
            action: action.to_owned(),
            target: target.into(),
            before: None,
            after: Some(after),
        }
    }
}

/// The hash of an entry's fields, each length-prefixed so no two field
/// splits collide.
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    target: &str,
    before: Option<&str>,
    after: Option<&str>,
    prev_hash: &str,
) -> String {
    let mut h = Sha256::new();
    let seq = seq.to_string();
    let fields: [Option<&str>; 8] = [
        Some(&seq),
        Some(at),
        Some(actor),
        Some(action),
        Some(target),
        before,
        after,
        Some(prev_hash),
    ];
    for f in fields {
        match f {
            Some(s) => {
                h.update([1u8]);
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
            None => h.update([0u8]),
        }
    }
    hex::encode(h.finalize())
}

impl AuditEntry {
    /// The hash its fields should have.
    pub fn expected_hash(&self) -> String {
        entry_hash(
            self.seq,
            &self.at,
            &self.actor,
            &self.action,
            &self.target,
            self.before.as_deref(),
            self.after.as_deref(),
            &self.prev_hash,
        )
    }
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Entries read.
    pub entries: u64,
    /// The head as kept apart from the log: sequence number and hash.
    pub head_seq: i64,
    /// The head's hash.
    pub head_hash: String,
    /// What is wrong, first problem first; empty when the chain holds.
    pub problems: Vec<String>,
}

impl Verification {
    /// Whether the chain holds.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Walks `entries` (in stored sequence order) against the head.
pub fn verify(entries: &[AuditEntry], head_seq: i64, head_hash: &str) -> Verification {
    let mut problems = Vec::new();
    let mut prev = GENESIS.to_owned();
    let mut expected_seq = 1i64;
    for e in entries {
        if e.seq != expected_seq {
            problems.push(format!(
                "entry {}: expected sequence number {expected_seq} (an entry was deleted, inserted or reordered)",
                e.seq
            ));
        }
        if e.prev_hash != prev {
            problems.push(format!(
                "entry {}: does not point back to the entry before it (prev_hash {} should be {prev}): an entry before it was edited, deleted or reordered",
                e.seq, e.prev_hash
            ));
        }
        let h = e.expected_hash();
        if h != e.hash {
            problems.push(format!(
                "entry {} ({} {} by {}): its content does not match its hash: it was edited",
                e.seq, e.action, e.target, e.actor
            ));
        }
        prev = e.hash.clone();
        expected_seq = e.seq.saturating_add(1);
    }
    let last_seq = entries.last().map_or(0, |e| e.seq);
    if last_seq != head_seq || prev != head_hash {
        problems.push(format!(
            "the chain ends at entry {last_seq} with hash {prev}, but the head records entry {head_seq} with hash {head_hash}: entries were deleted or appended outside sef"
        ));
    }
    Verification {
        entries: entries.len() as u64,
        head_seq,
        head_hash: head_hash.to_owned(),
        problems,
    }
}

/// Now, at the precision and in the format the log keeps.
pub(crate) fn now_text() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

macro_rules! backend {
    ($module:ident, $db:ty) => {
        /// The audit queries for one backend.
        pub(crate) mod $module {
            use super::*;
            use crate::StoreError;
            use sqlx::Row;

            type Pool = sqlx::Pool<$db>;

            /// Appends `change` by `actor` inside the caller's transaction.
            /// The head row is updated first, so concurrent writers queue
            /// on its lock.
            pub(crate) async fn append(
                tx: &mut sqlx::Transaction<'_, $db>,
                actor: &str,
                change: &Change,
            ) -> Result<(), StoreError> {
                let row = sqlx::query(
                    "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
                )
                .fetch_one(&mut **tx)
                .await?;
                let seq: i64 = row.try_get("seq")?;
                let prev: String = row.try_get("hash")?;
                let at = now_text();
                let before = change.before.as_ref().map(|v| v.to_string());
                let after = change.after.as_ref().map(|v| v.to_string());
                let hash = entry_hash(
                    seq,
                    &at,
                    actor,
                    &change.action,
                    &change.target,
                    before.as_deref(),
                    after.as_deref(),
                    &prev,
                );
                sqlx::query(
                    "INSERT INTO audit_log (seq, at, actor, action, target, before, after, prev_hash, hash) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(seq)
                .bind(&at)
                .bind(actor)
                .bind(&change.action)
                .bind(&change.target)
                .bind(&before)
                .bind(&after)
                .bind(&prev)
                .bind(&hash)
                .execute(&mut **tx)
                .await?;
                sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
                    .bind(&hash)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            /// Appends one change in its own transaction.
            pub(crate) async fn record(pool: &Pool, actor: &str, change: &Change) -> Result<(), StoreError> {
                let mut tx = crate::open::BeginWrite::begin_write(pool).await?;
                append(&mut tx, actor, change).await?;
                tx.commit().await?;
                Ok(())
            }

            /// Entries after `after_seq`, at most `limit`, in order.
            pub(crate) async fn entries(pool: &Pool, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
                let rows = sqlx::query(
                    "SELECT seq, at, actor, action, target, before, after, prev_hash, hash FROM audit_log \
                     WHERE seq > $1 ORDER BY seq LIMIT $2",
                )
                .bind(after_seq)
                .bind(limit)
                .fetch_all(pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(AuditEntry {
                            seq: r.try_get("seq")?,
                            at: r.try_get("at")?,
                            actor: r.try_get("actor")?,
                            action: r.try_get("action")?,
                            target: r.try_get("target")?,
                            before: r.try_get("before")?,
                            after: r.try_get("after")?,
                            prev_hash: r.try_get("prev_hash")?,
                            hash: r.try_get("hash")?,
                        })
                    })
                    .collect()
            }

            /// The head: last sequence number and hash.
            pub(crate) async fn head(pool: &Pool) -> Result<(i64, String), StoreError> {
                let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
                    .fetch_optional(pool)
                    .await?;
                match row {
                    Some(r) => Ok((r.try_get("seq")?, r.try_get("hash")?)),
                    None => Err(StoreError::Decode(
                        "the audit chain's head row is missing: it was deleted outside sef".into(),
                    )),
                }
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: format!("2026-12-03T00:00:0{seq}.000000Z"),
                    actor: "user:a".into(),
                    action: "triage.record".into(),
                    target: format!("shop/{seq}"),
                    before: None,
                    after: Some("{}".into()),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.expected_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(3);
        let head = c[2].hash.clone();
        assert!(verify(&c, 3, &head).ok());
        assert!(verify(&[], 0, GENESIS).ok());
    }

    #[test]
    fn each_tampering_is_caught() {
        let c = chain(4);
        let head = c[3].hash.clone();
        let mut edited = c.clone();
        edited[1].actor = "user:mallory".into();
        assert!(!verify(&edited, 4, &head).ok());
        let mut deleted = c.clone();
        deleted.remove(1);
        assert!(!verify(&deleted, 4, &head).ok());
        let mut reordered = c.clone();
        reordered.swap(1, 2);
        assert!(!verify(&reordered, 4, &head).ok());
        let truncated = c[..3].to_vec();
        assert!(!verify(&truncated, 4, &head).ok());
        // a null and an empty field hash differently
        assert_ne!(
            entry_hash(1, "t", "a", "b", "c", None, Some(""), GENESIS),
            entry_hash(1, "t", "a", "b", "c", Some(""), None, GENESIS)
        );
    }
}
