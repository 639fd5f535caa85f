//! The real Windows SDK (`../shared/winsdk/10.0.16299.0`, or `IDLGEN_SDK_INCLUDE`): every `.idl`
//! of its um/ and shared/ folders, each alone, loads and resolves with `-I um -I shared -I winrt`,
//! as a user points idlgen at an SDK.
//!
//! Some files are listed apart, each checked, not assumed:
//! - fragments: #included by another SDK IDL file, not compiled alone (OLE DB's pieces of
//!   oledb.idl); the includer (or, for a fragment of a fragment, the file at the top) must load;
//! - imported only: files that name types their importers declare before importing them
//!   (dxgicommon.idl's `UINT`, certbcli.idl's `WCHAR`), as MIDL lets an imported file see its
//!   importer's earlier declarations: each must fail alone only for an unknown name, and an SDK
//!   file that imports it must load;
//! - OLE DB pieces that no file of this SDK includes any more: each #includes idlmulti.h (the
//!   header of oledb.idl's pieces) and fails alone only for an unknown name;
//! - files that import or #include a file the SDK folder lacks (the snapshot has no `mshtml.idl`):
//!   the error must be "cannot find", and the file it names must indeed be absent;
//! - the Windows Runtime dialect (out of scope): one error naming the construct;
//! - [`KNOWN`]: files idlgen does not load yet, each with its cause; each must still fail with
//!   that message (so the list shrinks as they are fixed).
//!
//! Everything else must load. Needs the SDK (tests/common/external.rs: a counted skip without
//! it, a failure in CI).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use idlgen::Options;

mod common;
use common::corpus::{check_each, fragments, importers, include_tops, print_list};
use common::external::{SDK, need};
use common::sdk;

/// Files that do not load yet: (name, the start of the error, why).
const KNOWN: &[(&str, &str, &str)] = &[(
    "segment.idl",
    "error: unknown type `OLE_XPOS_PIXELS`",
    "OLE_XPOS_PIXELS is declared only in OleCtl.h's C part (`#if !defined(__midl)`) and in \
     stdole2.tlb, which segment.idl neither imports nor importlibs; idlgen has no stdole2 types \
     outside a type library",
)];

enum Outcome {
    Loaded,
    /// The import or #include the SDK folder lacks.
    Missing(String),
    WinRt(String),
    Failed(String),
}

/// The name in `cannot find import "X"` / `cannot find include file "X"`.
fn missing_name(message: &str) -> Option<String> {
    let rest = message.strip_prefix("cannot find ")?;
    let start = rest.find('"')? + 1;
    let len = rest[start..].find('"')?;
    Some(rest[start..start + len].to_string())
}

fn check(file: &Path, opts: &Options) -> Outcome {
    let err = match idlgen::load(&[file.to_path_buf()], opts) {
        Ok(_) => return Outcome::Loaded,
        Err(e) => e,
    };
    let shown = err.to_string();
    let [d] = err.diagnostics.as_slice() else {
        return Outcome::Failed(format!("expected one diagnostic:\n{shown}"));
    };
    if let Some(name) = missing_name(&d.message) {
        return Outcome::Missing(name);
    }
    if d.message.contains("Windows Runtime") {
        return Outcome::WinRt(shown.lines().next().unwrap_or_default().to_string());
    }
    Outcome::Failed(shown)
}

/// Whether a file of that name (its last path component, any letter case) is anywhere in the
/// SDK's include folders.
fn in_sdk(dirs: &[PathBuf], name: &str) -> bool {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    dirs.iter().any(|d| sdk::find_in(d, last).is_some())
}

/// An error for a name not declared: what a file that relies on its importer's (or includer's)
/// declarations gives alone.
fn unknown_name(msg: &str) -> bool {
    msg.starts_with("error: unknown type `") || msg.starts_with("error: unknown constant `")
}

fn first_line(msg: &str) -> &str {
    msg.lines().next().unwrap_or_default()
}

/// Whether the SDK file `name` #includes idlmulti.h.
fn includes_idlmulti(sdk: &Path, name: &str) -> bool {
    ["um", "shared"]
        .iter()
        .filter_map(|d| sdk::find_in(&sdk.join(d), name))
        .any(|p| {
            let text = std::fs::read(&p).unwrap_or_default();
            String::from_utf8_lossy(&text).lines().any(|l| {
                let l = l.trim_start();
                l.starts_with("#include") && l.to_ascii_lowercase().contains("idlmulti.h")
            })
        })
}

