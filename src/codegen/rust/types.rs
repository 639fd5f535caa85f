//! How each model type appears in Rust: its ABI form in vtables, and its safe form in wrappers and
//! `_Impl` traits. Classification happens here, once; templates only print the result.

use crate::model::{BaseType, ItemKind, Model, Param, Type, TypeId};

use super::names::{rust_ident, type_name};

/// The runtime crate's path in generated code unless [`RustOptions::runtime`] says otherwise.
///
/// Every function here that spells a type takes the path as `rt`: generated code names the
/// runtime's types `{rt}::BStr` and its support code `{rt}::__codegen::guard`.
///
/// [`RustOptions::runtime`]: super::RustOptions::runtime
pub const DEFAULT_RUNTIME: &str = "idlgen_runtime";

/// The runtime crate's forms of the base set's well-known types, with their ABI spelling: keyed
/// by [`Model::well_known_name`], so a user's typedef reusing one of these names is the user's.
fn well_known(name: &str, rt: &str) -> Option<Shape> {
    let abi = |s: &str| Some(Shape::Scalar(s.to_string()));
    match name {
        "HRESULT" => Some(Shape::Scalar(format!("{rt}::HRESULT"))),
        "BSTR" => Some(Shape::BStr),
        "VARIANT" | "VARIANTARG" => Some(Shape::Variant),
        "VARIANT_BOOL" => Some(Shape::Bool),
        "GUID" | "IID" | "CLSID" | "UUID" => Some(Shape::Scalar(format!("{rt}::GUID"))),
        "DATE" | "DOUBLE" => abi("f64"),
        "FLOAT" => abi("f32"),
        "CY" | "CURRENCY" | "LONGLONG" | "LONG64" | "INT64" => abi("i64"),
        "ULONGLONG" | "ULONG64" | "UINT64" | "DWORDLONG" => abi("u64"),
        "SCODE" | "LONG" | "INT" | "INT32" | "BOOL" | "DISPID" | "MEMBERID" => abi("i32"),
        "ULONG" | "UINT" | "UINT32" | "DWORD" | "LCID" => abi("u32"),
        "SHORT" => abi("i16"),
        "USHORT" | "WORD" | "VARTYPE" | "WCHAR" | "OLECHAR" => abi("u16"),
        "BYTE" | "UCHAR" | "BOOLEAN" => abi("u8"),
        "CHAR" => abi("i8"),
        "DECIMAL" => Some(Shape::Scalar(format!("{rt}::DECIMAL"))),
        "DISPPARAMS" => Some(Shape::Scalar(format!("{rt}::DISPPARAMS"))),
        "EXCEPINFO" => Some(Shape::Scalar(format!("{rt}::EXCEPINFO"))),
        "SAFEARRAY" => Some(Shape::Scalar(format!("{rt}::SAFEARRAY"))),
        "SAFEARRAYBOUND" => Some(Shape::Scalar(format!("{rt}::SAFEARRAYBOUND"))),
        "LPOLESTR" | "LPWSTR" | "BSTR_RAW" => Some(Shape::Raw("*mut u16".into())),
        "LPCOLESTR" | "LPCWSTR" => Some(Shape::Raw("*const u16".into())),
        "LPSTR" => Some(Shape::Raw("*mut u8".into())),
        "LPCSTR" => Some(Shape::Raw("*const u8".into())),
        "REFIID" | "REFGUID" | "REFCLSID" => Some(Shape::Raw(format!("*const {rt}::GUID"))),
        _ => None,
    }
}

/// What a value of some type is, for the purposes of passing it.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Plain data passed by value the same way in the ABI and in Rust (`i32`, `GUID`, a struct).
    Scalar(String),
    /// `BSTR`: raw `BSTR` in the ABI, `BStr` in Rust.
    BStr,
    /// `VARIANT`: raw `VARIANT` in the ABI, `Variant` in Rust.
    Variant,
    /// `VARIANT_BOOL`: `i16` in the ABI, `bool` in Rust.
    Bool,
    /// An interface with a Rust type (`IDispatch`, a generated interface).
    Interface(String),
    /// Anything else: raw in the ABI and in Rust (pointer arithmetic is the caller's business).
    Raw(String),
    /// `void` (returns only).
    Void,
}

