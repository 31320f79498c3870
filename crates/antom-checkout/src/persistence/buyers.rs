//! Buyers: the owners of saved cards. The id comes from the buyer cookie; the row only has to
//! exist before a vaulting or a card references it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use super::entities::buyers;
use super::{db_time, Store, StoreError};

impl Store {
    /// Inserts the buyer unless it exists (`INSERT … ON CONFLICT DO NOTHING`: safe to race).
    pub async fn ensure_buyer(&self, id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        ensure(&self.write, id, now).await
    }

    pub async fn buyer_exists(&self, id: &str) -> Result<bool, StoreError> {
        Ok(buyers::Entity::find_by_id(id).one(&self.read).await?.is_some())
    }
}

/// [`Store::ensure_buyer`] with `db` (the pool, or the transaction that stores the buyer's order).
pub(super) async fn ensure(
    db: &impl ConnectionTrait,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let row = buyers::ActiveModel {
        id: Set(id.to_owned()),
        created_at: Set(db_time(now)),
    };
    buyers::Entity::insert(row)
        .on_conflict(OnConflict::column(buyers::Column::Id).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(())
}
