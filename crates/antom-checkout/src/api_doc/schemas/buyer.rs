//! What buyers' browsers and apps send and get: products, sessions, orders, saved cards.

use utoipa::openapi::schema::{OneOfBuilder, Ref, Schema};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use super::common::{Money, OrderStatus, RecordStatus, SdkConfig};

#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct Product {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub unit_amount: Money,
}

#[derive(Debug, ToSchema)]
pub struct ProductList {
    pub products: Vec<Product>,
}

/// One cart line. The server prices it from its catalog.
#[derive(Debug, ToSchema)]
pub struct CartItem {
    pub sku: String,
    /// 1 to 99.
    pub quantity: i64,
}

/// Optional buyer details passed to Antom.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct BuyerInput {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// `POST /sessions`. Only `items` is required.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase", example = json!({"items": [{"sku": "TSHIRT-BLK-M", "quantity": 2}]}))]
pub struct SessionRequest {
    pub items: Vec<CartItem>,
    pub buyer: Option<BuyerInput>,
    pub locale: Option<String>,
    /// `WEB`, `WAP` or `APP`.
    pub terminal_type: Option<String>,
    /// `ANDROID` or `IOS` (with `terminalType` `APP`).
    pub os_type: Option<String>,
    /// Pay server-to-server with this saved card instead of creating an SDK session.
    pub saved_card_id: Option<String>,
    /// `element`, `sdk` or `hosted`; `CHECKOUT_INTEGRATION` when absent.
    pub integration: Option<String>,
}

/// 201 of `POST /sessions` without `savedCardId`: an Antom payment session.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct SessionCreated {
    pub order_id: String,
    /// Bearer token for `GET /api/orders/{orderId}`; shown once.
    pub order_token: String,
    pub payment_request_id: String,
    /// `element`, `sdk` or `hosted`.
    pub integration: String,
    pub payment_session_data: String,
    pub payment_session_expiry_time: String,
    /// `hosted` only: Antom's Checkout Page, where the browser goes.
    pub normal_url: Option<String>,
    pub amount: Money,
    pub sdk: SdkConfig,
}

/// 201 of `POST /sessions` with `savedCardId`: a server-to-server payment.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct SavedCardPayment {
    pub order_id: String,
    pub order_token: String,
    pub payment_request_id: String,
    /// `AUTHORIZED`, `PENDING_PAYMENT` (3-D Secure at `redirectUrl`) or `PAYMENT_FAILED`.
    pub status: OrderStatus,
    pub redirect_url: String,
    pub amount: Money,
}

/// The 201 of `POST /sessions`: a [`SessionCreated`], or a [`SavedCardPayment`] when the request
/// named `savedCardId`. Written by hand: utoipa derives `oneOf` only from serde's `untagged`.
#[derive(Debug)]
pub struct SessionResponse;

impl utoipa::PartialSchema for SessionResponse {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(Ref::from_schema_name(SessionCreated::name()))
            .item(Ref::from_schema_name(SavedCardPayment::name()))
            .into()
    }
}

impl ToSchema for SessionResponse {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((SessionCreated::name().into_owned(), SessionCreated::schema()));
        schemas.push((SavedCardPayment::name().into_owned(), SavedCardPayment::schema()));
        SessionCreated::schemas(schemas);
        SavedCardPayment::schemas(schemas);
    }
}

#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct OrderLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_amount: Money,
}

#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct OrderPayment {
    pub payment_request_id: String,
    pub status: RecordStatus,
    #[schema(required = true)]
    pub card_brand: Option<String>,
    #[schema(required = true)]
    pub card_last4: Option<String>,
    #[schema(required = true)]
    pub failure_code: Option<String>,
}

/// `GET /api/orders/{orderId}`.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct Order {
    pub order_id: String,
    pub status: OrderStatus,
    pub amount: Money,
    pub items: Vec<OrderLine>,
    pub payment: OrderPayment,
    pub captured_amount: Money,
    pub refunded_amount: Money,
    pub created_at: String,
    pub updated_at: String,
}

/// `GET /checkout/result/status`: what the result page polls.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct ResultStatus {
    pub order_id: String,
    pub status: OrderStatus,
}

/// 201 of `POST /vaulting/sessions`, for the SDK's `AMSVaulting` component.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct VaultingSessionCreated {
    pub vaulting_request_id: String,
    pub vaulting_session_data: String,
    pub vaulting_session_expiry_time: String,
    pub sdk: SdkConfig,
}

/// A saved card as its buyer sees it (never the token).
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct Card {
    pub card_id: String,
    pub brand: String,
    pub masked_card_no: String,
    pub last_four: String,
    pub expiry_month: String,
    pub expiry_year: String,
    pub created_at: String,
}

#[derive(Debug, ToSchema)]
pub struct CardList {
    pub cards: Vec<Card>,
}

/// `POST /api/cards` (`PCI_DIRECT_VAULTING=true` only). Never stored or logged.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct CardInput {
    pub card_no: String,
    pub expiry_month: String,
    pub expiry_year: String,
    pub cvv: String,
    pub holder_name: Option<String>,
}

/// 202 of `POST /api/cards`: Antom is verifying the card (3-D Secure at `redirectUrl`).
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct CardVerifying {
    #[schema(required = true)]
    pub redirect_url: Option<String>,
    pub vaulting_request_id: String,
}
