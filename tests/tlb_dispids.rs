//! fixtures/dispids/dispids.idl (explicit and assigned ids, accessor pairs, a three-deep dual
//! chain, `[local]`/`[call_as]`, a dispinterface's methods and properties) through widl's type
//! library: idlgen's dump of the type library agrees with its dump of the IDL. widl runs at test
//! time (wine64-tools, libwine-dev; tests/common/external.rs: a counted skip without them, a
//! failure in CI).

mod common;
mod tlb_common;

use std::path::PathBuf;
use std::process::Command;

use common::external::{WIDL, WIDL_EXE, WINE_DLLS_DIR, WINE_IDL, WINE_IDL_DIR, need_all};
use tlb_common::*;

#[test]
fn dispids_tlb_dump_agrees_with_the_idl() {
    if !need_all(&[&WIDL, &WINE_IDL]) {
        return;
    }
    let idl_path = root().join("fixtures/dispids/dispids.idl");
    let tlb_path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dispids-tlb.tlb");
    let out = Command::new(WIDL_EXE)
        .args(["-I", WINE_IDL_DIR, "-L", WINE_DLLS_DIR, "-t", "-o"])
        .arg(&tlb_path)
        .arg(&idl_path)
        .output()
        .expect("run widl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let idl_model = {
        let mut m = idl_model(&idl_path, &[]).expect("IDL loads");
        m.include_imported_user_files();
        m
    };
    let sp = Spellings::of(&idl_model);
    let idl = dump_json(&idl_model);
    let tlb = dump_json(&tlb_model(&tlb_path, &[]).unwrap_or_else(|e| panic!("{e}")));
    let (compared, mut diffs) = compare(&idl, &tlb, &[], &sp);
    diffs.extend(compare_libraries(&idl, &tlb));
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    println!("dispids.tlb: {compared} types agree with dispids.idl");
    assert!(compared >= 8, "only {compared} types compared");
}
