//! Finding and reading files named by `import` and `#include`.
//!
//! The search: the directory of the file that names it, then each `-I` directory in order, then the
//! embedded base set. Real SDKs ship `OAIdl.Idl` for `import "oaidl.idl"`, so on a case-sensitive
//! file system each path component is matched exactly first, then with case folded.

use std::collections::HashMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use super::{BUILTIN_DIR, IdlError, Options, base};
use crate::diag::{Diagnostic, Error, FileId, SourceMap, Span};

/// Files larger than this are refused rather than read (no IDL file comes near it).
const MAX_FILE_SIZE: u64 = 64 << 20;

/// A file the search found.
#[derive(Clone)]
pub(crate) enum Found {
    Disk(PathBuf),
    Builtin(&'static base::BaseFile),
}

/// What makes two names the same file, so each is read (and each IDL file parsed) once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FileKey {
    Disk(PathBuf),
    Builtin(&'static str),
    Virtual(PathBuf),
}

pub(crate) struct Loader<'o> {
    pub sources: SourceMap,
    opts: &'o Options,
    read: Vec<PathBuf>,
    ids: HashMap<FileKey, FileId>,
    /// For each file: its key and the directory its own relative names are searched from.
    info: HashMap<FileId, (FileKey, Option<PathBuf>)>,
    /// The predefined and `-D`/`-U` macros, written as directives. Kept out of the source map
    /// (it is no file of the user's); nothing in it can be the site of an error, since a
    /// one-line `#define` or `#undef` of a checked name cannot fail.
    predefined: String,
    /// Every file [`Loader::open`] was asked for, in order, once [`Loader::record_opens`] is
    /// called: opening the same files in the same order in another loader gives them the ids
    /// they would have had there.
    opened: Option<Vec<Found>>,
    /// Each directory's canonical path (see [`Loader::canonical`]).
    canonical_dirs: HashMap<PathBuf, PathBuf>,
}

/// The id the predefined directives are lexed under.
const PREDEFINED: FileId = FileId(u32::MAX);

