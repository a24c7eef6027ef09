//! The real binary's logs with `TAMIZ__LOG__FORMAT=json`: one access line per request carrying
//! its request id and route, never the comment's text.

use crate::helpers::write_fixture;
use crate::process::{http_full, Server};
use serde_json::Value;
use std::time::Duration;

/// `POST /v1/moderate` with `{"text": text}` and the given extra header lines.
fn moderate_request(text: &str, extra_headers: &str) -> String {
    let body = serde_json::json!({ "text": text }).to_string();
    format!(
        "POST /v1/moderate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{extra_headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// A v4 UUID in its hyphenated lower-case form.
fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
        })
        && b[14] == b'4'
}

#[test]
fn json_logs_have_one_access_line_per_request_with_its_id_and_never_the_comment() {
    const TEXT: &str = "zebracorn you idiot";
    let dir = write_fixture();
    let mut server = Server::start_with(
        &dir.path().join("config"),
        &["serve"],
        &[("TAMIZ__LOG__FORMAT", "json"), ("TAMIZ__LOG__LEVEL", "info")],
    );

    let (status, headers, body) = http_full(server.port, &moderate_request(TEXT, "X-Request-Id: t-log-1\r\n"));
    assert_eq!(status, 200, "{body}");
    let verdict: Value = serde_json::from_str(&body).unwrap();
    assert_ne!(verdict["decision"], "allow", "the comment was scored: {verdict}");
    assert_eq!(header(&headers, "x-request-id"), Some("t-log-1"), "the id is echoed");

    // Without X-Request-Id the service makes one up, echoes it and logs it.
    let (status, headers, body) = http_full(server.port, &moderate_request(TEXT, ""));
    assert_eq!(status, 200, "{body}");
    let generated = header(&headers, "x-request-id")
        .expect("a generated X-Request-Id is echoed")
        .to_string();
    assert!(is_uuid_v4(&generated), "{generated:?} is not a v4 UUID");
    // An id unsafe to log (a space in it) is replaced by a fresh one, never echoed.
    let (status, headers, _) = http_full(server.port, &moderate_request(TEXT, "X-Request-Id: t log 2\r\n"));
    assert_eq!(status, 200);
    let replaced = header(&headers, "x-request-id").unwrap().to_string();
    assert!(is_uuid_v4(&replaced), "{replaced:?} is not a v4 UUID");
    assert_ne!(replaced, generated, "every generated id is new");

    // A last request on the single worker: once its line is in, the earlier ones are too.
    let (status, _, _) = http_full(
        server.port,
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: t-log-end\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200);
    server.wait_for_line("t-log-end", Duration::from_secs(10));
    server.wait_for_line(&generated, Duration::from_secs(10));
    server.wait_for_line(&replaced, Duration::from_secs(10));

    let all = server.seen.join("\n");
    // Every line but the plain `listening on` one is a JSON object.
    let mut events = Vec::new();
    for line in &server.seen {
        if line.starts_with("listening on http://") {
            continue;
        }
        let event: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(event.is_object(), "{line}");
        events.push((line.as_str(), event));
    }

    let with_id: Vec<_> = events.iter().filter(|(line, _)| line.contains("t-log-1")).collect();
    assert_eq!(with_id.len(), 1, "exactly one line carries t-log-1:\n{all}");
    let access = &with_id[0].1;
    assert_eq!(access["request_id"], "t-log-1", "{access}");
    assert_eq!(access["route"], "/v1/moderate", "{access}");
    assert_eq!(access["method"], "POST", "{access}");
    assert_eq!(access["status"], 200, "{access}");
    assert_eq!(access["level"], "INFO", "{access}");
    assert!(access["latency_us"].is_u64(), "{access}");

    for id in [&generated, &replaced] {
        let lines: Vec<_> = events.iter().filter(|(line, _)| line.contains(id.as_str())).collect();
        assert_eq!(lines.len(), 1, "exactly one line carries {id}:\n{all}");
        assert_eq!(lines[0].1["request_id"], id.as_str(), "{}", lines[0].0);
        assert_eq!(lines[0].1["route"], "/v1/moderate", "{}", lines[0].0);
    }
    assert!(!all.contains("t log 2"), "an unsafe id is never logged:\n{all}");

    // The comment is not on any line, whole or in part.
    for needle in [TEXT, "zebracorn"] {
        assert!(!all.contains(needle), "{needle:?} was logged:\n{all}");
    }
}
