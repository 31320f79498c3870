//! The request log behind `GET /__sim/requests`.

use serde::Serialize;

/// Oldest entries are forgotten past this many (a long-running embedded simulator).
const CAPACITY: usize = 10_000;

/// One API call as received.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    /// The path as received (`/ams/sandbox/api/...` or `/ams/api/...`).
    pub path: String,
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
    records: Vec<RequestRecord>,
}

impl RequestLog {
    pub fn push(&mut self, record: RequestRecord) {
        if self.records.len() == CAPACITY {
            self.records.remove(0);
        }
        self.records.push(record);
    }

    pub fn all(&self) -> &[RequestRecord] {
        &self.records
    }
}
