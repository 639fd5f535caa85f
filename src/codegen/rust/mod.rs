//! The Rust back end: IID/CLSID/LIBID constants, vtables, interface types with safe wrappers,
//! `_Impl` traits with the vtable construction that lets Rust types implement interfaces, and a
//! DISPID table per interface.
//!
//! Each item is first classified into a view (plain strings: names, types, statements), then
//! printed by an askama template in `templates/`; the file is then laid out in process as
//! rustfmt lays it out (`codegen::format`): the same bytes on every machine, rustfmt or not.

mod dispatch;
mod names;
mod types;
mod windows_dispatch;

use std::collections::HashSet;
use std::sync::OnceLock;
use std::thread::ScopedJoinHandle;

use super::format::Following;

use askama::Template;

use crate::diag::Diagnostic;
use crate::model::{self, ItemKind, Model, TypeId};

use dispatch::{DispMemberView, InvokeArmView, TableIndexes, table_indexes};
use names::{method_names, shouty, type_name};
use types::{plan_return, retval_abi};

pub use names::snake;

/// Options of the Rust back end.
#[derive(Debug, Clone)]
pub struct RustOptions {
    /// Only these interfaces (and every non-interface item) are emitted; empty means all.
    pub interfaces: Vec<String>,
    /// A name for the inputs in the header comment (defaults to their file names).
    pub source_name: Option<String>,
    /// Instead of bindings, `IDispatch` for windows-rs objects: for every dual interface, a
    /// macro implementing the `windows` crate's `IDispatch_Impl` for an `#[implement]` object
    /// that implements the `windows` crate's own bindings of the interface.
    pub windows_dispatch: bool,
    /// The path generated code names the runtime crate by: `idlgen_runtime` (the default), or
    /// the name of a renamed dependency (`rt = { package = "idlgen-runtime", ... }` gives `rt`),
    /// `::idlgen_runtime`, or a module that re-exports it (`crate::rt`, holding
    /// `pub use idlgen_runtime::*;`, which takes the hidden `__codegen` module along).
    pub runtime: String,
}

impl Default for RustOptions {
    fn default() -> RustOptions {
        RustOptions {
            interfaces: Vec::new(),
            source_name: None,
            windows_dispatch: false,
            runtime: types::DEFAULT_RUNTIME.to_string(),
        }
    }
}

/// Whether `path` is a Rust path generated code can name the runtime by: identifiers separated
/// by `::`, optionally starting with `::` (`idlgen_runtime`, `::rt`, `crate::support::rt`). No
/// keyword is a segment, but for the path roots where Rust takes them: `crate` or `self` first,
/// then any number of `super` (`super::super::rt`), none of them after a leading `::`.
fn runtime_path_ok(path: &str) -> bool {
    let (global, path) = match path.strip_prefix("::") {
        Some(rest) => (true, rest),
        None => (false, path),
    };
    let mut at_root = !global;
    !path.is_empty()
        && path.split("::").enumerate().all(|(i, segment)| {
            let mut chars = segment.chars();
            let ident = chars
                .next()
                .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
                && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
                && segment != "_";
            let root =
                at_root && (segment == "super" || (i == 0 && matches!(segment, "crate" | "self")));
            at_root = root;
            ident && (root || !names::is_keyword(segment))
        })
}

/// The runtime path of `opts`, checked.
fn runtime_path(opts: &RustOptions) -> Result<&str, Diagnostic> {
    let path = opts.runtime.trim();
    if runtime_path_ok(path) {
        Ok(path)
    } else {
        Err(Diagnostic::bare(format!(
            "the runtime path `{}` is not a Rust path (expected e.g. `idlgen_runtime` or `crate::rt`)",
            opts.runtime
        )))
    }
}

/// Generates the Rust bindings for the model's input files.
pub fn generate(model: &Model, opts: &RustOptions) -> Result<String, Diagnostic> {
    let mut text = Vec::new();
    generate_to(model, opts, &mut text)?;
    String::from_utf8(text).map_err(|e| Diagnostic::bare(format!("internal error: {e}")))
}

/// [`generate`], written to `out` as it is laid out (the file's text is not held whole).
pub fn generate_to(
    model: &Model,
    opts: &RustOptions,
    out: &mut dyn std::io::Write,
) -> Result<(), Diagnostic> {
    let rt = runtime_path(opts)?;
    if opts.windows_dispatch {
        return dispatch::with_member_cache(|| windows_dispatch::generate(model, opts, rt, out));
    }
    // The second thread that lays out a large file's last items is started before they are
    // rendered, so that its start (and its heap's first pages) overlap the rendering.
    // It also renders the later half of the items meanwhile.
    let text: OnceLock<String> = OnceLock::new();
    let dependencies = base_dependencies(model, opts);
    std::thread::scope(|scope| {
        let early = likely_large(model, opts) && !crate::stack::cores_busy();
        let mut rendered = Rendered::default();
        let worker = match early {
            true => {
                let ids = rendered_ids(model, opts, &dependencies);
                let later = ids.get(ids.len() / 2..).unwrap_or_default().to_vec();
                let (sent, received) = std::sync::mpsc::channel();
                rendered.theirs = later.iter().copied().collect();
                rendered.later = Some(received);
                layout_worker(scope, &text, move || {
                    let texts = dispatch::with_member_cache(|| {
                        (later.into_iter())
                            .map(|id| (id, render_item(model, id, rt)))
                            .collect()
                    });
                    let _ = sent.send(texts);
                })
            }
            false => None,
        };
        // However this ends, the worker is given its text (empty if there is none for it).
        let _release = Release(&text);
        let items = dispatch::with_member_cache(|| {
            render_items(model, opts, rt, &dependencies, &mut rendered)
        })?;
        let file = FileView {
            version: crate::VERSION,
            sources: source_names(model, opts),
            items,
        };
        let cut = split_items(&file.items);
        write_file(scope, file, cut, &text, worker, out)
    })
}

/// Hands a layout worker an empty text when it is dropped with none given: the worker then
/// ends (rather than waiting for ever) whatever way generation ends.
struct Release<'a>(&'a OnceLock<String>);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        let _ = self.0.set(String::new());
    }
}

/// Whether `model`'s bindings are likely to be long enough to be laid out on two threads
/// ([`SPLIT_AT`]), judged before rendering them: by their interfaces' methods and records'
/// fields (a method takes about 800 bytes of bindings: its vtable entry, wrapper, thunk and
/// trait method, and its dispatch entry where there is one).
fn likely_large(model: &Model, opts: &RustOptions) -> bool {
    let members: usize = (model.root_items())
        .filter(|(_, item)| selected(opts, item))
        .map(|(_, item)| match &item.kind {
            ItemKind::Interface(i) => i.methods.len(),
            ItemKind::Dispinterface(d) => d.methods.len() + d.properties.len(),
            ItemKind::Struct(r) | ItemKind::Union(r) => r.fields.len() / 4,
            _ => 0,
        })
        .sum();
    members * 800 >= SPLIT_AT
}

