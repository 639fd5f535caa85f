//! The IDL front end on well-formed input: every construct, the preprocessor, the embedded base
//! files, and import search.

use std::fs;
use std::path::{Path, PathBuf};

use super::ast::*;
use super::{Options, Parsed, builtin_files, load_files, load_source};

fn parse_with(text: &str, opts: &Options) -> Parsed {
    match load_source("test.idl", text, opts) {
        Ok(p) => p,
        Err(e) => panic!("parse failed:\n{e}"),
    }
}

/// `text` as `name`, loaded and resolved through the library's front door.
fn resolve_source(name: &str, text: &str) -> crate::Result<crate::Loaded> {
    crate::load([crate::Input::idl_text(name, text)], &crate::Options::new())
}

fn parse(text: &str) -> Parsed {
    parse_with(text, &Options::default())
}

/// The items of the (single) input file.
fn items(text: &str) -> Vec<Item> {
    let p = parse(text);
    root_items(&p).to_vec()
}

fn root_items(p: &Parsed) -> &[Item] {
    let root = p.roots[0];
    &p.files
        .iter()
        .find(|f| f.id == root)
        .expect("root parsed")
        .items
}

/// The file name of file `id`.
fn name_of(p: &Parsed, id: crate::diag::FileId) -> String {
    let path = p.sources.path(id).expect("path");
    path.file_name()
        .expect("name")
        .to_string_lossy()
        .to_string()
}

fn file_names(p: &Parsed) -> Vec<String> {
    p.files.iter().map(|f| name_of(p, f.id)).collect()
}

fn interface(item: &Item) -> &Interface {
    match item {
        Item::Interface(i) => i,
        other => panic!("expected an interface, got {other:?}"),
    }
}

fn methods(i: &Interface) -> Vec<&Method> {
    i.body
        .iter()
        .filter_map(|m| match m {
            InterfaceMember::Method(m) => Some(m),
            _ => None,
        })
        .collect()
}

fn attr<'a>(attrs: &'a [Attribute], name: &str) -> &'a Attribute {
    attrs
        .iter()
        .find(|a| a.name.name == name)
        .unwrap_or_else(|| panic!("no attribute `{name}` in {attrs:?}"))
}

fn attr_names(attrs: &[Attribute]) -> Vec<&str> {
    attrs.iter().map(|a| a.name.name.as_str()).collect()
}

fn named(ty: &TypeRef) -> &str {
    match &ty.spec {
        TypeSpec::Named(n) => &n.name,
        other => panic!("expected a named type, got {other:?}"),
    }
}

fn int(e: &Expr) -> i128 {
    match e {
        Expr::Int(v, _) => *v,
        Expr::Unary(UnaryOp::Neg, inner, _) => -int(inner),
        other => panic!("expected an integer, got {other:?}"),
    }
}

fn typedef(item: &Item) -> &Typedef {
    match item {
        Item::Typedef(t) => t,
        other => panic!("expected a typedef, got {other:?}"),
    }
}

fn constant(item: &Item) -> &Const {
    match item {
        Item::Const(c) => c,
        other => panic!("expected a const, got {other:?}"),
    }
}

fn uuid_of(a: &Attribute) -> (u32, u16, u16, [u8; 8]) {
    match &a.args[..] {
        [AttrArg::Uuid(u)] => (u.data1, u.data2, u.data3, u.data4),
        other => panic!("expected a uuid, got {other:?}"),
    }
}

const CERTIF_LIKE: &str = r##"
#include <winapifamily.h>
import "wtypes.idl";
import "oaidl.idl";

#pragma region Desktop Family
cpp_quote("#define ENUMEXT_OBJECTID (0x1)")

[
    object,
    uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c),
    dual,
    helpstring("ICertServerExit Interface"),
    pointer_default(unique)
]
interface ICertServerExit: IDispatch
{
    import "oaidl.idl";

    HRESULT SetContext(
        [in] LONG Context);

    HRESULT GetRequestProperty(
        [in] BSTR const strPropertyName,
        [in] LONG PropertyType,
        [out, retval] VARIANT *pvarPropertyValue);

    HRESULT SetCertificateProperty(
        [in] BSTR const strPropertyName,
        [in] LONG PropertyType,
        [in] VARIANT const *pvarPropertyValue);

    HRESULT SetCertificateExtension(
        [in] BSTR const strExtensionName,
        [in] LONG Type,
        [in] LONG ExtFlags,
        [in] const VARIANT *pvarValue);

    HRESULT EnumerateExtensionsClose();
};
#pragma endregion
"##;

/// A `winapifamily.h` like the SDK's, for `#include <winapifamily.h>` through `-I`.
fn sdk_dir() -> tempfile_lite::TempDir {
    let dir = tempfile_lite::TempDir::new("sdk");
    dir.write(
        "winapifamily.h",
        "#ifndef _INC_WINAPIFAMILY\n#define _INC_WINAPIFAMILY\n\
         #define WINAPI_PARTITION_DESKTOP 0x00000001\n\
         #define WINAPI_FAMILY_DESKTOP_APP WINAPI_PARTITION_DESKTOP\n\
         #endif\n",
    );
    dir
}

#[test]
fn certif_style_interface() {
    let sdk = sdk_dir();
    let opts = Options {
        include_dirs: vec![sdk.path().to_path_buf()],
        ..Options::default()
    };
    let p = parse_with(CERTIF_LIKE, &opts);
    let items = root_items(&p);
    assert!(matches!(&items[0], Item::Import(v) if v[0].value == "wtypes.idl"));
    assert!(matches!(&items[2], Item::CppQuote(s) if s.value == "#define ENUMEXT_OBJECTID (0x1)"));
    let i = interface(&items[3]);
    assert_eq!(i.name.name, "ICertServerExit");
    assert_eq!(i.base.as_ref().map(|b| b.name.as_str()), Some("IDispatch"));
    assert_eq!(
        attr_names(&i.attrs),
        ["object", "uuid", "dual", "helpstring", "pointer_default"]
    );
    assert_eq!(
        uuid_of(attr(&i.attrs, "uuid")),
        (
            0x4ba9eb90,
            0x732c,
            0x11d0,
            [0x88, 0x16, 0x00, 0xa0, 0xc9, 0x03, 0xb8, 0x3c]
        )
    );
    assert!(
        matches!(&i.body[0], InterfaceMember::Item(Item::Import(v)) if v[0].value == "oaidl.idl")
    );
    let ms = methods(i);
    assert_eq!(ms.len(), 5);
    assert_eq!(ms[0].name.name, "SetContext");
    assert_eq!(named(&ms[0].ret), "HRESULT");

    // `[in] BSTR const strX`: const on the BSTR itself, no pointer.
    let p0 = &ms[1].params[0];
    assert_eq!(attr_names(&p0.attrs), ["in"]);
    assert_eq!(named(&p0.ty), "BSTR");
    assert!(p0.ty.is_const);
    assert!(p0.ty.pointers.is_empty());
    assert_eq!(
        p0.name.as_ref().map(|n| n.name.as_str()),
        Some("strPropertyName")
    );

    let retval = &ms[1].params[2];
    assert_eq!(attr_names(&retval.attrs), ["out", "retval"]);
    assert_eq!(named(&retval.ty), "VARIANT");
    assert_eq!(
        retval.ty.pointers.iter().collect::<Vec<_>>(),
        [PointerLevel { is_const: false }]
    );
    assert!(!retval.ty.is_const);

    // `VARIANT const *p` and `const VARIANT *p` are the same type.
    let a = &ms[2].params[2].ty;
    let b = &ms[3].params[3].ty;
    for t in [a, b] {
        assert_eq!(named(t), "VARIANT");
        assert!(t.is_const);
        assert_eq!(
            t.pointers.iter().collect::<Vec<_>>(),
            [PointerLevel { is_const: false }]
        );
    }
    assert!(ms[4].params.is_empty());

    // Every file once, imports first; the -I header was read from disk.
    let names = file_names(&p);
    assert_eq!(
        names,
        [
            "wtypesbase.idl",
            "wtypes.idl",
            "unknwn.idl",
            "objidl.idl",
            "oaidl.idl",
            "test.idl"
        ]
    );
    assert_eq!(p.read, [sdk.path().join("winapifamily.h")]);
    // The source map holds exactly the files read: five embedded, the input, the header.
    assert_eq!(p.sources.files().count(), 7);
}

