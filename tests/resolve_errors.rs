//! Errors found when names are resolved: each is exactly one diagnostic with file:line:col, the
//! offending line and a caret.

mod common;
use common::errors::{assert_at, error_of};

#[test]
fn unknown_type_in_a_parameter() {
    let d = error_of(
        "bad.idl",
        "import \"oaidl.idl\";\n\
         [object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c), dual]\n\
         interface IX : IDispatch\n\
         {\n    HRESULT F([in] LONGG Context);\n};\n",
    );
    assert_at(&d, "bad.idl", 5, 20, "unknown type `LONGG`");
}

#[test]
fn unknown_base_interface() {
    let d = error_of(
        "bad.idl",
        "import \"oaidl.idl\";\n[object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c)]\ninterface IX : IDispatchh\n{\n};\n",
    );
    assert_at(&d, "bad.idl", 3, 16, "unknown type `IDispatchh`");
}

#[test]
fn duplicate_definition() {
    let d = error_of(
        "bad.idl",
        "import \"oaidl.idl\";\n\
         [object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c)] interface IX : IUnknown { };\n\
         [object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83d)] interface IX : IUnknown { };\n",
    );
    assert_at(&d, "bad.idl", 3, 64, "duplicate definition of `IX`");
    assert!(d.notes.iter().any(|n| n.contains("bad.idl:2:")), "{d}");
}

#[test]
fn unknown_constant_in_id() {
    let d = error_of(
        "bad.idl",
        "import \"oaidl.idl\";\n\
         [object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c), dual]\n\
         interface IX : IDispatch\n{\n    [id(DISPID_NOPE)] HRESULT F();\n};\n",
    );
    assert_at(&d, "bad.idl", 5, 9, "unknown constant `DISPID_NOPE`");
}

/// The parser folds integer operations on literals (`idl::parser::exprs`), but not one without a
/// value: the evaluator reports those, where they stand, as it would the unfolded expression.
#[test]
fn division_by_zero_in_a_constant() {
    let d = error_of("bad.idl", "const long A = (2 + 3) / (1 - 1);\n");
    assert_at(
        &d,
        "bad.idl",
        1,
        27,
        "division by zero in constant expression",
    );
    assert_eq!(d.label.as_deref(), Some("this is zero"));
    assert_eq!(d.location.as_ref().map(|l| l.width), Some("1 - 1".len()));
}

#[test]
fn overflow_in_a_constant() {
    let product = "0x7fffffffffffffff * 0x7fffffffffffffff * 0x7fffffffffffffff";
    let d = error_of("bad.idl", &format!("const hyper B = {product};\n"));
    assert_at(&d, "bad.idl", 1, 17, "constant expression overflows");
    assert_eq!(d.label.as_deref(), Some("out of range"));
    assert_eq!(d.location.as_ref().map(|l| l.width), Some(product.len()));
    // `-x` where x is the least i128.
    let least = "(-(0x4000000000000000 * 0x4000000000000000 * 4) - 0x4000000000000000 * 0x4000000000000000 * 4)";
    let d = error_of("bad.idl", &format!("const hyper C = 1 + -{least};\n"));
    assert_at(&d, "bad.idl", 1, 21, "constant expression overflows");
    assert_eq!(d.label.as_deref(), Some("out of range"));
}

#[test]
fn shift_out_of_range_in_an_id() {
    let d = error_of(
        "bad.idl",
        "import \"oaidl.idl\";\n\
         [object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c), dual]\n\
         interface IX : IDispatch\n{\n    [id(0x10 + (1 << 200))] HRESULT F();\n};\n",
    );
    assert_at(&d, "bad.idl", 5, 17, "constant expression overflows");
    assert_eq!(d.label.as_deref(), Some("out of range"));
    assert_eq!(d.location.as_ref().map(|l| l.width), Some("1 << 200".len()));
}
