//! sltg-twin: an SLTG type library of an IDL library, as `widl --oldtlb` would write it.
//!
//! ```sh
//! cargo run --manifest-path tools/sltg-twin/Cargo.toml -- \
//!     --stdole /usr/lib/x86_64-linux-gnu/wine/x86_64-windows/stdole2.tlb \
//!     -o fixtures/certif/certcli_sltg.tlb fixtures/certif/certcli.idl
//! ```
//!
//! The file follows Wine's tools/widl/write_sltg.c block for block: the header and block
//! entries, the index ("\1CompObj", "dir", one "BAAAAAAAAA"-style name per type), the type-info
//! blocks (0x22-byte header, reference table, member header, members, 27-word tail), the
//! library block, the type directory, the name table (names added in widl's way, 8 bytes of
//! 0xff before each) and the fixed trailer; SYS_WIN32 (write_sltg.c refuses 64-bit), LCID 0x409,
//! functions with magic 0x6c, DISPIDs and vtable positions as widl numbers them.
//!
//! Where write_sltg.c stops short, this writer goes on in the way Wine's SLTG reader
//! (dlls/oleaut32/typelib.c, `SLTG_Do*`, `SLTG_Process*`) reads files:
//! - type flags (write_sltg.c writes 0, "FIXME") in the header's flag bits: a dual interface is
//!   TKIND_INTERFACE with TYPEFLAG_FDUAL, which the reader reports as TKIND_DISPATCH;
//! - a base interface from an imported library (write_sltg.c: "not implemented") as a reference
//!   `*\R<offset>*#<index>` to a name-table entry `*\G{guid}#2.0#0#stdole2.tlb#`;
//! - coclasses (write_sltg.c: "not implemented") as a chain of implemented-interface records
//!   (magic 0x004a) at the start of the members; their reference is the plain index into the
//!   reference table, as the reader takes it (write_sltg.c writes 4 times the index, the same
//!   for the one base interface it knows, index 0);
//! - type help strings (write_sltg.c: "FIXME") as word codes in the directory entry's extra
//!   bytes with the word tree where write_sltg.c writes its 6 empty bytes (see the reader,
//!   src/tlb/sltg/help.rs: a reconstruction that Wine 8.0 does not read, so no independent
//!   check). Function help strings go in the name table, as write_sltg.c puts them.
//!
//! Output is deterministic: nothing depends on time or hashing order.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use idlgen::model::{BaseType, Guid, InvokeKind, ItemKind, Method, Model, Type, TypeId};

const SLTG_LIBRARY_GUID: Guid = Guid {
    data1: 0x0002_04ff,
    data2: 0,
    data3: 0,
    data4: [0xc0, 0, 0, 0, 0, 0, 0, 0x46],
};
const PTR: u32 = 4;
const IMPL_SIZE: usize = 0x16;
const FUNC_SIZE: usize = 24;
const TKIND_ENUM: u8 = 0;
const TKIND_INTERFACE: u8 = 3;
const TKIND_COCLASS: u8 = 5;
/// FUNCFLAGs by the names the model keeps in `Method::attributes`.
const FUNC_FLAGS: &[(&str, u16)] = &[
    ("restricted", 0x1),
    ("source", 0x2),
    ("bindable", 0x4),
    ("requestedit", 0x8),
    ("displaybind", 0x10),
    ("defaultbind", 0x20),
    ("hidden", 0x40),
    ("usesgetlasterror", 0x80),
    ("defaultcollelem", 0x100),
    ("uidefault", 0x200),
    ("nonbrowsable", 0x400),
    ("replaceable", 0x800),
    ("immediatebind", 0x1000),
];

