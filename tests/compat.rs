//! The compatibility surfaces over real HTTP on 127.0.0.1:0: Perspective (`/v1alpha1`, the
//! discovery document, the feedback log), OpenAI (`/v1/moderations`) and Coral's External
//! Moderation Phase (`/coral/moderate`). Each test reads as a client's story; the unmodified
//! Python clients run the same stories in `tests/python/`.

use serde_json::{json, Value};
use std::path::PathBuf;
use tamiz::engine::{Comment, Decision};
use tamiz::http::coral::sign;
use tamiz::settings::Settings;

// The HTTP suite's `spawn_app`; not every helper is used here.
#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

const KEY: &str = "testkey";
/// Relative to the test app's directory, and not there until the first feedback arrives.
const FEEDBACK: &str = "data/not-yet/feedback.jsonl";

struct TestApp {
    app: helpers::TestApp,
    base: String,
    client: reqwest::Client,
    feedback: PathBuf,
}

/// The real service on a free port, with the repository's wordlists (real scores), one API
/// key, two Coral signing secrets (`new` and `old`, as during a rotation), and a feedback log
/// in the test's temporary directory.
async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let wordlists = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("wordlists");
    let app = helpers::spawn_app_with(|s| {
        s.lexicon.dir = wordlists;
        s.auth.api_keys = vec![KEY.to_string().into()];
        s.coral.signing_secrets = vec!["new".to_string().into(), "old".to_string().into()];
        s.feedback.path = FEEDBACK.into();
        adjust(s);
    })
    .await;
    TestApp {
        base: app.address.clone(),
        client: app.client.clone(),
        feedback: app.dir.path().join(FEEDBACK),
        app,
    }
}

