//! `GET /checkout/result?orderId=…&token=…`: Antom's `paymentRedirectUrl`. Shows the
//! server-side status (never the query string's opinion), and inquires Antom while the payment
//! is still processing, so a buyer who returns before the webhook sees the truth.

use actix_web::{web, HttpResponse};
use domain::{OrderStatus, RecordStatus};
use serde::Deserialize;

use super::pages::{escape, page_headers};
use crate::error::ApiError;
use crate::services::inquiry::inquire_payment;
use crate::state::AppState;
use crate::tokens::token_matches;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultQuery {
    order_id: Option<String>,
    token: Option<String>,
}

/// Words a buyer understands, per status.
fn describe(status: OrderStatus) -> (&'static str, &'static str) {
    match status {
        OrderStatus::PendingPayment => ("We are confirming your payment…", "This page updates by itself."),
        OrderStatus::Authorized
        | OrderStatus::CapturePending
        | OrderStatus::Captured
        | OrderStatus::CaptureFailed => ("Payment successful", "Thank you! Your order is confirmed."),
        OrderStatus::PartiallyRefunded => (
            "Partially refunded",
            "Part of this payment was refunded to your card.",
        ),
        OrderStatus::Refunded => ("Refunded", "This payment was refunded to your card."),
        OrderStatus::PaymentFailed => ("Payment failed", "Your card was not charged. You can try again."),
        OrderStatus::Canceled => (
            "Order cancelled",
            "The payment was cancelled and your card was not charged.",
        ),
        OrderStatus::Expired => (
            "Payment expired",
            "The payment was not completed in time. You can try again.",
        ),
    }
}

pub async fn show(
    state: web::Data<AppState>,
    query: web::Query<ResultQuery>,
) -> Result<HttpResponse, ApiError> {
    let (Some(order_id), Some(token)) = (query.order_id.as_deref(), query.token.as_deref()) else {
        return Ok(not_found());
    };
    if order_id.len() > 64 {
        return Ok(not_found());
    }
    let Some(mut stored) = state.store.order(order_id).await? else {
        return Ok(not_found());
    };
    if !token_matches(token, &stored.token_hash) {
        return Ok(not_found());
    }
    if stored.order.payment().status == RecordStatus::Processing && !stored.order.session_expired() {
        match inquire_payment(&state, order_id, "buyer:result-page").await {
            Ok(_) => {
                if let Some(fresh) = state.store.order(order_id).await? {
                    stored = fresh;
                }
            }
            Err(e) => tracing::warn!(order_id, error = %e, "inquiry from the result page failed"),
        }
    }
    let status = stored.order.status();
    let (title, text) = describe(status);
    let processing = status == OrderStatus::PendingPayment;
    let retry = matches!(status, OrderStatus::PaymentFailed | OrderStatus::Expired);
    let refresh = if processing {
        r#"<meta http-equiv="refresh" content="3">"#
    } else {
        ""
    };
    let retry_link = if retry {
        r#"<p><a class="button" href="/" data-testid="retry">Try again</a></p>"#
    } else {
        ""
    };
    let total = stored.order.total();
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
{refresh}<title>{title}</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="result">
<h1 data-testid="payment-status" data-status="{status}">{title}</h1>
<p>{text}</p>
<p class="muted">Order <code>{order}</code> · {total}</p>
{retry_link}
<p><a href="/">Back to the shop</a></p>
</main></body></html>"#,
        refresh = refresh,
        title = escape(title),
        status = status.as_str(),
        text = escape(text),
        order = escape(order_id),
        total = escape(&total.to_string()),
        retry_link = retry_link,
    );
    Ok(page_headers(HttpResponse::Ok()).body(html))
}

fn not_found() -> HttpResponse {
    page_headers(HttpResponse::NotFound()).body(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title><link rel="stylesheet" href="/static/app.css"></head><body><main class="result"><h1>Order not found</h1><p>This link is not valid.</p><p><a href="/">Back to the shop</a></p></main></body></html>"#,
    )
}
