//! The late-bound side of an interface: each member classified for `IDispatch` (its entry in
//! the DISPID table, with parameter names, VARTYPEs, flags and defaults) and its arm in the
//! shim's `match` (what the runtime fetches for each parameter, and the call of the `_Impl`
//! trait with it). The runtime applies the rules; generated code per member only names what
//! to fetch.
//!
//! Both are written compactly, one member a line where rustfmt allows: table entries with the
//! runtime's `dispid_table` constructors (`method("Name", 0x60020000, 7, P0, VT_I4)`),
//! arms as `call.with(index, (bstr(0), value(1)), |(a, b)| T::name(imp, a, *b))`, which the
//! runtime runs on `Invoke`'s fast path and its general one alike.

use crate::model::{self, Model, Param, Type};

use super::names::{rust_ident, snake};
use super::types::{self, Shape};

/// How a member reports its result: dual methods return an HRESULT and their value through an
/// `[out, retval]` parameter; dispinterface methods return the value itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    Dual,
    Dispinterface,
}

/// One member's entry in the DISPID table: the constructor call, names from the runtime's
/// `dispid_table` module (`method("SetContext", 0x60020000, 7, P0, VT_EMPTY)`), its
/// parameter list apart (tables share equal lists).
#[derive(Debug, Clone)]
pub struct DispMemberView {
    /// The call with `{params}` for the parameter list.
    pub entry: String,
    /// The parameters, `param(...)` calls joined by `, `.
    pub params: String,
}

/// A table's text: its parameter lists (`const P{n}: &[DispParam] = &[...];`, each distinct
/// one once) and its members' entries naming them.
pub struct TableText {
    pub param_lists: Vec<String>,
    pub entries: Vec<String>,
}

/// The text of the table of `members`: each distinct non-empty parameter list a `const` of its
/// own, `P0` first (in the order members first use them), an empty one `&[]`.
pub fn table_text(members: &[DispMemberView]) -> TableText {
    let mut param_lists: Vec<String> = Vec::new();
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let entries = members
        .iter()
        .map(|m| {
            let list = if m.params.is_empty() {
                "&[]".to_string()
            } else {
                let n = *seen.entry(m.params.as_str()).or_insert_with(|| {
                    param_lists.push(m.params.clone());
                    param_lists.len() - 1
                });
                format!("P{n}")
            };
            m.entry.replace("{params}", &list)
        })
        .collect();
    TableText {
        param_lists,
        entries,
    }
}

/// One member's arm in the shim: `index` into the table, and what the arm does.
#[derive(Debug, Clone)]
pub struct InvokeArmView {
    pub index: usize,
    pub name: String,
    /// The arm of idlgen's shim (`Dispatch::members`): `call.with(...)` or
    /// `call.unsupported(index)`.
    pub expr: String,
    /// The statements of the windows-rs shim's arm (`Callee::Windows`), ending in the
    /// `DispResult`.
    pub body: String,
}

/// The indexes of a DISPID table over its members (declaration order), computed here so the
/// generated table is `const` data and lookups do no work that generation could do.
#[derive(Debug, Clone)]
pub struct TableIndexes {
    /// Member indices sorted by (dispid, index), or empty when that is declaration order.
    pub by_id: Vec<usize>,
    /// The size of the hash index by name (`dispid_table::name_index`, G6), a power of two;
    /// 0 for no members.
    pub index_size: usize,
    /// The index itself when some name is beyond ASCII (the const fn folds ASCII only).
    pub index_literal: Option<Vec<u16>>,
    /// `Invoke`'s member selection (I3) as `match` arms in `by_id` order: (DISPID literal,
    /// the member kind's `wFlags` bit as the shim names it (`METHOD`), its `DISPATCH_*` name,
    /// member index). The first arm whose DISPID matches and whose flag intersects `wFlags`
    /// wins, as `DispidTable::select` decides.
    pub select_arms: Vec<(String, &'static str, &'static str, usize)>,
}