type Res<T> = Result<T, String>;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sltg-twin: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let (mut input, mut output, mut stdole, mut includes) = (None, None, None, Vec::new());
    while let Some(a) = args.next() {
        match a.as_str() {
            "-o" => output = args.next().map(PathBuf::from),
            "--stdole" => stdole = args.next().map(PathBuf::from),
            "-I" => includes.extend(args.next().map(PathBuf::from)),
            _ => input = Some(PathBuf::from(a)),
        }
    }
    let usage = "usage: sltg-twin --stdole STDOLE2.TLB [-I DIR] -o OUT.tlb IN.idl";
    let (input, output, stdole) = match (input, output, stdole) {
        (Some(i), Some(o), Some(s)) => (i, o, s),
        _ => return Err(usage.into()),
    };
    let opts = (includes.iter()).fold(idlgen::Options::new(), |o, d| o.include_dir(d));
    let model = idlgen::load([input], &opts)
        .map_err(|e| e.to_string())?
        .model;
    let stdole = Stdole::load(&stdole)?;
    let out = write(&model, &stdole)?;
    std::fs::write(&output, out).map_err(|e| format!("{}: {e}", output.display()))
}

/// widl's name table: each name after 8 bytes of 0xff, NUL-ended, the entry padded to even
/// length or to the next 32-byte boundary when that is under 4 bytes away.
#[derive(Default)]
struct Names(Vec<u8>);

impl Names {
    fn add(&mut self, name: &str) -> u16 {
        let off = self.0.len();
        let mut size = off + name.len() + 1 + 8;
        let aligned = (size + 0x1f) & !0x1f;
        size = if aligned - size < 4 {
            aligned
        } else {
            (size + 1) & !1
        };
        self.0.extend_from_slice(&[0xff; 8]);
        self.0.extend_from_slice(name.as_bytes());
        self.0.resize(size, 0);
        off as u16
    }
}

/// widl's index names: "AAAAAAAAAA" counted up one letter at a time.
struct IndexNames {
    name: [u8; 10],
    pos: usize,
}

impl IndexNames {
    fn next(&mut self) -> String {
        if self.name[self.pos] == b'Z' {
            self.pos += 1;
        }
        self.name[self.pos] += 1;
        String::from_utf8_lossy(&self.name).into_owned()
    }
}

fn le16(b: &mut Vec<u8>, v: u16) {
    b.extend_from_slice(&v.to_le_bytes());
}

fn le32(b: &mut Vec<u8>, v: u32) {
    b.extend_from_slice(&v.to_le_bytes());
}

fn guid(b: &mut Vec<u8>, g: &Guid) {
    le32(b, g.data1);
    le16(b, g.data2);
    le16(b, g.data3);
    b.extend_from_slice(&g.data4);
}

fn guid_text(g: &Guid) -> String {
    let d = g.data4;
    format!(
        "{:08X}-{:04X}-{:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}",
        g.data1, g.data2, g.data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
    )
}

/// The types of the file, in order: library types as the IDL names them; a coclass before the
/// interfaces it names (as widl orders them), an interface after its local base.
fn plan(model: &Model, lib: &idlgen::model::Library) -> Vec<TypeId> {
    fn add_iface(model: &Model, id: TypeId, out: &mut Vec<TypeId>) {
        if out.contains(&id) || model.is_builtin(id) {
            return;
        }
        if let ItemKind::Interface(i) = &model.item(id).kind
            && let Some(base) = i.base
        {
            add_iface(model, base, out);
        }
        out.push(id);
    }
    let mut out = Vec::new();
    for &id in &lib.types {
        match &model.item(id).kind {
            ItemKind::Coclass(c) => {
                if !out.contains(&id) {
                    out.push(id);
                }
                for ci in &c.interfaces {
                    add_iface(model, ci.id, &mut out);
                }
            }
            ItemKind::Interface(_) => add_iface(model, id, &mut out),
            _ if !out.contains(&id) => out.push(id),
            _ => {}
        }
    }
    out
}

/// What the twin needs of stdole2.tlb: its GUID, version, and its type infos' names in order.
struct Stdole {
    guid: Option<Guid>,
    version: (u16, u16),
    infos: Vec<String>,
}

impl Stdole {
    fn load(path: &std::path::Path) -> Res<Stdole> {
        let model = idlgen::load([path], &idlgen::Options::new())
            .map_err(|e| e.to_string())?
            .model;
        let lib = model
            .libraries
            .first()
            .ok_or_else(|| format!("{}: no type library", path.display()))?;
        Ok(Stdole {
            guid: lib.uuid,
            version: lib.version.unwrap_or((0, 0)),
            // A library lists the item of each of its type infos, in the file's order.
            infos: lib.types.iter().map(|&t| model.item(t).name.clone()).collect(),
        })
    }
}

