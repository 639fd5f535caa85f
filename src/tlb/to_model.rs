//! From a [`TypeLib`] to the [`Model`]: the same items the IDL front end makes, laid out by the
//! same rules (`model::layout`).
//!
//! - The model starts from idlgen's embedded base set (oaidl.idl and what it imports), as an IDL
//!   input's does, so IUnknown, IDispatch, BSTR, VARIANT, HRESULT are the same (built-in) items
//!   and generated Rust takes them from the runtime crate.
//! - The library's own type infos become root items, in the file's order.
//! - A type an imported library provides is, first, the base set's item with that GUID
//!   (IUnknown, IDispatch, IEnumVARIANT... from stdole2.tlb); otherwise the imported library is
//!   read from the importing file's directory or `TlbOptions::search_dirs` and its types become
//!   (non-root) items too. Not found: an error naming the file and where it was looked for.
//! - A dual interface (a TKIND_DISPATCH with TYPEFLAG_FDUAL, whose functions the file stores in
//!   their vtable form) becomes one model `Interface`; its base is the type info's impltype, or
//!   IDispatch when the file names none.
//! - Slots and DISPIDs: `model::layout` computes them as for IDL; the file's own values (oVft,
//!   memid) are then compared. A DISPID the rules do not give is kept as an explicit id (the IDL
//!   said `[id(n)]`); a slot the rules do not give is an error (the file is inconsistent).

use std::sync::Arc;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::OnceLock;

use indexmap::IndexMap;

use super::{
    Func, Href, ImportTarget, ParamInfo, TlbOptions, TypeDesc, TypeInfo, TypeKind, TypeLib,
    VT_FILETIME, VarKind, implflags, read_any, typeflags,
};
use crate::diag::{Diagnostic, FileId, Span};
use crate::model::automation;
use crate::model::{
    BaseType, Coclass, CoclassInterface, Const, DispProperty, Dispinterface, Enum, Guid, Interface,
    InvokeKind, Item, ItemKind, Library, Method, Model, Module, Origin, Param, Record, RecordField,
    Type, TypeId, Typedef, Value,
};
use idlgen_runtime::{
    PARAMFLAG_FHASDEFAULT, PARAMFLAG_FIN, PARAMFLAG_FLCID, PARAMFLAG_FOPT, PARAMFLAG_FOUT,
    PARAMFLAG_FRETVAL, VT_DISPATCH, VT_I1, VT_I2, VT_I4, VT_I8, VT_INT, VT_R4, VT_R8, VT_UI1,
    VT_UI2, VT_UI4, VT_UI8, VT_UINT, VT_UNKNOWN, VT_VOID,
};

type R<T> = Result<T, Diagnostic>;

/// How deep `importlib` chains may go.
const MAX_IMPORT_DEPTH: usize = 8;

/// The embedded base set, resolved once per process.
fn base_model() -> R<Model> {
    static BASE: OnceLock<Result<Model, String>> = OnceLock::new();
    let base = BASE.get_or_init(|| {
        let name = format!("{}/tlb-base.idl", crate::idl::BUILTIN_DIR);
        crate::idl::load_source(&name, "import \"oaidl.idl\";\n", &Default::default())
            .and_then(|p| crate::model::resolve(&p))
            .map_err(|e| e.to_string())
    });
    match base {
        Ok(m) => Ok(m.clone()),
        Err(e) => Err(Diagnostic::bare(format!(
            "internal error: the embedded base set does not load: {e}"
        ))),
    }
}

pub(crate) fn build(path: &Path, bytes: &[u8], opts: &TlbOptions) -> crate::Result<Model> {
    let name = path.to_string_lossy().into_owned();
    let tlb = read_any(&name, bytes, opts.resource_id)?;
    let mut model = base_model()?;
    model.roots.clear();
    let builtin_by_guid = model
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| {
            let uuid = match &it.kind {
                ItemKind::Interface(x) if x.defined => x.uuid,
                ItemKind::Dispinterface(x) => x.uuid,
                ItemKind::Coclass(x) => x.uuid,
                _ => None,
            }?;
            Some((uuid, TypeId(i as u32)))
        })
        .collect();
    let mut b = Builder {
        base_names: model.names.clone(),
        model,
        opts,
        builtin_by_guid,
        libs: Vec::new(),
        pending: Vec::new(),
    };
    let file = b.add_file(path.to_path_buf());
    b.model.roots = vec![file];
    b.add_lib(Rc::new(tlb), path, file, 0, true)?;
    b.finish()?;
    Ok(b.model)
}

