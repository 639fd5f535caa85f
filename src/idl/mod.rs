//! The IDL front end: preprocessing, parsing into [`ast`], and import resolution.
//!
//! [`load`] reads the inputs, runs each file through the preprocessor (`preprocess`:
//! `#include`, `#define`, `#if`...), parses the tokens (`parser`), then follows the file's
//! `import`s (searched for by `imports`, the embedded SDK base files in `base` last), so that
//! every file comes out parsed once, imports before the files that import them.
// The syntax tree records what the source says, some of which (attribute and bit-field spans,
// calling conventions, a union's switch) no later stage reads, some only the front end's tests.
#[allow(dead_code)]
pub(crate) mod ast;
mod attributes;
mod base;
mod imports;
mod lexer;
#[cfg(test)]
mod parse_tests;
mod parser;
mod pp_expr;
mod preprocess;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, FileId, SourceMap, Span};
use imports::Loader;
/// A fast hasher for short names (FNV-1a), for the front end's and resolution's tables.
pub(crate) use lexer::FastHash;
pub use lexer::NameHasher;

/// The directory under which the embedded base files appear in the [`SourceMap`]
/// (`<builtin>/oaidl.idl`).
pub(crate) const BUILTIN_DIR: &str = "<builtin>";

/// How to find and preprocess files.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    /// `-I` directories, searched in order after the importing file's own directory.
    pub include_dirs: Vec<PathBuf>,
    /// `-D NAME=VALUE`: the value is the macro's body as written (`-D NAME` is usually `"1"`).
    pub defines: Vec<(String, String)>,
    /// `-U NAME`, applied after the predefined macros and `defines`.
    pub undefines: Vec<String>,
}

/// Everything read and parsed in one run.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    /// Every file read: inputs, imports, `#include`s, embedded base files.
    pub sources: SourceMap,
    /// Every IDL file parsed, each once, imports before their importers; inputs in the order given.
    pub files: Vec<ast::File>,
    /// The input files themselves.
    pub roots: Vec<FileId>,
    /// Every file read from disk (not embedded ones), for `cargo:rerun-if-changed`.
    pub read: Vec<PathBuf>,
}

/// An input of the front end.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    /// A file to read.
    File(&'a Path),
    /// Contents that stand for a file of that name (its imports are searched for from the
    /// name's directory, as for a file).
    Memory(&'a Path, &'a [u8]),
}

/// Reads, preprocesses and parses the inputs and everything they import, on this thread (on a
/// stack of its own); see [`Loading`] to have other threads parse inputs ahead.
pub(crate) fn load(inputs: &[Source<'_>], opts: &Options) -> crate::diag::Result<Parsed> {
    Loading::new(inputs, opts)?.finish(None)
}

/// [`load`] of files.
#[cfg(test)]
pub(crate) fn load_files(inputs: &[PathBuf], opts: &Options) -> crate::diag::Result<Parsed> {
    let sources: Vec<Source<'_>> = inputs.iter().map(|p| Source::File(p)).collect();
    load(&sources, opts)
}

/// [`load`] of one input whose text is given: `text` stands for a file named `name`, and its
/// imports resolve as usual (relative to `name`'s directory, then `-I`, then embedded).
pub(crate) fn load_source(name: &str, text: &str, opts: &Options) -> crate::diag::Result<Parsed> {
    load(&[Source::Memory(Path::new(name), text.as_bytes())], opts)
}

/// A load whose inputs are read but not yet parsed: each input's id is known (and its text),
/// so that other threads may preprocess and parse inputs ahead ([`Prefetch`]) while
/// [`Loading::finish`] loads everything in order.
pub(crate) struct Loading<'o> {
    session: Session<'o>,
}

impl<'o> Loading<'o> {
    pub(crate) fn new(
        inputs: &[Source<'_>],
        opts: &'o Options,
    ) -> crate::diag::Result<Loading<'o>> {
        let mut session = Session::new(opts)?;
        for input in inputs {
            let id = match *input {
                Source::File(path) => session.loader.add_input(path)?,
                Source::Memory(name, bytes) => session.loader.add_memory(name, bytes),
            };
            session.roots.push(id);
        }
        Ok(Loading { session })
    }

    /// Each input's id, path and text, each input once, in the order given.
    pub(crate) fn inputs(&self) -> Vec<(FileId, PathBuf, String)> {
        let mut seen = HashSet::new();
        (self.session.roots.iter())
            .filter(|id| seen.insert(**id))
            .filter_map(|&id| {
                let (path, text) = self.session.loader.input_text(id)?;
                Some((id, path, text))
            })
            .collect()
    }

    /// Loads every input and what it imports, in order, taking the inputs `prefetch` has
    /// parsed ahead; the same result with or without it.
    pub(crate) fn finish(self, prefetch: Option<&dyn Prefetch>) -> crate::diag::Result<Parsed> {
        let session = self.session;
        crate::stack::on_own_stack("the IDL front end", move || session.run(prefetch))
    }
}