/// Items rendered ([`render_item`]) on the layout worker while this thread renders the others.
#[derive(Default)]
struct Rendered {
    /// The items the worker renders.
    theirs: HashSet<TypeId>,
    /// What the worker sends, once: the items it rendered.
    later: Option<std::sync::mpsc::Receiver<Vec<(TypeId, RenderedItem)>>>,
    /// Those received and not yet taken.
    items: std::collections::HashMap<TypeId, RenderedItem>,
}

type RenderedItem = Result<Option<String>, Diagnostic>;

impl Rendered {
    /// [`render_item`] of `id`: the worker's if it renders it (waiting for it the first time),
    /// else here (also if the worker sent nothing: it could not start, or panicked).
    fn item(&mut self, model: &Model, id: TypeId, rt: &str) -> RenderedItem {
        if self.theirs.contains(&id) {
            if let Some(later) = self.later.take().and_then(|l| l.recv().ok()) {
                self.items.extend(later);
            }
            if let Some(item) = self.items.remove(&id) {
                return item;
            }
        }
        render_item(model, id, rt)
    }
}

/// The items [`render_items`] renders, in its order: the selected root items, then the base
/// files' items the bindings need.
fn rendered_ids(model: &Model, opts: &RustOptions, dependencies: &[TypeId]) -> Vec<TypeId> {
    (model.root_items())
        .filter(|(_, item)| selected(opts, item))
        .map(|(id, _)| id)
        .chain(dependencies.iter().copied())
        .collect()
}

/// Each item of the bindings rendered (not yet laid out), in the file's order.
fn render_items(
    model: &Model,
    opts: &RustOptions,
    rt: &str,
    dependencies: &[TypeId],
    rendered: &mut Rendered,
) -> Result<Vec<String>, Diagnostic> {
    let mut items = Vec::new();
    // Rust names already defined. C lets two files repeat a typedef (`typedef unsigned int
    // UINT;`) and keeps struct tags apart from typedef names; headers guard repeated definitions
    // with `#ifndef` inside `cpp_quote`, which IDL does not see (d2dbasetypes.h's `struct
    // D3DCOLORVALUE` and dxgitype.idl's `typedef _D3DCOLORVALUE D3DCOLORVALUE`). Rust has one
    // namespace and no guards: the first definition of a name wins, as the C guards make it.
    let mut defined: HashSet<String> = HashSet::new();
    // Constants' names (`const`, anonymous enums' values): a `cpp_quote` `#define` of one of
    // them would define it twice.
    let mut constants: HashSet<String> = HashSet::new();
    for (id, item) in model.root_items() {
        if !selected(opts, item) {
            continue;
        }
        match &item.kind {
            ItemKind::Const(_) => {
                constants.insert(names::value_name(&item.name));
            }
            ItemKind::Enum(e) if item.name.is_empty() => {
                constants.extend(e.values.iter().map(|(n, _)| names::value_name(n)));
            }
            _ => {}
        }
        if let Some(text) = rendered.item(model, id, rt)? {
            let name = type_name(&item.name);
            if !item.name.is_empty()
                && !matches!(item.kind, ItemKind::Const(_))
                && !defined.insert(name)
            {
                continue;
            }
            items.push(text);
        }
    }
    for &id in dependencies {
        let item = model.item(id);
        if let Some(text) = rendered.item(model, id, rt)?
            && defined.insert(type_name(&item.name))
        {
            items.push(text);
        }
    }
    for lib in &model.libraries {
        if lib.origin.is_some_and(|o| model.roots.contains(&o.file)) {
            let name = type_name(&lib.name);
            items.push(render(&LibraryView {
                rt,
                // A coclass may have the library's name (taskschd's `TaskScheduler`): the
                // library's constants then join that type, whose CLSID they do not clash with.
                define_struct: !defined.contains(&name),
                name,
                doc: doc_lines(lib.helpstring.as_deref(), "Type library"),
                uuid: lib.uuid.map(guid_view),
                major: lib.version.map_or(0, |v| v.0),
                minor: lib.version.map_or(0, |v| v.1),
            })?);
        }
    }
    // `cpp_quote("#define NAME value")`: a constant, unless the name is defined otherwise too.
    // Headers define some macros in several `#if` branches (ObjIdl.Idl's `_WIN32_WINNT`, one
    // value per Windows version), which idlgen does not evaluate: such a macro, defined with
    // different values, has no one value and is left out; repeated with one value, it is one
    // constant.
    let defines: Vec<CppDefine> = (model.cpp_quotes.iter())
        .filter(|(file, _)| model.roots.contains(file))
        .filter_map(|(_, text)| cpp_define(text))
        .collect();
    let mut values: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    let mut ambiguous: HashSet<&str> = HashSet::new();
    for d in &defines {
        if *values.entry(&d.name).or_insert(d.value) != d.value {
            ambiguous.insert(&d.name);
        }
    }
    let mut emitted: HashSet<&str> = HashSet::new();
    for d in &defines {
        if !ambiguous.contains(d.name.as_str())
            && !constants.contains(&d.name)
            && !defined.contains(&d.name)
            && emitted.insert(&d.name)
        {
            items.push(render(&d.view)?);
        }
    }
    Ok(items)
}

/// Lays out and writes the file: on this thread, or with the items from `cut` on laid out on a
/// second thread meanwhile (the same text: the formatter lays out each run of items on its own):
/// `worker`, if one was started, else one started here in `scope`, lays out what is put in
/// `text`.
fn write_file<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    mut file: FileView,
    cut: Option<usize>,
    text: &'env OnceLock<String>,
    worker: Option<ScopedJoinHandle<'scope, Following<'env>>>,
    out: &mut dyn std::io::Write,
) -> Result<(), Diagnostic> {
    let Some(at) = cut.filter(|&at| at > 0 && at < file.items.len()) else {
        return super::format::render_formatted_to(&file, out);
    };
    let following = file.items.split_off(at);
    let before = file.items.last().map_or("", |i| &i[i.trim_end().len()..]);
    let _ = text.set(following_text(before, following));
    let worker = worker.or_else(|| layout_worker(scope, text, || {}));
    // This thread lays out the items before, then takes the others from the worker (or lays
    // them out itself if the worker could not start).
    let following = || {
        let text = text.get().map_or("", String::as_str);
        match worker.map(ScopedJoinHandle::join) {
            Some(Ok(following)) => following,
            _ => Following::lay_out(text),
        }
    };
    super::format::render_formatted_with_to(&file, following, out)
}

