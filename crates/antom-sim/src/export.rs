//! `GET /__sim/ledger`: what Antom holds about the merchant's money, for an independent check
//! of the merchant's books (the soak test's ledger check; docs/simulator-extensions.md).
//!
//! Per payment: its amount and stage, what was authorized, captured and refunded (minor units,
//! successful operations only), and every capture and refund with its request id and status.
//! Also every body each idempotency key arrived with (`requestBodies`), and every notification
//! with the SHA-256 of its body and whether the merchant acknowledged it (`notifications`).

use serde_json::{json, Value};

use crate::sim::Sim;
use crate::state::{Payment, Stage, State, TxStatus};

/// The whole export.
pub fn ledger(sim: &Sim) -> Value {
    let (payments, bodies) = sim.with_state(|tx| (payments(tx.st), bodies(tx.st)));
    json!({
        "payments": payments,
        "requestBodies": bodies,
        "notifications": sim.notifier.deliveries(),
    })
}

fn payments(st: &State) -> Vec<Value> {
    let mut payments: Vec<&Payment> = st.payments().values().collect();
    payments.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    payments.into_iter().map(|p| payment(st, p)).collect()
}

fn payment(st: &State, p: &Payment) -> Value {
    let captures: Vec<Value> = st
        .captures_of(&p.id)
        .map(|c| {
            json!({
                "captureRequestId": c.request_id, "captureId": c.id,
                "amountMinor": c.minor(), "status": tx_status(&c.status),
            })
        })
        .collect();
    let refunds: Vec<Value> = st
        .refunds_of(&p.id)
        .map(|r| {
            json!({
                "refundRequestId": r.request_id, "refundId": r.id,
                "amountMinor": r.minor(), "status": tx_status(&r.status),
            })
        })
        .collect();
    let refunded: i64 = st
        .refunds_of(&p.id)
        .filter(|r| r.status.is_success())
        .map(|r| r.minor())
        .sum();
    json!({
        "paymentId": p.id,
        "paymentRequestId": p.request_id,
        "currency": p.amount.currency,
        "amountMinor": p.minor(),
        "stage": stage(&p.stage),
        "authorizedMinor": if p.authorized_at.is_some() { p.minor() } else { 0 },
        "capturedMinor": st.captured_minor(&p.id),
        "refundedMinor": refunded,
        "captures": captures,
        "refunds": refunds,
    })
}

fn bodies(st: &State) -> Vec<Value> {
    let mut out: Vec<Value> = st
        .bodies
        .all()
        .map(|(endpoint, id, hashes)| json!({"endpoint": endpoint, "requestId": id, "bodyHashes": hashes}))
        .collect();
    out.sort_by_key(|v| v.to_string());
    out
}

/// The stage by name: the buyer-side stages are told apart (a session nobody paid, an open
/// 3-D Secure challenge), unlike `paymentStatus` on the wire.
fn stage(stage: &Stage) -> &'static str {
    match stage {
        Stage::AwaitingCard => "AWAITING_CARD",
        Stage::AwaitingChallenge => "AWAITING_CHALLENGE",
        Stage::Settling { .. } => "SETTLING",
        Stage::Authorized => "AUTHORIZED",
        Stage::Failed { .. } => "FAILED",
        Stage::Cancelled { .. } => "CANCELLED",
    }
}

fn tx_status(status: &TxStatus) -> &'static str {
    match status {
        TxStatus::Processing { .. } => "PROCESSING",
        TxStatus::Success { .. } => "SUCCESS",
        TxStatus::Failed { .. } => "FAIL",
    }
}
