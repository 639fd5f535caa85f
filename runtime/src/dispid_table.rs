//! DISPID tables: the name to DISPID map a generated `IDispatch` shim consults, built by the
//! generator as `const` data and searched in logarithmic time without allocating.

use core::cmp::Ordering;
use core::fmt;

use crate::{
    DISPATCH_METHOD, DISPATCH_PROPERTYGET, DISPATCH_PROPERTYPUT, DISPATCH_PROPERTYPUTREF,
    PARAMFLAG_FHASDEFAULT, PARAMFLAG_FLCID, PARAMFLAG_FOPT, PARAMFLAG_FRETVAL, VARTYPE,
};

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

/// A `[defaultvalue(...)]`, as `const` data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DispDefault {
    /// An integer (also enum values and `VARIANT_BOOL`s).
    Int(i64),
    /// A floating-point value, as the bits of an `f64` (see [`DispDefault::float`]).
    Float(u64),
    /// A string.
    Str(&'static str),
}

impl DispDefault {
    /// A floating-point default.
    pub const fn float(value: f64) -> DispDefault {
        DispDefault::Float(value.to_bits())
    }
}

/// One parameter of a dispatch member, as `IDispatch::Invoke` sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DispParam {
    /// The name as declared in IDL (`GetIDsOfNames` answers its position for it).
    pub name: &'static str,
    /// The type: a plain VARTYPE for `[in]` values (`VT_I4`, `VT_BSTR`, `VT_VARIANT`, ...),
    /// `VT_BYREF | base` for `[out]` and `[in, out]` pointers, `VT_ARRAY | base` for SAFEARRAYs.
    pub vt: VARTYPE,
    /// `PARAMFLAG_*` bits: in, out, lcid, retval, optional, has default.
    pub flags: u16,
    /// The `[defaultvalue]`, if any.
    pub default: Option<DispDefault>,
}

impl DispParam {
    /// An `[in]` parameter of type `vt` without default.
    pub const fn new(name: &'static str, vt: VARTYPE, flags: u16) -> DispParam {
        DispParam {
            name,
            vt,
            flags,
            default: None,
        }
    }

    /// True when `flags` has all of `flag`'s bits.
    pub const fn has(&self, flag: u16) -> bool {
        self.flags & flag == flag
    }

    /// Whether `Invoke` takes the parameter from `rgvarg` (not `[lcid]`, not `[retval]`).
    pub const fn is_argument(&self) -> bool {
        self.flags & (PARAMFLAG_FLCID | PARAMFLAG_FRETVAL) == 0
    }

    /// Whether a caller may leave it out (`[optional]` or `[defaultvalue]`).
    pub const fn is_optional(&self) -> bool {
        self.flags & (PARAMFLAG_FOPT | PARAMFLAG_FHASDEFAULT) != 0
    }
}

/// [`DispMember::flags`]: a `[restricted]` member (not callable late-bound unless its DISPID
/// is negative).
pub const DISPMEMBER_RESTRICTED: u16 = 0x1;
/// [`DispMember::flags`]: a `[vararg]` member (its last argument parameter collects the
/// remaining positional arguments in a SAFEARRAY of VARIANT).
pub const DISPMEMBER_VARARG: u16 = 0x2;

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
    /// The parameters in declaration order (`[lcid]` and `[retval]` included); their names
    /// answer `GetIDsOfNames` after the member's (rule G2).
    pub params: &'static [DispParam],
    /// The VARTYPE of the `[retval]` (what `Invoke` puts in `pVarResult`), `VT_EMPTY` for none.
    pub ret: VARTYPE,
    /// `DISPMEMBER_*` bits.
    pub flags: u16,
}

impl DispMember {
    /// A member without parameters, result or flags (add them with struct update syntax:
    /// `DispMember { params: &[...], ..DispMember::new(...) }`).
    pub const fn new(
        name: &'static str,
        dispid: i32,
        kind: InvokeKind,
        slot: Option<u16>,
    ) -> DispMember {
        DispMember {
            name,
            dispid,
            kind,
            slot,
            params: &[],
            ret: crate::VT_EMPTY,
            flags: 0,
        }
    }

    /// True for a `[restricted]` member.
    pub const fn is_restricted(&self) -> bool {
        self.flags & DISPMEMBER_RESTRICTED != 0
    }

