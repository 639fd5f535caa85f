//! The front ends' one door: what to read ([`Input`]), how ([`Options`]), and [`load`], which
//! gives one [`Model`] whatever the input's format.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Result};
use crate::model::Model;
use crate::sdk::Sdk;
use crate::{idl, tlb};

/// One input: an IDL file, a type library (`.tlb`), or a PE file (`.dll`, `.ocx`, `.exe`)
/// carrying a TYPELIB resource; on disk or in memory.
///
/// Which a file is, its first bytes decide ("MSFT", "SLTG" and "MZ" are type libraries), not
/// its name. A path converts into an `Input` (`&Path`, `PathBuf`, `&str`), so [`load`] takes a
/// list of paths as it is:
///
/// ```
/// let from_disk = idlgen::Input::file("idl/certif.idl");
/// let in_memory = idlgen::Input::idl_text("test.idl", "typedef long MY_LONG;");
/// assert_eq!(in_memory.path(), std::path::Path::new("test.idl"));
/// # let _ = from_disk;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    path: PathBuf,
    contents: Contents,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Contents {
    /// Read from disk when loaded.
    File,
    IdlText(String),
    Typelib(Vec<u8>),
}

impl Input {
    /// A file on disk, read when it is loaded.
    pub fn file(path: impl Into<PathBuf>) -> Input {
        Input {
            path: path.into(),
            contents: Contents::File,
        }
    }

    /// IDL text that stands for a file named `name`: its `import`s and `#include`s are searched
    /// for from `name`'s directory first, as for a file of that name.
    pub fn idl_text(name: impl Into<PathBuf>, text: impl Into<String>) -> Input {
        Input {
            path: name.into(),
            contents: Contents::IdlText(text.into()),
        }
    }

    /// The bytes of a type library (MSFT or SLTG) or of a PE file carrying one, standing for a
    /// file named `name` (the libraries it imports are searched for from `name`'s directory
    /// first). Whatever they hold, they are read as such, and an error gives the byte offset.
    pub fn typelib_bytes(name: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> Input {
        Input {
            path: name.into(),
            contents: Contents::Typelib(bytes.into()),
        }
    }

    /// The file's path, or the name given to contents in memory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The ids of the TYPELIB resources of a PE input (`.dll`, `.ocx`, `.exe`), in increasing
    /// order, to choose one with [`Options::resource_id`]; an error for any other input.
    pub fn typelib_resources(&self) -> Result<Vec<u32>> {
        let name = self.path.to_string_lossy();
        match &self.contents {
            Contents::File => {
                let bytes = std::fs::read(&self.path).map_err(|e| {
                    Diagnostic::bare(format!("cannot read `{}`: {e}", self.path.display()))
                })?;
                tlb::pe::typelib_ids(&name, &bytes)
            }
            Contents::IdlText(text) => tlb::pe::typelib_ids(&name, text.as_bytes()),
            Contents::Typelib(bytes) => tlb::pe::typelib_ids(&name, bytes),
        }
    }

    /// Whether the input is read as a type library: bytes given as one, or a file that starts
    /// like one (a file that cannot be read is not, and the IDL front end reports why).
    pub(crate) fn is_type_library(&self) -> bool {
        match &self.contents {
            Contents::File => tlb::is_type_library_input(&self.path),
            Contents::IdlText(_) => false,
            Contents::Typelib(_) => true,
        }
    }
}

impl From<PathBuf> for Input {
    fn from(path: PathBuf) -> Input {
        Input::file(path)
    }
}

impl From<&PathBuf> for Input {
    fn from(path: &PathBuf) -> Input {
        Input::file(path)
    }
}

impl From<&Path> for Input {
    fn from(path: &Path) -> Input {
        Input::file(path)
    }
}

/// A path, as for [`Input::file`] (never IDL text: that is [`Input::idl_text`]).
impl From<&str> for Input {
    fn from(path: &str) -> Input {
        Input::file(path)
    }
}

impl From<&Input> for Input {
    fn from(input: &Input) -> Input {
        input.clone()
    }
}

/// How to read inputs: where imports are searched for, the preprocessor's macros, which TYPELIB
/// resource of a PE file. The same options as the command line's and the [`Builder`]'s.
///
/// The search path for `import`, `#include` and `importlib` (and a type library's imported
/// libraries): the importing file's own directory, then each [`Options::include_dir`] in order,
/// then each [`Options::tlb_path`], then the SDK's folders ([`Options::sdk`]), then idlgen's
/// embedded base set (`wtypesbase.idl`, `wtypes.idl`, `unknwn.idl`, `objidl.idl`, `oaidl.idl`).
///
/// ```
/// let opts = idlgen::Options::new()
///     .include_dir("idl")
///     .define("MY_FLAG", "1")
///     .undefine("_WIN64");
/// # let _ = opts;
/// ```
///
/// [`Builder`]: crate::Builder
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    include_dirs: Vec<PathBuf>,
    tlb_path: Vec<PathBuf>,
    sdk: Option<PathBuf>,
    defines: Vec<(String, String)>,
    undefines: Vec<String>,
    resource_id: Option<u32>,
}

impl Options {
    /// No include directories, no SDK, the predefined macros only, the lowest TYPELIB resource.
    pub fn new() -> Options {
        Options::default()
    }

    /// Adds a directory to the import and `#include` search path (like `-I DIR`).
    pub fn include_dir(mut self, dir: impl AsRef<Path>) -> Options {
        self.include_dirs.push(dir.as_ref().to_path_buf());
        self
    }

    /// Adds a directory to the search path for imported type libraries
    /// (`importlib("stdole2.tlb")`, a type library input's imports), after every
    /// [`Options::include_dir`] (like `--tlb-path DIR`).
    pub fn tlb_path(mut self, dir: impl AsRef<Path>) -> Options {
        self.tlb_path.push(dir.as_ref().to_path_buf());
        self
    }

