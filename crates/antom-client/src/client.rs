//! The HTTP client: signs, sends, verifies, classifies, and resends only what is safe to resend.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use tracing::Instrument;

use crate::endpoint::{sandbox_path, Endpoint};
use crate::keys::{PrivateKey, PublicKey};
use crate::outcome::{Outcome, Resend, UnknownCause};
use crate::result::{ResultInfo, ResultStatus};
use crate::signature::{sign_content, Message};
use crate::time::request_time;
use crate::trace_context::{OutboundContext, TraceParent, REQUEST_ID, TRACEPARENT};

/// A typed Antom request: knows its endpoint, its response type and its idempotency key.
pub trait AntomRequest: Serialize + Send + Sync {
    type Response: AntomResponse;
    const ENDPOINT: Endpoint;
    /// The value of the endpoint's idempotency key (paymentRequestId, captureRequestId, …),
    /// or the id the call is about for inquiries and cancel. Used for tracing and retries.
    fn request_id(&self) -> Option<&str>;
}

/// A typed Antom response: every one carries a `result`.
pub trait AntomResponse: DeserializeOwned + Send + Sync + 'static {
    fn result(&self) -> &ResultInfo;
}

/// Receives one observation per attempt (for metrics). Never sees bodies.
pub trait CallObserver: Send + Sync {
    fn observe(&self, endpoint: Endpoint, status_letter: &'static str, code: &str, elapsed: Duration);
}

/// Bounded retries with exponential backoff, used only when [`Outcome::resend`] says
/// [`Resend::SameRequest`]: the identical body (same request id) is sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, including the first (1 = no retry).
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// No new attempt starts after this much time since the first one.
    pub max_elapsed: Duration,
}

impl RetryPolicy {
    pub const NONE: RetryPolicy = RetryPolicy {
        max_attempts: 1,
        initial_backoff: Duration::ZERO,
        max_backoff: Duration::ZERO,
        max_elapsed: Duration::ZERO,
    };

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.initial_backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(2),
            max_elapsed: Duration::from_secs(10),
        }
    }
}

/// Everything the client needs. Keys are parsed before they get here.
#[derive(Clone)]
pub struct ClientConfig {
    /// Scheme and host of the gateway (e.g. `https://open-sea-global.alipay.com`), or a simulator.
    pub gateway_url: String,
    pub client_id: String,
    pub merchant_key: PrivateKey,
    pub antom_public_key: PublicKey,
    pub key_version: u32,
    pub connect_timeout: Duration,
    /// Total time for one attempt, connect to last byte.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    pub observer: Option<Arc<dyn CallObserver>>,
    /// The trace and request id each call carries (`traceparent`, `x-request-id`).
    pub trace: Option<Arc<dyn OutboundContext>>,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("gateway_url", &self.gateway_url)
            .field("client_id", &self.client_id)
            .field("merchant_key", &self.merchant_key)
            .field("key_version", &self.key_version)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    pub fn new(
        gateway_url: impl Into<String>,
        client_id: impl Into<String>,
        merchant_key: PrivateKey,
        antom_public_key: PublicKey,
    ) -> Self {
        ClientConfig {
            gateway_url: gateway_url.into(),
            client_id: client_id.into(),
            merchant_key,
            antom_public_key,
            key_version: 1,
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            observer: None,
            trace: None,
        }
    }
}

/// Configuration problems found when building the client.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the gateway URL `{0}` is not an http(s) URL without query or fragment")]
    InvalidGatewayUrl(String),
    #[error("the client id is empty")]
    EmptyClientId,
    #[error("could not build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// A cheap-to-clone Antom client with a pooled keep-alive connection pool.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    config: Arc<ClientConfig>,
    base: Arc<str>,
}

