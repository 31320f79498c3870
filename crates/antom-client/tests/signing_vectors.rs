//! Every vector made with Antom's official Python SDK is reproduced byte for byte, and verifies.

use antom_client::signature::{decode_signature, encode_signature};
use antom_client::{Message, PrivateKey, PublicKey, SignatureHeader};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("fixture field {key}"))
}

struct Keys {
    merchant: PrivateKey,
    merchant_public: PublicKey,
    antom: PrivateKey,
    antom_public: PublicKey,
}

fn test_keys() -> Keys {
    let k = fixture("test-keys.json");
    Keys {
        merchant: PrivateKey::parse(s(&k["merchant"], "private_key_pkcs8_base64")).unwrap(),
        merchant_public: PublicKey::parse(s(&k["merchant"], "public_key_spki_base64")).unwrap(),
        antom: PrivateKey::parse(s(&k["antom"], "private_key_pkcs8_base64")).unwrap(),
        antom_public: PublicKey::parse(s(&k["antom"], "public_key_spki_base64")).unwrap(),
    }
}

#[test]
fn signature_vectors_are_reproduced_byte_for_byte() {
    let keys = test_keys();
    let vectors = fixture("signature-vectors.json");
    let vectors = vectors["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 6, "all vectors are exercised");
    for v in vectors {
        let (signer, verifier) = match s(v, "signed_by") {
            "merchant" => (&keys.merchant, &keys.merchant_public),
            "antom" => (&keys.antom, &keys.antom_public),
            other => panic!("unknown signer {other}"),
        };
        let message = Message {
            method: s(v, "method"),
            path: s(v, "path"),
            client_id: s(v, "client_id"),
            time: s(v, "time"),
            body: s(v, "body").as_bytes(),
        };
        let content = message.content_to_sign();
        assert_eq!(
            content,
            s(v, "content_to_sign").as_bytes(),
            "content for {}",
            s(v, "path")
        );
        let header = message.sign(signer, 1);
        assert_eq!(header, s(v, "signature_header"), "header for {}", s(v, "path"));
        assert_eq!(
            encode_signature(&signer.sign(&content)),
            s(v, "signature_urlencoded")
        );
        message.verify(verifier, s(v, "signature_header")).unwrap();
        // The other party's key must not verify it.
        let wrong = if std::ptr::eq(verifier, &keys.merchant_public) {
            &keys.antom_public
        } else {
            &keys.merchant_public
        };
        assert!(message.verify(wrong, s(v, "signature_header")).is_err());
    }
}

#[test]
fn pkcs8_vector_signs_requests_and_verifies_responses() {
    let v = fixture("sign-vector-pkcs8.json");
    let pkcs8 = PrivateKey::parse(s(&v, "private_key_pkcs8_base64")).unwrap();
    let pkcs1 = PrivateKey::parse(s(&v, "private_key_pkcs1_base64")).unwrap();
    let public = PublicKey::parse(s(&v, "public_key_spki_base64")).unwrap();
    assert_eq!(pkcs8.public_key(), public);
    assert_eq!(pkcs1.public_key(), public);

    let r = &v["request"];
    let request = Message {
        method: s(r, "http_method"),
        path: s(r, "path"),
        client_id: s(r, "client_id"),
        time: s(r, "request_time"),
        body: s(r, "body").as_bytes(),
    };
    assert_eq!(request.content_to_sign(), s(r, "content_to_sign").as_bytes());
    // PKCS#1 v1.5 is deterministic: both encodings of the key give the SDK's bytes.
    assert_eq!(request.sign(&pkcs8, 1), s(r, "signature_header"));
    assert_eq!(request.sign(&pkcs1, 1), s(r, "signature_header"));
    request.verify(&public, s(r, "signature_header")).unwrap();

    let resp = &v["response"];
    let response = Message::post(
        s(resp, "path"),
        s(resp, "client_id"),
        s(resp, "response_time"),
        s(resp, "body").as_bytes(),
    );
    assert_eq!(response.content_to_sign(), s(resp, "content_to_sign").as_bytes());
    assert_eq!(response.sign(&pkcs8, 1), s(resp, "signature_header"));
    response.verify(&public, s(resp, "signature_header")).unwrap();
}

#[test]
fn header_parsing_is_tolerant_where_antom_and_sdks_differ() {
    let keys = test_keys();
    let vectors = fixture("signature-vectors.json");
    let v = &vectors["vectors"][0];
    let message = Message::post(
        s(v, "path"),
        s(v, "client_id"),
        s(v, "time"),
        s(v, "body").as_bytes(),
    );
    let encoded = s(v, "signature_urlencoded");
    let raw_b64 = String::from_utf8(percent_decode(encoded)).unwrap();
    assert!(raw_b64.contains('+'), "the vector exercises a literal plus");

    let variants = [
        format!("algorithm=RSA256, keyVersion=1, signature={encoded}"),
        format!(
            "algorithm=RSA256,keyVersion=1,signature={}",
            encoded.to_lowercase_escapes()
        ),
        // Unencoded base64 with a literal `+` must survive (no `+` → space).
        format!("algorithm=RSA256,keyVersion=1,signature={raw_b64}"),
        format!("signature={encoded},algorithm=RSA256,keyVersion=1"),
        format!("keyVersion=2,algorithm=RSA256,signature={encoded}"),
    ];
    for header in &variants {
        message
            .verify(&keys.merchant_public, header)
            .unwrap_or_else(|e| panic!("{header}: {e}"));
    }
    assert_eq!(SignatureHeader::parse(&variants[4]).unwrap().key_version, "2");

    for bad in [
        String::new(),
        "algorithm=RSA256,keyVersion=1".to_owned(),
        format!("algorithm=RSA512,keyVersion=1,signature={encoded}"),
        "algorithm=RSA256,keyVersion=1,signature=%%%".to_owned(),
        "algorithm=RSA256,keyVersion=1,signature=".to_owned(),
    ] {
        assert!(
            message.verify(&keys.merchant_public, &bad).is_err(),
            "{bad:?} must be refused"
        );
    }
    // Base64 of a valid signature over different content: mismatch.
    let other = Message::post("/other", s(v, "client_id"), s(v, "time"), b"{}").sign(&keys.merchant, 1);
    assert!(message.verify(&keys.merchant_public, &other).is_err());
    assert_eq!(decode_signature(encoded).unwrap().len(), 256);
}

fn percent_decode(s: &str) -> Vec<u8> {
    percent_encoding::percent_decode_str(s).collect()
}

trait LowercaseEscapes {
    fn to_lowercase_escapes(&self) -> String;
}

impl LowercaseEscapes for str {
    fn to_lowercase_escapes(&self) -> String {
        let mut out = String::new();
        let mut chars = self.chars().peekable();
        while let Some(c) = chars.next() {
            out.push(c);
            if c == '%' {
                for _ in 0..2 {
                    if let Some(h) = chars.next() {
                        out.push(h.to_ascii_lowercase());
                    }
                }
            }
        }
        out
    }
}
