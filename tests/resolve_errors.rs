//! Errors found when names are resolved: each is exactly one diagnostic with file:line:col, the
//! offending line and a caret.

use idlgen::idl::Options;

fn error_of(text: &str) -> idlgen::Diagnostic {
    let err = idlgen::load_source("bad.idl", text, &Options::default())
        .map(|_| ())
        .expect_err("the input is malformed");
    assert_eq!(err.diagnostics.len(), 1, "exactly one error:\n{err}");
    err.diagnostics[0].clone()
}

fn assert_at(d: &idlgen::Diagnostic, line: usize, col: usize, message: &str) {
    let loc = d.location.as_ref().expect("a position");
    assert_eq!(loc.path.to_string_lossy(), "bad.idl");
    assert_eq!((loc.line, loc.col), (line, col), "{d}");
    assert!(
        d.message.contains(message),
        "message `{}` lacks `{message}`",
        d.message
    );
    let shown = d.to_string();
    assert!(
        shown.contains(&format!("--> bad.idl:{line}:{col}")),
        "{shown}"
    );
    assert!(shown.contains(&loc.line_text), "{shown}");
    let caret = format!("| {}^", " ".repeat(col - 1));
    assert!(shown.contains(&caret), "caret under column {col}:\n{shown}");
}

#[test]
fn unknown_type_in_a_parameter() {
    let d = error_of(
        "import \"oaidl.idl\";\n\
         [object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c), dual]\n\
         interface IX : IDispatch\n\
         {\n    HRESULT F([in] LONGG Context);\n};\n",
    );
    assert_at(&d, 5, 20, "unknown type `LONGG`");
}

#[test]
fn unknown_base_interface() {
    let d = error_of(
        "import \"oaidl.idl\";\n[object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c)]\ninterface IX : IDispatchh\n{\n};\n",
    );
    assert_at(&d, 3, 16, "unknown type `IDispatchh`");
}

#[test]
fn duplicate_definition() {
    let d = error_of(
        "import \"oaidl.idl\";\n\
         [object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c)] interface IX : IUnknown { };\n\
         [object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83d)] interface IX : IUnknown { };\n",
    );
    assert_at(&d, 3, 64, "duplicate definition of `IX`");
    assert!(d.notes.iter().any(|n| n.contains("bad.idl:2:")), "{d}");
}

#[test]
fn unknown_constant_in_id() {
    let d = error_of(
        "import \"oaidl.idl\";\n\
         [object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c), dual]\n\
         interface IX : IDispatch\n{\n    [id(DISPID_NOPE)] HRESULT F();\n};\n",
    );
    assert_at(&d, 5, 9, "unknown constant `DISPID_NOPE`");
}
