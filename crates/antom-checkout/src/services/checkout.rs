//! `POST /sessions`: price the cart from the catalog, store the order and a fresh
//! paymentRequestId, then ask Antom for a payment session, resending the identical request
//! while the answer is unknown and the time budget lasts. With `savedCardId` the same order is
//! paid server-to-server with the vaulted card instead (`token_payment`).

use antom_client::model::{
    Buyer, CaptureMode as AntomCaptureMode, CreatePaymentSessionRequest, Env, Goods, Order as AntomOrder,
    OsType, PaymentFactor, PaymentMethod, SettlementStrategy, TerminalType, UserName,
};
use antom_client::{Outcome, RetryPolicy};
use chrono::{DateTime, Duration, Utc};
use domain::{
    price_cart, CartError, CartLine, CatalogEntry, Order, OrderId, PaymentRequestId, PricedCart, Sku,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::antom_facts;
use super::buyer_env::BuyerEnv;
use super::order_sync::{apply_facts, Schedule};
use crate::config::CaptureMode;
use crate::error::ApiError;
use crate::persistence::{NewOrder, TimelineEntry};
use crate::state::AppState;
use crate::tokens;

/// The request body of `POST /sessions` (unknown fields, such as client-side prices, are ignored).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRequest {
    pub items: Vec<SessionItem>,
    #[serde(default)]
    pub buyer: Option<BuyerInput>,
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub terminal_type: Option<String>,
    #[serde(default)]
    pub os_type: Option<String>,
    #[serde(default)]
    pub saved_card_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionItem {
    pub sku: String,
    pub quantity: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyerInput {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SdkConfig {
    pub environment: &'static str,
    pub script_url: String,
}

/// The 201 body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionCreated {
    pub order_id: String,
    pub order_token: String,
    pub payment_request_id: String,
    pub payment_session_data: String,
    pub payment_session_expiry_time: String,
    pub amount: domain::Money,
    pub sdk: SdkConfig,
}

/// What `POST /sessions` created: an SDK session, or a payment with a saved card.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Created {
    Session(SessionCreated),
    SavedCard(super::token_payment::SavedCardPayment),
}

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::Unprocessable {
        code,
        message: message.into(),
    }
}

impl From<CartError> for ApiError {
    fn from(e: CartError) -> Self {
        let code = match e.code() {
            "EMPTY_CART" => "EMPTY_CART",
            "UNKNOWN_SKU" => "UNKNOWN_SKU",
            "INVALID_QUANTITY" => "INVALID_QUANTITY",
            "MIXED_CURRENCY" => "MIXED_CURRENCY",
            "TOO_MANY_ITEMS" => "TOO_MANY_ITEMS",
            "ZERO_TOTAL" => "ZERO_TOTAL",
            _ => "AMOUNT_OVERFLOW",
        };
        unprocessable(code, e.to_string())
    }
}

/// Checks the optional fields the contract lets buyers send, before anything is stored.
pub(super) fn validate(request: &SessionRequest) -> Result<(), ApiError> {
    if let Some(t) = &request.terminal_type {
        if !matches!(t.as_str(), "WEB" | "WAP" | "APP") {
            return Err(ApiError::bad_request("terminalType must be WEB, WAP or APP"));
        }
    }
    if let Some(os) = &request.os_type {
        if !matches!(os.as_str(), "IOS" | "ANDROID") {
            return Err(ApiError::bad_request("osType must be IOS or ANDROID"));
        }
    }
    if request.terminal_type.as_deref() == Some("APP") && request.os_type.is_none() {
        // Antom needs it for apps (its mobile SDKs and 3-D Secure differ per OS).
        return Err(ApiError::bad_request(
            "osType (IOS or ANDROID) is required when terminalType is APP",
        ));
    }
    if let Some(locale) = &request.locale {
        let ok = locale.len() <= 8
            && locale
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ok {
            return Err(ApiError::bad_request("locale must look like en_US"));
        }
    }
    if let Some(b) = &request.buyer {
        let fits = |v: &Option<String>, max: usize| v.as_ref().is_none_or(|s| s.chars().count() <= max);
        if !fits(&b.email, 64) || !fits(&b.first_name, 32) || !fits(&b.last_name, 32) {
            return Err(ApiError::bad_request(
                "buyer fields are too long (email 64, names 32)",
            ));
        }
    }
    Ok(())
}

