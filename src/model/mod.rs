//! The resolved model: plain data shared by every back end.
//!
//! Items live in one arena (`Vec<Arc<Item>>`, addressed by [`TypeId`]); names map to ids in
//! declaration order through `IndexMap`. Nothing here borrows source text; what several models
//! resolved from the same imports hold alike, they share (as [`load_each`](crate::load_each)
//! makes them). The rules that give meaning (vtable slots, DISPIDs, retval/out classification)
//! are computed in one place, once, for every front end; [`automation`] holds the VARTYPE
//! mapping.
//!
//! Every struct and enum that may gain a field or a variant is `#[non_exhaustive]`: read its
//! fields, match it with `..` or `_`; models are made by [`load`](crate::load).

mod ahead;
mod attrs;
pub mod automation;
mod eval;
pub(crate) mod layout;
mod resolve;
pub(crate) mod rules;
pub(crate) mod shared;
pub(crate) mod size;

use std::sync::Arc;

use indexmap::IndexMap;

pub use crate::diag::{FileId, Span};
pub use eval::Value;
pub(crate) use resolve::resolve;
#[cfg(test)]
pub(crate) use resolve::resolve_from;

/// The hasher of the model's name maps (a multiply-rotate hash over 8 bytes a step).
pub type NameHash = std::hash::BuildHasherDefault<crate::idl::NameHasher>;

/// Index of an item in [`Model::items`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub u32);

/// A GUID as written in IDL (`uuid(...)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Guid {
    pub data1: u32,
    pub data2: u16,
    pub data3: u16,
    pub data4: [u8; 8],
}

impl Guid {
    /// The GUID as one 128-bit number in its textual order (`0x4ba9eb90_732c_11d0_8816_00a0c903b83c`).
    pub fn to_u128(self) -> u128 {
        let mut v = (u128::from(self.data1) << 96)
            | (u128::from(self.data2) << 80)
            | (u128::from(self.data3) << 64);
        for (i, b) in self.data4.iter().enumerate() {
            v |= u128::from(*b) << (56 - 8 * i);
        }
        v
    }
}

impl std::fmt::Display for Guid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = &self.data4;
        write!(
            f,
            "{:08x}-{:04x}-{:04x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
            self.data1, self.data2, self.data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
        )
    }
}

/// Where an item was declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Origin {
    pub file: FileId,
    pub span: Span,
    /// 1-based line of the declaration's start, for dumps and messages.
    pub line: u32,
}

/// The whole resolved input.
///
/// Items and names are behind `Arc`s: models resolved from the same imports share what those
/// imports declare, so a clone costs a reference count per item, not a copy. Change an item
/// through [`Model::item_mut`] (`Arc::make_mut`: copied first if another model shares it).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Model {
    /// Every item, from the inputs and from everything they import.
    pub items: Vec<Arc<Item>>,
    /// Type names (typedefs, interfaces, coclasses, ...) to items. (These maps hash with
    /// [`NameHash`], not SipHash: resolution looks up every name it meets; their order is
    /// insertion order whatever the hash.)
    pub names: IndexMap<Arc<str>, TypeId, NameHash>,
    /// `struct`/`union`/`enum` tags to items (C keeps tags apart from type names).
    pub tags: IndexMap<Arc<str>, TypeId, NameHash>,
    /// Constants and enum values by name.
    pub constants: IndexMap<Arc<str>, Value, NameHash>,
    pub libraries: Vec<Library>,
    /// The files given as inputs (as opposed to imported ones).
    pub roots: Vec<FileId>,
    /// `cpp_quote` texts per file, in order.
    pub cpp_quotes: Vec<(FileId, Arc<str>)>,
    /// Every file's path, indexed by `FileId`.
    pub files: Arc<Vec<std::path::PathBuf>>,
    /// Files that idlgen carries itself (the embedded base set), as opposed to user files.
    pub builtin_files: Vec<FileId>,
    /// Files reached only through MIDL's implicit imports of a library statement (oleidl.idl),
    /// which `--with-imports` does not generate: the user imported nothing from them.
    pub implicit_files: Vec<FileId>,
}