impl Shape {
    /// The type as a vtable field spells it (by value).
    pub fn abi(&self, rt: &str) -> String {
        match self {
            Shape::Scalar(s) | Shape::Raw(s) => s.clone(),
            Shape::BStr => format!("{rt}::BSTR"),
            Shape::Variant => format!("{rt}::VARIANT"),
            Shape::Bool => format!("{rt}::VARIANT_BOOL"),
            Shape::Interface(_) => "*mut ::core::ffi::c_void".into(),
            Shape::Void => "()".into(),
        }
    }

    /// The owned Rust type a wrapper returns for it.
    pub fn owned(&self, rt: &str) -> String {
        match self {
            Shape::Scalar(s) | Shape::Raw(s) | Shape::Interface(s) => s.clone(),
            Shape::BStr => format!("{rt}::BStr"),
            Shape::Variant => format!("{rt}::Variant"),
            Shape::Bool => "bool".into(),
            Shape::Void => "()".into(),
        }
    }
}

/// The shape of a type passed by value.
pub fn shape(model: &Model, ty: &Type, rt: &str) -> Shape {
    shape_depth(model, ty, 0, rt)
}

fn shape_depth(model: &Model, ty: &Type, depth: u32, rt: &str) -> Shape {
    if depth > 32 {
        return Shape::Raw("*mut ::core::ffi::c_void".into());
    }
    match ty {
        Type::Base(b) => base(*b),
        Type::Named(id) => named(model, *id, depth, rt),
        Type::Pointer { pointee, .. } if is_interface(model, pointee) => {
            match shape_depth(model, pointee, depth + 1, rt) {
                Shape::Interface(name) => Shape::Interface(name),
                _ => Shape::Raw("*mut ::core::ffi::c_void".into()),
            }
        }
        Type::Pointer {
            pointee,
            pointee_const,
        } => Shape::Raw(raw_pointer(model, pointee, *pointee_const, depth, rt)),
        Type::Array(elem, Some(n)) => Shape::Raw(format!(
            "[{}; {n}]",
            shape_depth(model, elem, depth + 1, rt).abi(rt)
        )),
        Type::Array(elem, None) => Shape::Raw(format!(
            "*mut {}",
            shape_depth(model, elem, depth + 1, rt).abi(rt)
        )),
        Type::SafeArray(_) => Shape::Raw(format!("*mut {rt}::SAFEARRAY")),
        Type::Function => Shape::Raw("*mut ::core::ffi::c_void".into()),
    }
}

fn raw_pointer(model: &Model, pointee: &Type, is_const: bool, depth: u32, rt: &str) -> String {
    let inner = match shape_depth(model, pointee, depth + 1, rt) {
        Shape::Void => "::core::ffi::c_void".to_string(),
        s => s.abi(rt),
    };
    format!("{} {inner}", if is_const { "*const" } else { "*mut" })
}

fn base(b: BaseType) -> Shape {
    let s = |t: &str| Shape::Scalar(t.to_string());
    match b {
        BaseType::Void => Shape::Void,
        // MIDL's `char` is unsigned; `small` and `signed char` are signed.
        BaseType::Char | BaseType::UChar | BaseType::Byte | BaseType::Boolean => s("u8"),
        BaseType::SChar => s("i8"),
        BaseType::Short => s("i16"),
        BaseType::UShort | BaseType::WChar => s("u16"),
        BaseType::Int | BaseType::Long | BaseType::Int32 => s("i32"),
        BaseType::UInt | BaseType::ULong | BaseType::UInt32 | BaseType::ErrorStatusT => s("u32"),
        BaseType::Hyper | BaseType::Int64 => s("i64"),
        BaseType::UHyper | BaseType::UInt64 => s("u64"),
        BaseType::Int3264 => s("isize"),
        BaseType::UInt3264 => s("usize"),
        BaseType::Float => s("f32"),
        BaseType::Double => s("f64"),
        BaseType::HandleT => Shape::Raw("*mut ::core::ffi::c_void".into()),
    }
}

