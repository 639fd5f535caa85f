//! The SLTG type-library format (MIDL /oldtlb, widl --oldtlb), read into the same [`TypeLib`]
//! view as MSFT. No specification exists; Wine's dlls/oleaut32/typelib.c
//! (`ITypeLib2_Constructor_SLTG`, `SLTG_Do*`) and typelib.h (`SLTG_*` structs) read it, and
//! tools/widl/write_sltg.c writes it. The layout, as this reader takes it:
//!
//! ```text
//! header      "SLTG", u16 blocks+1, u16 9, u16 index size, u16 first block (1-based),
//!             GUID 000204ff-..., u32 0x44, u32 0xffff0000                       (0x24 bytes)
//! entries     {u32 length, u16 index string, u16 next (1-based, 0 = last)} x blocks
//! index       "\1CompObj\0" "dir\0" then one "AAAAAAAAAB\0"-style name per type info; 9 zeros
//! blocks      one per type info, in chain order; the library block last. A type info block:
//!             header (0x22: u16 0x0501, u32 ref table, u32 -1, u32 member header, u32 -1,
//!             u16 major, u16 minor, u32, u8 flags << 3 | 2, u8 flags >> 5, u8 2, u8 TYPEKIND, u32),
//!             [ref table], member header {u16, u16, u8, u32 size}, members (offsets in them
//!             count from the byte after the member header), tail (27 u16)
//! library     u16 0x51cc, u16, u16 name, u16 -1, helpstring and helpfile as {u16 len, bytes}
//!             (-1 = none), u32 helpcontext, u16 SYSKIND, u16 LCID, u32, u16 flags, u16 major,
//!             u16 minor, GUID; 0x40 bytes; then per type info {u16, index name, other name,
//!             u16 -1, u16 name, u16 n, n help-string bits, u16 -1, u32 helpcontext, u16 -1,
//!             GUID}; u16 kind; u32 name-table offset from the library block; help-string
//!             table (see `help`); name table (12 bytes, 0x200 hash bytes, u32 size, names:
//!             8 bytes then the text, NUL-ended); u32 0x01ffff01, u32 0
//! trailer     68 bytes ending the file ("TYPELIB" among them)
//! ```
//!
//! Every read is bounds-checked against its block, every count against the bytes that could
//! hold it, and every chain (blocks, functions, variables, implemented interfaces) is walked
//! with a record of where it has been, so a cycle is an error rather than a hang.

mod help;
#[cfg(test)]
mod view_tests;

use std::collections::HashSet;

use super::{
    Func, Href, ImplType, ImportLib, ImportTarget, Input, ParamInfo, TypeDesc, TypeInfo, TypeKind,
    TypeLib, Var, VarKind, text, typeflags,
};
use crate::diag::Diagnostic;
use crate::model::{Guid, Value};
use idlgen_runtime::{
    PARAMFLAG_FIN, PARAMFLAG_FLCID, PARAMFLAG_FOPT, PARAMFLAG_FOUT, PARAMFLAG_FRETVAL, VT_BSTR,
    VT_CARRAY, VT_I2, VT_I4, VT_INT, VT_LPSTR, VT_LPWSTR, VT_PTR, VT_SAFEARRAY, VT_UI2, VT_UI4,
    VT_UINT, VT_USERDEFINED,
};

type R<T> = Result<T, Diagnostic>;

const HEADER_SIZE: usize = 0x24;
const COMPOBJ: &[u8] = b"\x01CompObj\0";
const DIR: &[u8] = b"dir\0";
const TI_MAGIC: u16 = 0x0501;
const TI_HEADER_SIZE: usize = 0x22;
const MEMBER_HEADER_SIZE: usize = 9;
const TAIL_SIZE: usize = 0x36;
const LIBBLK_MAGIC: u16 = 0x51cc;
const REF_MAGIC: u8 = 0xdf;
const IMPL_MAGIC: u16 = 0x004a;
const IMPL_SIZE: usize = 0x16;
const FUNC_SIZE: usize = 0x16;
const VAR_SIZE: usize = 0x12;
/// Bytes of fixed trailer after the library block ("TYPELIB" and its neighbours).
const TRAILER: usize = 68;
/// How deep type descriptions may nest before the reader calls it a cycle.
const MAX_TYPEDESC_DEPTH: u32 = 32;
/// `FUNC_*` of each function magic (without the flags-present bit 0x20).
const FUNC_MAGICS: &[(u8, u8)] = &[(0x4c, 1), (0xcb, 4), (0x8b, 3)];

/// Bytes `[start, start + len)` of `inp` as an input of their own, errors still naming offsets
/// in the whole file.
fn sub<'a>(inp: &Input<'a>, start: usize, len: usize, what: &str) -> R<Input<'a>> {
    let data = inp.bytes(start, len, what)?;
    Ok(Input {
        name: inp.name,
        data,
        base: inp.base + start,
        scope: "block",
    })
}

/// Longest name-table string idlgen reads (names, function help strings, imported libraries'
/// paths): a bound on the search for its NUL, so that many names cannot cost many scans of a
/// large table.
const MAX_STRING: usize = 0x1000;

