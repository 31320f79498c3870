//! Logging and traces: tracing with an env filter, pretty for people and JSON for machines (each
//! line carries the request span's `request_id`, `trace_id`, `order_id`); and, when
//! `OTEL_EXPORTER_OTLP_ENDPOINT` is set, the same spans exported as OpenTelemetry traces over
//! OTLP/HTTP (protobuf). Off by default: nothing is exported and no exporter thread runs.

use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState, TracerProvider as _,
};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use antom_client::trace_context::TraceParent;

use crate::config::LogFormat;

#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error("OTEL_EXPORTER_OTLP_ENDPOINT: could not build the OTLP exporter")]
    Exporter(#[from] opentelemetry_otlp::ExporterBuildError),
}

/// Exports buffered spans when dropped (at exit); holds nothing when export is off.
#[derive(Debug, Default)]
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
}

impl TelemetryGuard {
    /// Sends every finished span now.
    pub fn flush(&self) {
        if let Some(provider) = &self.provider {
            let _ = provider.force_flush();
        }
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take() {
            let _ = provider.shutdown();
        }
    }
}

/// Installs the global subscriber once; later calls are ignored (tests start many apps).
/// `otlp_endpoint` (`OTEL_EXPORTER_OTLP_ENDPOINT`, e.g. `http://collector:4318`) turns on
/// trace export to `{endpoint}/v1/traces`, as service `service_name` (`OTEL_SERVICE_NAME`).
pub fn init(
    filter: &str,
    format: LogFormat,
    otlp_endpoint: Option<&str>,
    service_name: &str,
) -> Result<TelemetryGuard, TelemetryError> {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt::layer().with_target(false);
    let fmt = match format {
        LogFormat::Json => fmt.json().flatten_event(true).boxed(),
        LogFormat::Pretty => fmt.boxed(),
    };
    let provider = otlp_endpoint
        .map(|endpoint| provider(endpoint, service_name))
        .transpose()?;
    let otel = provider.as_ref().map(|p| {
        tracing_opentelemetry::layer()
            .with_tracer(p.tracer("antom-checkout"))
            .with_filter(tracing_subscriber::filter::LevelFilter::INFO)
    });
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .with(otel)
        .try_init();
    Ok(TelemetryGuard { provider })
}

fn provider(endpoint: &str, service_name: &str) -> Result<SdkTracerProvider, TelemetryError> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .build()?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(
            Resource::builder()
                .with_service_name(service_name.to_owned())
                .build(),
        )
        .build())
}

/// Makes `span` a child of the caller's span (its `traceparent`), when it sent one. Without an
/// exporter installed this does nothing.
pub fn continue_trace(span: &tracing::Span, caller: Option<&TraceParent>) {
    if let Some(caller) = caller {
        if let Some(context) = remote_context(caller) {
            let _ = span.set_parent(context);
        }
    }
}

fn remote_context(caller: &TraceParent) -> Option<opentelemetry::Context> {
    let trace_id = TraceId::from_hex(&caller.trace_id).ok()?;
    let span_id = SpanId::from_hex(&caller.span_id).ok()?;
    let flags = if caller.sampled {
        TraceFlags::SAMPLED
    } else {
        TraceFlags::default()
    };
    let remote = SpanContext::new(trace_id, span_id, flags, true, TraceState::default());
    Some(opentelemetry::Context::new().with_remote_span_context(remote))
}

/// The exported span `span` is (its trace and span id), when traces are exported.
pub fn exported_span(span: &tracing::Span) -> Option<TraceParent> {
    let context = span.context();
    let span_context = context.span().span_context().clone();
    span_context.is_valid().then(|| TraceParent {
        trace_id: span_context.trace_id().to_string(),
        span_id: span_context.span_id().to_string(),
        sampled: span_context.is_sampled(),
    })
}