    /// Puts a Windows SDK's `um/`, `shared/` and `winrt/` folders on the search path after
    /// every other directory, whatever the order of the calls (like `--sdk DIR`; see [`Sdk`]).
    /// `dir` is the SDK's `Include/<version>` folder; a later call replaces an earlier one. A
    /// folder with none of those three is an error of [`load`].
    pub fn sdk(mut self, dir: impl AsRef<Path>) -> Options {
        self.sdk = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Defines a preprocessor macro (like `-D NAME=VALUE`; the value is the macro's body as
    /// written, `"1"` for `-D NAME`).
    pub fn define(mut self, name: impl Into<String>, value: impl Into<String>) -> Options {
        self.defines.push((name.into(), value.into()));
        self
    }

    /// Undefines a predefined macro such as `_WIN64` (like `-U NAME`), after the predefined
    /// macros and every [`Options::define`].
    pub fn undefine(mut self, name: impl Into<String>) -> Options {
        self.undefines.push(name.into());
        self
    }

    /// Reads TYPELIB resource `id` of a PE input (like `--resource N`; default: the lowest id,
    /// see [`Input::typelib_resources`]).
    pub fn resource_id(mut self, id: u32) -> Options {
        self.resource_id = Some(id);
        self
    }

    /// The front end's view: the whole search path (the SDK checked and added).
    pub(crate) fn search(&self) -> Result<idl::Options> {
        let mut include_dirs: Vec<PathBuf> = self
            .include_dirs
            .iter()
            .chain(&self.tlb_path)
            .cloned()
            .collect();
        if let Some(dir) = &self.sdk {
            include_dirs.extend(Sdk::open(dir)?.include_dirs().iter().cloned());
        }
        Ok(idl::Options {
            include_dirs,
            defines: self.defines.clone(),
            undefines: self.undefines.clone(),
        })
    }

    pub(crate) fn tlb(&self, search: &idl::Options) -> tlb::TlbOptions {
        tlb::TlbOptions {
            search_dirs: search.include_dirs.clone(),
            resource_id: self.resource_id,
        }
    }
}

/// A model and the files read to make it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Loaded {
    pub model: Model,
    /// Every file read from disk: the inputs, their imports and `#include`s (not idlgen's
    /// embedded base set), for `cargo:rerun-if-changed`.
    pub read: Vec<PathBuf>,
}

/// Reads the inputs (with everything they import) and resolves them into one [`Model`].
///
/// The inputs are IDL files, or one type library (a type library or PE file is the only
/// input); see [`Input`]. For many inputs each into a model of its own, see
/// [`load_each`](crate::load_each). Errors carry the file, line and column (or the byte offset
/// in binary input) and the offending line.
///
/// ```
/// let loaded = idlgen::load(
///     [idlgen::Input::idl_text("test.idl", "import \"oaidl.idl\"; typedef long MY_LONG;")],
///     &idlgen::Options::new(),
/// )?;
/// assert!(loaded.model.lookup("MY_LONG").is_some());
/// assert!(loaded.read.is_empty(), "nothing read from disk: oaidl.idl is embedded");
/// # Ok::<(), idlgen::Error>(())
/// ```
pub fn load<I>(inputs: I, opts: &Options) -> Result<Loaded>
where
    I: IntoIterator,
    I::Item: Into<Input>,
{
    let inputs: Vec<Input> = inputs.into_iter().map(Into::into).collect();
    let search = opts.search()?;
    if let Some(first) = inputs.iter().find(|i| i.is_type_library()) {
        if inputs.len() != 1 {
            return Err(Diagnostic::bare(format!(
                "{} is a type library: give it as the only input",
                first.path.display()
            ))
            .into());
        }
        return load_type_library(first, opts, &search);
    }
    if inputs.is_empty() {
        return Err(Diagnostic::bare("no input: give an IDL file or a type library").into());
    }
    let mut parsed = crate::batch::parse(&idl_sources(&inputs), &search)?;
    let model = crate::model::resolve(&parsed)?;
    // The syntax trees and texts are done with.
    crate::stack::discard(std::mem::take(&mut parsed.files));
    crate::stack::discard(std::mem::take(&mut parsed.sources));
    Ok(Loaded {
        model,
        read: parsed.read,
    })
}

/// A type library input (the only input) into a model.
pub(crate) fn load_type_library(
    input: &Input,
    opts: &Options,
    search: &idl::Options,
) -> Result<Loaded> {
    let tlb_opts = opts.tlb(search);
    match &input.contents {
        Contents::Typelib(bytes) => Ok(Loaded {
            model: tlb::load_bytes(&input.path.to_string_lossy(), bytes, &tlb_opts)?,
            read: Vec::new(),
        }),
        Contents::IdlText(text) => Ok(Loaded {
            model: tlb::load_bytes(&input.path.to_string_lossy(), text.as_bytes(), &tlb_opts)?,
            read: Vec::new(),
        }),
        Contents::File => Ok(Loaded {
            model: tlb::load(&input.path, &tlb_opts)?,
            read: vec![input.path.clone()],
        }),
    }
}

/// IDL inputs as the front end takes them.
pub(crate) fn idl_sources(inputs: &[Input]) -> Vec<idl::Source<'_>> {
    inputs
        .iter()
        .map(|i| match &i.contents {
            Contents::IdlText(text) => idl::Source::Memory(&i.path, text.as_bytes()),
            Contents::Typelib(bytes) => idl::Source::Memory(&i.path, bytes),
            Contents::File => idl::Source::File(&i.path),
        })
        .collect()
}
