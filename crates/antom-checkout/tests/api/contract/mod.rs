//! The OpenAPI document against the server: the committed copy is what the server serves, every
//! route the server registers is documented (and nothing else), every operation is driven over
//! real HTTP with each answer validated, and a renamed field is caught. Every other API test's
//! responses are validated too (`helpers::TestApp` installs [`validator::SpecAudit`]).

pub mod validator;

mod coverage;
mod document;

pub use coverage::admin_token;