/// Only the `result` of a response, to classify bodies that do not match the typed response.
#[derive(Deserialize)]
struct ResultOnly {
    result: ResultInfo,
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Self, ClientError> {
        let base = config.gateway_url.trim_end_matches('/').to_owned();
        let valid = (base.starts_with("http://") || base.starts_with("https://"))
            && !base.contains('?')
            && !base.contains('#')
            && base.len() > "https://".len();
        if !valid {
            return Err(ClientError::InvalidGatewayUrl(config.gateway_url.clone()));
        }
        if config.client_id.trim().is_empty() {
            return Err(ClientError::EmptyClientId);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(64)
            .tcp_nodelay(true)
            .user_agent(concat!("antom-checkout/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Client {
            http,
            config: Arc::new(config),
            base: Arc::from(base),
        })
    }

    pub fn client_id(&self) -> &str {
        &self.config.client_id
    }

    /// The path this client sends to (and signs) for an endpoint.
    pub fn path_for(&self, endpoint: Endpoint) -> String {
        sandbox_path(&self.config.client_id, endpoint.path()).into_owned()
    }

    /// Sends the request, resending the identical bytes while the outcome says that is safe
    /// and the retry policy allows.
    pub async fn send<R: AntomRequest>(&self, request: &R) -> Outcome<R::Response> {
        self.send_with(request, self.config.retry).await
    }

    /// Sends exactly once.
    pub async fn send_once<R: AntomRequest>(&self, request: &R) -> Outcome<R::Response> {
        self.send_with(request, RetryPolicy::NONE).await
    }

    /// Sends with an explicit retry policy.
    pub async fn send_with<R: AntomRequest>(&self, request: &R, retry: RetryPolicy) -> Outcome<R::Response> {
        let endpoint = R::ENDPOINT;
        let span = tracing::info_span!(
            "antom_call",
            endpoint = endpoint.name(),
            request_id = request.request_id().unwrap_or(""),
        );
        async move {
            let body = match serde_json::to_vec(request) {
                Ok(body) => body,
                Err(e) => {
                    return Outcome::Failed {
                        code: "REQUEST_NOT_SERIALIZABLE".into(),
                        message: e.to_string(),
                        response: None,
                    }
                }
            };
            let started = Instant::now();
            let mut attempt = 1;
            loop {
                let outcome = self.attempt::<R::Response>(endpoint, &body).await;
                tracing::info!(
                    attempt,
                    status = outcome.status_letter(),
                    code = outcome.code(),
                    "antom call finished"
                );
                let backoff = retry.backoff(attempt);
                let may_retry = outcome.resend() == Resend::SameRequest
                    && attempt < retry.max_attempts
                    && started.elapsed() + backoff < retry.max_elapsed;
                if !may_retry {
                    return outcome;
                }
                tokio::time::sleep(backoff).await;
                attempt += 1;
            }
        }
        .instrument(span)
        .await
    }

    /// Signs a request on tokio's blocking pool. An RSA-2048 signature is 0.4–1.4 ms of CPU
    /// depending on the machine; on the async worker it would stall every task of that worker
    /// (among them tasks holding a database transaction) for as long.
    async fn sign(&self, message: Message<'_>) -> String {
        let content = message.content_to_sign();
        let key = self.config.merchant_key.clone();
        let version = self.config.key_version;
        match tokio::task::spawn_blocking(move || sign_content(&content, &key, version)).await {
            Ok(signature) => signature,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }

    /// One signed POST of `body` (already serialised) and the classification of its answer.
    async fn attempt<T: AntomResponse>(&self, endpoint: Endpoint, body: &[u8]) -> Outcome<T> {
        let path = self.path_for(endpoint);
        let time = request_time(chrono::Utc::now());
        let client_id = &self.config.client_id;
        let signature = self.sign(Message::post(&path, client_id, &time, body)).await;
        let started = Instant::now();
        let mut request = self
            .http
            .post(format!("{}{}", self.base, path))
            .header("Content-Type", "application/json; charset=UTF-8")
            .header("client-id", client_id.as_str())
            .header("request-time", &time)
            .header("signature", signature);
        if let Some(trace) = &self.config.trace {
            // The span this call is made from; the simulator continues the trace under it.
            let (span, request_id) = trace.current();
            let call = span.unwrap_or_else(TraceParent::root);
            tracing::debug!(trace_id = %call.trace_id, span_id = %call.span_id, "Antom call");
            request = request.header(TRACEPARENT, call.header_value());
            if let Some(id) = request_id {
                request = request.header(REQUEST_ID, id);
            }
        }
        let result = request.body(body.to_vec()).send().await;
        let outcome = match result {
            Ok(response) => self.classify(&path, response).await,
            Err(e) => transport_outcome(&e),
        };
        if let Some(observer) = &self.config.observer {
            observer.observe(
                endpoint,
                outcome.status_letter(),
                outcome.code(),
                started.elapsed(),
            );
        }
        outcome
    }

    async fn classify<T: AntomResponse>(&self, path: &str, response: reqwest::Response) -> Outcome<T> {
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let signature = header("signature");
        let response_time = header("response-time");
        let bytes = match response.bytes().await {
            Ok(bytes) => bytes,
            Err(e) => return transport_outcome(&e),
        };
        if status != 200 {
            return Outcome::unknown(
                UnknownCause::HttpStatus(status),
                format!("HTTP {status} from Antom"),
            );
        }
        classify_body(
            &self.config.antom_public_key,
            &self.config.client_id,
            path,
            signature.as_deref(),
            response_time.as_deref(),
            &bytes,
        )
    }
}

/// Classifies a 200 answer: verifies its signature (fail closed), then reads `result`.
/// Public so that the rule can be tested without a network and reused by tools.
pub fn classify_body<T: AntomResponse>(
    antom_key: &PublicKey,
    client_id: &str,
    path: &str,
    signature: Option<&str>,
    response_time: Option<&str>,
    body: &[u8],
) -> Outcome<T> {
    let Ok(ResultOnly { result }) = serde_json::from_slice::<ResultOnly>(body) else {
        return Outcome::unknown(
            UnknownCause::MalformedResponse,
            "the answer has no Antom result object",
        );
    };
    let signed = match (signature, response_time) {
        (Some(signature), Some(time)) => {
            if Message::post(path, client_id, time, body)
                .verify(antom_key, signature)
                .is_err()
            {
                return Outcome::unknown(
                    UnknownCause::SignatureInvalid,
                    "the answer's signature does not verify with Antom's public key",
                );
            }
            true
        }
        _ => false,
    };
    let typed = serde_json::from_slice::<T>(body).ok();
    match (result.result_status, signed) {
        (ResultStatus::Failed, true) => Outcome::Failed {
            code: result.result_code,
            message: result.result_message,
            response: typed,
        },
        // Antom does not sign its signature errors; nobody can tell those from a forged
        // failure, so they are never final: the caller inquires or resends.
        (ResultStatus::Failed, false) => Outcome::Unknown {
            code: result.result_code,
            message: result.result_message,
            cause: UnknownCause::UnsignedFailure,
            response: None,
        },
        (_, false) => Outcome::unknown(
            UnknownCause::SignatureMissing,
            "the answer is not signed and is not an error: not trusted",
        ),
        (ResultStatus::Success, true) => match typed {
            Some(response) => Outcome::Success(response),
            None => Outcome::unknown(
                UnknownCause::MalformedResponse,
                "a successful answer does not match the expected response shape",
            ),
        },
        (ResultStatus::Unknown, true) => Outcome::Unknown {
            code: result.result_code,
            message: result.result_message,
            cause: UnknownCause::Antom,
            response: typed,
        },
        (ResultStatus::Other(s), true) => Outcome::unknown(
            UnknownCause::MalformedResponse,
            format!(
                "unexpected resultStatus `{}`",
                s.chars().take(16).collect::<String>()
            ),
        ),
    }
}

fn transport_outcome<T>(e: &reqwest::Error) -> Outcome<T> {
    if e.is_timeout() {
        Outcome::unknown(UnknownCause::Timeout, "no answer from Antom within the timeout")
    } else {
        // Connection refused, reset, TLS failure, broken body: the request may have arrived.
        Outcome::unknown(
            UnknownCause::Connection,
            format!("connection to Antom failed: {e}"),
        )
    }
}
