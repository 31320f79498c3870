//! The browser side Antom would host: the stand-in Web SDK, the hosted card form, the 3-D Secure
//! challenge page, and the small JSON API those pages call (same origin as the pages, so card
//! data goes to the simulator only).
//!
//! | route | what it is |
//! | --- | --- |
//! | `GET /sdk/ams-checkout.js` | `window.AMSElement`, `window.AMSCashierPayment` and `window.AMSVaulting` (see the script's header) |
//! | `GET /checkout/form?session=…` | card form (`name=cardNumber`, `expiry`, `cvv`, `holderName`; `data-testid=sim-submit`, `sim-cancel`): the hosted checkout page (`normalUrl` of a `CHECKOUT_PAYMENT` session) and the SDK's frame; in `AMSElement`'s frame (`&mode=element`, with `appearance` JSON and `needCVV=true` from `mount()`) also the saved cards (`data-testid=sim-saved-card` `data-last4`, `sim-new-card`, `name=savedCvv`) and no `sim-cancel` |
//! | `POST /checkout/form?session=…` | the same form posted without scripts (form-encoded): 303 to the 3-D Secure page or back to the merchant, or a page saying what happened |
//! | `GET /checkout/3ds?session=…` | challenge (`data-testid=sim-3ds-pass`, `sim-3ds-fail`) |
//! | `POST /checkout/3ds` | form-encoded `session` (the `redirectActionForm` of pay: renders the challenge), plus `outcome=pass\|fail` (answers it, then as the form) |
//! | `GET /checkout/api/sessions/{id}` | the session as the pages see it (state, amount, `productScene`, `savedCards` for the Payment Element) |
//! | `POST /checkout/api/sessions/{id}/submit` | `{cardNumber, expiry, cvv, holderName}`: same rules as `POST /__sim/sessions/{id}/pay`; or `{savedCard: index, cvv?}`: pay with a card of the session's `savedCards` (Payment Element) |
//! | `POST /checkout/api/sessions/{id}/challenge` | `{"outcome": "pass"\|"fail"}` |
//!
//! Pages load their scripts from files (no inline script), so a strict CSP holds; they may be
//! framed by any merchant page (that is what the SDK does). They work without scripts too
//! (plain form posts), so a hosted checkout can be driven over HTTP alone.
//!
//! Back to the merchant at the end: an http(s) redirect URL gets a redirect (303 from a post,
//! `location.assign` from the scripts); any other scheme (`myshop://…`, for apps) gets a page
//! with a link, `data-testid=sim-app-return`, since browsers open apps reliably only from a
//! link the buyer follows.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use antom_client::codes;
use serde::{Deserialize, Serialize};

use crate::buyer::{self, BuyerError, CardEntry};
use crate::cards::CardError;
use crate::hosted::{self, Scene};
use crate::lifecycle::{ThreeDs, Tx};
use crate::sim::Sim;
use crate::state::{BuyerSession, SessionTarget, Stage, VaultStage};
use crate::validation::{currency_exponent, web_url};
use crate::views;

const SDK: &str = include_str!("../assets/ams-checkout.js");
const FORM_HTML: &str = include_str!("../assets/form.html");
const CHALLENGE_HTML: &str = include_str!("../assets/challenge.html");
const FRAME_JS: &str = include_str!("../assets/frame.js");
const FORM_JS: &str = include_str!("../assets/form.js");
const CHALLENGE_JS: &str = include_str!("../assets/challenge.js");
const CSS: &str = include_str!("../assets/sim.css");

const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors *";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/sdk/ams-checkout.js",
        web::get().to(|| async { asset(SDK, "application/javascript; charset=utf-8") }),
    )
    .route(
        "/checkout/form",
        web::get().to(|| async { page(FORM_HTML.to_owned()) }),
    )
    .route("/checkout/form", web::post().to(post_form))
    .route("/checkout/3ds", web::get().to(get_challenge))
    .route("/checkout/3ds", web::post().to(post_challenge))
    .route("/checkout/assets/{name}", web::get().to(page_asset))
    .route("/checkout/api/sessions/{id}", web::get().to(session))
    .route("/checkout/api/sessions/{id}/submit", web::post().to(submit))
    .route("/checkout/api/sessions/{id}/challenge", web::post().to(challenge));
}

fn asset(body: &'static str, content_type: &str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("content-type", content_type))
        .insert_header(("cache-control", "no-cache"))
        .insert_header(("access-control-allow-origin", "*"))
        .insert_header(("x-content-type-options", "nosniff"))
        .body(body)
}