/// The indexes of the table of `members`, their DISPIDs written as `dispid_literal` makes them.
pub fn table_indexes(
    members: &[&model::Method],
    dispid_literal: impl Fn(i32) -> String,
) -> TableIndexes {
    let mut by_id: Vec<usize> = (0..members.len()).collect();
    by_id.sort_by_key(|i| (members[*i].dispid, *i));
    let select_arms = by_id
        .iter()
        .map(|&i| {
            let (flag, name) = match members[i].invkind {
                model::InvokeKind::Method => ("METHOD", "DISPATCH_METHOD"),
                model::InvokeKind::PropGet => ("GET", "DISPATCH_PROPERTYGET"),
                model::InvokeKind::PropPut => ("PUT", "DISPATCH_PROPERTYPUT"),
                model::InvokeKind::PropPutRef => ("PUTREF", "DISPATCH_PROPERTYPUTREF"),
            };
            (dispid_literal(members[i].dispid), flag, name, i)
        })
        .collect();
    if by_id.iter().enumerate().all(|(at, i)| at == *i) {
        by_id.clear();
    }
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    // A table indexes its members with `u16`s: past 32767 of them, no index (the table's
    // `DispidTable::new` then says, at compile time, that there are too many).
    if names.len() >= 0x8000 {
        return TableIndexes {
            by_id,
            index_size: 0,
            index_literal: Some(Vec::new()),
            select_arms,
        };
    }
    let index = idlgen_runtime::__codegen::name_index_of(&names);
    TableIndexes {
        by_id,
        index_size: index.len(),
        index_literal: (!names.iter().all(|n| n.is_ascii())).then_some(index),
        select_arms,
    }
}

/// Whether some arm calls the implementation (else the shim's `imp` goes unused).
pub fn calls_any(arms: &[InvokeArmView]) -> bool {
    arms.iter().any(|a| a.expr.starts_with("call.with("))
}

/// The arm of member `index` in idlgen's shim.
pub fn arm_expr<'a>(arms: &'a [InvokeArmView], index: &usize) -> &'a str {
    arms.get(*index).map_or("call.none()", |a| a.expr.as_str())
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

/// The VARTYPE expression (names of the runtime's `dispid_table` module, unqualified) and kind
/// of a type passed by value (the model's automation mapping,
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
        return Some((format!("VT_ARRAY | {name}"), Kind::Array));
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
    Some((name.to_string(), kind))
}

