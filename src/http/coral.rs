//! Coral Talk's External Moderation Phase webhook: `POST /coral/moderate`.
//!
//! Coral posts each new or edited comment here, signed with the phase's signing secret in
//! `X-Coral-Signature: sha256=<hex HMAC-SHA256 of the raw body>` (several comma-separated
//! signatures while a rotated secret is still active). We verify the signature against every
//! secret in `coral.signing_secrets` in constant time, strip HTML from `comment.body`, score it,
//! and answer in Coral's response shape:
//!
//! | our decision | answer |
//! |---|---|
//! | `reject` | 200 `{"status": "REJECTED", "actions": [FLAG COMMENT_DETECTED_TOXIC], "moderationAction": {"rejectionReason": ...}}` |
//! | `review` | 200 `{"status": "SYSTEM_WITHHELD", "actions": [FLAG COMMENT_DETECTED_TOXIC]}` |
//! | `allow`  | 204, nothing to say: Coral carries on with its own pipeline |
//!
//! A missing or wrong signature is 401 and the comment is never scored. (Coral's own
//! Perspective integration, which calls `/v1alpha1/comments:analyze`, needs none of this; see
//! `docs/integrations.md`.)

use super::errors::{ApiErrorBody, RETRY_AFTER_SECS};
use super::json::{self, BodyError, ParseError};
use super::scoring::{self, OwnedComment, ScoreError};
use super::{AppState, Overloaded};
use crate::engine::{Category, Decision, Detail, Verdict};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::Sha256;

/// Where Coral's External Moderation Phase should post.
pub const PATH: &str = "/coral/moderate";
/// The header carrying the signatures.
pub const SIGNATURE_HEADER: &str = "x-coral-signature";

// ---------------------------------------------------------------------------------------------
// Signatures

/// Whether `header` (Coral's `X-Coral-Signature`) holds an HMAC-SHA256 of `body` under any of
/// `secrets`. Elements are `sha256=<hex>`, comma-separated; others are ignored, as Coral's
/// reference verifier does. Each comparison is constant-time (`Mac::verify_slice`).
pub fn verify_signature(secrets: &[SecretString], header: Option<&str>, body: &[u8]) -> bool {
    let Some(header) = header else { return false };
    let signatures: Vec<Vec<u8>> = header
        .split(',')
        .filter_map(|element| {
            let (prefix, value) = element.trim().split_once('=')?;
            (prefix.trim() == "sha256").then(|| hex::decode(value.trim()).ok())?
        })
        .collect();
    if signatures.is_empty() {
        return false;
    }
    secrets.iter().any(|secret| {
        let Ok(mac) = Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes()) else {
            return false;
        };
        let mac = mac.chain_update(body);
        signatures.iter().any(|sig| mac.clone().verify_slice(sig).is_ok())
    })
}

/// `sha256=<hex>` for `body` under `secret`: what Coral sends (tests and docs use it).
pub fn sign(secret: &str, body: &[u8]) -> String {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

// ---------------------------------------------------------------------------------------------
// HTML

/// Elements whose content is not text a reader sees.
const HIDDEN: [&str; 4] = ["script", "style", "template", "noscript"];
/// Elements that separate words when rendered; other tags (`<b>`, `<a>`, `<span>`) join the
/// text on either side, so `id<b>io</b>t` reads "idiot", as a reader sees it.
const BLOCKS: [&str; 24] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "td",
    "tr",
];

/// The text of an HTML fragment as a reader would see it: tags removed (block elements become a
/// line break, inline ones nothing), script and style content dropped, comments removed,
/// entities decoded (`&amp;`, `&#233;`, `&eacute;`). A `<` that does not open a tag ("a < b")
/// stays text. Never panics; unterminated tags swallow the rest, as a browser would.
pub fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        if let Some(comment) = after.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let opens_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?');
        if !opens_tag {
            out.push('<');
            rest = after;
            continue;
        }
        let end = tag_end(after);
        let tag = &after[..end];
        rest = after.get(end + 1..).unwrap_or("");
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !closing && HIDDEN.contains(&name.as_str()) {
            // Skip to the matching close tag (case-insensitive), or to the end.
            let close = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            rest = match lower.find(&close) {
                Some(i) => {
                    let tail = &rest[i..];
                    tail.find('>').map_or("", |j| &tail[j + 1..])
                }
                None => "",
            };
            continue;
        }
        if BLOCKS.contains(&name.as_str()) && !out.ends_with('\n') && !out.is_empty() {
            out.push('\n');
        }
    }
    out.push_str(rest);
    let decoded = html_escape::decode_html_entities(&out);
    decoded.trim().to_string()
}

