//! OTLP export: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, the server exports its spans over
//! OTLP/HTTP (protobuf). A small in-process OTLP receiver shows one trace whose spans cover
//! `POST /sessions`, the Antom call, and the simulator's handling of it (its span a child of the
//! call's, continued from the `traceparent` the call carried).
//!
//! Its own test binary: the exporter is part of the process-wide tracing subscriber.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpResponse, HttpServer};
use antom_checkout::config::LogFormat;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use serde_json::json;

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

#[allow(dead_code)]
#[path = "api/contract/validator.rs"]
pub mod validator;

mod contract {
    pub use super::validator;
}

type Received = Arc<Mutex<Vec<Span>>>;

/// Accepts `POST /v1/traces` (protobuf) and keeps every span.
async fn start_receiver() -> (String, Received) {
    let received: Received = Arc::default();
    let store = web::Data::new(received.clone());
    let server = HttpServer::new(move || {
        App::new().app_data(store.clone()).route(
            "/v1/traces",
            web::post().to(|body: web::Bytes, store: web::Data<Received>| async move {
                let request = ExportTraceServiceRequest::decode(body).expect("an OTLP trace export");
                let mut spans = store.lock().unwrap();
                for resource in request.resource_spans {
                    for scope in resource.scope_spans {
                        spans.extend(scope.spans);
                    }
                }
                HttpResponse::Ok()
                    .content_type("application/x-protobuf")
                    .body(ExportTraceServiceResponse::default().encode_to_vec())
            }),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let addr = server.addrs()[0];
    tokio::spawn(server.run());
    (format!("http://{addr}"), received)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn attribute(span: &Span, key: &str) -> Option<String> {
    span.attributes.iter().find(|a| a.key == key).and_then(|a| {
        use opentelemetry_proto::tonic::common::v1::any_value::Value;
        match a.value.as_ref()?.value.as_ref()? {
            Value::StringValue(s) => Some(s.clone()),
            other => Some(format!("{other:?}")),
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_covers_a_session_from_the_route_to_the_simulators_answer() {
    let (endpoint, received) = start_receiver().await;
    let telemetry =
        antom_checkout::telemetry::init("info", LogFormat::Pretty, Some(&endpoint), "antom-checkout-test")
            .expect("the OTLP exporter");
    let app = helpers::spawn_app(helpers::Db::Sqlite).await;
    let response = app
        .http
        .post(format!("{}/sessions", app.base))
        .json(&json!({"items": [{"sku": "TSHIRT-BLK-M", "quantity": 1}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);

    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let (route_span, call_span, sim_span) = loop {
        telemetry.flush();
        let spans = received.lock().unwrap().clone();
        let route = spans
            .iter()
            .find(|s| s.name == "http" && attribute(s, "route").as_deref() == Some("/sessions"));
        let found = route.and_then(|route| {
            let in_trace: Vec<&Span> = spans.iter().filter(|s| s.trace_id == route.trace_id).collect();
            let sim = in_trace.iter().find(|s| s.name == "antom_sim.api")?;
            let call = in_trace.iter().find(|s| s.span_id == sim.parent_span_id)?;
            Some((route.clone(), (*call).clone(), (*sim).clone()))
        });
        if let Some(found) = found {
            break found;
        }
        let names: Vec<String> = spans
            .iter()
            .map(|s| format!("{} {}", s.name, hex(&s.trace_id)))
            .collect();
        assert!(
            tokio::time::Instant::now() < deadline,
            "no trace from POST /sessions to the simulator in {names:#?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(call_span.trace_id, route_span.trace_id);
    assert_eq!(
        sim_span.trace_id, route_span.trace_id,
        "the simulator continues the server's trace"
    );
    assert!(
        attribute(&sim_span, "path").is_some_and(|p| p.ends_with("/createPaymentSession")),
        "{sim_span:?}"
    );
    assert!(attribute(&route_span, "request_id").is_some_and(|id| id.len() == 32));
    app.stop().await;
}
