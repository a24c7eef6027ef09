//! Google's Perspective API (Comment Analyzer `v1alpha1`) on our engine, so that every client
//! of Perspective (Coral Talk, forum plugins, bots, Google's own API clients) switches to this
//! service by changing one URL.
//!
//! - `POST /v1alpha1/comments:analyze` scores a comment for the requested attributes;
//! - `POST /v1alpha1/comments:suggestscore` appends moderator feedback to the feedback log
//!   ([`crate::feedback`]);
//! - `GET /$discovery/rest?version=v1alpha1` serves a discovery document whose `rootUrl` is this
//!   service, so `googleapiclient.discovery.build(..., discoveryServiceUrl=...)` builds against it.
//!
//! The wire format follows the public discovery document: camelCase fields (the snake_case
//! spellings proto3 JSON also allows are accepted), scores as `{value, type: "PROBABILITY"}`,
//! `spanScores` offsets in UTF-16 code units with `end` exclusive, and errors as Google's
//! `{"error": {code, message, status, details: [{"@type": ..., errorType}]}}`.
//!
//! ```text
//! POST /v1alpha1/comments:analyze?key=KEY
//! {"comment": {"text": "you are an idiot"}, "requestedAttributes": {"INSULT": {}}}
//! → {"attributeScores": {"INSULT": {"spanScores": [{"begin": 0, "end": 16, "score": {...}}],
//!    "summaryScore": {"value": 0.99, "type": "PROBABILITY"}}}, "languages": ["en"], ...}
//! ```

use super::auth::{Access, AuthError};
use super::coral::strip_html;
use super::errors::{ApiErrorBody, RETRY_AFTER_SECS};
use super::json::{self, BodyError, ParseError};
use super::openapi::{PerspectiveErrorBody, PerspectiveUnavailable};
use super::scoring::{self, OwnedComment, ScoreError};
use super::{AppState, Overloaded};
use crate::engine::{Category, Comment, Detail, Engine, Evidence, Language, Verdict};
use crate::feedback::{self, FeedbackLog};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Path prefix Coral and the other clients append `/comments:analyze` to.
pub const API_PREFIX: &str = "/v1alpha1";
/// Where the discovery document is served (as Google serves per-API discovery documents).
pub const DISCOVERY_PATH: &str = "/$discovery/rest";
/// The classic discovery service path for the same document.
pub const DISCOVERY_PATH_CLASSIC: &str = "/discovery/v1/apis/commentanalyzer/v1alpha1/rest";

/// Most spans reported per attribute: a long comment with hundreds of matches still answers
/// quickly and in a bounded size.
const MAX_SPANS: usize = 32;
/// Evidence lighter than this (mostly learned function words such as "you") is not worth a span.
const MIN_SPAN_WEIGHT: f32 = 0.5;
// Span scores read a `Detail::Evidence` verdict, which lists every learned term this heavy.
const _: () = assert!(MIN_SPAN_WEIGHT as f64 >= Detail::LEARNED_FLOOR);

// ---------------------------------------------------------------------------------------------
// Request and response types

/// `TextEntry`: a body of text and its type.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TextEntry {
    /// Required by Perspective; empty or blank text is a 400 `COMMENT_EMPTY`.
    #[serde(default)]
    #[schema(value_type = String, required = true, min_length = 1)]
    pub text: Option<String>,
    /// `TEXT_TYPE_UNSPECIFIED`, `PLAIN_TEXT` or `HTML` (tags are stripped before scoring).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

impl TextEntry {
    fn is_html(&self) -> bool {
        self.kind.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("HTML"))
    }

    /// The text as the engine should see it.
    fn plain(&self) -> String {
        let text = self.text.as_deref().unwrap_or("");
        if self.is_html() {
            strip_html(text)
        } else {
            text.to_string()
        }
    }
}

/// `ArticleAndParentComment`.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArticleAndParentComment {
    #[serde(default)]
    pub article: Option<TextEntry>,
    #[serde(default, alias = "parent_comment")]
    pub parent_comment: Option<TextEntry>,
}

/// `Context`: either `entries` or `articleAndParentComment`, never both.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = PerspectiveContext)]
pub struct Context {
    #[serde(default)]
    pub entries: Option<Vec<TextEntry>>,
    #[serde(default, alias = "article_and_parent_comment")]
    pub article_and_parent_comment: Option<ArticleAndParentComment>,
}

/// `AttributeParameters`.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttributeParameters {
    /// Only probabilities are served; other score types are a 400.
    #[serde(default, alias = "score_type")]
    #[schema(pattern = "^(PROBABILITY|SCORE_TYPE_UNSPECIFIED)$")]
    pub score_type: Option<String>,
    /// Attributes scoring under it are left out of the answer.
    #[serde(default, alias = "score_threshold")]
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub score_threshold: Option<f64>,
}

/// `AnalyzeCommentRequest`. Unknown fields are ignored rather than refused: a client written
/// for a newer Perspective still gets its scores.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AnalyzeCommentRequest)]
pub struct AnalyzeRequest {
    #[serde(default)]
    #[schema(value_type = TextEntry, required = true)]
    pub comment: Option<TextEntry>,
    #[serde(default)]
    pub context: Option<Context>,
    /// Attribute name (`TOXICITY`, `INSULT`, ... or `*_EXPERIMENTAL`) to its parameters.
    #[serde(default, alias = "requested_attributes")]
    #[schema(value_type = super::openapi::RequestedAttributes, required = true)]
    pub requested_attributes: Option<BTreeMap<String, Option<AttributeParameters>>>,
    #[serde(default)]
    pub languages: Option<Vec<String>>,
    #[serde(default, alias = "do_not_store")]
    pub do_not_store: Option<bool>,
    #[serde(default, alias = "client_token")]
    pub client_token: Option<String>,
    #[serde(default, alias = "session_id")]
    pub session_id: Option<String>,
    #[serde(default, alias = "community_id")]
    pub community_id: Option<String>,
    #[serde(default, alias = "span_annotations")]
    pub span_annotations: Option<bool>,
}

