//! The serving engine and the three ways to replace it: `SIGHUP`, `POST /admin/reload` and a
//! debounced file watcher on the wordlist and config directories.
//!
//! Build, validate, then swap (vector's habit): a reload reads the config directory again, takes
//! its `[engine]` and `[thresholds]` sections, builds a complete new [`Engine`] on a blocking
//! thread, and only then stores it in the [`LiveEngine`]'s `ArcSwap`. A request loads the engine
//! once when it starts, so requests in flight finish on the engine they started with. Any error
//! (a wordlist line, a bad threshold) leaves the old engine serving; the error names its file and
//! line, is logged and counted once ([`Metrics::reload_failed`]) and returned to the caller.
//!
//! The other sections (`server`, `limits`, `auth`, `log`, `lexicon`) are bound at start-up:
//! a reload that sees them changed logs that a restart is needed and keeps the running values.
//!
//! ```no_run
//! # async fn demo(reloader: std::sync::Arc<tamiz::reload::Reloader>) {
//! use tamiz::metrics::ReloadTrigger;
//! match reloader.reload(ReloadTrigger::Admin).await {
//!     Ok(r) => println!("now serving {} (was {})", r.engine.version(), r.previous_version),
//!     Err(e) => eprintln!("kept the old lexicon: {e}"),
//! }
//! # }
//! ```

use crate::engine::{BuildError, Engine};
use crate::metrics::{Metrics, ReloadTrigger};
use crate::settings::{Settings, SettingsError};
use arc_swap::ArcSwap;
use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, Debouncer};
use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The engine answering requests right now.
#[derive(Debug)]
pub struct LiveEngine {
    engine: ArcSwap<Engine>,
}

impl LiveEngine {
    pub fn new(engine: Engine) -> LiveEngine {
        LiveEngine {
            engine: ArcSwap::from_pointee(engine),
        }
    }

    /// The current engine. Hold the `Arc` for the whole request: a concurrent reload does not
    /// change what this request sees.
    pub fn current(&self) -> Arc<Engine> {
        self.engine.load_full()
    }

    fn replace(&self, engine: Arc<Engine>) -> Arc<Engine> {
        self.engine.swap(engine)
    }
}

