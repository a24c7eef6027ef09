//! The moderator-feedback log: one JSON object per line, appended and fsynced before the client
//! hears "ok".
//!
//! `POST /v1alpha1/comments:suggestscore` (Coral and other Perspective clients send it when a
//! moderator approves or rejects a comment) lands here, so operators collect labeled data from
//! their own community. `tamiz eval` and `tamiz train` read the file as it is: each record keeps
//! Perspective's request shape (`comment.text`, `attributeScores.<ATTR>.summaryScore.value`,
//! `clientToken`), see [`crate::quality::data`].
//!
//! The file is opened for each append (`O_APPEND`), so an operator can rotate it with `mv` at any
//! time, and the parent directory is created and synced when the file is new, so the first line
//! survives a crash too.
//!
//! ```no_run
//! let log = tamiz::feedback::FeedbackLog::new("data/feedback.jsonl".into());
//! log.append(&serde_json::json!({"comment": {"text": "hi"}})).unwrap();
//! ```

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// Appends in this process are serialized so that lines from concurrent requests never
/// interleave, whichever worker (and whichever `FeedbackLog` value) writes them.
static APPEND_LOCK: Mutex<()> = Mutex::new(());

/// A durable JSON-lines file. Cheap to clone; blocking: call it from `web::block`.
#[derive(Clone, Debug)]
pub struct FeedbackLog {
    path: PathBuf,
}

impl FeedbackLog {
    /// A log at `path` (already resolved against the config directory). Nothing is opened yet.
    pub fn new(path: PathBuf) -> FeedbackLog {
        FeedbackLog { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `record` as one line and waits until it is on disk (`fdatasync`).
    pub fn append(&self, record: &serde_json::Value) -> io::Result<()> {
        let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
        line.push(b'\n');
        // A poisoned lock only means another append panicked; the file itself is still fine.
        let _guard = APPEND_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let is_new = !self.path.exists();
        if is_new {
            if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
        }
        let mut file = OpenOptions::new().create(true).append(true).open(&self.path)?;
        file.write_all(&line)?;
        file.sync_data()?;
        if is_new {
            sync_parent(&self.path)?;
        }
        Ok(())
    }
}

/// Makes a newly created file's directory entry durable (a no-op where directories cannot be
/// opened, as on Windows).
fn sync_parent(path: &Path) -> io::Result<()> {
    let parent = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(p) => p,
        None => Path::new("."),
    };
    match File::open(parent) {
        Ok(dir) => dir.sync_all().or(Ok(())),
        Err(_) => Ok(()),
    }
}

/// `SystemTime` as RFC 3339 in UTC with milliseconds (`2026-03-01T12:00:00.123Z`), for the
/// `receivedAt` field, without a date-time dependency.
pub fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    let (y, m, day) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn appends_lines_and_creates_directories() {
        let dir = tempfile::tempdir().unwrap();
        let log = FeedbackLog::new(dir.path().join("a/b/feedback.jsonl"));
        log.append(&serde_json::json!({"n": 1})).unwrap();
        log.append(&serde_json::json!({"n": 2, "text": "línea\nnueva"}))
            .unwrap();
        let text = std::fs::read_to_string(log.path()).unwrap();
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["text"], "línea\nnueva");
    }

    #[test]
    fn formats_rfc3339() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let t = UNIX_EPOCH + Duration::from_millis(1_709_294_400_123);
        assert_eq!(rfc3339(t), "2024-03-01T12:00:00.123Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00.000Z");
    }
}
