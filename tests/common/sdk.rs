//! The real Windows SDK as test input: `../shared/winsdk/10.0.16299.0` beside the project (CI has
//! it there), or another SDK's `Include/<version>` folder named by `IDLGEN_SDK_INCLUDE`.
//!
//! A test that needs it calls [`sdk_or_skip`]: without an SDK it prints a SKIPPED line and returns
//! `None` outside CI; under CI (`CI` set) it panics, so a missing SDK never reads as a pass.

use std::path::{Path, PathBuf};

/// The environment variable naming another SDK's `Include/<version>` folder.
pub const SDK_ENV: &str = "IDLGEN_SDK_INCLUDE";

/// The SDK's `Include/<version>` folder, if there is one.
pub fn sdk_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(SDK_ENV) {
        let dir = PathBuf::from(dir);
        return dir.join("um").is_dir().then_some(dir);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/winsdk/10.0.16299.0");
    dir.join("um").is_dir().then_some(dir)
}

/// The SDK folder, or `None` after printing why the test is skipped; panics under CI.
pub fn sdk_or_skip(test: &str) -> Option<PathBuf> {
    match sdk_dir() {
        Some(dir) => Some(dir),
        None => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{test}: no Windows SDK at ../shared/winsdk/10.0.16299.0 (nor {SDK_ENV}); CI must have it"
            );
            println!(
                "SKIPPED {test}: no Windows SDK at ../shared/winsdk/10.0.16299.0 (set {SDK_ENV})"
            );
            None
        }
    }
}

/// The include folders a user gives for an SDK: `um/`, `shared/`, `winrt/`.
pub fn include_dirs(sdk: &Path) -> Vec<PathBuf> {
    ["um", "shared", "winrt"]
        .iter()
        .map(|d| sdk.join(d))
        .filter(|d| d.is_dir())
        .collect()
}

/// Every `.idl` file (any letter case) of the SDK's `um/` and `shared/`, sorted.
pub fn idl_files(sdk: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["um", "shared"] {
        let Ok(rd) = std::fs::read_dir(sdk.join(sub)) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("idl")) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The file in `dir` whose name matches `name` ignoring letter case (`CertExit.Idl` for
/// "certexit.idl").
pub fn find_in(dir: &Path, name: &str) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
}