/// `Score`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Score {
    pub value: f64,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

impl Score {
    fn probability(value: f32) -> Score {
        // Six decimals, as the native API reports; f32 noise would otherwise show.
        Score {
            value: (f64::from(value) * 1e6).round() / 1e6,
            kind: "PROBABILITY",
        }
    }
}

/// `SpanScore`: `begin`/`end` in UTF-16 code units of the comment, `end` exclusive.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SpanScore {
    pub begin: usize,
    pub end: usize,
    pub score: Score,
}

/// `AttributeScores`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttributeScores {
    pub span_scores: Vec<SpanScore>,
    pub summary_score: Score,
}

/// `AnalyzeCommentResponse`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AnalyzeCommentResponse)]
pub struct AnalyzeResponse {
    pub attribute_scores: BTreeMap<String, AttributeScores>,
    pub languages: Vec<String>,
    pub detected_languages: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
}

/// `SuggestCommentScoreRequest`. Attribute names are kept as sent: the feedback log stores
/// what the moderator said, and Coral's own key is not always one of ours.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = SuggestCommentScoreRequest)]
pub struct SuggestRequest {
    #[serde(default)]
    #[schema(value_type = TextEntry, required = true)]
    pub comment: Option<TextEntry>,
    #[serde(default)]
    #[schema(value_type = Option<Context>)]
    pub context: Option<Value>,
    /// Per attribute, a `summaryScore.value` or `spanScores`.
    #[serde(default, alias = "attribute_scores")]
    #[schema(value_type = Option<BTreeMap<String, AttributeScores>>)]
    pub attribute_scores: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    pub languages: Option<Vec<String>>,
    #[serde(default, alias = "community_id")]
    pub community_id: Option<String>,
    #[serde(default, alias = "client_token")]
    pub client_token: Option<String>,
    #[serde(default, alias = "session_id")]
    pub session_id: Option<String>,
}

/// `SuggestCommentScoreResponse`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = SuggestCommentScoreResponse)]
pub struct SuggestResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
    pub detected_languages: Vec<String>,
    pub requested_languages: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Errors, in Perspective's wire shape

/// The `errorType` values of `google.commentanalyzer.v1alpha1.Error` we produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    CommentEmpty,
    CommentTooLong,
    NoRequestedAttributes,
    LanguageNotSupportedByAttribute,
    InvalidRequest,
}

impl ErrorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::CommentEmpty => "COMMENT_EMPTY",
            ErrorType::CommentTooLong => "COMMENT_TOO_LONG",
            ErrorType::NoRequestedAttributes => "NO_REQUESTED_ATTRIBUTES",
            ErrorType::LanguageNotSupportedByAttribute => "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
            ErrorType::InvalidRequest => "INVALID_REQUEST",
        }
    }
}

/// Everything the Perspective surface can answer with other than success.
#[derive(Debug, thiserror::Error)]
pub enum PerspectiveError {
    #[error("Comment must be non-empty.")]
    CommentEmpty,
    #[error("Comment text is too long: {chars} characters, the limit is {max}.")]
    CommentTooLong { chars: usize, max: usize },
    #[error("Request body is too large: the limit is {max} bytes.")]
    BodyTooLarge { max: usize },
    #[error("Must request at least one attribute.")]
    NoRequestedAttributes,
    #[error("Unknown requested attribute: {0}")]
    UnknownAttribute(String),
    #[error("Attribute {attribute} does not support request languages: {}", .requested.join(","))]
    LanguageNotSupported { attribute: String, requested: Vec<String> },
    #[error("{0}")]
    InvalidRequest(String),
    #[error("Invalid JSON payload received. {0}")]
    InvalidJson(String),
    #[error("The request is missing a valid API key.")]
    MissingKey,
    #[error("API key not valid. Please pass a valid API key.")]
    InvalidKey,
    #[error("The service is overloaded; retry later.")]
    Unavailable,
    #[error("Quota exceeded: too many requests for this API key; retry in {retry_after_secs} s.")]
    RateLimited { retry_after_secs: u64 },
    #[error("Method not found.")]
    NotFound,
    #[error("HTTP method {method} is not allowed here; use {allow}.")]
    MethodNotAllowed { method: String, allow: &'static str },
    #[error("Unsupported content type {0:?}: send application/json.")]
    UnsupportedMediaType(String),
    #[error("Internal error encountered.")]
    Internal(String),
}

impl PerspectiveError {
    pub fn status(&self) -> u16 {
        match self {
            PerspectiveError::BodyTooLarge { .. } => 413,
            PerspectiveError::MissingKey => 403,
            PerspectiveError::InvalidKey => 401,
            PerspectiveError::Unavailable => 503,
            PerspectiveError::RateLimited { .. } => 429,
            PerspectiveError::NotFound => 404,
            PerspectiveError::MethodNotAllowed { .. } => 405,
            PerspectiveError::UnsupportedMediaType(_) => 415,
            PerspectiveError::Internal(_) => 500,
            _ => 400,
        }
    }

    /// Google's canonical status name for [`Self::status`].
    fn rpc_status(&self) -> &'static str {
        match self.status() {
            401 => "UNAUTHENTICATED",
            403 => "PERMISSION_DENIED",
            404 => "NOT_FOUND",
            405 => "UNIMPLEMENTED",
            429 => "RESOURCE_EXHAUSTED",
            503 => "UNAVAILABLE",
            500 => "INTERNAL",
            _ => "INVALID_ARGUMENT",
        }
    }

