//! What tests need from outside the repository, in one place: Wine's IDL corpus and DLLs, widl,
//! wine64, mingw-w64's gcc and headers, the Windows SDK snapshot, Microsoft's Win32 metadata and
//! rustfmt. `.ci/run` installs or unpacks each of them (see ../shared/oracles.md).
//!
//! A test that needs one asks [`need`] (or [`need_all`]) before anything else, and returns when
//! told to:
//! - the input is there: the test runs;
//! - it is missing and `CI` is not set: the test writes one line
//!   `SKIPPED <binary>::<test>: <why>` straight to the process's stderr, past libtest's capture
//!   (so a plain `cargo test` shows it), and returns; `.ci/test-summary` counts those lines as
//!   skipped, not passed;
//! - it is missing and `CI` is set (to anything but `false`, `0` or nothing): the test fails and
//!   names what is missing, so in CI nothing is skipped.
//!
//! `IDLGEN_TEST_HIDE` (comma-separated [`Input::name`]s, or `all`) makes inputs look missing, to
//! see what the suite does on a machine without them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Names inputs to treat as missing (`wine-idl,widl`, or `all`).
pub const HIDE_ENV: &str = "IDLGEN_TEST_HIDE";
/// Another SDK's `Include/<version>` folder (see [`SDK`]).
pub const SDK_ENV: &str = "IDLGEN_SDK_INCLUDE";
/// Where the Win32 metadata was unpacked (see [`WIN32METADATA`]).
pub const WIN32METADATA_ENV: &str = "IDLGEN_WIN32METADATA";

/// Wine's IDL corpus, with widl's C header beside each file (libwine-dev).
pub const WINE_IDL_DIR: &str = "/usr/include/wine/wine/windows";
/// Wine's C runtime headers, which [`WINE_IDL_DIR`]'s headers include (libwine-dev).
pub const WINE_MSVCRT_DIR: &str = "/usr/include/wine/wine/msvcrt";
/// Wine's PE files, many with a TYPELIB resource (libwine).
pub const WINE_DLLS_DIR: &str = "/usr/lib/x86_64-linux-gnu/wine/x86_64-windows";
/// Wine's MIDL-compatible compiler (wine64-tools); not on PATH.
pub const WIDL_EXE: &str = "/usr/lib/wine/widl";
/// Runs Windows x86-64 programs (wine64).
pub const WINE64_EXE: &str = "/usr/lib/wine/wine64";
/// A C compiler for Windows (gcc-mingw-w64-x86-64-win32).
pub const MINGW_GCC_EXE: &str = "/usr/bin/x86_64-w64-mingw32-gcc";
/// MIDL-generated Windows SDK headers: certif.h, certcli.h, ... (mingw-w64-common).
pub const MINGW_INCLUDE_DIR: &str = "/usr/share/mingw-w64/include";
/// The Windows SDK snapshot beside the project, relative to the crate root.
pub const SDK_SNAPSHOT: &str = "../shared/winsdk/10.0.16299.0";

/// Something a test needs that the repository does not hold.
pub struct Input {
    /// Its name for [`HIDE_ENV`].
    pub name: &'static str,
    /// What it is, for the SKIPPED line.
    pub what: &'static str,
    /// How to get it.
    pub install: &'static str,
    at: At,
}

