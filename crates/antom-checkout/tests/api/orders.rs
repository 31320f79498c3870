//! Paying with each test card through the simulator; order-token protection; the result page.

use std::time::Duration;

use serde_json::Value;

use crate::helpers::{spawn_app, Db};

const WAIT: Duration = Duration::from_secs(15);

async fn each_test_card_ends_in_its_status(db: Db) {
    let app = spawn_app(db).await;
    let cases = [
        ("4111111111111111", None, "AUTHORIZED", Some("VISA")),
        ("5555555555554444", None, "AUTHORIZED", Some("MASTERCARD")),
        ("4000000000000002", None, "PAYMENT_FAILED", None),
        ("4000000000009995", None, "PAYMENT_FAILED", None),
        ("4000000000003220", Some("pass"), "AUTHORIZED", Some("VISA")),
        ("4000000000003220", Some("fail"), "PAYMENT_FAILED", None),
    ];
    for (card, three_ds, status, brand) in cases {
        let session = app.default_session().await;
        app.sim_pay(session["paymentRequestId"].as_str().unwrap(), card, three_ds)
            .await;
        let order = app.wait_for_status(&session, status, WAIT).await;
        if let Some(brand) = brand {
            assert_eq!(order["payment"]["cardBrand"], brand, "{card}");
            assert_eq!(order["payment"]["cardLast4"], &card[12..], "{card}");
            assert_eq!(order["payment"]["status"], "SUCCESS");
        } else {
            assert_eq!(order["payment"]["status"], "FAIL", "{card}");
        }
    }
    app.stop().await;
}

async fn processing_card_is_pending_then_authorized(db: Db) {
    let app = spawn_app(db).await;
    let session = app.default_session().await;
    app.sim_pay(
        session["paymentRequestId"].as_str().unwrap(),
        "4000000000000259",
        None,
    )
    .await;
    let order = app.order(&session).await;
    assert_eq!(order["status"], "PENDING_PAYMENT");
    // 30 s × time scale 0.01 = 0.3 s later Antom reports the authorization.
    app.wait_for_status(&session, "AUTHORIZED", WAIT).await;
    app.stop().await;
}

async fn orders_are_only_shown_with_their_token(db: Db) {
    let app = spawn_app(db).await;
    let session = app.default_session().await;
    let other = app.default_session().await;
    let url = format!("{}/api/orders/{}", app.base, session["orderId"].as_str().unwrap());
    for token in [None, Some("wrong"), Some(other["orderToken"].as_str().unwrap())] {
        let mut request = app.http.get(&url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 404, "{token:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "ORDER_NOT_FOUND");
    }
    let missing = app
        .http
        .get(format!("{}/api/orders/does-not-exist", app.base))
        .bearer_auth(session["orderToken"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    app.stop().await;
}

async fn result_page_shows_server_truth_and_inquires_while_processing(db: Db) {
    let app = spawn_app(db).await;
    // No notification will arrive: the page itself must ask Antom.
    app.sim_faults(serde_json::json!({"notifications": {"drop": true}}))
        .await;
    let session = app.default_session().await;
    app.sim_pay(
        session["paymentRequestId"].as_str().unwrap(),
        "4111111111111111",
        None,
    )
    .await;
    assert_eq!(app.order(&session).await["status"], "PENDING_PAYMENT");
    let order_id = session["orderId"].as_str().unwrap();
    let token = session["orderToken"].as_str().unwrap();
    // A forged query parameter does not change what the page says.
    let page = app
        .http
        .get(format!(
            "{}/checkout/result?orderId={order_id}&token={token}&status=FAILED",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers().get("content-security-policy").is_some());
    assert_eq!(page.headers().get("referrer-policy").unwrap(), "no-referrer");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"data-testid="payment-status" data-status="AUTHORIZED""#),
        "{html}"
    );
    assert_eq!(app.order(&session).await["status"], "AUTHORIZED");
    let types = app.timeline_types(order_id).await;
    assert!(types.iter().any(|t| t == "PAYMENT_SUCCEEDED"), "{types:?}");

    let wrong = app
        .http
        .get(format!(
            "{}/checkout/result?orderId={order_id}&token=nope",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 404);
    app.stop().await;
}

crate::on_both_databases!(
    each_test_card_ends_in_its_status,
    processing_card_is_pending_then_authorized,
    orders_are_only_shown_with_their_token,
    result_page_shows_server_truth_and_inquires_while_processing,
);
