//! The persistence layer against real databases. Every check runs twice: on a fresh SQLite file
//! in a temporary directory, and on a fresh PostgreSQL database (`TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`; a database `t_<uuid>` is created per test and
//! dropped afterwards). PostgreSQL being unreachable fails the tests: it is never a skip.
//!
//! One module per concern; `harness` makes the databases, `builders` the values.

#[macro_use]
mod harness;
mod builders;

mod admin_tokens;
mod idempotency;
mod inbox;
mod listing;
mod orders;
mod schema;
mod timeline;
mod write_paths;
