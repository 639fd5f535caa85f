//! The Rust back end on small inputs, one per class of construct that real files (the Windows
//! SDK's, Wine's) showed it getting wrong: what it generates, and that the result type-checks
//! and passes clippy with warnings denied (one scratch crate for every case, with checks of the
//! layout the C headers give).

mod common;

use std::path::PathBuf;

use common::typecheck::{self, ScratchCrate, rustfmt_check};
use idlgen::Options;

/// (module name, IDL): each case's input, imported from nothing but idlgen's base files.
const CASES: &[(&str, &str)] = &[
    (
        // The base files' structs that the runtime lacks (`LARGE_INTEGER`, `FILETIME`) were
        // `*mut c_void`: a by-value `LARGE_INTEGER` had the wrong ABI, a `FILETIME*` was a
        // pointer to a pointer, and a typedef of one (txlogpub's `LSN`) made a safe wrapper
        // take a raw pointer (clippy::not_unsafe_ptr_arg_deref).
        "base_structs",
        r#"
import "objidl.idl";
typedef LARGE_INTEGER LSN;
[object, uuid(6d5140c1-7436-11ce-8034-00aa006009fa)]
interface ILogLike : IUnknown
{
    HRESULT Force([in] LSN lsnMin);
    HRESULT Seek([in] LARGE_INTEGER move, [out] ULARGE_INTEGER *pos);
    HRESULT Times([in] const FILETIME *created, [out] SYSTEMTIME *when);
    // A typedef'd pointer as the retval (FunctionDiscoveryAPI.idl's `LPDWORD pdwCount`) was
    // returned as the pointer itself, passed as `&mut *mut u32` (E0308).
    HRESULT GetCount([out, retval] LPDWORD count);
}
"#,
    ),
    (
        // An interface deriving from a base file's interface other than IUnknown/IDispatch
        // (ocidl's `IPersistStreamInit : IPersist`) had a vtable starting with IUnknown's:
        // every method one slot early (here six: IMalloc's).
        "base_interfaces",
        r#"
import "objidl.idl";
[object, uuid(7fd52380-4e07-101b-ae2d-08002b2ec713)]
interface IMallocLike : IMalloc
{
    HRESULT Attach([in] IStream *stream);
}
[object, uuid(7fd52381-4e07-101b-ae2d-08002b2ec713)]
interface IMallocMore : IMallocLike
{
    HRESULT More();
}
"#,
    ),
    (
        // `#define`s in `cpp_quote`: ObjIdl.Idl defines `_WIN32_WINNT` once per `#if` branch
        // (E0428: defined multiple times); urlmon.idl writes `0x00001Bff`
        // (clippy::mixed_case_hex_literals); a macro may repeat an IDL constant.
        "cpp_defines",
        r##"
cpp_quote("#if (NTDDI_VERSION >= NTDDI_VISTA)")
cpp_quote("#define VERSION_LIKE 0x0600")
cpp_quote("#else")
cpp_quote("#define VERSION_LIKE 0x0502")
cpp_quote("#endif")
cpp_quote("#define SAME_TWICE 7")
cpp_quote("#ifndef SAME_TWICE")
cpp_quote("#define SAME_TWICE 7")
cpp_quote("#endif")
cpp_quote("#define MIXED_HEX 0x00001Bff")
cpp_quote("#define LOWER_HEX 0x00001bff")
const long ALREADY = 3;
cpp_quote("#define ALREADY 3")
"##,
    ),
    (
        // Two IDL names that fold to one Rust name (EventSys.Idl's `_NewEnum` and `NewEnum`,
        // both `get_new_enum`): E0592, duplicate definitions, in the wrappers and `_Impl`.
        "folded_names",
        r#"
import "oaidl.idl";
[object, dual, oleautomation, uuid(7fd52384-4e07-101b-ae2d-08002b2ec713)]
interface IFolded : IDispatch
{
    [id(-4), propget, restricted] HRESULT _NewEnum([out, retval] IUnknown **ppUnkEnum);
    [id(1), propget] HRESULT NewEnum([out, retval] IUnknown **ppEnum);
    [id(2)] HRESULT GetURL([out, retval] BSTR *url);
    [id(3)] HRESULT GetUrl([out, retval] BSTR *url);
    // A retval named `v` (dxgi1_6's IXMLAttribute): the thunk's `Ok(v)` hid it (E0599).
    [id(4), propget] HRESULT Value([out, retval] BSTR *v);
    [id(5), propget] HRESULT Flag([out, retval] VARIANT_BOOL *v);
}
// An enum value named `None` (xamlom.idl) hid `Option::None` from the DISPID tables (E0308);
// a null handle constant (MMC.Idl's `MMCLV_NOPTR`) was `0isize as *mut c_void` (zero_ptr).
typedef enum PreludeLike { None = 0, Some = 1 } PreludeLike;
typedef void *HTHING;
const HTHING NOTHING = 0;
[uuid(7fd52385-4e07-101b-ae2d-08002b2ec713)]
dispinterface DFolded
{
properties:
    [id(1)] long Value;
methods:
    [id(2)] long get_Value();
}
"#,
    ),
];

