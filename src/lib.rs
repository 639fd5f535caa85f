//! idlgen: Rust bindings, DISPID tables and IDispatch shims from Microsoft IDL and COM type libraries.
//!
//! The pipeline: a front end ([`idl`]) reads text into a syntax tree, [`model`] resolves it into one
//! plain-data [`model::Model`] (slots, DISPIDs, types), and the back ends in [`codegen`] write Rust or tables.

pub mod diag;
pub mod codegen;
pub mod idl;
pub mod model;

pub use diag::{Diagnostic, Error, Result};