struct Writer<'a> {
    model: &'a Model,
    stdole: &'a Stdole,
    order: Vec<TypeId>,
    names: Names,
    /// Name-table offset of the stdole import string, once added.
    import: Option<u16>,
}

/// One type's reference table: `*\R...` strings in first-use order.
#[derive(Default)]
struct Refs(Vec<String>);

impl Refs {
    fn index(&mut self, r: String) -> u16 {
        match self.0.iter().position(|x| *x == r) {
            Some(i) => i as u16,
            None => {
                self.0.push(r);
                (self.0.len() - 1) as u16
            }
        }
    }

    /// The reference table bytes (write_hrefmap).
    fn bytes(&self) -> Vec<u8> {
        if self.0.is_empty() {
            return Vec::new();
        }
        let mut b = vec![0xdf, 0];
        b.extend_from_slice(&[0xff; 0x42]);
        le32(&mut b, self.0.len() as u32 * 8);
        b.extend(std::iter::repeat_n(0xff, self.0.len() * 8));
        le16(&mut b, 0xffff);
        b.push(1);
        le32(&mut b, 0);
        for r in &self.0 {
            le16(&mut b, r.len() as u16);
            b.extend_from_slice(r.as_bytes());
        }
        b.push(0xdf);
        b
    }
}

