//! The `/__sim/` control and inspection API (http-contract §6): JSON in and out, no
//! signature, for tests and developers only. Bad input is 400 `{"error": {"code", "message"}}`.
//!
//! | route | what it does |
//! | --- | --- |
//! | `POST /__sim/sessions/{paymentRequestId}/pay` | `{"cardNumber", "threeDsOutcome"?: "pass"\|"fail"\|"open", "expiry"?: "MM/YY", "cvv"?}`: the buyer pays the session (`open`: leaves a 3-D Secure challenge unanswered) (a pending 3-D Secure challenge, e.g. of a `pay`, is answered with `threeDsOutcome` and needs no card). → `{paymentId, paymentRequestId, paymentStatus, resultCode, resultMessage}` |
//! | `POST /__sim/vaulting/{vaultingRequestId}/bind` | the same for a vaulting → `{vaultingRequestId, vaultingStatus, resultCode, resultMessage, cardToken?}` |
//! | `GET /__sim/requests` | `{"requests": [{path, endpoint, requestId, clientId, signatureValid, resultCode, resultStatus, at}]}` |
//! | `GET /__sim/notifications` | `{"notifications": [{id, notifyType, url, status, createdAt, nextAttemptAt, duplicateOf, body, attempts: [{attempt, at, httpStatus, error, responseBody, acknowledged}]}]}` |
//! | `POST /__sim/notifications/flush` | releases notifications held by `reorder` |
//! | `GET`/`POST`/`DELETE /__sim/faults` | see `faults`; bad input is 400 `INVALID_FAULTS` naming the field |
//! | `GET`/`POST /__sim/merchant` | the merchant's contract settings, see `merchant` (e.g. `{"settlementCurrencies": ["SGD", "USD"]}`); a POST replaces the fields it names; bad input is 400 `INVALID_MERCHANT` |
//! | `GET /__sim/ledger` | per payment the authorized, captured and refunded amounts with every capture and refund, every body each idempotency key came with, every notification with its body hash and acknowledgement (see `export`; an extension beyond the contract) |
//! | `POST /__sim/reset` | forgets everything (state, logs, faults, merchant settings, clock offset) → 204 |
//! | `GET /__sim/clock`, `POST /__sim/clock/advance` `{"seconds": N}` | simulated time |

use antom_client::codes;
use std::time::Duration;

use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use crate::buyer::{self, BuyerError, CardEntry};
use crate::faults::FaultsInput;
use crate::lifecycle::ThreeDs;
use crate::merchant::MerchantInput;
use crate::sim::Sim;
use crate::state::VaultStage;
use crate::sync::lock;
use crate::views;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/__sim")
            .route("/sessions/{payment_request_id}/pay", web::post().to(pay_session))
            .route(
                "/vaulting/{vaulting_request_id}/bind",
                web::post().to(bind_vaulting),
            )
            .route("/requests", web::get().to(requests))
            .route("/notifications", web::get().to(notifications))
            .route("/notifications/flush", web::post().to(flush_notifications))
            .route("/faults", web::get().to(get_faults))
            .route("/faults", web::post().to(set_faults))
            .route("/faults", web::delete().to(clear_faults))
            .route("/merchant", web::get().to(get_merchant))
            .route("/merchant", web::post().to(set_merchant))
            .route("/ledger", web::get().to(ledger))
            .route("/reset", web::post().to(reset))
            .route("/clock", web::get().to(clock))
            .route("/clock/advance", web::post().to(advance_clock))
            .default_service(web::to(|| async {
                error(StatusCode::NOT_FOUND, "NOT_FOUND", "No such control route.")
            })),
    );
}

pub fn error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({"error": {"code": code, "message": message}}))
}

/// The JSON body, or a 400 in the contract's error shape.
fn parse<T: DeserializeOwned>(body: &[u8]) -> actix_web::Result<T> {
    serde_json::from_slice(body).map_err(|e| {
        let message = format!("Invalid JSON body: {e}");
        let response = error(StatusCode::BAD_REQUEST, "INVALID_REQUEST", &message);
        InternalError::from_response(message, response).into()
    })
}