impl Model {
    pub fn item(&self, id: TypeId) -> &Item {
        &self.items[id.0 as usize]
    }

    /// The item to change: its own copy if another model shares it.
    pub fn item_mut(&mut self, id: TypeId) -> &mut Item {
        Arc::make_mut(&mut self.items[id.0 as usize])
    }

    pub fn lookup(&self, name: &str) -> Option<TypeId> {
        self.names.get(name).copied()
    }

    /// Items declared in the input files themselves, in declaration order.
    pub fn root_items(&self) -> impl Iterator<Item = (TypeId, &Item)> {
        self.items
            .iter()
            .enumerate()
            .filter(|(_, it)| it.origin.is_some_and(|o| self.roots.contains(&o.file)))
            .map(|(i, it)| (TypeId(i as u32), &**it))
    }

    /// Treats every user file (all but the base set) as an input, so back ends emit what the
    /// inputs import too. The inputs stay inputs, base files among them (`idlgen rust
    /// --with-imports OAIdl.Idl` emits OAIdl.Idl's own declarations).
    pub fn include_imported_user_files(&mut self) {
        self.roots = (0..self.files.len() as u32)
            .map(FileId)
            .filter(|f| {
                self.roots.contains(f)
                    || !self.builtin_files.contains(f) && !self.implicit_files.contains(f)
            })
            .collect();
    }

    /// Whether the item comes from idlgen's embedded base set (so the runtime crate provides it).
    pub fn is_builtin(&self, id: TypeId) -> bool {
        self.item(id)
            .origin
            .is_some_and(|o| self.builtin_files.contains(&o.file))
    }

    /// The name under which `id` is one of the base set's well-known types (`BSTR`, `VARIANT`,
    /// `DATE`, `GUID`, `HRESULT`, `IUnknown`...), which each back end maps to its own form (a
    /// VARTYPE in [`automation`], the runtime's Rust types): the item's name when the base set
    /// declares it (idlgen's embedded base files, or an SDK's own on the include path), `None`
    /// for every other item. A user's typedef that reuses such a name (`typedef long
    /// VARIANT_BOOL;`) is the user's own type, followed like any typedef: its Rust alias and its
    /// VARTYPE then agree (`i32`, VT_I4), where the name alone would make it VT_BOOL.
    pub fn well_known_name(&self, id: TypeId) -> Option<&str> {
        self.is_builtin(id).then(|| self.item(id).name.as_str())
    }

    /// The interface's chain from itself up to the root (IUnknown), nearest first.
    pub fn ancestors(&self, id: TypeId) -> Vec<TypeId> {
        let mut out = vec![id];
        let mut cur = id;
        while let ItemKind::Interface(i) = &self.item(cur).kind {
            match i.base {
                Some(b) if !out.contains(&b) => {
                    out.push(b);
                    cur = b;
                }
                _ => break,
            }
        }
        out
    }

    /// The type as written, with typedef names kept and `const` dropped (`LONG`, `BSTR`,
    /// `VARIANT*`, `IUnknown**`, `SAFEARRAY(BSTR)`, `unsigned long`): the dump's spelling.
    pub fn type_string(&self, ty: &Type) -> String {
        match ty {
            Type::Base(b) => base_type_name(*b).to_string(),
            // An anonymous record has no name as written.
            Type::Named(id) if self.item(*id).anonymous => String::new(),
            Type::Named(id) => self.item(*id).name.clone(),
            Type::Pointer { pointee, .. } => format!("{}*", self.type_string(pointee)),
            Type::Array(elem, Some(n)) => format!("{}[{n}]", self.type_string(elem)),
            Type::Array(elem, None) => format!("{}[]", self.type_string(elem)),
            Type::SafeArray(elem) => format!("SAFEARRAY({})", self.type_string(elem)),
            Type::Function => "function".to_string(),
        }
    }

