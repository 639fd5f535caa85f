//! Back ends: each reads the [`crate::model::Model`] and knows nothing of the input format.

pub mod dispids;
mod format;
pub mod json;
pub mod rust;
