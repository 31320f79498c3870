//! Integration tests: the real application and its embedded Antom simulator on loopback
//! (port 0), a fresh SQLite file or PostgreSQL database per test, spoken to over HTTP.

mod helpers;

mod contract;

mod abuse;
mod admin;
mod health;
mod integrations;
mod live;
mod metrics;
mod orders;
mod reconciler;
mod refund_webhooks;
mod sdk_hosting;
mod sessions;
mod trace_context;
mod vaulting;
mod webhooks;
mod zero_config;
