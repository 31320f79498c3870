//! Typed Antom messages: one module per API, plus what they share.
//!
//! Wire rules kept by every type: camelCase field names; unknown fields ignored (Antom adds
//! fields); optional fields are `Option` and omitted when `None`, empty lists omitted; enums
//! keep values they do not know (`Other(String)`, see `string_enum`); booleans read from
//! `true` or `"true"` and written as JSON booleans; amounts are `{currency, value}` strings;
//! card numbers, CVVs and card tokens are wrapped so `Debug` cannot print them.
//!
//! Everything public is re-exported here: `antom_client::model::PayRequest`.

mod string_enum;

mod common;
mod enums;
mod lenient;
mod sensitive;

mod cancel;
mod capture;
mod inquiry_payment;
mod inquiry_refund;
mod notify;
mod pay;
mod payment_session;
mod refund;
mod vaulting;

pub use cancel::*;
pub use capture::*;
pub use common::*;
pub use enums::*;
pub use inquiry_payment::*;
pub use inquiry_refund::*;
pub use notify::*;
pub use pay::*;
pub use payment_session::*;
pub use refund::*;
pub use sensitive::*;
pub use vaulting::*;