impl Writer<'_> {
    /// The reference string of type `id`: a type of this library or of stdole2.tlb.
    fn reference(&mut self, id: TypeId) -> Res<String> {
        if let Some(i) = self.order.iter().position(|&x| x == id) {
            return Ok(format!("*\\Rffff*#{i:x}"));
        }
        let name = &self.model.item(id).name;
        let index = self
            .stdole
            .infos
            .iter()
            .position(|t| t == name)
            .ok_or_else(|| format!("`{name}` is neither in the library nor in stdole2.tlb"))?;
        let off = match self.import {
            Some(o) => o,
            None => {
                let g = self.stdole.guid.ok_or("stdole2.tlb has no GUID")?;
                let (ma, mi) = self.stdole.version;
                let s = format!("*\\G{{{}}}#{ma}.{mi}#0#stdole2.tlb#", guid_text(&g));
                let o = self.names.add(&s);
                self.import = Some(o);
                o
            }
        };
        Ok(format!("*\\R{off:x}*#{index:x}"))
    }

    /// A type description's words (write_var_desc): a pointer to a simple type folds into its
    /// word (0x0e00), a pointer to a pointer is VT_PTR | 0x0400; parameter flags ride on the
    /// first word; VT_USERDEFINED is followed by 4 times the reference index.
    fn var_desc(
        &mut self,
        ty: &Type,
        pflags: u16,
        flags: u16,
        refs: &mut Refs,
        out: &mut Vec<u16>,
    ) -> Res<()> {
        if let Type::Pointer { pointee, .. } = ty {
            if let Some(v) = self.iface_vt(pointee) {
                out.push(v | flags | pflags);
                return Ok(());
            }
            if matches!(**pointee, Type::Pointer { .. }) {
                out.push(26 | 0x0400 | pflags);
                return self.var_desc(pointee, 0, 0, refs, out);
            }
            return self.var_desc(pointee, pflags, 0x0e00, refs, out);
        }
        match self.vt(ty)? {
            Err(id) => {
                out.push(29 | flags | pflags);
                let r = self.reference(id)?;
                out.push(refs.index(r) * 4);
            }
            Ok(v) => out.push(v | flags | pflags),
        }
        Ok(())
    }

    /// IUnknown* and IDispatch* are VT_UNKNOWN and VT_DISPATCH, pointer included.
    fn iface_vt(&self, pointee: &Type) -> Option<u16> {
        let Type::Named(id) = pointee else {
            return None;
        };
        match self.model.item(*id).name.as_str() {
            "IUnknown" => Some(13),
            "IDispatch" => Some(9),
            _ => None,
        }
    }

    /// The VT of a non-pointer type, or the item a VT_USERDEFINED names.
    fn vt(&self, ty: &Type) -> Res<Result<u16, TypeId>> {
        Ok(Ok(match ty {
            Type::Base(b) => match b {
                BaseType::Void => 24,
                BaseType::Char | BaseType::SChar | BaseType::Boolean => 16,
                BaseType::UChar | BaseType::Byte => 17,
                BaseType::Short | BaseType::WChar => 2,
                BaseType::UShort => 18,
                BaseType::Int => 22,
                BaseType::UInt => 23,
                BaseType::Long | BaseType::Int32 => 3,
                BaseType::ULong | BaseType::UInt32 => 19,
                BaseType::Hyper | BaseType::Int64 => 20,
                BaseType::UHyper | BaseType::UInt64 => 21,
                BaseType::Float => 4,
                BaseType::Double => 5,
                other => return Err(format!("no SLTG type for {other:?}")),
            },
            Type::Named(id) => {
                let item = self.model.item(*id);
                let known = match item.name.as_str() {
                    "BSTR" => Some(8),
                    "VARIANT" => Some(12),
                    "VARIANT_BOOL" => Some(11),
                    "HRESULT" => Some(25),
                    "SCODE" => Some(10),
                    "DATE" => Some(7),
                    "CY" | "CURRENCY" => Some(6),
                    "DECIMAL" => Some(14),
                    "LPSTR" => Some(30),
                    "LPWSTR" | "LPOLESTR" => Some(31),
                    _ => None,
                };
                if let Some(v) = known {
                    v
                } else if let ItemKind::Typedef(t) = &item.kind
                    && !self.order.contains(id)
                {
                    return self.vt(&t.ty);
                } else {
                    return Ok(Err(*id));
                }
            }
            _ => return Err(format!("no SLTG type written for {ty:?} (not needed yet)")),
        }))
    }

    /// One function record (add_func_desc) at `base` in the member data.
    fn func(
        &mut self,
        m: &Method,
        slot: u32,
        last: bool,
        base: usize,
        refs: &mut Refs,
        out: &mut Vec<u8>,
    ) -> Res<()> {
        let mut ret = Vec::new();
        self.var_desc(&m.ret, 0, 0, refs, &mut ret)?;
        let mut args = Vec::new();
        for p in &m.params {
            let mut pf = 0u16;
            if p.is_out {
                pf |= if p.is_in { 0x8000 } else { 0x4000 };
            }
            if p.lcid {
                pf |= 0x2000;
            }
            if p.retval {
                pf |= 0x80;
            }
            let mut w = Vec::new();
            self.var_desc(&p.ty, pf, 0, refs, &mut w)?;
            args.push(w);
        }
        let argc = args.len();
        let ret_extra = if ret.len() > 1 { ret.len() * 2 } else { 0 };
        let args_extra: usize = args
            .iter()
            .filter(|a| a.len() > 1)
            .map(|a| a.len() * 2)
            .sum();
        let flags = m
            .attributes
            .iter()
            .filter_map(|a| FUNC_FLAGS.iter().find(|(n, _)| n == a).map(|(_, f)| *f))
            .fold(0u16, |a, b| a | b);
        let invkind: u8 = match m.invkind {
            InvokeKind::Method => 1,
            InvokeKind::PropGet => 2,
            InvokeKind::PropPut => 4,
            InvokeKind::PropPutRef => 8,
        };
        let optional = m.params.iter().filter(|p| p.optional).count() as u8;
        out.push(0x6c);
        out.push(invkind << 4 | 2);
        let next = base + FUNC_SIZE + ret_extra + args_extra + argc * 4;
        le16(out, if last { 0xffff } else { next as u16 });
        let name = self.names.add(&m.name);
        le16(out, name);
        le32(out, m.dispid as u32);
        le16(out, 0xfffe);
        let help = match &m.helpstring {
            Some(h) => self.names.add(h),
            None => 0xffff,
        };
        le16(out, help);
        le16(
            out,
            if argc > 0 {
                (base + FUNC_SIZE + ret_extra) as u16
            } else {
                0xffff
            },
        );
        out.push((argc as u8) << 3 | 4);
        if ret.len() > 1 {
            out.push(optional << 1);
            le16(out, (base + FUNC_SIZE) as u16);
        } else {
            out.push(optional << 1 | 0x80);
            le16(out, ret[0]);
        }
        le16(out, (slot * PTR) as u16);
        le16(out, flags);
        for w in ret.iter().filter(|_| ret.len() > 1) {
            le16(out, *w);
        }
        let mut data_at = base + FUNC_SIZE + ret_extra + argc * 4;
        for (p, a) in m.params.iter().zip(&args) {
            let name = self.names.add(&p.name);
            if a.len() > 1 {
                le16(out, name);
                le16(out, data_at as u16);
                data_at += a.len() * 2;
            } else {
                le16(out, name | 1);
                le16(out, a[0]);
            }
        }
        for a in args.iter().filter(|a| a.len() > 1) {
            for w in a {
                le16(out, *w);
            }
        }
        Ok(())
    }
}

