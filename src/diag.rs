//! Diagnostics: source files, spans, and errors that say where and what was expected.
//!
//! A `Span` is cheap (file id + byte range) and lives in the AST and the model. A `Diagnostic` is
//! self-contained: when it is made, the span is resolved against the `SourceMap` into a path, a
//! 1-based line and column, and the text of the offending line, so it can be printed anywhere
//! without the source text.

use std::fmt;
use std::path::{Path, PathBuf};

/// A file of a model's inputs: an index into [`Model::files`](crate::model::Model::files).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Span {
    pub file: FileId,
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte (`start == end` for a point).
    pub end: u32,
}

impl Span {
    pub(crate) fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end.max(start)).unwrap_or(u32::MAX),
        }
    }

    /// The smallest span covering both (they must be in the same file; otherwise `self`).
    pub(crate) fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// One loaded source file.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    /// The path as the user or an import named it (kept as given, for messages).
    pub path: PathBuf,
    pub text: String,
    /// Byte offsets at which each line starts.
    line_starts: Vec<usize>,
    /// Reached only through MIDL's implicit imports of a library statement (oleidl.idl), never
    /// through an `import` the user wrote: not a user file to generate.
    pub implicit_only: bool,
    /// Reached through an `import` the user wrote.
    explicit: bool,
}

impl SourceFile {
    fn new(path: PathBuf, text: String) -> SourceFile {
        let mut line_starts = vec![0];
        let mut at = 0;
        while let Some(k) =
            (text.as_bytes().get(at..)).and_then(|s| crate::bytes::find_byte(s, b'\n'))
        {
            at += k + 1;
            line_starts.push(at);
        }
        SourceFile {
            path,
            text,
            line_starts,
            implicit_only: false,
            explicit: false,
        }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.line_index(offset.min(self.text.len())) + 1
    }

    fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// 1-based line and column (column counted in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

/// Every source file read in one run, addressed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub(crate) struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(path.into(), text.into()));
        id
    }

    /// Records that an import reached `id`: one the user wrote (`implicit` false) or one MIDL
    /// adds by itself; the file is implicit only until the user imports it too.
    pub fn note_import(&mut self, id: FileId, implicit: bool) {
        if let Some(f) = self.files.get_mut(id.0 as usize) {
            if implicit {
                f.implicit_only = !f.explicit;
            } else {
                f.explicit = true;
                f.implicit_only = false;
            }
        }
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn path(&self, id: FileId) -> Option<&Path> {
        self.get(id).map(|f| f.path.as_path())
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Resolves a span into a printable location.
    pub fn locate(&self, span: Span) -> Option<Location> {
        let file = self.get(span.file)?;
        let (line, col) = file.line_col(span.start as usize);
        let (end_line, end_col) = file.line_col(span.end as usize);
        let width = if end_line == line && end_col > col {
            end_col - col
        } else {
            1
        };
        Some(Location {
            path: file.path.clone(),
            line,
            col,
            width,
            line_text: file.line_text(line).to_string(),
        })
    }

    /// An error at `span` saying what went wrong.
    pub fn error(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            location: self.locate(span).map(Box::new),
            label: None,
            notes: Vec::new(),
        }
    }
}

/// A resolved source position: the file, where in it, and the line's text for the caret display.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Location {
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub col: usize,
    /// How many characters the caret underlines (at least 1).
    pub width: usize,
    pub line_text: String,
}

/// An error in text input (with its [`Location`]) or in binary input (the byte offset in the
/// message), printable on its own: `Display` shows it as the command line prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnostic {
    /// What went wrong, e.g. "expected `;` after method declaration".
    pub message: String,
    /// Boxed: errors travel in `Result`s everywhere, and should stay small there.
    pub location: Option<Box<Location>>,
    /// Text printed under the caret, e.g. "expected `;`".
    pub label: Option<String>,
    /// Further lines ("help: ...", "searched: ...").
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error with no source position (a missing input file, an I/O failure).
    pub fn bare(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            location: None,
            label: None,
            notes: Vec::new(),
        }
    }

    /// An error in binary input (a type library, a PE file): the message names the file and
    /// the byte offset at which the reader found what it did not expect.
    pub(crate) fn at_offset(path: &str, offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: format!(
                "{}: at byte offset {offset} (0x{offset:x}): {}",
                path,
                message.into()
            ),
            location: None,
            label: None,
            notes: Vec::new(),
        }
    }

    pub(crate) fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub(crate) fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// `path:line:col`, if the diagnostic has a position.
    pub fn position(&self) -> Option<String> {
        self.location
            .as_ref()
            .map(|l| format!("{}:{}:{}", l.path.display(), l.line, l.col))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(loc) = &self.location {
            let num = loc.line.to_string();
            let pad = " ".repeat(num.len());
            write!(
                f,
                "\n{pad}--> {}:{}:{}\n{pad} |\n{num} | {}\n{pad} | ",
                loc.path.display(),
                loc.line,
                loc.col,
                loc.line_text.replace('\t', " ")
            )?;
            // Indent the caret under the column; tabs were shown as one space each.
            let indent = " ".repeat(loc.col.saturating_sub(1));
            write!(f, "{indent}{}", "^".repeat(loc.width.max(1)))?;
            if let Some(label) = &self.label {
                write!(f, " {label}")?;
            }
        } else if let Some(label) = &self.label {
            write!(f, "\n  {label}")?;
        }
        for note in &self.notes {
            write!(f, "\n  = {note}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// The library's error: one or more diagnostics (the front ends stop at the first error, but
/// resolution may report several). Its `Debug` is its `Display`, so a build script's
/// `fn main() -> Result<(), Box<dyn Error>>` prints the error readably.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Error {
    pub diagnostics: Vec<Diagnostic>,
}

impl Error {
    /// The first diagnostic (an error always has one).
    pub fn first(&self) -> Option<&Diagnostic> {
        self.diagnostics.first()
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Error {
        Error {
            diagnostics: vec![d],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {}

/// The library's result: a value or an [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_points_at_column() {
        let mut map = SourceMap::new();
        let id = map.add("a.idl", "interface X\n{\n    HRESULT F()\n};\n");
        let text = &map.get(id).map(|f| f.text.clone()).unwrap_or_default();
        let at = text.find("()").map_or(0, |i| i + 2);
        let d = map.error(Span::new(id, at, at), "missing `;`");
        let shown = d.with_label("expected `;`").to_string();
        assert!(shown.contains("--> a.idl:3:16"), "{shown}");
        assert!(
            shown.contains("3 |     HRESULT F()\n  |                ^ expected `;`"),
            "{shown}"
        );
    }
}
