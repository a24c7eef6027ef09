//! Every metric the service exports, and the log line that goes with each observable event.
//!
//! One [`Metrics`] owns one `prometheus::Registry`, created at start-up and shared with the
//! handlers as `web::Data<Metrics>`: no global statics, so every test server has its own numbers.
//! Following vector's internal events, each observable event is one method here
//! ([`Metrics::request_completed`], [`Metrics::verdict_scored`], [`Metrics::reload_succeeded`],
//! [`Metrics::reload_failed`]) that updates its metrics *and* emits its log line, so the two never
//! drift and every metric name lives in this file.
//!
//! Label values come from closed sets only (route patterns, decisions, categories, languages,
//! evidence sources, the current lexicon version), never from a term or a comment, so
//! cardinality stays bounded.
//!
//! ```
//! use tamiz::metrics::Metrics;
//! let metrics = Metrics::new().unwrap();
//! assert!(metrics.render().contains("tamiz_build_info"));
//! ```

use crate::engine::{Category, Decision, Engine, EvidenceSource, Language, Verdict};
use prometheus::{
    Encoder, Gauge, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};
use std::fmt::Display;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// HTTP latency buckets, in seconds: from 50 µs (a short comment scores in tens of µs) to 2.5 s.
const LATENCY_BUCKETS: [f64; 15] = [
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// Comment length buckets, in characters, up to the default `limits.max_text_chars`.
const CHAR_BUCKETS: [f64; 11] = [
    10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0, 10000.0, 20000.0,
];

/// The label used for requests that matched no route, so probes for random paths cannot grow
/// the number of series.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// The git commit the binary was built from (`build.rs`), or `unknown` outside a checkout.
pub const GIT_SHA: &str = env!("TAMIZ_GIT_SHA");

/// What caused a reload; a log field, not a label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReloadTrigger {
    Startup,
    Signal,
    Admin,
    FileWatch,
}

impl ReloadTrigger {
    pub fn as_str(self) -> &'static str {
        match self {
            ReloadTrigger::Startup => "startup",
            ReloadTrigger::Signal => "sighup",
            ReloadTrigger::Admin => "admin",
            ReloadTrigger::FileWatch => "file-watch",
        }
    }
}

/// One finished HTTP request, as the access-log middleware saw it.
pub struct RequestCompleted<'a> {
    pub request_id: &'a str,
    pub method: &'a str,
    /// The matched route pattern, or [`UNMATCHED_ROUTE`].
    pub route: &'a str,
    pub status: u16,
    pub elapsed: Duration,
    /// The error behind a non-2xx answer, if the handler gave one (logged, never shown twice).
    pub error: Option<&'a dyn Display>,
}

