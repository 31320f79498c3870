//! Buyers, saved cards and token payments (http-contract §2b): the buyer cookie, vaulting
//! through the SDK session and directly (PCI), the webhook and the worker as sources of the
//! result, paying with a vaulted card (also through 3-D Secure), and card data that never
//! reaches the logs or the database.

pub mod support;

use antom_checkout::config::DataKey;
use antom_checkout::persistence::entities::inbox;
use antom_checkout::services::buyer;
use antom_checkout::services::card_crypto::open_token;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{antom_key, merchant_key, spawn_app, Db, TestApp, CLIENT_ID};
use support::{capture_logs, captured_logs, database_dump, sim_clear_faults, sim_post, Browser, WAIT};

fn vid(raw: &str) -> domain::VaultingRequestId {
    domain::VaultingRequestId::parse(raw).unwrap()
}

const MASTERCARD: &str = "5555555555554444";
const THREE_DS: &str = "4000000000003220";
const ROUTE: &str = "/webhooks/antom/vaulting";

async fn a_saved_card_belongs_to_its_buyer_pays_and_can_be_deleted(db: Db) {
    let app = spawn_app(db).await;
    let mut ada = Browser::new(&app);
    let page = ada.get("/").await;
    assert_eq!(page.status, 200);
    let set_cookie = page
        .set_cookie
        .clone()
        .expect("the first visit gets a buyer cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(!set_cookie.contains("Secure"), "plain http: {set_cookie}");
    assert!(
        ada.get("/").await.set_cookie.is_none(),
        "a known buyer keeps its cookie"
    );

    // Antom delivers the result three times: still one card.
    app.sim_faults(json!({"notifications": {"duplicate": 3}})).await;
    let session = ada.post("/vaulting/sessions", json!({})).await;
    assert_eq!(session.status, 201, "{}", session.body);
    for field in [
        "vaultingRequestId",
        "vaultingSessionData",
        "vaultingSessionExpiryTime",
    ] {
        assert!(
            session.body[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field}"
        );
    }
    assert_eq!(session.body["sdk"]["environment"], "sandbox");
    let vaulting_id = session.body["vaultingRequestId"].as_str().unwrap();
    let bound = sim_post(
        &app,
        &format!("/__sim/vaulting/{vaulting_id}/bind"),
        json!({"cardNumber": MASTERCARD}),
    )
    .await;
    let token = bound["cardToken"].as_str().unwrap();
    let cards = ada.wait_for_cards(1).await;
    let card = &cards[0];
    assert_eq!(card["brand"], "MASTERCARD");
    assert_eq!(card["lastFour"], "4444");
    assert!(card["maskedCardNo"].as_str().unwrap().ends_with("4444"));
    assert!(!card["maskedCardNo"].as_str().unwrap().contains(MASTERCARD));
    assert_eq!(card["expiryMonth"].as_str().unwrap().len(), 2);
    assert!(card["createdAt"].as_str().unwrap().ends_with('Z'));
    assert!(card.get("token").is_none() && card.get("cardToken").is_none());
    let card_id = card["cardId"].as_str().unwrap().to_owned();
    sim_clear_faults(&app).await;

    // The token is stored sealed to its row and buyer, never in clear.
    let state = app.app().state();
    let stored = state
        .store
        .card_of_buyer(&domain::CardId::parse(&card_id).unwrap(), &ada.buyer_id())
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.token_ciphertext.contains(token));
    let opened = open_token(
        &state.data_key,
        &card_id,
        &ada.buyer_id(),
        &stored.token_ciphertext,
    )
    .unwrap();
    assert_eq!(opened.expose(), token);
    // Nor anywhere else: the inbox keeps vaulting notifications with the token redacted.
    let dump = database_dump(&app).await;
    assert!(dump.contains(vaulting_id), "the dump sees the vaulting");
    assert!(
        !dump.contains(token),
        "the card token is in the database in clear"
    );
    assert!(state.store.buyer_exists(&ada.buyer_id()).await.unwrap());

    // Another buyer sees nothing and can do nothing with it.
    let mut bob = Browser::new(&app);
    assert!(bob.cards().await.is_empty());
    assert_ne!(bob.buyer_id(), ada.buyer_id());
    let stolen = bob.pay_with(&card_id).await;
    assert_eq!(stolen.status, 404, "{}", stolen.body);
    assert_eq!(stolen.body["error"]["code"], "CARD_NOT_FOUND");
    assert_eq!(bob.delete(&format!("/api/cards/{card_id}")).await.status, 404);
    assert!(app.sim_requests("/payments/pay").await.is_empty());

    // Paying with it: authorized at once, for this buyer.
    let paid = ada.pay_with(&card_id).await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    assert_eq!(paid.body["status"], "AUTHORIZED");
    assert!(paid.body["redirectUrl"]
        .as_str()
        .unwrap()
        .contains("/checkout/result"));
    let order = app.order(&paid.body).await;
    assert_eq!(order["status"], "AUTHORIZED");
    assert_eq!(order["payment"]["cardLast4"], "4444");
    let stored_order = state
        .store
        .order(&crate::helpers::oid(paid.body["orderId"].as_str().unwrap()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored_order.buyer_id.as_deref(), Some(ada.buyer_id().as_str()));
    let pay = app.sim_requests("/payments/pay").await;
    assert_eq!(pay.len(), 1);
    assert_eq!(pay[0]["requestId"], paid.body["paymentRequestId"]);
    assert_eq!(pay[0]["signatureValid"], true);

    // Deleted: gone from the list, refused for payment, token erased.
    assert_eq!(ada.delete(&format!("/api/cards/{card_id}")).await.status, 204);
    assert!(ada.cards().await.is_empty());
    let refused = ada.pay_with(&card_id).await;
    assert_eq!(refused.status, 404);
    assert_eq!(refused.body["error"]["code"], "CARD_NOT_FOUND");
    assert_eq!(ada.delete(&format!("/api/cards/{card_id}")).await.status, 404);
    let deleted = state
        .store
        .card_by_vaulting(&vid(vaulting_id))
        .await
        .unwrap()
        .unwrap();
    assert!(deleted.token_ciphertext.is_empty());
    app.stop().await;
}

async fn three_d_secure_card_is_authorized_after_the_challenge(db: Db) {
    let app = spawn_app(db).await;
    let mut ada = Browser::new(&app);
    ada.save_card(THREE_DS).await;
    let card_id = ada.wait_for_cards(1).await[0]["cardId"]
        .as_str()
        .unwrap()
        .to_owned();

    let paid = ada.pay_with(&card_id).await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    assert_eq!(paid.body["status"], "PENDING_PAYMENT");
    // Antom answers with a POST form (redirectActionForm): the buyer goes through our page,
    // which may submit it to the bank's origin only.
    let redirect = paid.body["redirectUrl"].as_str().unwrap();
    assert!(
        redirect.starts_with(&format!("{}/checkout/redirect?f=", app.base)),
        "the challenge goes through our redirect page: {redirect}"
    );
    let page = app.http.get(redirect).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.ends_with(&format!("form-action {}", app.sim)), "{csp}");
    let html = page.text().await.unwrap();
    let action = attribute(&html, "action=\"").expect("a form");
    assert!(action.starts_with(&app.sim), "{action}");
    let mut fields: Vec<(String, String)> = hidden_fields(&html);
    assert!(!fields.is_empty(), "{html}");
    // The buyer passes the challenge; the notification settles the order.
    fields.push(("outcome".into(), "pass".into()));
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answered = browser.post(&action).form(&fields).send().await.unwrap();
    assert!(
        answered.status().is_success() || answered.status().is_redirection(),
        "{}",
        answered.status()
    );
    app.wait_for_status(&paid.body, "AUTHORIZED", WAIT).await;
    app.stop().await;
}

