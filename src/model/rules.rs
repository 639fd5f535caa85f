//! The rules every front end's model goes through once it is resolved: the layout (slots,
//! DISPIDs, see [`layout`]), names for anonymous records, and one return value per method.
//! Each front end calls [`apply`] and nothing else, so a rule has one place and every back end
//! (Rust, the JSON dump, the DISPID table) reads its outcome from the model.
//!
//! Every rule is idempotent and touches an item only when it changes it: a model resolved from
//! shared imports runs them on the shared part first, and the models made from it then leave
//! those items shared (see [`Model::item_mut`]).

use super::layout::{self, InheritanceCycle};
use super::{ItemKind, Model, Type, TypeId};

/// Runs the model's rules, in order; an inheritance cycle stops them.
pub(crate) fn apply(model: &mut Model) -> Result<(), InheritanceCycle> {
    layout::assign(model)?;
    name_anonymous_records(model);
    single_retval(model);
    Ok(())
}

/// Rust (like most languages a binding targets) has no anonymous structs or unions: a record or
/// enum declared in place as a field's type (`struct S { union { ... }; }`) is named `S_0`,
/// `S_1`, ... (numbered in field order among the record's anonymous members, as windows-rs
/// names them), and nested ones `S_0_0`. Such items are marked [`Item::anonymous`](super::Item),
/// as are those nothing names (`enum { A, B };` keeps its empty name).
fn name_anonymous_records(model: &mut Model) {
    // Mark first, so that numbering below sees every anonymous member whatever its order.
    for i in 0..model.items.len() {
        let item = &model.items[i];
        let unnamed = item.name.is_empty()
            && !item.anonymous
            && matches!(
                item.kind,
                ItemKind::Struct(_) | ItemKind::Union(_) | ItemKind::Enum(_)
            );
        if unnamed {
            model.item_mut(TypeId(i as u32)).anonymous = true;
        }
    }
    let mut work: Vec<TypeId> = (0..model.items.len() as u32)
        .map(TypeId)
        .filter(|id| !model.item(*id).name.is_empty())
        .collect();
    work.reverse();
    while let Some(id) = work.pop() {
        let (ItemKind::Struct(r) | ItemKind::Union(r)) = &model.item(id).kind else {
            continue;
        };
        let mut index = 0;
        let mut names: Vec<(TypeId, String)> = Vec::new();
        for f in &r.fields {
            let mut ty = &f.ty;
            while let Type::Array(inner, _) | Type::Pointer { pointee: inner, .. } = ty {
                ty = inner;
            }
            let Type::Named(child) = ty else {
                continue;
            };
            let member = model.item(*child);
            if !member.anonymous {
                continue;
            }
            // Counted whether or not already named, so that running the rule again (on a model
            // made from a shared one) gives the same numbers.
            if member.name.is_empty() && !names.iter().any(|(n, _)| n == child) {
                names.push((*child, format!("{}_{index}", model.item(id).name)));
            }
            index += 1;
        }
        for (child, name) in names {
            model.item_mut(child).name = name;
            work.push(child);
        }
    }
}

/// A method may mark only one parameter `[retval]` (MIDL requires it); widl accepts more
/// (wmp's `GetScriptableObject([out, retval] BSTR *name, [out, retval] IDispatch **out)`). The
/// first is the return value ([`Param::retval`](super::Param)); the others are plain `[out]`s
/// that keep their declared flag ([`Param::retval_declared`](super::Param), which the dump
/// shows, as a type library holds it).
fn single_retval(model: &mut Model) {
    let several = |methods: &[super::Method]| {
        methods.iter().any(|m| {
            let declared = m.params.iter().filter(|p| p.retval_declared).count();
            declared > 1 && m.params.iter().filter(|p| p.retval).count() != 1
        })
    };
    for i in 0..model.items.len() {
        let methods = match &model.items[i].kind {
            ItemKind::Interface(x) => &x.methods,
            ItemKind::Dispinterface(x) => &x.methods,
            ItemKind::Module(x) => &x.functions,
            _ => continue,
        };
        if !several(methods) {
            continue;
        }
        let methods = match &mut model.item_mut(TypeId(i as u32)).kind {
            ItemKind::Interface(x) => &mut x.methods,
            ItemKind::Dispinterface(x) => &mut x.methods,
            ItemKind::Module(x) => &mut x.functions,
            _ => continue,
        };
        for m in methods {
            let first = m.params.iter().position(|p| p.retval_declared);
            for (k, p) in m.params.iter_mut().enumerate() {
                p.retval = Some(k) == first;
            }
        }
    }
}
