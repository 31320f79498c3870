//! `POST /sessions` for the Antom Web SDK: store the order, then ask Antom for a payment
//! session (`createPaymentSession`, card, authorization), resending the identical request while
//! the answer is unknown and the buyer's time budget lasts.

use antom_client::model::{CreatePaymentSessionRequest, PaymentFactor, PaymentMethod};
use antom_client::Outcome;
use chrono::{Duration, Utc};
use domain::{OrderId, PaymentRequestId};
use serde::Serialize;
use serde_json::json;

use super::antom_request::{
    amount, antom_capture_mode, antom_order, buyer_retry, ceil_to_second, iso, redirect_back, sdk_config,
    settlement, SdkConfig,
};
use super::place_order::{place_order, PlacedOrder, SessionRequest};
use crate::persistence::TimelineEntry;
use crate::services::antom_facts;
use crate::services::buyer_env::BuyerEnv;
use crate::services::error::ServiceError;
use crate::services::order_sync::{apply_facts, Schedule};
use crate::state::AppState;

const ACTOR: &str = "antom:createPaymentSession";

/// The 201 body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionCreated {
    pub order_id: OrderId,
    pub order_token: String,
    pub payment_request_id: PaymentRequestId,
    pub payment_session_data: String,
    pub payment_session_expiry_time: String,
    pub amount: domain::Money,
    pub sdk: SdkConfig,
}

pub async fn create_sdk_session(
    state: &AppState,
    request: &SessionRequest,
    buyer_id: Option<&str>,
    env: &BuyerEnv,
) -> Result<SessionCreated, ServiceError> {
    let placed = place_order(state, request, buyer_id, json!({})).await?;
    let antom_request = session_request(state, &placed, request, buyer_id, env);
    let PlacedOrder { order, token, .. } = placed;
    let order_id = order.id();
    let outcome = state.antom.send_with(&antom_request, buyer_retry(state)).await;
    let now = Utc::now();
    let deadline = order.session_deadline(session_validity(state));
    let facts = antom_facts::session_outcome(&outcome, deadline);
    let report = if facts.events.is_empty() {
        None
    } else {
        apply_facts(&state.store, order_id, &facts, ACTOR, now, Schedule::Attempt).await?
    };
    match outcome {
        Outcome::Success(response) => {
            let expires = report
                .and_then(|r| r.order.order.session_expires_at())
                .unwrap_or(deadline);
            Ok(SessionCreated {
                order_id: order_id.clone(),
                order_token: token,
                payment_request_id: order.payment().request_id.clone(),
                payment_session_data: response.payment_session_data.unwrap_or_default(),
                payment_session_expiry_time: iso(expires),
                amount: order.total(),
                sdk: sdk_config(state),
            })
        }
        Outcome::Failed { code, message, .. } => Err(ServiceError::AntomRejected { code, message }),
        Outcome::Unknown { code, .. } => {
            tracing::warn!(order_id = order_id.as_str(), %code, "createPaymentSession unknown after retries; left to the reconciler");
            state
                .store
                .append_timeline(
                    order_id,
                    &[TimelineEntry {
                        at: now,
                        event_type: "SESSION_UNKNOWN".into(),
                        actor: ACTOR.into(),
                        details: json!({"code": code}),
                    }],
                )
                .await?;
            Err(ServiceError::AntomUnavailable)
        }
    }
}

/// How long a payment session lasts (`PAYMENT_SESSION_EXPIRY_SECS`).
fn session_validity(state: &AppState) -> Duration {
    Duration::from_std(state.settings.payment_session_expiry).unwrap_or(Duration::hours(1))
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
    CreatePaymentSessionRequest {
        payment_request_id: order.payment().request_id.as_str().to_owned(),
        payment_amount: amount(order.total()),
        order: antom_order,
        payment_method: Some(PaymentMethod::card()),
        payment_redirect_url: redirect_back(state, placed, request),
        payment_notify_url: Some(state.url("/webhooks/antom/payments")),
        settlement_strategy: settlement(state),
        payment_factor: Some(PaymentFactor::card_authorization(antom_capture_mode(state))),
        payment_session_expiry_time: Some(iso(ceil_to_second(
            order.session_deadline(session_validity(state)),
        ))),
        env: Some(env),
        locale: request.locale.clone(),
        ..Default::default()
    }
}
