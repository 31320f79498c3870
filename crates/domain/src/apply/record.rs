//! The rules every handler follows when a fact reaches a record: terminal statuses never
//! regress, details are filled in once (Antom's ids never change), and reported amounts must
//! match what we know.

use super::outcome::NotApplied;
use crate::invariants::InvariantViolation;
use crate::money::Money;
use crate::order::Order;
use crate::records::{Failure, RecordKind};
use crate::status::{OrderStatus, RecordStatus};

impl Order {
    /// A reported amount must be in the order currency.
    pub(super) fn expect_currency(&self, reported: Money) -> Result<(), NotApplied> {
        if reported.currency() == self.currency() {
            Ok(())
        } else {
            Err(NotApplied::CurrencyMismatch {
                expected: self.currency(),
                reported: reported.currency(),
            })
        }
    }

    /// A reported amount must equal the one we know (currency checked first).
    pub(super) fn expect_amount(&self, expected: Option<Money>, reported: Money) -> Result<(), NotApplied> {
        self.expect_currency(reported)?;
        match expected {
            Some(expected) if expected != reported => Err(NotApplied::AmountMismatch { expected, reported }),
            Some(_) | None => Ok(()),
        }
    }

    pub(super) fn illegal(
        &self,
        event: &'static str,
        allowed: &[OrderStatus],
        reason: &'static str,
    ) -> NotApplied {
        NotApplied::IllegalInState {
            current: self.status(),
            allowed: allowed.to_vec(),
            event,
            reason,
        }
    }
}

pub(super) fn failure(code: &str, message: &str) -> Failure {
    Failure {
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

/// Fills `slot` if it is empty; returns whether it did.
pub(super) fn fill<T: Clone>(slot: &mut Option<T>, value: Option<&T>) -> bool {
    match (slot.as_ref(), value) {
        (None, Some(value)) => {
            *slot = Some(value.clone());
            true
        }
        (Some(_), _) | (None, None) => false,
    }
}

/// Like [`fill`], but Antom's ids identify the record: a different one is refused.
pub(super) fn learn_external_id(
    slot: &mut Option<String>,
    reported: Option<&String>,
    record: RecordKind,
) -> Result<bool, NotApplied> {
    match (slot.as_ref(), reported) {
        (Some(known), Some(reported)) if known != reported => Err(InvariantViolation::ExternalIdChanged {
            record,
            known: known.clone(),
            reported: reported.clone(),
        }
        .into()),
        (Some(_), _) | (None, None) => Ok(false),
        (None, Some(reported)) => {
            *slot = Some(reported.clone());
            Ok(true)
        }
    }
}

/// Moves a record's status to a reported terminal one. `Ok(true)` when it changed, `Ok(false)`
/// when the record already had that status; the opposite terminal status is a conflict.
pub(super) fn settle(
    status: &mut RecordStatus,
    reported: RecordStatus,
    record: RecordKind,
) -> Result<bool, NotApplied> {
    match *status {
        RecordStatus::Processing => {
            *status = reported;
            Ok(true)
        }
        RecordStatus::Success | RecordStatus::Fail if *status == reported => Ok(false),
        RecordStatus::Success | RecordStatus::Fail => Err(NotApplied::ConflictsWithTerminal {
            record,
            current: *status,
            reported,
        }),
    }
}
