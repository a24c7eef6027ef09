//! Admin endpoints: `POST /admin/reload` rebuilds the engine from the config and wordlist
//! directories now.
//!
//! `200 {"status": "reloaded", "version": ..., "previous_version": ..., ...}` when the new engine
//! is serving; `422 {"error": {"code": "reload_failed", "message": "... en/insult.txt:7: ..."}}`
//! when the files are broken, and the previous engine keeps serving.

use super::auth::AdminKey;
use super::errors::{method_not_allowed, ApiError, ApiErrorBody};
use super::AppState;
use crate::metrics::{unix_seconds, ReloadTrigger};
use actix_web::{web, HttpResponse};
use serde::Serialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/reload")
            .route(web::post().to(reload))
            .default_service(method_not_allowed("POST")),
    );
}

/// `POST /admin/reload` when the new engine is serving.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Reloaded<'a> {
    /// Always `reloaded`.
    pub status: &'static str,
    pub version: &'a str,
    pub previous_version: &'a str,
    /// RFC 3339, UTC.
    pub loaded_at: String,
    pub loaded_at_unix: u64,
    pub entries: usize,
    pub allowlist: usize,
}

/// Rebuilds the engine from the files now; on any error the previous engine keeps serving.
#[utoipa::path(
    post,
    path = "/admin/reload",
    tag = "admin",
    responses(
        (status = 200, description = "The new lexicon is serving", body = Reloaded),
        (status = 401, description = "Missing or invalid admin key", body = ApiErrorBody),
        (status = 403, description = "No admin key configured and auth.admin_open is false", body = ApiErrorBody),
        (status = 405, description = "Use POST", body = ApiErrorBody),
        (status = 422, description = "The files are broken (file and line in the message); the previous lexicon keeps serving", body = ApiErrorBody),
        (status = 500, description = "The build task failed", body = ApiErrorBody),
        (status = 503, description = "Timed out", body = ApiErrorBody),
    ),
    security((), ("bearer" = []), ("key" = []))
)]
pub(crate) async fn reload(state: web::Data<AppState>, _key: AdminKey) -> Result<HttpResponse, ApiError> {
    let reloaded = state.reloader.reload(ReloadTrigger::Admin).await?;
    let info = reloaded.engine.info();
    let unix = unix_seconds(info.loaded_at);
    Ok(HttpResponse::Ok().json(Reloaded {
        status: "reloaded",
        version: &info.version,
        previous_version: &reloaded.previous_version,
        loaded_at: super::native::rfc3339(unix),
        loaded_at_unix: unix,
        entries: info.entries,
        allowlist: info.allowlist,
    }))
}
