//! The late-bound side of an interface: each member classified for `IDispatch` (its entry in
//! the DISPID table, with parameter names, VARTYPEs, flags and defaults) and the statements
//! that call it from `Invoke` (fetch each argument from the runtime's `DispCall`, call the
//! `_Impl` trait, write back by-reference arguments, return the result). The runtime applies
//! the rules; generated code per member only names what to fetch.
//!
//! Members whose parameters allow it also get a fast-path arm (`FastCall` in the runtime): for
//! the common call shape (exact argument count, every argument already of its parameter's
//! type, by value) it reads the arguments straight from `rgvarg` and calls the same `_Impl`
//! method with the same values; any other call goes down the general path.

use crate::model::{self, Model, Param, Type};

use super::names::{rust_ident, snake};
use super::types::{self, Shape};

/// How a member reports its result: dual methods return an HRESULT and their value through an
/// `[out, retval]` parameter; dispinterface methods return the value itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Dual,
    Dispinterface,
}

/// One member's entry in the DISPID table.
#[derive(Debug, Clone)]
pub struct DispMemberView {
    pub name: String,
    pub dispid: String,
    pub kind: &'static str,
    pub slot: String,
    pub params: Vec<DispParamView>,
    /// The retval's VARTYPE expression (`VT_EMPTY` for none).
    pub ret: String,
    /// `DISPMEMBER_*` expression, `0` for none.
    pub flags: String,
}

#[derive(Debug, Clone)]
pub struct DispParamView {
    pub name: String,
    pub vt: String,
    pub flags: String,
    pub default: String,
}

/// One arm of the member dispatcher: `index => { body }`.
#[derive(Debug, Clone)]
pub struct InvokeArmView {
    pub index: usize,
    pub name: String,
    pub body: String,
    /// The member's arm in the fast path (`Option<HRESULT>`, `None` to decline), when its
    /// parameters and result allow one.
    pub fast: Option<String>,
}

/// Whether any member has a fast-path arm (else the shim has no fast path).
pub fn has_fast(arms: &[InvokeArmView]) -> bool {
    arms.iter().any(|a| a.fast.is_some())
}

/// Member `index`'s arm when it has a fast-path one.
pub fn fast_arm<'a>(arms: &'a [InvokeArmView], index: &usize) -> Option<&'a InvokeArmView> {
    arms.get(*index).filter(|a| a.fast.is_some())
}

/// What a parameter is, for `Invoke`.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// A number (the Rust type is a primitive or an alias of one).
    Scalar,
    Bool,
    BStr,
    Variant,
    /// An interface, with its Rust path; `VT_DISPATCH` when it derives from IDispatch.
    Interface(String),
    Array,
}

/// The runtime's name for a base VARTYPE.
fn vt_name(vt: u16) -> Option<&'static str> {
    use crate::model::automation::*;
    Some(match vt {
        VT_EMPTY => "VT_EMPTY",
        VT_I2 => "VT_I2",
        VT_I4 => "VT_I4",
        VT_R4 => "VT_R4",
        VT_R8 => "VT_R8",
        VT_CY => "VT_CY",
        VT_DATE => "VT_DATE",
        VT_BSTR => "VT_BSTR",
        VT_DISPATCH => "VT_DISPATCH",
        VT_ERROR => "VT_ERROR",
        VT_BOOL => "VT_BOOL",
        VT_VARIANT => "VT_VARIANT",
        VT_UNKNOWN => "VT_UNKNOWN",
        VT_I1 => "VT_I1",
        VT_UI1 => "VT_UI1",
        VT_UI2 => "VT_UI2",
        VT_UI4 => "VT_UI4",
        VT_I8 => "VT_I8",
        VT_UI8 => "VT_UI8",
        VT_INT => "VT_INT",
        VT_UINT => "VT_UINT",
        _ => return None,
    })
}