fn buyer_error(e: BuyerError) -> HttpResponse {
    let status = match e {
        BuyerError::NotFound => StatusCode::NOT_FOUND,
        _ => StatusCode::CONFLICT,
    };
    error(status, e.code(), &e.to_string())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BuyerInput {
    #[serde(default)]
    card_number: String,
    #[serde(default)]
    three_ds_outcome: Option<Outcome3ds>,
    expiry: Option<String>,
    cvv: Option<String>,
    /// Accepted (the form has it) and ignored.
    #[serde(default, rename = "holderName")]
    _holder_name: Option<serde::de::IgnoredAny>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Outcome3ds {
    Pass,
    Fail,
    /// The buyer leaves the challenge open (an abandoned payment, closed ~14 min later).
    Open,
}

impl BuyerInput {
    fn entry(&self) -> CardEntry<'_> {
        CardEntry {
            number: &self.card_number,
            expiry: self.expiry.as_deref(),
            cvv: self.cvv.as_deref(),
        }
    }

    /// Without a browser every challenge is answered at once (passing is the default), unless
    /// the buyer leaves it `open`.
    fn three_ds(&self) -> ThreeDs {
        match self.three_ds_outcome {
            Some(Outcome3ds::Fail) => ThreeDs::Fail,
            Some(Outcome3ds::Open) => ThreeDs::Interactive,
            Some(Outcome3ds::Pass) | None => ThreeDs::Pass,
        }
    }
}

async fn pay_session(
    sim: web::Data<Sim>,
    path: web::Path<String>,
    body: web::Bytes,
) -> actix_web::Result<HttpResponse> {
    let input: BuyerInput = parse(&body)?;
    let request_id = path.into_inner();
    Ok(sim.with_state(|tx| {
        let Some(payment_id) = tx.st.payment_by_request_id(&request_id).map(|p| p.id.clone()) else {
            return buyer_error(BuyerError::NotFound);
        };
        let refused = match buyer::pay(tx, &payment_id, input.entry(), input.three_ds()) {
            Ok(refused) => refused,
            Err(e) => return buyer_error(e),
        };
        let payment = &tx.st.payments()[&payment_id];
        let outcome = views::payment_result(payment);
        let (code, message) = match refused {
            Some(card_error) => (card_error.code().to_owned(), card_error.to_string()),
            None => (outcome.result_code, outcome.result_message),
        };
        HttpResponse::Ok().json(json!({
            "paymentId": payment.id,
            "paymentRequestId": payment.request_id,
            "paymentStatus": payment.stage.status(),
            "resultCode": code,
            "resultMessage": message,
        }))
    }))
}

async fn bind_vaulting(
    sim: web::Data<Sim>,
    path: web::Path<String>,
    body: web::Bytes,
) -> actix_web::Result<HttpResponse> {
    let input: BuyerInput = parse(&body)?;
    let request_id = path.into_inner();
    Ok(sim.with_state(|tx| {
        let refused = match buyer::bind(tx, &request_id, input.entry(), input.three_ds()) {
            Ok(refused) => refused,
            Err(e) => return buyer_error(e),
        };
        let record = &tx.st.vaultings()[&request_id];
        let (status, code, message, token) = match &record.stage {
            VaultStage::Vaulted { token } => (
                "SUCCESS",
                "SUCCESS".to_owned(),
                "success".to_owned(),
                Some(token.expose().to_owned()),
            ),
            VaultStage::Failed { code, message } => ("FAIL", code.clone(), message.clone(), None),
            VaultStage::AwaitingCard
            | VaultStage::AwaitingChallenge { .. }
            | VaultStage::Settling { .. }
            | VaultStage::Stranded => (
                "PROCESSING",
                codes::VERIFICATION_IN_PROCESS.to_owned(),
                "The card is being verified.".to_owned(),
                None,
            ),
        };
        let (code, message) = match refused {
            Some(card_error) => (card_error.code().to_owned(), card_error.to_string()),
            None => (code, message),
        };
        HttpResponse::Ok().json(json!({
            "vaultingRequestId": record.request_id,
            "vaultingStatus": status,
            "resultCode": code,
            "resultMessage": message,
            "cardToken": token,
        }))
    }))
}

async fn requests(sim: web::Data<Sim>) -> HttpResponse {
    let body = sim.with_state(|tx| json!({ "requests": tx.st.requests.all() }));
    HttpResponse::Ok().json(body)
}

async fn notifications(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "notifications": sim.notifier.view() }))
}

async fn flush_notifications(sim: web::Data<Sim>) -> HttpResponse {
    sim.release_held_notifications();
    HttpResponse::Ok().json(json!({ "notifications": sim.notifier.view() }))
}

async fn get_faults(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(lock(&sim.faults).view())
}

async fn set_faults(sim: web::Data<Sim>, body: web::Bytes) -> actix_web::Result<HttpResponse> {
    let input: FaultsInput = parse(&body)?;
    let applied = lock(&sim.faults).apply(input);
    Ok(match applied {
        Ok(release) => {
            if release {
                sim.release_held_notifications();
            }
            HttpResponse::Ok().json(lock(&sim.faults).view())
        }
        Err(message) => error(StatusCode::BAD_REQUEST, "INVALID_FAULTS", &message),
    })
}

async fn clear_faults(sim: web::Data<Sim>) -> HttpResponse {
    let was_reordering = lock(&sim.faults).clear();
    if was_reordering {
        sim.release_held_notifications();
    }
    HttpResponse::Ok().json(lock(&sim.faults).view())
}

async fn ledger(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(crate::export::ledger(&sim))
}

async fn get_merchant(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(lock(&sim.merchant).view())
}

async fn set_merchant(sim: web::Data<Sim>, body: web::Bytes) -> actix_web::Result<HttpResponse> {
    let input: MerchantInput = parse(&body)?;
    let mut merchant = lock(&sim.merchant);
    Ok(match merchant.apply(input) {
        Ok(()) => HttpResponse::Ok().json(merchant.view()),
        Err(message) => error(StatusCode::BAD_REQUEST, "INVALID_MERCHANT", &message),
    })
}

async fn reset(sim: web::Data<Sim>) -> HttpResponse {
    sim.reset();
    HttpResponse::NoContent().finish()
}

fn clock_view(sim: &Sim) -> serde_json::Value {
    json!({
        "now": views::time(sim.clock.now()),
        "offsetSeconds": sim.clock.offset().as_secs_f64(),
        "timeScale": sim.clock.scale(),
    })
}

async fn clock(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(clock_view(&sim))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: f64,
}

async fn advance_clock(sim: web::Data<Sim>, body: web::Bytes) -> actix_web::Result<HttpResponse> {
    let input: Advance = parse(&body)?;
    let Ok(by) = Duration::try_from_secs_f64(input.seconds) else {
        return Ok(error(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST",
            "seconds: must be a non-negative number (time only moves forward)",
        ));
    };
    sim.advance_clock(by);
    Ok(HttpResponse::Ok().json(clock_view(&sim)))
}
