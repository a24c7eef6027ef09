//! The real binary: SIGTERM while a batch is in flight, and SIGHUP reloads.
//!
//! `tamiz serve --config DIR` with `TAMIZ__SERVER__PORT=0`; the port is read from the
//! `listening on http://127.0.0.1:PORT` line on stderr.

use crate::helpers::{parse_response, write, write_fixture, INSULTS, REVIEW};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
    /// Every stderr line, as it arrives.
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Server {
    fn start(config: &std::path::Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tamiz"))
            .args(["serve", "--config"])
            .arg(config)
            .env_remove("TAMIZ_ENV")
            .env_remove("RUST_LOG")
            .env("TAMIZ__SERVER__PORT", "0")
            .env("TAMIZ__SERVER__HOST", "127.0.0.1")
            .env("TAMIZ__SERVER__WORKERS", "1")
            .env("TAMIZ__SERVER__SHUTDOWN_GRACE_SECS", "20")
            .env("TAMIZ__SERVER__REQUEST_TIMEOUT_SECS", "30")
            .env("TAMIZ__LEXICON__WATCH", "false")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the tamiz binary starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            port: 0,
            lines,
            seen: Vec::new(),
        };
        let line = server.wait_for_line("listening on http://", Duration::from_secs(30));
        let addr = line.rsplit("http://").next().unwrap().trim();
        server.port = addr.rsplit(':').next().unwrap().parse().expect("a port");
        server
    }

    /// Waits (bounded) for a stderr line containing `needle`.
    fn wait_for_line(&mut self, needle: &str, within: Duration) -> String {
        if let Some(l) = self.seen.iter().find(|l| l.contains(needle)) {
            return l.clone();
        }
        let deadline = Instant::now() + within;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        let _ = self.child.kill();
        panic!(
            "no stderr line with {needle:?} within {within:?}; saw:\n{}",
            self.seen.join("\n")
        );
    }

    fn signal(&self, signal: libc::c_int) {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: sending a signal to our own child process; no memory is involved.
        let rc = unsafe { libc::kill(pid, signal) };
        assert_eq!(rc, 0, "kill({pid}, {signal})");
    }

    fn get(&self, path: &str) -> (u16, String) {
        http(
            self.port,
            &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        )
    }

    /// Waits (bounded) for the process to exit.
    fn wait_exit(&mut self, within: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit within {within:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn http(port: u16, request: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).unwrap();
    parse_response(&buf)
}

fn in_flight(server: &Server) -> Option<f64> {
    let (_, body) = server.get("/metrics");
    crate::helpers::metric_value(&body, "tamiz_http_requests_in_flight", &[])
}

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
    let deadline = Instant::now() + Duration::from_secs(10);
    while in_flight(&server) != Some(2.0) {
        assert!(Instant::now() < deadline, "the batch never showed as in flight");
        std::thread::sleep(Duration::from_millis(20));
    }

    server.signal(libc::SIGTERM);
    server.wait_for_line("draining", Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "exited with a request in flight"
    );
    // New connections are no longer served.
    let refused = match TcpStream::connect_timeout(&([127, 0, 0, 1], server.port).into(), Duration::from_secs(2)) {
        Err(_) => true,
        Ok(mut s) => {
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut buf = Vec::new();
            let _ = s.read_to_end(&mut buf);
            !String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200")
        }
    };
    assert!(refused, "a new connection was served after SIGTERM");

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
