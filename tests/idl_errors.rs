//! The IDL front end on malformed input: each error is exactly one diagnostic naming the file,
//! line and column, saying what was expected, and shown with the line and a caret under the column.
//! No input panics, overflows the stack, or runs away.

use std::path::{Path, PathBuf};

use idlgen::{Diagnostic, Input, Loaded, Options};

mod common;
use common::errors::{assert_at, only_error as the_only_error};

/// Loads `text` as a file named `name`.
fn load_source(name: &str, text: &str, opts: &Options) -> idlgen::Result<Loaded> {
    idlgen::load([Input::idl_text(name, text)], opts)
}

/// Loads files.
fn load_files(inputs: &[PathBuf], opts: &Options) -> idlgen::Result<Loaded> {
    idlgen::load(inputs, opts)
}

/// Loads `text` as `test.idl` through the front end and returns its only diagnostic.
fn only_error_with(text: &str, opts: &Options) -> Diagnostic {
    the_only_error(load_source("test.idl", text, opts), text)
}

fn only_error(text: &str) -> Diagnostic {
    only_error_with(text, &Options::default())
}

fn test_idl() -> &'static Path {
    Path::new("test.idl")
}

#[test]
fn missing_semicolon_after_method() {
    // The caret stands just after the method declaration's closing `)`, where the `;` belongs;
    // the message names the token found instead (the next method's return type).
    let d = only_error(
        "[object, uuid(00000000-0000-0000-0000-000000000001)]\n\
         interface IFoo : IUnknown\n\
         {\n\
         \x20   HRESULT First([in] LONG a)\n\
         \x20   HRESULT Second();\n\
         }\n",
    );
    assert_at(
        &d,
        test_idl(),
        4,
        31,
        "expected `;` after method declaration, found `HRESULT`",
    );
    assert_eq!(d.label.as_deref(), Some("expected `;` here"));
}

#[test]
fn missing_comma_between_parameters() {
    let d = only_error("interface I {\n    HRESULT F([in] LONG a LONG b);\n}\n");
    assert_at(
        &d,
        test_idl(),
        2,
        26,
        "expected `,` or `)` after parameter `a`, found `LONG`",
    );
}

#[test]
fn unterminated_string() {
    let d = only_error("typedef LONG X;\ncpp_quote(\"abc);\ntypedef LONG Y;\n");
    assert_at(
        &d,
        test_idl(),
        2,
        11,
        "unterminated string literal: no closing `\"` on this line",
    );
}

#[test]
fn unterminated_string_in_skipped_code_is_fine() {
    let p = load_source(
        "test.idl",
        "#if 0\n#error don't stop here\ncpp_quote(\"abc);\n#endif\ntypedef long X;\n",
        &Options::default(),
    );
    assert!(p.is_ok(), "{:?}", p.err().map(|e| e.to_string()));
}

#[test]
fn unknown_attribute() {
    let d = only_error("[object, fooo]\ninterface IFoo { }\n");
    assert_at(&d, test_idl(), 1, 10, "unknown attribute `fooo`");
    assert_eq!(d.location.as_ref().map(|l| l.width), Some(4));

    let d = only_error("[helpstrin(\"x\")] interface IFoo { }\n");
    assert_at(&d, test_idl(), 1, 2, "unknown attribute `helpstrin`");
    assert_eq!(d.notes, ["did you mean `helpstring`?"]);
}

#[test]
fn malformed_uuid() {
    const MESSAGE: &str = "malformed uuid: expected 8-4-4-4-12 hex digits";
    let cases = [
        // A short last group.
        "[object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b8)] interface I { }\n",
        // Not hex.
        "[object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b8zz)] interface I { }\n",
        // One number.
        "[object, uuid(1234)] interface I { }\n",
        // Quoted, still wrong.
        "[object, uuid(\"4ba9eb90-732c-11d0-8816\")] interface I { }\n",
    ];
    for text in cases {
        let d = only_error(text);
        assert_at(&d, test_idl(), 1, 15, MESSAGE);
    }
}