#[test]
fn sdk_idl_files_load_and_resolve() {
    let Some(dir) = need(&SDK) else {
        return;
    };
    let files = sdk::idl_files(&dir);
    assert!(
        files.len() > 100,
        "{} has only {} IDL files",
        dir.display(),
        files.len()
    );
    let include_dirs = sdk::include_dirs(&dir);
    let opts = (include_dirs.iter()).fold(Options::new(), |o, d| o.include_dir(d));
    let fragments = fragments(&files);
    let importers = importers(&files);

    let results = check_each(&files, |f| check(f, &opts));
    let loaded_names: BTreeSet<String> = results
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Loaded))
        .map(|(n, _)| n.to_lowercase())
        .collect();

    let mut loaded = 0;
    let mut failures = Vec::new();
    let mut fragment_lines = Vec::new();
    let mut missing_lines = Vec::new();
    let mut winrt_lines = Vec::new();
    let mut imported_lines = Vec::new();
    let mut oledb_lines = Vec::new();
    let mut known_lines = Vec::new();
    for (name, outcome) in &results {
        if let Some((_, start, why)) = KNOWN.iter().find(|(n, _, _)| n.eq_ignore_ascii_case(name)) {
            match outcome {
                Outcome::Failed(msg) if msg.starts_with(start) => {
                    known_lines.push(format!("  {name}: {start}: {why}"));
                }
                Outcome::Loaded => {
                    failures.push(format!("{name} loads now: take it off the KNOWN list"))
                }
                _ => failures.push(format!(
                    "{name} no longer fails with `{start}`: update the KNOWN list"
                )),
            }
            continue;
        }
        if let Some(includers) = fragments.get(&name.to_lowercase()) {
            // The files at the top of its #include chain stand for it: one must load.
            let tops = include_tops(&fragments, includers);
            let list: Vec<&str> = includers.iter().map(String::as_str).collect();
            let ok = tops
                .iter()
                .any(|t| loaded_names.contains(&t.to_lowercase()));
            fragment_lines.push(format!(
                "  {name} (included by {}){}",
                list.join(", "),
                if ok {
                    ""
                } else {
                    ": its includer does not load"
                }
            ));
            if !ok {
                failures.push(format!(
                    "{name}: fragment whose includers ({}) do not load",
                    tops.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
            continue;
        }
        match outcome {
            Outcome::Loaded => loaded += 1,
            Outcome::Missing(what) => {
                if in_sdk(&include_dirs, what) {
                    failures.push(format!(
                        "{name}: says it cannot find \"{what}\", which the SDK has"
                    ));
                } else {
                    missing_lines.push(format!("  {name}: \"{what}\" is not in the SDK folder"));
                }
            }
            Outcome::WinRt(msg) => winrt_lines.push(format!("  {name}: {msg}")),
            Outcome::Failed(msg) if unknown_name(msg) => {
                let lower = name.to_lowercase();
                let loading: Vec<&str> = importers
                    .get(&lower)
                    .into_iter()
                    .flatten()
                    .filter(|i| loaded_names.contains(&i.to_lowercase()))
                    .map(String::as_str)
                    .collect();
                if !loading.is_empty() {
                    imported_lines.push(format!(
                        "  {name} (imported by {}): alone, {}",
                        loading.join(", "),
                        first_line(msg)
                    ));
                } else if includes_idlmulti(&dir, name) {
                    oledb_lines.push(format!("  {name}: alone, {}", first_line(msg)));
                } else {
                    failures.push(format!("{name}: {msg}"));
                }
            }
            Outcome::Failed(msg) => failures.push(format!("{name}: {msg}")),
        }
    }
    print_list(
        "fragments, checked through their includers",
        &fragment_lines,
    );
    print_list(
        "imported only, resolved in their importers' context",
        &imported_lines,
    );
    print_list(
        "OLE DB pieces (#include idlmulti.h) that no file of this SDK includes",
        &oledb_lines,
    );
    print_list("not loaded yet, each with its cause", &known_lines);
    print_list("files needing what the SDK folder lacks", &missing_lines);
    print_list("Windows Runtime dialect, out of scope", &winrt_lines);
    let apart = fragment_lines.len()
        + imported_lines.len()
        + oledb_lines.len()
        + missing_lines.len()
        + winrt_lines.len();
    let standalone = results.len() - apart;
    println!(
        "{loaded} of {standalone} loaded ({} files in {}: {} fragments, {} imported only, {} \
         OLE DB pieces, {} missing an input, {} WinRT; {} known not to load)",
        results.len(),
        dir.display(),
        fragment_lines.len(),
        imported_lines.len(),
        oledb_lines.len(),
        missing_lines.len(),
        winrt_lines.len(),
        known_lines.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} files failed:\n{}",
        failures.len(),
        results.len(),
        failures.join("\n\n")
    );
}
