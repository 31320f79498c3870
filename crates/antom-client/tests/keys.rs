//! Keys in every accepted format, and clear refusals of malformed ones.

use antom_client::{KeyError, Message, PrivateKey, PublicKey};
use serde_json::Value;

fn test_keys() -> Value {
    let path = format!("{}/tests/fixtures/test-keys.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn pem(label: &str, b64: &str) -> String {
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn pem_body(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

#[test]
fn private_keys_parse_in_every_accepted_format_and_agree() {
    let k = test_keys();
    let pkcs8_b64 = k["merchant"]["private_key_pkcs8_base64"].as_str().unwrap();
    let pkcs1_pem = k["merchant"]["private_key_pkcs1_pem"].as_str().unwrap();
    let spki_b64 = k["merchant"]["public_key_spki_base64"].as_str().unwrap();
    let public = PublicKey::parse(spki_b64).unwrap();

    let forms = [
        pkcs8_b64.to_owned(),              // bare base64 PKCS#8 (Java, Go, .NET)
        pem("PRIVATE KEY", pkcs8_b64),     // PEM PKCS#8
        pkcs1_pem.to_owned(),              // PEM PKCS#1 (Python, PHP)
        pem_body(pkcs1_pem),               // bare base64 PKCS#1
        pem("RSA PRIVATE KEY", pkcs8_b64), // PKCS#8 body under the PKCS#1 label (old docs)
        pkcs1_pem.replace('\n', "\\n"),    // one-line .env form with literal \n
        format!("  {}\n", pkcs8_b64),      // stray whitespace
    ];
    let message = Message::post("/ams/api/v1/payments/pay", "CLIENT", "1700000000000", b"{}");
    let reference = message.sign(&PrivateKey::parse(&forms[0]).unwrap(), 1);
    for (i, form) in forms.iter().enumerate() {
        let key = PrivateKey::parse(form).unwrap_or_else(|e| panic!("form {i}: {e}"));
        assert_eq!(key.public_key(), public, "form {i}");
        assert_eq!(message.sign(&key, 1), reference, "form {i}");
    }
}

#[test]
fn public_keys_parse_as_spki_pem_or_base64() {
    let k = test_keys();
    let spki_b64 = k["antom"]["public_key_spki_base64"].as_str().unwrap();
    let a = PublicKey::parse(spki_b64).unwrap();
    let b = PublicKey::parse(&pem("PUBLIC KEY", spki_b64)).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.to_spki_base64(), spki_b64);
}

#[test]
fn malformed_keys_are_refused_with_an_error_that_names_the_problem() {
    let k = test_keys();
    let pkcs8_b64 = k["merchant"]["private_key_pkcs8_base64"].as_str().unwrap();
    let spki_b64 = k["merchant"]["public_key_spki_base64"].as_str().unwrap();

    type Case = (&'static str, String, fn(&KeyError) -> bool);
    let cases: Vec<Case> = vec![
        ("empty", "   ".into(), |e| matches!(e, KeyError::Empty { .. })),
        ("not base64", "this is not a key!".into(), |e| {
            matches!(e, KeyError::NotBase64 { .. })
        }),
        ("public key as private", spki_b64.into(), |e| {
            matches!(e, KeyError::PublicKeyGiven { .. })
        }),
        ("public PEM as private", pem("PUBLIC KEY", spki_b64), |e| {
            matches!(e, KeyError::PublicKeyGiven { .. })
        }),
        ("truncated DER", pkcs8_b64[..400].to_owned(), |e| {
            matches!(
                e,
                KeyError::NotRsaKey { .. } | KeyError::NotBase64 { .. } | KeyError::Rejected { .. }
            )
        }),
        ("random DER", "MIIBCgKCAQEAq83j".into(), |e| {
            matches!(e, KeyError::NotRsaKey { .. } | KeyError::NotBase64 { .. })
        }),
        (
            "unterminated PEM",
            format!("-----BEGIN PRIVATE KEY-----\n{pkcs8_b64}\n"),
            |e| matches!(e, KeyError::UnterminatedPem { .. }),
        ),
        ("certificate label", pem("CERTIFICATE", pkcs8_b64), |e| {
            matches!(e, KeyError::NotRsaKey { .. })
        }),
    ];
    for (name, input, expected) in cases {
        let err = PrivateKey::parse(&input).expect_err(name);
        assert!(expected(&err), "{name}: unexpected error {err:?}");
        let text = err.to_string();
        assert!(
            !text.contains(&pkcs8_b64[40..80]),
            "{name}: error leaks key material"
        );
        assert!(text.contains("key"), "{name}: error says what was wrong: {text}");
    }

    let err = PublicKey::parse(pkcs8_b64).unwrap_err();
    assert!(matches!(err, KeyError::PrivateKeyGiven { .. }), "{err:?}");
    let err = PublicKey::parse(&pem("PRIVATE KEY", pkcs8_b64)).unwrap_err();
    assert!(matches!(err, KeyError::PrivateKeyGiven { .. }), "{err:?}");
    assert!(matches!(
        PublicKey::parse("").unwrap_err(),
        KeyError::Empty { .. }
    ));
    assert!(matches!(
        PublicKey::parse("AAAA").unwrap_err(),
        KeyError::NotRsaKey { .. }
    ));
}

#[test]
fn debug_output_never_contains_key_material() {
    let k = test_keys();
    let pkcs8_b64 = k["merchant"]["private_key_pkcs8_base64"].as_str().unwrap();
    let key = PrivateKey::parse(pkcs8_b64).unwrap();
    let shown = format!("{key:?} {:?}", key.public_key());
    assert_eq!(shown, "PrivateKey(RSA-2048, redacted) PublicKey(RSA)");
}

#[test]
fn generated_keys_round_trip() {
    let (private, public) = PrivateKey::generate_base64().unwrap();
    let key = PrivateKey::parse(&private).unwrap();
    let public = PublicKey::parse(&public).unwrap();
    assert_eq!(key.public_key(), public);
    let message = Message::post("/p", "c", "1", b"body");
    message.verify(&public, &message.sign(&key, 1)).unwrap();
}

#[test]
fn a_well_formed_private_key_that_is_too_small_is_rejected_as_too_small() {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::pkcs8::EncodePrivateKey;
    let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 1024).unwrap();
    let forms = [
        ("PKCS#8", key.to_pkcs8_der().unwrap().as_bytes().to_vec()),
        ("PKCS#1", key.to_pkcs1_der().unwrap().as_bytes().to_vec()),
    ];
    for (name, der) in forms {
        let err = PrivateKey::from_der(&der).unwrap_err();
        assert_eq!(
            err,
            KeyError::Rejected {
                what: "merchant private key",
                reason: "TooSmall".into()
            },
            "{name}"
        );
    }
}