fn named(model: &Model, id: TypeId, depth: u32, rt: &str) -> Shape {
    if let Some(s) = model
        .well_known_name(id)
        .and_then(|name| well_known(name, rt))
    {
        return s;
    }
    let item = model.item(id);
    match &item.kind {
        ItemKind::Interface(_) => match interface_path(model, id, rt) {
            Some(path) => Shape::Interface(path),
            None => Shape::Raw("*mut ::core::ffi::c_void".into()),
        },
        ItemKind::Typedef(t) => {
            if model.is_builtin(id) && !reaches_base_record(model, &t.ty) {
                shape_depth(model, &t.ty, depth + 1, rt)
            } else if model.is_builtin(id) {
                // `LARGE_INTEGER`, `FILETIME`: generated beside the bindings that use them.
                Shape::Scalar(type_name(&item.name))
            } else {
                // A user typedef keeps its name (it is generated as a type alias), unless it
                // aliases something with a safe form (BSTR, VARIANT, an interface...).
                match shape_depth(model, &t.ty, depth + 1, rt) {
                    Shape::Scalar(_) | Shape::Raw(_) => Shape::Scalar(type_name(&item.name)),
                    other => other,
                }
            }
        }
        ItemKind::Enum(_) if !model.is_builtin(id) => Shape::Scalar(type_name(&item.name)),
        // A base file's struct the runtime does not provide (`_LARGE_INTEGER`) is generated
        // beside the bindings that use it ([`base_dependencies`]), a user's as one of them.
        ItemKind::Struct(_) | ItemKind::Union(_) => Shape::Scalar(type_name(&item.name)),
        ItemKind::Enum(_) => Shape::Scalar("i32".into()),
        _ => Shape::Raw("*mut ::core::ffi::c_void".into()),
    }
}

/// Whether the runtime has its own form of the base set's type `name` ([`well_known`]).
fn is_well_known(name: &str) -> bool {
    // The runtime's path is part of the spelling only, not of the answer.
    well_known(name, DEFAULT_RUNTIME).is_some()
}

/// Whether `ty` names, through base-file typedefs, a base file's struct or union that the
/// runtime does not provide (`LARGE_INTEGER` -> `struct _LARGE_INTEGER`; not `GUID`).
pub fn reaches_base_record<'a>(model: &'a Model, mut ty: &'a Type) -> bool {
    for _ in 0..64 {
        let Type::Named(id) = ty else {
            return false;
        };
        match model.well_known_name(*id) {
            Some(name) if !is_well_known(name) => {}
            _ => return false,
        }
        match &model.item(*id).kind {
            ItemKind::Typedef(t) => ty = &t.ty,
            ItemKind::Struct(_) | ItemKind::Union(_) => return true,
            _ => return false,
        }
    }
    false
}

/// Whether `id` is a base file item the runtime provides under its own name (`GUID`, `VARIANT`,
/// `IUnknown`...), as opposed to one generated beside the bindings.
pub fn runtime_provides(model: &Model, id: TypeId) -> bool {
    model.well_known_name(id).is_some_and(|name| {
        is_well_known(name)
            || matches!(model.item(id).kind, ItemKind::Interface(_))
                && matches!(name, "IUnknown" | "IDispatch")
    })
}

fn is_interface(model: &Model, ty: &Type) -> bool {
    match ty {
        Type::Named(id) => match &model.item(*id).kind {
            ItemKind::Interface(_) => true,
            ItemKind::Typedef(t) => is_interface(model, &t.ty),
            _ => false,
        },
        _ => false,
    }
}

/// The Rust path of an interface as a base: [`interface_path`], and for a base file's interface
/// other than IUnknown and IDispatch (`IPersist`) the type generated beside the bindings whose
/// interfaces derive from it, so that their vtables hold its slots.
pub fn base_interface_path(model: &Model, id: TypeId, rt: &str) -> Option<String> {
    match &model.item(id).kind {
        ItemKind::Interface(i)
            if model.is_builtin(id) && i.defined && !runtime_provides(model, id) =>
        {
            Some(type_name(&model.item(id).name))
        }
        _ => interface_path(model, id, rt),
    }
}

