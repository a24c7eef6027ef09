//! OpenAI's moderation endpoint, `POST /v1/moderations`, on our engine, so that code using the
//! official SDKs switches by changing `base_url`.
//!
//! `input` is a string, an array of strings (one result each), or an array of multimodal parts
//! (`{"type": "text", "text": ...}`; one result for all of them, as OpenAI answers). Image parts
//! are refused with a 400: we score text only. Keys come as `Authorization: Bearer KEY`; errors
//! use OpenAI's shape `{"error": {"message", "type", "param", "code"}}` so the SDKs raise their
//! usual exceptions (401 → `AuthenticationError`, 400 → `BadRequestError`).
//!
//! Our seven categories map onto OpenAI's thirteen as [`MAPPING`] says; the categories we do
//! not score are always 0 and never flagged. `flagged` follows our decision (anything but
//! `allow`); a category is flagged when its source category reached its review threshold.

use super::auth::{Access, AuthError};
use super::errors::RETRY_AFTER_SECS;
use super::json::{self, BodyError, ParseError};
use super::openapi::{OpenAiErrorBody, OpenAiUnavailable};
use super::scoring::{self, OwnedComment, ScoreError};
use super::{AppState, Overloaded};
use crate::engine::{Category, Decision, Detail, Threshold, Verdict};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The model named in answers when the request names none.
pub const DEFAULT_MODEL: &str = "omni-moderation-latest";

/// How an OpenAI category is computed from ours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The score of one of our categories.
    One(Category),
    /// The smaller of two of our scores: both must hold (hate that also threatens).
    Both(Category, Category),
    /// Not something we score: always 0.
    Unscored,
}

/// OpenAI's thirteen categories, in the order OpenAI lists them, and where each comes from.
pub const MAPPING: [(&str, Source); 13] = [
    ("harassment", Source::One(Category::Insult)),
    ("harassment/threatening", Source::One(Category::Threat)),
    ("hate", Source::One(Category::IdentityAttack)),
    (
        "hate/threatening",
        Source::Both(Category::IdentityAttack, Category::Threat),
    ),
    ("illicit", Source::Unscored),
    ("illicit/violent", Source::Unscored),
    ("self-harm", Source::Unscored),
    ("self-harm/instructions", Source::Unscored),
    ("self-harm/intent", Source::Unscored),
    ("sexual", Source::One(Category::SexuallyExplicit)),
    ("sexual/minors", Source::Unscored),
    ("violence", Source::One(Category::Threat)),
    ("violence/graphic", Source::Unscored),
];

// ---------------------------------------------------------------------------------------------
// Request

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = OpenAiModerationRequest)]
pub struct ModerationRequest {
    pub input: Input,
    #[serde(default)]
    pub model: Option<String>,
}

