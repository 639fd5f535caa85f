//! Back ends: each reads the [`crate::model::Model`] and knows nothing of the input format.

pub mod dispids;
#[doc(hidden)]
pub mod format;
pub mod json;
pub mod rust;
