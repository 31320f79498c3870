//! The buyer cookie on the HTTP side: a [`Buyer`] extractor that reads and verifies the cookie
//! (or issues a new buyer), and puts `Set-Cookie` on the response when it issued one.
//!
//! Handlers end with [`Buyer::respond`], so that error answers carry the new cookie too.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::header::{HeaderValue, CACHE_CONTROL, COOKIE, SET_COOKIE};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};

use crate::routes::error::ApiError;
use crate::services::buyer::{self, BuyerId, COOKIE_NAME};
use crate::state::AppState;

/// A year: the cookie outlives sessions so saved cards stay with the browser.
const MAX_AGE_SECONDS: u32 = 365 * 24 * 3600;

/// The buyer behind a request.
#[derive(Debug, Clone)]
pub struct Buyer {
    id: BuyerId,
    /// The `Set-Cookie` value when this request got a new buyer.
    issued: Option<String>,
}

impl Buyer {
    /// The buyer named by the request's valid cookie, if any (nothing is issued).
    pub fn presented(state: &AppState, req: &HttpRequest) -> Option<BuyerId> {
        cookies(req, COOKIE_NAME).find_map(|value| buyer::verify(&state.data_key, value))
    }

    /// The buyer of the request's valid cookie, else a new one.
    pub fn identify(state: &AppState, req: &HttpRequest) -> Buyer {
        if let Some(id) = Buyer::presented(state, req) {
            return Buyer { id, issued: None };
        }
        let (id, value) = buyer::issue(&state.data_key);
        let secure = if state.public_base_url.starts_with("https://") {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!(
            "{COOKIE_NAME}={value}; Path=/; Max-Age={MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax{secure}"
        );
        Buyer {
            id,
            issued: Some(cookie),
        }
    }

    pub fn id(&self) -> &BuyerId {
        &self.id
    }

    /// Adds `Set-Cookie` when this request issued the buyer, and keeps shared caches from
    /// storing that answer (they would hand one buyer id to everyone).
    pub fn attach(&self, response: &mut HttpResponse) {
        let Some(cookie) = &self.issued else { return };
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(cookie) {
            headers.append(SET_COOKIE, value);
        }
        if !headers.contains_key(CACHE_CONTROL) {
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("private"));
        }
    }

    /// The handler's answer (or its error's), with the cookie attached.
    pub fn respond(&self, result: Result<HttpResponse, ApiError>) -> HttpResponse {
        let mut response = result.unwrap_or_else(|e| e.error_response());
        self.attach(&mut response);
        response
    }
}

/// The values of the request's cookies called `name`.
pub fn cookies<'a>(req: &'a HttpRequest, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    req.headers()
        .get_all(COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(move |(n, _)| *n == name)
        .map(|(_, value)| value.trim_matches('"'))
}

impl FromRequest for Buyer {
    type Error = ApiError;
    type Future = Ready<Result<Buyer, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.app_data::<web::Data<AppState>>() {
            Some(state) => Ok(Buyer::identify(state, req)),
            None => Err(ApiError::internal("application state missing")),
        })
    }
}
