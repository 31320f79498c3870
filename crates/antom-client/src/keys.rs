//! RSA keys in every format Antom's SDKs and dashboard use.
//!
//! Merchant private keys arrive as PKCS#8 (Java, Go, .NET) or PKCS#1 (Python, PHP), either as PEM
//! (any of the usual labels) or as bare base64 DER; Antom's public key is SubjectPublicKeyInfo.
//! Parsing is strict about the key and tolerant about packaging (whitespace, `\n` escapes from
//! environment files). Signing and verification run on `aws-lc-rs` (AWS-LC), whose RSA private-key
//! operation is constant time (the `rsa` crate's is not: RUSTSEC-2023-0071) and, on CPUs with
//! AVX-512 IFMA, about 1.8 times faster than `ring`'s and over ten times faster than the `rsa`
//! crate's (`cargo bench -p antom-client`). The `rsa` crate only reads and writes public-key
//! formats and generates development keys.
//! Nothing in this module ever prints key material: `Debug` shows the key size only, and errors
//! name what was wrong, never the input.

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::error::KeyRejected;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    KeyPair, RsaKeyPair, UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rsa::pkcs1::{DecodeRsaPublicKey, EncodeRsaPublicKey};
use rsa::pkcs8::{DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;

/// Why a key could not be read. Never contains the key itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the {what} is empty")]
    Empty { what: &'static str },
    #[error("the {what} is not valid base64 (after removing any PEM armour): {detail}")]
    NotBase64 { what: &'static str, detail: String },
    #[error("the {what} has a PEM label `{label}` that does not hold this kind of key")]
    UnexpectedPemLabel { what: &'static str, label: String },
    #[error("the {what} has a PEM BEGIN line without a matching END line")]
    UnterminatedPem { what: &'static str },
    #[error("a public key was given where the {what} (a private key) was expected")]
    PublicKeyGiven { what: &'static str },
    #[error("a private key was given where the {what} (a public key) was expected")]
    PrivateKeyGiven { what: &'static str },
    #[error("the {what} is not an RSA key in {expected} DER")]
    NotRsaKey {
        what: &'static str,
        expected: &'static str,
    },
    #[error("the {what} was rejected: {reason}")]
    Rejected { what: &'static str, reason: String },
    #[error("could not generate a key: {0}")]
    Generation(String),
}

const PRIVATE: &str = "merchant private key";
const PUBLIC: &str = "public key";

/// An RSA private key, ready to sign (PKCS#1 v1.5, SHA-256).
#[derive(Clone)]
pub struct PrivateKey {
    pair: Arc<RsaKeyPair>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PrivateKey(RSA-{}, redacted)",
            self.pair.public_modulus_len() * 8
        )
    }
}

impl PrivateKey {
    /// Reads PKCS#8 or PKCS#1, as PEM or bare base64 DER.
    pub fn parse(input: &str) -> Result<Self, KeyError> {
        let der = decode_armoured(
            input,
            PRIVATE,
            &["PRIVATE KEY", "RSA PRIVATE KEY"],
            &["PUBLIC KEY", "RSA PUBLIC KEY"],
        )
        .map_err(|e| match e {
            KeyError::UnexpectedPemLabel { .. } => KeyError::PublicKeyGiven { what: PRIVATE },
            other => other,
        })?;
        Self::from_der(&der)
    }

    /// Reads PKCS#8 or PKCS#1 DER.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        let pkcs8 = RsaKeyPair::from_pkcs8(der);
        let pair = match pkcs8 {
            Ok(pair) => pair,
            Err(pkcs8_err) => match RsaKeyPair::from_der(der) {
                Ok(pair) => pair,
                Err(pkcs1_err) => {
                    if looks_like_public_key(der) {
                        return Err(KeyError::PublicKeyGiven { what: PRIVATE });
                    }
                    // Neither parser read a key: not an RSA private key at all.
                    if !read_a_key(&pkcs8_err) && !read_a_key(&pkcs1_err) {
                        return Err(KeyError::NotRsaKey {
                            what: PRIVATE,
                            expected: "PKCS#8 or PKCS#1",
                        });
                    }
                    // One of them read a key but refuses it (e.g. too small).
                    let reason = if read_a_key(&pkcs8_err) {
                        pkcs8_err.to_string()
                    } else {
                        pkcs1_err.to_string()
                    };
                    return Err(KeyError::Rejected {
                        what: PRIVATE,
                        reason,
                    });
                }
            },
        };
        Ok(PrivateKey { pair: Arc::new(pair) })
    }

    /// Signs `content` with RSASSA-PKCS1-v1_5 over SHA-256 (Antom's "RSA256"). Deterministic.
    pub fn sign(&self, content: &[u8]) -> Vec<u8> {
        let mut signature = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), content, &mut signature)
            .expect("PKCS#1 v1.5 signing with a valid key and a right-sized buffer cannot fail");
        signature
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            pkcs1_der: Arc::from(self.pair.public_key().as_ref()),
        }
    }

    /// Generates a fresh RSA-2048 key pair for development: (PKCS#8 private, SPKI public), both
    /// base64 DER. Slow (a second or so): never on a request path.
    pub fn generate_base64() -> Result<(String, String), KeyError> {
        let mut rng = rand::rngs::OsRng;
        let key = rsa::RsaPrivateKey::new(&mut rng, 2048).map_err(|e| KeyError::Generation(e.to_string()))?;
        let private = key
            .to_pkcs8_der()
            .map_err(|e| KeyError::Generation(e.to_string()))?;
        let public = key
            .to_public_key()
            .to_public_key_der()
            .map_err(|e| KeyError::Generation(e.to_string()))?;
        Ok((
            STANDARD.encode(private.as_bytes()),
            STANDARD.encode(public.as_bytes()),
        ))
    }
}

/// An RSA public key, ready to verify Antom signatures.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// RSAPublicKey (PKCS#1) DER, the form `UnparsedPublicKey` verifies with.
    pkcs1_der: Arc<[u8]>,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PublicKey(RSA)")
    }
}