#[test]
fn bad_attribute_argument() {
    let d = only_error("interface IFoo {\n    [id(\"x\")] HRESULT F();\n}\n");
    assert_at(
        &d,
        test_idl(),
        2,
        9,
        "attribute `id` takes an integer expression, found string \"x\"",
    );

    let d = only_error("[helpstring(5)] interface IFoo { }\n");
    assert_at(
        &d,
        test_idl(),
        1,
        13,
        "attribute `helpstring` takes a string, found number `5`",
    );

    let d = only_error("[in(3)] interface IFoo { }\n");
    assert_at(&d, test_idl(), 1, 4, "attribute `in` takes no arguments");

    let d = only_error("[pointer_default(shared)] interface IFoo { }\n");
    assert_at(
        &d,
        test_idl(),
        1,
        18,
        "`shared` is not a valid argument of `pointer_default`: expected one of `ref`, `unique`, `ptr`",
    );

    let d = only_error("[version(1.0.0)] library L { }\n");
    assert_at(
        &d,
        test_idl(),
        1,
        10,
        "malformed version `1.0.0`: expected MAJOR.MINOR, each at most 65535",
    );
}

/// A throwaway directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("idlgen-errors-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("write file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn import_not_found() {
    let inc = TempDir::new("missing-import");
    let opts = Options::new().include_dir(&inc.0);
    let d = only_error_with("import \"oaidl.idl\";\nimport \"nothere.idl\";\n", &opts);
    assert_at(&d, test_idl(), 2, 8, "cannot find import \"nothere.idl\"");
    let here = std::fs::canonicalize(".").expect("cwd");
    let inc_dir = std::fs::canonicalize(&inc.0).expect("temp dir");
    assert_eq!(
        d.notes[0],
        format!("searched: `{}`, `{}`", here.display(), inc_dir.display())
    );
    assert_eq!(
        d.notes[1],
        "the built-in base files (wtypesbase.idl, wtypes.idl, unknwn.idl, objidl.idl, oaidl.idl) have no `nothere.idl`"
    );
    let shown = d.to_string();
    assert!(
        shown.contains(&format!("= searched: `{}`", here.display())),
        "{shown}"
    );
}

#[test]
fn include_not_found() {
    let d = only_error("#include \"sal.h\"\n");
    assert_at(&d, test_idl(), 1, 10, "cannot find include file \"sal.h\"");
}

#[test]
fn error_directive() {
    let d = only_error("#if 1\n#error Windows 3.1 is not supported\n#endif\n");
    assert_at(&d, test_idl(), 2, 1, "#error Windows 3.1 is not supported");
}

#[test]
fn unterminated_comment() {
    let d = only_error("typedef LONG X;\n  /* never closed\ntypedef LONG Y;\n");
    assert_at(
        &d,
        test_idl(),
        2,
        3,
        "unterminated comment: this `/*` has no closing `*/`",
    );
}

#[test]
fn unbalanced_conditionals() {
    let d = only_error("typedef LONG A;\n#if defined(__midl)\ntypedef LONG X;\n");
    assert_at(
        &d,
        test_idl(),
        2,
        1,
        "unterminated conditional: this `#if` has no matching `#endif` in this file",
    );

    let d = only_error("typedef LONG A;\n#endif\n");
    assert_at(&d, test_idl(), 2, 1, "`#endif` without a matching `#if`");

    let d = only_error("#ifdef X\n#else\n#else\n#endif\n");
    assert_at(&d, test_idl(), 3, 1, "`#else` after `#else`");

    let d = only_error("#if 1\n#else\n#elif 1\n#endif\n");
    assert_at(&d, test_idl(), 3, 1, "`#elif` after `#else`");
}

#[test]
fn conditional_must_close_in_its_own_file() {
    let dir = TempDir::new("open-if");
    dir.write("open.h", "#ifndef OPEN_H\n#define OPEN_H\n");
    let main = dir.write("main.idl", "#include \"open.h\"\n#endif\n");
    let err = load_files(&[main], &Options::default()).expect_err("unbalanced");
    assert_eq!(err.diagnostics.len(), 1);
    let d = &err.diagnostics[0];
    assert_at(
        d,
        dir.0.join("open.h"),
        1,
        1,
        "unterminated conditional: this `#if` has no matching `#endif` in this file",
    );
}

