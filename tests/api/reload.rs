//! Reloading wordlists and thresholds: admin endpoint, broken files, concurrency, file watch.

use crate::helpers::{assert_error, metric_value, spawn_app, spawn_app_with, TestApp, ALLOW, INSULTS, REVIEW};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_reload_that_adds_a_word_is_seen_by_the_next_request() {
    let app = spawn_app().await;
    let before = app.lexicon_version().await;
    assert_eq!(app.moderate("you nitwit").await["decision"], "allow");

    app.write("wordlists/en/insult.txt", &format!("{INSULTS}nitwit = 3.0\n"));
    let res = app.post_reload().await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "reloaded");
    assert_eq!(body["previous_version"], before.as_str());
    let after = body["version"].as_str().unwrap().to_string();
    assert_ne!(after, before);

    let verdict = app.moderate("you nitwit").await;
    assert_ne!(verdict["decision"], "allow", "{verdict}");
    assert_eq!(verdict["lexicon_version"], after.as_str());
    assert_eq!(app.lexicon().await["counts"]["en"]["insult"], 3);
}

#[tokio::test]
async fn a_broken_wordlist_keeps_the_old_lexicon_and_the_error_names_file_and_line() {
    let app = spawn_app().await;
    let before = app.lexicon_version().await;
    // Line 4 is broken.
    app.write("wordlists/en/insult.txt", &format!("{INSULTS}bad = x\nnitwit = 3.0\n"));
    let message = assert_error(app.post_reload().await, 422, "reload_failed").await;
    assert!(message.contains("en/insult.txt:4"), "{message}");

    assert_eq!(app.lexicon_version().await, before);
    let verdict = app.moderate(REVIEW).await;
    assert_eq!(verdict["decision"], "review");
    assert_eq!(verdict["lexicon_version"], before.as_str());
    assert_eq!(
        app.moderate("you nitwit").await["decision"],
        "allow",
        "the broken list was not half-loaded"
    );

    let metrics = app.metrics().await;
    assert_eq!(
        metric_value(&metrics, "tamiz_lexicon_reloads_total", &[("result", "failure")]),
        Some(1.0)
    );
    assert_eq!(
        metric_value(&metrics, "tamiz_lexicon_reloads_total", &[("result", "success")]),
        Some(0.0)
    );
    assert_eq!(
        metric_value(&metrics, "tamiz_lexicon_info", &[("version", &before)]),
        Some(1.0)
    );

    // Fixing the file makes the next reload succeed.
    app.write("wordlists/en/insult.txt", &format!("{INSULTS}nitwit = 3.0\n"));
    assert_eq!(app.post_reload().await.status(), 200);
    assert_ne!(app.lexicon_version().await, before);
}

#[tokio::test]
async fn a_broken_config_keeps_the_old_engine() {
    let app = spawn_app().await;
    let before = app.lexicon_version().await;
    let path = app.dir.path().join("config/default.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        // review above reject: invalid.
        with_thresholds(&text, "insult", 0.95, 0.85),
    )
    .unwrap();
    let message = assert_error(app.post_reload().await, 422, "reload_failed").await;
    assert!(message.contains("thresholds.insult"), "{message}");
    assert_eq!(app.lexicon_version().await, before);
}

