//! The outcome taxonomy, against a real HTTP server on loopback that answers S, F, U, unsigned,
//! tampered, slow and non-200.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use antom_client::client::classify_body;
use antom_client::{
    AntomRequest, AntomResponse, Client, ClientConfig, Endpoint, Message, Outcome, PrivateKey, Resend,
    ResultInfo, RetryPolicy, UnknownCause,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Probe {
    refund_request_id: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProbeResponse {
    result: ResultInfo,
    refund_id: Option<String>,
}

impl AntomResponse for ProbeResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

impl AntomRequest for Probe {
    type Response = ProbeResponse;
    const ENDPOINT: Endpoint = Endpoint::Refund;
    fn request_id(&self) -> Option<&str> {
        Some(&self.refund_request_id)
    }
}

struct Keys {
    merchant: PrivateKey,
    antom: PrivateKey,
}

fn keys() -> Keys {
    let path = format!("{}/tests/fixtures/test-keys.json", env!("CARGO_MANIFEST_DIR"));
    let k: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    Keys {
        merchant: PrivateKey::parse(k["merchant"]["private_key_pkcs8_base64"].as_str().unwrap()).unwrap(),
        antom: PrivateKey::parse(k["antom"]["private_key_pkcs8_base64"].as_str().unwrap()).unwrap(),
    }
}

#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the test server answers to the n-th request (1-based).
#[derive(Clone)]
enum Reply {
    /// Signed with `key` (tampering the body after signing when `tamper`).
    Signed {
        body: String,
        key: PrivateKey,
        tamper: bool,
        upper_case_headers: bool,
    },
    Unsigned {
        body: String,
    },
    Status(u16),
    Slow(Duration),
}

type Script = Arc<dyn Fn(usize) -> Reply + Send + Sync>;

struct TestServer {
    base: String,
    received: Arc<Mutex<Vec<Received>>>,
}

async fn serve(script: Script) -> TestServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let received = Arc::new(Mutex::new(Vec::new()));
    let log = received.clone();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let script = script.clone();
            let log = log.clone();
            tokio::spawn(async move {
                let Some(request) = read_request(&mut socket).await else {
                    return;
                };
                let n = {
                    let mut log = log.lock().unwrap();
                    log.push(request.clone());
                    log.len()
                };
                let (status, headers, body) = match script(n) {
                    Reply::Slow(d) => {
                        tokio::time::sleep(d).await;
                        (
                            200,
                            vec![],
                            r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"}}"#.to_owned(),
                        )
                    }
                    Reply::Status(s) => (s, vec![], "<html>bad gateway</html>".to_owned()),
                    Reply::Unsigned { body } => (200, vec![], body),
                    Reply::Signed {
                        body,
                        key,
                        tamper,
                        upper_case_headers,
                    } => {
                        let time = "2024-01-01T00:00:00+08:00";
                        let client_id = request.header("client-id").unwrap().to_owned();
                        let signature =
                            Message::post(&request.path, &client_id, time, body.as_bytes()).sign(&key, 1);
                        let body = if tamper {
                            body.replace("ref_1", "ref_2")
                        } else {
                            body
                        };
                        let names = if upper_case_headers {
                            ["Signature", "Response-Time", "Client-Id"]
                        } else {
                            ["signature", "response-time", "client-id"]
                        };
                        let headers = vec![
                            (names[0].to_owned(), signature),
                            (names[1].to_owned(), time.to_owned()),
                            (names[2].to_owned(), client_id),
                        ];
                        (200, headers, body)
                    }
                };
                let mut response = format!(
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                    body.len()
                );
                for (k, v) in headers {
                    response.push_str(&format!("{k}: {v}\r\n"));
                }
                response.push_str("\r\n");
                response.push_str(&body);
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    TestServer { base, received }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let mut lines = head.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < header_end + length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(Received {
        path,
        headers,
        body: buf[header_end..].to_vec(),
    })
}

fn client(base: &str, client_id: &str, keys: &Keys, retry: RetryPolicy) -> Client {
    let mut config = ClientConfig::new(base, client_id, keys.merchant.clone(), keys.antom.public_key());
    config.request_timeout = Duration::from_millis(400);
    config.connect_timeout = Duration::from_millis(400);
    config.retry = retry;
    Client::new(config).unwrap()
}

const S_BODY: &str = r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"refundId":"ref_1","unknownField":1}"#;

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        max_elapsed: Duration::from_secs(5),
    }
}

