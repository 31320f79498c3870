//! Sync: ask Antom now, answer with the order as it is afterwards.

use serde_json::json;

use super::{action_path, admin, id, sim_calls, VISA};
use crate::helpers::{spawn_app, Db};

async fn sync_asks_antom_when_the_notification_is_lost(db: Db) {
    let app = spawn_app(db).await;
    let operator = admin(&app, "ops-alice", "operator").await;
    app.sim_faults(json!({"notifications": {"drop": true}})).await;
    let session = app.default_session().await;
    app.sim_pay(session["paymentRequestId"].as_str().unwrap(), VISA, None)
        .await;

    let answer = operator.post(&action_path(id(&session), "sync"), json!({})).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["orderId"], id(&session));
    assert_eq!(answer.body["status"], "AUTHORIZED");
    assert_eq!(answer.body["payment"]["cardLast4"], "1111");
    assert!(answer.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["type"] == "PAYMENT_SUCCEEDED"));
    assert!(!sim_calls(&app, "inquiryPayment").await.is_empty());
    app.stop().await;
}

crate::on_both_databases!(sync_asks_antom_when_the_notification_is_lost,);
