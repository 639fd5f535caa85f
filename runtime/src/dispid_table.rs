//! DISPID tables: the name to DISPID map a generated `IDispatch` shim consults, built by the
//! generator as `const` data and searched without allocating.
//!
//! Generated tables are written with this module's short constructors, one member a line
//! (`use idlgen_runtime::dispid_table::*;` inside the table's `const` block):
//!
//! ```
//! use idlgen_runtime::dispid_table::*;
//!
//! const MEMBERS: &[DispMember] = &[
//!     propget("Count", 1, NO_SLOT, &[], VT_I4),
//!     method("SetContext", 0x60020000, 7, &[param("Context", VT_I4, IN)], VT_EMPTY),
//!     propget("Name", 0x60020001, 8, &[param("p", VT_BYREF | VT_BSTR, OUT | RETVAL)], VT_BSTR),
//! ];
//! const INDEX: [u16; 8] = name_index(MEMBERS);
//! const TABLE: DispidTable = DispidTable::new(MEMBERS, &[]).with_name_index(&INDEX);
//!
//! assert_eq!(TABLE.lookup("name"), Some(0x60020001));
//! assert_eq!(TABLE.members()[1].params[0].flags, PARAMFLAG_FIN);
//! assert_eq!(TABLE.members()[0].slot, None);
//! ```

use core::fmt;

pub use crate::automation::*;

