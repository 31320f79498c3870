//! The request id: one per HTTP request, returned in `x-request-id`, logged with every line the
//! request causes, and sent on to Antom (the simulator logs it beside its own records). A
//! caller's id is kept when it is sane (1–64 of `[A-Za-z0-9._:-]`), so a proxy's or a client's
//! id follows the request; anything else is replaced by a fresh one, never echoed.

use antom_client::trace_context::{OutboundContext, TraceParent};

/// The header, in requests and responses (ours and outbound).
pub const HEADER: &str = "x-request-id";

/// Longest id kept from a caller.
pub const MAX_LEN: usize = 64;

/// The caller's id when sane, else a fresh one.
pub fn accept_or_generate(incoming: Option<&str>) -> String {
    match incoming {
        Some(id) if is_sane(id) => id.to_owned(),
        _ => uuid::Uuid::new_v4().simple().to_string(),
    }
}

fn is_sane(id: &str) -> bool {
    (1..=MAX_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// The request a task serves: its id and its span in the trace (W3C Trace Context).
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    /// This server's span for the request: the caller's `traceparent` continued, or a new trace.
    pub trace: TraceParent,
}

impl RequestContext {
    /// From the request's `x-request-id` and `traceparent` headers.
    pub fn from_headers(request_id: Option<&str>, traceparent: Option<&str>) -> RequestContext {
        RequestContext {
            request_id: accept_or_generate(request_id),
            trace: traceparent
                .and_then(TraceParent::parse)
                .map_or_else(TraceParent::root, |caller| caller.child()),
        }
    }
}

tokio::task_local! {
    /// The request this task serves (outbound Antom calls read it).
    static CURRENT: RequestContext;
}

/// Runs `fut` as part of the request `context`.
pub async fn scope<F: std::future::Future>(context: RequestContext, fut: F) -> F::Output {
    CURRENT.scope(context, fut).await
}

/// `fut` carrying this task's request context and tracing span, for work handed to another task
/// (an idempotent request's own task, a unit on the SQLite write lane): its logs and Antom calls
/// keep the request id and the trace.
/// (No `async` block here: it would hold `fut` twice, and a request's future is large.)
pub fn carried<F: std::future::Future>(fut: F) -> impl std::future::Future<Output = F::Output> {
    use futures_util::future::Either;
    use tracing::Instrument;
    match current() {
        Some(context) => Either::Left(CURRENT.scope(context, fut)),
        None => Either::Right(fut),
    }
    .instrument(tracing::Span::current())
}

/// The request being served, if any (work spawned for it carries it on: see `routes::idempotency`).
pub fn current() -> Option<RequestContext> {
    CURRENT.try_with(Clone::clone).ok()
}

/// Gives the Antom client, for each call, the span it is made from and the served request's id:
/// the exported span (the Antom call's own) when traces are exported, else a child of the
/// request's span in the trace.
#[derive(Debug, Default)]
pub struct CurrentRequest;

impl OutboundContext for CurrentRequest {
    fn current(&self) -> (Option<TraceParent>, Option<String>) {
        let context = current();
        let span = crate::telemetry::exported_span(&tracing::Span::current())
            .or_else(|| context.as_ref().map(|c| c.trace.child()));
        (span, context.map(|c| c.request_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sane_ids_are_kept() {
        for id in ["a", "req-1", "0192f7c4.aa:bb_cc-DD", &"x".repeat(64)] {
            assert_eq!(accept_or_generate(Some(id)), id);
        }
    }

    #[test]
    fn anything_else_is_replaced() {
        for bad in ["", &"x".repeat(65), "a b", "a\nb", "é", "<script>", "a/b"] {
            let id = accept_or_generate(Some(bad));
            assert_ne!(id, bad);
            assert_eq!(id.len(), 32, "{id}");
        }
        assert_eq!(accept_or_generate(None).len(), 32);
    }
}