    /// Whether an object built with the bindings of this model's root files can implement
    /// interface `id`: it has a base and its chain ends at the base set's IUnknown (a `[local]`
    /// C++ interface with no base, xaudio2's IXAudio20Voice, is not a COM object); no method in
    /// the chain is C-variadic (Rust cannot define one); and every base below IUnknown and
    /// IDispatch is declared in a root file, whose bindings then carry its implementation part.
    pub fn implementable(&self, id: TypeId) -> bool {
        let chain = self.ancestors(id);
        let is_root_file = |a: TypeId| {
            let origin = self.item(a).origin;
            self.roots
                .iter()
                .any(|r| origin.is_some_and(|o| o.file == *r))
        };
        let base_set = |a: TypeId, names: &[&str]| {
            self.is_builtin(a) && names.contains(&self.item(a).name.as_str())
        };
        matches!(&self.item(id).kind, ItemKind::Interface(i) if i.base.is_some())
            && !chain.iter().any(|a| match &self.item(*a).kind {
                ItemKind::Interface(ai) => ai.methods.iter().any(|m| m.variadic),
                _ => false,
            })
            && chain.last().is_some_and(|r| base_set(*r, &["IUnknown"]))
            && chain.iter().skip(1).all(|a| {
                (!self.is_builtin(*a) && is_root_file(*a))
                    || base_set(*a, &["IUnknown", "IDispatch"])
            })
    }

    /// Follows typedefs from `ty` until something that is not a plain typedef alias.
    pub fn strip_typedefs<'a>(&'a self, mut ty: &'a Type) -> &'a Type {
        let mut guard = 0;
        while let Type::Named(id) = ty {
            match &self.item(*id).kind {
                ItemKind::Typedef(t) if guard < 64 => {
                    ty = &t.ty;
                    guard += 1;
                }
                _ => break,
            }
        }
        ty
    }
}

/// One named declaration.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Item {
    /// The declared name; for an anonymous record nested in a named one, the name the model's
    /// rules give it (`S_0`, see [`anonymous`](Item::anonymous)).
    pub name: String,
    /// Declared without a name: a record or enum written in place (`union { ... } u;` in a
    /// struct), named `Parent_0`, `Parent_1`, ... by the model's rules where a named record
    /// holds it, or left with an empty name where nothing does (`enum { A, B };`).
    pub anonymous: bool,
    pub origin: Option<Origin>,
    pub helpstring: Option<String>,
    pub kind: ItemKind,
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ItemKind {
    Interface(Interface),
    Dispinterface(Dispinterface),
    Coclass(Coclass),
    Enum(Enum),
    Struct(Record),
    Union(Record),
    Typedef(Typedef),
    Module(Module),
    /// `const TYPE NAME = value;` (also listed by name in [`Model::constants`]).
    Const(Const),
}

impl ItemKind {
    pub fn kind_name(&self) -> &'static str {
        match self {
            ItemKind::Interface(_) => "interface",
            ItemKind::Dispinterface(_) => "dispinterface",
            ItemKind::Coclass(_) => "coclass",
            ItemKind::Enum(_) => "enum",
            ItemKind::Struct(_) => "struct",
            ItemKind::Union(_) => "union",
            ItemKind::Typedef(_) => "typedef",
            ItemKind::Module(_) => "module",
            ItemKind::Const(_) => "const",
        }
    }
}

#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Interface {
    pub uuid: Option<Guid>,
    pub base: Option<TypeId>,
    /// `false` while only a forward declaration has been seen.
    pub defined: bool,
    pub object: bool,
    pub dual: bool,
    pub oleautomation: bool,
    pub local: bool,
    /// Derives (directly or not) from the base set's IDispatch, or is it: its vtable starts with
    /// IDispatch's. Set by the layout rules; back ends read it (the Rust back end's IDispatch root).
    pub dispatchable: bool,
    /// Depth in the inheritance chain: IUnknown 0, IDispatch 1, ...
    pub depth: u32,
    /// Number of inherited vtable slots.
    pub first_slot: u32,
    pub methods: Vec<Method>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvokeKind {
    Method,
    PropGet,
    PropPut,
    PropPutRef,
}