fn bindings(name: &str, idl: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("rust-codegen");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(format!("{name}.idl"));
    std::fs::write(&path, idl).expect("write IDL");
    typecheck::bindings(&path, &Options::default(), false)
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

fn case(name: &str) -> String {
    let (_, idl) = CASES
        .iter()
        .find(|(n, _)| *n == name)
        .expect("a case of that name");
    bindings(name, idl)
}

#[test]
fn base_file_structs_are_generated_not_raw_pointers() {
    let code = case("base_structs");
    for want in [
        "pub struct _LARGE_INTEGER {",
        "pub type LARGE_INTEGER = _LARGE_INTEGER;",
        "pub struct _ULARGE_INTEGER {",
        "pub struct _FILETIME {",
        "pub struct _SYSTEMTIME {",
        "pub type LSN = LARGE_INTEGER;",
        "lsnMin: LSN",
        "r#move: LARGE_INTEGER",
        "pos: &mut ULARGE_INTEGER",
        "created: *const FILETIME",
        "pub fn force(&self, lsn_min: LSN)",
        "pub fn get_count(&self) -> idlgen_runtime::Result<u32>",
    ] {
        assert!(code.contains(want), "no `{want}` in:\n{code}");
    }
    assert!(
        !code.contains("*mut *mut ::core::ffi::c_void"),
        "a base struct is still a raw pointer:\n{code}"
    );
    // The runtime's own types stay the runtime's.
    assert!(!code.contains("pub struct _GUID"), "{code}");
}

#[test]
fn interfaces_deriving_from_base_file_interfaces_keep_their_slots() {
    let code = case("base_interfaces");
    for want in [
        "pub struct IMallocLike(IMalloc);",
        "pub base__: IMalloc_Vtbl,",
        "pub struct IMallocMore(IMallocLike);",
        "pub base__: IMallocLike_Vtbl,",
        "pub struct IMalloc(idlgen_runtime::IUnknown);",
        "pub HeapMinimize:",
    ] {
        assert!(code.contains(want), "no `{want}` in:\n{code}");
    }
    // Only as bases: an interface used as a parameter (`IStream *`) is not generated.
    assert!(!code.contains("pub struct IStream("), "{code}");
}

#[test]
fn cpp_quote_defines_are_defined_once() {
    let code = case("cpp_defines");
    assert!(!code.contains("VERSION_LIKE"), "{code}");
    assert_eq!(
        code.matches("pub const SAME_TWICE: i32 = 7;").count(),
        1,
        "{code}"
    );
    assert!(
        code.contains("pub const MIXED_HEX: i32 = 0x00001BFF;"),
        "{code}"
    );
    assert!(
        code.contains("pub const LOWER_HEX: i32 = 0x00001bff;"),
        "{code}"
    );
    assert_eq!(code.matches("pub const ALREADY:").count(), 1, "{code}");
}

#[test]
fn methods_whose_names_fold_to_one_get_one_each() {
    let code = case("folded_names");
    for want in [
        "pub fn get_new_enum(&self)",
        "pub fn get_new_enum_(&self)",
        "pub fn get_url(&self)",
        "pub fn get_url_(&self)",
        "fn get_new_enum_(&self)",
        "fn get_value_(&self)",
    ] {
        assert!(code.contains(want), "no `{want}` in:\n{code}");
    }
    assert!(code.contains("pub const None_: PreludeLike = 0;"), "{code}");
    assert!(
        code.contains("pub const NOTHING: HTHING = ::core::ptr::null_mut();"),
        "{code}"
    );
    // The DISPID tables keep the IDL names.
    assert!(code.contains("propget(\"_NewEnum\", "), "{code}");
    assert!(code.contains("propget(\"NewEnum\", "), "{code}");
}

/// `--with-imports` on a base file itself (`idlgen rust --with-imports OAIdl.Idl`, the SDK's)
/// emits that file's declarations, not only those of the user files it imports.
#[test]
fn with_imports_keeps_a_base_file_input() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("rust-codegen-base");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    std::fs::write(
        dir.join("helper.idl"),
        "import \"unknwn.idl\";\n[object, uuid(7fd52382-4e07-101b-ae2d-08002b2ec713)]\n\
         interface IHelper : IUnknown { HRESULT Help(); }\n",
    )
    .expect("write helper.idl");
    // Named like a base file: its items are the base set's, as an SDK's own oaidl.idl's are.
    let path = dir.join("oaidl.idl");
    std::fs::write(
        &path,
        "import \"helper.idl\";\n[object, uuid(7fd52383-4e07-101b-ae2d-08002b2ec713)]\n\
         interface IBaseLike : IHelper { HRESULT Own(); }\n\
         [object, uuid(00020400-0000-0000-C000-000000000046)]\n\
         interface IDispatch : IUnknown { HRESULT GetTypeInfoCount([out] UINT *pctinfo); }\n",
    )
    .expect("write oaidl.idl");
    let code =
        typecheck::bindings(&path, &Options::default(), true).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(code.contains("pub struct IBaseLike(IHelper);"), "{code}");
    // IDispatch stays the runtime's, though this base file declares it.
    assert!(!code.contains("pub struct IDispatch("), "{code}");
    assert!(code.contains("pub struct IHelper("), "{code}");
}

