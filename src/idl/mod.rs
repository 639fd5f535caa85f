//! The IDL front end: preprocessing, parsing into [`ast`], and import resolution.
//!
//! [`load_files`] and [`load_source`] read the inputs, run each file through the preprocessor
//! (`preprocess`: `#include`, `#define`, `#if`...), parse the tokens (`parser`), then follow the
//! file's `import`s (searched for by `imports`, the embedded SDK base files in `base` last),
//! so that every file comes out parsed once, imports before the files that import them.
pub mod ast;
mod attributes;
mod base;
mod imports;
mod lexer;
mod parser;
mod pp_expr;
mod preprocess;

use std::collections::HashSet;
use std::path::PathBuf;

use crate::diag::{Diagnostic, FileId, SourceMap, Span};
use imports::Loader;
/// A fast hasher for short names (FNV-1a), for the front end's and resolution's tables.
pub(crate) use lexer::FastHash;
pub use lexer::NameHasher;

/// The directory under which the embedded base files appear in the [`SourceMap`]
/// (`<builtin>/oaidl.idl`).
pub const BUILTIN_DIR: &str = "<builtin>";

/// How to find and preprocess files.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `-I` directories, searched in order after the importing file's own directory.
    pub include_dirs: Vec<PathBuf>,
    /// `-D NAME=VALUE`: the value is the macro's body as written (`-D NAME` is usually `"1"`).
    pub defines: Vec<(String, String)>,
    /// `-U NAME`, applied after the predefined macros and `defines`.
    pub undefines: Vec<String>,
}

/// Everything read and parsed in one run.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Every file read: inputs, imports, `#include`s, embedded base files.
    pub sources: SourceMap,
    /// Every IDL file parsed, each once, imports before their importers; inputs in the order given.
    pub files: Vec<ast::File>,
    /// The input files themselves.
    pub roots: Vec<FileId>,
    /// Every file read from disk (not embedded ones), for `cargo:rerun-if-changed`.
    pub read: Vec<PathBuf>,
}

/// Reads, preprocesses and parses the input files and everything they import.
///
/// With several inputs and more than one core, a helper thread preprocesses and parses inputs
/// ahead of time (the largest first; see `Ahead`), and this thread does the same with later
/// inputs while it waits for one; the results are the same as when one thread does everything.
pub fn load_files(inputs: &[PathBuf], opts: &Options) -> crate::diag::Result<Parsed> {
    // One input has no helper whatever the cores (and asking costs reads of /proc and cgroup
    // files).
    let ahead =
        inputs.len() >= 2 && std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2);
    load_inputs(inputs, opts, ahead)
}

/// [`load_files`], with inputs done ahead on a helper thread or not.
fn load_inputs(inputs: &[PathBuf], opts: &Options, ahead: bool) -> crate::diag::Result<Parsed> {
    on_own_stack(|| {
        let mut session = Session::new(opts)?;
        for input in inputs {
            let id = session.loader.add_input(input)?;
            session.roots.push(id);
        }
        if session.roots.len() < 2 || !ahead {
            return session.run();
        }
        let ahead = Ahead::new(opts, &session.loader, &session.roots);
        std::thread::scope(|scope| {
            // Without a helper (it could not start), nothing is ever busy: this thread loads
            // every input in order.
            let _helper = std::thread::Builder::new()
                .name("idlgen-idl-ahead".to_string())
                .stack_size(STACK_SIZE)
                .spawn_scoped(scope, || ahead.help());
            session.ahead = Some(&ahead);
            let result = session.run();
            ahead.stop();
            result
        })
    })
}

/// Like [`load_files`] for one input whose text is given: `text` stands for a file named `name`,
/// and its imports resolve as usual (relative to `name`'s directory, then `-I`, then embedded).
pub fn load_source(name: &str, text: &str, opts: &Options) -> crate::diag::Result<Parsed> {
    on_own_stack(|| {
        let mut session = Session::new(opts)?;
        let id = session.loader.add_virtual(name, text);
        session.roots.push(id);
        session.run()
    })
}

/// The stack the front end runs on. Nesting is limited (256 levels of types or expressions, 200
/// of `#include`), but a debug build spends several KiB of stack per level, more than a test
/// thread's 2 MiB; only the pages touched are committed.
const STACK_SIZE: usize = 64 << 20;

