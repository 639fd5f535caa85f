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
//! Without libwine-dev the test is skipped, and says so, unless `CI` is set: there it fails.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use idlgen::idl::Options;

mod common;
use common::corpus::{fragments, name_of};

const CORPUS: &str = "/usr/include/wine/wine/windows";

/// The words that start a WinRT declaration.
const WINRT_WORDS: &[&str] = &[
    "namespace",
    "runtimeclass",
    "apicontract",
    "delegate",
    "declare",
];

fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("idl")))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

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
    let dir = PathBuf::from(CORPUS);
    let files = corpus_files(&dir);
    if files.is_empty() {
        if std::env::var_os("CI").is_some() {
            panic!("libwine-dev is not installed ({CORPUS} has no .idl files); CI must install it");
        }
        println!(
            "SKIPPED: the Wine IDL corpus ({CORPUS}) is not installed (apt-get install libwine-dev)"
        );
        return;
    }
    let fragments = fragments(&files);
    let opts = Options {
        include_dirs: vec![dir.clone()],
        ..Options::default()
    };

    // Two workers: the files are independent.
    let queue = Mutex::new(files.iter());
    let results = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let Some(f) = queue.lock().unwrap().next() else {
                        break;
                    };
                    let outcome = check(f, &opts);
                    results.lock().unwrap().insert(name_of(f), outcome);
                }
            });
        }
    });
    let results = results.into_inner().unwrap();

    let mut passed = 0;
    let mut failures = Vec::new();
    let mut winrt = Vec::new();
    let mut fragment_lines = Vec::new();
    for (name, outcome) in &results {
        let lower = name.to_lowercase();
        if let Some(includers) = fragments.get(&lower) {
            // Its includers stand for it: at least one must pass (a fragment's includer may
            // itself be a fragment; follow until a file that stands alone).
            let mut seen = BTreeSet::new();
            let mut todo: Vec<String> = includers.iter().cloned().collect();
            let mut ok_by = None;
            while let Some(inc) = todo.pop() {
                if !seen.insert(inc.clone()) {
                    continue;
                }
                match fragments.get(&inc.to_lowercase()) {
                    Some(up) => todo.extend(up.iter().cloned()),
                    None => {
                        if matches!(results.get(&inc), Some(Outcome::Passed)) {
                            ok_by = Some(inc);
                        }
                    }
                }
            }
            let list: Vec<&str> = includers.iter().map(String::as_str).collect();
            fragment_lines.push(format!("  {name} (included by {})", list.join(", ")));
            if ok_by.is_none() {
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
    println!(
        "fragments ({}), checked through their includers:",
        fragment_lines.len()
    );
    for l in &fragment_lines {
        println!("{l}");
    }
    println!(
        "WinRT dialect, out of scope ({}), each stopped at its construct:",
        winrt.len()
    );
    for l in &winrt {
        println!("{l}");
    }
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
