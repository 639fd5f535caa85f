//! Generated Rust on real code: for every stand-alone file of Wine's IDL corpus (libwine-dev's
//! include folder), `idlgen rust` gives rustfmt-clean, parseable Rust; and for a sample of files
//! chosen for the constructs they hold, the bindings with their imports (`--with-imports`)
//! type-check against idlgen-runtime and pass clippy, both with warnings denied.
//!
//! `IDLGEN_CORPUS_RUST=all` type-checks every stand-alone file instead of the sample (each in
//! its own crate; several minutes). Needs libwine-dev (tests/common/external.rs: a counted skip
//! without it, a failure in CI).

mod common;

use std::path::{Path, PathBuf};

use common::corpus::{wine_idl_files, wine_options};
use common::external::{WINE_IDL, WINE_IDL_DIR, need};
use common::typecheck::{self, Failure, ScratchCrate, rustfmt_check};
use idlgen::{RustOptions, generate_rust as generate};

/// Files whose bindings are type-checked, and what each one exercises.
const SAMPLE: &[(&str, &str)] = &[
    (
        "d3d12",
        "anonymous unions in structs, consts (UINT, negative values)",
    ),
    (
        "d2d1_1",
        "a struct and a typedef of one name in two files (`D3DCOLORVALUE`)",
    ),
    ("d3d10", "C array parameters (`FLOAT BlendFactor[4]`)"),
    (
        "dwrite_3",
        "overloaded methods (`GetPropertyValues` three times)",
    ),
    (
        "msado15_backcompat",
        "a method name a base interface's trait has too (`append`)",
    ),
    (
        "shobjidl",
        "structs named but never defined; cpp_quote #defines",
    ),
    ("bdaiface", "interface names with underscores"),
    ("taskschd", "a coclass with the library's name"),
    ("msxml2", "dual interfaces, dispinterfaces, coclasses"),
    (
        "ocidl",
        "methods without HRESULT, parameters named like coclasses",
    ),
    ("mpegtype", "a struct as an [out, retval] (no Default)"),
    ("mimeole", "a handle constant (`(HBODY)-1`)"),
];

/// The corpus files, or `None` when the test is skipped.
fn corpus_files() -> Option<Vec<PathBuf>> {
    need(&WINE_IDL)?;
    Some(wine_idl_files())
}

/// Bindings for one file; `None` for files that do not load on their own (fragments and WinRT
/// files, which tests/corpus_idl.rs covers).
fn bindings(idl: &Path, with_imports: bool) -> Option<String> {
    match typecheck::bindings(idl, &wine_options(), with_imports) {
        Ok(code) => Some(code),
        Err(Failure::Load(_)) => None,
        Err(Failure::Generate(e)) => panic!("{}: {e}", idl.display()),
    }
}

#[test]
fn generated_rust_of_every_corpus_file_is_rustfmt_clean() {
    let Some(idls) = corpus_files() else {
        return;
    };
    let (mut checked, mut failed) = (0, Vec::new());
    let mut alone = Vec::new();
    for idl in &idls {
        let Some(code) = bindings(idl, false) else {
            continue;
        };
        checked += 1;
        if let Err(e) = rustfmt_check(&code) {
            failed.push(format!("{}:\n{e}", idl.display()));
        }
        alone.push((idl.clone(), code));
    }
    println!(
        "{checked} corpus files: generated Rust parses and is rustfmt-clean for {}",
        checked - failed.len()
    );
    assert!(checked >= 200, "only {checked} files generated");
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
    // The same files loaded together (`model::load_each`, as `idlgen rust DIR` does) give the
    // same bindings, byte for byte.
    let inputs: Vec<PathBuf> = alone.iter().map(|(idl, _)| idl.clone()).collect();
    let together = std::sync::Mutex::new(vec![None; inputs.len()]);
    idlgen::load_each(&inputs, &wine_options(), |k, model| {
        let model = model.unwrap_or_else(|e| panic!("{}: {e}", inputs[k].display()));
        let code = generate(&model, &RustOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        together.lock().unwrap()[k] = Some(code);
    });
    let together = together.into_inner().unwrap();
    for ((idl, alone), together) in alone.iter().zip(together) {
        assert!(
            together.as_deref() == Some(alone.as_str()),
            "{}: loaded with the others, the bindings differ",
            idl.display()
        );
    }
    println!(
        "{} corpus files: the same bindings loaded one at a time and all together",
        alone.len()
    );
}

#[test]
fn generated_rust_type_checks_with_its_imports() {
    let Some(idls) = corpus_files() else {
        return;
    };
    let scratch = ScratchCrate::new("corpus-bindings");
    if std::env::var("IDLGEN_CORPUS_RUST").is_ok_and(|v| v == "all") {
        let mut failed = Vec::new();
        let mut checked = 0;
        for idl in &idls {
            let Some(code) = bindings(idl, true) else {
                continue;
            };
            checked += 1;
            if let Err(e) = scratch.type_check(&[(typecheck::module_name(idl), code)]) {
                failed.push(format!("{}:\n{e}", idl.display()));
            }
        }
        println!(
            "{checked} corpus files type-checked with their imports, {} failed",
            failed.len()
        );
        assert!(failed.is_empty(), "{}", failed.join("\n\n"));
        return;
    }
    let mut files = Vec::new();
    for (stem, what) in SAMPLE {
        let idl = Path::new(WINE_IDL_DIR).join(format!("{stem}.idl"));
        let code = bindings(&idl, true).unwrap_or_else(|| panic!("{stem}.idl does not load"));
        println!("{stem}.idl ({} lines): {what}", code.lines().count());
        files.push((stem.to_string(), code));
    }
    if let Err(e) = scratch.type_check(&files) {
        panic!("the sample's bindings do not type-check or pass clippy:\n{e}");
    }
    println!(
        "{} corpus files' bindings type-check and pass clippy with warnings denied",
        files.len()
    );
}
