//! Antom's merchant server API, spoken correctly and fail-closed.
//!
//! * [`keys`]: RSA keys in every format Antom's SDKs use (PKCS#8 or PKCS#1, PEM or bare base64;
//!   SPKI public keys). Private-key and public-key operations run on `aws-lc-rs` (constant time);
//!   the `rsa` crate only reads key formats and generates development keys.
//! * [`signature`]: the one signing scheme Antom uses for requests, responses and notifications:
//!   `POST {path}\n{client-id}.{time}.{body}`, RSA PKCS#1 v1.5 SHA-256, base64, URL-encoded.
//! * [`model`]: typed requests, responses and notification bodies (camelCase, unknown fields
//!   ignored, enums that keep values they do not know).
//! * [`outcome`]: every call ends as `Success`, `Failed` or `Unknown`, and says whether resending
//!   the same request id is safe.
//! * [`client`]: the HTTP client (reqwest + rustls, pooled), with timeouts and bounded retries that
//!   only ever resend the identical request.
//! * [`notification`]: verifying webhooks and the exact acknowledgement Antom expects.

pub mod client;
pub mod codes;
pub mod currency;
pub mod endpoint;
pub mod keys;
pub mod limits;
pub mod model;
pub mod notification;
pub mod outcome;
pub mod result;
pub mod signature;
pub mod time;
pub mod trace_context;
pub mod web_sdk;

pub use client::{AntomRequest, AntomResponse, Client, ClientConfig, ClientError, RetryPolicy};
pub use endpoint::{sandbox_path, Endpoint};
pub use keys::{KeyError, PrivateKey, PublicKey};
pub use notification::{verify_notification, NotificationError, SignedHeaders, ACK_BODY};
pub use outcome::{Outcome, Resend, UnknownCause};
pub use result::{ResultInfo, ResultStatus};
pub use signature::{Message, SignatureError, SignatureHeader};