/// A NUL-terminated string at `at`.
fn cstr(inp: &Input<'_>, at: usize, what: &str) -> R<String> {
    let rest = inp
        .data
        .get(at..)
        .ok_or_else(|| inp.err(at, format!("expected {what}, but the block ends before it")))?;
    let rest = &rest[..rest.len().min(MAX_STRING + 1)];
    let n = rest.iter().position(|&b| b == 0).ok_or_else(|| {
        inp.err(
            at,
            format!(
                "{what} has no terminating NUL within {MAX_STRING} bytes or before the block ends"
            ),
        )
    })?;
    Ok(text(&rest[..n]))
}

/// Where names live: the reader's base is 8 bytes into the name data, past the first name's
/// 8 leading bytes, as Wine's reader counts (name offsets point at those 8 bytes).
struct Names<'a> {
    inp: Input<'a>,
    base: usize,
}

impl Names<'_> {
    fn name(&self, offset: u16, at: usize, what: &str) -> R<String> {
        let p = self.base + usize::from(offset);
        if p >= self.inp.len() {
            return Err(self.inp.err(
                at,
                format!("{what} offset {offset:#x} lies past the end of the name table"),
            ));
        }
        cstr(&self.inp, p, what)
    }
}

/// An `SLTG_Name`: u16 length (0xffff = none) and that many bytes. Returns it and its size.
fn sltg_name(inp: &Input<'_>, at: usize, what: &str) -> R<(Option<String>, usize)> {
    let len = inp.u16(at, what)?;
    if len == 0xffff {
        return Ok((None, 2));
    }
    let b = inp.bytes(at + 2, usize::from(len), what)?;
    Ok((Some(text(b)), 2 + usize::from(len)))
}

/// The directory entry of one type info in the library block.
struct Entry {
    index_name: Option<String>,
    name: u16,
    help_bits: (usize, usize),
    guid: Guid,
    at: usize,
}

struct Reader<'a> {
    lib: Input<'a>,
    names: Names<'a>,
    help: help::Tree,
    /// SYSKIND's pointer size: vtable offsets count this many bytes a slot.
    ptr_size: u32,
    count: usize,
    imports: Vec<(u16, ImportLib)>,
}

/// Reads an SLTG type library.
pub(crate) fn read(input: &Input<'_>) -> R<TypeLib> {
    let inp = *input;
    if inp.len() < HEADER_SIZE {
        return Err(inp.err(
            inp.len(),
            format!(
                "expected an SLTG header of {HEADER_SIZE} bytes, but the file has {} bytes",
                inp.len()
            ),
        ));
    }
    let nblocks = usize::from(inp.u16(4, "the block count")?);
    let index_size = usize::from(inp.u16(8, "the index size")?);
    let first = usize::from(inp.u16(10, "the first block")?);
    // Blocks are the type infos and the library block; the count is one more than the entries.
    if nblocks < 2 || (nblocks - 1) * 8 > inp.len() {
        return Err(inp.err(
            4,
            format!("block count {nblocks}: expected 2 or more, with their entries in the file"),
        ));
    }
    let entries = nblocks - 1;
    let count = nblocks - 2;
    let magic = HEADER_SIZE + entries * 8;
    if inp.bytes(magic, COMPOBJ.len(), "the \"\\1CompObj\" index name")? != COMPOBJ {
        return Err(inp.err(magic, "expected the index to start with \"\\1CompObj\""));
    }
    let dir = magic + COMPOBJ.len();
    if inp.bytes(dir, DIR.len(), "the \"dir\" index name")? != DIR {
        return Err(inp.err(dir, "expected \"dir\" after \"\\1CompObj\" in the index"));
    }
    if index_size < COMPOBJ.len() + DIR.len() + count * 11 {
        return Err(inp.err(
            8,
            format!("index of {index_size} bytes cannot name {count} type infos (11 bytes each)"),
        ));
    }
    let index = sub(&inp, magic, index_size, "the block index")?;
    let _ = inp.bytes(magic + index_size, 9, "the 9 bytes after the index")?;
    // Walk the block chain: each block follows the previous one; the last is the library's.
    let mut pos = magic + index_size + 9;
    // Entries are numbered from 1; 0 names none (`order` is then past every entry).
    let mut order = first.wrapping_sub(1);
    let mut at = 10;
    let mut seen = vec![false; entries];
    let mut blocks = Vec::with_capacity(count);
    let lib_block = loop {
        if order >= entries {
            return Err(inp.err(
                at,
                format!(
                    "block number {} names no entry (there are {entries})",
                    order.wrapping_add(1)
                ),
            ));
        }
        if std::mem::replace(&mut seen[order], true) {
            return Err(inp.err(
                at,
                format!("the block chain returns to block {}", order + 1),
            ));
        }
        let e = HEADER_SIZE + order * 8;
        let len = inp.u32(e, "a block length")? as usize;
        let index_at = usize::from(inp.u16(e + 4, "a block's index string")?);
        let next = usize::from(inp.u16(e + 6, "the next block")?);
        let block = sub(&inp, pos, len, "a block")?;
        pos += len;
        if next == 0 {
            break block;
        }
        blocks.push((block, index_at, e + 4));
        order = next - 1;
        at = e + 6;
    };
    if blocks.len() != count {
        return Err(inp.err(
            4,
            format!(
                "{} blocks before the library block, but the header counts {count} type infos",
                blocks.len()
            ),
        ));
    }
    let end = pos;
    check_trailer(&inp, end)?;
    let (mut r, lib, entries) = read_library(lib_block, count)?;
    let mut infos = Vec::with_capacity(count);
    for (i, ((block, index_at, at), entry)) in blocks.into_iter().zip(&entries).enumerate() {
        let index_name = cstr(&index, index_at, "a block's index string")?;
        if entry.index_name.as_deref() != Some(index_name.as_str()) {
            return Err(inp.err(
                at,
                format!(
                    "block {i} is indexed {index_name:?}, but the library's entry {i} names {:?}",
                    entry.index_name
                ),
            ));
        }
        infos.push(r.typeinfo(&block, entry)?);
    }
    let mut lib = lib;
    lib.infos = infos;
    lib.imports = std::mem::take(&mut r.imports)
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    Ok(lib)
}

