//! Type libraries inside PE files (TYPELIB resources; PE32 and PE32+; several per file, chosen by
//! resource id), 32-bit type libraries, input detection by magic bytes, and the error for an
//! imported library that is nowhere to be found.
//!
//! Fixtures (commands in fixtures/certif/TLB_COMMANDS.md): certcli_win32.tlb is widl's
//! `--win32` type library of certcli.idl; certcli_pe64.dll and certcli_pe32.dll carry
//! certcli.tlb as TYPELIB 1 and certcli_win32.tlb as TYPELIB 2.

mod common;
mod tlb_common;

use std::path::{Path, PathBuf};

use common::external::{WINE_DLLS, WINE_DLLS_DIR, need};
use idlgen::Options;
use tlb_common::*;

fn load(path: &Path, opts: &Options) -> idlgen::Result<idlgen::model::Model> {
    idlgen::load([path], opts).map(|l| l.model)
}

fn fixture(name: &str) -> PathBuf {
    root().join("fixtures/certif").join(name)
}

/// The dump's types and libraries (the `inputs` and sources name the file, which differs).
fn types_of(path: &Path, resource_id: Option<u32>) -> serde_json::Value {
    let opts = match resource_id {
        Some(id) => Options::new().resource_id(id),
        None => Options::new(),
    };
    let model = load(path, &opts).unwrap_or_else(|e| panic!("{e}"));
    let mut v = dump_json(&model);
    for t in v["types"].as_array_mut().expect("types") {
        t["source"] = serde_json::Value::Null;
    }
    serde_json::json!({"libraries": v["libraries"], "types": v["types"]})
}

#[test]
fn a_32_bit_type_library_gives_the_same_model() {
    // Its vtable offsets count 4 bytes a slot; the model's slots are the same.
    assert_eq!(
        types_of(&fixture("certcli_win32.tlb"), None),
        types_of(&fixture("certcli.tlb"), None)
    );
}

#[test]
fn pe32_and_pe32plus_resources_by_id() {
    let want = types_of(&fixture("certcli.tlb"), None);
    for dll in ["certcli_pe64.dll", "certcli_pe32.dll"] {
        let path = fixture(dll);
        let ids = (idlgen::Input::file(&path).typelib_resources()).expect("resources");
        assert_eq!(ids, vec![1, 2], "{dll}");
        assert_eq!(
            types_of(&path, None),
            want,
            "{dll}: the default is resource 1"
        );
        for id in [1, 2] {
            assert_eq!(types_of(&path, Some(id)), want, "{dll} #{id}");
        }
        let err = load(&path, &Options::new().resource_id(3))
            .expect_err("no resource 3")
            .to_string();
        assert!(
            err.contains("no TYPELIB resource with id 3") && err.contains("1, 2"),
            "{err}"
        );
    }
}

#[test]
fn inputs_are_recognised_by_their_first_bytes() {
    // By content, not by name: a type library named .idl is one, and reads as one.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let odd = dir.join("certcli_really_a_tlb.idl");
    std::fs::copy(fixture("certcli.tlb"), &odd).expect("copy");
    assert_eq!(
        types_of(&odd, None),
        types_of(&fixture("certcli.tlb"), None)
    );
    // A type library must be the only input; an IDL file may be one of several.
    let err = idlgen::load([fixture("certcli.idl"), odd], &Options::new())
        .expect_err("two inputs, one a type library")
        .to_string();
    assert!(
        err.contains("is a type library: give it as the only input"),
        "{err}"
    );
    let err = load(&fixture("no such file"), &Options::new())
        .expect_err("missing")
        .to_string();
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn a_file_without_a_typelib_resource_is_an_error() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    // A PE file whose resource section is cut off: the header still says there is one.
    let mut bytes = std::fs::read(fixture("certcli_pe64.dll")).expect("fixture");
    bytes.truncate(1024);
    let path = dir.join("cut.dll");
    std::fs::write(&path, &bytes).expect("write");
    let err = load(&path, &Options::new()).expect_err("cut").to_string();
    assert!(err.contains("at byte offset"), "{err}");
}

#[test]
fn a_missing_imported_library_is_named() {
    if need(&WINE_DLLS).is_none() {
        return;
    }
    // atl100.dll's type library takes types from stdole2.tlb that idlgen's base set does not
    // have: alone in a directory, the import is missing; with -I/--tlb-path it is found.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tlb-import");
    std::fs::create_dir_all(&dir).expect("dir");
    let lone = dir.join("atl100.dll");
    std::fs::copy(Path::new(WINE_DLLS_DIR).join("atl100.dll"), &lone).expect("copy");
    let err = load(&lone, &Options::new())
        .expect_err("stdole2.tlb is not beside it")
        .to_string();
    assert!(
        err.contains("type library `stdole2.tlb` imported here not found")
            && err.contains("at byte offset")
            && err.contains("-I/--tlb-path"),
        "{err}"
    );
    let found =
        load(&lone, &Options::new().tlb_path(WINE_DLLS_DIR)).unwrap_or_else(|e| panic!("{e}"));
    // The imported types are items of their own file, not roots.
    let stdole = found
        .files
        .iter()
        .position(|f| f.ends_with("stdole2.tlb"))
        .expect("stdole2.tlb read");
    assert!(!found.roots.contains(&idlgen::model::FileId(stdole as u32)));
    println!("{err}");
}