/// The VARTYPE expression and kind of a type passed by value (the model's automation mapping,
/// `model::automation::variant_type`), or `None` when the shim cannot pass it.
fn classify(model: &Model, ty: &Type, rt: &str) -> Option<(String, Kind)> {
    use crate::model::automation::*;
    let vt = variant_type(model, ty)?;
    if vt & VT_BYREF != 0 {
        return None;
    }
    let base = vt & !VT_ARRAY;
    let name = vt_name(base)?;
    if vt & VT_ARRAY != 0 {
        if base == VT_EMPTY {
            return None;
        }
        return Some((format!("{rt}::VT_ARRAY | {rt}::{name}"), Kind::Array));
    }
    let kind = match base {
        VT_BSTR => Kind::BStr,
        VT_VARIANT => Kind::Variant,
        VT_BOOL => Kind::Bool,
        VT_DISPATCH | VT_UNKNOWN => match types::shape(model, ty, rt) {
            Shape::Interface(path) => Kind::Interface(path),
            _ => return None,
        },
        VT_EMPTY => return None,
        _ => Kind::Scalar,
    };
    Some((format!("{rt}::{name}"), kind))
}

fn param_flags(p: &Param, rt: &str) -> String {
    let mut flags = Vec::new();
    let mut push = |on: bool, name: &str| {
        if on {
            flags.push(format!("{rt}::{name}"));
        }
    };
    push(p.is_in, "PARAMFLAG_FIN");
    push(p.is_out, "PARAMFLAG_FOUT");
    push(p.lcid, "PARAMFLAG_FLCID");
    push(p.retval, "PARAMFLAG_FRETVAL");
    push(p.optional, "PARAMFLAG_FOPT");
    push(p.default.is_some(), "PARAMFLAG_FHASDEFAULT");
    if flags.is_empty() {
        "0".into()
    } else {
        flags.join(" | ")
    }
}

fn default_literal(v: Option<&model::Value>, rt: &str) -> String {
    match v {
        None => "None".into(),
        Some(model::Value::Int(i)) => match i64::try_from(*i) {
            Ok(i) => format!("Some({rt}::DispDefault::Int({i}))"),
            Err(_) => "None".into(),
        },
        Some(model::Value::Float(f)) => format!("Some({rt}::DispDefault::float({f:?}))"),
        Some(model::Value::Str(s)) => format!("Some({rt}::DispDefault::Str({s:?}))"),
    }
}

/// How `Invoke` passes one parameter: the statement fetching it, the expression given to the
/// implementation, and the write-back after the call.
struct ArgPlan {
    /// The parameter's variable (`{snake}_arg`).
    name: String,
    fetch: Option<String>,
    impl_arg: Option<String>,
    write_back: Option<String>,
    fast: Fast,
    /// For a windows-rs implementation ([`Callee::Windows`]): the fetch with the value's type
    /// spelled out (nothing infers it there), and the argument as the ABI value windows-rs's
    /// type for it receives (`abi_cast`/`abi_ref`, the other side inferred).
    win_fetch: Option<String>,
    win_arg: Option<String>,
}

/// Whom `Invoke` calls.
#[derive(Debug, Clone, Copy)]
pub enum Callee<'a> {
    /// The generated `_Impl` trait (`{owner}_Impl::{rust_name}`).
    Idlgen,
    /// A windows-rs `_Impl` trait of the `windows` crate: `{path}::{owner}_Impl::{method}`, with
    /// windows-rs's method names and types; `path` is a macro repetition (`$($m)::+`).
    Windows { path: &'a str },
}

/// The name windows-rs gives a member's `_Impl` method: Win32 metadata keeps the C names
/// (`get_X`, `put_X`, `putref_X`), and windows-bindgen turns a getter with no parameter but the
/// result into `X` and a setter of one value into `SetX`.
pub fn windows_method_name(m: &model::Method) -> String {
    let args = m.params.iter().filter(|p| !p.retval).count();
    match m.invkind {
        model::InvokeKind::Method => m.name.clone(),
        model::InvokeKind::PropGet if args == 0 => m.name.clone(),
        model::InvokeKind::PropGet => format!("get_{}", m.name),
        model::InvokeKind::PropPut if args == 1 => format!("Set{}", m.name),
        model::InvokeKind::PropPut => format!("put_{}", m.name),
        model::InvokeKind::PropPutRef => format!("putref_{}", m.name),
    }
}

/// The Rust primitive a scalar VARTYPE travels as (the runtime's `DispValue` for it).
fn primitive(vt: &str) -> Option<&'static str> {
    let base = vt.rsplit("::").next()?;
    Some(match base {
        "VT_I4" | "VT_INT" | "VT_ERROR" => "i32",
        "VT_UI4" | "VT_UINT" => "u32",
        "VT_I2" => "i16",
        "VT_UI2" => "u16",
        "VT_I1" => "i8",
        "VT_UI1" => "u8",
        "VT_I8" | "VT_CY" => "i64",
        "VT_UI8" => "u64",
        "VT_R4" => "f32",
        "VT_R8" | "VT_DATE" => "f64",
        _ => return None,
    })
}