impl InvokeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InvokeKind::Method => "method",
            InvokeKind::PropGet => "propget",
            InvokeKind::PropPut => "propput",
            InvokeKind::PropPutRef => "propputref",
        }
    }
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Method {
    /// The member name as declared (accessors share it: `Name`, not `get_Name`).
    pub name: String,
    /// Absolute vtable index; `None` for a `[call_as]` method, which has no slot of its own.
    pub slot: Option<u32>,
    pub dispid: i32,
    /// Whether `dispid` came from an explicit `[id(n)]`.
    pub explicit_id: bool,
    pub invkind: InvokeKind,
    pub ret: Type,
    pub params: Vec<Param>,
    pub restricted: bool,
    pub hidden: bool,
    pub local: bool,
    pub vararg: bool,
    /// C's `...` ends the parameter list: only C can call it (the slot is `extern "C"`, as
    /// MSVC makes every variadic function `__cdecl`), and Rust cannot implement it.
    pub variadic: bool,
    /// `[call_as(X)]`: the local method this one is the remote twin of.
    pub call_as: Option<String>,
    /// How many later methods of the interface are C++ overloads of this one (the same name and
    /// kind: dwrite_3's three `GetPropertyValues`); C and Rust have one name per method, so
    /// [`Method::vtable_name`] gets one `_` for each, as widl names them in its C vtables.
    /// Set by the layout rules.
    pub later_overloads: u32,
    pub helpstring: Option<String>,
    /// Attribute names as written, in order, for the dump.
    pub attributes: Vec<String>,
    pub span: Option<Span>,
}

impl Method {
    /// The name of the vtable field / C method: accessors get `get_`, `put_`, `putref_`; an
    /// overload one `_` for every later overload ([`Method::later_overloads`]:
    /// `GetPropertyValues__`, `GetPropertyValues_`, `GetPropertyValues`).
    pub fn vtable_name(&self) -> String {
        let prefix = match self.invkind {
            InvokeKind::Method => "",
            InvokeKind::PropGet => "get_",
            InvokeKind::PropPut => "put_",
            InvokeKind::PropPutRef => "putref_",
        };
        let overloads = "_".repeat(self.later_overloads as usize);
        format!("{prefix}{}{overloads}", self.name)
    }

    pub fn retval(&self) -> Option<&Param> {
        self.params.iter().find(|p| p.retval)
    }
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Param {
    pub name: String,
    pub ty: Type,
    pub is_in: bool,
    pub is_out: bool,
    /// The method's return value: the first parameter marked `[retval]` (set by the model's
    /// rules from [`retval_declared`](Param::retval_declared)); what bindings return.
    pub retval: bool,
    /// Marked `[retval]` (PARAMFLAG_FRETVAL in a type library), as declared. MIDL allows one per
    /// method; widl accepts several (wmp.idl), of which only the first is the return value.
    pub retval_declared: bool,
    pub lcid: bool,
    pub optional: bool,
    pub default: Option<Value>,
    /// `[size_is]`, `[iid_is]`, `[string]` and the like make a pointer parameter more than a
    /// pointer to one value; the Rust back end then keeps it raw.
    pub sized: bool,
    pub span: Option<Span>,
}

/// A type as the model knows it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Type {
    Base(BaseType),
    /// A declared item: typedef, struct, union, enum, interface, coclass.
    Named(TypeId),
    Pointer {
        pointee: Box<Type>,
        /// `const T *`
        pointee_const: bool,
    },
    /// `T[N]` (`None` for `[]` or `[*]`).
    Array(Box<Type>, Option<u64>),
    SafeArray(Box<Type>),
    /// A function pointer typedef's target.
    Function,
}

pub use crate::idl::ast::BaseType;

