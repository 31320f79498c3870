//! `GET /checkout/result?orderId=…`: Antom's `paymentRedirectUrl`, and where the checkout page
//! sends the buyer after the SDK reports a result. Who may see it (`services::order_access`):
//! the order's buyer (buyer cookie), the holder of the order token (`&token=`, as the contract
//! has always allowed), or a browser coming back with the single-use return token of the
//! `paymentRedirectUrl` (`&rt=`: spent, exchanged for a short access cookie, and redirected to
//! a URL without it). The order token itself is never in a URL handed to Antom. Shows the server-side status
//! (never the query string's opinion), and inquires Antom while the payment is still processing,
//! so a buyer who returns before the webhook sees the truth. However many loads arrive (from
//! one buyer or many, at any replica), an order is inquired at most once per
//! [`INQUIRY_INTERVAL`], and such an inquiry never counts as a reconciler attempt. Loads are
//! limited per IP.
//!
//! While the payment is processing, `static/result.js` polls `GET /api/orders/{id}` (with the
//! token from the URL) and reloads the page when the status moves, so the words stay here, in
//! one place; without JavaScript a `<noscript>` refresh does the same. The page has no inline
//! script or style.

use actix_web::{web, HttpRequest, HttpResponse};
use antom_client::codes;
use domain::{Order, OrderId, OrderStatus};
use serde::Deserialize;

use chrono::Utc;

use super::extractors::bearer::bearer;
use super::extractors::buyer::{cookies, Buyer};
use super::extractors::client::check_limit;
use super::pages::{escape, page_headers};
use crate::persistence::StoredOrder;
use crate::rate_limit::Limit;
use crate::routes::error::ApiError;
use crate::services::inquiry::{inquire_payment, InquiryResult};
use crate::services::order_access;
use crate::services::order_sync::Schedule;
use crate::state::AppState;
use crate::tokens::{hash_token, token_matches};

/// At most one inquiry per order per this interval is triggered by page loads.
pub const INQUIRY_INTERVAL: chrono::Duration = chrono::Duration::seconds(5);

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultQuery {
    order_id: Option<String>,
    token: Option<String>,
    /// The single-use return token of the web `paymentRedirectUrl`.
    rt: Option<String>,
}

/// How the page looks and what the buyer can do next; `result.js` reads it from `data-outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The money is (or was) the shop's: the cart can be emptied.
    Paid,
    /// Still waiting for Antom: the page updates itself.
    Pending,
    /// Not paid; the buyer may try again.
    Failed,
    /// The shop cancelled the order.
    Closed,
}

impl Outcome {
    fn of(status: OrderStatus) -> Outcome {
        match status {
            OrderStatus::PendingPayment => Outcome::Pending,
            OrderStatus::Authorized
            | OrderStatus::CapturePending
            | OrderStatus::Captured
            | OrderStatus::CaptureFailed
            | OrderStatus::PartiallyRefunded
            | OrderStatus::Refunded => Outcome::Paid,
            OrderStatus::PaymentFailed | OrderStatus::Expired => Outcome::Failed,
            OrderStatus::Canceled => Outcome::Closed,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Outcome::Paid => "paid",
            Outcome::Pending => "pending",
            Outcome::Failed => "failed",
            Outcome::Closed => "closed",
        }
    }

    /// CSS class and the symbol beside the heading (decorative: the heading says it in words).
    fn tone(self) -> (&'static str, &'static str) {
        match self {
            Outcome::Paid => ("status-ok", "✓"),
            Outcome::Pending => ("status-wait", "…"),
            Outcome::Failed => ("status-bad", "!"),
            Outcome::Closed => ("status-info", "i"),
        }
    }
}

/// Words a buyer understands, per status.
fn describe(status: OrderStatus) -> (&'static str, &'static str) {
    match status {
        OrderStatus::PendingPayment => (
            "We are confirming your payment…",
            "This usually takes a few seconds. This page updates by itself; you do not need to pay again.",
        ),
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
            "The payment was not completed in time, and your card was not charged. You can try again.",
        ),
    }
}

