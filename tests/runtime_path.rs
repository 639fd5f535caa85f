//! The runtime crate's path in generated code (`RustOptions::runtime`, `idlgen rust
//! --runtime-path`, `Builder::runtime_path`): bindings name the runtime only by the path given,
//! its support code only under `<path>::__codegen`, and they build against a renamed dependency,
//! an absolute path and a module that re-exports the runtime.

use std::path::{Path, PathBuf};

use idlgen::{Options, RustOptions, generate_rust as generate};

mod common;

use common::typecheck::ScratchCrate;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The inputs whose bindings use every template: dual interfaces (certif.idl), coclasses and a
/// library (certcli.idl), a dispinterface (dispatch_test.idl).
const INPUTS: &[&str] = &[
    "fixtures/certif/certif.idl",
    "fixtures/certif/certcli.idl",
    "fixtures/dispatch/dispatch_test.idl",
];

fn generate_with(input: &str, opts: &RustOptions) -> String {
    let loaded = idlgen::load([root().join(input)], &Options::default())
        .unwrap_or_else(|e| panic!("{input} does not load:\n{e}"));
    generate(&loaded.model, opts).unwrap_or_else(|e| panic!("{input} does not generate:\n{e}"))
}

fn bindings(input: &str, runtime: &str) -> String {
    let opts = RustOptions {
        runtime: runtime.to_string(),
        ..RustOptions::default()
    };
    generate_with(input, &opts)
}

/// A module name for the bindings of `input` with the runtime at `tag`.
fn module(input: &str, tag: &str) -> String {
    let stem = Path::new(input)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("bindings");
    format!("{stem}_{tag}")
}

