//! From syntax trees to the model: names declared, then every use resolved, then the layout rules.
//!
//! Files are visited in the order the front end gives them (imports before importers), so a name
//! declared in an imported file is known where it is used. Forward declarations (`interface IFoo;`,
//! `struct Tag`) make an item that the definition later fills in.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;

use indexmap::IndexMap;

use super::ahead::{Ahead, Later, names_in};
use super::attrs::{Attrs, Flags};
use super::eval::{Value, eval};
use super::{
    Coclass, CoclassInterface, DispProperty, Dispinterface, Enum, Interface, InvokeKind, Item,
    ItemKind, Library, Method, Model, Module, Origin, Param, Record, RecordField, Type, TypeId,
    Typedef, layout,
};
use crate::diag::{Diagnostic, FileId, SourceMap, Span};
use crate::idl::Parsed;
use crate::idl::ast;

/// Resolves parsed files into a model, or reports the first error with its position.
pub(crate) fn resolve(parsed: &Parsed) -> crate::diag::Result<Model> {
    resolve_files(parsed, &parsed.roots, true)
}

/// Resolves only what `roots` reach through their imports: the model `load_each` makes for each
/// of several inputs parsed together (its tests compare them).
#[cfg(test)]
pub(crate) fn resolve_from(parsed: &Parsed, roots: &[FileId]) -> crate::diag::Result<Model> {
    resolve_files(parsed, roots, false)
}

fn resolve_files(
    parsed: &Parsed,
    roots: &[FileId],
    everything: bool,
) -> crate::diag::Result<Model> {
    crate::stack::on_own_stack("resolution", || resolve_here(parsed, roots, everything))
}

fn resolve_here(parsed: &Parsed, roots: &[FileId], everything: bool) -> crate::diag::Result<Model> {
    let then: &[ast::File] = if everything { &parsed.files } else { &[] };
    // Resolving everything read, the model's names number about what its text suggests: room
    // for them up front rather than a dozen rehashes of each map on the way there. A Wine file
    // with its imports declares a type per ~180 bytes of IDL, and a constant or enum value per
    // ~350 (dxgidebug.idl: 771 and 403 in 142 KB).
    let bytes: usize = (parsed.sources.files())
        .filter(|_| everything)
        .map(|(_, f)| f.text.len())
        .sum();
    let room = Room {
        names: bytes / 180,
        constants: bytes / 350,
    };
    resolve_parts(&parsed.sources, &file_map(parsed), roots, then, room)
}

/// How many names and constants to make room for in a model at the start.
#[derive(Clone, Copy, Default)]
pub(super) struct Room {
    pub names: usize,
    pub constants: usize,
}

/// Resolution from the parts of a [`Parsed`], on this thread: from the inputs, each import in
/// place; then any file of `then` no input reached.
pub(super) fn resolve_parts(
    sources: &SourceMap,
    files: &HashMap<FileId, &ast::File>,
    roots: &[FileId],
    then: &[ast::File],
    room: Room,
) -> crate::diag::Result<Model> {
    let mut state = State::empty(sources);
    state.model.names.reserve(room.names);
    state.model.constants.reserve(room.constants);
    let mut r = Resolver::new(sources, files, state);
    r.model.roots = roots.to_vec();
    for &root in roots {
        r.file(root)?;
    }
    for file in then {
        r.file(file.id)?;
    }
    r.finish()
}

/// Every parsed file by id.
pub(super) fn file_map(parsed: &Parsed) -> HashMap<FileId, &ast::File> {
    parsed.files.iter().map(|f| (f.id, f)).collect()
}

/// The files `root` imports before it declares anything (before its first item other than
/// `import`, `importlib`, a pragma or a `cpp_quote`), and how many of its items those imports
/// take; none when `root` itself is among what they import (an import cycle back to it, which
/// the resolution of `root` alone would cut short). A `cpp_quote` among them declares nothing
/// and is recorded after the imports (see [`Resolver::leading_quotes`]): 297 of the SDK's
/// inputs start with `cpp_quote("#include <winapifamily.h>")`, and would otherwise share no
/// resolution of their imports with other inputs.
fn leading_imports(files: &HashMap<FileId, &ast::File>, root: FileId) -> (Vec<FileId>, usize) {
    let Some(file) = files.get(&root) else {
        return (Vec::new(), 0);
    };
    let mut names = 0;
    let mut items = 0;
    for item in &file.items {
        match item {
            ast::Item::Import(n) => names += n.len(),
            ast::Item::ImportLib(_) | ast::Item::Pragma(_) | ast::Item::CppQuote(_) => {}
            _ => break,
        }
        items += 1;
    }
    let Some(imports) = file.imports.get(..names) else {
        return (Vec::new(), 0);
    };
    // Every file the imports reach.
    let mut seen: std::collections::HashSet<FileId> = imports.iter().copied().collect();
    let mut stack: Vec<FileId> = imports.to_vec();
    while let Some(id) = stack.pop() {
        if id == root {
            return (Vec::new(), 0);
        }
        if let Some(f) = files.get(&id) {
            for &next in &f.imports {
                if seen.insert(next) {
                    stack.push(next);
                }
            }
        }
    }
    (imports.to_vec(), items)
}

/// The steps that resolve what `root`'s leading imports (see [`leading_imports`]) reach, in the
/// order a resolution of `root` alone takes them: each step a file whose own leading imports
/// are done by the steps before it (see [`Resolver::rest`]). Inputs that import in different
/// words what comes to the same files (`import "ocidl.idl";` and `import "oaidl.idl"; import
/// "ocidl.idl";`) then begin with the same steps, and share their resolution.
/// `None` when imports nest too deep to flatten: the input is then resolved alone.
pub(super) fn leading_steps(
    files: &HashMap<FileId, &ast::File>,
    root: FileId,
) -> Option<Vec<FileId>> {
    let mut done: std::collections::HashSet<FileId> = std::collections::HashSet::new();
    done.insert(root);
    let mut steps = Vec::new();
    for import in leading_imports(files, root).0 {
        if !add_steps(files, import, &mut done, &mut steps, 0) {
            return None;
        }
    }
    Some(steps)
}

