//! `POST /sessions`, with `Idempotency-Key` replay. The buyer cookie names the buyer (the
//! `referenceBuyerId` Antom gets, the owner of `savedCardId`); a new buyer gets its cookie with
//! whatever this answers.

use actix_web::{web, HttpRequest, HttpResponse};

use super::buyer::Buyer;
use super::{read_body, require_json, MAX_BODY};
use crate::error::ApiError;
use crate::persistence::IdempotencyBegin;
use crate::services::buyer;
use crate::services::checkout::{create_session, SessionRequest};
use crate::state::AppState;
use crate::tokens::sha256_hex;

const SCOPE: &str = "POST /sessions";

pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    buyer: Buyer,
    payload: web::Payload,
) -> HttpResponse {
    let result = handle(&state, &req, &buyer, payload).await;
    buyer.respond(result)
}

async fn handle(
    state: &AppState,
    req: &HttpRequest,
    buyer: &Buyer,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body = read_body(payload, MAX_BODY).await?;
    require_json(req)?;
    let value: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}")))?;
    let request: SessionRequest = serde_json::from_value(value.clone())
        .map_err(|e| ApiError::bad_request(format!("invalid request: {e}")))?;

    let key = idempotency_key(req)?;
    // Before the key is claimed: an error here must not leave it in progress.
    buyer::remember(state, buyer.id()).await?;
    if let Some(key) = &key {
        // serde_json's map is ordered, so the canonical form ignores whitespace and key order.
        let hash = sha256_hex(value.to_string().as_bytes());
        match state.store.begin_idempotent(SCOPE, key, &hash).await? {
            IdempotencyBegin::Started => {}
            IdempotencyBegin::Replay { status, body } => {
                return Ok(HttpResponse::build(
                    actix_web::http::StatusCode::from_u16(status).unwrap_or_default(),
                )
                .insert_header(("Idempotent-Replayed", "true"))
                .content_type("application/json")
                .body(body))
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

    let result = create_session(state, request, Some(buyer.id().as_str())).await;
    if let Some(key) = &key {
        // Final answers are replayed; answers that a retry could change (504, 500) are not.
        let stored = match &result {
            Ok(created) => Some((201, serde_json::to_string(created).expect("serialisable"))),
            Err(
                e @ (ApiError::Unprocessable { .. }
                | ApiError::AntomRejected { .. }
                | ApiError::BadRequest { .. }),
            ) => Some((
                actix_web::ResponseError::status_code(e).as_u16(),
                e.body().to_string(),
            )),
            Err(_) => None,
        };
        match stored {
            Some((status, body)) => state.store.complete_idempotent(SCOPE, key, status, &body).await?,
            None => state.store.abandon_idempotent(SCOPE, key).await?,
        }
    }
    let created = result?;
    Ok(HttpResponse::Created().json(created))
}

fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255 && k.chars().all(|c| c.is_ascii_graphic()))
        .ok_or_else(|| ApiError::bad_request("Idempotency-Key must be 1 to 255 visible ASCII characters"))?;
    Ok(Some(key.to_owned()))
}