/// The Rust path of an interface type, if Rust has one: the runtime's for IUnknown and
/// IDispatch, the generated one for the inputs' own (and other user files') interfaces.
pub fn interface_path(model: &Model, id: TypeId, rt: &str) -> Option<String> {
    let item = model.item(id);
    if model.is_builtin(id) {
        return match item.name.as_str() {
            "IUnknown" | "IDispatch" => Some(format!("{rt}::{}", item.name)),
            _ => None,
        };
    }
    // A user interface declared but never defined (`interface IOleCommandTarget;` with no
    // import of its definition) has no generated type: a raw pointer stands for it.
    match &item.kind {
        ItemKind::Interface(i) if !i.defined => None,
        _ => Some(type_name(&item.name)),
    }
}

/// How one parameter is passed, on both sides of the vtable.
#[derive(Debug, Clone)]
pub struct ParamPlan {
    /// The IDL name, used for the vtable field's parameter and inside thunks.
    pub abi_name: String,
    pub abi_ty: String,
    /// The snake_case name in wrappers and `_Impl` traits.
    pub rust_name: String,
    /// The parameter type in wrappers and `_Impl` (None for the retval, which is returned).
    pub rust_ty: Option<String>,
    /// Wrapper: statement before the call (e.g. a temporary for an [out] value).
    pub wrapper_pre: Option<String>,
    /// Wrapper: the expression passed to the vtable function.
    pub call_arg: String,
    /// Wrapper: statement after a successful call (e.g. storing the temporary).
    pub wrapper_post: Option<String>,
    /// Thunk: statements before the implementation is called (null checks, views).
    pub thunk_pre: Vec<String>,
    /// Thunk: the expression passed to the implementation.
    pub impl_arg: String,
    /// Thunk: statement after the implementation returned (writing [out] values).
    pub thunk_post: Option<String>,
    /// The wrapper has to be `unsafe` because of this parameter (raw pointers).
    pub is_raw: bool,
}

/// The return value of a method as wrappers present it.
#[derive(Debug, Clone)]
pub struct ReturnPlan {
    /// `Result<T>` for HRESULT methods, the raw type otherwise.
    pub rust_ty: String,
    /// HRESULT-returning (maps to Result) or not.
    pub is_hresult: bool,
    /// The retval parameter's plan (its temporary and how it is returned), if any.
    pub retval: Option<RetvalPlan>,
    pub abi_ty: String,
}

#[derive(Debug, Clone)]
pub struct RetvalPlan {
    /// Wrapper: declares the temporary the callee writes.
    pub wrapper_pre: String,
    /// Wrapper: the temporary as the vtable function's argument.
    pub call_arg: String,
    /// Wrapper: statements checking the value after a successful call.
    pub wrapper_check: Option<String>,
    /// Wrapper: the expression returned on success.
    pub wrapper_result: String,
    /// Thunk: writes the implementation's value `value__` through the pointer (success path); not
    /// `v`, which may be the parameter's own name (dxgi1_6's `get_Value([out, retval] BSTR *v)`).
    pub thunk_write: String,
    /// Thunk: writes the "nothing" value on failure (COM: [out] values are null/empty then).
    pub thunk_clear: String,
}

/// The name of a parameter in a thunk's signature: the IDL name, unless a generated type or
/// constant has that name (a parameter `DOMDocument` beside coclass `DOMDocument`), which a Rust
/// parameter cannot shadow: then the name with `_` appended.
pub fn abi_param_name(model: &Model, name: &str) -> String {
    if model.lookup(name).is_some() || model.constants.contains_key(name) {
        format!("{name}_")
    } else {
        rust_ident(name)
    }
}

/// Plans a parameter that is not the retval.
/// How a thunk leaves early when an argument it must dereference is null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullReturn {
    /// An HRESULT method reports it: `return E_POINTER;`.
    EPointer,
    /// A method returning nothing cannot report it: `return;`.
    Unit,
    /// A method returning plain data (not an HRESULT) returns that type's all-zero value.
    Zeroed,
}