struct Lib {
    tlb: Rc<TypeLib>,
    name: String,
    dir: PathBuf,
    file: FileId,
    /// The item of each type info.
    items: Vec<TypeId>,
    /// Each import, once loaded: the index in `Builder::libs`.
    imports: Vec<Option<usize>>,
    depth: usize,
}

/// What the file says about a member, to hold against the rules once they have run.
struct Stored {
    item: TypeId,
    index: usize,
    memid: i32,
    slot: Option<u32>,
    offset: usize,
}

struct Builder<'o> {
    model: Model,
    /// The base set's names, which the libraries' own may hide in `model.names`.
    base_names: IndexMap<Arc<str>, TypeId, crate::model::NameHash>,
    opts: &'o TlbOptions,
    builtin_by_guid: HashMap<Guid, TypeId>,
    libs: Vec<Lib>,
    pending: Vec<(Stored, bool)>,
}

impl Builder<'_> {
    fn add_file(&mut self, path: PathBuf) -> FileId {
        let id = FileId(u32::try_from(self.model.files.len()).unwrap_or(u32::MAX));
        Arc::make_mut(&mut self.model.files).push(path);
        id
    }

    fn push_item(&mut self, item: Item) -> TypeId {
        let id = TypeId(u32::try_from(self.model.items.len()).unwrap_or(u32::MAX));
        self.model.items.push(Arc::new(item));
        id
    }

    /// Adds a library's type infos as items, then fills them in; returns its index.
    fn add_lib(
        &mut self,
        tlb: Rc<TypeLib>,
        path: &Path,
        file: FileId,
        depth: usize,
        root: bool,
    ) -> R<usize> {
        let name = path.to_string_lossy().into_owned();
        let mut items = Vec::with_capacity(tlb.infos.len());
        for info in &tlb.infos {
            let kind = placeholder(info);
            let id = self.push_item(Item {
                name: info.name.clone(),
                anonymous: false,
                origin: Some(Origin {
                    file,
                    span: Span::new(file, info.offset, info.offset),
                    line: 0,
                }),
                helpstring: info.helpstring.clone(),
                kind,
            });
            if root {
                self.model.names.insert(Arc::from(info.name.as_str()), id);
            } else {
                self.model
                    .names
                    .entry(Arc::from(info.name.as_str()))
                    .or_insert(id);
            }
            if matches!(
                info.kind,
                TypeKind::Enum | TypeKind::Record | TypeKind::Union
            ) {
                self.model
                    .tags
                    .entry(Arc::from(info.name.as_str()))
                    .or_insert(id);
            }
            items.push(id);
        }
        let index = self.libs.len();
        self.libs.push(Lib {
            tlb: tlb.clone(),
            name: name.clone(),
            dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            file,
            imports: vec![None; tlb.imports.len()],
            items: items.clone(),
            depth,
        });
        if root {
            self.model.libraries.push(Library {
                name: tlb.name.clone(),
                uuid: tlb.guid,
                version: Some(tlb.version),
                lcid: tlb.lcid,
                helpstring: tlb.helpstring.clone(),
                types: items.clone(),
                origin: Some(Origin {
                    file,
                    span: Span::new(file, 0, 0),
                    line: 0,
                }),
            });
        }
        for (info, &id) in tlb.infos.iter().zip(&items) {
            let kind = self.convert(index, info, id)?;
            self.model.item_mut(id).kind = kind;
        }
        self.fold_generated_names(&tlb, &items, root);
        Ok(index)
    }

    /// `typedef enum { ... } NAME;` (and struct, union): widl and MIDL write the anonymous type
    /// under a generated name (`__WIDL_x_generated_name_0000000E`, `__MIDL___MIDL_itf_...`) and
    /// an alias NAME of it. The IDL front end names such a type after its typedef; so does this
    /// one: the type takes the alias's name, and the alias leaves the listing.
    fn fold_generated_names(&mut self, tlb: &TypeLib, items: &[TypeId], root: bool) {
        for (info, &alias) in tlb.infos.iter().zip(items) {
            let Some(TypeDesc::User(Href::Local(t))) = &info.alias else {
                continue;
            };
            let Some(&target) = items.get(*t) else {
                continue;
            };
            let generated = {
                let n = &self.model.item(target).name;
                n.starts_with("__WIDL_") || n.starts_with("__MIDL_")
            };
            let foldable = matches!(
                self.model.item(target).kind,
                ItemKind::Enum(_) | ItemKind::Struct(_) | ItemKind::Union(_)
            );
            if !generated || !foldable || target == alias {
                continue;
            }
            let old = std::mem::replace(&mut self.model.item_mut(target).name, info.name.clone());
            if self.model.names.get(old.as_str()) == Some(&target) {
                self.model.names.shift_remove(old.as_str());
            }
            if self.model.tags.get(old.as_str()) == Some(&target) {
                self.model.tags.shift_remove(old.as_str());
            }
            if root || !self.model.names.contains_key(info.name.as_str()) {
                self.model
                    .names
                    .insert(Arc::from(info.name.as_str()), target);
            }
            let a = self.model.item_mut(alias);
            a.origin = None;
            if root && let Some(lib) = self.model.libraries.last_mut() {
                lib.types.retain(|&x| x != alias);
            }
            if self.model.items[target.0 as usize].helpstring.is_none() {
                let h = self.model.items[alias.0 as usize].helpstring.clone();
                self.model.item_mut(target).helpstring = h;
            }
        }
    }

    /// The item an href names.
    fn resolve_href(&mut self, lib: usize, href: &Href, at: usize) -> R<TypeId> {
        match href {
            Href::Local(i) => self.libs[lib].items.get(*i).copied().ok_or_else(|| {
                Diagnostic::at_offset(&self.libs[lib].name, at, "type reference out of range")
            }),
            Href::Import { lib: imp, target } => {
                if let ImportTarget::Guid(g) = target
                    && let Some(&id) = self.builtin_by_guid.get(g)
                {
                    return Ok(id);
                }
                if let Some(id) = self.stdole_by_index(lib, *imp, target) {
                    return Ok(id);
                }
                let loaded = self.import(lib, *imp, at)?;
                let l = &self.libs[loaded];
                let found = match target {
                    ImportTarget::Guid(g) => {
                        l.tlb.infos.iter().position(|i| i.guid.as_ref() == Some(g))
                    }
                    ImportTarget::Index(i) => Some(*i as usize).filter(|&i| i < l.tlb.infos.len()),
                };
                found.map(|i| l.items[i]).ok_or_else(|| {
                    let what = match target {
                        ImportTarget::Guid(g) => format!("GUID {g}"),
                        ImportTarget::Index(i) => format!("index {i}"),
                    };
                    Diagnostic::at_offset(
                        &self.libs[lib].name,
                        at,
                        format!("imported library `{}` has no type with {what}", l.name),
                    )
                })
            }
        }
    }

    /// An SLTG file names imported types by index, not GUID. stdole's first six types have had
    /// the same indices since OLE 2 (Wine's stdole2.tlb keeps them, and oleaut32 itself takes
    /// #4 of stdole to be IDispatch): those are the base set's items, as a GUID would find.
    fn stdole_by_index(&self, lib: usize, imp: usize, target: &ImportTarget) -> Option<TypeId> {
        const STDOLE: Guid = Guid {
            data1: 0x0002_0430,
            data2: 0,
            data3: 0,
            data4: [0xc0, 0, 0, 0, 0, 0, 0, 0x46],
        };
        const FIRST: [&str; 6] = [
            "GUID",
            "DISPPARAMS",
            "EXCEPINFO",
            "IUnknown",
            "IDispatch",
            "IEnumVARIANT",
        ];
        let ImportTarget::Index(i) = target else {
            return None;
        };
        let info = self.libs[lib].tlb.imports.get(imp)?;
        if info.guid != Some(STDOLE) {
            return None;
        }
        self.base_item(FIRST.get(*i as usize)?)
    }

    /// Loads import `imp` of library `lib` (once), searching the importing file's directory and
    /// the search directories.
    fn import(&mut self, lib: usize, imp: usize, at: usize) -> R<usize> {
        if let Some(Some(done)) = self.libs[lib].imports.get(imp) {
            return Ok(*done);
        }
        let Some(info) = self.libs[lib].tlb.imports.get(imp).cloned() else {
            return Err(Diagnostic::at_offset(
                &self.libs[lib].name,
                at,
                "reference to an import that does not exist",
            ));
        };
        // A library already loaded (the same GUID): reuse it (this also ends import cycles).
        if let Some(done) = self
            .libs
            .iter()
            .position(|l| info.guid.is_some() && l.tlb.guid == info.guid)
        {
            self.libs[lib].imports[imp] = Some(done);
            return Ok(done);
        }
        let depth = self.libs[lib].depth + 1;
        if depth > MAX_IMPORT_DEPTH {
            return Err(Diagnostic::at_offset(
                &self.libs[lib].name,
                at,
                format!("imports nest deeper than {MAX_IMPORT_DEPTH} libraries"),
            ));
        }
        let file_name = Path::new(&info.file)
            .file_name()
            .map(PathBuf::from)
            .unwrap_or_default();
        let mut dirs = vec![self.libs[lib].dir.clone()];
        dirs.extend(self.opts.search_dirs.iter().cloned());
        let found = dirs
            .iter()
            .map(|d| d.join(&file_name))
            .find(|p| !file_name.as_os_str().is_empty() && p.is_file());
        let Some(path) = found else {
            let searched: Vec<String> = dirs
                .iter()
                .map(|d| {
                    if d.as_os_str().is_empty() {
                        ".".to_string()
                    } else {
                        d.display().to_string()
                    }
                })
                .collect();
            return Err(Diagnostic::at_offset(
                &self.libs[lib].name,
                at,
                format!("type library `{}` imported here not found", info.file),
            )
            .with_label("needs the imported type library")
            .with_note(format!("searched: {}", searched.join(", ")))
            .with_note("help: add its directory with -I/--tlb-path"));
        };
        let bytes = std::fs::read(&path)
            .map_err(|e| Diagnostic::bare(format!("cannot read `{}`: {e}", path.display())))?;
        let tlb = read_any(&path.to_string_lossy(), &bytes, None)?;
        let file = self.add_file(path.clone());
        let done = self.add_lib(Rc::new(tlb), &path, file, depth, false)?;
        self.libs[lib].imports[imp] = Some(done);
        Ok(done)
    }

    /// The base set's item of that name (a type library's own types may reuse its names).
    fn base_item(&self, name: &str) -> Option<TypeId> {
        self.base_names.get(name).copied()
    }

    fn named(&self, name: &str) -> Option<Type> {
        self.base_item(name).map(Type::Named)
    }

    fn ty(&mut self, lib: usize, td: &TypeDesc, at: usize) -> R<Type> {
        let err = |me: &Self, m: String| Diagnostic::at_offset(&me.libs[lib].name, at, m);
        Ok(match td {
            TypeDesc::Vt(code) => {
                let base = |b| Type::Base(b);
                match *code {
                    VT_I1 => base(BaseType::Char),
                    VT_UI1 => base(BaseType::UChar),
                    VT_I2 => base(BaseType::Short),
                    VT_UI2 => base(BaseType::UShort),
                    VT_I4 => base(BaseType::Long),
                    VT_UI4 => base(BaseType::ULong),
                    VT_I8 => base(BaseType::Hyper),
                    VT_UI8 => base(BaseType::UHyper),
                    VT_INT => base(BaseType::Int),
                    VT_UINT => base(BaseType::UInt),
                    VT_R4 => base(BaseType::Float),
                    VT_R8 => base(BaseType::Double),
                    VT_VOID => base(BaseType::Void),
                    VT_UNKNOWN | VT_DISPATCH => {
                        let n = if *code == VT_UNKNOWN {
                            "IUnknown"
                        } else {
                            "IDispatch"
                        };
                        Type::Pointer {
                            pointee: Box::new(
                                self.named(n)
                                    .ok_or_else(|| err(self, format!("no {n} in the base set")))?,
                            ),
                            pointee_const: false,
                        }
                    }
                    other => {
                        let name = match other {
                            VT_FILETIME => Some("FILETIME"),
                            _ => automation::vt_type_name(other),
                        };
                        let Some(n) = name else {
                            return Err(err(
                                self,
                                format!("unsupported type VT {other} in a type description"),
                            ));
                        };
                        self.named(n)
                            .ok_or_else(|| err(self, format!("no {n} in the base set")))?
                    }
                }
            }
            TypeDesc::Ptr(inner) => Type::Pointer {
                pointee: Box::new(self.ty(lib, inner, at)?),
                pointee_const: false,
            },
            TypeDesc::SafeArray(inner) => Type::SafeArray(Box::new(self.ty(lib, inner, at)?)),
            TypeDesc::CArray(inner, dims) => {
                let mut t = self.ty(lib, inner, at)?;
                for d in dims.iter().rev() {
                    t = Type::Array(Box::new(t), Some(u64::from(*d)));
                }
                t
            }
            TypeDesc::User(href) => Type::Named(self.resolve_href(lib, href, at)?),
        })
    }

    fn convert(&mut self, lib: usize, info: &TypeInfo, id: TypeId) -> R<ItemKind> {
        let at = info.offset;
        let dual = info.flags & typeflags::FDUAL != 0;
        Ok(match info.kind {
            TypeKind::Interface | TypeKind::Dispatch
                if info.kind == TypeKind::Interface || dual =>
            {
                let base = match info.impls.first() {
                    Some(imp) => Some(self.resolve_href(lib, &imp.href, at)?),
                    None if dual => self.base_item("IDispatch"),
                    None => None,
                };
                let mut methods = Vec::with_capacity(info.funcs.len());
                for (index, f) in info.funcs.iter().enumerate() {
                    let m = self.method(lib, f, true)?;
                    self.pending.push((
                        Stored {
                            item: id,
                            index,
                            memid: f.memid,
                            slot: m.slot,
                            offset: f.offset,
                        },
                        true,
                    ));
                    methods.push(m);
                }
                ItemKind::Interface(Interface {
                    uuid: info.guid,
                    base,
                    defined: true,
                    object: true,
                    dual,
                    // widl and MIDL mark every dual interface FOLEAUTOMATION as well.
                    oleautomation: info.flags & typeflags::FOLEAUTOMATION != 0 && !dual,
                    methods,
                    ..Interface::default()
                })
            }
            TypeKind::Interface | TypeKind::Dispatch => {
                let mut methods = Vec::with_capacity(info.funcs.len());
                for (index, f) in info.funcs.iter().enumerate() {
                    let m = self.method(lib, f, false)?;
                    self.pending.push((
                        Stored {
                            item: id,
                            index,
                            memid: f.memid,
                            slot: None,
                            offset: f.offset,
                        },
                        true,
                    ));
                    methods.push(m);
                }
                let mut properties = Vec::with_capacity(info.vars.len());
                for (index, v) in info.vars.iter().enumerate() {
                    properties.push(DispProperty {
                        name: v.name.clone(),
                        ty: self.ty(lib, &v.ty, at)?,
                        dispid: v.memid,
                        explicit_id: false,
                        readonly: v.flags & 0x1 != 0,
                    });
                    self.pending.push((
                        Stored {
                            item: id,
                            index,
                            memid: v.memid,
                            slot: None,
                            offset: at,
                        },
                        false,
                    ));
                }
                ItemKind::Dispinterface(Dispinterface {
                    uuid: info.guid,
                    properties,
                    methods,
                    interface: None,
                })
            }
            TypeKind::Coclass => {
                let mut interfaces = Vec::with_capacity(info.impls.len());
                for imp in &info.impls {
                    interfaces.push(CoclassInterface {
                        id: self.resolve_href(lib, &imp.href, at)?,
                        default: imp.flags & implflags::FDEFAULT != 0,
                        source: imp.flags & implflags::FSOURCE != 0,
                        restricted: imp.flags & implflags::FRESTRICTED != 0,
                    });
                }
                ItemKind::Coclass(Coclass {
                    uuid: info.guid,
                    interfaces,
                    noncreatable: info.flags & typeflags::FCANCREATE == 0,
                })
            }
            TypeKind::Enum => {
                let mut values = Vec::with_capacity(info.vars.len());
                for v in &info.vars {
                    let n = match &v.value {
                        Some(Value::Int(x)) => i64::try_from(*x).unwrap_or_default(),
                        _ => {
                            return Err(Diagnostic::at_offset(
                                &self.libs[lib].name,
                                at,
                                format!("enum value `{}` is not an integer", v.name),
                            ));
                        }
                    };
                    self.model
                        .constants
                        .entry(Arc::from(v.name.as_str()))
                        .or_insert(Value::Int(i128::from(n)));
                    values.push((v.name.clone(), n));
                }
                ItemKind::Enum(Enum {
                    values,
                    v1_enum: false,
                })
            }
            TypeKind::Record | TypeKind::Union => {
                let mut fields = Vec::with_capacity(info.vars.len());
                for v in &info.vars {
                    fields.push(RecordField {
                        name: Some(v.name.clone()),
                        ty: self.ty(lib, &v.ty, at)?,
                    });
                }
                let r = Record {
                    fields,
                    defined: true,
                };
                if info.kind == TypeKind::Union {
                    ItemKind::Union(r)
                } else {
                    ItemKind::Struct(r)
                }
            }
            TypeKind::Alias => {
                let ty = match &info.alias {
                    Some(td) => self.ty(lib, td, at)?,
                    None => Type::Base(BaseType::Void),
                };
                if ty == Type::Named(id) {
                    return Err(Diagnostic::at_offset(
                        &self.libs[lib].name,
                        at,
                        format!("typedef `{}` aliases itself", info.name),
                    ));
                }
                ItemKind::Typedef(Typedef { ty })
            }
            TypeKind::Module => {
                let mut functions = Vec::with_capacity(info.funcs.len());
                for f in &info.funcs {
                    functions.push(self.method(lib, f, false)?);
                }
                for v in &info.vars {
                    if let (VarKind::Const, Some(value)) = (v.kind, &v.value) {
                        let ty = self.ty(lib, &v.ty, at)?;
                        self.model
                            .constants
                            .entry(Arc::from(v.name.as_str()))
                            .or_insert(value.clone());
                        let file = self.libs[lib].file;
                        self.push_item(Item {
                            name: v.name.clone(),
                            anonymous: false,
                            origin: Some(Origin {
                                file,
                                span: Span::new(file, at, at),
                                line: 0,
                            }),
                            helpstring: v.helpstring.clone(),
                            kind: ItemKind::Const(Const {
                                ty,
                                value: value.clone(),
                            }),
                        });
                    }
                }
                ItemKind::Module(Module {
                    dllname: info.dllname.clone(),
                    functions,
                })
            }
        })
    }

    fn method(&mut self, lib: usize, f: &Func, vtable: bool) -> R<Method> {
        let invkind = match f.invkind {
            2 => InvokeKind::PropGet,
            4 => InvokeKind::PropPut,
            8 => InvokeKind::PropPutRef,
            _ => InvokeKind::Method,
        };
        let mut params = Vec::with_capacity(f.params.len());
        for (index, p) in f.params.iter().enumerate() {
            params.push(self.param(lib, p, index, f.offset)?);
        }
        let attributes = automation::typelib_attributes(f.flags, f.params_opt == -1);
        Ok(Method {
            name: f.name.clone(),
            slot: vtable.then_some(f.ovft / 8),
            dispid: f.memid,
            explicit_id: false,
            invkind,
            ret: self.ty(lib, &f.ret, f.offset)?,
            params,
            restricted: f.flags & automation::FUNCFLAG_FRESTRICTED != 0,
            hidden: f.flags & automation::FUNCFLAG_FHIDDEN != 0,
            local: false,
            vararg: f.params_opt == -1,
            variadic: false,
            call_as: None,
            later_overloads: 0,
            helpstring: f.helpstring.clone(),
            attributes,
            span: None,
        })
    }

    fn param(&mut self, lib: usize, p: &ParamInfo, index: usize, at: usize) -> R<Param> {
        let is_out = p.flags & PARAMFLAG_FOUT != 0;
        Ok(Param {
            // widl leaves the value parameter of a propput unnamed; resolve names unnamed
            // parameters the same way.
            name: p.name.clone().unwrap_or_else(|| format!("arg{index}")),
            ty: self.ty(lib, &p.ty, at)?,
            is_in: p.flags & PARAMFLAG_FIN != 0 || !is_out,
            is_out,
            retval: p.flags & PARAMFLAG_FRETVAL != 0,
            retval_declared: p.flags & PARAMFLAG_FRETVAL != 0,
            lcid: p.flags & PARAMFLAG_FLCID != 0,
            optional: p.flags & (PARAMFLAG_FOPT | PARAMFLAG_FHASDEFAULT) != 0,
            default: p.default.clone(),
            sized: false,
            span: None,
        })
    }

    /// Runs the layout rules, then holds the file's own slots and DISPIDs against them.
    fn finish(&mut self) -> R<()> {
        // Inheritance that goes round in a circle (an href cycle in a corrupt file) is an error,
        // at the type info's offset.
        if let Err(cycle) = crate::model::rules::apply(&mut self.model) {
            let (file, at) = origin_of(&self.model, cycle.interface);
            return Err(Diagnostic::at_offset(&file, at, cycle.message(&self.model)));
        }
        let pending = std::mem::take(&mut self.pending);
        for (s, is_method) in pending {
            let origin = self.model.items[s.item.0 as usize].origin;
            let files = &self.model.files;
            let file = || {
                origin
                    .and_then(|o| files.get(o.file.0 as usize))
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default()
            };
            match &mut Arc::make_mut(&mut self.model.items[s.item.0 as usize]).kind {
                ItemKind::Interface(iface) if is_method => {
                    let Some(m) = iface.methods.get_mut(s.index) else {
                        continue;
                    };
                    if m.slot != s.slot {
                        return Err(Diagnostic::at_offset(
                            &file(),
                            s.offset,
                            format!(
                                "`{}` has vtable slot {:?} in the file, but its interface chain gives slot {:?}",
                                m.name, s.slot, m.slot
                            ),
                        ));
                    }
                    if m.dispid != s.memid {
                        m.dispid = s.memid;
                        m.explicit_id = true;
                    }
                }
                ItemKind::Dispinterface(d) if is_method => {
                    if let Some(m) = d.methods.get_mut(s.index)
                        && m.dispid != s.memid
                    {
                        m.dispid = s.memid;
                        m.explicit_id = true;
                    }
                }
                ItemKind::Dispinterface(d) => {
                    if let Some(p) = d.properties.get_mut(s.index)
                        && p.dispid != s.memid
                    {
                        p.dispid = s.memid;
                        p.explicit_id = true;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

fn origin_of(model: &Model, id: TypeId) -> (String, usize) {
    let o = model.item(id).origin;
    let file = o
        .and_then(|o| model.files.get(o.file.0 as usize))
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    (file, o.map_or(0, |o| o.span.start as usize))
}

fn placeholder(info: &TypeInfo) -> ItemKind {
    match info.kind {
        TypeKind::Interface => ItemKind::Interface(Interface::default()),
        TypeKind::Dispatch if info.flags & typeflags::FDUAL != 0 => {
            ItemKind::Interface(Interface::default())
        }
        TypeKind::Dispatch => ItemKind::Dispinterface(Dispinterface {
            uuid: None,
            properties: Vec::new(),
            methods: Vec::new(),
            interface: None,
        }),
        TypeKind::Coclass => ItemKind::Coclass(Coclass {
            uuid: None,
            interfaces: Vec::new(),
            noncreatable: false,
        }),
        TypeKind::Enum => ItemKind::Enum(Enum {
            values: Vec::new(),
            v1_enum: false,
        }),
        TypeKind::Record => ItemKind::Struct(Record {
            fields: Vec::new(),
            defined: false,
        }),
        TypeKind::Union => ItemKind::Union(Record {
            fields: Vec::new(),
            defined: false,
        }),
        TypeKind::Alias => ItemKind::Typedef(Typedef {
            ty: Type::Base(BaseType::Void),
        }),
        TypeKind::Module => ItemKind::Module(Module {
            dllname: None,
            functions: Vec::new(),
        }),
    }
}