/// Runs `f` on a thread with [`STACK_SIZE`] of stack, so that the depth limits, not the caller's
/// stack, decide how deep input may nest.
fn on_own_stack<T: Send>(
    f: impl FnOnce() -> crate::diag::Result<T> + Send,
) -> crate::diag::Result<T> {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("idlgen-idl".to_string())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || {
                warm_heap();
                f()
            });
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(Diagnostic::bare("internal error: the IDL front end panicked").into())
            }),
            Err(e) => Err(Diagnostic::bare(format!("cannot start the IDL front end: {e}")).into()),
        }
    })
}

/// Makes room up front in the heap of a thread that is about to allocate a few MB.
///
/// glibc gives a new thread an arena of its own, which grows a page at a time as it fills,
/// each step an `mprotect` call (about 500 for a Wine file and its imports, a tenth of the
/// front end's time). Blocks taken and freed at once grow it in a few steps instead: freed,
/// they leave the arena's reserved size as it is (the pages are not touched, and go back to
/// the system), and later growth within it costs no call. Each block is below the size that
/// glibc serves with `mmap` instead (128 KiB). With another allocator this is a few
/// allocations and frees.
pub(crate) fn warm_heap() {
    if cfg!(all(target_os = "linux", target_env = "gnu")) {
        let blocks: Vec<Vec<u8>> = (0..32).map(|_| Vec::with_capacity(120 << 10)).collect();
        drop(std::hint::black_box(blocks));
    }
}

/// The names of the embedded base files (`oaidl.idl`, ...), each importable by that name.
pub fn builtin_files() -> Vec<&'static str> {
    base::names()
}

/// An error inside the front end, before it is resolved against the [`SourceMap`].
#[derive(Debug, Clone)]
pub(crate) struct IdlError {
    pub span: Span,
    pub message: String,
    pub label: Option<String>,
    pub notes: Vec<String>,
}

