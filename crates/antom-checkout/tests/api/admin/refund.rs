//! Refunds: partial, several, never more than captured.

use serde_json::json;

use super::{action_path, admin, authorized_order, id, sgd, sim_calls, TOTAL};
use crate::helpers::{spawn_app, Db};

async fn refunds_partial_multiple_and_never_over_captured(db: Db) {
    let app = spawn_app(db).await;
    let operator = admin(&app, "ops-alice", "operator").await;
    let session = authorized_order(&app).await;
    let order_id = id(&session);
    let refund = action_path(order_id, "refund");

    // Nothing captured yet.
    let early = operator.post(&refund, json!({"amount": sgd("100")})).await;
    assert_eq!(early.error(), (409, "INVALID_STATE"));

    assert_eq!(
        operator
            .post(&action_path(order_id, "capture"), json!({}))
            .await
            .status,
        202
    );
    operator.wait_for_status(order_id, "CAPTURED").await;

    let first = operator
        .post(&refund, json!({"amount": sgd("1000"), "reason": "damaged"}))
        .await;
    assert_eq!(first.status, 202, "{}", first.body);
    assert!(
        first.body["refund"]["refundRequestId"].is_string(),
        "{}",
        first.body
    );
    assert!(["PROCESSING", "SUCCESS"].contains(&first.body["refund"]["status"].as_str().unwrap()));
    assert_eq!(first.body["refund"]["amount"], sgd("1000"));
    operator.wait_for_status(order_id, "PARTIALLY_REFUNDED").await;

    let second = operator
        .post(&refund, json!({"amount": sgd("1200"), "reason": "late delivery"}))
        .await;
    assert_eq!(second.status, 202, "{}", second.body);
    operator
        .wait_for(order_id, "two refunds", |o| o["refundedAmount"] == sgd("2200"))
        .await;

    let over = operator.post(&refund, json!({"amount": sgd("2001")})).await;
    assert_eq!(over.error(), (422, "AMOUNT_EXCEEDS_CAPTURED"));
    let usd = operator
        .post(&refund, json!({"amount": {"currency": "USD", "value": "100"}}))
        .await;
    assert_eq!(usd.error(), (422, "CURRENCY_MISMATCH"));

    let rest = operator.post(&refund, json!({"amount": sgd("2000")})).await;
    assert_eq!(rest.status, 202, "{}", rest.body);
    let order = operator.wait_for_status(order_id, "REFUNDED").await;
    assert_eq!(order["refundedAmount"], sgd(TOTAL));
    assert_eq!(order["refundableAmount"], sgd("0"));
    let refunds = order["refunds"].as_array().unwrap();
    assert_eq!(refunds.len(), 3);
    assert!(refunds.iter().all(|r| r["status"] == "SUCCESS"), "{refunds:?}");
    assert_eq!(
        refunds[0]["refundRequestId"],
        first.body["refund"]["refundRequestId"]
    );
    assert_eq!(refunds[0]["reason"], "damaged");
    assert_eq!(refunds[1]["reason"], "late delivery");

    let after = operator.post(&refund, json!({"amount": sgd("1")})).await;
    assert_eq!(after.error(), (422, "AMOUNT_EXCEEDS_CAPTURED"));
    assert_eq!(sim_calls(&app, "refund").await.len(), 3);
    app.stop().await;
}

crate::on_both_databases!(refunds_partial_multiple_and_never_over_captured,);