/// How the fast path passes one parameter.
#[derive(Debug, Clone, PartialEq)]
enum Fast {
    /// Not the caller's to pass (the `[retval]`).
    Skip,
    /// The fast path cannot pass it: the member always takes the general path.
    No,
    /// The `[lcid]`: `fast.lcid()`.
    Lcid,
    /// An argument from `rgvarg`: the expression (an `Option`) that reads the parameter's
    /// value from the `&VARIANT` bound to its variable.
    Arg(String),
}

/// Classifies one member: its table entry, and the arm calling it (`None` when some parameter
/// or the result is not something the shim can pass: the arm then answers `E_NOTIMPL`).
#[allow(clippy::too_many_arguments)]
pub fn member(
    model: &Model,
    m: &model::Method,
    rust_name: &str,
    impl_trait: &str,
    index: usize,
    dispid: String,
    style: Style,
    callee: Callee<'_>,
    rt: &str,
) -> (DispMemberView, InvokeArmView) {
    let retval = m.retval();
    let ret_plan = types::plan_return(model, &m.ret, retval, rt);
    let has_retval = style == Style::Dual && ret_plan.retval.is_some();
    let mut supported = match style {
        Style::Dual => ret_plan.is_hresult && m.slot.is_some(),
        Style::Dispinterface => true,
    };
    let mut params = Vec::new();
    let mut plans = Vec::new();
    let vararg_index = if m.vararg {
        m.params.iter().rposition(|p| !p.retval && !p.lcid)
    } else {
        None
    };
    for (k, p) in m.params.iter().enumerate() {
        let (vt, plan) = param(model, p, k, Some(k) == vararg_index, has_retval, rt);
        supported &= plan.is_some();
        params.push(DispParamView {
            name: p.name.clone(),
            vt: vt.unwrap_or_else(|| format!("{rt}::VT_EMPTY")),
            flags: param_flags(p, rt),
            default: default_literal(p.default.as_ref(), rt),
        });
        plans.push(plan);
    }
    let result_of = |ty: &Type| match classify(model, ty, rt) {
        Some((vt, Kind::Interface(_))) => (vt, Some("call.ret_interface(Some(v))".to_string())),
        // A SAFEARRAY the implementation hands over (the VARIANT owns it then).
        Some((vt, Kind::Array)) => (vt, Some("call.ret_array(v)".to_string())),
        Some((vt, _)) => (vt, Some("call.ret(v)".into())),
        None => (format!("{rt}::VT_EMPTY"), None),
    };
    let nothing = || {
        (
            format!("{rt}::VT_EMPTY"),
            Some(format!("{rt}::Variant::new()")),
        )
    };
    let (ret_vt, ret_expr) = match style {
        // A dispinterface method returns its value (or nothing).
        Style::Dispinterface => match &m.ret {
            Type::Base(model::BaseType::Void) => nothing(),
            ty => result_of(ty),
        },
        Style::Dual => match retval.filter(|_| has_retval) {
            None => nothing(),
            Some(p) => match &p.ty {
                Type::Pointer { pointee, .. } => result_of(pointee),
                _ => (format!("{rt}::VT_EMPTY"), None),
            },
        },
    };
    let returns_value = match style {
        Style::Dual => has_retval,
        Style::Dispinterface => !matches!(m.ret, Type::Base(model::BaseType::Void)),
    };
    supported &= ret_expr.is_some();

    let mut flags = Vec::new();
    if m.restricted {
        flags.push(format!("{rt}::DISPMEMBER_RESTRICTED"));
    }
    if m.vararg {
        flags.push(format!("{rt}::DISPMEMBER_VARARG"));
    }
    let view = DispMemberView {
        name: m.name.clone(),
        dispid,
        kind: match m.invkind {
            model::InvokeKind::Method => "Method",
            model::InvokeKind::PropGet => "PropertyGet",
            model::InvokeKind::PropPut => "PropertyPut",
            model::InvokeKind::PropPutRef => "PropertyPutRef",
        },
        slot: m
            .slot
            .map_or_else(|| "None".to_string(), |s| format!("Some({s})")),
        params,
        ret: ret_vt,
        flags: if flags.is_empty() {
            "0".into()
        } else {
            flags.join(" | ")
        },
    };

    // How the fast path turns the implementation's result into what `call.ret*` makes of
    // it (`FastCall::finish` stores a `DispValue` or `()` itself).
    let fast_ret = ret_expr.as_deref().and_then(|e| match e {
        "call.ret(v)" => Some(FastRet::Value),
        "call.ret_interface(Some(v))" => Some(FastRet::Interface),
        e if e == format!("{rt}::Variant::new()") => Some(FastRet::Value),
        _ => None,
    });
    let put = matches!(
        m.invkind,
        model::InvokeKind::PropPut | model::InvokeKind::PropPutRef
    );
    // What windows-rs returns, as the value `call.ret*` takes: the retval's ABI type here.
    let win_ret = match style {
        Style::Dual => retval.filter(|_| has_retval).and_then(|p| match &p.ty {
            Type::Pointer { pointee, .. } => match classify(model, pointee, rt) {
                Some((vt, Kind::Scalar)) => primitive(&vt).map(|t| {
                    format!("// SAFETY: the retval's ABI value, typed as windows-rs types it.\nlet v: {t} = unsafe {{ {rt}::__codegen::abi_cast(r) }};")
                }),
                Some((_, Kind::Bool)) => Some(format!(
                    "// SAFETY: a VARIANT_BOOL, typed as windows-rs types it.\nlet v = unsafe {{ {rt}::__codegen::abi_cast::<_, i16>(r) }} != 0;"
                )),
                Some((_, Kind::BStr)) => Some(format!(
                    "// SAFETY: an owned BSTR either way (oleaut32's).\nlet v: {rt}::BStr = unsafe {{ {rt}::__codegen::abi_cast(r) }};"
                )),
                Some((_, Kind::Variant)) => Some(format!(
                    "// SAFETY: an owned VARIANT either way.\nlet v: {rt}::Variant = unsafe {{ {rt}::__codegen::abi_cast(r) }};"
                )),
                Some((_, Kind::Interface(_))) => Some(format!(
                    "// SAFETY: an owned interface pointer either way.\nlet v: {rt}::IUnknown = unsafe {{ {rt}::__codegen::abi_cast(r) }};"
                )),
                Some((_, Kind::Array)) => Some(format!(
                    "// SAFETY: an owned SAFEARRAY pointer either way.\nlet v: *mut {rt}::SAFEARRAY = unsafe {{ {rt}::__codegen::abi_cast(r) }};"
                )),
                _ => None,
            },
            _ => None,
        }),
        Style::Dispinterface => None,
    };
    let body = match (supported, ret_expr, callee) {
        (true, Some(ret_expr), Callee::Windows { path }) => {
            let plans: Vec<ArgPlan> = plans.into_iter().flatten().collect();
            let windows_ok = style == Style::Dual
                && plans
                    .iter()
                    .all(|p| p.fetch.is_none() || p.win_fetch.is_some())
                && (!returns_value || win_ret.is_some());
            if windows_ok {
                let mut lines: Vec<String> =
                    plans.iter().filter_map(|p| p.win_fetch.clone()).collect();
                let args: Vec<String> = plans.iter().filter_map(|p| p.win_arg.clone()).collect();
                let owner = impl_trait;
                let method = windows_method_name(m);
                let call = format!(
                    "{path}::{owner}::{method}(imp{}{})",
                    if args.is_empty() { "" } else { ", " },
                    args.join(", ")
                );
                let (safety, call) = if args.is_empty() {
                    (String::new(), call)
                } else {
                    (
                        "// SAFETY: each argument is the ABI value the IDL gives the parameter, typed\n\
                         // as windows-rs types it.\n"
                            .to_string(),
                        format!("unsafe {{ {call} }}"),
                    )
                };
                if returns_value {
                    lines.push(format!("{safety}let r = {call}?;"));
                    lines.extend(win_ret.clone());
                } else {
                    lines.push(format!("{safety}{call}?;"));
                }
                lines.extend(plans.iter().filter_map(|p| p.write_back.clone()));
                lines.push(format!("Ok({ret_expr})"));
                (lines.join("\n"), None)
            } else {
                (
                    format!(
                        "// `{}` has a parameter or result this shim cannot pass to windows-rs.\nErr({rt}::E_NOTIMPL.into())",
                        m.name
                    ),
                    None,
                )
            }
        }
        (true, Some(ret_expr), Callee::Idlgen) => {
            let plans: Vec<ArgPlan> = plans.into_iter().flatten().collect();
            // [restricted] members may not be callable (I3) and [vararg] ones pack their
            // arguments: both take the general path.
            let fast_ok = !m.restricted
                && !m.vararg
                && plans.iter().all(|p| p.fast != Fast::No)
                && fast_ret.is_some();
            let mut lines: Vec<String> = plans.iter().filter_map(|p| p.fetch.clone()).collect();
            let args: Vec<String> = plans.iter().filter_map(|p| p.impl_arg.clone()).collect();
            let call = format!(
                "{impl_trait}::{rust_name}(imp{}{})",
                if args.is_empty() { "" } else { ", " },
                args.join(", ")
            );
            let write_backs: Vec<String> =
                plans.iter().filter_map(|p| p.write_back.clone()).collect();
            let fast = match (fast_ok, fast_ret) {
                (true, Some(fast_ret)) => {
                    Some(fast_body(&plans, put, &call, fast_ret, &view.ret, rt))
                }
                _ => None,
            };
            if returns_value {
                lines.push(format!("let v = {call}?;"));
            } else {
                lines.push(format!("{call}?;"));
            }
            lines.extend(write_backs);
            lines.push(format!("Ok({ret_expr})"));
            (lines.join("\n"), fast)
        }
        _ => (
            format!(
                "// `{}` has a parameter or result that Automation cannot pass.\nErr({rt}::E_NOTIMPL.into())",
                m.name
            ),
            None,
        ),
    };
    let (body, fast) = body;
    (
        view,
        InvokeArmView {
            index,
            name: m.name.clone(),
            body,
            fast,
        },
    )
}