impl NullReturn {
    /// What a method with this return plan does.
    pub fn of(ret: &ReturnPlan) -> NullReturn {
        if ret.is_hresult {
            NullReturn::EPointer
        } else if ret.abi_ty == "()" {
            NullReturn::Unit
        } else {
            NullReturn::Zeroed
        }
    }

    /// The statement that leaves the thunk.
    pub fn statement(self, rt: &str) -> String {
        match self {
            NullReturn::EPointer => format!("return {rt}::E_POINTER;"),
            NullReturn::Unit => "return;".to_string(),
            NullReturn::Zeroed => {
                "// SAFETY: ABI return types are plain data (integers, floats, raw pointers, \
                 records of those), for which all-zero bytes are a valid value.\n\
                 return unsafe { ::core::mem::zeroed() };"
                    .to_string()
            }
        }
    }
}

/// A parameter's plan for an HRESULT method (`Invoke` and every dispatch path are those).
pub fn plan_param(model: &Model, p: &Param, rt: &str) -> ParamPlan {
    plan_param_returning(model, p, NullReturn::EPointer, rt)
}

/// A parameter's plan in a method whose thunk leaves through `null` on a null pointer.
pub fn plan_param_returning(model: &Model, p: &Param, null: NullReturn, rt: &str) -> ParamPlan {
    let mut plan = plan_param_shape(model, p, null, rt);
    // A typedef'd pointer (`LPCBORDERWIDTHS`) keeps its alias name but is a raw pointer all the
    // same: the wrapper that passes it on must be `unsafe` (clippy::not_unsafe_ptr_arg_deref).
    if matches!(shape(model, &p.ty, rt), Shape::Scalar(_))
        && matches!(
            model.strip_typedefs(&p.ty),
            Type::Pointer { .. } | Type::Array(..) | Type::Function
        )
    {
        plan.is_raw = true;
    }
    plan
}

