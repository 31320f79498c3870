//! Card vaulting: a session (createVaultingSession, the buyer binds a card on the hosted form)
//! or a direct request (vaultPaymentMethod), ending with a card token or a failure.

use antom_client::model::Sensitive;
use chrono::{DateTime, Utc};

use super::fingerprint::Fingerprint;
use super::payment::BuyerSession;
use super::timers::Timed;
use crate::cards::{CardProfile, Expiry};

/// A card on its way into the vault (3-D Secure open, or settling). No card number: the
/// profile is all the issuer needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCard {
    pub profile: CardProfile,
    pub expiry: Expiry,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaultStage {
    /// Session created; no card yet. Fails when the session expires.
    AwaitingCard,
    AwaitingChallenge {
        card: PendingCard,
    },
    /// Answered `VERIFICATION_IN_PROCESS` without any redirect URL (the `noRedirect` fault):
    /// Antom's sign that this vaultingRequestId will not complete. Nothing moves it; it fails
    /// (ORDER_IS_CLOSED) when its session expires.
    Stranded,
    /// Answered `VERIFICATION_IN_PROCESS` (fault injection); vaults at `at`.
    Settling {
        at: DateTime<Utc>,
        card: PendingCard,
    },
    Vaulted {
        token: Sensitive,
    },
    Failed {
        code: String,
        message: String,
    },
}

#[derive(Debug, Clone)]
pub struct Vaulting {
    pub request_id: String,
    pub fingerprint: Fingerprint,
    pub notify_url: String,
    pub redirect_url: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Set for createVaultingSession, and for the 3-D Secure page of vaultPaymentMethod.
    pub session: Option<BuyerSession>,
    /// `env.terminalType` was `APP` (vaultPaymentMethod): redirects also come as `applinkUrl`.
    pub app: bool,
    pub stage: VaultStage,
}

/// A card in the vault, by token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultedCard {
    pub token: Sensitive,
    pub profile: CardProfile,
    pub expiry: Expiry,
}

impl Timed for Vaulting {
    /// A session awaiting the buyer (or stranded) fails when it expires; a settling card is
    /// vaulted at its time.
    fn deadline(&self) -> Option<DateTime<Utc>> {
        match (&self.stage, &self.session) {
            (
                VaultStage::AwaitingCard | VaultStage::AwaitingChallenge { .. } | VaultStage::Stranded,
                Some(session),
            ) => Some(session.expires_at),
            (VaultStage::Settling { at, .. }, _) => Some(*at),
            _ => None,
        }
    }
}
