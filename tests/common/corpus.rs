//! What the IDL corpus tests share: the corpus files, which of them are fragments (#included by
//! another file of the corpus rather than compiled alone), and loading each of them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::external::WINE_IDL_DIR;

/// Every `.idl` file (any letter case) directly in `dir`, sorted; none if `dir` cannot be read.
pub fn idl_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("idl")))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The files of Wine's IDL corpus (ask [`super::external::need`] for
/// [`super::external::WINE_IDL`] first).
pub fn wine_idl_files() -> Vec<PathBuf> {
    idl_files(Path::new(WINE_IDL_DIR))
}

/// Front-end options with Wine's IDL corpus on the include path, as its files expect.
pub fn wine_options() -> idlgen::Options {
    idlgen::Options::new().include_dir(WINE_IDL_DIR)
}

/// Prints `heading (count):` and the lines below it.
pub fn print_list(heading: &str, lines: &[String]) {
    println!("{heading} ({}):", lines.len());
    for l in lines {
        println!("{l}");
    }
}

/// `check` of every file, on two threads (the files are independent), by file name.
pub fn check_each<T: Send>(
    files: &[PathBuf],
    check: impl Fn(&Path) -> T + Sync,
) -> BTreeMap<String, T> {
    let queue = Mutex::new(files.iter());
    let results = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let next = queue.lock().map(|mut q| q.next());
                    let Ok(Some(f)) = next else {
                        break;
                    };
                    let outcome = check(f);
                    if let Ok(mut r) = results.lock() {
                        r.insert(name_of(f), outcome);
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

/// The files at the top of a fragment's #include chains: its includers, and theirs where an
/// includer is itself a fragment (`fragments` as [`fragments`] gives it).
pub fn include_tops(
    fragments: &BTreeMap<String, BTreeSet<String>>,
    includers: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = includers.iter().cloned().collect();
    let mut tops = BTreeSet::new();
    while let Some(inc) = todo.pop() {
        if !seen.insert(inc.to_lowercase()) {
            continue;
        }
        match fragments.get(&inc.to_lowercase()) {
            Some(up) => todo.extend(up.iter().cloned()),
            None => {
                tops.insert(inc);
            }
        }
    }
    tops
}

pub fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The files' names, lower-cased.
fn lower_names(files: &[PathBuf]) -> BTreeSet<String> {
    files.iter().map(|f| name_of(f).to_lowercase()).collect()
}

/// Each file with its text (read lossily; an unreadable file is empty).
fn texts(files: &[PathBuf]) -> impl Iterator<Item = (&Path, String)> {
    files.iter().map(|f| {
        let bytes = std::fs::read(f).unwrap_or_default();
        (f.as_path(), String::from_utf8_lossy(&bytes).into_owned())
    })
}

/// Fragment (lower-cased name) -> the corpus files that `#include "fragment.idl"` (or
/// `<fragment.idl>`) it.
pub fn fragments(files: &[PathBuf]) -> BTreeMap<String, BTreeSet<String>> {
    let names = lower_names(files);
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (f, text) in texts(files) {
        for line in text.lines() {
            let l = line.trim_start();
            let Some(rest) = l.strip_prefix('#') else {
                continue;
            };
            let Some(rest) = rest.trim_start().strip_prefix("include") else {
                continue;
            };
            let rest = rest.trim();
            // `#include "x.idl"` and `#include <x.idl>` (msxml.idl, strmif.idl) alike.
            let inner = match rest.chars().next() {
                Some('"') => rest[1..].split('"').next(),
                Some('<') => rest[1..].split('>').next(),
                _ => None,
            };
            let Some(inner) = inner else {
                continue;
            };
            let included = inner
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(inner)
                .to_lowercase();
            if included.ends_with(".idl") && names.contains(&included) {
                out.entry(included).or_default().insert(name_of(f));
            }
        }
    }
    out
}

/// Imported file (lower-cased name) -> the corpus files whose `import "x.idl";` names it.
pub fn importers(files: &[PathBuf]) -> BTreeMap<String, BTreeSet<String>> {
    let names = lower_names(files);
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (f, text) in texts(files) {
        for line in text.lines() {
            let Some(rest) = line.trim_start().strip_prefix("import") else {
                continue;
            };
            if !rest.starts_with([' ', '\t', '"']) {
                continue;
            }
            // `import "a.idl", "b.idl";`: every quoted name up to the `;`.
            let list = rest.split(';').next().unwrap_or(rest);
            for (k, part) in list.split('"').enumerate() {
                if k % 2 == 0 {
                    continue;
                }
                let imported = part
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or(part)
                    .to_lowercase();
                if names.contains(&imported) {
                    out.entry(imported).or_default().insert(name_of(f));
                }
            }
        }
    }
    out
}