fn probe() -> Probe {
    Probe {
        refund_request_id: "ref_1".into(),
    }
}

#[tokio::test]
async fn signed_success_is_success_and_the_request_is_signed_as_antom_expects() {
    let k = keys();
    let antom = k.antom.clone();
    let server = serve(Arc::new(move |_| Reply::Signed {
        body: S_BODY.into(),
        key: antom.clone(),
        tamper: false,
        upper_case_headers: true,
    }))
    .await;
    let c = client(&server.base, "SANDBOX_5YEZ3H2ZAB1H03722", &k, fast_retry());
    let outcome = c.send(&probe()).await;
    let Outcome::Success(response) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(response.refund_id.as_deref(), Some("ref_1"));

    // The sandbox id rewrote the path, and the signature covers the rewritten path and exact body.
    let received = server.received.lock().unwrap()[0].clone();
    assert_eq!(received.path, "/ams/sandbox/api/v1/payments/refund");
    let time = received.header("request-time").unwrap();
    assert!(
        time.len() == 13 && time.bytes().all(|b| b.is_ascii_digit()),
        "epoch millis: {time}"
    );
    assert!(received
        .header("signature")
        .unwrap()
        .starts_with("algorithm=RSA256,keyVersion=1,signature="));
    Message::post(&received.path, "SANDBOX_5YEZ3H2ZAB1H03722", time, &received.body)
        .verify(&k.merchant.public_key(), received.header("signature").unwrap())
        .unwrap();
}

