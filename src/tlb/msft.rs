//! The MSFT type-library format (MIDL /newtlb, widl -t, CreateTypeLib2), as Wine's
//! dlls/oleaut32/typelib.c reads it and tools/widl/write_msft.c writes it; the layout is summed
//! up in shared/spec/typelib-format.md.
//!
//! The format is a set of tables addressed by offsets, read at random: a bounds-checked
//! little-endian reader ([`Input`]) fits it better than a parser-combinator stream. Every
//! offset and count is checked before use; typedesc chains are followed to a fixed depth.

use super::{
    Func, Href, ImplType, ImportLib, ImportTarget, Input, ParamInfo, TypeDesc, TypeInfo, TypeKind,
    TypeLib, Var, VarKind, text,
};
use crate::diag::Diagnostic;
use crate::model::{Guid, Value};
use idlgen_runtime::{
    PARAMFLAG_FHASDEFAULT, VT_BOOL, VT_BSTR, VT_CARRAY, VT_CY, VT_DATE, VT_EMPTY, VT_ERROR,
    VT_HRESULT, VT_I1, VT_I2, VT_I4, VT_I8, VT_INT, VT_NULL, VT_PTR, VT_R4, VT_R8, VT_SAFEARRAY,
    VT_UI1, VT_UI2, VT_UI4, VT_UI8, VT_UINT, VT_USERDEFINED, VT_VOID,
};

type R<T> = Result<T, Diagnostic>;

const HEADER_SIZE: usize = 0x54;
const TYPEINFO_SIZE: usize = 0x64;
const SEGMENTS: usize = 15;
/// How deep typedescs may nest (`VARIANT***...`) before the reader calls it a cycle.
const MAX_TYPEDESC_DEPTH: u32 = 32;
/// Most functions or variables one type info may have.
const MAX_MEMBERS: usize = 4096;
/// Flag of an ImpInfo entry whose target is a GUID (else a type-info index).
const IMPINFO_OFFSET_IS_GUID: i32 = 0x0001_0000;

/// One segment of the directory: where a table starts and how long it is.
#[derive(Clone, Copy, Default)]
struct Segment {
    offset: usize,
    len: usize,
}

#[derive(Default)]
struct Segments {
    typeinfo: Segment,
    impinfo: Segment,
    impfiles: Segment,
    reftab: Segment,
    guidtab: Segment,
    nametab: Segment,
    stringtab: Segment,
    typdesc: Segment,
    arraydesc: Segment,
    custdata: Segment,
}

struct Reader<'a> {
    input: Input<'a>,
    seg: Segments,
    /// Whether the library was written for 32-bit pointers (SYS_WIN32): vtable offsets then
    /// count 4 bytes per slot.
    ptr_size: u32,
    imports: Vec<(usize, ImportLib)>,
}

