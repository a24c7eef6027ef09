//! tamiz's own API: `POST /v1/moderate`, `POST /v1/moderate/batch`, `GET /v1/lexicon`.
//!
//! Wire types ([`ModerateRequest`]) are parsed into domain types ([`ModerationItem`]) at the
//! boundary: the language is a [`Language`] or the request is a 400 naming `language`; every
//! text is within `limits.max_text_chars` or the request is a 413 naming the field.
//!
//! ```text
//! POST /v1/moderate {"text": "you are an idiot", "id": "c-17", "language": "en",
//!                    "context": {"parent": "...", "article": "..."}}
//! 200 {"id": "c-17", "decision": "reject", "scores": {...}, "matches": [...], "reasons": [...],
//!      "language": "en", "lexicon_version": "3f2a...", "took_us": 41}
//! ```

use super::auth::ApiKey;
use super::errors::{method_not_allowed, ApiError, ApiErrorBody};
use super::json::{self, ParseError};
use super::scoring::{self, OwnedComment, Scored};
use super::verdict_json;
use super::AppState;
use crate::engine::{Detail, Language, Verdict};
use crate::metrics::unix_seconds;
use crate::settings::Limits;
use actix_web::body::SizedStream;
use actix_web::mime;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::str::FromStr;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/v1/moderate")
            .route(web::post().to(moderate))
            .default_service(method_not_allowed("POST")),
    )
    .service(
        web::resource("/v1/moderate/batch")
            .route(web::post().to(moderate_batch))
            .default_service(method_not_allowed("POST")),
    )
    .service(
        web::resource("/v1/lexicon")
            .route(web::get().to(lexicon))
            .default_service(method_not_allowed("GET")),
    );
}

/// Longest accepted client id; ids are echoed, so they are bounded like everything else.
const MAX_ID_CHARS: usize = 256;

/// The client's id for a comment, echoed as given (a string or a number).
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum CommentId {
    #[schema(value_type = String)]
    Text(String),
    #[schema(value_type = f64)]
    Number(serde_json::Number),
}

fn bounded_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<CommentId>, D::Error> {
    let id = Option::<CommentId>::deserialize(d)?;
    match &id {
        Some(CommentId::Text(s)) if s.chars().count() > MAX_ID_CHARS => Err(serde::de::Error::custom(format!(
            "longer than {MAX_ID_CHARS} characters"
        ))),
        _ => Ok(id),
    }
}

/// A language tag parsed into a supported [`Language`] (`es`, `es-MX`, `en_US`).
#[derive(Clone, Copy, Debug)]
pub struct LanguageTag(pub Language);

impl<'de> Deserialize<'de> for LanguageTag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let tag = String::deserialize(d)?;
        Language::from_str(&tag)
            .map(LanguageTag)
            .map_err(serde::de::Error::custom)
    }
}

/// `POST /v1/moderate` as sent.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModerateRequest {
    /// The comment, at most `limits.max_text_chars` characters (413 beyond).
    pub text: String,
    /// Echoed in the result; a string of at most 256 characters, or a number.
    #[serde(default, deserialize_with = "bounded_id")]
    pub id: Option<CommentId>,
    /// `en` or `es`, with any region (`es-MX`); detected when absent.
    #[serde(default)]
    pub language: Option<LanguageTag>,
    #[serde(default)]
    pub context: Option<Context>,
    /// How much of the verdict to send back: `evidence` (the default) lists the matches that
    /// raised a score, with their spans: every wordlist entry and heuristic rule, and the learned
    /// terms that added at least 0.25 to a category's logit; `full` lists every match, the
    /// learned terms that lowered a score too; `summary` leaves `matches` out and keeps
    /// decision, scores and reasons, for clients that never show spans (a smaller answer, and
    /// cheaper to build).
    #[serde(default)]
    pub detail: ResponseDetail,
}

/// How much of a verdict `/v1/moderate` sends back.
// Also `tamiz score --detail` (clap), so the CLI and the API offer the same choices.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ResponseDetail {
    #[default]
    Evidence,
    Full,
    Summary,
}

