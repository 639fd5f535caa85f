//! The slot and DISPID rules of shared/spec/layout-and-dispids.md, each on IDL written for it.

use idlgen::model::{InvokeKind, ItemKind, Model};

mod common;

fn model(text: &str) -> Model {
    common::model_of("rules.idl", text)
}

/// (name, invkind, slot, dispid) of an interface's own methods.
fn members(m: &Model, name: &str) -> Vec<(String, InvokeKind, Option<u32>, u32)> {
    let id = m.lookup(name).expect("declared");
    match &m.item(id).kind {
        ItemKind::Interface(i) => i
            .methods
            .iter()
            .map(|x| (x.name.clone(), x.invkind, x.slot, x.dispid as u32))
            .collect(),
        other => panic!("{name} is a {}", other.kind_name()),
    }
}

const HEADER: &str = "import \"oaidl.idl\";\n";

#[test]
fn slots_start_after_idispatch_and_dispids_count_from_0x60020000() {
    let m = model(&format!(
        "{HEADER}[object, uuid(11111111-2222-3333-4444-555555555555), dual]\n\
         interface IA : IDispatch {{ HRESULT F(); HRESULT G([in] LONG x); }};\n"
    ));
    assert_eq!(
        members(&m, "IA"),
        [
            ("F".into(), InvokeKind::Method, Some(7), 0x6002_0000),
            ("G".into(), InvokeKind::Method, Some(8), 0x6002_0001)
        ]
    );
}

#[test]
fn explicit_ids_win_and_still_count_in_the_index() {
    // The spec's example: four [id(100)].. members, the fifth gets 0x60020004.
    let m = model(&format!(
        "{HEADER}[object, uuid(11111111-2222-3333-4444-555555555555), dual]\n\
         interface IA : IDispatch {{\n\
           [id(100)] HRESULT A(); [id(101)] HRESULT B(); [id(102)] HRESULT C(); [id(103)] HRESULT D();\n\
           HRESULT E();\n\
         }};\n"
    ));
    let got: Vec<u32> = members(&m, "IA").iter().map(|x| x.3).collect();
    assert_eq!(got, [100, 101, 102, 103, 0x6002_0004]);
}

#[test]
fn accessors_take_their_own_slots_and_share_the_first_ones_dispid() {
    let m = model(&format!(
        "{HEADER}[object, uuid(11111111-2222-3333-4444-555555555555), dual]\n\
         interface IA : IDispatch {{\n\
           [propget] HRESULT Name([out, retval] BSTR *p);\n\
           [propput] HRESULT Name([in] BSTR v);\n\
           HRESULT Other();\n\
           [propputref] HRESULT Name([in] IDispatch *v);\n\
         }};\n"
    ));
    assert_eq!(
        members(&m, "IA"),
        [
            ("Name".into(), InvokeKind::PropGet, Some(7), 0x6002_0000),
            ("Name".into(), InvokeKind::PropPut, Some(8), 0x6002_0000),
            ("Other".into(), InvokeKind::Method, Some(9), 0x6002_0002),
            ("Name".into(), InvokeKind::PropPutRef, Some(10), 0x6002_0000),
        ]
    );
}

#[test]
fn a_dual_chain_three_deep_starts_at_0x60030000() {
    let m = model(&format!(
        "{HEADER}[object, uuid(11111111-2222-3333-4444-555555555555), dual]\n\
         interface ICertConfig : IDispatch {{ HRESULT Reset([in] LONG i, [out, retval] LONG *c); HRESULT Next([out, retval] LONG *i); }};\n\
         [object, uuid(11111111-2222-3333-4444-555555555556), dual]\n\
         interface ICertConfig2 : ICertConfig {{ HRESULT SetSharedFolder([in] BSTR const s); }};\n\
         [object, uuid(11111111-2222-3333-4444-555555555557), dual]\n\
         interface ICertConfig3 : ICertConfig2 {{ HRESULT More(); }};\n"
    ));
    assert_eq!(
        members(&m, "ICertConfig2"),
        [(
            "SetSharedFolder".into(),
            InvokeKind::Method,
            Some(9),
            0x6003_0000
        )]
    );
    assert_eq!(
        members(&m, "ICertConfig3"),
        [("More".into(), InvokeKind::Method, Some(10), 0x6004_0000)]
    );
}

#[test]
fn iunknown_derived_interfaces_count_from_0x60010000() {
    let m = model(&format!(
        "{HEADER}[object, uuid(11111111-2222-3333-4444-555555555555)]\n\
         interface IPlain : IUnknown {{ HRESULT A(); HRESULT B(); }};\n"
    ));
    assert_eq!(
        members(&m, "IPlain"),
        [
            ("A".into(), InvokeKind::Method, Some(3), 0x6001_0000),
            ("B".into(), InvokeKind::Method, Some(4), 0x6001_0001)
        ]
    );
}

