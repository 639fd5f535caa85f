//! TYPELIB resources of PE files (.dll, .ocx, .exe; PE32 and PE32+).
//!
//! The walk: DOS header → `PE\0\0` → COFF header → optional header (its magic says 32- or
//! 64-bit) → data directory 2 (resources) → section table to map the RVA to a file offset →
//! resource directory: type "TYPELIB" (a named entry), then the resource ids, then the first
//! language. Three fixed levels, no recursion; every offset is checked against the file.
//!
//! The `object` and `pelite` crates do this and much more; the part needed here is about a
//! hundred lines, so idlgen carries it rather than a dependency.

use super::Input;
use crate::diag::Diagnostic;

type R<T> = Result<T, Diagnostic>;

/// One TYPELIB resource: its id, where it starts in the file, and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a> {
    pub id: u32,
    pub offset: usize,
    pub data: &'a [u8],
}

/// The ids of the TYPELIB resources in a PE file (empty if it has none), in directory order.
pub fn typelib_ids(name: &str, bytes: &[u8]) -> crate::Result<Vec<u32>> {
    let input = Input::new(name, bytes);
    Ok(resources(&input)?.iter().map(|r| r.id).collect())
}

/// The TYPELIB resource with `id` (default: the first, which is the lowest id).
pub(crate) fn typelib_resource<'a>(input: &Input<'a>, id: Option<u32>) -> R<Resource<'a>> {
    let all = resources(input)?;
    match id {
        Some(id) => all.iter().find(|r| r.id == id).copied().ok_or_else(|| {
            let ids: Vec<String> = all.iter().map(|r| r.id.to_string()).collect();
            Diagnostic::bare(format!(
                "{}: no TYPELIB resource with id {id} (the file has: {})",
                input.name,
                if ids.is_empty() {
                    "none".to_string()
                } else {
                    ids.join(", ")
                }
            ))
        }),
        None => all.first().copied().ok_or_else(|| {
            Diagnostic::bare(format!(
                "{}: the PE file carries no TYPELIB resource",
                input.name
            ))
            .with_label("expected a type library in the file's resources")
        }),
    }
}

struct Section {
    va: u32,
    vsize: u32,
    raw_size: u32,
    raw_ptr: u32,
}

