use crate::helpers::{spawn_app, ALLOW, REJECT, REVIEW};
use serde_json::json;

#[tokio::test]
async fn a_comment_gets_the_engines_verdict_with_its_id_and_time() {
    let app = spawn_app().await;
    let version = app.lexicon_version().await;
    for (text, decision) in [(ALLOW, "allow"), (REVIEW, "review"), (REJECT, "reject")] {
        let res = app.post_moderate(json!({"text": text, "id": "c-17"})).await;
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["decision"], decision, "{text}: {body}");
        assert_eq!(body["id"], "c-17");
        assert_eq!(body["language"], "en");
        assert_eq!(body["lexicon_version"], version.as_str());
        assert!(body["took_us"].is_u64(), "{body}");
        assert!(body["scores"]["insult"].is_number());
        assert!(body["reasons"].is_array());
    }
}

#[tokio::test]
async fn evidence_carries_rule_and_span() {
    let app = spawn_app().await;
    let body = app.moderate(REVIEW).await;
    let lexicon = body["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["rule"] == "lexicon:en/insult")
        .unwrap_or_else(|| panic!("no lexicon match: {body}"));
    assert_eq!(lexicon["matched"], "idiot");
    assert_eq!(lexicon["start"], 11);
    assert_eq!(lexicon["end"], 16);
}

#[tokio::test]
async fn numeric_ids_are_echoed_and_absent_ids_omitted() {
    let app = spawn_app().await;
    let body: serde_json::Value = app
        .post_moderate(json!({"text": ALLOW, "id": 42}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["id"], 42);
    let body = app.moderate(ALLOW).await;
    assert!(body.get("id").is_none(), "{body}");
}

#[tokio::test]
async fn language_tags_with_regions_are_accepted() {
    let app = spawn_app().await;
    for (tag, language) in [("es", "es"), ("es-MX", "es"), ("en-GB", "en")] {
        let res = app.post_moderate(json!({"text": "hola amigos", "language": tag})).await;
        assert_eq!(res.status(), 200, "{tag}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["language"], language, "{tag}");
    }
}

#[tokio::test]
async fn context_is_accepted_and_never_rejects_a_clean_reply_on_its_own() {
    let app = spawn_app().await;
    let res = app
        .post_moderate(json!({
            "text": "I disagree with you",
            "context": {"parent": "you are an idiot moron", "article": "Budget news"}
        }))
        .await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_ne!(body["decision"], "reject", "{body}");
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/v1/moderate"))
        .header("X-Request-Id", "cms-abc-123")
        .json(&json!({"text": ALLOW}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "cms-abc-123");
    let res = app.post_moderate(json!({"text": ALLOW})).await;
    let generated = res.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(generated.len(), 36, "a uuid: {generated}");
    // Errors carry one too.
    let res = app.get("/nope").await;
    assert!(res.headers().contains_key("x-request-id"));
}

#[tokio::test]
async fn a_summary_answer_keeps_decision_scores_and_reasons_but_not_matches() {
    let app = spawn_app().await;
    for text in [ALLOW, REVIEW, REJECT] {
        let full = app.moderate(text).await;
        let res = app.post_moderate(json!({"text": text, "detail": "summary"})).await;
        assert_eq!(res.status(), 200);
        let summary: serde_json::Value = res.json().await.unwrap();
        assert!(summary.get("matches").is_none(), "{summary}");
        for key in ["decision", "scores", "reasons", "language", "lexicon_version"] {
            assert_eq!(summary[key], full[key], "{text}: {key}");
        }
    }
    // Asking for the default explicitly is the default.
    let default = app.moderate(REVIEW).await;
    let res = app.post_moderate(json!({"text": REVIEW, "detail": "evidence"})).await;
    let mut body: serde_json::Value = res.json().await.unwrap();
    body["took_us"] = default["took_us"].clone();
    assert_eq!(body, default);
}

#[tokio::test]
async fn the_default_answer_lists_what_raised_a_score_and_full_lists_every_match() {
    let app = spawn_app().await;
    // A learned list weighing common words a little either way, and `moron` a lot.
    let learned = "@bias\ttoxicity\t0.0\nyou\ttoxicity\t0.1\nnice\ttoxicity\t-0.4\narticle\ttoxicity\t-0.2\n\
                   moron\ttoxicity\t0.8\nmoron\tinsult\t0.3\n";
    crate::helpers::write(app.dir.path(), "wordlists/learned/en.tsv", learned);
    assert_eq!(app.post_reload().await.status(), 200);
    for t in [ALLOW, REJECT] {
        let evidence = app.moderate(t).await;
        let res = app.post_moderate(json!({"text": t, "detail": "full"})).await;
        let full: serde_json::Value = res.json().await.unwrap();
        for key in ["decision", "scores", "reasons"] {
            assert_eq!(evidence[key], full[key], "{t}: {key}");
        }
        let learned = |m: &&serde_json::Value| m["rule"].as_str().unwrap().starts_with("learned:");
        let weight = |m: &serde_json::Value| m["weight"].as_f64().unwrap();
        let all = full["matches"].as_array().unwrap();
        let listed = evidence["matches"].as_array().unwrap();
        let expected: Vec<&serde_json::Value> = all.iter().filter(|m| !learned(m) || weight(m) >= 0.25).collect();
        assert_eq!(listed.iter().collect::<Vec<_>>(), expected, "{t}");
        assert!(listed.len() < all.len(), "{t}");
        if t == ALLOW {
            assert!(
                all.iter().any(|m| learned(&m) && weight(m) < 0.0),
                "{t}: full lists what lowered a score"
            );
        }
    }
    let rejected = app.moderate(REJECT).await;
    assert!(
        rejected["matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| !m["rule"].as_str().unwrap().starts_with("learned:")),
        "{rejected}"
    );
}

#[tokio::test]
async fn an_unknown_detail_is_a_400_naming_the_field() {
    let app = spawn_app().await;
    let res = app.post_moderate(json!({"text": REVIEW, "detail": "verbose"})).await;
    let message = crate::helpers::assert_error(res, 400, "invalid_field").await;
    assert!(message.starts_with("detail: unknown variant `verbose`"), "{message}");
}
