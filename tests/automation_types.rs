//! The VARTYPE of every kind of type a member can have (model::automation).

use idlgen::model::automation::variant_type;
use idlgen::model::{ItemKind, Model};
use idlgen_runtime::*;

mod common;

fn model() -> Model {
    let text = r#"
import "oaidl.idl";
typedef enum Color { Red, Green = 5 } Color;
typedef struct Point { LONG x; LONG y; } Point;
typedef LONG MYLONG;
[object, uuid(6b1a0d10-0000-4000-8000-000000000031), dual]
interface IAuto : IDispatch {
    HRESULT M(
        [in] LONG a, [in] long b, [in] int c, [in] short d, [in] unsigned long e,
        [in] unsigned char f, [in] byte g, [in] char h, [in] hyper i, [in] float j,
        [in] double k, [in] BSTR l, [in] VARIANT m, [in] VARIANT_BOOL n, [in] DATE o,
        [in] CY p, [in] DECIMAL q, [in] SCODE r, [in] IUnknown *s, [in] IDispatch *t,
        [in] IAuto *u, [in] SAFEARRAY(BSTR) v, [in] Color w, [in] Point x, [in] MYLONG y,
        [in, out] LONG *z, [in, out] BSTR *aa, [in] SAFEARRAY(VARIANT) *ab,
        [out, retval] VARIANT *ac);
};
"#;
    common::model_of("auto.idl", text)
}

#[test]
fn parameter_types_map_to_their_vartypes() {
    let m = model();
    let id = m.lookup("IAuto").expect("IAuto");
    let ItemKind::Interface(i) = &m.item(id).kind else {
        panic!("interface")
    };
    let got: Vec<(String, Option<u16>)> = i.methods[0]
        .params
        .iter()
        .map(|p| (p.name.clone(), variant_type(&m, &p.ty)))
        .collect();
    let expected = [
        VT_I4,
        VT_I4,
        VT_INT,
        VT_I2,
        VT_UI4,
        VT_UI1,
        VT_UI1,
        VT_I1,
        VT_I8,
        VT_R4,
        VT_R8,
        VT_BSTR,
        VT_VARIANT,
        VT_BOOL,
        VT_DATE,
        VT_CY,
        VT_DECIMAL,
        VT_ERROR,
        VT_UNKNOWN,
        VT_DISPATCH,
        VT_DISPATCH,
        VT_ARRAY | VT_BSTR,
        VT_I4,
        VT_RECORD,
        VT_I4,
        VT_BYREF | VT_I4,
        VT_BYREF | VT_BSTR,
        VT_BYREF | VT_ARRAY | VT_VARIANT,
        VT_BYREF | VT_VARIANT,
    ];
    assert_eq!(got.len(), expected.len());
    for ((name, vt), want) in got.iter().zip(expected) {
        assert_eq!(*vt, Some(want), "parameter {name}");
    }
    assert_eq!(variant_type(&m, &i.methods[0].ret), Some(VT_HRESULT));
}

/// A user's typedef that reuses a well-known name (`VARIANT_BOOL`, `DATE`, `DECIMAL`) is the
/// user's type: followed like any typedef, as the Rust back end follows it (`pub type
/// VARIANT_BOOL = i32;`), not taken by its name for OLE Automation's.
#[test]
fn a_user_typedef_reusing_a_well_known_name_is_followed() {
    let text = r#"
import "oaidl.idl";
typedef long VARIANT_BOOL;
typedef double DATE;
typedef struct tagMYDECIMAL { LONG lo; LONG hi; } DECIMAL;
[object, uuid(6b1a0d10-0000-4000-8000-000000000032), dual]
interface IMine : IDispatch {
    HRESULT M([in] VARIANT_BOOL a, [in] DATE b, [in] DECIMAL c, [in] BSTR d, [in] CY e);
};
"#;
    let m = common::model_of("mine.idl", text);
    let id = m.lookup("IMine").expect("IMine");
    let ItemKind::Interface(i) = &m.item(id).kind else {
        panic!("interface")
    };
    let got: Vec<Option<u16>> = i.methods[0]
        .params
        .iter()
        .map(|p| variant_type(&m, &p.ty))
        .collect();
    // The base set's own BSTR and CY keep their VARTYPEs.
    assert_eq!(
        got,
        [
            Some(VT_I4),
            Some(VT_R8),
            Some(VT_RECORD),
            Some(VT_BSTR),
            Some(VT_CY)
        ]
    );
    for name in ["VARIANT_BOOL", "DATE", "DECIMAL"] {
        let id = m.lookup(name).expect("the user's typedef");
        assert_eq!(m.well_known_name(id), None, "{name}");
    }
    let bstr = m.lookup("BSTR").expect("BSTR");
    assert_eq!(m.well_known_name(bstr), Some("BSTR"));
    // The Rust back end agrees: the aliases are the user's, the DISPID table's VARTYPEs theirs.
    let code = idlgen::generate_rust(&m, &Default::default()).expect("generates");
    for want in [
        "pub type VARIANT_BOOL = i32;",
        "pub type DATE = f64;",
        "pub type DECIMAL = tagMYDECIMAL;",
        "param(\"a\", VT_I4, IN)",
        "param(\"b\", VT_R8, IN)",
        "param(\"e\", VT_CY, IN)",
    ] {
        assert!(code.contains(want), "no `{want}` in:\n{code}");
    }
    assert!(!code.contains("VT_BOOL"), "{code}");
    assert!(!code.contains("VT_DATE"), "{code}");
}
