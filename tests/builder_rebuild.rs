//! The build.rs path as users meet it: `examples/certif-client` generates its bindings with
//! `idlgen::Builder`. Cargo must not rerun the build script when nothing changed (the Builder
//! printed `cargo:rerun-if-changed` for every file it read), and must rerun it after an imported
//! IDL file changes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the example in its own target directory (the outer `cargo test` holds ours) and
/// returns cargo's verbose output.
fn build_example() -> String {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "-v", "--offline", "-p", "certif-client"])
        .arg("--target-dir")
        .arg(root().join("target").join("builder-rebuild-check"))
        .current_dir(root())
        .output()
        .expect("run cargo");
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "the example builds:\n{text}");
    text
}

fn build_script_ran(output: &str) -> bool {
    output.lines().any(|l| {
        l.contains("Running `") && l.contains("certif-client") && l.contains("build-script-build")
    })
}

fn touch(path: &Path) {
    let file = std::fs::File::options()
        .append(true)
        .open(path)
        .expect("open for touch");
    // A time clearly after the last build, whatever the file system's timestamp granularity.
    file.set_modified(SystemTime::now() + Duration::from_secs(2))
        .expect("set mtime");
}

#[test]
fn build_script_reruns_only_when_an_idl_file_changes() {
    build_example();
    let second = build_example();
    assert!(
        !build_script_ran(&second),
        "nothing changed, yet the build script ran again:\n{second}"
    );
    assert!(second.contains("Fresh certif-client"), "{second}");

    // certcli.idl imports certif.idl: touching the imported file must trigger a rerun.
    touch(&root().join("fixtures/certif/certif.idl"));
    let third = build_example();
    assert!(
        build_script_ran(&third),
        "certif.idl changed but the build script did not run:\n{third}"
    );
}