#[test]
fn error_in_an_included_file_points_into_it() {
    let dir = TempDir::new("included");
    dir.write("types.h", "typedef LONG A;\ntypedef struct { LONG x } S;\n");
    let main = dir.write("main.idl", "#include \"types.h\"\ntypedef LONG B;\n");
    let err = load_files(&[main], &Options::default()).expect_err("bad header");
    assert_eq!(err.diagnostics.len(), 1);
    assert_at(
        &err.diagnostics[0],
        dir.0.join("types.h"),
        2,
        24,
        "expected `;` after field declaration, found `}`",
    );
}

#[test]
fn error_in_an_imported_file_points_into_it() {
    let dir = TempDir::new("imported");
    dir.write("base.idl", "interface IBase {\n    HRESULT F(;\n}\n");
    let main = dir.write("main.idl", "import \"base.idl\";\n");
    let err = load_files(&[main], &Options::default()).expect_err("bad import");
    assert_eq!(err.diagnostics.len(), 1);
    assert_at(
        &err.diagnostics[0],
        dir.0.join("base.idl"),
        2,
        15,
        "expected a parameter type, found `;`",
    );
}

#[test]
fn end_of_file_inside_an_interface() {
    let d = only_error("interface IFoo {\n    HRESULT F();\n");
    assert_at(
        &d,
        test_idl(),
        2,
        17,
        "expected `}` to close interface `IFoo`, found end of file",
    );
}

#[test]
fn function_like_macro_errors() {
    let d = only_error("#define F(x, y) x + y\nconst LONG A = F(1);\n");
    assert_at(
        &d,
        test_idl(),
        2,
        16,
        "macro `F` takes 2 arguments, but 1 was given",
    );
    let d = only_error("#define F(x) x\nconst LONG A = F(1;\n");
    assert_at(
        &d,
        test_idl(),
        2,
        16,
        "unterminated argument list for macro `F`: no closing `)`",
    );
    let d = only_error("#define F(x) x ##\nconst LONG A = F(1);\n");
    assert_at(
        &d,
        test_idl(),
        2,
        16,
        "`##` cannot stand at either end of macro `F`",
    );
}

#[test]
fn preprocessor_expression_errors() {
    let d = only_error("#if 1 / 0\n#endif\n");
    assert_at(&d, test_idl(), 1, 7, "division by zero in `#if` expression");

    let d = only_error("#if (1\n#endif\n");
    assert_at(
        &d,
        test_idl(),
        1,
        1,
        "expected `)` to close `(` in `#if` expression, found the end of the line",
    );

    let d = only_error("#foo bar\n");
    assert_at(
        &d,
        test_idl(),
        1,
        1,
        "unknown preprocessor directive `#foo`",
    );
}

#[test]
fn invalid_types_and_numbers() {
    let d = only_error("typedef unsigned float X;\n");
    assert_at(&d, test_idl(), 1, 9, "`unsigned float` is not a valid type");

    let d = only_error("const LONG X = 09;\n");
    assert_at(&d, test_idl(), 1, 16, "`09` is not a valid octal number");

    let d = only_error("const LONG X = 0x1FFFFFFFFFFFFFFFF;\n");
    assert_at(
        &d,
        test_idl(),
        1,
        16,
        "`0x1FFFFFFFFFFFFFFFF` is too large for a 64-bit integer",
    );

    let d = only_error("enum E { A = 1 B = 2 };\n");
    assert_at(
        &d,
        test_idl(),
        1,
        15,
        "expected `,` or `}` after enumerator `A`, found `B`",
    );
}