#[tokio::test]
async fn a_reload_picks_up_new_thresholds() {
    let app = spawn_app().await;
    assert_eq!(app.moderate(REVIEW).await["decision"], "review");
    let path = app.dir.path().join("config/default.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let lowered = with_thresholds(&text, "insult", 0.1, 0.6);
    assert_ne!(lowered, text, "the test edits the insult thresholds");
    std::fs::write(&path, lowered).unwrap();
    assert_eq!(app.post_reload().await.status(), 200);
    assert_eq!(app.moderate(REVIEW).await["decision"], "reject");
}

#[tokio::test]
async fn requests_during_repeated_reloads_all_succeed() {
    let app = spawn_app_with(|s| s.server.workers = 4).await;
    let v1 = app.lexicon_version().await;
    let with_nitwit = format!("{INSULTS}nitwit = 3.0\n");
    // Past `INLINE_BYTES` of text, so batches go to the scoring threads and take a while.
    let mut batch = vec![json!({"text": REVIEW})];
    for i in 0..40 {
        batch.push(json!({"text": format!("{ALLOW} {i}, {}", if i % 2 == 0 { REVIEW } else { ALLOW })}));
    }
    batch.push(json!({"text": ALLOW.repeat(100)}));
    let batch = std::sync::Arc::new(batch);

    let mut clients = Vec::new();
    for c in 0..8 {
        let client = app.client.clone();
        let batch = batch.clone();
        let url = app.url(if c % 2 == 0 {
            "/v1/moderate"
        } else {
            "/v1/moderate/batch"
        });
        clients.push(tokio::spawn(async move {
            let mut versions = Vec::new();
            for _ in 0..30 {
                let body = if c % 2 == 0 {
                    json!({"text": REVIEW})
                } else {
                    json!({"items": batch})
                };
                let res = client.post(&url).json(&body).send().await.expect("request");
                assert_eq!(res.status(), 200);
                let body: serde_json::Value = res.json().await.unwrap();
                let verdict = if c % 2 == 0 { &body } else { &body["results"][0] };
                assert_eq!(verdict["decision"], "review", "{body}");
                let version = verdict["lexicon_version"].as_str().unwrap().to_string();
                if c % 2 == 1 {
                    // A batch is scored on one lexicon: every slot names the same version.
                    let results = body["results"].as_array().unwrap();
                    assert_eq!(results.len(), batch.len());
                    for (i, slot) in results.iter().enumerate() {
                        assert_eq!(slot["lexicon_version"], version.as_str(), "slot {i} of {body}");
                    }
                }
                versions.push(version);
            }
            versions
        }));
    }
    let mut reload_versions = vec![v1.clone()];
    for i in 0..10 {
        app.write(
            "wordlists/en/insult.txt",
            if i % 2 == 0 { &with_nitwit } else { INSULTS },
        );
        let res = app.post_reload().await;
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        reload_versions.push(body["version"].as_str().unwrap().to_string());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for c in clients {
        for v in c.await.expect("client task") {
            assert!(reload_versions.contains(&v), "{v} was never loaded");
        }
    }
    let metrics = app.metrics().await;
    assert_eq!(
        metric_value(&metrics, "tamiz_lexicon_reloads_total", &[("result", "success")]),
        Some(10.0)
    );
}

#[tokio::test]
async fn editing_a_watched_wordlist_reloads_it() {
    let app = spawn_watched().await;
    let before = app.lexicon_version().await;
    app.write("wordlists/en/insult.txt", &format!("{INSULTS}nitwit = 3.0\n"));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if app.lexicon_version().await != before {
            break;
        }
        assert!(Instant::now() < deadline, "no reload within 10 s of the edit");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_ne!(app.moderate("you nitwit").await["decision"], "allow");

    // A broken edit is ignored (counted as a failure), the last good lexicon serves.
    let good = app.lexicon_version().await;
    app.write("wordlists/en/insult.txt", "bad = x\n");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let metrics = app.metrics().await;
        if metric_value(&metrics, "tamiz_lexicon_reloads_total", &[("result", "failure")]) >= Some(1.0) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no failed reload within 10 s of the broken edit"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.lexicon_version().await, good);
}

#[tokio::test]
async fn a_watched_service_left_alone_does_not_reload() {
    // A reload reads every wordlist, and the watcher also sees reads: this once looped, reloading
    // an idle service several times a second.
    let app = spawn_watched().await;
    assert_ne!(app.moderate("you idiot").await["decision"], "allow");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let metrics = app.metrics().await;
    for result in ["success", "failure"] {
        let reloads = metric_value(&metrics, "tamiz_lexicon_reloads_total", &[("result", result)]);
        assert!(
            reloads.unwrap_or(0.0) == 0.0,
            "{reloads:?} {result} reloads with no edit"
        );
    }
}

/// A service that watches its wordlists and config, with a short debounce.
async fn spawn_watched() -> TestApp {
    spawn_app_with(|s| {
        s.lexicon.watch = true;
        s.lexicon.watch_debounce_ms = 100;
    })
    .await
}

/// `text` (a `config/default.toml`) with the `review` and `reject` lines of
/// `[thresholds.CATEGORY]` set to the given values.
fn with_thresholds(text: &str, category: &str, review: f64, reject: f64) -> String {
    let header = format!("[thresholds.{category}]");
    let mut out = Vec::new();
    let mut in_section = false;
    let mut replaced = 0;
    for line in text.lines() {
        if line.starts_with('[') {
            in_section = line.trim() == header;
        }
        if in_section && line.starts_with("review =") {
            out.push(format!("review = {review}"));
            replaced += 1;
        } else if in_section && line.starts_with("reject =") {
            out.push(format!("reject = {reject}"));
            replaced += 1;
        } else {
            out.push(line.to_string());
        }
    }
    assert_eq!(replaced, 2, "{header} has a review and a reject line");
    out.join("\n") + "\n"
}

#[tokio::test]
async fn a_reload_during_a_large_batch_leaves_one_version_across_its_slots() {
    let app = spawn_app_with(|s| {
        s.server.workers = 4;
        s.server.request_timeout_secs = 120;
    })
    .await;
    let with_nitwit = format!("{INSULTS}nitwit = 3.0\n");
    // 1000 comments of about 300 characters; a third call the reader a nitwit, whose
    // decision tells which lexicon scored it.
    let filler = "thanks for the article about the council meeting, the part about the budget felt rushed \
                  and the figures for the new library were hard to follow, but the interviews with the \
                  neighbours were good and I hope the paper keeps covering this story next month as well, \
                  with photos of the site";
    let items: Vec<_> = (0..1000)
        .map(|i| {
            let text = match i % 3 {
                0 => format!("{i}: {filler}, you nitwit"),
                1 => format!("{i}: {filler}, you are an idiot"),
                _ => format!("{i}: {filler}"),
            };
            json!({"text": text, "id": i})
        })
        .collect();
    assert!(items
        .iter()
        .all(|i| (280..=320).contains(&i["text"].as_str().unwrap().len())));
    let body = json!({ "items": items });

    // Reloads back to back, alternating two wordlists, until told to stop (bounded in count).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let reloads = {
        let (client, url, root) = (
            app.client.clone(),
            app.url("/admin/reload"),
            app.dir.path().to_path_buf(),
        );
        let (stop, done, with_nitwit) = (stop.clone(), done.clone(), with_nitwit.clone());
        tokio::spawn(async move {
            // (version, whether that lexicon knows "nitwit")
            let mut versions = Vec::new();
            for i in 0..5000 {
                if stop.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let nitwit = i % 2 == 0;
                crate::helpers::write(
                    &root,
                    "wordlists/en/insult.txt",
                    if nitwit { &with_nitwit } else { INSULTS },
                );
                let res = client.post(&url).send().await.expect("reload sent");
                assert_eq!(res.status(), 200);
                let body: serde_json::Value = res.json().await.unwrap();
                versions.push((body["version"].as_str().unwrap().to_string(), nitwit));
                done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            versions
        })
    };
    // The reloads are under way before the first batch is sent.
    let deadline = Instant::now() + Duration::from_secs(30);
    while done.load(std::sync::atomic::Ordering::SeqCst) < 2 {
        assert!(Instant::now() < deadline, "no reload within 30 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    let mut answers = Vec::new();
    let mut overlapped = 0;
    for _ in 0..10 {
        let before = done.load(std::sync::atomic::Ordering::SeqCst);
        let res = app.post_batch(body.clone()).await;
        let after = done.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(res.status(), 200);
        let answer: serde_json::Value = res.json().await.unwrap();
        if after > before {
            overlapped += 1;
        }
        answers.push(answer);
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let versions = reloads.await.expect("reload task");
    assert!(
        overlapped > 0,
        "no reload finished while a batch was being scored; the test proved nothing"
    );

    for answer in &answers {
        let results = answer["results"].as_array().unwrap();
        assert_eq!(results.len(), 1000);
        let version = results[0]["lexicon_version"].as_str().unwrap();
        for (i, slot) in results.iter().enumerate() {
            assert_eq!(slot["id"], i);
            assert_eq!(
                slot["lexicon_version"], version,
                "slot {i} was scored on another lexicon than slot 0"
            );
        }
        // The decisions agree with that one lexicon.
        let knows_nitwit = versions
            .iter()
            .find(|(v, _)| v == version)
            .map(|(_, nitwit)| *nitwit)
            .unwrap_or_else(|| panic!("{version} was never loaded by a reload"));
        for (i, slot) in results.iter().enumerate() {
            let expected_allow = match i % 3 {
                0 => !knows_nitwit,
                1 => false,
                _ => true,
            };
            assert_eq!(
                slot["decision"] == "allow",
                expected_allow,
                "slot {i} on {version} (nitwit known: {knows_nitwit}): {slot}"
            );
        }
    }
}

#[tokio::test]
async fn editing_a_threshold_in_the_watched_config_dir_reloads_it() {
    let app = spawn_watched().await;
    let before = app.lexicon_version().await;
    let verdict = app.moderate(REVIEW).await;
    assert_eq!(verdict["decision"], "review", "{verdict}");
    let insult = verdict["scores"]["insult"].as_f64().unwrap();
    assert!(insult > 0.1, "{verdict}");

    // A reject threshold just under this comment's insult score; no wordlist changes.
    let reject = ((insult - 0.05) * 100.0).floor() / 100.0;
    let path = app.dir.path().join("config/default.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, with_thresholds(&text, "insult", reject.min(0.1), reject)).unwrap();

    let deadline = Instant::now() + Duration::from_secs(10);
    let after = loop {
        let version = app.lexicon_version().await;
        if version != before {
            break version;
        }
        assert!(Instant::now() < deadline, "no reload within 10 s of the config edit");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let verdict = app.moderate(REVIEW).await;
    assert_eq!(verdict["decision"], "reject", "{verdict}");
    assert_eq!(verdict["lexicon_version"], after.as_str());
    let metrics = app.metrics().await;
    assert!(metric_value(&metrics, "tamiz_lexicon_reloads_total", &[("result", "success")]) >= Some(1.0));
}
