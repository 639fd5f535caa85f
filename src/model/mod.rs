//! The resolved model.