/// The 68 bytes after the library block: 12 bytes, a GUID, then {u32 8, "TYPELIB\0"}, 28 bytes.
fn check_trailer(inp: &Input<'_>, end: usize) -> R<()> {
    let t = inp.bytes(end, TRAILER, "the trailer after the library block")?;
    if &t[28..40] != b"\x08\0\0\0TYPELIB\0" {
        return Err(inp.err(end + 28, "expected \"TYPELIB\" in the trailer"));
    }
    if end + TRAILER != inp.len() {
        return Err(inp.err(
            end + TRAILER,
            format!(
                "expected the file to end after the trailer, but {} bytes follow",
                inp.len() - end - TRAILER
            ),
        ));
    }
    Ok(())
}

fn read_library(lib: Input<'_>, count: usize) -> R<(Reader<'_>, TypeLib, Vec<Entry>)> {
    if lib.u16(0, "the library block's magic")? != LIBBLK_MAGIC {
        return Err(lib.err(0, "expected the library block's magic 0x51cc"));
    }
    let name_off = lib.u16(4, "the library's name")?;
    let mut p = 6;
    // res06: 0xffff, or (Wine's reading) a length to skip.
    let res06 = lib.u16(p, "the library block")?;
    p += 2 + if res06 == 0xffff {
        0
    } else {
        usize::from(res06)
    };
    let (helpstring, n) = sltg_name(&lib, p, "the library's help string")?;
    p += n;
    let (_helpfile, n) = sltg_name(&lib, p, "the library's help file")?;
    p += n;
    let syskind = lib.u16(p + 4, "the SYSKIND")?;
    let lcid = lib.u16(p + 6, "the LCID")?;
    let major = lib.u16(p + 14, "the major version")?;
    let minor = lib.u16(p + 16, "the minor version")?;
    let guid = lib.guid(p + 18, "the library's GUID")?;
    p += 34 + 0x40;
    let _ = lib.bytes(p - 0x40, 0x40, "the 0x40 bytes after the library block")?;
    // Each directory entry takes at least 36 bytes: the count must fit the block.
    if count.saturating_mul(36) > lib.len() {
        return Err(lib.err(
            p,
            format!("{count} type-info entries do not fit the library block"),
        ));
    }
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        let at = p;
        let (index_name, n) = sltg_name(&lib, p + 2, "a type's index name")?;
        p += 2 + n;
        let (_other, n) = sltg_name(&lib, p, "a type's second index name")?;
        p += n;
        let name = lib.u16(p + 2, "a type's name")?;
        let extra = usize::from(lib.u16(p + 4, "a type's help-string size")?);
        let _ = lib.bytes(p + 6, extra, "a type's help-string bits")?;
        let help_bits = (p + 6, extra);
        p += 6 + extra;
        let guid = lib.guid(p + 8, "a type's GUID")?;
        p += 24;
        entries.push(Entry {
            index_name,
            name,
            help_bits,
            guid,
            at,
        });
    }
    let _kind = lib.u16(p, "the last type's kind")?;
    let nt_at = p + 2;
    let nt = lib.u32(nt_at, "the name table's offset")? as usize;
    if nt >= lib.len() || nt < nt_at + 4 {
        return Err(lib.err(
            nt_at,
            format!(
                "name table offset {nt:#x}: expected it after this field and within the library block ({} bytes)",
                lib.len()
            ),
        ));
    }
    let mut base = nt;
    if lib.u16(nt, "the name table")? == 0x0200 {
        base += 0x20;
    }
    let size_at = base + 0x20c;
    let size = lib.u32(size_at, "the name table's size")? as usize;
    let names_start = size_at + 4;
    let names = sub(&lib, names_start, size, "the name table")?;
    // The library block ends with u32 0x01ffff01, u32 0 right after the names.
    let tail = names_start + size;
    if lib.len().checked_sub(tail) != Some(8)
        || lib.u32(tail, "the library block's end")? != 0x01ff_ff01
    {
        return Err(lib.err(
            tail,
            "expected 0x01ffff01 and 0 to end the library block right after the name table",
        ));
    }
    let (help, help_end) = help::Tree::read(&lib, nt_at + 4, nt)?;
    if help_end != nt {
        return Err(lib.err(
            help_end,
            format!(
                "the help-string table ends at {help_end:#x}, but the name table starts at {nt:#x}"
            ),
        ));
    }
    let names = Names {
        inp: names,
        base: 8,
    };
    let ptr_size = match syskind {
        0 => 2,
        3 => 8,
        _ => 4,
    };
    let tlb = TypeLib {
        name: names.name(name_off, 4, "the library's name")?,
        guid: Some(guid),
        version: (major, minor),
        // As oleaut32: an LCID with a sublanguage reads as 0 (widl writes 0x409 there).
        lcid: if lcid >> 10 == 0 {
            u32::from(lcid & 0x3ff)
        } else {
            0
        },
        helpstring,
        infos: Vec::new(),
        imports: Vec::new(),
    };
    let r = Reader {
        lib,
        names,
        help,
        ptr_size,
        count,
        imports: Vec::new(),
    };
    Ok((r, tlb, entries))
}