/// An implemented-interface record (write_impl_href) with its flags and reference.
fn impl_info(out: &mut Vec<u8>, next: u16, flags: u8, r: u16) {
    for v in [0x004a, next, 0xffff] {
        le16(out, v);
    }
    out.push(flags);
    out.push(0x80);
    for v in [0x0012, r, 0x4001, 0xfffe, 0xffff, 0x001d, 0] {
        le16(out, v);
    }
}

/// The 27-word tail with write_sltg.c's defaults, then `set` applied.
fn tail(set: &[(usize, u16)]) -> Vec<u8> {
    let mut t: [u16; 27] = [0; 27];
    for i in [4, 5, 6, 7, 8, 9, 10, 11, 18, 19, 21, 22, 23, 24] {
        t[i] = 0xffff;
    }
    t[17] = 4; // cbAlignment
    for &(i, v) in set {
        t[i] = v;
    }
    let mut b = Vec::new();
    for v in t {
        le16(&mut b, v);
    }
    b
}

/// The type-info header (init_typeinfo) with the type's flags and kind.
fn ti_header(refs: usize, flags: u16, kind: u8) -> Vec<u8> {
    let mut b = Vec::new();
    le16(&mut b, 0x0501);
    le32(&mut b, if refs > 0 { 0x22 } else { 0xffff_ffff });
    le32(&mut b, 0xffff_ffff);
    le32(&mut b, (0x22 + refs) as u32);
    le32(&mut b, 0xffff_ffff);
    le32(&mut b, 0); // version 0.0
    le32(&mut b, 0xfffe_0000);
    b.push(2 | ((flags & 0x1f) as u8) << 3);
    b.push((flags >> 5) as u8);
    b.push(2);
    b.push(kind);
    le32(&mut b, 0);
    b
}

/// Member header, members, tail.
fn members(data: &[u8], tail: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    le16(&mut b, 1);
    le16(&mut b, 0xffff);
    b.push(1);
    le32(&mut b, data.len() as u32);
    b.extend_from_slice(data);
    b.extend_from_slice(tail);
    b
}

