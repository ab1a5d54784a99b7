//! Tests across the model: edits and their inverses, history, evaluation, and the
//! property tests that tie them together.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod edits;
pub(crate) mod fixtures;
mod history;
mod model;
pub(crate) mod properties;
mod speed;
