use crate::helpers::{assert_error, spawn_app, spawn_app_with, ALLOW, REJECT, REVIEW};
use serde_json::json;

#[tokio::test]
async fn a_batch_is_scored_in_order_and_one_bad_item_gets_its_own_error() {
    let app = spawn_app().await;
    let res = app
        .post_batch(json!({"items": [
            {"text": REJECT, "id": "a"},
            {"text": 5, "id": "b"},
            {"text": ALLOW, "id": "c", "language": "klingon"},
            {"text": REVIEW, "id": 4},
            "not an object",
            {"text": ALLOW},
        ]}))
        .await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    assert_eq!(results[0]["decision"], "reject");
    assert_eq!(results[0]["id"], "a");
    assert_eq!(results[1]["error"]["code"], "invalid_field");
    assert_eq!(results[1]["id"], "b");
    let message = results[1]["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("items[1].text: invalid type"), "{message}");
    assert_eq!(results[2]["error"]["code"], "invalid_field");
    let message = results[2]["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("items[2].language: unsupported language"),
        "{message}"
    );
    assert_eq!(results[3]["decision"], "review");
    assert_eq!(results[3]["id"], 4);
    assert_eq!(results[4]["error"]["code"], "invalid_field");
    assert_eq!(results[4]["error"]["message"], "items[4]: expected a JSON object");
    assert_eq!(results[5]["decision"], "allow");
    assert!(results[5].get("id").is_none());
}

#[tokio::test]
async fn an_item_over_the_text_limit_is_an_error_in_its_slot() {
    let app = spawn_app_with(|s| s.limits.max_text_chars = 50).await;
    let long = "a".repeat(51);
    let res = app
        .post_batch(json!({"items": [{"text": long}, {"text": ALLOW}]}))
        .await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["results"][0]["error"]["code"], "text_too_long");
    assert!(body["results"][0]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("items[0].text"));
    assert_eq!(body["results"][1]["decision"], "allow");
}

#[tokio::test]
async fn an_empty_batch_has_no_results() {
    let app = spawn_app().await;
    let body: serde_json::Value = app.post_batch(json!({"items": []})).await.json().await.unwrap();
    assert_eq!(body, json!({"results": []}));
}

#[tokio::test]
async fn a_batch_over_the_item_limit_is_413() {
    let app = spawn_app_with(|s| s.limits.max_batch_items = 3).await;
    let items: Vec<_> = (0..4).map(|_| json!({"text": ALLOW})).collect();
    let message = assert_error(app.post_batch(json!({ "items": items })).await, 413, "too_many_items").await;
    assert!(message.contains("4 items"), "{message}");
    let items: Vec<_> = (0..3).map(|_| json!({"text": ALLOW})).collect();
    assert_eq!(app.post_batch(json!({ "items": items })).await.status(), 200);
}

#[tokio::test]
async fn a_large_batch_is_scored() {
    let app = spawn_app().await;
    let items: Vec<_> = (0..1000)
        .map(|i| json!({"text": ([ALLOW, REVIEW, REJECT][i % 3]), "id": i}))
        .collect();
    let res = app.post_batch(json!({ "items": items })).await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 1000);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["id"], i);
        assert_eq!(r["decision"], ["allow", "review", "reject"][i % 3]);
    }
}

#[tokio::test]
async fn each_batch_item_chooses_its_own_detail() {
    let app = spawn_app().await;
    let res = app
        .post_batch(json!({"items": [
            {"text": REJECT, "detail": "summary"},
            {"text": REJECT},
            {"text": REVIEW, "detail": "nope"},
        ]}))
        .await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    let results = body["results"].as_array().unwrap();
    assert!(results[0].get("matches").is_none(), "{body}");
    assert!(!results[1]["matches"].as_array().unwrap().is_empty(), "{body}");
    assert_eq!(results[0]["scores"], results[1]["scores"]);
    assert_eq!(results[0]["reasons"], results[1]["reasons"]);
    assert_eq!(results[2]["error"]["code"], "invalid_field");
}
