//! `Idempotency-Key`, one implementation for `POST /sessions` and the admin actions: the first
//! request with a key does the work and its final answer is stored; the same key with the same
//! body gets that answer again (`Idempotent-Replayed: true`), with another body 409
//! `IDEMPOTENCY_KEY_REUSED`, and while the first is still running 409 `IDEMPOTENCY_KEY_IN_USE`.
//! Callers choose the scope (`POST /sessions`: per buyer; admin: per action and order), so a
//! key never reaches another scope's stored answer. A request that finds its key still being
//! handled waits (bounded) for that answer and replays it. Stored answers never hold a secret
//! in clear: the fields the caller names (the order token) are sealed with AES-GCM under a key
//! derived from `DATA_ENCRYPTION_KEY`, bound to the scope and key, and opened on replay.
//! Keys expire after 24 hours (`persistence::KEY_TTL`).
//!
//! The work runs in its own task, so a client that disconnects (a closed tab, a proxy timeout)
//! can neither leave the key "in progress" forever nor cut an action off between our database
//! and Antom.

use futures_util::FutureExt;
use std::future::Future;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde_json::Value;

use crate::persistence::IdempotencyBegin;
use crate::routes::error::ApiError;
use crate::services::card_crypto;
use crate::state::AppState;
use crate::tokens::sha256_hex;

const MAX_KEY_LEN: usize = 255;
/// How long a request waits for the answer of an identical one still in progress.
const IN_PROGRESS_WAIT: std::time::Duration = std::time::Duration::from_secs(15);
/// The subkey label of sealed response fields.
const SEAL_LABEL: &str = "idempotent-response-v1";

/// Answers are never cached: they carry order tokens and money movements.
fn no_store(status: StatusCode) -> actix_web::HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder.insert_header(("Cache-Control", "no-store"));
    builder
}

/// Runs `work` once per idempotency key within `scope` (or simply runs it when the request has
/// none) and answers with its `(status, body)`. `body` is the parsed request, what "the same
/// request" means (serde_json's map is ordered, so whitespace and key order do not matter).
/// `work` is not polled at all when the answer is a replay or a conflict. The string fields of
/// the answer named in `sealed` are stored encrypted.
pub async fn once<F>(
    state: &AppState,
    req: &HttpRequest,
    scope: String,
    body: &Value,
    sealed: &'static [&'static str],
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
    let deadline = tokio::time::Instant::now() + IN_PROGRESS_WAIT;
    loop {
        match state
            .store
            .begin_idempotent(&scope, &key, &request_hash, chrono::Utc::now())
            .await?
        {
            IdempotencyBegin::Started => break,
            IdempotencyBegin::Replay { status, body } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let body = open_fields(state, &scope, &key, &body, sealed)?;
                return Ok(no_store(status)
                    .insert_header(("Idempotent-Replayed", "true"))
                    .content_type("application/json")
                    .body(body));
            }
            IdempotencyBegin::InProgress if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
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
    }
    let store = state.store.clone();
    let data_key = state.data_key.clone();
    let (status, body) = finish(async move {
        let result = work.await;
        let stored = match final_answer(&result) {
            Some((status, body)) => {
                let body = seal_fields(&data_key, &scope, &key, body, sealed);
                store.complete_idempotent(&scope, &key, status, &body).await
            }
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

/// What binds a sealed field to its stored answer.
fn seal_aad(scope: &str, key: &str) -> Vec<u8> {
    format!("idempotency_keys|{scope}|{key}").into_bytes()
}

/// The stored form of an answer: `sealed` string fields replaced by `{"sealed": "…"}`.
fn seal_fields(
    data_key: &crate::config::DataKey,
    scope: &str,
    key: &str,
    body: String,
    sealed: &[&str],
) -> String {
    if sealed.is_empty() {
        return body;
    }
    let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(&body) else {
        return body;
    };
    for field in sealed {
        if let Some(Value::String(secret)) = map.get(*field) {
            let sealed = card_crypto::seal(data_key, SEAL_LABEL, &seal_aad(scope, key), secret.as_bytes());
            map.insert((*field).to_owned(), serde_json::json!({ "sealed": sealed }));
        }
    }
    Value::Object(map).to_string()
}

/// The answer to replay, with the sealed fields opened.
fn open_fields(
    state: &AppState,
    scope: &str,
    key: &str,
    stored: &str,
    sealed: &[&str],
) -> Result<String, ApiError> {
    if sealed.is_empty() {
        return Ok(stored.to_owned());
    }
    let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(stored) else {
        return Ok(stored.to_owned());
    };
    for field in sealed {
        let Some(ciphertext) = map
            .get(*field)
            .and_then(|v| v.get("sealed"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let plain = card_crypto::open(&state.data_key, SEAL_LABEL, &seal_aad(scope, key), ciphertext)
            .map_err(|e| ApiError::internal(format!("stored idempotent answer: {e}")))?;
        let plain = String::from_utf8(plain)
            .map_err(|e| ApiError::internal(format!("stored idempotent answer: {e}")))?;
        map.insert((*field).to_owned(), Value::String(plain));
    }
    Ok(Value::Object(map).to_string())
}

/// Runs `work` on its own task, independent of the request's lifetime.
async fn finish<F>(work: F) -> Result<(StatusCode, Value), ApiError>
where
    F: Future<Output = Result<(StatusCode, Value), ApiError>> + 'static,
{
    // The work is still this request's: its logs and Antom calls keep the request id and trace.
    actix_web::rt::spawn(crate::request_id::carried(work).boxed_local())
        .await
        .map_err(|e| ApiError::internal(format!("request task failed: {e}")))?
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
        | ApiError::RateLimited { .. }
        | ApiError::Internal(_) => None,
    }
}

/// The `Idempotency-Key` header: absent, or 1 to 255 visible ASCII characters.
pub fn key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
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