impl IdlError {
    pub fn new(span: Span, message: impl Into<String>) -> IdlError {
        IdlError {
            span,
            message: message.into(),
            label: None,
            notes: Vec::new(),
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> IdlError {
        self.label = Some(label.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> IdlError {
        self.notes.push(note.into());
        self
    }

    fn into_diagnostic(self, sources: &SourceMap) -> Diagnostic {
        let mut d = sources.error(self.span, self.message);
        d.label = self.label;
        d.notes = self.notes;
        d
    }
}

/// Imports nested deeper than this are reported rather than followed (no real chain comes close).
const MAX_IMPORT_DEPTH: usize = 200;

/// Inputs preprocessed and parsed ahead of the thread that loads them in order.
///
/// Preprocessing and parsing a file depend only on the file, the files it `#include`s and the
/// options, so they can happen on any thread with a loader of its own. Two things tie them to
/// the order [`Session::load`] visits files in, which decides every [`FileId`]: the ids of the
/// files a file `#include`s (handed out as they are first opened), and the spans in its tokens.
/// So a file is done ahead only as an input (whose id is known from the start), in a loader of
/// its own that records which files it opened; its result is kept only if every token comes
/// from the file itself (a file whose text comes partly from an `#include`d file is loaded in
/// order as usual) and nothing failed (errors are found again, and reported, in order). When
/// [`Session::load`] comes to the input, it opens the recorded files in its own loader in the
/// same order, which gives them the ids they would have had, and takes the syntax tree.
pub(crate) struct Ahead<'o> {
    opts: &'o Options,
    slots: std::sync::Mutex<Vec<Slot>>,
    done: std::sync::Condvar,
    /// Input slots in the order the helper takes them: the largest first.
    by_size: Vec<usize>,
    /// The slot of each input's id.
    slot_of: std::collections::HashMap<FileId, usize>,
}

enum Slot {
    /// Not started: the input's id, path and text.
    Free(FileId, PathBuf, String),
    /// Being preprocessed and parsed ahead.
    Busy,
    /// Done ahead (`None`: not usable ahead, to be loaded in order).
    Done(Option<Box<Early>>),
    /// Taken, or left to be loaded in order.
    Gone,
}

/// What [`Ahead::take`] gives.
enum Took {
    Early(Box<Early>),
    /// To be loaded in order now.
    InOrder,
    /// Still being done ahead: to be loaded later (see [`Staged`]).
    Deferred,
}

/// A file preprocessed and parsed ahead: its syntax tree and the files it opened, in order.
struct Early {
    file: ast::File,
    opened: Vec<imports::Found>,
}

impl<'o> Ahead<'o> {
    fn new(opts: &'o Options, loader: &Loader<'_>, roots: &[FileId]) -> Ahead<'o> {
        let mut slots = Vec::new();
        let mut slot_of = std::collections::HashMap::new();
        for &id in roots {
            if slot_of.contains_key(&id) {
                continue;
            }
            let Some((path, text)) = loader.input_text(id) else {
                continue;
            };
            slot_of.insert(id, slots.len());
            slots.push(Slot::Free(id, path, text));
        }
        let mut by_size: Vec<usize> = (0..slots.len()).collect();
        let size = |k: usize| match &slots[k] {
            Slot::Free(_, _, text) => text.len(),
            _ => 0,
        };
        by_size.sort_by_key(|&k| std::cmp::Reverse(size(k)));
        Ahead {
            opts,
            slots: std::sync::Mutex::new(slots),
            done: std::sync::Condvar::new(),
            by_size,
            slot_of,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Slot>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Claims slot `k` if it is free.
    fn claim(slots: &mut [Slot], k: usize) -> Option<(FileId, PathBuf, String)> {
        match std::mem::replace(&mut slots[k], Slot::Busy) {
            Slot::Free(id, path, text) => Some((id, path, text)),
            other => {
                slots[k] = other;
                None
            }
        }
    }

    /// Does the claimed input `k` ahead and records the result.
    fn work(&self, k: usize, (id, path, text): (FileId, PathBuf, String)) {
        // A panic here would leave the slot busy for ever: the input is then loaded in order
        // (where the panic, if it happens again, is reported as usual).
        let early = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            early(self.opts, id, &path, text)
        }))
        .ok()
        .flatten()
        .map(Box::new);
        self.lock()[k] = Slot::Done(early);
        self.done.notify_all();
    }

    /// The helper thread: inputs the largest first, until none is free.
    pub fn help(&self) {
        for &k in &self.by_size {
            let claimed = Ahead::claim(&mut self.lock(), k);
            if let Some(job) = claimed {
                self.work(k, job);
            }
        }
    }

    /// Leaves every input not yet started to be loaded in order (the helper then stops).
    pub fn stop(&self) {
        for slot in self.lock().iter_mut() {
            if matches!(slot, Slot::Free(..)) {
                *slot = Slot::Gone;
            }
        }
    }

    /// The input `id` done ahead, if it was; `None` if it is to be loaded in order now. While
    /// the helper is on it, this thread does later inputs ahead rather than wait; with
    /// `may_defer`, once none is left, it does not wait either ([`Took::Deferred`]).
    fn take(&self, id: FileId, may_defer: bool) -> Took {
        let Some(&k) = self.slot_of.get(&id) else {
            return Took::InOrder;
        };
        let mut slots = self.lock();
        loop {
            match std::mem::replace(&mut slots[k], Slot::Gone) {
                Slot::Done(Some(early)) => return Took::Early(early),
                Slot::Done(None) | Slot::Free(..) | Slot::Gone => return Took::InOrder,
                Slot::Busy => {
                    slots[k] = Slot::Busy;
                    // The next free input in order (this one may have come in early, as an
                    // import of an earlier input).
                    let next = (0..slots.len())
                        .find_map(|j| Ahead::claim(&mut slots, j).map(|job| (j, job)));
                    match next {
                        Some((j, job)) => {
                            drop(slots);
                            self.work(j, job);
                            slots = self.lock();
                        }
                        None if may_defer => return Took::Deferred,
                        None => slots = self.done.wait(slots).unwrap_or_else(|e| e.into_inner()),
                    }
                }
            }
        }
    }
}

/// Preprocesses and parses the input `id` in a loader of its own (see [`Ahead`]); `None` if its
/// tokens are not all its own or anything fails.
fn early(opts: &Options, id: FileId, path: &std::path::Path, text: String) -> Option<Early> {
    let mut loader = Loader::new(opts).ok()?;
    let own = loader.add_input_text(path, text);
    loader.record_opens();
    let mut tokens = preprocess::run(&mut loader, own).ok()?;
    if tokens.iter().any(|t| t.span.file != own) {
        return None;
    }
    for t in &mut tokens {
        t.span.file = id;
    }
    let end = loader.end_of(own);
    let eof = Span { file: id, ..end };
    let file = parser::parse_file(id, &tokens, eof).ok()?;
    Some(Early {
        file,
        opened: loader.take_opened(),
    })
}

/// [`load_files`] in two parts, so that work on the first can start while a helper thread is
/// still parsing a large input ahead (see [`crate::model::load_each`]): [`Staged::load_first`]
/// loads every input it need not wait for, and leaves those still being done ahead;
/// [`Staged::load_rest`] loads those (once the helper is done) and whatever they import that the
/// first part did not. File ids are shared: the second part's files are numbered after the
/// first's, and its inputs may import the first part's files, which it does not hold again.
pub(crate) struct Staged<'o> {
    session: Session<'o>,
}