/// Every case's bindings are rustfmt-clean, type-check and pass clippy; the vtables and structs
/// have the C headers' layout (x64: 8-byte slots).
#[test]
fn every_case_type_checks_with_the_c_layout() {
    let mut files: Vec<(String, String)> = Vec::new();
    for (name, idl) in CASES {
        let code = bindings(name, idl);
        if let Err(e) = rustfmt_check(&code) {
            panic!("{name}: not rustfmt-clean:\n{e}");
        }
        files.push((name.to_string(), code));
    }
    let layout = "\
use core::mem::{offset_of, size_of};
const SLOT: usize = size_of::<usize>();
const _: () = assert!(size_of::<super::base_structs::LARGE_INTEGER>() == 8);
const _: () = assert!(size_of::<super::base_structs::FILETIME>() == 8);
const _: () = assert!(size_of::<super::base_structs::SYSTEMTIME>() == 16);
const _: () = assert!(offset_of!(super::base_structs::ILogLike_Vtbl, Force) == 3 * SLOT);
// IUnknown 0-2, IMalloc::Alloc..HeapMinimize 3-8.
const _: () = assert!(offset_of!(super::base_interfaces::IMallocLike_Vtbl, Attach) == 9 * SLOT);
const _: () = assert!(offset_of!(super::base_interfaces::IMallocMore_Vtbl, More) == 10 * SLOT);
";
    files.push(("layout".to_string(), layout.to_string()));
    if let Err(e) = ScratchCrate::new("rust-codegen-cases").type_check(&files) {
        panic!("the cases' bindings do not type-check or pass clippy:\n{e}");
    }
}

