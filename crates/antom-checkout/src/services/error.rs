//! The one error type of the services and the worker: what went wrong in a flow, in the
//! flow's own words. The HTTP layer (`routes::error::ApiError`) turns each variant into the
//! contract's status and code; the worker logs it.

use domain::{CartError, CommandError};

use super::antom_facts::FactError;
use crate::persistence::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The cart cannot be priced.
    #[error(transparent)]
    Cart(#[from] CartError),
    /// The domain refused an ops command.
    #[error(transparent)]
    Command(#[from] CommandError),
    /// Antom's answer could not be turned into facts.
    #[error("Antom's answer could not be read: {0}")]
    Facts(#[from] FactError),
    /// A field of the request is not acceptable.
    #[error("{0}")]
    InvalidRequest(String),
    /// Something the request needs is not there yet (e.g. Antom's paymentId).
    #[error("{0}")]
    InvalidState(String),
    #[error("no such order")]
    OrderNotFound,
    #[error("no such card")]
    CardNotFound,
    /// The same `Idempotency-Key` came with another request.
    #[error("this Idempotency-Key was used with a different body")]
    KeyReused,
    /// Antom could not verify the card (vaulting).
    #[error("the card could not be verified; try another card")]
    CardNotVerified,
    /// Antom answered a definite `F`.
    #[error("Antom rejected the request ({code}): {message}")]
    AntomRejected { code: String, message: String },
    /// No final answer from Antom in time; the worker carries on.
    #[error("Antom did not give a final answer in time")]
    AntomUnavailable,
    /// What we stored or computed contradicts itself (a record vanished, a sealed token does
    /// not open, a value we built does not serialise).
    #[error("inconsistent state: {0}")]
    Inconsistent(String),
}

impl ServiceError {
    pub fn invalid(message: impl Into<String>) -> ServiceError {
        ServiceError::InvalidRequest(message.into())
    }

    pub fn inconsistent(message: impl std::fmt::Display) -> ServiceError {
        ServiceError::Inconsistent(message.to_string())
    }
}
