//! The real binary: SIGTERM while a batch is in flight, and SIGHUP reloads.
//!
//! `tamiz serve --config DIR` with `TAMIZ__SERVER__PORT=0` (see [`crate::process::Server`]).

use crate::helpers::{parse_response, write, write_fixture, INSULTS, REVIEW};
use crate::process::Server;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

#[test]
fn sigterm_during_a_slow_batch_lets_it_complete() {
    let dir = write_fixture();
    let mut server = Server::start(&dir.path().join("config"));
    assert_eq!(server.get("/readyz").0, 200);

    let items: Vec<_> = (0..500).map(|i| serde_json::json!({"text": REVIEW, "id": i})).collect();
    let body = serde_json::json!({ "items": items }).to_string();
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        stream,
        "POST /v1/moderate/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    // Half the body: the batch is now in flight, its handler waiting for the rest.
    let half = body.len() / 2;
    stream.write_all(&body.as_bytes()[..half]).unwrap();
    stream.flush().unwrap();
    server.wait_in_flight(2.0);

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

    stream.write_all(&body.as_bytes()[half..]).unwrap();
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).unwrap();
    let (status, response) = parse_response(&buf);
    assert_eq!(status, 200, "{response}");
    let response: serde_json::Value = serde_json::from_str(&response).unwrap();
    let results = response["results"].as_array().unwrap();
    assert_eq!(results.len(), 500);
    assert!(results
        .iter()
        .enumerate()
        .all(|(i, r)| r["id"] == i && r["decision"] == "review"));

    let status = server.wait_exit(Duration::from_secs(15));
    assert!(status.success(), "exit status {status}");
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