impl From<ResponseDetail> for Detail {
    fn from(d: ResponseDetail) -> Detail {
        match d {
            ResponseDetail::Evidence => Detail::Evidence,
            ResponseDetail::Full => Detail::Full,
            ResponseDetail::Summary => Detail::Summary,
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ModerateContext)]
pub struct Context {
    /// The comment this one replies to.
    #[serde(default)]
    pub parent: Option<String>,
    /// The article's title or text. Accepted and bounded; the engine does not use it yet.
    #[serde(default)]
    pub article: Option<String>,
}

/// `POST /v1/moderate/batch` as sent: items stay raw JSON so one bad item cannot fail the rest.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// Each item as for `/v1/moderate`; an invalid item gets an error in its slot.
    #[schema(value_type = Vec<ModerateRequest>)]
    pub items: Vec<serde_json::Value>,
}

/// A request that passed every check: what the engine will see, and the id to echo.
#[derive(Debug)]
pub struct ModerationItem {
    pub id: Option<CommentId>,
    pub comment: OwnedComment,
}

impl ModerationItem {
    /// Applies the text limits. `at` prefixes field names (`items[3]`) in errors.
    pub fn parse(request: ModerateRequest, limits: &Limits, at: &str) -> Result<ModerationItem, ApiError> {
        let context = request.context.unwrap_or_default();
        let field = |name: &str| {
            if at.is_empty() {
                name.to_string()
            } else {
                format!("{at}.{name}")
            }
        };
        for (name, text) in [
            ("text", Some(&request.text)),
            ("context.parent", context.parent.as_ref()),
            ("context.article", context.article.as_ref()),
        ] {
            if let Some(text) = text {
                // Cheap early-out: a string with no more bytes than the limit has no more chars.
                if text.len() > limits.max_text_chars {
                    let chars = text.chars().count();
                    if chars > limits.max_text_chars {
                        return Err(ApiError::TextTooLong {
                            field: field(name),
                            chars,
                            limit: limits.max_text_chars,
                        });
                    }
                }
            }
        }
        Ok(ModerationItem {
            id: request.id,
            comment: OwnedComment {
                text: request.text,
                language: request.language.map(|l| l.0),
                parent: context.parent,
                detail: request.detail.into(),
            },
        })
    }
}

/// One result: the verdict with the client's id and the engine's time.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ModerateResponse)]
pub(crate) struct Moderated<'a> {
    /// The request's `id`, when it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<CommentId>)]
    id: Option<&'a CommentId>,
    #[serde(flatten)]
    #[schema(value_type = Verdict)]
    verdict: &'a Verdict,
    /// Microseconds the engine took for this comment.
    took_us: u64,
}

// Responses are written by `verdict_json`; these serde types are its reference in tests and the
// OpenAPI schema of the responses.
impl<'a> Moderated<'a> {
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn new(id: Option<&'a CommentId>, scored: &'a Scored) -> Self {
        Moderated {
            id,
            verdict: &scored.verdict,
            took_us: scored.took_us(),
        }
    }
}

/// One slot of a batch response: a result or that item's error object.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[schema(as = BatchSlot)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) enum Slot<'a> {
    Scored(Moderated<'a>),
    #[schema(value_type = super::openapi::BatchItemError)]
    Error(serde_json::Value),
}

/// `POST /v1/moderate/batch`: one slot per item, in request order.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct BatchResponse<'a> {
    pub(crate) results: Vec<Slot<'a>>,
}

