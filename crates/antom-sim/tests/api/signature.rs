//! Antom's signature rules, both ways.

use antom_client::model::{CaptureMode, InquiryPaymentRequest};
use antom_client::{Message, Outcome};
use serde_json::json;

use crate::helpers::*;

const INQUIRY: &str = "/ams/sandbox/api/v1/payments/inquiryPayment";

#[tokio::test]
async fn signed_requests_get_signed_answers_on_live_and_sandbox_paths() {
    let sim = TestSim::start().await;
    let client = sim.client();
    // antom-client (a SANDBOX_ id, so the sandbox path) verifies the answer's signature itself.
    success(
        client
            .send(&session_request("sig_1", sgd("4200"), None, CaptureMode::Manual))
            .await,
    );
    sim.buyer_pays("sig_1", "4111111111111111").await;

    for path in [INQUIRY, "/ams/api/v1/payments/inquiryPayment"] {
        let raw = Raw::new(path, json!({"paymentRequestId": "sig_1"}));
        let (headers, text) = raw.send_text(&sim).await;
        let body: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["result"]["resultCode"], "SUCCESS", "{path}: {body}");
        assert_eq!(body["paymentStatus"], "SUCCESS");
        assert_eq!(headers["client-id"], CLIENT_ID);
        assert!(headers["content-type"].starts_with("application/json"));
        let signature = &headers["signature"];
        assert!(signature.starts_with("algorithm=RSA256,keyVersion=1,signature="));
        assert!(
            !signature.contains('+') && !signature.contains('/'),
            "URL-encoded: {signature}"
        );
        let time = &headers["response-time"];
        assert!(
            antom_client::time::parse_time(time).is_some() && time.contains('T'),
            "{time}"
        );
        Message::post(path, CLIENT_ID, time, text.as_bytes())
            .verify(&keys().antom_public, signature)
            .expect("the answer is signed by Antom's key over the path as sent");
    }
}

#[tokio::test]
async fn a_request_signed_with_another_key_is_refused_unsigned() {
    let sim = TestSim::start().await;
    let impostor = sim.client_with(|c| c.merchant_key = keys().antom_private.clone());
    let outcome = impostor
        .send(&session_request("sig_2", sgd("4200"), None, CaptureMode::Manual))
        .await;
    // Antom does not sign its signature errors: the client reads the code but never takes an
    // unsigned F as final.
    let Outcome::Unknown { code, cause, .. } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(
        (code.as_str(), cause),
        ("INVALID_SIGNATURE", antom_client::UnknownCause::UnsignedFailure)
    );
    // Nothing was created.
    let (code, _) = failure(
        sim.client()
            .send(&InquiryPaymentRequest::by_payment_request_id("sig_2"))
            .await,
    );
    assert_eq!(code, "ORDER_NOT_EXIST");
    let requests = sim.requests().await;
    assert_eq!(requests[0]["signatureValid"], false);
    assert_eq!(requests[0]["resultCode"], "INVALID_SIGNATURE");
    assert_eq!(requests[0]["requestId"], "sig_2");
}

