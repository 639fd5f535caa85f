//! One test for each class of error the IDL path reports, through the whole pipeline
//! (`idlgen::load_source`: preprocess, parse, imports, resolve): lexical, preprocessor, syntax,
//! unresolved type, missing import, duplicate definition, bad attribute argument. Each asserts the
//! file, line, column and message, and that the display shows the line with a caret.

mod common;
use common::errors::{assert_at, error_of};

const HEAD: &str = "import \"oaidl.idl\";\n";

#[test]
fn lexical_error() {
    // An unterminated string literal in compiled text.
    let d = error_of(
        "bad.idl",
        &format!(
            "{HEAD}[object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c), helpstring(\"open)]\ninterface IX : IUnknown {{ }}\n"
        ),
    );
    assert_at(
        &d,
        "bad.idl",
        2,
        65,
        "unterminated string literal: no closing `\"` on this line",
    );
}

#[test]
fn preprocessor_error() {
    // A function-like macro given the wrong number of arguments.
    let d = error_of(
        "bad.idl",
        &format!("{HEAD}#define PAIR(a, b) a, b\ntypedef LONG T[PAIR(1)];\n"),
    );
    assert_at(
        &d,
        "bad.idl",
        3,
        16,
        "macro `PAIR` takes 2 arguments, but 1 was given",
    );
    // An `#elif` after `#else`.
    let d = error_of("bad.idl", "#if 0\n#else\n#elif 1\n#endif\n");
    assert_at(&d, "bad.idl", 3, 1, "`#elif` after `#else`");
}

#[test]
fn syntax_error() {
    let d = error_of(
        "bad.idl",
        &format!(
            "{HEAD}[object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c)]\ninterface IX : IUnknown\n{{\n    HRESULT F([in] LONG a LONG b);\n}}\n"
        ),
    );
    assert_at(
        &d,
        "bad.idl",
        5,
        26,
        "expected `,` or `)` after parameter `a`, found `LONG`",
    );
}

#[test]
fn unresolved_type() {
    let d = error_of(
        "bad.idl",
        &format!("{HEAD}typedef struct S {{\n    LONG a;\n    WIDGET *w;\n}} S;\n"),
    );
    assert_at(&d, "bad.idl", 4, 5, "unknown type `WIDGET`");
}

#[test]
fn missing_import() {
    let d = error_of("bad.idl", &format!("{HEAD}import \"nowhere.idl\";\n"));
    assert_at(&d, "bad.idl", 2, 8, "cannot find import \"nowhere.idl\"");
    assert!(
        d.notes.iter().any(|n| n.starts_with("searched: ")),
        "names the directories searched: {d}"
    );
}

#[test]
fn duplicate_definition() {
    let d = error_of(
        "bad.idl",
        &format!("{HEAD}typedef LONG COUNT;\nconst LONG N = 1;\ntypedef SHORT COUNT;\n"),
    );
    assert_at(&d, "bad.idl", 4, 15, "duplicate definition of `COUNT`");
    assert!(d.notes.iter().any(|n| n.contains("bad.idl:2:")), "{d}");
}

#[test]
fn bad_attribute_argument() {
    let d = error_of(
        "bad.idl",
        &format!(
            "{HEAD}[object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c), pointer_default(7)]\ninterface IX : IUnknown {{ }}\n"
        ),
    );
    assert_at(
        &d,
        "bad.idl",
        2,
        70,
        "attribute `pointer_default` takes a name, found number `7`",
    );
}

#[test]
fn winrt_construct() {
    let d = error_of(
        "bad.idl",
        "import \"unknwn.idl\";\n\nnamespace Windows.Foundation {\n}\n",
    );
    assert_at(
        &d,
        "bad.idl",
        3,
        1,
        "`namespace` is a WinRT namespace (Windows Runtime IDL), which idlgen does not support",
    );
}