/// Adds the steps that resolve `id` (its leading imports first, then the rest of it) to
/// `steps`, unless `done` holds it; afterwards `done` holds every file `id` reaches. `false`
/// when imports nest deeper than the loader allows (a [`Parsed`] made by hand).
fn add_steps(
    files: &HashMap<FileId, &ast::File>,
    id: FileId,
    done: &mut std::collections::HashSet<FileId>,
    steps: &mut Vec<FileId>,
    depth: usize,
) -> bool {
    if !done.insert(id) {
        return true;
    }
    if depth > MAX_STEP_DEPTH {
        return false;
    }
    for import in leading_imports(files, id).0 {
        if !add_steps(files, import, done, steps, depth + 1) {
            return false;
        }
    }
    steps.push(id);
    // What the step itself imports later on: done once it is.
    let mut stack = vec![id];
    while let Some(f) = stack.pop() {
        if let Some(file) = files.get(&f) {
            for &next in &file.imports {
                if done.insert(next) {
                    stack.push(next);
                }
            }
        }
    }
    true
}

/// The loader nests imports at most 200 deep.
const MAX_STEP_DEPTH: usize = 256;

/// The rest of [`resolve_from`]`(parsed, &[root])` given the state its leading steps (see
/// [`leading_steps`]) left.
pub(super) fn resolve_after_imports(
    files: &HashMap<FileId, &ast::File>,
    sources: &SourceMap,
    root: FileId,
    state: State,
) -> crate::diag::Result<Model> {
    let mut r = Resolver::new(sources, files, state);
    r.model.roots = vec![root];
    r.rest(root, false)?;
    r.finish()
}

/// What resolution has built so far: a model and the bookkeeping beside it.
#[derive(Clone)]
pub(crate) struct State {
    model: Model,
    defined: IndexMap<Arc<str>, Span, crate::idl::FastHash>,
    file_state: HashMap<FileId, bool>,
    later_bases: Vec<(TypeId, ast::Ident)>,
}

/// Whether `path` is one of the base files (`unknwn.idl`, `oaidl.idl`, ...): idlgen's embedded
/// copy, or the SDK's own where an include path supplies it. Either way their types are the ones
/// the runtime crate provides (IUnknown, IDispatch, BSTR, VARIANT...), so bindings do not depend
/// on whether a Windows SDK was on the include path.
fn is_base_file(path: &std::path::Path) -> bool {
    path.starts_with(crate::idl::BUILTIN_DIR)
        || path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            crate::idl::builtin_files()
                .iter()
                .chain(&SDK_BASE_PARTS)
                .any(|b| b.eq_ignore_ascii_case(n))
        })
}

/// The files into which the Windows SDK splits the base set, part of it like the five: `unknwn.idl`
/// `#include`s `unknwnbase.idl` (IUnknown itself), `objidl.idl` `#include`s `objidlbase.idl`, and
/// `wtypesbase.idl` imports the C headers `basetsd.h` and `guiddef.h` (GUID, INT_PTR...).
const SDK_BASE_PARTS: [&str; 4] = ["unknwnbase.idl", "objidlbase.idl", "basetsd.h", "guiddef.h"];

/// How many names the maps of an empty [`State`] have room for.
const NAMES_ROOM: usize = 2048;

impl State {
    /// Nothing resolved yet.
    pub(super) fn empty(sources: &SourceMap) -> State {
        let model = Model {
            files: Arc::new(
                sources
                    .files()
                    .map(|(_, f)| f.path.clone())
                    .collect::<Vec<PathBuf>>(),
            ),
            builtin_files: sources
                .files()
                .filter(|(_, f)| is_base_file(&f.path))
                .map(|(id, _)| id)
                .collect(),
            implicit_files: sources
                .files()
                .filter(|(_, f)| f.implicit_only && !is_base_file(&f.path))
                .map(|(id, _)| id)
                .collect(),
            // Room for what a Wine file with its imports declares (~1300 names, ~500
            // constants), rather than a dozen rehashes on the way there.
            names: IndexMap::with_capacity_and_hasher(NAMES_ROOM, Default::default()),
            tags: IndexMap::with_capacity_and_hasher(NAMES_ROOM / 8, Default::default()),
            constants: IndexMap::with_capacity_and_hasher(NAMES_ROOM / 2, Default::default()),
            ..Model::default()
        };
        State {
            model,
            defined: IndexMap::with_capacity_and_hasher(NAMES_ROOM, Default::default()),
            file_state: HashMap::new(),
            later_bases: Vec::new(),
        }
    }
}

pub(super) struct Resolver<'a> {
    sources: &'a SourceMap,
    model: Model,
    /// Where each name was defined (not merely forward-declared), for duplicate errors.
    defined: IndexMap<Arc<str>, Span, crate::idl::FastHash>,
    /// Every parsed file by id.
    files: &'a HashMap<FileId, &'a ast::File>,
    /// For each file being resolved, the files its `import`s not yet reached name.
    pending_imports: HashMap<FileId, VecDeque<FileId>>,
    /// Files being resolved (`false`) or done (`true`).
    file_state: HashMap<FileId, bool>,
    /// Interfaces whose base was only forward-declared where they were defined.
    later_bases: Vec<(TypeId, ast::Ident)>,
    /// Files being resolved, outermost first.
    stack: Vec<FileId>,
    /// Declarations taken ahead of their place (see [`super::ahead`]).
    ahead: Ahead<'a>,
}

type R<T> = Result<T, Diagnostic>;

impl<'a> Resolver<'a> {
    pub(super) fn new(
        sources: &'a SourceMap,
        files: &'a HashMap<FileId, &'a ast::File>,
        state: State,
    ) -> Resolver<'a> {
        Resolver {
            sources,
            model: state.model,
            defined: state.defined,
            files,
            pending_imports: HashMap::new(),
            file_state: state.file_state,
            later_bases: state.later_bases,
            stack: Vec::new(),
            ahead: Ahead::default(),
        }
    }

    pub(super) fn into_state(self) -> State {
        State {
            model: self.model,
            defined: self.defined,
            file_state: self.file_state,
            later_bases: self.later_bases,
        }
    }

    /// Lays out what is resolved so far, before the state is shared: each model made from it
    /// then finds the shared items laid out and leaves them shared (see [`super::rules`]),
    /// where each would otherwise lay out, and so copy, every one of them. An error (an
    /// inheritance cycle) is left for [`Resolver::finish`] to report: it finds it again.
    pub(super) fn lay_out_shared(&mut self) {
        let _ = super::rules::apply(&mut self.model);
    }

    /// The checks and rules that need everything resolved; the model.
    fn finish(mut self) -> crate::diag::Result<Model> {
        self.check_later_bases()?;
        if let Err(cycle) = super::rules::apply(&mut self.model) {
            return Err(self.cycle_error(cycle).into());
        }
        Ok(self.model)
    }
}