/// Index of the `>` closing a tag that starts at `s[0]`, skipping quoted attribute values;
/// `s.len()` when unterminated.
fn tag_end(s: &str) -> usize {
    let mut quote: Option<u8> = None;
    for (i, b) in s.bytes().enumerate() {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return i,
            _ => {}
        }
    }
    s.len()
}

// ---------------------------------------------------------------------------------------------
// Request and response

/// Coral's External Moderation Request; only `comment.body` is needed, the rest is kept for
/// logs. Unknown fields are ignored: Coral adds fields over time.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CoralModerationRequest)]
pub struct ModerationRequest {
    #[serde(default)]
    pub action: Option<String>,
    pub comment: CoralComment,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub author: Option<Value>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub story: Option<Value>,
    #[serde(default, rename = "tenantID")]
    pub tenant_id: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CoralComment {
    pub body: String,
    #[serde(default, rename = "parentID")]
    pub parent_id: Option<String>,
}

/// One `actions` entry: always a flag, so a moderator sees why.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CoralAction)]
pub struct Action {
    pub action_type: &'static str,
    pub reason: &'static str,
}

/// `moderationAction.rejectionReason`.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CoralRejectionReason)]
pub struct RejectionReason {
    pub code: &'static str,
    pub detailed_explanation: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CoralModerationAction)]
pub struct ModerationAction {
    pub rejection_reason: RejectionReason,
}

/// Coral's External Moderation Response.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CoralModerationResponse)]
pub struct ModerationResponse {
    pub status: &'static str,
    pub actions: Vec<Action>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moderation_action: Option<ModerationAction>,
}

/// Coral's rejection reason code for the category that weighs most in a rejection.
fn rejection_code(c: Category) -> &'static str {
    match c {
        Category::IdentityAttack => "HATE_SPEECH",
        Category::Insult => "HARASSMENT_BULLYING",
        Category::Profanity | Category::SexuallyExplicit => "OFFENSIVE",
        Category::Toxicity | Category::SevereToxicity | Category::Threat => "ABUSIVE",
    }
}

