//! The first half of `POST /sessions`, shared by SDK sessions and saved-card payments: check
//! the request, price the cart from the catalog (client prices never enter here) and store the
//! order with a fresh paymentRequestId and order token before Antom is asked anything.

use antom_client::limits::{MAX_EMAIL, MAX_NAME};
use chrono::{Duration, Utc};
use domain::{price_cart, CartLine, CatalogEntry, Order, OrderId, PaymentRequestId, PricedCart, Sku};
use serde::Deserialize;
use serde_json::json;

use crate::config::Integration;
use crate::persistence::{NewOrder, TimelineEntry};
use crate::services::error::ServiceError;
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
    /// `element`, `sdk` or `hosted`; `CHECKOUT_INTEGRATION` when absent.
    #[serde(default)]
    pub integration: Option<String>,
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

impl SessionRequest {
    /// Whether the buyer pays in a mobile app (`terminalType` APP).
    pub fn is_app(&self) -> bool {
        self.terminal_type.as_deref() == Some("APP")
    }

    /// The integration asked for, else the configured default (checked by [`validate`]).
    pub fn integration(&self, default: Integration) -> Integration {
        self.integration
            .as_deref()
            .and_then(Integration::parse)
            .unwrap_or(default)
    }
}

/// Checks the optional fields the contract lets buyers send, before anything is stored.
pub fn validate(request: &SessionRequest) -> Result<(), ServiceError> {
    if let Some(t) = &request.terminal_type {
        if !matches!(t.as_str(), "WEB" | "WAP" | "APP") {
            return Err(ServiceError::invalid("terminalType must be WEB, WAP or APP"));
        }
    }
    if let Some(os) = &request.os_type {
        if !matches!(os.as_str(), "IOS" | "ANDROID") {
            return Err(ServiceError::invalid("osType must be IOS or ANDROID"));
        }
    }
    if request.is_app() && request.os_type.is_none() {
        // Antom needs it for apps (its mobile SDKs and 3-D Secure differ per OS).
        return Err(ServiceError::invalid(
            "osType (IOS or ANDROID) is required when terminalType is APP",
        ));
    }
    if let Some(integration) = &request.integration {
        if Integration::parse(integration).is_none() {
            return Err(ServiceError::invalid(
                "integration must be element, sdk or hosted",
            ));
        }
    }
    if let Some(locale) = &request.locale {
        let ok = locale.len() <= 8
            && locale
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ok {
            return Err(ServiceError::invalid("locale must look like en_US"));
        }
    }
    if let Some(b) = &request.buyer {
        let fits = |v: &Option<String>, max: usize| v.as_ref().is_none_or(|s| s.chars().count() <= max);
        if !fits(&b.email, MAX_EMAIL) || !fits(&b.first_name, MAX_NAME) || !fits(&b.last_name, MAX_NAME) {
            return Err(ServiceError::invalid(
                "buyer fields are too long (email 64, names 32)",
            ));
        }
    }
    Ok(())
}

/// Prices the cart against the catalog.
async fn price(state: &AppState, items: &[SessionItem]) -> Result<PricedCart, ServiceError> {
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

/// A stored order, before Antom is asked anything.
pub struct PlacedOrder {
    pub order: Order,
    /// The buyer's order token (only its hash is stored). Never part of a URL given to Antom.
    pub token: String,
    /// The single-use token of the web `paymentRedirectUrl` (only its hash is stored).
    pub return_token: String,
}

impl std::fmt::Debug for PlacedOrder {
    /// Without the tokens.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlacedOrder")
            .field("order_id", self.order.id())
            .field("payment_request_id", &self.order.payment().request_id)
            .finish_non_exhaustive()
    }
}

/// Prices the cart and stores the order with a fresh paymentRequestId and order token, due for
/// a reconciliation check should this process die before Antom answers. `details` are added
/// to the ORDER_CREATED timeline entry.
pub async fn place_order(
    state: &AppState,
    request: &SessionRequest,
    buyer_id: Option<&str>,
    details: serde_json::Value,
) -> Result<PlacedOrder, ServiceError> {
    let cart = price(state, &request.items).await?;
    let now = Utc::now();
    let order_id = OrderId::parse(&uuid::Uuid::now_v7().to_string()).expect("uuid is a valid id");
    let payment_request_id =
        PaymentRequestId::parse(&uuid::Uuid::now_v7().to_string()).expect("uuid is a valid id");
    let span = tracing::Span::current();
    span.record("order_id", order_id.as_str());
    span.record("payment_request_id", payment_request_id.as_str());
    let order = Order::new(order_id, cart, payment_request_id, now).with_capture_mode(state.capture_mode);
    let token = tokens::new_token();
    let token_hash = tokens::hash_token(&token);
    let return_token = tokens::new_token();
    let return_token_hash = tokens::hash_token(&return_token);
    // If this process dies before Antom answers, the reconciler finds the order here.
    let check_at = now
        + Duration::from_std(state.settings.session_retry_budget).unwrap_or_default()
        + Duration::seconds(5);
    let mut created = json!({"paymentRequestId": order.payment().request_id, "amount": order.total()});
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
        token,
        return_token,
    })
}
