//! The rules that move records: authorize, decline, close, cancel, capture, refund, vault,
//! settle what was left processing. Each function is one step of Antom's state machine on an
//! open [`Tx`]; the notifications a step causes go into the transaction's outbox and are sent
//! after the lock is released (an API answer never waits for a webhook).

pub mod capture;
pub mod payment;
pub mod refund;
mod sweep;
mod three_ds;
mod tx;
pub mod vaulting;

pub use sweep::{next_deadline, sweep};
pub use three_ds::ThreeDs;
pub use tx::{Outgoing, Tx};
