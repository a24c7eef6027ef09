//! `tamiz lint` as an operator runs it: exit codes, `file:line: severity: message`, `--json`,
//! `--deny-warnings`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lint(dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tamiz"))
        .arg("lint")
        .arg("--dir")
        .arg(dir)
        .args(extra)
        .arg("--config")
        .arg(repo().join("config"))
        .env_remove("TAMIZ_ENV")
        .output()
        .unwrap()
}

fn wordlists(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

#[test]
fn errors_fail_with_file_and_line() {
    let dir = wordlists(&[
        ("en/insult.txt", "idiot = 2\nmoron = lots\nwanker = 2\n"),
        ("allow.txt", "wanker\n"),
    ]);
    let out = lint(dir.path(), &[]);
    assert!(!out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let d = dir.path().display();
    assert!(
        stdout.contains(&format!(
            "{d}/en/insult.txt:2: error: weight \"lots\" is not a number [parse]"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{d}/en/insult.txt:3: error: \"wanker\" can never fire")),
        "{stdout}"
    );
    assert!(stdout.contains("2 error(s), 0 warning(s)"), "{stdout}");
}

#[test]
fn warnings_alone_pass_unless_denied() {
    let dir = wordlists(&[("en/insult.txt", "idiot = 2\nidiot = 1\n")]);
    let out = lint(dir.path(), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("en/insult.txt:2: warning: "), "{stdout}");
    let out = lint(dir.path(), &["--deny-warnings"]);
    assert!(!out.status.success());
}

#[test]
fn json_report_lists_findings_and_victims() {
    let dir = wordlists(&[("en/profanity.txt", "cum* = 2\n")]);
    let out = lint(dir.path(), &["--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], 0);
    let f = &v["findings"][0];
    assert_eq!(f["check"], "innocent-words");
    assert_eq!(f["file"], "en/profanity.txt");
    assert_eq!(f["line"], 1);
    let victims: Vec<&str> = f["victims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["word"].as_str().unwrap())
        .collect();
    assert!(victims.contains(&"cumbersome"), "{victims:?}");
}