/// A parameter's `PARAMFLAG_*` bits as one expression of the `dispid_table` module's short
/// names (`IN`, `OUT | RETVAL`), `0` for none.
fn param_flags(p: &Param) -> String {
    let flags: Vec<&str> = [
        (p.is_in, "IN"),
        (p.is_out, "OUT"),
        (p.lcid, "LCID"),
        (p.retval, "RETVAL"),
        (p.optional, "OPT"),
        (p.default.is_some(), "HASDEFAULT"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    if flags.is_empty() {
        "0".into()
    } else {
        flags.join(" | ")
    }
}

/// `.with_default(...)` for a `[defaultvalue]` (nothing for none, or for an integer beyond
/// `i64`, which the table cannot hold).
fn default_suffix(v: Option<&model::Value>) -> String {
    match v {
        None => String::new(),
        Some(model::Value::Int(i)) => match i64::try_from(*i) {
            Ok(i) => format!(".with_default(DispDefault::Int({i}))"),
            Err(_) => String::new(),
        },
        Some(model::Value::Float(f)) => format!(".with_default(DispDefault::float({f:?}))"),
        Some(model::Value::Str(s)) => format!(".with_default(DispDefault::Str({s:?}))"),
    }
}

/// How `Invoke` passes one parameter.
struct ArgPlan {
    /// For idlgen's shim: what the runtime fetches (`bstr(0)`, `shim` names), and the argument
    /// the implementation gets, with `{}` for the variable the fetched value is bound to (a
    /// `&mut` of it: `{}` passes a reference as is, `*{}` a number).
    spec: Option<(String, &'static str)>,
    /// For the windows-rs shim: the parameter's variable (`{snake}_arg`), its general-path
    /// fetch, the write-back after the call, the fetch with the value's type spelled out
    /// (nothing infers it there), and the argument as the ABI value windows-rs's type for it
    /// receives (`abi_cast`/`abi_ref`, the other side inferred).
    fetch: Option<String>,
    write_back: Option<String>,
    win_fetch: Option<String>,
    win_arg: Option<String>,
}

/// Whom `Invoke` calls.
#[derive(Debug, Clone, Copy)]
pub enum Callee<'a> {
    /// The generated `_Impl` trait (`{owner}::{rust_name}`, the owner `T` when that names the
    /// method unambiguously).
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
    let base = vt.rsplit([':', ' ']).next()?;
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

/// What the implementation's result is, for `Invoke`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Returns {
    /// Nothing: `VT_EMPTY`.
    Nothing,
    /// A `DispValue` (number, `bool`, BSTR, VARIANT).
    Value,
    /// An interface: `Option<I>` for the runtime (`.map(Some)`).
    Interface,
    /// A SAFEARRAY the implementation hands over (the VARIANT owns it then).
    Array,
}

/// The closure variable of the `n`th fetched parameter: `a` to `z`, then `p26`, ...
fn var(n: usize) -> String {
    match u8::try_from(n) {
        Ok(n) if n < 26 => char::from(b'a' + n).to_string(),
        _ => format!("p{n}"),
    }
}

/// Items as the runtime's `Fetch` takes them: one as itself, up to twelve as a tuple, more as
/// a tuple of such groups (tuples of up to twelve have `Fetch`).
fn group(items: &[String]) -> String {
    match items.len() {
        0 => "()".into(),
        1 => items[0].clone(),
        2..=12 => format!("({})", items.join(", ")),
        _ => {
            let chunks: Vec<String> = items.chunks(12).map(group).collect();
            group(&chunks)
        }
    }
}

/// What classifying a member finds that depends on the member alone (not on the shim it is
/// listed in): a derived interface's shim lists its bases' members again, so within one
/// generation ([`with_member_cache`]) each member is classified once.
struct Classified {
    supported: bool,
    /// The table's `param(...)` constructors, joined.
    params: String,
    /// How `Invoke` passes each parameter (`None`: it cannot).
    plans: Vec<Option<ArgPlan>>,
    ret_vt: String,
    returns: Option<Returns>,
    returns_value: bool,
    /// The windows-rs shim's binding of the result (computed for that shim only).
    win_ret: Option<String>,
}

type MemberKey = (usize, Style, bool);

/// What one generation keeps (see [`with_member_cache`]), by the address of a method or a
/// parameter in the model: the model is borrowed, unchanged, for as long as the cache is on,
/// so no other method or parameter can take that address meanwhile.
#[derive(Default)]
struct MemberCache {
    /// Members classified (see [`Classified`]).
    classified: std::collections::HashMap<MemberKey, std::rc::Rc<Classified>>,
    /// The wrapper's type of each parameter whose plan the interface's methods made
    /// ([`remember_param`]), for `Invoke`'s classification of the same parameter.
    param_types: std::collections::HashMap<usize, ParamTypes>,
}

/// Of a parameter's plan ([`types::ParamPlan`]), what classifying it for `Invoke` needs: its
/// type in wrappers and `_Impl` traits, and whether it is a raw pointer. Neither depends on
/// how the thunk leaves on a null pointer (`NullReturn`), the one input plans differ in.
struct ParamTypes {
    rust_ty: Option<String>,
    is_raw: bool,
}

thread_local! {
    static CACHE: std::cell::RefCell<Option<MemberCache>> = const { std::cell::RefCell::new(None) };
}

/// Keeps what `plan` (a plan of `p`, a parameter the model holds) says of the parameter's type,
/// while the cache is on: classifying the member for `Invoke` then makes no plan of its own.
pub fn remember_param(p: &Param, plan: &types::ParamPlan) {
    CACHE.with(|c| {
        if let Some(c) = c.borrow_mut().as_mut() {
            c.param_types
                .entry(std::ptr::from_ref(p) as usize)
                .or_insert_with(|| ParamTypes {
                    rust_ty: plan.rust_ty.clone(),
                    is_raw: plan.is_raw,
                });
        }
    });
}

/// `p`'s type in wrappers and whether it is a raw pointer: as [`remember_param`] kept it, else
/// from a plan made here.
fn param_types(model: &Model, p: &Param, rt: &str) -> ParamTypes {
    let key = std::ptr::from_ref(p) as usize;
    let known = CACHE.with(|c| {
        let c = c.borrow();
        let t = c.as_ref()?.param_types.get(&key)?;
        Some(ParamTypes {
            rust_ty: t.rust_ty.clone(),
            is_raw: t.is_raw,
        })
    });
    known.unwrap_or_else(|| {
        let plan = types::plan_param(model, p, rt);
        ParamTypes {
            rust_ty: plan.rust_ty,
            is_raw: plan.is_raw,
        }
    })
}

/// Runs `f` (one generation from one model) with members classified once each.
pub fn with_member_cache<R>(f: impl FnOnce() -> R) -> R {
    /// Turns the cache off however `f` ends: a later model may reuse the addresses.
    struct Off(bool);
    impl Drop for Off {
        fn drop(&mut self) {
            if self.0 {
                CACHE.with(|c| *c.borrow_mut() = None);
            }
        }
    }
    // A nested call (the cache already on) keeps the outer one's.
    let on = CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let fresh = c.is_none();
        if fresh {
            *c = Some(MemberCache::default());
        }
        fresh
    });
    let _off = Off(on);
    f()
}

