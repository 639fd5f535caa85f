//! MIDL's behaviours that real SDK files rely on and idlgen follows, one test per rule, each
//! named for the rule (grammar/midl-behaviours.md lists them, with the SDK file that needs it).

use idlgen::Options;
use idlgen::model::{ItemKind, Model, Type, Value};

mod common;
use common::errors::error_of;

/// MIDL accepts this input: idlgen must load it too.
fn load(text: &str) -> Model {
    common::model_of("rules.idl", text)
}

/// The const of that name (constants are not in the type names).
fn constant<'m>(m: &'m Model, name: &str) -> &'m idlgen::model::Const {
    m.items
        .iter()
        .find_map(|i| match &i.kind {
            ItemKind::Const(c) if i.name == name => Some(c),
            _ => None,
        })
        .unwrap_or_else(|| panic!("const {name} is declared"))
}

fn interface<'m>(m: &'m Model, name: &str) -> &'m idlgen::model::Interface {
    let id = m
        .lookup(name)
        .unwrap_or_else(|| panic!("{name} is declared"));
    match &m.item(id).kind {
        ItemKind::Interface(i) => i,
        other => panic!("{name} is a {}", other.kind_name()),
    }
}

/// CertMod.Idl: `const WCHAR wszCMM_PROP_NAME[] = L"Name";`.
#[test]
fn midl_const_array_of_characters_takes_a_string() {
    let m = load(
        "import \"wtypes.idl\";\n\
         const WCHAR wszCMM_PROP_NAME[] = L\"Name\";\n\
         const CHAR szFixed[4] = \"abc\";\n",
    );
    let c = constant(&m, "wszCMM_PROP_NAME");
    assert!(
        matches!(c.value, Value::Str(ref s) if s == "Name"),
        "{:?}",
        c.value
    );
    assert!(matches!(c.ty, Type::Array(_, None)), "{:?}", c.ty);
    let c = constant(&m, "szFixed");
    assert!(matches!(c.ty, Type::Array(_, Some(4))), "{:?}", c.ty);
}

/// RrasCfg.Idl, CertMod.Idl: `interface I : IDispatch { import "oaidl.idl"; ... }`.
#[test]
fn midl_import_inside_an_interface_is_visible_before_it() {
    let m = load(
        "[object, uuid(e7d7ad42-bd3d-11d1-9a4d-00c04fc297eb), dual]\n\
         interface ICertManageModule : IDispatch\n\
         {\n\
             import \"oaidl.idl\";\n\
             HRESULT Configure([in] BSTR strConfig, [in] LONG Flags);\n\
         }\n",
    );
    let i = interface(&m, "ICertManageModule");
    assert_eq!(i.base, m.lookup("IDispatch"));
    assert_eq!(i.methods[0].slot, Some(7), "after IDispatch's seven");
}

/// ObjIdlbase.Idl: `typedef [unique] IMultiQI *LPMULTIQI;` before `interface IMultiQI`.
#[test]
fn midl_a_typedef_may_name_an_interface_defined_later() {
    let m = load(
        "import \"unknwn.idl\";\n\
         typedef [unique] IMultiQI *LPMULTIQI;\n\
         [object, uuid(00000020-0000-0000-C000-000000000046)]\n\
         interface IMultiQI : IUnknown { HRESULT QueryMultipleInterfaces([in] ULONG cMQIs); }\n",
    );
    let target = m.lookup("IMultiQI").expect("declared");
    let i = interface(&m, "IMultiQI");
    assert!(i.defined, "the later definition fills the item in");
    assert_eq!(i.methods[0].slot, Some(3));
    let ItemKind::Typedef(t) = &m.item(m.lookup("LPMULTIQI").expect("declared")).kind else {
        panic!("a typedef");
    };
    assert!(
        matches!(&t.ty, Type::Pointer { pointee, .. } if **pointee == Type::Named(target)),
        "{:?}",
        t.ty
    );
}

/// A typedef, struct or enum value used before its declaration in the same file.
#[test]
fn midl_a_type_or_constant_may_be_used_before_its_declaration() {
    let m = load(
        "import \"wtypes.idl\";\n\
         typedef PLATER_POINT POINTS_TO_LATER;\n\
         const LONG FIRST = LATER_VALUE + 1;\n\
         typedef struct { LONG x; LONG y; } LATER_POINT, *PLATER_POINT;\n\
         typedef enum { LATER_ZERO, LATER_VALUE } LATER_ENUM;\n",
    );
    let c = constant(&m, "FIRST");
    assert!(matches!(c.value, Value::Int(2)), "{:?}", c.value);
    let later = m.lookup("PLATER_POINT").expect("declared");
    let ItemKind::Typedef(t) = &m.item(m.lookup("POINTS_TO_LATER").expect("declared")).kind else {
        panic!("a typedef");
    };
    assert_eq!(t.ty, Type::Named(later));
    // Each is declared once: the walk skips what was taken ahead.
    assert_eq!(
        m.items.iter().filter(|i| i.name == "LATER_POINT").count(),
        1
    );
}