impl<'o> Loader<'o> {
    pub fn new(opts: &'o Options) -> Result<Loader<'o>, Error> {
        Ok(Loader {
            sources: SourceMap::new(),
            predefined: predefined_text(opts)?,
            opts,
            read: Vec::new(),
            ids: HashMap::new(),
            info: HashMap::new(),
            opened: None,
            canonical_dirs: HashMap::new(),
        })
    }

    /// Starts recording what is opened (see [`Loader::take_opened`]).
    pub fn record_opens(&mut self) {
        self.opened = Some(Vec::new());
    }

    /// The files opened since [`Loader::record_opens`], in order.
    pub fn take_opened(&mut self) -> Vec<Found> {
        self.opened.take().unwrap_or_default()
    }

    pub fn finish(self) -> (SourceMap, Vec<PathBuf>) {
        (self.sources, self.read)
    }

    pub fn predefined(&self) -> FileId {
        PREDEFINED
    }

    pub fn text(&self, id: FileId) -> &str {
        if id == PREDEFINED {
            return &self.predefined;
        }
        self.sources.get(id).map_or("", |f| f.text.as_str())
    }

    /// A point span at the end of a file, where "found end of file" errors point.
    pub fn end_of(&self, id: FileId) -> Span {
        let len = self.text(id).len();
        Span::new(id, len, len)
    }

    /// The directory a file's relative imports and includes are searched from first.
    pub fn dir_of(&self, id: FileId) -> Option<PathBuf> {
        self.info.get(&id).and_then(|(_, dir)| dir.clone())
    }

    /// Whether two ids name files with the same identity (for `#pragma once`).
    pub fn same_file(&self, a: FileId, b: FileId) -> bool {
        a == b || matches!((self.info.get(&a), self.info.get(&b)), (Some(x), Some(y)) if x.0 == y.0)
    }

    /// Adds an input file named on the command line.
    pub fn add_input(&mut self, path: &Path) -> Result<FileId, Error> {
        let text = read_text(path).map_err(|e| {
            Error::from(Diagnostic::bare(format!(
                "cannot read `{}`: {e}",
                path.display()
            )))
        })?;
        let key = FileKey::Disk(self.canonical(path));
        if let Some(&id) = self.ids.get(&key) {
            return Ok(id);
        }
        self.read.push(path.to_path_buf());
        Ok(self.insert(key, path.to_path_buf(), text, parent_dir(path)))
    }

    /// [`Loader::add_input`] for an input whose text another loader has already read.
    pub fn add_input_text(&mut self, path: &Path, text: String) -> FileId {
        let key = FileKey::Disk(self.canonical(path));
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        self.read.push(path.to_path_buf());
        self.insert(key, path.to_path_buf(), text, parent_dir(path))
    }

    /// The path and text of a file in the source map.
    pub fn input_text(&self, id: FileId) -> Option<(PathBuf, String)> {
        self.sources
            .get(id)
            .map(|f| (f.path.clone(), f.text.clone()))
    }

    /// Adds contents standing for a file named `name` (not read from disk), decoded as a
    /// file's are.
    pub fn add_memory(&mut self, name: &Path, bytes: &[u8]) -> FileId {
        let key = FileKey::Virtual(name.to_path_buf());
        let path = name.to_path_buf();
        let dir = parent_dir(&path);
        self.insert(key, path, decode(bytes.to_vec()), dir)
    }

    fn insert(
        &mut self,
        key: FileKey,
        path: PathBuf,
        text: String,
        dir: Option<PathBuf>,
    ) -> FileId {
        let id = self.sources.add(path, text);
        self.ids.insert(key.clone(), id);
        self.info.insert(id, (key, dir));
        id
    }

    /// Searches for `name` as named from the file `from`.
    pub fn find(&self, name: &str, from: FileId) -> Option<Found> {
        for dir in self.search_dirs(from) {
            if let Some(path) = find_in(&dir, name) {
                return Some(Found::Disk(path));
            }
        }
        base::find(name).map(Found::Builtin)
    }

    /// [`Loader::find`] from the file `from`, or the error at `span` saying where it looked.
    /// `what` is "import" or "include file".
    pub fn find_or_error(
        &self,
        name: &str,
        from: FileId,
        span: Span,
        what: &str,
    ) -> Result<Found, IdlError> {
        if let Some(found) = self.find(name, from) {
            return Ok(found);
        }
        let dirs: Vec<String> = self
            .search_dirs(from)
            .iter()
            .map(|d| format!("`{}`", canonical(d).display()))
            .collect();
        let searched = if dirs.is_empty() {
            "searched no directories".to_string()
        } else {
            format!("searched: {}", dirs.join(", "))
        };
        Err(
            IdlError::new(span, format!("cannot find {what} \"{name}\""))
                .with_label("not found")
                .with_note(searched)
                .with_note(format!(
                    "the built-in base files ({}) have no `{name}`",
                    base::names().join(", ")
                )),
        )
    }

    fn search_dirs(&self, from: FileId) -> Vec<PathBuf> {
        let mut dirs = Vec::new();
        if let Some(dir) = self.dir_of(from) {
            dirs.push(dir);
        }
        dirs.extend(self.opts.include_dirs.iter().cloned());
        dirs
    }

    /// `fs::canonicalize(path)` (or `path` itself where that fails), with each directory's
    /// resolved once: a file that is not a symbolic link is its directory's canonical path
    /// joined with its name, which costs one `lstat` where resolving the whole path again costs
    /// one `readlink` per component.
    fn canonical(&mut self, path: &Path) -> PathBuf {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return canonical(path);
        };
        let plain = fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_symlink());
        if !plain || dir.as_os_str().is_empty() {
            return canonical(path);
        }
        if let Some(d) = self.canonical_dirs.get(dir) {
            return d.join(name);
        }
        match fs::canonicalize(dir) {
            Ok(d) => {
                let full = d.join(name);
                self.canonical_dirs.insert(dir.to_path_buf(), d);
                full
            }
            Err(_) => canonical(path),
        }
    }

    /// Reads a found file into the source map (once) and returns its id.
    pub fn open(&mut self, found: Found, span: Span) -> Result<FileId, IdlError> {
        if let Some(log) = &mut self.opened {
            log.push(found.clone());
        }
        match found {
            Found::Builtin(file) => {
                let key = FileKey::Builtin(file.name);
                if let Some(&id) = self.ids.get(&key) {
                    return Ok(id);
                }
                let path = Path::new(BUILTIN_DIR).join(file.name);
                Ok(self.insert(key, path, file.text.to_string(), None))
            }
            Found::Disk(path) => {
                let key = FileKey::Disk(self.canonical(&path));
                if let Some(&id) = self.ids.get(&key) {
                    return Ok(id);
                }
                let text = read_text(&path).map_err(|e| {
                    IdlError::new(span, format!("cannot read `{}`: {e}", path.display()))
                })?;
                self.read.push(path.clone());
                let dir = parent_dir(&path);
                Ok(self.insert(key, path, text, dir))
            }
        }
    }
}

