//! `POST /sessions` for a browser or app that takes the card with Antom: store the order, then
//! ask Antom for a payment session (`createPaymentSession`, card, authorization) for the chosen
//! integration, resending the identical request while the answer is unknown and the buyer's
//! time budget lasts:
//!
//! * `element`: `productScene: ELEMENT_PAYMENT`, with the buyer's saved cards as
//!   `savedPaymentMethods` (the Payment Element offers them beside a new card);
//! * `sdk`: no `productScene` (the `AMSCashierPayment` component);
//! * `hosted`: `productScene: CHECKOUT_PAYMENT`; Antom answers with `normalUrl`, its hosted
//!   Checkout Page, where the browser is sent.

use antom_client::model::{CreatePaymentSessionRequest, PaymentFactor, PaymentMethod, ProductScene};
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
use crate::config::Integration;
use crate::persistence::TimelineEntry;
use crate::services::antom_facts;
use crate::services::buyer_env::BuyerEnv;
use crate::services::card_crypto::open_token;
use crate::services::error::ServiceError;
use crate::services::order_sync::{apply_facts, Schedule};
use crate::state::AppState;

const ACTOR: &str = "antom:createPaymentSession";

/// At most this many saved cards go to the Payment Element (newest first).
const MAX_SAVED_CARDS: usize = 10;

/// The 201 body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionCreated {
    pub order_id: OrderId,
    pub order_token: String,
    pub payment_request_id: PaymentRequestId,
    /// `element`, `sdk` or `hosted`: how the page takes the card.
    pub integration: &'static str,
    pub payment_session_data: String,
    pub payment_session_expiry_time: String,
    /// `hosted` only: Antom's Checkout Page, where the browser goes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normal_url: Option<String>,
    pub amount: domain::Money,
    pub sdk: SdkConfig,
}

pub async fn create_payment_session(
    state: &AppState,
    request: &SessionRequest,
    buyer_id: Option<&str>,
    env: &BuyerEnv,
) -> Result<SessionCreated, ServiceError> {
    let integration = request.integration(state.settings.checkout_integration);
    let saved = match (integration, buyer_id) {
        (Integration::Element, Some(buyer_id)) => saved_cards(state, buyer_id).await?,
        _ => Vec::new(),
    };
    let created = json!({"integration": integration.as_str()});
    let placed = place_order(state, request, buyer_id, created).await?;
    let scene = SessionScene { integration, saved };
    let antom_request = session_request(state, &placed, request, buyer_id, env, scene);
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
        Outcome::Success(response) if integration == Integration::Hosted && response.normal_url.is_none() => {
            let message = "createPaymentSession for CHECKOUT_PAYMENT answered without normalUrl".to_owned();
            tracing::error!(order_id = order_id.as_str(), "{message}");
            Err(ServiceError::AntomRejected {
                code: response.result.result_code,
                message,
            })
        }
        Outcome::Success(response) => {
            let expires = report
                .and_then(|r| r.order.order.session_expires_at())
                .unwrap_or(deadline);
            Ok(SessionCreated {
                order_id: order_id.clone(),
                order_token: token,
                payment_request_id: order.payment().request_id.clone(),
                integration: integration.as_str(),
                payment_session_data: response.payment_session_data.unwrap_or_default(),
                payment_session_expiry_time: iso(expires),
                normal_url: response.normal_url.filter(|_| integration == Integration::Hosted),
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

/// What the integration adds to the request.
struct SessionScene {
    integration: Integration,
    /// The buyer's saved cards (Element only).
    saved: Vec<PaymentMethod>,
}

/// The buyer's saved cards as Antom's `savedPaymentMethods` (their tokens, opened here), newest
/// first. A card whose token does not open (another data key) is left out and logged.
async fn saved_cards(state: &AppState, buyer_id: &str) -> Result<Vec<PaymentMethod>, ServiceError> {
    let cards = state.store.cards_of_buyer(buyer_id).await?;
    Ok(cards
        .iter()
        .take(MAX_SAVED_CARDS)
        .filter_map(|card| {
            match open_token(&state.data_key, card.id.as_str(), &card.buyer_id, &card.token_ciphertext) {
                Ok(token) => Some(PaymentMethod::vaulted_card(token)),
                Err(e) => {
                    tracing::warn!(card_id = card.id.as_str(), error = %e, "saved card left out of the Element");
                    None
                }
            }
        })
        .collect())
}

/// The createPaymentSession request for an order: it lasts `PAYMENT_SESSION_EXPIRY_SECS`
/// from the order's creation (the local deadline uses the same figure).
fn session_request(
    state: &AppState,
    placed: &PlacedOrder,
    request: &SessionRequest,
    buyer_id: Option<&str>,
    env: &BuyerEnv,
    scene: SessionScene,
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
        product_scene: match scene.integration {
            Integration::Element => Some(ProductScene::ElementPayment),
            Integration::Hosted => Some(ProductScene::CheckoutPayment),
            Integration::Sdk => None,
        },
        saved_payment_methods: (!scene.saved.is_empty()).then_some(scene.saved),
        ..Default::default()
    }
}
