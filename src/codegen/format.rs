//! Formatting generated Rust with rustfmt, so output is rustfmt-clean and reads like hand-written
//! code. Without rustfmt (not installed, or failing) the unformatted text is returned: it compiles
//! the same, only its layout differs.

use std::io::Write;
use std::process::{Command, Stdio};

/// Formats `code` with `rustfmt --edition 2024` (the `RUSTFMT` environment variable may name
/// another binary).
pub fn rustfmt(code: &str) -> String {
    let program = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let child = Command::new(program)
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return code.to_string();
    };
    // Write from another thread so a full stdout pipe cannot deadlock us.
    let input = code.to_string();
    let writer = child.stdin.take().map(|mut stdin| {
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        })
    });
    let output = child.wait_with_output();
    if let Some(w) = writer {
        let _ = w.join();
    }
    match output {
        Ok(out) if out.status.success() && !out.stdout.is_empty() => {
            String::from_utf8(out.stdout).unwrap_or_else(|_| code.to_string())
        }
        _ => code.to_string(),
    }
}
