//! Shared by the tests that ask oleaut32 (Wine's, under wine64) what a type library holds:
//! tools/oleaut32/tlbinfo.c built once with mingw-w64, and run under wine64.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub const WINE64: &str = "/usr/lib/wine/wine64";
pub const MINGW_GCC: &str = "/usr/bin/x86_64-w64-mingw32-gcc";

/// tlbinfo.exe, built once per test binary (tests run in parallel threads) under `exe_name` in
/// the binary's temporary directory (test binaries run in parallel too: each its own name).
pub fn tlbinfo(exe_name: &str) -> PathBuf {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        let exe = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(exe_name);
        let out = Command::new(MINGW_GCC)
            .args(["-municode", "-O1", "-o"])
            .arg(&exe)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/oleaut32/tlbinfo.c"))
            .args(["-loleaut32", "-lole32", "-luuid"])
            .output()
            .expect("run mingw gcc");
        assert!(
            out.status.success(),
            "tlbinfo.c builds:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        exe
    })
    .clone()
}

/// Runs `exe arg` under wine64 in `prefix`. Give each test its own prefix: two tests booting one
/// new prefix at once race in wineserver ("wine: chdir to /tmp/wine-.../server-...: No such file
/// or directory", seen in CI). A client that starts while the prefix's previous wineserver shuts
/// down can meet the same error, and a fresh-clone CI run once saw a run fail with nothing on
/// stderr; tlbinfo only reads, so a failed run is tried again (a real failure fails every time).
pub fn run_under_wine(exe: &Path, arg: &OsStr, prefix: &Path) -> Output {
    let run = || {
        Command::new(WINE64)
            .arg(exe)
            .arg(arg)
            .env("WINEDEBUG", "-all")
            .env("WINEPREFIX", prefix)
            .output()
            .expect("run wine64")
    };
    let mut out = run();
    for _ in 0..3 {
        if out.status.success() {
            break;
        }
        out = run();
    }
    out
}
