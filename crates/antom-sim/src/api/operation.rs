//! What every endpoint module provides to the pipeline: its field checks and its handler
//! (`Operation`), with what they may read (`Checks`) and what the fault settings ask of them
//! (`Shape`). The endpoint modules implement it and the pipeline runs it, so neither depends on
//! the other.

use antom_client::AntomRequest;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::faults::Answers;
use crate::lifecycle::Tx;
use crate::merchant::Merchant;
use crate::validation::Checked;

/// What field checks may read besides the request: the time and the merchant's settings.
#[derive(Debug)]
pub struct Checks<'a> {
    pub now: DateTime<Utc>,
    pub merchant: &'a Merchant,
}

/// What the fault settings ask of one request's handler.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    /// The `processing` fault: answer `*_IN_PROCESS` and settle later.
    pub processing: bool,
    /// `processing` with `noRedirect` (vaultPaymentMethod): in process without any URL.
    pub no_redirect: bool,
    /// The `unknown` fault, passed only to endpoints that record it
    /// ([`Operation::RECORDS_UNKNOWN`]).
    pub unknown: bool,
    /// How answers are shaped (`answers` faults).
    pub answers: Answers,
}

/// One Antom API: its field checks and its handler.
pub trait Operation: AntomRequest<Response: Serialize> + DeserializeOwned {
    /// Whether the `unknown` fault reaches the handler (which then records the spent key)
    /// instead of being answered without any trace.
    const RECORDS_UNKNOWN: bool = false;

    /// Field checks that need no state.
    fn validate(&self, checks: &Checks<'_>) -> Checked;

    /// Handles a valid request in one transaction, shaped by the current faults.
    fn handle(self, tx: &mut Tx<'_>, shape: Shape) -> Self::Response;
}
