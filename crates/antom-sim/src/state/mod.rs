//! The simulator's memory: everything Antom would keep about this merchant.
//!
//! One `State` behind one `Mutex` (see `Sim::with_state`): every API call, buyer action and timer
//! is a short synchronous transaction on it, never holding the lock across an `.await`. Records
//! are plain data; the rules that move them live in `lifecycle`. Payments, vaultings, captures
//! and refunds are inserted and changed only through `State` (`insert_*`, `push_*`, `update_*`),
//! which keeps the timer index (`timers`) in step with them.

mod bodies;
mod entries;
mod fingerprint;
mod ledger;
mod log;
mod payment;
mod rejection;
mod store;
mod timers;
mod vaulting;

pub use bodies::sha256_hex;
pub use fingerprint::{fingerprint, Fingerprint};
pub use ledger::{Capture, Refund, Settlement, TxStatus};
pub use log::RequestRecord;
pub use payment::{BuyerSession, Payment, Stage, UsedCard};
pub use rejection::Scope;
pub use store::{SessionTarget, State};
pub use timers::Timer;
pub use vaulting::{PendingCard, VaultStage, VaultedCard, Vaulting};
