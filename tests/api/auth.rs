//! API keys on and off, Bearer and `?key=`, admin keys, protected ops endpoints.

use crate::helpers::{assert_error, spawn_app, spawn_app_with, ALLOW};
use secrecy::SecretString;
use serde_json::json;
use tamiz::settings::Settings;

fn keys(list: &[&str]) -> Vec<SecretString> {
    list.iter().map(|k| SecretString::from(k.to_string())).collect()
}

fn with_keys(s: &mut Settings) {
    s.auth.api_keys = keys(&["key-one", "key-two"]);
    s.auth.admin_keys = keys(&["admin-key"]);
}

#[tokio::test]
async fn with_no_keys_configured_the_api_is_open() {
    let app = spawn_app().await;
    assert_eq!(app.post_moderate(json!({ "text": ALLOW })).await.status(), 200);
    assert_eq!(app.get("/v1/lexicon").await.status(), 200);
}

#[tokio::test]
async fn with_keys_configured_a_key_is_required() {
    let app = spawn_app_with(with_keys).await;
    let body = json!({ "text": ALLOW });
    let res = app.post_moderate(body.clone()).await;
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    assert_error(res, 401, "missing_key").await;
    assert_error(app.get("/v1/lexicon").await, 401, "missing_key").await;

    let post = |auth: Option<&str>, query: &str| {
        let mut req = app.client.post(app.url(&format!("/v1/moderate{query}"))).json(&body);
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        req.send()
    };
    // (Authorization header, query string, status)
    let rows: &[(Option<&str>, &str, u16)] = &[
        (Some("Bearer key-one"), "", 200),
        (Some("bearer key-two"), "", 200),
        (None, "?key=key-two", 200),
        (Some("Bearer key-on"), "", 401),
        (Some("Bearer key-one2"), "", 401),
        (Some("Bearer admin-key"), "", 401),
        (Some("Basic a2V5LW9uZQ=="), "", 401),
        (None, "?key=wrong", 401),
        (None, "?key=", 401),
    ];
    for (auth, query, status) in rows {
        let res = post(*auth, query).await.unwrap();
        assert_eq!(res.status(), *status, "{auth:?} {query}");
    }
    // Unknown routes are 404 whatever the key.
    assert_error(app.get("/v1/nothing").await, 404, "not_found").await;
}

#[tokio::test]
async fn admin_endpoints_take_admin_keys_only() {
    let app = spawn_app_with(with_keys).await;
    assert_error(app.post_reload().await, 401, "missing_key").await;
    let reload = |key: &str| app.client.post(app.url("/admin/reload")).bearer_auth(key).send();
    assert_error(reload("key-one").await.unwrap(), 401, "invalid_key").await;
    assert_eq!(reload("admin-key").await.unwrap().status(), 200);
    let res = app
        .client
        .post(app.url("/admin/reload?key=admin-key"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn admin_endpoints_without_admin_keys_are_open_or_disabled_by_config() {
    let open = spawn_app_with(|s| s.auth.admin_open = true).await;
    assert_eq!(open.post_reload().await.status(), 200);
    let closed = spawn_app_with(|s| s.auth.admin_open = false).await;
    assert_error(closed.post_reload().await, 403, "admin_disabled").await;
}

#[tokio::test]
async fn ops_endpoints_are_open_unless_protected() {
    let open = spawn_app_with(with_keys).await;
    for path in ["/healthz", "/readyz", "/metrics"] {
        assert_eq!(open.get(path).await.status(), 200, "{path}");
    }
    let guarded = spawn_app_with(|s| {
        with_keys(s);
        s.auth.protect_ops_endpoints = true;
    })
    .await;
    for path in ["/healthz", "/readyz", "/metrics"] {
        assert_error(guarded.get(path).await, 401, "missing_key").await;
        let res = guarded
            .client
            .get(guarded.url(path))
            .bearer_auth("key-one")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let res = guarded
            .client
            .get(guarded.url(&format!("{path}?key=admin-key")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
    }
}