/// A name that refers back to itself through declarations ahead is still an error, not a loop.
#[test]
fn midl_declarations_ahead_that_need_each_other_are_an_error() {
    let d = error_of(
        "rules.idl",
        "import \"wtypes.idl\";\n\
         typedef LOOP_B LOOP_A;\n\
         typedef LOOP_A LOOP_B;\n",
    );
    assert!(d.message.contains("unknown type"), "{d}");
    let loc = d.location.as_ref().expect("a position");
    // Where the cycle closes: LOOP_A, taken ahead for LOOP_B, needs LOOP_B.
    assert_eq!((loc.line, loc.col), (2, 9), "{d}");
}

/// A name declared nowhere is reported where it is used, as before.
#[test]
fn midl_a_name_declared_nowhere_is_an_error_at_its_use() {
    let d = error_of(
        "rules.idl",
        "import \"unknwn.idl\";\n\
         [object, uuid(00000020-0000-0000-C000-000000000046)]\n\
         interface IUses : IUnknown { HRESULT F([in] NOWHERE x); }\n",
    );
    assert!(d.message.contains("unknown type `NOWHERE`"), "{d}");
    let loc = d.location.as_ref().expect("a position");
    assert_eq!((loc.line, loc.col), (3, 45), "{d}");
}

/// C headers the SDK's IDL #includes declare function types and pointers every way C allows:
/// CertBCli.h `typedef HRESULT (CERTBCLI_CALL FNX)(...)` (a function type), wincrypt.idl
/// `typedef int (__stdcall FARPROC)();`, ctxtcall.idl `typedef HRESULT __stdcall (*PFN)(...)`.
#[test]
fn midl_function_typedefs_with_the_calling_convention_anywhere() {
    let m = load(
        "import \"wtypes.idl\";\n\
         #define CERTBCLI_CALL __stdcall\n\
         typedef HRESULT (CERTBCLI_CALL FNCERTSRVISSERVERONLINEW)(WCHAR const *pwszServerName, BOOL *pfServerOnline);\n\
         typedef int (__stdcall FARPROC)();\n\
         typedef HRESULT __stdcall (*PFNCONTEXTCALL)(LONG *pParam);\n",
    );
    let ty = |name: &str| match &m.item(m.lookup(name).expect("declared")).kind {
        ItemKind::Typedef(t) => t.ty.clone(),
        other => panic!("{name} is a {}", other.kind_name()),
    };
    assert_eq!(ty("FNCERTSRVISSERVERONLINEW"), Type::Function);
    assert_eq!(ty("FARPROC"), Type::Function);
    assert!(
        matches!(ty("PFNCONTEXTCALL"), Type::Pointer { pointee, .. } if *pointee == Type::Function)
    );
}

/// CertBCli.h `HRESULT __declspec(dllimport) __stdcall CertSrvIsServerOnlineW(...)`, and
/// wincrypt.h's `const void * WINAPI CertCreateContext(...)` at file scope.
#[test]
fn midl_c_function_declarations_with_declspec_and_const_returns() {
    let m = load(
        "import \"wtypes.idl\";\n\
         HRESULT __declspec(dllimport) __stdcall CertSrvIsServerOnlineW(WCHAR const *pwszServerName, BOOL *pfServerOnline);\n\
         __declspec(dllimport) HRESULT __stdcall Other(void);\n\
         const void * __stdcall CertCreateContext(DWORD dwContextType);\n\
         const LONG STILL_A_CONSTANT = 1;\n",
    );
    // The constant after the C declarations is read as one.
    assert_eq!(constant(&m, "STILL_A_CONSTANT").value, Value::Int(1));
}

/// MMC.Idl: `static LPOLESTR MMC_CALLBACK = (LPOLESTR)(-1);` is a constant to MIDL.
#[test]
fn midl_static_declaration_is_a_constant() {
    let m = load("import \"wtypes.idl\";\nstatic LONG MMC_LIMIT = (LONG)(-1);\n");
    assert!(matches!(constant(&m, "MMC_LIMIT").value, Value::Int(-1)));
}