/// Prices the cart against the catalog. Client prices never enter here.
async fn price(state: &AppState, items: &[SessionItem]) -> Result<PricedCart, ApiError> {
    let lines: Vec<CartLine> = items
        .iter()
        .map(|i| CartLine {
            sku: i.sku.clone(),
            quantity: i.quantity,
        })
        .collect();
    let skus: Vec<String> = lines.iter().map(|l| l.sku.clone()).collect();
    let products = state.store.products_by_sku(&skus).await?;
    let lookup = |sku: &Sku| {
        products
            .iter()
            .find(|p| p.sku == sku.as_str())
            .map(|p| CatalogEntry {
                sku: sku.clone(),
                name: p.name.clone(),
                unit_price: p.unit_price,
            })
    };
    Ok(price_cart(&lines, lookup)?)
}

pub async fn create_session(
    state: &AppState,
    request: SessionRequest,
    buyer_id: Option<&str>,
    env: &BuyerEnv,
) -> Result<Created, ApiError> {
    validate(&request)?;
    if let Some(card_id) = request.saved_card_id.clone() {
        return super::token_payment::pay_with_saved_card(state, request, &card_id, buyer_id, env)
            .await
            .map(Created::SavedCard);
    }
    let placed = place_order(state, &request, buyer_id, json!({})).await?;
    let antom_request = session_request(state, &placed, &request, buyer_id, env);
    let PlacedOrder {
        order,
        order_id,
        payment_request_id,
        token,
        ..
    } = placed;
    let outcome = state.antom.send_with(&antom_request, buyer_retry(state)).await;
    let now = Utc::now();
    let validity = Duration::from_std(state.settings.payment_session_expiry).unwrap_or(Duration::hours(1));
    let facts = antom_facts::session_outcome(&outcome, order.session_deadline(validity));
    let report = if facts.events.is_empty() {
        None
    } else {
        apply_facts(
            &state.store,
            &order_id,
            &facts,
            "antom:createPaymentSession",
            now,
            Schedule::Attempt,
        )
        .await?
    };
    match outcome {
        Outcome::Success(response) => {
            let expires = report
                .and(state.store.order(&order_id).await?)
                .and_then(|stored| stored.order.session_expires_at())
                .unwrap_or_else(|| order.session_deadline(validity));
            Ok(Created::Session(SessionCreated {
                order_id,
                order_token: token,
                payment_request_id,
                payment_session_data: response.payment_session_data.unwrap_or_default(),
                payment_session_expiry_time: iso(expires),
                amount: order.total(),
                sdk: sdk_config(state),
            }))
        }
        Outcome::Failed { code, message, .. } => Err(ApiError::AntomRejected { code, message }),
        Outcome::Unknown { code, .. } => {
            tracing::warn!(order_id, %code, "createPaymentSession unknown after retries; left to the reconciler");
            state
                .store
                .append_timeline(
                    &order_id,
                    &[TimelineEntry {
                        at: now,
                        event_type: "SESSION_UNKNOWN".into(),
                        actor: "antom:createPaymentSession".into(),
                        details: json!({"code": code}),
                    }],
                )
                .await?;
            Err(ApiError::AntomUnavailable)
        }
    }
}

/// A stored order, before Antom is asked anything.
pub(super) struct PlacedOrder {
    pub order: Order,
    pub order_id: String,
    pub payment_request_id: String,
    /// The buyer's order token (only its hash is stored). Never part of a URL given to Antom.
    pub token: String,
    /// The single-use token of the web `paymentRedirectUrl` (only its hash is stored).
    pub return_token: String,
}

/// Prices the cart and stores the order with a fresh paymentRequestId and order token, due for
/// a reconciliation check should this process die before Antom answers. `details` are added
/// to the ORDER_CREATED timeline entry.
pub(super) async fn place_order(
    state: &AppState,
    request: &SessionRequest,
    buyer_id: Option<&str>,
    details: serde_json::Value,
) -> Result<PlacedOrder, ApiError> {
    let cart = price(state, &request.items).await?;
    let now = Utc::now();
    let order_id = uuid::Uuid::now_v7().to_string();
    let payment_request_id = uuid::Uuid::now_v7().to_string();
    let order = Order::new(
        OrderId::parse(&order_id).expect("uuid is a valid id"),
        cart,
        PaymentRequestId::parse(&payment_request_id).expect("uuid is a valid id"),
        now,
    )
    .with_capture_mode(state.capture_mode);
    let span = tracing::Span::current();
    span.record("order_id", order_id.as_str());
    span.record("payment_request_id", payment_request_id.as_str());
    let token = tokens::new_token();
    let token_hash = tokens::hash_token(&token);
    let return_token = tokens::new_token();
    let return_token_hash = tokens::hash_token(&return_token);
    // If this process dies before Antom answers, the reconciler finds the order here.
    let check_at = now
        + Duration::from_std(state.settings.session_retry_budget).unwrap_or_default()
        + Duration::seconds(5);
    let mut created = json!({"paymentRequestId": payment_request_id, "amount": order.total()});
    if let (Some(entry), serde_json::Value::Object(extra)) = (created.as_object_mut(), details) {
        entry.extend(extra);
    }
    state
        .store
        .insert_order(NewOrder {
            order: &order,
            token_hash: &token_hash,
            buyer_id,
            return_token_hash: Some(&return_token_hash),
            timeline: &[TimelineEntry {
                at: now,
                event_type: "ORDER_CREATED".into(),
                actor: "buyer".into(),
                details: created,
            }],
            next_check_at: Some(check_at),
        })
        .await?;
    Ok(PlacedOrder {
        order,
        order_id,
        payment_request_id,
        token,
        return_token,
    })
}

