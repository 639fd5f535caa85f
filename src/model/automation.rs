//! Automation type mapping: the VARTYPE that a type has in a VARIANT or a type library.
//!
//! One place for the rule, shared by the back ends (the IDispatch shim's argument coercion and
//! result packing, the dump) and the type library reader. The base set's typedefs that OLE
//! Automation defines (BSTR, VARIANT_BOOL, DATE, CY, SCODE, HRESULT, ...) map to their own VT;
//! other typedefs are followed, a user's typedef that reuses one of those names included
//! ([`Model::well_known_name`]).
//!
//! Also the names of the method attributes a type library stores as `FUNCFLAG_*` bits
//! ([`FUNC_FLAGS`]): the type library reader names them, the dump lists them.

use super::{BaseType, ItemKind, Model, Type};

// The VARTYPEs are the runtime's (runtime/src/automation.rs, without its `com` feature): the
// generator and the code it generates use the same constants (`idlgen_runtime::VT_BSTR`...).
pub use idlgen_runtime::VARTYPE;
pub(crate) use idlgen_runtime::{
    VT_ARRAY, VT_BOOL, VT_BSTR, VT_BYREF, VT_CY, VT_DATE, VT_DECIMAL, VT_DISPATCH, VT_EMPTY,
    VT_ERROR, VT_HRESULT, VT_I1, VT_I2, VT_I4, VT_I8, VT_INT, VT_INT_PTR, VT_LPSTR, VT_LPWSTR,
    VT_R4, VT_R8, VT_RECORD, VT_UI1, VT_UI2, VT_UI4, VT_UI8, VT_UINT, VT_UINT_PTR, VT_UNKNOWN,
    VT_VARIANT, VT_VOID,
};

/// The VARTYPE a value of `ty` travels as in a VARIANT, if it can: `LONG` is VT_I4, `BSTR*`
/// VT_BSTR|VT_BYREF, `SAFEARRAY(BSTR)` VT_ARRAY|VT_BSTR, `IDispatch*` (or any interface
/// deriving from it) VT_DISPATCH, other interface pointers VT_UNKNOWN, enums VT_I4 and
/// structs VT_RECORD. `None` for what a VARIANT cannot hold (`void`, raw pointers to
/// pointers of non-automation types, function pointers, unions, fixed arrays).
pub fn variant_type(model: &Model, ty: &Type) -> Option<VARTYPE> {
    vt(model, ty, 0)
}

fn vt(model: &Model, ty: &Type, depth: u32) -> Option<VARTYPE> {
    if depth > 32 {
        return None;
    }
    match ty {
        Type::Base(b) => base(*b),
        Type::Named(id) => {
            if let Some(v) = model.well_known_name(*id).and_then(well_known) {
                return Some(v);
            }
            match &model.item(*id).kind {
                ItemKind::Typedef(t) => vt(model, &t.ty, depth + 1),
                ItemKind::Enum(_) => Some(VT_I4),
                ItemKind::Struct(_) => Some(VT_RECORD),
                _ => None,
            }
        }
        Type::Pointer { pointee, .. } => {
            if let Some(iface) = interface_vt(model, pointee) {
                return Some(iface);
            }
            let inner = vt(model, pointee, depth + 1)?;
            // Only one level of reference: VT_BYREF|VT_BYREF does not exist.
            (inner & VT_BYREF == 0 && inner != VT_VOID).then_some(inner | VT_BYREF)
        }
        Type::SafeArray(elem) => {
            let inner = vt(model, elem, depth + 1)?;
            (inner & (VT_ARRAY | VT_BYREF) == 0).then_some(inner | VT_ARRAY)
        }
        Type::Array(..) | Type::Function => None,
    }
}

/// `IFoo*` is VT_DISPATCH when IFoo derives from IDispatch, else VT_UNKNOWN.
fn interface_vt(model: &Model, pointee: &Type) -> Option<VARTYPE> {
    let Type::Named(id) = model.strip_typedefs(pointee) else {
        return None;
    };
    match &model.item(*id).kind {
        ItemKind::Interface(i) => Some(if i.dispatchable {
            VT_DISPATCH
        } else {
            VT_UNKNOWN
        }),
        ItemKind::Dispinterface(_) => Some(VT_DISPATCH),
        _ => None,
    }
}

