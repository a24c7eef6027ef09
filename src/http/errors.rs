//! The native API's error type and its one wire shape:
//! `{"error": {"code": "payload_too_large", "message": "body is over the 2097152-byte limit"}}`.
//!
//! Each variant picks its status in one place ([`ApiError::status_code`]). The `Display` text is
//! what the access log records at the edge ([`crate::metrics::Metrics::request_completed`]); the
//! response carries [`ApiError::public_message`], which for internal errors hides the details.
//!
//! The building blocks shared with other surfaces ([`super::auth::AuthError`],
//! [`super::json::BodyError`], [`super::json::ParseError`], [`super::Overloaded`],
//! [`super::scoring::ScoreError`]) are separate types; each surface converts them into its own
//! error type and wire shape.

use super::auth::AuthError;
use super::json::{BodyError, ParseError};
use super::scoring::ScoreError;
use super::Overloaded;
use crate::reload::ReloadError;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;

/// Seconds a client should wait before retrying a 503.
pub const RETRY_AFTER_SECS: u64 = 1;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Body(#[from] BodyError),
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error("{field} is {chars} characters, over the {limit}-character limit")]
    TextTooLong { field: String, chars: usize, limit: usize },
    #[error("the batch has {items} items, over the {limit}-item limit")]
    TooManyItems { items: usize, limit: usize },
    #[error(transparent)]
    Overloaded(#[from] Overloaded),
    #[error("the request took longer than {secs} s")]
    Timeout { secs: u64 },
    #[error("no route for {method} {path}")]
    NotFound { method: String, path: String },
    #[error("{method} is not allowed here; use {allow}")]
    MethodNotAllowed { method: String, allow: &'static str },
    #[error("the service is draining for shutdown")]
    Draining,
    #[error("reload failed, the previous lexicon keeps serving: {0}")]
    ReloadFailed(#[from] ReloadError),
    #[error(transparent)]
    Scoring(#[from] ScoreError),
}

/// The wire shape of every error.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody<'a> {
    error: ApiErrorDetail<'a>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiErrorDetail<'a> {
    /// Stable, machine-readable: `invalid_json`, `payload_too_large`, `missing_key`, ...
    code: &'a str,
    message: String,
}

impl ApiError {
    /// Stable, machine-readable identifier of the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Auth(AuthError::Missing) => "missing_key",
            ApiError::Auth(AuthError::Invalid) => "invalid_key",
            ApiError::Auth(AuthError::AdminDisabled) => "admin_disabled",
            ApiError::Auth(AuthError::RateLimited { .. }) => "rate_limited",
            ApiError::Body(BodyError::UnsupportedMediaType(_)) => "unsupported_media_type",
            ApiError::Body(BodyError::TooLarge { .. }) => "payload_too_large",
            ApiError::Body(BodyError::TooDeep { .. }) => "json_too_deep",
            ApiError::Body(BodyError::Read(_)) => "bad_body",
            ApiError::Parse(ParseError::Syntax(_)) => "invalid_json",
            ApiError::Parse(ParseError::Field { .. }) => "invalid_field",
            ApiError::TextTooLong { .. } => "text_too_long",
            ApiError::TooManyItems { .. } => "too_many_items",
            ApiError::Overloaded(_) => "overloaded",
            ApiError::Timeout { .. } => "timeout",
            ApiError::NotFound { .. } => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::Draining => "draining",
            ApiError::ReloadFailed(_) => "reload_failed",
            ApiError::Scoring(_) => "internal",
        }
    }

    /// What the client is told; internal details stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            ApiError::Scoring(_) => "internal error while scoring this comment".to_string(),
            other => other.to_string(),
        }
    }

    /// The JSON body of this error, for places that embed it (a batch slot).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"error": {"code": self.code(), "message": self.public_message()}})
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Auth(AuthError::Missing | AuthError::Invalid) => StatusCode::UNAUTHORIZED,
            ApiError::Auth(AuthError::AdminDisabled) => StatusCode::FORBIDDEN,
            ApiError::Auth(AuthError::RateLimited { .. }) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Body(BodyError::UnsupportedMediaType(_)) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Body(BodyError::TooLarge { .. }) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Body(BodyError::TooDeep { .. } | BodyError::Read(_)) => StatusCode::BAD_REQUEST,
            ApiError::Parse(_) => StatusCode::BAD_REQUEST,
            ApiError::TextTooLong { .. } | ApiError::TooManyItems { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Overloaded(_) | ApiError::Timeout { .. } | ApiError::Draining => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            // The request was well-formed; the files on disk are not.
            ApiError::ReloadFailed(ReloadError::Task(_)) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::ReloadFailed(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Scoring(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        match self {
            ApiError::Overloaded(_) | ApiError::Timeout { .. } | ApiError::Draining => {
                res.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS.to_string()));
            }
            ApiError::Auth(AuthError::Missing | AuthError::Invalid) => {
                res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::Auth(AuthError::RateLimited { retry_after_secs }) => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::MethodNotAllowed { allow, .. } => {
                res.insert_header((header::ALLOW, *allow));
            }
            _ => {}
        }
        res.json(ApiErrorBody {
            error: ApiErrorDetail {
                code: self.code(),
                message: self.public_message(),
            },
        })
    }
}

/// The app's default service: any path no surface claims.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound {
        method: req.method().to_string(),
        path: req.path().chars().take(200).collect(),
    })
}

/// A resource's default service: the path exists, the method does not. `allow` goes to the
/// `Allow` header.
pub fn method_not_allowed(allow: &'static str) -> actix_web::Route {
    actix_web::web::to(move |req: HttpRequest| async move {
        Err::<HttpResponse, _>(ApiError::MethodNotAllowed {
            method: req.method().to_string(),
            allow,
        })
    })
}