fn page(html: String) -> HttpResponse {
    page_with_status(StatusCode::OK, html)
}

fn page_with_status(status: StatusCode, html: String) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("content-type", "text/html; charset=utf-8"))
        .insert_header(("cache-control", "no-store"))
        .insert_header(("content-security-policy", PAGE_CSP))
        .insert_header(("referrer-policy", "no-referrer"))
        .insert_header(("x-content-type-options", "nosniff"))
        .body(html)
}

async fn page_asset(name: web::Path<String>) -> HttpResponse {
    match name.as_str() {
        "frame.js" => asset(FRAME_JS, "application/javascript; charset=utf-8"),
        "form.js" => asset(FORM_JS, "application/javascript; charset=utf-8"),
        "challenge.js" => asset(CHALLENGE_JS, "application/javascript; charset=utf-8"),
        "sim.css" => asset(CSS, "text/css; charset=utf-8"),
        _ => crate::control::error(StatusCode::NOT_FOUND, "NOT_FOUND", "No such asset."),
    }
}

/// A session as the hosted pages see it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionView {
    kind: &'static str,
    /// OPEN, CHALLENGE, PROCESSING, SUCCESS, FAIL, EXPIRED, CLOSED or CANCELLED.
    state: &'static str,
    result_code: String,
    result_message: String,
    amount: Option<antom_client::model::Amount>,
    /// e.g. `SGD 42.00`.
    amount_text: Option<String>,
    card_brand: Option<String>,
    card_last_four: Option<String>,
    redirect_url: Option<String>,
    challenge_url: Option<String>,
    /// The card was refused as input; the form stays open.
    input_error: bool,
    /// `paymentSessionConfig.productScene` of the session data (`CASHIER_PAYMENT`,
    /// `ELEMENT_PAYMENT`, `CHECKOUT_PAYMENT`, `VAULTING`).
    product_scene: &'static str,
    /// The cards the merchant saved for the buyer (`savedPaymentMethods`), offered by the
    /// Payment Element only: empty for every other scene. Picked by `index`; the token never
    /// reaches the browser.
    saved_cards: Vec<SavedCardView>,
}

/// A saved card as the Payment Element lists it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SavedCardView {
    index: usize,
    brand: &'static str,
    last_four: String,
    /// `************1111`.
    masked: String,
    /// `MM/YY`.
    expiry: String,
}

fn amount_text(amount: &antom_client::model::Amount) -> String {
    let exponent = u32::from(currency_exponent(&amount.currency).unwrap_or(2));
    let minor = amount.minor_units().unwrap_or_default();
    if exponent == 0 {
        return format!("{} {minor}", amount.currency);
    }
    let unit = 10_i64.pow(exponent);
    format!(
        "{} {}.{:0width$}",
        amount.currency,
        minor / unit,
        minor % unit,
        width = exponent as usize
    )
}

fn expired(session: Option<&BuyerSession>, now: chrono::DateTime<chrono::Utc>) -> bool {
    session.is_none_or(|s| s.expires_at <= now)
}

fn view(tx: &Tx<'_>, session_id: &str) -> Result<SessionView, BuyerError> {
    let mut view = match tx.st.sessions.get(session_id).ok_or(BuyerError::NotFound)? {
        SessionTarget::Payment(payment_id) => payment_view(tx, payment_id)?,
        SessionTarget::Vaulting(request_id) => vaulting_view(tx, request_id)?,
    };
    if view.state == "CHALLENGE" {
        view.challenge_url = Some(hosted::challenge_url(tx.base_url, session_id));
    }
    Ok(view)
}

/// Code and message of a session the buyer can no longer use.
fn refusal(e: BuyerError) -> (String, String) {
    (e.code().to_owned(), e.to_string())
}

