//! Operations endpoints: `GET /healthz` (the process answers), `GET /readyz` (a lexicon is loaded
//! and the service is not draining) and `GET /metrics` (Prometheus text format).
//!
//! Open unless `auth.protect_ops_endpoints`; they take no admission permit, so an overloaded
//! service still reports on itself.

use super::auth::OpsKey;
use super::errors::{method_not_allowed, ApiError, ApiErrorBody};
use super::AppState;
use actix_web::{web, HttpResponse};
use serde::Serialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/healthz")
            .route(web::get().to(healthz))
            .default_service(method_not_allowed("GET")),
    )
    .service(
        web::resource("/readyz")
            .route(web::get().to(readyz))
            .default_service(method_not_allowed("GET")),
    )
    .service(
        web::resource("/metrics")
            .route(web::get().to(metrics))
            .default_service(method_not_allowed("GET")),
    );
}

/// `GET /healthz`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}

/// `GET /readyz` when ready.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Ready<'a> {
    /// Always `ready`.
    pub status: &'static str,
    pub lexicon_version: &'a str,
}

/// The process answers.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "ops",
    responses(
        (status = 200, description = "The process answers", body = Health),
        (status = 401, description = "auth.protect_ops_endpoints is set and the key is missing or invalid", body = ApiErrorBody),
        (status = 405, description = "Use GET", body = ApiErrorBody),
        (status = 503, description = "Timed out", body = ApiErrorBody),
    ),
    security((), ("bearer" = []), ("key" = []))
)]
pub(crate) async fn healthz(_key: OpsKey) -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// A lexicon is loaded and the service is not draining.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "ops",
    responses(
        (status = 200, description = "Ready to score", body = Ready),
        (status = 401, description = "auth.protect_ops_endpoints is set and the key is missing or invalid", body = ApiErrorBody),
        (status = 405, description = "Use GET", body = ApiErrorBody),
        (status = 503, description = "Draining for shutdown, or timed out", body = ApiErrorBody),
    ),
    security((), ("bearer" = []), ("key" = []))
)]
pub(crate) async fn readyz(state: web::Data<AppState>, _key: OpsKey) -> Result<HttpResponse, ApiError> {
    if state.lifecycle.is_draining() {
        return Err(ApiError::Draining);
    }
    let engine = state.engine.current();
    Ok(HttpResponse::Ok().json(Ready {
        status: "ready",
        lexicon_version: engine.version(),
    }))
}

/// Prometheus metrics, text exposition format 0.0.4.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "ops",
    responses(
        (status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
        (status = 401, description = "auth.protect_ops_endpoints is set and the key is missing or invalid", body = ApiErrorBody),
        (status = 405, description = "Use GET", body = ApiErrorBody),
        (status = 503, description = "Timed out", body = ApiErrorBody),
    ),
    security((), ("bearer" = []), ("key" = []))
)]
pub(crate) async fn metrics(state: web::Data<AppState>, _key: OpsKey) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render())
}
