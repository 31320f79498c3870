//! The performance floor (`BENCH_FLOOR_ROUTE=on` only; never in production): what any
//! `POST /sessions` must do whatever the product around it, and nothing else. It sends the
//! createPaymentSession a two-item cart would send (same fields, same sizes, a fresh
//! paymentRequestId), signed, to the configured gateway, verifies the signed answer and returns
//! its `paymentSessionData`. No database, no pricing, no buyer, no order, no view. The bench
//! measures `POST /sessions` against it (`bench --scenario floor`).

use antom_client::model::{
    Amount, CreatePaymentSessionRequest, Env, Goods, Order as AntomOrder, PaymentFactor, PaymentMethod,
    ProductScene, TerminalType,
};
use antom_client::Outcome;
use chrono::{Duration, Utc};
use uuid::Uuid;

use super::antom_request::{antom_capture_mode, buyer_retry, ceil_to_second, iso, settlement};
use crate::services::error::ServiceError;
use crate::state::AppState;

/// One floor request: sign, send, verify. Returns Antom's `paymentSessionData`.
pub async fn floor_session(state: &AppState) -> Result<String, ServiceError> {
    let request = floor_request(state);
    match state.antom.send_with(&request, buyer_retry(state)).await {
        Outcome::Success(response) => Ok(response.payment_session_data.unwrap_or_default()),
        Outcome::Failed { code, message, .. } => Err(ServiceError::AntomRejected { code, message }),
        Outcome::Unknown { .. } => Err(ServiceError::AntomUnavailable),
    }
}

/// The demo catalog's currency, as `POST /sessions` prices the bench's cart.
fn sgd(minor: i64) -> Amount {
    Amount {
        currency: "SGD".into(),
        value: minor.to_string(),
    }
}

/// The request `POST /sessions` sends for 2 × TSHIRT-BLK-M and 1 × MUG-WHT at the demo
/// catalog's prices (SGD 21.00 and 12.50), with fresh ids.
fn floor_request(state: &AppState) -> CreatePaymentSessionRequest {
    let id = Uuid::new_v4().simple().to_string();
    let order_id = format!("ord_{id}");
    let goods = [
        ("TSHIRT-BLK-M", "T-shirt, black, M", 2500, 2),
        ("MUG-WHT", "Mug, white", 1200, 1),
    ]
    .into_iter()
    .map(|(sku, name, unit, quantity)| Goods {
        reference_goods_id: sku.into(),
        goods_name: name.into(),
        goods_unit_amount: Some(sgd(unit)),
        goods_quantity: Some(quantity.to_string()),
        ..Default::default()
    })
    .collect();
    let env = Env {
        terminal_type: Some(TerminalType::Web),
        client_ip: Some("127.0.0.1".into()),
        ..Default::default()
    };
    let total = sgd(2 * 2100 + 1250);
    CreatePaymentSessionRequest {
        payment_request_id: format!("pay_{id}"),
        payment_amount: total.clone(),
        order: AntomOrder {
            reference_order_id: order_id.clone(),
            order_description: "antom-checkout order".into(),
            order_amount: Some(total),
            goods,
            env: Some(env.clone()),
            ..Default::default()
        },
        payment_method: Some(PaymentMethod::card()),
        payment_redirect_url: state.url(&format!("/checkout/result?orderId={order_id}&rt={id}")),
        payment_notify_url: Some(state.url("/webhooks/antom/payments")),
        settlement_strategy: settlement(state),
        payment_factor: Some(PaymentFactor::card_authorization(antom_capture_mode(state))),
        payment_session_expiry_time: Some(iso(ceil_to_second(Utc::now() + Duration::hours(1)))),
        env: Some(env),
        product_scene: Some(ProductScene::ElementPayment),
        ..Default::default()
    }
}