/// Every path the generated code names the runtime's items by (`my_rt::BStr` gives `BStr`,
/// `my_rt::__codegen::guard` gives `__codegen::guard`), once each.
fn runtime_names(code: &str, runtime: &str) -> Vec<String> {
    let prefix = format!("{runtime}::");
    let mut names: Vec<String> = code
        .match_indices(&prefix)
        .map(|(at, _)| {
            let rest = &code[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            rest[..end].trim_end_matches(':').to_string()
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn bindings_name_the_runtime_by_the_path_given() {
    for input in INPUTS {
        let code = bindings(input, "my_rt");
        assert!(
            !code.contains("idlgen_runtime"),
            "{input}: the default path is left in:\n{code}"
        );
        let names = runtime_names(&code, "my_rt");
        assert!(!names.is_empty(), "{input}: no `my_rt::` path");
        // Support code only under `__codegen`, by a single name each (never a module of its
        // own) but for `__codegen::shim`, what the shims' `match` arms import.
        for name in names.iter().filter(|n| n.starts_with("__codegen")) {
            let rest = name.trim_start_matches("__codegen::");
            assert!(
                name.starts_with("__codegen::") && !rest.is_empty() && !rest.contains("::"),
                "{input}: `my_rt::{name}`"
            );
        }
    }
    let certif = bindings("fixtures/certif/certif.idl", "my_rt");
    for needle in [
        "pub struct ICertServerPolicy(my_rt::IDispatch);",
        "my_rt::__codegen::interface_hierarchy!(",
        "my_rt::__codegen::guard(|| {",
        "Invoke: my_rt::__codegen::invoke::<ICertServerPolicy, Identity, OFFSET>,",
        "impl<T: ICertServerPolicy_Impl> my_rt::__codegen::Dispatch<T> for ICertServerPolicy {",
        "use my_rt::__codegen::shim::*;",
        "use my_rt::dispid_table::*;",
        "-> my_rt::Result<my_rt::BStr>",
    ] {
        assert!(certif.contains(needle), "missing `{needle}`:\n{certif}");
    }
}

/// The default path gives what the golden files hold; a leading `::` and surrounding blanks are
/// kept and trimmed respectively.
#[test]
fn the_default_path_is_idlgen_runtime() {
    assert_eq!(RustOptions::default().runtime, "idlgen_runtime");
    let input = "fixtures/certif/certif.idl";
    assert_eq!(
        bindings(input, "idlgen_runtime"),
        generate_with(input, &RustOptions::default())
    );
    let absolute = bindings(input, " ::idlgen_runtime ");
    assert!(absolute.contains("pub struct ICertServerPolicy(::idlgen_runtime::IDispatch);"));
}

#[test]
fn a_path_that_is_not_a_rust_path_is_an_error() {
    let loaded = idlgen::load(
        &[root().join("fixtures/certif/certif.idl")],
        &Options::default(),
    )
    .expect("certif.idl loads");
    for bad in [
        "",
        "::",
        "my rt",
        "my-rt",
        "rt::",
        "crate::::rt",
        "1rt",
        "rt<T>",
        "_",
    ] {
        let opts = RustOptions {
            runtime: bad.to_string(),
            ..RustOptions::default()
        };
        let Err(e) = generate(&loaded.model, &opts) else {
            panic!("`{bad}` accepted");
        };
        assert!(e.to_string().contains("is not a Rust path"), "`{bad}`: {e}");
    }
}

/// The `windows` crate flavour (`--windows-dispatch`) takes the path too.
#[test]
fn windows_dispatch_names_the_runtime_by_the_path_given() {
    let opts = RustOptions {
        windows_dispatch: true,
        runtime: "crate::rt".to_string(),
        ..RustOptions::default()
    };
    let code = generate_with("fixtures/certif/certexit.idl", &opts);
    assert!(!code.contains("idlgen_runtime"), "{code}");
    for needle in [
        "crate::rt::__codegen::windows_result(unsafe {",
        "crate::rt::__codegen::dispatch_invoke_selected(",
        "call: &crate::rt::__codegen::DispCall<'_>|",
        "pub const DISPIDS: crate::rt::DispidTable = {",
        "use crate::rt::dispid_table::*;",
    ] {
        assert!(code.contains(needle), "missing `{needle}`:\n{code}");
    }
}

#[test]
fn the_cli_and_the_builder_take_the_path() {
    let (code, out, err) = common::idlgen(&[
        "rust",
        "--runtime-path",
        "crate::rt",
        "fixtures/certif/certif.idl",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, bindings("fixtures/certif/certif.idl", "crate::rt"));

    let (code, _, err) = common::idlgen(&[
        "rust",
        "--runtime-path",
        "crate rt",
        "fixtures/certif/certif.idl",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not a Rust path"), "{err}");

    let built = idlgen::Builder::new()
        .idl(root().join("fixtures/certif/certif.idl"))
        .runtime_path("my_rt")
        .quiet(true)
        .generate_string()
        .expect("generates");
    assert_eq!(built, bindings("fixtures/certif/certif.idl", "my_rt"));
}

/// The bindings build (`cargo clippy -D warnings`) in a crate that renamed its idlgen-runtime
/// dependency `my_rt`, naming it `my_rt`, `::my_rt`, and `crate::rt` (a module re-exporting
/// it); a Rust value implementing a generated interface becomes a COM object through each.
#[test]
fn bindings_build_with_the_runtime_renamed_or_re_exported() {
    let paths = [
        ("renamed", "my_rt"),
        ("absolute", "::my_rt"),
        ("module", "crate::rt"),
    ];
    let mut files = Vec::new();
    for (tag, path) in paths {
        for input in INPUTS {
            files.push((module(input, tag), bindings(input, path)));
        }
    }
    // A user's code over each flavour: implements ICertServerPolicy's `_Impl` trait once and
    // makes a COM object of it through each module's generated `FromImpl`.
    let mut user = String::from(
        "/// A policy callback that answers nothing.\n\
         pub struct Policy;\n",
    );
    for (tag, path) in paths {
        let m = module("fixtures/certif/certif.idl", tag);
        user.push_str(&format!(
            "impl crate::{m}::ICertServerPolicy_Impl for Policy {{\n\
             fn set_context(&self, _context: i32) -> {path}::Result<()> {{ Ok(()) }}\n\
             fn get_request_property(&self, _name: &{path}::BStr, _ty: i32) -> {path}::Result<{path}::Variant> {{ Err({path}::E_NOTIMPL.into()) }}\n\
             fn get_request_attribute(&self, _name: &{path}::BStr) -> {path}::Result<{path}::BStr> {{ Err({path}::E_NOTIMPL.into()) }}\n\
             fn get_certificate_property(&self, _name: &{path}::BStr, _ty: i32) -> {path}::Result<{path}::Variant> {{ Err({path}::E_NOTIMPL.into()) }}\n\
             fn set_certificate_property(&self, _name: &{path}::BStr, _ty: i32, _value: &{path}::Variant) -> {path}::Result<()> {{ Ok(()) }}\n\
             fn get_certificate_extension(&self, _name: &{path}::BStr, _ty: i32) -> {path}::Result<{path}::Variant> {{ Err({path}::E_NOTIMPL.into()) }}\n\
             fn get_certificate_extension_flags(&self) -> {path}::Result<i32> {{ Ok(0) }}\n\
             fn set_certificate_extension(&self, _name: &{path}::BStr, _ty: i32, _flags: i32, _value: &{path}::Variant) -> {path}::Result<()> {{ Ok(()) }}\n\
             fn enumerate_extensions_setup(&self, _flags: i32) -> {path}::Result<()> {{ Ok(()) }}\n\
             fn enumerate_extensions(&self) -> {path}::Result<{path}::BStr> {{ Err({path}::E_NOTIMPL.into()) }}\n\
             fn enumerate_extensions_close(&self) -> {path}::Result<()> {{ Ok(()) }}\n\
             fn enumerate_attributes_setup(&self, _flags: i32) -> {path}::Result<()> {{ Ok(()) }}\n\
             fn enumerate_attributes(&self) -> {path}::Result<{path}::BStr> {{ Err({path}::E_NOTIMPL.into()) }}\n\
             fn enumerate_attributes_close(&self) -> {path}::Result<()> {{ Ok(()) }}\n\
             }}\n\n\
             /// `Policy` as a COM object, through the `{tag}` bindings.\n\
             pub fn policy_{tag}() -> crate::{m}::ICertServerPolicy {{\n\
             {path}::IntoCom::into_com(Policy)\n\
             }}\n",
        ));
    }
    files.push(("user".to_string(), user));
    let scratch = ScratchCrate::new("runtime-path")
        .runtime_as("my_rt")
        .prelude("/// The runtime, re-exported (what `crate::rt` names).\npub mod rt {\n    pub use my_rt::*;\n}");
    if let Err(e) = scratch.type_check(&files) {
        panic!("bindings with a renamed runtime do not build:\n{e}");
    }
}