    fn error_type(&self) -> Option<ErrorType> {
        Some(match self {
            PerspectiveError::CommentEmpty => ErrorType::CommentEmpty,
            PerspectiveError::CommentTooLong { .. } | PerspectiveError::BodyTooLarge { .. } => {
                ErrorType::CommentTooLong
            }
            PerspectiveError::NoRequestedAttributes => ErrorType::NoRequestedAttributes,
            PerspectiveError::LanguageNotSupported { .. } => ErrorType::LanguageNotSupportedByAttribute,
            PerspectiveError::UnknownAttribute(_)
            | PerspectiveError::InvalidRequest(_)
            | PerspectiveError::InvalidJson(_)
            | PerspectiveError::UnsupportedMediaType(_) => ErrorType::InvalidRequest,
            _ => return None,
        })
    }

    /// The JSON body: `{"error": {"code", "message", "status", "details"}}`.
    pub fn body(&self) -> Value {
        let mut details = Vec::new();
        if let Some(t) = self.error_type() {
            let mut d = json!({
                "@type": "type.googleapis.com/google.commentanalyzer.v1alpha1.Error",
                "errorType": t.as_str(),
            });
            if let PerspectiveError::LanguageNotSupported { attribute, requested } = self {
                d["languageNotSupportedByAttributeError"] = json!({
                    "detectedLanguages": [],
                    "attribute": attribute,
                    "requestedLanguages": requested,
                });
            }
            details.push(d);
        }
        let reason = match self {
            PerspectiveError::MissingKey => Some("API_KEY_MISSING"),
            PerspectiveError::InvalidKey => Some("API_KEY_INVALID"),
            PerspectiveError::RateLimited { .. } => Some("RATE_LIMIT_EXCEEDED"),
            _ => None,
        };
        if let Some(reason) = reason {
            details.push(json!({
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": reason,
                "domain": "tamiz",
            }));
        }
        json!({"error": {
            "code": self.status(),
            "message": self.to_string(),
            "status": self.rpc_status(),
            "details": details,
        }})
    }
}

impl From<AuthError> for PerspectiveError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Missing => PerspectiveError::MissingKey,
            AuthError::Invalid | AuthError::AdminDisabled => PerspectiveError::InvalidKey,
            AuthError::RateLimited { retry_after_secs } => PerspectiveError::RateLimited { retry_after_secs },
        }
    }
}

impl From<BodyError> for PerspectiveError {
    fn from(e: BodyError) -> Self {
        match e {
            BodyError::TooLarge { limit } => PerspectiveError::BodyTooLarge { max: limit },
            BodyError::UnsupportedMediaType(t) => PerspectiveError::UnsupportedMediaType(t),
            BodyError::TooDeep { .. } | BodyError::Read(_) => PerspectiveError::InvalidJson(e.to_string()),
        }
    }
}

impl From<ParseError> for PerspectiveError {
    fn from(e: ParseError) -> Self {
        PerspectiveError::InvalidJson(e.to_string())
    }
}

impl From<Overloaded> for PerspectiveError {
    fn from(_: Overloaded) -> Self {
        PerspectiveError::Unavailable
    }
}

impl From<ScoreError> for PerspectiveError {
    fn from(e: ScoreError) -> Self {
        PerspectiveError::Internal(e.to_string())
    }
}

impl ResponseError for PerspectiveError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        match self {
            PerspectiveError::Unavailable => {
                res.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS.to_string()));
            }
            PerspectiveError::RateLimited { retry_after_secs } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            PerspectiveError::MethodNotAllowed { allow, .. } => {
                res.insert_header((header::ALLOW, *allow));
            }
            _ => {}
        }
        res.json(self.body())
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers

/// Registers `comments:analyze`, `comments:suggestscore` and the discovery document.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let post = |path: String, handler| {
        web::resource(path)
            .route(handler)
            .default_service(web::to(|req: HttpRequest| wrong_method(req, "POST")))
    };
    let get = |path: &str| {
        web::resource(path)
            .route(web::get().to(discovery_handler))
            .default_service(web::to(|req: HttpRequest| wrong_method(req, "GET")))
    };
    cfg.service(post(
        format!("{API_PREFIX}/comments:analyze"),
        web::post().to(analyze_handler),
    ))
    .service(post(
        format!("{API_PREFIX}/comments:suggestscore"),
        web::post().to(suggest_handler),
    ))
    .service(get(DISCOVERY_PATH))
    .service(get(DISCOVERY_PATH_CLASSIC));
}

async fn wrong_method(req: HttpRequest, allow: &'static str) -> Result<HttpResponse, PerspectiveError> {
    Err(PerspectiveError::MethodNotAllowed {
        method: req.method().to_string(),
        allow,
    })
}