impl TestApp {
    /// Posts JSON to `path` (query included) and returns the status and the JSON body
    /// (`Null` for an empty body).
    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(self.client.post(format!("{}{path}", self.base)).json(body))
            .await
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> (u16, Value) {
        let res = req.send().await.expect("request sent");
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
        };
        (status, body)
    }

    async fn analyze(&self, body: &Value) -> (u16, Value) {
        self.post(&format!("/v1alpha1/comments:analyze?key={KEY}&alt=json"), body)
            .await
    }

    async fn moderations(&self, key: &str, body: &Value) -> (u16, Value) {
        let req = self
            .client
            .post(format!("{}/v1/moderations", self.base))
            .bearer_auth(key)
            .json(body);
        self.send(req).await
    }

    async fn coral(&self, body: &Value, signature: Option<String>) -> (u16, Value) {
        let bytes = serde_json::to_vec(body).unwrap();
        let mut req = self
            .client
            .post(format!("{}/coral/moderate", self.base))
            .header("content-type", "application/json")
            .body(bytes);
        if let Some(sig) = signature {
            req = req.header("X-Coral-Signature", sig);
        }
        self.send(req).await
    }

    /// Comments scored so far, from the metrics registry.
    fn decisions_counted(&self) -> f64 {
        self.app
            .state
            .metrics
            .render()
            .lines()
            .filter(|l| l.starts_with("tamiz_decisions_total{"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }

    /// The first of `candidates` the running engine decides `want` for (so the tests follow
    /// wordlist changes instead of pinning one comment's score).
    fn comment_with(&self, want: Decision, candidates: &[&'static str]) -> &'static str {
        let engine = self.app.state.engine.current();
        candidates
            .iter()
            .copied()
            .find(|t| engine.score(&Comment::new(t)).decision == want)
            .unwrap_or_else(|| panic!("none of {candidates:?} is {want}"))
    }
}

fn utf16_slice(text: &str, begin: usize, end: usize) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[begin..end]).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Perspective

#[tokio::test]
async fn analyze_scores_requested_attributes_and_omits_those_under_threshold() {
    let app = spawn_app().await;
    let text = "you are an idiot";
    let (status, body) = app
        .analyze(&json!({
            "comment": {"text": text},
            "requestedAttributes": {
                "TOXICITY": {},
                "INSULT_EXPERIMENTAL": {"scoreThreshold": 0.5},
                "THREAT": {"scoreThreshold": 0.9},
                "SEXUALLY_EXPLICIT": {"scoreType": "PROBABILITY"},
            },
            "clientToken": "tok-1",
            "doNotStore": true,
        }))
        .await;
    assert_eq!(status, 200, "{body}");
    let scores = &body["attributeScores"];
    let toxicity = &scores["TOXICITY"]["summaryScore"];
    assert_eq!(toxicity["type"], "PROBABILITY");
    assert!(toxicity["value"].as_f64().unwrap() > 0.8, "{body}");
    assert!(scores["INSULT_EXPERIMENTAL"]["summaryScore"]["value"].as_f64().unwrap() >= 0.5);
    assert!(
        scores.get("THREAT").is_none(),
        "a score under its threshold is omitted: {body}"
    );
    assert!(scores["SEXUALLY_EXPLICIT"]["summaryScore"]["value"].as_f64().unwrap() < 0.5);
    // Without span annotations, one span covers the whole comment, as Perspective answers.
    assert_eq!(
        scores["TOXICITY"]["spanScores"],
        json!([{"begin": 0, "end": 16, "score": toxicity}])
    );
    assert_eq!(body["languages"], json!(["en"]));
    assert_eq!(body["detectedLanguages"], json!(["en"]));
    assert_eq!(body["clientToken"], "tok-1");
}

#[tokio::test]
async fn span_scores_are_utf16_offsets_into_the_original_text() {
    let app = spawn_app().await;
    // Two astral emoji (two UTF-16 units each) and accented letters before the insult.
    let text = "😀😀 ñandú, you are an idiot";
    let (status, body) = app
        .analyze(&json!({
            "comment": {"text": text},
            "requestedAttributes": {"INSULT": {}, "TOXICITY": {}},
            "spanAnnotations": true,
        }))
        .await;
    assert_eq!(status, 200, "{body}");
    let spans = body["attributeScores"]["INSULT"]["spanScores"].as_array().unwrap();
    assert!(!spans.is_empty(), "{body}");
    let covered: Vec<String> = spans
        .iter()
        .map(|s| {
            utf16_slice(
                text,
                s["begin"].as_u64().unwrap() as usize,
                s["end"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    assert!(covered.iter().any(|c| c.contains("idiot")), "{covered:?}");
    for s in spans {
        let v = s["score"]["value"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&v) && s["score"]["type"] == "PROBABILITY");
    }
    // The span ends exactly at the end of "idiot", counted in UTF-16 units.
    let idiot_end = text.encode_utf16().count();
    assert!(spans.iter().any(|s| s["end"] == idiot_end), "{body}");
}

#[tokio::test]
async fn coral_perspective_settings_work_as_documented() {
    // Coral's admin: endpoint http://HOST:PORT/v1alpha1, any key it holds, model TOXICITY. It
    // appends `/comments:analyze?key=KEY` and sends this body.
    let app = spawn_app().await;
    let url = format!("{}/v1alpha1/comments:analyze?key={KEY}", "");
    let (status, body) = app
        .post(
            &url,
            &json!({"comment": {"text": "you are an idiot"}, "doNotStore": true,
                    "requestedAttributes": {"TOXICITY": {}}, "languages": ["en"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["attributeScores"]["TOXICITY"]["summaryScore"]["value"]
            .as_f64()
            .unwrap()
            > 0.8
    );

    let (status, body) = app
        .post(
            &url,
            &json!({"comment": {"text": "Gracias por el artículo, muy interesante."},
                    "requestedAttributes": {"TOXICITY": {}}, "languages": ["es"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["attributeScores"]["TOXICITY"]["summaryScore"]["value"]
            .as_f64()
            .unwrap()
            < 0.5
    );
    assert_eq!(body["languages"], json!(["es"]));
}

/// (query, body, status, RPC status, `errorType`, message fragment)
type PerspectiveErrorCase = (
    &'static str,
    Value,
    u16,
    &'static str,
    Option<&'static str>,
    &'static str,
);

#[tokio::test]
async fn perspective_errors_have_perspectives_shape() {
    let app = spawn_app().await;
    let long = "a".repeat(app.app.state.settings.limits.max_text_chars + 1);
    let attrs = json!({"TOXICITY": {}});
    let rows: Vec<PerspectiveErrorCase> = vec![
        (
            "",
            json!({"comment": {"text": "hi"}, "requestedAttributes": attrs}),
            403,
            "PERMISSION_DENIED",
            None,
            "missing a valid API key",
        ),
        (
            "?key=wrong",
            json!({"comment": {"text": "hi"}, "requestedAttributes": attrs}),
            401,
            "UNAUTHENTICATED",
            None,
            "API key not valid",
        ),
        (
            "?key=testkey",
            json!({"comment": {"text": ""}, "requestedAttributes": attrs}),
            400,
            "INVALID_ARGUMENT",
            Some("COMMENT_EMPTY"),
            "Comment must be non-empty.",
        ),
        (
            "?key=testkey",
            json!({"comment": {"text": long}, "requestedAttributes": attrs}),
            400,
            "INVALID_ARGUMENT",
            Some("COMMENT_TOO_LONG"),
            "too long",
        ),
        (
            "?key=testkey",
            json!({"comment": {"text": "hi"}}),
            400,
            "INVALID_ARGUMENT",
            Some("NO_REQUESTED_ATTRIBUTES"),
            "at least one attribute",
        ),
        (
            "?key=testkey",
            json!({"comment": {"text": "hi"}, "requestedAttributes": {"FLIRTATION": {}}}),
            400,
            "INVALID_ARGUMENT",
            Some("INVALID_REQUEST"),
            "Unknown requested attribute: FLIRTATION",
        ),
        (
            "?key=testkey",
            json!({"comment": {"text": "hi"}, "requestedAttributes": attrs, "languages": ["fr"]}),
            400,
            "INVALID_ARGUMENT",
            Some("LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE"),
            "does not support request languages: fr",
        ),
        (
            "?key=testkey",
            json!({"comment": {"text": "hi"}, "requestedAttributes": attrs, "context": {"entries": [{"text": "a"}], "articleAndParentComment": {"parentComment": {"text": "b"}}}}),
            400,
            "INVALID_ARGUMENT",
            Some("INVALID_REQUEST"),
            "Only one of",
        ),
        (
            "?key=testkey",
            json!({"comment": "not an object", "requestedAttributes": attrs}),
            400,
            "INVALID_ARGUMENT",
            Some("INVALID_REQUEST"),
            "Invalid JSON payload",
        ),
    ];
    for (query, body, want_status, rpc, error_type, message) in rows {
        let (status, got) = app.post(&format!("/v1alpha1/comments:analyze{query}"), &body).await;
        let err = &got["error"];
        assert_eq!(status, want_status, "{query} {body}: {got}");
        assert_eq!(err["code"], want_status, "{got}");
        assert_eq!(err["status"], rpc, "{got}");
        assert!(err["message"].as_str().unwrap().contains(message), "{got}");
        if let Some(t) = error_type {
            assert_eq!(
                err["details"][0]["@type"],
                "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"
            );
            assert_eq!(err["details"][0]["errorType"], t, "{got}");
        }
    }
}

#[tokio::test]
async fn suggestscore_appends_durable_feedback_the_eval_tooling_reads() {
    let app = spawn_app().await;
    assert!(!app.feedback.exists());
    let url = format!("/v1alpha1/comments:suggestscore?key={KEY}");
    // What Coral sends when a moderator rejects (1) and approves (0) a comment.
    for (text, value, token) in [
        ("eres un idiota", 1, "comment:1"),
        ("Thanks, great read.", 0, "comment:2"),
    ] {
        let (status, body) = app
            .post(
                &url,
                &json!({"comment": {"text": text},
                        "attributeScores": {"TOXICITY": {"summaryScore": {"value": value}}},
                        "languages": ["es"], "communityId": "Coral:https://news.example", "clientToken": token}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["clientToken"], token);
        assert_eq!(body["requestedLanguages"], json!(["es"]));
        assert!(body["detectedLanguages"].as_array().is_some_and(|l| l.len() == 1));
    }
    // The lines are on disk when the client hears back (appended and fsynced before the answer).
    let text = std::fs::read_to_string(&app.feedback).expect("the log and its directories are created");
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["comment"]["text"], "eres un idiota");
    assert_eq!(lines[0]["communityId"], "Coral:https://news.example");
    assert!(lines[0]["receivedAt"].as_str().unwrap().ends_with('Z'));
    let rows = tamiz::quality::data::read_str(
        &text,
        tamiz::quality::data::Format::JsonLines,
        &tamiz::quality::data::ReadOptions::default(),
    )
    .unwrap();
    let toxic: Vec<Option<bool>> = rows
        .iter()
        .map(|r| r.label(tamiz::engine::Category::Toxicity))
        .collect();
    assert_eq!(toxic, vec![Some(true), Some(false)]);
    assert_eq!(rows[0].id, "comment:1");

    let (status, body) = app
        .post(&url, &json!({"comment": {"text": "x"}, "attributeScores": {}}))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(std::fs::read_to_string(&app.feedback).unwrap().lines().count(), 2);
}

#[tokio::test]
async fn discovery_document_points_at_this_service() {
    let app = spawn_app().await;
    let (status, doc) = app
        .send(
            app.client
                .get(format!("{}/$discovery/rest?version=v1alpha1&key={KEY}", app.base)),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(doc["rootUrl"], format!("{}/", app.base));
    assert_eq!(doc["servicePath"], "");
    assert_eq!(doc["batchPath"], "batch");
    let analyze = &doc["resources"]["comments"]["methods"]["analyze"];
    assert_eq!(analyze["path"], "v1alpha1/comments:analyze");
    assert_eq!(analyze["flatPath"], "v1alpha1/comments:analyze");
    assert_eq!(analyze["httpMethod"], "POST");
    assert_eq!(analyze["request"]["$ref"], "AnalyzeCommentRequest");
    assert_eq!(analyze["response"]["$ref"], "AnalyzeCommentResponse");
    for (_, r) in doc["schemas"].as_object().unwrap().iter() {
        assert!(r["id"].is_string());
    }
    let (status, _) = app
        .send(app.client.get(format!("{}/$discovery/rest?version=v9", app.base)))
        .await;
    assert_eq!(status, 404);

    let app = spawn_app_with(|s| s.server.external_url = "https://moderation.example.org".into()).await;
    let (_, doc) = app
        .send(app.client.get(format!("{}/$discovery/rest?version=v1alpha1", app.base)))
        .await;
    assert_eq!(doc["rootUrl"], "https://moderation.example.org/");
}

// ---------------------------------------------------------------------------------------------
// OpenAI

#[tokio::test]
async fn moderations_answer_in_openais_shape() {
    let app = spawn_app().await;
    let (status, body) = app
        .moderations(
            KEY,
            &json!({"input": ["I will kill you", "Have a lovely day"], "model": "omni-moderation-latest"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["id"].as_str().unwrap().starts_with("modr-"));
    assert_eq!(body["model"], "omni-moderation-latest");
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let names = [
        "harassment",
        "harassment/threatening",
        "hate",
        "hate/threatening",
        "illicit",
        "illicit/violent",
        "self-harm",
        "self-harm/instructions",
        "self-harm/intent",
        "sexual",
        "sexual/minors",
        "violence",
        "violence/graphic",
    ];
    for r in results {
        for map in ["categories", "category_scores", "category_applied_input_types"] {
            let keys: Vec<&str> = r[map].as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, names, "{map}");
        }
        assert_eq!(r["category_applied_input_types"]["violence"], json!(["text"]));
        assert_eq!(r["category_scores"]["self-harm"], 0.0);
    }
    assert_eq!(results[0]["flagged"], true);
    assert_eq!(results[0]["categories"]["harassment/threatening"], true);
    assert_eq!(results[0]["categories"]["violence"], true);
    assert!(results[0]["category_scores"]["violence"].as_f64().unwrap() > 0.7);
    assert_eq!(results[1]["flagged"], false);

    // A single string and the multimodal text form each give one result.
    let (_, body) = app.moderations(KEY, &json!({"input": "you are an idiot"})).await;
    assert_eq!(body["results"][0]["flagged"], true);
    assert_eq!(body["model"], "omni-moderation-latest");
    let (status, body) = app
        .moderations(
            KEY,
            &json!({"input": [{"type": "text", "text": "you are"}, {"type": "text", "text": "an idiot"}]}),
        )
        .await;
    assert_eq!((status, body["results"].as_array().unwrap().len()), (200, 1));
}

/// (key, body, status, `code`, `param`, message fragment)
type OpenAiErrorCase = (
    &'static str,
    Value,
    u16,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
);

#[tokio::test]
async fn moderation_errors_have_openais_shape() {
    let app = spawn_app().await;
    let rows: Vec<OpenAiErrorCase> = vec![
        (
            "wrong",
            json!({"input": "x"}),
            401,
            Some("invalid_api_key"),
            None,
            "Incorrect API key",
        ),
        (
            KEY,
            json!({"input": [{"type": "image_url", "image_url": {"url": "https://example.org/a.png"}}]}),
            400,
            None,
            Some("input[0]"),
            "Image inputs are not supported",
        ),
        (KEY, json!({"input": []}), 400, None, Some("input"), "empty"),
        (KEY, json!({"nope": 1}), 400, None, None, "parse the JSON body"),
    ];
    for (key, body, want, code, param, message) in rows {
        let (status, got) = app.moderations(key, &body).await;
        assert_eq!(status, want, "{body}: {got}");
        let err = &got["error"];
        assert_eq!(err["type"], "invalid_request_error", "{got}");
        assert_eq!(err["code"], json!(code), "{got}");
        assert_eq!(err["param"], json!(param), "{got}");
        assert!(err["message"].as_str().unwrap().contains(message), "{got}");
    }
    let (status, got) = app
        .send(
            app.client
                .post(format!("{}/v1/moderations", app.base))
                .json(&json!({"input": "x"})),
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(got["error"]["type"], "invalid_request_error");
}

// ---------------------------------------------------------------------------------------------
// Coral External Moderation Phase

fn coral_request(body: &str) -> Value {
    json!({
        "action": "NEW",
        "comment": {"body": body, "parentID": null},
        "author": {"id": "baf4e943", "role": "COMMENTER"},
        "story": {"id": "245b3856", "url": "https://news.example/a-story/"},
        "site": {"id": "a4bede88"},
        "tenantID": "19ba5794",
        "tenantDomain": "news.example",
    })
}

fn signed(secret: &str, body: &Value) -> String {
    sign(secret, &serde_json::to_vec(body).unwrap())
}

#[tokio::test]
async fn coral_phase_rejects_withholds_or_stays_silent() {
    let app = spawn_app().await;
    // HTML as Coral's editor produces it; the inline tag must not hide the insult.
    let reject = coral_request("<p>you are an <b>id</b>iot</p>");
    let (status, body) = app.coral(&reject, Some(signed("new", &reject))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "REJECTED");
    assert_eq!(
        body["actions"],
        json!([{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}])
    );
    assert!(
        body["moderationAction"]["rejectionReason"]["code"].is_string(),
        "{body}"
    );

    let review_text = app.comment_with(
        Decision::Review,
        &[
            "that is dumb",
            "this is crap",
            "shut up",
            "go to hell",
            "what a dumb take",
        ],
    );
    let review = coral_request(review_text);
    let (status, body) = app.coral(&review, Some(signed("new", &review))).await;
    assert_eq!((status, &body["status"]), (200, &json!("SYSTEM_WITHHELD")), "{body}");
    assert_eq!(body["actions"][0]["reason"], "COMMENT_DETECTED_TOXIC");

    let fine = coral_request("<p>Thank you for this thoughtful article.</p>");
    let (status, body) = app.coral(&fine, Some(signed("new", &fine))).await;
    assert_eq!((status, body), (204, Value::Null));
}

#[tokio::test]
async fn coral_signatures_valid_invalid_and_rotated() {
    let app = spawn_app().await;
    let body = coral_request("you are an idiot");
    let before = app.decisions_counted();
    // (signature header, expected status)
    let rows: Vec<(Option<String>, u16)> = vec![
        (None, 401),
        (Some("sha256=".into()), 401),
        (Some(signed("retired", &body)), 401),
        (Some(signed("new", &body).replace("sha256=", "sha1=")), 401),
        // A signature of a different body does not carry over.
        (Some(signed("new", &coral_request("hello"))), 401),
    ];
    for (sig, want) in rows {
        let (status, got) = app.coral(&body, sig.clone()).await;
        assert_eq!(status, want, "{sig:?}: {got}");
        assert_eq!(got["error"]["code"], "INVALID_SIGNATURE");
    }
    assert_eq!(app.decisions_counted(), before, "a bad signature is never scored");

    // During a rotation Coral signs with both secrets; either one configured here is enough.
    let rotated = format!("{},{}", signed("retired", &body), signed("old", &body));
    for sig in [signed("new", &body), signed("old", &body), rotated] {
        let (status, got) = app.coral(&body, Some(sig)).await;
        assert_eq!((status, &got["status"]), (200, &json!("REJECTED")), "{got}");
    }
    assert_eq!(app.decisions_counted(), before + 3.0);
}

#[tokio::test]
async fn coral_phase_is_off_without_secrets() {
    let app = spawn_app_with(|s| s.coral.signing_secrets.clear()).await;
    let body = coral_request("you are an idiot");
    let (status, got) = app.coral(&body, Some(signed("new", &body))).await;
    assert_eq!(status, 503, "{got}");
    assert_eq!(got["error"]["code"], "NOT_CONFIGURED");
}

#[tokio::test]
async fn wrong_methods_answer_405_in_each_surfaces_shape() {
    let app = spawn_app().await;
    let get = |path: &str| app.client.get(format!("{}{path}", app.base));
    let (status, body) = app.send(get(&format!("/v1alpha1/comments:analyze?key={KEY}"))).await;
    assert_eq!((status, &body["error"]["code"]), (405, &json!(405)), "{body}");
    let (status, body) = app.send(get("/v1/moderations")).await;
    assert_eq!(
        (status, &body["error"]["type"]),
        (405, &json!("invalid_request_error")),
        "{body}"
    );
    let (status, body) = app.send(get("/coral/moderate")).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (405, &json!("METHOD_NOT_ALLOWED")),
        "{body}"
    );
    let (status, body) = app.send(app.client.post(format!("{}/$discovery/rest", app.base))).await;
    assert_eq!(status, 405, "{body}");
}

/// With `limits.rate_limit_per_minute` set, a client over its rate gets a 429 in each surface's
/// own shape (Perspective's `RESOURCE_EXHAUSTED`), per key: another key is not held back, and
/// admin and ops endpoints are never limited.
#[tokio::test]
async fn rate_limit_answers_429_in_each_surfaces_shape() {
    let app = spawn_app_with(|s| {
        s.auth.api_keys = vec![KEY.to_string().into(), "otherkey".to_string().into()];
        // One request per key per minute: the second within the test is always over.
        s.limits.rate_limit_per_minute = 1;
        s.limits.rate_limit_burst = 1;
    })
    .await;
    let body = json!({"comment": {"text": "hello there"}, "requestedAttributes": {"TOXICITY": {}}});
    let (first, _) = app.analyze(&body).await;
    assert_eq!(first, 200);
    let res = app
        .client
        .post(format!("{}/v1alpha1/comments:analyze?key={KEY}", app.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 429);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["code"], 429);
    assert_eq!(err["error"]["status"], "RESOURCE_EXHAUSTED");
    assert!(err["error"]["message"].as_str().unwrap().contains("Quota exceeded"));

    // The same key is over its rate on the other surfaces too, each in its own shape.
    let (status, err) = app.moderations(KEY, &json!({"input": "hello"})).await;
    assert_eq!(status, 429);
    assert_eq!(err["error"]["code"], "rate_limit_exceeded");
    let native = app
        .client
        .post(format!("{}/v1/moderate", app.base))
        .bearer_auth(KEY)
        .json(&json!({"text": "hello"}))
        .send()
        .await
        .unwrap();
    assert_eq!(native.status().as_u16(), 429);
    assert!(native.headers().contains_key("retry-after"));
    let err: Value = native.json().await.unwrap();
    assert_eq!(err["error"]["code"], "rate_limited");

    // Another key has its own bucket; health checks are not scoring.
    let (status, _) = app.moderations("otherkey", &json!({"input": "hello"})).await;
    assert_eq!(status, 200);
    let health = app.client.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
}

/// Every scoring surface names the lexicon that answered in `X-Tamiz-Lexicon-Version`, the same
/// version `/v1/lexicon` reports (the compatibility wire shapes have no field for it).
#[tokio::test]
async fn every_scoring_surface_names_its_lexicon_version_in_a_header() {
    let app = spawn_app().await;
    let lexicon: Value = app
        .client
        .get(format!("{}/v1/lexicon", app.base))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let version = lexicon["version"].as_str().unwrap().to_string();
    let coral_body = coral_request("you are a moron");
    let requests = [
        app.client
            .post(format!("{}/v1alpha1/comments:analyze?key={KEY}", app.base))
            .json(&json!({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}})),
        app.client
            .post(format!("{}/v1/moderations", app.base))
            .bearer_auth(KEY)
            .json(&json!({"input": "hi"})),
        app.client
            .post(format!("{}/v1/moderate", app.base))
            .bearer_auth(KEY)
            .json(&json!({"text": "hi"})),
        app.client
            .post(format!("{}/v1/moderate/batch", app.base))
            .bearer_auth(KEY)
            .json(&json!({"items": [{"text": "hi"}]})),
        app.client
            .post(format!("{}/coral/moderate", app.base))
            .header("content-type", "application/json")
            .header("X-Coral-Signature", signed("new", &coral_body))
            .body(serde_json::to_vec(&coral_body).unwrap()),
    ];
    for req in requests {
        let res = req.send().await.unwrap();
        let url = res.url().path().to_string();
        assert!(res.status().is_success(), "{url}: {}", res.status());
        let got = res
            .headers()
            .get("x-tamiz-lexicon-version")
            .map(|v| v.to_str().unwrap().to_string());
        assert_eq!(got.as_deref(), Some(version.as_str()), "{url}");
    }
}
