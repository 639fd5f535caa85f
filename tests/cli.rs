//! The `idlgen` binary, run as a user would.

use std::process::Command;

fn idlgen(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_idlgen"))
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

/// The spec's table: ICertServerExit's 12 members at 0x60020000.. and slots 7..18,
/// ICertServerPolicy's 14 at 0x60020000..0x6002000D.
#[test]
fn dispids_of_certif_match_the_spec() {
    let (code, out, err) = idlgen(&["dispids", "fixtures/certif/certif.idl"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "nothing on stderr: {err}");
    let rows: Vec<Vec<&str>> = out
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    let exit: Vec<_> = rows.iter().filter(|r| r[0] == "ICertServerExit").collect();
    let policy: Vec<_> = rows
        .iter()
        .filter(|r| r[0] == "ICertServerPolicy")
        .collect();
    assert_eq!(exit.len(), 12, "{out}");
    assert_eq!(policy.len(), 14, "{out}");
    let exit_names = [
        "SetContext",
        "GetRequestProperty",
        "GetRequestAttribute",
        "GetCertificateProperty",
        "GetCertificateExtension",
        "GetCertificateExtensionFlags",
        "EnumerateExtensionsSetup",
        "EnumerateExtensions",
        "EnumerateExtensionsClose",
        "EnumerateAttributesSetup",
        "EnumerateAttributes",
        "EnumerateAttributesClose",
    ];
    for (i, row) in exit.iter().enumerate() {
        assert_eq!(row[1], exit_names[i]);
        assert_eq!(row[2], format!("0x{:08X}", 0x6002_0000 + i));
        assert_eq!(row[3], "method");
        assert_eq!(row[4], (7 + i).to_string());
    }
    let policy_names = [
        "SetContext",
        "GetRequestProperty",
        "GetRequestAttribute",
        "GetCertificateProperty",
        "SetCertificateProperty",
        "GetCertificateExtension",
        "GetCertificateExtensionFlags",
        "SetCertificateExtension",
        "EnumerateExtensionsSetup",
        "EnumerateExtensions",
        "EnumerateExtensionsClose",
        "EnumerateAttributesSetup",
        "EnumerateAttributes",
        "EnumerateAttributesClose",
    ];
    for (i, row) in policy.iter().enumerate() {
        assert_eq!(row[1], policy_names[i]);
        assert_eq!(row[2], format!("0x{:08X}", 0x6002_0000 + i));
        assert_eq!(row[4], (7 + i).to_string());
    }
}

#[test]
fn rust_writes_the_golden_bindings() {
    let dir = std::env::temp_dir().join(format!("idlgen-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("certif.rs");
    let (code, stdout, err) = idlgen(&[
        "rust",
        "fixtures/certif/certif.idl",
        "-o",
        out.to_str().expect("utf-8 temp path"),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.is_empty());
    let written = std::fs::read_to_string(&out).expect("output written");
    let golden = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/certif/expected/certif.rs"),
    )
    .expect("golden");
    assert!(
        written == golden,
        "`idlgen rust -o` differs from the golden file"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn errors_go_to_stderr_with_exit_code_2() {
    let (code, out, err) = idlgen(&["dispids", "fixtures/does-not-exist.idl"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("does-not-exist.idl"), "{err}");

    let (code, _, err) = idlgen(&["rust"]);
    assert_eq!(code, 2, "usage errors exit 2: {err}");
}