/// Perspective's `comments:analyze`: scores for the requested attributes.
#[utoipa::path(
    post,
    path = "/v1alpha1/comments:analyze",
    tag = "perspective",
    request_body(content = AnalyzeRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Scores for the requested attributes", body = AnalyzeResponse),
        (status = 400, description = "Malformed JSON or an invalid request (`details[].errorType` says which)", body = PerspectiveErrorBody),
        (status = 401, description = "Invalid API key", body = PerspectiveErrorBody),
        (status = 403, description = "Missing API key", body = PerspectiveErrorBody),
        (status = 405, description = "Use POST", body = PerspectiveErrorBody),
        (status = 413, description = "Body over the limit", body = PerspectiveErrorBody),
        (status = 415, description = "Not application/json", body = PerspectiveErrorBody),
        (status = 500, description = "Internal error", body = PerspectiveErrorBody),
        (status = 429, description = "Over the configured per-key rate limit; see Retry-After", body = PerspectiveErrorBody),
        (status = 503, description = "Overloaded (Perspective's shape) or timed out (tamiz's shape); see Retry-After", body = PerspectiveUnavailable),
    ),
    security((), ("bearer" = []), ("key" = []))
)]
pub(crate) async fn analyze_handler(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PerspectiveError> {
    state.keys.check(Access::Api, &req)?;
    let _permit = state.admit()?;
    let limits = &state.settings.limits;
    let bytes = json::read_body(&req, body, limits).await?;
    let parsed = ParsedAnalyze::parse(json::parse(&bytes)?, limits.max_text_chars)?;
    let engine = state.engine.current();
    let comment = OwnedComment {
        text: parsed.text.clone(),
        language: parsed.language,
        parent: parsed.parent.clone(),
        // Evidence is only shown as span scores, of pieces weighing at least `MIN_SPAN_WEIGHT`
        // (above the evidence floor); without them the scores are the whole answer.
        detail: if parsed.span_annotations {
            Detail::Evidence
        } else {
            Detail::Scores
        },
    };
    let scored = scoring::score(engine.clone(), state.metrics.clone(), vec![comment])
        .await?
        .pop()
        .ok_or_else(|| ScoreError::Pool("no result".into()))??;
    let version = super::lexicon_version_header(&scored.verdict.lexicon_version);
    let response = if parsed.span_annotations {
        // Span scores score each span on its own: engine work, so off the async workers.
        web::block(move || respond(&engine, &parsed, &scored.verdict))
            .await
            .map_err(|e| PerspectiveError::Internal(e.to_string()))?
    } else {
        respond(&engine, &parsed, &scored.verdict)
    };
    Ok(HttpResponse::Ok().insert_header(version).json(response))
}

/// Perspective's `comments:suggestscore`: appends moderator feedback to the feedback log.
#[utoipa::path(
    post,
    path = "/v1alpha1/comments:suggestscore",
    tag = "perspective",
    request_body(content = SuggestRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The feedback was stored", body = SuggestResponse),
        (status = 400, description = "Malformed JSON or an invalid request (`details[].errorType` says which)", body = PerspectiveErrorBody),
        (status = 401, description = "Invalid API key", body = PerspectiveErrorBody),
        (status = 403, description = "Missing API key", body = PerspectiveErrorBody),
        (status = 405, description = "Use POST", body = PerspectiveErrorBody),
        (status = 413, description = "Body over the limit", body = PerspectiveErrorBody),
        (status = 415, description = "Not application/json", body = PerspectiveErrorBody),
        (status = 500, description = "Internal error", body = PerspectiveErrorBody),
        (status = 429, description = "Over the configured per-key rate limit; see Retry-After", body = PerspectiveErrorBody),
        (status = 503, description = "Overloaded (Perspective's shape) or timed out (tamiz's shape); see Retry-After", body = PerspectiveUnavailable),
    ),
    security((), ("bearer" = []), ("key" = []))
)]
pub(crate) async fn suggest_handler(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PerspectiveError> {
    state.keys.check(Access::Api, &req)?;
    let _permit = state.admit()?;
    let limits = &state.settings.limits;
    let bytes = json::read_body(&req, body, limits).await?;
    let request: SuggestRequest = json::parse(&bytes)?;
    let engine: Arc<Engine> = state.engine.current();
    let log = FeedbackLog::new(state.settings.resolve(&state.settings.feedback.path));
    let max_chars = limits.max_text_chars;
    let response = web::block(move || -> Result<SuggestResponse, PerspectiveError> {
        // The detected language is the engine's, as for analyze; feedback is not a verdict,
        // so this scoring is not counted in the metrics.
        let text = request.comment.as_ref().map(TextEntry::plain).unwrap_or_default();
        let requested = request.languages.as_deref().unwrap_or_default();
        let language = requested.iter().find_map(|l| l.parse::<Language>().ok());
        let checkable = !text.trim().is_empty() && text.chars().count() <= max_chars;
        let detected = if checkable {
            engine.score_with(&Comment::new(&text), Detail::Scores).language
        } else {
            // The request is refused below; the language does not matter.
            language.unwrap_or(Language::En)
        };
        let parsed = ParsedSuggest::parse(request, max_chars, detected, engine.version())?;
        store_feedback(&log, &parsed.record)?;
        Ok(parsed.response)
    })
    .await
    .map_err(|e| PerspectiveError::Internal(e.to_string()))??;
    Ok(HttpResponse::Ok().json(response))
}

#[derive(Deserialize)]
struct DiscoveryQuery {
    version: Option<String>,
}

/// The discovery document needs no key, as Google's are public; a client that adds its
/// `?key=` anyway is not refused.
#[utoipa::path(
    get,
    path = "/$discovery/rest",
    tag = "perspective",
    params(("version" = Option<String>, Query, description = "Only `v1alpha1` exists")),
    responses(
        (status = 200, description = "Google API discovery document for commentanalyzer v1alpha1", body = Object),
        (status = 404, description = "Another version was asked for", body = PerspectiveErrorBody),
        (status = 405, description = "Use GET", body = PerspectiveErrorBody),
        (status = 503, description = "Timed out", body = ApiErrorBody),
    )
)]
pub(crate) async fn discovery_handler(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PerspectiveError> {
    let version = web::Query::<DiscoveryQuery>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.into_inner().version);
    if version.as_deref().is_some_and(|v| v != "v1alpha1") {
        return Err(PerspectiveError::NotFound);
    }
    let info = req.connection_info();
    let root = root_url(&state.settings.server.external_url, info.scheme(), info.host());
    Ok(HttpResponse::Ok().json(discovery_document(&root)))
}

// ---------------------------------------------------------------------------------------------
// Attributes

/// A requested attribute: the name as the client spelled it (echoed in the response) and the
/// category that answers it.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub category: Category,
    pub threshold: Option<f64>,
}

/// `TOXICITY`, `SEVERE_TOXICITY_EXPERIMENTAL`, ... → category.
pub fn category_of(name: &str) -> Option<Category> {
    let base = name.strip_suffix("_EXPERIMENTAL").unwrap_or(name);
    Category::ALL
        .into_iter()
        .find(|c| c.as_str().eq_ignore_ascii_case(base))
}

