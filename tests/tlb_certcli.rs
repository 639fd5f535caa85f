//! The certif fixture three ways: fixtures/certif/certcli.idl, the MSFT type library widl makes
//! of it (fixtures/certif/certcli.tlb; the command is in fixtures/certif/TLB_COMMANDS.md), and
//! the same library as a PE resource. `idlgen dump` of each agrees on every type of the library;
//! `idlgen rust` gives the same bindings, apart from what a type library does not carry (listed
//! in tests/tlb_common/mod.rs and below).

mod tlb_common;

use idlgen::model::{ItemKind, Type};
use tlb_common::*;

fn certcli_idl() -> (serde_json::Value, Spellings) {
    let mut m = idl_model(&root().join("fixtures/certif/certcli.idl"), &[]).expect("IDL loads");
    m.include_imported_user_files();
    (dump_json(&m), Spellings::of(&m))
}

#[test]
fn certcli_tlb_dump_agrees_with_the_idl() {
    let (idl, sp) = certcli_idl();
    let model = tlb_model(&root().join("fixtures/certif/certcli.tlb"), &[]).expect("tlb loads");
    let tlb = dump_json(&model);
    let (compared, diffs) = compare(&idl, &tlb, &[], &sp);
    let mut diffs = diffs;
    diffs.extend(compare_libraries(&idl, &tlb));
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    // Both interfaces (12 and 14 methods) and both coclasses.
    assert_eq!(compared, 4);
    let own = tlb["libraries"][0]["types"]
        .as_array()
        .expect("types")
        .clone();
    let methods: usize = tlb["types"]
        .as_array()
        .expect("types")
        .iter()
        .filter(|t| own.contains(&t["name"]))
        .filter_map(|t| t["methods"].as_array())
        .map(Vec::len)
        .sum();
    assert_eq!(methods, 12 + 14);
    println!("certcli.tlb: {compared} types, {methods} methods agree with certcli.idl");
}

fn rust(model: &idlgen::model::Model) -> String {
    let opts = idlgen::codegen::rust::RustOptions {
        interfaces: Vec::new(),
        source_name: Some("certcli".to_string()),
    };
    idlgen::codegen::rust::generate(model, &opts).expect("generates")
}

/// A type library has no `const`: the IDL model's const pointees are dropped before comparing.
fn drop_const(model: &mut idlgen::model::Model) {
    fn ty(t: &mut Type) {
        match t {
            Type::Pointer {
                pointee,
                pointee_const,
            } => {
                *pointee_const = false;
                ty(pointee);
            }
            Type::Array(e, _) | Type::SafeArray(e) => ty(e),
            _ => {}
        }
    }
    for item in &mut model.items {
        if let ItemKind::Interface(i) = &mut item.kind {
            for m in &mut i.methods {
                ty(&mut m.ret);
                m.params.iter_mut().for_each(|p| ty(&mut p.ty));
            }
        }
    }
}

/// The generated file's top-level items, sorted: a type library orders its type infos its own
/// way (widl writes each coclass before the interfaces it names).
fn items(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut blank = true;
    for line in text.lines() {
        let starts = blank && !line.is_empty() && !line.starts_with([' ', '}', ')']);
        if starts && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push_str(line);
        cur.push('\n');
        blank = line.is_empty();
    }
    out.push(cur);
    out.sort();
    out
}

#[test]
fn certcli_tlb_rust_agrees_with_the_idl() {
    let mut idl = idl_model(&root().join("fixtures/certif/certcli.idl"), &[]).expect("IDL loads");
    idl.include_imported_user_files();
    drop_const(&mut idl);
    // Not in a type library: cpp_quote texts (certif.idl's `#define ENUMEXT_OBJECTID`).
    idl.cpp_quotes.clear();
    let tlb = tlb_model(&root().join("fixtures/certif/certcli.tlb"), &[]).expect("tlb loads");
    let (a, b) = (items(&rust(&idl)), items(&rust(&tlb)));
    let only_idl: Vec<&String> = a.iter().filter(|x| !b.contains(x)).collect();
    let only_tlb: Vec<&String> = b.iter().filter(|x| !a.contains(x)).collect();
    assert!(
        only_idl.is_empty() && only_tlb.is_empty(),
        "only from the IDL:\n{}\nonly from the type library:\n{}",
        only_idl.iter().map(|s| s.as_str()).collect::<String>(),
        only_tlb.iter().map(|s| s.as_str()).collect::<String>()
    );
    println!("certcli: {} generated items agree", a.len());
}
