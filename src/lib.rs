//! idlgen: Rust bindings, DISPID tables and IDispatch shims from Microsoft IDL and COM type libraries.
//!
//! The pipeline: a front end ([`idl`]) reads text into a syntax tree, [`model`] resolves it into one
//! plain-data [`model::Model`] (slots, DISPIDs, types), and the back ends in [`codegen`] write Rust or tables.

mod builder;
pub mod codegen;
pub mod diag;
pub mod idl;
pub mod model;
pub mod sdk;
pub mod tlb;

pub use builder::{Builder, write_if_changed};
pub use diag::{Diagnostic, Error, Result};
pub use sdk::Sdk;

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
///
/// A type library (`.tlb`, or a `.dll`/`.ocx`/`.exe` carrying a TYPELIB resource, recognised by
/// its first bytes) is read instead, with `opts.include_dirs` searched for the libraries it
/// imports; see [`load_with_resource`] to pick one of several TYPELIB resources.
pub fn load(inputs: &[std::path::PathBuf], opts: &idl::Options) -> Result<Loaded> {
    load_with_resource(inputs, opts, None)
}

/// Like [`load`]; a PE input's TYPELIB resource `resource_id` is read (default: the lowest).
pub fn load_with_resource(
    inputs: &[std::path::PathBuf],
    opts: &idl::Options,
    resource_id: Option<u32>,
) -> Result<Loaded> {
    if let Some(first) = inputs.iter().find(|p| tlb::is_type_library_input(p)) {
        if inputs.len() != 1 {
            return Err(Diagnostic::bare(format!(
                "{} is a type library: give it as the only input",
                first.display()
            ))
            .into());
        }
        let tlb_opts = tlb::TlbOptions {
            search_dirs: opts.include_dirs.clone(),
            resource_id,
        };
        return Ok(Loaded {
            model: tlb::load(first, &tlb_opts)?,
            read: vec![first.clone()],
        });
    }
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