    /// True for a `[vararg]` member.
    pub const fn is_vararg(&self) -> bool {
        self.flags & DISPMEMBER_VARARG != 0
    }

    /// The position of the parameter named `name` (case-insensitively, [`fold_name`]'s rule),
    /// for a UTF-16 name as `GetIDsOfNames` receives it. Does not allocate.
    pub fn param_position_wide(&self, name: &[u16]) -> Option<usize> {
        let chars = || char::decode_utf16(name.iter().copied());
        if chars().any(|c| c.is_err()) {
            return None;
        }
        let valid = || chars().map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER));
        self.params
            .iter()
            .position(|p| folded(p.name.chars()).eq(folded(valid())))
    }
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

/// The hash of a folded name's UTF-8 bytes that [`DispidTable::with_name_index`] tables are
/// built with (32-bit FNV-1a). Part of the generated-code contract: the generator and the
/// runtime compute it the same way.
pub const fn name_hash(folded: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < folded.len() {
        h ^= folded[i] as u32;
        h = h.wrapping_mul(0x0100_0193);
        i += 1;
    }
    h
}

/// The open-addressing hash index over `keys` (a table's `by_name` keys, folded, in order) that
/// [`DispidTable::with_name_index`] takes: a power-of-two number of slots (at least twice the
/// keys), each 0 (empty) or 1 + the key's position in `keys`, placed by [`name_hash`] with
/// linear probing. Deterministic: the same keys give the same index.
///
/// # Panics
/// With 32768 keys or more (positions must fit the `u16` slots).
pub fn name_index<S: AsRef<str>>(keys: &[S]) -> Vec<u16> {
    assert!(keys.len() < 0x8000, "too many names for a DISPID table");
    if keys.is_empty() {
        return Vec::new();
    }
    let size = (keys.len() * 2).next_power_of_two();
    let mask = size - 1;
    let mut slots = vec![0u16; size];
    for (i, key) in keys.iter().enumerate() {
        let mut at = name_hash(key.as_ref().as_bytes()) as usize & mask;
        while slots[at] != 0 {
            at = (at + 1) & mask;
        }
        // i < 0x8000 (asserted above).
        slots[at] = i as u16 + 1;
    }
    slots
}

/// Folded names up to this many UTF-8 bytes are looked up through the hash index (folded onto
/// the stack); longer ones by binary search.
const FOLD_BUFFER: usize = 128;