/// Reads an MSFT type library.
pub(crate) fn read(input: &Input<'_>) -> R<TypeLib> {
    let inp = *input;
    if inp.len() < HEADER_SIZE {
        return Err(inp.err(
            inp.len(),
            format!(
                "expected an MSFT header of {HEADER_SIZE} bytes, but the file has {} bytes",
                inp.len()
            ),
        ));
    }
    let h = |i: usize| inp.i32(i * 4, "a header field");
    if inp.u32(4, "the MSFT version")? & 0xffff != 0x0002 {
        return Err(inp.err(4, "expected MSFT version 0x00010002"));
    }
    let posguid = h(2)?;
    // The library's own LCID is the second one (widl writes 0x409 in the first).
    let lcid = h(4)? as u32;
    let varflags = h(5)?;
    let version = h(6)? as u32;
    let nrtypeinfos = h(8)?;
    let helpstring = h(9)?;
    let name_offset = h(14)?;
    let nrtypeinfos = usize::try_from(nrtypeinfos)
        .ok()
        .filter(|n| n.saturating_mul(4) <= inp.len())
        .ok_or_else(|| {
            inp.err(
                0x20,
                format!("type info count {nrtypeinfos} does not fit in the file"),
            )
        })?;
    let mut pos = HEADER_SIZE;
    if varflags & 0x100 != 0 {
        pos += 4; // helpstringdll
    }
    let typeinfo_offsets = pos;
    pos += nrtypeinfos * 4;
    let seg_at = |i: usize| -> R<Segment> {
        let at = pos + i * 16;
        let offset = inp.i32(at, "a segment offset")?;
        let len = inp.i32(at + 4, "a segment length")?;
        if offset < 0 || len <= 0 {
            // An empty or absent table.
            return Ok(Segment::default());
        }
        let (offset, len) = (offset as usize, len as usize);
        if offset.checked_add(len).is_none_or(|end| end > inp.len()) {
            return Err(inp.err(
                at,
                format!(
                    "segment {i} ({offset:#x}, {len} bytes) runs past the end of the file ({} bytes)",
                    inp.len()
                ),
            ));
        }
        Ok(Segment { offset, len })
    };
    let _ = inp.bytes(pos, SEGMENTS * 16, "the segment directory")?;
    // Every segment must lie in the file, the ones idlgen does not read (hash tables, custom
    // data GUIDs) too: a file that lies about one is not to be trusted about the others.
    for i in 0..SEGMENTS {
        seg_at(i)?;
    }
    let seg = Segments {
        typeinfo: seg_at(0)?,
        impinfo: seg_at(1)?,
        impfiles: seg_at(2)?,
        reftab: seg_at(3)?,
        guidtab: seg_at(5)?,
        nametab: seg_at(7)?,
        stringtab: seg_at(8)?,
        typdesc: seg_at(9)?,
        arraydesc: seg_at(10)?,
        custdata: seg_at(11)?,
    };
    let syskind = varflags & 0xf;
    let mut r = Reader {
        input: inp,
        seg,
        ptr_size: if syskind == 1 { 4 } else { 8 },
        imports: Vec::new(),
    };
    r.read_impfiles()?;
    let mut lib = TypeLib {
        name: r.name(name_offset, 14 * 4)?.unwrap_or_default(),
        guid: r.guid(posguid, 2 * 4)?,
        version: (version as u16, (version >> 16) as u16),
        lcid,
        helpstring: r.string(helpstring, 9 * 4)?,
        infos: Vec::with_capacity(nrtypeinfos),
        imports: Vec::new(),
    };
    for i in 0..nrtypeinfos {
        let at = typeinfo_offsets + i * 4;
        let off = inp.i32(at, "a type info offset")?;
        let expected = i * TYPEINFO_SIZE;
        // widl and MIDL write the type infos back to back; the offset table must agree.
        if usize::try_from(off).ok() != Some(expected) {
            return Err(inp.err(
                at,
                format!("type info {i} offset {off:#x}: expected {expected:#x}"),
            ));
        }
        lib.infos.push(r.typeinfo(i, nrtypeinfos)?);
    }
    lib.imports = r.imports.into_iter().map(|(_, l)| l).collect();
    Ok(lib)
}

