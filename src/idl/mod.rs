//! The IDL front end: preprocessing, parsing into [`ast`], and import resolution.
//!
//! [`load_files`] and [`load_source`] read the inputs, run each file through the preprocessor
//! ([`preprocess`]: `#include`, `#define`, `#if`...), parse the tokens ([`parser`]), then follow the
//! file's `import`s (searched for by [`imports`], the embedded SDK base files in [`base`] last),
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
pub fn load_files(inputs: &[PathBuf], opts: &Options) -> crate::diag::Result<Parsed> {
    on_own_stack(|| {
        let mut session = Session::new(opts)?;
        for input in inputs {
            let id = session.loader.add_input(input)?;
            session.roots.push(id);
        }
        session.run()
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
            .spawn_scoped(scope, f);
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(Diagnostic::bare("internal error: the IDL front end panicked").into())
            }),
            Err(e) => Err(Diagnostic::bare(format!("cannot start the IDL front end: {e}")).into()),
        }
    })
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

struct Session<'o> {
    loader: Loader<'o>,
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
            files: Vec::new(),
            roots: Vec::new(),
            done: HashSet::new(),
            active: HashSet::new(),
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
        if self.done.contains(&id) || self.active.contains(&id) {
            return Ok(());
        }
        self.active.insert(id);
        let tokens = preprocess::run(&mut self.loader, id)?;
        let mut file = parser::parse_file(id, &tokens, self.loader.end_of(id))?;
        let mut imported_ids = Vec::new();
        for import in ast_imports(&file.items) {
            if depth >= MAX_IMPORT_DEPTH {
                return Err(IdlError::new(
                    import.span,
                    format!("imports nested more than {MAX_IMPORT_DEPTH} deep"),
                ));
            }
            let found = self.loader.find_or_error(
                &import.value,
                import.span.file,
                import.span,
                "import",
            )?;
            let imported = self.loader.open(found, import.span)?;
            imported_ids.push(imported);
            self.load(imported, depth + 1)?;
        }
        file.imports = imported_ids;
        self.active.remove(&id);
        self.done.insert(id);
        self.files.push(file);
        Ok(())
    }
}

/// Every `import` of a file in order, wherever it sits (file scope, interface bodies, libraries).
fn ast_imports(items: &[ast::Item]) -> Vec<&ast::StrLit> {
    fn walk<'a>(item: &'a ast::Item, out: &mut Vec<&'a ast::StrLit>) {
        match item {
            ast::Item::Import(names) => out.extend(names.iter()),
            ast::Item::Interface(i) => {
                for m in &i.body {
                    if let ast::InterfaceMember::Item(it) = m {
                        walk(it, out);
                    }
                }
            }
            ast::Item::Library(l) => l.items.iter().for_each(|it| walk(it, out)),
            ast::Item::Module(m) => m.items.iter().for_each(|it| walk(it, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    items.iter().for_each(|it| walk(it, &mut out));
    out
}