/// DocumentTarget.idl: a helpstring that goes on across a line end.
#[test]
fn midl_string_literal_may_span_lines() {
    let m = load(
        "import \"unknwn.idl\";\r\n\
         [object, uuid(1b8efec4-3019-4c27-964e-367202156906),\r\n\
          helpstring(\"allows user to enumerate\r\n     and create one\")]\r\n\
         interface ITarget : IUnknown { HRESULT F(); }\r\n",
    );
    let id = m.lookup("ITarget").expect("declared");
    assert_eq!(
        m.item(id).helpstring.as_deref(),
        Some("allows user to enumerate\n     and create one")
    );
    // A quote left open with no closing one below is still an error on its own line.
    let d = error_of(
        "rules.idl",
        "import \"unknwn.idl\";\ncpp_quote(\"open);\ntypedef LONG Y;\n",
    );
    assert!(d.message.contains("no closing"), "{d}");
    assert_eq!(d.location.as_ref().map(|l| (l.line, l.col)), Some((2, 11)));
}

/// WbemCli.Idl, WMIUtils.Idl: a library statement imports oaidl.idl (and oleidl.idl, where the
/// search path has it) by itself, so IUnknown and BSTR need no import inside it.
#[test]
fn midl_library_imports_oaidl_by_itself() {
    let m = load(
        "[uuid(7ec196fe-7005-11d1-ad90-00c04fd8fdff), version(1.0)]\n\
         library WbemLike\n\
         {\n\
             importlib(\"stdole32.tlb\");\n\
             [object, uuid(7ec196fe-7005-11d1-ad90-00c04fd8fdfe)]\n\
             interface IWbemPathKeyList : IUnknown { HRESULT GetText([out] BSTR *p); }\n\
         }\n",
    );
    let i = interface(&m, "IWbemPathKeyList");
    assert_eq!(i.base, m.lookup("IUnknown"));
    assert_eq!(i.methods[0].slot, Some(3));
    // Outside a library, nothing is imported by itself.
    let d = error_of(
        "rules.idl",
        "[object, uuid(7ec196fe-7005-11d1-ad90-00c04fd8fdfe)]\n\
         interface IAlone : IUnknown { HRESULT F(); }\n",
    );
    assert!(d.message.contains("unknown type `IUnknown`"), "{d}");
}

/// naptypes.idl `maxSoHAttributeSize / sizeof(DWORD)`; wtsdefs.h's array bound
/// `(WTS_CLIENTNAME_LENGTH + 1) * sizeof(WCHAR)`: C's sizes on the 64-bit target.
#[test]
fn midl_sizeof_in_constant_expressions() {
    let m = load(
        "import \"wtypes.idl\";\n\
         typedef struct { BYTE b; DWORD d; WCHAR w; } PADDED;\n\
         const USHORT maxSoHAttributeSize = 4000;\n\
         const USHORT perDword = maxSoHAttributeSize / sizeof(DWORD);\n\
         const LONG ptr = sizeof(void *);\n\
         const LONG padded = sizeof(PADDED);\n\
         typedef struct { BYTE name[(15 + 1) * sizeof(WCHAR)]; } NAMED;\n",
    );
    assert!(matches!(constant(&m, "perDword").value, Value::Int(1000)));
    assert!(matches!(constant(&m, "ptr").value, Value::Int(8)));
    assert!(matches!(constant(&m, "padded").value, Value::Int(12)));
    let ItemKind::Struct(r) = &m.item(m.lookup("NAMED").expect("declared")).kind else {
        panic!("a struct");
    };
    assert!(
        matches!(r.fields[0].ty, Type::Array(_, Some(32))),
        "{:?}",
        r.fields[0].ty
    );
}

/// WbemDisp.Idl: `interface ISWbemSinkEvents;` completed by `dispinterface ISWbemSinkEvents`.
#[test]
fn midl_a_dispinterface_completes_a_forward_interface() {
    let m = load(
        "import \"oaidl.idl\";\n\
         interface ISWbemSinkEvents;\n\
         typedef ISWbemSinkEvents *PSINK;\n\
         [uuid(75718ca0-f029-11d1-a1ac-00c04fb6c223)]\n\
         dispinterface ISWbemSinkEvents { properties: methods: [id(1)] void OnObjectReady(); }\n",
    );
    let id = m.lookup("ISWbemSinkEvents").expect("declared");
    assert!(matches!(m.item(id).kind, ItemKind::Dispinterface(_)));
}

/// wtsdefs.h `typedef _WTS_SMALL_RECT _WRDS_SMALL_RECT;`: a tag used as a type name.
#[test]
fn midl_a_struct_tag_may_name_its_type() {
    let m = load(
        "import \"wtypes.idl\";\n\
         typedef struct _WTS_SMALL_RECT { SHORT Left; } WTS_SMALL_RECT;\n\
         typedef _WTS_SMALL_RECT _WRDS_SMALL_RECT;\n",
    );
    let ItemKind::Typedef(t) = &m.item(m.lookup("_WRDS_SMALL_RECT").expect("declared")).kind else {
        panic!("a typedef");
    };
    let tag = *m.tags.get("_WTS_SMALL_RECT").expect("the tag is declared");
    assert_eq!(t.ty, Type::Named(tag));
}

