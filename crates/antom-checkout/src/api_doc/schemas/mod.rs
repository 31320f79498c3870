//! The JSON shapes of the public contract, as OpenAPI schemas (one file per audience).

pub mod admin;
pub mod buyer;
pub mod common;
pub mod health;
pub mod webhooks;
