//! Automation type mapping: the VARTYPE that a type has in a VARIANT or a type library.
//!
//! One place for the rule, shared by the back ends (the IDispatch shim's argument coercion and
//! result packing, the dump). Typedef names that OLE Automation defines (BSTR, VARIANT_BOOL,
//! DATE, CY, SCODE, HRESULT, ...) map to their own VT; other typedefs are followed.

use super::{BaseType, ItemKind, Model, Type};

pub const VT_EMPTY: u16 = 0;
pub const VT_I2: u16 = 2;
pub const VT_I4: u16 = 3;
pub const VT_R4: u16 = 4;
pub const VT_R8: u16 = 5;
pub const VT_CY: u16 = 6;
pub const VT_DATE: u16 = 7;
pub const VT_BSTR: u16 = 8;
pub const VT_DISPATCH: u16 = 9;
pub const VT_ERROR: u16 = 10;
pub const VT_BOOL: u16 = 11;
pub const VT_VARIANT: u16 = 12;
pub const VT_UNKNOWN: u16 = 13;
pub const VT_DECIMAL: u16 = 14;
pub const VT_I1: u16 = 16;
pub const VT_UI1: u16 = 17;
pub const VT_UI2: u16 = 18;
pub const VT_UI4: u16 = 19;
pub const VT_I8: u16 = 20;
pub const VT_UI8: u16 = 21;
pub const VT_INT: u16 = 22;
pub const VT_UINT: u16 = 23;
pub const VT_VOID: u16 = 24;
pub const VT_HRESULT: u16 = 25;
pub const VT_PTR: u16 = 26;
pub const VT_SAFEARRAY: u16 = 27;
pub const VT_CARRAY: u16 = 28;
pub const VT_USERDEFINED: u16 = 29;
pub const VT_LPSTR: u16 = 30;
pub const VT_LPWSTR: u16 = 31;
pub const VT_RECORD: u16 = 36;
pub const VT_INT_PTR: u16 = 37;
pub const VT_UINT_PTR: u16 = 38;
pub const VT_ARRAY: u16 = 0x2000;
pub const VT_BYREF: u16 = 0x4000;

/// The VARTYPE a value of `ty` travels as in a VARIANT, if it can: `LONG` is VT_I4, `BSTR*`
/// VT_BSTR|VT_BYREF, `SAFEARRAY(BSTR)` VT_ARRAY|VT_BSTR, `IDispatch*` (or any interface
/// deriving from it) VT_DISPATCH, other interface pointers VT_UNKNOWN, enums VT_I4 and
/// structs VT_RECORD. `None` for what a VARIANT cannot hold (`void`, raw pointers to
/// pointers of non-automation types, function pointers, unions, fixed arrays).
pub fn variant_type(model: &Model, ty: &Type) -> Option<u16> {
    vt(model, ty, 0)
}

fn vt(model: &Model, ty: &Type, depth: u32) -> Option<u16> {
    if depth > 32 {
        return None;
    }
    match ty {
        Type::Base(b) => base(*b),
        Type::Named(id) => {
            let item = model.item(*id);
            if let Some(v) = well_known(&item.name) {
                return Some(v);
            }
            match &item.kind {
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
fn interface_vt(model: &Model, pointee: &Type) -> Option<u16> {
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

fn well_known(name: &str) -> Option<u16> {
    Some(match name {
        "BSTR" => VT_BSTR,
        "VARIANT" | "VARIANTARG" => VT_VARIANT,
        "VARIANT_BOOL" => VT_BOOL,
        "DATE" => VT_DATE,
        "CY" | "CURRENCY" => VT_CY,
        "DECIMAL" => VT_DECIMAL,
        "SCODE" => VT_ERROR,
        "HRESULT" => VT_HRESULT,
        "LPSTR" => VT_LPSTR,
        "LPWSTR" | "LPOLESTR" => VT_LPWSTR,
        "INT_PTR" | "LONG_PTR" => VT_INT_PTR,
        "UINT_PTR" | "ULONG_PTR" => VT_UINT_PTR,
        _ => return None,
    })
}

/// Base types as MIDL writes them into a type library (`char` is VT_I1 there; `boolean` and
/// `byte` are VT_UI1; `int` is VT_INT).
fn base(b: BaseType) -> Option<u16> {
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