/// A member's fast-path arm: bind `rgvarg` by shape (argument parameters in reverse order,
/// A1; a put's value, the last one, comes first), read each parameter (declining with `?`
/// when an argument is not of its parameter's exact type), then call the implementation as
/// the general arm does.
fn fast_body(
    plans: &[ArgPlan],
    put: bool,
    call: &str,
    ret: FastRet,
    ret_vt: &str,
    rt: &str,
) -> String {
    let mut reversed: Vec<&str> = plans
        .iter()
        .filter(|p| matches!(p.fast, Fast::Arg(_)))
        .map(|p| p.name.as_str())
        .collect();
    reversed.reverse();
    let shape = if put { "put_args" } else { "args" };
    let mut lines = vec![format!("let [{}] = fast.{shape}()?;", reversed.join(", "))];
    for p in plans {
        match &p.fast {
            Fast::Arg(read) => lines.push(format!("let {} = {read}?;", p.name)),
            Fast::Lcid => lines.push(format!("let {} = fast.lcid();", p.name)),
            Fast::Skip | Fast::No => {}
        }
    }
    let result = match ret {
        FastRet::Value => call.to_string(),
        FastRet::Interface => {
            format!("{call}.map(|v| {rt}::__codegen::interface_variant(Some(v), {ret_vt}))")
        }
    };
    lines.push(format!("Some(fast.finish({ret_vt}, || {result}))"));
    lines.join("\n")
}

