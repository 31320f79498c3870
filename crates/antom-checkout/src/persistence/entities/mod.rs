//! sea-orm entities, one file per table of the `migration` crate.
//!
//! These are row shapes, not domain types: the `Store` methods turn them into domain values
//! (and refuse rows that do not parse). No relations are declared; the repositories join by hand
//! where they need to, which keeps each query visible in one place.

pub mod admin_intents;
pub mod admin_tokens;
pub mod buyers;
pub mod cancels;
pub mod captures;
pub mod idempotency_keys;
pub mod inbox;
pub mod order_items;
pub mod orders;
pub mod payments;
pub mod products;
pub mod refunds;
pub mod saved_cards;
pub mod security_events;
pub mod timeline;
pub mod vaultings;
