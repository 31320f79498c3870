//! Reading orders without locking them: by id, and finding an order's id by any of Antom's
//! or our request ids.

use domain::{CaptureRequestId, OrderId, RefundRequestId};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::super::entities::{captures, orders, refunds};
use super::super::error::StoreError;
use super::super::store::Store;
use super::stored::{stored_id, stored_order, StoredOrder};

impl Store {
    /// The order as last committed, without locking it.
    pub async fn order(&self, id: &OrderId) -> Result<Option<StoredOrder>, StoreError> {
        orders::Entity::find_by_id(id.as_str())
            .one(&self.read)
            .await?
            .map(stored_order)
            .transpose()
    }

    /// By Antom's `paymentId` (known once a result or inquiry told us).
    pub async fn order_id_by_payment_id(&self, payment_id: &str) -> Result<Option<OrderId>, StoreError> {
        let id: Option<String> = orders::Entity::find()
            .select_only()
            .column(orders::Column::Id)
            .filter(orders::Column::PaymentId.eq(payment_id))
            .into_tuple()
            .one(&self.read)
            .await?;
        id.map(stored_id).transpose()
    }

    pub async fn order_id_by_capture_request_id(
        &self,
        capture_request_id: &CaptureRequestId,
    ) -> Result<Option<OrderId>, StoreError> {
        let id: Option<String> = captures::Entity::find()
            .select_only()
            .column(captures::Column::OrderId)
            .filter(captures::Column::CaptureRequestId.eq(capture_request_id.as_str()))
            .into_tuple()
            .one(&self.read)
            .await?;
        id.map(stored_id).transpose()
    }

    pub async fn order_id_by_refund_request_id(
        &self,
        refund_request_id: &RefundRequestId,
    ) -> Result<Option<OrderId>, StoreError> {
        let id: Option<String> = refunds::Entity::find()
            .select_only()
            .column(refunds::Column::OrderId)
            .filter(refunds::Column::RefundRequestId.eq(refund_request_id.as_str()))
            .into_tuple()
            .one(&self.read)
            .await?;
        id.map(stored_id).transpose()
    }
}
