//! Every ops request in the timeline carries its domain event, as every applied fact does, so
//! an order's timeline alone replays into the order (the soak's ledger check relies on it).

use domain::Event;
use serde_json::{json, Value};

use super::{action_path, admin, authorized_order, id, sgd};
use crate::helpers::{spawn_app, Db};

/// The domain event of each timeline entry of `kind`, parsed back.
fn events_of(order: &Value, kind: &str) -> Vec<Event> {
    order["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == kind)
        .map(|e| {
            serde_json::from_value::<Event>(e["details"]["event"].clone())
                .unwrap_or_else(|err| panic!("{kind} entry without its event ({err}): {e}"))
        })
        .collect()
}

async fn ops_requests_carry_their_domain_event_in_the_timeline(db: Db) {
    let app = spawn_app(db).await;
    let operator = admin(&app, "ops-alice", "operator").await;

    let captured = authorized_order(&app).await;
    let order_id = id(&captured);
    let capture = operator
        .post(&action_path(order_id, "capture"), json!({"amount": sgd("3000")}))
        .await;
    assert_eq!(capture.status, 202, "{}", capture.body);
    operator.wait_for_status(order_id, "CAPTURED").await;
    let refund = operator
        .post(
            &action_path(order_id, "refund"),
            json!({"amount": sgd("1000"), "reason": "damaged"}),
        )
        .await;
    assert_eq!(refund.status, 202, "{}", refund.body);
    let order = operator.wait_for_status(order_id, "PARTIALLY_REFUNDED").await;

    let captures = events_of(&order, "CAPTURE_REQUESTED");
    let [Event::CaptureRequested {
        request_id, amount, ..
    }] = captures.as_slice()
    else {
        panic!("one CAPTURE_REQUESTED expected: {captures:?}");
    };
    assert_eq!(
        json!(request_id.as_str()),
        capture.body["capture"]["captureRequestId"]
    );
    assert_eq!(json!(amount), sgd("3000"));
    let refunds = events_of(&order, "REFUND_REQUESTED");
    let [Event::RefundRequested {
        request_id,
        amount,
        reason,
        ..
    }] = refunds.as_slice()
    else {
        panic!("one REFUND_REQUESTED expected: {refunds:?}");
    };
    assert_eq!(
        json!(request_id.as_str()),
        refund.body["refund"]["refundRequestId"]
    );
    assert_eq!(json!(amount), sgd("1000"));
    assert_eq!(reason.as_deref(), Some("damaged"));

    let canceled = authorized_order(&app).await;
    let cancel = operator
        .post(&action_path(id(&canceled), "cancel"), json!({}))
        .await;
    assert_eq!(cancel.status, 202, "{}", cancel.body);
    let order = operator.wait_for_status(id(&canceled), "CANCELED").await;
    let cancels = events_of(&order, "CANCEL_REQUESTED");
    let [Event::CancelRequested { request_id }] = cancels.as_slice() else {
        panic!("one CANCEL_REQUESTED expected: {cancels:?}");
    };
    assert_eq!(
        json!(request_id.as_str()),
        cancel.body["cancel"]["cancelRequestId"]
    );
    app.stop().await;
}

crate::on_both_databases!(ops_requests_carry_their_domain_event_in_the_timeline,);
