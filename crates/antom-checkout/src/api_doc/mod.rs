//! The API described: an OpenAPI 3.1 document derived from the route handlers' `#[utoipa::path]`
//! annotations and the JSON shapes in `schemas/`, served at `GET /openapi.json` and rendered at
//! `GET /docs/api` (swagger-ui, vendored from npm, served from our own origin).
//!
//! The handlers build their answers with `serde_json`; the shapes here say what those answers
//! are. They cannot drift silently: every response of the API tests is validated against this
//! document, and `docs/openapi.json` must equal what the server serves.

pub mod document;
pub mod schemas;
pub mod serve;
pub mod swagger_ui;

pub use document::{openapi, openapi_json, ApiDoc};
