//! Generated Rust on the real Windows SDK (tests/common/sdk.rs finds it): for every `.idl` file
//! of its `um/` and `shared/` that loads with `-I um -I shared -I winrt`, `idlgen rust` gives
//! rustfmt-clean, parseable Rust; and for a sample of files (the certificate services family,
//! and files chosen for the constructs they hold) the bindings with their imports
//! (`--with-imports`) type-check against idlgen-runtime and pass clippy, with warnings denied.
//!
//! Files that do not load are counted and reported here, not failed: loading is another test's
//! business (tests/corpus_sdk.rs). `IDLGEN_SDK_RUST=all` type-checks every file that loads
//! instead of the sample (in batches of files, one crate each; a file whose module draws an
//! error is a failure, and its batch is checked again without it).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use common::corpus::{fragments, name_of};
use common::external::{SDK, need};
use common::sdk::{find_in, idl_files, include_dirs};
use common::typecheck::{self, Failure, ScratchCrate, rustfmt_check};
use idlgen::Options;

/// Files whose bindings are type-checked, and what each one exercises. The SDK 10.0.16299 has
/// no `taskschd.idl`; `MSTask.idl` (Task Scheduler 1.0) stands in for it.
const SAMPLE: &[(&str, &str)] = &[
    ("CertBase.idl", "certificate services: the base interfaces"),
    (
        "CertExit.Idl",
        "certificate services: `const WCHAR x[] = L\"...\"` constants",
    ),
    ("CertPol.Idl", "certificate services: the policy module"),
    ("CertMod.Idl", "certificate services: the module manager"),
    ("OAIdl.Idl", "Automation: VARIANT, SAFEARRAY, ITypeInfo"),
    (
        "ObjIdl.Idl",
        "COM itself: monikers, storage, marshaling, async calls",
    ),
    ("OCIdl.Idl", "controls: methods without HRESULT, handles"),
    ("PropIdl.Idl", "PROPVARIANT: a large union of many types"),
    (
        "ShObjIdl_core.idl",
        "the shell: many imports, structs named but never defined",
    ),
    ("d3d12.idl", "anonymous unions in structs, consts"),
    ("dxgi1_6.idl", "a long chain of inherited interfaces"),
    ("MsXml6.Idl", "dual interfaces, dispinterfaces, coclasses"),
    ("MSTask.idl", "Task Scheduler: interfaces and a coclass"),
    ("WbemCli.Idl", "WMI: interfaces, enums, coclasses"),
];

/// Sample files that do not load alone: they name types their importer declares before
/// importing them, as MIDL allows (tests/corpus_sdk.rs lists them). Each is checked in its
/// importer's bindings, which hold its declarations: (file, importer, a declaration of it).
const IMPORTED_ONLY: &[(&str, &str, &str)] = &[(
    "certbcli.idl",
    "CertPol.Idl",
    "pub struct tagCSEDB_RSTMAPW {",
)];

fn options(sdk: &Path) -> Options {
    include_dirs(sdk)
        .iter()
        .fold(Options::new(), |o, d| o.include_dir(d))
}

/// The first line of a load error with its names taken out (`unknown type `IMultiQI`` ->
/// "unknown type _"), to count the files that do not load by reason.
fn reason(err: &str) -> String {
    let line = err.lines().next().unwrap_or_default();
    let mut out = String::new();
    let mut quote = None;
    for c in line.chars() {
        match quote {
            None if c == '`' || c == '"' => {
                quote = Some(c);
                out.push('_');
            }
            None => out.push(c),
            Some(q) if q == c => quote = None,
            Some(_) => {}
        }
    }
    out
}

