//! How a 3-D Secure challenge gets answered. The caller that presents a card (hosted form,
//! control API, pay or vaultPaymentMethod with a token) decides; the payment and vaulting steps
//! both act on it, so it lives beside them rather than in either.

/// How a 3-D Secure challenge is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreeDs {
    /// The buyer passes it (control API, default).
    Pass,
    /// The buyer fails it.
    Fail,
    /// Show the challenge page and wait for the buyer (hosted form, pay with a token).
    Interactive,
}