impl<'o> Staged<'o> {
    pub fn new(inputs: &[PathBuf], opts: &'o Options) -> crate::diag::Result<Staged<'o>> {
        let mut session = Session::new(opts)?;
        for input in inputs {
            let id = session.loader.add_input(input)?;
            session.roots.push(id);
        }
        Ok(Staged { session })
    }

    /// Each input's file, in the order given.
    pub fn roots(&self) -> &[FileId] {
        &self.session.roots
    }

    /// A helper that parses inputs ahead ([`Ahead::help`], on another thread); none for one
    /// input.
    pub fn ahead(&self, opts: &'o Options) -> Option<Ahead<'o>> {
        (self.session.roots.len() >= 2)
            .then(|| Ahead::new(opts, &self.session.loader, &self.session.roots))
    }

    /// Loads every input but those that need one `ahead` is still on when nothing else is
    /// left to do; the files loaded (its roots: the inputs loaded).
    pub fn load_first(&mut self, ahead: Option<&'o Ahead<'o>>) -> crate::diag::Result<Parsed> {
        let session = &mut self.session;
        session.ahead = ahead;
        session.defer = true;
        for root in session.roots.clone() {
            if let Err(e) = session.load_or_defer(root, 0) {
                return Err(e.into_diagnostic(&session.loader.sources).into());
            }
        }
        session.defer = false;
        let (sources, read) = session.loader.snapshot();
        Ok(Parsed {
            sources,
            files: std::mem::take(&mut session.files),
            roots: session.done_roots(true),
            read,
        })
    }

    /// The inputs [`Staged::load_first`] left, if any, loaded (waiting for the helper where it
    /// is still on one): the files loaded since (its roots: those inputs).
    pub fn load_rest(self) -> Option<crate::diag::Result<Parsed>> {
        let mut session = self.session;
        let rest = session.done_roots(false);
        if rest.is_empty() {
            return None;
        }
        for &root in &rest {
            if let Err(e) = session.load(root, 0) {
                return Some(Err(e.into_diagnostic(&session.loader.sources).into()));
            }
        }
        let (sources, read) = session.loader.finish();
        Some(Ok(Parsed {
            sources,
            files: session.files,
            roots: rest,
            read,
        }))
    }
}

struct Session<'o> {
    loader: Loader<'o>,
    /// Inputs done ahead on other threads, if any.
    ahead: Option<&'o Ahead<'o>>,
    files: Vec<ast::File>,
    roots: Vec<FileId>,
    /// Files parsed to the end, with their imports.
    done: HashSet<FileId>,
    /// Files whose imports are being loaded; importing one of them again is a cycle, skipped.
    active: HashSet<FileId>,
    /// Whether a file that needs an input still being done ahead is left for later rather
    /// than waited for (see [`Staged`]); and the files so left, each parsed, with the ids of
    /// the imports it has loaded.
    defer: bool,
    parked: std::collections::HashMap<FileId, (ast::File, Vec<FileId>)>,
}

impl<'o> Session<'o> {
    fn new(opts: &'o Options) -> crate::diag::Result<Session<'o>> {
        Ok(Session {
            loader: Loader::new(opts)?,
            ahead: None,
            files: Vec::new(),
            roots: Vec::new(),
            done: HashSet::new(),
            active: HashSet::new(),
            defer: false,
            parked: std::collections::HashMap::new(),
        })
    }

    fn run(mut self) -> crate::diag::Result<Parsed> {
        let roots = self.roots.clone();
        for root in roots {
            if let Err(e) = self.load(root, 0) {
                return Err(e.into_diagnostic(&self.loader.sources).into());
            }
        }
        let (sources, read) = self.loader.finish();
        Ok(Parsed {
            sources,
            files: self.files,
            roots: self.roots,
            read,
        })
    }

    /// Parses one IDL file, then loads what it imports, then records it (post-order).
    fn load(&mut self, id: FileId, depth: usize) -> Result<(), IdlError> {
        self.load_or_defer(id, depth).map(|_| ())
    }

    /// [`Session::load`]; with `defer` set, a file that needs an input the helper is still on
    /// (when nothing else is left to do meanwhile) is left for later: `false`, the file parked
    /// with the imports it has loaded so far, to go on from there (see [`Staged`]).
    fn load_or_defer(&mut self, id: FileId, depth: usize) -> Result<bool, IdlError> {
        if self.done.contains(&id) || self.active.contains(&id) {
            return Ok(true);
        }
        let (mut file, mut imported_ids) = match self.parked.remove(&id) {
            Some(parked) => parked,
            None => {
                let took = match self.ahead {
                    Some(ahead) => ahead.take(id, self.defer),
                    None => Took::InOrder,
                };
                let mut file = match took {
                    Took::Early(early) => self.adopt(id, *early)?,
                    Took::InOrder => self.preprocess_and_parse(id)?,
                    Took::Deferred => return Ok(false),
                };
                self.add_library_imports(id, &mut file);
                (file, Vec::new())
            }
        };
        self.active.insert(id);
        let imports: Vec<(String, Span, bool)> = ast_imports(&file.items)
            .into_iter()
            .skip(imported_ids.len())
            .map(|(s, implicit)| (s.value.clone(), s.span, implicit))
            .collect();
        for (name, span, implicit) in imports {
            if depth >= MAX_IMPORT_DEPTH {
                return Err(IdlError::new(
                    span,
                    format!("imports nested more than {MAX_IMPORT_DEPTH} deep"),
                ));
            }
            let found = self
                .loader
                .find_or_error(&name, span.file, span, "import")?;
            let imported = self.loader.open(found, span)?;
            self.loader.sources.note_import(imported, implicit);
            if !self.load_or_defer(imported, depth + 1)? {
                self.active.remove(&id);
                self.parked.insert(id, (file, imported_ids));
                return Ok(false);
            }
            imported_ids.push(imported);
        }
        file.imports = imported_ids;
        self.active.remove(&id);
        self.done.insert(id);
        self.files.push(file);
        Ok(true)
    }
}

/// What MIDL imports by itself at every `library` statement, for the base types of type
/// libraries: "The MIDL compiler gets its definitions for these base types by automatically
/// importing oaidl.idl and oleidl.idl whenever it encounters a library statement" (Microsoft's
/// "Support for ODL Base Types"). The SDK's WbemCli.Idl and WMIUtils.Idl rely on it, naming
/// IUnknown inside their libraries with no import.
const LIBRARY_IMPORTS: &[&str] = &["oaidl.idl", "oleidl.idl"];

impl Session<'_> {
    /// Puts MIDL's implicit imports (see [`LIBRARY_IMPORTS`]) at the head of each library of
    /// `file`, those the search path has (oaidl.idl always: the base set carries it); they
    /// then load and resolve like imports written there.
    fn add_library_imports(&self, id: FileId, file: &mut ast::File) {
        for item in &mut file.items {
            if let ast::Item::Library(l) = item {
                let names: Vec<ast::StrLit> = LIBRARY_IMPORTS
                    .iter()
                    .filter(|n| self.loader.find(n, id).is_some())
                    .map(|n| ast::StrLit {
                        value: (*n).to_string(),
                        span: l.name.span,
                    })
                    .collect();
                if !names.is_empty() {
                    l.items.insert(0, ast::Item::Import(names));
                    l.implicit_imports = true;
                }
            }
        }
    }

