//! Golden files: what idlgen generates for each fixture, reviewed like code.
//!
//! A mismatch prints a unified diff. To accept the new output (after reviewing the diff):
//!
//! ```sh
//! IDLGEN_BLESS=1 cargo test --test golden
//! ```

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::external::{RUSTFMT, SDK, WINE_IDL, need};
use idlgen::Options;
use idlgen::{RustOptions, generate_rust as generate};

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

/// The bindings of `input` (relative to the root).
fn generate_for(input: &str) -> String {
    let loaded = idlgen::load(&[root().join(input)], &Options::default())
        .unwrap_or_else(|e| panic!("{input} does not load:\n{e}"));
    generate(&loaded.model, &RustOptions::default())
        .unwrap_or_else(|e| panic!("{input} does not generate:\n{e}"))
}

#[test]
fn golden_rust_bindings() {
    for (input, golden) in CASES {
        common::golden::check(&root().join(golden), &generate_for(input), "golden");
    }
}

#[test]
fn generation_is_deterministic() {
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
    if need(&RUSTFMT).is_none() {
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
    let Some(wine) = need(&WINE_IDL) else {
        return;
    };
    for (input, _) in CASES {
        let path = root().join(input);
        let opts = Options::new()
            .include_dir(&wine)
            .include_dir(path.parent().expect("dir"));
        let loaded = idlgen::load(&[path], &opts).expect("loads with the SDK's base files");
        assert!(
            loaded.read.iter().any(|p| p.ends_with("oaidl.idl")),
            "{input}: the SDK's oaidl.idl was not read"
        );
        let with_sdk = generate(&loaded.model, &RustOptions::default()).expect("generates");
        assert_eq!(with_sdk, generate_for(input), "{input}");
    }
}

/// Issue 13, point 2: the same with the real Windows SDK's `um/`, `shared/` and `winrt/` on the
/// include path (`--sdk`). The SDK splits the base set (`Unknwn.Idl` #includes `Unknwnbase.Idl`,
/// `ObjIdl.Idl` #includes `ObjIdlbase.Idl`, `WTypesbase.Idl` imports `basetsd.h` and
/// `guiddef.h`), and those parts are base files too: the bindings are byte for byte what they are
/// without the SDK, and so are certif.idl's with its imports (certcli.idl's: see below).
#[test]
fn windows_sdk_on_the_include_path_changes_nothing() {
    let Some(sdk) = need(&SDK) else {
        return;
    };
    let opts = Options::new().sdk(&sdk);
    for (input, _) in CASES {
        let path = root().join(input);
        let loaded = idlgen::load(std::slice::from_ref(&path), &opts)
            .unwrap_or_else(|e| panic!("{input} loads with the SDK:\n{e}"));
        for name in [
            "oaidl.idl",
            "unknwnbase.idl",
            "objidlbase.idl",
            "wtypesbase.idl",
        ] {
            assert!(
                loaded.read.iter().any(|p| p.starts_with(&sdk)
                    && p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.eq_ignore_ascii_case(name))),
                "{input}: the SDK's {name} was not read: {:?}",
                loaded.read
            );
        }
        let with_sdk = generate(&loaded.model, &RustOptions::default()).expect("generates");
        assert!(
            with_sdk == generate_for(input),
            "{input}: the bindings differ with the SDK on the include path"
        );
    }
    with_imports_unchanged_by_the_sdk("fixtures/certif/certif.idl", &opts);
    // The SDK's own certif.idl/certcli.idl, where an SDK has them (10.0.16299.0 has neither: its
    // um/ has CertExit.Idl, CertMod.Idl, CertPol.Idl...). The fixtures are written in their style,
    // not copied, so only the interfaces must agree: the same DISPIDs in the same slots.
    for (input, _) in CASES {
        let name = Path::new(input)
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name");
        let Some(own) = common::sdk::find_in(&sdk.join("um"), name) else {
            println!("note: the SDK has no um/{name}; the fixture alone is compared");
            continue;
        };
        let rows = |model: &idlgen::model::Model| -> Vec<String> {
            idlgen::dispid_table(model)
                .lines()
                .filter(|l| l.starts_with("ICertServer"))
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect()
        };
        let theirs = idlgen::load(&[own], &opts)
            .expect("the SDK's own file loads")
            .model;
        let ours = idlgen::load(&[root().join(input)], &Options::default())
            .expect("loads")
            .model;
        assert_eq!(rows(&theirs), rows(&ours), "um/{name}");
    }
}

/// `--with-imports` output of `input`, with `opts` (an SDK on the include path) and without.
fn with_imports_unchanged_by_the_sdk(input: &str, opts: &Options) {
    let path = root().join(input);
    let bindings = |opts: &Options| {
        let mut model = idlgen::load(std::slice::from_ref(&path), opts)
            .unwrap_or_else(|e| panic!("{input} loads:\n{e}"))
            .model;
        model.include_imported_user_files();
        generate(&model, &RustOptions::default()).expect("generates")
    };
    let (with_sdk, without) = (bindings(opts), bindings(&Options::default()));
    let header = |s: &str| s.lines().next().unwrap_or_default().to_string();
    assert!(
        with_sdk == without,
        "{input}: the bindings with imports differ with the SDK on the include path\n  without: {}\n  with:    {}",
        header(&without),
        header(&with_sdk)
    );
}

/// certcli.idl has a `library`, at which the front end imports oaidl.idl and oleidl.idl as MIDL
/// does, when the search path has them: the base set has no oleidl.idl, the SDK has
/// um/OleIdl.Idl. A file imported by MIDL's rule, not by the user, is not a user import, so
/// `--with-imports` does not emit OleIdl.Idl (about 11,000 lines) with the SDK either.
#[test]
fn windows_sdk_on_the_include_path_changes_nothing_with_imports_of_a_library() {
    let Some(sdk) = need(&SDK) else {
        return;
    };
    let opts = Options::new().sdk(&sdk);
    with_imports_unchanged_by_the_sdk("fixtures/certif/certcli.idl", &opts);
}
