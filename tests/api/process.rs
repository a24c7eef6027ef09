//! The real `tamiz` binary as a child process: started on 127.0.0.1:0 with a throw-away config
//! directory, its stderr collected line by line, spoken to over raw HTTP/1.1.
//!
//! The port is read from the `listening on http://127.0.0.1:PORT` line on stderr.

use crate::helpers::parse_response;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub port: u16,
    /// Every stderr line, as it arrives.
    lines: mpsc::Receiver<String>,
    /// The stderr lines received so far.
    pub seen: Vec<String>,
}

impl Server {
    /// `tamiz serve --config DIR`.
    pub fn start(config: &Path) -> Server {
        Server::start_with(config, &["serve"], &[])
    }

    /// `tamiz ARGS --config DIR` with `env` set on top of the test defaults (one worker, port 0,
    /// no file watch, a 20 s grace period, no `RUST_LOG` or `TAMIZ_ENV` from the caller).
    pub fn start_with(config: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tamiz"));
        command
            .args(args)
            .arg("--config")
            .arg(config)
            .env_remove("TAMIZ_ENV")
            .env_remove("RUST_LOG")
            .env("TAMIZ__SERVER__PORT", "0")
            .env("TAMIZ__SERVER__HOST", "127.0.0.1")
            .env("TAMIZ__SERVER__WORKERS", "1")
            .env("TAMIZ__SERVER__SHUTDOWN_GRACE_SECS", "20")
            .env("TAMIZ__SERVER__REQUEST_TIMEOUT_SECS", "30")
            .env("TAMIZ__LEXICON__WATCH", "false");
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command
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
    pub fn wait_for_line(&mut self, needle: &str, within: Duration) -> String {
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

    pub fn signal(&self, signal: libc::c_int) {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: sending a signal to our own child process; no memory is involved.
        let rc = unsafe { libc::kill(pid, signal) };
        assert_eq!(rc, 0, "kill({pid}, {signal})");
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        http(
            self.port,
            &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        )
    }

    /// Waits (bounded) until `GET path` answers `status`.
    pub fn wait_for_status(&self, path: &str, status: u16, within: Duration) {
        let deadline = Instant::now() + within;
        for _ in 0..1000 {
            let got = TcpStream::connect(("127.0.0.1", self.port))
                .ok()
                .map(|_| self.get(path).0);
            if got == Some(status) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "GET {path} never answered {status} (last: {got:?})"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("GET {path} never answered {status}");
    }

    /// Waits (bounded) for the process to exit.
    pub fn wait_exit(&mut self, within: Duration) -> std::process::ExitStatus {
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

    /// The `tamiz_http_requests_in_flight` gauge (the scrape itself is one).
    pub fn in_flight(&self) -> Option<f64> {
        let (_, body) = self.get("/metrics");
        crate::helpers::metric_value(&body, "tamiz_http_requests_in_flight", &[])
    }

    /// Waits (bounded) until `n` requests are in flight, the scrape included.
    pub fn wait_in_flight(&self, n: f64) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.in_flight() != Some(n) {
            assert!(Instant::now() < deadline, "never saw {n} requests in flight");
            std::thread::sleep(Duration::from_millis(20));
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

/// Sends `request` (which should say `Connection: close`) and reads the response to the end.
pub fn http(port: u16, request: &str) -> (u16, String) {
    let (status, _, body) = http_full(port, request);
    (status, body)
}

/// As [`http`], with the response headers (names lower-cased).
pub fn http_full(port: u16, request: &str) -> (u16, Vec<(String, String)>, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).unwrap();
    let (status, body) = parse_response(&buf);
    (status, parse_headers(&buf), body)
}

/// The header lines of a raw HTTP/1.1 response, names lower-cased.
pub fn parse_headers(buf: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(buf);
    let head = text.split_once("\r\n\r\n").map_or(&*text, |(h, _)| h);
    head.lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect()
}

/// One request on a connection that stays open (`Connection: keep-alive`): writes `request`
/// and reads exactly one response (headers, then `Content-Length` bytes of body).
pub fn keep_alive_request(stream: &mut TcpStream, request: &str) -> (u16, String) {
    stream.write_all(request.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    // Headers, byte by byte up to the blank line (bounded by the socket's read timeout).
    while !buf.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).expect("response headers");
        assert_eq!(
            n,
            1,
            "connection closed mid-headers: {:?}",
            String::from_utf8_lossy(&buf)
        );
        buf.push(byte[0]);
        assert!(buf.len() < 64 * 1024, "headers too long");
    }
    let length: usize = parse_headers(&buf)
        .iter()
        .find(|(k, _)| k == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .expect("a Content-Length");
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).expect("response body");
    buf.extend_from_slice(&body);
    parse_response(&buf)
}