fn payment_view(tx: &Tx<'_>, payment_id: &str) -> Result<SessionView, BuyerError> {
    let payment = tx.st.payments().get(payment_id).ok_or(BuyerError::NotFound)?;
    let result = views::payment_result(payment);
    let outcome = (result.result_code, result.result_message);
    let (state, (result_code, result_message)) = match &payment.stage {
        Stage::AwaitingCard if expired(payment.session.as_ref(), tx.now) => {
            ("EXPIRED", refusal(BuyerError::Expired))
        }
        Stage::AwaitingCard => ("OPEN", outcome),
        Stage::AwaitingChallenge => ("CHALLENGE", outcome),
        Stage::Settling { .. } => ("PROCESSING", outcome),
        Stage::Authorized => ("SUCCESS", outcome),
        Stage::Failed { code, .. } if code == codes::ORDER_IS_CLOSED => {
            ("CLOSED", refusal(BuyerError::Closed))
        }
        Stage::Failed { .. } => ("FAIL", outcome),
        Stage::Cancelled { .. } => ("CANCELLED", refusal(BuyerError::Cancelled)),
    };
    let card = payment.card.as_ref().map(|c| &c.profile);
    let saved_cards = payment
        .offered_cards()
        .iter()
        .enumerate()
        .filter_map(|(index, token)| {
            let card = tx.st.cards.get(token)?;
            Some(SavedCardView {
                index,
                brand: card.profile.brand,
                last_four: card.profile.last_four.clone(),
                masked: card.profile.masked.clone(),
                expiry: format!("{}/{}", card.expiry.month_mm(), card.expiry.year_yy()),
            })
        })
        .collect();
    Ok(SessionView {
        kind: "payment",
        state,
        result_code,
        result_message,
        amount_text: Some(amount_text(&payment.amount)),
        amount: Some(payment.amount.clone()),
        card_brand: card.map(|c| c.brand.to_owned()),
        card_last_four: card.map(|c| c.last_four.clone()),
        redirect_url: Some(payment.redirect_url.clone()),
        challenge_url: None,
        input_error: false,
        product_scene: payment.scene.product_scene(),
        saved_cards,
    })
}

fn vaulting_view(tx: &Tx<'_>, request_id: &str) -> Result<SessionView, BuyerError> {
    let record = tx.st.vaultings().get(request_id).ok_or(BuyerError::NotFound)?;
    let verifying = || (codes::VERIFICATION_IN_PROCESS.to_owned(), String::new());
    let (state, (result_code, result_message), card) = match &record.stage {
        VaultStage::AwaitingCard if expired(record.session.as_ref(), tx.now) => {
            ("EXPIRED", refusal(BuyerError::Expired), None)
        }
        VaultStage::AwaitingCard => ("OPEN", verifying(), None),
        VaultStage::AwaitingChallenge { card } => ("CHALLENGE", verifying(), Some(&card.profile)),
        VaultStage::Settling { card, .. } => ("PROCESSING", verifying(), Some(&card.profile)),
        VaultStage::Stranded => ("PROCESSING", verifying(), None),
        VaultStage::Vaulted { token } => (
            "SUCCESS",
            ("SUCCESS".to_owned(), "The card was saved.".to_owned()),
            tx.st.cards.get(token).map(|c| &c.profile),
        ),
        VaultStage::Failed { code, .. } if code == codes::ORDER_IS_CLOSED => {
            ("EXPIRED", refusal(BuyerError::Expired), None)
        }
        VaultStage::Failed { code, message } => ("FAIL", (code.clone(), message.clone()), None),
    };
    Ok(SessionView {
        kind: "vaulting",
        state,
        result_code,
        result_message,
        amount: None,
        amount_text: None,
        card_brand: card.map(|c| c.brand.to_owned()),
        card_last_four: card.map(|c| c.last_four.clone()),
        redirect_url: record.redirect_url.clone(),
        challenge_url: None,
        input_error: false,
        product_scene: Scene::Vaulting.product_scene(),
        saved_cards: Vec::new(),
    })
}

fn respond(result: Result<SessionView, BuyerError>) -> HttpResponse {
    match result {
        Ok(view) => HttpResponse::Ok()
            .insert_header(("cache-control", "no-store"))
            .json(view),
        Err(e) => {
            let status = match e {
                BuyerError::NotFound => StatusCode::NOT_FOUND,
                _ => StatusCode::CONFLICT,
            };
            crate::control::error(status, e.code(), &e.to_string())
        }
    }
}

async fn session(sim: web::Data<Sim>, id: web::Path<String>) -> HttpResponse {
    respond(sim.with_state(|tx| view(tx, &id)))
}

/// The card fields of the form (JSON from form.js, form-encoded without scripts); the holder's
/// name is accepted and ignored. `savedCard` (the Payment Element's list): pay with that saved
/// card instead, with `cvv` when the merchant asked for it (else empty).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CardForm {
    #[serde(default)]
    card_number: String,
    #[serde(default)]
    expiry: String,
    #[serde(default)]
    cvv: String,
    #[serde(default)]
    saved_card: Option<usize>,
}

