//! Helpers shared by integration tests.
#![allow(dead_code)]

pub mod c_header;
pub mod corpus;
pub mod errors;
pub mod external;
pub mod golden;
pub mod sdk;
pub mod typecheck;

use std::path::PathBuf;
use std::process::Command;

/// The model of `text` loaded as the file `name` (imports from the embedded base set); panics
/// with the error if it does not load.
pub fn model_of(name: &str, text: &str) -> idlgen::model::Model {
    match idlgen::load(
        [idlgen::Input::idl_text(name, text)],
        &idlgen::Options::new(),
    ) {
        Ok(loaded) => loaded.model,
        Err(e) => panic!("{name} does not load:\n{e}"),
    }
}

/// A fresh, empty directory for one test of this test binary, named by `tag`.
pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("idlgen-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs the `idlgen` binary in the crate root, as a user would: (exit code, stdout, stderr).
pub fn idlgen(args: &[&str]) -> (i32, String, String) {
    let Some(exe) = option_env!("CARGO_BIN_EXE_idlgen") else {
        panic!("the idlgen binary is built with the `cli` feature");
    };
    let out = Command::new(exe)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run idlgen");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