/// What the fast path's `finish` gets from the implementation.
#[derive(Debug, Clone, Copy)]
enum FastRet {
    /// Its result as it is: a `DispValue` (stored as `call.ret` would make it) or `()`.
    Value,
    /// An interface, made a VARIANT as `call.ret_interface` would.
    Interface,
}

/// A parameter's VARTYPE expression and how `Invoke` passes it (`None`: it cannot).
fn param(
    model: &Model,
    p: &Param,
    k: usize,
    is_vararg: bool,
    has_retval: bool,
    rt: &str,
) -> (Option<String>, Option<ArgPlan>) {
    let name = rust_ident(&format!("{}_arg", snake(&p.name)));
    let optional = p.optional || p.default.is_some();
    // What the fast path reads for a fetch of the general path's (the same value whenever the
    // argument has exactly the parameter's type, by value; see `FastCall` in the runtime).
    let fast_of = |fetch: &str, vt: &str| {
        if fetch.starts_with("call.value(") && vt != format!("{rt}::VT_ERROR") {
            Fast::Arg(format!("fast.value({name}, {vt})"))
        } else if fetch.starts_with("call.bstr(") {
            Fast::Arg(format!("fast.bstr({name})"))
        } else if fetch.starts_with("call.variant(") {
            Fast::Arg(format!("fast.variant({name}, {optional})"))
        } else if fetch == "call.lcid()" {
            Fast::Lcid
        } else {
            Fast::No
        }
    };
    let plain = |fetch: String, impl_arg: String, vt: &str| {
        Some(ArgPlan {
            name: name.clone(),
            fast: fast_of(&fetch, vt),
            fetch: Some(format!("let {name} = {fetch};")),
            impl_arg: Some(impl_arg),
            write_back: None,
            win_fetch: None,
            win_arg: None,
        })
    };
    // The windows-rs form of a plan: `fetch` with the type spelled out, `arg` as windows-rs
    // receives it (an `unsafe` context: the call is wrapped in one).
    let windows = |plan: Option<ArgPlan>, fetch: String, arg: String| {
        plan.map(|p| ArgPlan {
            win_fetch: Some(format!("let {} = {fetch};", p.name)),
            win_arg: Some(arg),
            ..p
        })
    };
    if p.retval && has_retval {
        let vt = match &p.ty {
            Type::Pointer { pointee, .. } => classify(model, pointee, rt),
            _ => None,
        };
        return (
            vt.map(|(v, _)| format!("{rt}::VT_BYREF | {v}")),
            Some(ArgPlan {
                name,
                fetch: None,
                impl_arg: None,
                write_back: None,
                fast: Fast::Skip,
                win_fetch: None,
                win_arg: None,
            }),
        );
    }
    let plan = types::plan_param(model, p, rt);
    let Some(rust_ty) = plan.rust_ty.clone() else {
        return (None, None);
    };
    if p.lcid {
        let vt = classify(model, &p.ty, rt).map(|(v, _)| v);
        let plan = plain("call.lcid()".into(), name.clone(), "");
        let plan = windows(
            plan,
            "call.lcid()".into(),
            format!("{rt}::__codegen::abi_cast::<u32, _>({name})"),
        );
        return (vt, plan);
    }
    // [out] / [in, out] pointers: by reference.
    if p.is_out {
        let Type::Pointer { pointee, .. } = &p.ty else {
            return (None, None);
        };
        let Some((vt, kind)) = classify(model, pointee, rt) else {
            return (None, None);
        };
        let vt = format!("{rt}::VT_BYREF | {vt}");
        let ok = rust_ty.starts_with("&mut ")
            && matches!(kind, Kind::Scalar | Kind::BStr | Kind::Variant);
        if !ok {
            return (Some(vt), None);
        }
        let value_ty = match kind {
            Kind::Scalar => primitive(&vt).map(str::to_string),
            Kind::BStr => Some(format!("{rt}::BStr")),
            Kind::Variant => Some(format!("{rt}::Variant")),
            _ => None,
        };
        return (
            Some(vt),
            Some(ArgPlan {
                name: name.clone(),
                fetch: Some(format!("let mut {name} = call.by_ref({k})?;")),
                impl_arg: Some(format!("&mut {name}")),
                write_back: Some(format!("{name}.write_back()?;")),
                fast: Fast::No,
                win_fetch: value_ty
                    .as_ref()
                    .map(|t| format!("let mut {name} = call.by_ref::<{t}>({k})?;")),
                win_arg: value_ty
                    .map(|t| format!("{rt}::__codegen::abi_cast::<&mut {t}, _>(&mut {name})")),
            }),
        );
    }
    // [in] T* (not an interface): a reference to one value.
    if let Type::Pointer { pointee, .. } = &p.ty
        && !matches!(types::shape(model, &p.ty, rt), Shape::Interface(_))
    {
        let Some((vt, kind)) = classify(model, pointee, rt) else {
            return (None, None);
        };
        let plan = match kind {
            Kind::Scalar if rust_ty.starts_with('&') => match primitive(&vt) {
                Some(t) => windows(
                    plain(format!("call.value({k})?"), format!("&{name}"), &vt),
                    format!("call.value::<{t}>({k})?"),
                    format!("{rt}::__codegen::abi_cast::<&{t}, _>(&{name})"),
                ),
                None => plain(format!("call.value({k})?"), format!("&{name}"), &vt),
            },
            Kind::Variant => windows(
                plain(format!("call.variant({k})?"), format!("&{name}"), &vt),
                format!("call.variant({k})?"),
                format!("{rt}::__codegen::abi_cast::<&{rt}::Variant, _>(&{name})"),
            ),
            _ => None,
        };
        return (Some(vt), plan);
    }
    let Some((vt, kind)) = classify(model, &p.ty, rt) else {
        return (None, None);
    };
    let plan = match kind {
        Kind::Scalar if !plan.is_raw => {
            let general = plain(format!("call.value({k})?"), name.clone(), &vt);
            match primitive(&vt) {
                Some(t) => windows(
                    general,
                    format!("call.value::<{t}>({k})?"),
                    format!("{rt}::__codegen::abi_cast::<{t}, _>({name})"),
                ),
                None => general,
            }
        }
        Kind::Bool if !plan.is_raw => windows(
            plain(format!("call.value({k})?"), name.clone(), &vt),
            format!("call.value::<bool>({k})?"),
            format!("{rt}::__codegen::abi_cast::<i16, _>({rt}::__codegen::variant_bool({name}))"),
        ),
        Kind::BStr => windows(
            plain(format!("call.bstr({k})?"), format!("&{name}"), &vt),
            format!("call.bstr({k})?"),
            format!("{rt}::__codegen::abi_ref::<{rt}::BStr, _>(&{name})"),
        ),
        Kind::Variant => windows(
            plain(format!("call.variant({k})?"), format!("&{name}"), &vt),
            format!("call.variant({k})?"),
            format!("{rt}::__codegen::abi_ref::<{rt}::Variant, _>(&{name})"),
        ),
        Kind::Interface(path) => windows(
            plain(
                format!("call.interface::<{path}>({k})?"),
                format!("{name}.as_ref()"),
                &vt,
            ),
            format!("call.interface::<{rt}::IUnknown>({k})?"),
            format!(
                "{rt}::__codegen::abi_cast::<*mut ::core::ffi::c_void, _>({name}.as_ref().map_or(::core::ptr::null_mut(), {rt}::Interface::as_raw))"
            ),
        ),
        Kind::Array if is_vararg => windows(
            plain(
                format!("call.varargs({k})?"),
                format!("{name}.as_ptr()"),
                &vt,
            ),
            format!("call.varargs({k})?"),
            format!("{rt}::__codegen::abi_cast::<*mut {rt}::SAFEARRAY, _>({name}.as_ptr())"),
        ),
        Kind::Array => windows(
            plain(format!("call.array({k})?"), format!("{name}.as_ptr()"), &vt),
            format!("call.array({k})?"),
            format!("{rt}::__codegen::abi_cast::<*mut {rt}::SAFEARRAY, _>({name}.as_ptr())"),
        ),
        _ => None,
    };
    (Some(vt), plan)
}

