//! idlgen: Rust bindings, DISPID tables and IDispatch shims from Microsoft IDL and COM type libraries.
//!
//! The pipeline: a front end ([`idl`]) reads text into a syntax tree, [`model`] resolves it into one
//! plain-data [`model::Model`] (slots, DISPIDs, types), and the back ends in [`codegen`] write Rust or tables.

mod builder;
pub mod codegen;
pub mod diag;
pub mod idl;
pub mod model;

pub use builder::{Builder, write_if_changed};
pub use diag::{Diagnostic, Error, Result};

/// idlgen's version, as generated files name it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A model loaded from IDL files, with every file read (for `cargo:rerun-if-changed`).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub model: model::Model,
    /// Files read from disk: the inputs, their imports and #includes (not embedded ones).
    pub read: Vec<std::path::PathBuf>,
}

/// Reads IDL files (with their imports) and resolves them into one model.
pub fn load(inputs: &[std::path::PathBuf], opts: &idl::Options) -> Result<Loaded> {
    let parsed = idl::load_files(inputs, opts)?;
    let model = model::resolve(&parsed)?;
    Ok(Loaded {
        model,
        read: parsed.read,
    })
}

/// Like [`load`], for IDL text that stands for a file named `name` (tests, tools).
pub fn load_source(name: &str, text: &str, opts: &idl::Options) -> Result<Loaded> {
    let parsed = idl::load_source(name, text, opts)?;
    let model = model::resolve(&parsed)?;
    Ok(Loaded {
        model,
        read: parsed.read,
    })
}