impl PublicKey {
    /// Reads SubjectPublicKeyInfo (or PKCS#1 RSAPublicKey), as PEM or bare base64 DER.
    pub fn parse(input: &str) -> Result<Self, KeyError> {
        let der = decode_armoured(
            input,
            PUBLIC,
            &["PUBLIC KEY", "RSA PUBLIC KEY"],
            &["PRIVATE KEY", "RSA PRIVATE KEY"],
        )
        .map_err(|e| match e {
            KeyError::UnexpectedPemLabel { .. } => KeyError::PrivateKeyGiven { what: PUBLIC },
            other => other,
        })?;
        Self::from_der(&der)
    }

    /// Reads SPKI or PKCS#1 public key DER.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        let key = rsa::RsaPublicKey::from_public_key_der(der)
            .or_else(|_| rsa::RsaPublicKey::from_pkcs1_der(der))
            .map_err(|_| {
                if RsaKeyPair::from_pkcs8(der).is_ok() || RsaKeyPair::from_der(der).is_ok() {
                    KeyError::PrivateKeyGiven { what: PUBLIC }
                } else {
                    KeyError::NotRsaKey {
                        what: PUBLIC,
                        expected: "SubjectPublicKeyInfo",
                    }
                }
            })?;
        if key.size() < 256 {
            return Err(KeyError::Rejected {
                what: PUBLIC,
                reason: format!("RSA-{} is too small; Antom keys are RSA-2048", key.size() * 8),
            });
        }
        let pkcs1 = key.to_pkcs1_der().map_err(|e| KeyError::Rejected {
            what: PUBLIC,
            reason: e.to_string(),
        })?;
        Ok(PublicKey {
            pkcs1_der: Arc::from(pkcs1.as_bytes()),
        })
    }

    /// SubjectPublicKeyInfo DER, base64: the form the contract's environment variables use.
    pub fn to_spki_base64(&self) -> String {
        let key = rsa::RsaPublicKey::from_pkcs1_der(&self.pkcs1_der)
            .expect("the stored key was validated when parsed");
        let der = key.to_public_key_der().expect("encoding a valid key cannot fail");
        STANDARD.encode(der.as_bytes())
    }

    /// Checks an RSASSA-PKCS1-v1_5 SHA-256 signature over `content`.
    pub fn verify(&self, content: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &self.pkcs1_der[..])
            .verify(content, signature)
            .is_ok()
    }
}

/// Whether a private-key parser got as far as a key before refusing it. `aws-lc-rs` reports
/// bytes that are not the structure at all as `InvalidEncoding` (PKCS#8) or `UnexpectedError`
/// (PKCS#1 `RSAPrivateKey`); AWS-LC's parsers also check the key, so inconsistent components
/// fail the same way. Anything else (`TooSmall`, `TooLarge`, `WrongAlgorithm`, …) is a key it
/// read and will not use.
fn read_a_key(err: &KeyRejected) -> bool {
    !matches!(err.description_(), "InvalidEncoding" | "UnexpectedError")
}

fn looks_like_public_key(der: &[u8]) -> bool {
    rsa::RsaPublicKey::from_public_key_der(der).is_ok() || rsa::RsaPublicKey::from_pkcs1_der(der).is_ok()
}

/// Strips PEM armour when present (checking the label) and decodes the base64 body.
/// Accepts literal `\n` sequences, which is how multi-line keys usually survive `.env` files.
fn decode_armoured(
    input: &str,
    what: &'static str,
    accepted_labels: &[&str],
    opposite_labels: &[&str],
) -> Result<Vec<u8>, KeyError> {
    let text = input.replace("\\n", "\n");
    let text = text.trim();
    if text.is_empty() {
        return Err(KeyError::Empty { what });
    }
    let body: String = if let Some(begin) = text.find("-----BEGIN ") {
        let after = &text[begin + "-----BEGIN ".len()..];
        let label_end = after.find("-----").ok_or(KeyError::UnterminatedPem { what })?;
        let label = after[..label_end].trim().to_owned();
        if opposite_labels.contains(&label.as_str()) {
            return Err(KeyError::UnexpectedPemLabel { what, label });
        }
        if !accepted_labels.contains(&label.as_str()) {
            return Err(KeyError::NotRsaKey {
                what,
                expected: "a PEM block of a supported type",
            });
        }
        let rest = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let end = rest.find(&end_marker).ok_or(KeyError::UnterminatedPem { what })?;
        rest[..end]
            .lines()
            // RFC 1421 headers such as `Proc-Type:` are not base64.
            .filter(|line| !line.contains(':'))
            .collect()
    } else {
        text.to_owned()
    };
    let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return Err(KeyError::Empty { what });
    }
    STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| KeyError::NotBase64 {
            what,
            detail: e.to_string(),
        })
}
