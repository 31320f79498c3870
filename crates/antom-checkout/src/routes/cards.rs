//! The buyer's saved cards: `GET /api/cards`, `DELETE /api/cards/{cardId}`, and
//! `POST /api/cards` (direct vaulting, only with `PCI_DIRECT_VAULTING=true`).
//!
//! Everything is scoped to the cookie's buyer: another buyer's card is 404 `CARD_NOT_FOUND`,
//! exactly like a card that never existed. The body of `POST /api/cards` holds a card number:
//! it is never logged, stored or echoed; errors name fields, not values.

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{web, HttpRequest, HttpResponse};
use antom_client::codes;
use chrono::{SecondsFormat, Utc};
use domain::CardId;
use serde::Serialize;
use serde_json::json;

use super::body::{read_body, require_json, MAX_BODY};
use super::extractors::buyer::Buyer;
use super::extractors::client::{buyer_env, check_limit};
use crate::persistence::SavedCard;
use crate::rate_limit::Limit;
use crate::routes::error::{error_body, ApiError};
use crate::services::card_input::CardInput;
use crate::services::vaulting::{self, DirectVaulting};
use crate::state::AppState;

/// One card as the buyer sees it: never the token.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CardView<'a> {
    pub card_id: &'a str,
    pub brand: &'a str,
    pub masked_card_no: &'a str,
    pub last_four: &'a str,
    pub expiry_month: &'a str,
    pub expiry_year: &'a str,
    pub created_at: String,
}

impl<'a> From<&'a SavedCard> for CardView<'a> {
    fn from(card: &'a SavedCard) -> Self {
        CardView {
            card_id: card.id.as_str(),
            brand: &card.brand,
            masked_card_no: &card.masked_card_no,
            last_four: &card.last_four,
            expiry_month: &card.expiry_month,
            expiry_year: &card.expiry_year,
            created_at: card.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        }
    }
}

fn card_not_found() -> ApiError {
    ApiError::NotFound {
        code: "CARD_NOT_FOUND",
    }
}

#[utoipa::path(
    get,
    path = "/api/cards",
    tag = "cards",
    responses(
        (status = 200, description = "The cookie's buyer's saved cards", body = crate::api_doc::schemas::buyer::CardList),
        (status = 429, description = "RATE_LIMITED: over the per-IP or per-buyer budget (see `Retry-After`)", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn list(state: web::Data<AppState>, req: HttpRequest, buyer: Buyer) -> HttpResponse {
    let result = async {
        check_limit(&state, &req, Limit::Cards, Some(buyer.id().as_str()))?;
        let cards = state.store.cards_of_buyer(buyer.id().as_str()).await?;
        let views: Vec<CardView<'_>> = cards.iter().map(CardView::from).collect();
        Ok(HttpResponse::Ok()
            .insert_header((CACHE_CONTROL, "no-store"))
            .json(json!({ "cards": views })))
    }
    .await;
    buyer.respond(result)
}

#[utoipa::path(
    delete,
    path = "/api/cards/{card_id}",
    tag = "cards",
    params(("card_id" = String, Path, description = "The card")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "CARD_NOT_FOUND: not this buyer's card", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 429, description = "RATE_LIMITED: over the per-IP or per-buyer budget (see `Retry-After`)", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn delete(
    state: web::Data<AppState>,
    req: HttpRequest,
    buyer: Buyer,
    path: web::Path<String>,
) -> HttpResponse {
    let result = async {
        check_limit(&state, &req, Limit::Cards, Some(buyer.id().as_str()))?;
        let card_id = CardId::parse(&path.into_inner()).map_err(|_| card_not_found())?;
        if state
            .store
            .delete_card(&card_id, buyer.id().as_str(), Utc::now())
            .await?
        {
            Ok(HttpResponse::NoContent().finish())
        } else {
            Err(card_not_found())
        }
    }
    .await;
    buyer.respond(result)
}

/// The buyer's device: optional `terminalType` (WEB, WAP, APP) and `osType` (IOS, ANDROID;
/// required for APP) in the body, and what the request shows (IP, user agent, language).
fn device(
    state: &AppState,
    req: &HttpRequest,
    body: &serde_json::Value,
) -> Result<vaulting::Device, ApiError> {
    let field = |name: &str| body.get(name).and_then(serde_json::Value::as_str);
    let terminal_type = match field("terminalType") {
        None => None,
        Some(t @ ("WEB" | "WAP" | "APP")) => Some(antom_client::model::TerminalType::from(t)),
        Some(_) => return Err(ApiError::bad_request("terminalType must be WEB, WAP or APP")),
    };
    let os_type = match field("osType") {
        None => None,
        Some(os @ ("IOS" | "ANDROID")) => Some(antom_client::model::OsType::from(os)),
        Some(_) => return Err(ApiError::bad_request("osType must be IOS or ANDROID")),
    };
    if field("terminalType") == Some("APP") && os_type.is_none() {
        return Err(ApiError::bad_request(
            "osType (IOS or ANDROID) is required when terminalType is APP",
        ));
    }
    Ok(vaulting::Device {
        terminal_type,
        os_type,
        env: buyer_env(req, &state.settings.trusted_proxies),
    })
}

/// `POST /api/cards`: 201 with the card, or 202 `{"redirectUrl", "vaultingRequestId"}` while
/// Antom verifies it (3-D Secure when `redirectUrl` is set).
#[utoipa::path(
    post,
    path = "/api/cards",
    tag = "cards",
    request_body(content = crate::api_doc::schemas::buyer::CardInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Vaulted", body = crate::api_doc::schemas::buyer::Card),
        (status = 202, description = "Antom is verifying the card (3-D Secure at `redirectUrl`)", body = crate::api_doc::schemas::buyer::CardVerifying),
        (status = 400, description = "INVALID_REQUEST", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 404, description = "NOT_FOUND: `PCI_DIRECT_VAULTING` is off", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 413, description = "PAYLOAD_TOO_LARGE", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 422, description = "Invalid card fields, or Antom refused the card", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 429, description = "RATE_LIMITED: over the per-IP or per-buyer budget (see `Retry-After`)", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 502, description = "ANTOM_REJECTED", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 504, description = "ANTOM_UNAVAILABLE", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    buyer: Buyer,
    payload: web::Payload,
) -> HttpResponse {
    if !state.settings.pci_direct_vaulting {
        // Exactly what an unknown route answers.
        return HttpResponse::NotFound().json(error_body("NOT_FOUND", "no such route"));
    }
    let result = async {
        check_limit(&state, &req, Limit::Cards, Some(buyer.id().as_str()))?;
        let body = read_body(payload, MAX_BODY).await?;
        require_json(&req)?;
        // Syntax errors of serde_json name a position, never the text.
        let value: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}")))?;
        drop(body);
        let card = CardInput::parse(&value, Utc::now()).map_err(|e| ApiError::Unprocessable {
            code: codes::INVALID_CARD,
            message: e.to_string(),
        })?;
        let device = device(&state, &req, &value)?;
        drop(value);
        match vaulting::vault_card(&state, buyer.id(), card, &device).await? {
            DirectVaulting::Vaulted(card) => Ok(HttpResponse::Created().json(CardView::from(&card))),
            DirectVaulting::Verifying {
                vaulting_request_id,
                redirect_url,
            } => Ok(HttpResponse::Accepted()
                .json(json!({"redirectUrl": redirect_url, "vaultingRequestId": vaulting_request_id}))),
        }
    }
    .await;
    buyer.respond(result)
}