#[test]
fn generated_rust_of_every_sdk_file_that_loads_is_rustfmt_clean() {
    let Some(sdk) = need(&SDK) else {
        return;
    };
    let start = Instant::now();
    let opts = options(&sdk);
    let idls = idl_files(&sdk);
    // One file after another on each core: loading, generating and rustfmt take a few minutes
    // for the SDK on one.
    let outcomes = Mutex::new(Vec::new());
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(idl) = idls.get(k) else {
                        break;
                    };
                    let outcome = match typecheck::bindings(idl, &opts, false) {
                        Ok(code) => Outcome::Generated(rustfmt_check(&code).err()),
                        Err(Failure::Load(e)) => Outcome::NotLoaded(reason(&e)),
                        Err(Failure::Generate(e)) => {
                            Outcome::Generated(Some(format!("does not generate: {e}")))
                        }
                    };
                    outcomes.lock().expect("no panics").push((k, outcome));
                }
            });
        }
    });
    let mut outcomes = outcomes.into_inner().expect("no panics");
    outcomes.sort_by_key(|(k, _)| *k);
    let parts = fragments(&idls);
    let mut generated = 0;
    let mut failed = Vec::new();
    let mut not_loaded: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, outcome) in outcomes {
        let idl = &idls[k];
        match outcome {
            Outcome::Generated(problem) => {
                generated += 1;
                if let Some(e) = problem {
                    failed.push(format!("{}:\n{e}", idl.display()));
                }
            }
            Outcome::NotLoaded(why) => {
                let name = name_of(idl);
                let why = if parts.contains_key(&name.to_lowercase()) {
                    "a fragment, #included by another file".to_string()
                } else {
                    why
                };
                not_loaded.entry(why).or_default().push(name);
            }
        }
    }
    let unloaded: usize = not_loaded.values().map(Vec::len).sum();
    println!(
        "{} SDK IDL files: {generated} load and generate Rust, {} of them parseable and \
         rustfmt-clean; {unloaded} do not load yet ({:.1?})",
        idls.len(),
        generated - failed.len(),
        start.elapsed()
    );
    let mut reasons: Vec<_> = not_loaded.iter().collect();
    reasons.sort_by_key(|(r, files)| (std::cmp::Reverse(files.len()), *r));
    for (r, files) in reasons {
        let shown: Vec<&str> = files.iter().take(4).map(String::as_str).collect();
        println!("  {:4} {r} ({}, ...)", files.len(), shown.join(", "));
    }
    assert!(
        idls.len() >= 400,
        "only {} IDL files in the SDK",
        idls.len()
    );
    assert!(generated >= 300, "only {generated} SDK files load");
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// What became of one file.
enum Outcome {
    /// It loads; its bindings' problem, if any (not generated, not rustfmt-clean).
    Generated(Option<String>),
    /// It does not load, for this reason.
    NotLoaded(String),
}

/// The sample's files, found in `um/` or `shared/` whatever their letter case.
fn sample_files(sdk: &Path) -> Vec<(PathBuf, &'static str)> {
    SAMPLE
        .iter()
        .map(|(name, what)| {
            let path = ["um", "shared"]
                .iter()
                .find_map(|d| find_in(&sdk.join(d), name))
                .unwrap_or_else(|| panic!("{name} is not in the SDK's um/ or shared/"));
            (path, *what)
        })
        .collect()
}

