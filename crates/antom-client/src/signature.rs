//! Antom's signature scheme, one implementation for requests, responses and notifications.
//!
//! Content to sign: `{METHOD} {path}\n{client-id}.{time}.{raw body}`; RSA PKCS#1 v1.5 SHA-256;
//! standard base64 with padding; then URL-encoded (`+`, `/`, `=` → `%2B`, `%2F`, `%3D`) as the
//! official SDKs do (Python `quote_plus`, Java `URLEncoder`). The header reads
//! `algorithm=RSA256,keyVersion=1,signature=…`.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::keys::{PrivateKey, PublicKey};

/// One signed message: what Antom's content-to-sign is built from.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// `POST` for everything Antom does.
    pub method: &'a str,
    /// The path as sent (sandbox-rewritten for requests and their responses; the merchant's own
    /// notify path for notifications). No host.
    pub path: &'a str,
    pub client_id: &'a str,
    /// `request-time` for requests and notifications, `response-time` for responses.
    pub time: &'a str,
    /// The exact bytes on the wire.
    pub body: &'a [u8],
}

impl<'a> Message<'a> {
    pub fn post(path: &'a str, client_id: &'a str, time: &'a str, body: &'a [u8]) -> Self {
        Message {
            method: "POST",
            path,
            client_id,
            time,
            body,
        }
    }

    /// `{method} {path}\n{client-id}.{time}.{body}` as bytes (the body is not re-encoded).
    pub fn content_to_sign(&self) -> Vec<u8> {
        let mut content = Vec::with_capacity(
            self.method.len()
                + self.path.len()
                + self.client_id.len()
                + self.time.len()
                + self.body.len()
                + 4,
        );
        content.extend_from_slice(self.method.as_bytes());
        content.push(b' ');
        content.extend_from_slice(self.path.as_bytes());
        content.push(b'\n');
        content.extend_from_slice(self.client_id.as_bytes());
        content.push(b'.');
        content.extend_from_slice(self.time.as_bytes());
        content.push(b'.');
        content.extend_from_slice(self.body);
        content
    }

    /// Signs the message; returns the full `Signature` header value.
    pub fn sign(&self, key: &PrivateKey, key_version: u32) -> String {
        sign_content(&self.content_to_sign(), key, key_version)
    }

    /// Verifies a `signature` header value against the message.
    pub fn verify(&self, key: &PublicKey, header_value: &str) -> Result<(), SignatureError> {
        let header = SignatureHeader::parse(header_value)?;
        if key.verify(&self.content_to_sign(), &header.signature) {
            Ok(())
        } else {
            Err(SignatureError::Mismatch)
        }
    }
}

/// The full `Signature` header value for a content to sign (see [`Message::content_to_sign`]).
pub fn sign_content(content: &[u8], key: &PrivateKey, key_version: u32) -> String {
    SignatureHeader {
        algorithm: ALGORITHM.to_owned(),
        key_version: key_version.to_string(),
        signature: key.sign(content),
    }
    .to_header_value()
}

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is missing")]
    Missing,
    #[error("the signature header has no `signature=` part")]
    NoSignatureValue,
    #[error("the signature algorithm `{0}` is not supported (only RSA256)")]
    UnsupportedAlgorithm(String),
    #[error("the signature is not URL-encoded base64")]
    Malformed,
    #[error("the signature does not match the content")]
    Mismatch,
}

pub const ALGORITHM: &str = "RSA256";

/// A parsed `Signature` header.
#[derive(Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    pub algorithm: String,
    pub key_version: String,
    /// The raw signature bytes.
    pub signature: Vec<u8>,
}

impl fmt::Debug for SignatureHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureHeader")
            .field("algorithm", &self.algorithm)
            .field("key_version", &self.key_version)
            .field("signature_len", &self.signature.len())
            .finish()
    }
}

/// Characters escaped in the signature value: everything but `[A-Za-z0-9]` and `-_.~`
/// (form encoding of base64 touches only `+`, `/` and `=`).
const SIGNATURE_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

impl SignatureHeader {
    /// Parses `algorithm=RSA256,keyVersion=1,signature=…`, tolerating spaces after commas,
    /// any order, upper- or lower-case percent escapes, and keeping a literal `+`
    /// (Java's and Go's decoders would turn it into a space and break the signature).
    pub fn parse(value: &str) -> Result<Self, SignatureError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(SignatureError::Missing);
        }
        let mut algorithm = None;
        let mut key_version = None;
        let mut signature = None;
        // The signature value is always last in practice; SDKs take everything after
        // `signature=`. Split it off first so an unencoded `=` or `,` inside cannot confuse us.
        let (params, sig_value) = match value.find("signature=") {
            Some(at) => (&value[..at], Some(&value[at + "signature=".len()..])),
            None => (value, None),
        };
        for part in params.split(',') {
            let part = part.trim();
            if let Some((k, v)) = part.split_once('=') {
                match k.trim() {
                    "algorithm" => algorithm = Some(v.trim().to_owned()),
                    "keyVersion" => key_version = Some(v.trim().to_owned()),
                    _ => {}
                }
            }
        }
        if let Some(sig) = sig_value {
            // Anything after a comma that follows the signature would be another parameter.
            let sig = sig.split(',').next().unwrap_or_default().trim();
            signature = Some(decode_signature(sig)?);
        }
        let algorithm = algorithm.unwrap_or_else(|| ALGORITHM.to_owned());
        if algorithm != ALGORITHM {
            return Err(SignatureError::UnsupportedAlgorithm(algorithm));
        }
        Ok(SignatureHeader {
            algorithm,
            key_version: key_version.unwrap_or_else(|| "1".to_owned()),
            signature: signature.ok_or(SignatureError::NoSignatureValue)?,
        })
    }

    /// `algorithm=RSA256,keyVersion=1,signature={urlencoded base64}`.
    pub fn to_header_value(&self) -> String {
        format!(
            "algorithm={},keyVersion={},signature={}",
            self.algorithm,
            self.key_version,
            encode_signature(&self.signature)
        )
    }
}

/// base64 (standard alphabet, padded), then URL-encoded.
pub fn encode_signature(signature: &[u8]) -> String {
    utf8_percent_encode(&STANDARD.encode(signature), SIGNATURE_ESCAPES).to_string()
}

/// Percent-decodes (`%2B` or `%2b`), keeps a literal `+`, then base64-decodes.
pub fn decode_signature(value: &str) -> Result<Vec<u8>, SignatureError> {
    let decoded = percent_decode_str(value)
        .decode_utf8()
        .map_err(|_| SignatureError::Malformed)?;
    if decoded.is_empty() {
        return Err(SignatureError::NoSignatureValue);
    }
    STANDARD
        .decode(decoded.trim().as_bytes())
        .map_err(|_| SignatureError::Malformed)
}
