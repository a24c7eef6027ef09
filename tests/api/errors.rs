//! Every error status the API promises, each in the one JSON shape.

use crate::helpers::{assert_error, parse_response, raw_request, spawn_app, spawn_app_with, SlowRequest, ALLOW};
use serde_json::json;

#[tokio::test]
async fn bad_bodies_are_400_naming_the_problem() {
    let app = spawn_app().await;
    // (body, code, what the message must contain)
    let rows: &[(&str, &str, &str)] = &[
        (r#"{"text": "#, "invalid_json", "malformed JSON"),
        (r#"{"text": "a"} trailing"#, "invalid_json", "trailing"),
        (r#"not json"#, "invalid_json", "line 1 column"),
        (r#"{"text": 5}"#, "invalid_field", "text: invalid type"),
        (r#"{"id": "x"}"#, "invalid_field", "missing field `text`"),
        (
            r#"{"text": "a", "language": "fr"}"#,
            "invalid_field",
            "language: unsupported language \"fr\"",
        ),
        (
            r#"{"text": "a", "language": 7}"#,
            "invalid_field",
            "language: invalid type",
        ),
        (
            r#"{"text": "a", "context": {"parent": []}}"#,
            "invalid_field",
            "context.parent: invalid type",
        ),
        (
            r#"{"text": "a", "colour": "red"}"#,
            "invalid_field",
            "colour: unknown field",
        ),
        (r#"{"text": "a", "id": {"x": 1}}"#, "invalid_field", "id:"),
        (r#"["a"]"#, "invalid_field", "expected a JSON object"),
        (r#""a""#, "invalid_field", "invalid type: string"),
    ];
    for (body, code, want) in rows {
        let res = app
            .post_raw("/v1/moderate", Some("application/json"), body.to_string())
            .await;
        let message = assert_error(res, 400, code).await;
        assert!(message.contains(want), "{body}: {message}");
    }
}

#[tokio::test]
async fn json_nested_deeper_than_the_limit_is_400() {
    let app = spawn_app_with(|s| s.limits.max_json_depth = 8).await;
    let deep = format!(r#"{{"text": "a", "id": {}1{}}}"#, "[".repeat(8), "]".repeat(8));
    let res = app.post_raw("/v1/moderate", Some("application/json"), deep).await;
    assert_error(res, 400, "json_too_deep").await;
    // Brackets inside strings do not count.
    let res = app
        .post_raw(
            "/v1/moderate",
            Some("application/json"),
            format!(r#"{{"text": "{}"}}"#, "[".repeat(50)),
        )
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_body_that_is_not_json_by_content_type_is_415() {
    let app = spawn_app().await;
    let body = r#"{"text": "a"}"#;
    for ct in [None, Some("text/plain"), Some("application/x-www-form-urlencoded")] {
        let res = app.post_raw("/v1/moderate", ct, body).await;
        assert_error(res, 415, "unsupported_media_type").await;
    }
    for ct in [
        "application/json; charset=utf-8",
        "application/merge-patch+json",
        "Application/JSON",
    ] {
        let res = app.post_raw("/v1/moderate", Some(ct), body).await;
        assert_eq!(res.status(), 200, "{ct}");
    }
}

#[tokio::test]
async fn a_body_over_the_byte_limit_is_413() {
    let app = spawn_app_with(|s| s.limits.max_body_bytes = 16 * 1024).await;
    let body = json!({ "text": "a".repeat(20 * 1024) }).to_string();
    let res = app.post_raw("/v1/moderate", Some("application/json"), body).await;
    assert_error(res, 413, "payload_too_large").await;
    // Without a Content-Length (chunked), the limit holds while reading.
    let mut request = b"POST /v1/moderate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for _ in 0..20 {
        let chunk = "a".repeat(1024);
        request.extend_from_slice(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes());
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let (status, body) = raw_request(app.port, &request).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("payload_too_large"), "{body}");
}

#[tokio::test]
async fn text_over_the_character_limit_is_413_counting_characters_not_bytes() {
    let app = spawn_app_with(|s| s.limits.max_text_chars = 100).await;
    let res = app.post_moderate(json!({ "text": "é".repeat(100) })).await;
    assert_eq!(res.status(), 200, "100 two-byte characters are within 100 characters");
    let message = assert_error(
        app.post_moderate(json!({ "text": "é".repeat(101) })).await,
        413,
        "text_too_long",
    )
    .await;
    assert!(message.starts_with("text is 101 characters"), "{message}");
    let res = app
        .post_moderate(json!({"text": "a", "context": {"parent": "b".repeat(101)}}))
        .await;
    let message = assert_error(res, 413, "text_too_long").await;
    assert!(message.starts_with("context.parent"), "{message}");
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405() {
    let app = spawn_app().await;
    assert_error(app.get("/v2/moderate").await, 404, "not_found").await;
    assert_error(
        app.post_raw("/", Some("application/json"), "{}").await,
        404,
        "not_found",
    )
    .await;
    let res = app.get("/v1/moderate").await;
    assert_eq!(res.headers()["allow"], "POST");
    assert_error(res, 405, "method_not_allowed").await;
    let res = app.client.delete(app.url("/v1/lexicon")).send().await.unwrap();
    assert_eq!(res.headers()["allow"], "GET");
    assert_error(res, 405, "method_not_allowed").await;
    assert_error(app.get("/admin/reload").await, 405, "method_not_allowed").await;
    assert_error(app.post_raw("/healthz", None, "").await, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn past_max_in_flight_requests_get_503_with_retry_after() {
    let app = spawn_app_with(|s| s.server.max_in_flight = 1).await;
    let body = json!({ "text": ALLOW }).to_string();
    // Holds the only permit: the handler is waiting for the rest of the body.
    let slow = SlowRequest::start(app.port, "/v1/moderate", body.as_bytes(), 5).await;
    app.wait_in_flight(2).await;
    let res = app.post_moderate(json!({ "text": ALLOW })).await;
    assert_eq!(res.headers()["retry-after"], "1");
    assert_error(res, 503, "overloaded").await;
    // Ops endpoints take no permit.
    assert_eq!(app.get("/healthz").await.status(), 200);
    // The slow request still completes, and then there is room again.
    let (status, _) = slow.finish().await;
    assert_eq!(status, 200);
    assert_eq!(app.post_moderate(json!({ "text": ALLOW })).await.status(), 200);
}

#[tokio::test]
async fn a_request_over_the_time_limit_gets_503() {
    let app = spawn_app_with(|s| s.server.request_timeout_secs = 1).await;
    let body = json!({ "text": ALLOW }).to_string();
    let started = std::time::Instant::now();
    let slow = SlowRequest::start(app.port, "/v1/moderate", body.as_bytes(), 5).await;
    let (status, body) = slow.read_response().await;
    assert_eq!(status, 503, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"]["code"], "timeout");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    // The service is fine afterwards.
    assert_eq!(app.post_moderate(json!({ "text": ALLOW })).await.status(), 200);
}

#[test]
fn raw_responses_parse() {
    assert_eq!(
        parse_response(b"HTTP/1.1 503 Service Unavailable\r\nA: b\r\n\r\n{}"),
        (503, "{}".to_string())
    );
}
