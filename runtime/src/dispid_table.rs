//! DISPID tables: the name to DISPID map a generated `IDispatch` shim consults, built by the
//! generator as `const` data and searched in logarithmic time without allocating.

use core::cmp::Ordering;
use core::fmt;

use crate::{DISPATCH_METHOD, DISPATCH_PROPERTYGET, DISPATCH_PROPERTYPUT, DISPATCH_PROPERTYPUTREF};

/// The kind of a dispatch member; the value is its `DISPATCH_*` flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum InvokeKind {
    /// A method (`DISPATCH_METHOD`).
    Method = DISPATCH_METHOD,
    /// A property getter (`DISPATCH_PROPERTYGET`).
    PropertyGet = DISPATCH_PROPERTYGET,
    /// A property setter by value (`DISPATCH_PROPERTYPUT`).
    PropertyPut = DISPATCH_PROPERTYPUT,
    /// A property setter by reference (`DISPATCH_PROPERTYPUTREF`).
    PropertyPutRef = DISPATCH_PROPERTYPUTREF,
}

impl InvokeKind {
    /// The `DISPATCH_*` flag.
    pub const fn flags(self) -> u16 {
        self as u16
    }

    /// True when `wflags` (as passed to `Invoke`) include this kind.
    pub const fn matches(self, wflags: u16) -> bool {
        self.flags() & wflags != 0
    }
}

impl fmt::Display for InvokeKind {
    /// The IDL attribute: `method`, `propget`, `propput` or `propputref`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InvokeKind::Method => "method",
            InvokeKind::PropertyGet => "propget",
            InvokeKind::PropertyPut => "propput",
            InvokeKind::PropertyPutRef => "propputref",
        })
    }
}

/// One member of a dispatch interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DispMember {
    /// The name as declared in IDL (script hosts see it).
    pub name: &'static str,
    /// The DISPID.
    pub dispid: i32,
    /// Method or property accessor.
    pub kind: InvokeKind,
    /// The vtable slot, for dual interfaces; `None` for dispinterface-only members.
    pub slot: Option<u16>,
}

/// The name fold used for DISPID lookup, the single statement of that rule (the generator folds
/// table keys with it): Unicode-aware lowercase, `name.chars().flat_map(char::to_lowercase)`.
pub fn fold_name(name: &str) -> String {
    folded(name.chars()).collect()
}

/// The characters of `chars` folded as [`fold_name`] does, lazily.
fn folded(chars: impl Iterator<Item = char>) -> impl Iterator<Item = char> {
    chars.flat_map(char::to_lowercase)
}

/// A DISPID table: members in declaration order plus two sorted indexes, all `'static` so a
/// generated table is a `const`.
///
/// Lookups are binary searches: by name `O(log n)` comparisons, each comparing the folded query
/// with a key char by char through iterators (`Iterator::cmp` over `char::to_lowercase`), so
/// no lookup allocates; by DISPID `O(log n)`.
#[derive(Clone, Copy)]
pub struct DispidTable {
    members: &'static [DispMember],
    by_name: &'static [(&'static str, u16)],
    by_id: &'static [u16],
}

impl DispidTable {
    /// A table over `members` (declaration order) with:
    /// - `by_name`: `(fold_name(name), index into members)`, sorted by the folded name's bytes,
    ///   one entry per distinct folded name, pointing at the first member of that name;
    /// - `by_id`: indices into `members` sorted by `(dispid, index)`.
    ///
    /// # Panics
    /// When the indexes do not fit that description (an index out of range, `by_id` not
    /// covering every member in order, `by_name` not strictly sorted). In a `const` this is a
    /// compile error; keys are not checked to be folded.
    pub const fn new(
        members: &'static [DispMember],
        by_name: &'static [(&'static str, u16)],
        by_id: &'static [u16],
    ) -> DispidTable {
        assert!(
            by_id.len() == members.len(),
            "by_id must index every member"
        );
        let mut i = 0;
        while i < by_id.len() {
            assert!(
                (by_id[i] as usize) < members.len(),
                "by_id index out of range"
            );
            if i > 0 {
                let (a, b) = (by_id[i - 1] as usize, by_id[i] as usize);
                let (da, db) = (members[a].dispid, members[b].dispid);
                assert!(
                    da < db || (da == db && a < b),
                    "by_id must be sorted by (dispid, index)"
                );
            }
            i += 1;
        }
        let mut i = 0;
        while i < by_name.len() {
            assert!(
                (by_name[i].1 as usize) < members.len(),
                "by_name index out of range"
            );
            if i > 0 {
                assert!(
                    bytes_less(by_name[i - 1].0.as_bytes(), by_name[i].0.as_bytes()),
                    "by_name must be strictly sorted by the folded name's bytes"
                );
            }
            i += 1;
        }
        DispidTable {
            members,
            by_name,
            by_id,
        }
    }

    /// The members in declaration order.
    pub fn members(&self) -> &'static [DispMember] {
        self.members
    }

    /// The DISPID of the member named `name`, compared case-insensitively with
    /// [`fold_name`]'s rule. Does not allocate.
    pub fn lookup(&self, name: &str) -> Option<i32> {
        self.lookup_member(name).map(|m| m.dispid)
    }

    /// The first member named `name` (case-insensitively). Does not allocate.
    pub fn lookup_member(&self, name: &str) -> Option<&'static DispMember> {
        self.find(|key| key.chars().cmp(folded(name.chars())))
    }

    /// [`DispidTable::lookup`] for a UTF-16 name (as `GetIDsOfNames` receives it, without the
    /// terminator). A name with unpaired surrogates matches nothing. Does not allocate.
    pub fn lookup_wide(&self, name: &[u16]) -> Option<i32> {
        let chars = || char::decode_utf16(name.iter().copied());
        if chars().any(|c| c.is_err()) {
            return None;
        }
        let valid = || chars().map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER));
        self.find(|key| key.chars().cmp(folded(valid())))
            .map(|m| m.dispid)
    }

    /// Binary search of `by_name` with `compare(key)` = key ordering relative to the query.
    fn find(&self, compare: impl Fn(&str) -> Ordering) -> Option<&'static DispMember> {
        let members = self.members;
        let i = self
            .by_name
            .binary_search_by(|(key, _)| compare(key))
            .ok()?;
        let index = self.by_name.get(i)?.1;
        members.get(usize::from(index))
    }

    /// The name of the first member (in declaration order) with this DISPID.
    pub fn name_of(&self, dispid: i32) -> Option<&'static str> {
        self.members_with_id(dispid).next().map(|m| m.name)
    }

    /// Every member with this DISPID (a propget/propput pair shares one), in declaration order.
    pub fn members_with_id(
        &self,
        dispid: i32,
    ) -> impl Iterator<Item = &'static DispMember> + use<> {
        let members = self.members;
        let id_of = move |i: &u16| members.get(usize::from(*i)).map(|m| m.dispid);
        let start = self.by_id.partition_point(|i| id_of(i) < Some(dispid));
        let end = self.by_id.partition_point(|i| id_of(i) <= Some(dispid));
        self.by_id
            .get(start..end)
            .unwrap_or(&[])
            .iter()
            .filter_map(move |i| members.get(usize::from(*i)))
    }
}

/// `a < b` comparing bytes, usable in const fns.
const fn bytes_less(a: &[u8], b: &[u8]) -> bool {
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

impl fmt::Debug for DispidTable {
    /// The members in declaration order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DispidTable")
            .field("members", &self.members)
            .finish_non_exhaustive()
    }
}
