//! Orders: `insert`, `lookup` (load, find by any request id), `lock` (change under a row
//! lock), `list`, and the `projections` every save rewrites. `stored` is the order as stored.
//!
//! The `orders.snapshot` column holds the whole [`Order`](domain::Order); loading parses it (which re-checks the
//! domain invariants) and refuses a snapshot that does not parse or names another order. Every
//! save also rewrites the projections (`projections.rs`). This file only declares and re-exports.

mod insert;
mod list;
mod lock;
mod lookup;
mod projections;
mod stored;

pub use insert::NewOrder;
pub use list::{InvalidCursor, OrderCursor, OrderFilter, OrderPage};
pub use lock::LockedOrder;
pub(super) use stored::stored_id;
pub use stored::StoredOrder;