/// The word tree of type help strings (see src/tlb/sltg/help.rs) and each string's bits.
fn help_strings(strings: &[Option<String>]) -> Res<(Vec<u8>, Vec<Vec<u8>>)> {
    let mut words = BTreeSet::new();
    for s in strings.iter().flatten() {
        let w: Vec<&str> = s.split(' ').collect();
        if w.iter().any(|x| x.is_empty()) {
            return Err(format!(
                "help string {s:?}: words must be separated by single spaces"
            ));
        }
        words.extend(w);
    }
    if words.is_empty() {
        return Ok((vec![0; 6], vec![Vec::new(); strings.len()]));
    }
    // The empty word ends a string; it sorts first.
    let syms: Vec<&str> = std::iter::once("").chain(words.iter().copied()).collect();
    let mut tree = Vec::new();
    let mut codes = vec![Vec::new(); syms.len()];
    fn build(
        syms: &[&str],
        first: usize,
        prefix: Vec<bool>,
        tree: &mut Vec<u8>,
        codes: &mut [Vec<bool>],
    ) {
        if syms.len() == 1 {
            tree.push(0);
            tree.extend_from_slice(syms[0].as_bytes());
            tree.push(0);
            codes[first] = prefix;
            return;
        }
        let mid = syms.len() / 2;
        let node = tree.len();
        tree.extend_from_slice(&[0x80, 0, 0]);
        let mut one = prefix.clone();
        one.push(true);
        build(&syms[..mid], first, one, tree, codes);
        let zero_at = tree.len() as u16;
        tree[node + 1..node + 3].copy_from_slice(&zero_at.to_be_bytes());
        let mut zero = prefix;
        zero.push(false);
        build(&syms[mid..], first + mid, zero, tree, codes);
    }
    build(&syms, 0, Vec::new(), &mut tree, &mut codes);
    let longest = strings.iter().flatten().map(String::len).max().unwrap_or(0) + 1;
    let mut table = Vec::new();
    le16(&mut table, longest as u16);
    le32(&mut table, tree.len() as u32);
    table.extend_from_slice(&tree);
    let mut bits_of = Vec::new();
    for s in strings {
        let Some(s) = s else {
            bits_of.push(Vec::new());
            continue;
        };
        let mut bits: Vec<bool> = Vec::new();
        for w in s.split(' ').chain(std::iter::once("")) {
            let i = syms.iter().position(|x| *x == w).unwrap_or(0);
            bits.extend(&codes[i]);
        }
        let mut bytes = vec![0u8; bits.len().div_ceil(8)];
        for (k, b) in bits.iter().enumerate() {
            if *b {
                bytes[k / 8] |= 0x80 >> (k % 8);
            }
        }
        bits_of.push(bytes);
    }
    Ok((table, bits_of))
}

