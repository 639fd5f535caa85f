//! The real Windows SDK as test input: its folder comes from [`super::external::SDK`]
//! (`../shared/winsdk/10.0.16299.0` beside the project, or `IDLGEN_SDK_INCLUDE`); these are the
//! folders and files a test reads in it.

use std::path::{Path, PathBuf};

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
    let mut out: Vec<PathBuf> = ["um", "shared"]
        .iter()
        .flat_map(|sub| super::corpus::idl_files(&sdk.join(sub)))
        .collect();
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