/// Perspective's attribute name for a category (`SEVERE_TOXICITY`).
pub fn attribute_name(c: Category) -> String {
    c.as_str().to_ascii_uppercase()
}

fn parse_attributes(
    requested: Option<&BTreeMap<String, Option<AttributeParameters>>>,
) -> Result<Vec<Attribute>, PerspectiveError> {
    let requested = requested
        .filter(|r| !r.is_empty())
        .ok_or(PerspectiveError::NoRequestedAttributes)?;
    let mut out = Vec::with_capacity(requested.len());
    for (name, params) in requested {
        let category = category_of(name).ok_or_else(|| PerspectiveError::UnknownAttribute(name.clone()))?;
        let params = params.clone().unwrap_or_default();
        match params.score_type.as_deref() {
            None | Some("") | Some("PROBABILITY") | Some("SCORE_TYPE_UNSPECIFIED") => {}
            Some(other) => {
                return Err(PerspectiveError::InvalidRequest(format!(
                    "Attribute {name} does not support score type {other}; only PROBABILITY is available."
                )))
            }
        }
        if let Some(t) = params.score_threshold {
            if !(0.0..=1.0).contains(&t) {
                return Err(PerspectiveError::InvalidRequest(format!(
                    "scoreThreshold for {name} must be between 0 and 1, got {t}."
                )));
            }
        }
        out.push(Attribute {
            name: name.clone(),
            category,
            threshold: params.score_threshold,
        });
    }
    Ok(out)
}

/// The first supported language among those requested; `None` when none were requested.
fn parse_languages(requested: &[String], first_attribute: &str) -> Result<Option<Language>, PerspectiveError> {
    if requested.is_empty() {
        return Ok(None);
    }
    // Perspective checks the text "in all of them that are supported" and fails only when
    // none is; we score in the first supported one.
    match requested.iter().find_map(|l| l.parse::<Language>().ok()) {
        Some(l) => Ok(Some(l)),
        None => Err(PerspectiveError::LanguageNotSupported {
            attribute: first_attribute.to_string(),
            requested: requested.to_vec(),
        }),
    }
}

/// The text a comment replies to, from either form of `context`.
fn parent_of(context: Option<&Context>) -> Result<Option<String>, PerspectiveError> {
    let Some(ctx) = context else { return Ok(None) };
    match (&ctx.entries, &ctx.article_and_parent_comment) {
        (Some(e), Some(_)) if !e.is_empty() => Err(PerspectiveError::InvalidRequest(
            "Only one of context.entries and context.articleAndParentComment may be set.".into(),
        )),
        // In a linear thread the last entry is the message this comment follows.
        (Some(entries), _) if !entries.is_empty() => {
            Ok(entries.last().map(TextEntry::plain).filter(|t| !t.trim().is_empty()))
        }
        (_, Some(apc)) => Ok(apc
            .parent_comment
            .as_ref()
            .map(TextEntry::plain)
            .filter(|t| !t.trim().is_empty())),
        _ => Ok(None),
    }
}

// ---------------------------------------------------------------------------------------------
// Analyze

/// Checks a request against the limits and turns it into what the engine needs. The checks run
/// in the order Perspective reports them: comment, then attributes, then languages.
#[derive(Debug)]
pub struct ParsedAnalyze {
    pub text: String,
    pub parent: Option<String>,
    pub attributes: Vec<Attribute>,
    pub language: Option<Language>,
    pub requested_languages: Vec<String>,
    pub span_annotations: bool,
    pub client_token: Option<String>,
}

impl ParsedAnalyze {
    pub fn parse(req: AnalyzeRequest, max_text_chars: usize) -> Result<ParsedAnalyze, PerspectiveError> {
        let text = req.comment.as_ref().map(TextEntry::plain).unwrap_or_default();
        if text.trim().is_empty() {
            return Err(PerspectiveError::CommentEmpty);
        }
        let chars = text.chars().count();
        if chars > max_text_chars {
            return Err(PerspectiveError::CommentTooLong {
                chars,
                max: max_text_chars,
            });
        }
        let attributes = parse_attributes(req.requested_attributes.as_ref())?;
        let requested_languages = req.languages.unwrap_or_default();
        let language = parse_languages(&requested_languages, &attributes[0].name)?;
        let parent = parent_of(req.context.as_ref())?;
        Ok(ParsedAnalyze {
            text,
            parent,
            attributes,
            language,
            requested_languages,
            span_annotations: req.span_annotations.unwrap_or(false),
            client_token: req.client_token,
        })
    }

    pub fn comment(&self) -> Comment<'_> {
        Comment {
            text: &self.text,
            language: self.language,
            parent: self.parent.as_deref(),
        }
    }
}

/// Scores a parsed request: the engine's verdict and the response built from it.
pub fn analyze(engine: &Engine, req: &ParsedAnalyze) -> (AnalyzeResponse, Verdict) {
    let verdict = engine.score(&req.comment());
    let response = respond(engine, req, &verdict);
    (response, verdict)
}

/// Builds the response for `verdict`. Attributes under their `scoreThreshold` are omitted.
pub fn respond(engine: &Engine, req: &ParsedAnalyze, verdict: &Verdict) -> AnalyzeResponse {
    let whole = req.text.encode_utf16().count();
    let mut attribute_scores = BTreeMap::new();
    for a in &req.attributes {
        let value = verdict.scores.get(a.category);
        let summary = Score::probability(value);
        if a.threshold.is_some_and(|t| summary.value < t) {
            continue;
        }
        let span_scores = if req.span_annotations {
            evidence_spans(engine, req, verdict, a)
        } else {
            // Without span annotations Perspective reports one span: the whole comment.
            vec![SpanScore {
                begin: 0,
                end: whole,
                score: summary,
            }]
        };
        attribute_scores.insert(
            a.name.clone(),
            AttributeScores {
                span_scores,
                summary_score: summary,
            },
        );
    }
    let detected = verdict.language.as_str().to_string();
    let languages = if req.requested_languages.is_empty() {
        vec![detected.clone()]
    } else {
        req.requested_languages.clone()
    };
    AnalyzeResponse {
        attribute_scores,
        languages,
        detected_languages: vec![detected],
        client_token: req.client_token.clone(),
    }
}

