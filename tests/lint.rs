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

/// `check-config` fails on lint errors and prints warnings; a reload refuses lint errors and keeps
/// the old engine serving.
#[test]
fn check_config_and_reload_use_the_same_checks() {
    use std::sync::Arc;
    use tamiz::metrics::{Metrics, ReloadTrigger};
    use tamiz::reload::{LiveEngine, ReloadError, Reloader};
    use tamiz::settings::Settings;

    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("config")).unwrap();
    std::fs::copy(
        repo().join("config/default.toml"),
        root.path().join("config/default.toml"),
    )
    .unwrap();
    let write = |text: &str| {
        std::fs::create_dir_all(root.path().join("wordlists/en")).unwrap();
        std::fs::write(root.path().join("wordlists/en/insult.txt"), text).unwrap();
        std::fs::write(root.path().join("wordlists/allow.txt"), "wanker\n").unwrap();
    };
    let check_config = || {
        Command::new(env!("CARGO_BIN_EXE_tamiz"))
            .args(["check-config", "--config"])
            .arg(root.path().join("config"))
            .env_remove("TAMIZ_ENV")
            .output()
            .unwrap()
    };

    write("idiot = 2\nidiot = 1\n");
    let out = check_config();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("en/insult.txt:2: warning: "));

    let settings = Settings::load_with(&root.path().join("config"), None, false).unwrap();
    let engine = settings.build_engine().unwrap();
    let version = engine.version().clone();
    let live = Arc::new(LiveEngine::new(engine));
    let reloader = Reloader::new(settings, live.clone(), Arc::new(Metrics::new().unwrap()));

    write("idiot = 2\nwanker = 2\n");
    let out = check_config();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("en/insult.txt:2: error: \"wanker\" can never fire"));

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    match runtime.block_on(reloader.reload(ReloadTrigger::Admin)) {
        Err(ReloadError::Lint(message)) => assert!(message.contains("en/insult.txt:2: error: "), "{message}"),
        other => panic!("expected a lint error, got {other:?}"),
    }
    assert_eq!(live.current().version(), &version);
}

/// A neutral group word listed as evidence is flagged, whatever its form; a phrase that names
/// the attack is not.
#[test]
fn a_group_word_alone_is_flagged() {
    let dir = wordlists(&[(
        "en/identity_attack.txt",
        "gay = 2\nthe jews = 2\nmusl* = 1\ndirty jews = 3\n",
    )]);
    let out = lint(dir.path(), &["--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines: Vec<u64> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "group-word")
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 2, 3], "{v}");
}
