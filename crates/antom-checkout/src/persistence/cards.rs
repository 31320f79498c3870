//! Saved cards, always read and changed *for a buyer*: a card id alone never finds a card, so
//! one buyer cannot reach another's. Cards are inserted only with their vaulting's result
//! (`vaultings.rs`). Deleting is soft: the row stays (it names its vaulting, whose unique key
//! keeps a late duplicate result from bringing the card back) but the sealed token is erased.

use chrono::{DateTime, Utc};
use domain::{CardId, VaultingRequestId};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::entities::saved_cards;
use super::error::StoreError;
use super::store::Store;
use super::time::db_time;

/// A card as stored. `token_ciphertext` is `services::card_crypto`'s sealed token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedCard {
    pub id: CardId,
    pub buyer_id: String,
    pub vaulting_request_id: Option<String>,
    pub brand: String,
    pub masked_card_no: String,
    pub last_four: String,
    pub expiry_month: String,
    pub expiry_year: String,
    pub token_ciphertext: String,
    pub created_at: DateTime<Utc>,
}

/// A card to insert (with the vaulting result that produced it).
#[derive(Debug, Clone)]
pub struct NewCard {
    pub id: CardId,
    pub brand: String,
    /// At most 32 characters.
    pub masked_card_no: String,
    /// Exactly 4 digits, or empty.
    pub last_four: String,
    /// `01`–`12`, or empty.
    pub expiry_month: String,
    /// 2 or 4 digits, or empty.
    pub expiry_year: String,
    pub token_ciphertext: String,
}

impl NewCard {
    pub(super) fn row(
        self,
        buyer_id: &str,
        vaulting_request_id: &VaultingRequestId,
        now: DateTime<Utc>,
    ) -> saved_cards::ActiveModel {
        saved_cards::ActiveModel {
            id: Set(self.id.as_str().to_owned()),
            buyer_id: Set(buyer_id.to_owned()),
            vaulting_request_id: Set(Some(vaulting_request_id.as_str().to_owned())),
            brand: Set(self.brand),
            masked_card_no: Set(self.masked_card_no),
            last_four: Set(self.last_four),
            expiry_month: Set(self.expiry_month),
            expiry_year: Set(self.expiry_year),
            token_ciphertext: Set(self.token_ciphertext),
            created_at: Set(db_time(now)),
            deleted_at: Set(None),
        }
    }
}

fn from_row(row: saved_cards::Model) -> Result<SavedCard, StoreError> {
    let id = CardId::parse(&row.id)
        .map_err(|e| StoreError::CorruptSnapshot(format!("card id {:?}: {e}", row.id)))?;
    Ok(SavedCard {
        id,
        buyer_id: row.buyer_id,
        vaulting_request_id: row.vaulting_request_id,
        brand: row.brand,
        masked_card_no: row.masked_card_no,
        last_four: row.last_four,
        expiry_month: row.expiry_month,
        expiry_year: row.expiry_year,
        token_ciphertext: row.token_ciphertext,
        created_at: row.created_at,
    })
}

impl Store {
    /// The buyer's cards that are not deleted, newest first.
    pub async fn cards_of_buyer(&self, buyer_id: &str) -> Result<Vec<SavedCard>, StoreError> {
        saved_cards::Entity::find()
            .filter(saved_cards::Column::BuyerId.eq(buyer_id))
            .filter(saved_cards::Column::DeletedAt.is_null())
            .order_by_desc(saved_cards::Column::CreatedAt)
            .order_by_desc(saved_cards::Column::Id)
            .all(&self.read)
            .await?
            .into_iter()
            .map(from_row)
            .collect()
    }

    /// One card of the buyer, unless deleted.
    pub async fn card_of_buyer(
        &self,
        card_id: &CardId,
        buyer_id: &str,
    ) -> Result<Option<SavedCard>, StoreError> {
        saved_cards::Entity::find_by_id(card_id.as_str())
            .filter(saved_cards::Column::BuyerId.eq(buyer_id))
            .filter(saved_cards::Column::DeletedAt.is_null())
            .one(&self.read)
            .await?
            .map(from_row)
            .transpose()
    }

    /// The card produced by a vaulting, deleted or not.
    pub async fn card_by_vaulting(
        &self,
        vaulting_request_id: &VaultingRequestId,
    ) -> Result<Option<SavedCard>, StoreError> {
        saved_cards::Entity::find()
            .filter(saved_cards::Column::VaultingRequestId.eq(vaulting_request_id.as_str()))
            .one(&self.read)
            .await?
            .map(from_row)
            .transpose()
    }

    /// Soft-deletes the buyer's card and erases its token. False when the buyer has no such
    /// card (any more).
    pub async fn delete_card(
        &self,
        card_id: &CardId,
        buyer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let deleted = saved_cards::ActiveModel {
            deleted_at: Set(Some(db_time(now))),
            token_ciphertext: Set(String::new()),
            ..Default::default()
        };
        let result = saved_cards::Entity::update_many()
            .set(deleted)
            .filter(saved_cards::Column::Id.eq(card_id.as_str()))
            .filter(saved_cards::Column::BuyerId.eq(buyer_id))
            .filter(saved_cards::Column::DeletedAt.is_null())
            .exec(&self.write)
            .await?;
        Ok(result.rows_affected == 1)
    }
}