/// One error starting `message_start`, with a position: the input stops at a limit instead of
/// running away (how long it takes is benches/' business, not a test's).
fn assert_single_error(text: &str, message_start: &str) {
    let d = only_error(text);
    assert!(
        d.message.starts_with(message_start),
        "expected `{message_start}...`, got:\n{d}"
    );
    assert!(d.location.is_some());
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let nested = "declarations or expressions nested more than 256 deep";
    assert_single_error(
        &format!(
            "const LONG A = {}1{};",
            "(".repeat(100_000),
            ")".repeat(100_000)
        ),
        nested,
    );
    assert_single_error(&format!("const LONG A = {}1;", "-".repeat(100_000)), nested);
    assert_single_error(
        &format!(
            "typedef {} LONG x; {} S;",
            "struct { ".repeat(50_000),
            "} y; ".repeat(50_000)
        ),
        nested,
    );
    assert_single_error(
        &format!(
            "typedef SAFEARRAY({}LONG{}) X;",
            "SAFEARRAY(".repeat(50_000),
            ")".repeat(50_000)
        ),
        nested,
    );
}

#[test]
fn runaway_macros_and_includes_stop() {
    let mut doubling = String::new();
    for k in 0..40 {
        doubling.push_str(&format!("#define M{} M{k} M{k}\n", k + 1));
    }
    doubling.push_str("const LONG A = M40;\n");
    assert_single_error(&doubling, "more than");

    let mut empty = String::from("#define M0\n");
    for k in 0..10 {
        empty.push_str(&format!(
            "#define M{} {}\n",
            k + 1,
            format!("M{k} ").repeat(100)
        ));
    }
    empty.push_str("const LONG A = 1 M10;\n");
    assert_single_error(&empty, "more than 1000000 macro expansions");

    let dir = TempDir::new("self-include");
    let me = dir.write("self.idl", "#include \"self.idl\"\n");
    let err = load_files(&[me], &Options::default()).expect_err("self include");
    assert_eq!(err.diagnostics.len(), 1);
    assert!(
        err.diagnostics[0]
            .message
            .starts_with("`#include` nested more than 200 deep"),
        "{err}"
    );
}

/// A small deterministic generator, so the mutation test needs no dependency and repeats.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

const SAMPLE: &str = r#"
#define COUNT 4
#if defined(__midl) && __midl >= 501
import "oaidl.idl";
#endif
[object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c), dual, helpstring("x"), pointer_default(unique)]
interface ISample : IDispatch
{
    typedef [v1_enum] enum { A = 1 << 2, B = (A | 0x10), C = 'c' } E;
    typedef struct { LONG x : 3; [size_is(COUNT)] BYTE *p; union { LONG l; } u; } S;
    typedef HRESULT (__stdcall *PFN)([in] LONG a);
    [id(1), propget] HRESULT Value([out, retval] VARIANT *pv);
    HRESULT Set([in] BSTR const s, [in] const VARIANT *v, [in] SAFEARRAY(BSTR) names);
    const LONG K = sizeof(GUID) + (DWORD)-1 ? 1 : 2;
    cpp_quote("/* \"quoted\" */")
};
[uuid(372fce32-4324-11d0-8810-00a0c903b83c), version(1.0)]
library L { importlib("stdole2.tlb"); coclass CSample { [default] interface ISample; }; };
"#;

#[test]
fn mutated_sources_never_panic() {
    let alphabet: Vec<char> = "()[]{};,:*&<>=\"'#/\\-+x0aZ_ \n\t.".chars().collect();
    let mut rng = Lcg(0x1d1_9e4);
    let mut errors = 0;
    for _ in 0..300 {
        let mut text: Vec<char> = SAMPLE.chars().collect();
        for _ in 0..1 + rng.next(4) {
            let at = rng.next(text.len());
            match rng.next(3) {
                0 => {
                    text.remove(at);
                }
                1 => text.insert(at, alphabet[rng.next(alphabet.len())]),
                _ => text[at] = alphabet[rng.next(alphabet.len())],
            }
        }
        let text: String = text.into_iter().collect();
        if let Err(e) = load_source("fuzz.idl", &text, &Options::default()) {
            assert_eq!(e.diagnostics.len(), 1, "{e}");
            let d = &e.diagnostics[0];
            assert!(!d.message.contains("internal error"), "{d}\n{text}");
            assert!(d.location.is_some(), "no location: {d}\n{text}");
            errors += 1;
        }
    }
    // The mutations reach the error paths (the sample itself loads).
    assert!(load_source("fuzz.idl", SAMPLE, &Options::default()).is_ok());
    assert!(errors > 0, "no mutation gave an error");
}