/// A thread that does `first`, then lays out the text put in `text` ([`Following::lay_out`])
/// once it is there; `None` if it cannot start.
fn layout_worker<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    text: &'env OnceLock<String>,
    first: impl FnOnce() + Send + 'scope,
) -> Option<ScopedJoinHandle<'scope, Following<'env>>> {
    std::thread::Builder::new()
        .name("idlgen-layout".to_string())
        .spawn_scoped(scope, || {
            crate::stack::ready_heap();
            first();
            Following::lay_out(text.wait())
        })
        .ok()
}

/// Rendered text past which laying out a file's items on two threads pays for the second
/// thread (its start and its heap's first pages: ~0.3 ms, a tenth of laying out this much).
const SPLIT_AT: usize = 48 << 10;

/// Where to cut `items` so that the items from there on are laid out on a second thread while
/// this one lays out the rest, about half the text each; `None` where one thread is better: a
/// short file, or a thread of a batch whose other threads keep the cores busy.
fn split_items(items: &[String]) -> Option<usize> {
    let total: usize = items.iter().map(String::len).sum();
    if total < SPLIT_AT || crate::stack::cores_busy() {
        return None;
    }
    let mut before = 0;
    for (k, item) in items.iter().enumerate() {
        // A cut falls after an item's end, where the formatter cuts a run by itself.
        let ends = item.trim_end().ends_with(['}', ';']);
        before += item.len();
        if ends && before * 2 >= total {
            return (k + 1 < items.len()).then_some(k + 1);
        }
    }
    None
}

/// The text `file.rs.askama` renders for `items` after an item ending in `before` (what follows
/// its last token): each on a line of its own after a newline. The blank lines before an item
/// are kept (one at most), so they must be what the whole file has there.
fn following_text(before: &str, items: Vec<String>) -> String {
    let size = before.len() + 1 + items.iter().map(|i| i.len() + 2).sum::<usize>() + 1;
    let mut text = String::with_capacity(size);
    text.push_str(before);
    text.push('\n');
    for item in &items {
        text.push('\n');
        text.push_str(item);
        text.push('\n');
    }
    text.push('\n');
    text
}