/// `input`: a string, or an array of strings or of multimodal parts.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
#[schema(as = OpenAiInput)]
pub enum Input {
    One(String),
    Many(Vec<Item>),
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
#[schema(as = OpenAiInputItem)]
pub enum Item {
    Text(String),
    Part(Part),
}

/// A multimodal part: `{"type": "text", "text": ...}` or `{"type": "image_url", ...}`.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = OpenAiInputPart)]
pub struct Part {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub text: Option<String>,
}

impl ModerationRequest {
    /// The texts to score, one per result. Checks the shape and the limits.
    pub fn texts(&self, max_items: usize, max_chars: usize) -> Result<Vec<String>, OpenAiError> {
        let texts = match &self.input {
            Input::One(s) => vec![s.clone()],
            Input::Many(items) if items.is_empty() => {
                return Err(OpenAiError::invalid("input", "`input` must not be an empty array."))
            }
            Input::Many(items) if items.iter().all(|i| matches!(i, Item::Text(_))) => items
                .iter()
                .filter_map(|i| match i {
                    Item::Text(s) => Some(s.clone()),
                    Item::Part(_) => None,
                })
                .collect(),
            Input::Many(items) => {
                // Multimodal parts describe one input, so they get one result.
                let mut text = Vec::new();
                for (n, item) in items.iter().enumerate() {
                    match item {
                        Item::Part(p) if p.kind == "text" => match &p.text {
                            Some(t) => text.push(t.as_str()),
                            None => {
                                return Err(OpenAiError::invalid(
                                    &format!("input[{n}].text"),
                                    "A text part must have a `text` string.",
                                ))
                            }
                        },
                        Item::Part(p) if p.kind == "image_url" => {
                            return Err(OpenAiError::invalid(
                                &format!("input[{n}]"),
                                "Image inputs are not supported by this server: it moderates text only. \
                                 Send the text parts alone.",
                            ))
                        }
                        Item::Part(p) => {
                            return Err(OpenAiError::invalid(
                                &format!("input[{n}].type"),
                                &format!("Unsupported input type '{}': expected 'text'.", p.kind),
                            ))
                        }
                        Item::Text(_) => {
                            return Err(OpenAiError::invalid(
                                "input",
                                "`input` must be all strings or all multimodal parts, not a mix.",
                            ))
                        }
                    }
                }
                vec![text.join("\n")]
            }
        };
        if texts.len() > max_items {
            return Err(OpenAiError::invalid(
                "input",
                &format!("Too many inputs: {}, the limit is {max_items}.", texts.len()),
            ));
        }
        for (n, t) in texts.iter().enumerate() {
            let chars = t.chars().count();
            if chars > max_chars {
                return Err(OpenAiError::invalid(
                    &format!("input[{n}]"),
                    &format!("Input is too long: {chars} characters, the limit is {max_chars}."),
                ));
            }
        }
        Ok(texts)
    }
}

// ---------------------------------------------------------------------------------------------
// Response

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = OpenAiModerationResponse)]
pub struct ModerationResponse {
    pub id: String,
    pub model: String,
    pub results: Vec<ModerationResult>,
}

/// One result; the three maps have OpenAI's thirteen keys, in OpenAI's order.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = OpenAiModerationResult)]
pub struct ModerationResult {
    pub flagged: bool,
    #[schema(value_type = BTreeMap<String, bool>)]
    pub categories: Map<String, Value>,
    #[schema(value_type = BTreeMap<String, f64>)]
    pub category_scores: Map<String, Value>,
    #[schema(value_type = BTreeMap<String, Vec<String>>)]
    pub category_applied_input_types: Map<String, Value>,
}

/// A result from a verdict and the thresholds in force.
pub fn result(verdict: &Verdict, thresholds: &[Threshold; 7]) -> ModerationResult {
    let score = |c: Category| f64::from(verdict.scores.get(c));
    let flagged_cat = |c: Category| verdict.scores.get(c) >= thresholds[c.index()].review;
    let mut categories = Map::new();
    let mut category_scores = Map::new();
    let mut applied = Map::new();
    for (name, source) in MAPPING {
        let (s, f) = match source {
            Source::One(c) => (score(c), flagged_cat(c)),
            Source::Both(a, b) => (score(a).min(score(b)), flagged_cat(a) && flagged_cat(b)),
            Source::Unscored => (0.0, false),
        };
        categories.insert(name.into(), json!(f));
        category_scores.insert(name.into(), json!((s * 1e6).round() / 1e6));
        applied.insert(name.into(), json!(["text"]));
    }
    ModerationResult {
        flagged: verdict.decision != Decision::Allow,
        categories,
        category_scores,
        category_applied_input_types: applied,
    }
}

/// `modr-` and 32 hex digits, as OpenAI's ids look.
pub fn new_id() -> String {
    format!("modr-{}", uuid::Uuid::new_v4().simple())
}

// ---------------------------------------------------------------------------------------------
// Errors

/// Errors in OpenAI's shape; `kind` is OpenAI's `type`.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct OpenAiError {
    pub status: u16,
    pub message: String,
    pub kind: &'static str,
    pub param: Option<String>,
    pub code: Option<&'static str>,
    /// Seconds for `Retry-After` on a 429 (503s use the service's constant).
    pub retry_after: Option<u64>,
}

impl OpenAiError {
    pub fn invalid(param: &str, message: &str) -> OpenAiError {
        OpenAiError {
            status: 400,
            message: message.to_string(),
            kind: "invalid_request_error",
            param: Some(param.to_string()),
            code: None,
            retry_after: None,
        }
    }