/// A member of a dispinterface's `_Impl` trait.
#[derive(Debug, Clone)]
pub struct DispImplMethodView {
    pub doc: Vec<String>,
    pub rust_name: String,
    pub params: Vec<(String, String)>,
    pub ret: String,
    pub is_unsafe: bool,
}

/// The `_Impl` trait method of a dispinterface member: parameters as dual interfaces pass them,
/// the result as `Result<T>` (`Result<()>` for `void`).
pub fn impl_method(
    model: &Model,
    m: &model::Method,
    rust_name: String,
    rt: &str,
) -> DispImplMethodView {
    let plans: Vec<types::ParamPlan> = m
        .params
        .iter()
        .map(|p| types::plan_param(model, p, rt))
        .collect();
    let ret = match types::shape(model, &m.ret, rt) {
        Shape::Void => "()".to_string(),
        s => s.owned(rt),
    };
    let mut doc = match m.helpstring.as_deref() {
        Some(h) if !h.trim().is_empty() => h.lines().map(|l| l.trim_end().to_string()).collect(),
        _ => Vec::new(),
    };
    doc.push(format!(
        "`{}` ({}, DISPID 0x{:08X}).",
        m.name,
        m.invkind.as_str(),
        m.dispid as u32
    ));
    DispImplMethodView {
        doc,
        rust_name,
        params: plans
            .iter()
            .filter_map(|p| p.rust_ty.clone().map(|t| (p.rust_name.clone(), t)))
            .collect(),
        ret: format!("{rt}::Result<{ret}>"),
        is_unsafe: plans.iter().any(|p| p.is_raw),
    }
}