fn classified(
    model: &Model,
    m: &model::Method,
    style: Style,
    callee: Callee<'_>,
    rt: &str,
) -> std::rc::Rc<Classified> {
    let windows = matches!(callee, Callee::Windows { .. });
    let key = (std::ptr::from_ref(m) as usize, style, windows);
    if let Some(hit) =
        CACHE.with(|c| (c.borrow().as_ref()).and_then(|c| c.classified.get(&key).cloned()))
    {
        return hit;
    }
    let found = std::rc::Rc::new(classify_member(model, m, style, windows, rt));
    CACHE.with(|c| {
        if let Some(c) = c.borrow_mut().as_mut() {
            c.classified.insert(key, found.clone());
        }
    });
    found
}

fn classify_member(
    model: &Model,
    m: &model::Method,
    style: Style,
    windows: bool,
    rt: &str,
) -> Classified {
    let retval = m.retval();
    // `types::plan_return` takes the [out, retval] parameter as the result of a method that
    // returns an HRESULT.
    let is_hresult = types::returns_hresult(model, &m.ret, rt);
    let has_retval = style == Style::Dual && is_hresult && retval.is_some();
    let mut supported = match style {
        Style::Dual => is_hresult && m.slot.is_some(),
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
        let (vt, plan) = param(
            model,
            p,
            k,
            Some(k) == vararg_index,
            has_retval,
            windows,
            rt,
        );
        supported &= plan.is_some();
        params.push(format!(
            "param({:?}, {}, {}){}",
            p.name,
            vt.as_deref().unwrap_or("VT_EMPTY"),
            param_flags(p),
            default_suffix(p.default.as_ref())
        ));
        plans.push(plan);
    }
    let result_of = |ty: &Type| match classify(model, ty, rt) {
        Some((vt, Kind::Interface(_))) => (vt, Some(Returns::Interface)),
        Some((vt, Kind::Array)) => (vt, Some(Returns::Array)),
        Some((vt, _)) => (vt, Some(Returns::Value)),
        None => ("VT_EMPTY".to_string(), None),
    };
    let nothing = || ("VT_EMPTY".to_string(), Some(Returns::Nothing));
    let (ret_vt, returns) = match style {
        // A dispinterface method returns its value (or nothing).
        Style::Dispinterface => match &m.ret {
            Type::Base(model::BaseType::Void) => nothing(),
            ty => result_of(ty),
        },
        Style::Dual => match retval.filter(|_| has_retval) {
            None => nothing(),
            Some(p) => match &p.ty {
                Type::Pointer { pointee, .. } => result_of(pointee),
                _ => ("VT_EMPTY".to_string(), None),
            },
        },
    };
    let returns_value = match style {
        Style::Dual => has_retval,
        Style::Dispinterface => !matches!(m.ret, Type::Base(model::BaseType::Void)),
    };
    supported &= returns.is_some();
    // What windows-rs returns, as the value the runtime makes the result of: the retval's ABI
    // type here.
    let win_ret = match style {
        Style::Dual if windows => retval.filter(|_| has_retval).and_then(|p| match &p.ty {
            Type::Pointer { pointee, .. } => windows_return(model, pointee, rt),
            _ => None,
        }),
        _ => None,
    };
    Classified {
        supported,
        params: params.join(", "),
        plans,
        ret_vt,
        returns,
        returns_value,
        win_ret,
    }
}