/// The value of the first `prefix…"` attribute in `html` (HTML-unescaped for `&amp;`).
fn attribute(html: &str, prefix: &str) -> Option<String> {
    let start = html.find(prefix)? + prefix.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].replace("&amp;", "&").replace("&quot;", "\""))
}

/// The `name`/`value` pairs of the hidden inputs of a page.
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    html.split("<input type=\"hidden\" ")
        .skip(1)
        .filter_map(|input| Some((attribute(input, "name=\"")?, attribute(input, "value=\"")?)))
        .collect()
}

async fn a_forged_or_foreign_cookie_gets_a_new_empty_buyer(db: Db) {
    let app = spawn_app(db).await;
    let mut ada = Browser::new(&app);
    ada.save_card(MASTERCARD).await;
    ada.wait_for_cards(1).await;
    let genuine = ada.cookie.clone().unwrap();
    let (id, tag) = genuine.split_once('.').unwrap();
    let flipped = format!("{}{}", if tag.starts_with('A') { 'B' } else { 'A' }, &tag[1..]);
    // A cookie of another deployment (another DATA_ENCRYPTION_KEY).
    let (_, foreign) = buyer::issue(&DataKey::from_bytes([9; 32]));
    let foreign_tag = foreign.split_once('.').unwrap().1.to_owned();
    for forged in [
        format!("{id}.{flipped}"),
        id.to_owned(),
        format!("{id}.{foreign_tag}"),
        foreign,
    ] {
        let mut mallory = Browser::with_cookie(&app, &forged);
        let answer = mallory.get("/api/cards").await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body["cards"], json!([]), "{forged}");
        let issued = answer.issued().expect("a new buyer is issued");
        assert_ne!(issued.split_once('.').unwrap().0, id);
    }
    assert_eq!(ada.cards().await.len(), 1, "the genuine cookie still works");
    app.stop().await;
}

