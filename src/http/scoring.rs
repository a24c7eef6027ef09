//! Scoring, shared by every API surface.
//!
//! A surface parses its request into [`OwnedComment`]s, loads the engine once
//! (`state.engine.current()`), and calls [`score`]. Small requests (up to [`INLINE_BYTES`] of
//! text) are scored on the async worker; the rest on actix's blocking pool (`web::block`), so a
//! long comment or a batch never stalls the worker. Either way the comments are scored one
//! after another, each inside `catch_unwind`: the engine promises not to
//! panic, but if it ever does, that one comment gets a [`ScoreError::Panicked`] (a 500, or an
//! error in its batch slot) and the worker lives on. Each verdict is recorded in the metrics.

use crate::engine::{Comment, Engine, Language, Verdict};
use crate::metrics::Metrics;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A comment parsed at the edge, owned so it can move to a blocking thread.
#[derive(Clone, Debug, Default)]
pub struct OwnedComment {
    pub text: String,
    pub language: Option<Language>,
    pub parent: Option<String>,
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
    #[error("the blocking pool is unavailable: {0}")]
    Pool(String),
}

/// Requests whose texts add up to at most this many bytes are scored on the async worker itself:
/// that costs the worker under ~0.2 ms (the engine does about 10 MB/s on one core), less than
/// handing the work to the blocking pool and back, and it keeps the pool's thread count (and
/// with it the allocator's per-thread memory) down under load. Longer requests and batches go
/// to the blocking pool so they never stall the connections sharing the worker.
pub const INLINE_BYTES: usize = 2048;

/// Scores `comments` in order: inline when small (see [`INLINE_BYTES`]), else on the blocking
/// pool. The outer error means nothing was scored.
pub async fn score(
    engine: Arc<Engine>,
    metrics: Arc<Metrics>,
    comments: Vec<OwnedComment>,
) -> Result<Vec<Result<Scored, ScoreError>>, ScoreError> {
    let bytes: usize = comments
        .iter()
        .map(|c| c.text.len() + c.parent.as_ref().map_or(0, String::len))
        .sum();
    if bytes <= INLINE_BYTES {
        return Ok(comments.iter().map(|c| score_guarded(&engine, &metrics, c)).collect());
    }
    actix_web::web::block(move || {
        comments
            .iter()
            .map(|c| score_guarded(&engine, &metrics, c))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| ScoreError::Pool(e.to_string()))
}

fn score_guarded(engine: &Engine, metrics: &Metrics, comment: &OwnedComment) -> Result<Scored, ScoreError> {
    let start = Instant::now();
    let verdict = catch_unwind(AssertUnwindSafe(|| engine.score(&comment.as_comment())))
        .map_err(|panic| ScoreError::Panicked(panic_message(panic.as_ref())))?;
    let took = start.elapsed();
    metrics.verdict_scored(engine, &verdict, comment.text.chars().count(), took);
    Ok(Scored { verdict, took })
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".to_string())
}