/// What to tell Coral about a verdict; `None` (204) when the comment is allowed.
pub fn respond(verdict: &Verdict, thresholds: &[crate::engine::Threshold; 7]) -> Option<ModerationResponse> {
    let flag = vec![Action {
        action_type: "FLAG",
        reason: "COMMENT_DETECTED_TOXIC",
    }];
    match verdict.decision {
        Decision::Allow => None,
        Decision::Review => Some(ModerationResponse {
            status: "SYSTEM_WITHHELD",
            actions: flag,
            moderation_action: None,
        }),
        Decision::Reject => {
            // The most specific category over its reject threshold names the reason; the
            // umbrella toxicity categories only when nothing more specific is.
            let over = |c: Category| verdict.scores.get(c) >= thresholds[c.index()].reject;
            let specific = [
                Category::Threat,
                Category::IdentityAttack,
                Category::Insult,
                Category::SexuallyExplicit,
                Category::Profanity,
            ];
            let top = specific
                .into_iter()
                .filter(|&c| over(c))
                .max_by(|&a, &b| verdict.scores.get(a).total_cmp(&verdict.scores.get(b)))
                .unwrap_or(Category::Toxicity);
            let mut explanation = format!("tamiz {}: {}", verdict.lexicon_version, verdict.reasons.join("; "));
            // Coral shows this to moderators; keep it to a readable length.
            if explanation.chars().count() > 500 {
                explanation = explanation.chars().take(497).collect::<String>() + "...";
            }
            Some(ModerationResponse {
                status: "REJECTED",
                actions: flag,
                moderation_action: Some(ModerationAction {
                    rejection_reason: RejectionReason {
                        code: rejection_code(top),
                        detailed_explanation: explanation,
                    },
                }),
            })
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Errors

/// What the webhook answers besides a decision. Coral skips the phase on any non-2xx answer,
/// so these bodies are for the operator reading logs: `{"error": {"code", "message"}}`.
#[derive(Debug, thiserror::Error)]
pub enum CoralError {
    #[error("missing or invalid X-Coral-Signature")]
    BadSignature,
    #[error("the Coral webhook is disabled: set coral.signing_secrets (TAMIZ__CORAL__SIGNING_SECRETS)")]
    NotConfigured,
    #[error("invalid request: {0}")]
    BadRequest(String),
    #[error("comment is too long: {chars} characters, the limit is {max}")]
    TooLong { chars: usize, max: usize },
    #[error("request body is too large: the limit is {max} bytes")]
    BodyTooLarge { max: usize },
    #[error("the service is overloaded; retry later")]
    Unavailable,
    #[error("{0} is not allowed here; Coral posts (POST)")]
    MethodNotAllowed(String),
    #[error("internal error")]
    Internal(String),
}

impl CoralError {
    pub fn status(&self) -> u16 {
        match self {
            CoralError::BadSignature => 401,
            CoralError::NotConfigured => 503,
            CoralError::BadRequest(_) => 400,
            CoralError::TooLong { .. } | CoralError::BodyTooLarge { .. } => 413,
            CoralError::Unavailable => 503,
            CoralError::MethodNotAllowed(_) => 405,
            CoralError::Internal(_) => 500,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            CoralError::BadSignature => "INVALID_SIGNATURE",
            CoralError::NotConfigured => "NOT_CONFIGURED",
            CoralError::BadRequest(_) => "INVALID_REQUEST",
            CoralError::TooLong { .. } => "COMMENT_TOO_LONG",
            CoralError::BodyTooLarge { .. } => "BODY_TOO_LARGE",
            CoralError::Unavailable => "UNAVAILABLE",
            CoralError::MethodNotAllowed(_) => "METHOD_NOT_ALLOWED",
            CoralError::Internal(_) => "INTERNAL",
        }
    }

    pub fn body(&self) -> Value {
        json!({"error": {"code": self.code(), "message": self.to_string()}})
    }
}

impl From<BodyError> for CoralError {
    fn from(e: BodyError) -> Self {
        match e {
            BodyError::TooLarge { limit } => CoralError::BodyTooLarge { max: limit },
            other => CoralError::BadRequest(other.to_string()),
        }
    }
}

impl From<ParseError> for CoralError {
    fn from(e: ParseError) -> Self {
        CoralError::BadRequest(e.to_string())
    }
}

impl From<Overloaded> for CoralError {
    fn from(_: Overloaded) -> Self {
        CoralError::Unavailable
    }
}

impl From<ScoreError> for CoralError {
    fn from(e: ScoreError) -> Self {
        CoralError::Internal(e.to_string())
    }
}

impl ResponseError for CoralError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        match self {
            CoralError::Unavailable => {
                res.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS.to_string()));
            }
            CoralError::MethodNotAllowed(_) => {
                res.insert_header((header::ALLOW, "POST"));
            }
            _ => {}
        }
        let body = match self {
            // Details of internal failures stay in the log.
            CoralError::Internal(_) => json!({"error": {"code": self.code(), "message": "internal error"}}),
            _ => self.body(),
        };
        res.json(body)
    }
}

// ---------------------------------------------------------------------------------------------
// Handler

/// Registers `POST /coral/moderate`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource(PATH)
            .route(web::post().to(moderate))
            .default_service(web::to(|req: HttpRequest| async move {
                Err::<HttpResponse, _>(CoralError::MethodNotAllowed(req.method().to_string()))
            })),
    );
}