fn resources<'a>(input: &Input<'a>) -> R<Vec<Resource<'a>>> {
    let inp = input;
    if !inp.data.starts_with(b"MZ") {
        return Err(inp.err(0, "expected a PE file (\"MZ\")"));
    }
    let pe = inp.u32(0x3c, "the PE header offset (e_lfanew)")? as usize;
    if inp.bytes(pe, 4, "the PE signature")? != b"PE\0\0" {
        return Err(inp.err(pe, "expected the PE signature \"PE\\0\\0\""));
    }
    let coff = pe.saturating_add(4);
    let nsections = inp.u16(coff + 2, "the section count")? as usize;
    let opt_size = inp.u16(coff + 16, "the optional header size")? as usize;
    let opt = coff + 20;
    let magic = inp.u16(opt, "the optional header magic")?;
    let (count_at, dirs_at) = match magic {
        0x10b => (opt + 92, opt + 96),
        0x20b => (opt + 108, opt + 112),
        other => {
            return Err(inp.err(
                opt,
                format!("expected optional header magic 0x10b or 0x20b, found {other:#x}"),
            ));
        }
    };
    let ndirs = inp.u32(count_at, "the data directory count")?;
    if ndirs < 3 {
        return Ok(Vec::new());
    }
    let res_rva = inp.u32(dirs_at + 16, "the resource directory RVA")?;
    let res_size = inp.u32(dirs_at + 20, "the resource directory size")?;
    if res_rva == 0 || res_size == 0 {
        return Ok(Vec::new());
    }
    let sect_at = opt + opt_size;
    let _ = inp.bytes(sect_at, nsections * 40, "the section table")?;
    let mut sections = Vec::with_capacity(nsections);
    for i in 0..nsections {
        let s = sect_at + i * 40;
        let sect = Section {
            vsize: inp.u32(s + 8, "a section size")?,
            va: inp.u32(s + 12, "a section address")?,
            raw_size: inp.u32(s + 16, "a section size")?,
            raw_ptr: inp.u32(s + 20, "a section offset")?,
        };
        // A section's file data must be in the file (a cut file is not read as if whole).
        if u64::from(sect.raw_ptr) + u64::from(sect.raw_size) > inp.len() as u64 {
            return Err(inp.err(
                s + 16,
                format!(
                    "section {i}'s data ({:#x}, {} bytes) runs past the end of the file ({} bytes)",
                    sect.raw_ptr,
                    sect.raw_size,
                    inp.len()
                ),
            ));
        }
        sections.push(sect);
    }
    let to_offset = |rva: u32, len: u32, at: usize| -> R<usize> {
        for s in &sections {
            let size = s.vsize.max(s.raw_size);
            if rva >= s.va && u64::from(rva) + u64::from(len) <= u64::from(s.va) + u64::from(size) {
                let within = rva - s.va;
                if u64::from(within) + u64::from(len) > u64::from(s.raw_size) {
                    break;
                }
                let off = (s.raw_ptr as usize).saturating_add(within as usize);
                inp.bytes(off, len as usize, "resource data")?;
                return Ok(off);
            }
        }
        Err(inp.err(
            at,
            format!("RVA {rva:#x} ({len} bytes) lies in no section's file data"),
        ))
    };
    // The whole resource directory must lie in one section (its file data may be shorter
    // than its memory image: what is read from it is checked again below).
    let in_section = sections.iter().any(|s| {
        let end = u64::from(s.va) + u64::from(s.vsize.max(s.raw_size));
        res_rva >= s.va && u64::from(res_rva) + u64::from(res_size) <= end
    });
    if !in_section {
        return Err(inp.err(
            dirs_at + 16,
            format!("resource directory (RVA {res_rva:#x}, {res_size} bytes) lies in no section"),
        ));
    }
    let root = to_offset(res_rva, res_size.min(16), dirs_at + 16)?;
    let dir_end = root.saturating_add(res_size as usize);
    // An offset inside the resource directory, checked against it and the file.
    let at_dir = |rel: u32, len: usize, at: usize| -> R<usize> {
        let p = root.saturating_add((rel & 0x7fff_ffff) as usize);
        if p.saturating_add(len) > dir_end.min(inp.len()) {
            return Err(inp.err(
                at,
                format!("resource directory offset {rel:#x} lies outside the resource section"),
            ));
        }
        Ok(p)
    };
    let entries = |dir: usize| -> R<Vec<(u32, u32, usize)>> {
        let named = inp.u16(dir + 12, "a resource directory")? as usize;
        let ids = inp.u16(dir + 14, "a resource directory")? as usize;
        let n = named + ids;
        let _ = inp.bytes(dir + 16, n * 8, "resource directory entries")?;
        (0..n)
            .map(|i| {
                let e = dir + 16 + i * 8;
                Ok((
                    inp.u32(e, "a resource name")?,
                    inp.u32(e + 4, "a resource offset")?,
                    e,
                ))
            })
            .collect()
    };
    let mut out = Vec::new();
    for (name, off, e) in entries(root)? {
        if name & 0x8000_0000 == 0 || !is_typelib_name(inp, at_dir(name, 2, e)?)? {
            continue;
        }
        if off & 0x8000_0000 == 0 {
            return Err(inp.err(e + 4, "expected the TYPELIB entry to lead to a directory"));
        }
        let ids_dir = at_dir(off, 16, e + 4)?;
        for (id, off2, e2) in entries(ids_dir)? {
            if id & 0x8000_0000 != 0 {
                continue; // a named type library: not addressable by id
            }
            // The language level: take the first entry.
            let data_entry = if off2 & 0x8000_0000 != 0 {
                let lang_dir = at_dir(off2, 16, e2 + 4)?;
                let langs = entries(lang_dir)?;
                let Some(&(_, off3, e3)) = langs.first() else {
                    continue;
                };
                if off3 & 0x8000_0000 != 0 {
                    return Err(
                        inp.err(e3 + 4, "expected a resource data entry, found a directory")
                    );
                }
                at_dir(off3, 16, e3 + 4)?
            } else {
                at_dir(off2, 16, e2 + 4)?
            };
            let rva = inp.u32(data_entry, "a resource's RVA")?;
            let size = inp.u32(data_entry + 4, "a resource's size")?;
            let offset = to_offset(rva, size, data_entry)?;
            let data = inp.bytes(offset, size as usize, "a TYPELIB resource")?;
            out.push(Resource { id, offset, data });
        }
    }
    out.sort_by_key(|r| r.id);
    Ok(out)
}

/// Whether the resource-directory string at `p` (u16 length, UTF-16) is "TYPELIB".
fn is_typelib_name(inp: &Input<'_>, p: usize) -> R<bool> {
    let len = inp.u16(p, "a resource name length")? as usize;
    if len != 7 {
        return Ok(false);
    }
    let b = inp.bytes(p + 2, 14, "a resource name")?;
    Ok(b.chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .eq("TYPELIB".encode_utf16()))
}
