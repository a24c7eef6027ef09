//! Slow clients and connection floods over raw TCP: the service closes what stalls within a
//! bounded time, and normal requests keep being answered meanwhile.
//!
//! The protections, all in `[server]`:
//! - `client_request_timeout_secs`: the request head must arrive within it (actix answers 408
//!   and closes the connection);
//! - `request_timeout_secs`: bounds the whole request once the head is in, including a body
//!   that stalls (the access middleware answers 503);
//! - `max_connections`: connections per worker; past it, new ones wait in the listen backlog
//!   until a slot frees, so a flood of idle connections delays others by at most the head
//!   timeout.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use helpers::{parse_response, spawn_app_with, SlowRequest, ALLOW};
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes the connection; `None` if it is still open after `limit`.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    match tokio::time::timeout(limit, stream.read_to_end(&mut buf)).await {
        Ok(_) => Some(buf),
        Err(_) => None,
    }
}

#[tokio::test]
async fn a_client_that_stalls_in_its_headers_is_closed() {
    let app = spawn_app_with(|s| s.server.client_request_timeout_secs = 1).await;
    let mut slow = TcpStream::connect(("127.0.0.1", app.port)).await.unwrap();
    slow.write_all(b"POST /v1/moderate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty")
        .await
        .unwrap();
    let start = Instant::now();

    // Meanwhile the service answers others.
    let body = app.moderate(ALLOW).await;
    assert_eq!(body["decision"], "allow");

    let buf = read_until_closed(&mut slow, Duration::from_secs(10))
        .await
        .expect("the stalled connection was not closed within 10 s");
    let took = start.elapsed();
    assert!(took < Duration::from_secs(5), "closed after {took:?}");
    if !buf.is_empty() {
        let (status, _) = parse_response(&buf);
        assert_eq!(status, 408, "{}", String::from_utf8_lossy(&buf));
    }
}

#[tokio::test]
async fn a_connection_that_never_sends_is_closed() {
    let app = spawn_app_with(|s| s.server.client_request_timeout_secs = 1).await;
    let mut idle = TcpStream::connect(("127.0.0.1", app.port)).await.unwrap();
    let start = Instant::now();
    read_until_closed(&mut idle, Duration::from_secs(10))
        .await
        .expect("an idle connection was not closed within 10 s");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "closed after {:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn a_body_that_stalls_gets_a_503_within_the_request_timeout() {
    let app = spawn_app_with(|s| s.server.request_timeout_secs = 1).await;
    let body = json!({"text": "a comment whose end never comes"}).to_string();
    let slow = SlowRequest::start(app.port, "/v1/moderate", body.as_bytes(), 10).await;
    let start = Instant::now();

    let ok = app.moderate(ALLOW).await;
    assert_eq!(ok["decision"], "allow");

    let (status, text) = slow.read_response().await;
    let took = start.elapsed();
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("\"timeout\""), "{text}");
    assert!(took < Duration::from_secs(5), "answered after {took:?}");
}

#[tokio::test]
async fn a_body_that_trickles_is_cut_off_by_the_request_timeout() {
    let app = spawn_app_with(|s| s.server.request_timeout_secs = 1).await;
    let body = json!({"text": "x".repeat(400)}).to_string();
    let mut stream = TcpStream::connect(("127.0.0.1", app.port)).await.unwrap();
    let head = format!(
        "POST /v1/moderate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let start = Instant::now();
    // One byte every 50 ms would take 20 s; the server must not wait for it.
    let mut sent = 0;
    while sent < body.len() && start.elapsed() < Duration::from_secs(8) {
        if stream.write_all(&body.as_bytes()[sent..sent + 1]).await.is_err() {
            break;
        }
        sent += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
        if sent % 10 == 0 {
            // Has the server answered already?
            let mut probe = [0u8; 1];
            if let Ok(Ok(n)) = tokio::time::timeout(Duration::from_millis(1), stream.peek(&mut probe)).await {
                if n > 0 {
                    break;
                }
            }
        }
    }
    let buf = read_until_closed(&mut stream, Duration::from_secs(10))
        .await
        .expect("connection left open");
    let (status, text) = parse_response(&buf);
    assert_eq!(status, 503, "{text}");
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
    assert!(sent < body.len(), "the whole body went through");
}

#[tokio::test]
async fn many_idle_connections_do_not_block_a_normal_request() {
    let app = spawn_app_with(|_| {}).await;
    let mut idle = Vec::new();
    for _ in 0..200 {
        idle.push(TcpStream::connect(("127.0.0.1", app.port)).await.unwrap());
    }
    let start = Instant::now();
    let body = app.moderate(ALLOW).await;
    assert_eq!(body["decision"], "allow");
    assert!(start.elapsed() < Duration::from_secs(2), "took {:?}", start.elapsed());
    drop(idle);
}

#[tokio::test]
async fn past_the_connection_cap_new_connections_wait_until_idle_ones_time_out() {
    // One worker with four connection slots, all taken by clients that send nothing.
    let app = spawn_app_with(|s| {
        s.server.workers = 1;
        s.server.max_connections = 4;
        s.server.client_request_timeout_secs = 1;
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(TcpStream::connect(("127.0.0.1", app.port)).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let start = Instant::now();
    let res = tokio::time::timeout(Duration::from_secs(10), app.client.get(app.url("/healthz")).send())
        .await
        .expect("a request was starved for 10 s by idle connections")
        .expect("request sent");
    assert_eq!(res.status(), 200);
    let took = start.elapsed();
    // It waited for the head timeout to free a slot (so the cap holds), and not much longer.
    assert!(
        took >= Duration::from_millis(300),
        "answered at once ({took:?}): no cap?"
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
    for mut s in idle {
        assert!(
            read_until_closed(&mut s, Duration::from_secs(5)).await.is_some(),
            "an idle connection over the cap was kept open"
        );
    }
}
