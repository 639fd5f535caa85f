//! The type-library front end: MSFT type libraries, stand-alone or carried as TYPELIB resources
//! in PE files (.dll, .ocx, .exe), and SLTG type libraries (MIDL /oldtlb), read into the same
//! [`Model`] the IDL front end builds.
//!
//! - [`pe`] finds the TYPELIB resources of a PE file (32- and 64-bit).
//! - `msft` and `sltg` read the two binary formats into [`TypeLib`], a plain description of the
//!   library's type infos that knows nothing of the model.
//! - `to_model` turns a [`TypeLib`] (and the libraries it imports) into a [`Model`]; the slot
//!   and DISPID rules of `model::layout` run on it, and the values the file stores must agree.
//!
//! Every count and offset read from a file is checked against the file's size before it is
//! used; nothing recurses without a depth limit; every error names the byte offset at which the
//! reader found what it did not expect.

mod msft;
pub(crate) mod pe;
mod sltg;
mod to_model;

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::model::{Guid, Model, Value};

/// How to read a type library.
#[derive(Debug, Clone, Default)]
pub struct TlbOptions {
    /// Directories searched for imported type libraries (`importlib("stdole2.tlb")`), in order,
    /// after the importing file's own directory.
    pub search_dirs: Vec<PathBuf>,
    /// Which TYPELIB resource of a PE file to read (default: the lowest id).
    pub resource_id: Option<u32>,
}

/// Whether the file starts like a type library or a PE file ("MSFT", "SLTG", "MZ"): decided by
/// its first bytes, not its extension.
pub fn is_type_library_input(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 4];
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    is_type_library_bytes(&head[..n])
}

/// [`is_type_library_input`] for bytes in memory.
pub fn is_type_library_bytes(bytes: &[u8]) -> bool {
    bytes.starts_with(b"MSFT") || bytes.starts_with(b"SLTG") || bytes.starts_with(b"MZ")
}

/// Reads a type library (or a PE file carrying one) into a model.
pub fn load(path: &Path, opts: &TlbOptions) -> crate::Result<Model> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::bare(format!("cannot read `{}`: {e}", path.display()))
            .with_label("needs a readable type library")
    })?;
    to_model::build(path, &bytes, opts)
}

/// Like [`load`], for bytes that stand for a file named `name` (tests, tools, fuzzing).
/// Imported libraries are searched for relative to `name`'s directory and `opts.search_dirs`.
pub fn load_bytes(name: &str, bytes: &[u8], opts: &TlbOptions) -> crate::Result<Model> {
    to_model::build(Path::new(name), bytes, opts)
}

pub(crate) fn read_any(
    name: &str,
    bytes: &[u8],
    resource_id: Option<u32>,
) -> Result<TypeLib, Diagnostic> {
    let input = Input::new(name, bytes);
    if bytes.starts_with(b"MZ") {
        let res = pe::typelib_resource(&input, resource_id)?;
        let start = res.offset;
        let inner = Input {
            name,
            data: res.data,
            base: start,
            scope: "file",
        };
        return read_raw(&inner);
    }
    read_raw(&input)
}

