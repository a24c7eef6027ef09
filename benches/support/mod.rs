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

/// The first `n` comments of the uniform random sample of the Jigsaw 2018 training file
/// (`in_random5k`): real comments at their real lengths (mean ~400 characters, a few of several
/// KB, some spam repeating one word), which cut prose does not have.
pub fn jigsaw(n: usize) -> Vec<String> {
    let mut rdr = csv::Reader::from_path(repo().join("data/train/en_jigsaw2018_train_subsets.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (text, random) = (col("text"), col("in_random5k"));
    rdr.records()
        .map(Result::unwrap)
        .filter(|r| &r[random] == "1")
        .map(|r| r[text].to_string())
        .take(n)
        .collect()
}

pub fn engine() -> Engine {
    Settings::load_with(&repo().join("config"), None, false)
        .unwrap()
        .build_engine()
        .unwrap()
}