/// The buyer submits a card on session `id`: what the JSON API and the plain form both do.
fn submit_card(sim: &Sim, id: &str, form: &CardForm) -> Result<SessionView, BuyerError> {
    let entry = CardEntry {
        number: &form.card_number,
        expiry: Some(&form.expiry),
        cvv: Some(&form.cvv),
    };
    sim.with_state(|tx| {
        let refused = match (tx.st.sessions.get(id).cloned(), form.saved_card) {
            (Some(SessionTarget::Payment(payment_id)), Some(index)) => {
                let cvv = Some(form.cvv.trim()).filter(|c| !c.is_empty());
                buyer::pay_saved(tx, &payment_id, index, cvv)?
            }
            (Some(SessionTarget::Vaulting(_)), Some(_)) => Some(CardError::NotSaved),
            (Some(SessionTarget::Payment(payment_id)), None) => {
                buyer::pay(tx, &payment_id, entry, ThreeDs::Interactive)?
            }
            (Some(SessionTarget::Vaulting(request_id)), None) => {
                buyer::bind(tx, &request_id, entry, ThreeDs::Interactive)?
            }
            (None, _) => return Err(BuyerError::NotFound),
        };
        let mut current = view(tx, id)?;
        if let Some(e) = refused {
            refused_input(&mut current, e);
        }
        Ok(current)
    })
}

/// The buyer answers the challenge of session `id`.
fn answer_challenge(sim: &Sim, id: &str, pass: bool) -> Result<SessionView, BuyerError> {
    sim.with_state(|tx| {
        match tx.st.sessions.get(id).cloned() {
            Some(SessionTarget::Payment(payment_id)) => {
                buyer::answer_payment_challenge(tx, &payment_id, pass)?
            }
            Some(SessionTarget::Vaulting(request_id)) => {
                buyer::answer_vaulting_challenge(tx, &request_id, pass)?
            }
            None => return Err(BuyerError::NotFound),
        }
        view(tx, id)
    })
}

async fn submit(sim: web::Data<Sim>, id: web::Path<String>, body: web::Json<CardForm>) -> HttpResponse {
    respond(submit_card(&sim, &id, &body))
}

fn refused_input(view: &mut SessionView, e: CardError) {
    view.input_error = true;
    view.result_code = e.code().to_owned();
    view.result_message = e.to_string();
}

/// `pass` or `fail`.
fn outcome(text: &str) -> Option<bool> {
    match text {
        "pass" => Some(true),
        "fail" => Some(false),
        _ => None,
    }
}

#[derive(Deserialize)]
struct ChallengeAnswer {
    outcome: String,
}

async fn challenge(
    sim: web::Data<Sim>,
    id: web::Path<String>,
    body: web::Json<ChallengeAnswer>,
) -> HttpResponse {
    let Some(pass) = outcome(&body.outcome) else {
        return crate::control::error(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST",
            "outcome: must be pass or fail",
        );
    };
    respond(answer_challenge(&sim, &id, pass))
}

// ------------------------------------------------------------- the pages without scripts

/// `?session=…` of a page URL.
#[derive(Deserialize)]
struct SessionQuery {
    session: Option<String>,
}

/// The challenge page's form: `session` (also what pay's `redirectActionForm` posts), and the
/// buyer's `outcome` once answered. Other posted fields are ignored.
#[derive(Deserialize)]
struct ChallengePost {
    session: Option<String>,
    outcome: Option<String>,
}

/// Text for an HTML element or attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A link on a [`notice`] page: `(href, text, data-testid)`.
type Link<'a> = (&'a str, &'a str, &'a str);

/// A plain page saying what happened, for the flows without scripts. `state` goes on the
/// `sim-result` element as `data-state`.
fn notice(
    status: StatusCode,
    title: &str,
    message: &str,
    state: Option<&str>,
    link: Option<Link<'_>>,
) -> HttpResponse {
    let state_attr = state.map_or_else(String::new, |s| format!(" data-state=\"{}\"", escape(s)));
    let link = link.map_or_else(String::new, |(href, text, testid)| {
        format!(
            "<p><a href=\"{}\" data-testid=\"{}\">{}</a></p>",
            escape(href),
            escape(testid),
            escape(text)
        )
    });
    page_with_status(
        status,
        format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n  \
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n  \
             <title>Antom simulator · {title}</title>\n  \
             <link rel=\"icon\" href=\"data:,\">\n  <link rel=\"stylesheet\" href=\"/checkout/assets/sim.css\">\n</head>\n<body>\n<main>\n  \
             <header><span class=\"badge\">Antom sandbox simulator</span><h1>{title}</h1></header>\n  \
             <p class=\"result\" role=\"status\" data-testid=\"sim-result\"{state_attr}>{message}</p>\n  {link}\n\
             </main>\n</body>\n</html>\n",
            title = escape(title),
            message = escape(message),
        ),
    )
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("location", location))
        .insert_header(("cache-control", "no-store"))
        .finish()
}