impl Reader<'_> {
    fn err(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        self.input.err(offset, message)
    }

    /// The position of `offset` in `seg`, with `len` bytes available there.
    fn in_seg(&self, seg: Segment, offset: i32, len: usize, what: &str, at: usize) -> R<usize> {
        let o = usize::try_from(offset).map_err(|_| self.err(at, format!("negative {what}")))?;
        if o.checked_add(len).is_none_or(|end| end > seg.len) {
            return Err(self.err(
                at,
                format!(
                    "{what} {offset:#x} points past the end of its table ({} bytes)",
                    seg.len
                ),
            ));
        }
        Ok(seg.offset + o)
    }

    /// A name from the name table (`None` for offset -1).
    fn name(&self, offset: i32, at: usize) -> R<Option<String>> {
        if offset < 0 {
            return Ok(None);
        }
        let p = self.in_seg(self.seg.nametab, offset, 12, "name offset", at)?;
        let len = (self.input.u32(p + 8, "a name length")? & 0xff) as usize;
        let o = self.in_seg(self.seg.nametab, offset.saturating_add(12), len, "name", at)?;
        Ok(Some(text(self.input.bytes(o, len, "a name")?)))
    }

    /// A string from the string table (`None` for a negative offset).
    fn string(&self, offset: i32, at: usize) -> R<Option<String>> {
        if offset < 0 {
            return Ok(None);
        }
        let p = self.in_seg(self.seg.stringtab, offset, 2, "string offset", at)?;
        let len = self.input.u16(p, "a string length")? as usize;
        let o = self.in_seg(
            self.seg.stringtab,
            offset.saturating_add(2),
            len,
            "string",
            at,
        )?;
        Ok(Some(text(self.input.bytes(o, len, "a string")?)))
    }

    fn guid(&self, offset: i32, at: usize) -> R<Option<Guid>> {
        if offset < 0 {
            return Ok(None);
        }
        let p = self.in_seg(self.seg.guidtab, offset, 16, "GUID offset", at)?;
        Ok(Some(self.input.guid(p, "a GUID")?))
    }

    /// The imported libraries: {oGuid, lcid, major, minor, name length << 2, name} records.
    fn read_impfiles(&mut self) -> R<()> {
        let seg = self.seg.impfiles;
        let mut off = 0usize;
        while off + 14 <= seg.len {
            let p = seg.offset + off;
            let oguid = self.input.i32(p, "an imported library's GUID offset")?;
            let major = self.input.u16(p + 8, "an imported library's version")?;
            let minor = self.input.u16(p + 10, "an imported library's version")?;
            let size = (self
                .input
                .u16(p + 12, "an imported library's name length")?
                >> 2) as usize;
            if off + 14 + size > seg.len {
                return Err(self.err(
                    p + 12,
                    "imported library name runs past the end of its table",
                ));
            }
            let file = text(
                self.input
                    .bytes(p + 14, size, "an imported library's name")?,
            );
            let guid = self.guid(oguid, p)?;
            self.imports.push((
                off,
                ImportLib {
                    file,
                    guid,
                    version: (major, minor),
                },
            ));
            off = (off + 14 + size + 3) & !3;
        }
        Ok(())
    }

    /// An href: a type info of this file (a multiple of 0x64) or an ImpInfo entry (low bit set).
    fn href(&self, href: i32, at: usize, count: usize) -> R<Href> {
        if href < 0 {
            return Err(self.err(at, format!("expected a type reference, found {href}")));
        }
        if href & 3 == 0 {
            let index = href as usize / TYPEINFO_SIZE;
            if !(href as usize).is_multiple_of(TYPEINFO_SIZE) || index >= count {
                return Err(self.err(
                    at,
                    format!("type reference {href:#x} names no type info of this library ({count} type infos)"),
                ));
            }
            return Ok(Href::Local(index));
        }
        let p = self.in_seg(self.seg.impinfo, href & !3, 12, "import reference", at)?;
        let flags = self.input.i32(p, "an import entry")?;
        let ofile = self.input.i32(p + 4, "an import entry")?;
        let target = self.input.i32(p + 8, "an import entry")?;
        let lib = self
            .imports
            .iter()
            .position(|(o, _)| i64::from(ofile) == *o as i64)
            .ok_or_else(|| {
                self.err(
                    p + 4,
                    format!("import entry names library record {ofile:#x}, which does not exist"),
                )
            })?;
        let target = if flags & IMPINFO_OFFSET_IS_GUID != 0 {
            match self.guid(target, p + 8)? {
                Some(g) => ImportTarget::Guid(g),
                None => return Err(self.err(p + 8, "import entry has no GUID")),
            }
        } else {
            ImportTarget::Index(target as u32)
        };
        Ok(Href::Import { lib, target })
    }

    /// A typedesc: inline (`0x80000000 | vt << 16 | vt`) or an offset into the typedesc table.
    fn typedesc(&self, encoded: i32, at: usize, count: usize) -> R<TypeDesc> {
        self.typedesc_depth(encoded, at, count, 0)
    }

    fn typedesc_depth(&self, encoded: i32, at: usize, count: usize, depth: u32) -> R<TypeDesc> {
        if depth > MAX_TYPEDESC_DEPTH {
            return Err(self.err(
                at,
                format!("type description nests deeper than {MAX_TYPEDESC_DEPTH} levels (a reference cycle?)"),
            ));
        }
        if encoded < 0 {
            return Ok(TypeDesc::Vt((encoded as u32 & 0x0fff) as u16));
        }
        let p = self.in_seg(self.seg.typdesc, encoded, 8, "type description offset", at)?;
        let vtype = self.input.u16(p, "a type description")? & 0x0fff;
        let target = self.input.i32(p + 4, "a type description")?;
        Ok(match vtype {
            VT_PTR => TypeDesc::Ptr(Box::new(self.typedesc_depth(
                target,
                p + 4,
                count,
                depth + 1,
            )?)),
            VT_SAFEARRAY => TypeDesc::SafeArray(Box::new(self.typedesc_depth(
                target,
                p + 4,
                count,
                depth + 1,
            )?)),
            VT_USERDEFINED => TypeDesc::User(self.href(target, p + 4, count)?),
            VT_CARRAY => {
                let a = self.in_seg(self.seg.arraydesc, target, 8, "array description", p + 4)?;
                let elem = self.input.i32(a, "an array element type")?;
                let dims = self.input.u16(a + 4, "an array dimension count")? as usize;
                let o = self.in_seg(
                    self.seg.arraydesc,
                    target.saturating_add(8),
                    dims * 8,
                    "array bounds",
                    a + 4,
                )?;
                let mut bounds = Vec::with_capacity(dims);
                for d in 0..dims {
                    bounds.push(self.input.u32(o + d * 8, "an array bound")?);
                }
                TypeDesc::CArray(
                    Box::new(self.typedesc_depth(elem, a, count, depth + 1)?),
                    bounds,
                )
            }
            other => TypeDesc::Vt(other),
        })
    }

    /// A value: packed in the word (`0x80000000 | vt << 26 | value`) or in the custom-data table.
    fn value(&self, offset: i32, at: usize) -> R<Value> {
        if offset < 0 {
            let kind = ((offset as u32 & 0x7c00_0000) >> 26) as u16;
            let bits = offset as u32 & 0x03ff_ffff;
            // The packed bits hold the value at its type's width (widl writes a VARIANT_BOOL
            // -1 as 0xffff), as oleaut32 reads them.
            return Ok(match kind {
                VT_I2 | VT_BOOL => Value::Int(i128::from(bits as u16 as i16)),
                VT_I1 => Value::Int(i128::from(bits as u8 as i8)),
                VT_UI1 => Value::Int(i128::from(bits as u8)),
                VT_UI2 => Value::Int(i128::from(bits as u16)),
                VT_UI4 | VT_UINT | VT_UI8 => Value::Int(i128::from(bits)),
                // Signed 32- and 64-bit values: 26 bits, sign-extended (widl packs -1 so).
                _ => Value::Int(i128::from(((bits << 6) as i32) >> 6)),
            });
        }
        let p = self.in_seg(self.seg.custdata, offset, 2, "value offset", at)?;
        let kind = self.input.u16(p, "a value's type")?;
        let q = p + 2;
        let need =
            |n: usize| self.in_seg(self.seg.custdata, offset.saturating_add(2), n, "value", at);
        Ok(match kind {
            VT_I2 => {
                need(4)?;
                Value::Int(i128::from(self.input.i32(q, "a value")? as i16))
            }
            VT_I1 => {
                need(4)?;
                Value::Int(i128::from(self.input.i32(q, "a value")? as i8))
            }
            VT_UI1 => {
                need(4)?;
                Value::Int(i128::from(self.input.u32(q, "a value")? as u8))
            }
            VT_UI2 => {
                need(4)?;
                Value::Int(i128::from(self.input.u32(q, "a value")? as u16))
            }
            VT_I4 | VT_INT | VT_ERROR | VT_HRESULT | VT_BOOL => {
                need(4)?;
                Value::Int(i128::from(self.input.i32(q, "a value")?))
            }
            VT_UI4 | VT_UINT | VT_EMPTY | VT_NULL | VT_VOID => {
                need(4)?;
                Value::Int(i128::from(self.input.u32(q, "a value")?))
            }
            VT_R4 => {
                need(4)?;
                Value::Float(f64::from(f32::from_bits(self.input.u32(q, "a value")?)))
            }
            VT_R8 | VT_DATE => {
                need(8)?;
                Value::Float(f64::from_bits(self.input.u64(q, "a value")?))
            }
            VT_I8 | VT_CY => {
                need(8)?;
                Value::Int(i128::from(self.input.u64(q, "a value")? as i64))
            }
            VT_UI8 => {
                need(8)?;
                Value::Int(i128::from(self.input.u64(q, "a value")?))
            }
            VT_BSTR => {
                need(4)?;
                let len = self.input.i32(q, "a string length")?;
                if len < 0 {
                    Value::Str(String::new())
                } else {
                    let o = self.in_seg(
                        self.seg.custdata,
                        offset.saturating_add(6),
                        len as usize,
                        "string value",
                        q,
                    )?;
                    Value::Str(text(self.input.bytes(o, len as usize, "a string value")?))
                }
            }
            other => {
                return Err(self.err(p, format!("unsupported value type VT {other}")));
            }
        })
    }

    fn typeinfo(&self, index: usize, count: usize) -> R<TypeInfo> {
        let base = self.seg.typeinfo.offset + index * TYPEINFO_SIZE;
        if (index + 1) * TYPEINFO_SIZE > self.seg.typeinfo.len {
            return Err(self.err(
                base,
                format!(
                    "type info {index} lies past the end of the type info table ({} bytes)",
                    self.seg.typeinfo.len
                ),
            ));
        }
        let inp = &self.input;
        let f = |o: usize| inp.i32(base + o, "a type info field");
        let typekind = f(0)?;
        let kind = TypeKind::from_code(typekind as u32 & 0xf)
            .ok_or_else(|| self.err(base, format!("unknown type kind {}", typekind & 0xf)))?;
        let memoffset = f(4)?;
        let celement = f(0x18)? as u32;
        let posguid = f(0x2c)?;
        let flags = f(0x30)? as u16;
        let name_offset = f(0x34)?;
        let version = f(0x38)? as u32;
        let docstring = f(0x3c)?;
        let cimpl = inp.i16(base + 0x4c, "a type info field")?;
        let cb_vft = inp.u16(base + 0x4e, "a type info field")?;
        let datatype1 = f(0x54)?;
        let nfuncs = (celement & 0xffff) as usize;
        let nvars = (celement >> 16) as usize;
        // A vtable offset is an i16 of bytes: no interface has more than 4096 slots, and no real
        // type info comes near this many members (mshtml's largest has a few hundred).
        if nfuncs > MAX_MEMBERS || nvars > MAX_MEMBERS {
            return Err(self.err(
                base + 0x18,
                format!("{nfuncs} functions and {nvars} variables: expected at most {MAX_MEMBERS} of each"),
            ));
        }
        let name = self
            .name(name_offset, base + 0x34)?
            .ok_or_else(|| self.err(base + 0x34, "type info has no name"))?;
        let mut info = TypeInfo {
            kind,
            name,
            guid: self.guid(posguid, base + 0x2c)?,
            flags,
            version: (version as u16, (version >> 16) as u16),
            helpstring: self.string(docstring, base + 0x3c)?,
            funcs: Vec::new(),
            vars: Vec::new(),
            impls: Vec::new(),
            alias: None,
            dllname: None,
            cb_size_vft: u32::from(cb_vft) * 8 / self.ptr_size,
            offset: base,
        };
        match kind {
            TypeKind::Alias => {
                info.alias = Some(self.typedesc(datatype1, base + 0x54, count)?);
            }
            TypeKind::Module => {
                info.dllname = self.string(datatype1, base + 0x54)?;
            }
            TypeKind::Coclass if cimpl > 0 => {
                info.impls = self.impl_types(datatype1, cimpl as usize, base + 0x54, count)?;
            }
            TypeKind::Interface | TypeKind::Dispatch if cimpl > 0 && datatype1 != -1 => {
                info.impls.push(ImplType {
                    href: self.href(datatype1, base + 0x54, count)?,
                    flags: 0,
                });
            }
            _ => {}
        }
        if nfuncs + nvars > 0 {
            self.members(&mut info, memoffset, nfuncs, nvars, count)?;
        }
        Ok(info)
    }

    /// A coclass's implemented interfaces: a chain of RefTab records {href, flags, custdata, next}.
    fn impl_types(&self, first: i32, n: usize, at: usize, count: usize) -> R<Vec<ImplType>> {
        let mut out = Vec::new();
        let mut off = first;
        let mut at = at;
        for _ in 0..n {
            let p = self.in_seg(self.seg.reftab, off, 16, "implemented-interface record", at)?;
            let href = self.input.i32(p, "an implemented interface")?;
            let flags = self.input.i32(p + 4, "implemented-interface flags")?;
            out.push(ImplType {
                href: self.href(href, p, count)?,
                flags,
            });
            off = self.input.i32(p + 12, "the next implemented interface")?;
            at = p + 12;
            if off < 0 {
                break;
            }
        }
        Ok(out)
    }

    /// The member block at `memoffset`: i32 size, the records, then memid[n], name[n], offset[n].
    fn members(
        &self,
        info: &mut TypeInfo,
        memoffset: i32,
        nfuncs: usize,
        nvars: usize,
        count: usize,
    ) -> R<()> {
        let inp = &self.input;
        let at = info.offset + 4;
        let block = usize::try_from(memoffset)
            .ok()
            .filter(|&o| o < inp.len())
            .ok_or_else(|| {
                self.err(
                    at,
                    format!("member block offset {memoffset:#x} lies outside the file"),
                )
            })?;
        let total = nfuncs + nvars;
        let infolen = inp.i32(block, "the member block's size")?;
        let infolen = usize::try_from(infolen)
            .ok()
            .filter(|&l| l <= inp.len())
            .ok_or_else(|| {
                self.err(
                    block,
                    format!("member block size {infolen} does not fit in the file"),
                )
            })?;
        let records = block + 4;
        let arrays = records + infolen;
        // memid[total], name[total], record offset[total]: all must be in the file.
        let _ = inp.bytes(arrays, total * 12, "the member id, name and offset arrays")?;
        let mut rec = 0usize;
        for i in 0..total {
            let memid = inp.i32(arrays + i * 4, "a member id")?;
            let name_off = inp.i32(arrays + (total + i) * 4, "a member name")?;
            if rec + 4 > infolen {
                return Err(self.err(records + rec, "member record runs past its block"));
            }
            let p = records + rec;
            let reclen = (inp.u32(p, "a member record's size")? & 0xffff) as usize;
            if reclen < 20 || rec + reclen > infolen {
                return Err(self.err(
                    p,
                    format!("member record size {reclen} does not fit its block ({infolen} bytes)"),
                ));
            }
            let name = self.name(name_off, arrays + (total + i) * 4)?;
            if i < nfuncs {
                let name = match name {
                    Some(n) => n,
                    // widl/MIDL leave the second of a propget/propput pair unnamed.
                    None => info
                        .funcs
                        .last()
                        .map(|f| f.name.clone())
                        .ok_or_else(|| self.err(p, "function has no name"))?,
                };
                let f = self.func(p, reclen, name, memid, count)?;
                info.funcs.push(f);
            } else {
                let name = name.ok_or_else(|| self.err(p, "variable has no name"))?;
                let v = self.var(p, reclen, name, memid, count)?;
                info.vars.push(v);
            }
            rec += reclen;
        }
        Ok(())
    }

    fn func(&self, p: usize, reclen: usize, name: String, memid: i32, count: usize) -> R<Func> {
        let inp = &self.input;
        if reclen < 24 {
            return Err(self.err(
                p,
                format!("function record of {reclen} bytes: expected at least 24"),
            ));
        }
        let datatype = inp.i32(p + 4, "a function's return type")?;
        let flags = inp.i32(p + 8, "function flags")? as u16;
        let vtoff = inp.i16(p + 12, "a vtable offset")?;
        let fkccic = inp.i32(p + 16, "function kind and flags")?;
        let nrargs = inp.i16(p + 20, "an argument count")?;
        let nroargs = inp.i16(p + 22, "an optional-argument count")?;
        let nrargs = usize::try_from(nrargs)
            .map_err(|_| self.err(p + 20, format!("negative argument count {nrargs}")))?;
        let has_defaults = fkccic & 0x1000 != 0;
        let arg_bytes = nrargs * 12 + if has_defaults { nrargs * 4 } else { 0 };
        let optional = reclen
            .checked_sub(arg_bytes)
            .filter(|&o| o >= 24)
            .ok_or_else(|| {
                self.err(
                    p + 20,
                    format!("{nrargs} arguments do not fit a function record of {reclen} bytes"),
                )
            })?;
        let helpstring = if optional > 28 {
            self.string(inp.i32(p + 28, "a help string offset")?, p + 28)?
        } else {
            None
        };
        let ret = self.typedesc(datatype, p + 4, count)?;
        let params_at = p + reclen - nrargs * 12;
        let defaults_at = params_at - if has_defaults { nrargs * 4 } else { 0 };
        let mut params = Vec::with_capacity(nrargs);
        for j in 0..nrargs {
            let q = params_at + j * 12;
            let ty = self.typedesc(inp.i32(q, "a parameter type")?, q, count)?;
            let oname = inp.i32(q + 4, "a parameter name")?;
            let pflags = inp.i32(q + 8, "parameter flags")? as u16;
            let name = self.name(oname, q + 4)?;
            let default = if has_defaults && pflags & PARAMFLAG_FHASDEFAULT != 0 {
                let d = defaults_at + j * 4;
                Some(self.value(inp.i32(d, "a default value")?, d)?)
            } else {
                None
            };
            params.push(ParamInfo {
                name,
                ty,
                flags: pflags,
                default,
            });
        }
        Ok(Func {
            name,
            memid,
            invkind: ((fkccic >> 3) & 0xf) as u8,
            funckind: (fkccic & 7) as u8,
            ovft: (u32::from(vtoff as u16) & !1) * 8 / self.ptr_size,
            flags,
            params_opt: nroargs,
            ret,
            params,
            helpstring,
            offset: p,
        })
    }

    fn var(&self, p: usize, reclen: usize, name: String, memid: i32, count: usize) -> R<Var> {
        let inp = &self.input;
        let datatype = inp.i32(p + 4, "a variable's type")?;
        let flags = inp.i32(p + 8, "variable flags")? as u16;
        let varkind = inp.u16(p + 12, "a variable kind")?;
        let offs_value = inp.i32(p + 16, "a variable's value")?;
        let kind = match varkind {
            0 => VarKind::PerInstance,
            1 => VarKind::Static,
            2 => VarKind::Const,
            3 => VarKind::Dispatch,
            other => return Err(self.err(p + 12, format!("unknown variable kind {other}"))),
        };
        let value = if kind == VarKind::Const {
            Some(self.value(offs_value, p + 16)?)
        } else {
            None
        };
        let helpstring = if reclen > 24 {
            self.string(inp.i32(p + 24, "a help string offset")?, p + 24)?
        } else {
            None
        };
        Ok(Var {
            name,
            memid,
            ty: self.typedesc(datatype, p + 4, count)?,
            kind,
            value,
            flags,
            helpstring,
        })
    }
}