/// Scores one comment.
#[utoipa::path(
    post,
    path = "/v1/moderate",
    tag = "native",
    request_body(content = ModerateRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The verdict", body = Moderated),
        (status = 400, description = "Malformed JSON, a bad field, nesting too deep", body = ApiErrorBody),
        (status = 401, description = "Missing or invalid API key", body = ApiErrorBody),
        (status = 405, description = "Use POST", body = ApiErrorBody),
        (status = 413, description = "Body, text or id over the limits", body = ApiErrorBody),
        (status = 415, description = "Not application/json", body = ApiErrorBody),
        (status = 500, description = "The engine failed on this comment", body = ApiErrorBody),
        (status = 429, description = "Over the configured per-key rate limit; see Retry-After", body = ApiErrorBody),
        (status = 503, description = "Overloaded, timed out or draining; see Retry-After", body = ApiErrorBody),
    ),
    security((), ("bearer" = []), ("key" = []))
)]
pub(crate) async fn moderate(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
    _key: ApiKey,
) -> Result<HttpResponse, ApiError> {
    let _permit = state.admit()?;
    let limits = &state.settings.limits;
    let bytes = json::read_body(&req, body, limits).await?;
    let item = ModerationItem::parse(json::parse(&bytes)?, limits, "")?;
    let engine = state.engine.current();
    let detail = item.comment.detail;
    let mut results = scoring::score(engine, state.metrics.clone(), vec![item.comment]).await?;
    let scored = results
        .pop()
        .ok_or_else(|| scoring::ScoreError::Pool("no result".into()))??;
    let mut body = Vec::with_capacity(verdict_json::size_hint(&scored.verdict));
    verdict_json::write_moderated(&mut body, item.id.as_ref(), &scored.verdict, scored.took_us(), detail);
    Ok(HttpResponse::Ok()
        .insert_header(super::lexicon_version_header(&scored.verdict.lexicon_version))
        .content_type(mime::APPLICATION_JSON)
        .body(body))
}

/// Scores up to `limits.max_batch_items` comments; one bad item does not fail the others.
#[utoipa::path(
    post,
    path = "/v1/moderate/batch",
    tag = "native",
    request_body(content = BatchRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "One result or error per item, in order", body = BatchResponse),
        (status = 400, description = "Malformed JSON or not `{\"items\": [...]}`", body = ApiErrorBody),
        (status = 401, description = "Missing or invalid API key", body = ApiErrorBody),
        (status = 405, description = "Use POST", body = ApiErrorBody),
        (status = 413, description = "Body or item count over the limits", body = ApiErrorBody),
        (status = 415, description = "Not application/json", body = ApiErrorBody),
        (status = 500, description = "The scoring pool failed", body = ApiErrorBody),
        (status = 429, description = "Over the configured per-key rate limit; see Retry-After", body = ApiErrorBody),
        (status = 503, description = "Overloaded, timed out or draining; see Retry-After", body = ApiErrorBody),
    ),
    security((), ("bearer" = []), ("key" = []))
)]
pub(crate) async fn moderate_batch(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
    _key: ApiKey,
) -> Result<HttpResponse, ApiError> {
    let _permit = state.admit()?;
    let limits = &state.settings.limits;
    let bytes = json::read_body(&req, body, limits).await?;
    let batch: BatchRequest = json::parse(&bytes)?;
    if batch.items.len() > limits.max_batch_items {
        return Err(ApiError::TooManyItems {
            items: batch.items.len(),
            limit: limits.max_batch_items,
        });
    }

    // Each slot is either a parsed item waiting to be scored or its error, in request order.
    let mut slots: Vec<Result<(Option<CommentId>, Detail), serde_json::Value>> = Vec::with_capacity(batch.items.len());
    let mut comments = Vec::with_capacity(batch.items.len());
    for (i, value) in batch.items.into_iter().enumerate() {
        let at = format!("items[{i}]");
        let echo_id = value.get("id").cloned();
        let parsed = json::parse_value::<ModerateRequest>(value)
            .map_err(|e: ParseError| ApiError::from(e.within(&at)))
            .and_then(|r| ModerationItem::parse(r, limits, &at));
        match parsed {
            Ok(item) => {
                slots.push(Ok((item.id, item.comment.detail)));
                comments.push(item.comment);
            }
            Err(e) => {
                let mut error = e.to_json();
                if let (Some(id), Some(obj)) = (
                    echo_id.filter(|v| v.is_string() || v.is_number()),
                    error.as_object_mut(),
                ) {
                    obj.insert("id".into(), id);
                }
                slots.push(Err(error));
            }
        }
    }

    let engine = state.engine.current();
    let version = super::lexicon_version_header(engine.version());
    let ids: Vec<(Option<CommentId>, Detail)> = slots.iter().filter_map(|s| s.as_ref().ok().cloned()).collect();
    let rendered = scoring::score_map(engine, state.metrics.clone(), comments, move |i, s| {
        let (id, detail) = &ids[i];
        let mut slot = Vec::with_capacity(verdict_json::size_hint(&s.verdict));
        verdict_json::write_moderated(&mut slot, id.as_ref(), &s.verdict, s.took_us(), *detail);
        slot
    })
    .await?;
    let mut rendered = rendered.into_iter();
    let results = slots.into_iter().map(|slot| match slot {
        Err(error) => Err(error),
        Ok(_) => match rendered.next() {
            Some(Ok(bytes)) => Ok(bytes),
            Some(Err(e)) => Err(ApiError::from(e).to_json()),
            None => Err(ApiError::from(scoring::ScoreError::Pool("missing result".into())).to_json()),
        },
    });
    let chunks = verdict_json::batch_chunks(results);
    let length: usize = chunks.iter().map(Bytes::len).sum();
    // Sent chunk by chunk with its length known: the slots are never copied into one body.
    let body = SizedStream::new(
        length as u64,
        futures_util::stream::iter(chunks.into_iter().map(Ok::<_, std::convert::Infallible>)),
    );
    Ok(HttpResponse::Ok()
        .insert_header(version)
        .content_type(mime::APPLICATION_JSON)
        .body(body))
}

