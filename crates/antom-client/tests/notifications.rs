//! Webhook verification over the merchant's own path, client id, request time and raw body.

use antom_client::{verify_notification, Message, NotificationError, PrivateKey, SignedHeaders};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_sdk_notification_vector_verifies_and_every_alteration_is_refused() {
    let keys = fixture("test-keys.json");
    let antom = PrivateKey::parse(keys["antom"]["private_key_pkcs8_base64"].as_str().unwrap()).unwrap();
    let merchant = PrivateKey::parse(keys["merchant"]["private_key_pkcs8_base64"].as_str().unwrap()).unwrap();
    let vectors = fixture("signature-vectors.json");
    let v = vectors["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["signed_by"] == "antom")
        .expect("a notification vector");
    let path = v["path"].as_str().unwrap();
    let client_id = v["client_id"].as_str().unwrap();
    let time = v["time"].as_str().unwrap();
    let body = v["body"].as_str().unwrap().as_bytes();
    let signature = v["signature_header"].as_str().unwrap();
    let key = antom.public_key();
    let headers = SignedHeaders {
        client_id: Some(client_id),
        time: Some(time),
        signature: Some(signature),
    };

    verify_notification(&key, path, client_id, headers, body).unwrap();

    // Tampered body, other path, other time.
    let mut tampered = body.to_vec();
    tampered[10] ^= 1;
    assert!(verify_notification(&key, path, client_id, headers, &tampered).is_err());
    assert!(verify_notification(&key, "/webhooks/other", client_id, headers, body).is_err());
    let other_time = SignedHeaders {
        time: Some("2024-01-01T12:01:03+08:00"),
        ..headers
    };
    assert!(verify_notification(&key, path, client_id, other_time, body).is_err());
    // A client id other than ours.
    let foreign = SignedHeaders {
        client_id: Some("SANDBOX_SOMEONE_ELSE"),
        ..headers
    };
    assert!(matches!(
        verify_notification(&key, path, client_id, foreign, body),
        Err(NotificationError::ForeignClient { .. })
    ));
    // Missing headers.
    for missing in [
        SignedHeaders {
            signature: None,
            ..headers
        },
        SignedHeaders {
            client_id: None,
            ..headers
        },
        SignedHeaders {
            time: None,
            ..headers
        },
    ] {
        assert!(matches!(
            verify_notification(&key, path, client_id, missing, body),
            Err(NotificationError::MissingHeader(_))
        ));
    }
    // Signed by the merchant's key instead of Antom's.
    let forged = Message::post(path, client_id, time, body).sign(&merchant, 1);
    let forged = SignedHeaders {
        signature: Some(&forged),
        ..headers
    };
    assert!(verify_notification(&key, path, client_id, forged, body).is_err());
}

#[test]
fn headers_are_read_case_insensitively() {
    let raw = [("Client-Id", "c"), ("REQUEST-TIME", "t"), ("Signature", "s")];
    let headers = SignedHeaders::notification(|name| {
        raw.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    });
    assert_eq!(
        (headers.client_id, headers.time, headers.signature),
        (Some("c"), Some("t"), Some("s"))
    );
}
