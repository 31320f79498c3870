//! Antom's merchant API, one module per endpoint, behind one pipeline:
//!
//! 1. route: `/ams/api/v1/...` and `/ams/sandbox/api/v1/...` (`Endpoint::from_path`);
//! 2. authenticate: a missing `client-id` header or one other than the configured client id →
//!    `CLIENT_INVALID`; then verify `signature` over
//!    `POST {path as received}\n{client-id}.{request-time}.{raw body}` with the merchant's
//!    public key: a missing or wrong signature → `INVALID_SIGNATURE`, a `keyVersion` other than
//!    1 → `KEY_NOT_FOUND`. All `F`, HTTP 200 and **unsigned**, as Antom answers them;
//! 3. `request-time` must be one of the SDKs' formats, else `PARAM_ILLEGAL` (signed from here on);
//! 4. parse the body into antom-client's request type (`PARAM_ILLEGAL` on failure);
//! 5. the endpoint's field checks (`PARAM_ILLEGAL`, `CURRENCY_NOT_SUPPORT`), which may read the
//!    merchant's settings (`POST /__sim/merchant`);
//! 6. fault injection (`faults`);
//! 7. the endpoint's handler, one transaction on the state;
//! 8. sign the answer: lowercase `signature`, `response-time`, `client-id` (the request's).
//!
//! Every call lands in the request log, whatever its outcome.

mod cancel;
mod capture;
mod inquire_vaulting;
mod inquiry_payment;
mod inquiry_refund;
mod operation;
mod pay;
mod payment_session;
mod pipeline;
mod refund;
mod replay;
mod vault_payment_method;
mod vaulting_session;

#[cfg(test)]
mod tests;

pub use pipeline::configure;
