//! Generated Rust on real code: for every stand-alone file of Wine's IDL corpus (libwine-dev's
//! include folder), `idlgen rust` gives rustfmt-clean, parseable Rust; and for a sample of files
//! chosen for the constructs they hold, the bindings with their imports (`--with-imports`)
//! type-check against idlgen-runtime and pass clippy, both with warnings denied.
//!
//! `IDLGEN_CORPUS_RUST=all` type-checks every stand-alone file instead of the sample (each in
//! its own crate; several minutes). Needs libwine-dev (`.ci/run` installs it): without it the
//! test skips loudly, except under CI.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use idlgen::codegen::rust::{RustOptions, generate};
use idlgen::idl::Options;

const WINE_INCLUDE: &str = "/usr/include/wine/wine/windows";

/// Files whose bindings are type-checked, and what each one exercises.
const SAMPLE: &[(&str, &str)] = &[
    (
        "d3d12",
        "anonymous unions in structs, consts (UINT, negative values)",
    ),
    (
        "d2d1_1",
        "a struct and a typedef of one name in two files (`D3DCOLORVALUE`)",
    ),
    ("d3d10", "C array parameters (`FLOAT BlendFactor[4]`)"),
    (
        "dwrite_3",
        "overloaded methods (`GetPropertyValues` three times)",
    ),
    (
        "msado15_backcompat",
        "a method name a base interface's trait has too (`append`)",
    ),
    (
        "shobjidl",
        "structs named but never defined; cpp_quote #defines",
    ),
    ("bdaiface", "interface names with underscores"),
    ("taskschd", "a coclass with the library's name"),
    ("msxml2", "dual interfaces, dispinterfaces, coclasses"),
    (
        "ocidl",
        "methods without HRESULT, parameters named like coclasses",
    ),
    ("mpegtype", "a struct as an [out, retval] (no Default)"),
    ("mimeole", "a handle constant (`(HBODY)-1`)"),
];

fn corpus_files() -> Option<Vec<PathBuf>> {
    if !Path::new(WINE_INCLUDE).is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have libwine-dev (.ci/run installs it)"
        );
        eprintln!("SKIPPED: {WINE_INCLUDE} is missing (install libwine-dev)");
        return None;
    }
    let mut idls: Vec<PathBuf> = std::fs::read_dir(WINE_INCLUDE)
        .expect("read Wine's include dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "idl"))
        .collect();
    idls.sort();
    Some(idls)
}

fn options() -> Options {
    Options {
        include_dirs: vec![PathBuf::from(WINE_INCLUDE)],
        ..Default::default()
    }
}

/// Bindings for one file; `None` for files that do not load on their own (fragments and WinRT
/// files, which tests/corpus_idl.rs covers).
fn bindings(idl: &Path, with_imports: bool) -> Option<String> {
    let mut model = idlgen::load(std::slice::from_ref(&idl.to_path_buf()), &options())
        .ok()?
        .model;
    if with_imports {
        model.include_imported_user_files();
    }
    Some(generate(&model, &RustOptions::default()).unwrap_or_else(|e| panic!("{e}")))
}

/// `rustfmt --check` over `code`: `Err` with rustfmt's complaint when the code does not parse
/// or is not formatted as rustfmt would.
fn rustfmt_check(code: &str) -> Result<(), String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--check"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rustfmt runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = code.to_string();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().expect("rustfmt finishes");
    let _ = writer.join();
    if out.status.success() {
        Ok(())
    } else {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        Err(text.lines().take(12).collect::<Vec<_>>().join("\n"))
    }
}

