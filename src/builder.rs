//! The build.rs entry point, in the manner of prost-build:
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     idlgen::Builder::new().idl("idl/certif.idl").generate()?;
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
use crate::idl::Options;

/// Configures and runs code generation from a build script.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    inputs: Vec<PathBuf>,
    options: Options,
    rust: RustOptions,
    with_imports: bool,
    out_dir: Option<PathBuf>,
    sdk: Option<PathBuf>,
    file_name: Option<String>,
    quiet: bool,
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Adds an IDL file to generate bindings for (its imports are read, not generated, unless
    /// [`Builder::with_imports`] is set).
    pub fn idl(mut self, path: impl AsRef<Path>) -> Builder {
        self.inputs.push(path.as_ref().to_path_buf());
        self
    }

    /// Adds a directory to the import and #include search path (like `-I`).
    pub fn include_dir(mut self, dir: impl AsRef<Path>) -> Builder {
        self.options.include_dirs.push(dir.as_ref().to_path_buf());
        self
    }

    /// Puts a Windows SDK's `um/`, `shared/` and `winrt/` folders on the include path, after
    /// every [`Builder::include_dir`] whatever the order of the calls (like `idlgen --sdk DIR`;
    /// see [`crate::sdk`]). `dir` is the SDK's `Include/<version>` folder, e.g.
    /// `C:\Program Files (x86)\Windows Kits\10\Include\10.0.16299.0`; a later call replaces
    /// an earlier one. A folder with none of those three is an error of [`Builder::generate`].
    pub fn sdk(mut self, dir: impl AsRef<Path>) -> Builder {
        self.sdk = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Defines a preprocessor macro (like `-D NAME=VALUE`).
    pub fn define(mut self, name: &str, value: &str) -> Builder {
        self.options
            .defines
            .push((name.to_string(), value.to_string()));
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

    /// The generated code, without writing anything or printing `cargo:` lines.
    pub fn generate_string(&self) -> crate::Result<String> {
        Ok(self.run()?.0)
    }

    /// Generates, writes the file if its content changed, and returns its path.
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
                .and_then(|p| p.file_stem())
                .map(|s| format!("{}.rs", s.to_string_lossy().to_lowercase()))
                .unwrap_or_else(|| "bindings.rs".to_string()),
        };
        let path = dir.join(name);
        write_if_changed(&path, &code)?;
        Ok(path)
    }

    fn run(&self) -> crate::Result<(String, Vec<PathBuf>)> {
        if self.inputs.is_empty() {
            return Err(Diagnostic::bare("no input: call .idl(\"file.idl\") first").into());
        }
        let mut options = self.options.clone();
        if let Some(dir) = &self.sdk {
            crate::sdk::Sdk::open(dir)?.add_to(&mut options);
        }
        let mut loaded = crate::load(&self.inputs, &options)?;
        if self.with_imports {
            loaded.model.include_imported_user_files();
        }
        let code = generate(&loaded.model, &self.rust)?;
        Ok((code, loaded.read))
    }
}

/// Writes `content` unless the file already holds exactly that (keeps its mtime, so cargo does
/// not rebuild what includes it).
pub fn write_if_changed(path: &Path, content: &str) -> crate::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == content.as_bytes()) {
        return Ok(false);
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::bare(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, content)
        .map_err(|e| Diagnostic::bare(format!("cannot write {}: {e}", path.display())))?;
    Ok(true)
}
