//! Golden cases, one construct each, in the manner of windows-bindgen's and wit-parser's
//! data-driven suites: every folder `fixtures/cases/<name>/` holds `input.idl` and the Rust
//! idlgen generates for it, `expected.rs`; where the model is the point (DISPIDs, slots,
//! defaults), `expected.json` too, the dump of `idlgen dump fixtures/cases/<name>/input.idl`.
//! A new case is a new folder: write its input.idl (and an empty expected.json for a dump),
//! bless, then review what was written like code.
//!
//! A mismatch prints a unified diff per case. To accept the new output (after reviewing it):
//!
//! ```sh
//! IDLGEN_BLESS=1 cargo test --test cases
//! ```
//!
//! Every expected.rs must also be what rustfmt writes, and every case's Rust must type-check and
//! pass clippy (all cases in one scratch crate, one module each: one cargo run).

mod common;

use std::path::{Path, PathBuf};

use common::external::{RUSTFMT, need};
use common::typecheck::{ScratchCrate, rustfmt_check};
use idlgen::Options;
use idlgen::{RustOptions, generate_rust as generate};

/// The cases' folder, relative to the crate root.
const CASES_DIR: &str = "fixtures/cases";

/// One case: its folder's name (also its module in the scratch crate) and path.
struct Case {
    name: String,
    dir: PathBuf,
}

impl Case {
    /// The input as `idlgen` is given it from the crate root (the dump lists it so).
    fn input(&self) -> String {
        format!("{CASES_DIR}/{}/input.idl", self.name)
    }

    fn model(&self) -> Result<idlgen::model::Model, String> {
        idlgen::load(&[self.dir.join("input.idl")], &Options::default())
            .map(|l| l.model)
            .map_err(|e| format!("{}: does not load:\n{e}", self.input()))
    }

    fn rust(&self) -> Result<String, String> {
        generate(&self.model()?, &RustOptions::default())
            .map_err(|e| format!("{}: does not generate:\n{e}", self.input()))
    }

    /// `idlgen dump fixtures/cases/<name>/input.idl`, run in the crate root (the dump names the
    /// input as given).
    fn json(&self) -> Result<String, String> {
        let (code, out, err) = common::idlgen(&["dump", &self.input()]);
        if code == 0 {
            Ok(out)
        } else {
            Err(format!("{}: idlgen dump fails:\n{err}", self.input()))
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every case, by name.
fn cases() -> Vec<Case> {
    let dir = root().join(CASES_DIR);
    let mut cases: Vec<Case> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name()?.to_str()?.to_string();
            path.is_dir().then_some(Case { name, dir: path })
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

/// Runs `check` on every case; one panic listing every case that failed.
fn each_case(check: impl Fn(&Case) -> Result<(), String>) {
    let failures: Vec<String> = cases().iter().filter_map(|c| check(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_case_is_a_folder_with_an_input_and_its_rust() {
    let cases = cases();
    assert!(cases.len() >= 16, "only {} cases", cases.len());
    for case in &cases {
        // The name is a module of the type-check crate, as written.
        assert!(
            case.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && case.name.starts_with(|c: char| c.is_ascii_lowercase()),
            "{}: a case's name is a snake_case Rust identifier",
            case.name
        );
        assert!(
            case.dir.join("input.idl").is_file(),
            "{}: no input.idl",
            case.name
        );
        assert!(
            common::golden::blessing() || case.dir.join("expected.rs").is_file(),
            "{}: no expected.rs (write input.idl, then `IDLGEN_BLESS=1 cargo test --test cases`)",
            case.name
        );
    }
}

#[test]
fn every_case_generates_its_expected_rust() {
    each_case(|case| {
        let rust = case.rust()?;
        common::golden::compare(&case.dir.join("expected.rs"), &rust, "cases")
    });
}

/// A case with an expected.json has its dump compared too (bless writes it only where it is).
#[test]
fn every_case_with_a_dump_dumps_its_expected_json() {
    each_case(|case| {
        let golden = case.dir.join("expected.json");
        if !golden.is_file() {
            return Ok(());
        }
        common::golden::compare(&golden, &case.json()?, "cases")
    });
}

/// Every expected.rs is what rustfmt writes (rustfmt comes with every Rust toolchain; CI has it,
/// so there this test never skips).
#[test]
fn every_expected_rs_is_rustfmt_clean() {
    if need(&RUSTFMT).is_none() {
        return;
    }
    each_case(|case| {
        let path = case.dir.join("expected.rs");
        let code =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", display(&path)))?;
        rustfmt_check(&code).map_err(|e| format!("{}: not rustfmt-clean:\n{e}", display(&path)))
    });
}

/// Every case's Rust type-checks and passes clippy with warnings denied, all in one scratch crate
/// (one module per case), so one cargo run checks them all.
#[test]
fn every_case_type_checks() {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    for case in cases() {
        match case.rust() {
            Ok(code) => files.push((case.name, code)),
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    if let Err(e) = ScratchCrate::new("golden-cases").type_check(&files) {
        panic!("the cases' Rust does not type-check or pass clippy:\n{e}");
    }
}

/// The case folders hold nothing a runner would ignore: a stray file is a mistake (a misspelt
/// `expected.rs`, an input under another name).
#[test]
fn case_folders_hold_only_known_files() {
    for case in cases() {
        for entry in std::fs::read_dir(&case.dir).expect("case folder") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            assert!(
                matches!(name, "input.idl" | "expected.rs" | "expected.json"),
                "{}: unexpected {}",
                case.name,
                display(&path)
            );
        }
    }
}

fn display(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}
