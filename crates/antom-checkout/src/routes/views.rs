//! JSON shapes of orders, as the contract defines them. One place, used by buyer and admin routes.

use domain::{Cancel, Capture, Failure, Order, Payment, RecordStatus, Refund};
use serde_json::{json, Value};

use crate::persistence::{InboxEntry, StoredOrder, TimelineEntry};

pub fn iso(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn record_status(s: RecordStatus) -> &'static str {
    s.as_str()
}

/// `GET /api/orders/{orderId}`.
pub fn order(stored: &StoredOrder) -> Value {
    let order: &Order = &stored.order;
    let payment = order.payment();
    let items: Vec<Value> = order
        .items()
        .iter()
        .map(|i| {
            json!({
                "sku": i.sku().as_str(),
                "name": i.name(),
                "quantity": i.quantity().get(),
                "unitAmount": i.unit_price(),
            })
        })
        .collect();
    json!({
        "orderId": order.id().as_str(),
        "status": order.status().as_str(),
        "amount": order.total(),
        "items": items,
        "payment": {
            "paymentRequestId": payment.request_id.as_str(),
            "status": record_status(payment.status),
            "cardBrand": payment.card.as_ref().map(|c| c.brand.clone()),
            "cardLast4": payment.card.as_ref().map(|c| c.last4.clone()),
            "failureCode": payment.failure.as_ref().map(|f| f.code.clone()),
        },
        "capturedAmount": order.captured_amount(),
        "refundedAmount": order.refunded_amount(),
        "createdAt": iso(stored.created_at),
        "updatedAt": iso(stored.updated_at),
    })
}

/// `{"code", "message"}` of a failed record, or `null`.
fn failure(failure: &Option<Failure>) -> Value {
    match failure {
        Some(f) => json!({"code": f.code, "message": f.message}),
        None => Value::Null,
    }
}

fn iso_opt(t: Option<chrono::DateTime<chrono::Utc>>) -> Value {
    t.map_or(Value::Null, |t| Value::String(iso(t)))
}

/// One row of `GET /admin/api/orders`: the buyer's view plus what ops sort and filter by.
pub fn admin_order_row(stored: &StoredOrder) -> Value {
    let mut view = order(stored);
    view["reviewRequired"] = json!(stored.review_required);
    view["payment"]["authExpiresAt"] = iso_opt(stored.order.payment().auth_expires_at);
    view
}

/// `GET /admin/api/orders/{orderId}` (and the answer of `POST …/sync`): everything known about
/// the order, for a person deciding what to do with it.
pub fn admin_order(stored: &StoredOrder, timeline: &[TimelineEntry], notifications: &[InboxEntry]) -> Value {
    let order: &Order = &stored.order;
    let mut view = self::order(stored);
    view["reviewRequired"] = json!(stored.review_required);
    view["review"] = order
        .review()
        .iter()
        .map(|note| json!({"at": iso(note.at), "reason": note.reason}))
        .collect();
    view["payment"] = admin_payment(order.payment());
    view["captures"] = order.captures().iter().map(admin_capture).collect();
    view["cancel"] = order.cancel().map_or(Value::Null, admin_cancel);
    view["refunds"] = order.refunds().iter().map(admin_refund).collect();
    view["capturableAmount"] = json!(order.capturable_amount());
    view["refundableAmount"] = json!(order.refundable_amount());
    view["sessionExpiresAt"] = iso_opt(order.session_expires_at());
    view["timeline"] = timeline.iter().map(admin_timeline_entry).collect();
    view["notifications"] = notifications.iter().map(admin_notification).collect();
    view
}

fn admin_payment(payment: &Payment) -> Value {
    json!({
        "paymentRequestId": payment.request_id.as_str(),
        "paymentId": payment.payment_id,
        "status": record_status(payment.status),
        "amount": payment.amount,
        "cardBrand": payment.card.as_ref().map(|c| c.brand.clone()),
        "cardLast4": payment.card.as_ref().map(|c| c.last4.clone()),
        "paidAt": iso_opt(payment.paid_at),
        "authExpiresAt": iso_opt(payment.auth_expires_at),
        "failure": failure(&payment.failure),
    })
}

fn admin_capture(capture: &Capture) -> Value {
    json!({
        "captureRequestId": capture.request_id.as_str(),
        "captureId": capture.capture_id,
        "status": record_status(capture.status),
        "amount": capture.amount,
        "failure": failure(&capture.failure),
        "requestedAt": iso_opt(capture.requested_at),
        "capturedAt": iso_opt(capture.captured_at),
    })
}

fn admin_cancel(cancel: &Cancel) -> Value {
    json!({
        "cancelRequestId": cancel.request_id.as_str(),
        "status": record_status(cancel.status),
        "failure": failure(&cancel.failure),
    })
}

fn admin_refund(refund: &Refund) -> Value {
    json!({
        "refundRequestId": refund.request_id.as_str(),
        "refundId": refund.refund_id,
        "status": record_status(refund.status),
        "amount": refund.amount,
        "reason": refund.reason,
        "failure": failure(&refund.failure),
        "requestedAt": iso_opt(refund.requested_at),
        "refundedAt": iso_opt(refund.refunded_at),
    })
}

/// The contract's `{"at", "type", "actor", "details"}`.
fn admin_timeline_entry(entry: &TimelineEntry) -> Value {
    json!({
        "at": iso(entry.at),
        "type": entry.event_type,
        "actor": entry.actor,
        "details": entry.details,
    })
}

/// A notification in the deliveries list: as in an order's detail, plus the order it named.
pub fn admin_delivery(entry: &InboxEntry) -> Value {
    let mut view = admin_notification(entry);
    view["orderId"] = json!(entry.order_id);
    view
}

/// A notification as received. `body` is the raw text, exactly what was signed; headers are
/// left out (they are in the inbox for forensics, and hold nothing ops act on).
fn admin_notification(entry: &InboxEntry) -> Value {
    json!({
        "id": entry.id,
        "receivedAt": iso(entry.received_at),
        "lastReceivedAt": iso(entry.last_received_at),
        "route": entry.route,
        "verdict": entry.verdict,
        "rejectReason": entry.reject_reason,
        "notifyType": entry.notify_type,
        "outcome": entry.outcome,
        "outcomeDetail": entry.outcome_detail,
        "deliveryCount": entry.delivery_count,
        "body": entry.body,
    })
}
