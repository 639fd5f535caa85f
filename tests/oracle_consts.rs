//! Constant values against the C compiler: for every integer `const` declared in a file of Wine's
//! IDL corpus, the value idlgen computes equals what a C compiler makes of the same constant in
//! the header widl generated from that file (Wine installs both: NAME.idl and NAME.h), converted
//! to the constant's declared type. widl writes a constant as `#define NAME (expression)`, so the
//! compiler evaluates the expression, casts included (`(int)0x80000000`), and the conversion to
//! the declared type (`const LONG x = 0x80000000;`) is C's.
//!
//! The check is one `_Static_assert` per constant, compiled with mingw-w64's gcc
//! (`-fsyntax-only`, nothing runs). Needs libwine-dev and gcc-mingw-w64-x86-64
//! (tests/common/external.rs: a counted skip without them, a failure in CI).

use std::path::Path;
use std::process::Command;

use idlgen::model::{ItemKind, Model, Value};

mod common;
use common::corpus::{wine_idl_files, wine_options};
use common::external::{
    MINGW_GCC, MINGW_GCC_EXE, WINE_IDL, WINE_IDL_DIR, WINE_MSVCRT, WINE_MSVCRT_DIR, need_all,
};

/// The C spelling of an IDL type name where the two differ.
fn c_type(idl: &str) -> String {
    match idl {
        "hyper" => "LONGLONG".into(),
        "unsigned hyper" => "ULONGLONG".into(),
        "small" => "signed char".into(),
        "__int3264" => "INT_PTR".into(),
        "unsigned __int3264" => "UINT_PTR".into(),
        other => other.into(),
    }
}

/// `(name, C type, value)` of the integer constants declared in the model's own input files.
fn integer_constants(model: &Model) -> Vec<(String, String, i128)> {
    model
        .items
        .iter()
        .filter(|item| {
            item.origin
                .as_ref()
                .is_some_and(|o| model.roots.contains(&o.file))
        })
        .filter_map(|item| match &item.kind {
            ItemKind::Const(c) => match c.value {
                Value::Int(v) => Some((item.name.clone(), c_type(&model.type_string(&c.ty)), v)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Compiles `source` with the corpus headers on the include path; `Err` carries gcc's output.
fn compile(dir: &Path, name: &str, source: &str) -> Result<(), String> {
    let path = dir.join(format!("{name}.c"));
    std::fs::write(&path, source).map_err(|e| e.to_string())?;
    let out = Command::new(MINGW_GCC_EXE)
        .args([
            "-fsyntax-only",
            "-w",
            "-I",
            WINE_IDL_DIR,
            "-I",
            WINE_MSVCRT_DIR,
        ])
        .arg(&path)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn integer_constants_equal_the_c_compilers_values() {
    if !need_all(&[&WINE_IDL, &WINE_MSVCRT, &MINGW_GCC]) {
        return;
    }
    let idls: Vec<_> = wine_idl_files()
        .into_iter()
        .filter(|p| {
            std::fs::read_to_string(p)
                .is_ok_and(|t| t.lines().any(|l| l.trim_start().starts_with("const ")))
        })
        .collect();
    let opts = wine_options();
    let dir = common::temp_dir("oracle-consts");

    let (mut compared, mut files) = (0, 0);
    let mut problems = Vec::new();
    for idl in &idls {
        let stem = idl.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let Ok(loaded) = idlgen::load(std::slice::from_ref(idl), &opts) else {
            // Fragments and WinRT files: tests/corpus_idl.rs covers them.
            continue;
        };
        let constants = integer_constants(&loaded.model);
        if constants.is_empty() {
            continue;
        }
        let prelude = format!("#include <windows.h>\n#include <ole2.h>\n#include <{stem}.h>\n");
        if let Err(e) = compile(&dir, stem, &prelude) {
            problems.push(format!("{stem}.h does not compile on its own:\n{e}"));
            continue;
        }
        let mut source = prelude;
        for (name, ty, value) in &constants {
            // Compare in the widest type of the value's sign.
            let (cast, literal) = if *value < 0 {
                ("long long", format!("({value}LL)"))
            } else {
                ("unsigned long long", format!("{value}ULL"))
            };
            source.push_str(&format!(
                "_Static_assert(({cast})({ty})({name}) == {literal}, \"{name}: idlgen says {value}\");\n"
            ));
        }
        if let Err(e) = compile(&dir, stem, &source) {
            let mismatches: Vec<&str> = e.lines().filter(|l| l.contains("idlgen says")).collect();
            problems.push(format!(
                "{stem}.idl: {}",
                if mismatches.is_empty() {
                    e.clone()
                } else {
                    mismatches.join("\n")
                }
            ));
        }
        compared += constants.len();
        files += 1;
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!("{compared} integer constants in {files} files compared with {MINGW_GCC_EXE}");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    // Wine's corpus declares several hundred integer constants; far fewer means files were lost.
    assert!(compared >= 300, "only {compared} constants compared");
}
