//! antom-checkout: the merchant checkout backend for Antom card payments.
//!
//! Data flow, by module name: `routes::sessions` → `services::checkout` → `domain::Order` →
//! `persistence::orders` → `antom_client::Client`. Webhooks, inquiries and ops actions all
//! change orders through one locked path, `services::order_sync`.

pub mod api_doc;
pub mod config;
pub mod embedded_simulator;
pub mod keys_store;
pub mod metrics;
pub mod persistence;
pub mod rate_limit;
pub mod request_id;
pub mod response_audit;
pub mod routes;
pub mod sdk_file;
pub mod services;
pub mod simulator_cli;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod tokens;
