//! The pipeline every merchant API call goes through (the steps are listed in the `api`
//! module's docs): routing, authentication, parsing, field checks, fault injection, the
//! endpoint's handler in one transaction, signing, and the request log.

use antom_client::codes;
use std::time::Duration;

use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};
use antom_client::model::{
    CancelRequest, CaptureRequest, CreatePaymentSessionRequest, CreateVaultingSessionRequest,
    InquireVaultingRequest, InquiryPaymentRequest, InquiryRefundRequest, PayRequest, RefundRequest,
    VaultPaymentMethodRequest,
};
use antom_client::time::{iso8601, parse_time};
use antom_client::trace_context::{TraceParent, REQUEST_ID, TRACEPARENT};
use antom_client::{AntomResponse, Endpoint, Message, ResultInfo, SignatureHeader};
use serde_json::json;
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::operation::{Checks, Operation, Shape};
use crate::faults::Mode;
use crate::sim::Sim;
use crate::state::RequestRecord;
use crate::sync::lock;

/// The only key version the merchant has "uploaded".
const KEY_VERSION: &str = "1";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/ams/{tail:.*}", web::route().to(entry));
}

/// What the pipeline answers, before signing.
struct Answer {
    result: ResultInfo,
    body: Vec<u8>,
    request_id: Option<String>,
    /// The `timeout` fault: hold the answer this long.
    hold: Option<Duration>,
}

impl Answer {
    fn result_only(result: ResultInfo, request_id: Option<String>) -> Self {
        let body = serde_json::to_vec(&json!({ "result": result })).expect("JSON values serialise");
        Answer {
            result,
            body,
            request_id,
            hold: None,
        }
    }
}

/// Continues the caller's trace (`traceparent`) with a span of the simulator's own, carrying the
/// caller's `x-request-id`: the merchant's logs and ours then share one trace id.
async fn entry(req: HttpRequest, body: web::Bytes, sim: web::Data<Sim>) -> HttpResponse {
    let caller = header(&req, TRACEPARENT).and_then(TraceParent::parse);
    let ours = caller.as_ref().map_or_else(TraceParent::root, TraceParent::child);
    let span = tracing::info_span!(
        "antom_sim.api",
        path = req.path(),
        trace_id = %ours.trace_id,
        span_id = %ours.span_id,
        parent_span_id = caller.as_ref().map_or("", |c| c.span_id.as_str()),
        request_id = header(&req, REQUEST_ID).unwrap_or(""),
    );
    if let Some(parent) = caller.as_ref().and_then(remote_parent) {
        // Exported traces (when the process exports them) show this span under the caller's.
        let _ = span.set_parent(parent);
    }
    handle(req, body, sim).instrument(span).await
}

/// The caller's span as an OpenTelemetry parent.
fn remote_parent(caller: &TraceParent) -> Option<opentelemetry::Context> {
    use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
    let remote = SpanContext::new(
        TraceId::from_hex(&caller.trace_id).ok()?,
        SpanId::from_hex(&caller.span_id).ok()?,
        if caller.sampled {
            TraceFlags::SAMPLED
        } else {
            TraceFlags::default()
        },
        true,
        TraceState::default(),
    );
    Some(opentelemetry::Context::new().with_remote_span_context(remote))
}

async fn handle(req: HttpRequest, body: web::Bytes, sim: web::Data<Sim>) -> HttpResponse {
    let signed_path = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_owned(), |p| p.as_str().to_owned());
    let endpoint = Endpoint::from_path(req.path()).map(|(e, _)| e);
    let client_id = header(&req, "client-id").map(str::to_owned);

    if let Err(refusal) = authenticate(&sim, &req, &signed_path, &body) {
        record(
            &sim,
            &req,
            endpoint,
            best_effort_id(endpoint, &body),
            client_id.as_deref(),
            false,
            &refusal,
        );
        return unsigned(refusal, client_id.as_deref());
    }
    // Authenticated, so the client id is ours.
    let client_id = sim.client_id.clone();
    let answer = match (endpoint, header(&req, "request-time").and_then(parse_time)) {
        (_, None) => Answer::result_only(
            ResultInfo::failed(
                codes::PARAM_ILLEGAL,
                "request-time: must be epoch milliseconds or ISO-8601 with offset",
            ),
            best_effort_id(endpoint, &body),
        ),
        (None, Some(_)) => Answer::result_only(
            ResultInfo::failed(codes::NO_INTERFACE_DEF, "No API is defined at this path."),
            None,
        ),
        (Some(endpoint), Some(_)) => dispatch(&sim, endpoint, &body),
    };
    record(
        &sim,
        &req,
        endpoint,
        answer.request_id.clone(),
        Some(&client_id),
        true,
        &answer.result,
    );
    record_body(&sim, endpoint, answer.request_id.as_deref(), &body);
    tracing::info!(
        endpoint = endpoint.map_or("unknown", Endpoint::name),
        request_id = answer.request_id.as_deref().unwrap_or(""),
        result = %answer.result.result_code,
        "antom api call"
    );
    let response = signed(&sim, &signed_path, &client_id, answer.body);
    if let Some(hold) = answer.hold {
        tokio::time::sleep(hold).await;
    }
    response
}

