//! Golden files: what idlgen generates for each fixture, reviewed like code.
//!
//! A mismatch prints a unified diff. To accept the new output (after reviewing the diff):
//!
//! ```sh
//! IDLGEN_BLESS=1 cargo test --test golden
//! ```

mod common;

use std::path::PathBuf;
use std::process::Command;

use idlgen::codegen::rust::{RustOptions, generate};
use idlgen::idl::Options;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// (input IDL relative to the root, golden file relative to the root)
const CASES: &[(&str, &str)] = &[
    (
        "fixtures/certif/certif.idl",
        "fixtures/certif/expected/certif.rs",
    ),
    (
        "fixtures/certif/certcli.idl",
        "fixtures/certif/expected/certcli.rs",
    ),
];

fn generate_for(input: &str) -> String {
    let loaded = idlgen::load(&[PathBuf::from(input)], &Options::default())
        .unwrap_or_else(|e| panic!("{input} does not load:\n{e}"));
    generate(&loaded.model, &RustOptions::default())
        .unwrap_or_else(|e| panic!("{input} does not generate:\n{e}"))
}

#[test]
fn golden_rust_bindings() {
    std::env::set_current_dir(root()).expect("cd to the crate root");
    for (input, golden) in CASES {
        common::golden::check(&root().join(golden), &generate_for(input), "golden");
    }
}

#[test]
fn generation_is_deterministic() {
    std::env::set_current_dir(root()).expect("cd to the crate root");
    for (input, _) in CASES {
        let a = generate_for(input);
        let b = generate_for(input);
        assert!(a == b, "two runs on {input} differ");
    }
}

/// The golden files are what rustfmt would write (rustfmt comes with every Rust toolchain; CI
/// has it, so there this test never skips).
#[test]
fn golden_files_are_rustfmt_clean() {
    let available = Command::new("rustfmt").arg("--version").output().is_ok();
    if !available {
        assert!(std::env::var_os("CI").is_none(), "rustfmt is missing in CI");
        eprintln!("SKIPPED: rustfmt is not installed");
        return;
    }
    for (_, golden) in CASES {
        let out = Command::new("rustfmt")
            .args(["--edition", "2024", "--check"])
            .arg(root().join(golden))
            .output()
            .expect("run rustfmt");
        assert!(
            out.status.success(),
            "{golden} is not rustfmt-clean:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// With a Windows SDK's (here Wine's) own `oaidl.idl`, `unknwn.idl`, ... on the include path in
/// place of idlgen's embedded copies, the bindings are the same: those files' types are still the
/// runtime's (IDispatch, BSTR...), and their interfaces are not generated.
#[test]
fn sdk_base_files_on_the_include_path_change_nothing() {
    let wine = PathBuf::from("/usr/include/wine/wine/windows");
    if !wine.join("oaidl.idl").is_file() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have libwine-dev (.ci/run installs it)"
        );
        eprintln!("SKIPPED: libwine-dev is missing");
        return;
    }
    for (input, _) in CASES {
        let path = root().join(input);
        let opts = Options {
            include_dirs: vec![wine.clone(), path.parent().expect("dir").to_path_buf()],
            ..Default::default()
        };
        let loaded = idlgen::load(&[path], &opts).expect("loads with the SDK's base files");
        assert!(
            loaded.read.iter().any(|p| p.ends_with("oaidl.idl")),
            "{input}: the SDK's oaidl.idl was not read"
        );
        let with_sdk = generate(&loaded.model, &RustOptions::default()).expect("generates");
        assert_eq!(with_sdk, generate_for(input), "{input}");
    }
}
