//! Vtable slots and DISPIDs: the rules of shared/spec/layout-and-dispids.md, in one place.
//!
//! - An interface's vtable is its base's followed by its own methods in declaration order; a
//!   `[call_as(X)]` method is the remote twin of local method X and has no slot of its own.
//! - A member without `[id]` gets `0x60000000 | (depth << 16) | index`, where depth is the
//!   interface's depth in its chain (IUnknown 0, IDispatch 1, ...) and index counts the
//!   interface's own members as a type library holds them: `[local]` methods are not in a type
//!   library and do not advance it (widl's `add_func_desc` skips them). A member whose name an
//!   earlier member already has (propget/propput pairs) takes that member's id.
//! - C++ overloads (methods of one interface with the same name and kind) are told apart in C
//!   vtables by one `_` per later overload (`Method::later_overloads`), as widl names them.
//! - A dispinterface's methods count at depth 0; its properties without `[id]` get
//!   `0x40000000 + number of methods + property index`, as widl writes them.

use std::collections::HashMap;
use std::sync::Arc;

use super::{ItemKind, Model, TypeId};
use crate::idl::FastHash;

/// The automatic DISPID of the `index`th member of an interface at `depth`.
pub const fn automatic_dispid(depth: u32, index: u32) -> i32 {
    (0x6000_0000 | ((depth & 0xffff) << 16) | (index & 0xffff)) as i32
}

/// Inheritance that goes round in a circle: an interface whose chain of bases comes back to it
/// (`interface IA : IB` and `interface IB : IA`, or `IA : IA`). [`assign`] holds the rule that
/// there is none, for every front end; each reports the cycle where its input shows it (the IDL
/// front end at the base's name, the type library reader at the type info's offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InheritanceCycle {
    /// An interface on the circle.
    pub interface: TypeId,
}

impl InheritanceCycle {
    /// The interfaces on the circle, from [`InheritanceCycle::interface`] on, each the base of
    /// the one before.
    pub fn members(&self, model: &Model) -> Vec<TypeId> {
        model.ancestors(self.interface)
    }

    /// The message every front end gives: "interface `IA` inherits from itself".
    pub fn message(&self, model: &Model) -> String {
        format!(
            "interface `{}` inherits from itself",
            model.item(self.interface).name
        )
    }
}

/// Assigns depth, first slot, slots and DISPIDs to every interface, bases first; an
/// inheritance cycle is an error (the one check of that rule).
pub fn assign(model: &mut Model) -> Result<(), InheritanceCycle> {
    const NEW: u8 = 0;
    const ON_WALK: u8 = 1;
    const DONE: u8 = 2;
    let count = model.items.len();
    let mut state = vec![NEW; count];
    // One buffer for every walk (most are one item long: an allocation per item otherwise).
    let mut chain = Vec::new();
    for i in 0..count {
        chain.clear();
        let mut cur = Some(TypeId(i as u32));
        // Walk up to the first interface already laid out (or the root), then lay out downwards;
        // coming back to an interface of this walk is a cycle.
        while let Some(id) = cur {
            match state[id.0 as usize] {
                DONE => break,
                ON_WALK => return Err(InheritanceCycle { interface: id }),
                _ => {}
            }
            state[id.0 as usize] = ON_WALK;
            chain.push(id);
            cur = match &model.item(id).kind {
                ItemKind::Interface(iface) => iface.base,
                _ => None,
            };
        }
        for &id in chain.iter().rev() {
            lay_out(model, id);
            state[id.0 as usize] = DONE;
        }
    }
    for item in &mut model.items {
        let ItemKind::Dispinterface(d) = &item.kind else {
            continue;
        };
        // widl numbers a dispinterface's methods at depth 0 (0x6000xxxx), and its
        // properties after the methods: 0x40000000 + method count + property index
        // (checked through oleaut32 on widl's type library, tests/oracle_typelib.rs).
        let methods = d.methods.len() as i32;
        let property_id = |index: usize| 0x4000_0000 + methods + index as i32;
        let numbered = members_numbered(&d.methods, 0, None)
            && d.properties
                .iter()
                .enumerate()
                .all(|(index, p)| p.explicit_id || p.dispid == property_id(index));
        if numbered {
            continue;
        }
        let ItemKind::Dispinterface(d) = &mut Arc::make_mut(item).kind else {
            continue;
        };
        number_members(&mut d.methods, 0, None);
        for (index, p) in d.properties.iter_mut().enumerate() {
            if !p.explicit_id {
                p.dispid = property_id(index);
            }
        }
    }
    Ok(())
}

fn lay_out(model: &mut Model, id: TypeId) {
    let (depth, first_slot, dispatchable) = {
        let ItemKind::Interface(iface) = &model.item(id).kind else {
            return;
        };
        match iface.base {
            Some(b) => match &model.item(b).kind {
                ItemKind::Interface(base) => (
                    base.depth + 1,
                    base.first_slot + slot_count(base),
                    base.dispatchable,
                ),
                _ => (0, 0, false),
            },
            None => (0, 0, false),
        }
    };
    let item = model.item(id);
    let ItemKind::Interface(iface) = &item.kind else {
        return;
    };
    // Dispatchable: the base set's IDispatch and what derives from it. Not `[dual]` by itself:
    // a `[dual]` interface whose chain does not reach IDispatch (which MIDL rejects) has
    // IUnknown's vtable, and a pointer to it is no VT_DISPATCH.
    let dispatchable = dispatchable || model.well_known_name(id) == Some("IDispatch");
    // An item shared with other models (resolved from the same imports) is usually laid out
    // already: it is copied only if something changes.
    let overloads = later_overloads(&iface.methods);
    if iface.depth == depth
        && iface.first_slot == first_slot
        && iface.dispatchable == dispatchable
        && members_numbered(&iface.methods, depth, Some(first_slot))
        && overloads.is_none()
    {
        return;
    }
    if let ItemKind::Interface(iface) = &mut model.item_mut(id).kind {
        iface.depth = depth;
        iface.first_slot = first_slot;
        iface.dispatchable = dispatchable;
        number_members(&mut iface.methods, depth, Some(first_slot));
        if let Some(counts) = overloads {
            for (m, n) in iface.methods.iter_mut().zip(counts) {
                m.later_overloads = n;
            }
        }
    }
}

