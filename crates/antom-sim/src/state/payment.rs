//! A payment: created by createPaymentSession (the buyer pays on the hosted form) or by pay
//! (a vaulted card), then authorized, declined, closed or cancelled.

use antom_client::model::{Amount, CaptureMode, PaymentStatus, Sensitive};
use chrono::{DateTime, Utc};

use super::ledger::Settlement;
use super::timers::Timed;
use super::Fingerprint;
use crate::cards::{CardProfile, Expiry};

/// Where a payment is in Antom's card state machine (protocol §4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// The session exists; the buyer has not submitted a card. Closes at `close_at`.
    AwaitingCard,
    /// The card asked for 3-D Secure; the challenge page is open. Closes at `close_at`.
    AwaitingChallenge,
    /// The buyer is done; the result is decided and lands at `at`.
    Settling {
        at: DateTime<Utc>,
        outcome: Settlement,
    },
    Authorized,
    /// Declined, failed 3-D Secure, or closed unpaid (`ORDER_IS_CLOSED`).
    Failed {
        code: String,
        message: String,
    },
    Cancelled {
        at: DateTime<Utc>,
    },
}

impl Stage {
    /// `paymentStatus` on the wire.
    pub fn status(&self) -> PaymentStatus {
        match self {
            Stage::AwaitingCard | Stage::AwaitingChallenge | Stage::Settling { .. } => {
                PaymentStatus::Processing
            }
            Stage::Authorized => PaymentStatus::Success,
            Stage::Failed { .. } => PaymentStatus::Fail,
            Stage::Cancelled { .. } => PaymentStatus::Cancelled,
        }
    }

    /// Still waiting for the buyer: the close timer applies.
    pub fn awaits_buyer(&self) -> bool {
        match self {
            Stage::AwaitingCard | Stage::AwaitingChallenge => true,
            Stage::Settling { .. } | Stage::Authorized | Stage::Failed { .. } | Stage::Cancelled { .. } => {
                false
            }
        }
    }
}

/// The hosted pages' handle: `paymentSessionId` for sessions, also created for the 3-D Secure
/// page of a `pay`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuyerSession {
    pub id: String,
    /// After this the form refuses the session (the order itself closes at `close_at`).
    pub expires_at: DateTime<Utc>,
}

/// The card a payment was made with. `token` is set when it was a vaulted card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedCard {
    pub profile: CardProfile,
    pub expiry: Expiry,
    pub token: Option<Sensitive>,
}

#[derive(Debug, Clone)]
pub struct Payment {
    pub id: String,
    pub request_id: String,
    /// Key fields of the creating request (endpoint, amount, token).
    pub fingerprint: Fingerprint,
    pub amount: Amount,
    pub redirect_url: String,
    pub notify_url: Option<String>,
    pub capture_mode: CaptureMode,
    pub created_at: DateTime<Utc>,
    /// Unpaid orders close here (14 min scaled after creation).
    pub close_at: DateTime<Utc>,
    pub session: Option<BuyerSession>,
    pub card: Option<UsedCard>,
    pub stage: Stage,
    /// `paymentTime`: when it was authorized.
    pub authorized_at: Option<DateTime<Utc>>,
    /// `authExpiryTime`: no capture after this.
    pub auth_expires_at: Option<DateTime<Utc>>,
    pub acquirer_reference_no: Option<String>,
}

impl Payment {
    /// The amount in minor units (validated at the API boundary).
    pub fn minor(&self) -> i64 {
        self.amount.minor_units().unwrap_or_default()
    }

    pub fn automatic_capture(&self) -> bool {
        self.capture_mode == CaptureMode::Automatic
    }
}

impl Timed for Payment {
    /// An order awaiting the buyer closes at `close_at`; a settling result lands at its time.
    fn deadline(&self) -> Option<DateTime<Utc>> {
        match &self.stage {
            stage if stage.awaits_buyer() => Some(self.close_at),
            Stage::Settling { at, .. } => Some(*at),
            _ => None,
        }
    }
}
