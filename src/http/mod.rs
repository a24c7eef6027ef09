//! The HTTP service: actix-web wiring, one file per API surface.
//!
//! - [`startup`]: [`Application`] binds the listener, builds the engine and the shared
//!   [`AppState`], starts the reload triggers, and runs until SIGTERM/SIGINT.
//! - [`native`]: `/v1/moderate`, `/v1/moderate/batch`, `/v1/lexicon` (tamiz's own API).
//! - [`ops`]: `/healthz`, `/readyz`, `/metrics`. [`admin`]: `/admin/reload`.
//! - [`openapi`]: `/openapi.json`, the OpenAPI document generated from the handlers' types.
//! - [`access`]: the middleware around every request: request id, timeout, access log, metrics.
//! - Shared building blocks: [`auth`] (keys), [`json`] (bounded body reading and parsing with
//!   field paths), [`scoring`] (scoring off the async workers, panic-safe), [`errors`] (the
//!   native error type and wire shape).
//!
//! # Adding a surface
//!
//! A surface is one file with one `pub fn configure(cfg: &mut web::ServiceConfig)` that
//! registers its resources, added to [`configure`] below. Its handlers take
//! `web::Data<AppState>` and, in order:
//! 1. check the key: `state.keys.check(Access::Api, &req)` (or the [`auth::ApiKey`] extractor
//!    when the native error shape suits),
//! 2. take an admission permit: `let _permit = state.admit()?;` (503 + `Retry-After` when full),
//! 3. read the body: [`json::read_body`] then [`json::parse`] into the surface's wire types, and
//!    convert those into [`scoring::OwnedComment`]s (parse, don't validate),
//! 4. score: `scoring::score(state.engine.current(), state.metrics.clone(), comments).await`,
//!    each comment's `detail` set to [`crate::engine::Detail::Scores`] when the surface never
//!    shows evidence,
//! 5. map errors into the surface's own error type, whose `ResponseError` writes that surface's
//!    wire shape (see [`errors::ApiError`] for the native one).
//! 6. document it: `#[utoipa::path(...)]` on the handler with every status it can answer,
//!    `#[derive(utoipa::ToSchema)]` on its wire types, and the handler listed in
//!    [`openapi::ApiDoc`]; `tests/schemathesis/run.sh` then holds the service to the document.
//!
//! Unknown paths get the native 404 from the app's default service, and the [`access`]
//! middleware applies the request timeout, logs and counts every request, whatever the surface.

pub mod access;
pub mod admin;
pub mod auth;
pub mod console;
pub mod coral;
pub mod errors;
pub mod json;
pub mod native;
pub mod openai;
pub mod openapi;
pub mod ops;
pub mod perspective;
pub mod scoring;
pub mod startup;
pub mod verdict_json;

pub use startup::Application;

/// Names the lexicon that answered, on every scoring response of every surface (the native body
/// also carries it as `lexicon_version`; the compatibility wire shapes have no field for it).
pub const LEXICON_VERSION_HEADER: &str = "x-tamiz-lexicon-version";

/// The [`LEXICON_VERSION_HEADER`] naming `version`, for `HttpResponseBuilder::insert_header`.
pub fn lexicon_version_header(version: &str) -> (&'static str, String) {
    (LEXICON_VERSION_HEADER, version.to_string())
}

use crate::metrics::Metrics;
use crate::reload::{LiveEngine, Reloader};
use crate::settings::Settings;
use actix_web::web;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Everything a handler may need, shared by all workers as `web::Data<AppState>`.
///
/// Cheap to reach from a handler; nothing in it is behind a lock on the request path except the
/// engine's `ArcSwap` load.
#[derive(Debug)]
pub struct AppState {
    /// The engine answering now; call `current()` once per request and keep the `Arc`.
    pub engine: Arc<LiveEngine>,
    /// Rebuilds and swaps the engine (`/admin/reload`, SIGHUP, the file watcher).
    pub reloader: Arc<Reloader>,
    /// The metrics registry and its event methods.
    pub metrics: Arc<Metrics>,
    /// The settings the service started with. `server`, `limits`, `auth`, `log` and `lexicon`
    /// take effect only at start-up; the engine's thresholds live in the engine.
    pub settings: Arc<Settings>,
    /// The configured keys (digests only).
    pub keys: auth::KeyRing,
    /// Bounds the requests being scored at once (`server.max_in_flight`).
    pub admission: Arc<Semaphore>,
    /// Whether the service is shutting down.
    pub lifecycle: Lifecycle,
}

/// The scoring capacity is in use; try again shortly.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the service is at its limit of {limit} requests in flight; retry shortly")]
pub struct Overloaded {
    pub limit: usize,
}

impl AppState {
    /// A permit to score, held until the response is built; never waits.
    pub fn admit(&self) -> Result<OwnedSemaphorePermit, Overloaded> {
        self.admission.clone().try_acquire_owned().map_err(|_| Overloaded {
            limit: self.settings.server.max_in_flight,
        })
    }
}

/// Draining state, shared between the signal handler and `/readyz`.
#[derive(Debug, Clone, Default)]
pub struct Lifecycle(Arc<AtomicBool>);

impl Lifecycle {
    /// From now on `/readyz` answers 503 so load balancers stop sending traffic.
    pub fn begin_draining(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Registers every surface. Add new surfaces here.
pub fn configure(cfg: &mut web::ServiceConfig) {
    native::configure(cfg);
    ops::configure(cfg);
    admin::configure(cfg);
    perspective::configure(cfg);
    openai::configure(cfg);
    coral::configure(cfg);
    openapi::configure(cfg);
    console::configure(cfg);
}
