//! Cancel (void): only a live, uncaptured authorization, once.

use serde_json::json;

use super::{action_path, admin, authorized_order, id, sgd, sim_calls};
use crate::helpers::{spawn_app, Db};

async fn cancel_voids_the_authorization_and_then_nothing_can_be_captured(db: Db) {
    let app = spawn_app(db).await;
    let operator = admin(&app, "ops-alice", "operator").await;
    let session = authorized_order(&app).await;
    let order_id = id(&session);

    let answer = operator
        .post_raw(
            &action_path(order_id, "cancel"),
            Some("application/json"),
            String::new(),
            None,
        )
        .await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    let cancel = &answer.body["cancel"];
    assert!(cancel["cancelRequestId"].is_string(), "{cancel}");
    assert!(
        ["PROCESSING", "SUCCESS"].contains(&cancel["status"].as_str().unwrap()),
        "{cancel}"
    );

    let order = operator.wait_for_status(order_id, "CANCELED").await;
    assert_eq!(order["cancel"]["cancelRequestId"], cancel["cancelRequestId"]);
    assert_eq!(order["cancel"]["status"], "SUCCESS");
    assert_eq!(order["capturableAmount"], sgd("0"));
    assert!(order["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["actor"] == "admin:ops-alice"));

    let capture = operator.post(&action_path(order_id, "capture"), json!({})).await;
    assert_eq!(capture.error(), (409, "INVALID_STATE"));
    // A second click within the double-click window is answered with the first one's result.
    let again = operator.post(&action_path(order_id, "cancel"), json!({})).await;
    assert_eq!(again.status, 202, "{}", again.body);
    assert_eq!(again.body["cancel"]["cancelRequestId"], cancel["cancelRequestId"]);
    assert_eq!(again.body["cancel"]["status"], "SUCCESS");
    assert!(sim_calls(&app, "capture").await.is_empty());
    assert_eq!(sim_calls(&app, "cancel").await.len(), 1);
    app.stop().await;
}

async fn cancel_after_capture_is_refused(db: Db) {
    let app = spawn_app(db).await;
    let operator = admin(&app, "ops-alice", "operator").await;
    let session = authorized_order(&app).await;
    let order_id = id(&session);
    assert_eq!(
        operator
            .post(&action_path(order_id, "capture"), json!({}))
            .await
            .status,
        202
    );
    operator.wait_for_status(order_id, "CAPTURED").await;
    let cancel = operator.post(&action_path(order_id, "cancel"), json!({})).await;
    assert_eq!(cancel.error(), (409, "INVALID_STATE"));
    assert!(sim_calls(&app, "cancel").await.is_empty());
    app.stop().await;
}

crate::on_both_databases!(
    cancel_voids_the_authorization_and_then_nothing_can_be_captured,
    cancel_after_capture_is_refused,
);
