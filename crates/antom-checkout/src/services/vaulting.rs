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
//!
//! vaultPaymentMethod is the exception Antom documents: a `U` other than
//! `VERIFICATION_IN_PROCESS`, or that code without any URL to send the buyer to, must be
//! answered with a *new* vaultingRequestId. The card is tried once more under a new vaulting
//! (the first stays PROCESSING for the worker, which settles it by inquiry); the buyer's
//! device (`env`: terminal type, OS, IP, browser) goes with every card call.

use antom_client::codes;
use antom_client::model::{
    CardDetail, CreateVaultingSessionRequest, OsType, PaymentMethodDetail, TerminalType, UserName,
    VaultPaymentMethodRequest, VaultPaymentMethodResponse,
};
use antom_client::time::parse_time;
use antom_client::Outcome;
use chrono::{Duration, Utc};
use domain::VaultingRequestId;
use serde::Serialize;

use super::antom_facts::VaultingFact;
use super::buyer::{self, BuyerId};
use super::buyer_env::BuyerEnv;
use super::buyer_redirect::{self, AntomRedirect};
use super::card_input::CardInput;
use super::checkout::antom_request::{buyer_retry, iso, sdk_config, SdkConfig};
use super::error::ServiceError;
use super::vaulting_sync::apply_result;
use crate::persistence::{NewVaulting, SavedCard};
use crate::state::AppState;

/// The 201 body of `POST /vaulting/sessions`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultingSessionCreated {
    pub vaulting_request_id: VaultingRequestId,
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
        vaulting_request_id: VaultingRequestId,
        redirect_url: Option<String>,
    },
}

/// Stores a new PROCESSING vaulting for the buyer and returns its id.
async fn begin(state: &AppState, buyer_id: &BuyerId) -> Result<VaultingRequestId, ServiceError> {
    buyer::remember(state, buyer_id).await?;
    let request_id = VaultingRequestId::parse(&uuid::Uuid::now_v7().to_string()).expect("uuid is a valid id");
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
    request_id: &VaultingRequestId,
    code: &str,
    message: &str,
) -> Result<(), ServiceError> {
    apply_result(
        state,
        request_id,
        VaultingFact::Failed {
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
) -> Result<VaultingSessionCreated, ServiceError> {
    let request_id = begin(state, buyer_id).await?;
    let request = CreateVaultingSessionRequest {
        vaulting_request_id: request_id.as_str().to_owned(),
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
            Err(ServiceError::AntomRejected { code, message })
        }
        Outcome::Unknown { code, .. } => {
            tracing::warn!(vaulting_request_id = request_id.as_str(), %code, "createVaultingSession unknown after retries; left to the reconciler");
            Err(ServiceError::AntomUnavailable)
        }
    }
}

/// The buyer's device for a card call.
#[derive(Debug, Clone, Default)]
pub struct Device {
    pub terminal_type: Option<TerminalType>,
    pub os_type: Option<OsType>,
    pub env: BuyerEnv,
}

impl Device {
    fn is_app(&self) -> bool {
        self.terminal_type == Some(TerminalType::App)
    }
}

/// vaultPaymentMethod with a card the buyer gave us. The card lives only in this call.
pub async fn vault_card(
    state: &AppState,
    buyer_id: &BuyerId,
    card: CardInput,
    device: &Device,
) -> Result<DirectVaulting, ServiceError> {
    let mut request_id = begin(state, buyer_id).await?;
    let mut outcome = send_card(state, &request_id, &card, device).await;
    if needs_new_request_id(&outcome) {
        tracing::warn!(
            vaulting_request_id = request_id.as_str(),
            code = outcome.code(),
            "vaultPaymentMethod answered U without a way on: trying once more with a new vaultingRequestId"
        );
        request_id = begin(state, buyer_id).await?;
        outcome = send_card(state, &request_id, &card, device).await;
    }
    drop(card);
    settle_card(state, &request_id, outcome, device).await
}

/// Antom: a `U` other than VERIFICATION_IN_PROCESS, or that code with no URL for the buyer,
/// is retried with a new vaultingRequestId.
fn needs_new_request_id(outcome: &Outcome<VaultPaymentMethodResponse>) -> bool {
    match outcome {
        Outcome::Unknown { code, response, .. } if code == codes::VERIFICATION_IN_PROCESS => response
            .as_ref()
            .is_none_or(|r| r.normal_url.is_none() && r.scheme_url.is_none() && r.applink_url.is_none()),
        Outcome::Unknown { .. } => true,
        Outcome::Success(_) | Outcome::Failed { .. } => false,
    }
}

async fn send_card(
    state: &AppState,
    request_id: &VaultingRequestId,
    card: &CardInput,
    device: &Device,
) -> Outcome<VaultPaymentMethodResponse> {
    let request = VaultPaymentMethodRequest {
        vaulting_request_id: request_id.as_str().to_owned(),
        vaulting_notification_url: state.url("/webhooks/antom/vaulting"),
        redirect_url: state.url("/"),
        payment_method_detail: PaymentMethodDetail::card(CardDetail {
            card_no: Some(card.number.clone()),
            cvv: Some(card.cvv.clone()),
            expiry_month: Some(card.expiry_month.clone()),
            expiry_year: Some(card.expiry_year.clone()),
            cardholder_name: card.holder_name.clone().map(|name| UserName {
                full_name: Some(name),
                ..UserName::default()
            }),
            ..CardDetail::default()
        }),
        env: device.env.antom_env(
            device.terminal_type.clone().unwrap_or(TerminalType::Web),
            device.os_type.clone(),
        ),
        ..VaultPaymentMethodRequest::default()
    };
    state.antom.send_with(&request, buyer_retry(state)).await
}

/// What vaultPaymentMethod's answer means for the buyer.
async fn settle_card(
    state: &AppState,
    request_id: &VaultingRequestId,
    outcome: Outcome<VaultPaymentMethodResponse>,
    device: &Device,
) -> Result<DirectVaulting, ServiceError> {
    let request_id = request_id.clone();
    match outcome {
        Outcome::Success(response) => {
            let detail = response
                .payment_method_detail
                .as_ref()
                .and_then(|d| d.card.as_ref());
            if let Some(detail) = detail {
                apply_result(state, &request_id, VaultingFact::Vaulted(detail)).await?;
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
        Outcome::Unknown { code, response, .. } if code == codes::VERIFICATION_IN_PROCESS => {
            let redirect_url = response.as_ref().and_then(|r| {
                buyer_redirect::target(
                    AntomRedirect {
                        form: None,
                        normal_url: r.normal_url.as_deref(),
                        scheme_url: r.scheme_url.as_deref(),
                        applink_url: r.applink_url.as_deref(),
                    },
                    device.is_app(),
                    &state.data_key,
                    Utc::now(),
                    |sealed| state.url(&format!("/checkout/redirect?f={sealed}")),
                )
            });
            Ok(DirectVaulting::Verifying {
                vaulting_request_id: request_id,
                redirect_url,
            })
        }
        Outcome::Unknown { code, .. } => {
            tracing::warn!(vaulting_request_id = request_id.as_str(), %code, "vaultPaymentMethod unknown after retries; left to the reconciler");
            Err(ServiceError::AntomUnavailable)
        }
        Outcome::Failed { code, message, .. } => {
            record_failure(state, &request_id, &code, &message).await?;
            if code == codes::VERIFICATION_FAIL {
                Err(ServiceError::CardNotVerified)
            } else {
                Err(ServiceError::AntomRejected {
                    code,
                    message: "Antom did not vault the card".into(),
                })
            }
        }
    }
}
