//! Reading request bodies: bounded in size, and JSON only where state changes.

use actix_web::web;
use futures_util::StreamExt;

use super::error::ApiError;

/// Largest JSON body any route accepts.
pub const MAX_BODY: usize = 64 * 1024;

/// Reads a request body up to `limit` bytes; larger bodies are refused before being read whole.
pub async fn read_body(mut payload: web::Payload, limit: usize) -> Result<web::Bytes, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad_request(format!("could not read the body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// State-changing buyer and admin routes accept JSON bodies only (no cross-site form posts).
pub fn require_json(req: &actix_web::HttpRequest) -> Result<(), ApiError> {
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    if media.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::BadRequest {
            code: "INVALID_REQUEST",
            message: "the body must be application/json".into(),
        })
    }
}