/// UIAutomationClient.idl derives IUIAutomationTextRange3 from `IUIAutomationtextRange2`: type
/// library names are case-insensitive, and the one name that differs only in case is taken.
#[test]
fn midl_a_name_in_another_letter_case_is_the_one_declared() {
    let m = load(
        "import \"unknwn.idl\";\n\
         [object, uuid(bb9b40e0-5e04-46bd-9be0-4b601b9afad4)]\n\
         interface ITextRange2 : IUnknown { HRESULT F(); }\n\
         [object, uuid(6a315d69-5512-4c2e-85f0-53fce6dd4bc2)]\n\
         interface ITextRange3 : ItextRange2 { HRESULT G(); }\n",
    );
    assert_eq!(interface(&m, "ITextRange3").base, m.lookup("ITextRange2"));
    assert_eq!(interface(&m, "ITextRange3").methods[0].slot, Some(4));
    // Two names that match in another case: no guess, an error.
    let d = error_of(
        "rules.idl",
        "import \"wtypes.idl\";\n\
         typedef LONG Twin;\n\
         typedef LONG TWIN;\n\
         typedef twin Third;\n",
    );
    assert!(d.message.contains("unknown type `twin`"), "{d}");
}

/// wlanihvui.idl: guiddef.h reaches it twice, through an import and its own #include; the
/// same declaration again is no redefinition.
#[test]
fn midl_the_same_header_declaration_twice_is_one() {
    let dir = common::temp_dir("midl-rules");
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).expect("write");
    write(
        "guids.h",
        "typedef struct _GUIDLIKE { DWORD a; } GUIDLIKE;\n",
    );
    write(
        "first.idl",
        "import \"wtypes.idl\";\n#include \"guids.h\"\n",
    );
    write(
        "second.idl",
        "import \"wtypes.idl\";\nimport \"first.idl\";\n#include \"guids.h\"\ntypedef GUIDLIKE *PG;\n",
    );
    let loaded = idlgen::load(&[dir.join("second.idl")], &Options::default());
    let _ = std::fs::remove_dir_all(&dir);
    let m = loaded.expect("loads").model;
    assert_eq!(m.items.iter().filter(|i| i.name == "GUIDLIKE").count(), 1);
    // Written twice in one file, it is a duplicate.
    let d = error_of(
        "rules.idl",
        "import \"wtypes.idl\";\ntypedef struct _D { DWORD a; } D;\ntypedef struct _D { DWORD a; } D;\n",
    );
    assert!(d.message.contains("duplicate definition"), "{d}");
}

/// callobj.idl: `[local]` ICallFrame's `HRESULT Invoke([in] void* pvReceiver, ...)`. One slot;
/// the generated vtable field is C-variadic (MSVC makes every variadic function `__cdecl`), with
/// no wrapper and no `_Impl` (Rust cannot forward or define `...`).
#[test]
fn midl_a_local_method_may_take_a_variable_argument_list() {
    let text = "import \"unknwn.idl\";\n\
         [object, uuid(d573b4b1-894e-11d2-b8b6-00c04fb9618a), local]\n\
         interface ICallFrameLike : IUnknown\n\
         {\n\
             HRESULT Before([in] LONG x);\n\
             HRESULT Invoke([in] void *pvReceiver, ...);\n\
             HRESULT After([in] LONG y);\n\
         }\n";
    let m = load(text);
    let i = interface(&m, "ICallFrameLike");
    let slots: Vec<_> = i.methods.iter().map(|m| (m.variadic, m.slot)).collect();
    assert_eq!(slots, [(false, Some(3)), (true, Some(4)), (false, Some(5))]);
    let rust = idlgen::generate_rust(&m, &Default::default()).expect("generates");
    assert!(
        rust.contains("pub Invoke: unsafe extern \"C\" fn(\n        this: *mut ::core::ffi::c_void,\n        pvReceiver: *mut ::core::ffi::c_void,\n        ...\n    ) -> idlgen_runtime::HRESULT,"),
        "{rust}"
    );
    assert!(
        !rust.contains("fn invoke("),
        "no wrapper for a variadic method"
    );
    assert!(
        !rust.contains("ICallFrameLike_Impl"),
        "not implementable in Rust"
    );
    // Remotable, it is an error: `...` cannot be marshaled.
    let d = error_of("rules.idl", &text.replace(", local]", "]"));
    assert!(
        d.message.contains("only a [local] method or interface"),
        "{d}"
    );
    // And `...` must follow a parameter and end the list.
    let d = error_of(
        "rules.idl",
        &text.replace("[in] void *pvReceiver, ...", "..."),
    );
    assert!(d.message.contains("needs a parameter before it"), "{d}");
}
