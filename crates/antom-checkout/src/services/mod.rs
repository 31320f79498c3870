//! One module per flow. Every change to an order goes through [`order_sync`]; every vaulting
//! result through [`vaulting_sync`].

pub mod antom_facts;
pub mod buyer;
pub mod buyer_env;
pub mod buyer_redirect;
pub mod card_crypto;
pub mod card_input;
pub mod checkout;
pub mod error;
pub mod inquiry;
pub mod intents;
pub mod notifications;
pub mod ops;
pub mod ops_gauges;
pub mod order_access;
pub mod order_sync;
pub mod reconciler;
pub mod security_log;
pub mod vaulting;
pub mod vaulting_sync;
