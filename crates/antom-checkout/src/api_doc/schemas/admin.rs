//! What the ops console (and ops scripts) send to and get from `/admin/api/*`.

use serde_json::Value;
use utoipa::openapi::schema::{OneOfBuilder, Ref, Schema};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use super::buyer::OrderLine;
use super::common::{Money, OrderStatus, RecordStatus};

/// The payment as listed: the buyer's view plus when the authorization lapses.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct AdminRowPayment {
    pub payment_request_id: String,
    pub status: RecordStatus,
    #[schema(required = true)]
    pub card_brand: Option<String>,
    #[schema(required = true)]
    pub card_last4: Option<String>,
    #[schema(required = true)]
    pub failure_code: Option<String>,
    #[schema(required = true)]
    pub auth_expires_at: Option<String>,
}

/// One row of `GET /admin/api/orders`.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct AdminOrderRow {
    pub order_id: String,
    pub status: OrderStatus,
    pub amount: Money,
    pub items: Vec<OrderLine>,
    pub payment: AdminRowPayment,
    pub captured_amount: Money,
    pub refunded_amount: Money,
    pub created_at: String,
    pub updated_at: String,
    /// Something about the order needs a person (amount mismatch, unknown notification…).
    pub review_required: bool,
}

/// `GET /admin/api/orders`: newest first.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct AdminOrderList {
    pub orders: Vec<AdminOrderRow>,
    /// Pass as `cursor` for the next page; `null` on the last one.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// `{"code", "message"}` of a failed record.
#[derive(Debug, ToSchema)]
pub struct Failure {
    pub code: String,
    #[schema(required = true)]
    pub message: Option<String>,
}

#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct AdminPayment {
    pub payment_request_id: String,
    #[schema(required = true)]
    pub payment_id: Option<String>,
    pub status: RecordStatus,
    pub amount: Money,
    #[schema(required = true)]
    pub card_brand: Option<String>,
    #[schema(required = true)]
    pub card_last4: Option<String>,
    #[schema(required = true)]
    pub paid_at: Option<String>,
    #[schema(required = true)]
    pub auth_expires_at: Option<String>,
    #[schema(required = true)]
    pub failure: Option<Failure>,
}

#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct AdminCapture {
    pub capture_request_id: String,
    #[schema(required = true)]
    pub capture_id: Option<String>,
    pub status: RecordStatus,
    pub amount: Money,
    #[schema(required = true)]
    pub failure: Option<Failure>,
    #[schema(required = true)]
    pub requested_at: Option<String>,
    #[schema(required = true)]
    pub captured_at: Option<String>,
}

#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct AdminCancel {
    pub cancel_request_id: String,
    pub status: RecordStatus,
    #[schema(required = true)]
    pub failure: Option<Failure>,
}

#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct AdminRefund {
    pub refund_request_id: String,
    #[schema(required = true)]
    pub refund_id: Option<String>,
    pub status: RecordStatus,
    pub amount: Money,
    #[schema(required = true)]
    pub reason: Option<String>,
    #[schema(required = true)]
    pub failure: Option<Failure>,
    #[schema(required = true)]
    pub requested_at: Option<String>,
    #[schema(required = true)]
    pub refunded_at: Option<String>,
}

/// Why an order was flagged for review.
#[derive(Debug, ToSchema)]
pub struct ReviewNote {
    pub at: String,
    pub reason: String,
}

/// One entry of an order's timeline.
#[derive(Debug, ToSchema)]
pub struct TimelineEntry {
    pub at: String,
    /// A domain event (`PAYMENT_SUCCEEDED`, …) or the server's own (`ORDER_CREATED`, …).
    #[schema(rename = "type")]
    pub kind: String,
    /// `buyer`, `antom:notification`, `admin:{token name}`, …
    pub actor: String,
    /// What happened, as a JSON object.
    pub details: Value,
}

/// A notification as received; `body` is the raw text Antom signed.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct Notification {
    pub id: i64,
    pub received_at: String,
    pub last_received_at: String,
    pub route: String,
    /// `VERIFIED` or `REJECTED`.
    pub verdict: String,
    #[schema(required = true)]
    pub reject_reason: Option<String>,
    #[schema(required = true)]
    pub notify_type: Option<String>,
    #[schema(required = true)]
    pub outcome: Option<String>,
    #[schema(required = true)]
    pub outcome_detail: Option<String>,
    pub delivery_count: i32,
    pub body: String,
}

