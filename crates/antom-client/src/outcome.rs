//! How an Antom call ended, and what may be done next.
//!
//! Antom answers business outcomes with HTTP 200 and `result.resultStatus`: `S` success, `F` a
//! definitive failure, `U` unknown or in progress. Transport problems after the request may have
//! left this process (timeouts, resets, non-200 answers, answers whose signature does not hold)
//! are `Unknown` too: the operation may or may not have happened at Antom, so the caller must
//! settle it by resending the identical request or by inquiring, never by guessing. So is an
//! `F` that Antom did not sign: anyone between us and Antom could have written it, and a
//! forged "failed" for an operation that succeeded would make us book money wrongly.

/// Why an outcome is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnknownCause {
    /// Antom answered `resultStatus: U`.
    Antom,
    /// No answer within the timeout.
    Timeout,
    /// The connection failed or broke (the request may have been sent).
    Connection,
    /// An HTTP status other than 200.
    HttpStatus(u16),
    /// The body was not a JSON Antom response.
    MalformedResponse,
    /// A non-error answer without the `signature`/`response-time` headers: not trusted.
    SignatureMissing,
    /// The answer's signature does not verify with Antom's public key: not trusted.
    SignatureInvalid,
    /// `resultStatus: F` without a signature (Antom answers its signature errors so): read,
    /// but never taken as final.
    UnsignedFailure,
}

impl UnknownCause {
    /// Stable code used when Antom gave none.
    pub fn code(&self) -> &'static str {
        match self {
            UnknownCause::Antom => "UNKNOWN_EXCEPTION",
            UnknownCause::Timeout => "TIMEOUT",
            UnknownCause::Connection => "CONNECTION_ERROR",
            UnknownCause::HttpStatus(_) => "HTTP_STATUS",
            UnknownCause::MalformedResponse => "MALFORMED_RESPONSE",
            UnknownCause::SignatureMissing => "RESPONSE_SIGNATURE_MISSING",
            UnknownCause::SignatureInvalid => "RESPONSE_SIGNATURE_INVALID",
            UnknownCause::UnsignedFailure => "UNSIGNED_FAILURE",
        }
    }
}

/// What the caller may do after an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    /// Resending the identical request (same request id, same key fields) is safe and may
    /// settle it: Antom's idempotency guarantees no second action.
    SameRequest,
    /// Do not resend: the operation is under way at Antom (e.g. `REFUND_IN_PROCESS`,
    /// `CAPTURE_IN_PROCESS`, `PAYMENT_IN_PROCESS`). Wait for the notification or inquire.
    InquireInstead,
    /// Final answer: the same request would get the same answer.
    Never,
}

use crate::codes;

/// The outcome of one Antom call.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<T> {
    /// `resultStatus: S`, signature verified.
    Success(T),
    /// `resultStatus: F` in an answer whose signature verified: definitive. (Or the request
    /// could not be sent at all: `REQUEST_NOT_SERIALIZABLE`.)
    Failed {
        code: String,
        message: String,
        response: Option<T>,
    },
    /// `resultStatus: U`, or no trustworthy answer at all (an unsigned `F` included: its `code`
    /// is the one the answer gave, its cause [`UnknownCause::UnsignedFailure`]).
    Unknown {
        code: String,
        message: String,
        cause: UnknownCause,
        response: Option<T>,
    },
}

impl<T> Outcome<T> {
    /// The result code (`SUCCESS` for success).
    pub fn code(&self) -> &str {
        match self {
            Outcome::Success(_) => "SUCCESS",
            Outcome::Failed { code, .. } | Outcome::Unknown { code, .. } => code,
        }
    }

    /// `S`, `F` or `U`, for logs and metrics.
    pub fn status_letter(&self) -> &'static str {
        match self {
            Outcome::Success(_) => "S",
            Outcome::Failed { .. } => "F",
            Outcome::Unknown { .. } => "U",
        }
    }

    pub fn is_success(&self) -> bool {
        matches!(self, Outcome::Success(_))
    }

    /// An `F` saying this request id was already used ([`codes::REPEAT_REQ_INCONSISTENT`]): not
    /// a business failure of the operation, whose first request may have succeeded. Callers
    /// treat it as unknown (inquire) and flag it for a person.
    pub fn is_request_id_reused(&self) -> bool {
        matches!(self, Outcome::Failed { code, .. } if code == codes::REPEAT_REQ_INCONSISTENT)
    }

    /// An `F` saying Antom has no such payment, refund or vaulting (`ORDER_NOT_EXIST`,
    /// `VAULTING_NOT_EXIST`): the request never reached it, or belongs to someone else.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Outcome::Failed { code, .. } if codes::NOT_FOUND.contains(&code.as_str()))
    }

    /// A `U` saying Antom is still working on it (`*_IN_PROCESS`): wait or inquire.
    pub fn is_in_process(&self) -> bool {
        matches!(self, Outcome::Unknown { code, .. } if codes::IN_PROCESS.contains(&code.as_str()))
    }

    /// A `U` with this in-process code (e.g. `PAYMENT_IN_PROCESS` from `pay`: 3-D Secure).
    pub fn is_in_process_with(&self, code: &str) -> bool {
        matches!(self, Outcome::Unknown { code: c, .. } if c == code)
    }

    /// Whether resending the same request id is safe, pointless or harmful.
    pub fn resend(&self) -> Resend {
        match self {
            Outcome::Success(_) | Outcome::Failed { .. } => Resend::Never,
            Outcome::Unknown { code, .. } => {
                if codes::IN_PROCESS.contains(&code.as_str()) {
                    Resend::InquireInstead
                } else {
                    Resend::SameRequest
                }
            }
        }
    }

    /// The parsed response, whatever the outcome, when one was received and trusted.
    pub fn response(&self) -> Option<&T> {
        match self {
            Outcome::Success(r) => Some(r),
            Outcome::Failed { response, .. } | Outcome::Unknown { response, .. } => response.as_ref(),
        }
    }

    pub(crate) fn unknown(cause: UnknownCause, message: impl Into<String>) -> Self {
        Outcome::Unknown {
            code: cause.code().to_owned(),
            message: message.into(),
            cause,
            response: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(code: &str) -> Outcome<()> {
        Outcome::Unknown {
            code: code.into(),
            message: String::new(),
            cause: UnknownCause::Antom,
            response: None,
        }
    }

    #[test]
    fn in_process_codes_must_not_be_resent() {
        assert_eq!(unknown("REFUND_IN_PROCESS").resend(), Resend::InquireInstead);
        assert_eq!(unknown("CAPTURE_IN_PROCESS").resend(), Resend::InquireInstead);
        assert_eq!(unknown("PAYMENT_IN_PROCESS").resend(), Resend::InquireInstead);
        assert_eq!(unknown("UNKNOWN_EXCEPTION").resend(), Resend::SameRequest);
        assert_eq!(
            unknown("REQUEST_TRAFFIC_EXCEED_LIMIT").resend(),
            Resend::SameRequest
        );
        assert_eq!(
            Outcome::<()>::unknown(UnknownCause::Timeout, "t").resend(),
            Resend::SameRequest
        );
        assert_eq!(Outcome::Success(()).resend(), Resend::Never);
        let failed: Outcome<()> = Outcome::Failed {
            code: "PROCESS_FAIL".into(),
            message: String::new(),
            response: None,
        };
        assert_eq!(failed.resend(), Resend::Never);
        assert_eq!(failed.code(), "PROCESS_FAIL");
    }
}
