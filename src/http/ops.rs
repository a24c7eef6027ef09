//! Operations endpoints: `GET /healthz` (the process answers), `GET /readyz` (a lexicon is loaded
//! and the service is not draining) and `GET /metrics` (Prometheus text format).
//!
//! Open unless `auth.protect_ops_endpoints`; they take no admission permit, so an overloaded
//! service still reports on itself.

use super::auth::OpsKey;
use super::errors::{method_not_allowed, ApiError};
use super::AppState;
use actix_web::{web, HttpResponse};

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

async fn healthz(_key: OpsKey) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

async fn readyz(state: web::Data<AppState>, _key: OpsKey) -> Result<HttpResponse, ApiError> {
    if state.lifecycle.is_draining() {
        return Err(ApiError::Draining);
    }
    let engine = state.engine.current();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "status": "ready",
        "lexicon_version": &**engine.version(),
    })))
}

async fn metrics(state: web::Data<AppState>, _key: OpsKey) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render())
}
