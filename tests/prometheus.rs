//! A real Prometheus scrapes the real binary.
//!
//! The compiled `tamiz serve` runs on 127.0.0.1:0 with the repository's wordlists, and Debian's
//! `prometheus` server runs beside it on a free loopback port, scraping it every second and
//! evaluating `deploy/alerts.yml`. The test sends known traffic, waits (bounded) for the scrape
//! that carries it, and asks Prometheus' HTTP API for the counters and their `rate()` and
//! `increase()`. Then: `promtool check metrics` on a live scrape, every metric that the alert rules
//! and the Grafana dashboard query present in the live scrape, every alert rule evaluating without
//! error against live data, every dashboard expression accepted by the live Prometheus, and
//! `promtool check rules|config|test rules` on `deploy/`.
//!
//! Prometheus is a prerequisite (`apt-get install prometheus`; `.ci/run` installs it): without it
//! the test fails with that message instead of passing vacuously.

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Texts tried for each decision. Each is scored once first and the ones that get their decision
/// are used for the counted traffic, so retuning the engine changes which texts are used, not
/// whether the test can pass. The Spanish ones put a second `language` label value on the wire.
const CANDIDATES: [(&str, &[&str]); 3] = [
    (
        "allow",
        &[
            "good post",
            "thanks for sharing",
            "muy buen artículo, gracias por compartirlo",
        ],
    ),
    ("review", &["what a dumb take", "this is a dumb idea", "go to hell"]),
    (
        "reject",
        &["I will find you and kill you", "you are a moron", "te voy a matar"],
    ),
];

/// The counted traffic: so many comments with each decision.
const PLAN: [(&str, usize); 3] = [("allow", 7), ("review", 5), ("reject", 3)];

/// Requests for paths that match no route; they must land on `route="unmatched"`.
const UNMATCHED: usize = 2;

