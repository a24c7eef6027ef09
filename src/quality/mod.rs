//! Measuring and fitting detection quality: the library behind `tamiz eval` and `tamiz train`.
//!
//! - [`data`] reads labeled comments (CSV or JSON lines, the public sets the project uses, the
//!   suggestscore feedback log) and assigns each a stable fold;
//! - [`metrics`] computes precision, recall, F1, ROC-AUC, PR-AUC and sweeps;
//! - [`eval`] runs an engine over labeled rows and reports;
//! - [`train`] fits per-category n-gram weights against the engine's own evidence and writes them
//!   as `wordlists/learned/en.tsv`;
//! - [`plots`] draws PR curves and threshold sweeps as SVG.
//!
//! The CLI in [`crate::cli`] only parses flags and calls these.

pub mod data;
pub mod eval;
pub mod metrics;
pub mod plots;
pub mod train;
