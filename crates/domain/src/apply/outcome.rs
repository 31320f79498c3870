//! What applying an event answers: the [`Transition`] and its [`Change`]s when it applied,
//! [`NotApplied`] (why not) when it did not.

use serde::{Deserialize, Serialize};

use crate::currency::Currency;
use crate::invariants::InvariantViolation;
use crate::money::Money;
use crate::records::RecordKind;
use crate::status::{OrderStatus, RecordStatus};

/// What an accepted event did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    pub from: OrderStatus,
    pub to: OrderStatus,
    /// Empty only for `*StillUnknown` events, which are accepted without changing anything.
    pub changes: Vec<Change>,
}

/// One change to the order's records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum Change {
    SessionCreated,
    SessionExpired,
    /// A payment success arrived after the session had been marked expired.
    SessionExpiryCleared,
    AuthorizationExpired,
    /// A capture success arrived after the authorisation had been marked expired.
    AuthorizationExpiryCleared,
    Created {
        record: RecordKind,
        request_id: String,
        status: RecordStatus,
    },
    StatusChanged {
        record: RecordKind,
        request_id: String,
        from: RecordStatus,
        to: RecordStatus,
    },
    /// Missing details (Antom's id, a time, an amount, a reason) were filled in.
    DetailsLearned {
        record: RecordKind,
        request_id: String,
    },
}

/// Why an event was not applied. The order is unchanged in every case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotApplied {
    #[error("the fact is already applied")]
    Duplicate,
    #[error("{event} does not apply while the order is {current}: {reason} (applies in: {})", list(.allowed))]
    IllegalInState {
        current: OrderStatus,
        allowed: Vec<OrderStatus>,
        event: &'static str,
        reason: &'static str,
    },
    #[error("reported amount {reported} differs from the expected {expected}")]
    AmountMismatch { expected: Money, reported: Money },
    #[error("reported currency {reported} differs from the order currency {expected}")]
    CurrencyMismatch { expected: Currency, reported: Currency },
    #[error("{record} is already {current}; {reported} was reported")]
    ConflictsWithTerminal {
        record: RecordKind,
        current: RecordStatus,
        reported: RecordStatus,
    },
    #[error("no {record} with request id {request_id} is known")]
    UnknownRecord { record: RecordKind, request_id: String },
    #[error("refused: {violation}")]
    InvariantViolated { violation: InvariantViolation },
}

impl NotApplied {
    /// Whether a person should look at the order: Antom reported something that contradicts
    /// what we know. Duplicates, facts that arrive in a state where they do not apply, and
    /// results for requests we do not know are routine and only logged.
    pub fn needs_review(&self) -> bool {
        match self {
            NotApplied::AmountMismatch { .. }
            | NotApplied::CurrencyMismatch { .. }
            | NotApplied::ConflictsWithTerminal { .. }
            | NotApplied::InvariantViolated { .. } => true,
            NotApplied::Duplicate | NotApplied::IllegalInState { .. } | NotApplied::UnknownRecord { .. } => {
                false
            }
        }
    }

    /// Stable code for the timeline and logs.
    pub fn code(&self) -> &'static str {
        match self {
            NotApplied::Duplicate => "DUPLICATE",
            NotApplied::IllegalInState { .. } => "ILLEGAL_IN_STATE",
            NotApplied::AmountMismatch { .. } => "AMOUNT_MISMATCH",
            NotApplied::CurrencyMismatch { .. } => "CURRENCY_MISMATCH",
            NotApplied::ConflictsWithTerminal { .. } => "CONFLICTS_WITH_TERMINAL",
            NotApplied::UnknownRecord { .. } => "UNKNOWN_RECORD",
            NotApplied::InvariantViolated { .. } => "INVARIANT_VIOLATED",
        }
    }
}

impl From<InvariantViolation> for NotApplied {
    fn from(violation: InvariantViolation) -> Self {
        NotApplied::InvariantViolated { violation }
    }
}

fn list(statuses: &[OrderStatus]) -> String {
    let names: Vec<&str> = statuses.iter().map(|status| status.as_str()).collect();
    names.join(", ")
}

/// What a handler returns: the changes it made to the scratch copy.
pub(super) type Applied = Result<Vec<Change>, NotApplied>;

/// A handler that changed nothing reports the fact as a duplicate.
pub(super) fn changed(changes: Vec<Change>) -> Applied {
    if changes.is_empty() {
        Err(NotApplied::Duplicate)
    } else {
        Ok(changes)
    }
}
