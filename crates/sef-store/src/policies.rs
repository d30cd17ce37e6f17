//! The organisation's policy revisions `sef serve` publishes: the text the
//! architecture board wrote, the server's signature of it and who
//! published it. Each publication is audited in its own transaction.

use crate::{Store, StoreError};
use serde::Serialize;
use sqlx::Row;

/// One published revision of the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyRecord {
    /// Its number, from 1.
    pub revision: i64,
    /// The policy's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// SHA-256 of the text, hex.
    pub digest: String,
    /// The policy file's text.
    pub text: String,
    /// The server's minisign signature of the text.
    pub signature: String,
    /// The signing key's id.
    pub key_id: String,
    /// Who published it.
    pub published_by: String,
    /// When (RFC 3339).
    pub published_at: String,
}

macro_rules! backend {
    ($module:ident, $db:ty) => {
        /// The policy queries for one backend.
        pub(crate) mod $module {
            use super::*;

            type Pool = sqlx::Pool<$db>;

            pub(crate) async fn publish(pool: &Pool, actor: &str, p: &PolicyRecord) -> Result<i64, StoreError> {
                let mut tx = crate::open::BeginWrite::begin_write(pool).await?;
                let row = sqlx::query(
                    "INSERT INTO policies (name, version, digest, text, signature, key_id, published_by, published_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING revision",
                )
                .bind(&p.name)
                .bind(&p.version)
                .bind(&p.digest)
                .bind(&p.text)
                .bind(&p.signature)
                .bind(&p.key_id)
                .bind(actor)
                .bind(crate::audit::now_text())
                .fetch_one(&mut *tx)
                .await?;
                let revision: i64 = row.try_get("revision")?;
                crate::audit::$module::append(
                    &mut tx,
                    actor,
                    &crate::Change::new(
                        "policy.publish",
                        format!("policy:{revision}"),
                        serde_json::json!({ "name": p.name, "version": p.version, "digest": p.digest, "key_id": p.key_id }),
                    ),
                )
                .await?;
                tx.commit().await?;
                Ok(revision)
            }

            pub(crate) async fn latest(pool: &Pool) -> Result<Option<PolicyRecord>, StoreError> {
                let row = sqlx::query(
                    "SELECT revision, name, version, digest, text, signature, key_id, published_by, published_at \
                     FROM policies ORDER BY revision DESC LIMIT 1",
                )
                .fetch_optional(pool)
                .await?;
                row.map(|r| -> Result<PolicyRecord, StoreError> {
                    Ok(PolicyRecord {
                        revision: r.try_get("revision")?,
                        name: r.try_get("name")?,
                        version: r.try_get("version")?,
                        digest: r.try_get("digest")?,
                        text: r.try_get("text")?,
                        signature: r.try_get("signature")?,
                        key_id: r.try_get("key_id")?,
                        published_by: r.try_get("published_by")?,
                        published_at: r.try_get("published_at")?,
                    })
                })
                .transpose()
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);

impl Store {
    /// Publishes a policy revision (audited as this handle's actor);
    /// returns its revision number.
    pub async fn publish_policy(&self, p: &PolicyRecord) -> Result<i64, StoreError> {
        on_w!(self, publish(&self.actor, p))
    }

    /// The newest published policy revision.
    pub async fn latest_policy(&self) -> Result<Option<PolicyRecord>, StoreError> {
        on!(self, latest())
    }
}