fn write(model: &Model, stdole: &Stdole) -> Res<Vec<u8>> {
    let lib = model
        .libraries
        .first()
        .ok_or("the IDL declares no library")?;
    let mut w = Writer {
        model,
        stdole,
        order: plan(model, lib),
        names: Names::default(),
        import: None,
    };
    let mut index_names = IndexNames {
        name: *b"AAAAAAAAAA",
        pos: 0,
    };
    // init_library: the library's name is the first name.
    let lib_name = w.names.add(&lib.name);
    let mut index = b"\x01CompObj\0".to_vec();
    let dir_index = index.len() as u16;
    index.extend_from_slice(b"dir\0");
    let mut blocks: Vec<(Vec<u8>, u16)> = Vec::new();
    let mut dir_entries: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    let mut helps = Vec::new();
    for &id in &w.order.clone() {
        let item = model.item(id);
        // add_typeinfo_block comes first: two index names, then the type's name.
        let name_at = index_names.next();
        let other = index_names.next();
        let type_name = w.names.add(&item.name);
        let mut refs = Refs::default();
        let mut data = Vec::new();
        let (kind, flags, tl) = match &item.kind {
            ItemKind::Interface(i) => {
                let mut base_off = 0;
                if let Some(b) = i.base {
                    let r = w.reference(b)?;
                    let r = refs.index(r);
                    impl_info(&mut data, 0xffff, 0, r);
                    base_off = IMPL_SIZE;
                }
                let own: Vec<&Method> = i.methods.iter().filter(|m| !m.local).collect();
                let mut funcs = Vec::new();
                for (k, m) in own.iter().enumerate() {
                    let slot = m.slot.ok_or_else(|| format!("`{}` has no slot", m.name))?;
                    let at = base_off + funcs.len();
                    w.func(m, slot, k + 1 == own.len(), at, &mut refs, &mut funcs)?;
                }
                let funcs_bytes = funcs.len() as u16;
                data.extend_from_slice(&funcs);
                let mut flags = 0u16;
                if i.dual {
                    flags |= 0x40 | 0x100 | 0x1000; // FDUAL, FOLEAUTOMATION, FDISPATCHABLE
                } else if i.oleautomation {
                    flags |= 0x100;
                }
                let vft = (i.first_slot + own.len() as u32) * PTR;
                let mut set = vec![
                    (0, own.len() as u16),
                    (4, base_off as u16),
                    (7, funcs_bytes),
                    (16, PTR as u16),
                    (17, PTR as u16),
                    (18, 0),
                    (19, 0),
                    (20, vft as u16),
                    (26, (data.len()) as u16),
                ];
                if i.base.is_some() {
                    set.extend([(2, 1), (6, 0), (9, 0)]);
                }
                (TKIND_INTERFACE, flags, tail(&set))
            }
            ItemKind::Coclass(c) => {
                let n = c.interfaces.len();
                for (k, ci) in c.interfaces.iter().enumerate() {
                    let r = w.reference(ci.id)?;
                    let r = refs.index(r);
                    let f = u8::from(ci.default)
                        | u8::from(ci.source) << 1
                        | u8::from(ci.restricted) << 2;
                    let next = if k + 1 == n {
                        0xffff
                    } else {
                        ((k + 1) * IMPL_SIZE) as u16
                    };
                    impl_info(&mut data, next, f, r);
                }
                let flags = if c.noncreatable { 0 } else { 0x2 };
                let set = [
                    (2, n as u16),
                    (6, 0),
                    (9, (n * IMPL_SIZE) as u16),
                    (26, data.len() as u16),
                ];
                (TKIND_COCLASS, flags, tail(&set))
            }
            ItemKind::Enum(e) => {
                // add_enum_typeinfo: {variable (0x2a, flags 0x12, VT_INT), i32 value} each.
                let n = e.values.len();
                for (k, (name, value)) in e.values.iter().enumerate() {
                    let off = k * 24;
                    data.push(0x2a);
                    data.push(0x12);
                    le16(
                        &mut data,
                        if k + 1 == n {
                            0xffff
                        } else {
                            (off + 24) as u16
                        },
                    );
                    let nm = w.names.add(name);
                    le16(&mut data, nm);
                    le16(&mut data, (off + 20) as u16);
                    le16(&mut data, 22);
                    le32(&mut data, 0x4000_0000 + k as u32);
                    le16(&mut data, 0xfffe);
                    le16(&mut data, 0xffff);
                    le16(&mut data, 0);
                    le32(&mut data, *value as i32 as u32);
                }
                let set = [
                    (1, n as u16),
                    (5, 0),
                    (8, 0),
                    (16, 4),
                    (26, data.len() as u16),
                ];
                (TKIND_ENUM, 0, tail(&set))
            }
            other => {
                return Err(format!(
                    "`{}` ({}): the twin writer writes interfaces, coclasses and enums only",
                    item.name,
                    other.kind_name()
                ));
            }
        };
        // The directory entry (add_typeinfo_block).
        let uuid = match &item.kind {
            ItemKind::Interface(i) => i.uuid,
            ItemKind::Coclass(c) => c.uuid,
            _ => None,
        }
        .unwrap_or(Guid {
            data1: 0,
            data2: 0,
            data3: 0,
            data4: [0; 8],
        });
        let mut head = Vec::new();
        le16(&mut head, name_at.len() as u16);
        head.extend_from_slice(name_at.as_bytes());
        le16(&mut head, other.len() as u16);
        head.extend_from_slice(other.as_bytes());
        le16(&mut head, 0xffff);
        le16(&mut head, type_name);
        let mut rest = Vec::new();
        le16(&mut rest, 0xffff);
        le32(&mut rest, 0); // helpcontext
        le16(&mut rest, 0xffff);
        guid(&mut rest, &uuid);
        le16(&mut rest, u16::from(kind));
        dir_entries.push((head, rest));
        helps.push(item.helpstring.clone());
        let hrefs = refs.bytes();
        let mut block = ti_header(hrefs.len(), flags, kind);
        block.extend_from_slice(&hrefs);
        block.extend_from_slice(&members(&data, &tl));
        let idx = index.len() as u16;
        index.extend_from_slice(name_at.as_bytes());
        index.push(0);
        blocks.push((block, idx));
    }
    let (help_table, help_bits) = help_strings(&helps)?;
    // create_library_block.
    let mut libblk = Vec::new();
    le16(&mut libblk, 0x51cc);
    le16(&mut libblk, 3);
    le16(&mut libblk, lib_name);
    le16(&mut libblk, 0xffff);
    match &lib.helpstring {
        Some(h) => {
            le16(&mut libblk, h.len() as u16);
            libblk.extend_from_slice(h.as_bytes());
        }
        None => le16(&mut libblk, 0xffff),
    }
    le16(&mut libblk, 0xffff); // helpfile
    le32(&mut libblk, 0); // helpcontext
    le16(&mut libblk, 1); // SYS_WIN32
    le16(
        &mut libblk,
        if lib.lcid == 0 {
            0x409
        } else {
            lib.lcid as u16
        },
    );
    le32(&mut libblk, 0);
    le16(&mut libblk, 0); // libflags
    let (major, minor) = lib.version.unwrap_or((0, 0));
    le16(&mut libblk, major);
    le16(&mut libblk, minor);
    guid(&mut libblk, &lib.uuid.ok_or("the library has no uuid")?);
    // The directory after the library block and its 0x40 bytes.
    let mut dir = Vec::new();
    le16(&mut dir, blocks.len() as u16);
    for ((head, rest), bits) in dir_entries.iter().zip(&help_bits) {
        dir.extend_from_slice(head);
        le16(&mut dir, bits.len() as u16);
        dir.extend_from_slice(bits);
        dir.extend_from_slice(rest);
    }
    let names = std::mem::take(&mut w.names.0);
    let lib_len =
        libblk.len() + 0x40 + dir.len() + 4 + help_table.len() + 12 + 0x200 + 4 + names.len() + 8;
    // Header and block entries (sltg_write_header).
    let mut out = Vec::new();
    out.extend_from_slice(b"SLTG");
    le16(&mut out, (blocks.len() + 2) as u16);
    le16(&mut out, 9);
    le16(&mut out, index.len() as u16);
    le16(&mut out, 1);
    guid(&mut out, &SLTG_LIBRARY_GUID);
    le32(&mut out, 0x44);
    le32(&mut out, 0xffff_0000);
    for (i, (b, idx)) in blocks.iter().enumerate() {
        le32(&mut out, b.len() as u32);
        le16(&mut out, *idx);
        le16(&mut out, (i + 2) as u16);
    }
    le32(&mut out, lib_len as u32);
    le16(&mut out, dir_index);
    le16(&mut out, 0);
    out.extend_from_slice(&index);
    out.extend_from_slice(&[0; 9]);
    for (b, _) in &blocks {
        out.extend_from_slice(b);
    }
    let lib_start = out.len();
    out.extend_from_slice(&libblk);
    out.extend_from_slice(&[0xff; 0x40]);
    out.extend_from_slice(&dir);
    // The name table's offset from the library block, past the help-string table.
    let nt = out.len() + 4 + help_table.len() - lib_start;
    le32(&mut out, nt as u32);
    out.extend_from_slice(&help_table);
    for v in [0xffff, 1, 2, 0xff00, 0xffff, 0xffff] {
        le16(&mut out, v);
    }
    out.extend_from_slice(&[0xff; 0x200]);
    le32(&mut out, names.len() as u32);
    out.extend_from_slice(&names);
    // sltg_write_remainder.
    le32(&mut out, 0x01ff_ff01);
    le32(&mut out, 0);
    for v in [1, 0xfffe, 0x0a03, 0, 0xffff, 0xffff] {
        le16(&mut out, v);
    }
    guid(&mut out, &SLTG_LIBRARY_GUID);
    out.extend_from_slice(b"\x08\0\0\0TYPELIB\0");
    for v in [0xffff, 0xffff, 0x0200, 0, 0, 0] {
        le16(&mut out, v);
    }
    out.extend_from_slice(&[0xf4, 0x39, 0xb2, 0x71, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    debug_assert_eq!(out.len() - lib_start, lib_len + 68);
    Ok(out)
}
