//! An installed Windows SDK as include path: the one rule behind `--sdk DIR` (every CLI verb)
//! and [`Builder::sdk`](crate::Builder::sdk).
//!
//! `DIR` is an SDK's `Include/<version>` folder, e.g.
//! `C:\Program Files (x86)\Windows Kits\10\Include\10.0.16299.0`. Its `um/`, `shared/` and
//! `winrt/` folders (those of them it has, in that order) go on the include path **after** the
//! user's own `-I` directories, as with MIDL, where `/I` directories come before the `INCLUDE`
//! environment variable's: a user's copy of a file wins over the SDK's. Files found there still
//! win over idlgen's embedded base set, which is searched last.
//!
//! A folder with none of `um/`, `shared/`, `winrt/` is an error, not a silent no-op: it is almost
//! always the wrong level (`Include/` itself, or `Include/<version>/um`).

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// The folders of an SDK's `Include/<version>` that hold IDL, in include-path order.
const SDK_FOLDERS: [&str; 3] = ["um", "shared", "winrt"];

/// A Windows SDK include folder whose layout has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sdk {
    root: PathBuf,
    include_dirs: Vec<PathBuf>,
}

impl Sdk {
    /// Checks that `dir` is an SDK's `Include/<version>` folder (it has at least one of `um/`,
    /// `shared/`, `winrt/`); the error says what was expected and, when it can tell, which folder
    /// was probably meant.
    pub fn open(dir: impl AsRef<Path>) -> crate::Result<Sdk> {
        let root = dir.as_ref().to_path_buf();
        if !root.is_dir() {
            let what = if root.exists() {
                "is not a directory"
            } else {
                "does not exist"
            };
            return Err(not_an_sdk(&root, what).into());
        }
        let include_dirs: Vec<PathBuf> = SDK_FOLDERS
            .iter()
            .map(|f| root.join(f))
            .filter(|d| d.is_dir())
            .collect();
        if include_dirs.is_empty() {
            return Err(not_an_sdk(&root, "has none of um/, shared/, winrt/").into());
        }
        Ok(Sdk { root, include_dirs })
    }

    /// The folder given.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Its `um/`, `shared/` and `winrt/` folders that exist, in that order.
    pub fn include_dirs(&self) -> &[PathBuf] {
        &self.include_dirs
    }
}

fn not_an_sdk(root: &Path, what: &str) -> Diagnostic {
    let mut d = Diagnostic::bare(format!(
        "{} {what}: expected a Windows SDK include folder (`Include/<version>`) with um/, shared/ and winrt/ in it",
        root.display()
    ));
    d.notes.push(
        r"for example: C:\Program Files (x86)\Windows Kits\10\Include\10.0.16299.0".to_string(),
    );
    if let Some(hint) = hint(root) {
        d.notes.push(hint);
    }
    d
}

/// The folder probably meant: the parent of `.../um`, or the versions under `.../Include`.
fn hint(root: &Path) -> Option<String> {
    let name = root.file_name()?.to_string_lossy().to_ascii_lowercase();
    if SDK_FOLDERS.contains(&name.as_str()) {
        let parent = root.parent()?;
        return Some(format!(
            "help: {} is one of the SDK's folders; give its parent: {}",
            root.display(),
            parent.display()
        ));
    }
    let mut versions: Vec<String> = std::fs::read_dir(root)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| SDK_FOLDERS.iter().any(|f| p.join(f).is_dir()))
        .map(|p| p.display().to_string())
        .collect();
    versions.sort();
    (!versions.is_empty()).then(|| format!("help: give one of: {}", versions.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("idlgen-sdk-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn folders_in_order_after_the_user_dirs() {
        let dir = temp("order");
        for f in ["winrt", "um"] {
            std::fs::create_dir_all(dir.join(f)).expect("mkdir");
        }
        let sdk = Sdk::open(&dir).expect("an SDK");
        assert_eq!(sdk.include_dirs(), [dir.join("um"), dir.join("winrt")]);
        // After the user's directories, whatever the order of the calls.
        let opts = crate::Options::new()
            .sdk(&dir)
            .include_dir("user")
            .tlb_path("tlbs")
            .search()
            .expect("an SDK");
        assert_eq!(
            opts.include_dirs,
            [
                PathBuf::from("user"),
                PathBuf::from("tlbs"),
                dir.join("um"),
                dir.join("winrt")
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_wrong_folder_is_an_error_that_says_what_was_expected() {
        let dir = temp("wrong");
        std::fs::create_dir_all(dir.join("10.0.1").join("um")).expect("mkdir");
        let e = Sdk::open(&dir).expect_err("Include/ itself is not an SDK folder");
        assert!(
            e.to_string().contains("has none of um/, shared/, winrt/"),
            "{e}"
        );
        assert!(e.to_string().contains("help: give one of:"), "{e}");
        assert!(e.to_string().contains("10.0.1"), "{e}");

        let e = Sdk::open(dir.join("10.0.1").join("um")).expect_err("um/ is not");
        assert!(e.to_string().contains("give its parent"), "{e}");

        let e = Sdk::open(dir.join("nope")).expect_err("missing");
        assert!(e.to_string().contains("does not exist"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