/// The signature is the only credential: Coral cannot send an API key to a moderation phase.
#[utoipa::path(
    post,
    path = "/coral/moderate",
    tag = "coral",
    request_body(content = ModerationRequest, content_type = "application/json"),
    params(("X-Coral-Signature" = Option<String>, Header, description = "`sha256=<hex HMAC-SHA256 of the body>`, comma-separated during rotation")),
    responses(
        (status = 200, description = "Rejected or withheld for review", body = ModerationResponse),
        (status = 204, description = "Allowed, or nothing to score: Coral carries on"),
        (status = 400, description = "Malformed JSON or not a Coral request", body = ApiErrorBody),
        (status = 401, description = "Missing or invalid signature", body = ApiErrorBody),
        (status = 405, description = "Use POST", body = ApiErrorBody),
        (status = 413, description = "Body or comment over the limits", body = ApiErrorBody),
        (status = 500, description = "Internal error", body = ApiErrorBody),
        (status = 503, description = "No signing secret configured, overloaded or timed out", body = ApiErrorBody),
    )
)]
pub(crate) async fn moderate(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, CoralError> {
    let secrets = &state.settings.coral.signing_secrets;
    if secrets.is_empty() {
        return Err(CoralError::NotConfigured);
    }
    let limits = &state.settings.limits;
    let bytes = json::read_body(&req, body, limits).await?;
    let signature = req.headers().get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    if !verify_signature(secrets, signature, &bytes) {
        return Err(CoralError::BadSignature);
    }
    let request: ModerationRequest = json::parse(&bytes)?;
    let text = strip_html(&request.comment.body);
    if text.is_empty() {
        return Ok(HttpResponse::NoContent().finish());
    }
    let chars = text.chars().count();
    if chars > limits.max_text_chars {
        return Err(CoralError::TooLong {
            chars,
            max: limits.max_text_chars,
        });
    }
    let _permit = state.admit()?;
    let engine = state.engine.current();
    let comment = OwnedComment {
        text,
        // Coral is told the decision and the reasons, never the spans.
        detail: Detail::Summary,
        ..Default::default()
    };
    let scored = scoring::score(engine.clone(), state.metrics.clone(), vec![comment])
        .await?
        .pop()
        .ok_or_else(|| ScoreError::Pool("no result".into()))??;
    tracing::debug!(
        action = request.action.as_deref().unwrap_or(""),
        tenant = request.tenant_id.as_deref().unwrap_or(""),
        decision = %scored.verdict.decision,
        "coral moderation request"
    );
    let version = super::lexicon_version_header(engine.version());
    Ok(match respond(&scored.verdict, engine.thresholds()) {
        Some(answer) => HttpResponse::Ok().insert_header(version).json(answer),
        None => HttpResponse::NoContent().insert_header(version).finish(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(s: &[&str]) -> Vec<SecretString> {
        s.iter().map(|s| SecretString::from(s.to_string())).collect()
    }

    #[test]
    fn signatures() {
        let body = br#"{"comment":{"body":"hi"}}"#;
        let good = sign("s3cret", body);
        let other = sign("old", body);
        let keys = secrets(&["s3cret"]);
        assert!(verify_signature(&keys, Some(&good), body));
        assert!(!verify_signature(&keys, Some(&other), body));
        assert!(!verify_signature(&keys, Some(&good), b"tampered"));
        assert!(!verify_signature(&keys, None, body));
        assert!(!verify_signature(&keys, Some(""), body));
        assert!(!verify_signature(&keys, Some("sha256=zz"), body));
        assert!(!verify_signature(&keys, Some(&good.replace("sha256", "sha1")), body));
        // Rotation: several signatures in the header, several secrets configured.
        assert!(verify_signature(&keys, Some(&format!("{other}, {good}")), body));
        assert!(verify_signature(&secrets(&["new", "old"]), Some(&other), body));
        assert!(!verify_signature(&[], Some(&good), body));
    }

    #[test]
    fn strips_html() {
        let cases = [
            ("plain text", "plain text"),
            ("<p>Hello <b>world</b></p>", "Hello world"),
            ("you <b>id</b>iot", "you idiot"),
            ("line<br>break", "line\nbreak"),
            ("<p>one</p><p>two</p>", "one\ntwo"),
            ("a < b and c > d", "a < b and c > d"),
            ("<a href=\"x>y\">link</a>", "link"),
            ("x<script>alert('idiot')</script>y", "xy"),
            ("x<STYLE>p{}</style >y", "xy"),
            ("a<!-- hidden -->b", "ab"),
            ("caf&eacute; &amp; t&#233; &#x1F600;", "café & té 😀"),
            ("<span class=\"spoiler\">shh</span>", "shh"),
            ("unterminated <b", "unterminated"),
            ("<", "<"),
            ("", ""),
        ];
        for (html, want) in cases {
            assert_eq!(strip_html(html), want, "{html}");
        }
    }
}
