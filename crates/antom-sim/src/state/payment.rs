//! A payment: created by createPaymentSession (the buyer pays on the hosted form) or by pay
//! (a vaulted card), then authorized, declined, closed or cancelled.

use antom_client::model::{Amount, CaptureMode, PaymentStatus, Sensitive};
use chrono::{DateTime, Utc};

use super::fingerprint::Fingerprint;
use super::ledger::Settlement;
use super::timers::Timed;
use crate::cards::{CardProfile, Expiry};
use crate::hosted::Scene;

/// Where a payment is in Antom's card state machine (protocol §4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// The session exists; the buyer has not submitted a card. Not a payment yet: inquiry
    /// says ORDER_NOT_EXIST, and when the session expires nothing happens but the buyer can no
    /// longer pay.
    AwaitingCard,
    /// The card asked for 3-D Secure; the challenge page is open: a started, unfinished
    /// payment. Closes (ORDER_IS_CLOSED) at `close_at`.
    AwaitingChallenge,
    /// The buyer is done; the result is decided and lands at `at`.
    Settling {
        at: DateTime<Utc>,
        outcome: Settlement,
    },
    Authorized,
    /// Declined, failed 3-D Secure, or closed unfinished (`ORDER_IS_CLOSED`).
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

    /// Whether Antom knows a payment: not before the buyer's first attempt. A session nobody
    /// tried to pay is not a payment (inquiry: ORDER_NOT_EXIST); a cancelled one is (the cancel
    /// closed the order).
    pub fn is_payment(&self) -> bool {
        match self {
            Stage::AwaitingCard => false,
            Stage::AwaitingChallenge
            | Stage::Settling { .. }
            | Stage::Authorized
            | Stage::Failed { .. }
            | Stage::Cancelled { .. } => true,
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
    /// A started, unfinished payment (3-D Secure open) closes here: 14 min (scaled) after the
    /// attempt started. Set when the card is presented.
    pub close_at: Option<DateTime<Utc>>,
    pub session: Option<BuyerSession>,
    /// `env.terminalType` was `APP`: redirects also come as `applinkUrl`.
    pub app: bool,
    /// The integration createPaymentSession asked for (`productScene`): the hosted page
    /// (`CHECKOUT_PAYMENT`, answered with `normalUrl`), the Payment Element, or the
    /// `AMSCashierPayment` SDK (no scene; also what a `pay` gets, it has no session to show).
    pub scene: Scene,
    /// createPaymentSession's `savedPaymentMethods`: card tokens this simulator issued, in
    /// the merchant's order. Only the Payment Element offers them to the buyer.
    pub saved_cards: Vec<Sensitive>,
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

    /// createPaymentSession asked for Antom's hosted page: its answer carries `normalUrl`.
    pub fn hosted_page(&self) -> bool {
        self.scene == Scene::Checkout
    }

    /// The saved cards the buyer is offered: the session's `savedPaymentMethods`, shown by
    /// the Payment Element only.
    pub fn offered_cards(&self) -> &[Sensitive] {
        if self.scene == Scene::Element {
            &self.saved_cards
        } else {
            &[]
        }
    }
}

impl Timed for Payment {
    /// An open challenge closes at `close_at`; a settling result lands at its time. A session
    /// nobody tried to pay waits for nothing.
    fn deadline(&self) -> Option<DateTime<Utc>> {
        match &self.stage {
            Stage::AwaitingChallenge => self.close_at,
            Stage::Settling { at, .. } => Some(*at),
            Stage::AwaitingCard | Stage::Authorized | Stage::Failed { .. } | Stage::Cancelled { .. } => None,
        }
    }
}