#[test]
fn forward_declarations() {
    let items = items(
        "interface IFoo;\ndispinterface DFoo;\ncoclass CFoo;\ntypedef [unique] IFoo *LPFOO;\n",
    );
    let kinds: Vec<(ForwardKind, &str)> = items
        .iter()
        .filter_map(|i| match i {
            Item::Forward(f) => Some((f.kind, f.name.name.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (ForwardKind::Interface, "IFoo"),
            (ForwardKind::Dispinterface, "DFoo"),
            (ForwardKind::Coclass, "CFoo")
        ]
    );
    let t = typedef(&items[3]);
    assert_eq!(attr_names(&t.attrs), ["unique"]);
    assert_eq!(t.declarators[0].name.name, "LPFOO");
    assert_eq!(t.declarators[0].ty.pointers.len(), 1);
}

#[test]
fn interface_body_items() {
    let items = items(
        r##"
        [object, uuid(00000000-0000-0000-0000-000000000001), local]
        interface IBody : IUnknown
        {
            import "unknwn.idl";
            typedef struct { LONG x; } POINTISH;
            const LONG MAX_THINGS = 10;
            cpp_quote("// hello")
            typedef enum { A, B } AB;
            [propget, id(1), helpstring("Count")] HRESULT Count([out, retval] LONG *p);
            [propput, id(1)] HRESULT Count([in] LONG v);
            HRESULT STDMETHODCALLTYPE Conv(void);
            HRESULT __stdcall Conv2([in] void * __RPC_FAR *pp);
            void *Alloc([in] SIZE_T cb);
            HRESULT Unnamed([in] LONG, [out] BSTR *);
        }
        "##,
    );
    let i = interface(&items[0]);
    let kinds: Vec<&str> = i
        .body
        .iter()
        .map(|m| match m {
            InterfaceMember::Method(_) => "method",
            InterfaceMember::Item(Item::Import(_)) => "import",
            InterfaceMember::Item(Item::Typedef(_)) => "typedef",
            InterfaceMember::Item(Item::Const(_)) => "const",
            InterfaceMember::Item(Item::CppQuote(_)) => "cpp_quote",
            InterfaceMember::Item(_) => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "import",
            "typedef",
            "const",
            "cpp_quote",
            "typedef",
            "method",
            "method",
            "method",
            "method",
            "method",
            "method"
        ]
    );
    let ms = methods(i);
    assert_eq!(attr_names(&ms[0].attrs), ["propget", "id", "helpstring"]);
    assert!(matches!(
        &attr(&ms[0].attrs, "id").args[..],
        [AttrArg::Expr(Expr::Int(1, _))]
    ));
    assert_eq!(
        ms[2].callconv.as_ref().map(|c| c.name.as_str()),
        Some("STDMETHODCALLTYPE")
    );
    assert!(ms[2].params.is_empty());
    assert_eq!(
        ms[3].callconv.as_ref().map(|c| c.name.as_str()),
        Some("__stdcall")
    );
    // `void * __RPC_FAR *pp`: two pointers, the qualifier ignored.
    assert_eq!(ms[3].params[0].ty.pointers.len(), 2);
    assert_eq!(base(&ms[3].params[0].ty), BaseType::Void);
    assert_eq!(ms[4].ret.pointers.len(), 1);
    assert!(ms[5].params.iter().all(|p| p.name.is_none()));
    assert_eq!(ms[5].params[1].ty.pointers.len(), 1);
}

fn base(ty: &TypeRef) -> BaseType {
    match &ty.spec {
        TypeSpec::Base(b) => *b,
        other => panic!("expected a base type, got {other:?}"),
    }
}

#[test]
fn base_types() {
    let items = items(
        "typedef unsigned long UL; typedef signed char SC; typedef __int64 I64;
         typedef unsigned __int64 U64; typedef long long LL; typedef unsigned long long ULL;
         typedef unsigned U; typedef small SM; typedef unsigned small USM; typedef hyper H;
         typedef unsigned hyper UH; typedef wchar_t WC; typedef unsigned short int USI;
         typedef char C; typedef unsigned char UC; typedef boolean BO; typedef byte BY;
         typedef double D; typedef float F; typedef __int3264 IP; typedef unsigned __int3264 UP;
         typedef handle_t HT; typedef error_status_t EST; typedef __int32 I32; typedef long int LI;",
    );
    use BaseType::*;
    let got: Vec<BaseType> = items.iter().map(|i| base(&typedef(i).base)).collect();
    assert_eq!(
        got,
        [
            ULong,
            SChar,
            Int64,
            UInt64,
            Int64,
            UInt64,
            UInt,
            SChar,
            UChar,
            Hyper,
            UHyper,
            WChar,
            UShort,
            Char,
            UChar,
            Boolean,
            Byte,
            Double,
            Float,
            Int3264,
            UInt3264,
            HandleT,
            ErrorStatusT,
            Int32,
            Long
        ]
    );
}

#[test]
fn typedef_declarators() {
    let items = items(
        r##"
        typedef [public, helpstring("point")] struct tagPT { LONG x; LONG y; } PT, *PPT, **PPPT, PTS[4][2];
        typedef HRESULT (__stdcall *PFNCALLBACK)([in] LONG a, [in] void *ctx);
        typedef void (*PFNVOID)(void);
        typedef LONG * const CPL;
        typedef BYTE OPEN[], STAR[*];
        "##,
    );
    let t = typedef(&items[0]);
    assert_eq!(attr_names(&t.attrs), ["public", "helpstring"]);
    let TypeSpec::Struct(s) = &t.base.spec else {
        panic!("struct")
    };
    assert_eq!(s.tag.as_ref().map(|t| t.name.as_str()), Some("tagPT"));
    assert_eq!(s.fields.as_ref().map(Vec::len), Some(2));
    let d: Vec<(&str, usize, usize)> = t
        .declarators
        .iter()
        .map(|d| (d.name.name.as_str(), d.ty.pointers.len(), d.ty.arrays.len()))
        .collect();
    assert_eq!(
        d,
        [("PT", 0, 0), ("PPT", 1, 0), ("PPPT", 2, 0), ("PTS", 0, 2)]
    );
    assert!(
        matches!(&t.declarators[3].ty.arrays[..], [ArrayDim::Fixed(a), ArrayDim::Fixed(b)] if int(a) == 4 && int(b) == 2)
    );
    assert!(t.base.pointers.is_empty());

    let f = typedef(&items[1]);
    let d = &f.declarators[0];
    assert_eq!(d.name.name, "PFNCALLBACK");
    assert_eq!(named(&d.ty), "HRESULT");
    let fp = d.function.as_ref().expect("function pointer");
    assert_eq!(
        fp.callconv.as_ref().map(|c| c.name.as_str()),
        Some("__stdcall")
    );
    assert_eq!(fp.params.len(), 2);
    assert_eq!(fp.params[1].ty.pointers.len(), 1);

    let v = typedef(&items[2]);
    let fp = v.declarators[0]
        .function
        .as_ref()
        .expect("function pointer");
    assert!(fp.callconv.is_none() && fp.params.is_empty());

    let c = typedef(&items[3]);
    assert_eq!(
        c.declarators[0].ty.pointers.iter().collect::<Vec<_>>(),
        [PointerLevel { is_const: true }]
    );

    let o = typedef(&items[4]);
    assert!(matches!(&o.declarators[0].ty.arrays[..], [ArrayDim::Open]));
    assert!(matches!(&o.declarators[1].ty.arrays[..], [ArrayDim::Star]));
}

#[test]
fn structs_and_fields() {
    let items = items(
        r##"
        struct S {
            [size_is(n)] LONG *data;
            ULONG n : 4, m : 28;
            union { LONG l; FLOAT f; };
            struct Inner { BYTE b; } inner;
            struct S *next;
        };
        struct Forwarded;
        "##,
    );
    let Item::TypeDecl(decl) = &items[0] else {
        panic!("type decl")
    };
    let TypeSpec::Struct(s) = &decl.item else {
        panic!("struct")
    };
    let fields = s.fields.as_ref().expect("fields");
    let names: Vec<Option<&str>> = fields
        .iter()
        .map(|f| f.name.as_ref().map(|n| n.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            Some("data"),
            Some("n"),
            Some("m"),
            None,
            Some("inner"),
            Some("next")
        ]
    );
    assert_eq!(attr_names(&fields[0].attrs), ["size_is"]);
    assert_eq!(fields[1].bits.as_ref().map(int), Some(4));
    assert_eq!(fields[2].bits.as_ref().map(int), Some(28));
    assert!(
        matches!(&fields[3].ty.spec, TypeSpec::Union(u) if u.arms.as_ref().map(Vec::len) == Some(2))
    );
    assert!(matches!(&fields[5].ty.spec, TypeSpec::Struct(s) if s.fields.is_none()));
    let Item::TypeDecl(fwd) = &items[1] else {
        panic!("type decl")
    };
    assert!(
        matches!(&fwd.item, TypeSpec::Struct(s) if s.fields.is_none() && s.tag.as_ref().map(|t| t.name.as_str()) == Some("Forwarded"))
    );
}

#[test]
fn unions() {
    let items = items(
        r##"
        typedef union switch (LONG kind) u {
            case 1: LONG l;
            case 2: case 3: BSTR s;
            case 4: ;
            default: ;
        } ENCAPSULATED;

        typedef [switch_type(unsigned short)] union _U {
            [case(1)] LONG l;
            [case(2, 3)] BSTR s;
            [case(4)] ;
            [default] ;
        } NONENCAPSULATED;

        typedef struct _HOLDER {
            unsigned short kind;
            [switch_is(kind)] NONENCAPSULATED u;
        } HOLDER;

        union Plain { LONG a; DOUBLE b; };
        "##,
    );
    let TypeSpec::Union(u) = &typedef(&items[0]).base.spec else {
        panic!("union")
    };
    let sw = u.switch.as_ref().expect("switch");
    assert_eq!(sw.discriminant.name, "kind");
    assert_eq!(named(&sw.ty), "LONG");
    assert_eq!(sw.union_name.as_ref().map(|n| n.name.as_str()), Some("u"));
    let arms = u.arms.as_ref().expect("arms");
    assert_eq!(arms.len(), 4);
    assert!(matches!(&arms[0].cases[..], [CaseLabel::Case(e)] if int(e) == 1));
    assert_eq!(arms[1].cases.len(), 2);
    assert!(arms[2].field.is_none());
    assert!(matches!(&arms[3].cases[..], [CaseLabel::Default]) && arms[3].field.is_none());

    let t = typedef(&items[1]);
    assert_eq!(attr_names(&t.attrs), ["switch_type"]);
    assert!(
        matches!(&attr(&t.attrs, "switch_type").args[..], [AttrArg::Type(ty)] if base(ty) == BaseType::UShort)
    );
    let TypeSpec::Union(u) = &t.base.spec else {
        panic!("union")
    };
    let arms = u.arms.as_ref().expect("arms");
    // Arms with fields keep their [case] in the field's attributes.
    assert!(arms[0].cases.is_empty());
    let f0 = arms[0].field.as_ref().expect("field");
    assert_eq!(attr_names(&f0.attrs), ["case"]);
    // Empty arms turn their [case]/[default] into labels.
    assert!(matches!(&arms[2].cases[..], [CaseLabel::Case(e)] if int(e) == 4));
    assert!(matches!(&arms[3].cases[..], [CaseLabel::Default]));

    let Item::TypeDecl(plain) = &items[3] else {
        panic!("decl")
    };
    assert!(
        matches!(&plain.item, TypeSpec::Union(u) if u.switch.is_none() && u.arms.as_ref().map(Vec::len) == Some(2))
    );
}

#[test]
fn enums_with_expressions() {
    let items = items(
        r##"
        typedef [v1_enum, helpstring("colours")] enum tagCOLOR {
            [helpstring("red")] RED = 1,
            GREEN,
            BLUE = RED << 2 | 1,
            ALL = (int)0xFFFFFFFF,
            NEG = -5,
            CHARV = 'a',
        } COLOR;
        "##,
    );
    let t = typedef(&items[0]);
    assert_eq!(attr_names(&t.attrs), ["v1_enum", "helpstring"]);
    let TypeSpec::Enum(e) = &t.base.spec else {
        panic!("enum")
    };
    let values = e.values.as_ref().expect("values");
    assert_eq!(values.len(), 6);
    assert_eq!(attr_names(&values[0].attrs), ["helpstring"]);
    assert!(values[1].value.is_none());
    let Some(Expr::Binary(BinaryOp::BitOr, lhs, one, _)) = &values[2].value else {
        panic!("bitor: {:?}", values[2].value)
    };
    assert!(
        matches!(&**lhs, Expr::Binary(BinaryOp::Shl, a, b, _) if matches!(&**a, Expr::Name(n) if n.name == "RED") && int(b) == 2)
    );
    assert_eq!(int(one), 1);
    let Some(Expr::Cast(ty, v, _)) = &values[3].value else {
        panic!("cast")
    };
    assert_eq!(base(ty), BaseType::Int);
    assert_eq!(int(v), 0xFFFF_FFFF);
    assert_eq!(values[4].value.as_ref().map(int), Some(-5));
    assert_eq!(values[5].value.as_ref().map(int), Some(97));
}

#[test]
fn consts_and_precedence() {
    let items = items(
        r##"
        const LONG A = 1 + 2 * 3;
        const LONG B = (1 + 2) * 3;
        const ULONG C = 0xFFFFFFFF;
        const LONG D = 017;
        const LONG E = 10L + 10UL + 5i64;
        const LONG F = A ? B : C == D && !E || ~A;
        const double G = 1.5e3;
        const LPCWSTR H = L"wide";
        const char *I = "a\n\t\\\"\x41\101" "b";
        const LONG J = sizeof(GUID) + (DWORD)-1;
        const VARIANT_BOOL VT = (VARIANT_BOOL)-1;
        const LONG K = (A) - 1;
        const HRESULT L = (HRESULT)0x80004005L;
        "##,
    );
    let v = |n: usize| &constant(&items[n]).value;
    // Operations on literals are folded as they are parsed: the values show the precedence.
    assert_eq!(int(v(0)), 7);
    assert_eq!(int(v(1)), 9);
    assert_eq!(int(v(2)), 0xFFFF_FFFF);
    assert_eq!(int(v(3)), 15);
    assert!(
        matches!(v(5), Expr::Ternary(c, _, no, _) if matches!(&**c, Expr::Name(_)) && matches!(&**no, Expr::Binary(BinaryOp::Or, ..)))
    );
    assert!(matches!(v(6), Expr::Float(f, _) if *f == 1500.0));
    assert!(matches!(v(7), Expr::Str(s) if s.value == "wide"));
    assert!(matches!(v(8), Expr::Str(s) if s.value == "a\n\t\\\"AAb"));
    assert_eq!(constant(&items[8]).ty.pointers.len(), 1);
    // `(DWORD)-1`: a well-known type name in parentheses before a sign is a cast.
    assert!(matches!(v(9), Expr::Binary(BinaryOp::Add, a, b, _)
        if matches!(&**a, Expr::SizeOf(t, _) if named(t) == "GUID")
            && matches!(&**b, Expr::Cast(t, e, _) if named(t) == "DWORD" && int(e) == -1)));
    assert!(matches!(v(10), Expr::Cast(t, _, _) if named(t) == "VARIANT_BOOL"));
    // `(A) - 1` is a subtraction, not a cast of `-1`.
    assert!(matches!(v(11), Expr::Binary(BinaryOp::Sub, a, _, _) if matches!(&**a, Expr::Name(_))));
    assert!(
        matches!(v(12), Expr::Cast(ty, e, _) if named(ty) == "HRESULT" && int(e) == 0x8000_4005)
    );
}

#[test]
fn safearray_and_attribute_forms() {
    let items = items(
        r##"
        [
            object,
            uuid("00020400-0000-0000-C000-000000000046"),
            async_uuid(00020401-0000-0000-C000-000000000046),
            version(1.10),
            custom(0F21F359-AB84-41E8-9A78-36D110E6D2F9, "Some.Name"),
            helpstring("part one, " "part two"),
            pointer_default(ref),
            threading(both)
        ]
        interface IForms : IUnknown
        {
            HRESULT A([in] SAFEARRAY(BSTR) names, [out] SAFEARRAY(VARIANT) *values);
            HRESULT B([in, range(0, 16384)] UINT n, [in, size_is(, n)] LONG **pp);
            HRESULT C([in, optional, defaultvalue(-1)] LONG x, [in, defaultvalue("s")] BSTR s);
            [annotation("_Check_return_")] HRESULT D([in, annotation("_In_")] LONG x);
            HRESULT E([in, system_handle(sh_file, 0x1)] HANDLE h, [in, lcid] LCID l);
        }
        "##,
    );
    let i = interface(&items[0]);
    assert_eq!(
        uuid_of(attr(&i.attrs, "uuid")),
        (0x00020400, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46])
    );
    assert_eq!(uuid_of(attr(&i.attrs, "async_uuid")).0, 0x00020401);
    assert!(matches!(
        &attr(&i.attrs, "version").args[..],
        [AttrArg::Version {
            major: 1,
            minor: 10,
            ..
        }]
    ));
    assert!(
        matches!(&attr(&i.attrs, "custom").args[..], [AttrArg::Uuid(u), AttrArg::Str(s)] if u.data1 == 0x0F21F359 && s.value == "Some.Name")
    );
    assert!(
        matches!(&attr(&i.attrs, "helpstring").args[..], [AttrArg::Str(s)] if s.value == "part one, part two")
    );
    assert!(
        matches!(&attr(&i.attrs, "pointer_default").args[..], [AttrArg::Expr(Expr::Name(n))] if n.name == "ref")
    );
    let ms = methods(i);
    assert!(matches!(&ms[0].params[0].ty.spec, TypeSpec::SafeArray(t) if named(t) == "BSTR"));
    assert!(matches!(&ms[0].params[1].ty.spec, TypeSpec::SafeArray(t) if named(t) == "VARIANT"));
    assert_eq!(ms[0].params[1].ty.pointers.len(), 1);
    assert!(
        matches!(&attr(&ms[1].params[0].attrs, "range").args[..], [AttrArg::Expr(a), AttrArg::Expr(b)] if int(a) == 0 && int(b) == 16384)
    );
    assert!(
        matches!(&attr(&ms[1].params[1].attrs, "size_is").args[..], [AttrArg::Empty(_), AttrArg::Expr(Expr::Name(n))] if n.name == "n")
    );
    assert!(
        matches!(&attr(&ms[2].params[0].attrs, "defaultvalue").args[..], [AttrArg::Expr(e)] if int(e) == -1)
    );
    assert!(
        matches!(&attr(&ms[2].params[1].attrs, "defaultvalue").args[..], [AttrArg::Expr(Expr::Str(s))] if s.value == "s")
    );
    assert_eq!(attr_names(&ms[3].attrs), ["annotation"]);
    assert!(attr(&ms[4].params[1].attrs, "lcid").args.is_empty());
    assert_eq!(attr(&ms[4].params[0].attrs, "system_handle").args.len(), 2);
}

#[test]
fn dispinterface_coclass_library_module() {
    let p = parse(
        r##"
        [uuid(372fce32-4324-11d0-8810-00a0c903b83c), version(1.0), helpstring("CertCli 1.0 Type Library")]
        library CERTCLIENTLib
        {
            importlib("stdole2.tlb");

            [uuid(00000000-0000-0000-0000-0000000000D1)]
            dispinterface DEvents
            {
                properties:
                    [id(1)] LONG Count;
                    [id(2), readonly] BSTR Name;
                methods:
                    [id(3)] void Fired([in] LONG code);
                    [id(4)] HRESULT Other();
            };

            [uuid(00000000-0000-0000-0000-0000000000D2)]
            dispinterface DWrap
            {
                interface IDispatch;
            };

            [uuid(4c4a5e40-732c-11d0-8816-00a0c903b83c), helpstring("CertServerExit Class")]
            coclass CCertServerExit
            {
                [default] interface IDispatch;
                [default, source] dispinterface DEvents;
                interface IUnknown;
            };

            [dllname("kernel32.dll"), uuid(00000000-0000-0000-0000-0000000000D3)]
            module Kernel
            {
                [entry("GetTickCount")] DWORD __stdcall GetTickCount(void);
                [entry(12)] void __stdcall Ordinal([in] LONG x);
                const LONG KERNEL_CONST = 5;
            };

            typedef enum { ONE = 1 } ENUMINLIB;
        };
        "##,
    );
    let items = root_items(&p);
    let Item::Library(lib) = &items[0] else {
        panic!("library")
    };
    assert_eq!(lib.name.name, "CERTCLIENTLib");
    // The loader puts MIDL's own import of oaidl.idl (the base set has no oleidl.idl) first.
    assert!(lib.implicit_imports);
    assert!(
        matches!(&lib.items[0], Item::Import(n) if n.iter().map(|s| s.value.as_str()).eq(["oaidl.idl"]))
    );
    let lib_items = &lib.items[1..];
    assert!(matches!(&lib_items[0], Item::ImportLib(s) if s.value == "stdole2.tlb"));
    let Item::Dispinterface(d) = &lib_items[1] else {
        panic!("dispinterface")
    };
    let DispinterfaceBody::Members {
        properties,
        methods,
    } = &d.body
    else {
        panic!("members")
    };
    assert_eq!(properties.len(), 2);
    assert_eq!(attr_names(&properties[1].attrs), ["id", "readonly"]);
    assert_eq!(methods.len(), 2);
    assert_eq!(base(&methods[0].ret), BaseType::Void);
    let Item::Dispinterface(w) = &lib_items[2] else {
        panic!("dispinterface")
    };
    assert!(matches!(&w.body, DispinterfaceBody::Interface(n) if n.name == "IDispatch"));
    let Item::Coclass(c) = &lib_items[3] else {
        panic!("coclass")
    };
    let members: Vec<(&str, bool, Vec<&str>)> = c
        .interfaces
        .iter()
        .map(|m| {
            (
                m.name.name.as_str(),
                m.is_dispinterface,
                attr_names(&m.attrs),
            )
        })
        .collect();
    assert_eq!(
        members,
        [
            ("IDispatch", false, vec!["default"]),
            ("DEvents", true, vec!["default", "source"]),
            ("IUnknown", false, vec![])
        ]
    );
    let Item::Module(m) = &lib_items[4] else {
        panic!("module")
    };
    assert_eq!(m.items.len(), 3);
    let Item::Function(f) = &m.items[0] else {
        panic!("function")
    };
    assert!(
        matches!(&attr(&f.attrs, "entry").args[..], [AttrArg::Str(s)] if s.value == "GetTickCount")
    );
    let Item::Function(f) = &m.items[1] else {
        panic!("function")
    };
    assert!(matches!(&attr(&f.attrs, "entry").args[..], [AttrArg::Expr(e)] if int(e) == 12));
    assert!(matches!(&m.items[2], Item::Const(_)));
    assert!(matches!(&lib_items[5], Item::Typedef(_)));
}

#[test]
fn pragmas_and_file_scope_functions() {
    let items = items(
        r##"
        midl_pragma warning (disable: 2111)
        #pragma midl_echo("hello")
        #pragma pack(push, 8)
        #pragma warning(disable: 4201)
        [local] HRESULT __stdcall FreeFunction([in] LONG a);
        ;
        "##,
    );
    assert!(matches!(&items[0], Item::Pragma(s) if s.value == "warning(disable: 2111)"));
    assert!(matches!(&items[1], Item::Pragma(s) if s.value == "midl_echo(\"hello\")"));
    assert!(matches!(&items[2], Item::Function(f) if f.name.name == "FreeFunction"));
    assert_eq!(items.len(), 3);
}

#[test]
fn preprocessor_conditionals_and_macros() {
    let opts = Options {
        defines: vec![("MY_FLAG".into(), "1".into()), ("GONE".into(), "1".into())],
        undefines: vec!["GONE".into(), "_WIN64".into()],
        ..Options::default()
    };
    let p = parse_with(
        r##"
        #define COUNT 3
        #define TWICE_COUNT (COUNT * 2)
        #define NAME_OF_TYPE LONG
        #define SELF SELF
        #if (defined(__midl) && (501 < __midl))
        const LONG WRONG1 = 1;
        #elif defined __midl && __midl == 501
        const NAME_OF_TYPE RIGHT1 = TWICE_COUNT;
        #else
        const LONG WRONG2 = 1;
        #endif
        #ifdef MY_FLAG
        const LONG FLAG_ON = 1;
        #endif
        #ifdef GONE
        const LONG WRONG3 = 1;
        #endif
        #if defined(_WIN64) || !defined(_WIN32) || !_M_AMD64
        const LONG WRONG4 = 1;
        #endif
        #if 0xFFFF0000 > 0x7FFFFFFF && -1 < 0 && 0xFFFFFFFFFFFFFFFF > 0 && (0 && 1 / 0) == 0
        const LONG UNSIGNED_OK = 1;
        #endif
        #if 0
        this is not IDL at all: 'unterminated, "also, #bogus
        #if 1
        #error nested in a skipped group
        #endif
        #elif 1
        const LONG ELIF_AFTER_ZERO = \
            2;
        #endif
        #undef COUNT
        #ifndef COUNT
        const LONG SELFISH = SELF;
        #endif
        #define FN(x) x
        #if /* a comment
               spanning lines */ 1
        const LONG AFTER_COMMENT = 1;
        #endif
        #line 100 "elsewhere.idl"
        # 7 "marker.idl" 1
        #pragma once
        "##,
        &opts,
    );
    let names: Vec<String> = root_items(&p)
        .iter()
        .map(|i| constant(i).name.name.to_string())
        .collect();
    assert_eq!(
        names,
        [
            "RIGHT1",
            "FLAG_ON",
            "UNSIGNED_OK",
            "ELIF_AFTER_ZERO",
            "SELFISH",
            "AFTER_COMMENT"
        ]
    );
    let right = constant(&root_items(&p)[0]);
    assert_eq!(named(&right.ty), "LONG");
    // Macro-produced tokens point at the macro's use (and `(COUNT * 2)` is folded, with that span).
    let source = &p.sources.get(p.roots[0]).expect("root").text;
    assert!(
        matches!(&right.value, Expr::Int(6, s) if &source[s.start as usize..s.end as usize] == "TWICE_COUNT"),
        "{:?}",
        right.value
    );
    assert!(matches!(&constant(&root_items(&p)[4]).value, Expr::Name(n) if n.name == "SELF"));
}

/// A throwaway directory under the system temp dir, removed on drop.
mod tempfile_lite {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct TempDir(PathBuf);

    static COUNTER: AtomicUsize = AtomicUsize::new(0);

    impl TempDir {
        pub fn new(tag: &str) -> TempDir {
            let n = COUNTER.fetch_add(1, Ordering::SeqCst);
            let dir =
                std::env::temp_dir().join(format!("idlgen-parse-{tag}-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("create temp dir");
            TempDir(dir)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }

        pub fn write(&self, name: &str, text: &str) -> PathBuf {
            let path = self.0.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("create dirs");
            }
            std::fs::write(&path, text).expect("write file");
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

use tempfile_lite::TempDir;

fn load(paths: &[PathBuf], opts: &Options) -> Parsed {
    match load_files(paths, opts) {
        Ok(p) => p,
        Err(e) => panic!("load failed:\n{e}"),
    }
}

#[test]
fn includes_resolve_relative_then_include_dirs() {
    let dir = TempDir::new("include");
    let inc = TempDir::new("include-i");
    dir.write(
        "main.idl",
        "#include \"local.h\"\n#include <sub/deep.h>\n#include \"guarded.h\"\n#include \"guarded.h\"\n\
         #include \"once.h\"\n#include \"once.h\"\nconst LONG FROM_MAIN = LOCAL_VALUE + DEEP_VALUE;\n",
    );
    dir.write("local.h", "#define LOCAL_VALUE 1\n");
    dir.write(
        "guarded.h",
        "#ifndef GUARDED_H\n#define GUARDED_H\nconst LONG GUARDED = 1;\n#endif\n",
    );
    dir.write("once.h", "#pragma once\nconst LONG ONCE = 1;\n");
    inc.write("SUB/Deep.H", "#define DEEP_VALUE 2\n");
    let opts = Options {
        include_dirs: vec![inc.path().to_path_buf()],
        ..Options::default()
    };
    let main = dir.path().join("main.idl");
    let p = load(std::slice::from_ref(&main), &opts);
    let names: Vec<&str> = root_items(&p)
        .iter()
        .map(|i| constant(i).name.name.as_str())
        .collect();
    assert_eq!(names, ["GUARDED", "ONCE", "FROM_MAIN"]);
    // Included files are read once each, and all of them are listed for rerun-if-changed.
    let mut read: Vec<String> = p
        .read
        .iter()
        .map(|r| r.file_name().expect("name").to_string_lossy().to_string())
        .collect();
    read.sort();
    assert_eq!(
        read,
        ["Deep.H", "guarded.h", "local.h", "main.idl", "once.h"]
    );
    // The constant defined in an included header points into that header.
    let guarded = constant(&root_items(&p)[0]);
    let path = p.sources.path(guarded.name.span.file).expect("path");
    assert!(path.ends_with("guarded.h"), "{}", path.display());
}

#[test]
fn import_in_an_included_file_resolves_from_that_file() {
    let dir = TempDir::new("include-import");
    dir.write(
        "main.idl",
        "#include \"sub/part.h\"\ntypedef NEAR_TYPE MAIN_TYPE;\n",
    );
    dir.write("sub/part.h", "import \"near.idl\";\n");
    dir.write("sub/near.idl", "typedef LONG NEAR_TYPE;\n");
    let p = load(&[dir.path().join("main.idl")], &Options::default());
    assert_eq!(file_names(&p), ["near.idl", "main.idl"]);
}

#[test]
fn import_folds_case_and_prefers_exact_match() {
    let dir = TempDir::new("fold");
    dir.write("main.idl", "import \"oaidl.idl\";\nimport \"Exact.idl\";\n");
    dir.write("OAIdl.Idl", "typedef LONG FROM_DISK_OAIDL;\n");
    dir.write("Exact.idl", "typedef LONG EXACT;\n");
    dir.write("exact.IDL", "typedef LONG FOLDED;\n");
    let p = load(&[dir.path().join("main.idl")], &Options::default());
    let names = file_names(&p);
    assert_eq!(names, ["OAIdl.Idl", "Exact.idl", "main.idl"]);
    assert_eq!(p.read.len(), 3);
}

#[test]
fn import_cycles_and_once_only() {
    let dir = TempDir::new("cycle");
    dir.write(
        "a.idl",
        "import \"b.idl\";\nimport \"c.idl\";\ntypedef LONG A;\n",
    );
    dir.write(
        "b.idl",
        "import \"a.idl\";\nimport \"d.idl\";\ntypedef LONG B;\n",
    );
    dir.write(
        "c.idl",
        "import \"d.idl\";\nimport \"./D.idl\";\ntypedef LONG C;\n",
    );
    dir.write("d.idl", "typedef LONG D;\n");
    let p = load(
        &[dir.path().join("a.idl"), dir.path().join("c.idl")],
        &Options::default(),
    );
    // Post-order, each file once; the cycle a -> b -> a is cut at the second a.
    assert_eq!(file_names(&p), ["d.idl", "b.idl", "c.idl", "a.idl"]);
    assert_eq!(p.roots.len(), 2);
    let root_names: Vec<String> = p.roots.iter().map(|&r| name_of(&p, r)).collect();
    assert_eq!(root_names, ["a.idl", "c.idl"]);
}

#[test]
fn include_dir_wins_over_embedded() {
    let inc = TempDir::new("override");
    inc.write("unknwn.idl", "typedef LONG MY_OWN_UNKNWN;\n");
    let opts = Options {
        include_dirs: vec![inc.path().to_path_buf()],
        ..Options::default()
    };
    let p = parse_with("import \"unknwn.idl\";\n", &opts);
    assert_eq!(file_names(&p), ["unknwn.idl", "test.idl"]);
    let first = &p.files[0];
    assert!(
        !p.sources
            .path(first.id)
            .expect("path")
            .starts_with(super::BUILTIN_DIR)
    );
    assert!(
        matches!(&first.items[0], Item::Typedef(t) if t.declarators[0].name.name == "MY_OWN_UNKNWN")
    );
    assert_eq!(p.read, [inc.path().join("unknwn.idl")]);
}

#[test]
fn every_builtin_file_parses() {
    let names = builtin_files();
    assert_eq!(
        names,
        [
            "wtypesbase.idl",
            "wtypes.idl",
            "unknwn.idl",
            "objidl.idl",
            "oaidl.idl"
        ]
    );
    for name in names {
        let p = parse(&format!("import \"{name}\";\n"));
        let found = p.files.iter().any(|f| {
            p.sources.path(f.id) == Some(Path::new(super::BUILTIN_DIR).join(name).as_path())
        });
        assert!(found, "{name} not among the parsed files");
        assert!(p.read.is_empty(), "embedded files are not read from disk");
    }
}

fn find_interface<'a>(p: &'a Parsed, name: &str) -> &'a Interface {
    p.files
        .iter()
        .flat_map(|f| f.items.iter())
        .find_map(|i| match i {
            Item::Interface(i) if i.name.name == name => Some(i),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no interface {name}"))
}

#[test]
fn builtin_iunknown_and_idispatch() {
    let p = parse("import \"oaidl.idl\";\n");
    let unk = find_interface(&p, "IUnknown");
    assert_eq!(
        attr_names(&unk.attrs),
        ["local", "object", "uuid", "pointer_default"]
    );
    assert_eq!(
        uuid_of(attr(&unk.attrs, "uuid")),
        (0, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46])
    );
    let names: Vec<&str> = methods(unk).iter().map(|m| m.name.name.as_str()).collect();
    assert_eq!(names, ["QueryInterface", "AddRef", "Release"]);

    let disp = find_interface(&p, "IDispatch");
    assert_eq!(
        disp.base.as_ref().map(|b| b.name.as_str()),
        Some("IUnknown")
    );
    assert_eq!(uuid_of(attr(&disp.attrs, "uuid")).0, 0x00020400);
    let names: Vec<&str> = methods(disp).iter().map(|m| m.name.name.as_str()).collect();
    assert_eq!(
        names,
        ["GetTypeInfoCount", "GetTypeInfo", "GetIDsOfNames", "Invoke"]
    );
    assert_eq!(methods(disp)[3].params.len(), 8);

    for name in [
        "IEnumVARIANT",
        "IErrorInfo",
        "ISupportErrorInfo",
        "IMalloc",
        "IClassFactory",
    ] {
        find_interface(&p, name);
    }
}

#[test]
fn builtin_variant_shape() {
    let p = parse("import \"oaidl.idl\";\n");
    let variant = p
        .files
        .iter()
        .flat_map(|f| f.items.iter())
        .flat_map(|i| match i {
            Item::Interface(i) => i
                .body
                .iter()
                .filter_map(|m| match m {
                    InterfaceMember::Item(Item::TypeDecl(d)) => Some(&d.item),
                    _ => None,
                })
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .find_map(|spec| match spec {
            TypeSpec::Struct(s) if s.tag.as_ref().is_some_and(|t| t.name == "tagVARIANT") => {
                Some(s)
            }
            _ => None,
        })
        .expect("struct tagVARIANT");
    let fields = variant.fields.as_ref().expect("fields");
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].name.as_ref().map(|n| n.name.as_str()), Some("n1"));
    let TypeSpec::Union(n1) = &fields[0].ty.spec else {
        panic!("n1 is a union")
    };
    let arms = n1.arms.as_ref().expect("arms");
    let names: Vec<&str> = arms
        .iter()
        .filter_map(|a| a.field.as_ref()?.name.as_ref().map(|n| n.name.as_str()))
        .collect();
    assert_eq!(names, ["n2", "decVal"]);
}

#[test]
fn input_files_given_twice_or_imported_are_parsed_once() {
    let dir = TempDir::new("twice");
    dir.write("a.idl", "import \"b.idl\";\n");
    dir.write("b.idl", "typedef LONG B;\n");
    let a = dir.path().join("a.idl");
    let b = dir.path().join("b.idl");
    let p = load(&[a.clone(), b.clone(), a], &Options::default());
    assert_eq!(file_names(&p), ["b.idl", "a.idl"]);
    assert_eq!(p.roots.len(), 3);
    assert_eq!(p.roots[0], p.roots[2]);
    let _ = fs::metadata(b);
}

#[test]
fn function_like_macros_stringize_paste_and_rescan() {
    let p = parse(
        r##"
        #define DECLARE_HANDLE(name) typedef void *name
        #define CAT(a, b) a ## b
        #define XCAT(a, b) CAT(a, b)
        #define STR(x) #x
        #define ID(x) x
        #define APPLY(f, x) f(x)
        #define VA(first, ...) const LONG first = __VA_ARGS__;
        #define EMPTY(x)
        #define SELF_F(x) SELF_F(x)
        #define LINE_HERE __LINE__
        DECLARE_HANDLE(HBODY);
        const LONG CAT(VAL, UE) = 1;
        const LONG XCAT(A, CAT(B, C)) = 2;
        const char *S = STR(a  "q" +  b);
        const LONG N = APPLY(ID,
                             (1 + 2));
        VA(V, 4 + 5)
        const LONG E = 7 EMPTY(ignored);
        const LONG L = LINE_HERE;
        #if defined(ID) && ID(1)
        const LONG IF_OK = 1;
        #endif
        "##,
    );
    let items = root_items(&p);
    let t = typedef(&items[0]);
    assert_eq!(t.declarators[0].name.name, "HBODY");
    assert_eq!(t.declarators[0].ty.pointers.len(), 1);
    let consts: Vec<(&str, &Expr)> = items
        .iter()
        .filter_map(|i| match i {
            Item::Const(c) => Some((c.name.name.as_str(), &c.value)),
            _ => None,
        })
        .collect();
    let names: Vec<&str> = consts.iter().map(|c| c.0).collect();
    assert_eq!(names, ["VALUE", "ABC", "S", "N", "V", "E", "L", "IF_OK"]);
    match consts[2].1 {
        Expr::Str(s) => assert_eq!(s.value, r#"a "q" + b"#),
        other => panic!("expected a string, got {other:?}"),
    }
    assert_eq!(int(consts[6].1), 20, "__LINE__ of the use");
}

#[test]
fn empty_attributes_and_widl_extensions() {
    let p = parse(
        r#"
        import "unknwn.idl";
        #define threading(model)
        [threading(both), , uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c), local, object]
        interface IX : IUnknown
        {
            const WCHAR *Name();
            HRESULT Draw([in] BOOL (*pfnContinue)(ULONG_PTR dwContinue), [in] ULONG_PTR dw);
        }
        extern const GUID GUID_SOMETHING;
        typedef struct S { void (__stdcall *callback)(LONG); LONG n; } S;
        typedef [] LONG PLAIN;
        "#,
    );
    let items = root_items(&p);
    let i = interface(&items[1]);
    let ms = methods(i);
    assert_eq!(ms[0].name.name, "Name");
    assert!(ms[0].ret.is_const && ms[0].ret.pointers.len() == 1);
    let pfn = &ms[1].params[0];
    assert_eq!(
        pfn.name.as_ref().map(|n| n.name.as_str()),
        Some("pfnContinue")
    );
    assert_eq!(pfn.ty.pointers.len(), 1);
    match &pfn.ty.spec {
        TypeSpec::Function(f) => {
            assert_eq!(named(&f.ret), "BOOL");
            assert_eq!(f.params.len(), 1);
        }
        other => panic!("expected a function type, got {other:?}"),
    }
    assert!(matches!(&items[2], Item::Extern(e) if e.name.name == "GUID_SOMETHING"));
    resolve_source("test.idl", &p.sources.get(p.roots[0]).unwrap().text).expect("resolves");
}

#[test]
fn midl_resolution_rules() {
    // Typedefs may shadow those of imported files; a library and its coclass may share a name;
    // a coclass may name an interface nothing declared; a base may be defined later in the file;
    // an imported file sees what the importer declared before the import; TRUE/FALSE/NULL and
    // `(HANDLE_TYPE)-1` evaluate.
    let dir = sdk_dir();
    fs::write(
        dir.path().join("late.idl"),
        "typedef struct { DDCAPS caps; } USES_IMPORTER;\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("main.idl"),
        r#"
        import "oaidl.idl";
        typedef long UINT;
        typedef struct { LONG x, y; } POINT;
        typedef void *HBODY;
        const HBODY HBODY_ROOT = (HBODY)-1;
        const LONG TEN = 10;
        const LONG NINE = (TEN)-1;
        typedef struct { LONG n; } DDCAPS;
        import "late.idl";
        interface ILater;
        [object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c)]
        interface IDerived : ILater { HRESULT F([in, defaultvalue(NULL)] LONG *p, [in, defaultvalue(TRUE)] BOOL b); }
        [object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83d)]
        interface ILater : IUnknown { HRESULT G(); }
        [uuid(4ba9eb90-732c-11d0-8816-00a0c903b83e)]
        library Same
        {
            [uuid(4ba9eb90-732c-11d0-8816-00a0c903b83f)]
            coclass Same { interface IDerived; interface INowhere; }
        }
        "#,
    )
    .unwrap();
    let loaded = match crate::load([dir.path().join("main.idl")], &crate::Options::new()) {
        Ok(l) => l,
        Err(e) => panic!("does not resolve:\n{e}"),
    };
    let m = &loaded.model;
    let nine = m.items.iter().find(|i| i.name == "NINE").expect("NINE");
    assert!(
        format!("{:?}", nine.kind).contains("Int(9)"),
        "{:?}",
        nine.kind
    );
    assert!(m.lookup("INowhere").is_some());
}

#[test]
fn base_interface_cycle_is_an_error() {
    let err = resolve_source(
        "test.idl",
        "import \"unknwn.idl\";\ninterface IA;\n[object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c)] interface IB : IA { }\n[object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83d)] interface IA : IB { }\n",
    )
    .map(|_| ())
    .expect_err("a cycle");
    let text = err.to_string();
    assert!(
        text.contains("interface `IB` inherits from itself through `IA`"),
        "{err}"
    );
    let err = resolve_source(
        "test.idl",
        "import \"unknwn.idl\";\n[object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c)] interface IA : IA { }\n",
    )
    .map(|_| ())
    .expect_err("a cycle of one");
    assert!(
        err.to_string()
            .contains("interface `IA` inherits from itself"),
        "{err}"
    );
}

/// Integer operations whose operands are integer literals are folded as they are parsed, into a
/// literal with the span the operation had; names, floating values, casts and `sizeof` are left
/// as written (the model's evaluator takes them).
#[test]
fn integer_operations_on_literals_fold() {
    let text = "import \"oaidl.idl\";\n\
        const LONG NAME = 4;\n\
        const LONG MIX = NAME + (2 * 3);\n\
        const LONG SIGNS = -5 + ~0 + !0 + !7;\n\
        const LONG PICK = 0 ? 2 : (3 > 2) << 4;\n\
        const double HALF = 1.5 * 2;\n\
        const LONG CAST = (int)-1;\n\
        const LONG SIZES = sizeof(int) + 1 + 2;\n\
        [object, uuid(4ba9eb90-732c-11d0-8816-00a0c903b83c), dual]\n\
        interface IX : IDispatch { [id((0x80010000+500)+1)] HRESULT F(); }\n";
    let p = parse(text);
    let source = &p.sources.get(p.roots[0]).expect("root").text;
    let spanned = |s: crate::diag::Span| &source[s.start as usize..s.end as usize];
    let items = root_items(&p);
    let value = |name: &str| {
        &items
            .iter()
            .find_map(|i| match i {
                Item::Const(c) if c.name.name == name => Some(c),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no constant {name}"))
            .value
    };
    let Some(Item::Interface(ix)) = items.last() else {
        panic!("interface last")
    };
    // The span of the unfolded `+`: from its left operand (inside the parentheses) to its right.
    match &attr(&methods(ix)[0].attrs, "id").args[..] {
        [AttrArg::Expr(Expr::Int(v, span))] => {
            assert_eq!(*v, 0x8001_01F5);
            assert_eq!(spanned(*span), "0x80010000+500)+1");
        }
        other => panic!("id not folded: {other:?}"),
    }
    match value("MIX") {
        Expr::Binary(BinaryOp::Add, a, b, span) => {
            assert!(matches!(&**a, Expr::Name(n) if n.name == "NAME"));
            assert!(matches!(&**b, Expr::Int(6, s) if spanned(*s) == "2 * 3"));
            assert_eq!(spanned(*span), "NAME + (2 * 3");
        }
        other => panic!("MIX: {other:?}"),
    }
    assert!(matches!(value("SIGNS"), Expr::Int(-5, s) if spanned(*s) == "-5 + ~0 + !0 + !7"));
    assert!(matches!(value("PICK"), Expr::Int(16, s) if spanned(*s) == "0 ? 2 : (3 > 2) << 4"));
    assert!(matches!(value("HALF"), Expr::Binary(BinaryOp::Mul, a, b, _)
        if matches!(**a, Expr::Float(..)) && matches!(**b, Expr::Int(2, _))));
    // A cast's operand keeps its sign: `(NAME)-1` may be `NAME - 1` (see the test below).
    assert!(matches!(value("CAST"), Expr::Cast(_, e, _)
        if matches!(&**e, Expr::Unary(UnaryOp::Neg, one, _) if matches!(**one, Expr::Int(1, _)))));
    // `sizeof(int) + 1 + 2` is `(sizeof(int) + 1) + 2`: nothing to fold.
    assert!(
        matches!(value("SIZES"), Expr::Binary(BinaryOp::Add, a, b, _)
        if matches!(&**a, Expr::Binary(BinaryOp::Add, s, _, _) if matches!(**s, Expr::SizeOf(..)))
            && matches!(**b, Expr::Int(2, _)))
    );
    // The model's evaluator does not take `sizeof`: the rest resolves to the same values.
    let without_sizeof = text.replace("const LONG SIZES = sizeof(int) + 1 + 2;\n", "");
    let p = parse(&without_sizeof);
    let model = crate::model::resolve(&p).unwrap_or_else(|e| panic!("resolves:\n{e}"));
    let int = |name: &str| model.constants.get(name).and_then(|v| v.as_int());
    assert_eq!(
        ["MIX", "SIGNS", "PICK", "CAST"].map(int),
        [10, -5, 16, -1].map(Some)
    );
}

/// `(NAME)-1` where NAME is a constant of an imported file parses as a cast of `-1` and evaluates
/// as `NAME - 1`: folding leaves the sign after a cast alone.
#[test]
fn imported_constant_in_parentheses_before_a_sign() {
    let dir = tempfile_lite::TempDir::new("fold-cast");
    dir.write("consts.idl", "const long TEN = 10;\n");
    let main = dir.write(
        "main.idl",
        "import \"consts.idl\";\nconst long NINE = (TEN)-1;\nconst long ELEVEN = (TEN)+1;\n",
    );
    let loaded = crate::load([main], &crate::Options::new()).unwrap_or_else(|e| panic!("{e}"));
    let int = |name: &str| loaded.model.constants.get(name).and_then(|v| v.as_int());
    assert_eq!((int("NINE"), int("ELEVEN")), (Some(9), Some(11)));
}