/// A DISPID table: members in declaration order plus sorted indexes and an optional hash index
/// by name, all `'static` so a generated table is a `const`.
///
/// Lookup by name (rule G6): the query is folded once onto the stack, then found through the
/// hash index ([`DispidTable::with_name_index`]) in expected constant time, or, without an
/// index (or for a name longer than 128 bytes folded), by binary search (`O(log n)`). By
/// DISPID: `O(log n)`. No lookup allocates.
#[derive(Clone, Copy)]
pub struct DispidTable {
    members: &'static [DispMember],
    by_name: &'static [(&'static str, u16)],
    by_id: &'static [u16],
    name_index: &'static [u16],
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
            name_index: &[],
        }
    }

    /// The table with a hash index by name: [`name_index`] of the `by_name` keys (the
    /// generator computes it; lookups then take expected constant time).
    ///
    /// # Panics
    /// When `index` is not such an index: its length not a power of two at least twice the
    /// keys, a slot out of range, more entries than keys, or a key that the index does not
    /// find. In a `const` this is
    /// a compile error.
    pub const fn with_name_index(self, index: &'static [u16]) -> DispidTable {
        let keys = self.by_name;
        if keys.is_empty() && index.is_empty() {
            return self;
        }
        assert!(
            index.len().is_power_of_two() && index.len() >= 2 * keys.len(),
            "name index size must be a power of two at least twice the names"
        );
        let mask = index.len() - 1;
        let mut i = 0;
        let mut used = 0;
        while i < index.len() {
            assert!(
                (index[i] as usize) <= keys.len(),
                "name index slot out of range"
            );
            if index[i] != 0 {
                used += 1;
            }
            i += 1;
        }
        // Half the slots or more stay empty, so every probe sequence ends.
        assert!(used <= keys.len(), "name index has more entries than names");
        let mut k = 0;
        while k < keys.len() {
            let mut at = name_hash(keys[k].0.as_bytes()) as usize & mask;
            let mut probes = 0;
            loop {
                assert!(
                    index[at] != 0 && probes < index.len(),
                    "name index does not find a name"
                );
                if index[at] as usize == k + 1 {
                    break;
                }
                at = (at + 1) & mask;
                probes += 1;
            }
            k += 1;
        }
        DispidTable {
            name_index: index,
            ..self
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
        let mut buf = [0u8; FOLD_BUFFER];
        match fold_into(name.chars(), &mut buf) {
            Some(query) => self.find_folded(query),
            None => self.find(|key| key.chars().cmp(folded(name.chars()))),
        }
    }

    /// The member whose folded name is exactly `query`: through the hash index when the table
    /// has one, else by binary search.
    fn find_folded(&self, query: &[u8]) -> Option<&'static DispMember> {
        let slot = if self.name_index.is_empty() {
            self.by_name
                .binary_search_by(|(key, _)| key.as_bytes().cmp(query))
                .ok()?
        } else {
            let mask = self.name_index.len() - 1;
            let mut at = name_hash(query) as usize & mask;
            loop {
                let entry = usize::from(*self.name_index.get(at)?);
                let (key, _) = self.by_name.get(entry.checked_sub(1)?)?;
                if key.as_bytes() == query {
                    break entry - 1;
                }
                at = (at + 1) & mask;
            }
        };
        let (_, index) = self.by_name.get(slot)?;
        self.members.get(usize::from(*index))
    }

    /// [`DispidTable::lookup`] for a UTF-16 name (as `GetIDsOfNames` receives it, without the
    /// terminator). A name with unpaired surrogates matches nothing. Does not allocate.
    pub fn lookup_wide(&self, name: &[u16]) -> Option<i32> {
        self.lookup_member_wide(name).map(|m| m.dispid)
    }

    /// [`DispidTable::lookup_member`] for a UTF-16 name. Does not allocate.
    pub fn lookup_member_wide(&self, name: &[u16]) -> Option<&'static DispMember> {
        // The name is folded once, onto the stack: an ASCII name to ASCII lowercase (the same
        // as the Unicode fold), any other through `fold_name`'s rule.
        let mut buf = [0u8; FOLD_BUFFER];
        if name.len() <= buf.len() && name.iter().all(|u| *u < 0x80) {
            for (b, u) in buf.iter_mut().zip(name) {
                *b = (*u as u8).to_ascii_lowercase();
            }
            return self.find_folded(&buf[..name.len()]);
        }
        let chars = || char::decode_utf16(name.iter().copied());
        if chars().any(|c| c.is_err()) {
            return None;
        }
        let valid = || chars().map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER));
        match fold_into(valid(), &mut buf) {
            Some(query) => self.find_folded(query),
            None => self.find(|key| key.chars().cmp(folded(valid()))),
        }
    }

    /// `Invoke`'s member selection (rule I3): the index (into [`DispidTable::members`]) of the
    /// first member, in declaration order, with this DISPID whose invoke kind intersects
    /// `wflags`. `O(log n)`.
    pub fn select(&self, dispid: i32, wflags: u16) -> Option<usize> {
        let members = self.members;
        let id_of = |i: &u16| members.get(usize::from(*i)).map(|m| m.dispid);
        let start = self.by_id.partition_point(|i| id_of(i) < Some(dispid));
        self.by_id
            .get(start..)?
            .iter()
            .map(|i| usize::from(*i))
            .take_while(|i| members.get(*i).is_some_and(|m| m.dispid == dispid))
            .find(|i| members.get(*i).is_some_and(|m| m.kind.matches(wflags)))
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

/// `chars` folded ([`fold_name`]'s rule) as UTF-8 into `buf`; `None` when it does not fit.
fn fold_into(chars: impl Iterator<Item = char>, buf: &mut [u8]) -> Option<&[u8]> {
    let mut len = 0;
    for c in folded(chars) {
        let end = len + c.len_utf8();
        c.encode_utf8(buf.get_mut(len..end)?);
        len = end;
    }
    buf.get(..len)
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