/// Why a reload kept the old engine.
#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    /// The config directory no longer parses or validates.
    #[error("config: {0}")]
    Settings(#[from] SettingsError),
    /// The wordlists or engine settings are broken (each problem with file and line).
    #[error("{0}")]
    Engine(#[from] BuildError),
    /// The wordlists parse but `tamiz lint` finds errors (an entry that can never fire), each
    /// with its file and line.
    #[error("lint: {0}")]
    Lint(String),
    /// The build thread panicked or was cancelled.
    #[error("reload task failed: {0}")]
    Task(String),
}

/// A successful reload: the engine now serving and the version it replaced.
#[derive(Debug, Clone)]
pub struct Reloaded {
    pub engine: Arc<Engine>,
    pub previous_version: Arc<str>,
}

/// Rebuilds the engine from disk and swaps it in; one reload at a time.
#[derive(Debug)]
pub struct Reloader {
    live: Arc<LiveEngine>,
    /// The settings the service started with; only `engine` and `thresholds` are re-read.
    base: Settings,
    metrics: Arc<Metrics>,
    /// Serializes reloads so a slow one cannot swap in an older build after a newer one.
    lock: tokio::sync::Mutex<()>,
}

impl Reloader {
    pub fn new(base: Settings, live: Arc<LiveEngine>, metrics: Arc<Metrics>) -> Reloader {
        Reloader {
            live,
            base,
            metrics,
            lock: tokio::sync::Mutex::new(()),
        }
    }

    pub fn live(&self) -> &Arc<LiveEngine> {
        &self.live
    }

    /// Re-reads the config directory and the wordlists, builds a new engine off the async
    /// threads, and swaps it in. On error the old engine keeps serving.
    pub async fn reload(&self, trigger: ReloadTrigger) -> Result<Reloaded, ReloadError> {
        let _one_at_a_time = self.lock.lock().await;
        let base = self.base.clone();
        let built = tokio::task::spawn_blocking(move || build_from_disk(&base))
            .await
            .unwrap_or_else(|e| Err(ReloadError::Task(e.to_string())));
        match built {
            Ok(engine) => {
                let engine = Arc::new(engine);
                let previous = self.live.replace(engine.clone());
                self.metrics.reload_succeeded(&engine, previous.version(), trigger);
                Ok(Reloaded {
                    engine,
                    previous_version: previous.version().clone(),
                })
            }
            Err(e) => {
                self.metrics.reload_failed(&e, self.live.current().version(), trigger);
                Err(e)
            }
        }
    }
}

/// The start-up settings with `engine` and `thresholds` as the config directory has them now.
fn build_from_disk(base: &Settings) -> Result<Engine, ReloadError> {
    let fresh = Settings::load(&base.config_dir)?;
    for section in restart_only_changes(base, &fresh) {
        tracing::warn!(
            section,
            "settings changed on disk; this section takes effect after a restart"
        );
    }
    let mut settings = base.clone();
    settings.engine = fresh.engine;
    settings.thresholds = fresh.thresholds;
    let engine = settings.build_engine()?;
    // The same checks as `tamiz lint` and `check-config`: errors keep the old engine serving.
    let dir = settings.wordlist_dir();
    let lint = crate::lint::lint_engine(&engine, &dir);
    if lint.has_errors() {
        let errors: Vec<String> = lint
            .of(crate::lint::Severity::Error)
            .map(|f| format!("{}/{f}", dir.display()))
            .collect();
        return Err(ReloadError::Lint(errors.join("; ")));
    }
    Ok(engine)
}

/// The sections bound at start-up that differ between `running` and `fresh`.
fn restart_only_changes(running: &Settings, fresh: &Settings) -> Vec<&'static str> {
    // The section types carry no PartialEq (secrets must not compare by accident); their Debug
    // output is a faithful rendering of every non-secret field.
    let differs = |a: &dyn std::fmt::Debug, b: &dyn std::fmt::Debug| format!("{a:?}") != format!("{b:?}");
    let keys = |v: &[secrecy::SecretString]| v.iter().map(|k| k.expose_secret().to_string()).collect::<Vec<_>>();
    let mut changed = Vec::new();
    if differs(&running.server, &fresh.server) {
        changed.push("server");
    }
    if differs(&running.limits, &fresh.limits) {
        changed.push("limits");
    }
    if differs(&running.log, &fresh.log) {
        changed.push("log");
    }
    if differs(&running.lexicon, &fresh.lexicon) {
        changed.push("lexicon");
    }
    let (a, b) = (&running.auth, &fresh.auth);
    if keys(&a.api_keys) != keys(&b.api_keys)
        || keys(&a.admin_keys) != keys(&b.admin_keys)
        || a.admin_open != b.admin_open
        || a.protect_ops_endpoints != b.protect_ops_endpoints
        || a.require_keys != b.require_keys
    {
        changed.push("auth");
    }
    changed
}

/// Keeps the file watcher alive; dropping it stops watching.
pub struct FileWatch {
    _debouncer: Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>,
}

impl std::fmt::Debug for FileWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileWatch").finish_non_exhaustive()
    }
}

