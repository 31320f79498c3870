//! Rewrites the `payments`, `captures`, `refunds` and `cancels` rows of an order from its
//! snapshot, inside the transaction that saves it.
//!
//! Each record is matched by request id among the rows this order already has: a known row is
//! updated (only the columns that changed, and then its `updated_at`), an unknown one is
//! inserted. A request id already used by *another* order is never overwritten: the insert hits
//! the primary key and the save fails with [`StoreError::Conflict`]. Worker bookkeeping columns
//! (`next_attempt_at`, `attempts`) are not the snapshot's and are left alone.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::{Cancel, Capture, Currency, Failure, Order, Payment, Refund};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel,
    QueryFilter, Set,
};

use super::super::entities::{cancels, captures, payments, refunds};
use super::super::{db_time, db_time_opt, StoreError};

pub(super) async fn write(
    tx: &DatabaseTransaction,
    order: &Order,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let order_id = order.id().as_str();
    let currency = order.currency();
    let now = db_time(now);

    let payment = order.payment();
    let loaded = payments::Entity::find_by_id(payment.request_id.as_str())
        .filter(payments::Column::OrderId.eq(order_id))
        .one(tx)
        .await?;
    let row = payment_row(loaded, order_id, payment);
    save(tx, row, payments::Column::UpdatedAt, now).await?;

    let mut loaded: HashMap<String, captures::Model> = captures::Entity::find()
        .filter(captures::Column::OrderId.eq(order_id))
        .all(tx)
        .await?
        .into_iter()
        .map(|row| (row.capture_request_id.clone(), row))
        .collect();
    for capture in order.captures() {
        let known = loaded.remove(capture.request_id.as_str());
        let row = capture_row(known, order_id, currency, capture);
        save(tx, row, captures::Column::UpdatedAt, now).await?;
    }

    let mut loaded: HashMap<String, refunds::Model> = refunds::Entity::find()
        .filter(refunds::Column::OrderId.eq(order_id))
        .all(tx)
        .await?
        .into_iter()
        .map(|row| (row.refund_request_id.clone(), row))
        .collect();
    for refund in order.refunds() {
        let known = loaded.remove(refund.request_id.as_str());
        let row = refund_row(known, order_id, currency, refund);
        save(tx, row, refunds::Column::UpdatedAt, now).await?;
    }

    if let Some(cancel) = order.cancel() {
        let known = cancels::Entity::find_by_id(cancel.request_id.as_str())
            .filter(cancels::Column::OrderId.eq(order_id))
            .one(tx)
            .await?;
        let row = cancel_row(known, order_id, cancel);
        save(tx, row, cancels::Column::UpdatedAt, now).await?;
    }
    Ok(())
}

/// Inserts a new row, or updates the changed columns of a loaded one (and then its
/// `updated_at`); an unchanged loaded row is not written.
async fn save<A>(
    tx: &DatabaseTransaction,
    Row { mut row, is_new }: Row<A>,
    updated_at: <A::Entity as EntityTrait>::Column,
    now: DateTime<Utc>,
) -> Result<(), StoreError>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    if !is_new && !row.is_changed() {
        return Ok(());
    }
    row.set(updated_at, now.into());
    if is_new {
        A::Entity::insert(row).exec_without_returning(tx).await?;
    } else {
        row.update(tx).await?;
    }
    Ok(())
}

/// A projection row to save: loaded (all columns `Unchanged` until set to something else) or
/// new (every column `Set`).
struct Row<A> {
    row: A,
    is_new: bool,
}

/// Starts from the loaded row, or a new one keyed by `(request id, order id)`.
macro_rules! start_row {
    ($entity:ident, $loaded:expr, $key:ident = $request_id:expr, $order_id:expr) => {
        match $loaded {
            Some(model) => Row {
                row: model.into_active_model(),
                is_new: false,
            },
            None => Row {
                row: $entity::ActiveModel {
                    $key: Set($request_id.to_owned()),
                    order_id: Set($order_id.to_owned()),
                    ..Default::default()
                },
                is_new: true,
            },
        }
    };
}

fn failure_code(failure: &Option<Failure>) -> Option<String> {
    failure.as_ref().map(|f| f.code.clone())
}

