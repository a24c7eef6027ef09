//! The real binary: SIGTERM while a batch is in flight, and SIGHUP reloads.
//!
//! `tamiz serve --config DIR` with `TAMIZ__SERVER__PORT=0` (see [`crate::process::Server`]).

use crate::helpers::{parse_response, write, write_fixture, INSULTS, REVIEW};
use crate::process::{keep_alive_request, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

#[test]
fn sigterm_during_a_slow_batch_lets_it_complete() {
    let dir = write_fixture();
    let mut server = Server::start(&dir.path().join("config"));
    assert_eq!(server.get("/readyz").0, 200);

    let (mut stream, rest) = half_sent_batch(&server, 500);

    server.signal(libc::SIGTERM);
    server.wait_for_line("draining", Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "exited with a request in flight"
    );
    // New connections are no longer served.
    assert!(
        !new_connection_served(server.port),
        "a new connection was served after SIGTERM"
    );

    finish_batch_then_exit(&mut server, &mut stream, &rest, 500);
}

#[test]
fn sighup_reloads_the_wordlists() {
    let dir = write_fixture();
    let mut server = Server::start(&dir.path().join("config"));
    let version = |s: &Server| {
        let (status, body) = s.get("/v1/lexicon");
        assert_eq!(status, 200);
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["version"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let before = version(&server);
    write(
        dir.path(),
        "wordlists/en/insult.txt",
        &format!("{INSULTS}nitwit = 3.0\n"),
    );
    server.signal(libc::SIGHUP);
    server.wait_for_line("lexicon reloaded", Duration::from_secs(10));
    assert_ne!(version(&server), before);

    server.signal(libc::SIGTERM);
    assert!(server.wait_exit(Duration::from_secs(15)).success());
}

#[test]
fn tamiz_without_a_subcommand_serves_warns_about_open_keys_and_drains_on_sigint() {
    let dir = write_fixture();
    // No `serve`: `tamiz --config DIR` alone starts the service.
    let mut server = Server::start_with(&dir.path().join("config"), &[], &[]);
    server.wait_for_status("/healthz", 200, Duration::from_secs(10));
    assert_eq!(server.get("/readyz").0, 200);
    // The fixture configures no API key: the loud warning is on stderr, at WARN level.
    let warning = server.wait_for_line("NO API KEYS CONFIGURED", Duration::from_secs(5));
    assert!(warning.contains("WARN"), "{warning}");
    assert!(
        warning.contains("auth.api_keys"),
        "the warning says what to set: {warning}"
    );

    // A connection opened (and used) before the signal: the drain keeps serving it.
    let mut kept = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    kept.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let (status, _) = keep_alive_request(&mut kept, "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assert_eq!(status, 200);

    // A batch in flight, its handler waiting for the second half of the body.
    let (mut stream, rest) = half_sent_batch(&server, 200);

    server.signal(libc::SIGINT);
    let line = server.wait_for_line("draining", Duration::from_secs(10));
    assert!(line.contains("SIGINT"), "the drain names the signal: {line}");

    // Draining: nobody is told "ready" any more. The idle connection from before the signal is
    // closed or answered 503 `draining`; new connections are not served at all.
    kept.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = kept.write_all(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let mut buf = Vec::new();
    let _ = kept.read_to_end(&mut buf);
    if !buf.is_empty() {
        let (status, response) = parse_response(&buf);
        assert_eq!(status, 503, "{response}");
        assert!(response.contains("\"draining\""), "{response}");
    }
    drop(kept);
    assert!(
        !new_connection_served(server.port),
        "a new connection was served after SIGINT"
    );
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "exited with a request in flight"
    );

    finish_batch_then_exit(&mut server, &mut stream, &rest, 200);
}

/// Starts a batch of `items` REVIEW comments and sends half its body, so it is in flight with
/// its handler waiting for the rest (returned, with the open connection).
fn half_sent_batch(server: &Server, items: usize) -> (TcpStream, Vec<u8>) {
    let items: Vec<_> = (0..items)
        .map(|i| serde_json::json!({"text": REVIEW, "id": i}))
        .collect();
    let body = serde_json::json!({ "items": items }).to_string();
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        stream,
        "POST /v1/moderate/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    let half = body.len() / 2;
    stream.write_all(&body.as_bytes()[..half]).unwrap();
    stream.flush().unwrap();
    server.wait_in_flight(2.0);
    (stream, body.as_bytes()[half..].to_vec())
}

/// Sends the rest of a batch of `items` REVIEW comments held in flight across a drain, checks
/// that every item is answered in order, and that the process then exits 0 well inside the grace
/// period (the drain ends when the last request is answered).
fn finish_batch_then_exit(server: &mut Server, stream: &mut TcpStream, rest: &[u8], items: usize) {
    stream.write_all(rest).unwrap();
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).unwrap();
    let (status, response) = parse_response(&buf);
    assert_eq!(status, 200, "{response}");
    let response: serde_json::Value = serde_json::from_str(&response).unwrap();
    let results = response["results"].as_array().unwrap();
    assert_eq!(results.len(), items);
    assert!(results
        .iter()
        .enumerate()
        .all(|(i, r)| r["id"] == i && r["decision"] == "review"));
    let status = server.wait_exit(Duration::from_secs(15));
    assert!(status.success(), "exit status {status}");
}

/// Whether a new connection to `port` gets a 200 for `GET /healthz` (2 s to connect, 5 s to answer).
fn new_connection_served(port: u16) -> bool {
    match TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(2)) {
        Err(_) => false,
        Ok(mut s) => {
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut buf = Vec::new();
            let _ = s.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200")
        }
    }
}

/// With `server.drain_delay_secs`, SIGTERM first makes `/readyz` answer 503 on new connections
/// while scoring goes on, so a load balancer sees the replica unready before the listener closes.
#[test]
fn drain_delay_shows_not_ready_while_still_serving_then_exits() {
    let dir = write_fixture();
    let mut server = Server::start_with(
        &dir.path().join("config"),
        &["serve"],
        &[("TAMIZ__SERVER__DRAIN_DELAY_SECS", "3")],
    );
    server.wait_for_status("/readyz", 200, Duration::from_secs(10));
    server.signal(libc::SIGTERM);
    let line = server.wait_for_line("draining", Duration::from_secs(10));
    assert!(line.contains("SIGTERM"), "{line}");

    // New connections during the delay: not ready, but still scored.
    let (status, body) = server.get("/readyz");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("\"draining\""), "{body}");
    let body = serde_json::json!({"text": REVIEW}).to_string();
    let (status, response) = crate::process::http(
        server.port,
        &format!(
            "POST /v1/moderate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert_eq!(status, 200, "{response}");
    assert!(response.contains("\"review\""), "{response}");

    // Then the listener closes and, with nothing in flight, the process exits.
    let status = server.wait_exit(Duration::from_secs(15));
    assert!(status.success(), "exit status {status}");
}