#[tokio::test]
async fn unknown_client_id_unknown_key_version_missing_or_tampered_signature() {
    let sim = TestSim::start().await;
    let body = json!({"paymentRequestId": "x"});

    // A client id Antom cannot place is CLIENT_INVALID, not a signature error, even when the
    // request is signed with our key; unsigned like every authentication error.
    let (headers, answer) = Raw {
        client_id: "SANDBOX_SOMEONE_ELSE",
        ..Raw::new(INQUIRY, body.clone())
    }
    .send(&sim)
    .await;
    assert_eq!(answer["result"]["resultCode"], "CLIENT_INVALID");
    assert_eq!(answer["result"]["resultStatus"], "F");
    assert!(!headers.contains_key("signature") && !headers.contains_key("response-time"));
    let requests = sim.requests().await;
    assert_eq!(requests[0]["resultCode"], "CLIENT_INVALID");
    assert_eq!(requests[0]["signatureValid"], false);

    // No client-id header at all: no client either.
    let raw = Raw::new(INQUIRY, body.clone());
    let signature = Message::post(INQUIRY, CLIENT_ID, &raw.time, raw.body.as_bytes()).sign(raw.key, 1);
    let anonymous = sim
        .http
        .post(sim.url(INQUIRY))
        .header("request-time", &raw.time)
        .header("signature", signature)
        .body(raw.body.clone())
        .send()
        .await
        .unwrap();
    assert!(anonymous.headers().get("signature").is_none());
    let answer: serde_json::Value = anonymous.json().await.unwrap();
    assert_eq!(
        (
            answer["result"]["resultCode"].as_str(),
            answer["result"]["resultStatus"].as_str()
        ),
        (Some("CLIENT_INVALID"), Some("F"))
    );

    // Our client id, another key: still a signature error.
    let (_, answer) = Raw {
        key: &keys().antom_private,
        ..Raw::new(INQUIRY, body.clone())
    }
    .send(&sim)
    .await;
    assert_eq!(answer["result"]["resultCode"], "INVALID_SIGNATURE");

    let (headers, answer) = Raw {
        key_version: 2,
        ..Raw::new(INQUIRY, body.clone())
    }
    .send(&sim)
    .await;
    assert_eq!(answer["result"]["resultCode"], "KEY_NOT_FOUND");
    assert!(!headers.contains_key("signature"));

    let unsigned = sim
        .http
        .post(sim.url(INQUIRY))
        .header("client-id", CLIENT_ID)
        .header("request-time", "1700000000000")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 200);
    assert!(unsigned.headers().get("signature").is_none());
    let answer: serde_json::Value = unsigned.json().await.unwrap();
    assert_eq!(answer["result"]["resultCode"], "INVALID_SIGNATURE");

    // Signed over one body, another body sent.
    let raw = Raw::new(INQUIRY, body);
    let signature = Message::post(INQUIRY, CLIENT_ID, &raw.time, raw.body.as_bytes()).sign(raw.key, 1);
    let tampered = sim
        .http
        .post(sim.url(INQUIRY))
        .header("client-id", CLIENT_ID)
        .header("request-time", &raw.time)
        .header("signature", signature)
        .body(r#"{"paymentRequestId":"y"}"#)
        .send()
        .await
        .unwrap();
    let answer: serde_json::Value = tampered.json().await.unwrap();
    assert_eq!(answer["result"]["resultCode"], "INVALID_SIGNATURE");
}

#[tokio::test]
async fn request_time_in_every_sdk_format_is_accepted() {
    let sim = TestSim::start().await;
    let now = chrono::Utc::now();
    let formats = [
        now.timestamp_millis().to_string(),                // Java, Go
        now.format("%Y-%m-%dT%H:%M:%S+00:00").to_string(), // Python
        now.format("%Y-%m-%dT%H:%M:%S+0000").to_string(),  // PHP
        format!(
            "{}.{:07}Z",
            now.format("%Y-%m-%dT%H:%M:%S"),
            now.timestamp_subsec_nanos() / 100
        ), // .NET
    ];
    for time in formats {
        // A multi-line body, as the Python SDK sends: verified over the bytes received.
        let (headers, answer) = Raw {
            time: time.clone(),
            body: "{\n   \"paymentRequestId\": \"nope\"\n}".into(),
            ..Raw::new(INQUIRY, json!({}))
        }
        .send(&sim)
        .await;
        assert_eq!(
            answer["result"]["resultCode"], "ORDER_NOT_EXIST",
            "{time}: {answer}"
        );
        assert!(headers.contains_key("signature"), "{time}");
    }
    let (headers, answer) = Raw {
        time: "yesterday".into(),
        ..Raw::new(INQUIRY, json!({"paymentRequestId": "nope"}))
    }
    .send(&sim)
    .await;
    assert_eq!(answer["result"]["resultCode"], "PARAM_ILLEGAL");
    assert!(answer["result"]["resultMessage"]
        .as_str()
        .unwrap()
        .contains("request-time"));
    assert!(
        headers.contains_key("signature"),
        "a well-signed request gets a signed answer"
    );
}
