//! Antom's result codes, spelled once (the server and the simulator name them through these
//! constants). Where they come from and what a client does with each: `antom-protocol.md` §5 and
//! the per-endpoint tables of §2.

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        $( $(#[$doc])* pub const $name: &str = stringify!($name); )*
        /// Every code above.
        pub const ALL: &[&str] = &[$($name),*];
    };
}

codes! {
    /// Success (`S`).
    SUCCESS,
    // Authentication and request shape (F, unsigned for the first ones).
    INVALID_SIGNATURE,
    KEY_NOT_FOUND,
    CLIENT_INVALID,
    ACCESS_DENIED,
    NO_INTERFACE_DEF,
    METHOD_NOT_SUPPORTED,
    PARAM_ILLEGAL,
    CURRENCY_NOT_SUPPORT,
    /// The request id was used before with other key fields.
    REPEAT_REQ_INCONSISTENT,
    PROCESS_FAIL,
    // In process (U): wait for the notification or inquire; never resend a refund.
    PAYMENT_IN_PROCESS,
    CAPTURE_IN_PROCESS,
    REFUND_IN_PROCESS,
    VERIFICATION_IN_PROCESS,
    UNKNOWN_EXCEPTION,
    REQUEST_TRAFFIC_EXCEED_LIMIT,
    // Lookups (F).
    ORDER_NOT_EXIST,
    VAULTING_NOT_EXIST,
    AUTH_NOT_FOUND,
    // Payment states (F).
    ORDER_IS_CLOSED,
    ORDER_IS_EXPIRED,
    ORDER_IS_CANCELED,
    ORDER_STATUS_INVALID,
    // Capture, cancel, refund rules (F).
    AUTH_EXPIRED,
    AUTH_CANCELLED,
    CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT,
    MULTI_CAPTURE_NOT_SUPPORTED,
    CANCEL_WINDOW_EXCEED,
    REFUND_AMOUNT_EXCEED,
    REFUND_WINDOW_EXCEED,
    // Card declines and card input (F).
    DO_NOT_HONOR,
    USER_BALANCE_NOT_ENOUGH,
    USER_PAYMENT_VERIFICATION_FAILED,
    RISK_REJECT,
    INVALID_CARD,
    INVALID_CARD_NUMBER,
    INVALID_CVV,
    INVALID_EXPIRATION_DATE,
    INVALID_EXPIRY_DATE_FORMAT,
    CARD_NOT_SUPPORTED,
    VERIFICATION_FAIL,
    // What the Web SDK reports about a session it cannot use.
    SESSION_EXPIRED,
    SESSION_NOT_FOUND,
}

/// The codes of an operation Antom is still working on (`U`): resending is pointless or
/// harmful (a refund resent while in process), so the caller waits or inquires.
pub const IN_PROCESS: [&str; 4] = [
    PAYMENT_IN_PROCESS,
    CAPTURE_IN_PROCESS,
    REFUND_IN_PROCESS,
    VERIFICATION_IN_PROCESS,
];

/// The codes saying Antom has no such payment, refund or vaulting (inquiries).
pub const NOT_FOUND: [&str; 2] = [ORDER_NOT_EXIST, VAULTING_NOT_EXIST];

#[cfg(test)]
mod tests {
    #[test]
    fn every_code_is_its_own_name() {
        assert_eq!(super::ORDER_NOT_EXIST, "ORDER_NOT_EXIST");
        for code in super::ALL {
            assert!(
                code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
                "{code}"
            );
        }
    }
}
