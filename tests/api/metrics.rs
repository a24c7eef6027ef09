//! `/metrics` after known traffic.

use crate::helpers::{metric_value, spawn_app, ALLOW, REJECT, REVIEW};
use serde_json::json;

#[tokio::test]
async fn metrics_count_the_traffic_that_was_sent() {
    let app = spawn_app().await;
    let (allows, reviews, rejects) = (5, 3, 2);
    for (text, n) in [(ALLOW, allows), (REVIEW, reviews), (REJECT, rejects)] {
        for _ in 0..n {
            app.moderate(text).await;
        }
    }
    // A batch counts each item; a bad item counts nothing.
    let res = app
        .post_batch(
            json!({"items": [{"text": ALLOW}, {"text": REJECT}, {"text": 1}, {"text": "hola", "language": "es"}]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    app.get("/no/such/route").await;
    app.get("/no/other/route").await;
    app.post_moderate(json!({"text": 5})).await;

    let text = app.metrics().await;
    for name in [
        "tamiz_http_requests_total",
        "tamiz_http_request_duration_seconds_bucket",
        "tamiz_http_requests_in_flight",
        "tamiz_decisions_total",
        "tamiz_category_flags_total",
        "tamiz_matches_total",
        "tamiz_scoring_duration_seconds_bucket",
        "tamiz_comment_chars_bucket",
        "tamiz_lexicon_entries",
        "tamiz_lexicon_info",
        "tamiz_lexicon_reloads_total",
        "tamiz_lexicon_last_reload_timestamp_seconds",
        "tamiz_build_info",
        "process_resident_memory_bytes",
        "process_open_fds",
    ] {
        assert!(text.contains(name), "{name} missing from:\n{text}");
    }
    let decisions =
        |d: &str, l: &str| metric_value(&text, "tamiz_decisions_total", &[("decision", d), ("language", l)]);
    assert_eq!(decisions("allow", "en"), Some(f64::from(allows + 1)));
    assert_eq!(decisions("review", "en"), Some(f64::from(reviews)));
    assert_eq!(decisions("reject", "en"), Some(f64::from(rejects + 1)));
    assert_eq!(decisions("allow", "es"), Some(1.0));
    assert_eq!(decisions("reject", "es"), Some(0.0));

    let requests = |route: &str, method: &str, status: &str| {
        metric_value(
            &text,
            "tamiz_http_requests_total",
            &[("route", route), ("method", method), ("status", status)],
        )
    };
    assert_eq!(
        requests("/v1/moderate", "POST", "200"),
        Some(f64::from(allows + reviews + rejects))
    );
    assert_eq!(requests("/v1/moderate", "POST", "400"), Some(1.0));
    assert_eq!(requests("/v1/moderate/batch", "POST", "200"), Some(1.0));
    assert_eq!(
        requests("unmatched", "GET", "404"),
        Some(2.0),
        "unknown paths share one label"
    );
    assert!(!text.contains("/no/such/route"));

    // Every reject had an insult score over the reject threshold; every review over review.
    let flags = |c: &str, l: &str| metric_value(&text, "tamiz_category_flags_total", &[("category", c), ("level", l)]);
    assert_eq!(flags("insult", "reject"), Some(f64::from(rejects + 1)));
    assert_eq!(flags("insult", "review"), Some(f64::from(reviews)));
    let lexicon_matches = metric_value(
        &text,
        "tamiz_matches_total",
        &[("category", "insult"), ("source", "lexicon")],
    );
    assert!(
        lexicon_matches >= Some(f64::from(reviews + rejects)),
        "{lexicon_matches:?}"
    );
    assert!(
        metric_value(
            &text,
            "tamiz_matches_total",
            &[("category", "insult"), ("source", "heuristic")]
        ) > Some(0.0)
    );

    let version = app.lexicon_version().await;
    assert_eq!(
        metric_value(&text, "tamiz_lexicon_info", &[("version", &version)]),
        Some(1.0)
    );
    assert_eq!(
        metric_value(
            &text,
            "tamiz_lexicon_entries",
            &[("language", "en"), ("category", "insult")]
        ),
        Some(2.0)
    );
    assert_eq!(
        metric_value(
            &text,
            "tamiz_build_info",
            &[
                ("version", env!("CARGO_PKG_VERSION")),
                ("git_sha", tamiz::metrics::GIT_SHA)
            ]
        ),
        Some(1.0)
    );
    assert_eq!(
        metric_value(&text, "tamiz_scoring_duration_seconds_count", &[]),
        Some(f64::from(allows + reviews + rejects + 3))
    );
}

#[tokio::test]
async fn after_a_reload_only_the_current_version_is_reported() {
    let app = spawn_app().await;
    let before = app.lexicon_version().await;
    app.write(
        "wordlists/en/insult.txt",
        &format!("{}nitwit = 3.0\n", crate::helpers::INSULTS),
    );
    app.write("wordlists/es/insult.txt", "idiota = 2.0\n");
    assert_eq!(app.post_reload().await.status(), 200);
    let after = app.lexicon_version().await;
    let text = app.metrics().await;
    assert_eq!(
        metric_value(&text, "tamiz_lexicon_info", &[("version", &after)]),
        Some(1.0)
    );
    assert_eq!(metric_value(&text, "tamiz_lexicon_info", &[("version", &before)]), None);
    assert_eq!(
        metric_value(
            &text,
            "tamiz_lexicon_entries",
            &[("language", "en"), ("category", "insult")]
        ),
        Some(3.0)
    );
    assert_eq!(
        metric_value(
            &text,
            "tamiz_lexicon_entries",
            &[("language", "es"), ("category", "insult")]
        ),
        Some(1.0)
    );
    assert_eq!(
        metric_value(&text, "tamiz_lexicon_reloads_total", &[("result", "success")]),
        Some(1.0)
    );
    let stamp = metric_value(&text, "tamiz_lexicon_last_reload_timestamp_seconds", &[]).unwrap();
    assert!(stamp > 1.7e9, "{stamp}");
}

#[tokio::test]
async fn the_request_duration_histogram_has_every_bucket_for_the_route_from_50_microseconds() {
    let app = spawn_app().await;
    for _ in 0..3 {
        app.moderate(ALLOW).await;
    }
    let text = app.metrics().await;
    let bucket = |le: &str| {
        metric_value(
            &text,
            "tamiz_http_request_duration_seconds_bucket",
            &[("route", "/v1/moderate"), ("le", le)],
        )
    };
    // The smallest bucket is 50 µs, written as the exporter writes it.
    let lines: Vec<_> = text
        .lines()
        .filter(|l| l.starts_with("tamiz_http_request_duration_seconds_bucket{") && l.contains("/v1/moderate"))
        .collect();
    assert!(
        bucket("0.00005").is_some(),
        "no 50 µs bucket for /v1/moderate; its buckets:\n{}",
        lines.join("\n")
    );
    let les = [
        "0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
        "0.5", "1", "2.5", "+Inf",
    ];
    assert_eq!(lines.len(), les.len(), "{}", lines.join("\n"));
    // Cumulative: never decreasing, and +Inf holds every request, as does _count.
    let counts: Vec<f64> = les
        .iter()
        .map(|le| bucket(le).unwrap_or_else(|| panic!("no le={le} bucket:\n{}", lines.join("\n"))))
        .collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    assert_eq!(counts.last(), Some(&3.0));
    assert_eq!(
        metric_value(
            &text,
            "tamiz_http_request_duration_seconds_count",
            &[("route", "/v1/moderate")]
        ),
        Some(3.0)
    );
    let sum = metric_value(
        &text,
        "tamiz_http_request_duration_seconds_sum",
        &[("route", "/v1/moderate")],
    )
    .unwrap();
    assert!(sum > 0.0 && sum < 30.0, "{sum}");
}