/// OLE Automation's typedef names that have a VARTYPE of their own rather than their C type's
/// (`DATE` is a `double`, but VT_DATE), as the base set declares them. Where a VARTYPE has
/// several names, the first is the one a type library's VARTYPE stands for ([`vt_type_name`]).
const WELL_KNOWN: &[(&str, VARTYPE)] = &[
    ("BSTR", VT_BSTR),
    ("VARIANT", VT_VARIANT),
    ("VARIANTARG", VT_VARIANT),
    ("VARIANT_BOOL", VT_BOOL),
    ("DATE", VT_DATE),
    ("CURRENCY", VT_CY),
    ("CY", VT_CY),
    ("DECIMAL", VT_DECIMAL),
    ("SCODE", VT_ERROR),
    ("HRESULT", VT_HRESULT),
    ("LPSTR", VT_LPSTR),
    ("LPWSTR", VT_LPWSTR),
    ("LPOLESTR", VT_LPWSTR),
    ("INT_PTR", VT_INT_PTR),
    ("LONG_PTR", VT_INT_PTR),
    ("UINT_PTR", VT_UINT_PTR),
    ("ULONG_PTR", VT_UINT_PTR),
];

/// The VARTYPE of a well-known name ([`Model::well_known_name`]).
fn well_known(name: &str) -> Option<VARTYPE> {
    WELL_KNOWN.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
}

/// The base set's typedef that a type library's VARTYPE stands for (VT_BSTR `BSTR`, VT_CY
/// `CURRENCY`), for the VARTYPEs whose C type is a typedef rather than a base type.
pub(crate) fn vt_type_name(vt: VARTYPE) -> Option<&'static str> {
    WELL_KNOWN.iter().find(|(_, v)| *v == vt).map(|&(n, _)| n)
}

/// Base types as MIDL writes them into a type library (`char` is VT_I1 there; `boolean` and
/// `byte` are VT_UI1; `int` is VT_INT).
fn base(b: BaseType) -> Option<VARTYPE> {
    Some(match b {
        BaseType::Void => VT_VOID,
        BaseType::Char | BaseType::SChar => VT_I1,
        BaseType::UChar | BaseType::Byte | BaseType::Boolean => VT_UI1,
        BaseType::Short => VT_I2,
        BaseType::UShort | BaseType::WChar => VT_UI2,
        BaseType::Long | BaseType::Int32 => VT_I4,
        BaseType::ULong | BaseType::UInt32 | BaseType::ErrorStatusT => VT_UI4,
        BaseType::Int => VT_INT,
        BaseType::UInt => VT_UINT,
        BaseType::Hyper | BaseType::Int64 => VT_I8,
        BaseType::UHyper | BaseType::UInt64 => VT_UI8,
        BaseType::Int3264 => VT_INT_PTR,
        BaseType::UInt3264 => VT_UINT_PTR,
        BaseType::Float => VT_R4,
        BaseType::Double => VT_R8,
        BaseType::HandleT => return None,
    })
}

/// `FUNCFLAG_FRESTRICTED`: `[restricted]`.
pub(crate) const FUNCFLAG_FRESTRICTED: u16 = 0x1;
/// `FUNCFLAG_FHIDDEN`: `[hidden]`.
pub(crate) const FUNCFLAG_FHIDDEN: u16 = 0x40;

/// The method attributes a type library stores as `FUNCFLAG_*` bits, in the bits' order.
pub const FUNC_FLAGS: &[(u16, &str)] = &[
    (FUNCFLAG_FRESTRICTED, "restricted"),
    (0x2, "source"),
    (0x4, "bindable"),
    (0x8, "requestedit"),
    (0x10, "displaybind"),
    (0x20, "defaultbind"),
    (FUNCFLAG_FHIDDEN, "hidden"),
    (0x80, "usesgetlasterror"),
    (0x100, "defaultcollelem"),
    (0x200, "uidefault"),
    (0x400, "nonbrowsable"),
    (0x800, "replaceable"),
    (0x1000, "immediatebind"),
];

/// Whether a method attribute is one a type library keeps besides the member's id and kind:
/// a [`FUNC_FLAGS`] name, or `vararg` (`cParamsOpt` -1). The dump lists these.
pub fn is_typelib_attribute(name: &str) -> bool {
    name == "vararg" || FUNC_FLAGS.iter().any(|&(_, n)| n == name)
}

/// The attributes a type library's function has: its `FUNCFLAG_*` bits' names in the bits'
/// order, then `vararg`.
pub(crate) fn typelib_attributes(flags: u16, vararg: bool) -> Vec<String> {
    FUNC_FLAGS
        .iter()
        .filter(|&&(bit, _)| flags & bit != 0)
        .map(|&(_, n)| n)
        .chain(vararg.then_some("vararg"))
        .map(str::to_string)
        .collect()
}
