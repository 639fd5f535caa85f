//! The Wine IDL corpus (Debian's libwine-dev): every .idl file in its `windows/` include folder
//! must preprocess, parse and resolve on its own, with that folder on the include path.
//!
//! Two kinds of file are treated apart, both found from the corpus itself:
//! - fragments: files that another corpus file `#include`s ("x.idl"); they are not meant to stand
//!   alone (the OLE DB pieces of oledb.idl, objidlbase.idl in objidl.idl...). Each is listed with
//!   its includer, and the includer must pass.
//! - the Windows Runtime dialect (namespace, runtimeclass, apicontract, delegate, declare), out of
//!   scope for now: each such file must stop with one error that names the WinRT construct, at
//!   the line where it stands.
//!
//! Needs libwine-dev (tests/common/external.rs: a counted skip without it, a failure in CI).

use std::path::Path;

use idlgen::Options;

mod common;
use common::corpus::{
    check_each, fragments, include_tops, print_list, wine_idl_files, wine_options,
};
use common::external::{WINE_IDL, need};

/// The words that start a WinRT declaration.
const WINRT_WORDS: &[&str] = &[
    "namespace",
    "runtimeclass",
    "apicontract",
    "delegate",
    "declare",
];

enum Outcome {
    Passed,
    WinRt { word: String, line: usize },
    Failed(String),
}

fn check(file: &Path, opts: &Options) -> Outcome {
    let err = match idlgen::load(&[file.to_path_buf()], opts) {
        Ok(_) => return Outcome::Passed,
        Err(e) => e,
    };
    let shown = err.to_string();
    let [d] = err.diagnostics.as_slice() else {
        return Outcome::Failed(format!("expected one diagnostic:\n{shown}"));
    };
    if !d.message.contains("Windows Runtime") {
        return Outcome::Failed(shown);
    }
    // A WinRT error must name the construct and stand on its line, in this file.
    let Some(loc) = &d.location else {
        return Outcome::Failed(format!("WinRT error without a position:\n{shown}"));
    };
    let word = WINRT_WORDS
        .iter()
        .find(|w| d.message.contains(&format!("`{w}`")))
        .map(|w| w.to_string());
    let at_word = loc
        .line_text
        .chars()
        .skip(loc.col.saturating_sub(1))
        .collect::<String>();
    match word {
        Some(w) if at_word.starts_with(&w) && loc.path == file => Outcome::WinRt {
            word: w,
            line: loc.line,
        },
        _ => Outcome::Failed(format!(
            "a WinRT error must name the construct at its line:\n{shown}"
        )),
    }
}

#[test]
fn wine_corpus_parses_and_resolves() {
    if need(&WINE_IDL).is_none() {
        return;
    }
    let files = wine_idl_files();
    assert!(
        files.len() > 200,
        "only {} files in the corpus",
        files.len()
    );
    let fragments = fragments(&files);
    let opts = wine_options();
    let results = check_each(&files, |f| check(f, &opts));

    let mut passed = 0;
    let mut failures = Vec::new();
    let mut winrt = Vec::new();
    let mut fragment_lines = Vec::new();
    for (name, outcome) in &results {
        let lower = name.to_lowercase();
        if let Some(includers) = fragments.get(&lower) {
            // The files at the top of its #include chains stand for it: one must pass.
            let ok = include_tops(&fragments, includers)
                .iter()
                .any(|t| matches!(results.get(t), Some(Outcome::Passed)));
            let list: Vec<&str> = includers.iter().map(String::as_str).collect();
            fragment_lines.push(format!("  {name} (included by {})", list.join(", ")));
            if !ok {
                failures.push(format!(
                    "{name}: fragment whose includers ({}) do not pass",
                    list.join(", ")
                ));
            }
            continue;
        }
        match outcome {
            Outcome::Passed => passed += 1,
            Outcome::WinRt { word, line } => winrt.push(format!("  {name}:{line}: `{word}`")),
            Outcome::Failed(msg) => failures.push(format!("{name}: {msg}")),
        }
    }
    let standalone = results.len() - fragment_lines.len() - winrt.len();
    print_list(
        "fragments, checked through their includers",
        &fragment_lines,
    );
    print_list(
        "WinRT dialect, out of scope, each stopped at its construct",
        &winrt,
    );
    println!(
        "{passed} of {standalone} stand-alone files passed ({} files in all: {} fragments, {} WinRT)",
        results.len(),
        fragment_lines.len(),
        winrt.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} files failed:\n{}",
        failures.len(),
        results.len(),
        failures.join("\n")
    );
}
