//! `/healthz`, `/readyz` (and draining), `/v1/lexicon`.

use crate::helpers::{assert_error, spawn_app, ALLOW};
use serde_json::json;

#[tokio::test]
async fn healthz_and_readyz_answer() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["status"], "ok");
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["lexicon_version"], app.lexicon_version().await.as_str());
}

#[tokio::test]
async fn a_draining_service_is_not_ready_but_alive_and_still_answers() {
    let app = spawn_app().await;
    app.state.lifecycle.begin_draining();
    let res = app.get("/readyz").await;
    assert_eq!(res.headers()["retry-after"], "1");
    assert_error(res, 503, "draining").await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.post_moderate(json!({ "text": ALLOW })).await.status(), 200);
}

#[tokio::test]
async fn lexicon_reports_version_load_time_and_counts() {
    let app = spawn_app().await;
    let body = app.lexicon().await;
    assert_eq!(body["version"].as_str().unwrap().len(), 12, "{body}");
    assert_eq!(body["counts"], json!({"en": {"insult": 2}}));
    assert_eq!(body["entries"], 2);
    assert_eq!(body["allowlist"], 1);
    let loaded_at = body["loaded_at"].as_str().unwrap();
    assert!(
        loaded_at.len() == 20 && loaded_at.ends_with('Z') && loaded_at.as_bytes()[10] == b'T',
        "RFC 3339: {loaded_at}"
    );
    let unix = body["loaded_at_unix"].as_u64().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(unix <= now && now - unix < 600, "{unix} vs {now}");
}

#[tokio::test]
async fn a_broken_wordlist_stops_start_up_with_file_and_line() {
    let dir = crate::helpers::write_fixture();
    crate::helpers::write(dir.path(), "wordlists/en/insult.txt", "idiot = 2.0\nmoron = lots\n");
    let mut settings = tamiz::settings::Settings::load_with(&dir.path().join("config"), None, false).unwrap();
    settings.server.port = 0;
    settings.lexicon.watch = false;
    let err = tamiz::http::Application::build(settings).await.unwrap_err();
    let message = format!("{err:#}");
    assert!(message.contains("en/insult.txt:2"), "{message}");
    assert!(message.contains("cannot build the engine"), "{message}");
}
