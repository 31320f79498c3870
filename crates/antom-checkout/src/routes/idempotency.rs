//! `Idempotency-Key`, one implementation for `POST /sessions` and the admin actions: the first
//! request with a key does the work and its final answer is stored; the same key with the same
//! body gets that answer again (`Idempotent-Replayed: true`), with another body 409
//! `IDEMPOTENCY_KEY_REUSED`, and while the first is still running 409 `IDEMPOTENCY_KEY_IN_USE`.
//! Callers choose the scope (admin: per token, action and order).
//!
//! The work runs in its own task, so a client that disconnects (a closed tab, a proxy timeout)
//! can neither leave the key "in progress" forever nor cut an action off between our database
//! and Antom.

use std::future::Future;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde_json::Value;

use crate::error::ApiError;
use crate::persistence::IdempotencyBegin;
use crate::state::AppState;
use crate::tokens::sha256_hex;

const MAX_KEY_LEN: usize = 255;

/// Answers are never cached: they carry order tokens and money movements.
fn no_store(status: StatusCode) -> actix_web::HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder.insert_header(("Cache-Control", "no-store"));
    builder
}

/// Runs `work` once per idempotency key within `scope` (or simply runs it when the request has
/// none) and answers with its `(status, body)`. `body` is the parsed request, what "the same
/// request" means (serde_json's map is ordered, so whitespace and key order do not matter).
/// `work` is not polled at all when the answer is a replay or a conflict.
pub async fn once<F>(
    state: &AppState,
    req: &HttpRequest,
    scope: String,
    body: &Value,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    F: Future<Output = Result<(StatusCode, Value), ApiError>> + 'static,
{
    let Some(key) = key(req)? else {
        let (status, body) = finish(work).await?;
        return Ok(no_store(status).json(body));
    };
    let request_hash = sha256_hex(body.to_string().as_bytes());
    match state.store.begin_idempotent(&scope, &key, &request_hash).await? {
        IdempotencyBegin::Started => {}
        IdempotencyBegin::Replay { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return Ok(no_store(status)
                .insert_header(("Idempotent-Replayed", "true"))
                .content_type("application/json")
                .body(body));
        }
        IdempotencyBegin::InProgress => {
            return Err(ApiError::Conflict {
                code: "IDEMPOTENCY_KEY_IN_USE",
                message: "a request with this Idempotency-Key is still being processed".into(),
            })
        }
        IdempotencyBegin::Mismatch => {
            return Err(ApiError::Conflict {
                code: "IDEMPOTENCY_KEY_REUSED",
                message: "this Idempotency-Key was used with a different body".into(),
            })
        }
    }
    let store = state.store.clone();
    let (status, body) = finish(async move {
        let result = work.await;
        let stored = match final_answer(&result) {
            Some((status, body)) => store.complete_idempotent(&scope, &key, status, &body).await,
            None => store.abandon_idempotent(&scope, &key).await,
        };
        if let Err(e) = stored {
            // The action's own answer matters more to the caller than the bookkeeping.
            tracing::error!(error = ?e, %scope, "could not record the idempotent answer");
        }
        result
    })
    .await?;
    Ok(no_store(status).json(body))
}

/// Runs `work` on its own task, independent of the request's lifetime.
async fn finish<F>(work: F) -> Result<(StatusCode, Value), ApiError>
where
    F: Future<Output = Result<(StatusCode, Value), ApiError>> + 'static,
{
    actix_web::rt::spawn(work)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("request task failed: {e}")))?
}

/// The answers a retry must get again: successes and refusals. Answers a retry could change
/// (Antom's silence, our own failures) are not stored, so the key can be used again.
fn final_answer(result: &Result<(StatusCode, Value), ApiError>) -> Option<(u16, String)> {
    let error = match result {
        Ok((status, body)) => return Some((status.as_u16(), body.to_string())),
        Err(error) => error,
    };
    match error {
        ApiError::BadRequest { .. }
        | ApiError::Unprocessable { .. }
        | ApiError::Conflict { .. }
        | ApiError::NotFound { .. }
        | ApiError::AntomRejected { .. } => Some((error.status_code().as_u16(), error.body().to_string())),
        ApiError::Unauthenticated
        | ApiError::Forbidden
        | ApiError::AntomUnavailable
        | ApiError::PayloadTooLarge
        | ApiError::NotReady
        | ApiError::Internal(_) => None,
    }
}

/// The `Idempotency-Key` header: absent, or 1 to 255 visible ASCII characters.
fn key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= MAX_KEY_LEN && k.chars().all(|c| c.is_ascii_graphic()))
        .ok_or_else(|| ApiError::bad_request("Idempotency-Key must be 1 to 255 visible ASCII characters"))?;
    Ok(Some(key.to_owned()))
}