fn dispatch(sim: &Sim, endpoint: Endpoint, body: &[u8]) -> Answer {
    match endpoint {
        Endpoint::CreatePaymentSession => run::<CreatePaymentSessionRequest>(sim, body),
        Endpoint::Pay => run::<PayRequest>(sim, body),
        Endpoint::InquiryPayment => run::<InquiryPaymentRequest>(sim, body),
        Endpoint::Capture => run::<CaptureRequest>(sim, body),
        Endpoint::Cancel => run::<CancelRequest>(sim, body),
        Endpoint::Refund => run::<RefundRequest>(sim, body),
        Endpoint::InquiryRefund => run::<InquiryRefundRequest>(sim, body),
        Endpoint::CreateVaultingSession => run::<CreateVaultingSessionRequest>(sim, body),
        Endpoint::VaultPaymentMethod => run::<VaultPaymentMethodRequest>(sim, body),
        Endpoint::InquireVaulting => run::<InquireVaultingRequest>(sim, body),
    }
}

/// Steps 4 to 7 for one typed request.
fn run<R: Operation>(sim: &Sim, body: &[u8]) -> Answer {
    let request: R = match serde_json::from_slice(body) {
        Ok(request) => request,
        Err(e) => {
            return Answer::result_only(
                ResultInfo::failed(
                    codes::PARAM_ILLEGAL,
                    format!("the body is not a valid {} request: {e}", R::ENDPOINT.name()),
                ),
                best_effort_id(Some(R::ENDPOINT), body),
            )
        }
    };
    let request_id = request.request_id().map(str::to_owned);
    let checked = {
        let merchant = lock(&sim.merchant);
        request.validate(&Checks {
            now: sim.clock.now(),
            merchant: &merchant,
        })
    };
    if let Err(invalid) = checked {
        return Answer::result_only(ResultInfo::failed(invalid.code, invalid.message), request_id);
    }
    let (fault, answers) = {
        let mut faults = lock(&sim.faults);
        (faults.take_endpoint(R::ENDPOINT), faults.answers())
    };
    let mode = fault.as_ref().map(|f| f.mode);
    match mode {
        Some(Mode::Unknown) if !R::RECORDS_UNKNOWN => {
            return Answer::result_only(
                ResultInfo::unknown(
                    codes::UNKNOWN_EXCEPTION,
                    "An unknown exception occurred (injected).",
                ),
                request_id,
            )
        }
        Some(Mode::Fail) => {
            let code = fault
                .as_ref()
                .and_then(|f| f.result_code.as_deref())
                .unwrap_or(codes::PROCESS_FAIL);
            return Answer::result_only(
                ResultInfo::failed(code, format!("A business failure occurred (injected {code}).")),
                request_id,
            );
        }
        Some(Mode::Unknown | Mode::Timeout | Mode::Processing) | None => {}
    }
    let shape = Shape {
        processing: mode == Some(Mode::Processing),
        no_redirect: fault.as_ref().is_some_and(|f| f.no_redirect),
        unknown: mode == Some(Mode::Unknown),
        answers,
    };
    let response = sim.with_state(|tx| request.handle(tx, shape));
    Answer {
        result: response.result().clone(),
        body: serde_json::to_vec(&response).expect("model types serialise"),
        request_id,
        hold: fault.filter(|f| f.mode == Mode::Timeout).map(|f| f.delay),
    }
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Step 2. The refusal is Antom's unsigned error answer: CLIENT_INVALID, METHOD_NOT_SUPPORTED,
/// INVALID_SIGNATURE or KEY_NOT_FOUND.
fn authenticate(sim: &Sim, req: &HttpRequest, signed_path: &str, body: &[u8]) -> Result<(), ResultInfo> {
    let invalid = |why: &str| ResultInfo::failed(codes::INVALID_SIGNATURE, why);
    if req.method() != Method::POST {
        return Err(ResultInfo::failed(
            codes::METHOD_NOT_SUPPORTED,
            "Only POST is supported.",
        ));
    }
    // Antom's answer to a client id it cannot place is CLIENT_INVALID ("The client is
    // invalid. Check whether clientId is correct.") [V:COPY inquiryRefund result table]; a
    // request without one names no client either.
    let client_invalid = |why: &str| ResultInfo::failed(codes::CLIENT_INVALID, why);
    let client_id = header(req, "client-id")
        .ok_or_else(|| client_invalid("The client is invalid: the client-id header is missing."))?;
    if client_id != sim.client_id {
        return Err(client_invalid(
            "The client is invalid: this client-id is not known.",
        ));
    }
    let signature = header(req, "signature").ok_or_else(|| invalid("The signature header is missing."))?;
    let parsed = SignatureHeader::parse(signature)
        .map_err(|e| invalid(&format!("The signature header is malformed: {e}.")))?;
    if parsed.key_version != KEY_VERSION {
        let version: String = parsed.key_version.chars().take(16).collect();
        return Err(ResultInfo::failed(
            codes::KEY_NOT_FOUND,
            format!("No public key with keyVersion {version} is registered for this client."),
        ));
    }
    let time = header(req, "request-time").unwrap_or_default();
    Message::post(signed_path, client_id, time, body)
        .verify(&sim.merchant_key, signature)
        .map_err(|_| invalid("The signature does not match the request."))
}

/// Step 8: Antom's signed answer.
fn signed(sim: &Sim, path: &str, client_id: &str, body: Vec<u8>) -> HttpResponse {
    let response_time = iso8601(sim.clock.now());
    let signature = Message::post(path, client_id, &response_time, &body).sign(&sim.antom_key, 1);
    HttpResponse::Ok()
        .insert_header(("content-type", "application/json; charset=UTF-8"))
        .insert_header(("client-id", client_id))
        .insert_header(("response-time", response_time))
        .insert_header(("signature", signature))
        .body(body)
}

/// Antom does not sign its answer to a request it could not authenticate.
fn unsigned(result: ResultInfo, client_id: Option<&str>) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.insert_header(("content-type", "application/json; charset=UTF-8"));
    if let Some(client_id) = client_id {
        response.insert_header(("client-id", client_id));
    }
    response.json(json!({ "result": result }))
}

