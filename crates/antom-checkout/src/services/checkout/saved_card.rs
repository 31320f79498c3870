//! `POST /sessions` with `savedCardId`: the same pricing, order, idempotency and request-id
//! rules as a session, then Antom `pay` server-to-server with the vaulted card's token.
//!
//! * `S` → PaymentSucceeded (AUTHORIZED).
//! * `U` `PAYMENT_IN_PROCESS` → PENDING_PAYMENT; `redirectUrl` is where the buyer authenticates
//!   (`buyer_redirect`: a GET page, our page submitting a POST form, or an app's link); the
//!   notification (or an inquiry) settles it.
//! * other `U` (unknown, timeout) → resent with the same paymentRequestId within the budget,
//!   then 504; the order stays PENDING_PAYMENT for the reconciler.
//! * `F` → PaymentFailed, still 201 with status PAYMENT_FAILED: the order exists and says why.
//!
//! A card that is not the buyer's (or deleted) is 404 `CARD_NOT_FOUND`, and nothing is stored:
//! the lookup comes before the order. 404 rather than 422 so that another buyer's card id and
//! a made-up one are indistinguishable.

use antom_client::codes;
use antom_client::model::{PayRequest, PayResponse, PaymentFactor, PaymentMethod, ProductCode};
use antom_client::Outcome;
use chrono::Utc;
use domain::{CardId, CardSummary, Money, OrderId, PaymentRequestId};
use serde::Serialize;
use serde_json::json;

use super::antom_request::{
    amount, antom_capture_mode, antom_order, buyer_retry, redirect_back, result_page, settlement,
};
use super::place_order::{place_order, SessionRequest};
use crate::persistence::TimelineEntry;
use crate::services::antom_facts;
use crate::services::buyer_env::BuyerEnv;
use crate::services::buyer_redirect::{self, AntomRedirect};
use crate::services::card_crypto::open_token;
use crate::services::error::ServiceError;
use crate::services::order_sync::{apply_facts, Schedule};
use crate::state::AppState;

const ACTOR: &str = "antom:pay";

/// The 201 body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedCardPayment {
    pub order_id: OrderId,
    pub order_token: String,
    pub payment_request_id: PaymentRequestId,
    /// `AUTHORIZED`, `PENDING_PAYMENT` or `PAYMENT_FAILED` (as the order says).
    pub status: &'static str,
    /// Where to send the buyer: the 3-D Secure page when Antom asks for one, else the result
    /// page of the order.
    pub redirect_url: String,
    pub amount: Money,
}

pub async fn pay_with_saved_card(
    state: &AppState,
    request: &SessionRequest,
    card_id: &CardId,
    buyer_id: Option<&str>,
    buyer_env: &BuyerEnv,
) -> Result<SavedCardPayment, ServiceError> {
    let buyer_id = buyer_id.ok_or(ServiceError::CardNotFound)?;
    let card = state
        .store
        .card_of_buyer(card_id, buyer_id)
        .await?
        .ok_or(ServiceError::CardNotFound)?;
    let token = open_token(
        &state.data_key,
        card.id.as_str(),
        &card.buyer_id,
        &card.token_ciphertext,
    )
    .map_err(|e| ServiceError::inconsistent(format!("saved card {}: {e}", card.id)))?;

    let placed = place_order(state, request, Some(buyer_id), json!({"savedCardId": card.id})).await?;
    let (order, env) = antom_order(&placed.order, request, Some(buyer_id), buyer_env);
    let pay = PayRequest {
        product_code: ProductCode::CashierPayment,
        payment_request_id: placed.order.payment().request_id.as_str().to_owned(),
        payment_amount: amount(placed.order.total()),
        order,
        payment_method: PaymentMethod::vaulted_card(token),
        payment_redirect_url: redirect_back(state, &placed, request),
        payment_notify_url: Some(state.url("/webhooks/antom/payments")),
        settlement_strategy: settlement(state),
        payment_factor: Some(PaymentFactor::card_authorization(antom_capture_mode(state))),
        env: Some(env),
        ..PayRequest::default()
    };
    let outcome = state.antom.send_with(&pay, buyer_retry(state)).await;
    // After the call, the buyer goes to the order's result page (found by the buyer cookie).
    let order_id = placed.order.id();
    let result = result_page(state, order_id);

    if let Outcome::Unknown { code, .. } = &outcome {
        if !outcome.is_in_process_with(codes::PAYMENT_IN_PROCESS) {
            tracing::warn!(order_id = order_id.as_str(), %code, "pay unknown after retries; left to the reconciler");
            state
                .store
                .append_timeline(
                    order_id,
                    &[TimelineEntry {
                        at: Utc::now(),
                        event_type: "PAY_UNKNOWN".into(),
                        actor: ACTOR.into(),
                        details: json!({"code": code}),
                    }],
                )
                .await?;
            return Err(ServiceError::AntomUnavailable);
        }
    }
    let saved = (card.last_four.len() == 4).then(|| CardSummary {
        brand: card.brand.clone(),
        last4: card.last_four.clone(),
    });
    let facts = antom_facts::pay_outcome(&outcome, placed.order.total(), saved, Utc::now())?;
    let redirect_url = match &outcome {
        Outcome::Unknown { response, .. } => response
            .as_ref()
            .and_then(|r| challenge(state, r, request.is_app()))
            .unwrap_or(result),
        Outcome::Success(_) | Outcome::Failed { .. } => result,
    };
    let report = apply_facts(
        &state.store,
        order_id,
        &facts,
        ACTOR,
        Utc::now(),
        Schedule::Attempt,
    )
    .await?
    .ok_or_else(|| ServiceError::inconsistent(format!("order {order_id} vanished")))?;
    Ok(SavedCardPayment {
        status: report.status().as_str(),
        redirect_url,
        amount: placed.order.total(),
        order_id: order_id.clone(),
        order_token: placed.token.clone(),
        payment_request_id: placed.order.payment().request_id.clone(),
    })
}

/// Where the buyer authenticates, from a `PAYMENT_IN_PROCESS` answer.
fn challenge(state: &AppState, response: &PayResponse, app: bool) -> Option<String> {
    buyer_redirect::target(
        AntomRedirect {
            form: response.redirect_action_form.as_ref(),
            normal_url: response.normal_url.as_deref(),
            scheme_url: response.scheme_url.as_deref(),
            applink_url: response.applink_url.as_deref(),
        },
        app,
        &state.data_key,
        Utc::now(),
        |sealed| state.url(&format!("/checkout/redirect?f={sealed}")),
    )
}