/// The predefined macros, as MIDL has them: its own `__midl`, and those of the Microsoft C
/// preprocessor it runs for a 64-bit target (`_WIN32`, `_WIN64`, `_M_AMD64`, `_M_X64`,
/// `_MSC_VER`, `_MSC_EXTENSIONS`, `_INTEGRAL_MAX_BITS`); with
/// widl's `__WIDL__` too: idlgen reads widl's dialect as well, and Wine's headers (mmreg.h and
/// others that its IDL files include) give IDL-readable declarations only under `__WIDL__`
/// (`-U __WIDL__` removes it). Then `-D` and `-U`, written as directives so that they go
/// through the same code (and errors in them point somewhere).
fn predefined_text(opts: &Options) -> Result<String, Error> {
    let mut text = String::from(
        "#define __midl 501\n#define __WIDL__ 1\n#define _WIN32 1\n#define _WIN64 1\n\
         #define _M_AMD64 100\n#define _M_X64 100\n#define _MSC_VER 1900\n\
         #define _MSC_EXTENSIONS 1\n#define _INTEGRAL_MAX_BITS 64\n",
    );
    let valid = |name: &str| {
        let mut chars = name.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    for (name, value) in &opts.defines {
        if !valid(name) {
            return Err(Diagnostic::bare(format!(
                "`-D {name}`: a macro name must be an identifier"
            ))
            .into());
        }
        if value.contains(['\n', '\r']) {
            return Err(
                Diagnostic::bare(format!("`-D {name}`: the value must be on one line")).into(),
            );
        }
        text.push_str(&format!("#define {name} {value}\n"));
    }
    for name in &opts.undefines {
        if !valid(name) {
            return Err(Diagnostic::bare(format!(
                "`-U {name}`: a macro name must be an identifier"
            ))
            .into());
        }
        text.push_str(&format!("#undef {name}\n"));
    }
    Ok(text)
}

fn parent_dir(path: &Path) -> Option<PathBuf> {
    match path.parent() {
        Some(p) if p.as_os_str().is_empty() => Some(PathBuf::from(".")),
        Some(p) => Some(p.to_path_buf()),
        None => Some(PathBuf::from(".")),
    }
}

fn canonical(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Reads a text file: UTF-8, UTF-16 with a byte order mark, or else one byte per character
/// (SDK files carry the odd Windows-1252 byte in comments).
fn read_text(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let too_large =
        || std::io::Error::other(format!("file is larger than {} MiB", MAX_FILE_SIZE >> 20));
    let meta = fs::metadata(path)?;
    // Only regular files: a device (`#include "/dev/zero"`) has no end.
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(too_large());
    }
    // The file may grow after the size was read: never read more than the limit. Room for the
    // size read (and one byte to see the end) takes the text in one read rather than a dozen.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0) + 1);
    fs::File::open(path)?
        .take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(too_large());
    }
    Ok(decode(bytes))
}

fn decode(bytes: Vec<u8>) -> String {
    let utf16 = |be: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if be {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    if bytes.starts_with(&[0xff, 0xfe]) {
        return utf16(false);
    }
    if bytes.starts_with(&[0xfe, 0xff]) {
        return utf16(true);
    }
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
    }
}

/// Looks for `name` (which may contain `/` or `\`) under `dir`, component by component, each
/// matched exactly if possible and otherwise with ASCII case folded.
pub(crate) fn find_in(dir: &Path, name: &str) -> Option<PathBuf> {
    let normal = name.replace('\\', "/");
    let rel = Path::new(&normal);
    let mut cur = if rel.is_absolute() {
        PathBuf::from("/")
    } else {
        dir.to_path_buf()
    };
    let parts: Vec<Component> = rel.components().collect();
    for (k, part) in parts.iter().enumerate() {
        let last = k + 1 == parts.len();
        match part {
            Component::Normal(os) => {
                let comp = os.to_str()?;
                let exact = cur.join(comp);
                let wanted = |p: &Path| if last { p.is_file() } else { p.is_dir() };
                if wanted(&exact) {
                    cur = exact;
                    continue;
                }
                let folded = comp.to_ascii_lowercase();
                let mut matches: Vec<PathBuf> = fs::read_dir(&cur)
                    .ok()?
                    .filter_map(|e| e.ok())
                    .filter(|e| {
                        e.file_name()
                            .to_str()
                            .is_some_and(|n| n.to_ascii_lowercase() == folded)
                    })
                    .map(|e| e.path())
                    .filter(|p| wanted(p))
                    .collect();
                // Several names differing only in case: take the first in sorted order.
                matches.sort();
                cur = matches.into_iter().next()?;
            }
            Component::ParentDir => cur.push(".."),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    cur.is_file().then_some(cur)
}
