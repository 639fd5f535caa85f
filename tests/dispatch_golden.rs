//! The golden file of the IDispatch conformance IDL (`fixtures/dispatch/dispatch_test.idl`).
//! A mismatch prints a unified diff; accept new output (after review) with
//! `IDLGEN_BLESS=1 cargo test --test dispatch_golden`.

use std::path::PathBuf;

use idlgen::codegen::rust::{RustOptions, generate};
use idlgen::idl::Options;

#[test]
fn golden_dispatch_test_bindings() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(&root).expect("cd to the crate root");
    let input = "fixtures/dispatch/dispatch_test.idl";
    let golden = root.join("fixtures/dispatch/expected/dispatch_test.rs");
    let loaded = idlgen::load(&[PathBuf::from(input)], &Options::default())
        .unwrap_or_else(|e| panic!("{input} does not load:\n{e}"));
    let actual = generate(&loaded.model, &RustOptions::default())
        .unwrap_or_else(|e| panic!("{input} does not generate:\n{e}"));
    if std::env::var_os("IDLGEN_BLESS").is_some() {
        std::fs::write(&golden, &actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual.as_str());
        panic!(
            "{} differs from what idlgen generates (review, then `IDLGEN_BLESS=1 cargo test --test dispatch_golden`):\n{}",
            golden.display(),
            diff.unified_diff()
                .context_radius(3)
                .header("golden", "generated")
        );
    }
}