    pub fn bad_json(detail: &str) -> OpenAiError {
        OpenAiError {
            status: 400,
            message: format!(
                "We could not parse the JSON body of your request: {detail}. Expected {{\"input\": string | string[] | parts[], \"model\"?: string}}."
            ),
            kind: "invalid_request_error",
            param: None,
            code: None,
            retry_after: None,
        }
    }

    pub fn missing_key() -> OpenAiError {
        OpenAiError {
            status: 401,
            message: "You didn't provide an API key. Send it as `Authorization: Bearer KEY`.".into(),
            kind: "invalid_request_error",
            param: None,
            code: Some("missing_api_key"),
            retry_after: None,
        }
    }

    pub fn invalid_key() -> OpenAiError {
        OpenAiError {
            status: 401,
            message: "Incorrect API key provided.".into(),
            kind: "invalid_request_error",
            param: None,
            code: Some("invalid_api_key"),
            retry_after: None,
        }
    }

    pub fn too_large(max: usize) -> OpenAiError {
        OpenAiError {
            status: 413,
            message: format!("Request body is too large: the limit is {max} bytes."),
            kind: "invalid_request_error",
            param: None,
            code: Some("request_too_large"),
            retry_after: None,
        }
    }

    /// OpenAI's shape for a rate limit; the wait goes in `Retry-After` (from the message).
    pub fn rate_limited(retry_after_secs: u64) -> OpenAiError {
        OpenAiError {
            status: 429,
            message: format!(
                "Rate limit reached for requests with this API key. Please try again in {retry_after_secs}s."
            ),
            kind: "requests",
            param: None,
            code: Some("rate_limit_exceeded"),
            retry_after: Some(retry_after_secs),
        }
    }

    pub fn unavailable() -> OpenAiError {
        OpenAiError {
            status: 503,
            message: "The server is overloaded; retry later.".into(),
            kind: "server_error",
            param: None,
            code: None,
            retry_after: None,
        }
    }

    pub fn internal() -> OpenAiError {
        OpenAiError {
            status: 500,
            message: "The server had an error while processing your request.".into(),
            kind: "server_error",
            param: None,
            code: None,
            retry_after: None,
        }
    }

    pub fn body(&self) -> Value {
        json!({"error": {
            "message": self.message,
            "type": self.kind,
            "param": self.param,
            "code": self.code,
        }})
    }
}

impl From<AuthError> for OpenAiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Missing => OpenAiError::missing_key(),
            AuthError::Invalid | AuthError::AdminDisabled => OpenAiError::invalid_key(),
            AuthError::RateLimited { retry_after_secs } => OpenAiError::rate_limited(retry_after_secs),
        }
    }
}

impl From<BodyError> for OpenAiError {
    fn from(e: BodyError) -> Self {
        match e {
            BodyError::TooLarge { limit } => OpenAiError::too_large(limit),
            BodyError::UnsupportedMediaType(_) => OpenAiError {
                status: 415,
                message: format!("{e}."),
                kind: "invalid_request_error",
                param: None,
                code: None,
                retry_after: None,
            },
            BodyError::TooDeep { .. } | BodyError::Read(_) => OpenAiError::bad_json(&e.to_string()),
        }
    }
}

impl From<ParseError> for OpenAiError {
    fn from(e: ParseError) -> Self {
        OpenAiError::bad_json(&e.to_string())
    }
}

impl From<Overloaded> for OpenAiError {
    fn from(_: Overloaded) -> Self {
        OpenAiError::unavailable()
    }
}

impl From<ScoreError> for OpenAiError {
    fn from(_: ScoreError) -> Self {
        OpenAiError::internal()
    }
}

impl ResponseError for OpenAiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        match self.status {
            429 | 503 => {
                let secs = self.retry_after.unwrap_or(RETRY_AFTER_SECS);
                res.insert_header((header::RETRY_AFTER, secs.to_string()));
            }
            405 => {
                res.insert_header((header::ALLOW, "POST"));
            }
            _ => {}
        }
        res.json(self.body())
    }
}

// ---------------------------------------------------------------------------------------------
// Handler

/// Registers `POST /v1/moderations`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/v1/moderations")
            .route(web::post().to(moderations))
            .default_service(web::to(wrong_method)),
    );
}

async fn wrong_method(req: HttpRequest) -> Result<HttpResponse, OpenAiError> {
    Err(OpenAiError {
        status: 405,
        message: format!("Invalid method for URL ({} {}): use POST.", req.method(), req.path()),
        kind: "invalid_request_error",
        param: None,
        code: None,
        retry_after: None,
    })
}

