//! idlgen reads Microsoft IDL and COM type libraries and writes Rust bindings (IIDs, vtables,
//! safe wrappers, `_Impl` traits), DISPID tables and IDispatch shims for the `idlgen-runtime`
//! crate.
//!
//! # The pipeline
//!
//! ```text
//!  IDL: a .idl file, or text ──► IDL front end ──────────┐                 ┌─► generate_rust (bindings)
//!                                                        ├─► one Model ───┼─► dispid_table  (DISPIDs)
//!  type library: a .tlb, or ───► type-library front end ─┘   (slots,       └─► dump_json     (JSON)
//!  a PE file's TYPELIB                                        DISPIDs, types)
//! ```
//!
//! - **Front ends → model**: [`load`] reads [`Input`]s (files, or IDL text or type-library
//!   bytes in memory) with [`Options`] (include directories, an SDK, macros, a TYPELIB
//!   resource id) into one [`Model`](model::Model), whatever the format; [`load_each`] makes a
//!   model for each of many inputs, sharing the work they have in common.
//! - **The model** ([`model`]): plain data, the same for both front ends, with every rule that
//!   gives meaning (vtable slots, DISPIDs, `[out, retval]`, automation types) already applied.
//! - **Back ends**: [`generate_rust`] ([`RustOptions`]), [`dispid_table`], [`dump_json`]
//!   ([`DumpOptions`]; the format is `docs/dump-json.md`).
//! - **From a build script**: [`Builder`] does all three steps and writes the file.
//! - **Errors**: every stage returns the one [`Error`] type, whose [`Diagnostic`]s name the
//!   file, line and column (or the byte offset in binary input) and show the line with a caret.
//!
//! # From build.rs
//!
//! ```
//! // build.rs: $OUT_DIR/certif.rs, regenerated when an IDL file it reads changes.
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//! #   let out = std::env::temp_dir().join(format!("idlgen-doc-{}", std::process::id()));
//!     let bindings = idlgen::Builder::new()
//!         .input(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/certif/certif.idl"))
//!         .interface("ICertServerExit") // like `--interface`; every input option is a method
//! #       .out_dir(&out)
//!         .generate()?; // prints `cargo:rerun-if-changed` for every file read
//!     assert!(std::fs::read_to_string(&bindings)?.contains("pub struct ICertServerExit("));
//! #   std::fs::remove_dir_all(&out)?;
//!     Ok(())
//! }
//! ```
//!
//! and in the crate, `mod certif { include!(concat!(env!("OUT_DIR"), "/certif.rs")); }`.
//! [`Builder::check`] compares instead of writing, for CI.
//!
//! # A tool: load, walk the model, print DISPIDs
//!
//! ```
//! use idlgen::model::ItemKind;
//!
//! let certif = include_str!("../fixtures/certif/certif.idl");
//! let loaded = idlgen::load(
//!     [idlgen::Input::idl_text("certif.idl", certif)], // or a path: `["certif.idl"]`
//!     &idlgen::Options::new(), // `.include_dir(..)`, `.sdk(..)`, `.define(..)`...
//! )?;
//! let model = &loaded.model;
//! // The input's own declarations (not those of oaidl.idl, which it imports).
//! for (_, item) in model.root_items() {
//!     if let ItemKind::Interface(interface) = &item.kind {
//!         for method in &interface.methods {
//!             println!("{}::{} {:#x} slot {:?}", item.name, method.name, method.dispid, method.slot);
//!         }
//!     }
//! }
//! let exit = model.lookup("ICertServerExit").map(|id| model.item(id));
//! assert!(matches!(exit.map(|i| &i.kind), Some(ItemKind::Interface(i)) if i.dual));
//!
//! // The same as `idlgen dispids` prints it, and the Rust bindings.
//! let table = idlgen::dispid_table(model); // interface, member, DISPID, kind, slot
//! assert!(table.lines().any(|row| row.starts_with("ICertServerExit ")
//!     && row.contains("GetRequestProperty") && row.contains("0x60020001")));
//! let rust = idlgen::generate_rust(model, &idlgen::RustOptions::default())?;
//! assert!(rust.contains("pub const DISPID_GET_REQUEST_PROPERTY"));
//! # Ok::<(), idlgen::Error>(())
//! ```
//!
//! A type library loads the same way (`idlgen::load(["certcli.tlb"], ..)`, or
//! [`Input::typelib_bytes`]), and gives the same model as the IDL it was made from.

mod batch;
mod builder;
mod bytes;
mod codegen;
mod diag;
mod idl;
mod load;
pub mod model;
mod sdk;
mod stack;
mod tlb;

pub use batch::load_each;
pub use builder::{Builder, compare_file, write_if_changed, write_if_changed_with};
pub use codegen::json::DumpOptions;
pub use codegen::rust::RustOptions;
pub use diag::{Diagnostic, Error, Location, Result};
pub use load::{Input, Loaded, Options, load};
pub use sdk::Sdk;
#[doc(hidden)]
pub use stack::{on_big_stack, tune_heap_for_batch, tune_heap_for_one_run};

/// idlgen's version, as generated files name it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The Rust bindings of the model's input files (see [`RustOptions`]): IID/CLSID/LIBID
/// constants, vtables, interface types with safe wrappers, `_Impl` traits and DISPID tables.
pub fn generate_rust(model: &model::Model, opts: &RustOptions) -> Result<String> {
    Ok(codegen::rust::generate(model, opts)?)
}

/// [`generate_rust`], written to `out` as it is laid out: only the item being laid out is held
/// (not the file's text), so that memory follows the largest item. What `out` was given before
/// an error is incomplete.
pub fn generate_rust_to(
    model: &model::Model,
    opts: &RustOptions,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    Ok(codegen::rust::generate_to(model, opts, out)?)
}

/// Rust text laid out as rustfmt would (the formatter `generate_rust` runs on its output):
/// for `benches/format.rs`, not part of the API.
#[doc(hidden)]
pub fn __format_rust(code: &str) -> String {
    codegen::format::format(code)
}

/// The model as JSON, in the format `docs/dump-json.md` describes (what `idlgen dump` prints).
pub fn dump_json(model: &model::Model, opts: &DumpOptions) -> String {
    codegen::json::dump(model, opts)
}

/// Every member's DISPID as a table: interface, member, DISPID, invoke kind, vtable slot (what
/// `idlgen dispids` prints).
pub fn dispid_table(model: &model::Model) -> String {
    codegen::dispids::table(model)
}
