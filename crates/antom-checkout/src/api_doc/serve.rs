//! `GET /docs/api`: swagger-ui rendering `/openapi.json`, offline (every file from this origin).

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{web, HttpResponse};

use crate::api_doc::swagger_ui;
use crate::routes::error::error_body;
use crate::routes::pages::page_headers;

/// The API reference: swagger-ui over `/openapi.json`, every file from this origin.
#[utoipa::path(get, path = "/docs/api", tag = "docs",
    responses((status = 200, description = "The reference page", content_type = "text/html", body = String)))]
pub async fn reference_page() -> HttpResponse {
    page_headers(HttpResponse::Ok()).body(swagger_ui::PAGE)
}

/// The reference page's scripts and styles (swagger-ui-dist, vendored).
#[utoipa::path(get, path = "/docs/api/{file}", tag = "docs",
    params(("file" = String, Path, description = "`swagger-ui-bundle.js`, `swagger-ui.css` or `api-docs.js`")),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/javascript"),
            (String = "text/css"),
        )),
        (status = 404, description = "NOT_FOUND: no such file", body = crate::api_doc::schemas::common::ErrorBody),
    ))]
pub async fn reference_asset(path: web::Path<String>) -> HttpResponse {
    match swagger_ui::asset(&path) {
        Some((content_type, bytes)) => HttpResponse::Ok()
            .content_type(content_type)
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .insert_header((CACHE_CONTROL, "public, max-age=3600"))
            .body(bytes),
        None => HttpResponse::NotFound().json(error_body("NOT_FOUND", "no such file")),
    }
}
