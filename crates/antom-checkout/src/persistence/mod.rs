//! Persistence: sea-orm on SQLite or PostgreSQL, the same code and the same behaviour on both.
//!
//! The domain [`Order`](domain::Order) is the source of truth and is stored whole, as a JSON
//! snapshot that is validated again on every load. The `payments`, `captures`, `refunds`,
//! `cancels` and `order_items` tables are projections rewritten from the snapshot on every save:
//! they carry the unique constraints that are the last line of defence against reusing a request
//! id, and the columns ops queries need.
//!
//! Concurrency is the database's job. [`Store::lock_order`] opens a transaction whose *first*
//! statement is a write (`UPDATE orders SET version = version + 1`): on PostgreSQL that takes the
//! row lock until commit; on SQLite it takes the database write lock at once, so two writers never
//! both hold a read snapshot and deadlock while upgrading. Every other transaction here also
//! starts with a write, for the same reason.
//!
//! Times are written truncated to microseconds (PostgreSQL's precision) so that a value reads back
//! equal on both databases, and on SQLite (where they are RFC 3339 text) compare in time order.
//!
//! The writes of a transaction are sent as one statement (`batch`): one round trip, or one
//! hand-off to SQLite's single writer, instead of one per row.
//!
//! Files: `store` (the handle: connect, migrate, ready), `time`, `entities/` (one per table),
//! `batch`, `write_tx` (transactions fused with their statements on SQLite), `sqlite_writer` (the
//! SQLite writer driven in SQL text), `write_lane`
//! (the thread those run on), `group_commit` (inbox rows arriving together, one commit), `catalog`, `orders` (insert, load, lock, list, projections), `timeline`, `inbox`,
//! `idempotency`, `intents`, `claims`, `security_events`, `admin_tokens`, and for saved cards
//! `buyers`, `cards`, `vaultings`. This file only declares and re-exports them.

pub mod entities;

mod admin_tokens;
mod batch;
mod buyers;
mod cards;
mod catalog;
mod claims;
mod error;
mod group_commit;
mod idempotency;
mod inbox;
mod intents;
mod ops_gauges;
mod orders;
mod security_events;
mod sqlite_writer;
mod store;
mod time;
mod timeline;
mod vaultings;
mod write_lane;
mod write_tx;

pub use admin_tokens::{AdminToken, NewAdminToken};
pub use cards::{NewCard, SavedCard};
pub use catalog::Product;
pub use error::StoreError;
pub use idempotency::{IdempotencyBegin, IN_PROGRESS_TIMEOUT, KEY_TTL};
pub use inbox::{InboxDelivery, InboxEntry, InboxOutcome, InboxRecord};
pub use intents::Intent;
pub use ops_gauges::{OpsSnapshot, AGE_BUCKETS};
pub use orders::{InvalidCursor, LockedOrder, NewOrder, OrderCursor, OrderFilter, OrderPage, StoredOrder};
pub use security_events::{NewSecurityEvent, SecurityEvent, SecurityEventKind};
pub use store::Store;
pub use timeline::TimelineEntry;
pub use vaultings::{LockedVaulting, NewVaulting, StoredVaulting, VaultingUpdate};