/// Classifies one member: its table entry, and the arm calling it (`call.unsupported` when
/// some parameter or the result is not something the shim can pass: `E_NOTIMPL`).
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
    let windows = matches!(callee, Callee::Windows { .. });
    let c = classify_member(model, m, style, windows, rt);
    member_view(
        &c, m, rust_name, impl_trait, index, dispid, style, callee, rt,
    )
}

/// [`member`] of a method the model holds (an interface's, not one made for the call, whose
/// address a later one may take), classified once per generation ([`with_member_cache`]).
#[allow(clippy::too_many_arguments)]
pub fn model_member(
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
    let c = classified(model, m, style, callee, rt);
    member_view(
        &c, m, rust_name, impl_trait, index, dispid, style, callee, rt,
    )
}

/// The table entry and the arm of a member classified as `c`.
#[allow(clippy::too_many_arguments)]
fn member_view(
    c: &Classified,
    m: &model::Method,
    rust_name: &str,
    impl_trait: &str,
    index: usize,
    dispid: String,
    style: Style,
    callee: Callee<'_>,
    rt: &str,
) -> (DispMemberView, InvokeArmView) {
    let constructor = match m.invkind {
        model::InvokeKind::Method => "method",
        model::InvokeKind::PropGet => "propget",
        model::InvokeKind::PropPut => "propput",
        model::InvokeKind::PropPutRef => "propputref",
    };
    let flags: Vec<&str> = [(m.restricted, "RESTRICTED"), (m.vararg, "VARARG")]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
    let entry = format!(
        "{constructor}({:?}, {dispid}, {}, {{params}}, {}){}",
        m.name,
        m.slot
            .map_or_else(|| "NO_SLOT".to_string(), |s| s.to_string()),
        c.ret_vt,
        if flags.is_empty() {
            String::new()
        } else {
            format!(".with_flags({})", flags.join(" | "))
        }
    );

    let unsupported = |why: &str| InvokeArmView {
        index,
        name: m.name.clone(),
        expr: format!("call.unsupported({index})"),
        body: format!(
            "// `{}` has a parameter or result {why}.\nErr({rt}::E_NOTIMPL.into())",
            m.name
        ),
    };
    let plans = || c.plans.iter().flatten();
    let arm = match (c.supported, c.returns, callee) {
        (true, Some(returns), Callee::Idlgen) => {
            let mut specs = Vec::new();
            let mut vars = Vec::new();
            let mut args = Vec::new();
            for (spec, arg) in plans().filter_map(|p| p.spec.as_ref()) {
                let v = var(vars.len());
                args.push(arg.replace("{}", &v));
                specs.push(spec.clone());
                vars.push(v);
            }
            let pattern = if vars.is_empty() {
                "_".to_string()
            } else {
                group(&vars)
            };
            let call = format!(
                "{impl_trait}::{rust_name}(imp{}{}){}",
                if args.is_empty() { "" } else { ", " },
                args.join(", "),
                if returns == Returns::Interface {
                    ".map(Some)"
                } else {
                    ""
                }
            );
            InvokeArmView {
                index,
                name: m.name.clone(),
                expr: format!("call.with({index}, {}, |{pattern}| {call})", group(&specs)),
                body: String::new(),
            }
        }
        (true, Some(returns), Callee::Windows { path }) => {
            let windows_ok = style == Style::Dual
                && plans().all(|p| p.fetch.is_none() || p.win_fetch.is_some())
                && (!c.returns_value || c.win_ret.is_some());
            if windows_ok {
                let mut lines: Vec<String> = plans().filter_map(|p| p.win_fetch.clone()).collect();
                let args: Vec<String> = plans().filter_map(|p| p.win_arg.clone()).collect();
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
                if c.returns_value {
                    lines.push(format!("{safety}let r = {call}?;"));
                    lines.extend(c.win_ret.clone());
                } else {
                    lines.push(format!("{safety}{call}?;"));
                }
                lines.extend(plans().filter_map(|p| p.write_back.clone()));
                lines.push(match returns {
                    Returns::Nothing => format!("Ok({rt}::Variant::new())"),
                    Returns::Value => "Ok(call.ret(v))".to_string(),
                    Returns::Interface => "Ok(call.ret_interface(Some(v)))".to_string(),
                    Returns::Array => "Ok(call.ret_array(v))".to_string(),
                });
                InvokeArmView {
                    index,
                    name: m.name.clone(),
                    expr: String::new(),
                    body: lines.join("\n"),
                }
            } else {
                unsupported("this shim cannot pass to windows-rs")
            }
        }
        _ => unsupported("that Automation cannot pass"),
    };
    (
        DispMemberView {
            entry,
            params: c.params.clone(),
        },
        arm,
    )
}