fn plan_param_shape(model: &Model, p: &Param, null: NullReturn, rt: &str) -> ParamPlan {
    let abi_name = abi_param_name(model, &p.name);
    let rust_name = rust_ident(&super::names::snake(&p.name));
    let raw = |abi_ty: String| ParamPlan {
        abi_name: abi_name.clone(),
        abi_ty: abi_ty.clone(),
        rust_name: rust_name.clone(),
        rust_ty: Some(abi_ty),
        wrapper_pre: None,
        call_arg: rust_name.clone(),
        wrapper_post: None,
        thunk_pre: Vec::new(),
        impl_arg: abi_name.clone(),
        thunk_post: None,
        is_raw: true,
    };
    let plan = |abi_ty: String, rust_ty: String, call_arg: String, impl_arg: String| ParamPlan {
        abi_name: abi_name.clone(),
        abi_ty,
        rust_name: rust_name.clone(),
        rust_ty: Some(rust_ty),
        wrapper_pre: None,
        call_arg,
        wrapper_post: None,
        thunk_pre: Vec::new(),
        impl_arg,
        thunk_post: None,
        is_raw: false,
    };
    let null_check = || format!("if {abi_name}.is_null() {{ {} }}", null.statement(rt));
    // A C array parameter (`[in] FLOAT BlendFactor[4]`) is a pointer to its first element; so
    // is one of a typedef'd array type (TSGPolicyEngine.idl's `PolicyAttributes`, a
    // `DWORD[MAX_POLICY_ATTRIBUTES]`): C passes no array by value.
    if let Type::Array(elem, _) = model.strip_typedefs(&p.ty) {
        return raw(raw_pointer(model, elem, !p.is_out, 0, rt));
    }
    let by_value = shape(model, &p.ty, rt);
    // `[in, string] BSTR` (netlistmgr): a BSTR is a string already; `[string]` changes nothing.
    if p.sized && by_value != Shape::BStr {
        return raw(by_value.abi(rt));
    }
    // [in] by value.
    if !p.is_out {
        // Only a pointer written as such is a reference to one value; a typedef'd pointer
        // (`LPOLESTR`, a user's `PFOO`) stays raw.
        if let Type::Pointer {
            pointee,
            pointee_const,
        } = &p.ty
            && !matches!(by_value, Shape::Interface(_))
        {
            // [in] T* / [in] const T*: a reference to one value.
            let ptr = if *pointee_const { "*const" } else { "*mut" };
            let inner = shape(model, pointee, rt);
            let (abi_inner, rust_inner, as_ptr, view) = match &inner {
                Shape::Variant => (
                    format!("{rt}::VARIANT"),
                    format!("{rt}::Variant"),
                    format!("{rust_name}.as_raw()"),
                    format!("{rt}::Variant::from_raw_ref(&*{abi_name})"),
                ),
                Shape::Scalar(t) => (
                    t.clone(),
                    t.clone(),
                    rust_name.clone(),
                    format!("&*{abi_name}"),
                ),
                _ => return raw(by_value.abi(rt)),
            };
            let cast = if *pointee_const {
                format!("{as_ptr} as *const {abi_inner}")
            } else {
                format!("{as_ptr} as *const {abi_inner} as *mut {abi_inner}")
            };
            let mut pl = plan(
                format!("{ptr} {abi_inner}"),
                format!("&{rust_inner}"),
                cast,
                rust_name.clone(),
            );
            pl.thunk_pre = vec![
                null_check(),
                format!(
                    "// SAFETY: checked non-null; the caller keeps the value alive for the call.\n\
                         let {rust_name} = unsafe {{ {view} }};"
                ),
            ];
            return pl;
        }
        return match by_value {
            Shape::Scalar(t) => plan(t.clone(), t, rust_name.clone(), abi_name.clone()),
            Shape::BStr => {
                let mut pl = plan(
                    format!("{rt}::BSTR"),
                    format!("&{rt}::BStr"),
                    format!("{rust_name}.as_raw()"),
                    rust_name.clone(),
                );
                pl.thunk_pre = vec![format!(
                    "// SAFETY: an [in] BSTR is borrowed from the caller for the call.\n\
                     let {rust_name} = unsafe {{ {rt}::BStr::from_raw_ref(&{abi_name}) }};"
                )];
                pl
            }
            Shape::Variant => {
                let mut pl = plan(
                    format!("{rt}::VARIANT"),
                    format!("&{rt}::Variant"),
                    // Inside the call's `unsafe` block: a by-value [in] VARIANT is a bitwise
                    // copy the callee borrows.
                    format!("::core::ptr::read({rust_name}.as_raw())"),
                    rust_name.clone(),
                );
                pl.thunk_pre = vec![format!(
                    "// SAFETY: the by-value VARIANT stays owned by the caller.\n\
                     let {rust_name} = unsafe {{ {rt}::Variant::from_raw_ref(&{abi_name}) }};"
                )];
                pl
            }
            Shape::Bool => plan(
                format!("{rt}::VARIANT_BOOL"),
                "bool".into(),
                format!("if {rust_name} {{ {rt}::VARIANT_TRUE }} else {{ {rt}::VARIANT_FALSE }}"),
                format!("{abi_name} != {rt}::VARIANT_FALSE"),
            ),
            Shape::Interface(path) => {
                let mut pl = plan(
                    "*mut ::core::ffi::c_void".into(),
                    format!("Option<&{path}>"),
                    format!("{rust_name}.map_or(::core::ptr::null_mut(), {rt}::Interface::as_raw)"),
                    rust_name.clone(),
                );
                pl.thunk_pre = vec![format!(
                    "// SAFETY: an [in] interface pointer is borrowed for the call.\n\
                     let {rust_name} = unsafe {{ <{path} as {rt}::Interface>::from_raw_borrowed(&{abi_name}) }};"
                )];
                pl
            }
            Shape::Raw(t) => raw(t),
            Shape::Void => raw("*mut ::core::ffi::c_void".into()),
        };
    }
    // [out] or [in, out]: a pointer to the value.
    let Type::Pointer { pointee, .. } = &p.ty else {
        return raw(by_value.abi(rt));
    };
    let inner = shape(model, pointee, rt);
    let in_out = p.is_in;
    let (abi_inner, rust_inner, empty) = match &inner {
        Shape::Scalar(t) => (t.clone(), t.clone(), None),
        Shape::BStr => (
            format!("{rt}::BSTR"),
            format!("{rt}::BStr"),
            Some(format!("{rt}::BStr::new()")),
        ),
        Shape::Variant => (
            format!("{rt}::VARIANT"),
            format!("{rt}::Variant"),
            Some(format!("{rt}::Variant::new()")),
        ),
        _ => return raw(by_value.abi(rt)),
    };
    let mut pl = plan(
        format!("*mut {abi_inner}"),
        format!("&mut {rust_inner}"),
        String::new(),
        rust_name.clone(),
    );
    match (&empty, in_out) {
        // Scalars and [in, out] owned values: the callee works on the caller's storage
        // (`BStr` and `Variant` are `repr(transparent)` over their ABI types).
        (None, _) | (Some(_), true) => {
            // A scalar has the same type on both sides: no cast (clippy's unnecessary_cast).
            let (to_abi, to_rust) = if rust_inner == abi_inner {
                (String::new(), String::new())
            } else {
                (
                    format!(" as *mut {abi_inner}"),
                    format!(" as *mut {rust_inner}"),
                )
            };
            pl.call_arg = format!("{rust_name} as *mut {rust_inner}{to_abi}");
            pl.thunk_pre = vec![
                null_check(),
                format!(
                    "// SAFETY: checked non-null; the caller's storage is valid for the call.\n\
                     let {rust_name} = unsafe {{ &mut *({abi_name}{to_rust}) }};"
                ),
            ];
        }
        // [out] BSTR / VARIANT: written into a fresh temporary, then moved into the caller's.
        (Some(empty), false) => {
            let tmp = format!("{rust_name}_out");
            pl.wrapper_pre = Some(format!("let mut {tmp} = {empty};"));
            pl.call_arg = format!("&mut {tmp} as *mut {rust_inner} as *mut {abi_inner}");
            pl.wrapper_post = Some(format!("*{rust_name} = {tmp};"));
            pl.thunk_pre = vec![null_check(), format!("let mut {tmp} = {empty};")];
            pl.impl_arg = format!("&mut {tmp}");
            pl.thunk_post = Some(format!(
                "// SAFETY: checked non-null; an [out] value is written without reading the old one.\n\
                 unsafe {{ {abi_name}.write({tmp}.into_raw()) }};"
            ));
        }
    }
    pl
}