/// Does this evidence speak to `attribute`? Toxicity gathers every category (each has a share
/// of it); severe toxicity gathers severe evidence and threats, as the scorer does.
fn counts_toward(e: &Evidence, attribute: Category) -> bool {
    match attribute {
        Category::Toxicity => true,
        Category::SevereToxicity => e.severe || matches!(e.category, Category::SevereToxicity | Category::Threat),
        c => e.category == c,
    }
}

/// Per-span scores from the evidence behind `attribute`: overlapping evidence is merged into
/// one span, and each span is scored as if it were the whole comment (as Perspective scores
/// each sentence on its own).
fn evidence_spans(engine: &Engine, req: &ParsedAnalyze, verdict: &Verdict, a: &Attribute) -> Vec<SpanScore> {
    let mut ranges: Vec<(usize, usize, usize, usize)> = verdict
        .matches
        .iter()
        .filter(|e| e.weight >= f64::from(MIN_SPAN_WEIGHT) && counts_toward(e, a.category))
        .map(|e| (e.span.byte_start, e.span.byte_end, e.span.utf16_start, e.span.utf16_end))
        .filter(|r| r.0 < r.1)
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize, usize, usize)> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.0 < last.1 => {
                if r.1 > last.1 {
                    last.1 = r.1;
                    last.3 = r.3;
                }
            }
            _ => merged.push(r),
        }
    }
    merged
        .into_iter()
        .take(MAX_SPANS)
        .filter_map(|(bs, be, us, ue)| {
            let text = req.text.get(bs..be)?;
            let alone = engine.score_with(
                &Comment {
                    text,
                    language: Some(verdict.language),
                    parent: None,
                },
                Detail::Scores,
            );
            let score = Score::probability(alone.scores.get(a.category));
            if a.threshold.is_some_and(|t| score.value < t) {
                return None;
            }
            Some(SpanScore {
                begin: us,
                end: ue,
                score,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Suggest score

/// A checked `suggestscore` request and the feedback-log record it becomes.
#[derive(Debug)]
pub struct ParsedSuggest {
    pub record: Value,
    pub response: SuggestResponse,
}

impl ParsedSuggest {
    /// Validates the request as Perspective does (`attributeScores` must not be empty, and nor
    /// must each score) and builds the log record, keeping Perspective's field names so the
    /// evaluation tooling reads it as it is.
    pub fn parse(
        req: SuggestRequest,
        max_text_chars: usize,
        detected: Language,
        lexicon_version: &str,
    ) -> Result<ParsedSuggest, PerspectiveError> {
        let text = req.comment.as_ref().map(TextEntry::plain).unwrap_or_default();
        if text.trim().is_empty() {
            return Err(PerspectiveError::CommentEmpty);
        }
        let chars = text.chars().count();
        if chars > max_text_chars {
            return Err(PerspectiveError::CommentTooLong {
                chars,
                max: max_text_chars,
            });
        }
        let scores = req
            .attribute_scores
            .filter(|m| !m.is_empty())
            .ok_or_else(|| PerspectiveError::InvalidRequest("attributeScores must not be empty.".into()))?;
        for (name, v) in &scores {
            let value = v
                .pointer("/summaryScore/value")
                .or_else(|| v.pointer("/summary_score/value"))
                .and_then(Value::as_f64);
            let spans = v.get("spanScores").or_else(|| v.get("span_scores"));
            if value.is_none() && spans.is_none() {
                return Err(PerspectiveError::InvalidRequest(format!(
                    "attributeScores.{name} must have a summaryScore.value or spanScores."
                )));
            }
        }
        let requested_languages = req.languages.unwrap_or_default();
        let mut record = json!({
            "receivedAt": feedback::rfc3339(std::time::SystemTime::now()),
            "comment": {"text": text},
            "attributeScores": scores,
            "languages": requested_languages,
            "detectedLanguages": [detected.as_str()],
            "lexiconVersion": lexicon_version,
        });
        for (k, v) in [
            ("clientToken", &req.client_token),
            ("communityId", &req.community_id),
            ("sessionId", &req.session_id),
        ] {
            if let Some(v) = v {
                record[k] = json!(v);
            }
        }
        if let Some(ctx) = req.context {
            record["context"] = ctx;
        }
        Ok(ParsedSuggest {
            record,
            response: SuggestResponse {
                client_token: req.client_token,
                detected_languages: vec![detected.as_str().to_string()],
                requested_languages,
            },
        })
    }
}

/// Appends a feedback record durably; blocking, so run it in `web::block`.
pub fn store_feedback(log: &FeedbackLog, record: &Value) -> Result<(), PerspectiveError> {
    log.append(record)
        .map_err(|e| PerspectiveError::Internal(format!("feedback log {}: {e}", log.path().display())))
}

// ---------------------------------------------------------------------------------------------
// Discovery document

/// The discovery document for `commentanalyzer v1alpha1`, pointing at `root_url` (which ends
/// with `/`). Written from the public discovery format; only what a client needs to build the
/// two methods is included.
pub fn discovery_document(root_url: &str) -> Value {
    let text_entry = json!({"$ref": "TextEntry"});
    let string_array = json!({"type": "array", "items": {"type": "string"}});
    let score_types = json!([
        "SCORE_TYPE_UNSPECIFIED",
        "PROBABILITY",
        "STD_DEV_SCORE",
        "PERCENTILE",
        "RAW"
    ]);
    let method = |name: &str, request: &str, response: &str, description: &str| {
        json!({
            "id": format!("commentanalyzer.comments.{name}"),
            "path": format!("v1alpha1/comments:{name}"),
            "flatPath": format!("v1alpha1/comments:{name}"),
            "httpMethod": "POST",
            "description": description,
            "parameters": {},
            "parameterOrder": [],
            "request": {"$ref": request},
            "response": {"$ref": response},
        })
    };
    json!({
        "kind": "discovery#restDescription",
        "discoveryVersion": "v1",
        "id": "commentanalyzer:v1alpha1",
        "name": "commentanalyzer",
        "canonicalName": "Comment Analyzer",
        "version": "v1alpha1",
        "version_module": true,
        "revision": env!("CARGO_PKG_VERSION"),
        "title": "Perspective Comment Analyzer API (served by tamiz)",
        "description": "Perspective-compatible comment scoring served by tamiz, a self-hosted moderation engine.",
        "ownerDomain": "tamiz",
        "ownerName": "tamiz",
        "documentationLink": "https://github.com/conversationai/perspectiveapi",
        "protocol": "rest",
        "rootUrl": root_url,
        "servicePath": "",
        "basePath": "",
        "baseUrl": root_url,
        "batchPath": "batch",
        "parameters": {
            "key": {"type": "string", "location": "query",
                    "description": "API key (one of auth.api_keys)."},
            "alt": {"type": "string", "location": "query", "default": "json", "enum": ["json"],
                    "enumDescriptions": ["Responses with Content-Type of application/json"],
                    "description": "Data format for response."},
            "fields": {"type": "string", "location": "query",
                       "description": "Accepted and ignored: responses are always complete."},
            "prettyPrint": {"type": "boolean", "location": "query", "default": "true",
                            "description": "Accepted and ignored."},
            "quotaUser": {"type": "string", "location": "query", "description": "Accepted and ignored."},
            "$.xgafv": {"type": "string", "location": "query", "enum": ["1", "2"],
                        "enumDescriptions": ["v1 error format", "v2 error format"],
                        "description": "V1 error format."},
        },
        "resources": {"comments": {"methods": {
            "analyze": method("analyze", "AnalyzeCommentRequest", "AnalyzeCommentResponse",
                "Analyzes the provided text and returns scores for requested attributes."),
            "suggestscore": method("suggestscore", "SuggestCommentScoreRequest", "SuggestCommentScoreResponse",
                "Suggest comment scores as training data (appended to the operator's feedback log)."),
        }}},
        "schemas": {
            "AnalyzeCommentRequest": {"id": "AnalyzeCommentRequest", "type": "object", "properties": {
                "comment": text_entry,
                "context": {"$ref": "Context"},
                "requestedAttributes": {"type": "object", "additionalProperties": {"$ref": "AttributeParameters"},
                    "description": "TOXICITY, SEVERE_TOXICITY, IDENTITY_ATTACK, INSULT, PROFANITY, THREAT, SEXUALLY_EXPLICIT (or their _EXPERIMENTAL names)."},
                "languages": string_array,
                "doNotStore": {"type": "boolean"},
                "clientToken": {"type": "string"},
                "sessionId": {"type": "string"},
                "communityId": {"type": "string"},
                "spanAnnotations": {"type": "boolean"},
            }},
            "AnalyzeCommentResponse": {"id": "AnalyzeCommentResponse", "type": "object", "properties": {
                "attributeScores": {"type": "object", "additionalProperties": {"$ref": "AttributeScores"}},
                "languages": string_array,
                "detectedLanguages": string_array,
                "clientToken": {"type": "string"},
            }},
            "SuggestCommentScoreRequest": {"id": "SuggestCommentScoreRequest", "type": "object", "properties": {
                "comment": text_entry,
                "context": {"$ref": "Context"},
                "attributeScores": {"type": "object", "additionalProperties": {"$ref": "AttributeScores"}},
                "languages": string_array,
                "communityId": {"type": "string"},
                "clientToken": {"type": "string"},
                "sessionId": {"type": "string"},
            }},
            "SuggestCommentScoreResponse": {"id": "SuggestCommentScoreResponse", "type": "object", "properties": {
                "detectedLanguages": string_array,
                "requestedLanguages": string_array,
                "clientToken": {"type": "string"},
            }},
            "TextEntry": {"id": "TextEntry", "type": "object", "properties": {
                "text": {"type": "string"},
                "type": {"type": "string", "enum": ["TEXT_TYPE_UNSPECIFIED", "PLAIN_TEXT", "HTML"]},
            }},
            "Context": {"id": "Context", "type": "object", "properties": {
                "entries": {"type": "array", "items": {"$ref": "TextEntry"}},
                "articleAndParentComment": {"$ref": "ArticleAndParentComment"},
            }},
            "ArticleAndParentComment": {"id": "ArticleAndParentComment", "type": "object", "properties": {
                "article": text_entry,
                "parentComment": text_entry,
            }},
            "AttributeParameters": {"id": "AttributeParameters", "type": "object", "properties": {
                "scoreType": {"type": "string", "enum": score_types},
                "scoreThreshold": {"type": "number", "format": "float"},
            }},
            "AttributeScores": {"id": "AttributeScores", "type": "object", "properties": {
                "summaryScore": {"$ref": "Score"},
                "spanScores": {"type": "array", "items": {"$ref": "SpanScore"}},
            }},
            "SpanScore": {"id": "SpanScore", "type": "object", "properties": {
                "begin": {"type": "integer", "format": "int32",
                          "description": "UTF-16 code unit offset of the span's start."},
                "end": {"type": "integer", "format": "int32",
                        "description": "UTF-16 code unit offset of the span's end (exclusive)."},
                "score": {"$ref": "Score"},
            }},
            "Score": {"id": "Score", "type": "object", "properties": {
                "value": {"type": "number", "format": "float"},
                "type": {"type": "string", "enum": score_types},
            }},
        },
    })
}

/// The root URL clients should call: `server.external_url` when set, else `scheme://host/` of
/// the request.
pub fn root_url(external_url: &str, scheme: &str, host: &str) -> String {
    let base = if external_url.trim().is_empty() {
        format!("{scheme}://{host}")
    } else {
        external_url.trim().to_string()
    };
    if base.ends_with('/') {
        base
    } else {
        format!("{base}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(v: Value) -> AnalyzeRequest {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn attribute_names_and_aliases() {
        assert_eq!(category_of("TOXICITY"), Some(Category::Toxicity));
        assert_eq!(
            category_of("SEVERE_TOXICITY_EXPERIMENTAL"),
            Some(Category::SevereToxicity)
        );
        assert_eq!(category_of("IDENTITY_ATTACK"), Some(Category::IdentityAttack));
        assert_eq!(category_of("FLIRTATION"), None);
        assert_eq!(attribute_name(Category::SexuallyExplicit), "SEXUALLY_EXPLICIT");
    }

    #[test]
    fn request_errors_in_order() {
        let cases: Vec<(Value, &str)> = vec![
            (json!({}), "COMMENT_EMPTY"),
            (
                json!({"comment": {"text": "  "}, "requestedAttributes": {"TOXICITY": {}}}),
                "COMMENT_EMPTY",
            ),
            (json!({"comment": {"text": "hi"}}), "NO_REQUESTED_ATTRIBUTES"),
            (
                json!({"comment": {"text": "hi"}, "requestedAttributes": {}}),
                "NO_REQUESTED_ATTRIBUTES",
            ),
            (
                json!({"comment": {"text": "hi"}, "requestedAttributes": {"SPAM": {}}}),
                "INVALID_REQUEST",
            ),
            (
                json!({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "languages": ["fr"]}),
                "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
            ),
            (
                json!({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": 2}}}),
                "INVALID_REQUEST",
            ),
            (
                json!({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}},
                       "context": {"entries": [{"text": "a"}], "articleAndParentComment": {}}}),
                "INVALID_REQUEST",
            ),
            (
                json!({"comment": {"text": "x".repeat(11)}, "requestedAttributes": {"TOXICITY": {}}}),
                "COMMENT_TOO_LONG",
            ),
        ];
        for (body, want) in cases {
            let err = ParsedAnalyze::parse(req(body.clone()), 10).unwrap_err();
            let b = err.body();
            assert_eq!(b["error"]["details"][0]["errorType"], want, "{body}: {b}");
            assert_eq!(b["error"]["status"], "INVALID_ARGUMENT");
            assert_eq!(b["error"]["code"], 400);
        }
        let err = ParsedAnalyze::parse(
            req(json!({"comment": {"text": "hi"}, "requestedAttributes": {"SPAM": {}}})),
            10,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "Unknown requested attribute: SPAM");
        assert_eq!(
            ParsedAnalyze::parse(req(json!({})), 10).unwrap_err().to_string(),
            "Comment must be non-empty."
        );
    }

    #[test]
    fn languages_and_context() {
        let p = ParsedAnalyze::parse(
            req(json!({"comment": {"text": "hola", "type": "PLAIN_TEXT"},
                       "requested_attributes": {"TOXICITY": null},
                       "languages": ["fr", "es-MX"],
                       "context": {"articleAndParentComment": {"parentComment": {"text": "<b>x</b>", "type": "HTML"}}}})),
            100,
        )
        .unwrap();
        assert_eq!(p.language, Some(Language::Es));
        assert_eq!(p.parent.as_deref(), Some("x"));
        assert_eq!(p.requested_languages, vec!["fr", "es-MX"]);
    }

    #[test]
    fn html_comments_are_stripped() {
        let p = ParsedAnalyze::parse(
            req(json!({"comment": {"text": "<p>you <b>id</b>iot</p>", "type": "HTML"},
                       "requestedAttributes": {"INSULT": {}}})),
            100,
        )
        .unwrap();
        assert_eq!(p.text.trim(), "you idiot");
    }

    #[test]
    fn discovery_points_at_root() {
        let d = discovery_document("http://127.0.0.1:9/");
        assert_eq!(d["rootUrl"], "http://127.0.0.1:9/");
        assert_eq!(
            d["resources"]["comments"]["methods"]["analyze"]["path"],
            "v1alpha1/comments:analyze"
        );
        assert_eq!(
            d["resources"]["comments"]["methods"]["suggestscore"]["request"]["$ref"],
            "SuggestCommentScoreRequest"
        );
        assert_eq!(root_url("", "http", "h:1"), "http://h:1/");
        assert_eq!(
            root_url("https://mod.example.org/api", "http", "h"),
            "https://mod.example.org/api/"
        );
    }

    #[test]
    fn suggest_needs_scores() {
        let r: SuggestRequest =
            serde_json::from_value(json!({"comment": {"text": "hi"}, "attributeScores": {}})).unwrap();
        assert!(ParsedSuggest::parse(r, 100, Language::En, "v").is_err());
        let r: SuggestRequest = serde_json::from_value(json!({
            "comment": {"text": "hi"}, "clientToken": "comment:1", "communityId": "Coral:x",
            "attributeScores": {"TOXICITY": {"summaryScore": {"value": 1}}}
        }))
        .unwrap();
        let p = ParsedSuggest::parse(r, 100, Language::En, "v").unwrap();
        assert_eq!(p.record["attributeScores"]["TOXICITY"]["summaryScore"]["value"], 1);
        assert_eq!(p.record["clientToken"], "comment:1");
        assert_eq!(p.response.client_token.as_deref(), Some("comment:1"));
    }
}