impl Resolver<'_> {
    fn origin(&self, span: Span) -> Origin {
        let line = self
            .sources
            .get(span.file)
            .map_or(0, |f| f.line(span.start as usize));
        Origin {
            file: span.file,
            span,
            line: u32::try_from(line).unwrap_or(u32::MAX),
        }
    }

    fn push(&mut self, name: &str, span: Span, kind: ItemKind) -> TypeId {
        let id = TypeId(u32::try_from(self.model.items.len()).unwrap_or(u32::MAX));
        let origin = self.origin(span);
        self.model.items.push(Arc::new(Item {
            name: name.to_string(),
            anonymous: false,
            origin: Some(origin),
            helpstring: None,
            kind,
        }));
        id
    }

    fn item_mut(&mut self, id: TypeId) -> &mut Item {
        self.model.item_mut(id)
    }

    /// Records a definition of `name`; a second definition is an error pointing at both.
    fn define(&mut self, name: &ast::Ident) -> R<()> {
        if let Some(first) = self.defined.get(name.name.as_str()) {
            // The very same declaration again: a C header #included by two IDL files, each
            // preprocessed on its own, as MIDL does (guiddef.h's GUID through wlanihvui.idl's
            // imports and its own #include).
            if *first == name.span {
                return Ok(());
            }
            let mut d = self
                .sources
                .error(
                    name.span,
                    format!("duplicate definition of `{}`", name.name),
                )
                .with_label("defined again here");
            if let Some(loc) = self.sources.locate(*first) {
                d = d.with_note(format!(
                    "first defined at {}:{}:{}",
                    loc.path.display(),
                    loc.line,
                    loc.col
                ));
            }
            return Err(d);
        }
        self.defined.insert(name.name.shared(), name.span);
        Ok(())
    }

    /// Like [`Resolver::define`] for a typedef's name. MIDL lets a typedef shadow a type
    /// declared in another (imported) file, and only a redefinition within one file is an error
    /// (widl follows it: Wine's dxgitype.idl retypes `UINT`, dcommon.idl `POINT`); returns
    /// whether an earlier definition is shadowed.
    fn define_typedef(&mut self, name: &ast::Ident) -> R<bool> {
        match self.defined.get(name.name.as_str()) {
            Some(first) if first.file != name.span.file => {
                self.defined.insert(name.name.shared(), name.span);
                Ok(true)
            }
            _ => self.define(name).map(|()| false),
        }
    }

    /// Resolves a file's declarations, each imported file where its `import` stands (MIDL
    /// reads an import in place: the imported file sees what the importer declared before it,
    /// as Wine's amva.h, imported by videoacc.idl, uses its `DDSCAPS2`). A file already done or
    /// being resolved (an import cycle) is skipped.
    fn file(&mut self, id: FileId) -> R<()> {
        if self.file_state.contains_key(&id) {
            return Ok(());
        }
        let Some(&file) = self.files.get(&id) else {
            return Ok(());
        };
        self.in_file(id, &file.imports, |r| {
            // The leading imports first, then the quotes among them, as `rest` records them.
            let (_, skip) = leading_imports(r.files, id);
            let (head, body) = file.items.split_at(skip.min(file.items.len()));
            for item in head {
                if !matches!(item, ast::Item::CppQuote(_)) {
                    r.item(id, item, None)?;
                }
            }
            r.leading_quotes(id, head);
            r.items(id, body, None)
        })
    }

    /// Resolves file `id` with `resolve`, `imports` being the imports its items are still to
    /// reach (each where its `import` stands): the file is being resolved meanwhile (an import
    /// of it is a cycle), and done afterwards.
    fn in_file(
        &mut self,
        id: FileId,
        imports: &[FileId],
        resolve: impl FnOnce(&mut Self) -> R<()>,
    ) -> R<()> {
        self.file_state.insert(id, false);
        self.pending_imports
            .insert(id, imports.iter().copied().collect());
        self.stack.push(id);
        resolve(self)?;
        // Imports a walk of the items did not reach (none, as the loader records them).
        let rest = self.pending_imports.remove(&id).unwrap_or_default();
        for imported in rest {
            self.file(imported)?;
        }
        self.stack.pop();
        self.file_state.insert(id, true);
        Ok(())
    }

    /// Resolves file `id` after its leading imports (see [`leading_imports`]), which earlier
    /// steps have resolved: the same as [`Resolver::file`] from there. `skip_done`: a file
    /// already resolved is not resolved again (a root is always resolved: it is the input).
    pub(super) fn rest(&mut self, id: FileId, skip_done: bool) -> R<()> {
        if skip_done && self.file_state.contains_key(&id) {
            return Ok(());
        }
        let Some(&file) = self.files.get(&id) else {
            return Ok(());
        };
        let (imports, skip) = leading_imports(self.files, id);
        let later = file.imports.get(imports.len()..).unwrap_or_default();
        self.in_file(id, later, |r| {
            r.leading_quotes(id, file.items.get(..skip).unwrap_or_default());
            r.items(id, file.items.get(skip..).unwrap_or_default(), None)
        })
    }

    /// Records the `cpp_quote`s among a file's leading imports, after those imports: the same
    /// place whether the imports were resolved here or in a shared step (see
    /// [`leading_imports`]). Only quotes of one file keep an order that matters (a back end
    /// reads the inputs' own quotes), and that order is kept.
    fn leading_quotes(&mut self, file: FileId, head: &[ast::Item]) {
        for item in head {
            if let ast::Item::CppQuote(s) = item {
                self.model
                    .cpp_quotes
                    .push((file, Arc::from(s.value.as_str())));
            }
        }
    }

    fn items(&mut self, file: FileId, items: &[ast::Item], lib: Option<usize>) -> R<()> {
        for item in items {
            let declared = self.item(file, item, lib)?;
            if let (Some(lib), Some(id)) = (lib, declared)
                && !self.model.libraries[lib].types.contains(&id)
            {
                self.model.libraries[lib].types.push(id);
            }
        }
        Ok(())
    }

    /// Resolves one declaration; returns the item it declares or names, if any.
    fn item(&mut self, file: FileId, item: &ast::Item, lib: Option<usize>) -> R<Option<TypeId>> {
        if !self.ahead.done.is_empty()
            && let Some(&declared) = self.ahead.done.get(&(item as *const ast::Item as usize))
        {
            return Ok(declared);
        }
        Ok(match item {
            ast::Item::Import(names) => {
                for _ in names {
                    let next = self
                        .pending_imports
                        .get_mut(&file)
                        .and_then(VecDeque::pop_front);
                    if let Some(imported) = next {
                        self.file(imported)?;
                    }
                }
                None
            }
            ast::Item::ImportLib(_) | ast::Item::Pragma(_) => None,
            ast::Item::CppQuote(s) => {
                self.model
                    .cpp_quotes
                    .push((file, Arc::from(s.value.as_str())));
                None
            }
            ast::Item::Forward(f) => Some(self.forward(f)?),
            ast::Item::Interface(i) => Some(self.interface(i)?),
            ast::Item::Dispinterface(d) => Some(self.dispinterface(d)?),
            ast::Item::Coclass(c) => Some(self.coclass(c)?),
            ast::Item::Library(l) => {
                self.library(file, l)?;
                None
            }
            ast::Item::Module(m) => Some(self.module(m)?),
            ast::Item::Typedef(t) => {
                let ids = self.typedef(t)?;
                let _ = lib;
                ids.first().copied()
            }
            ast::Item::TypeDecl(a) => self.type_decl(&a.attrs, &a.item)?,
            ast::Item::Const(c) => {
                self.constant(c)?;
                None
            }
            // A file-scope function declares nothing a back end binds today; its types must
            // still resolve.
            ast::Item::Function(m) => {
                self.method(m)?;
                None
            }
            // `extern const FMTID X;` declares a variable defined elsewhere: its type must
            // resolve; the model has no variables.
            ast::Item::Extern(e) => {
                self.ty(&e.ty)?;
                None
            }
        })
    }

    fn forward(&mut self, f: &ast::Forward) -> R<TypeId> {
        if let Some(id) = self.model.lookup(&f.name.name) {
            return Ok(id);
        }
        let kind = match f.kind {
            ast::ForwardKind::Interface => ItemKind::Interface(Interface::default()),
            ast::ForwardKind::Dispinterface => ItemKind::Dispinterface(Dispinterface {
                uuid: None,
                properties: Vec::new(),
                methods: Vec::new(),
                interface: None,
            }),
            ast::ForwardKind::Coclass => ItemKind::Coclass(Coclass {
                uuid: None,
                interfaces: Vec::new(),
                noncreatable: false,
            }),
        };
        let id = self.push(&f.name.name, f.name.span, kind);
        self.model.names.insert(f.name.name.shared(), id);
        Ok(id)
    }

    /// The item for a name being defined: the forward-declared one if there is one, else new.
    fn declare(&mut self, name: &ast::Ident, span: Span, kind: ItemKind) -> R<TypeId> {
        self.define(name)?;
        self.declare_defined(name, span, kind)
    }

    /// [`Resolver::declare`] after the name's definition is recorded.
    fn declare_defined(&mut self, name: &ast::Ident, span: Span, kind: ItemKind) -> R<TypeId> {
        let id = match self.model.lookup(&name.name) {
            Some(id) if same_kind(&self.model.item(id).kind, &kind) => {
                let origin = self.origin(span);
                let it = self.item_mut(id);
                it.kind = kind;
                it.origin = Some(origin);
                id
            }
            Some(id) => {
                let other = self.model.item(id).kind.kind_name();
                return Err(self
                    .sources
                    .error(
                        name.span,
                        format!("`{}` is already declared as a {other}", name.name),
                    )
                    .with_label("a different kind of declaration"));
            }
            None => self.push(&name.name, span, kind),
        };
        self.model.names.insert(name.name.shared(), id);
        Ok(id)
    }

    fn interface(&mut self, i: &ast::Interface) -> R<TypeId> {
        let attrs = Attrs(&i.attrs);
        let id = self.declare(&i.name, i.span, ItemKind::Interface(Interface::default()))?;
        let base = match &i.base {
            Some(b) => {
                let bid = self.lookup(b)?;
                match &self.model.item(bid).kind {
                    ItemKind::Interface(bi) if bi.defined => {}
                    // Declared but defined later (Wine's msxml2.idl derives ISAXXMLFilter from
                    // ISAXXMLReader before defining it; widl accepts it), or the interface
                    // itself: checked at the end, where inheritance cycles are found.
                    ItemKind::Interface(_) => self.later_bases.push((id, b.clone())),
                    other => {
                        return Err(self
                            .sources
                            .error(
                                b.span,
                                format!(
                                    "base `{}` is a {}, not an interface",
                                    b.name,
                                    other.kind_name()
                                ),
                            )
                            .with_label("expected an interface"));
                    }
                }
                Some(bid)
            }
            None => None,
        };
        let mut methods = Vec::new();
        for member in &i.body {
            match member {
                ast::InterfaceMember::Method(m) => {
                    let method = self.method(m)?;
                    // C's `...` cannot be marshaled: MIDL takes it in local methods only.
                    if method.variadic && !method.local && !attrs.has("local") {
                        return Err(self
                            .sources
                            .error(
                                m.name.span,
                                format!(
                                    "`{}` takes a variable argument list (`...`), which only a \
                                     [local] method or interface may",
                                    m.name.name
                                ),
                            )
                            .with_label("not [local]"));
                    }
                    methods.push(method);
                }
                ast::InterfaceMember::Item(item) => {
                    self.item(i.span.file, item, None)?;
                }
            }
        }
        let helpstring = attrs.string("helpstring");
        let it = self.item_mut(id);
        it.helpstring = helpstring;
        it.kind = ItemKind::Interface(Interface {
            uuid: attrs.uuid(),
            base,
            defined: true,
            object: attrs.has("object"),
            dual: attrs.has("dual"),
            oleautomation: attrs.has("oleautomation"),
            local: attrs.has("local"),
            methods,
            ..Interface::default()
        });
        Ok(id)
    }

    fn method(&mut self, m: &ast::Method) -> R<Method> {
        let attrs = Attrs(&m.attrs);
        let flags = attrs.flags();
        let invkind = if flags.has(Flags::PROPGET) {
            InvokeKind::PropGet
        } else if flags.has(Flags::PROPPUT) {
            InvokeKind::PropPut
        } else if flags.has(Flags::PROPPUTREF) {
            InvokeKind::PropPutRef
        } else {
            InvokeKind::Method
        };
        let id = flags.has(Flags::ID).then(|| attrs.expr("id")).flatten();
        let (dispid, explicit_id) = match id {
            Some(e) => (self.int_attr(e, "id")?, true),
            None => (0, false),
        };
        let mut params = Vec::with_capacity(m.params.len());
        for (index, p) in m.params.iter().enumerate() {
            params.push(self.param(p, index)?);
        }
        Ok(Method {
            name: String::from(m.name.name.as_str()),
            slot: None,
            dispid,
            explicit_id,
            invkind,
            ret: self.ty(&m.ret)?,
            params,
            restricted: flags.has(Flags::RESTRICTED),
            hidden: flags.has(Flags::HIDDEN),
            local: flags.has(Flags::LOCAL),
            vararg: flags.has(Flags::VARARG),
            variadic: m.variadic,
            call_as: flags
                .has(Flags::CALL_AS)
                .then(|| attrs.ident("call_as"))
                .flatten(),
            later_overloads: 0,
            helpstring: flags
                .has(Flags::HELPSTRING)
                .then(|| attrs.string("helpstring"))
                .flatten(),
            attributes: attrs.names(),
            span: Some(m.span),
        })
    }

    fn int_attr(&mut self, e: &ast::Expr, what: &str) -> R<i32> {
        match self.eval(e)? {
            // DISPIDs are written signed or as unsigned hex (`id(0x80010000)`): keep the bits.
            Value::Int(v) if (i128::from(i32::MIN)..=i128::from(u32::MAX)).contains(&v) => {
                Ok(v as i32)
            }
            _ => Err(self
                .sources
                .error(e.span(), format!("`{what}` needs a 32-bit integer"))
                .with_label("expected an integer")),
        }
    }

    fn param(&mut self, p: &ast::Param, index: usize) -> R<Param> {
        let attrs = Attrs(&p.attrs);
        let flags = attrs.flags();
        let is_out = flags.has(Flags::OUT);
        let default = if flags.has(Flags::DEFAULTVALUE) {
            match attrs.expr("defaultvalue") {
                Some(e) => Some(self.eval(e)?),
                None => attrs.string("defaultvalue").map(Value::Str),
            }
        } else {
            None
        };
        Ok(Param {
            name: p
                .name
                .as_ref()
                .map_or_else(|| format!("arg{index}"), |n| String::from(n.name.as_str())),
            ty: self.ty(&p.ty)?,
            // A parameter with no direction is [in], as in MIDL.
            is_in: flags.has(Flags::IN) || !is_out,
            is_out,
            retval: flags.has(Flags::RETVAL),
            retval_declared: flags.has(Flags::RETVAL),
            lcid: flags.has(Flags::LCID),
            optional: flags.has(Flags::OPTIONAL) || default.is_some(),
            default,
            sized: flags.has(Flags::SIZED),
            span: Some(p.span),
        })
    }

    fn lookup(&mut self, name: &ast::Ident) -> R<TypeId> {
        if let Some(id) = self.model.lookup(&name.name) {
            return Ok(id);
        }
        self.declare_ahead(&name.name, false)?;
        if let Some(id) = self.model.lookup(&name.name) {
            return Ok(id);
        }
        // A struct, union or enum tag used as a type name without its keyword, as MIDL allows
        // (wtsdefs.h: `typedef _WTS_SMALL_RECT _WRDS_SMALL_RECT;`).
        if let Some(&id) = self.model.tags.get(name.name.as_str()) {
            return Ok(id);
        }
        // Type library names are case-insensitive, and MIDL finds `IUIAutomationtextRange2`
        // (UIAutomationClient.idl's base of IUIAutomationTextRange3) as IUIAutomationTextRange2:
        // the one name that differs only in letter case, as a last resort.
        let mut folded = self
            .model
            .names
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(&name.name))
            .map(|(_, id)| *id);
        if let (Some(id), None) = (folded.next(), folded.next()) {
            return Ok(id);
        }
        self.model.lookup(&name.name).ok_or_else(|| {
            self.sources
                .error(name.span, format!("unknown type `{}`", name.name))
                .with_label("not declared in this file or any file it imports")
        })
    }

    /// Evaluates a constant expression; a name not yet declared is looked for further on (see
    /// [`Resolver::declare_ahead`]).
    fn eval(&mut self, e: &ast::Expr) -> R<Value> {
        let mut names = Vec::new();
        names_in(e, &mut names);
        for n in &names {
            if !self.model.constants.contains_key(n.name.as_str()) {
                self.declare_ahead(&n.name, true)?;
            }
        }
        let mut sizeofs = Vec::new();
        super::eval::sizeofs(e, &mut sizeofs);
        let mut sizes = Vec::with_capacity(sizeofs.len());
        for (ty, span) in sizeofs {
            let ty = self.ty(ty)?;
            if let Some((size, _)) = super::size::size_align(&self.model, &ty) {
                sizes.push((span, size));
            }
        }
        eval(e, &self.model.constants, &sizes, self.sources)
    }

    /// Makes `name`, used before its declaration, known if the file being resolved declares it
    /// further on (see [`super::ahead`]): first by resolving that file's imports still to come;
    /// then by taking a later declaration of it ahead of its place. Only that file: what a
    /// file resolves to must not depend on who imports it (inputs that share their imports
    /// share their resolution, `model::each`). `constant`: the name is used as a constant.
    fn declare_ahead(&mut self, name: &str, constant: bool) -> R<()> {
        let Some(&file) = self.stack.last() else {
            return Ok(());
        };
        let known = |r: &Self| {
            if constant {
                r.model.constants.contains_key(name)
            } else {
                r.model.lookup(name).is_some()
            }
        };
        while let Some(next) = self
            .pending_imports
            .get_mut(&file)
            .and_then(VecDeque::pop_front)
        {
            self.file(next)?;
            if known(self) {
                return Ok(());
            }
        }
        let Some(&ast_file) = self.files.get(&file) else {
            return Ok(());
        };
        let decls = self.ahead.declarations(file, ast_file);
        let later = if constant {
            decls.constants.get(name).map(|&item| Later::Item(item))
        } else {
            decls.types.get(name).copied()
        };
        match later {
            Some(Later::Forward(kind, ident)) => {
                self.forward(&ast::Forward {
                    kind,
                    name: ident.clone(),
                })?;
            }
            Some(Later::Item(item)) => {
                let key = item as *const ast::Item as usize;
                // Being resolved already: the name is needed to declare itself.
                if !self.ahead.done.contains_key(&key) && !self.ahead.active.contains(&key) {
                    self.ahead.active.push(key);
                    let declared = self.item(file, item, None);
                    self.ahead.active.pop();
                    self.ahead.done.insert(key, declared?);
                }
            }
            None => {}
        }
        Ok(())
    }

    /// Resolves a written type.
    fn ty(&mut self, t: &ast::TypeRef) -> R<Type> {
        let mut ty = self.spec(&t.spec, None)?;
        let mut pointee_const = t.is_const;
        for level in t.pointers.iter() {
            ty = Type::Pointer {
                pointee: Box::new(ty),
                pointee_const,
            };
            pointee_const = level.is_const;
        }
        for dim in t.arrays.iter().rev() {
            let n = match dim {
                ast::ArrayDim::Fixed(e) => match self.eval(e)? {
                    Value::Int(v) => Some(u64::try_from(v).map_err(|_| {
                        self.sources
                            .error(e.span(), "array size must not be negative")
                            .with_label("expected a size")
                    })?),
                    _ => {
                        return Err(self
                            .sources
                            .error(e.span(), "array size must be an integer")
                            .with_label("expected a size"));
                    }
                },
                ast::ArrayDim::Open | ast::ArrayDim::Star => None,
            };
            ty = Type::Array(Box::new(ty), n);
        }
        Ok(ty)
    }

    /// Resolves a type specifier; `typedef_name` names an anonymous struct/union/enum after the
    /// typedef that introduces it.
    fn spec(&mut self, spec: &ast::TypeSpec, typedef_name: Option<&ast::Ident>) -> R<Type> {
        Ok(match spec {
            ast::TypeSpec::Base(b) => Type::Base(*b),
            ast::TypeSpec::Named(n) => Type::Named(self.lookup(n)?),
            ast::TypeSpec::SafeArray(t) => Type::SafeArray(Box::new(self.ty(t)?)),
            ast::TypeSpec::Struct(s) => Type::Named(self.record(
                s.tag.as_ref(),
                s.fields.as_deref(),
                s.span,
                typedef_name,
                false,
            )?),
            ast::TypeSpec::Union(u) => {
                let fields: Option<Vec<ast::Field>> = u
                    .arms
                    .as_ref()
                    .map(|arms| arms.iter().filter_map(|a| a.field.clone()).collect());
                Type::Named(self.record(
                    u.tag.as_ref(),
                    fields.as_deref(),
                    u.span,
                    typedef_name,
                    true,
                )?)
            }
            ast::TypeSpec::Enum(e) => Type::Named(self.enumeration(e, typedef_name, false)?),
            // A function pointer written in place (`BOOL (*pfn)(ULONG)`): its types must
            // resolve; the model keeps it as a function, as for a function-pointer typedef.
            ast::TypeSpec::Function(f) => {
                self.ty(&f.ret)?;
                for (index, p) in f.params.iter().enumerate() {
                    self.param(p, index)?;
                }
                Type::Function
            }
        })
    }

    fn record(
        &mut self,
        tag: Option<&ast::Ident>,
        fields: Option<&[ast::Field]>,
        span: Span,
        typedef_name: Option<&ast::Ident>,
        union: bool,
    ) -> R<TypeId> {
        let make = |fields: Vec<RecordField>, defined: bool| {
            let r = Record { fields, defined };
            if union {
                ItemKind::Union(r)
            } else {
                ItemKind::Struct(r)
            }
        };
        let existing = tag.and_then(|t| self.model.tags.get(t.name.as_str()).copied());
        let Some(fields) = fields else {
            // A reference: `struct Tag` (possibly before its definition).
            return match (existing, tag) {
                (Some(id), _) => Ok(id),
                (None, Some(t)) => {
                    let id = self.push(&t.name, t.span, make(Vec::new(), false));
                    self.model.tags.insert(t.name.shared(), id);
                    Ok(id)
                }
                (None, None) => Err(self
                    .sources
                    .error(span, "a struct or union needs a tag or a body")
                    .with_label("expected a tag")),
            };
        };
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            out.push(RecordField {
                name: f.name.as_ref().map(|n| String::from(n.name.as_str())),
                ty: self.ty(&f.ty)?,
            });
        }
        let name = tag.or(typedef_name).map_or("", |n| n.name.as_str());
        match existing {
            Some(id) => {
                if let ItemKind::Struct(r) | ItemKind::Union(r) = &self.model.item(id).kind
                    && r.defined
                    && let Some(t) = tag
                {
                    self.define(&ast::Ident {
                        name: format!("struct {}", t.name).into(),
                        span: t.span,
                    })?;
                }
                let origin = self.origin(span);
                let it = self.item_mut(id);
                it.kind = make(out, true);
                it.origin = Some(origin);
                Ok(id)
            }
            None => {
                if let Some(t) = tag {
                    self.define(&ast::Ident {
                        name: format!("struct {}", t.name).into(),
                        span: t.span,
                    })?;
                }
                let id = self.push(name, span, make(out, true));
                if let Some(t) = tag {
                    self.model.tags.insert(t.name.shared(), id);
                }
                Ok(id)
            }
        }
    }

    fn enumeration(
        &mut self,
        e: &ast::EnumDef,
        typedef_name: Option<&ast::Ident>,
        v1_enum: bool,
    ) -> R<TypeId> {
        let existing = e
            .tag
            .as_ref()
            .and_then(|t| self.model.tags.get(t.name.as_str()).copied());
        let Some(values) = &e.values else {
            return match (existing, &e.tag) {
                (Some(id), _) => Ok(id),
                (None, Some(t)) => {
                    let id = self.push(
                        &t.name,
                        t.span,
                        ItemKind::Enum(Enum {
                            values: Vec::new(),
                            v1_enum,
                        }),
                    );
                    self.model.tags.insert(t.name.shared(), id);
                    Ok(id)
                }
                (None, None) => Err(self
                    .sources
                    .error(e.span, "an enum needs a tag or a body")
                    .with_label("expected a tag")),
            };
        };
        let mut out = Vec::with_capacity(values.len());
        let mut next: i128 = 0;
        for v in values {
            let value = match &v.value {
                Some(expr) => match self.eval(expr)? {
                    Value::Int(x) => x,
                    _ => {
                        return Err(self
                            .sources
                            .error(expr.span(), "enum value must be an integer")
                            .with_label("expected an integer"));
                    }
                },
                None => next,
            };
            // An enumerator is a C `int`: `0x80041001` written in hex is the negative LONG that
            // MIDL and widl store (and a type library holds).
            let value = if (i128::from(i32::MAX) + 1..=i128::from(u32::MAX)).contains(&value) {
                i128::from(value as u32 as i32)
            } else {
                value
            };
            let Ok(as_i64) = i64::try_from(value) else {
                return Err(self
                    .sources
                    .error(
                        v.name.span,
                        format!("enum value `{}` is out of range", v.name.name),
                    )
                    .with_label("does not fit in 64 bits"));
            };
            self.define(&v.name)?;
            self.model
                .constants
                .insert(v.name.name.shared(), Value::Int(value));
            out.push((String::from(v.name.name.as_str()), as_i64));
            next = value.saturating_add(1);
        }
        if let Some(t) = &e.tag {
            self.define(&ast::Ident {
                name: format!("enum {}", t.name).into(),
                span: t.span,
            })?;
        }
        let name = e
            .tag
            .as_ref()
            .or(typedef_name)
            .map_or("", |n| n.name.as_str());
        let kind = ItemKind::Enum(Enum {
            values: out,
            v1_enum,
        });
        let id = match existing {
            Some(id) => {
                let it = self.item_mut(id);
                it.kind = kind;
                id
            }
            None => self.push(name, e.span, kind),
        };
        if let Some(t) = &e.tag {
            self.model.tags.insert(t.name.shared(), id);
        }
        Ok(id)
    }

    fn typedef(&mut self, t: &ast::Typedef) -> R<Vec<TypeId>> {
        let attrs = Attrs(&t.attrs);
        // An anonymous record takes the name of the first declarator that names it itself
        // (`typedef struct { ... } X, *PX;`); when every declarator is a pointer or array to it
        // (`typedef struct { int _; } *UI_ANIMATION_KEYFRAME;`), it is `NAME_0`, leaving NAME to
        // the pointer type.
        let plain = t
            .declarators
            .iter()
            .find(|d| d.function.is_none() && d.ty.pointers.is_empty() && d.ty.arrays.is_empty());
        let derived;
        let first = match (plain, t.declarators.first()) {
            (Some(d), _) => Some(&d.name),
            (None, Some(d)) => {
                derived = ast::Ident {
                    name: format!("{}_0", d.name.name).into(),
                    span: d.name.span,
                };
                Some(&derived)
            }
            (None, None) => None,
        };
        // The shared specifier is resolved once (it may define a struct); each declarator adds
        // its own pointers and arrays.
        let base = match &t.base.spec {
            ast::TypeSpec::Enum(e) => {
                Type::Named(self.enumeration(e, first, attrs.has("v1_enum"))?)
            }
            spec => self.spec(spec, first)?,
        };
        let mut ids = Vec::new();
        for d in &t.declarators {
            let ty = if let Some(f) = &d.function {
                // The function's return and parameter types must resolve too.
                self.declarator_type(&base, &d.ty)?;
                for (index, p) in f.params.iter().enumerate() {
                    self.param(p, index)?;
                }
                if f.pointer {
                    Type::Pointer {
                        pointee: Box::new(Type::Function),
                        pointee_const: false,
                    }
                } else {
                    Type::Function
                }
            } else {
                self.declarator_type(&base, &d.ty)?
            };
            // `typedef struct { ... } NAME;`: the anonymous record takes the name itself.
            if let Type::Named(target) = &ty
                && self.model.item(*target).name == d.name.name
            {
                self.define_typedef(&d.name)?;
                self.model.names.insert(d.name.name.shared(), *target);
                ids.push(*target);
                continue;
            }
            let kind = ItemKind::Typedef(Typedef { ty });
            let id = if self.define_typedef(&d.name)? {
                // Shadows a type of an imported file: a new item takes the name.
                let id = self.push(&d.name.name, t.span, kind);
                self.model.names.insert(d.name.name.shared(), id);
                id
            } else {
                self.declare_defined(&d.name, t.span, kind)?
            };
            self.item_mut(id).helpstring = attrs.string("helpstring");
            ids.push(id);
        }
        Ok(ids)
    }

    /// The declarator's full type: the already-resolved base plus its own pointers and arrays.
    fn declarator_type(&mut self, base: &Type, d: &ast::TypeRef) -> R<Type> {
        let mut ty = base.clone();
        let mut pointee_const = d.is_const;
        for level in d.pointers.iter() {
            ty = Type::Pointer {
                pointee: Box::new(ty),
                pointee_const,
            };
            pointee_const = level.is_const;
        }
        if !d.arrays.is_empty() {
            let bare = ast::TypeRef {
                is_const: false,
                spec: ast::TypeSpec::Base(ast::BaseType::Void),
                pointers: ast::Pointers::default(),
                arrays: d.arrays.clone(),
                span: d.span,
            };
            // Reuse the array evaluation of `ty` on a placeholder, then put the element back.
            let mut shape = self.ty(&bare)?;
            let mut slot = &mut shape;
            while let Type::Array(inner, _) = slot {
                slot = inner;
            }
            *slot = ty;
            ty = shape;
        }
        Ok(ty)
    }

    fn type_decl(&mut self, attrs: &[ast::Attribute], spec: &ast::TypeSpec) -> R<Option<TypeId>> {
        Ok(match spec {
            ast::TypeSpec::Enum(e) => {
                Some(self.enumeration(e, None, Attrs(attrs).has("v1_enum"))?)
            }
            other => match self.spec(other, None)? {
                Type::Named(id) => Some(id),
                _ => None,
            },
        })
    }

    fn constant(&mut self, c: &ast::Const) -> R<()> {
        let ty = self.ty(&c.ty)?;
        let value = self.eval(&c.value)?;
        // The constant has its declared type's width: `const LONG x = 0x80000000;` is negative.
        let value = match self.model.strip_typedefs(&ty) {
            Type::Base(b) => super::eval::convert(value, *b),
            // An enumeration is a C `int`.
            Type::Named(id) if matches!(self.model.item(*id).kind, ItemKind::Enum(_)) => {
                super::eval::convert(value, ast::BaseType::Int)
            }
            _ => value,
        };
        self.define(&c.name)?;
        self.model
            .constants
            .insert(c.name.name.shared(), value.clone());
        self.push(
            &c.name.name,
            c.span,
            ItemKind::Const(super::Const { ty, value }),
        );
        Ok(())
    }

    fn dispinterface(&mut self, d: &ast::Dispinterface) -> R<TypeId> {
        let attrs = Attrs(&d.attrs);
        let id = self.declare(
            &d.name,
            d.span,
            ItemKind::Dispinterface(Dispinterface {
                uuid: None,
                properties: Vec::new(),
                methods: Vec::new(),
                interface: None,
            }),
        )?;
        let mut disp = Dispinterface {
            uuid: attrs.uuid(),
            properties: Vec::new(),
            methods: Vec::new(),
            interface: None,
        };
        match &d.body {
            ast::DispinterfaceBody::Members {
                properties,
                methods,
            } => {
                for p in properties {
                    let pa = Attrs(&p.attrs);
                    // Automatic ids are assigned with the other layout rules (model::layout).
                    let (dispid, explicit_id) = match pa.expr("id") {
                        Some(e) => (self.int_attr(e, "id")?, true),
                        None => (0, false),
                    };
                    disp.properties.push(DispProperty {
                        name: p
                            .name
                            .as_ref()
                            .map(|n| String::from(n.name.as_str()))
                            .unwrap_or_default(),
                        ty: self.ty(&p.ty)?,
                        dispid,
                        explicit_id,
                        readonly: pa.has("readonly"),
                    });
                }
                for m in methods {
                    disp.methods.push(self.method(m)?);
                }
            }
            ast::DispinterfaceBody::Interface(name) => {
                disp.interface = Some(self.lookup(name)?);
            }
        }
        let it = self.item_mut(id);
        it.helpstring = attrs.string("helpstring");
        it.kind = ItemKind::Dispinterface(disp);
        Ok(id)
    }

    fn coclass(&mut self, c: &ast::Coclass) -> R<TypeId> {
        let attrs = Attrs(&c.attrs);
        let id = self.declare(
            &c.name,
            c.span,
            ItemKind::Coclass(Coclass {
                uuid: None,
                interfaces: Vec::new(),
                noncreatable: false,
            }),
        )?;
        let mut interfaces = Vec::new();
        for m in &c.interfaces {
            // `interface X;` in a coclass declares X if nothing has (widl's rule; Wine's
            // shobjidl_core.idl names IShellFolder2 so, which only shobjidl.idl defines).
            let iid = match self.model.lookup(&m.name.name) {
                Some(id) => id,
                None => self.forward(&ast::Forward {
                    kind: if m.is_dispinterface {
                        ast::ForwardKind::Dispinterface
                    } else {
                        ast::ForwardKind::Interface
                    },
                    name: m.name.clone(),
                })?,
            };
            if !matches!(
                self.model.item(iid).kind,
                ItemKind::Interface(_) | ItemKind::Dispinterface(_)
            ) {
                return Err(self
                    .sources
                    .error(
                        m.name.span,
                        format!("`{}` is not an interface", m.name.name),
                    )
                    .with_label("expected an interface or dispinterface"));
            }
            let ma = Attrs(&m.attrs);
            interfaces.push(CoclassInterface {
                id: iid,
                default: ma.has("default"),
                source: ma.has("source"),
                restricted: ma.has("restricted"),
            });
        }
        let it = self.item_mut(id);
        it.helpstring = attrs.string("helpstring");
        it.kind = ItemKind::Coclass(Coclass {
            uuid: attrs.uuid(),
            interfaces,
            noncreatable: attrs.has("noncreatable"),
        });
        Ok(id)
    }

    fn library(&mut self, file: FileId, l: &ast::Library) -> R<()> {
        let attrs = Attrs(&l.attrs);
        // A library's name is not a type name: `library TaskScheduler { coclass TaskScheduler
        // ... }` is common (MIDL and widl accept it); two libraries of one name are an error.
        self.define(&ast::Ident {
            name: format!("library {}", l.name.name).into(),
            span: l.name.span,
        })?;
        let lcid = match attrs.expr("lcid") {
            Some(e) => self.int_attr(e, "lcid")? as u32,
            None => 0,
        };
        self.model.libraries.push(Library {
            name: String::from(l.name.name.as_str()),
            uuid: attrs.uuid(),
            version: attrs.version(),
            lcid,
            helpstring: attrs.string("helpstring"),
            types: Vec::new(),
            origin: Some(Origin {
                file,
                ..self.origin(l.span)
            }),
        });
        let index = self.model.libraries.len() - 1;
        self.items(file, &l.items, Some(index))
    }

    fn module(&mut self, m: &ast::Module) -> R<TypeId> {
        let attrs = Attrs(&m.attrs);
        let id = self.declare(
            &m.name,
            m.span,
            ItemKind::Module(Module {
                dllname: None,
                functions: Vec::new(),
            }),
        )?;
        let mut functions = Vec::new();
        for item in &m.items {
            match item {
                ast::Item::Function(f) => functions.push(self.method(f)?),
                other => {
                    self.item(m.span.file, other, None)?;
                }
            }
        }
        let it = self.item_mut(id);
        it.helpstring = attrs.string("helpstring");
        it.kind = ItemKind::Module(Module {
            dllname: attrs.string("dllname"),
            functions,
        });
        Ok(id)
    }
}