enum At {
    /// A directory or file that must exist.
    Path(&'static str),
    /// A program on PATH that must answer `--version`.
    Command(&'static str),
    /// [`SDK_ENV`], else [`SDK_SNAPSHOT`]: a folder with `um/`.
    Sdk,
    /// [`WIN32METADATA_ENV`], else `target/win32metadata`: a folder with `win32more/`.
    Win32Metadata,
}

pub const WINE_IDL: Input = Input {
    name: "wine-idl",
    what: "Wine's IDL corpus",
    install: "apt-get install libwine-dev",
    at: At::Path(WINE_IDL_DIR),
};
pub const WINE_MSVCRT: Input = Input {
    name: "wine-idl",
    what: "Wine's C runtime headers",
    install: "apt-get install libwine-dev",
    at: At::Path(WINE_MSVCRT_DIR),
};
pub const WINE_DLLS: Input = Input {
    name: "wine-dlls",
    what: "Wine's DLLs",
    install: "apt-get install libwine",
    at: At::Path(WINE_DLLS_DIR),
};
pub const WIDL: Input = Input {
    name: "widl",
    what: "widl",
    install: "apt-get install wine64-tools",
    at: At::Path(WIDL_EXE),
};
pub const WINE64: Input = Input {
    name: "wine64",
    what: "wine64",
    install: "apt-get install wine64",
    at: At::Path(WINE64_EXE),
};
pub const MINGW_GCC: Input = Input {
    name: "mingw-gcc",
    what: "mingw-w64's gcc",
    install: "apt-get install gcc-mingw-w64-x86-64-win32",
    at: At::Path(MINGW_GCC_EXE),
};
pub const MINGW_HEADERS: Input = Input {
    name: "mingw-headers",
    what: "mingw-w64's SDK headers",
    install: "apt-get install mingw-w64-common",
    at: At::Path(MINGW_INCLUDE_DIR),
};
pub const RUSTFMT: Input = Input {
    name: "rustfmt",
    what: "rustfmt",
    install: "rustup component add rustfmt",
    at: At::Command("rustfmt"),
};
pub const SDK: Input = Input {
    name: "sdk",
    what: "the Windows SDK",
    install: "put the snapshot at ../shared/winsdk/10.0.16299.0, or set IDLGEN_SDK_INCLUDE to an \
              SDK's Include/<version> folder",
    at: At::Sdk,
};
pub const WIN32METADATA: Input = Input {
    name: "win32metadata",
    what: "Microsoft's Win32 metadata",
    install: "run .ci/run's win32metadata step, or set IDLGEN_WIN32METADATA",
    at: At::Win32Metadata,
};

/// Whether this is a CI run: `CI` set to anything but nothing, `false` or `0`.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn hidden(input: &Input) -> bool {
    std::env::var(HIDE_ENV).is_ok_and(|v| {
        v.split(',')
            .map(str::trim)
            .any(|n| n == "all" || n == input.name)
    })
}

/// Where the input is, if it is there (and not hidden by [`HIDE_ENV`]).
pub fn locate(input: &Input) -> Option<PathBuf> {
    if hidden(input) {
        return None;
    }
    match input.at {
        At::Path(p) => Path::new(p).exists().then(|| PathBuf::from(p)),
        At::Command(c) => Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
            .then(|| PathBuf::from(c)),
        At::Sdk => {
            let dir = std::env::var_os(SDK_ENV).map_or_else(
                || Path::new(env!("CARGO_MANIFEST_DIR")).join(SDK_SNAPSHOT),
                PathBuf::from,
            );
            dir.join("um").is_dir().then_some(dir)
        }
        At::Win32Metadata => {
            let dir = std::env::var_os(WIN32METADATA_ENV).map_or_else(
                || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/win32metadata"),
                PathBuf::from,
            );
            dir.join("win32more/Windows/Win32").is_dir().then_some(dir)
        }
    }
}

/// Where the input was looked for, for the SKIPPED line.
fn looked_at(input: &Input) -> String {
    if hidden(input) {
        return format!("hidden by {HIDE_ENV}");
    }
    match input.at {
        At::Path(p) => format!("not at {p}"),
        At::Command(c) => format!("`{c} --version` does not run"),
        At::Sdk => match std::env::var_os(SDK_ENV) {
            Some(d) => format!("no um/ in {SDK_ENV}={}", d.to_string_lossy()),
            None => format!("not at {SDK_SNAPSHOT}"),
        },
        At::Win32Metadata => match std::env::var_os(WIN32METADATA_ENV) {
            Some(d) => format!("not in {WIN32METADATA_ENV}={}", d.to_string_lossy()),
            None => "not in target/win32metadata".to_string(),
        },
    }
}

/// The input's location; or, when it is missing, `None` after [`skip`] (a panic under CI).
pub fn need(input: &Input) -> Option<PathBuf> {
    let found = locate(input);
    if found.is_none() {
        skip(&missing(&[input]));
    }
    found
}

/// Whether every input is there; if not, `false` after [`skip`] naming all that are missing (a
/// panic under CI).
#[must_use]
pub fn need_all(inputs: &[&Input]) -> bool {
    let missing_ones: Vec<&Input> = inputs
        .iter()
        .copied()
        .filter(|i| locate(i).is_none())
        .collect();
    if missing_ones.is_empty() {
        return true;
    }
    skip(&missing(&missing_ones));
    false
}

fn missing(inputs: &[&Input]) -> String {
    inputs
        .iter()
        .map(|i| format!("needs {} ({}; {})", i.what, looked_at(i), i.install))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `binary::test` of the running test: libtest names each test's thread after the test.
fn test_name() -> String {
    let binary = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .map(|s| match s.rsplit_once('-') {
            Some((name, hash)) if hash.chars().all(|c| c.is_ascii_hexdigit()) => name.to_string(),
            _ => s,
        })
        .unwrap_or_default();
    let test = std::thread::current()
        .name()
        .unwrap_or("<unnamed test>")
        .to_string();
    format!("{binary}::{test}")
}

/// Reports the running test as skipped for `why` (the test then returns): one line
/// `SKIPPED <binary>::<test>: <why>` on stderr, written past libtest's capture so that
/// `cargo test` shows it and `.ci/test-summary` counts it. Under CI it panics instead.
pub fn skip(why: &str) {
    let test = test_name();
    assert!(
        !in_ci(),
        "{test}: {why}; CI must have it (.ci/run provides it)"
    );
    // Not eprintln!: libtest captures that, and shows it only for a failed test.
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}
