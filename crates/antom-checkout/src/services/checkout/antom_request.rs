//! What every Antom request made for a buyer shares: the retry budget a buyer can wait for,
//! the SDK the page loads, where Antom sends the buyer back, settlement and capture mode, and
//! Antom's `order` (goods, buyer, env) built from a priced order.

use antom_client::model::{
    Buyer, CaptureMode as AntomCaptureMode, Env, Goods, Order as AntomOrder, OsType, SettlementStrategy,
    TerminalType, UserName,
};
use antom_client::RetryPolicy;
use chrono::{DateTime, Duration, Utc};
use domain::{Order, OrderId};
use serde::Serialize;

use super::place_order::{PlacedOrder, SessionRequest};
use crate::config::CaptureMode;
use crate::services::buyer_env::BuyerEnv;
use crate::state::AppState;

pub use crate::services::antom_facts::amount;

/// Which Antom Web SDK the page loads, against which environment, and the Subresource
/// Integrity of the script when it is known (self-hosted, or pinned by the merchant).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SdkConfig {
    pub environment: &'static str,
    pub script_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integrity: Option<String>,
}

pub fn sdk_config(state: &AppState) -> SdkConfig {
    SdkConfig {
        environment: state.sdk.environment,
        script_url: state.sdk.script_url.clone(),
        integrity: state.sdk.integrity.clone(),
    }
}

/// Buyer-facing calls resend an unknown answer with the same request id while the buyer can
/// still wait (`SESSION_RETRY_BUDGET_MS`), then give up with 504 and leave it to the worker.
pub fn buyer_retry(state: &AppState) -> RetryPolicy {
    RetryPolicy {
        max_attempts: 5,
        initial_backoff: std::time::Duration::from_millis(250),
        max_backoff: std::time::Duration::from_secs(2),
        max_elapsed: state.settings.session_retry_budget,
    }
}

/// Antom's times have whole seconds: a deadline is rounded up, never earlier than meant.
pub fn ceil_to_second(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::{SubsecRound, Timelike};
    if t.nanosecond() == 0 {
        t
    } else {
        t.trunc_subsecs(0) + Duration::seconds(1)
    }
}

pub fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Where Antom sends the buyer back (`paymentRedirectUrl`). Never with the order token: Antom
/// keeps this URL and echoes it in inquiries. Apps get `APP_REDIRECT_URL` (`{orderId}`
/// replaced); browsers the result page with the order id and a single-use return token (the
/// buyer cookie alone also finds the order).
pub fn redirect_back(state: &AppState, placed: &PlacedOrder, request: &SessionRequest) -> String {
    match (&state.settings.app_redirect_url, request.is_app()) {
        (Some(template), true) => template.replace("{orderId}", placed.order.id().as_str()),
        _ => state.url(&format!(
            "/checkout/result?orderId={}&rt={}",
            placed.order.id(),
            placed.return_token
        )),
    }
}

/// The result page of an order for this buyer's browser (the buyer cookie identifies it).
pub fn result_page(state: &AppState, order_id: &OrderId) -> String {
    state.url(&format!("/checkout/result?orderId={order_id}"))
}

/// `settlementStrategy` when `ANTOM_SETTLEMENT_CURRENCY` is set.
pub fn settlement(state: &AppState) -> Option<SettlementStrategy> {
    state
        .settings
        .settlement_currency
        .as_ref()
        .map(|currency| SettlementStrategy {
            settlement_currency: Some(currency.clone()),
        })
}

pub fn antom_capture_mode(state: &AppState) -> AntomCaptureMode {
    match state.capture_mode {
        CaptureMode::Manual => AntomCaptureMode::Manual,
        CaptureMode::Automatic => AntomCaptureMode::Automatic,
    }
}

/// Antom's `order` (goods, buyer with `referenceBuyerId`, env) and `env` for an order.
pub fn antom_order(
    order: &Order,
    request: &SessionRequest,
    buyer_id: Option<&str>,
    buyer_env: &BuyerEnv,
) -> (AntomOrder, Env) {
    let order_id = order.id().as_str();
    let goods = order
        .items()
        .iter()
        .map(|item| Goods {
            reference_goods_id: item.sku().as_str().to_owned(),
            goods_name: item.name().chars().take(antom_client::limits::MAX_TEXT).collect(),
            goods_unit_amount: Some(amount(item.unit_price())),
            goods_quantity: Some(item.quantity().get().to_string()),
            ..Default::default()
        })
        .collect();
    let buyer = Buyer {
        reference_buyer_id: buyer_id.map(str::to_owned),
        buyer_email: request.buyer.as_ref().and_then(|b| b.email.clone()),
        buyer_name: request.buyer.as_ref().map(|b| UserName {
            first_name: b.first_name.clone(),
            last_name: b.last_name.clone(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let env = buyer_env.antom_env(
        TerminalType::from(request.terminal_type.as_deref().unwrap_or("WEB")),
        request.os_type.as_deref().map(OsType::from),
    );
    let count: u32 = order.items().iter().map(|i| i.quantity().get()).sum();
    let antom_order = AntomOrder {
        reference_order_id: order_id.to_owned(),
        order_description: format!("Order {order_id} ({count} items)"),
        order_amount: Some(amount(order.total())),
        buyer: Some(buyer),
        goods,
        env: Some(env.clone()),
    };
    (antom_order, env)
}