/// A session the buyer cannot use, as a page.
fn refused_page(e: BuyerError) -> HttpResponse {
    let status = match e {
        BuyerError::NotFound => StatusCode::NOT_FOUND,
        _ => StatusCode::CONFLICT,
    };
    notice(
        status,
        "This session can no longer be used",
        &e.to_string(),
        Some(e.code()),
        None,
    )
}

/// Where a buyer goes after a plain form post on session `id`: the challenge, the merchant's
/// redirect URL (a redirect for web pages, a link for apps), or a page saying what happened.
fn conclude(view: &SessionView, id: &str) -> HttpResponse {
    if view.input_error {
        let retry = format!("/checkout/form?session={id}");
        return notice(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The card was not accepted",
            &view.result_message,
            Some(&view.result_code),
            Some((&retry, "Try another card", "sim-retry")),
        );
    }
    match view.state {
        "CHALLENGE" => see_other(&format!("/checkout/3ds?session={id}")),
        "SUCCESS" | "FAIL" | "PROCESSING" => match view.redirect_url.as_deref() {
            Some(url) => match web_url(url) {
                Some(location) => see_other(&location),
                None => notice(
                    StatusCode::OK,
                    "Return to the app",
                    &format!("{}: {}", view.state, view.result_code),
                    Some(view.state),
                    Some((url, "Return to the app", "sim-app-return")),
                ),
            },
            None => notice(
                StatusCode::OK,
                "Done",
                &format!("{}: {}", view.state, view.result_code),
                Some(view.state),
                None,
            ),
        },
        state => notice(
            StatusCode::CONFLICT,
            "This session can no longer be used",
            &view.result_message,
            Some(state),
            None,
        ),
    }
}

/// `POST /checkout/form?session=…`: the card form posted without scripts.
async fn post_form(
    sim: web::Data<Sim>,
    query: web::Query<SessionQuery>,
    form: web::Form<CardForm>,
) -> HttpResponse {
    let Some(id) = query.into_inner().session else {
        return refused_page(BuyerError::NotFound);
    };
    match submit_card(&sim, &id, &form) {
        Ok(view) => conclude(&view, &id),
        Err(e) => refused_page(e),
    }
}

/// The challenge page for session `id`, with the session written into it (a page reached by a
/// POST has no query to read it from).
fn challenge_page(id: &str) -> HttpResponse {
    page(CHALLENGE_HTML.replace("{{session}}", &escape(id)))
}

async fn get_challenge(query: web::Query<SessionQuery>) -> HttpResponse {
    challenge_page(query.session.as_deref().unwrap_or_default())
}

/// `POST /checkout/3ds`: pay's `redirectActionForm` (fields `session`, from `parameters`)
/// opens the challenge; the challenge page's own form (`outcome`) answers it.
async fn post_challenge(
    sim: web::Data<Sim>,
    query: web::Query<SessionQuery>,
    form: web::Form<ChallengePost>,
) -> HttpResponse {
    let form = form.into_inner();
    let Some(id) = form.session.or_else(|| query.into_inner().session) else {
        return refused_page(BuyerError::NotFound);
    };
    let Some(answer) = form.outcome else {
        return challenge_page(&id);
    };
    let Some(pass) = outcome(&answer) else {
        return notice(
            StatusCode::BAD_REQUEST,
            "Unexpected answer",
            "outcome: must be pass or fail",
            None,
            None,
        );
    };
    match answer_challenge(&sim, &id, pass) {
        Ok(view) => conclude(&view, &id),
        Err(e) => refused_page(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use antom_client::model::Amount;

    #[test]
    fn amounts_read_in_major_units() {
        assert_eq!(amount_text(&Amount::new("SGD", "4205")), "SGD 42.05");
        assert_eq!(amount_text(&Amount::new("JPY", "500")), "JPY 500");
        assert_eq!(amount_text(&Amount::new("USD", "7")), "USD 0.07");
    }
}
