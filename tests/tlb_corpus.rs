//! Wine's type libraries: every file in libwine's x86_64-windows folder (`dpkg -L libwine`)
//! that carries a TYPELIB resource reads without error (each resource id of it), and for those
//! whose library IDL is in libwine-dev's corpus, the dump from the type library equals the dump
//! from the IDL for interfaces, dispinterfaces, coclasses and enums (with the tolerances of
//! tests/tlb_common/mod.rs).
//!
//! Needs libwine and libwine-dev (tests/common/external.rs: a counted skip without them, a
//! failure in CI).

mod common;
mod tlb_common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::corpus::wine_idl_files;
use common::external::{WINE_DLLS, WINE_DLLS_DIR, WINE_IDL, WINE_IDL_DIR, need, need_all};
use tlb_common::*;

/// The PE files of libwine's x86_64-windows folder, as dpkg lists them.
fn corpus_files() -> Vec<PathBuf> {
    let out = Command::new("dpkg")
        .args(["-L", "libwine"])
        .output()
        .expect("run dpkg -L libwine");
    let mut files: Vec<PathBuf> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("/x86_64-windows/"))
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Every TYPELIB resource of the corpus: (file, resource id).
fn typelibs() -> Vec<(PathBuf, u32)> {
    let mut out = Vec::new();
    for f in corpus_files() {
        let bytes = std::fs::read(&f).expect("read corpus file");
        if !bytes.starts_with(b"MZ") {
            continue;
        }
        let ids = (idlgen::Input::file(&f).typelib_resources())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        out.extend(ids.into_iter().map(|id| (f.clone(), id)));
    }
    out
}

fn load(path: &Path, id: u32) -> idlgen::Result<idlgen::model::Model> {
    let opts = idlgen::Options::new()
        .tlb_path(WINE_DLLS_DIR)
        .resource_id(id);
    idlgen::load([path], &opts).map(|l| l.model)
}

#[test]
fn every_wine_type_library_reads() {
    if need(&WINE_DLLS).is_none() {
        return;
    }
    let all = typelibs();
    let mut failed = Vec::new();
    let mut files = std::collections::BTreeSet::new();
    for (f, id) in &all {
        match load(f, *id) {
            Ok(m) => {
                assert_eq!(m.libraries.len(), 1);
                files.insert(f.clone());
            }
            Err(e) => failed.push(format!("{} #{id}: {e}", f.display())),
        }
    }
    println!(
        "{} files with TYPELIB resources, {} type libraries read, {} failed",
        files.len(),
        all.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert!(all.len() >= 48, "only {} type libraries found", all.len());
}

/// Differences that are not the type-library reader's, each with its reason. They are printed,
/// not failed on; a difference not listed here fails the test.
const KNOWN: &[(&str, &str)] = &[
    (
        "IWebBrowserApp: HWND: param 0 type IDL \"SHANDLE_PTR*\" vs TLB \"long*\"",
        "exdisp.idl takes SHANDLE_PTR from basetsd.h (#include), whose _WIN64 branch idlgen's \
         preprocessor takes (__int64) and Wine's build of the type library did not (long)",
    ),
    (
        "param 2 default IDL 0 vs TLB -1",
        "msado15_backcompat.idl `[defaultvalue(0)] ADO_LONGPTR size`: on Win64 ADO_LONGPTR is \
         LONGLONG, and widl 8.0 cannot write a VT_I8 default (it warns \"can't write value of \
         type 20 yet\" and leaves the packed value 0xFFFFFFFF, read as -1); the IDL's 0 is right",
    ),
    (
        "param 3 default IDL 0 vs TLB -1",
        "msado15_backcompat.idl `CreateParameter`'s `[defaultvalue(0)] ADO_LONGPTR Size`, as above",
    ),
];

/// Type libraries Wine builds from another IDL than the public one of the same library name:
/// their helpstrings and parameter types differ from it by design.
const OTHER_IDL: &[(&str, &str)] = &[
    (
        "msxml2.dll",
        "Wine builds it from dlls/msxml2/msxml2_tlb.idl (its own coclass helpstrings)",
    ),
    (
        "msxml4.dll",
        "Wine builds it from dlls/msxml4/msxml4_tlb.idl (its own coclasses, WCHAR* SAX methods)",
    ),
];

/// The library IDL files of libwine-dev: (file, library name).
fn library_idls() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for p in wine_idl_files() {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        for line in text.lines() {
            let mut words = line.split_whitespace();
            if words.next() == Some("library")
                && let Some(name) = words.next()
            {
                out.push((p.clone(), name.trim_end_matches('{').to_string()));
            }
        }
    }
    out
}