fn read_raw(input: &Input<'_>) -> Result<TypeLib, Diagnostic> {
    if input.data.starts_with(b"MSFT") {
        msft::read(input)
    } else if input.data.starts_with(b"SLTG") {
        sltg::read(input)
    } else {
        Err(input.err(
            0,
            "expected a type library: \"MSFT\" or \"SLTG\" magic, or a PE file (\"MZ\")",
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// The format-neutral view of a type library.

/// One type library as a file stores it.
#[derive(Debug, Clone, Default)]
pub struct TypeLib {
    pub name: String,
    pub guid: Option<Guid>,
    pub version: (u16, u16),
    pub lcid: u32,
    pub helpstring: Option<String>,
    pub infos: Vec<TypeInfo>,
    /// Libraries this one imports (`importlib`), referenced by [`Href::Import`].
    pub imports: Vec<ImportLib>,
}

/// `TYPEKIND`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    Enum,
    Record,
    Module,
    Interface,
    Dispatch,
    Coclass,
    Alias,
    Union,
}

impl TypeKind {
    pub fn from_code(code: u32) -> Option<TypeKind> {
        Some(match code {
            0 => TypeKind::Enum,
            1 => TypeKind::Record,
            2 => TypeKind::Module,
            3 => TypeKind::Interface,
            4 => TypeKind::Dispatch,
            5 => TypeKind::Coclass,
            6 => TypeKind::Alias,
            7 => TypeKind::Union,
            _ => return None,
        })
    }
}

/// `TYPEFLAG_*` values the model uses.
pub mod typeflags {
    pub const FCANCREATE: u16 = 0x2;
    pub const FDUAL: u16 = 0x40;
    pub const FOLEAUTOMATION: u16 = 0x100;
}

/// `IMPLTYPEFLAG_*`.
pub mod implflags {
    pub const FDEFAULT: i32 = 0x1;
    pub const FSOURCE: i32 = 0x2;
    pub const FRESTRICTED: i32 = 0x4;
}

/// A reference to another type: in this library, or in an imported one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Href {
    /// Index into [`TypeLib::infos`].
    Local(usize),
    /// A type of `imports[lib]`, named by GUID or by its index in that library.
    Import { lib: usize, target: ImportTarget },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportTarget {
    Guid(Guid),
    Index(u32),
}

/// An imported type library (`importlib("stdole2.tlb")`).
#[derive(Debug, Clone)]
pub struct ImportLib {
    pub file: String,
    pub guid: Option<Guid>,
    #[allow(dead_code)] // As the file stores it; libraries are matched by GUID and file.
    pub version: (u16, u16),
}

/// A `TYPEDESC`.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDesc {
    /// A base VARTYPE (VT_I4, VT_BSTR, VT_VARIANT, ...).
    Vt(u16),
    Ptr(Box<TypeDesc>),
    SafeArray(Box<TypeDesc>),
    /// A C array: element and the element count of each dimension.
    CArray(Box<TypeDesc>, Vec<u32>),
    User(Href),
}

/// `VT_FILETIME`, which a type description may hold (a `FILETIME` field) though a VARIANT never
/// does; the other VARTYPEs and the `PARAMFLAG_*` values are the runtime's
/// (`idlgen_runtime::VT_I4`, ...).
pub const VT_FILETIME: idlgen_runtime::VARTYPE = 64;

/// One type info.
#[derive(Debug, Clone)]
pub struct TypeInfo {
    pub kind: TypeKind,
    pub name: String,
    pub guid: Option<Guid>,
    /// `TYPEFLAG_*`.
    pub flags: u16,
    #[allow(dead_code)] // As the file stores it; the model has no version of a type.
    pub version: (u16, u16),
    pub helpstring: Option<String>,
    pub funcs: Vec<Func>,
    pub vars: Vec<Var>,
    /// Base interface (interfaces), implemented interfaces (coclasses).
    pub impls: Vec<ImplType>,
    /// The aliased type (TKIND_ALIAS).
    pub alias: Option<TypeDesc>,
    /// `dllname` (TKIND_MODULE).
    pub dllname: Option<String>,
    /// Size of the vtable in bytes as the file states it (the two readers are checked against
    /// each other on it).
    #[cfg_attr(not(test), allow(dead_code))]
    pub cb_size_vft: u32,
    /// Where the type info's record starts in the input (for messages).
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub struct ImplType {
    pub href: Href,
    /// `IMPLTYPEFLAG_*`.
    pub flags: i32,
}

/// One function (`FUNCDESC` with its names).
#[derive(Debug, Clone)]
pub struct Func {
    pub name: String,
    pub memid: i32,
    /// `INVOKEKIND`: 1 method, 2 propget, 4 propput, 8 propputref.
    pub invkind: u8,
    /// `FUNCKIND` (the two readers are checked against each other on it).
    #[cfg_attr(not(test), allow(dead_code))]
    pub funckind: u8,
    /// Vtable offset in bytes, for a 64-bit pointer size.
    pub ovft: u32,
    /// `FUNCFLAG_*`.
    pub flags: u16,
    /// `cParamsOpt`: -1 for `[vararg]`.
    pub params_opt: i16,
    pub ret: TypeDesc,
    pub params: Vec<ParamInfo>,
    pub helpstring: Option<String>,
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub struct ParamInfo {
    pub name: Option<String>,
    pub ty: TypeDesc,
    /// `PARAMFLAG_*`.
    pub flags: u16,
    pub default: Option<Value>,
}

/// `VARKIND`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    PerInstance,
    Static,
    Const,
    Dispatch,
}

#[derive(Debug, Clone)]
pub struct Var {
    pub name: String,
    pub memid: i32,
    pub ty: TypeDesc,
    pub kind: VarKind,
    pub value: Option<Value>,
    /// `VARFLAG_*`.
    pub flags: u16,
    pub helpstring: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Bounds-checked reading.

/// Input bytes with the file's name and where they sit in the file (a resource inside a PE
/// file starts at `base`), so errors can name the offset in the file the user gave.
#[derive(Clone, Copy)]
pub(crate) struct Input<'a> {
    pub name: &'a str,
    pub data: &'a [u8],
    pub base: usize,
    /// What `data` is, for messages ("file"; "block" for a part an SLTG reader set apart).
    pub scope: &'static str,
}

impl<'a> Input<'a> {
    pub fn new(name: &'a str, data: &'a [u8]) -> Input<'a> {
        Input {
            name,
            data,
            base: 0,
            scope: "file",
        }
    }

    pub fn err(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at_offset(self.name, self.base.saturating_add(offset), message)
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// `len` bytes at `offset`, or an error saying what was expected there.
    pub fn bytes(&self, offset: usize, len: usize, what: &str) -> Result<&'a [u8], Diagnostic> {
        offset
            .checked_add(len)
            .and_then(|end| self.data.get(offset..end))
            .ok_or_else(|| {
                self.err(
                    offset,
                    format!(
                        "expected {what} ({len} bytes), but the {} has {} bytes",
                        self.scope,
                        self.data.len()
                    ),
                )
            })
    }

    pub fn u16(&self, offset: usize, what: &str) -> Result<u16, Diagnostic> {
        let b = self.bytes(offset, 2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub fn i16(&self, offset: usize, what: &str) -> Result<i16, Diagnostic> {
        Ok(self.u16(offset, what)? as i16)
    }

    pub fn u32(&self, offset: usize, what: &str) -> Result<u32, Diagnostic> {
        let b = self.bytes(offset, 4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn i32(&self, offset: usize, what: &str) -> Result<i32, Diagnostic> {
        Ok(self.u32(offset, what)? as i32)
    }

    pub fn u64(&self, offset: usize, what: &str) -> Result<u64, Diagnostic> {
        let b = self.bytes(offset, 8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    pub fn guid(&self, offset: usize, what: &str) -> Result<Guid, Diagnostic> {
        let b = self.bytes(offset, 16, what)?;
        let mut data4 = [0u8; 8];
        data4.copy_from_slice(&b[8..16]);
        Ok(Guid {
            data1: u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            data2: u16::from_le_bytes([b[4], b[5]]),
            data3: u16::from_le_bytes([b[6], b[7]]),
            data4,
        })
    }
}

/// Text in a type library: ASCII in practice; other bytes are taken as Latin-1 (the file does
/// not say which code page it used).
pub(crate) fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}