/// Watches `dirs` (recursively) and reloads after a burst of changes has been quiet for
/// `debounce`. Must be called inside a tokio runtime, which runs the reloads.
pub fn watch(reloader: Arc<Reloader>, dirs: &[PathBuf], debounce: Duration) -> notify::Result<FileWatch> {
    // Capacity 1: changes arriving while a reload is pending fold into that reload.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<()>(1);
    let mut seen = Stamps::of(dirs);
    let mut debouncer = new_debouncer(debounce, move |result: DebounceEventResult| match result {
        Ok(events) => {
            if seen.changed(events.iter().map(|e| e.path.as_path()).filter(|p| !is_editor_noise(p))) {
                let _ = tx.try_send(());
            }
        }
        Err(e) => tracing::warn!(error = %e, "file watcher error"),
    })?;
    for dir in dirs {
        debouncer.watcher().watch(dir, RecursiveMode::Recursive)?;
        tracing::info!(dir = %dir.display(), "watching for changes");
    }
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            // The outcome is logged and counted by the reloader.
            let _ = reloader.reload(ReloadTrigger::FileWatch).await;
        }
    });
    Ok(FileWatch { _debouncer: debouncer })
}

/// Size and modification time of every file and directory under the watched directories, as
/// last seen. The watcher also reports opens and reads (notify 8 passes inotify's open and
/// close-without-write events on as access events), and a reload reads every wordlist, so
/// reloading on any event reloaded forever, several times a second on an idle service. An event
/// counts only when its path's stamp differs from the one last seen; reading metadata raises
/// no events of its own.
struct Stamps(HashMap<PathBuf, Option<(SystemTime, u64)>>);

impl Stamps {
    fn of(dirs: &[PathBuf]) -> Stamps {
        let mut stamps = Stamps(HashMap::new());
        let mut todo: Vec<PathBuf> = dirs.iter().map(|d| absolute(d)).collect();
        while let Some(path) = todo.pop() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                todo.extend(entries.flatten().map(|e| e.path()));
            }
            let stamp = stamp(&path);
            stamps.0.insert(path, stamp);
        }
        stamps
    }

    /// Whether any of `paths` changed since last seen (a new or deleted path counts).
    fn changed<'a>(&mut self, paths: impl Iterator<Item = &'a Path>) -> bool {
        let mut changed = false;
        for path in paths {
            let path = absolute(path);
            let now = stamp(&path);
            if self.0.get(&path) != Some(&now) {
                self.0.insert(path, now);
                changed = true;
            }
        }
        changed
    }
}

fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()))
}

/// notify reports absolute paths; the watched directories may be given relative.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Editor swap and backup files: saving `insult.txt` in vim touches `.insult.txt.swp` first.
fn is_editor_noise(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".swx") || name.starts_with(".#")
}

/// Reloads on every `SIGHUP` until the runtime shuts down.
#[cfg(unix)]
pub fn reload_on_sighup(reloader: Arc<Reloader>) -> std::io::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hangups = signal(SignalKind::hangup())?;
    tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            let _ = reloader.reload(ReloadTrigger::Signal).await;
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_not_changes_but_edits_creations_and_deletions_are() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("insult.txt");
        std::fs::write(&file, "idiot = 2\n").unwrap();
        let mut seen = Stamps::of(&[dir.path().to_path_buf()]);
        std::fs::read_to_string(&file).unwrap();
        assert!(
            !seen.changed([file.as_path(), dir.path()].into_iter()),
            "a read is not a change"
        );
        std::fs::write(&file, "idiot = 2\nnitwit = 3\n").unwrap();
        assert!(seen.changed([file.as_path()].into_iter()), "an edit is a change");
        assert!(!seen.changed([file.as_path()].into_iter()), "the same edit counts once");
        let new = dir.path().join("threat.txt");
        std::fs::write(&new, "x\n").unwrap();
        assert!(seen.changed([new.as_path()].into_iter()), "a new file is a change");
        std::fs::remove_file(&new).unwrap();
        assert!(seen.changed([new.as_path()].into_iter()), "a deletion is a change");
    }

    #[test]
    fn editor_noise_is_ignored() {
        assert!(is_editor_noise(Path::new("/x/en/.insult.txt.swp")));
        assert!(is_editor_noise(Path::new("/x/en/insult.txt~")));
        assert!(!is_editor_noise(Path::new("/x/en/insult.txt")));
    }
}