/// Why a payment failed, in the buyer's words, from Antom's result code.
fn failure_reason(code: &str) -> &'static str {
    match code {
        codes::USER_BALANCE_NOT_ENOUGH => "The card does not have enough funds.",
        codes::USER_PAYMENT_VERIFICATION_FAILED | codes::RISK_REJECT => {
            "The card's security check was not completed."
        }
        codes::ORDER_IS_CLOSED | codes::ORDER_IS_EXPIRED => "The payment was not completed in time.",
        codes::INVALID_CARD | codes::INVALID_EXPIRATION_DATE | codes::CARD_NOT_SUPPORTED => {
            "This card cannot be used here. Please try another card."
        }
        _ => "Your bank declined the payment. Please try another card or contact your bank.",
    }
}

/// The order if this request may see it: with its order token, as its buyer, or with a valid
/// access cookie. (The return token is handled by [`show`].)
async fn visible_order(
    state: &AppState,
    req: &HttpRequest,
    order_id: &OrderId,
    token: Option<&str>,
) -> Result<Option<StoredOrder>, ApiError> {
    let Some(stored) = state.store.order(order_id).await? else {
        return Ok(None);
    };
    let by_token = token.is_some_and(|t| token_matches(t, &stored.token_hash));
    let by_buyer = stored.buyer_id.is_some()
        && Buyer::presented(state, req).map(|b| b.as_str().to_owned()) == stored.buyer_id;
    let by_cookie = cookies(req, order_access::COOKIE_NAME)
        .any(|value| order_access::grants(&state.data_key, value, order_id, Utc::now()));
    Ok((by_token || by_buyer || by_cookie).then_some(stored))
}

#[utoipa::path(
    get,
    path = "/checkout/result",
    tag = "buyer",
    params(("orderId" = Option<String>, Query, description = "The order"), ("token" = Option<String>, Query, description = "Single-use return token")),
    responses(
        (status = 200, description = "The result page: the server's status of the order", content_type = "text/html", body = String),
        (status = 303, description = "A single-use return token was exchanged for an access cookie; back to the same page without it"),
        (status = 404, description = "No such order visible to this browser", content_type = "text/html", body = String),
        (status = 429, description = "RATE_LIMITED: over the per-IP or per-buyer budget (see `Retry-After`)", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ResultQuery>,
) -> Result<HttpResponse, ApiError> {
    check_limit(&state, &req, Limit::ResultPage, None)?;
    let Some(order_id) = query.order_id.as_deref().and_then(|raw| OrderId::parse(raw).ok()) else {
        return Ok(not_found());
    };
    let order_id = &order_id;
    let token = query.token.as_deref();
    let Some(mut stored) = visible_order(&state, &req, order_id, token).await? else {
        return Ok(match query.rt.as_deref() {
            Some(rt) => spend_return_token(&state, order_id, rt).await?,
            None => not_found(),
        });
    };
    let processing = stored.order.payment_open();
    let claimed = processing
        && state
            .store
            .claim_buyer_inquiry(order_id, Utc::now(), INQUIRY_INTERVAL)
            .await?;
    if processing {
        state.metrics.observe_buyer_inquiry(claimed);
    }
    if claimed {
        match inquire_payment(&state, &stored, "buyer:result-page", Schedule::Keep).await {
            Ok(InquiryResult::Applied(report)) => stored = report.order,
            Ok(InquiryResult::NotAtAntom | InquiryResult::NoAnswer { .. } | InquiryResult::NoOrder) => {}
            Err(e) => {
                tracing::warn!(order_id = order_id.as_str(), error = %e, "inquiry from the result page failed")
            }
        }
    }
    let html = render(&stored, order_id.as_str(), token);
    Ok(page_headers(HttpResponse::Ok())
        .insert_header(("Cache-Control", "no-store"))
        .body(html))
}

/// A browser back from Antom with the return token: spend it (once, while the order can still
/// be paid), give the browser an access cookie, and send it to the page without the token.
async fn spend_return_token(
    state: &AppState,
    order_id: &OrderId,
    rt: &str,
) -> Result<HttpResponse, ApiError> {
    if rt.len() > 128 {
        return Ok(not_found());
    }
    let Some(stored) = state.store.order(order_id).await? else {
        return Ok(not_found());
    };
    let now = Utc::now();
    let times = crate::services::reconciler::session_times(state);
    let usable_until = stored.order.session_deadline(times.validity) + times.close_window;
    if now > usable_until
        || !state
            .store
            .spend_return_token(order_id, &hash_token(rt), now)
            .await?
    {
        return Ok(not_found());
    }
    let secure = if state.public_base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{}={}; Path=/checkout; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        order_access::COOKIE_NAME,
        order_access::cookie_value(&state.data_key, order_id, now),
        order_access::VALIDITY.num_seconds()
    );
    Ok(HttpResponse::SeeOther()
        .insert_header((
            "Location",
            format!("/checkout/result?orderId={}", encode(order_id.as_str())),
        ))
        .insert_header(("Set-Cookie", cookie))
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .finish())
}

