//! DISPIDs, invoke kinds and vtable offsets from an independent implementation: widl compiles
//! the IDL into a type library (`widl -t`), and oleaut32 (Wine's, under wine64) reads it back
//! through `LoadTypeLibEx` (tools/oleaut32/tlbinfo.c). idlgen's model of the same IDL must agree
//! member for member.
//!
//! Needs wine64-tools (widl), libwine-dev (Wine's IDL), gcc-mingw-w64-x86-64-win32 and wine64;
//! `.ci/run` installs them (tests/common/external.rs: a counted skip without them, a failure in
//! CI).

mod common;
mod oleaut32;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::external::{MINGW_GCC, WIDL, WIDL_EXE, WINE_IDL, WINE_IDL_DIR, WINE64, need_all};
use idlgen::Options;
use idlgen::model::{InvokeKind, ItemKind, Method, Model};
use oleaut32::{run_under_wine, tlbinfo};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tools_present() -> bool {
    need_all(&[&WIDL, &WINE64, &WINE_IDL, &MINGW_GCC])
}

/// widl's type library of `idl`, as oleaut32 reports it: one tab-separated fact per line.
fn oleaut32_view(idl: &Path, tag: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let tlb = dir.join(format!("{tag}.tlb"));
    let out = Command::new(WIDL_EXE)
        .arg("-I")
        .arg(WINE_IDL_DIR)
        .arg("-I")
        .arg(idl.parent().expect("dir"))
        .arg("-t")
        .arg("-o")
        .arg(&tlb)
        .arg(idl)
        .output()
        .expect("run widl");
    assert!(
        out.status.success(),
        "widl -t {}:\n{}",
        idl.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_under_wine(
        &tlbinfo("tlbinfo.exe"),
        tlb.as_os_str(),
        &dir.join(format!("wineprefix-{tag}")),
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && !text.is_empty(),
        "tlbinfo under wine64 failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn invkind(code: &str) -> InvokeKind {
    match code {
        "2" => InvokeKind::PropGet,
        "4" => InvokeKind::PropPut,
        "8" => InvokeKind::PropPutRef,
        _ => InvokeKind::Method,
    }
}

/// Every method of an interface's chain, nearest interface last.
fn chain_methods<'m>(model: &'m Model, name: &str) -> Vec<&'m Method> {
    let id = model
        .lookup(name)
        .unwrap_or_else(|| panic!("{name} in the model"));
    model
        .ancestors(id)
        .into_iter()
        .rev()
        .filter_map(|a| match &model.item(a).kind {
            ItemKind::Interface(i) => Some(i.methods.iter()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The vtable slot the type library gives a method: its own, or for a `[call_as]` twin the
/// slot of the local method it stands for.
fn expected_slot(methods: &[&Method], m: &Method) -> Option<u32> {
    m.slot.or_else(|| {
        let local = m.call_as.as_deref()?;
        methods.iter().find(|x| x.name == local)?.slot
    })
}

/// Compares every func and var line of the oleaut32 view with the model; returns the count.
fn compare(model: &Model, view: &str) -> usize {
    let mut compared = 0;
    for line in view.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["func", ty, name, memid, kind, ovft, ..] => {
                let ty = ty.trim_end_matches("(vtbl)");
                let memid = u32::from_str_radix(memid.trim_start_matches("0x"), 16)
                    .expect("hex memid") as i32;
                let kind = invkind(kind);
                let id = model
                    .lookup(ty)
                    .unwrap_or_else(|| panic!("{ty} in the model"));
                match &model.item(id).kind {
                    ItemKind::Interface(_) => {
                        let methods = chain_methods(model, ty);
                        let m = methods
                            .iter()
                            .find(|m| m.name == *name && m.invkind == kind)
                            .unwrap_or_else(|| panic!("{ty}::{name} ({kind:?}) in the model"));
                        assert_eq!(m.dispid, memid, "{ty}::{name} DISPID");
                        let ovft: u32 = ovft.parse().expect("oVft");
                        assert_eq!(
                            expected_slot(&methods, m).map(|s| s * 8),
                            Some(ovft),
                            "{ty}::{name} vtable offset"
                        );
                    }
                    ItemKind::Dispinterface(d) => {
                        let m = d
                            .methods
                            .iter()
                            .find(|m| m.name == *name && m.invkind == kind)
                            .unwrap_or_else(|| panic!("{ty}::{name} ({kind:?}) in the model"));
                        assert_eq!(m.dispid, memid, "{ty}::{name} DISPID");
                    }
                    other => panic!("{ty} is a {}", other.kind_name()),
                }
                compared += 1;
            }
            ["var", ty, name, memid, ..] => {
                let memid = u32::from_str_radix(memid.trim_start_matches("0x"), 16)
                    .expect("hex memid") as i32;
                let id = model
                    .lookup(ty)
                    .unwrap_or_else(|| panic!("{ty} in the model"));
                let ItemKind::Dispinterface(d) = &model.item(id).kind else {
                    continue;
                };
                let p = d
                    .properties
                    .iter()
                    .find(|p| p.name == *name)
                    .unwrap_or_else(|| panic!("{ty}.{name} in the model"));
                assert_eq!(p.dispid, memid, "{ty}.{name} DISPID");
                compared += 1;
            }
            _ => {}
        }
    }
    compared
}

fn load(path: &Path) -> Model {
    idlgen::load(&[path.to_path_buf()], &Options::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .model
}

#[test]
fn dispids_and_slots_agree_with_oleaut32_on_widls_type_library() {
    if !tools_present() {
        return;
    }
    let idl = root().join("fixtures/dispids/dispids.idl");
    let view = oleaut32_view(&idl, "dispids");
    let compared = compare(&load(&idl), &view);
    println!("dispids.idl: {compared} members compared with oleaut32, 0 differ");
    // Every case of the fixture reached the comparison: explicit and assigned ids, accessor
    // pairs, the three-deep dual chain, [local]/[call_as], the dispinterface's methods and
    // properties.
    for needle in [
        "IMixed(vtbl)\tFifth\t0x60020004",
        "IChain3(vtbl)\tC1\t0x60040000",
        "IProps(vtbl)\tTarget\t0x60020005\t2",
        "ILocal\tRemoteNext\t0x60010001\t1\t32",
        "DEvents\tUnnumbered\t0x60000001",
        "DEvents\tAutomatic\t0x40000005",
    ] {
        assert!(
            view.contains(needle),
            "oleaut32 view lacks {needle}:\n{view}"
        );
    }
    assert!(compared >= 60, "only {compared} members compared");
}

#[test]
fn certcli_agrees_with_oleaut32_on_widls_type_library() {
    if !tools_present() {
        return;
    }
    let idl = root().join("fixtures/certif/certcli.idl");
    let view = oleaut32_view(&idl, "certcli");
    let model = {
        let mut m = load(&idl);
        m.include_imported_user_files();
        m
    };
    let compared = compare(&model, &view);
    println!("certcli.idl: {compared} members compared with oleaut32, 0 differ");
    assert!(
        compared >= 2 * (12 + 14),
        "only {compared} members compared"
    );
}
