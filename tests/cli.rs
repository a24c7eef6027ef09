//! The `tamiz` binary: `score`, `score --jsonl` (streaming, per-line errors, invalid UTF-8),
//! `explain` and `check-config`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tamiz(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tamiz"))
        .args(args)
        .arg("--config")
        .arg(repo().join("config"))
        .env_remove("TAMIZ_ENV")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Feed stdin from a thread: the binary streams, so its stdout must be read while we write.
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || input.write_all(&data));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn score_prints_one_json_per_text() {
    let out = tamiz(&["score", "you are a moron", "good post"], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = lines(&out);
    assert_eq!(v.len(), 2);
    assert_ne!(v[0]["decision"], "allow");
    assert_eq!(v[1]["decision"], "allow");
    assert!(v[0]["lexicon_version"].as_str().unwrap().len() == 12);
}

#[test]
fn score_detail_chooses_which_matches_are_listed() {
    let text = "Thanks for the review of the article, you complete idiot";
    let run = |detail: &str| {
        let out = tamiz(&["score", "--detail", detail, text], b"");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        lines(&out).remove(0)
    };
    let (evidence, full, summary) = (run("evidence"), run("full"), run("summary"));
    let default = lines(&tamiz(&["score", text], b"")).remove(0);
    assert_eq!(default, evidence);
    for key in ["decision", "scores", "reasons", "language"] {
        assert_eq!(evidence[key], full[key], "{key}");
        assert_eq!(summary[key], full[key], "{key}");
    }
    assert!(summary.get("matches").is_none(), "{summary}");
    let listed = evidence["matches"].as_array().unwrap();
    let all = full["matches"].as_array().unwrap();
    let learned = |m: &serde_json::Value| m["rule"].as_str().unwrap().starts_with("learned:");
    let kept: Vec<_> = all
        .iter()
        .filter(|m| !learned(m) || m["weight"].as_f64().unwrap() >= 0.25)
        .collect();
    assert_eq!(listed.iter().collect::<Vec<_>>(), kept);
    assert!(
        all.iter().any(|m| learned(m) && m["weight"].as_f64().unwrap() < 0.0),
        "{full}"
    );
    assert!(listed.iter().any(|m| !learned(m)), "{evidence}");
    let bad = tamiz(&["score", "--detail", "verbose", text], b"");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("possible values: evidence, full, summary"));
}

#[test]
fn jsonl_keeps_lines_aligned_with_errors_in_place() {
    let mut input = Vec::new();
    input.extend_from_slice(b"{\"id\": 1, \"text\": \"you idiot\"}\n");
    input.extend_from_slice(b"this is not json\n");
    input.extend_from_slice(b"{\"id\": 3}\n");
    input.extend_from_slice(b"{\"id\": 4, \"text\": \"bad \xff utf8\"}\n");
    input.extend_from_slice(b"{\"id\": \"five\", \"text\": \"te voy a matar\", \"language\": \"es-MX\"}\n");
    input.extend_from_slice(b"{\"id\": 6, \"text\": \"hola\", \"language\": \"klingon\"}");
    let out = tamiz(&["score", "--jsonl"], &input);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = lines(&out);
    assert_eq!(v.len(), 6);
    assert_eq!(v[0]["id"], 1);
    assert_ne!(v[0]["decision"], "allow");
    assert!(v[1]["error"].as_str().unwrap().starts_with("line 2:"));
    assert!(v[2]["error"].as_str().unwrap().contains("text"), "{}", v[2]);
    assert!(v[3]["error"].as_str().unwrap().contains("line 4: invalid UTF-8"));
    assert_eq!(v[4]["id"], "five");
    assert_eq!(v[4]["decision"], "reject");
    assert_eq!(v[4]["language"], "es");
    assert!(v[5]["error"].as_str().unwrap().contains("language"));
}

#[test]
fn jsonl_streams_many_lines_in_order() {
    let mut input = String::new();
    for i in 0..5000 {
        input.push_str(&format!(
            "{{\"id\": {i}, \"text\": \"comment number {i}, you idiot\"}}\n"
        ));
    }
    let out = tamiz(&["score", "--jsonl"], input.as_bytes());
    let v = lines(&out);
    assert_eq!(v.len(), 5000);
    assert!(v.iter().enumerate().all(|(i, r)| r["id"] == i));
}

#[test]
fn explain_underlines_the_span() {
    let out = tamiz(&["explain", "well, you 1D10T"], b"");
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("normalized: well, you idiot"), "{s}");
    assert!(s.contains("          ^^^^^"), "{s}");
    assert!(s.contains("insult"), "{s}");
}

fn copy_config(to: &Path) {
    std::fs::create_dir_all(to.join("config")).unwrap();
    std::fs::copy(repo().join("config/default.toml"), to.join("config/default.toml")).unwrap();
}

#[test]
fn check_config_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    copy_config(dir.path());
    std::fs::create_dir_all(dir.path().join("wordlists/en")).unwrap();
    std::fs::write(dir.path().join("wordlists/en/insult.txt"), "idiot = 2\nmoron = lots\n").unwrap();
    std::fs::write(dir.path().join("wordlists/en/threats.txt"), "x\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tamiz"))
        .args(["check-config", "--config"])
        .arg(dir.path().join("config"))
        .env_remove("TAMIZ_ENV")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("en/insult.txt:2: weight \"lots\" is not a number"),
        "{err}"
    );
    assert!(err.contains("en/threats.txt: unknown category"), "{err}");

    std::fs::write(dir.path().join("wordlists/en/insult.txt"), "idiot = 2\n").unwrap();
    std::fs::remove_file(dir.path().join("wordlists/en/threats.txt")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tamiz"))
        .args(["check-config", "--config"])
        .arg(dir.path().join("config"))
        .env_remove("TAMIZ_ENV")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn repository_config_is_valid() {
    let out = Command::new(env!("CARGO_BIN_EXE_tamiz"))
        .args(["check-config", "--config"])
        .arg(repo().join("config"))
        .env_remove("TAMIZ_ENV")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
