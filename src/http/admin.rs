//! Admin endpoints: `POST /admin/reload` rebuilds the engine from the config and wordlist
//! directories now.
//!
//! `200 {"status": "reloaded", "version": ..., "previous_version": ..., ...}` when the new engine
//! is serving; `422 {"error": {"code": "reload_failed", "message": "... en/insult.txt:7: ..."}}`
//! when the files are broken, and the previous engine keeps serving.

use super::auth::AdminKey;
use super::errors::{method_not_allowed, ApiError};
use super::AppState;
use crate::metrics::{unix_seconds, ReloadTrigger};
use actix_web::{web, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/reload")
            .route(web::post().to(reload))
            .default_service(method_not_allowed("POST")),
    );
}

async fn reload(state: web::Data<AppState>, _key: AdminKey) -> Result<HttpResponse, ApiError> {
    let reloaded = state.reloader.reload(ReloadTrigger::Admin).await?;
    let info = reloaded.engine.info();
    let unix = unix_seconds(info.loaded_at);
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "status": "reloaded",
        "version": &*info.version,
        "previous_version": &*reloaded.previous_version,
        "loaded_at": super::native::rfc3339(unix),
        "loaded_at_unix": unix,
        "entries": info.entries,
        "allowlist": info.allowlist,
    })))
}
