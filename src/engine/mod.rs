//! The scoring engine.
pub mod category;
pub mod lexicon;
pub mod matcher;
pub mod normalize;
pub mod heuristics;