fn failure_message(failure: &Option<Failure>) -> Option<String> {
    failure.as_ref().map(|f| f.message.clone())
}

fn payment_row(
    loaded: Option<payments::Model>,
    order_id: &str,
    payment: &Payment,
) -> Row<payments::ActiveModel> {
    let mut new = start_row!(
        payments,
        loaded,
        payment_request_id = payment.request_id.as_str(),
        order_id
    );
    new.row.payment_id.set_if_not_equals(payment.payment_id.clone());
    new.row
        .status
        .set_if_not_equals(payment.status.as_str().to_owned());
    new.row.amount_minor.set_if_not_equals(payment.amount.minor());
    new.row
        .currency
        .set_if_not_equals(payment.amount.currency().code().to_owned());
    let card = payment.card.as_ref();
    new.row
        .card_brand
        .set_if_not_equals(card.map(|c| c.brand.clone()));
    new.row
        .card_last4
        .set_if_not_equals(card.map(|c| c.last4.clone()));
    new.row.paid_at.set_if_not_equals(db_time_opt(payment.paid_at));
    new.row
        .auth_expires_at
        .set_if_not_equals(db_time_opt(payment.auth_expires_at));
    new.row
        .failure_code
        .set_if_not_equals(failure_code(&payment.failure));
    new.row
        .failure_message
        .set_if_not_equals(failure_message(&payment.failure));
    new
}

fn capture_row(
    loaded: Option<captures::Model>,
    order_id: &str,
    currency: Currency,
    capture: &Capture,
) -> Row<captures::ActiveModel> {
    let mut new = start_row!(
        captures,
        loaded,
        capture_request_id = capture.request_id.as_str(),
        order_id
    );
    new.row.capture_id.set_if_not_equals(capture.capture_id.clone());
    new.row
        .status
        .set_if_not_equals(capture.status.as_str().to_owned());
    new.row
        .amount_minor
        .set_if_not_equals(capture.amount.map(|m| m.minor()));
    new.row.currency.set_if_not_equals(currency.code().to_owned());
    new.row
        .failure_code
        .set_if_not_equals(failure_code(&capture.failure));
    new.row
        .failure_message
        .set_if_not_equals(failure_message(&capture.failure));
    new.row
        .requested_at
        .set_if_not_equals(db_time_opt(capture.requested_at));
    new.row
        .captured_at
        .set_if_not_equals(db_time_opt(capture.captured_at));
    new
}

fn refund_row(
    loaded: Option<refunds::Model>,
    order_id: &str,
    currency: Currency,
    refund: &Refund,
) -> Row<refunds::ActiveModel> {
    let mut new = start_row!(
        refunds,
        loaded,
        refund_request_id = refund.request_id.as_str(),
        order_id
    );
    new.row.refund_id.set_if_not_equals(refund.refund_id.clone());
    new.row
        .status
        .set_if_not_equals(refund.status.as_str().to_owned());
    new.row
        .amount_minor
        .set_if_not_equals(refund.amount.map(|m| m.minor()));
    new.row.currency.set_if_not_equals(currency.code().to_owned());
    new.row.reason.set_if_not_equals(refund.reason.clone());
    new.row
        .failure_code
        .set_if_not_equals(failure_code(&refund.failure));
    new.row
        .failure_message
        .set_if_not_equals(failure_message(&refund.failure));
    new.row
        .requested_at
        .set_if_not_equals(db_time_opt(refund.requested_at));
    new.row
        .refunded_at
        .set_if_not_equals(db_time_opt(refund.refunded_at));
    new
}

fn cancel_row(loaded: Option<cancels::Model>, order_id: &str, cancel: &Cancel) -> Row<cancels::ActiveModel> {
    let mut new = start_row!(
        cancels,
        loaded,
        cancel_request_id = cancel.request_id.as_str(),
        order_id
    );
    new.row
        .status
        .set_if_not_equals(cancel.status.as_str().to_owned());
    new.row
        .failure_code
        .set_if_not_equals(failure_code(&cancel.failure));
    new.row
        .failure_message
        .set_if_not_equals(failure_message(&cancel.failure));
    new
}
