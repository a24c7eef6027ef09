//! `GET /openapi.json`: the document describes every surface (schemathesis holds the service
//! to it: tests/schemathesis/run.sh).

use crate::helpers::spawn_app;
use serde_json::Value;

#[tokio::test]
async fn openapi_document_lists_every_operation() {
    let app = spawn_app().await;
    let res = app.get("/openapi.json").await;
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{}", doc["openapi"]);
    let rows: &[(&str, &str, &[&str])] = &[
        (
            "/v1/moderate",
            "post",
            &["200", "400", "401", "405", "413", "415", "500", "503"],
        ),
        ("/v1/moderate/batch", "post", &["200", "400", "413", "415", "503"]),
        ("/v1/lexicon", "get", &["200", "401"]),
        (
            "/v1alpha1/comments:analyze",
            "post",
            &["200", "400", "401", "403", "413", "415"],
        ),
        ("/v1alpha1/comments:suggestscore", "post", &["200", "400"]),
        ("/$discovery/rest", "get", &["200", "404"]),
        ("/v1/moderations", "post", &["200", "400", "401", "413", "415"]),
        ("/coral/moderate", "post", &["200", "204", "401", "503"]),
        ("/admin/reload", "post", &["200", "401", "403", "422"]),
        ("/healthz", "get", &["200"]),
        ("/readyz", "get", &["200", "503"]),
        ("/metrics", "get", &["200"]),
        ("/openapi.json", "get", &["200"]),
    ];
    for (path, method, statuses) in rows {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        for s in *statuses {
            assert!(op["responses"][s].is_object(), "{method} {path}: {s} not documented");
        }
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "Verdict",
        "Evidence",
        "Scores",
        "ApiErrorBody",
        "PerspectiveErrorBody",
        "OpenAiErrorBody",
    ] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
}

#[tokio::test]
async fn openapi_document_takes_get_only() {
    let app = spawn_app().await;
    let res = app.post_raw("/openapi.json", None, "").await;
    assert_eq!(res.status(), 405);
}