/// The statement binding `v`, the result windows-rs returns in `r` as the value `call.ret*`
/// takes (a retval of type `pointee`), when the shim can pass it.
fn windows_return(model: &Model, pointee: &Type, rt: &str) -> Option<String> {
    match classify(model, pointee, rt) {
        Some((vt, Kind::Scalar)) => primitive(&vt).map(|t| {
            format!(
                "// SAFETY: the retval's ABI value, typed as windows-rs types it.\nlet v: {t} = unsafe {{ {rt}::__codegen::abi_cast(r) }};"
            )
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
    }
}

/// A parameter's VARTYPE expression and how `Invoke` passes it (`None`: it cannot).
fn param(
    model: &Model,
    p: &Param,
    k: usize,
    is_vararg: bool,
    has_retval: bool,
    windows: bool,
    rt: &str,
) -> (Option<String>, Option<ArgPlan>) {
    let name = rust_ident(&format!("{}_arg", snake(&p.name)));
    // A parameter fetched as `spec` and passed as `arg` (see `ArgPlan::spec`), the windows-rs
    // shim fetching it as `win_fetch` (an expression) and passing `win_arg`.
    // The windows-rs shim's strings are made only for it (`windows`).
    let plan =
        |spec: String, arg: &'static str, win: &dyn Fn() -> (String, Option<(String, String)>)| {
            let (fetch, win) = match windows {
                true => {
                    let (fetch, win) = win();
                    (Some(fetch), win)
                }
                false => (None, None),
            };
            Some(ArgPlan {
                spec: Some((spec, arg)),
                fetch,
                write_back: None,
                win_fetch: win
                    .as_ref()
                    .map(|(fetch, _)| format!("let {name} = {fetch};")),
                win_arg: win.map(|(_, arg)| arg),
            })
        };
    if p.retval && has_retval {
        let vt = match &p.ty {
            Type::Pointer { pointee, .. } => classify(model, pointee, rt),
            _ => None,
        };
        return (
            vt.map(|(v, _)| format!("VT_BYREF | {v}")),
            Some(ArgPlan {
                spec: None,
                fetch: None,
                write_back: None,
                win_fetch: None,
                win_arg: None,
            }),
        );
    }
    let param_plan = param_types(model, p, rt);
    let Some(rust_ty) = param_plan.rust_ty.clone() else {
        return (None, None);
    };
    if p.lcid {
        let vt = classify(model, &p.ty, rt).map(|(v, _)| v);
        let plan = plan("lcid()".into(), "*{}", &|| {
            (
                "call.lcid()".into(),
                Some((
                    "call.lcid()".into(),
                    format!("{rt}::__codegen::abi_cast::<u32, _>({name})"),
                )),
            )
        });
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
        let vt = format!("VT_BYREF | {vt}");
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
                spec: Some((format!("by_ref({k})"), "{}")),
                fetch: Some(format!("call.by_ref({k})?")),
                write_back: Some(format!("{name}.write_back()?;")),
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
            Kind::Scalar if rust_ty.starts_with('&') => plan(format!("value({k})"), "{}", &|| {
                (
                    format!("call.value({k})?"),
                    primitive(&vt).map(|t| {
                        (
                            format!("call.value::<{t}>({k})?"),
                            format!("{rt}::__codegen::abi_cast::<&{t}, _>(&{name})"),
                        )
                    }),
                )
            }),
            Kind::Variant => plan(format!("variant({k})"), "{}", &|| {
                (
                    format!("call.variant({k})?"),
                    Some((
                        format!("call.variant({k})?"),
                        format!("{rt}::__codegen::abi_cast::<&{rt}::Variant, _>(&{name})"),
                    )),
                )
            }),
            _ => None,
        };
        return (Some(vt), plan);
    }
    let Some((vt, kind)) = classify(model, &p.ty, rt) else {
        return (None, None);
    };
    let plan = match kind {
        Kind::Scalar if !param_plan.is_raw => plan(format!("value({k})"), "*{}", &|| {
            (
                format!("call.value({k})?"),
                primitive(&vt).map(|t| {
                    (
                        format!("call.value::<{t}>({k})?"),
                        format!("{rt}::__codegen::abi_cast::<{t}, _>({name})"),
                    )
                }),
            )
        }),
        Kind::Bool if !param_plan.is_raw => plan(format!("value({k})"), "*{}", &|| {
            (
                format!("call.value({k})?"),
                Some((
                    format!("call.value::<bool>({k})?"),
                    format!(
                        "{rt}::__codegen::abi_cast::<i16, _>({rt}::__codegen::variant_bool({name}))"
                    ),
                )),
            )
        }),
        Kind::BStr => plan(format!("bstr({k})"), "{}", &|| {
            (
                format!("call.bstr({k})?"),
                Some((
                    format!("call.bstr({k})?"),
                    format!("{rt}::__codegen::abi_ref::<{rt}::BStr, _>(&{name})"),
                )),
            )
        }),
        Kind::Variant => plan(format!("variant({k})"), "{}", &|| {
            (
                format!("call.variant({k})?"),
                Some((
                    format!("call.variant({k})?"),
                    format!("{rt}::__codegen::abi_ref::<{rt}::Variant, _>(&{name})"),
                )),
            )
        }),
        Kind::Interface(_) => plan(format!("interface({k})"), "{}.as_ref()", &|| {
            (
                format!("call.interface({k})?"),
                Some((
                    format!("call.interface::<{rt}::IUnknown>({k})?"),
                    format!(
                        "{rt}::__codegen::abi_cast::<*mut ::core::ffi::c_void, _>({name}.as_ref().map_or(::core::ptr::null_mut(), {rt}::Interface::as_raw))"
                    ),
                )),
            )
        }),
        Kind::Array if is_vararg => plan(format!("varargs({k})"), "{}.as_ptr()", &|| {
            (
                format!("call.varargs({k})?"),
                Some((
                    format!("call.varargs({k})?"),
                    format!(
                        "{rt}::__codegen::abi_cast::<*mut {rt}::SAFEARRAY, _>({name}.as_ptr())"
                    ),
                )),
            )
        }),
        Kind::Array => plan(format!("array({k})"), "{}.as_ptr()", &|| {
            (
                format!("call.array({k})?"),
                Some((
                    format!("call.array({k})?"),
                    format!(
                        "{rt}::__codegen::abi_cast::<*mut {rt}::SAFEARRAY, _>({name}.as_ptr())"
                    ),
                )),
            )
        }),
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
