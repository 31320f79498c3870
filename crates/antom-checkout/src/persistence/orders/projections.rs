//! The statements that rewrite the `payments`, `captures`, `refunds` and `cancels` rows of an
//! order from its snapshot, sent in the transaction that saves it.
//!
//! The rows are a pure function of the snapshot, and every snapshot write rewrites them in the
//! same transaction, so the rows in the database are always those of the snapshot the save
//! started from (`before`). Each record is therefore compared with its own earlier version in
//! memory, not read back: a new record is inserted, a changed one is updated (whole, with its
//! `updated_at`), an unchanged one is not written. A new record whose request id is already used
//! by *another* order hits the primary key and the save fails with [`StoreError::Conflict`].
//! Worker bookkeeping columns (`next_attempt_at`, `attempts`) are not the snapshot's and are
//! never written here.

use chrono::{DateTime, Utc};
use domain::{Cancel, Capture, Currency, Failure, Order, Payment, Refund};
use sea_orm::{ActiveModelBehavior, ActiveModelTrait, ActiveValue, EntityTrait, IntoActiveModel};

use super::super::batch::Batch;
use super::super::entities::{cancels, captures, payments, refunds};
use super::super::time::{db_time, db_time_opt};

/// Adds to `batch` what changed between `before` (the stored snapshot; `None` for a new order)
/// and `after`.
pub(super) fn stage(batch: &mut Batch, before: Option<&Order>, after: &Order, now: DateTime<Utc>) {
    let order_id = after.id().as_str();
    let currency = after.currency();
    let now = db_time(now);

    let payment = |p: &Payment| payment_model(order_id, p, now);
    save(
        batch,
        before.map(|b| payment(b.payment())),
        payment(after.payment()),
        |_| (),
    );

    let capture = |c: &Capture| capture_model(order_id, currency, c, now);
    for new in after.captures() {
        let old = before
            .and_then(|b| b.captures().iter().find(|c| c.request_id == new.request_id))
            .map(capture);
        save(batch, old, capture(new), |row: &mut captures::ActiveModel| {
            row.next_attempt_at = ActiveValue::NotSet;
            row.attempts = ActiveValue::NotSet;
        });
    }

    let refund = |r: &Refund| refund_model(order_id, currency, r, now);
    for new in after.refunds() {
        let old = before
            .and_then(|b| b.refunds().iter().find(|r| r.request_id == new.request_id))
            .map(refund);
        save(batch, old, refund(new), |row: &mut refunds::ActiveModel| {
            row.next_attempt_at = ActiveValue::NotSet;
            row.attempts = ActiveValue::NotSet;
        });
    }

    if let Some(new) = after.cancel() {
        let cancel = |c: &Cancel| cancel_model(order_id, c, now);
        let old = before
            .and_then(Order::cancel)
            .filter(|c| c.request_id == new.request_id)
            .map(cancel);
        save(batch, old, cancel(new), |_| ());
    }
}

/// Inserts `after` when there was no earlier version, updates it when it differs from
/// `before`; `keep` leaves the columns this module does not own out of the statement.
fn save<M, A>(batch: &mut Batch, before: Option<M>, after: M, keep: impl FnOnce(&mut A))
where
    M: IntoActiveModel<A> + PartialEq,
    A: ActiveModelTrait + ActiveModelBehavior + Send,
{
    if before.as_ref() == Some(&after) {
        return;
    }
    let mut row = after.into_active_model().reset_all();
    keep(&mut row);
    if before.is_none() {
        batch.push(A::Entity::insert(row));
    } else {
        batch.push(A::Entity::update(row));
    }
}

fn failure_code(failure: &Option<Failure>) -> Option<String> {
    failure.as_ref().map(|f| f.code.clone())
}

fn failure_message(failure: &Option<Failure>) -> Option<String> {
    failure.as_ref().map(|f| f.message.clone())
}

fn payment_model(order_id: &str, payment: &Payment, now: DateTime<Utc>) -> payments::Model {
    let card = payment.card.as_ref();
    payments::Model {
        payment_request_id: payment.request_id.as_str().to_owned(),
        order_id: order_id.to_owned(),
        payment_id: payment.payment_id.clone(),
        status: payment.status.as_str().to_owned(),
        amount_minor: payment.amount.minor(),
        currency: payment.amount.currency().code().to_owned(),
        card_brand: card.map(|c| c.brand.clone()),
        card_last4: card.map(|c| c.last4.clone()),
        paid_at: db_time_opt(payment.paid_at),
        auth_expires_at: db_time_opt(payment.auth_expires_at),
        failure_code: failure_code(&payment.failure),
        failure_message: failure_message(&payment.failure),
        updated_at: now,
    }
}

fn capture_model(
    order_id: &str,
    currency: Currency,
    capture: &Capture,
    now: DateTime<Utc>,
) -> captures::Model {
    captures::Model {
        capture_request_id: capture.request_id.as_str().to_owned(),
        order_id: order_id.to_owned(),
        capture_id: capture.capture_id.clone(),
        status: capture.status.as_str().to_owned(),
        amount_minor: capture.amount.map(|m| m.minor()),
        currency: currency.code().to_owned(),
        failure_code: failure_code(&capture.failure),
        failure_message: failure_message(&capture.failure),
        requested_at: db_time_opt(capture.requested_at),
        captured_at: db_time_opt(capture.captured_at),
        updated_at: now,
        // Not the snapshot's: left out of every statement (`keep`).
        next_attempt_at: None,
        attempts: 0,
    }
}

fn refund_model(order_id: &str, currency: Currency, refund: &Refund, now: DateTime<Utc>) -> refunds::Model {
    refunds::Model {
        refund_request_id: refund.request_id.as_str().to_owned(),
        order_id: order_id.to_owned(),
        refund_id: refund.refund_id.clone(),
        status: refund.status.as_str().to_owned(),
        amount_minor: refund.amount.map(|m| m.minor()),
        currency: currency.code().to_owned(),
        reason: refund.reason.clone(),
        failure_code: failure_code(&refund.failure),
        failure_message: failure_message(&refund.failure),
        requested_at: db_time_opt(refund.requested_at),
        refunded_at: db_time_opt(refund.refunded_at),
        updated_at: now,
        // Not the snapshot's: left out of every statement (`keep`).
        next_attempt_at: None,
        attempts: 0,
    }
}

fn cancel_model(order_id: &str, cancel: &Cancel, now: DateTime<Utc>) -> cancels::Model {
    cancels::Model {
        cancel_request_id: cancel.request_id.as_str().to_owned(),
        order_id: order_id.to_owned(),
        status: cancel.status.as_str().to_owned(),
        failure_code: failure_code(&cancel.failure),
        failure_message: failure_message(&cancel.failure),
        updated_at: now,
    }
}
