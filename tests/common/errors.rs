//! Error assertions: an input's only diagnostic, and where it points and what it says.

use std::path::Path;

use idlgen::Diagnostic;
use idlgen::Options;

/// The only diagnostic of `result`; panics if it is `Ok` or holds more than one. `input` is
/// shown on failure.
pub fn only_error<T>(result: idlgen::Result<T>, input: &str) -> Diagnostic {
    let err = match result {
        Ok(_) => panic!("expected an error for:\n{input}"),
        Err(e) => e,
    };
    assert_eq!(
        err.diagnostics.len(),
        1,
        "expected exactly one diagnostic, got:\n{err}"
    );
    err.diagnostics[0].clone()
}

/// The only diagnostic of loading `text` as the file `name` through the whole pipeline
/// (`idlgen::load`: preprocess, parse, imports, resolve); [`super::model_of`] is the model of
/// text that loads.
pub fn error_of(name: &str, text: &str) -> Diagnostic {
    only_error(
        idlgen::load([idlgen::Input::idl_text(name, text)], &Options::default()),
        text,
    )
}

/// Asserts where the diagnostic points (`path`, 1-based line and column) and its message, and
/// that its display starts with the message, names `path:line:col`, shows the line and puts a
/// caret under the column.
pub fn assert_at(d: &Diagnostic, path: impl AsRef<Path>, line: usize, col: usize, message: &str) {
    let path = path.as_ref();
    let Some(loc) = d.location.as_ref() else {
        panic!("the diagnostic has no location:\n{d}");
    };
    assert_eq!(d.message, message, "message; full diagnostic:\n{d}");
    assert_eq!(loc.path, path, "path; full diagnostic:\n{d}");
    assert_eq!((loc.line, loc.col), (line, col), "line and column:\n{d}");
    let shown = d.to_string();
    let gutter = " ".repeat(line.to_string().len());
    assert!(
        shown.starts_with(&format!("error: {message}\n")),
        "display starts with the message:\n{shown}"
    );
    assert!(
        shown.contains(&format!("--> {}:{line}:{col}\n", path.display())),
        "display names file:line:col:\n{shown}"
    );
    assert!(
        shown.contains(&format!("\n{line} | {}\n", loc.line_text)),
        "display shows the line:\n{shown}"
    );
    assert!(
        shown.contains(&format!(
            "\n{gutter} | {}^",
            " ".repeat(col.saturating_sub(1))
        )),
        "display puts a caret under column {col}:\n{shown}"
    );
}