/// Plans the return: HRESULT + optional retval becomes `Result<T>`.
pub fn plan_return(model: &Model, ret: &Type, retval: Option<&Param>, rt: &str) -> ReturnPlan {
    let ret_shape = shape(model, ret, rt);
    let is_hresult = is_hresult_shape(&ret_shape, rt);
    let abi_ty = ret_shape.abi(rt);
    let Some(p) = retval.filter(|_| is_hresult) else {
        return ReturnPlan {
            rust_ty: if is_hresult {
                format!("{rt}::Result<()>")
            } else {
                ret_shape.abi(rt)
            },
            is_hresult,
            retval: None,
            abi_ty,
        };
    };
    // `[out, retval] LPDWORD p` (FunctionDiscoveryAPI.idl): a typedef'd pointer points to the
    // value returned all the same.
    let pointee = match model.strip_typedefs(&p.ty) {
        Type::Pointer { pointee, .. } => shape(model, pointee, rt),
        _ => Shape::Raw(shape(model, &p.ty, rt).abi(rt)),
    };
    let name = format!("{}_out", super::names::snake(&p.name));
    let abi_name = abi_param_name(model, &p.name);
    let call_arg = match &pointee {
        Shape::BStr | Shape::Variant => {
            format!(
                "&mut {name} as *mut {} as *mut {}",
                pointee.owned(rt),
                pointee.abi(rt)
            )
        }
        _ => format!("&mut {name}"),
    };
    let (rust_ty, wrapper_pre, wrapper_result, thunk_write, thunk_clear) = match &pointee {
        Shape::BStr | Shape::Variant => {
            let owned = pointee.owned(rt);
            (
                owned.clone(),
                format!("let mut {name} = {owned}::new();"),
                name.clone(),
                format!("{abi_name}.write(value__.into_raw())"),
                format!("{abi_name}.write({owned}::new().into_raw())"),
            )
        }
        Shape::Bool => (
            "bool".into(),
            format!("let mut {name}: {rt}::VARIANT_BOOL = {rt}::VARIANT_FALSE;"),
            format!("{name} != {rt}::VARIANT_FALSE"),
            format!(
                "{abi_name}.write(if value__ {{ {rt}::VARIANT_TRUE }} else {{ {rt}::VARIANT_FALSE }})"
            ),
            format!("{abi_name}.write({rt}::VARIANT_FALSE)"),
        ),
        Shape::Interface(path) => (
            path.clone(),
            format!("let mut {name}: *mut ::core::ffi::c_void = ::core::ptr::null_mut();"),
            format!(
                "// SAFETY: checked non-null; an [out, retval] interface pointer carries one reference for us.\n\
                 unsafe {{ <{path} as {rt}::Interface>::from_raw({name}) }}"
            ),
            format!("{abi_name}.write({rt}::Interface::into_raw(value__))"),
            format!("{abi_name}.write(::core::ptr::null_mut())"),
        ),
        Shape::Scalar(t) => (
            t.clone(),
            format!("let mut {name}: {t} = {};", zero_value(t, false)),
            name.clone(),
            format!("{abi_name}.write(value__)"),
            // Thunks write this inside an `unsafe` block already.
            format!("{abi_name}.write({})", zero_value(t, true)),
        ),
        Shape::Raw(t) => (
            t.clone(),
            format!("let mut {name}: {t} = ::core::ptr::null_mut();"),
            name.clone(),
            format!("{abi_name}.write(value__)"),
            format!("{abi_name}.write(::core::ptr::null_mut())"),
        ),
        Shape::Void => (
            "()".into(),
            String::new(),
            "()".into(),
            String::new(),
            String::new(),
        ),
    };
    ReturnPlan {
        rust_ty: format!("{rt}::Result<{rust_ty}>"),
        is_hresult,
        retval: Some(RetvalPlan {
            wrapper_check: matches!(pointee, Shape::Interface(_)).then(|| {
                format!("if {name}.is_null() {{ return Err({rt}::Error::from({rt}::E_POINTER)); }}")
            }),
            wrapper_pre,
            call_arg,
            wrapper_result,
            thunk_write,
            thunk_clear,
        }),
        abi_ty,
    }
}

