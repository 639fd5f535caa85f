//! `sizeof` of a resolved type, for constant expressions (naptypes.idl's
//! `maxSoHAttributeSize / sizeof(DWORD)`, wtsdefs.h's `(WTS_CLIENTNAME_LENGTH + 1) * sizeof(WCHAR)`):
//! C's sizes and alignments on the 64-bit target MIDL compiles for by default (idlgen predefines
//! `_WIN64`), records laid out as the C compiler lays them out.

use super::{ItemKind, Model, Type};
use crate::idl::ast::BaseType;

/// Size and alignment in bytes, or `None` for what has no size (void, a function, an interface
/// by value, a record only declared) or a size past `u64`.
pub fn size_align(model: &Model, ty: &Type) -> Option<(u64, u64)> {
    size_depth(model, ty, 0)
}

/// Typedef chains and records nest as deep as the input does; the resolver has already bounded
/// them, but a cycle through a typedef must not recurse forever.
const MAX_DEPTH: u32 = 256;

fn size_depth(model: &Model, ty: &Type, depth: u32) -> Option<(u64, u64)> {
    if depth > MAX_DEPTH {
        return None;
    }
    match ty {
        Type::Base(b) => base(*b),
        Type::Pointer { .. } | Type::SafeArray(_) => Some((8, 8)),
        Type::Function => None,
        Type::Array(elem, n) => {
            let (size, align) = size_depth(model, elem, depth + 1)?;
            Some((size.checked_mul((*n)?)?, align))
        }
        Type::Named(id) => match &model.item(*id).kind {
            ItemKind::Typedef(t) => size_depth(model, &t.ty, depth + 1),
            ItemKind::Enum(_) => Some((4, 4)),
            ItemKind::Struct(r) | ItemKind::Union(r) if r.defined => {
                let union = matches!(model.item(*id).kind, ItemKind::Union(_));
                let mut size = 0u64;
                let mut align = 1u64;
                for f in &r.fields {
                    let (fs, fa) = size_depth(model, &f.ty, depth + 1)?;
                    align = align.max(fa);
                    if union {
                        size = size.max(fs);
                    } else {
                        size = size.checked_next_multiple_of(fa)?.checked_add(fs)?;
                    }
                }
                Some((size.checked_next_multiple_of(align)?, align))
            }
            _ => None,
        },
    }
}

fn base(b: BaseType) -> Option<(u64, u64)> {
    use BaseType as B;
    let n = match b {
        B::Void => return None,
        B::Char | B::UChar | B::SChar | B::Boolean | B::Byte => 1,
        B::Short | B::UShort | B::WChar => 2,
        B::Int | B::UInt | B::Long | B::ULong | B::Int32 | B::UInt32 | B::Float => 4,
        B::ErrorStatusT => 4,
        B::Hyper | B::UHyper | B::Int64 | B::UInt64 | B::Double => 8,
        B::Int3264 | B::UInt3264 | B::HandleT => 8,
    };
    Some((n, n))
}