/// OpenAI's moderation endpoint on our engine.
#[utoipa::path(
    post,
    path = "/v1/moderations",
    tag = "openai",
    request_body(content = ModerationRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "One result per input", body = ModerationResponse),
        (status = 400, description = "Malformed JSON or an invalid input (`param` names it)", body = OpenAiErrorBody),
        (status = 401, description = "Missing or invalid API key", body = OpenAiErrorBody),
        (status = 405, description = "Use POST", body = OpenAiErrorBody),
        (status = 413, description = "Body over the limit", body = OpenAiErrorBody),
        (status = 415, description = "Not application/json", body = OpenAiErrorBody),
        (status = 500, description = "Internal error", body = OpenAiErrorBody),
        (status = 429, description = "Over the configured per-key rate limit; see Retry-After", body = OpenAiErrorBody),
        (status = 503, description = "Overloaded (OpenAI's shape) or timed out (tamiz's shape); see Retry-After", body = OpenAiUnavailable),
    ),
    security((), ("bearer" = []), ("key" = []))
)]
pub(crate) async fn moderations(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, OpenAiError> {
    state.keys.check(Access::Api, &req)?;
    let _permit = state.admit()?;
    let limits = &state.settings.limits;
    let bytes = json::read_body(&req, body, limits).await?;
    let request: ModerationRequest = json::parse(&bytes)?;
    let comments = request
        .texts(limits.max_batch_items, limits.max_text_chars)?
        .into_iter()
        .map(|text| OwnedComment {
            text,
            detail: Detail::Scores,
            ..Default::default()
        })
        .collect();
    let engine = state.engine.current();
    let scored = scoring::score(engine.clone(), state.metrics.clone(), comments).await?;
    let thresholds = engine.thresholds();
    let results = scored
        .into_iter()
        .map(|s| s.map(|s| result(&s.verdict, thresholds)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok()
        .insert_header(super::lexicon_version_header(engine.version()))
        .json(ModerationResponse {
            id: new_id(),
            model: request.model.unwrap_or_else(|| DEFAULT_MODEL.to_string()),
            results,
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: Value) -> Result<Vec<String>, OpenAiError> {
        let r: ModerationRequest = serde_json::from_value(v).map_err(|e| OpenAiError::bad_json(&e.to_string()))?;
        r.texts(3, 10)
    }

    #[test]
    fn input_forms() {
        assert_eq!(parse(json!({"input": "hi"})).unwrap(), vec!["hi"]);
        assert_eq!(
            parse(json!({"input": ["a", "b"], "model": "x"})).unwrap(),
            vec!["a", "b"]
        );
        assert_eq!(
            parse(json!({"input": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]})).unwrap(),
            vec!["a\nb"]
        );
        let img = json!({"input": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}]});
        let e = parse(img).unwrap_err();
        assert_eq!((e.status, e.param.as_deref()), (400, Some("input[0]")));
        assert!(e.message.contains("Image inputs are not supported"));
        assert_eq!(parse(json!({"input": []})).unwrap_err().status, 400);
        assert_eq!(
            parse(json!({"input": ["a", {"type": "text", "text": "b"}]}))
                .unwrap_err()
                .status,
            400
        );
        assert_eq!(parse(json!({"input": ["a", "b", "c", "d"]})).unwrap_err().status, 400);
        assert_eq!(parse(json!({"input": "x".repeat(11)})).unwrap_err().status, 400);
        assert_eq!(parse(json!({"input": 3})).unwrap_err().status, 400);
        assert_eq!(parse(json!({})).unwrap_err().status, 400);
    }

    #[test]
    fn thirteen_categories() {
        let names: Vec<&str> = MAPPING.iter().map(|m| m.0).collect();
        assert_eq!(names.len(), 13);
        assert!(names.contains(&"self-harm/instructions") && names.contains(&"illicit/violent"));
        let e = OpenAiError::invalid_key().body();
        assert_eq!(e["error"]["code"], "invalid_api_key");
        assert_eq!(e["error"]["param"], Value::Null);
        assert!(new_id().starts_with("modr-") && new_id().len() == 37);
    }
}
