//! What the engine benches share: the texts they score and the engine they score them with.

use std::path::PathBuf;
use tamiz::engine::Engine;
use tamiz::settings::Settings;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn texts(file: &str) -> Vec<String> {
    std::fs::read_to_string(repo().join("tests/data").join(file))
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// Cuts the running text of all comments and paragraphs into pieces of about `size` bytes, at
/// word boundaries, so every piece is real prose.
pub fn pieces(size: usize) -> Vec<String> {
    let mut all = texts("corpus_comments.jsonl");
    all.extend(texts("corpus_articles.jsonl"));
    let joined = all.join(" ");
    let mut out = Vec::new();
    let mut cur = String::new();
    for w in joined.split_whitespace() {
        cur.push_str(w);
        cur.push(' ');
        if cur.len() >= size {
            out.push(std::mem::take(&mut cur));
        }
    }
    out
}

pub fn engine() -> Engine {
    Settings::load_with(&repo().join("config"), None, false)
        .unwrap()
        .build_engine()
        .unwrap()
}