/// The inputs' names for the header comment: the option's, else the root files' names.
fn source_names(model: &Model, opts: &RustOptions) -> String {
    opts.source_name.clone().unwrap_or_else(|| {
        model
            .roots
            .iter()
            .filter_map(|f| model.files.get(f.0 as usize))
            .filter_map(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// The base files' items (idlgen's embedded `wtypes.idl`..., or an SDK's own) that the bindings
/// need and the runtime does not provide, in model order: structs and unions used by value or
/// behind pointers (`ULARGE_INTEGER`, `FILETIME`), the typedefs naming them, and the interfaces
/// that generated interfaces derive from (`IPersist`, whose slots their vtables start with),
/// with what those need in turn. Interfaces only used as parameters stay raw pointers.
fn base_dependencies(model: &Model, opts: &RustOptions) -> Vec<TypeId> {
    let mut seen: HashSet<TypeId> = HashSet::new();
    let mut walked: HashSet<TypeId> = HashSet::new();
    let mut out = Vec::new();
    let mut types: Vec<&model::Type> = Vec::new();
    let mut bases: Vec<TypeId> = Vec::new();
    let roots: Vec<TypeId> = model
        .root_items()
        .filter(|(_, item)| selected(opts, item))
        .map(|(id, _)| id)
        .collect();
    for &id in &roots {
        seen.insert(id);
    }
    let mut visit = roots.clone();
    while !visit.is_empty() || !types.is_empty() {
        for id in visit.drain(..) {
            match &model.item(id).kind {
                ItemKind::Interface(i) => {
                    bases.extend(i.base);
                    types.extend(i.methods.iter().flat_map(method_types));
                }
                ItemKind::Dispinterface(d) => {
                    types.extend(d.properties.iter().map(|p| &p.ty));
                    types.extend(d.methods.iter().flat_map(method_types));
                }
                ItemKind::Struct(r) | ItemKind::Union(r) => {
                    types.extend(r.fields.iter().map(|f| &f.ty));
                }
                ItemKind::Typedef(t) => types.push(&t.ty),
                ItemKind::Const(c) => types.push(&c.ty),
                _ => {}
            }
        }
        while let Some(ty) = types.pop() {
            match ty {
                model::Type::Named(id) => {
                    let id = *id;
                    // The runtime's own types (`VARIANT`, `GUID`) need nothing generated.
                    let runtime = types::runtime_provides(model, id);
                    if runtime || !walked.insert(id) {
                        continue;
                    }
                    let wanted = match &model.item(id).kind {
                        ItemKind::Struct(_) | ItemKind::Union(_) => true,
                        ItemKind::Typedef(t) => {
                            types.push(&t.ty);
                            types::reaches_base_record(model, &t.ty)
                        }
                        _ => false,
                    };
                    if wanted && model.is_builtin(id) && seen.insert(id) {
                        out.push(id);
                        visit.push(id);
                    }
                }
                model::Type::Pointer { pointee: inner, .. }
                | model::Type::Array(inner, _)
                | model::Type::SafeArray(inner) => types.push(inner),
                model::Type::Base(_) | model::Type::Function => {}
            }
        }
        for id in bases.drain(..) {
            if model.is_builtin(id)
                // (Whether it has a path; the path's spelling does not matter here.)
                && types::base_interface_path(model, id, types::DEFAULT_RUNTIME).is_some()
                && !types::runtime_provides(model, id)
                && seen.insert(id)
            {
                out.push(id);
                visit.push(id);
            }
        }
    }
    out.sort();
    out
}

fn method_types(m: &model::Method) -> impl Iterator<Item = &model::Type> {
    std::iter::once(&m.ret).chain(m.params.iter().map(|p| &p.ty))
}

fn selected(opts: &RustOptions, item: &model::Item) -> bool {
    !matches!(item.kind, ItemKind::Interface(_))
        || opts.interfaces.is_empty()
        || opts.interfaces.iter().any(|n| n == &item.name)
}

fn render(t: &impl Template) -> Result<String, Diagnostic> {
    t.render()
        .map_err(|e| Diagnostic::bare(format!("internal error while rendering Rust: {e}")))
}

fn render_item(model: &Model, id: TypeId, rt: &str) -> Result<Option<String>, Diagnostic> {
    let item = model.item(id);
    Ok(match &item.kind {
        // IUnknown and IDispatch are the runtime's, even in bindings for the base file that
        // declares them (the SDK's OAIdl.Idl): generated again, IDispatch's vtable would start
        // with IUnknown's but be built from IDispatch's (E0308).
        ItemKind::Interface(_) if types::runtime_provides(model, id) => None,
        ItemKind::Interface(i) if i.defined => Some(render(&interface_view(model, id, i, rt))?),
        // `dispinterface D { interface I; }` exposes I's members: not generated yet.
        ItemKind::Dispinterface(d) if d.interface.is_none() => {
            Some(render(&dispinterface_view(model, id, d, rt))?)
        }
        ItemKind::Coclass(c) => Some(render(&CoclassView {
            rt,
            name: type_name(&item.name),
            doc: doc_lines(item.helpstring.as_deref(), "Coclass"),
            uuid: c.uuid.map(guid_view),
            interfaces: c
                .interfaces
                .iter()
                .map(|ci| model.item(ci.id).name.clone())
                .collect(),
            default: c
                .interfaces
                .iter()
                .find(|ci| ci.default && !ci.source)
                .or_else(|| c.interfaces.iter().find(|ci| !ci.source))
                .and_then(|ci| types::interface_path(model, ci.id, rt)),
        })?),
        ItemKind::Enum(e) if !item.name.is_empty() => Some(render(&EnumView {
            name: type_name(&item.name),
            doc: doc_lines(item.helpstring.as_deref(), "Enumeration"),
            values: e
                .values
                .iter()
                .map(|(n, v)| (names::value_name(n), v.to_string()))
                .collect(),
        })?),
        ItemKind::Struct(r) | ItemKind::Union(r) if r.defined && !item.name.is_empty() => {
            Some(render(&RecordView {
                name: type_name(&item.name),
                doc: doc_lines(
                    item.helpstring.as_deref(),
                    if matches!(item.kind, ItemKind::Union(_)) {
                        "Union"
                    } else {
                        "Structure"
                    },
                ),
                is_union: matches!(item.kind, ItemKind::Union(_)),
                fields: r
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let ty = types::shape(model, &f.ty, rt).abi(rt);
                        let ty = if matches!(item.kind, ItemKind::Union(_)) {
                            format!("::core::mem::ManuallyDrop<{ty}>")
                        } else {
                            ty
                        };
                        let name = f
                            .name
                            .as_deref()
                            .map_or_else(|| format!("anonymous{i}"), names::rust_ident);
                        (name, ty)
                    })
                    .collect(),
            })?)
        }
        // A struct or union that is named but never defined (`typedef struct tagX X;`, or a
        // parameter's `struct _X *`) is only ever pointed to: an opaque type stands for it.
        ItemKind::Struct(r) | ItemKind::Union(r) if !r.defined && !item.name.is_empty() => {
            Some(render(&RecordView {
                name: type_name(&item.name),
                doc: vec![format!(
                    "`{} {}`, declared but not defined in the IDL: opaque, used behind pointers.",
                    item.kind.kind_name(),
                    item.name
                )],
                is_union: false,
                fields: vec![("_opaque".into(), "[u8; 0]".into())],
            })?)
        }
        ItemKind::Typedef(t) => {
            // Typedefs that are only C spellings of runtime types need no alias.
            let target = types::shape(model, &t.ty, rt);
            match target {
                types::Shape::Scalar(s) | types::Shape::Raw(s) => Some(render(&AliasView {
                    name: type_name(&item.name),
                    target: s,
                })?),
                _ => None,
            }
        }
        // `enum { A, B };` declares only its values: C `int` constants.
        ItemKind::Enum(e) => Some(
            e.values
                .iter()
                .map(|(n, v)| {
                    render(&ConstView {
                        doc: vec!["A value of an anonymous enumeration.".into()],
                        name: names::value_name(n),
                        ty: "i32".into(),
                        literal: v.to_string(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?
                .join("\n"),
        ),
        ItemKind::Const(c) => const_item(model, item, c, rt)
            .map(|view| render(&view))
            .transpose()?,
        _ => None,
    })
}

/// `const TYPE NAME = value;`: a Rust constant of the type's Rust spelling. A constant of a
/// pointer type other than a string (`const HANDLE h = 0;`) has no Rust constant form and is left
/// out, as are names that are not Rust identifiers.
fn const_item(model: &Model, item: &model::Item, c: &model::Const, rt: &str) -> Option<ConstView> {
    let name = names::value_name(&item.name);
    let doc = match item.helpstring.as_deref() {
        Some(h) if !h.trim().is_empty() => h.lines().map(|l| l.trim_end().to_string()).collect(),
        _ => vec![format!(
            "`const {} {}` in the IDL.",
            model.type_string(&c.ty),
            item.name
        )],
    };
    // What the declared type is underneath its typedefs decides the literal, not its Rust name
    // (an alias of `float` may be called anything).
    let stripped = model.strip_typedefs(&c.ty);
    let is_pointer = matches!(stripped, model::Type::Pointer { .. });
    let float = match stripped {
        model::Type::Base(model::BaseType::Float) => Some(true),
        model::Type::Base(model::BaseType::Double) => Some(false),
        _ => None,
    };
    let (ty, literal) = match (&c.value, types::shape(model, &c.ty, rt)) {
        // A handle constant (`const HBODY HBODY_ROOT = (HBODY)-1;`): an address.
        // Null as clippy::zero_ptr wants it (MMC.Idl's `MMCLV_NOPTR`).
        (model::Value::Int(0), types::Shape::Scalar(t) | types::Shape::Raw(t)) if is_pointer => {
            let pointee_const = matches!(
                stripped,
                model::Type::Pointer {
                    pointee_const: true,
                    ..
                }
            );
            let null = if pointee_const { "null" } else { "null_mut" };
            (t, format!("::core::ptr::{null}()"))
        }
        (model::Value::Int(v), types::Shape::Scalar(t) | types::Shape::Raw(t)) if is_pointer => {
            let literal = format!("{v}isize as {t}");
            (t, literal)
        }
        (model::Value::Str(s), _) => ("&str".to_string(), format!("{s:?}")),
        (model::Value::Int(v), types::Shape::Bool) => (types::Shape::Bool.abi(rt), v.to_string()),
        (model::Value::Int(v), types::Shape::Scalar(t)) if !t.starts_with('[') => match float {
            Some(single) => (t, float_literal(*v as f64, single)),
            None => (t, v.to_string()),
        },
        (model::Value::Float(v), types::Shape::Scalar(t)) if !t.starts_with('[') => {
            (t, float_literal(*v, float == Some(true)))
        }
        _ => return None,
    };
    Some(ConstView {
        doc,
        name,
        ty,
        literal,
    })
}

/// A Rust constant: an IDL `const`, a value of an anonymous enumeration, a `cpp_quote`
/// `#define`.
#[derive(Debug, Clone, Template)]
#[template(path = "constant.rs.askama", escape = "none")]
struct ConstView {
    doc: Vec<String>,
    name: String,
    ty: String,
    literal: String,
}

/// A float constant as Rust spells it: an `f32` with the digits an `f32` holds (clippy's
/// excessive_precision: `FLT_MAX` written `3.402823466e38` is `3.4028235e38`).
fn float_literal(v: f64, single: bool) -> String {
    let ty = if single { "f32" } else { "f64" };
    if v.is_nan() {
        format!("{ty}::NAN")
    } else if v.is_infinite() {
        format!("{ty}::{}INFINITY", if v < 0.0 { "NEG_" } else { "" })
    } else if single {
        format!("{:?}", v as f32)
    } else {
        format!("{v:?}")
    }
}

/// A function's ` -> T`, empty for `()`.
fn arrow(ty: &str) -> String {
    if ty == "()" {
        String::new()
    } else {
        format!(" -> {ty}")
    }
}

/// Simple `#define NAME value` lines in `cpp_quote` become constants (`ENUMEXT_OBJECTID`).
/// A `#define` of a number in a `cpp_quote`, as a Rust constant.
struct CppDefine {
    /// The constant's Rust name.
    name: String,
    value: i64,
    view: ConstView,
}

fn cpp_define(text: &str) -> Option<CppDefine> {
    let rest = text.trim().strip_prefix("#define")?;
    // A C comment after the value (CertExit.Idl: `#define EXITEVENT_CERTISSUED ( 0x1 ) //
    // Certificate issued`) is not part of it.
    let rest = rest.split("//").next().unwrap_or(rest);
    let rest = rest.split("/*").next().unwrap_or(rest);
    let mut parts = rest.split_whitespace();
    let name = parts.next()?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || name.contains('(') {
        return None;
    }
    let value: String = parts.collect::<Vec<_>>().join("");
    let value = value.trim_start_matches('(').trim_end_matches(')');
    let (digits, radix) = match value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))
    {
        Some(h) => (h.trim_end_matches(['L', 'l', 'U', 'u']), 16),
        None => (value.trim_end_matches(['L', 'l', 'U', 'u']), 10),
    };
    let v = i64::from_str_radix(digits, radix).ok()?;
    let ty = if i32::try_from(v).is_ok() {
        "i32"
    } else {
        "i64"
    };
    let literal = if radix == 16 {
        // One letter case for the digits (clippy::mixed_case_hex_literals: `0x00001Bff`).
        let mixed = digits.contains(|c: char| c.is_ascii_lowercase())
            && digits.contains(|c: char| c.is_ascii_uppercase());
        if mixed {
            format!("0x{}", digits.to_ascii_uppercase())
        } else {
            format!("0x{digits}")
        }
    } else {
        digits.to_string()
    };
    let rust_name = names::value_name(name);
    Some(CppDefine {
        view: ConstView {
            doc: vec![format!("`#define {name} {value}` from a `cpp_quote`.")],
            name: rust_name.clone(),
            ty: ty.to_string(),
            literal,
        },
        name: rust_name,
        value: v,
    })
}

fn doc_lines(helpstring: Option<&str>, fallback: &str) -> Vec<String> {
    match helpstring {
        Some(h) if !h.trim().is_empty() => h.lines().map(|l| l.trim_end().to_string()).collect(),
        _ => vec![fallback.to_string()],
    }
}

#[derive(Debug, Clone)]
struct GuidView {
    text: String,
    literal: String,
}

fn guid_view(g: model::Guid) -> GuidView {
    let hex = format!("{:032x}", g.to_u128());
    GuidView {
        text: g.to_string(),
        literal: format!(
            "0x{}_{}_{}_{}_{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        ),
    }
}

#[derive(Template)]
#[template(path = "file.rs.askama", escape = "none")]
struct FileView {
    version: &'static str,
    sources: String,
    items: Vec<String>,
}

#[derive(Template)]
#[template(path = "library.rs.askama", escape = "none")]
struct LibraryView<'a> {
    /// The runtime crate's path.
    rt: &'a str,
    name: String,
    define_struct: bool,
    doc: Vec<String>,
    uuid: Option<GuidView>,
    major: u16,
    minor: u16,
}

#[derive(Template)]
#[template(path = "coclass.rs.askama", escape = "none")]
struct CoclassView<'a> {
    /// The runtime crate's path.
    rt: &'a str,
    name: String,
    doc: Vec<String>,
    uuid: Option<GuidView>,
    interfaces: Vec<String>,
    default: Option<String>,
}

#[derive(Template)]
#[template(path = "enum.rs.askama", escape = "none")]
struct EnumView {
    name: String,
    doc: Vec<String>,
    values: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "struct.rs.askama", escape = "none")]
struct RecordView {
    name: String,
    doc: Vec<String>,
    is_union: bool,
    fields: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "alias.rs.askama", escape = "none")]
struct AliasView {
    name: String,
    target: String,
}

/// One interface, classified.
#[derive(Template)]
#[template(path = "interface.rs.askama", escape = "none")]
struct InterfaceView {
    /// The runtime crate's path.
    rt: String,
    name: String,
    vtbl: String,
    impl_trait: String,
    doc: Vec<String>,
    uuid: Option<GuidView>,
    base_path: String,
    base_vtbl: String,
    /// The base's generated `_Impl` trait, when the base is generated too.
    base_impl: Option<String>,
    /// Whether the base is generated here (its vtable has `with_root`) or the runtime's.
    base_generated: bool,
    /// `IDispatch` or `IUnknown`: the root of the chain, which the object's vtable starts with.
    dispatch_root: bool,
    implementable: bool,
    methods: Vec<MethodView>,
    /// IIDs QueryInterface answers for an object implementing this interface (Rust expressions).
    iids: Vec<String>,
    /// The bases' Rust types, nearest first (windows-rs's `CanInto` and `From` conversions).
    ancestors: Vec<String>,
    /// IIDs `IFoo_Vtbl::matches` answers (windows-rs's `#[implement]`): all but IUnknown's.
    matches_iids: Vec<String>,
    /// DISPID constants: (CONST_NAME, IDL name, dispid literal), one per distinct name.
    dispid_consts: Vec<(String, String, String)>,
    /// The DISPID table: own members and those of dispatch bases between this and IDispatch.
    disp_members: Vec<DispMemberView>,
    /// The arms of the member dispatcher behind `Invoke`, one per DISPID table entry.
    invoke_arms: Vec<InvokeArmView>,
    tables: TableIndexes,
}

#[derive(Debug, Clone)]
struct MethodView {
    doc: Vec<String>,
    /// The vtable field: the IDL name, `get_X`/`put_X` for accessors.
    field: String,
    /// The ABI parameters after `this`: (name, type).
    abi_params: Vec<(String, String)>,
    /// ` -> T`, or nothing for `()` (clippy::unused_unit).
    abi_arrow: String,
    ret_arrow: String,
    rust_name: String,
    is_unsafe: bool,
    /// Wrapper and `_Impl` parameters: (name, type).
    params: Vec<(String, String)>,
    /// The wrapper's body.
    wrapper: WrapperView,
    /// The thunk's body (inside the panic guard for HRESULT methods).
    thunk: ThunkView,
    is_hresult: bool,
    has_slot: bool,
    /// C's `...` ends the parameters: the slot is `extern "C"` (MSVC makes every variadic
    /// function `__cdecl`), with no wrapper (Rust cannot forward `...`) and no `_Impl` method.
    variadic: bool,
    /// More parameters than clippy's `too_many_arguments` allows (7, `self` included).
    many_params: bool,
}

/// A wrapper's body: temporaries, the call through the vtable, then what it hands back.
#[derive(Debug, Clone)]
struct WrapperView {
    /// Statements before the call (temporaries the callee writes [out] values to).
    pre: Vec<String>,
    /// The vtable field called.
    field: String,
    /// The call's arguments after `this`.
    args: Vec<String>,
    tail: WrapperTail,
}

/// What a wrapper does after the call.
#[derive(Debug, Clone)]
enum WrapperTail {
    /// An HRESULT and nothing to hand back: the checked HRESULT is the result.
    Check,
    /// An HRESULT, then storing [out] values (`posts`), checking the retval, `Ok(result)`.
    CheckThen {
        posts: Vec<String>,
        check: Option<String>,
        result: String,
    },
    /// No HRESULT: the call's value is the result.
    Value,
    /// No HRESULT, [out] values stored after the call: then the call's value.
    ValueThen { posts: Vec<String> },
}

/// A vtable thunk's body: null checks and views of the arguments, the call into the
/// implementation, and writing what it returned.
#[derive(Debug, Clone)]
struct ThunkView {
    retval: Option<RetvalCheck>,
    /// Statements before the call (null checks, views of [in] values).
    pre: Vec<String>,
    call: ImplCall,
    /// Statements after the call (writing [out] values).
    posts: Vec<String>,
    tail: ThunkTail,
}

/// The retval pointer: checked non-null, then cleared so that a failure leaves nothing to free.
#[derive(Debug, Clone)]
struct RetvalCheck {
    /// The ABI parameter.
    name: String,
    /// The statement writing the empty value, for types that have one.
    clear: Option<String>,
}

/// `imp.method(args)`, or `<T as Iface_Impl>::method(imp, args)` when `qualified`.
#[derive(Debug, Clone)]
struct ImplCall {
    qualified: bool,
    method: String,
    args: Vec<String>,
}

/// What a thunk does with the implementation's outcome.
#[derive(Debug, Clone)]
enum ThunkTail {
    /// An HRESULT method with a retval: on `Ok`, this statement writes `value__` through it.
    Write(String),
    /// An HRESULT method: the outcome reported as an HRESULT.
    Report,
    /// No HRESULT: the implementation's value is returned as is.
    Value,
    /// No HRESULT, [out] values written after the call: then its value.
    ValueThen,
}

/// DISPIDs read best in hex when they are automatic (0x60020000) and in decimal when small or
/// negative (the reserved ids, -4 for DISPID_NEWENUM).
fn dispid_literal(id: i32) -> String {
    if id >= 0x1000 {
        format!("0x{:X}", id)
    } else {
        id.to_string()
    }
}

/// The DISPID constants of a type's own members: (`DISPID_NAME`, IDL name, DISPID literal), one
/// per distinct constant name, the first member of that name giving the value (accessors share
/// their property's DISPID).
fn dispid_consts(members: &[model::Method]) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    for m in members {
        let c = format!("DISPID_{}", shouty(&m.name));
        if !out.iter().any(|(n, _, _)| *n == c) {
            out.push((c, m.name.clone(), dispid_literal(m.dispid)));
        }
    }
    out
}

/// An interface's DISPID table and `Invoke` arms: its members and those of its dispatch bases
/// above IDispatch (`chain` is the interface and its bases, nearest first), each classified
/// for `Invoke` and called on `callee`.
fn dispatch_parts(
    model: &Model,
    chain: &[TypeId],
    callee: dispatch::Callee<'_>,
    rt: &str,
) -> (Vec<DispMemberView>, Vec<InvokeArmView>, TableIndexes) {
    let mut disp_members = Vec::new();
    let mut invoke_arms = Vec::new();
    // Each interface of the chain (not built in) with its methods' Rust names, worked out once.
    let named: Vec<(TypeId, &[model::Method], Vec<String>)> = (chain.iter())
        .filter(|a| !model.is_builtin(**a))
        .filter_map(|&a| match &model.item(a).kind {
            ItemKind::Interface(ai) => Some((a, ai.methods.as_slice(), method_names(&ai.methods))),
            _ => None,
        })
        .collect();
    // idlgen's shim calls `T::name` unless two traits of the chain have a method of that name.
    let names: Vec<&String> = named.iter().flat_map(|(_, _, n)| n).collect();
    for (a, methods, rust_names) in named.iter().rev() {
        let owner = format!("{}_Impl", type_name(&model.item(*a).name));
        for (m, rust_name) in methods.iter().zip(rust_names.iter().cloned()) {
            let unique = names.iter().filter(|n| ***n == rust_name).count() == 1;
            let (member, arm) = dispatch::model_member(
                model,
                m,
                &rust_name,
                match callee {
                    dispatch::Callee::Idlgen if unique => "T",
                    _ => &owner,
                },
                disp_members.len(),
                dispid_literal(m.dispid),
                dispatch::Style::Dual,
                callee,
                rt,
            );
            disp_members.push(member);
            invoke_arms.push(arm);
        }
    }
    let all: Vec<&model::Method> = chain
        .iter()
        .rev()
        .filter(|a| !model.is_builtin(**a))
        .filter_map(|a| match &model.item(*a).kind {
            ItemKind::Interface(ai) => Some(ai.methods.iter()),
            _ => None,
        })
        .flatten()
        .collect();
    (
        disp_members,
        invoke_arms,
        table_indexes(&all, dispid_literal),
    )
}

fn interface_view(model: &Model, id: TypeId, iface: &model::Interface, rt: &str) -> InterfaceView {
    let item = model.item(id);
    let name = type_name(&item.name);
    let chain = model.ancestors(id);
    let (base_path, base_vtbl, base_generated, base_impl) = match iface.base {
        Some(b) => {
            let path = types::base_interface_path(model, b, rt)
                .unwrap_or_else(|| format!("{rt}::IUnknown"));
            let generated = !model.is_builtin(b);
            (
                path.clone(),
                format!("{path}_Vtbl"),
                generated,
                generated.then(|| format!("{path}_Impl")),
            )
        }
        None => (
            format!("{rt}::IUnknown"),
            format!("{rt}::IUnknown_Vtbl"),
            false,
            None,
        ),
    };
    let implementable = model.implementable(id);
    let dispatch_root = iface.dispatchable;
    // Method names the bases' `_Impl` traits already have (msado15's `Fields20::_Append` and
    // `Fields::Append` are both `append`): calls to those must name their trait.
    let inherited: Vec<String> = chain
        .iter()
        .skip(1)
        .filter_map(|a| match &model.item(*a).kind {
            ItemKind::Interface(i) => Some(method_names(&i.methods)),
            _ => None,
        })
        .flatten()
        .collect();
    let methods: Vec<MethodView> = iface
        .methods
        .iter()
        .zip(method_names(&iface.methods))
        .map(|(m, rust_name)| method_view(model, m, rust_name, &inherited, rt))
        .collect();
    let iids = chain
        .iter()
        .map(|a| match types::base_interface_path(model, *a, rt) {
            Some(p) => format!("<{p} as {rt}::Interface>::IID"),
            None => format!("{rt}::IID_NULL"),
        })
        .collect();
    // The bases as Rust types, for windows-rs's conversions (`CanInto`, `From`).
    let ancestors: Vec<String> = chain
        .iter()
        .skip(1)
        .filter_map(|a| types::base_interface_path(model, *a, rt))
        .collect();
    // What windows-rs's `#[implement]` asks `matches`: the interface and its bases, IUnknown
    // excepted (the identity answers that).
    let matches_iids = chain
        .iter()
        .filter(|a| !(model.is_builtin(**a) && model.item(**a).name == "IUnknown"))
        .filter_map(|a| types::base_interface_path(model, *a, rt))
        .map(|p| format!("<{p} as {rt}::Interface>::IID"))
        .collect();

    let (disp_members, invoke_arms, tables) =
        dispatch_parts(model, &chain, dispatch::Callee::Idlgen, rt);
    let dispid_consts = dispid_consts(&iface.methods);

    InterfaceView {
        rt: rt.to_string(),
        vtbl: format!("{name}_Vtbl"),
        impl_trait: format!("{name}_Impl"),
        doc: doc_lines(item.helpstring.as_deref(), "COM interface"),
        uuid: iface.uuid.map(guid_view),
        base_path,
        base_vtbl,
        base_impl,
        base_generated,
        dispatch_root,
        implementable,
        methods,
        iids,
        ancestors,
        matches_iids,
        dispid_consts,
        disp_members,
        invoke_arms,
        tables,
        name,
    }
}

/// A dispinterface with its own properties and methods: type, DISPID table, `_Impl` trait and
/// the IDispatch shim for Rust implementations.
#[derive(Template)]
#[template(path = "dispinterface.rs.askama", escape = "none")]
struct DispinterfaceView {
    /// The runtime crate's path.
    rt: String,
    name: String,
    impl_trait: String,
    doc: Vec<String>,
    uuid: Option<GuidView>,
    methods: Vec<dispatch::DispImplMethodView>,
    dispid_consts: Vec<(String, String, String)>,
    disp_members: Vec<DispMemberView>,
    invoke_arms: Vec<InvokeArmView>,
    tables: TableIndexes,
}

fn dispinterface_view(
    model: &Model,
    id: TypeId,
    d: &model::Dispinterface,
    rt: &str,
) -> DispinterfaceView {
    let item = model.item(id);
    let name = type_name(&item.name);
    let impl_trait = format!("{name}_Impl");
    let members = d.members();
    let rust_names = method_names(&members);
    let mut disp_members = Vec::new();
    let mut invoke_arms = Vec::new();
    for (i, m) in members.iter().enumerate() {
        let (member, arm) = dispatch::member(
            model,
            m,
            &rust_names[i],
            "T",
            i,
            dispid_literal(m.dispid),
            dispatch::Style::Dispinterface,
            dispatch::Callee::Idlgen,
            rt,
        );
        disp_members.push(member);
        invoke_arms.push(arm);
    }
    let refs: Vec<&model::Method> = members.iter().collect();
    let tables = table_indexes(&refs, dispid_literal);
    let dispid_consts = dispid_consts(&members);
    DispinterfaceView {
        rt: rt.to_string(),
        doc: doc_lines(item.helpstring.as_deref(), "Dispatch interface"),
        uuid: d.uuid.map(guid_view),
        methods: members
            .iter()
            .zip(rust_names)
            .map(|(m, rust_name)| dispatch::impl_method(model, m, rust_name, rt))
            .collect(),
        dispid_consts,
        disp_members,
        invoke_arms,
        tables,
        impl_trait,
        name,
    }
}

fn method_view(
    model: &Model,
    m: &model::Method,
    rust_name: String,
    inherited: &[String],
    rt: &str,
) -> MethodView {
    let retval = m.retval();
    let ret = plan_return(model, &m.ret, retval, rt);
    let null_return = types::NullReturn::of(&ret);
    let plans: Vec<Option<types::ParamPlan>> = m
        .params
        .iter()
        .map(|p| {
            if p.retval && ret.retval.is_some() {
                None
            } else {
                let plan = types::plan_param_returning(model, p, null_return, rt);
                dispatch::remember_param(p, &plan);
                Some(plan)
            }
        })
        .collect();
    let abi_params: Vec<(String, String)> = m
        .params
        .iter()
        .zip(&plans)
        .map(|(p, plan)| match plan {
            Some(pl) => (pl.abi_name.clone(), pl.abi_ty.clone()),
            None => (
                types::abi_param_name(model, &p.name),
                retval_abi(model, p, rt),
            ),
        })
        .collect();
    let is_unsafe = plans.iter().flatten().any(|p| p.is_raw);
    let params: Vec<(String, String)> = plans
        .iter()
        .flatten()
        .filter_map(|p| p.rust_ty.clone().map(|t| (p.rust_name.clone(), t)))
        .collect();

    // The wrapper: temporaries, the call, then the result.
    let mut pre: Vec<String> = plans
        .iter()
        .flatten()
        .filter_map(|p| p.wrapper_pre.clone())
        .collect();
    if let Some(rv) = ret.retval.as_ref().filter(|rv| !rv.wrapper_pre.is_empty()) {
        pre.push(rv.wrapper_pre.clone());
    }
    // A C name may be a Rust keyword (mshtml's `IHTMLTxtRange::move`).
    let field = names::rust_ident(&m.vtable_name());
    let args: Vec<String> = m
        .params
        .iter()
        .zip(&plans)
        .map(|(p, plan)| match plan {
            Some(pl) => pl.call_arg.clone(),
            None => ret.retval.as_ref().map_or_else(
                || format!("&mut {}_out", snake(&p.name)),
                |rv| rv.call_arg.clone(),
            ),
        })
        .collect();
    let posts: Vec<String> = plans
        .iter()
        .flatten()
        .filter_map(|p| p.wrapper_post.clone())
        .collect();
    let tail = match (ret.retval.as_ref(), ret.is_hresult) {
        (None, true) if posts.is_empty() => WrapperTail::Check,
        (retval, true) => WrapperTail::CheckThen {
            posts,
            check: retval.and_then(|rv| rv.wrapper_check.clone()),
            result: retval.map_or_else(|| "()".to_string(), |rv| rv.wrapper_result.clone()),
        },
        (_, false) if posts.is_empty() => WrapperTail::Value,
        (_, false) => WrapperTail::ValueThen { posts },
    };
    let wrapper = WrapperView {
        pre,
        field: field.clone(),
        args,
        tail,
    };

    // The thunk: views of the arguments, the call into the implementation, the out values.
    let retval_check = ret.retval.as_ref().zip(retval).map(|(rv, p)| RetvalCheck {
        name: types::abi_param_name(model, &p.name),
        clear: (!rv.thunk_clear.is_empty()).then(|| rv.thunk_clear.clone()),
    });
    let thunk_posts: Vec<String> = plans
        .iter()
        .flatten()
        .filter_map(|p| p.thunk_post.clone())
        .collect();
    let thunk = ThunkView {
        retval: retval_check,
        pre: plans
            .iter()
            .flatten()
            .flat_map(|p| p.thunk_pre.clone())
            .collect(),
        call: ImplCall {
            // A base's `_Impl` trait with a method of the same name makes the call ambiguous.
            qualified: inherited.contains(&rust_name),
            method: rust_name.clone(),
            args: plans.iter().flatten().map(|p| p.impl_arg.clone()).collect(),
        },
        tail: match &ret.retval {
            Some(rv) if ret.is_hresult && !rv.thunk_write.is_empty() => {
                ThunkTail::Write(rv.thunk_write.clone())
            }
            _ if ret.is_hresult => ThunkTail::Report,
            _ if thunk_posts.is_empty() => ThunkTail::Value,
            _ => ThunkTail::ValueThen,
        },
        posts: thunk_posts,
    };

    let mut doc = doc_lines(m.helpstring.as_deref(), "");
    if doc == [String::new()] {
        doc.clear();
    }
    let kind = m.invkind.as_str();
    let slot = m.slot.map_or_else(|| "none".to_string(), |s| s.to_string());
    doc.push(format!(
        "`{}` ({kind}, DISPID 0x{:08X}, vtable slot {slot}).",
        m.name, m.dispid as u32
    ));
    MethodView {
        doc,
        field,
        abi_params,
        abi_arrow: arrow(&ret.abi_ty),
        ret_arrow: arrow(&ret.rust_ty),
        rust_name,
        is_unsafe,
        params,
        wrapper,
        thunk,
        is_hresult: ret.is_hresult,
        has_slot: m.slot.is_some(),
        variadic: m.variadic,
        many_params: m.params.len() >= 7,
    }
}

#[cfg(test)]
mod tests {
    use super::{FileView, RustOptions, runtime_path_ok, write_file};

    /// The items of certif.idl's bindings as `generate_to` renders them, with the file's text.
    fn certif_items() -> (Vec<String>, String) {
        let idl = include_str!("../../../fixtures/certif/certif.idl");
        let model = crate::load(
            [crate::Input::idl_text("certif.idl", idl)],
            &Default::default(),
        )
        .expect("certif.idl loads")
        .model;
        let whole = super::generate(&model, &RustOptions::default()).expect("generates");
        let opts = RustOptions::default();
        let rt = super::runtime_path(&opts).expect("runtime path");
        let dependencies = super::base_dependencies(&model, &opts);
        let items = super::render_items(&model, &opts, rt, &dependencies, &mut Default::default())
            .expect("renders");
        (items, whole)
    }

    fn written(items: &[String], cut: Option<usize>, sources: &str) -> String {
        let file = FileView {
            version: crate::VERSION,
            sources: sources.to_string(),
            items: items.to_vec(),
        };
        let mut out = Vec::new();
        let text = std::sync::OnceLock::new();
        std::thread::scope(|scope| {
            let _release = super::Release(&text);
            write_file(scope, file, cut, &text, None, &mut out)
        })
        .expect("writes");
        String::from_utf8(out).expect("UTF-8")
    }

    /// Laying out the items from any item's end onward on a second thread gives the very text of
    /// laying out the file on one (certif.idl's 90 KB of bindings, cut after each item).
    #[test]
    fn a_file_laid_out_on_two_threads_is_the_same_text() {
        let (items, whole) = certif_items();
        assert!(items.len() >= 3, "{} items", items.len());
        let one = written(&items, None, "certif.idl");
        assert_eq!(one, whole);
        for cut in 1..items.len() {
            let two = written(&items, Some(cut), "certif.idl");
            assert_eq!(two, one, "cut before item {cut}");
        }
    }

    /// The same over Wine's IDL files (every eighth that loads alone), cut where
    /// `split_items` cuts and at a quarter of the items, and as `generate` writes them (the
    /// later half of a large file's items rendered on the layout thread).
    #[test]
    fn wine_files_laid_out_on_two_threads_are_the_same_text() {
        let wine = std::path::Path::new("/usr/include/wine/wine/windows");
        let Ok(dir) = std::fs::read_dir(wine) else {
            assert!(std::env::var_os("CI").is_none(), "no Wine IDL at {wine:?}");
            eprintln!("SKIPPED wine_files_laid_out_on_two_threads_are_the_same_text: no Wine IDL");
            return;
        };
        let mut files: Vec<_> = (dir.filter_map(|e| e.ok().map(|e| e.path())))
            .filter(|p| p.extension().is_some_and(|e| e == "idl"))
            .collect();
        files.sort();
        let opts = crate::Options::new().include_dir(wine);
        let rust = RustOptions::default();
        let rt = super::runtime_path(&rust).expect("runtime path");
        let mut checked = 0;
        for path in files.iter().step_by(8) {
            let Ok(loaded) = crate::load([path], &opts) else {
                continue;
            };
            let dependencies = super::base_dependencies(&loaded.model, &rust);
            let rendered = &mut Default::default();
            let Ok(items) = super::render_items(&loaded.model, &rust, rt, &dependencies, rendered)
            else {
                continue;
            };
            let sources = super::source_names(&loaded.model, &rust);
            let one = written(&items, None, &sources);
            // generate renders the later half of a large file's items on the layout thread too.
            let generated = super::generate(&loaded.model, &rust).expect("generates");
            assert_eq!(generated, one, "{path:?} generated");
            for cut in [super::split_items(&items), Some(items.len() / 4)] {
                assert_eq!(
                    written(&items, cut, &sources),
                    one,
                    "{path:?} cut before item {cut:?}"
                );
            }
            checked += 1;
        }
        assert!(checked > 10, "{checked} files checked");
    }

    #[test]
    fn runtime_paths_are_rust_paths_without_keyword_segments() {
        for ok in [
            "idlgen_runtime",
            "::rt",
            "crate::support::rt",
            "self::rt",
            "super::super::rt",
            "self::super::rt",
        ] {
            assert!(runtime_path_ok(ok), "{ok} is a path");
        }
        for bad in [
            "",
            "::",
            "rt::",
            "a b",
            "1rt",
            "type",
            "crate::type::rt",
            "rt::crate",
            "::crate::rt",
            "rt::super",
            "fn",
            "_",
            "Self::rt",
        ] {
            assert!(!runtime_path_ok(bad), "{bad:?} is not a runtime path");
        }
    }
}
