//! The middleware around every request, whatever its surface: request id, request timeout,
//! in-flight gauge, one access-log line and the HTTP metrics.
//!
//! - The request id is the client's `X-Request-Id` when it is short printable ASCII, otherwise a
//!   new UUID; it is echoed in the response and is a field of the request's tracing span, so any
//!   log line inside the handler carries it.
//! - `server.request_timeout_secs` bounds the whole request (reading the body, waiting for the
//!   scorer, answering); past it the handler future is dropped and the client gets a 503.
//! - The route label is the matched pattern (`/v1/moderate`), or `unmatched`.
//! - The line is written by [`Metrics::request_completed`], never with the comment text.

use super::errors::ApiError;
use super::AppState;
use crate::metrics::{Metrics, RequestCompleted, UNMATCHED_ROUTE};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, Error};
use std::time::{Duration, Instant};
use tracing::Instrument;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

const MAX_REQUEST_ID_LEN: usize = 128;

/// The client's request id if it is safe to log and echo, else a fresh UUID.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= MAX_REQUEST_ID_LEN && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// `actix_web::middleware::from_fn(access::middleware)`.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (metrics, timeout): (Option<&Metrics>, Duration) = match &state {
        Some(s) => (
            Some(&s.metrics),
            Duration::from_secs(s.settings.server.request_timeout_secs),
        ),
        None => (None, Duration::from_secs(10)),
    };
    let start = Instant::now();
    let _in_flight = metrics.map(Metrics::request_started);
    let id = request_id(&req);
    // Computed before routing from the path alone: the request cannot be cloned before the
    // router has matched it, and a timed-out request never comes back.
    let route = req.match_pattern();
    let method = method_label(req.method()).to_string();
    // Log lines inside the handler carry the id through the span; the access line has it as a
    // field of its own.
    let span = tracing::info_span!("request", request_id = %id);

    let outcome = match tokio::time::timeout(timeout, next.call(req).instrument(span.clone())).await {
        Ok(Ok(res)) => Ok(res.map_into_boxed_body()),
        // An error that escaped the handlers' own conversion (from a middleware).
        Ok(Err(e)) => Err(e),
        Err(_) => Err(ApiError::Timeout {
            secs: timeout.as_secs(),
        }
        .into()),
    };
    let header = HeaderValue::from_str(&id).ok();
    let log = |status: StatusCode, error: Option<&dyn std::fmt::Display>| {
        if let Some(metrics) = metrics {
            metrics.request_completed(&RequestCompleted {
                request_id: &id,
                method: &method,
                route: route.as_deref().unwrap_or(UNMATCHED_ROUTE),
                status: status.as_u16(),
                elapsed: start.elapsed(),
                error,
            });
        }
    };
    match outcome {
        Ok(mut res) => {
            if let Some(v) = header {
                res.headers_mut().insert(REQUEST_ID, v);
            }
            log(
                res.status(),
                res.response().error().map(|e| e as &dyn std::fmt::Display),
            );
            Ok(res)
        }
        Err(e) => {
            // Without the request there is no ServiceResponse to build: hand actix an error that
            // carries its finished response (with the request id).
            let mut response = e.error_response();
            if let Some(v) = header {
                response.headers_mut().insert(REQUEST_ID, v);
            }
            log(response.status(), Some(&e));
            Err(InternalError::from_response(e.to_string(), response).into())
        }
    }
}

/// The method as a metric label: the standard ones, or `OTHER` (clients can invent methods).
fn method_label(method: &actix_web::http::Method) -> &str {
    match method.as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS" | "CONNECT" | "TRACE") => m,
        _ => "OTHER",
    }
}
