//! `POST /sessions`: price the cart from the catalog, store the order and a fresh
//! paymentRequestId, then either ask Antom for a payment session for the Web SDK
//! ([`session`]) or, with `savedCardId`, pay server-to-server with the buyer's vaulted card
//! ([`saved_card`]).
//!
//! * [`place_order`]: request checks, pricing and the stored order both paths share.
//! * [`antom_request`]: what every Antom request made for a buyer shares.
//! * [`floor`]: the bench's performance floor (the Antom call alone).

pub mod antom_request;
pub mod floor;
pub mod place_order;
pub mod saved_card;
pub mod session;

use domain::CardId;
use serde::Serialize;

pub use place_order::SessionRequest;
use saved_card::{pay_with_saved_card, SavedCardPayment};
use session::{create_payment_session, SessionCreated};

use super::buyer_env::BuyerEnv;
use super::error::ServiceError;
use crate::state::AppState;

/// What `POST /sessions` created: an SDK session, or a payment with a saved card.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Created {
    Session(SessionCreated),
    SavedCard(SavedCardPayment),
}

pub async fn create_session(
    state: &AppState,
    request: SessionRequest,
    buyer_id: Option<&str>,
    env: &BuyerEnv,
) -> Result<Created, ServiceError> {
    place_order::validate(&request)?;
    match request.saved_card_id.as_deref() {
        Some(raw) => {
            // A made-up id is a card this buyer does not have, like another buyer's.
            let card_id = CardId::parse(raw).map_err(|_| ServiceError::CardNotFound)?;
            pay_with_saved_card(state, &request, &card_id, buyer_id, env)
                .await
                .map(Created::SavedCard)
        }
        None => create_payment_session(state, &request, buyer_id, env)
            .await
            .map(Created::Session),
    }
}
