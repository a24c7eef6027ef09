//! The README's example answers against the engine: their scores are what a newcomer compares
//! first, and they drifted unnoticed when a refit or a reading moved them.

use serde_json::Value;
use std::path::PathBuf;
use tamiz::engine::{Category, Comment, Engine, Language, Scores};
use tamiz::settings::Settings;

fn engine() -> Engine {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config");
    let settings = Settings::load_with(&dir, None, false).expect("config/default.toml loads");
    settings.build_engine().expect("repository wordlists build")
}

fn readme() -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The JSON body of the first `-d '…'` after `marker`, and the ```json block after that.
fn example(readme: &str, marker: &str) -> (Value, Value) {
    let at = readme
        .find(marker)
        .unwrap_or_else(|| panic!("README lost the example {marker:?}"));
    let rest = &readme[at..];
    let body_start = rest.find("-d '").expect("a request body") + 4;
    let body_end = body_start + rest[body_start..].find('\'').unwrap();
    let request = serde_json::from_str(&rest[body_start..body_end]).expect("the request is JSON");
    let block = rest.find("```json\n").expect("an answer block") + 8;
    let block_end = block + rest[block..].find("```").unwrap();
    let answer = serde_json::from_str(&rest[block..block_end]).expect("the answer is JSON");
    (request, answer)
}

/// Every score the README shows equals what the service would write (six decimals).
fn assert_shown_scores(shown: &Value, scores: &Scores, what: &str) {
    let shown = shown.as_object().expect("scores object");
    let mut compared = 0;
    for c in Category::ALL {
        if let Some(v) = shown.get(c.as_str()) {
            let want = (scores.get(c) as f64 * 1e6).round() / 1e6;
            assert_eq!(
                v.as_f64(),
                Some(want),
                "{what}: README shows {} {v}, the engine gives {want}",
                c.as_str()
            );
            compared += 1;
        }
    }
    assert!(compared > 0, "{what}: no score compared");
}

#[test]
fn the_moderate_example_shows_the_engines_scores_and_decision() {
    let (request, answer) = example(&readme(), "### `POST /v1/moderate`");
    let v = engine().score(&Comment::new(request["text"].as_str().unwrap()));
    assert_eq!(answer["decision"], v.decision.as_str());
    assert_shown_scores(&answer["scores"], &v.scores, "POST /v1/moderate");
}

#[test]
fn the_batch_example_shows_the_engines_scores_and_decisions() {
    let (request, answer) = example(&readme(), "### `POST /v1/moderate/batch`");
    let engine = engine();
    let items = request["items"].as_array().unwrap();
    let results = answer["results"].as_array().unwrap();
    assert_eq!(items.len(), results.len());
    let mut scored = 0;
    for (item, result) in items.iter().zip(results) {
        let Some(text) = item["text"].as_str() else {
            assert!(result["error"].is_object(), "{item}: a non-string text is an error");
            continue;
        };
        let language = item["language"].as_str().map(|l| l.parse::<Language>().unwrap());
        let v = engine.score(&Comment {
            text,
            language,
            parent: None,
        });
        assert_eq!(result["decision"], v.decision.as_str(), "{text}");
        assert_shown_scores(&result["scores"], &v.scores, text);
        scored += 1;
    }
    assert_eq!(scored, 2);
}

#[test]
fn the_perspective_example_shows_the_engines_scores() {
    let readme = readme();
    let at = readme.find("v1alpha1/comments:analyze?key=KEY").unwrap();
    let rest = &readme[at..];
    let body_start = rest.find("-d '").unwrap() + 4;
    let body_end = body_start + rest[body_start..].find('\'').unwrap();
    let request: Value = serde_json::from_str(&rest[body_start..body_end]).unwrap();
    let v = engine().score(&Comment::new(request["comment"]["text"].as_str().unwrap()));
    // The answer is shown abridged on `#` lines: read each attribute's summary value.
    for (attribute, category) in [("INSULT", Category::Insult), ("TOXICITY", Category::Toxicity)] {
        let key = format!("\"{attribute}\":{{\"summaryScore\":{{\"value\":");
        let start = rest.find(&key).unwrap_or_else(|| panic!("no {attribute} summary")) + key.len();
        let end = start + rest[start..].find(',').unwrap();
        let shown: f64 = rest[start..end].parse().unwrap();
        let want = (v.scores.get(category) as f64 * 1e6).round() / 1e6;
        assert_eq!(shown, want, "{attribute}");
    }
}
