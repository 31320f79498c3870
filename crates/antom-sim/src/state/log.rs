//! The request log behind `GET /__sim/requests`.

use std::collections::VecDeque;

use serde::Serialize;

/// Oldest entries are forgotten past this many (a long-running embedded simulator).
const CAPACITY: usize = 10_000;

/// One API call as received.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    /// The path as received (`/ams/sandbox/api/...` or `/ams/api/...`).
    pub path: String,
    /// The caller's W3C trace (`traceparent`), when it sent one.
    pub trace_id: Option<String>,
    /// The caller's span this call continues.
    pub parent_span_id: Option<String>,
    /// The caller's `x-request-id`.
    pub merchant_request_id: Option<String>,
    /// Antom's API name, e.g. `capture`; `null` for an unknown path.
    pub endpoint: Option<&'static str>,
    /// The request's idempotency key, or the id it is about (inquiries, cancel).
    pub request_id: Option<String>,
    pub client_id: Option<String>,
    pub signature_valid: bool,
    pub result_code: String,
    pub result_status: String,
    /// Simulated time.
    pub at: String,
}

#[derive(Debug, Default)]
pub struct RequestLog {
    /// Oldest first; a full log drops its oldest entry in O(1).
    records: VecDeque<RequestRecord>,
}

impl RequestLog {
    pub fn push(&mut self, record: RequestRecord) {
        if self.records.len() == CAPACITY {
            self.records.pop_front();
        }
        self.records.push_back(record);
    }

    /// Oldest first.
    pub fn all(&self) -> &VecDeque<RequestRecord> {
        &self.records
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(i: usize) -> RequestRecord {
        RequestRecord {
            path: "/ams/api/v1/payments/inquiryPayment".into(),
            trace_id: None,
            parent_span_id: None,
            merchant_request_id: None,
            endpoint: Some("inquiryPayment"),
            request_id: Some(i.to_string()),
            client_id: None,
            signature_valid: true,
            result_code: "SUCCESS".into(),
            result_status: "S".into(),
            at: String::new(),
        }
    }

    #[test]
    fn a_full_log_forgets_its_oldest_entries() {
        let mut log = RequestLog::default();
        for i in 0..CAPACITY + 2 {
            log.push(record(i));
        }
        assert_eq!(log.all().len(), CAPACITY);
        let ids = |r: Option<&RequestRecord>| r.and_then(|r| r.request_id.clone());
        assert_eq!(ids(log.all().front()), Some("2".to_owned()));
        assert_eq!(ids(log.all().back()), Some((CAPACITY + 1).to_string()));
    }
}
