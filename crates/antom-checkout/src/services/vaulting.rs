//! Saving a card without paying, two ways:
//!
//! * `POST /vaulting/sessions` → createVaultingSession: Antom's SDK component collects the card;
//!   the result arrives by notifyVaulting (or the worker's inquireVaulting).
//! * `POST /api/cards` (PCI merchants only) → vaultPaymentMethod with the card we were sent:
//!   `S` gives the card at once, `U` `VERIFICATION_IN_PROCESS` sends the buyer to 3-D Secure.
//!
//! Both store the vaulting (PROCESSING, the buyer, a first check time) *before* calling Antom,
//! so the worker finds it whatever happens to this process; both resend an unknown answer with
//! the same vaultingRequestId within the budget, then answer 504 and leave it to the worker.
//! Every result goes through `vaulting_sync`.

use antom_client::model::{
    CardDetail, CreateVaultingSessionRequest, Env, PaymentMethodDetail, TerminalType, UserName,
    VaultPaymentMethodRequest,
};
use antom_client::time::parse_time;
use antom_client::Outcome;
use chrono::{Duration, Utc};
use serde::Serialize;

use super::buyer::{self, BuyerId};
use super::card_input::CardInput;
use super::checkout::{buyer_retry, iso, sdk_config, SdkConfig};
use super::vaulting_sync::{apply_result, VaultingResult};
use crate::error::ApiError;
use crate::persistence::{NewVaulting, SavedCard};
use crate::state::AppState;

/// Antom's code for a card that failed verification (declined, 3-D Secure failed).
const VERIFICATION_FAIL: &str = "VERIFICATION_FAIL";

/// The 201 body of `POST /vaulting/sessions`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultingSessionCreated {
    pub vaulting_request_id: String,
    pub vaulting_session_data: String,
    pub vaulting_session_expiry_time: String,
    pub sdk: SdkConfig,
}

/// How a direct vaulting ended for the buyer.
#[derive(Debug)]
pub enum DirectVaulting {
    /// Saved.
    Vaulted(SavedCard),
    /// Antom is verifying the card: send the buyer to `redirect_url` (3-D Secure) when there is
    /// one; the card appears in the list once the result arrives.
    Verifying {
        vaulting_request_id: String,
        redirect_url: Option<String>,
    },
}

/// Stores a new PROCESSING vaulting for the buyer and returns its id.
async fn begin(state: &AppState, buyer_id: &BuyerId) -> Result<String, ApiError> {
    buyer::remember(state, buyer_id).await?;
    let request_id = uuid::Uuid::now_v7().to_string();
    let now = Utc::now();
    // As for orders: first look after the buyer-facing retries are surely over.
    let next_check_at = now
        + Duration::from_std(state.settings.session_retry_budget).unwrap_or_default()
        + Duration::seconds(5);
    state
        .store
        .insert_vaulting(NewVaulting {
            request_id: &request_id,
            buyer_id: buyer_id.as_str(),
            now,
            next_check_at,
        })
        .await?;
    Ok(request_id)
}

/// A final failure from our own call: recorded on the vaulting (so the worker stops).
async fn record_failure(
    state: &AppState,
    request_id: &str,
    code: &str,
    message: &str,
) -> Result<(), ApiError> {
    apply_result(
        state,
        request_id,
        VaultingResult::Failed {
            code: code.to_owned(),
            message: message.to_owned(),
        },
    )
    .await?;
    Ok(())
}

pub async fn create_session(
    state: &AppState,
    buyer_id: &BuyerId,
) -> Result<VaultingSessionCreated, ApiError> {
    let request_id = begin(state, buyer_id).await?;
    let request = CreateVaultingSessionRequest {
        vaulting_request_id: request_id.clone(),
        vaulting_notification_url: state.url("/webhooks/antom/vaulting"),
        redirect_url: Some(state.url("/")),
        ..CreateVaultingSessionRequest::default()
    };
    match state.antom.send_with(&request, buyer_retry(state)).await {
        Outcome::Success(response) => {
            let expires = response
                .vaulting_session_expiry_time
                .as_deref()
                .and_then(parse_time)
                .unwrap_or_else(|| Utc::now() + Duration::hours(1));
            Ok(VaultingSessionCreated {
                vaulting_request_id: request_id,
                vaulting_session_data: response.vaulting_session_data.unwrap_or_default(),
                vaulting_session_expiry_time: iso(expires),
                sdk: sdk_config(state),
            })
        }
        Outcome::Failed { code, message, .. } => {
            record_failure(state, &request_id, &code, &message).await?;
            Err(ApiError::AntomRejected { code, message })
        }
        Outcome::Unknown { code, .. } => {
            tracing::warn!(vaulting_request_id = request_id, %code, "createVaultingSession unknown after retries; left to the reconciler");
            Err(ApiError::AntomUnavailable)
        }
    }
}

/// vaultPaymentMethod with a card the buyer gave us. The card lives only in this call.
pub async fn vault_card(
    state: &AppState,
    buyer_id: &BuyerId,
    card: CardInput,
) -> Result<DirectVaulting, ApiError> {
    let request_id = begin(state, buyer_id).await?;
    let request = VaultPaymentMethodRequest {
        vaulting_request_id: request_id.clone(),
        vaulting_notification_url: state.url("/webhooks/antom/vaulting"),
        redirect_url: state.url("/"),
        payment_method_detail: PaymentMethodDetail::card(CardDetail {
            card_no: Some(card.number),
            cvv: Some(card.cvv),
            expiry_month: Some(card.expiry_month),
            expiry_year: Some(card.expiry_year),
            cardholder_name: card.holder_name.map(|name| UserName {
                full_name: Some(name),
                ..UserName::default()
            }),
            ..CardDetail::default()
        }),
        env: Env {
            terminal_type: Some(TerminalType::Web),
            ..Env::default()
        },
        ..VaultPaymentMethodRequest::default()
    };
    let outcome = state.antom.send_with(&request, buyer_retry(state)).await;
    drop(request);
    match outcome {
        Outcome::Success(response) => {
            let detail = response
                .payment_method_detail
                .as_ref()
                .and_then(|d| d.card.as_ref());
            if let Some(detail) = detail {
                apply_result(state, &request_id, VaultingResult::Vaulted(detail)).await?;
            }
            // Saved now, or by the notification that raced us; else the result is still to come.
            match state.store.card_by_vaulting(&request_id).await? {
                Some(card) => Ok(DirectVaulting::Vaulted(card)),
                None => Ok(DirectVaulting::Verifying {
                    vaulting_request_id: request_id,
                    redirect_url: None,
                }),
            }
        }
        Outcome::Unknown { code, response, .. } if code == "VERIFICATION_IN_PROCESS" => {
            Ok(DirectVaulting::Verifying {
                vaulting_request_id: request_id,
                redirect_url: response.and_then(|r| r.normal_url),
            })
        }
        Outcome::Unknown { code, .. } => {
            tracing::warn!(vaulting_request_id = request_id, %code, "vaultPaymentMethod unknown after retries; left to the reconciler");
            Err(ApiError::AntomUnavailable)
        }
        Outcome::Failed { code, message, .. } => {
            record_failure(state, &request_id, &code, &message).await?;
            if code == VERIFICATION_FAIL {
                Err(ApiError::Unprocessable {
                    code: VERIFICATION_FAIL,
                    message: "the card could not be verified; try another card".into(),
                })
            } else {
                Err(ApiError::AntomRejected {
                    code,
                    message: "Antom did not vault the card".into(),
                })
            }
        }
    }
}