impl Resolver<'_> {
    /// A base interface named before its definition must have been defined by the end.
    fn check_later_bases(&self) -> R<()> {
        for (_, b) in &self.later_bases {
            let Some(bid) = self.model.lookup(&b.name) else {
                continue;
            };
            if let ItemKind::Interface(bi) = &self.model.item(bid).kind
                && !bi.defined
            {
                return Err(self
                    .sources
                    .error(
                        b.span,
                        format!("base interface `{}` is declared but never defined", b.name),
                    )
                    .with_label("needs a definition"));
            }
        }
        Ok(())
    }

    /// The error for an inheritance cycle that [`layout::assign`] found, at the base's name
    /// that closes it. Every cycle has one among the bases named before their definition (an
    /// interface defined when named is older than the one deriving from it).
    fn cycle_error(&self, cycle: layout::InheritanceCycle) -> Diagnostic {
        let members = cycle.members(&self.model);
        let closing = self.later_bases.iter().find(|(id, b)| {
            members.contains(id)
                && self
                    .model
                    .lookup(&b.name)
                    .is_some_and(|base| members.contains(&base))
        });
        match closing {
            Some((id, b)) => {
                let name = &self.model.item(*id).name;
                let message = if *name == b.name {
                    format!("interface `{name}` inherits from itself")
                } else {
                    format!(
                        "interface `{name}` inherits from itself through `{}`",
                        b.name
                    )
                };
                self.sources.error(b.span, message)
            }
            None => {
                let message = cycle.message(&self.model);
                match self.model.item(cycle.interface).origin {
                    Some(o) => self.sources.error(o.span, message),
                    None => Diagnostic::bare(message),
                }
            }
        }
        .with_label("inheritance cycle")
    }
}

/// Whether a definition of kind `b` completes an earlier declaration of kind `a`: the same
/// kind, or a dispinterface where only `interface X;` was written (MIDL accepts it: WbemDisp.Idl
/// forward-declares `interface ISWbemSinkEvents;` and defines `dispinterface ISWbemSinkEvents`).
fn same_kind(a: &ItemKind, b: &ItemKind) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
        || matches!(
            (a, b),
            (ItemKind::Interface(i), ItemKind::Dispinterface(_)) if !i.defined
        )
}