#[test]
fn call_as_methods_have_no_slot_and_local_ones_do() {
    // As widl's headers show for IEnumVARIANT::Next / RemoteNext: the [local] method has the
    // slot, its [call_as] twin has none.
    let m = model(&format!(
        "{HEADER}[object, uuid(11111111-2222-3333-4444-555555555555)]\n\
         interface IEnum : IUnknown {{\n\
           [local] HRESULT Next([in] ULONG c, [out] VARIANT *v, [out] ULONG *f);\n\
           [call_as(Next)] HRESULT RemoteNext([in] ULONG c, [out] VARIANT *v, [out] ULONG *f);\n\
           HRESULT Skip([in] ULONG c);\n\
         }};\n"
    ));
    let got = members(&m, "IEnum");
    assert_eq!(got[0].2, Some(3));
    assert_eq!(got[1].2, None);
    assert_eq!(got[2].2, Some(4));
    // A [local] method is not in a type library and does not advance the DISPID index (widl).
    assert_eq!(got[1].3, 0x6001_0000);
    assert_eq!(got[2].3, 0x6001_0001);
}

/// C++ overloads keep their IDL name; their C vtable names get one `_` per later overload, as
/// widl's headers name them (dwrite_3's `GetPropertyValues__`, `_`, plain); a property's
/// accessors are not overloads of each other.
#[test]
fn overloads_get_one_underscore_per_later_overload_in_their_vtable_names() {
    let m = model(&format!(
        "{HEADER}[local, object, uuid(11111111-2222-3333-4444-555555555555)]\n\
         interface IA : IUnknown {{\n\
           HRESULT F([in] LONG a); HRESULT F([in] LONG a, [in] LONG b); HRESULT F();\n\
           [propget] HRESULT P([out, retval] LONG *p); [propput] HRESULT P([in] LONG p);\n\
         }};\n"
    ));
    let id = m.lookup("IA").expect("declared");
    let ItemKind::Interface(i) = &m.item(id).kind else {
        panic!("an interface")
    };
    let names: Vec<(String, String)> = i
        .methods
        .iter()
        .map(|x| (x.name.clone(), x.vtable_name()))
        .collect();
    let want = [
        ("F", "F__"),
        ("F", "F_"),
        ("F", "F"),
        ("P", "get_P"),
        ("P", "put_P"),
    ];
    assert_eq!(names, want.map(|(a, b)| (a.to_string(), b.to_string())));
    // Past 16 methods (mshtml's hundreds), the same.
    let many: String = (0..20).map(|k| format!("HRESULT M{k}(); ")).collect();
    let m = model(&format!(
        "{HEADER}[local, object, uuid(11111111-2222-3333-4444-555555555555)]\n\
         interface IA : IUnknown {{ HRESULT F(); {many} HRESULT F([in] LONG a); }};\n"
    ));
    let id = m.lookup("IA").expect("declared");
    let ItemKind::Interface(i) = &m.item(id).kind else {
        panic!("an interface")
    };
    let vtable: Vec<String> = i.methods.iter().map(|x| x.vtable_name()).collect();
    assert_eq!(vtable.first().map(String::as_str), Some("F_"));
    assert_eq!(vtable.get(1).map(String::as_str), Some("M0"));
    assert_eq!(vtable.last().map(String::as_str), Some("F"));
}

/// Dispatchable means "the vtable starts with IDispatch's": the base set's IDispatch and what
/// derives from it, `[dual]` or not; a `[dual]` interface deriving from IUnknown (MIDL rejects
/// it) is not, so a pointer to it is VT_UNKNOWN.
#[test]
fn dispatchable_is_derived_from_idispatch() {
    let m = model(&format!(
        "{HEADER}[object, dual, uuid(11111111-2222-3333-4444-555555555555)]\n\
         interface IOdd : IUnknown {{ HRESULT F([in] IOdd *other); }};\n\
         [object, dual, uuid(11111111-2222-3333-4444-555555555556)]\n\
         interface IGood : IDispatch {{ HRESULT F(); }};\n\
         [object, uuid(11111111-2222-3333-4444-555555555557)]\n\
         interface IMore : IGood {{ HRESULT G(); }};\n"
    ));
    let dispatchable = |name: &str| match &m.item(m.lookup(name).expect("declared")).kind {
        ItemKind::Interface(i) => i.dispatchable,
        _ => panic!("{name} is an interface"),
    };
    assert!(!dispatchable("IOdd"));
    assert!(dispatchable("IGood"));
    assert!(dispatchable("IMore"));
    assert!(dispatchable("IDispatch"));
    assert!(!dispatchable("IUnknown"));
    let ItemKind::Interface(odd) = &m.item(m.lookup("IOdd").expect("declared")).kind else {
        panic!("an interface")
    };
    assert_eq!(
        idlgen::model::automation::variant_type(&m, &odd.methods[0].params[0].ty),
        Some(idlgen_runtime::VT_UNKNOWN)
    );
}