/// Whether a method returning `ret` returns an HRESULT (its wrapper then returns `Result`).
pub fn returns_hresult(model: &Model, ret: &Type, rt: &str) -> bool {
    is_hresult_shape(&shape(model, ret, rt), rt)
}

fn is_hresult_shape(ret: &Shape, rt: &str) -> bool {
    matches!(ret, Shape::Scalar(s) if s.strip_prefix(rt) == Some("::HRESULT"))
}

/// The "nothing" value of a plain-data type: `Default` for Rust's numbers; all-zero bytes for
/// records and aliases (a generated struct need not implement `Default`: raw pointers and unions
/// do not).
fn zero_value(t: &str, in_unsafe: bool) -> String {
    const NUMBERS: &[&str] = &[
        "i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "isize", "usize", "f32", "f64",
    ];
    if NUMBERS.contains(&t) {
        "::core::default::Default::default()".into()
    } else if in_unsafe {
        "::core::mem::zeroed()".into()
    } else {
        "{\n// SAFETY: generated records and aliases are plain C data (integers, floats,\n\
         // raw pointers, arrays and unions of those), valid as all-zero bytes.\n\
         unsafe { ::core::mem::zeroed() }\n}"
            .into()
    }
}

/// The ABI type of the retval parameter itself (a pointer), for the vtable field.
pub fn retval_abi(model: &Model, p: &Param, rt: &str) -> String {
    match &p.ty {
        Type::Pointer { pointee, .. } => match shape(model, pointee, rt) {
            Shape::Void => "*mut ::core::ffi::c_void".into(),
            s => format!("*mut {}", s.abi(rt)),
        },
        _ => shape(model, &p.ty, rt).abi(rt),
    }
}
