//! Captures and refunds: money movements on an authorized payment.

use antom_client::model::Amount;
use chrono::{DateTime, Utc};

use super::entries::Entry;
use super::timers::Timed;

/// How an asynchronous operation will end when its delay is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    Succeed,
    Fail {
        code: &'static str,
        message: &'static str,
    },
}

/// A capture's or refund's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxStatus {
    /// Answered `*_IN_PROCESS`; becomes `outcome` at `settle_at`.
    Processing {
        settle_at: DateTime<Utc>,
        outcome: Settlement,
    },
    Success {
        at: DateTime<Utc>,
    },
    Failed {
        at: DateTime<Utc>,
        code: String,
        message: String,
    },
}

impl TxStatus {
    pub fn is_success(&self) -> bool {
        matches!(self, TxStatus::Success { .. })
    }

    pub fn is_failed(&self) -> bool {
        matches!(self, TxStatus::Failed { .. })
    }

    /// When it settled, if it has.
    pub fn settled_at(&self) -> Option<DateTime<Utc>> {
        match self {
            TxStatus::Processing { .. } => None,
            TxStatus::Success { at } | TxStatus::Failed { at, .. } => Some(*at),
        }
    }

    /// The deadline of a pending settlement.
    pub fn settle_at(&self) -> Option<DateTime<Utc>> {
        match self {
            TxStatus::Processing { settle_at, .. } => Some(*settle_at),
            TxStatus::Success { .. } | TxStatus::Failed { .. } => None,
        }
    }

    /// A processing operation's delay is over: it becomes its outcome, settled `now`. False
    /// if it had already settled.
    pub fn settle(&mut self, now: DateTime<Utc>) -> bool {
        let TxStatus::Processing { outcome, .. } = *self else {
            return false;
        };
        *self = match outcome {
            Settlement::Succeed => TxStatus::Success { at: now },
            Settlement::Fail { code, message } => TxStatus::Failed {
                at: now,
                code: code.to_owned(),
                message: message.to_owned(),
            },
        };
        true
    }
}

#[derive(Debug, Clone)]
pub struct Capture {
    pub request_id: String,
    pub id: String,
    pub payment_id: String,
    pub amount: Amount,
    pub is_last: bool,
    pub created_at: DateTime<Utc>,
    pub status: TxStatus,
    pub acquirer_reference_no: String,
}

#[derive(Debug, Clone)]
pub struct Refund {
    pub request_id: String,
    pub id: String,
    pub payment_id: String,
    pub amount: Amount,
    pub notify_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub status: TxStatus,
    pub acquirer_reference_no: String,
}

impl Capture {
    /// The amount in minor units (validated at the API boundary).
    pub fn minor(&self) -> i64 {
        self.amount.minor_units().unwrap_or_default()
    }
}

impl Refund {
    /// The amount in minor units (validated at the API boundary).
    pub fn minor(&self) -> i64 {
        self.amount.minor_units().unwrap_or_default()
    }
}

impl Timed for Capture {
    /// A processing capture settles at `settle_at`.
    fn deadline(&self) -> Option<DateTime<Utc>> {
        self.status.settle_at()
    }
}

impl Timed for Refund {
    /// A processing refund settles at `settle_at`.
    fn deadline(&self) -> Option<DateTime<Utc>> {
        self.status.settle_at()
    }
}

impl Entry for Capture {
    fn request_id(&self) -> &str {
        &self.request_id
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn payment_id(&self) -> &str {
        &self.payment_id
    }
}

impl Entry for Refund {
    fn request_id(&self) -> &str {
        &self.request_id
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn payment_id(&self) -> &str {
        &self.payment_id
    }
}
