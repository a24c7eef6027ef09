//! The scoring engine.
pub mod normalize;