/// C++ overloads (the same name and kind: dwrite_3's three `GetPropertyValues`): for each
/// method, how many later methods overload it ([`super::Method::later_overloads`]); `None` when
/// the methods have those counts already (most interfaces: none, and no overloads).
fn later_overloads(methods: &[super::Method]) -> Option<Vec<u32>> {
    let same = |a: &super::Method, b: &super::Method| a.name == b.name && a.invkind == b.invkind;
    let counts: Vec<u32> = if methods.len() <= 16 {
        (0..methods.len())
            .map(|k| {
                let m = &methods[k];
                methods[k + 1..].iter().filter(|n| same(m, n)).count() as u32
            })
            .collect()
    } else {
        // mshtml.idl's interfaces have hundreds of methods: counted from the end.
        let mut seen: HashMap<(&str, super::InvokeKind), u32, FastHash> =
            HashMap::with_capacity_and_hasher(methods.len(), FastHash::default());
        let mut counts = vec![0; methods.len()];
        for (k, m) in methods.iter().enumerate().rev() {
            let n = seen.entry((m.name.as_str(), m.invkind)).or_insert(0);
            counts[k] = *n;
            *n += 1;
        }
        counts
    };
    let unchanged = methods
        .iter()
        .zip(&counts)
        .all(|(m, &n)| m.later_overloads == n);
    (!unchanged).then_some(counts)
}

/// Own methods that take a vtable slot.
fn slot_count(iface: &super::Interface) -> u32 {
    iface.methods.iter().filter(|m| m.call_as.is_none()).count() as u32
}

/// Whether [`number_members`] would change nothing.
fn members_numbered(methods: &[super::Method], depth: u32, first_slot: Option<u32>) -> bool {
    let mut ok = true;
    each_member_number(methods, depth, first_slot, |i, dispid, slot| {
        let m = &methods[i];
        ok &= m.dispid == dispid && slot.is_none_or(|s| m.slot == Some(s));
    });
    ok
}

fn number_members(methods: &mut [super::Method], depth: u32, first_slot: Option<u32>) {
    let mut numbers = Vec::with_capacity(methods.len());
    each_member_number(methods, depth, first_slot, |_, dispid, slot| {
        numbers.push((dispid, slot));
    });
    for (m, (dispid, slot)) in methods.iter_mut().zip(numbers) {
        m.dispid = dispid;
        if slot.is_some() {
            m.slot = slot;
        }
    }
}

/// The rules for each of `methods` in turn: `f(index, dispid, slot)`, where `slot` is the
/// method's vtable slot, or `None` where the method keeps the one it has (no `first_slot`
/// given: a dispinterface; or a `[call_as]` method).
fn each_member_number(
    methods: &[super::Method],
    depth: u32,
    first_slot: Option<u32>,
    mut f: impl FnMut(usize, i32, Option<u32>),
) {
    let mut slot = first_slot.unwrap_or(0);
    let mut index = 0u32;
    // The id of the first non-local member of each name: accessors share it.
    let mut first_of = FirstOfName::new(methods.len());
    for (i, m) in methods.iter().enumerate() {
        let own = if m.explicit_id {
            m.dispid
        } else {
            automatic_dispid(depth, index)
        };
        let dispid = match first_of.get(&m.name) {
            Some(id) if !m.local => id,
            _ => own,
        };
        if !m.local {
            first_of.insert(&m.name, dispid);
        }
        let this_slot = if first_slot.is_some() && m.call_as.is_none() {
            slot += 1;
            Some(slot - 1)
        } else {
            None
        };
        f(i, dispid, this_slot);
        if !m.local {
            index += 1;
        }
    }
}

/// Names to ids, the first inserted for a name kept: a list searched in turn for the few
/// members most interfaces have, a hash table past that (mshtml.idl's have hundreds).
enum FirstOfName<'a> {
    Few(Vec<(&'a str, i32)>),
    Many(HashMap<&'a str, i32, FastHash>),
}

impl<'a> FirstOfName<'a> {
    fn new(members: usize) -> FirstOfName<'a> {
        if members <= 16 {
            FirstOfName::Few(Vec::with_capacity(members))
        } else {
            FirstOfName::Many(HashMap::with_capacity_and_hasher(
                members,
                FastHash::default(),
            ))
        }
    }

    fn get(&self, name: &str) -> Option<i32> {
        match self {
            FirstOfName::Few(v) => v.iter().find(|(n, _)| *n == name).map(|&(_, id)| id),
            FirstOfName::Many(m) => m.get(name).copied(),
        }
    }

    fn insert(&mut self, name: &'a str, id: i32) {
        match self {
            FirstOfName::Few(v) => {
                if !v.iter().any(|(n, _)| *n == name) {
                    v.push((name, id));
                }
            }
            FirstOfName::Many(m) => {
                m.entry(name).or_insert(id);
            }
        }
    }
}