    /// The inputs loaded (`true`) or not yet (`false`), in order, each once.
    fn done_roots(&self, done: bool) -> Vec<FileId> {
        let mut seen = HashSet::new();
        self.roots
            .iter()
            .copied()
            .filter(|r| self.done.contains(r) == done && seen.insert(*r))
            .collect()
    }

    fn preprocess_and_parse(&mut self, id: FileId) -> Result<ast::File, IdlError> {
        let tokens = preprocess::run(&mut self.loader, id)?;
        let file = parser::parse_file(id, &tokens, self.loader.end_of(id));
        lexer::recycle(tokens);
        file
    }

    /// Takes a file done ahead: opens what it opened, in the same order (so every file gets the
    /// id it would have had), and its syntax tree. If that fails, the file is loaded again here,
    /// which reports the failure where it belongs.
    fn adopt(&mut self, id: FileId, early: Early) -> Result<ast::File, IdlError> {
        for found in early.opened {
            if self.loader.open(found, Span::new(id, 0, 0)).is_err() {
                return self.preprocess_and_parse(id);
            }
        }
        Ok(early.file)
    }
}

/// Every `import` of a file in order, wherever it sits (file scope, interface bodies,
/// libraries), each with whether it is MIDL's implicit one at the head of a library.
fn ast_imports(items: &[ast::Item]) -> Vec<(&ast::StrLit, bool)> {
    fn walk<'a>(item: &'a ast::Item, implicit: bool, out: &mut Vec<(&'a ast::StrLit, bool)>) {
        match item {
            ast::Item::Import(names) => out.extend(names.iter().map(|n| (n, implicit))),
            ast::Item::Interface(i) => {
                for m in &i.body {
                    if let ast::InterfaceMember::Item(it) = m {
                        walk(it, false, out);
                    }
                }
            }
            ast::Item::Library(l) => {
                for (k, it) in l.items.iter().enumerate() {
                    walk(it, l.implicit_imports && k == 0, out);
                }
            }
            ast::Item::Module(m) => m.items.iter().for_each(|it| walk(it, false, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    items.iter().for_each(|it| walk(it, false, &mut out));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything about a load that must not depend on threads: the debug form of the result
    /// (syntax trees with their spans, file ids, paths and texts), or the error as printed.
    fn outcome(inputs: &[PathBuf], opts: &Options, ahead: bool) -> String {
        match load_inputs(inputs, opts, ahead) {
            Ok(p) => format!(
                "{:?}",
                (
                    &p.files,
                    &p.roots,
                    &p.read,
                    p.sources.files().collect::<Vec<_>>()
                )
            ),
            Err(e) => format!("error: {e}"),
        }
    }

    fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Inputs done ahead give exactly what loading them in order on one thread gives: with
    /// includes that only define macros, an include that brings declarations (not done ahead),
    /// inputs that import each other, and errors in a later input.
    #[test]
    fn inputs_done_ahead_load_as_in_order() {
        let dir = std::env::temp_dir().join(format!("idlgen-ahead-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        write(
            &dir,
            "ids.h",
            "#define BASE 100\n#define ID(n) (BASE + n)\n",
        );
        write(&dir, "frag.idl", "typedef int FRAG;\n");
        let a = write(
            &dir,
            "a.idl",
            "import \"c.idl\";\n#include \"ids.h\"\n[object, uuid(11111111-2222-3333-4444-555555555555)]\ninterface IA : IUnknown { [id(ID(1))] HRESULT f([in] C c); }\n",
        );
        let b = write(&dir, "b.idl", "#include \"frag.idl\"\ntypedef FRAG B;\n");
        let c = write(&dir, "c.idl", "import \"unknwn.idl\";\ntypedef long C;\n");
        let bad = write(&dir, "bad.idl", "#include \"ids.h\"\ntypedef int X Y;\n");
        let opts = Options::default();
        for inputs in [
            vec![a.clone(), b.clone(), c.clone()],
            vec![c.clone(), b.clone(), a.clone()],
            vec![a.clone(), bad.clone(), b.clone()],
            vec![b.clone(), c.clone(), bad.clone()],
        ] {
            let in_order = outcome(&inputs, &opts, false);
            for _ in 0..3 {
                assert_eq!(outcome(&inputs, &opts, true), in_order, "{inputs:?}");
            }
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    /// A staged load whose helper is still on an input when the rest is loaded: the first part
    /// leaves that input, the second loads it; the two parts together are exactly what
    /// `load_files` gives (the same ids, files and sources), the second holding only what the
    /// first did not.
    #[test]
    fn staged_load_leaves_an_input_still_done_ahead_for_the_second_part() {
        let dir = std::env::temp_dir().join(format!("idlgen-staged-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        write(&dir, "ids.h", "#define BASE 100\n");
        write(&dir, "c.idl", "import \"unknwn.idl\";\ntypedef long C;\n");
        write(&dir, "late.idl", "typedef short LATE;\n");
        let inputs = vec![
            write(&dir, "a.idl", "import \"c.idl\";\ntypedef C A;\n"),
            write(
                &dir,
                "big.idl",
                "#include \"ids.h\"\nimport \"c.idl\";\nimport \"late.idl\";\nconst int BIG = BASE;\n",
            ),
            write(&dir, "b.idl", "typedef long B;\n"),
        ];
        let opts = Options::default();
        let whole = load_inputs(&inputs, &opts, false).unwrap();
        let mut staged = Staged::new(&inputs, &opts).unwrap();
        let ahead = staged.ahead(&opts).unwrap();
        // The helper is on big.idl (slot 1) when the first part is loaded.
        let job = Ahead::claim(&mut ahead.lock(), 1).unwrap();
        let first = staged.load_first(Some(&ahead)).unwrap();
        assert_eq!(first.roots, [whole.roots[0], whole.roots[2]]);
        ahead.work(1, job);
        let rest = staged.load_rest().unwrap().unwrap();
        assert_eq!(rest.roots, [whole.roots[1]]);
        // Every file once, in the first part or the second, as load_files numbers them.
        let mut files: Vec<String> = first
            .files
            .iter()
            .chain(&rest.files)
            .map(|f| format!("{f:?}"))
            .collect();
        let mut all: Vec<String> = whole.files.iter().map(|f| format!("{f:?}")).collect();
        files.sort();
        all.sort();
        assert_eq!(files, all);
        assert!(
            rest.files
                .iter()
                .all(|f| !first.files.iter().any(|g| g.id == f.id))
        );
        let listed = |p: &Parsed| format!("{:?}", p.sources.files().collect::<Vec<_>>());
        assert_eq!(listed(&rest), listed(&whole));
        assert!(listed(&whole).starts_with(listed(&first).trim_end_matches(']')));
        std::fs::remove_dir_all(&dir).ok();
    }

    /// The same over the Wine corpus, where installed (every stand-alone file as an input).
    #[test]
    fn wine_corpus_done_ahead_loads_as_in_order() {
        let dir = PathBuf::from("/usr/include/wine/wine/windows");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        let mut inputs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "idl"))
            .collect();
        inputs.sort();
        let opts = Options {
            include_dirs: vec![dir],
            ..Options::default()
        };
        // As the corpus benchmark chooses them: not the files others `#include`, not WinRT.
        let texts: Vec<String> = inputs
            .iter()
            .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned())
            .collect();
        let included: HashSet<String> = texts
            .iter()
            .flat_map(|t| t.lines())
            .filter_map(|l| l.trim_start().strip_prefix("#include"))
            .filter_map(|r| r.trim().get(1..)?.split(['"', '>']).next())
            .map(str::to_lowercase)
            .collect();
        let winrt = |t: &str| {
            t.lines().any(|l| {
                ["namespace ", "runtimeclass ", "apicontract "]
                    .iter()
                    .any(|k| l.trim_start().starts_with(k))
            })
        };
        let keep: Vec<bool> = inputs
            .iter()
            .zip(&texts)
            .map(|(p, t)| {
                let name = p.file_name().map(|n| n.to_string_lossy().to_lowercase());
                !name.is_some_and(|n| included.contains(&n)) && !winrt(t)
            })
            .collect();
        let mut k = keep.iter();
        inputs.retain(|_| *k.next().unwrap_or(&false));
        let in_order = outcome(&inputs, &opts, false);
        assert!(!in_order.starts_with("error"), "{in_order}");
        assert_eq!(outcome(&inputs, &opts, true), in_order);
    }
}
