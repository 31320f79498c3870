//! The soak's one error type: what can stop a run (as opposed to a discrepancy, which is a
//! finding and goes into the report).

use bench::procs::ProcError;

#[derive(Debug, thiserror::Error)]
pub enum SoakError {
    #[error(transparent)]
    Process(#[from] ProcError),
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// An answer that does not have the shape the contract promises.
    #[error("{0}")]
    Unexpected(String),
}

pub type Result<T, E = SoakError> = std::result::Result<T, E>;