/// `GET /checkout/result/status?orderId=…`: the order's status for the result page's polling,
/// to whoever may see the page (the order token in `Authorization`, the buyer cookie, or the
/// access cookie). Never inquires Antom: page loads do that, at most once per interval.
#[utoipa::path(
    get,
    path = "/checkout/result/status",
    tag = "buyer",
    params(("orderId" = String, Query, description = "The order")),
    responses(
        (status = 200, description = "The order's status (never inquires Antom)", body = crate::api_doc::schemas::buyer::ResultStatus),
        (status = 404, description = "ORDER_NOT_FOUND", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 429, description = "RATE_LIMITED: over the per-IP or per-buyer budget (see `Retry-After`)", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn status(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ResultQuery>,
) -> Result<HttpResponse, ApiError> {
    check_limit(&state, &req, Limit::ResultPage, None)?;
    let not_found = || ApiError::NotFound {
        code: "ORDER_NOT_FOUND",
    };
    let order_id = query
        .order_id
        .as_deref()
        .and_then(|raw| OrderId::parse(raw).ok())
        .ok_or_else(not_found)?;
    let Some(stored) = visible_order(&state, &req, &order_id, bearer(&req)).await? else {
        return Err(not_found());
    };
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(serde_json::json!({"orderId": order_id, "status": stored.order.status().as_str()})))
}

/// A money amount the server spells ("42.00 SGD"); `result.js` re-spells it in the buyer's locale
/// from the data attributes.
fn money(m: domain::Money) -> String {
    format!(
        r#"<span class="money" data-currency="{}" data-value="{}">{}</span>"#,
        m.currency().code(),
        m.minor_units_string(),
        escape(&m.to_string())
    )
}

fn summary(order: &Order) -> String {
    let mut rows = String::new();
    for item in order.items() {
        rows.push_str(&format!(
            r#"<tr><td>{name}</td><td class="num">× {qty}</td><td class="num">{total}</td></tr>"#,
            name = escape(item.name()),
            qty = item.quantity().get(),
            total = money(item.line_total()),
        ));
    }
    rows.push_str(&format!(
        r#"<tr><th scope="row" colspan="2">Total</th><td class="num"><strong>{}</strong></td></tr>"#,
        money(order.total())
    ));
    let refunded = order.refunded_amount();
    if refunded.minor() > 0 {
        rows.push_str(&format!(
            r#"<tr><th scope="row" colspan="2">Refunded</th><td class="num">{}</td></tr>"#,
            money(refunded)
        ));
    }
    format!(
        r#"<table class="summary"><caption class="muted small">Your order</caption><tbody>{rows}</tbody></table>"#
    )
}

fn render(stored: &StoredOrder, order_id: &str, token: Option<&str>) -> String {
    let order = &stored.order;
    let status = order.status();
    let outcome = Outcome::of(status);
    let (title, text) = describe(status);
    let (tone, icon) = outcome.tone();
    let payment = order.payment();
    let reason = match (outcome, &payment.failure) {
        (Outcome::Failed, Some(f)) if status == OrderStatus::PaymentFailed => {
            format!("<p>{}</p>", escape(failure_reason(&f.code)))
        }
        _ => String::new(),
    };
    let card = payment
        .card
        .as_ref()
        .map(|c| {
            format!(
                r#"<p class="muted">Paid with {} ending in {}</p>"#,
                escape(&c.brand),
                escape(&c.last4)
            )
        })
        .unwrap_or_default();
    let self_url = escape(&match token {
        Some(token) => format!(
            "/checkout/result?orderId={}&token={}",
            encode(order_id),
            encode(token)
        ),
        None => format!("/checkout/result?orderId={}", encode(order_id)),
    });
    let (refresh, actions) = match outcome {
        Outcome::Pending => (
            r#"<noscript><meta http-equiv="refresh" content="5"></noscript>"#,
            format!(
                r#"<p id="poll-status" class="muted small" role="status"></p>
<div class="actions"><a class="button" href="{self_url}" data-testid="check-again">Check again</a></div>"#
            ),
        ),
        Outcome::Failed => (
            "",
            r#"<div class="actions"><a class="button primary" href="/" data-testid="retry">Try again</a></div>"#.into(),
        ),
        Outcome::Paid | Outcome::Closed => (
            "",
            r#"<div class="actions"><a class="button primary" href="/" data-testid="continue">Continue shopping</a></div>"#.into(),
        ),
    };
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">{refresh}
<title>{title} · Demo shop</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/static/app.css"></head>
<body><header class="site-header"><div class="wrap"><a class="brand" href="/">Demo shop</a></div></header>
<main class="result" data-outcome="{outcome}" data-order-id="{order}">
<div class="card {tone}">
<h1 data-testid="payment-status" data-status="{status}"><span class="status-icon" aria-hidden="true">{icon}</span>{title}</h1>
<p>{text}</p>
{reason}{card}{summary}
<p class="muted small">Order number <code>{order}</code></p>
{actions}
</div>
</main>
<script src="/static/money.js"></script>
<script src="/static/result.js"></script>
</body></html>"#,
        refresh = refresh,
        title = escape(title),
        outcome = outcome.as_str(),
        order = escape(order_id),
        tone = tone,
        status = status.as_str(),
        icon = icon,
        text = escape(text),
        reason = reason,
        card = card,
        summary = summary(order),
        actions = actions,
    )
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn not_found() -> HttpResponse {
    page_headers(HttpResponse::NotFound())
        .insert_header(("Cache-Control", "no-store"))
        .body(
            r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Order not found · Demo shop</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/static/app.css"></head><body><header class="site-header"><div class="wrap"><a class="brand" href="/">Demo shop</a></div></header><main class="result"><div class="card status-info"><h1><span class="status-icon" aria-hidden="true">?</span>Order not found</h1><p>This link is not valid. If you paid, your receipt email has the right link.</p><div class="actions"><a class="button primary" href="/">Back to the shop</a></div></div></main></body></html>"#,
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_words_and_an_outcome() {
        for status in OrderStatus::ALL {
            let (title, text) = describe(status);
            assert!(!title.is_empty() && !text.is_empty());
            let _ = Outcome::of(status).tone();
        }
    }

    #[test]
    fn only_unpaid_orders_offer_a_retry() {
        assert_eq!(Outcome::of(OrderStatus::PaymentFailed), Outcome::Failed);
        assert_eq!(Outcome::of(OrderStatus::Expired), Outcome::Failed);
        assert_eq!(Outcome::of(OrderStatus::Authorized), Outcome::Paid);
        assert_eq!(Outcome::of(OrderStatus::PendingPayment), Outcome::Pending);
    }

    #[test]
    fn query_values_are_encoded_for_the_check_again_link() {
        assert_eq!(encode("a b&c=d"), "a+b%26c%3Dd");
    }
}