/// The registry and a handle for every metric in it.
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    http_in_flight: IntGauge,
    /// Children of the per-comment counters, resolved once: `with_label_values` hashes the
    /// labels and takes a lock, and a comment carries dozens of pieces of evidence.
    /// Indexed by decision and language.
    decisions: [[IntCounter; 2]; 3],
    /// Indexed by category, then review (0) or reject (1).
    category_flags: [[IntCounter; 2]; 7],
    /// Indexed by category, then evidence source.
    matches: [[IntCounter; 3]; 7],
    scoring_duration: Histogram,
    comment_chars: Histogram,
    lexicon_entries: IntGaugeVec,
    lexicon_info: IntGaugeVec,
    lexicon_reloads: IntCounterVec,
    lexicon_last_reload: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// Creates the registry with every metric registered, label sets from closed vocabularies
    /// pre-filled with zero (so `rate()` and alerts see a series before the first event), and the
    /// process collector.
    pub fn new() -> prometheus::Result<Metrics> {
        let registry = Registry::new();
        let http_requests = IntCounterVec::new(
            Opts::new(
                "tamiz_http_requests_total",
                "HTTP requests answered, by route pattern, method and status.",
            ),
            &["route", "method", "status"],
        )?;
        let http_duration = HistogramVec::new(
            HistogramOpts::new(
                "tamiz_http_request_duration_seconds",
                "Time from request start to response, by route pattern.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["route"],
        )?;
        let http_in_flight = IntGauge::new("tamiz_http_requests_in_flight", "HTTP requests being handled now.")?;
        let decisions = IntCounterVec::new(
            Opts::new("tamiz_decisions_total", "Comments scored, by decision and language."),
            &["decision", "language"],
        )?;
        let category_flags = IntCounterVec::new(
            Opts::new(
                "tamiz_category_flags_total",
                "Comments whose category score reached that category's review or reject threshold.",
            ),
            &["category", "level"],
        )?;
        let matches = IntCounterVec::new(
            Opts::new(
                "tamiz_matches_total",
                "Evidence found in comments, by category and source.",
            ),
            &["category", "source"],
        )?;
        let scoring_duration = Histogram::with_opts(
            HistogramOpts::new(
                "tamiz_scoring_duration_seconds",
                "Time the engine took to score one comment.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
        )?;
        let comment_chars = Histogram::with_opts(
            HistogramOpts::new(
                "tamiz_comment_chars",
                "Length of scored comments, in Unicode characters.",
            )
            .buckets(CHAR_BUCKETS.to_vec()),
        )?;
        let lexicon_entries = IntGaugeVec::new(
            Opts::new(
                "tamiz_lexicon_entries",
                "Wordlist entries in the serving lexicon, by language and category.",
            ),
            &["language", "category"],
        )?;
        let lexicon_info = IntGaugeVec::new(
            Opts::new(
                "tamiz_lexicon_info",
                "Always 1; the label names the serving lexicon version.",
            ),
            &["version"],
        )?;
        let lexicon_reloads = IntCounterVec::new(
            Opts::new("tamiz_lexicon_reloads_total", "Lexicon reloads attempted, by result."),
            &["result"],
        )?;
        let lexicon_last_reload = Gauge::new(
            "tamiz_lexicon_last_reload_timestamp_seconds",
            "Unix time the serving lexicon was loaded.",
        )?;
        let build_info = IntGaugeVec::new(
            Opts::new("tamiz_build_info", "Always 1; the labels name the running build."),
            &["version", "git_sha"],
        )?;

        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_duration.clone()))?;
        registry.register(Box::new(http_in_flight.clone()))?;
        registry.register(Box::new(decisions.clone()))?;
        registry.register(Box::new(category_flags.clone()))?;
        registry.register(Box::new(matches.clone()))?;
        registry.register(Box::new(scoring_duration.clone()))?;
        registry.register(Box::new(comment_chars.clone()))?;
        registry.register(Box::new(lexicon_entries.clone()))?;
        registry.register(Box::new(lexicon_info.clone()))?;
        registry.register(Box::new(lexicon_reloads.clone()))?;
        registry.register(Box::new(lexicon_last_reload.clone()))?;
        registry.register(Box::new(build_info.clone()))?;
        #[cfg(target_os = "linux")]
        registry.register(Box::new(prometheus::process_collector::ProcessCollector::for_self()))?;

        build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION"), GIT_SHA])
            .set(1);
        // Creating the children also pre-fills every series with zero.
        let decisions =
            Decision::ALL.map(|d| Language::ALL.map(|l| decisions.with_label_values(&[d.as_str(), l.as_str()])));
        let category_flags = Category::ALL
            .map(|c| ["review", "reject"].map(|level| category_flags.with_label_values(&[c.as_str(), level])));
        let matches =
            Category::ALL.map(|c| EvidenceSource::ALL.map(|s| matches.with_label_values(&[c.as_str(), s.as_str()])));
        for result in ["success", "failure"] {
            lexicon_reloads.with_label_values(&[result]);
        }

        Ok(Metrics {
            registry,
            http_requests,
            http_duration,
            http_in_flight,
            decisions,
            category_flags,
            matches,
            scoring_duration,
            comment_chars,
            lexicon_entries,
            lexicon_info,
            lexicon_reloads,
            lexicon_last_reload,
        })
    }

    /// The registry in Prometheus' text exposition format.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        // Encoding into a Vec fails only on a malformed metric family, which `new` rules out.
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut buf) {
            tracing::error!(error = %e, "cannot encode metrics");
        }
        String::from_utf8(buf).unwrap_or_default()
    }

    /// The registry, for a caller that wants to register its own collectors.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// A request started; the returned guard marks it finished when dropped, even if the
    /// handler's future is dropped half-way (client gone, timeout).
    pub fn request_started(&self) -> InFlight {
        self.http_in_flight.inc();
        InFlight(self.http_in_flight.clone())
    }

    /// A request was answered: the access-log line and the HTTP metrics.
    pub fn request_completed(&self, r: &RequestCompleted<'_>) {
        let status = r.status.to_string();
        self.http_requests
            .with_label_values(&[r.route, r.method, status.as_str()])
            .inc();
        self.http_duration
            .with_label_values(&[r.route])
            .observe(r.elapsed.as_secs_f64());
        let latency_us = r.elapsed.as_micros() as u64;
        match (r.status, r.error) {
            (500.., Some(e)) => tracing::error!(
                request_id = r.request_id, method = r.method, route = r.route, status = r.status,
                latency_us, error = %e, "request failed"
            ),
            (_, Some(e)) => tracing::info!(
                request_id = r.request_id, method = r.method, route = r.route, status = r.status,
                latency_us, error = %e, "request refused"
            ),
            (_, None) => tracing::info!(
                request_id = r.request_id,
                method = r.method,
                route = r.route,
                status = r.status,
                latency_us,
                "request"
            ),
        }
    }

    /// One comment was scored by `engine` in `took`: decision, flags, evidence, length, time.
    /// The comment's text is logged at debug level only.
    pub fn verdict_scored(&self, engine: &Engine, verdict: &Verdict, chars: usize, took: Duration) {
        self.decisions[verdict.decision as usize][verdict.language as usize].inc();
        let thresholds = engine.thresholds();
        for c in Category::ALL {
            let score = verdict.scores.get(c);
            let t = thresholds[c.index()];
            if score >= t.reject {
                self.category_flags[c.index()][1].inc();
            } else if score >= t.review {
                self.category_flags[c.index()][0].inc();
            }
        }
        // The engine counted its evidence: one atomic add per non-empty series.
        for (row, children) in verdict.evidence_counts.0.iter().zip(&self.matches) {
            for (&n, child) in row.iter().zip(children) {
                if n > 0 {
                    child.inc_by(u64::from(n));
                }
            }
        }
        self.scoring_duration.observe(took.as_secs_f64());
        self.comment_chars.observe(chars as f64);
        tracing::debug!(
            decision = verdict.decision.as_str(),
            language = verdict.language.as_str(),
            matches = verdict.evidence_counts.0.iter().flatten().sum::<u32>(),
            chars,
            took_us = took.as_micros() as u64,
            "scored"
        );
    }

    /// The first engine was built at start-up: lexicon gauges, no reload counted.
    pub fn lexicon_loaded(&self, engine: &Engine) {
        self.set_lexicon_gauges(engine);
        let info = engine.info();
        tracing::info!(
            version = %info.version,
            entries = info.entries,
            allowlist = info.allowlist,
            "lexicon loaded"
        );
    }

    /// A reload built and swapped in `engine`.
    pub fn reload_succeeded(&self, engine: &Engine, previous_version: &str, trigger: ReloadTrigger) {
        self.set_lexicon_gauges(engine);
        self.lexicon_reloads.with_label_values(&["success"]).inc();
        let info = engine.info();
        tracing::info!(
            trigger = trigger.as_str(),
            version = %info.version,
            previous_version,
            entries = info.entries,
            allowlist = info.allowlist,
            "lexicon reloaded"
        );
    }

    /// A reload failed; the old engine keeps serving.
    pub fn reload_failed(&self, error: &dyn Display, serving_version: &str, trigger: ReloadTrigger) {
        self.lexicon_reloads.with_label_values(&["failure"]).inc();
        tracing::error!(
            trigger = trigger.as_str(),
            serving_version,
            error = %error,
            "lexicon reload failed; the previous lexicon keeps serving"
        );
    }

    fn set_lexicon_gauges(&self, engine: &Engine) {
        let info = engine.info();
        // Reset so a language/category whose file was removed, and the previous version, vanish.
        self.lexicon_entries.reset();
        for (language, by_category) in &info.counts {
            for (category, n) in by_category {
                self.lexicon_entries
                    .with_label_values(&[language.as_str(), category.as_str()])
                    .set(*n as i64);
            }
        }
        self.lexicon_info.reset();
        self.lexicon_info.with_label_values(&[&*info.version]).set(1);
        let loaded = info
            .loaded_at
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        self.lexicon_last_reload.set(loaded);
    }
}

/// Decrements the in-flight gauge when dropped.
#[derive(Debug)]
pub struct InFlight(IntGauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Seconds since the Unix epoch, for log fields and JSON.
pub fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_holds_every_metric_name() {
        let m = Metrics::new().unwrap();
        let text = m.render();
        for name in [
            "tamiz_build_info",
            "tamiz_decisions_total",
            "tamiz_category_flags_total",
            "tamiz_matches_total",
            "tamiz_lexicon_reloads_total",
            "tamiz_http_requests_in_flight",
        ] {
            assert!(text.contains(name), "{name} missing");
        }
    }

    #[test]
    fn in_flight_guard_decrements() {
        let m = Metrics::new().unwrap();
        {
            let _g = m.request_started();
            assert!(m.render().contains("tamiz_http_requests_in_flight 1"));
        }
        assert!(m.render().contains("tamiz_http_requests_in_flight 0"));
    }
}
