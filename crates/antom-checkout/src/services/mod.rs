//! One module per flow. Every change to an order goes through [`order_sync`].

pub mod antom_facts;
pub mod checkout;
pub mod inquiry;
pub mod notifications;
pub mod ops;
pub mod order_sync;
pub mod reconciler;
