//! Buyers: the owners of saved cards. The id comes from the buyer cookie; the row only has to
//! exist before a vaulting or a card references it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{EntityTrait, Set};

use super::batch::Batch;
use super::entities::buyers;
use super::error::StoreError;
use super::store::Store;
use super::time::db_time;

impl Store {
    /// Inserts the buyer unless it exists (`INSERT … ON CONFLICT DO NOTHING`: safe to race).
    pub async fn ensure_buyer(&self, id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut batch = Batch::new(self.backend());
        stage_ensure(&mut batch, id, now);
        batch.execute(&self.write).await?;
        Ok(())
    }

    pub async fn buyer_exists(&self, id: &str) -> Result<bool, StoreError> {
        Ok(buyers::Entity::find_by_id(id).one(&self.read).await?.is_some())
    }
}

/// [`Store::ensure_buyer`] as a statement of `batch` (the transaction that stores the buyer's
/// order, or a batch of its own).
pub(super) fn stage_ensure(batch: &mut Batch, id: &str, now: DateTime<Utc>) {
    let row = buyers::ActiveModel {
        id: Set(id.to_owned()),
        created_at: Set(db_time(now)),
    };
    batch.push(
        buyers::Entity::insert(row)
            .on_conflict(OnConflict::column(buyers::Column::Id).do_nothing().to_owned()),
    );
}
