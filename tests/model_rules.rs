//! The model's rules (src/model/rules.rs and the derived answers on `Model`): what every back
//! end reads instead of working it out itself. Each test checks the model and at least one
//! back end's reading of it.

mod common;

use idlgen::model::{InvokeKind, ItemKind, Model};

fn find(model: &Model, name: &str) -> idlgen::model::TypeId {
    match model.lookup(name) {
        Some(id) => id,
        None => panic!("no `{name}` in the model"),
    }
}

const TWO_RETVALS: &str = r#"
import "oaidl.idl";
[object, uuid(11111111-0000-0000-0000-000000000001)]
interface ITwo : IUnknown {
    HRESULT Get([out, retval] BSTR *name, [out, retval] IDispatch **out);
}
"#;

#[test]
fn single_retval_keeps_the_first_retval_in_the_model() {
    let model = common::model_of("two.idl", TWO_RETVALS);
    let ItemKind::Interface(i) = &model.item(find(&model, "ITwo")).kind else {
        panic!("ITwo is not an interface");
    };
    let flags: Vec<(&str, bool, bool)> = (i.methods[0].params.iter())
        .map(|p| (p.name.as_str(), p.retval, p.retval_declared))
        .collect();
    assert_eq!(flags, [("name", true, true), ("out", false, true)]);
    // The dump says what the input declares (as a type library holds it, and oleaut32 reads it:
    // tests/tlb_oleaut32.rs compares wmp.dll's).
    let json = idlgen::dump_json(&model, &idlgen::DumpOptions::default());
    let at = json
        .find("\"name\": \"out\"")
        .expect("the second parameter in the dump");
    let param = &json[at..at + json[at..].find('}').unwrap_or(0)];
    assert!(param.contains("\"retval\": true"), "dump: {param}");
    // The Rust wrapper returns the first and takes the second as an out pointer.
    let rust = idlgen::generate_rust(&model, &idlgen::RustOptions::default()).expect("rust");
    assert!(
        rust.contains("-> idlgen_runtime::Result<idlgen_runtime::BStr>"),
        "{rust}"
    );
}

const NESTED: &str = r#"
typedef struct tagOuter {
    long kind;
    union {
        long l;
        struct { short lo; short hi; } parts;
    } u;
    enum { RED, GREEN } colour;
} Outer;
enum { LOOSE_A, LOOSE_B };
"#;

#[test]
fn anonymous_records_are_named_after_their_holder_in_field_order() {
    let model = common::model_of("nested.idl", NESTED);
    let mut named: Vec<&str> = (model.items.iter())
        .filter(|i| i.anonymous)
        .map(|i| i.name.as_str())
        .collect();
    named.sort();
    // The loose enum has no holder: it keeps its empty name.
    assert_eq!(named, ["", "tagOuter_0", "tagOuter_0_0", "tagOuter_1"]);
    assert!(!model.item(find(&model, "Outer")).anonymous);
    // Every back end reads the same names: the Rust bindings define them...
    let rust = idlgen::generate_rust(&model, &idlgen::RustOptions::default()).expect("rust");
    for name in [
        "pub union tagOuter_0",
        "pub struct tagOuter_0_0",
        "tagOuter_1",
    ] {
        assert!(rust.contains(name), "no `{name}` in:\n{rust}");
    }
    // ... and the dump keeps anonymous records out of its types, their fields' types empty.
    let json = idlgen::dump_json(&model, &idlgen::DumpOptions::default());
    assert!(!json.contains("tagOuter_0"), "{json}");
    assert!(json.contains("\"name\": \"u\", \"type\": \"\""), "{json}");
}

const DISP: &str = r#"
import "oaidl.idl";
[uuid(11111111-0000-0000-0000-000000000002)]
dispinterface DProps {
properties:
    [id(1)] long Count;
    [id(2), readonly] BSTR Name;
methods:
    [id(3)] void Reset();
};
"#;

#[test]
fn dispinterface_members_are_property_accessors_then_methods() {
    let model = common::model_of("disp.idl", DISP);
    let ItemKind::Dispinterface(d) = &model.item(find(&model, "DProps")).kind else {
        panic!("DProps is not a dispinterface");
    };
    let members = d.members();
    let members: Vec<(&str, InvokeKind, i32)> = (members.iter())
        .map(|m| (m.name.as_str(), m.invkind, m.dispid))
        .collect();
    assert_eq!(
        members,
        [
            ("Count", InvokeKind::PropGet, 1),
            ("Count", InvokeKind::PropPut, 1),
            ("Name", InvokeKind::PropGet, 2),
            ("Reset", InvokeKind::Method, 3),
        ]
    );
    // The DISPID text table and the Rust table list the same members.
    let table = idlgen::dispid_table(&model);
    let kinds: Vec<&str> = (table.lines().skip(1))
        .filter_map(|l| l.split_whitespace().nth(3))
        .collect();
    assert_eq!(
        kinds,
        ["propget", "propput", "propget", "method"],
        "{table}"
    );
    let rust = idlgen::generate_rust(&model, &idlgen::RustOptions::default()).expect("rust");
    let trait_methods: Vec<&str> = (rust.lines())
        .filter_map(|l| l.trim().strip_prefix("fn "))
        .filter_map(|l| l.split('(').next())
        .filter(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .filter(|n| !matches!(*n, "deref" | "from_impl"))
        .collect();
    assert_eq!(
        trait_methods,
        ["get_count", "put_count", "get_name", "reset"]
    );
}

const CHAINS: &str = r#"
import "oaidl.idl";
[object, uuid(11111111-0000-0000-0000-000000000003)]
interface IBase : IUnknown { HRESULT A(); }
[object, uuid(11111111-0000-0000-0000-000000000004)]
interface IDerived : IBase { HRESULT B(); }
[object, uuid(11111111-0000-0000-0000-000000000005)]
interface IOnDispatch : IDispatch { HRESULT C(); }
[object, uuid(11111111-0000-0000-0000-000000000008)]
interface IOnErrorInfo : IErrorInfo { HRESULT F(); }
[local, uuid(11111111-0000-0000-0000-000000000006)]
interface INoBase { void D(); }
[object, local, uuid(11111111-0000-0000-0000-000000000007)]
interface IVariadic : IUnknown { HRESULT E(int n, ...); }
"#;

#[test]
fn implementable_needs_a_com_root_and_bases_generated_alongside() {
    let model = common::model_of("chains.idl", CHAINS);
    let answers: Vec<(&str, bool)> = [
        "IBase",
        "IDerived",
        "IOnDispatch",
        "IOnErrorInfo",
        "INoBase",
        "IVariadic",
    ]
    .into_iter()
    .map(|n| (n, model.implementable(find(&model, n))))
    .collect();
    assert_eq!(
        answers,
        [
            ("IBase", true),
            ("IDerived", true),
            ("IOnDispatch", true),
            // IErrorInfo is the base set's, not generated here: no `with_root` to build on.
            ("IOnErrorInfo", false),
            ("INoBase", false),
            ("IVariadic", false),
        ]
    );
    let rust = idlgen::generate_rust(&model, &idlgen::RustOptions::default()).expect("rust");
    assert!(rust.contains("pub trait IDerived_Impl"), "{rust}");
    assert!(!rust.contains("pub trait IOnErrorInfo_Impl"), "{rust}");
}