async fn a_dropped_vaulting_notification_is_recovered_by_the_worker(db: Db) {
    let app = spawn_app(db).await;
    app.sim_faults(json!({"notifications": {"drop": true}})).await;
    let mut ada = Browser::new(&app);
    let (vaulting_id, _) = ada.save_card(MASTERCARD).await;
    let cards = ada.wait_for_cards(1).await;
    assert_eq!(cards[0]["lastFour"], "4444");
    let inquiries = app.sim_requests("/vaults/inquireVaulting").await;
    assert!(
        inquiries.iter().any(|r| r["requestId"] == vaulting_id.as_str()),
        "{inquiries:?}"
    );
    let vaulting = app
        .app()
        .state()
        .store
        .vaulting(&vid(&vaulting_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(vaulting.status.as_str(), "SUCCESS");
    assert_eq!(vaulting.next_check_at, None, "settled: no more checks");
    app.stop().await;
}

async fn vaulting_notifications_are_verified_deduplicated_and_never_undo_a_card(db: Db) {
    let app = spawn_app(db).await;
    let mut ada = Browser::new(&app);
    let session = ada.post("/vaulting/sessions", json!({})).await;
    let id = session.body["vaultingRequestId"].as_str().unwrap().to_owned();
    let card = json!({"paymentMethodType": "CARD", "card": {"brand": "VISA", "cardToken": "ALIPAYtest+token/1==",
        "maskedCardNo": "************1111", "lastFour": "1111", "expiryMonth": "08", "expiryYear": "30"}});
    let success =
        json!({"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
        "vaultingRequestId": id, "paymentMethodDetail": card})
        .to_string();
    let failure = json!({"result": {"resultCode": "VERIFICATION_FAIL", "resultStatus": "F", "resultMessage": "declined"},
        "vaultingRequestId": id})
    .to_string();

    let forged = app
        .send_notification(ROUTE, &success, &merchant_key(), CLIENT_ID)
        .await;
    assert_eq!(forged.status(), 401);
    assert!(
        ada.cards().await.is_empty(),
        "nothing applied from a bad signature"
    );

    for body in [success.clone(), success.clone(), format!("{success} "), failure] {
        let answer = app.send_notification(ROUTE, &body, &antom_key(), CLIENT_ID).await;
        assert_eq!(answer.status(), 200);
    }
    let cards = ada.cards().await;
    assert_eq!(
        cards.len(),
        1,
        "one card, and a FAIL after SUCCESS does not remove it: {cards:?}"
    );
    assert_eq!(cards[0]["lastFour"], "1111");
    let outcomes: Vec<Option<String>> = inbox::Entity::find()
        .filter(inbox::Column::Route.eq(ROUTE))
        .all(app.app().state().store.connection())
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.outcome)
        .collect();
    assert!(outcomes.contains(&Some("APPLIED".into())), "{outcomes:?}");
    assert!(outcomes.contains(&Some("DUPLICATE".into())), "{outcomes:?}");
    assert!(
        outcomes.contains(&Some("FLAGGED_FOR_REVIEW".into())),
        "{outcomes:?}"
    );

    // A result for a vaulting nobody started is acknowledged and stored, and creates nothing.
    let unknown = success.replace(&id, "no-such-vaulting");
    assert_eq!(
        app.send_notification(ROUTE, &unknown, &antom_key(), CLIENT_ID)
            .await
            .status(),
        200
    );
    assert_eq!(ada.cards().await.len(), 1);
    app.stop().await;
}

async fn the_cookie_is_secure_behind_https(db: Db) {
    let app = TestApp::builder(db)
        .public_base_url("https://shop.example")
        .spawn()
        .await;
    let page = Browser::new(&app).get("/").await;
    let set_cookie = page.set_cookie.expect("a buyer cookie");
    assert!(
        set_cookie.contains("; Secure") && set_cookie.contains("HttpOnly"),
        "{set_cookie}"
    );
    app.stop().await;
}

async fn vaulting_session_failures_are_502_and_504_and_the_worker_closes_them(db: Db) {
    let app = spawn_app(db).await;
    let mut ada = Browser::new(&app);
    app.sim_faults(json!({"endpoints": {"createVaultingSession": {"mode": "fail", "times": 1}}}))
        .await;
    let rejected = ada.post("/vaulting/sessions", json!({})).await;
    assert_eq!(rejected.status, 502, "{}", rejected.body);
    assert_eq!(rejected.body["error"]["code"], "ANTOM_REJECTED");

    app.sim_faults(json!({"endpoints": {"createVaultingSession": {"mode": "unknown"}}}))
        .await;
    let unknown = ada.post("/vaulting/sessions", json!({})).await;
    assert_eq!(unknown.status, 504, "{}", unknown.body);
    let sent = app.sim_requests("/vaults/createVaultingSession").await;
    let unknown_ids: Vec<&Value> = sent
        .iter()
        .filter(|r| r["resultCode"] == "UNKNOWN_EXCEPTION")
        .map(|r| &r["requestId"])
        .collect();
    assert!(unknown_ids.len() >= 2, "resent: {sent:?}");
    assert!(
        unknown_ids.iter().all(|id| *id == unknown_ids[0]),
        "with the same vaultingRequestId"
    );
    sim_clear_faults(&app).await;

    // Both were stored first; the failed one is closed at once, the unknown one by the worker
    // (Antom never had it: VAULTING_NOT_EXIST).
    let store = &app.app().state().store;
    let rejected_id = sent.iter().find(|r| r["resultCode"] == "PROCESS_FAIL").unwrap()["requestId"]
        .as_str()
        .unwrap()
        .to_owned();
    let failed = store.vaulting(&vid(&rejected_id)).await.unwrap().unwrap();
    assert_eq!(failed.status.as_str(), "FAIL");
    assert_eq!(failed.failure_code.as_deref(), Some("PROCESS_FAIL"));
    let unknown_id = unknown_ids[0].as_str().unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let vaulting = store.vaulting(&vid(unknown_id)).await.unwrap().unwrap();
        if vaulting.status.as_str() == "FAIL" {
            assert_eq!(vaulting.failure_code.as_deref(), Some("VAULTING_NOT_EXIST"));
            assert_eq!(vaulting.buyer_id, ada.buyer_id());
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never closed: {vaulting:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ada.cards().await.is_empty());
    app.stop().await;
}

/// PANs of this test only, so that a hit in the captured logs can only come from here.
const DIRECT_PAN: &str = "4242424242424242";
const DIRECT_DECLINED: &str = "4000000000000002";

async fn direct_vaulting_saves_valid_cards_and_never_keeps_the_number(db: Db) {
    capture_logs();
    let app = TestApp::builder(db).pci_direct_vaulting().spawn().await;
    let mut ada = Browser::new(&app);
    let card = |number: &str| json!({"cardNo": number, "expiryMonth": "08", "expiryYear": "2031", "cvv": "737", "holderName": "Ada Lovelace"});

    let saved = ada.post("/api/cards", card(DIRECT_PAN)).await;
    assert_eq!(saved.status, 201, "{}", saved.body);
    assert_eq!(saved.body["lastFour"], "4242");
    assert_eq!(saved.body["brand"], "VISA");
    assert_eq!(ada.cards().await[0]["cardId"], saved.body["cardId"]);
    // It pays like any saved card.
    let paid = ada.pay_with(saved.body["cardId"].as_str().unwrap()).await;
    assert_eq!(paid.body["status"], "AUTHORIZED", "{}", paid.body);

    let invalid: Vec<(Value, &str)> = vec![
        (card("4242424242424241"), "cardNo"),
        (
            json!({"cardNo": 4242424242424241u64, "expiryMonth": "08", "expiryYear": "31", "cvv": "737"}),
            "cardNo",
        ),
        (
            json!({"cardNo": DIRECT_PAN, "expiryMonth": "13", "expiryYear": "31", "cvv": "737"}),
            "expiryMonth",
        ),
        (
            json!({"cardNo": DIRECT_PAN, "expiryMonth": "01", "expiryYear": "2020", "cvv": "737"}),
            "expired",
        ),
        (
            json!({"cardNo": DIRECT_PAN, "expiryMonth": "01", "expiryYear": "203", "cvv": "737"}),
            "expiryYear",
        ),
        (
            json!({"cardNo": DIRECT_PAN, "expiryMonth": "01", "expiryYear": "31", "cvv": "73"}),
            "cvv",
        ),
    ];
    let before = app.sim_requests("/vaults/vaultPaymentMethod").await.len();
    for (body, field) in invalid {
        let refused = ada.post("/api/cards", body).await;
        assert_eq!(refused.status, 422, "{field}: {}", refused.body);
        assert_eq!(refused.body["error"]["code"], "INVALID_CARD");
        let message = refused.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(field), "{message}");
        assert!(!message.contains("424242"), "{message}");
    }
    assert_eq!(
        app.sim_requests("/vaults/vaultPaymentMethod").await.len(),
        before,
        "nothing reached Antom"
    );

    let declined = ada.post("/api/cards", card(DIRECT_DECLINED)).await;
    assert_eq!(declined.status, 422, "{}", declined.body);
    assert_eq!(declined.body["error"]["code"], "VERIFICATION_FAIL");

    // 3-D Secure: 202 with the challenge page; the buyer passes it; the card arrives.
    let verifying = ada.post("/api/cards", card(THREE_DS)).await;
    assert_eq!(verifying.status, 202, "{}", verifying.body);
    assert!(verifying.body["redirectUrl"]
        .as_str()
        .unwrap()
        .starts_with(&app.sim));
    let vaulting_id = verifying.body["vaultingRequestId"].as_str().unwrap();
    sim_post(
        &app,
        &format!("/__sim/vaulting/{vaulting_id}/bind"),
        json!({"threeDsOutcome": "pass"}),
    )
    .await;
    ada.wait_for_cards(2).await;

    let form = app
        .http
        .post(format!("{}/api/cards", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("cardNo={DIRECT_PAN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 400, "JSON only");

    let logs = captured_logs();
    assert!(
        logs.contains(vaulting_id),
        "the capture works: it saw this vaulting"
    );
    let dump = database_dump(&app).await;
    assert!(
        dump.contains(vaulting_id) && dump.contains("************4242"),
        "the dump works"
    );
    for pan in [DIRECT_PAN, DIRECT_DECLINED, "4242 4242 4242 4242"] {
        assert!(!logs.contains(pan), "{pan} in the logs");
        assert!(!dump.contains(pan), "{pan} in the database");
    }
    assert!(!logs.contains("\"cvv\":\"737\"") && !dump.contains("\"cvv\":\"737\""));
    app.stop().await;
}

async fn direct_vaulting_is_not_found_unless_enabled(db: Db) {
    let app = spawn_app(db).await;
    let mut ada = Browser::new(&app);
    let answer = ada
        .post(
            "/api/cards",
            json!({"cardNo": DIRECT_PAN, "expiryMonth": "08", "expiryYear": "31", "cvv": "737"}),
        )
        .await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.body["error"]["code"], "NOT_FOUND");
    assert!(app.sim_requests("/vaults/vaultPaymentMethod").await.is_empty());
    assert_eq!(
        ada.get("/api/cards").await.status,
        200,
        "the rest of §2b still works"
    );
    app.stop().await;
}

crate::on_both_databases!(
    a_saved_card_belongs_to_its_buyer_pays_and_can_be_deleted,
    three_d_secure_card_is_authorized_after_the_challenge,
    a_forged_or_foreign_cookie_gets_a_new_empty_buyer,
    a_dropped_vaulting_notification_is_recovered_by_the_worker,
    vaulting_notifications_are_verified_deduplicated_and_never_undo_a_card,
    direct_vaulting_saves_valid_cards_and_never_keeps_the_number,
    direct_vaulting_is_not_found_unless_enabled,
    the_cookie_is_secure_behind_https,
    vaulting_session_failures_are_502_and_504_and_the_worker_closes_them,
);