/// Buyer-facing calls resend an unknown answer with the same request id while the buyer can
/// still wait (`SESSION_RETRY_BUDGET_MS`), then give up with 504 and leave it to the worker.
pub(super) fn buyer_retry(state: &AppState) -> RetryPolicy {
    RetryPolicy {
        max_attempts: 5,
        initial_backoff: std::time::Duration::from_millis(250),
        max_backoff: std::time::Duration::from_secs(2),
        max_elapsed: state.settings.session_retry_budget,
    }
}

pub(super) fn sdk_config(state: &AppState) -> SdkConfig {
    SdkConfig {
        environment: state.sdk.environment,
        script_url: state.sdk.script_url.clone(),
    }
}

/// Antom's times have whole seconds: a deadline is rounded up, never earlier than meant.
fn ceil_to_second(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::{SubsecRound, Timelike};
    if t.nanosecond() == 0 {
        t
    } else {
        t.trunc_subsecs(0) + Duration::seconds(1)
    }
}

pub(super) fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub(super) use super::antom_facts::amount;

/// Where Antom sends the buyer back (`paymentRedirectUrl`). Never with the order token: Antom
/// keeps this URL and echoes it in inquiries. Apps get `APP_REDIRECT_URL` (`{orderId}`
/// replaced); browsers the result page with the order id and a single-use return token (the
/// buyer cookie alone also finds the order).
pub(super) fn redirect_back(state: &AppState, placed: &PlacedOrder, request: &SessionRequest) -> String {
    let app = request.terminal_type.as_deref() == Some("APP");
    match (&state.settings.app_redirect_url, app) {
        (Some(template), true) => template.replace("{orderId}", &placed.order_id),
        _ => state.url(&format!(
            "/checkout/result?orderId={}&rt={}",
            placed.order_id, placed.return_token
        )),
    }
}

/// The result page of an order for this buyer's browser (the buyer cookie identifies it).
pub(super) fn result_page(state: &AppState, order_id: &str) -> String {
    state.url(&format!("/checkout/result?orderId={order_id}"))
}

/// `settlementStrategy` when `ANTOM_SETTLEMENT_CURRENCY` is set.
pub(super) fn settlement(state: &AppState) -> Option<SettlementStrategy> {
    state
        .settings
        .settlement_currency
        .as_ref()
        .map(|currency| SettlementStrategy {
            settlement_currency: Some(currency.clone()),
        })
}

pub(super) fn antom_capture_mode(state: &AppState) -> AntomCaptureMode {
    match state.capture_mode {
        CaptureMode::Manual => AntomCaptureMode::Manual,
        CaptureMode::Automatic => AntomCaptureMode::Automatic,
    }
}

/// The createPaymentSession request for an order: it lasts `PAYMENT_SESSION_EXPIRY_SECS`
/// from the order's creation (the local deadline uses the same figure).
fn session_request(
    state: &AppState,
    placed: &PlacedOrder,
    request: &SessionRequest,
    buyer_id: Option<&str>,
    env: &BuyerEnv,
) -> CreatePaymentSessionRequest {
    let order = &placed.order;
    let (antom_order, env) = antom_order(order, request, buyer_id, env);
    let validity = Duration::from_std(state.settings.payment_session_expiry).unwrap_or(Duration::hours(1));
    CreatePaymentSessionRequest {
        payment_request_id: order.payment().request_id.as_str().to_owned(),
        payment_amount: amount(order.total()),
        order: antom_order,
        payment_method: Some(PaymentMethod::card()),
        payment_redirect_url: redirect_back(state, placed, request),
        payment_notify_url: Some(state.url("/webhooks/antom/payments")),
        settlement_strategy: settlement(state),
        payment_factor: Some(PaymentFactor::card_authorization(antom_capture_mode(state))),
        payment_session_expiry_time: Some(iso(ceil_to_second(order.session_deadline(validity)))),
        env: Some(env),
        locale: request.locale.clone(),
        ..Default::default()
    }
}

/// Antom's `order` (goods, buyer with `referenceBuyerId`, env) and `env` for an order.
pub(super) fn antom_order(
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
            goods_name: item.name().chars().take(256).collect(),
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