#[test]
fn generated_rust_type_checks_with_its_imports() {
    let Some(sdk) = need(&SDK) else {
        return;
    };
    let opts = options(&sdk);
    let start = Instant::now();
    if std::env::var("IDLGEN_SDK_RUST").is_ok_and(|v| v == "all") {
        return type_check_all(&sdk, &opts);
    }
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for (idl, what) in sample_files(&sdk) {
        match typecheck::bindings(&idl, &opts, true) {
            Ok(code) => {
                println!("{} ({} lines): {what}", idl.display(), code.lines().count());
                files.push((typecheck::module_name(&idl), code));
            }
            Err(Failure::Load(e) | Failure::Generate(e)) => {
                missing.push(format!("{}: {e}", idl.display()));
            }
        }
    }
    for (file, importer, declaration) in IMPORTED_ONLY {
        let module = typecheck::module_name(Path::new(importer));
        match files.iter().find(|(m, _)| *m == module) {
            Some((_, code)) if code.contains(declaration) => {
                println!("{file}: checked in {importer}'s bindings, which import it");
            }
            Some(_) => missing.push(format!(
                "{importer}'s bindings lack {file}'s `{declaration}`"
            )),
            None => missing.push(format!(
                "{file}: its importer {importer} is not in the sample"
            )),
        }
    }
    // Those that have bindings are checked whatever the others do, so one failure shows all.
    let checked = ScratchCrate::new("sdk-bindings").type_check(&files);
    if checked.is_ok() {
        println!(
            "{} SDK files' bindings type-check and pass clippy with warnings denied ({:.1?})",
            files.len(),
            start.elapsed()
        );
    }
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!(
            "sample files without bindings:\n{}",
            missing.join("\n")
        ));
    }
    if let Err(e) = checked {
        problems.push(format!(
            "the sample's bindings do not type-check or pass clippy:\n{e}"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Files type-checked together in one scratch crate by `IDLGEN_SDK_RUST=all`.
const BATCH: usize = 25;

/// `IDLGEN_SDK_RUST=all`: every file that loads, with its imports. Files go in batches; the
/// files whose modules a batch's errors name are failures (with those errors), and the rest of
/// the batch is checked again without them (clippy's lints come after type errors), until it
/// passes.
fn type_check_all(sdk: &Path, opts: &Options) {
    let start = Instant::now();
    let mut codes = Vec::new();
    let mut failed = Vec::new();
    for idl in idl_files(sdk) {
        match typecheck::bindings(&idl, opts, true) {
            Ok(code) => codes.push((typecheck::module_name(&idl), code)),
            Err(Failure::Load(_)) => {}
            Err(Failure::Generate(e)) => failed.push(format!("{}: {e}", idl.display())),
        }
    }
    // Two files of one name in different letter case or folders would share a module.
    codes.sort_by(|a, b| a.0.cmp(&b.0));
    codes.dedup_by(|a, b| a.0 == b.0);
    println!(
        "{} SDK files generate with their imports ({:.1?})",
        codes.len(),
        start.elapsed()
    );
    let scratch = ScratchCrate::new("sdk-bindings-all");
    let total = codes.len();
    for batch in codes.chunks(BATCH) {
        let mut left: Vec<(String, String)> = batch.to_vec();
        while !left.is_empty() {
            let Err(e) = scratch.type_check_full(&left) else {
                break;
            };
            let blocks = error_blocks(&e);
            let before = left.len();
            left.retain(|(module, _)| {
                let file = format!("src/{module}.rs");
                let mine: Vec<&str> = (blocks.iter())
                    .filter(|b| b.contains(&file))
                    .map(String::as_str)
                    .collect();
                if !mine.is_empty() {
                    failed.push(format!("{module}:\n{}", head(&mine.join("\n"), 40)));
                }
                mine.is_empty()
            });
            if left.len() == before {
                let modules: Vec<&str> = left.iter().map(|(m, _)| m.as_str()).collect();
                failed.push(format!("{}:\n{}", modules.join(", "), head(&e, 40)));
                break;
            }
        }
        println!(
            "  checked up to {} ({:.1?})",
            batch[batch.len() - 1].0,
            start.elapsed()
        );
    }
    println!(
        "{total} SDK files type-checked with their imports, {} failed ({:.1?})",
        failed.len(),
        start.elapsed()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// cargo's output cut into diagnostics (each from its `error`/`warning` line on).
fn error_blocks(text: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with("error") || line.starts_with("warning") || blocks.is_empty() {
            blocks.push(String::new());
        }
        if let Some(b) = blocks.last_mut() {
            b.push_str(line);
            b.push('\n');
        }
    }
    blocks
}

fn head(text: &str, lines: usize) -> String {
    text.lines().take(lines).collect::<Vec<_>>().join("\n")
}