/// [`DispParam::flags`] for tables: `PARAMFLAG_FIN`.
pub const IN: u16 = PARAMFLAG_FIN;
/// [`DispParam::flags`] for tables: `PARAMFLAG_FOUT`.
pub const OUT: u16 = PARAMFLAG_FOUT;
/// [`DispParam::flags`] for tables: `PARAMFLAG_FLCID`.
pub const LCID: u16 = PARAMFLAG_FLCID;
/// [`DispParam::flags`] for tables: `PARAMFLAG_FRETVAL`.
pub const RETVAL: u16 = PARAMFLAG_FRETVAL;
/// [`DispParam::flags`] for tables: `PARAMFLAG_FOPT`.
pub const OPT: u16 = PARAMFLAG_FOPT;
/// [`DispParam::flags`] for tables: `PARAMFLAG_FHASDEFAULT`.
pub const HASDEFAULT: u16 = PARAMFLAG_FHASDEFAULT;
/// [`DispMember::flags`] for tables: [`DISPMEMBER_RESTRICTED`].
pub const RESTRICTED: u16 = DISPMEMBER_RESTRICTED;
/// [`DispMember::flags`] for tables: [`DISPMEMBER_VARARG`].
pub const VARARG: u16 = DISPMEMBER_VARARG;

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

    /// The parameter with a `[defaultvalue]` (its flags are as given: `HASDEFAULT` is set by
    /// whoever writes them).
    pub const fn with_default(self, default: DispDefault) -> DispParam {
        DispParam {
            default: Some(default),
            ..self
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

    /// The member with `DISPMEMBER_*` bits `flags`.
    pub const fn with_flags(self, flags: u16) -> DispMember {
        DispMember { flags, ..self }
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

/// [`method`] and the other constructors' `slot` for a member without one (a dispinterface's):
/// [`DispMember::slot`] is `None`.
pub const NO_SLOT: u16 = u16::MAX;

/// A method: `name`, `dispid`, vtable `slot` ([`NO_SLOT`] outside dual interfaces), `params`
/// in declaration order, the VARTYPE of the result `ret` (`VT_EMPTY` for none).
pub const fn method(
    name: &'static str,
    dispid: i32,
    slot: u16,
    params: &'static [DispParam],
    ret: VARTYPE,
) -> DispMember {
    member(name, dispid, InvokeKind::Method, slot, params, ret)
}

/// A property getter, as [`method`].
pub const fn propget(
    name: &'static str,
    dispid: i32,
    slot: u16,
    params: &'static [DispParam],
    ret: VARTYPE,
) -> DispMember {
    member(name, dispid, InvokeKind::PropertyGet, slot, params, ret)
}

/// A property setter by value, as [`method`].
pub const fn propput(
    name: &'static str,
    dispid: i32,
    slot: u16,
    params: &'static [DispParam],
    ret: VARTYPE,
) -> DispMember {
    member(name, dispid, InvokeKind::PropertyPut, slot, params, ret)
}

/// A property setter by reference, as [`method`].
pub const fn propputref(
    name: &'static str,
    dispid: i32,
    slot: u16,
    params: &'static [DispParam],
    ret: VARTYPE,
) -> DispMember {
    member(name, dispid, InvokeKind::PropertyPutRef, slot, params, ret)
}

const fn member(
    name: &'static str,
    dispid: i32,
    kind: InvokeKind,
    slot: u16,
    params: &'static [DispParam],
    ret: VARTYPE,
) -> DispMember {
    DispMember {
        name,
        dispid,
        kind,
        slot: if slot == NO_SLOT { None } else { Some(slot) },
        params,
        ret,
        flags: 0,
    }
}

/// A parameter without default: `name`, VARTYPE `vt`, `PARAMFLAG_*` bits `flags`
/// ([`DispParam::with_default`] adds one).
pub const fn param(name: &'static str, vt: VARTYPE, flags: u16) -> DispParam {
    DispParam::new(name, vt, flags)
}

/// The name fold used for DISPID lookup, the single statement of that rule (the generator folds
/// names with it): Unicode-aware lowercase, `name.chars().flat_map(char::to_lowercase)`.
pub fn fold_name(name: &str) -> String {
    folded(name.chars()).collect()
}

/// The characters of `chars` folded as [`fold_name`] does, lazily.
fn folded(chars: impl Iterator<Item = char>) -> impl Iterator<Item = char> {
    chars.flat_map(char::to_lowercase)
}

/// The hash of a folded name's UTF-8 bytes that name indexes are built with (32-bit FNV-1a).
/// Part of the generated-code contract: the generator and the runtime compute it the same way.
pub const fn name_hash(folded: &[u8]) -> u32 {
    let mut h = FNV_START;
    let mut i = 0;
    while i < folded.len() {
        h = fnv_step(h, folded[i]);
        i += 1;
    }
    h
}

const FNV_START: u32 = 0x811c_9dc5;

const fn fnv_step(h: u32, byte: u8) -> u32 {
    (h ^ byte as u32).wrapping_mul(0x0100_0193)
}

/// [`name_hash`] of `name` folded, without building the folded string.
fn folded_hash(name: impl Iterator<Item = char>) -> u32 {
    let mut h = FNV_START;
    let mut utf8 = [0u8; 4];
    for c in folded(name) {
        for b in c.encode_utf8(&mut utf8).bytes() {
            h = fnv_step(h, b);
        }
    }
    h
}

/// [`name_hash`] of an ASCII name folded (ASCII lowercase, which is what the Unicode fold gives
/// for ASCII), in a const fn.
const fn ascii_folded_hash(name: &[u8]) -> u32 {
    let mut h = FNV_START;
    let mut i = 0;
    while i < name.len() {
        h = fnv_step(h, name[i].to_ascii_lowercase());
        i += 1;
    }
    h
}

/// Whether two ASCII names are equal ignoring ASCII letter case, in a const fn.
const fn ascii_eq_folded(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if !a[i].eq_ignore_ascii_case(&b[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// The open-addressing hash index over `members`' names that [`DispidTable::with_name_index`]
/// takes, computed at compile time: `N` slots (a power of two, at least twice the distinct
/// names), each 0 (empty) or 1 + the position in `members` of the first member with that name
/// (folded), placed by [`name_hash`] of the folded name with linear probing. The generator gives
/// `N`; [`name_index_of`] computes the same index at run time.
///
/// # Panics
/// When `N` is too small or not a power of two, or a name is not ASCII (a const fn cannot fold
/// beyond ASCII: such tables carry the index [`name_index_of`] gives as a literal). In a
/// `const` this is a compile error.
pub const fn name_index<const N: usize>(members: &[DispMember]) -> [u16; N] {
    assert!(
        N.is_power_of_two(),
        "the name index size must be a power of two"
    );
    assert!(
        members.len() < 0x8000,
        "too many members for a DISPID table"
    );
    let mut slots = [0u16; N];
    let mask = N - 1;
    let mut used = 0;
    let mut i = 0;
    while i < members.len() {
        let name = members[i].name.as_bytes();
        assert!(
            name.is_ascii(),
            "a name beyond ASCII: give the index as a literal"
        );
        let mut at = ascii_folded_hash(name) as usize & mask;
        loop {
            let entry = slots[at] as usize;
            if entry == 0 {
                // i < 0x8000 (asserted above).
                slots[at] = i as u16 + 1;
                used += 1;
                // Half the slots or more stay empty, so every probe sequence ends.
                assert!(2 * used <= N, "the name index is too small");
                break;
            }
            if ascii_eq_folded(members[entry - 1].name.as_bytes(), name) {
                // The first member of a name answers for it.
                break;
            }
            at = (at + 1) & mask;
        }
        i += 1;
    }
    slots
}

/// [`name_index`] at run time, for names in table order, folded with [`fold_name`] (beyond
/// ASCII too): the slots are a power of two, at least twice the distinct folded names (none
/// for no names). Deterministic: the same names give the same index, and for ASCII names the
/// index `name_index` computes.
///
/// # Panics
/// With 32768 names or more (positions must fit the `u16` slots).
pub fn name_index_of<S: AsRef<str>>(names: &[S]) -> Vec<u16> {
    assert!(names.len() < 0x8000, "too many names for a DISPID table");
    let keys: Vec<String> = names.iter().map(|n| fold_name(n.as_ref())).collect();
    let distinct = {
        let mut sorted: Vec<&String> = keys.iter().collect();
        sorted.sort();
        sorted.dedup();
        sorted.len()
    };
    if distinct == 0 {
        return Vec::new();
    }
    let size = (distinct * 2).next_power_of_two();
    let mask = size - 1;
    let mut slots = vec![0u16; size];
    for (i, key) in keys.iter().enumerate() {
        let mut at = name_hash(key.as_bytes()) as usize & mask;
        loop {
            match usize::from(slots[at]) {
                0 => {
                    // i < 0x8000 (asserted above).
                    slots[at] = i as u16 + 1;
                    break;
                }
                e if keys[e - 1] == *key => break,
                _ => at = (at + 1) & mask,
            }
        }
    }
    slots
}

/// Whether the ASCII `name` folds to `query` (ASCII, folded): ASCII lowercase, of the same
/// length; eight bytes a step.
#[inline(always)]
fn ascii_folds_to(name: &[u8], query: &[u8]) -> bool {
    if name.len() != query.len() {
        return false;
    }
    let mut n = name.chunks_exact(8);
    let mut q = query.chunks_exact(8);
    for (a, b) in (&mut n).zip(&mut q) {
        let word = |c: &[u8]| <[u8; 8]>::try_from(c).map_or(0, u64::from_le_bytes);
        if ascii_lowercase_word(word(a)) != word(b) {
            return false;
        }
    }
    (n.remainder().iter())
        .zip(q.remainder())
        .all(|(a, b)| a.to_ascii_lowercase() == *b)
}

/// Eight ASCII bytes with `A`-`Z` made lowercase (no byte carries into the next: each is below
/// 0x80, plus at most 0x3F).
#[inline(always)]
const fn ascii_lowercase_word(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let at_least_a = x + ONES * (0x80 - b'A' as u64);
    let beyond_z = x + ONES * (0x7F - b'Z' as u64);
    let upper = at_least_a & !beyond_z & (ONES * 0x80);
    x | (upper >> 2)
}

/// Queries up to this many bytes that are ASCII are folded onto the stack and compared as bytes;
/// others are folded as they are compared.
const FOLD_BUFFER: usize = 128;

/// A DISPID table: members in declaration order, their order by DISPID and a hash index by
/// name, all `'static` so a generated table is a `const`.
///
/// Lookup by name (rule G6): through the hash index ([`DispidTable::with_name_index`]) in
/// expected constant time (without one, which only hand-written tables lack, by a scan). By
/// DISPID: binary search, `O(log n)`. No lookup allocates.
#[derive(Clone, Copy)]
pub struct DispidTable {
    members: &'static [DispMember],
    by_id: &'static [u16],
    name_index: &'static [u16],
    /// Every member's name is ASCII (an ASCII query then compares bytes).
    ascii: bool,
}

impl DispidTable {
    /// A table over `members` (declaration order). `by_id` orders them by DISPID: indices into
    /// `members` sorted by `(dispid, index)`, or empty when `members` are already in that order.
    ///
    /// # Panics
    /// When `by_id` does not fit that description (an index out of range, not covering every
    /// member in order), or is empty for members out of DISPID order. In a `const` this is a
    /// compile error.
    pub const fn new(members: &'static [DispMember], by_id: &'static [u16]) -> DispidTable {
        assert!(
            members.len() < 0x8000,
            "too many members for a DISPID table"
        );
        if by_id.is_empty() {
            let mut i = 1;
            while i < members.len() {
                assert!(
                    members[i - 1].dispid <= members[i].dispid,
                    "members out of DISPID order need by_id"
                );
                i += 1;
            }
        } else {
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
        }
        let mut ascii = true;
        let mut i = 0;
        while i < members.len() {
            ascii &= members[i].name.is_ascii();
            i += 1;
        }
        DispidTable {
            members,
            by_id,
            name_index: &[],
            ascii,
        }
    }

    /// The table with a hash index by name: [`name_index`] of the members (or
    /// [`name_index_of`] their names), so lookups take expected constant time.
    ///
    /// # Panics
    /// When `index` cannot be such an index: its length not a power of two at least twice its
    /// entries, a slot out of range, or no entry for a table with members. In a `const` this is
    /// a compile error.
    pub const fn with_name_index(self, index: &'static [u16]) -> DispidTable {
        if self.members.is_empty() && index.is_empty() {
            return self;
        }
        assert!(
            index.len().is_power_of_two(),
            "name index size must be a power of two"
        );
        let mut i = 0;
        let mut used = 0;
        while i < index.len() {
            assert!(
                (index[i] as usize) <= self.members.len(),
                "name index slot out of range"
            );
            if index[i] != 0 {
                used += 1;
            }
            i += 1;
        }
        assert!(used > 0, "a name index must have entries");
        // Half the slots or more stay empty, so every probe sequence ends.
        assert!(
            2 * used <= index.len(),
            "a name index needs at least as many empty slots as entries"
        );
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
        if name.is_ascii() && name.len() <= FOLD_BUFFER {
            let mut buf = [0u8; FOLD_BUFFER];
            let query = &mut buf[..name.len()];
            query.copy_from_slice(name.as_bytes());
            query.make_ascii_lowercase();
            return self.find_ascii(query);
        }
        self.find(folded_hash(name.chars()), |n| {
            folded(n.chars()).eq(folded(name.chars()))
        })
    }

    /// The member whose name folds to `query`, which is ASCII and folded.
    fn find_ascii(&self, query: &[u8]) -> Option<&'static DispMember> {
        let hash = name_hash(query);
        if self.ascii {
            return self.find(hash, |n| ascii_folds_to(n.as_bytes(), query));
        }
        self.find(hash, |n| {
            folded(n.chars()).eq(query.iter().map(|b| char::from(*b)))
        })
    }

    /// The first member whose name `matches`, through the hash index from `hash` (the query's
    /// [`name_hash`]) when the table has one, else by a scan.
    #[inline(always)]
    fn find(&self, hash: u32, matches: impl Fn(&str) -> bool) -> Option<&'static DispMember> {
        let members = self.members;
        if self.name_index.is_empty() {
            return members.iter().find(|m| matches(m.name));
        }
        let mask = self.name_index.len() - 1;
        let mut at = hash as usize & mask;
        // An index is at most half full, so the probe meets an empty slot; the bound only
        // keeps a bad index from looping.
        for _ in 0..self.name_index.len() {
            let entry = usize::from(*self.name_index.get(at)?);
            let member = members.get(entry.checked_sub(1)?)?;
            if matches(member.name) {
                return Some(member);
            }
            at = (at + 1) & mask;
        }
        None
    }

    /// [`DispidTable::lookup`] for a UTF-16 name (as `GetIDsOfNames` receives it, without the
    /// terminator). A name with unpaired surrogates matches nothing. Does not allocate.
    pub fn lookup_wide(&self, name: &[u16]) -> Option<i32> {
        self.lookup_member_wide(name).map(|m| m.dispid)
    }

    /// [`DispidTable::lookup_member`] for a UTF-16 name. Does not allocate.
    pub fn lookup_member_wide(&self, name: &[u16]) -> Option<&'static DispMember> {
        // An ASCII name is folded onto the stack (ASCII lowercase, the same as the Unicode
        // fold), any other as it is compared, with `fold_name`'s rule.
        if name.len() <= FOLD_BUFFER && name.iter().all(|u| *u < 0x80) {
            let mut buf = [0u8; FOLD_BUFFER];
            for (b, u) in buf.iter_mut().zip(name) {
                *b = (*u as u8).to_ascii_lowercase();
            }
            return self.find_ascii(&buf[..name.len()]);
        }
        let chars = || char::decode_utf16(name.iter().copied());
        if chars().any(|c| c.is_err()) {
            return None;
        }
        let valid = || chars().map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER));
        self.find(folded_hash(valid()), |n| {
            folded(n.chars()).eq(folded(valid()))
        })
    }

    /// The member index at position `at` in DISPID order.
    fn by_id_at(&self, at: usize) -> usize {
        if self.by_id.is_empty() {
            at
        } else {
            self.by_id.get(at).map_or(usize::MAX, |i| usize::from(*i))
        }
    }

    /// The positions in DISPID order of the members with this DISPID.
    fn id_range(&self, dispid: i32) -> core::ops::Range<usize> {
        let id_at = |at: usize| self.members.get(self.by_id_at(at)).map(|m| m.dispid);
        let (mut lo, mut hi) = (0, self.members.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if id_at(mid) < Some(dispid) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let mut end = lo;
        while end < self.members.len() && id_at(end) == Some(dispid) {
            end += 1;
        }
        lo..end
    }

    /// `Invoke`'s member selection (rule I3): the index (into [`DispidTable::members`]) of the
    /// first member, in declaration order, with this DISPID whose invoke kind intersects
    /// `wflags`. `O(log n)`.
    pub fn select(&self, dispid: i32, wflags: u16) -> Option<usize> {
        self.id_range(dispid)
            .map(|at| self.by_id_at(at))
            .find(|i| self.members.get(*i).is_some_and(|m| m.kind.matches(wflags)))
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
        let table = *self;
        self.id_range(dispid)
            .filter_map(move |at| table.members.get(table.by_id_at(at)))
    }
}

impl fmt::Debug for DispidTable {
    /// The members in declaration order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DispidTable")
            .field("members", &self.members)
            .finish_non_exhaustive()
    }
}
