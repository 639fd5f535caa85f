//! The build.rs entry point, in the manner of prost-build:
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     idlgen::Builder::new().input("idl/certif.idl").generate()?;
//!     Ok(())
//! }
//! ```
//!
//! `generate` writes `$OUT_DIR/certif.rs` (named after the first input), prints
//! `cargo:rerun-if-changed` for every file it read (inputs, imports, #includes), and leaves the
//! file untouched when its content would not change, so dependants are not rebuilt.

use std::path::{Path, PathBuf};

use crate::codegen::rust::{RustOptions, generate};
use crate::diag::Diagnostic;
use crate::load::{Input, Options};

/// Configures and runs code generation from a build script: every input option of `idlgen
/// rust` (`-I`, `--tlb-path`, `--sdk`, `-D`, `-U`, `--resource`, `--interface`,
/// `--with-imports`, `--windows-dispatch`, `--check`), as methods.
///
/// ```no_run
/// # fn main() -> idlgen::Result<()> {
/// idlgen::Builder::new()
///     .input("idl/exit.idl")
///     .include_dir("idl")
///     .define("MY_FLAG", "1")
///     .with_imports(true)
///     .file_name("exit.rs")
///     .generate()?; // $OUT_DIR/exit.rs
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Builder {
    inputs: Vec<Input>,
    options: Options,
    rust: RustOptions,
    with_imports: bool,
    out_dir: Option<PathBuf>,
    file_name: Option<String>,
    quiet: bool,
    check: bool,
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Adds an input to generate bindings for: an IDL file (its imports are read, not
    /// generated, unless [`Builder::with_imports`] is set), or a type library (`.tlb`, or a
    /// `.dll`/`.ocx`/`.exe` with a TYPELIB resource: see [`Builder::resource_id`]), which is
    /// then the only input. IDL text in memory is an [`Input::idl_text`].
    pub fn input(mut self, input: impl Into<Input>) -> Builder {
        self.inputs.push(input.into());
        self
    }

    /// [`Builder::input`] of a file: an IDL file, or a type library.
    pub fn idl(self, path: impl AsRef<Path>) -> Builder {
        self.input(Input::file(path.as_ref()))
    }

    /// Replaces every input option ([`Builder::include_dir`] to [`Builder::resource_id`]) with
    /// `options`.
    pub fn options(mut self, options: Options) -> Builder {
        self.options = options;
        self
    }

    /// Adds a directory to the import and #include search path (like `-I`).
    pub fn include_dir(mut self, dir: impl AsRef<Path>) -> Builder {
        self.options = self.options.include_dir(dir);
        self
    }

    /// Adds a directory to the search path for imported type libraries, after every
    /// [`Builder::include_dir`] (like `--tlb-path`).
    pub fn tlb_path(mut self, dir: impl AsRef<Path>) -> Builder {
        self.options = self.options.tlb_path(dir);
        self
    }

    /// Puts a Windows SDK's `um/`, `shared/` and `winrt/` folders on the include path, after
    /// every [`Builder::include_dir`] whatever the order of the calls (like `idlgen --sdk DIR`;
    /// see [`Sdk`](crate::Sdk)). `dir` is the SDK's `Include/<version>` folder, e.g.
    /// `C:\Program Files (x86)\Windows Kits\10\Include\10.0.16299.0`; a later call replaces
    /// an earlier one. A folder with none of those three is an error of [`Builder::generate`].
    pub fn sdk(mut self, dir: impl AsRef<Path>) -> Builder {
        self.options = self.options.sdk(dir);
        self
    }

    /// Defines a preprocessor macro (like `-D NAME=VALUE`).
    pub fn define(mut self, name: &str, value: &str) -> Builder {
        self.options = self.options.define(name, value);
        self
    }

    /// Undefines a predefined macro such as `_WIN64` (like `-U NAME`).
    pub fn undefine(mut self, name: &str) -> Builder {
        self.options = self.options.undefine(name);
        self
    }

    /// Reads TYPELIB resource `id` of a PE input (like `--resource N`; default: the lowest).
    pub fn resource_id(mut self, id: u32) -> Builder {
        self.options = self.options.resource_id(id);
        self
    }

    /// Emits only the named interfaces (repeatable); by default every interface is emitted.
    pub fn interface(mut self, name: &str) -> Builder {
        self.rust.interfaces.push(name.to_string());
        self
    }

    /// Instead of bindings, generates `IDispatch` for windows-rs objects (like `idlgen rust
    /// --windows-dispatch`): one macro per dual interface, `IFoo_dispatch!(MyType_Impl,
    /// windows::...)`, implementing the `windows` crate's `IDispatch_Impl` for an
    /// `#[implement(IFoo)]` type that implements the `windows` crate's own `IFoo`.
    pub fn windows_dispatch(mut self, yes: bool) -> Builder {
        self.rust.windows_dispatch = yes;
        self
    }

    /// The path generated code names the runtime crate by (like `idlgen rust --runtime-path`),
    /// `idlgen_runtime` by default: the name of a renamed dependency (`rt = { package =
    /// "idlgen-runtime", ... }` gives `rt`), or a module re-exporting the runtime (`crate::rt`).
    pub fn runtime_path(mut self, path: &str) -> Builder {
        self.rust.runtime = path.to_string();
        self
    }

    /// Also generates the declarations of imported user files (not of idlgen's base set).
    pub fn with_imports(mut self, yes: bool) -> Builder {
        self.with_imports = yes;
        self
    }

    /// Writes into `dir` instead of `$OUT_DIR`.
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Builder {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Names the output file (default: the first input's stem with `.rs`).
    pub fn file_name(mut self, name: &str) -> Builder {
        self.file_name = Some(name.to_string());
        self
    }

    /// Prints no `cargo:` lines (for use outside build scripts).
    pub fn quiet(mut self, yes: bool) -> Builder {
        self.quiet = yes;
        self
    }

    /// Check mode, for CI (like `idlgen rust --check`): [`Builder::generate`] writes nothing,
    /// and fails, naming the file and its first difference, when the file on disk (say,
    /// committed bindings: `.out_dir("src")`) differs from what would be generated.
    pub fn check(mut self, yes: bool) -> Builder {
        self.check = yes;
        self
    }

    /// The generated code, without writing anything or printing `cargo:` lines.
    pub fn generate_string(&self) -> crate::Result<String> {
        Ok(self.run()?.0)
    }

    /// Generates, writes the file if its content changed (in check mode: compares it), and
    /// returns its path.
    pub fn generate(&self) -> crate::Result<PathBuf> {
        let (code, read) = self.run()?;
        if !self.quiet {
            for path in &read {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
        let dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Diagnostic::bare(
                        "OUT_DIR is not set: call generate() from a build script, or set out_dir()",
                    )
                })?,
        };
        let name = match &self.file_name {
            Some(n) => n.clone(),
            None => self
                .inputs
                .first()
                .and_then(|i| i.path().file_stem())
                .map(|s| format!("{}.rs", s.to_string_lossy().to_lowercase()))
                .unwrap_or_else(|| "bindings.rs".to_string()),
        };
        let path = dir.join(name);
        if self.check {
            if let Some(difference) = compare_file(&path, &code)? {
                return Err(Diagnostic::bare(difference)
                    .with_note("regenerate it: the same Builder without .check(true)")
                    .into());
            }
        } else {
            write_if_changed(&path, &code)?;
        }
        Ok(path)
    }

    fn run(&self) -> crate::Result<(String, Vec<PathBuf>)> {
        if self.inputs.is_empty() {
            return Err(Diagnostic::bare("no input: call .input(\"file.idl\") first").into());
        }
        let mut loaded = crate::load(&self.inputs, &self.options)?;
        if self.with_imports {
            loaded.model.include_imported_user_files();
        }
        let code = generate(&loaded.model, &self.rust)?;
        Ok((code, loaded.read))
    }
}

/// Writes `content` unless the file already holds exactly that (keeps its mtime, so cargo does
/// not rebuild what includes it); whether it wrote.
pub fn write_if_changed(path: &Path, content: &str) -> crate::Result<bool> {
    write_if_changed_with(path, |w| {
        w.write_all(content.as_bytes())
            .map_err(|e| cannot_write(path, e))
    })
}

/// The error for a file that could not be written.
fn cannot_write(path: &Path, e: std::io::Error) -> crate::Error {
    Diagnostic::bare(format!("cannot write {}: {e}", path.display())).into()
}

/// Writes what `fill` writes to `path`, unless the file already holds exactly that (keeps its
/// mtime, as [`write_if_changed`]); whether it wrote. The text is compared with the file as it
/// comes, and only from its first difference on is it written, to a temporary file beside
/// `path` that then replaces it: the text is never held whole. If `fill` fails, the file is
/// left as it was.
pub fn write_if_changed_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> crate::Result<()>,
) -> crate::Result<bool> {
    let mut w = ChangeWriter::new(path);
    let filled = fill(&mut w);
    let result = filled.and_then(|()| w.finish());
    if result.is_err() {
        w.discard();
    }
    result
}

/// A writer that compares with the file at `path` and writes from the first difference on.
struct ChangeWriter<'p> {
    path: &'p Path,
    /// The file as it is, while what came so far matches it.
    old: Option<std::io::BufReader<std::fs::File>>,
    /// Bytes that matched the old file.
    matched: u64,
    /// After a difference: the temporary file and its path.
    new: Option<(std::path::PathBuf, std::io::BufWriter<std::fs::File>)>,
    buf: Vec<u8>,
}

