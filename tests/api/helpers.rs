//! `spawn_app()`: the real service on 127.0.0.1:0 with a throw-away config and wordlist
//! directory, and a `TestApp` with one helper per request the tests make.

use actix_web::web;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};
use tamiz::http::{AppState, Application};
use tamiz::settings::Settings;
use tempfile::TempDir;

/// The small English insult list every test app starts with.
pub const INSULTS: &str = "# test list\nidiot = 2.0\nmoron = 2.5\n";

/// Comments and the decision the test wordlist gives them.
pub const ALLOW: &str = "hello there, nice article";
pub const REVIEW: &str = "you are an idiot";
pub const REJECT: &str = "you moron, you complete idiot moron";

static TRACING: Once = Once::new();

/// Logs from the servers go to stderr when `TEST_LOG` is set (`TEST_LOG=debug cargo test ...`).
fn init_tracing() {
    TRACING.call_once(|| {
        if let Ok(level) = std::env::var("TEST_LOG") {
            tamiz::telemetry::init(&tamiz::settings::LogSettings {
                format: tamiz::settings::LogFormat::Text,
                level: if level.is_empty() { "info".into() } else { level },
            });
        }
    });
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    /// Holds `config/` and `wordlists/`; removed when the test ends.
    pub dir: TempDir,
    pub client: reqwest::Client,
    pub state: web::Data<AppState>,
}

/// Writes `config/default.toml` (the repo's) and a small `wordlists/` into a new temp dir.
pub fn write_fixture() -> TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::copy(repo.join("config/default.toml"), dir.path().join("config/default.toml")).unwrap();
    write(dir.path(), "wordlists/en/insult.txt", INSULTS);
    write(dir.path(), "wordlists/allow.txt", "idiotic\n");
    dir
}

pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// As [`spawn_app`], with the settings adjusted by `configure` before start-up.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    init_tracing();
    let dir = write_fixture();
    let mut settings = Settings::load_with(&dir.path().join("config"), None, false).expect("test settings load");
    settings.server.host = "127.0.0.1".into();
    settings.server.port = 0;
    settings.server.workers = 2;
    settings.server.shutdown_grace_secs = 1;
    settings.lexicon.watch = false;
    configure(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("the app builds")
        .handle_signals(false);
    let port = app.port();
    let state = app.state();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        dir,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
        state,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post_moderate(&self, body: Value) -> reqwest::Response {
        self.post_json("/v1/moderate", &body).await
    }

    pub async fn post_batch(&self, body: Value) -> reqwest::Response {
        self.post_json("/v1/moderate/batch", &body).await
    }

    /// Scores `text` and returns the 200 body.
    pub async fn moderate(&self, text: &str) -> Value {
        let res = self.post_moderate(json!({ "text": text })).await;
        assert_eq!(res.status(), 200, "moderate {text:?}");
        res.json().await.unwrap()
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        let mut req = self.client.post(self.url(path)).body(body);
        if let Some(ct) = content_type {
            req = req.header("Content-Type", ct);
        }
        req.send().await.expect("request sent")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }

    pub async fn post_reload(&self) -> reqwest::Response {
        self.client
            .post(self.url("/admin/reload"))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn lexicon(&self) -> Value {
        let res = self.get("/v1/lexicon").await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    pub async fn lexicon_version(&self) -> String {
        self.lexicon().await["version"].as_str().unwrap().to_string()
    }

    pub async fn metrics(&self) -> String {
        let res = self.get("/metrics").await;
        assert_eq!(res.status(), 200);
        res.text().await.unwrap()
    }

    pub fn write(&self, rel: &str, text: &str) {
        write(self.dir.path(), rel, text);
    }

    /// Polls until `/metrics` shows `n` requests in flight (the metrics request itself is one).
    pub async fn wait_in_flight(&self, n: i64) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.metrics().await;
            if metric_value(&text, "tamiz_http_requests_in_flight", &[]) == Some(n as f64) {
                return;
            }
            assert!(Instant::now() < deadline, "never saw {n} requests in flight:\n{text}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Checks the one error shape and the status; returns the message.
pub async fn assert_error(res: reqwest::Response, status: u16, code: &str) -> String {
    assert_eq!(res.status(), status, "status for {code}");
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(
        content_type.as_deref(),
        Some("application/json"),
        "content type for {code}"
    );
    let body: Value = res.json().await.expect("error body is JSON");
    let obj = body.as_object().expect("error body is an object");
    assert_eq!(obj.len(), 1, "only `error` at the top: {body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert_eq!(
        body["error"].as_object().unwrap().len(),
        2,
        "code and message only: {body}"
    );
    body["error"]["message"]
        .as_str()
        .expect("message is a string")
        .to_string()
}

/// The value of one sample in Prometheus text format, labels given as `name="value"` pairs in
/// any order.
pub fn metric_value(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines().filter(|l| !l.starts_with('#')).find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let (metric, label_text) = match series.split_once('{') {
            Some((m, rest)) => (m, rest.trim_end_matches('}')),
            None => (series, ""),
        };
        if metric != name {
            return None;
        }
        let present: Vec<&str> = if label_text.is_empty() {
            vec![]
        } else {
            label_text.split(',').collect()
        };
        let all = labels
            .iter()
            .all(|(k, v)| present.contains(&format!("{k}=\"{v}\"").as_str()));
        (all && present.len() == labels.len())
            .then(|| value.parse().ok())
            .flatten()
    })
}

/// A request that sends its headers and part of its body, then waits: it holds an admission
/// permit (the handler is reading the body) until `finish` or drop.
pub struct SlowRequest {
    pub stream: tokio::net::TcpStream,
    rest: Vec<u8>,
}

impl SlowRequest {
    pub async fn start(port: u16, path: &str, body: &[u8], sent: usize) -> SlowRequest {
        use tokio::io::AsyncWriteExt;
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&body[..sent]).await.unwrap();
        stream.flush().await.unwrap();
        SlowRequest {
            stream,
            rest: body[sent..].to_vec(),
        }
    }

    /// Sends the rest of the body and reads the whole response (bounded by 30 s).
    pub async fn finish(mut self) -> (u16, String) {
        use tokio::io::AsyncWriteExt;
        self.stream.write_all(&self.rest).await.unwrap();
        self.read_response().await
    }

    /// Reads until the server closes the connection.
    pub async fn read_response(mut self) -> (u16, String) {
        use tokio::io::AsyncReadExt;
        let mut buf = Vec::new();
        tokio::time::timeout(Duration::from_secs(30), self.stream.read_to_end(&mut buf))
            .await
            .expect("response within 30 s")
            .unwrap();
        parse_response(&buf)
    }
}

/// Status and body of a raw HTTP/1.1 response (`Connection: close`, not chunked).
pub fn parse_response(buf: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(buf);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Sends `request` as is on a new connection and reads the response until the server closes it.
pub async fn raw_request(port: u16, request: &[u8]) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    // The server may answer before reading everything; a failed write is then expected.
    let _ = stream.write_all(request).await;
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut buf))
        .await
        .expect("response within 30 s");
    parse_response(&buf)
}