#[tokio::test]
async fn signed_failures_are_final_and_unsigned_ones_are_unknown() {
    let k = keys();
    let antom = k.antom.clone();
    let server = serve(Arc::new(move |n| match n {
        1 => Reply::Signed {
            body: r#"{"result":{"resultCode":"REFUND_AMOUNT_EXCEED","resultStatus":"F","resultMessage":"too much"}}"#.into(),
            key: antom.clone(),
            tamper: false,
            upper_case_headers: false,
        },
        _ => Reply::Unsigned {
            body: r#"{"result":{"resultCode":"INVALID_SIGNATURE","resultStatus":"F","resultMessage":"bad sig"}}"#.into(),
        },
    }))
    .await;
    let c = client(&server.base, "5YEZ3H2ZAB1H03722", &k, fast_retry());
    match c.send(&probe()).await {
        Outcome::Failed { code, response, .. } => {
            assert_eq!(code, "REFUND_AMOUNT_EXCEED");
            assert!(response.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server.received.lock().unwrap().len(),
        1,
        "a signed failure is never retried"
    );
    // Anyone on the path could have written an unsigned F: never final, inquire or resend.
    let second = c.send_once(&probe()).await;
    assert_eq!(second.resend(), Resend::SameRequest);
    match second {
        Outcome::Unknown {
            code,
            cause,
            response,
            ..
        } => {
            assert_eq!(code, "INVALID_SIGNATURE");
            assert_eq!(cause, UnknownCause::UnsignedFailure);
            assert!(response.is_none());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.received.lock().unwrap().len(), 2);
    assert_eq!(
        server.received.lock().unwrap()[0].path,
        "/ams/api/v1/payments/refund"
    );
}

#[tokio::test]
async fn unsigned_tampered_or_foreign_signed_success_is_not_trusted() {
    let k = keys();
    for (name, reply, cause) in [
        (
            "unsigned",
            Reply::Unsigned { body: S_BODY.into() },
            UnknownCause::SignatureMissing,
        ),
        (
            "tampered",
            Reply::Signed {
                body: S_BODY.into(),
                key: k.antom.clone(),
                tamper: true,
                upper_case_headers: false,
            },
            UnknownCause::SignatureInvalid,
        ),
        (
            "wrong key",
            Reply::Signed {
                body: S_BODY.into(),
                key: k.merchant.clone(),
                tamper: false,
                upper_case_headers: false,
            },
            UnknownCause::SignatureInvalid,
        ),
    ] {
        let server = serve(Arc::new(move |_| reply.clone())).await;
        let c = client(&server.base, "5YEZ3H2ZAB1H03722", &k, RetryPolicy::NONE);
        match c.send(&probe()).await {
            Outcome::Unknown {
                cause: got, response, ..
            } => {
                assert_eq!(got, cause, "{name}");
                assert!(response.is_none(), "{name}: untrusted body not exposed");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn unknown_exception_is_resent_with_the_identical_body_until_settled() {
    let k = keys();
    let antom = k.antom.clone();
    let server = serve(Arc::new(move |n| Reply::Signed {
        body: if n < 3 {
            r#"{"result":{"resultCode":"UNKNOWN_EXCEPTION","resultStatus":"U","resultMessage":"try again"}}"#
                .into()
        } else {
            S_BODY.into()
        },
        key: antom.clone(),
        tamper: false,
        upper_case_headers: false,
    }))
    .await;
    let c = client(&server.base, "5YEZ3H2ZAB1H03722", &k, fast_retry());
    assert!(c.send(&probe()).await.is_success());
    let received = server.received.lock().unwrap();
    assert_eq!(received.len(), 3);
    assert!(
        received.iter().all(|r| r.body == received[0].body),
        "same request id, same bytes"
    );
}

#[tokio::test]
async fn in_process_answers_are_not_resent() {
    let k = keys();
    let antom = k.antom.clone();
    let server = serve(Arc::new(move |_| Reply::Signed {
        body: r#"{"result":{"resultCode":"REFUND_IN_PROCESS","resultStatus":"U","resultMessage":"wait"}}"#
            .into(),
        key: antom.clone(),
        tamper: false,
        upper_case_headers: false,
    }))
    .await;
    let c = client(&server.base, "5YEZ3H2ZAB1H03722", &k, fast_retry());
    let outcome = c.send(&probe()).await;
    assert_eq!(outcome.code(), "REFUND_IN_PROCESS");
    assert_eq!(outcome.resend(), Resend::InquireInstead);
    assert_eq!(server.received.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn slow_non_200_and_unreachable_are_unknown() {
    let k = keys();
    let slow = serve(Arc::new(|_| Reply::Slow(Duration::from_secs(2)))).await;
    let c = client(&slow.base, "5YEZ3H2ZAB1H03722", &k, RetryPolicy::NONE);
    match c.send(&probe()).await {
        Outcome::Unknown {
            cause: UnknownCause::Timeout,
            ..
        } => {}
        other => panic!("{other:?}"),
    }

    let bad = serve(Arc::new(|_| Reply::Status(502))).await;
    let c = client(&bad.base, "5YEZ3H2ZAB1H03722", &k, fast_retry());
    let outcome = c.send(&probe()).await;
    assert!(
        matches!(
            outcome,
            Outcome::Unknown {
                cause: UnknownCause::HttpStatus(502),
                ..
            }
        ),
        "{outcome:?}"
    );
    assert_eq!(outcome.resend(), Resend::SameRequest);
    assert_eq!(bad.received.lock().unwrap().len(), 3, "bounded retries");

    // A port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let c = client(&dead, "5YEZ3H2ZAB1H03722", &k, RetryPolicy::NONE);
    assert!(matches!(
        c.send(&probe()).await,
        Outcome::Unknown {
            cause: UnknownCause::Connection,
            ..
        }
    ));
}

#[test]
fn malformed_bodies_are_unknown() {
    let k = keys();
    let public = k.antom.public_key();
    for body in [&b"not json"[..], br#"{"noResult":true}"#, b""] {
        let outcome: Outcome<ProbeResponse> = classify_body(&public, "c", "/p", None, None, body);
        assert!(matches!(
            outcome,
            Outcome::Unknown {
                cause: UnknownCause::MalformedResponse,
                ..
            }
        ));
    }
}

#[test]
fn client_configuration_is_validated() {
    let k = keys();
    for url in ["", "ftp://x", "http://", "http://host?x=1"] {
        let config = ClientConfig::new(url, "c", k.merchant.clone(), k.antom.public_key());
        assert!(Client::new(config).is_err(), "{url}");
    }
    let config = ClientConfig::new(
        "http://127.0.0.1:1",
        " ",
        k.merchant.clone(),
        k.antom.public_key(),
    );
    assert!(Client::new(config).is_err());
    let config = ClientConfig::new(
        "http://127.0.0.1:1",
        "c",
        k.merchant.clone(),
        k.antom.public_key(),
    );
    assert!(!format!("{config:?}").contains("MII"), "config Debug hides keys");
}
