//! Reading a JSON request body within the limits, and parsing it with the path of any bad field.
//!
//! The body is read as bytes by the handler rather than through `web::Json`, so the order of the
//! checks is ours: content type (415), declared and actual size (413), nesting depth (400, a cheap
//! scan before any parser recursion), then `serde_json` through `serde_path_to_error`, so a wrong
//! type says which field (`items[3].language: ...`).
//!
//! ```
//! use tamiz::http::json::{nesting_depth, parse, ParseError};
//! assert_eq!(nesting_depth(br#"{"a": [1, "]]]"]}"#), 2);
//! #[derive(serde::Deserialize, Debug)]
//! struct Req { text: String }
//! let err = parse::<Req>(br#"{"text": 5}"#).unwrap_err();
//! assert!(err.to_string().starts_with("text: invalid type"));
//! ```

use crate::settings::Limits;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut, Payload};
use actix_web::HttpRequest;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

/// Why a body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("content type must be application/json, got {0:?}")]
    UnsupportedMediaType(String),
    #[error("the body is over the {limit}-byte limit")]
    TooLarge { limit: usize },
    #[error("the JSON is nested deeper than {limit} levels")]
    TooDeep { limit: usize },
    #[error("cannot read the body: {0}")]
    Read(String),
}

/// Why bytes are not the expected JSON.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Not JSON at all (with line and column).
    #[error("malformed JSON: {0}")]
    Syntax(String),
    /// JSON, but a field is missing, unknown or of the wrong type.
    #[error("{}", field_message(.path, .message))]
    Field { path: String, message: String },
}

fn field_message(path: &str, message: &str) -> String {
    if path.is_empty() {
        message.to_string()
    } else {
        format!("{path}: {message}")
    }
}

impl ParseError {
    /// The same error with `prefix` before its path (`items[2]` + `text` = `items[2].text`).
    pub fn within(self, prefix: &str) -> ParseError {
        match self {
            ParseError::Field { path, message } => ParseError::Field {
                path: match path.as_str() {
                    "" => prefix.to_string(),
                    p if p.starts_with('[') => format!("{prefix}{p}"),
                    p => format!("{prefix}.{p}"),
                },
                message,
            },
            syntax => syntax,
        }
    }
}

/// Whether the request says its body is JSON (`application/json`, any `+json` type, any
/// parameters such as `charset=utf-8`).
pub fn is_json(req: &HttpRequest) -> Result<(), BodyError> {
    let value = req
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let json = essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"));
    if json {
        Ok(())
    } else {
        Err(BodyError::UnsupportedMediaType(value.chars().take(100).collect()))
    }
}

/// Reads a JSON body: content type, size and depth checked; bytes not yet parsed.
pub async fn read_body(req: &HttpRequest, mut payload: Payload, limits: &Limits) -> Result<Bytes, BodyError> {
    is_json(req)?;
    let limit = limits.max_body_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge { limit });
    }
    let mut body = BytesMut::with_capacity(declared.unwrap_or(1024).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| BodyError::Read(e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    if nesting_depth(&body) > limits.max_json_depth {
        return Err(BodyError::TooDeep {
            limit: limits.max_json_depth,
        });
    }
    Ok(body.freeze())
}

/// The deepest nesting of `[` and `{` outside strings. Malformed input gives some number; the
/// parser reports what is wrong with it.
pub fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Parses a whole body into `T`, naming the path of a bad field. The body must be a JSON
/// object: serde would otherwise accept `["text"]` for a struct, by position.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ParseError> {
    // Other non-objects fail in the parser with "invalid type"; only arrays would be accepted.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(not_an_object());
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(from_path_error)?;
    de.end().map_err(|e| ParseError::Syntax(e.to_string()))?;
    Ok(value)
}

/// Parses an already-parsed JSON value (one batch item) into `T`.
pub fn parse_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ParseError> {
    if !value.is_object() {
        return Err(not_an_object());
    }
    serde_path_to_error::deserialize(value).map_err(from_path_error)
}

fn not_an_object() -> ParseError {
    ParseError::Field {
        path: String::new(),
        message: "expected a JSON object".into(),
    }
}

fn from_path_error(e: serde_path_to_error::Error<serde_json::Error>) -> ParseError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    if inner.is_syntax() || inner.is_eof() || inner.is_io() {
        return ParseError::Syntax(inner.to_string());
    }
    ParseError::Field {
        // serde_path_to_error renders the root as ".".
        path: if path == "." { String::new() } else { path },
        message: inner.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_ignores_brackets_in_strings() {
        let rows: &[(&str, usize)] = &[
            ("{}", 1),
            ("[[[]]]", 3),
            (r#"{"a":"[[[["}"#, 1),
            (r#"{"a":"\"[[","b":[{}]}"#, 3),
            ("", 0),
            ("]]]", 0),
        ];
        for (json, depth) in rows {
            assert_eq!(nesting_depth(json.as_bytes()), *depth, "{json}");
        }
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        text: String,
        #[serde(default)]
        n: Option<u32>,
    }

    #[test]
    fn errors_name_the_field() {
        let rows: &[(&str, &str)] = &[
            (r#"{"text": 1}"#, "text: invalid type"),
            (r#"{"text": "a", "n": "x"}"#, "n: invalid type"),
            (r#"{"n": 1}"#, "missing field `text`"),
            (r#"{"text": "a", "bogus": 1}"#, "bogus: unknown field `bogus`"),
        ];
        for (json, want) in rows {
            let got = parse::<Item>(json.as_bytes()).unwrap_err();
            assert!(matches!(got, ParseError::Field { .. }), "{json}: {got:?}");
            assert!(got.to_string().starts_with(want), "{json}: {got}");
        }
        assert!(matches!(parse::<Item>(b"{\"text\": "), Err(ParseError::Syntax(_))));
        assert!(matches!(
            parse::<Item>(b"{\"text\": \"a\"} x"),
            Err(ParseError::Syntax(_))
        ));
    }

    #[test]
    fn prefix_joins_paths() {
        let e = ParseError::Field {
            path: "text".into(),
            message: "m".into(),
        };
        assert_eq!(e.within("items[2]").to_string(), "items[2].text: m");
    }
}
