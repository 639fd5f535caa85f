//! The golden file of the IDispatch conformance IDL (`fixtures/dispatch/dispatch_test.idl`).
//! A mismatch prints a unified diff; accept new output (after review) with
//! `IDLGEN_BLESS=1 cargo test --test dispatch_golden`.

use std::path::PathBuf;

use idlgen::Options;
use idlgen::{RustOptions, generate_rust as generate};

mod common;

#[test]
fn golden_dispatch_test_bindings() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let input = "fixtures/dispatch/dispatch_test.idl";
    let golden = root.join("fixtures/dispatch/expected/dispatch_test.rs");
    let loaded = idlgen::load(&[root.join(input)], &Options::default())
        .unwrap_or_else(|e| panic!("{input} does not load:\n{e}"));
    let actual = generate(&loaded.model, &RustOptions::default())
        .unwrap_or_else(|e| panic!("{input} does not generate:\n{e}"));
    common::golden::check(&golden, &actual, "dispatch_golden");
}