#[test]
fn wine_type_libraries_agree_with_their_idl() {
    if !need_all(&[&WINE_DLLS, &WINE_IDL]) {
        return;
    }
    let idls = library_idls();
    let mut report = Vec::new();
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    let mut known = Vec::new();
    let mut idl_cache: std::collections::HashMap<PathBuf, Option<(serde_json::Value, Spellings)>> =
        Default::default();
    for (f, id) in typelibs() {
        let model = load(&f, id).unwrap_or_else(|e| panic!("{e}"));
        let lib = &model.libraries[0];
        let tlb = dump_json(&model);
        for (idl_path, _) in idls.iter().filter(|(_, n)| *n == lib.name) {
            let idl = idl_cache.entry(idl_path.clone()).or_insert_with(|| {
                idl_model(idl_path, &[PathBuf::from(WINE_IDL_DIR)])
                    .ok()
                    .map(|m| (dump_json(&m), Spellings::of(&m)))
            });
            let Some((idl, sp)) = idl else { continue };
            let uuid = lib.uuid.map(|g| g.to_string());
            let same_lib =
                idl["libraries"].as_array().into_iter().flatten().any(|l| {
                    l["name"] == lib.name.as_str() && l["uuid"].as_str() == uuid.as_deref()
                });
            if !same_lib {
                continue;
            }
            let (n, diffs) = compare(
                idl,
                &tlb,
                &["interface", "dispinterface", "coclass", "enum"],
                sp,
            );
            // A library whose type library holds types its public IDL does not declare was
            // built from another IDL (msxml3.dll's from dlls/msxml3/msxml3_v1.idl, ...): that
            // pair is reported, not compared.
            let file = f
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if let Some((_, why)) = OTHER_IDL.iter().find(|(n, _)| *n == file) {
                skipped.push(format!("{file} #{id} ({}): {why}", lib.name));
                continue;
            }
            let missing = diffs
                .iter()
                .filter(|d| d.ends_with(": not in the IDL"))
                .count();
            if missing > 0 {
                skipped.push(format!(
                    "{} #{id} ({}) vs {}: {missing} types not in the IDL: built from another IDL",
                    f.file_name().unwrap_or_default().to_string_lossy(),
                    lib.name,
                    idl_path.file_name().unwrap_or_default().to_string_lossy(),
                ));
                continue;
            }
            let known_here = diffs
                .iter()
                .filter(|d| KNOWN.iter().any(|(k, _)| d.contains(k)))
                .count();
            report.push(format!(
                "{} #{id} ({}) vs {}: {n} types, {} differ ({known_here} of them known, not the reader's)",
                f.file_name().unwrap_or_default().to_string_lossy(),
                lib.name,
                idl_path.file_name().unwrap_or_default().to_string_lossy(),
                diffs.len()
            ));
            for d in diffs {
                let line = format!("{}: {d}", f.display());
                match KNOWN.iter().find(|(k, _)| d.contains(k)) {
                    Some((_, why)) => known.push(format!("{line}\n    known: {why}")),
                    None => failures.push(line),
                }
            }
        }
    }
    println!("compared:\n{}", report.join("\n"));
    println!("not compared:\n{}", skipped.join("\n"));
    println!("known differences, not the reader's:\n{}", known.join("\n"));
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(report.len() >= 15, "only {} pairs compared", report.len());
}