impl<'p> ChangeWriter<'p> {
    fn new(path: &'p Path) -> ChangeWriter<'p> {
        ChangeWriter {
            path,
            old: std::fs::File::open(path).ok().map(std::io::BufReader::new),
            matched: 0,
            new: None,
            buf: Vec::new(),
        }
    }

    /// From a first difference on: the temporary file, holding the part that matched.
    fn diverge(&mut self) -> std::io::Result<&mut std::io::BufWriter<std::fs::File>> {
        if self.new.is_none() {
            if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            let name = self.path.file_name().unwrap_or_default().to_string_lossy();
            let tmp = self
                .path
                .with_file_name(format!(".{name}.{}.tmp", std::process::id()));
            let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            self.old = None;
            if self.matched > 0 {
                use std::io::Read;
                let mut same = std::fs::File::open(self.path)?.take(self.matched);
                std::io::copy(&mut same, &mut file)?;
            }
            self.new = Some((tmp, file));
        }
        match &mut self.new {
            Some((_, file)) => Ok(file),
            None => Err(std::io::Error::other("no temporary file")),
        }
    }

    fn finish(&mut self) -> crate::Result<bool> {
        let err = |e: std::io::Error| cannot_write(self.path, e);
        if let Some(old) = &mut self.old {
            use std::io::Read;
            // Unchanged if the old file ends here too.
            if old.read(&mut [0u8; 1]).is_ok_and(|n| n == 0) {
                return Ok(false);
            }
        }
        use std::io::Write;
        self.diverge().and_then(|f| f.flush()).map_err(err)?;
        if let Some((tmp, file)) = self.new.take() {
            drop(file);
            if let Err(e) = std::fs::rename(&tmp, self.path) {
                let _ = std::fs::remove_file(&tmp);
                return Err(err(e));
            }
        }
        Ok(true)
    }

    /// Drops the temporary file, if any.
    fn discard(&mut self) {
        if let Some((tmp, file)) = self.new.take() {
            drop(file);
            let _ = std::fs::remove_file(tmp);
        }
    }
}

impl std::io::Write for ChangeWriter<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if let Some(old) = &mut self.old {
            use std::io::Read;
            self.buf.resize(data.len(), 0);
            if old.read_exact(&mut self.buf).is_ok() && self.buf == data {
                self.matched += data.len() as u64;
                return Ok(data.len());
            }
        }
        self.diverge()?.write_all(data)?;
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Compares the file at `path` with `content` (what would be generated): `None` when they are
/// equal, otherwise a short summary naming the file (missing, or how many lines differ, with the
/// first difference), as `idlgen rust --check` and [`Builder::check`] report it.
pub fn compare_file(path: &Path, content: &str) -> crate::Result<Option<String>> {
    let on_disk = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Some(format!(
                "{}: missing (would be generated)",
                path.display()
            )));
        }
        Err(e) => {
            return Err(Diagnostic::bare(format!("cannot read {}: {e}", path.display())).into());
        }
    };
    if on_disk == content {
        return Ok(None);
    }
    let old: Vec<&str> = on_disk.lines().collect();
    let new: Vec<&str> = content.lines().collect();
    let first = old
        .iter()
        .zip(&new)
        .position(|(a, b)| a != b)
        .unwrap_or(old.len().min(new.len()));
    let changed =
        old.iter().zip(&new).filter(|(a, b)| a != b).count() + old.len().abs_diff(new.len());
    let mut summary = format!(
        "{}: differs from what idlgen generates ({} lines on disk, {} generated, about {changed} changed; first difference at line {})",
        path.display(),
        old.len(),
        new.len(),
        first + 1
    );
    if let (Some(a), Some(b)) = (old.get(first), new.get(first)) {
        summary.push_str(&format!("\n  - {a}\n  + {b}"));
    }
    Ok(Some(summary))
}