/// The range used for `rate()`/`increase()`: longer than the whole test, so it holds every sample.
const RANGE: &str = "5m";
const RANGE_SECS: f64 = 300.0;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `name` on `PATH`, else `/usr/bin/name`; a clear failure when neither exists.
fn tool(name: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join(name)).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain([PathBuf::from("/usr/bin").join(name)])
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{name}` not found on PATH or in /usr/bin: this test needs a real Prometheus. \
                 Install Debian's package (`apt-get install prometheus`, which `.ci/run` does)."
            )
        })
}

/// A child process that is killed and reaped when dropped, also when the test panics.
struct Guard {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Guard {
    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn log_tail(&self) -> String {
        let log = self.log();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// Panics with the log tail if the process has exited.
    fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("{} exited early ({status}); its log:\n{}", self.name, self.log_tail());
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `tamiz serve` with a copy of `config/default.toml`, the repository's wordlists and no file
/// watcher, on 127.0.0.1:0; returns it and the port it printed.
fn start_tamiz(dir: &Path) -> (Guard, u16) {
    let config = dir.join("config");
    fs::create_dir_all(&config).unwrap();
    fs::copy(repo().join("config/default.toml"), config.join("default.toml")).unwrap();
    let log = dir.join("tamiz.log");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tamiz"));
    // Nothing from the caller's environment (TAMIZ_ENV, TAMIZ__AUTH__API_KEYS, ...) leaks in.
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("TAMIZ") {
            cmd.env_remove(key);
        }
    }
    let child = cmd
        .args(["serve", "--config"])
        .arg(&config)
        .env("TAMIZ__SERVER__HOST", "127.0.0.1")
        .env("TAMIZ__SERVER__PORT", "0")
        .env("TAMIZ__SERVER__WORKERS", "2")
        .env("TAMIZ__SERVER__SHUTDOWN_GRACE_SECS", "1")
        .env("TAMIZ__LEXICON__DIR", repo().join("wordlists"))
        .env("TAMIZ__LEXICON__WATCH", "false")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&log).unwrap())
        .spawn()
        .expect("spawn tamiz");
    let mut guard = Guard {
        name: "tamiz",
        child,
        log,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let log = guard.log();
        if let Some(rest) = log.split("listening on http://127.0.0.1:").nth(1) {
            let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(port) = port.parse() {
                return (guard, port);
            }
        }
        guard.assert_running();
        assert!(
            Instant::now() < deadline,
            "tamiz did not print its address within 20 s:\n{}",
            guard.log_tail()
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Prometheus scraping `127.0.0.1:target` every second as job `tamiz` and evaluating
/// `deploy/alerts.yml` every second, on a free loopback port with its TSDB under `dir`.
fn start_prometheus(dir: &Path, target: u16, client: &reqwest::blocking::Client) -> (Guard, Prom) {
    let prometheus = tool("prometheus");
    let config = dir.join("prometheus.yml");
    let alerts = repo().join("deploy/alerts.yml");
    fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
             rule_files:\n  - {alerts:?}\n\
             scrape_configs:\n  - job_name: tamiz\n    metrics_path: /metrics\n    static_configs:\n      \
             - targets: [\"127.0.0.1:{target}\"]\n",
        ),
    )
    .unwrap();
    // The port is free when picked; another process may take it before Prometheus binds it, so
    // a bind failure gets a fresh port, twice.
    for attempt in 0..3 {
        let port = free_port();
        let log = dir.join(format!("prometheus-{attempt}.log"));
        let child = Command::new(&prometheus)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join(format!("tsdb-{attempt}")).display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", prometheus.display()));
        let mut guard = Guard {
            name: "prometheus",
            child,
            log,
        };
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(res) = client.get(format!("{base}/-/ready")).send() {
                if res.status() == 200 {
                    let prom = Prom {
                        base,
                        client: client.clone(),
                    };
                    return (guard, prom);
                }
            }
            if let Ok(Some(_)) = guard.child.try_wait() {
                if guard.log().contains("address already in use") {
                    break;
                }
                guard.assert_running();
            }
            assert!(
                Instant::now() < deadline,
                "Prometheus not ready within 20 s:\n{}",
                guard.log_tail()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    panic!("Prometheus could not bind a loopback port in 3 attempts");
}

/// Prometheus' HTTP API.
struct Prom {
    base: String,
    client: reqwest::blocking::Client,
}

impl Prom {
    fn get(&self, path: &str, params: &[(&str, &str)]) -> Result<Value, String> {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .query(params)
            .send()
            .map_err(|e| e.to_string())?;
        let body: Value = res.json().map_err(|e| e.to_string())?;
        if body["status"] != "success" {
            return Err(format!("{}: {}", body["errorType"], body["error"]));
        }
        Ok(body["data"].clone())
    }

    /// An instant query (at `time`, or now) that must succeed; its result array.
    fn query(&self, query: &str, time: Option<&str>) -> Vec<Value> {
        let mut params = vec![("query", query)];
        if let Some(t) = time {
            params.push(("time", t));
        }
        let data = self
            .get("/api/v1/query", &params)
            .unwrap_or_else(|e| panic!("query {query:?} failed: {e}"));
        data["result"].as_array().cloned().unwrap_or_default()
    }

    /// The value of a query expected to give at most one series (none = 0).
    fn scalar(&self, query: &str, time: Option<&str>) -> f64 {
        let result = self.query(query, time);
        assert!(result.len() <= 1, "{query:?} gave {} series: {result:?}", result.len());
        result.first().map(sample_value).unwrap_or(0.0)
    }

    /// `query` as a map from the values of `labels` to the sample value.
    fn by(&self, query: &str, labels: &[&str], time: Option<&str>) -> BTreeMap<Vec<String>, f64> {
        self.query(query, time)
            .iter()
            .map(|s| {
                let key = labels
                    .iter()
                    .map(|l| s["metric"][l].as_str().unwrap_or_default().to_string())
                    .collect();
                (key, sample_value(s))
            })
            .collect()
    }
}

fn sample_value(sample: &Value) -> f64 {
    sample["value"][1]
        .as_str()
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

/// Scores one comment over HTTP; returns (decision, language).
fn moderate(client: &reqwest::blocking::Client, base: &str, text: &str) -> (String, String) {
    let res = client
        .post(format!("{base}/v1/moderate"))
        .json(&json!({ "text": text }))
        .send()
        .expect("moderate request");
    assert_eq!(res.status(), 200, "moderate {text:?}");
    let body: Value = res.json().unwrap();
    let field = |k: &str| {
        body[k]
            .as_str()
            .unwrap_or_else(|| panic!("no {k} in {body}"))
            .to_string()
    };
    (field("decision"), field("language"))
}

/// Metric names (`tamiz_*`, `process_*`) mentioned in a PromQL expression.
fn metric_names(expr: &str) -> BTreeSet<String> {
    let bytes = expr.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b':';
    let mut names = BTreeSet::new();
    let mut i = 0;
    while i < bytes.len() {
        let at_start = i == 0 || !word(bytes[i - 1]);
        if at_start && (expr[i..].starts_with("tamiz_") || expr[i..].starts_with("process_")) {
            let end = expr[i..].find(|c: char| !word(c as u8)).map_or(expr.len(), |n| i + n);
            names.insert(expr[i..end].to_string());
            i = end;
        } else {
            i += 1;
        }
    }
    names
}

/// Every string under an `expr`, `query` or `definition` key of the dashboard JSON.
fn dashboard_queries(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) if ["expr", "query", "definition"].contains(&k.as_str()) => out.push(s.clone()),
                    _ => dashboard_queries(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| dashboard_queries(v, out)),
        _ => {}
    }
}

/// Sample names in a text exposition (`x_bucket`, `x_sum`, `x_count` for a histogram `x`).
fn sample_names(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split(['{', ' ']).next())
        .map(str::to_string)
        .collect()
}

/// Runs promtool from the repository root, feeding `stdin`; returns (success, stdout + stderr).
fn promtool(args: &[&str], stdin: Option<&str>) -> (bool, String) {
    let mut child = Command::new(tool("promtool"))
        .args(args)
        .current_dir(repo())
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn promtool");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let data = input.to_string();
        std::thread::spawn(move || pipe.write_all(data.as_bytes()));
    }
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn wait_until<T>(what: &str, secs: u64, mut probe: impl FnMut() -> Result<T, String>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        match probe() {
            Ok(v) => return v,
            Err(last) if Instant::now() >= deadline => panic!("{what}: not within {secs} s; last: {last}"),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[test]
fn prometheus_scrapes_what_was_sent_and_deploy_files_match_the_live_metrics() {
    let started = Instant::now();
    // Declared first, dropped last: the processes die before their files go.
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .no_proxy()
        .build()
        .unwrap();

    let (_tamiz, port) = start_tamiz(dir.path());
    let base = format!("http://127.0.0.1:{port}");
    let (mut prometheus, prom) = start_prometheus(dir.path(), port, &client);

    // A scrape before any traffic: every pre-filled counter starts at a 0 sample, so
    // `increase()` has no start to extrapolate to.
    wait_until("first scrape of tamiz", 20, || {
        let n = prom.query("tamiz_decisions_total{job=\"tamiz\"}", None).len();
        let up = prom.scalar("up{job=\"tamiz\"}", None);
        if n > 0 && up == 1.0 {
            Ok(())
        } else {
            Err(format!("{n} decision series, up = {up}"))
        }
    });

    // The traffic, counted by (decision, language) as the responses report it.
    let mut sent: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut usable: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut probes = Vec::new();
    for (decision, texts) in CANDIDATES {
        for text in texts {
            let (got, language) = moderate(&client, &base, text);
            probes.push(format!("{text:?} -> {got}"));
            if got == decision {
                usable.entry(decision).or_default().push(text);
            }
            *sent.entry((got, language)).or_default() += 1;
        }
    }
    for (decision, n) in PLAN {
        let texts = usable
            .get(decision)
            .unwrap_or_else(|| panic!("no candidate text gets {decision:?} any more: {probes:#?}"));
        for i in 0..n {
            let text = texts[i % texts.len()];
            let (got, language) = moderate(&client, &base, text);
            assert_eq!(got, decision, "{text:?} was {decision} a moment ago");
            *sent.entry((got, language)).or_default() += 1;
        }
    }
    for i in 0..UNMATCHED {
        let res = client.get(format!("{base}/no/such/path/{i}")).send().unwrap();
        assert_eq!(res.status(), 404);
    }
    let total: u64 = sent.values().sum();
    let moderated = total as f64;
    let mut by_decision: BTreeMap<String, f64> = BTreeMap::new();
    for ((decision, _), n) in &sent {
        *by_decision.entry(decision.clone()).or_default() += *n as f64;
    }
    let probed: usize = CANDIDATES.iter().map(|(_, t)| t.len()).sum();
    let planned: usize = PLAN.iter().map(|(_, n)| n).sum();
    assert_eq!(total as usize, probed + planned);
    eprintln!("sent: {sent:?}");

    // Wait for the scrape that carries all of it.
    let expected: BTreeMap<Vec<String>, f64> = sent
        .iter()
        .map(|((d, l), n)| (vec![d.clone(), l.clone()], *n as f64))
        .collect();
    let moderate_200 =
        "sum(tamiz_http_requests_total{job=\"tamiz\", route=\"/v1/moderate\", method=\"POST\", status=\"200\"})";
    wait_until("Prometheus scraping the final counts", 30, || {
        let seen = prom.by(
            "sum by (decision) (tamiz_decisions_total{job=\"tamiz\"})",
            &["decision"],
            None,
        );
        let seen: BTreeMap<String, f64> = seen.into_iter().map(|(k, v)| (k[0].clone(), v)).collect();
        let http = prom.scalar(moderate_200, None);
        let nonzero: BTreeMap<String, f64> = seen.into_iter().filter(|(_, v)| *v != 0.0).collect();
        if nonzero == by_decision && http == moderated {
            Ok(())
        } else {
            Err(format!("decisions {nonzero:?}, /v1/moderate 200s {http}"))
        }
    });
    prometheus.assert_running();

    // Raw counters, exactly, by decision and language; every other pre-filled series is 0.
    let raw = prom.by("tamiz_decisions_total{job=\"tamiz\"}", &["decision", "language"], None);
    let raw_nonzero: BTreeMap<Vec<String>, f64> = raw.clone().into_iter().filter(|(_, v)| *v != 0.0).collect();
    assert_eq!(
        raw_nonzero, expected,
        "tamiz_decisions_total in Prometheus vs what was sent"
    );
    assert!(raw.len() >= 6, "pre-filled decision x language series missing: {raw:?}");

    // rate() and increase() at the timestamp of the last scrape, over a range holding every
    // sample: the first sample is 0 (no extrapolation to the range start, Prometheus stops at the
    // counter's zero point) and the last is at the evaluation time (none to the end), so both are
    // exact rather than "within extrapolation".
    let last_scrape = prom.query("max(timestamp(tamiz_decisions_total{job=\"tamiz\"}))", None);
    let t = last_scrape[0]["value"][1].as_str().unwrap().to_string();
    let increase = prom.by(
        &format!("sum by (decision) (increase(tamiz_decisions_total{{job=\"tamiz\"}}[{RANGE}]))"),
        &["decision"],
        Some(&t),
    );
    for (decision, n) in &by_decision {
        let got = increase.get(&vec![decision.clone()]).copied().unwrap_or(f64::NAN);
        assert!(close(got, *n), "increase for {decision}: {got}, sent {n}");
    }
    let rate = prom.scalar(
        &format!("sum(rate(tamiz_decisions_total{{job=\"tamiz\"}}[{RANGE}]))"),
        Some(&t),
    );
    assert!(
        close(rate * RANGE_SECS, moderated),
        "rate {rate}/s over {RANGE} is {} comments, sent {moderated}",
        rate * RANGE_SECS
    );
    // Now (after the last scrape): positive, and only ever extrapolated upwards, by at most the
    // gap to the next scrape relative to the sampled span (>= 1 s): at most 2.1x.
    let rate_now = prom.scalar(
        &format!("sum(rate(tamiz_decisions_total{{job=\"tamiz\"}}[{RANGE}]))"),
        None,
    );
    let increase_now = prom.scalar(
        &format!("sum(increase(tamiz_decisions_total{{job=\"tamiz\"}}[{RANGE}]))"),
        None,
    );
    assert!(rate_now > 0.0, "rate now {rate_now}");
    assert!(
        increase_now >= moderated - 1e-6 && increase_now <= 2.1 * moderated,
        "increase now {increase_now}, sent {moderated}"
    );

    // The other per-comment and per-request metrics agree with the same traffic.
    for histogram in ["tamiz_scoring_duration_seconds", "tamiz_comment_chars"] {
        let n = prom.scalar(&format!("sum({histogram}_count{{job=\"tamiz\"}})"), None);
        assert_eq!(n, moderated, "{histogram}_count");
    }
    let p99 = prom.scalar(
        &format!(
            "histogram_quantile(0.99, sum by (le) (rate(tamiz_scoring_duration_seconds_bucket{{job=\"tamiz\"}}[{RANGE}])))"
        ),
        Some(&t),
    );
    assert!(p99.is_finite() && p99 > 0.0, "scoring p99 {p99}");
    let unmatched = prom.scalar(
        "sum(tamiz_http_requests_total{job=\"tamiz\", route=\"unmatched\", status=\"404\"})",
        None,
    );
    assert_eq!(unmatched, UNMATCHED as f64, "404s on route=\"unmatched\"");
    let flags = prom.scalar("sum(tamiz_category_flags_total{job=\"tamiz\"})", None);
    assert!(flags > 0.0, "reviews and rejects flag categories");
    assert_eq!(prom.scalar("tamiz_build_info{job=\"tamiz\"}", None), 1.0);
    assert_eq!(prom.scalar("sum(tamiz_lexicon_info{job=\"tamiz\"})", None), 1.0);
    assert!(prom.scalar("sum(tamiz_lexicon_entries{job=\"tamiz\"})", None) > 1000.0);
    assert!(prom.scalar("process_resident_memory_bytes{job=\"tamiz\"}", None) > 0.0);

    // promtool's linter on a live scrape.
    let res = client.get(format!("{base}/metrics")).send().unwrap();
    assert_eq!(res.status(), 200);
    let scrape = res.text().unwrap();
    let (ok, said) = promtool(&["check", "metrics"], Some(&scrape));
    let ours: Vec<&str> = said
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("process_"))
        .collect();
    eprintln!(
        "promtool check metrics: {}",
        if said.trim().is_empty() { "(nothing)" } else { &said }
    );
    assert!(
        ok && ours.is_empty(),
        "promtool check metrics on a live scrape:\n{said}"
    );

    // Every metric the alert rules and the dashboard query exists in the live scrape and in
    // Prometheus. The rules come back from Prometheus, which loaded deploy/alerts.yml.
    let live = sample_names(&scrape);
    let ingested: BTreeSet<String> = prom
        .get("/api/v1/label/__name__/values", &[])
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let alerts_yml = fs::read_to_string(repo().join("deploy/alerts.yml")).unwrap();
    let alert_count = alerts_yml
        .lines()
        .filter(|l| l.trim_start().starts_with("- alert:"))
        .count();
    // Every rule evaluated at least once, and without error, against live data.
    let rules = wait_until("every alert rule evaluated", 15, || {
        let data = prom.get("/api/v1/rules", &[])?;
        let rules: Vec<Value> = data["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
            .collect();
        let pending: Vec<&str> = rules
            .iter()
            .filter(|r| r["health"] == "unknown")
            .filter_map(|r| r["name"].as_str())
            .collect();
        if rules.len() == alert_count && pending.is_empty() {
            Ok(rules)
        } else {
            Err(format!(
                "{} of {alert_count} rules loaded, not evaluated yet: {pending:?}",
                rules.len()
            ))
        }
    });
    let broken: Vec<String> = rules
        .iter()
        .filter(|r| r["health"] != "ok")
        .map(|r| format!("{}: {} {}", r["name"], r["health"], r["lastError"]))
        .collect();
    assert!(broken.is_empty(), "alert rules failing on live data: {broken:#?}");

    let mut referenced: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for rule in &rules {
        for name in metric_names(rule["query"].as_str().unwrap_or_default()) {
            referenced
                .entry(name)
                .or_default()
                .insert(format!("alerts.yml {}", rule["name"].as_str().unwrap_or("?")));
        }
    }
    let dashboard: Value =
        serde_json::from_str(&fs::read_to_string(repo().join("deploy/grafana/tamiz.json")).unwrap()).unwrap();
    let mut queries = Vec::new();
    dashboard_queries(&dashboard, &mut queries);
    assert!(queries.len() > 10, "dashboard queries found: {queries:?}");
    for q in &queries {
        for name in metric_names(q) {
            referenced.entry(name).or_default().insert("grafana/tamiz.json".into());
        }
    }
    let missing: Vec<String> = referenced
        .iter()
        .filter(|(name, _)| !live.contains(*name) || !ingested.contains(*name))
        .map(|(name, used)| {
            format!(
                "{name} (used by {used:?}; in scrape: {}, in Prometheus: {})",
                live.contains(name),
                ingested.contains(name)
            )
        })
        .collect();
    assert!(
        missing.is_empty(),
        "metrics queried by deploy/ but absent from a live scrape: {missing:#?}"
    );
    eprintln!(
        "{} metric names queried by deploy/ all live: {:?}",
        referenced.len(),
        referenced.keys().collect::<Vec<_>>()
    );

    // Every dashboard expression (Grafana variables filled in) is accepted by the live Prometheus.
    let mut with_data = 0;
    let mut exprs = 0;
    for q in queries.iter().filter(|q| !q.starts_with("label_values(")) {
        let q = q
            .replace("$__rate_interval", "1m")
            .replace("$job", "tamiz")
            .replace("$instance", ".*");
        let data = prom
            .get("/api/v1/query", &[("query", q.as_str())])
            .unwrap_or_else(|e| panic!("dashboard query {q:?} rejected: {e}"));
        exprs += 1;
        with_data += usize::from(data["result"].as_array().is_some_and(|r| !r.is_empty()));
    }
    eprintln!("{exprs} dashboard expressions accepted by Prometheus, {with_data} with data");

    // The shipped files, through promtool.
    let mut checks = vec![
        vec!["check", "rules", "deploy/alerts.yml"],
        vec!["check", "config", "deploy/prometheus.yml"],
    ];
    if repo().join("deploy/alerts_test.yml").exists() {
        checks.push(vec!["test", "rules", "deploy/alerts_test.yml"]);
    }
    for args in checks {
        let (ok, said) = promtool(&args, None);
        assert!(ok, "promtool {}:\n{said}", args.join(" "));
    }

    prometheus.assert_running();
    eprintln!("done in {:.1} s", started.elapsed().as_secs_f64());
}