/// The request id of a body that was not (or could not be) parsed, for the log.
fn best_effort_id(endpoint: Option<Endpoint>, body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let fields: &[&str] = match endpoint.map(|e| e.idempotency()) {
        Some(antom_client::endpoint::Idempotency::KeyedBy(field)) => &[field][..],
        _ => &[
            "paymentId",
            "paymentRequestId",
            "refundId",
            "refundRequestId",
            "vaultingRequestId",
        ],
    };
    fields
        .iter()
        .find_map(|f| value.get(*f).and_then(|v| v.as_str()))
        .map(|s| s.chars().take(128).collect())
}

fn record(
    sim: &Sim,
    req: &HttpRequest,
    endpoint: Option<Endpoint>,
    request_id: Option<String>,
    client_id: Option<&str>,
    signature_valid: bool,
    result: &ResultInfo,
) {
    let trace = header(req, TRACEPARENT).and_then(TraceParent::parse);
    let entry = RequestRecord {
        path: req.path().to_owned(),
        trace_id: trace.as_ref().map(|t| t.trace_id.clone()),
        parent_span_id: trace.map(|t| t.span_id),
        merchant_request_id: header(req, REQUEST_ID).map(|id| id.chars().take(64).collect()),
        endpoint: endpoint.map(Endpoint::name),
        request_id,
        client_id: client_id.map(|c| c.chars().take(128).collect()),
        signature_valid,
        result_code: result.result_code.clone(),
        result_status: result.result_status.as_str().to_owned(),
        at: sim
            .clock
            .now()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    };
    sim.with_state(|tx| tx.st.requests.push(entry));
}

/// Remembers the body an idempotency key came with (authenticated requests only).
fn record_body(sim: &Sim, endpoint: Option<Endpoint>, request_id: Option<&str>, body: &[u8]) {
    let (Some(endpoint), Some(request_id)) = (endpoint, request_id) else {
        return;
    };
    if matches!(
        endpoint.idempotency(),
        antom_client::endpoint::Idempotency::KeyedBy(_)
    ) {
        sim.with_state(|tx| tx.st.bodies.record(endpoint.name(), request_id, body));
    }
}