/// `GET /admin/api/orders/{orderId}` and `POST …/sync`: everything known about one order.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct AdminOrder {
    pub order_id: String,
    pub status: OrderStatus,
    pub amount: Money,
    pub items: Vec<OrderLine>,
    pub payment: AdminPayment,
    pub captured_amount: Money,
    pub refunded_amount: Money,
    pub created_at: String,
    pub updated_at: String,
    pub review_required: bool,
    pub review: Vec<ReviewNote>,
    pub captures: Vec<AdminCapture>,
    #[schema(required = true)]
    pub cancel: Option<AdminCancel>,
    pub refunds: Vec<AdminRefund>,
    pub capturable_amount: Money,
    pub refundable_amount: Money,
    #[schema(required = true)]
    pub session_expires_at: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub notifications: Vec<Notification>,
}

/// `POST …/capture`: `{}` captures everything still capturable.
#[derive(Debug, ToSchema)]
pub struct CaptureRequest {
    pub amount: Option<Money>,
}

/// `POST …/refund`.
#[derive(Debug, ToSchema)]
pub struct RefundRequest {
    pub amount: Money,
    /// At most 256 characters (Antom's `refundReason`).
    pub reason: Option<String>,
}

#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct CaptureView {
    pub capture_request_id: String,
    pub status: RecordStatus,
    pub amount: Money,
}

/// 202 of `POST …/capture`.
#[derive(Debug, ToSchema)]
pub struct CaptureAccepted {
    pub capture: CaptureView,
}

#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct CancelView {
    pub cancel_request_id: String,
    pub status: RecordStatus,
}

/// 202 of `POST …/cancel`.
#[derive(Debug, ToSchema)]
pub struct CancelAccepted {
    pub cancel: CancelView,
}

#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct RefundView {
    pub refund_request_id: String,
    pub status: RecordStatus,
    pub amount: Money,
}

/// 202 of `POST …/refund`.
#[derive(Debug, ToSchema)]
pub struct RefundAccepted {
    pub refund: RefundView,
}

/// A notification in the deliveries list: as in an order's detail, plus the order it named.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct Delivery {
    #[schema(required = true)]
    pub order_id: Option<String>,
    pub id: i64,
    pub received_at: String,
    pub last_received_at: String,
    pub route: String,
    pub verdict: String,
    #[schema(required = true)]
    pub reject_reason: Option<String>,
    #[schema(required = true)]
    pub notify_type: Option<String>,
    #[schema(required = true)]
    pub outcome: Option<String>,
    #[schema(required = true)]
    pub outcome_detail: Option<String>,
    pub delivery_count: i32,
    pub body: String,
}

/// One entry of `GET /admin/api/deliveries`: a refused delivery (`kind=rejected`, kept small as
/// a [`SecurityEvent`]) or a verified notification that needs a person (`kind=flagged`).
#[derive(Debug)]
pub struct DeliveryEntry;

impl utoipa::PartialSchema for DeliveryEntry {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(Ref::from_schema_name(SecurityEvent::name()))
            .item(Ref::from_schema_name(Delivery::name()))
            .into()
    }
}

impl ToSchema for DeliveryEntry {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((SecurityEvent::name().into_owned(), SecurityEvent::schema()));
        schemas.push((Delivery::name().into_owned(), Delivery::schema()));
        SecurityEvent::schemas(schemas);
        Delivery::schemas(schemas);
    }
}

/// `GET /admin/api/deliveries`.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct DeliveryList {
    pub deliveries: Vec<DeliveryEntry>,
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A refused webhook delivery or a failed admin login.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct SecurityEvent {
    pub id: i64,
    pub at: String,
    /// `ADMIN_LOGIN_FAILED` or `WEBHOOK_REJECTED`.
    pub kind: String,
    pub route: String,
    #[schema(required = true)]
    pub client_ip: Option<String>,
    pub reason: String,
    #[schema(required = true)]
    pub body_length: Option<i64>,
    #[schema(required = true)]
    pub body_sha256: Option<String>,
    #[schema(required = true)]
    pub headers: Option<Value>,
    #[schema(required = true)]
    pub preview: Option<String>,
}

/// `GET /admin/api/security-events`.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct SecurityEventList {
    pub events: Vec<SecurityEvent>,
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}