/// `GET /v1/lexicon`.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct LexiconResponse<'a> {
    version: &'a str,
    /// RFC 3339, UTC.
    loaded_at: String,
    loaded_at_unix: u64,
    entries: usize,
    allowlist: usize,
    /// Entries per language and category.
    #[schema(value_type = BTreeMap<String, BTreeMap<String, u64>>)]
    counts: &'a BTreeMap<Language, BTreeMap<crate::engine::Category, usize>>,
}

/// The lexicon serving now: version, load time and counts.
#[utoipa::path(
    get,
    path = "/v1/lexicon",
    tag = "native",
    responses(
        (status = 200, description = "The lexicon serving now", body = LexiconResponse),
        (status = 401, description = "Missing or invalid API key", body = ApiErrorBody),
        (status = 405, description = "Use GET", body = ApiErrorBody),
        (status = 503, description = "Timed out", body = ApiErrorBody),
    ),
    security((), ("bearer" = []), ("key" = []))
)]
pub(crate) async fn lexicon(state: web::Data<AppState>, _key: ApiKey) -> HttpResponse {
    let engine = state.engine.current();
    let info = engine.info();
    let unix = unix_seconds(info.loaded_at);
    HttpResponse::Ok().json(LexiconResponse {
        version: &info.version,
        loaded_at: rfc3339(unix),
        loaded_at_unix: unix,
        entries: info.entries,
        allowlist: info.allowlist,
        counts: &info.counts,
    })
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (days to civil date: Howard Hinnant's
/// algorithm), to avoid a date crate for one field.
pub fn rfc3339(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates() {
        let rows = [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_700_000_000, "2023-11-14T22:13:20Z"),
            (4_102_444_799, "2099-12-31T23:59:59Z"),
        ];
        for (unix, want) in rows {
            assert_eq!(rfc3339(unix), want);
        }
    }

    #[test]
    fn language_tags() {
        for (tag, ok) in [("es", true), ("es-MX", true), ("EN", true), ("fr", false), ("", false)] {
            let r = json::parse::<ModerateRequest>(format!(r#"{{"text":"x","language":"{tag}"}}"#).as_bytes());
            assert_eq!(r.is_ok(), ok, "{tag}");
            if let Err(e) = r {
                assert!(e.to_string().starts_with("language: "), "{e}");
            }
        }
    }
}