/// CertExit.Idl writes `#define EXITEVENT_CERTISSUED ( 0x1 ) // Certificate issued`: the
/// comment is not part of the value, so the constant is generated.
#[test]
fn cpp_quote_defines_with_a_trailing_comment_are_constants() {
    let code = bindings(
        "cpp_define_comments",
        r##"
cpp_quote("#define EXITEVENT_CERTISSUED            ( 0x1 )  // Certificate issued")
cpp_quote("#define EXITEVENT_SHUTDOWN ( 0x40 ) /* service shutdown */")
cpp_quote("#define NOT_A_NUMBER ( 0x1 ) garbage // comment")
"##,
    );
    assert!(
        code.contains("pub const EXITEVENT_CERTISSUED: i32 = 0x1;"),
        "{code}"
    );
    assert!(
        code.contains("pub const EXITEVENT_SHUTDOWN: i32 = 0x40;"),
        "{code}"
    );
    assert!(!code.contains("NOT_A_NUMBER"), "{code}");
}

/// TSGPolicyEngine.idl passes `PolicyAttributes`, a `typedef DWORD PolicyAttributes[20]`, as an
/// `[in]` parameter: C passes a pointer to the first element, never the array by value (which is
/// not FFI-safe in Rust either).
#[test]
fn typedef_array_parameters_are_pointers() {
    let code = bindings(
        "typedef_array_param",
        r#"
import "unknwn.idl";
typedef DWORD Attributes[20];
[object, uuid(6d1c7e52-1b0a-4c55-9f57-3a1c0c0f0a01)]
interface IPolicy : IUnknown {
    HRESULT Check([in] Attributes attributes);
}
"#,
    );
    assert!(
        code.contains("attributes: *const u32") || code.contains("attributes: *const Attributes"),
        "{code}"
    );
    assert!(!code.contains("attributes: Attributes"), "{code}");
}

/// A member name beyond ASCII (type libraries may hold one; IDL cannot): the table carries its
/// hash index as a literal (the const fn `name_index` folds ASCII only), and still type-checks.
#[test]
fn a_name_beyond_ascii_gets_a_literal_name_index() {
    let mut model = common::model_of(
        "beyond_ascii.idl",
        r#"
import "oaidl.idl";
[object, dual, oleautomation, uuid(7fd52390-4e07-101b-ae2d-08002b2ec713)]
interface IBeyond : IDispatch
{
    [id(1), propget] HRESULT Anger([out, retval] long *v);
    [id(2)] HRESULT Plain([in] BSTR s);
}
"#,
    );
    let id = model.lookup("IBeyond").expect("IBeyond");
    let idlgen::model::ItemKind::Interface(i) = &mut model.item_mut(id).kind else {
        panic!("an interface");
    };
    i.methods[0].name = "Ärger".to_string();
    let code = idlgen::generate_rust(&model, &Default::default()).expect("generates");
    assert!(
        code.contains("propget(\"Ärger\", 1, 7, P0, VT_I4)"),
        "{code}"
    );
    assert!(
        code.contains("DispidTable::new(MEMBERS, &[]).with_name_index(&[0, 0, 1, 2])"),
        "{code}"
    );
    rustfmt_check(&code).unwrap_or_else(|e| panic!("not rustfmt-clean:\n{e}"));
    let files = [("beyond_ascii".to_string(), code)];
    if let Err(e) = ScratchCrate::new("rust-codegen-beyond-ascii").type_check(&files) {
        panic!("the bindings do not type-check or pass clippy:\n{e}");
    }
}
