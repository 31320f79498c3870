//! Ops bearer tokens. Only the SHA-256 of a token is stored; the token itself is shown once.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Set};

use super::entities::admin_tokens;
use super::error::StoreError;
use super::store::Store;
use super::time::db_time;
use crate::tokens;

/// A token to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAdminToken {
    pub id: String,
    pub name: String,
    /// `viewer` or `operator`.
    pub role: String,
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    /// `None`: the token does not expire.
    pub expires_at: Option<DateTime<Utc>>,
}

impl NewAdminToken {
    /// A token with a fresh id, created now.
    pub fn new(name: &str, role: &str, token_hash: &str) -> NewAdminToken {
        NewAdminToken {
            id: uuid::Uuid::now_v7().to_string(),
            name: name.to_owned(),
            role: role.to_owned(),
            token_hash: token_hash.to_owned(),
            created_at: Utc::now(),
            expires_at: None,
        }
    }

    /// The same token, valid until `at`.
    pub fn expiring_at(self, at: DateTime<Utc>) -> NewAdminToken {
        NewAdminToken {
            expires_at: Some(at),
            ..self
        }
    }

    /// The operator token printed at start in simulator mode (`token` is the plain token).
    pub fn operator_for_demo(token: &str) -> NewAdminToken {
        NewAdminToken::new("demo-operator", "operator", &tokens::hash_token(token))
    }
}

/// A stored token (never its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminToken {
    pub id: String,
    pub name: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl AdminToken {
    /// Revoked, or past its expiry at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| now < at)
    }
}

impl Store {
    /// A reused hash (or id) is [`StoreError::Conflict`].
    pub async fn insert_admin_token(&self, token: NewAdminToken) -> Result<(), StoreError> {
        let row = admin_tokens::ActiveModel {
            id: Set(token.id),
            name: Set(token.name),
            role: Set(token.role),
            token_hash: Set(token.token_hash),
            created_at: Set(db_time(token.created_at)),
            revoked_at: Set(None),
            last_used_at: Set(None),
            expires_at: Set(token.expires_at.map(db_time)),
        };
        admin_tokens::Entity::insert(row)
            .exec_without_returning(&self.write)
            .await?;
        Ok(())
    }

    /// The token with this hash, unless revoked or expired at `now`.
    pub async fn admin_token_by_hash(
        &self,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<AdminToken>, StoreError> {
        Ok(admin_tokens::Entity::find()
            .filter(admin_tokens::Column::TokenHash.eq(hash))
            .filter(admin_tokens::Column::RevokedAt.is_null())
            .one(&self.read)
            .await?
            .map(from_row)
            .filter(|token| token.is_active(now)))
    }

    /// Records that the token was used (best effort for ops; not part of authentication).
    pub async fn touch_admin_token(&self, id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        admin_tokens::Entity::update_many()
            .set(admin_tokens::ActiveModel {
                last_used_at: Set(Some(db_time(at))),
                ..Default::default()
            })
            .filter(admin_tokens::Column::Id.eq(id))
            .exec(&self.write)
            .await?;
        Ok(())
    }

    /// All tokens, revoked ones included, oldest first.
    pub async fn list_admin_tokens(&self) -> Result<Vec<AdminToken>, StoreError> {
        Ok(admin_tokens::Entity::find()
            .order_by_asc(admin_tokens::Column::CreatedAt)
            .order_by_asc(admin_tokens::Column::Id)
            .all(&self.read)
            .await?
            .into_iter()
            .map(from_row)
            .collect())
    }

    /// Revokes the active tokens with this id or name. False when there was none.
    pub async fn revoke_admin_token(&self, name_or_id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let revoked = admin_tokens::Entity::update_many()
            .set(admin_tokens::ActiveModel {
                revoked_at: Set(Some(db_time(now))),
                ..Default::default()
            })
            .filter(
                Condition::any()
                    .add(admin_tokens::Column::Id.eq(name_or_id))
                    .add(admin_tokens::Column::Name.eq(name_or_id)),
            )
            .filter(admin_tokens::Column::RevokedAt.is_null())
            .exec(&self.write)
            .await?;
        Ok(revoked.rows_affected > 0)
    }
}

fn from_row(row: admin_tokens::Model) -> AdminToken {
    AdminToken {
        id: row.id,
        name: row.name,
        role: row.role,
        created_at: row.created_at,
        revoked_at: row.revoked_at,
        last_used_at: row.last_used_at,
        expires_at: row.expires_at,
    }
}