/// The canonical IDL spelling of a base type.
pub fn base_type_name(b: BaseType) -> &'static str {
    match b {
        BaseType::Void => "void",
        BaseType::Char => "char",
        BaseType::UChar => "unsigned char",
        BaseType::SChar => "small",
        BaseType::Short => "short",
        BaseType::UShort => "unsigned short",
        BaseType::Int => "int",
        BaseType::UInt => "unsigned int",
        BaseType::Long => "long",
        BaseType::ULong => "unsigned long",
        BaseType::Hyper => "hyper",
        BaseType::UHyper => "unsigned hyper",
        BaseType::Int64 => "__int64",
        BaseType::UInt64 => "unsigned __int64",
        BaseType::Int32 => "__int32",
        BaseType::UInt32 => "unsigned __int32",
        BaseType::Int3264 => "__int3264",
        BaseType::UInt3264 => "unsigned __int3264",
        BaseType::Float => "float",
        BaseType::Double => "double",
        BaseType::Boolean => "boolean",
        BaseType::Byte => "byte",
        BaseType::WChar => "wchar_t",
        BaseType::HandleT => "handle_t",
        BaseType::ErrorStatusT => "error_status_t",
    }
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Dispinterface {
    pub uuid: Option<Guid>,
    pub properties: Vec<DispProperty>,
    pub methods: Vec<Method>,
    /// `dispinterface D { interface I; }`: the interface whose members D exposes.
    pub interface: Option<TypeId>,
}

impl Dispinterface {
    /// The members as `IDispatch` calls them: each property as its getter and, unless
    /// read-only, its setter (`propget`/`propput` with the property's DISPID), then the methods.
    /// The Rust back end's traits and `DISPIDS` table and the DISPID text table all list these.
    pub fn members(&self) -> Vec<Method> {
        let mut out = Vec::with_capacity(2 * self.properties.len() + self.methods.len());
        for p in &self.properties {
            out.push(p.accessor(InvokeKind::PropGet, p.ty.clone(), Vec::new()));
            if !p.readonly {
                let value = Param {
                    name: "value".into(),
                    ty: p.ty.clone(),
                    is_in: true,
                    is_out: false,
                    retval: false,
                    retval_declared: false,
                    lcid: false,
                    optional: false,
                    default: None,
                    sized: false,
                    span: None,
                };
                let void = Type::Base(BaseType::Void);
                out.push(p.accessor(InvokeKind::PropPut, void, vec![value]));
            }
        }
        out.extend(self.methods.iter().cloned());
        out
    }
}

impl DispProperty {
    fn accessor(&self, invkind: InvokeKind, ret: Type, params: Vec<Param>) -> Method {
        Method {
            name: self.name.clone(),
            slot: None,
            dispid: self.dispid,
            explicit_id: true,
            invkind,
            ret,
            params,
            restricted: false,
            hidden: false,
            local: false,
            vararg: false,
            variadic: false,
            call_as: None,
            later_overloads: 0,
            helpstring: None,
            attributes: Vec::new(),
            span: None,
        }
    }
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DispProperty {
    pub name: String,
    pub ty: Type,
    pub dispid: i32,
    /// Whether `dispid` came from an explicit `[id(n)]`.
    pub explicit_id: bool,
    pub readonly: bool,
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Coclass {
    pub uuid: Option<Guid>,
    pub interfaces: Vec<CoclassInterface>,
    pub noncreatable: bool,
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CoclassInterface {
    pub id: TypeId,
    pub default: bool,
    pub source: bool,
    pub restricted: bool,
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Enum {
    pub values: Vec<(String, i64)>,
    pub v1_enum: bool,
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Record {
    pub fields: Vec<RecordField>,
    /// `false` while only `struct Tag` has been referenced.
    pub defined: bool,
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordField {
    pub name: Option<String>,
    pub ty: Type,
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Typedef {
    pub ty: Type,
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Const {
    pub ty: Type,
    pub value: Value,
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Module {
    pub dllname: Option<String>,
    pub functions: Vec<Method>,
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Library {
    pub name: String,
    pub uuid: Option<Guid>,
    pub version: Option<(u16, u16)>,
    pub lcid: u32,
    pub helpstring: Option<String>,
    /// Types declared in or referenced from the library block, in order.
    pub types: Vec<TypeId>,
    pub origin: Option<Origin>,
}