/// Parses `"*\G{guid}#major.minor#lcid#path#"` (an imported library in the name table).
fn parse_import(s: &str) -> Option<ImportLib> {
    let rest = s.strip_prefix("*\\G{")?;
    let (guid, rest) = rest.split_once('}')?;
    let mut parts = rest.strip_prefix('#')?.split('#');
    let version = parts.next()?;
    let _lcid = u32::from_str_radix(parts.next()?, 16).ok()?;
    let file = parts.next()?;
    let (major, minor) = version.split_once('.')?;
    Some(ImportLib {
        file: file.to_string(),
        guid: Some(parse_guid(guid)?),
        version: (major.parse().ok()?, minor.parse().ok()?),
    })
}

fn parse_guid(s: &str) -> Option<Guid> {
    let p: Vec<&str> = s.split('-').collect();
    let [a, b, c, d, e] = p.as_slice() else {
        return None;
    };
    if [a.len(), b.len(), c.len(), d.len(), e.len()] != [8, 4, 4, 4, 12] {
        return None;
    }
    let tail = u64::from_str_radix(&format!("{d}{e}"), 16).ok()?;
    Some(Guid {
        data1: u32::from_str_radix(a, 16).ok()?,
        data2: u16::from_str_radix(b, 16).ok()?,
        data3: u16::from_str_radix(c, 16).ok()?,
        data4: tail.to_be_bytes(),
    })
}

/// `"*\R<lib>*#<n>"`: the library's name-table offset (ffff = this library) and a type index.
fn parse_ref(s: &str) -> Option<(u16, u32)> {
    let (lib, n) = s.strip_prefix("*\\R")?.split_once("*#")?;
    Some((
        u16::from_str_radix(lib, 16).ok()?,
        u32::from_str_radix(n, 16).ok()?,
    ))
}

/// One type info's block, with where its members start.
struct Block<'a> {
    inp: Input<'a>,
    /// Offsets in members count from here (the byte after the member header).
    members: usize,
    refs: Vec<Href>,
}

impl Block<'_> {
    /// Where member offset `offset` (read at `field`) points; it must lie in the block.
    fn at(&self, offset: u16, field: usize, what: &str) -> R<usize> {
        let p = self.members + usize::from(offset);
        if p >= self.inp.len() {
            return Err(self.inp.err(
                field,
                format!(
                    "{what} offset {offset:#x} points past the end of the block ({} bytes)",
                    self.inp.len()
                ),
            ));
        }
        Ok(p)
    }
}