/// Inputs preprocessed and parsed ahead of [`Loading::finish`], on other threads.
///
/// Preprocessing and parsing a file depend only on the file, the files it `#include`s and the
/// options, so they can happen on any thread with a loader of its own. Two things tie them to
/// the order `finish` visits files in, which decides every [`FileId`]: the ids of the files a
/// file `#include`s (handed out as they are first opened), and the spans in its tokens. So a
/// file is done ahead only as an input (whose id is known from the start), in a loader of its
/// own that records which files it opened ([`parse_ahead`]); its result is kept only if every
/// token comes from the file itself (a file whose text comes partly from an `#include`d file
/// is loaded in order as usual) and nothing failed (errors are found again, and reported, in
/// order). When `finish` comes to the input, it opens the recorded files in its own loader in
/// the same order, which gives them the ids they would have had, and takes the syntax tree.
pub(crate) trait Prefetch: Sync {
    /// Input `id` done ahead, if it was (waiting for it if it is being done); `None`: it is to
    /// be loaded in order now.
    fn take(&self, id: FileId) -> Option<Early>;
}

/// An input preprocessed and parsed ahead: its syntax tree and the files it opened, in order.
pub(crate) struct Early {
    file: ast::File,
    opened: Vec<imports::Found>,
}

/// Preprocesses and parses input `id` (its path and text as [`Loading::inputs`] gives them) in
/// a loader of its own (see [`Prefetch`]); `None` if its tokens are not all its own or anything
/// fails.
pub(crate) fn parse_ahead(opts: &Options, id: FileId, path: &Path, text: String) -> Option<Early> {
    let mut loader = Loader::new(opts).ok()?;
    let own = loader.add_input_text(path, text);
    loader.record_opens();
    let mut names = lexer::Interner::shared();
    let file = preprocess::run(&mut loader, own, &mut names)
        .ok()
        .filter(|tokens| tokens.iter().all(|t| t.span.file == own))
        .and_then(|mut tokens| {
            for t in &mut tokens {
                t.span.file = id;
            }
            let end = loader.end_of(own);
            let eof = Span { file: id, ..end };
            parser::parse_file(id, &tokens, eof, &names).ok()
        });
    names.give_back();
    let file = file?;
    Some(Early {
        file,
        opened: loader.take_opened(),
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
pub(crate) fn builtin_files() -> Vec<&'static str> {
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

struct Session<'o> {
    loader: Loader<'o>,
    /// The text of every token's symbols, for all the files of the session.
    names: lexer::Interner,
    files: Vec<ast::File>,
    roots: Vec<FileId>,
    /// Files parsed to the end, with their imports.
    done: HashSet<FileId>,
    /// Files whose imports are being loaded; importing one of them again is a cycle, skipped.
    active: HashSet<FileId>,
}

impl<'o> Session<'o> {
    fn new(opts: &'o Options) -> crate::diag::Result<Session<'o>> {
        Ok(Session {
            loader: Loader::new(opts)?,
            names: lexer::Interner::shared(),
            files: Vec::new(),
            roots: Vec::new(),
            done: HashSet::new(),
            active: HashSet::new(),
        })
    }

    fn run(mut self, prefetch: Option<&dyn Prefetch>) -> crate::diag::Result<Parsed> {
        let roots = self.roots.clone();
        let mut result = Ok(());
        for root in roots {
            result = self.load(root, 0, prefetch);
            if result.is_err() {
                break;
            }
        }
        // Kept for the thread's next session; in a run that exits next, left to the exit.
        let names = std::mem::take(&mut self.names);
        if crate::stack::one_run() {
            std::mem::forget(names);
        } else {
            names.give_back();
        }
        if let Err(e) = result {
            return Err(e.into_diagnostic(&self.loader.sources).into());
        }
        let (sources, read) = self.loader.finish();
        Ok(Parsed {
            sources,
            files: self.files,
            roots: self.roots,
            read,
        })
    }

    /// Parses one IDL file (or takes it from `prefetch`), then loads what it imports, then
    /// records it (post-order).
    fn load(
        &mut self,
        id: FileId,
        depth: usize,
        prefetch: Option<&dyn Prefetch>,
    ) -> Result<(), IdlError> {
        if self.done.contains(&id) || self.active.contains(&id) {
            return Ok(());
        }
        let mut file = match prefetch.and_then(|p| p.take(id)) {
            Some(early) => self.adopt(id, early)?,
            None => self.preprocess_and_parse(id)?,
        };
        self.add_library_imports(id, &mut file);
        self.active.insert(id);
        let imports: Vec<(String, Span, bool)> = ast_imports(&file.items)
            .into_iter()
            .map(|(s, implicit)| (s.value.clone(), s.span, implicit))
            .collect();
        let mut imported_ids = Vec::new();
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
            self.load(imported, depth + 1, prefetch)?;
            imported_ids.push(imported);
        }
        file.imports = imported_ids;
        self.active.remove(&id);
        self.done.insert(id);
        self.files.push(file);
        Ok(())
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

    fn preprocess_and_parse(&mut self, id: FileId) -> Result<ast::File, IdlError> {
        let tokens = preprocess::run(&mut self.loader, id, &mut self.names)?;
        let file = parser::parse_file(id, &tokens, self.loader.end_of(id), &self.names);
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
