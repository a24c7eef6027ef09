//! tamiz: a self-hosted comment-moderation and toxicity-scoring engine and service.
//!
//! The way of a comment: request JSON → [`engine::Comment`] → normalize → match (one
//! aho-corasick automaton) → heuristics → score (weights) → decide (thresholds) →
//! [`engine::Verdict`] → JSON. The engine knows nothing of HTTP; the HTTP layer knows nothing
//! of wordlist syntax.

pub mod cli;
pub mod engine;
pub mod feedback;
pub mod http;
pub mod lint;
pub mod metrics;
pub mod quality;
pub mod reload;
pub mod settings;
pub mod telemetry;
