//! Scoring, shared by every API surface.
//!
//! A surface parses its request into [`OwnedComment`]s, loads the engine once
//! (`state.engine.current()`), and calls [`score`]. Small requests (up to [`INLINE_BYTES`] of
//! text) are scored on the async worker; the rest on a small pool of scoring threads (one per
//! core), so a long comment or a batch never stalls the worker. Either way the comments are scored one
//! after another, each inside `catch_unwind`: the engine promises not to
//! panic, but if it ever does, that one comment gets a [`ScoreError::Panicked`] (a 500, or an
//! error in its batch slot) and the worker lives on. Each verdict is recorded in the metrics.

use crate::engine::{Comment, Detail, Engine, Language, Verdict};
use crate::metrics::Metrics;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// A comment parsed at the edge, owned so it can move to a scoring thread, with how much of
/// its verdict the surface will show (one batch may mix them).
#[derive(Clone, Debug, Default)]
pub struct OwnedComment {
    pub text: String,
    pub language: Option<Language>,
    pub parent: Option<String>,
    pub detail: Detail,
}

impl OwnedComment {
    pub fn as_comment(&self) -> Comment<'_> {
        Comment {
            text: &self.text,
            language: self.language,
            parent: self.parent.as_deref(),
        }
    }
}

/// A verdict and the time the engine took for it.
#[derive(Clone, Debug)]
pub struct Scored {
    pub verdict: Verdict,
    pub took: Duration,
}

impl Scored {
    pub fn took_us(&self) -> u64 {
        self.took.as_micros() as u64
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ScoreError {
    #[error("the engine panicked while scoring: {0}")]
    Panicked(String),
    #[error("the scoring threads are unavailable: {0}")]
    Pool(String),
}

/// Requests whose texts add up to at most this many bytes are scored on the async worker itself:
/// that costs the worker under ~0.2 ms (the engine does about 10 MB/s on one core), less than
/// handing the work to another thread and back. Longer requests and batches go to the scoring
/// threads so they never stall the connections sharing the worker.
pub const INLINE_BYTES: usize = 2048;

/// Scores `comments` in order, building each verdict to its `detail`: inline when small (see
/// [`INLINE_BYTES`]), else on the scoring threads. The outer error means nothing was scored.
pub async fn score(
    engine: Arc<Engine>,
    metrics: Arc<Metrics>,
    comments: Vec<OwnedComment>,
) -> Result<Vec<Result<Scored, ScoreError>>, ScoreError> {
    score_map(engine, metrics, comments, |_, scored| scored).await
}

/// As [`score`], with each verdict turned by `render(index, scored)` into what the response
/// needs, on the thread that scored it: a batch then holds its rendered slots, never a
/// hundred verdicts with all their evidence at once.
pub async fn score_map<T: Send + 'static>(
    engine: Arc<Engine>,
    metrics: Arc<Metrics>,
    comments: Vec<OwnedComment>,
    render: impl Fn(usize, Scored) -> T + Send + 'static,
) -> Result<Vec<Result<T, ScoreError>>, ScoreError> {
    let bytes: usize = comments
        .iter()
        .map(|c| c.text.len() + c.parent.as_ref().map_or(0, String::len))
        .sum();
    let run = move |comments: &[OwnedComment]| -> Vec<Result<T, ScoreError>> {
        comments
            .iter()
            .enumerate()
            .map(|(i, c)| score_guarded(&engine, &metrics, c).map(|s| render(i, s)))
            .collect()
    };
    if bytes <= INLINE_BYTES {
        return Ok(run(&comments));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    pool()?.spawn(move || {
        // The request may have timed out meanwhile; then nobody is waiting.
        let _ = tx.send(run(&comments));
    });
    rx.await
        .map_err(|_| ScoreError::Pool("the scoring thread dropped the request".into()))
}

/// The threads that score long requests and batches: one per core. Scoring is CPU-bound, so
/// more threads would not score faster; a bounded pool keeps the thread count, and with it
/// the allocator's per-thread arenas (RSS), flat however many batches arrive at once (tokio's
/// blocking pool behind `web::block` grows to hundreds of threads). Waiting work is bounded by
/// the admission permits (`server.max_in_flight`).
fn pool() -> Result<&'static rayon::ThreadPool, ScoreError> {
    static POOL: OnceLock<Result<rayon::ThreadPool, String>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
            .thread_name(|i| format!("tamiz-score-{i}"))
            .build()
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| ScoreError::Pool(format!("cannot start the scoring threads: {e}")))
}

fn score_guarded(engine: &Engine, metrics: &Metrics, comment: &OwnedComment) -> Result<Scored, ScoreError> {
    let start = Instant::now();
    let verdict = guarded(|| engine.score_with(&comment.as_comment(), comment.detail))?;
    let took = start.elapsed();
    metrics.verdict_scored(engine, &verdict, comment.text.chars().count(), took);
    Ok(Scored { verdict, took })
}

/// Runs `score`, turning a panic into [`ScoreError::Panicked`]: that comment fails (a 500, or an
/// error in its batch slot), the worker and every other request carry on.
fn guarded(score: impl FnOnce() -> Verdict) -> Result<Verdict, ScoreError> {
    catch_unwind(AssertUnwindSafe(score)).map_err(|panic| ScoreError::Panicked(panic_message(panic.as_ref())))
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::errors::ApiError;
    use actix_web::ResponseError;

    #[test]
    fn a_panic_while_scoring_is_a_500_for_that_comment_only() {
        // Keep the expected panic's message out of the test output.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let failed = guarded(|| panic!("boom at byte 7"));
        let failed_owned = guarded(|| panic!("{}", String::from("owned message")));
        std::panic::set_hook(hook);

        let Err(ScoreError::Panicked(message)) = failed else {
            panic!("a panic must become ScoreError::Panicked");
        };
        assert_eq!(message, "boom at byte 7");
        assert!(matches!(failed_owned, Err(ScoreError::Panicked(m)) if m == "owned message"));

        let error = ApiError::from(ScoreError::Panicked(message));
        assert_eq!(error.status_code().as_u16(), 500);
        assert_eq!(error.code(), "internal");
        // The client is told that scoring failed, not what the panic said.
        assert!(!error.public_message().contains("boom"), "{}", error.public_message());
        assert_eq!(error.to_json()["error"]["code"], "internal");
    }
}
