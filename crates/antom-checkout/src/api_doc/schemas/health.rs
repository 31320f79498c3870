//! `/healthz` and `/readyz`.

use utoipa::ToSchema;

#[derive(Debug, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct HealthStatus {
    /// `ok` (`/healthz`) or `ready` (`/readyz`).
    pub status: String,
}