#[test]
fn generated_rust_of_every_corpus_file_is_rustfmt_clean() {
    let Some(idls) = corpus_files() else {
        return;
    };
    let (mut checked, mut failed) = (0, Vec::new());
    let mut alone = Vec::new();
    for idl in &idls {
        let Some(code) = bindings(idl, false) else {
            continue;
        };
        checked += 1;
        if let Err(e) = rustfmt_check(&code) {
            failed.push(format!("{}:\n{e}", idl.display()));
        }
        alone.push((idl.clone(), code));
    }
    println!(
        "{checked} corpus files: generated Rust parses and is rustfmt-clean for {}",
        checked - failed.len()
    );
    assert!(checked >= 200, "only {checked} files generated");
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
    // The same files loaded together (`model::load_each`, as `idlgen rust DIR` does) give the
    // same bindings, byte for byte.
    let inputs: Vec<PathBuf> = alone.iter().map(|(idl, _)| idl.clone()).collect();
    let together = std::sync::Mutex::new(vec![None; inputs.len()]);
    idlgen::model::load_each(&inputs, &options(), |k, model| {
        let model = model.unwrap_or_else(|e| panic!("{}: {e}", inputs[k].display()));
        let code = generate(&model, &RustOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        together.lock().unwrap()[k] = Some(code);
    });
    let together = together.into_inner().unwrap();
    for ((idl, alone), together) in alone.iter().zip(together) {
        assert!(
            together.as_deref() == Some(alone.as_str()),
            "{}: loaded with the others, the bindings differ",
            idl.display()
        );
    }
    println!(
        "{} corpus files: the same bindings loaded one at a time and all together",
        alone.len()
    );
}

/// Type-checks the bindings of `files` (with their imports), one module each, in a scratch crate
/// that depends on idlgen-runtime. `Err` carries cargo's errors.
fn type_check(crate_dir: &Path, files: &[(String, String)]) -> Result<(), String> {
    let src = crate_dir.join("src");
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(&src).expect("scratch crate dir");
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
    std::fs::write(
        crate_dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"corpus-bindings\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\n\n[dependencies]\nidlgen-runtime = {{ path = {:?} }}\n\n[workspace]\n",
            runtime.display().to_string()
        ),
    )
    .expect("Cargo.toml");
    let mut lib = String::from("#![deny(warnings)]\n");
    for (name, code) in files {
        std::fs::write(src.join(format!("{name}.rs")), code).expect("module");
        lib.push_str(&format!("pub mod {name};\n"));
    }
    std::fs::write(src.join("lib.rs"), lib).expect("lib.rs");
    // clippy: users lint the crates that include generated bindings, so lints count too.
    let out = Command::new(env!("CARGO"))
        .args([
            "clippy",
            "--quiet",
            "--offline",
            "--lib",
            "--",
            "-D",
            "warnings",
        ])
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", crate_dir.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo check runs");
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err.lines().take(60).collect::<Vec<_>>().join("\n"))
    }
}

#[test]
fn generated_rust_type_checks_with_its_imports() {
    let Some(idls) = corpus_files() else {
        return;
    };
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus-rust");
    if std::env::var("IDLGEN_CORPUS_RUST").is_ok_and(|v| v == "all") {
        let mut failed = Vec::new();
        let mut checked = 0;
        for idl in &idls {
            let stem = idl.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            let Some(code) = bindings(idl, true) else {
                continue;
            };
            checked += 1;
            if let Err(e) = type_check(&base, &[(stem.replace(['.', '-'], "_"), code)]) {
                failed.push(format!("{stem}:\n{e}"));
            }
        }
        println!(
            "{checked} corpus files type-checked with their imports, {} failed",
            failed.len()
        );
        assert!(failed.is_empty(), "{}", failed.join("\n\n"));
        return;
    }
    let mut files = Vec::new();
    for (stem, what) in SAMPLE {
        let idl = Path::new(WINE_INCLUDE).join(format!("{stem}.idl"));
        let code = bindings(&idl, true).unwrap_or_else(|| panic!("{stem}.idl does not load"));
        println!("{stem}.idl ({} lines): {what}", code.lines().count());
        files.push((stem.to_string(), code));
    }
    if let Err(e) = type_check(&base, &files) {
        panic!("the sample's bindings do not type-check or pass clippy:\n{e}");
    }
    println!(
        "{} corpus files' bindings type-check and pass clippy with warnings denied",
        files.len()
    );
}