impl Reader<'_> {
    fn typeinfo(&mut self, inp: &Input<'_>, entry: &Entry) -> R<TypeInfo> {
        if inp.u16(0, "a type info's magic")? != TI_MAGIC {
            return Err(inp.err(0, "expected a type info header (magic 0x0501)"));
        }
        let _ = inp.bytes(0, TI_HEADER_SIZE, "a type info header")?;
        let href_table = inp.u32(2, "the reference table's offset")?;
        let elem_table = inp.u32(0x0a, "the member header's offset")? as usize;
        let major = inp.u16(0x12, "a type's version")?;
        let minor = inp.u16(0x14, "a type's version")?;
        let flags = u16::from(inp.bytes(0x1a, 1, "type flags")?[0] >> 3)
            | u16::from(inp.bytes(0x1b, 1, "type flags")?[0]) << 5;
        let code = inp.bytes(0x1d, 1, "the type kind")?[0];
        let stored = TypeKind::from_code(u32::from(code))
            .ok_or_else(|| inp.err(0x1d, format!("unknown type kind {code}")))?;
        if elem_table
            .checked_add(MEMBER_HEADER_SIZE)
            .is_none_or(|e| e > inp.len())
        {
            return Err(inp.err(
                0x0a,
                format!(
                    "member header offset {elem_table:#x} lies past the end of the block ({} bytes)",
                    inp.len()
                ),
            ));
        }
        let extra = inp.u32(elem_table + 5, "the member data's size")? as usize;
        let members = elem_table + MEMBER_HEADER_SIZE;
        let tail = members
            .checked_add(extra)
            .filter(|t| t.checked_add(TAIL_SIZE).is_some_and(|e| e <= inp.len()))
            .ok_or_else(|| {
                inp.err(
                    elem_table + 5,
                    format!(
                        "member data of {extra} bytes and the tail do not fit the block ({} bytes)",
                        inp.len()
                    ),
                )
            })?;
        let t = |i: usize| inp.u16(tail + i * 2, "the type info's tail");
        let (cfuncs, cvars) = (usize::from(t(0)?), usize::from(t(1)?));
        let (funcs_off, vars_off, impls_off) = (t(4)?, t(5)?, t(6)?);
        let (alias_vt, simple_alias) = (t(10)?, t(14)?);
        let cb_vft = u32::from(t(20)?);
        let refs = if href_table == 0xffff_ffff {
            Vec::new()
        } else if href_table as usize >= elem_table {
            return Err(inp.err(
                2,
                format!("reference table offset {href_table:#x}: expected it before the members at {elem_table:#x}"),
            ));
        } else {
            self.refs(inp, href_table as usize)?
        };
        let block = Block {
            inp: *inp,
            members,
            refs,
        };
        let name = self.names.name(entry.name, entry.at, "a type's name")?;
        let (hb, hn) = entry.help_bits;
        let helpstring =
            self.help
                .decode(&self.lib, self.lib.bytes(hb, hn, "help-string bits")?, hb)?;
        // oleaut32 reports a dual interface as TKIND_DISPATCH, as an MSFT file stores it.
        let kind = if flags & typeflags::FDUAL != 0 {
            TypeKind::Dispatch
        } else {
            stored
        };
        let mut info = TypeInfo {
            kind,
            name,
            guid: Some(entry.guid),
            flags,
            version: (major, minor),
            helpstring,
            funcs: Vec::new(),
            vars: Vec::new(),
            impls: Vec::new(),
            alias: None,
            dllname: None,
            cb_size_vft: cb_vft * 8 / self.ptr_size,
            offset: inp.base,
        };
        let first_is_impl =
            || -> R<bool> { Ok(inp.u16(members, "the first member")? == IMPL_MAGIC && extra >= 2) };
        match stored {
            TypeKind::Enum | TypeKind::Record | TypeKind::Union => {
                info.vars = self.vars(&block, vars_off, tail + 10, cvars, tail)?;
            }
            TypeKind::Interface => {
                if first_is_impl()? {
                    info.impls = self.impls(&block, 0, members, tail)?;
                }
                if funcs_off != 0xffff {
                    info.funcs = self.funcs(&block, funcs_off, tail + 8, cfuncs, tail)?;
                }
            }
            TypeKind::Coclass => {
                if first_is_impl()? {
                    info.impls = self.impls(&block, 0, members, tail)?;
                }
            }
            TypeKind::Alias => {
                info.alias = Some(if simple_alias != 0 {
                    TypeDesc::Vt(alias_vt)
                } else {
                    self.typedesc(&block, block.at(alias_vt, tail + 20, "the aliased type")?)
                        .map(|(t, _, _)| t)?
                });
            }
            TypeKind::Dispatch | TypeKind::Module => {
                if vars_off != 0xffff {
                    info.vars = self.vars(&block, vars_off, tail + 10, cvars, tail)?;
                }
                if funcs_off != 0xffff {
                    info.funcs = self.funcs(&block, funcs_off, tail + 8, cfuncs, tail)?;
                }
                if stored == TypeKind::Dispatch && impls_off != 0xffff {
                    info.impls = self.impls(&block, impls_off, tail + 12, tail)?;
                }
            }
        }
        Ok(info)
    }

    /// The reference table: each entry `"*\R<lib>*#<n>"`, a type of this library or an import.
    fn refs(&mut self, inp: &Input<'_>, at: usize) -> R<Vec<Href>> {
        if inp.bytes(at, 1, "the reference table")?[0] != REF_MAGIC {
            return Err(inp.err(at, "expected the reference table's magic 0xdf"));
        }
        let number = inp.u32(at + 0x44, "the reference count")? as usize;
        if !number.is_multiple_of(8) || number > inp.len() {
            return Err(inp.err(
                at + 0x44,
                format!(
                    "reference table size {number}: expected 8 bytes a reference, within the block"
                ),
            ));
        }
        let mut p = at + 0x4f + number;
        let mut out = Vec::with_capacity(number / 8);
        for _ in 0..number / 8 {
            let (s, n) = sltg_name(inp, p, "a reference")?;
            let s = s.unwrap_or_default();
            let (lib, index) = parse_ref(&s).ok_or_else(|| {
                inp.err(
                    p,
                    format!("reference {s:?}: expected \"*\\R<library>*#<type>\""),
                )
            })?;
            out.push(if lib == 0xffff {
                if index as usize >= self.count {
                    return Err(inp.err(
                        p,
                        format!(
                            "reference to type {index}, but the library has {} types",
                            self.count
                        ),
                    ));
                }
                Href::Local(index as usize)
            } else {
                let lib = self.import(lib, p, inp)?;
                Href::Import {
                    lib,
                    target: ImportTarget::Index(index),
                }
            });
            p += n;
        }
        if inp.bytes(p, 1, "the reference table's end")?[0] != REF_MAGIC {
            return Err(inp.err(p, "expected 0xdf to end the reference table"));
        }
        Ok(out)
    }

    /// The import at name-table offset `off` (read once).
    fn import(&mut self, off: u16, at: usize, inp: &Input<'_>) -> R<usize> {
        if let Some(i) = self.imports.iter().position(|(o, _)| *o == off) {
            return Ok(i);
        }
        let s = self.names.name(off, at, "an imported library")?;
        let lib = parse_import(&s).ok_or_else(|| {
            inp.err(
                at,
                format!("imported library {s:?}: expected \"*\\G{{guid}}#major.minor#lcid#file#\""),
            )
        })?;
        self.imports.push((off, lib));
        Ok(self.imports.len() - 1)
    }

    fn href(&self, b: &Block<'_>, index: usize, at: usize) -> R<Href> {
        b.refs.get(index).cloned().ok_or_else(|| {
            b.inp.err(
                at,
                format!(
                    "reference {index}, but the type's reference table has {}",
                    b.refs.len()
                ),
            )
        })
    }

    /// A type description at `at` (words; see `SLTG_DoType`): returns it, the position after
    /// it and its first word (which also carries parameter flags).
    fn typedesc(&self, b: &Block<'_>, at: usize) -> R<(TypeDesc, usize, u16)> {
        enum Wrap {
            Ptr,
            SafeArray,
            CArray(Vec<u32>),
        }
        let inp = &b.inp;
        let first = inp.u16(at, "a type description")?;
        let mut wraps = Vec::new();
        let mut p = at;
        let base = loop {
            if wraps.len() as u32 > MAX_TYPEDESC_DEPTH {
                return Err(inp.err(
                    at,
                    format!("type description nests deeper than {MAX_TYPEDESC_DEPTH} levels"),
                ));
            }
            let w = inp.u16(p, "a type description")?;
            if w & 0xe00 == 0xe00 {
                wraps.push(Wrap::Ptr);
            }
            match w & 0x3f {
                VT_PTR => {
                    wraps.push(Wrap::Ptr);
                    p += 2;
                }
                VT_SAFEARRAY => {
                    wraps.push(Wrap::SafeArray);
                    p += 4;
                }
                VT_USERDEFINED => {
                    let r = usize::from(inp.u16(p + 2, "a type reference")?);
                    p += 4;
                    break TypeDesc::User(self.href(b, r / 4, p - 2)?);
                }
                VT_CARRAY => {
                    // A SAFEARRAY: u16 dims, u16, u32 x 3, then {u32 count, i32 lbound} a dim.
                    let sa = b.at(
                        inp.u16(p + 2, "an array description")?,
                        p + 2,
                        "an array description",
                    )?;
                    let dims = usize::from(inp.u16(sa, "an array's dimensions")?);
                    let bounds = inp.bytes(sa + 16, dims * 8, "an array's bounds")?;
                    let counts = bounds
                        .chunks_exact(8)
                        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                        .collect();
                    wraps.push(Wrap::CArray(counts));
                    p += 4;
                }
                other => {
                    p += 2;
                    break TypeDesc::Vt(other);
                }
            }
        };
        let ty = wraps.into_iter().rev().fold(base, |t, w| match w {
            Wrap::Ptr => TypeDesc::Ptr(Box::new(t)),
            Wrap::SafeArray => TypeDesc::SafeArray(Box::new(t)),
            Wrap::CArray(d) => TypeDesc::CArray(Box::new(t), d),
        });
        Ok((ty, p, first))
    }

    /// Implemented interfaces: a chain of 0x16-byte records from `off` (read at `field`).
    fn impls(&self, b: &Block<'_>, off: u16, field: usize, tail: usize) -> R<Vec<ImplType>> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let (mut off, mut field) = (off, field);
        loop {
            let p = self.record(
                b,
                off,
                field,
                IMPL_SIZE,
                tail,
                &mut seen,
                "implemented-interface",
            )?;
            let flags = b.inp.bytes(p + 6, 1, "implemented-interface flags")?[0];
            let r = usize::from(b.inp.u16(p + 0x0a, "an implemented interface")?);
            // The reference index as oleaut32 takes it (not divided by 4 as in types).
            out.push(ImplType {
                href: self.href(b, r, p + 0x0a)?,
                flags: i32::from(flags),
            });
            off = b.inp.u16(p + 2, "the next implemented interface")?;
            field = p + 2;
            if off == 0xffff {
                return Ok(out);
            }
        }
    }

    /// The record at member offset `off` (read at `field`): it must end before the tail and
    /// not have been visited before (a list that loops).
    #[allow(clippy::too_many_arguments)]
    fn record(
        &self,
        b: &Block<'_>,
        off: u16,
        field: usize,
        size: usize,
        tail: usize,
        seen: &mut HashSet<usize>,
        what: &str,
    ) -> R<usize> {
        let p = b.at(off, field, what)?;
        if p + size > tail {
            return Err(b.inp.err(
                field,
                format!(
                    "{what} record at member offset {off:#x} runs into the tail at {:#x}",
                    tail - b.members
                ),
            ));
        }
        if !seen.insert(p) {
            return Err(b.inp.err(
                field,
                format!("{what} list loops: member offset {off:#x} comes again"),
            ));
        }
        Ok(p)
    }

    /// `n` records linked by their `next` field, from `first` (read at `field`).
    #[allow(clippy::too_many_arguments)]
    fn chain(
        &self,
        b: &Block<'_>,
        first: u16,
        field: usize,
        n: usize,
        size: usize,
        tail: usize,
        what: &str,
    ) -> R<Vec<usize>> {
        if n.saturating_mul(size) > tail.saturating_sub(b.members) {
            return Err(b.inp.err(
                tail,
                format!(
                    "{n} {what} records do not fit {} bytes of member data",
                    tail - b.members
                ),
            ));
        }
        let mut out = Vec::with_capacity(n);
        let mut seen = HashSet::new();
        let (mut off, mut field) = (first, field);
        for _ in 0..n {
            let p = self.record(b, off, field, size, tail, &mut seen, what)?;
            out.push(p);
            off = b.inp.u16(p + 2, "the next record")?;
            field = p + 2;
        }
        Ok(out)
    }

    fn funcs(
        &self,
        b: &Block<'_>,
        first: u16,
        field: usize,
        n: usize,
        tail: usize,
    ) -> R<Vec<Func>> {
        let inp = &b.inp;
        let mut out = Vec::with_capacity(n);
        for p in self.chain(b, first, field, n, FUNC_SIZE, tail, "function")? {
            let magic = inp.bytes(p, 1, "a function's magic")?[0];
            let funckind = FUNC_MAGICS
                .iter()
                .find(|(m, _)| *m == magic & !0x20)
                .map(|(_, k)| *k)
                .ok_or_else(|| inp.err(p, format!("unknown function magic {magic:#04x}")))?;
            let inv = inp.bytes(p + 1, 1, "an invoke kind")?[0];
            let name = self.names.name(
                inp.u16(p + 4, "a function's name")?,
                p + 4,
                "a function's name",
            )?;
            let memid = inp.i32(p + 6, "a function's DISPID")?;
            let help = inp.u16(p + 0x0c, "a function's help string")?;
            let arg_off = inp.u16(p + 0x0e, "a function's arguments")?;
            let nacc = inp.bytes(p + 0x10, 1, "an argument count")?[0];
            let retnextopt = inp.bytes(p + 0x11, 1, "a return type")?[0];
            let rettype = inp.u16(p + 0x12, "a return type")?;
            let vtblpos = inp.u16(p + 0x14, "a vtable position")?;
            let flags = if magic & 0x20 != 0 {
                inp.u16(p + 0x16, "function flags")?
            } else {
                0
            };
            let ret_at = if retnextopt & 0x80 != 0 {
                p + 0x12
            } else {
                b.at(rettype, p + 0x12, "a return type")?
            };
            let (ret, _, _) = self.typedesc(b, ret_at)?;
            let nparams = usize::from(nacc >> 3);
            let nopt = usize::from((retnextopt & 0x7e) >> 1);
            let mut params = Vec::with_capacity(nparams);
            // No arguments: the offset is 0xffff.
            let mut a = if nparams == 0 {
                0
            } else {
                b.at(arg_off, p + 0x0e, "the arguments")?
            };
            for k in 0..nparams {
                let w = inp.u16(a, "a parameter's name")?;
                // A name's first letter follows a non-alphanumeric byte (the end of the 8
                // bytes before it): then an offset to the type follows. Pointing at the second
                // letter means the type itself follows (oleaut32's reading).
                let (pname, offs) = match w {
                    0xffff => (None, false),
                    0xfffe => (None, true),
                    _ => {
                        let q = self.names.base + usize::from(w);
                        let prev = q
                            .checked_sub(1)
                            .and_then(|i| self.names.inp.data.get(i))
                            .copied()
                            .ok_or_else(|| {
                                inp.err(
                                    a,
                                    format!(
                                        "parameter name offset {w:#x} lies past the name table"
                                    ),
                                )
                            })?;
                        if prev != 0 && !prev.is_ascii_alphanumeric() {
                            (Some(self.names.name(w, a, "a parameter's name")?), true)
                        } else {
                            let first = w.checked_sub(1).ok_or_else(|| {
                                inp.err(a, "parameter name offset 0 with its type inline")
                            })?;
                            (
                                Some(self.names.name(first, a, "a parameter's name")?),
                                false,
                            )
                        }
                    }
                };
                a += 2;
                // The type: at the offset the next word gives, or right here (then the
                // arguments go on after it).
                let (ty, word) = if offs {
                    let at = b.at(inp.u16(a, "a parameter's type")?, a, "a parameter's type")?;
                    let (ty, _, word) = self.typedesc(b, at)?;
                    a += 2;
                    (ty, word)
                } else {
                    let (ty, after, word) = self.typedesc(b, a)?;
                    a = after;
                    (ty, word)
                };
                let mut pflags = match word & 0xc000 {
                    0xc000 => 0,
                    0x8000 => PARAMFLAG_FIN | PARAMFLAG_FOUT,
                    0x4000 => PARAMFLAG_FOUT,
                    _ => PARAMFLAG_FIN,
                };
                if word & 0x2000 != 0 {
                    pflags |= PARAMFLAG_FLCID;
                }
                if word & 0x80 != 0 {
                    pflags |= PARAMFLAG_FRETVAL;
                }
                if nparams - k <= nopt {
                    pflags |= PARAMFLAG_FOPT;
                }
                params.push(ParamInfo {
                    name: pname,
                    ty,
                    flags: pflags,
                    default: None,
                });
            }
            let helpstring = if help == 0xffff {
                None
            } else {
                Some(
                    self.names
                        .name(help, p + 0x0c, "a function's help string")?,
                )
            };
            out.push(Func {
                name,
                memid,
                invkind: inv >> 4,
                funckind,
                ovft: if funckind == 4 {
                    0
                } else {
                    u32::from(vtblpos & !1) * 8 / self.ptr_size
                },
                flags,
                params_opt: nopt as i16,
                ret,
                params,
                helpstring,
                offset: inp.base + p,
            });
        }
        Ok(out)
    }

    fn vars(&self, b: &Block<'_>, first: u16, field: usize, n: usize, tail: usize) -> R<Vec<Var>> {
        let inp = &b.inp;
        let mut out: Vec<Var> = Vec::with_capacity(n);
        for p in self.chain(b, first, field, n, VAR_SIZE, tail, "variable")? {
            let magic = inp.bytes(p, 1, "a variable's magic")?[0];
            if magic != 0x0a && magic != 0x2a {
                return Err(inp.err(p, format!("unknown variable magic {magic:#04x}")));
            }
            let flags = inp.bytes(p + 1, 1, "variable flags")?[0];
            let name_off = inp.u16(p + 4, "a variable's name")?;
            let name = if name_off == 0xfffe {
                out.last()
                    .map(|v| v.name.clone())
                    .ok_or_else(|| inp.err(p + 4, "first variable takes a previous one's name"))?
            } else {
                self.names.name(name_off, p + 4, "a variable's name")?
            };
            let byte_offs = inp.u16(p + 6, "a variable's offset or value")?;
            let ty_at = if flags & 0x02 != 0 {
                p + 8
            } else {
                b.at(
                    inp.u16(p + 8, "a variable's type")?,
                    p + 8,
                    "a variable's type",
                )?
            };
            let (ty, _, _) = self.typedesc(b, ty_at)?;
            let memid = inp.i32(p + 0x0a, "a variable's member id")?;
            let mut vflags = if magic == 0x2a {
                inp.u16(p + 0x12, "variable flags")?
            } else {
                0
            };
            if flags & 0x80 != 0 {
                vflags |= 1; // VARFLAG_FREADONLY
            }
            let (kind, value) = if flags & 0x40 != 0 {
                (VarKind::Dispatch, None)
            } else if flags & 0x10 != 0 {
                (
                    VarKind::Const,
                    Some(self.constant(b, &ty, flags, byte_offs, p)?),
                )
            } else {
                (VarKind::PerInstance, None)
            };
            out.push(Var {
                name,
                memid,
                ty,
                kind,
                value,
                flags: vflags,
                helpstring: None,
            });
        }
        Ok(out)
    }

    /// A constant's value: the offset word itself (flag 0x08), or data at that offset.
    fn constant(&self, b: &Block<'_>, ty: &TypeDesc, flags: u8, offs: u16, p: usize) -> R<Value> {
        if flags & 0x08 != 0 {
            return Ok(Value::Int(i128::from(offs)));
        }
        let at = b.at(offs, p + 6, "a constant")?;
        Ok(match ty {
            TypeDesc::Vt(VT_BSTR | VT_LPSTR | VT_LPWSTR) => {
                let (s, _) = sltg_name(&b.inp, at, "a string constant")?;
                Value::Str(s.unwrap_or_default())
            }
            TypeDesc::Vt(VT_I2 | VT_UI2 | VT_I4 | VT_UI4 | VT_INT | VT_UINT) => {
                Value::Int(i128::from(b.inp.i32(at, "a constant")?))
            }
            other => {
                return Err(b.inp.err(
                    p,
                    format!("constant of type {other:?}: expected an integer or a string"),
                ));
            }
        })
    }
}
