//! Generated Rust checked as a user's build would see it: `rustfmt --check` (it parses, and is
//! formatted as rustfmt would), and a scratch crate depending on idlgen-runtime that builds it
//! with `cargo clippy -- -D warnings` (type-checks, and is lint-clean).
//!
//! Every scratch crate shares one target directory (`CARGO_TARGET_TMPDIR/typecheck/target`), so
//! idlgen-runtime is compiled once for all the tests that type-check bindings.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use idlgen::Options;
use idlgen::{RustOptions, generate_rust as generate};

/// Why one file has no bindings.
#[derive(Debug)]
pub enum Failure {
    /// The file (or something it imports) does not load; the first error.
    Load(String),
    /// It loads, but the generator fails on it.
    Generate(String),
}

/// The Rust bindings for one IDL file, alone or with the declarations of its imports.
pub fn bindings(idl: &Path, opts: &Options, with_imports: bool) -> Result<String, Failure> {
    let mut model = idlgen::load(std::slice::from_ref(&idl.to_path_buf()), opts)
        .map_err(|e| Failure::Load(e.to_string()))?
        .model;
    if with_imports {
        model.include_imported_user_files();
    }
    generate(&model, &RustOptions::default()).map_err(|e| Failure::Generate(e.to_string()))
}

/// A module name for the bindings of `file` (`ShObjIdl_core.idl` -> `shobjidl_core`): lower
/// case, so `#![deny(warnings)]` has no `non_snake_case` to say.
pub fn module_name(file: &Path) -> String {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("file");
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert(0, 'm');
    }
    name
}

/// `rustfmt --check` over `code`: `Err` with rustfmt's complaint when the code does not parse
/// or is not formatted as rustfmt would.
pub fn rustfmt_check(code: &str) -> Result<(), String> {
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

/// A scratch crate, `CARGO_TARGET_TMPDIR/typecheck/<name>`, that type-checks bindings.
pub struct ScratchCrate {
    dir: PathBuf,
    name: String,
    /// The name the crate gives its idlgen-runtime dependency (`idlgen-runtime` unless renamed).
    runtime_dependency: String,
    /// Lines that start `lib.rs`, after `#![deny(warnings)]`.
    prelude: String,
}

impl ScratchCrate {
    /// `name` is the crate's package name; give each test its own, so that two crates never
    /// take turns over one set of build artifacts in the shared target directory.
    pub fn new(name: &str) -> Self {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("typecheck");
        ScratchCrate {
            dir: base.join(name),
            name: name.to_string(),
            runtime_dependency: "idlgen-runtime".to_string(),
            prelude: String::new(),
        }
    }

    /// Depends on idlgen-runtime under another name (`my_rt = { package = "idlgen-runtime" }`),
    /// as a user who renamed the dependency does.
    pub fn runtime_as(mut self, name: &str) -> Self {
        self.runtime_dependency = name.to_string();
        self
    }

    /// Adds `code` to `lib.rs` before the modules (a module re-exporting the runtime, ...).
    pub fn prelude(mut self, code: &str) -> Self {
        self.prelude.push_str(code);
        self.prelude.push('\n');
        self
    }

    /// Builds `files` (module name, code), one module each, with `cargo clippy -- -D warnings`
    /// under `#![deny(warnings)]`. `Err` carries the first lines of cargo's errors.
    pub fn type_check(&self, files: &[(String, String)]) -> Result<(), String> {
        self.type_check_full(files)
            .map_err(|e| e.lines().take(60).collect::<Vec<_>>().join("\n"))
    }

    /// [`ScratchCrate::type_check`], with all of cargo's errors.
    pub fn type_check_full(&self, files: &[(String, String)]) -> Result<(), String> {
        let src = self.dir.join("src");
        let _ = std::fs::remove_dir_all(&src);
        std::fs::create_dir_all(&src).expect("scratch crate dir");
        let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
        std::fs::write(
            self.dir.join("Cargo.toml"),
            format!(
                "[package]\nname = {:?}\nversion = \"0.0.0\"\nedition = \"2024\"\n\
                 publish = false\n\n[dependencies]\n{} = {{ package = \"idlgen-runtime\", path = {:?} }}\n\n\
                 [workspace]\n",
                self.name,
                self.runtime_dependency,
                runtime.display().to_string()
            ),
        )
        .expect("Cargo.toml");
        let mut lib = format!("#![deny(warnings)]\n{}", self.prelude);
        for (name, code) in files {
            std::fs::write(src.join(format!("{name}.rs")), code).expect("module");
            lib.push_str(&format!("pub mod {name};\n"));
        }
        std::fs::write(src.join("lib.rs"), lib).expect("lib.rs");
        // clippy: users lint the crates that include generated bindings, so lints count too.
        let target = self.dir.parent().expect("typecheck dir").join("target");
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
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", target)
            .env_remove("RUSTFLAGS")
            .output()
            .expect("cargo clippy runs");
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}
