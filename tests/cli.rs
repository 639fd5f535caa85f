//! The `idlgen` binary, run as a user would.

mod common;
use common::external::{SDK, WINE_IDL, need};
use common::{idlgen, temp_dir};

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

#[test]
fn check_exits_0_when_equal_and_1_with_a_summary_when_not() {
    let (code, _, err) = idlgen(&[
        "rust",
        "fixtures/certif/certif.idl",
        "-o",
        "fixtures/certif/expected/certif.rs",
        "--check",
    ]);
    assert_eq!(code, 0, "the golden file is current: {err}");

    let dir = temp_dir("check");
    let stale = dir.join("certif.rs");
    let golden = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/certif/expected/certif.rs"),
    )
    .expect("golden");
    std::fs::write(&stale, golden.replace("0x60020005", "0x60020099")).expect("write");
    let before = std::fs::read(&stale).expect("read");
    let path = stale.to_str().expect("utf-8");
    let (code, out, err) = idlgen(&["rust", "fixtures/certif/certif.idl", "-o", path, "--check"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("differs from what idlgen generates"), "{err}");
    assert!(
        err.contains("0x60020099") && err.contains("0x60020005"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&stale).expect("read"),
        before,
        "--check writes nothing"
    );

    let missing = dir.join("missing.rs");
    let (code, _, err) = idlgen(&[
        "rust",
        "fixtures/certif/certif.idl",
        "-o",
        missing.to_str().expect("utf-8"),
        "--check",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("missing"), "{err}");
    assert!(!missing.exists());

    let (code, _, err) = idlgen(&["rust", "fixtures/certif/certif.idl", "--check"]);
    assert_eq!(code, 2, "--check needs -o: {err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_directory_input_generates_one_file_per_idl() {
    let dir = temp_dir("dir");
    let out = dir.to_str().expect("utf-8");
    let (code, _, err) = idlgen(&["rust", "fixtures/certif", "-o", out]);
    assert_eq!(code, 0, "{err}");
    let certif = std::fs::read_to_string(dir.join("certif.rs")).expect("certif.rs");
    let certcli = std::fs::read_to_string(dir.join("certcli.rs")).expect("certcli.rs");
    assert!(certif.contains("pub struct ICertServerExit("));
    assert!(certcli.contains("pub struct CCertServerExit;"));
    // The files loaded together (certcli.idl imports certif.idl) give what each gives alone.
    for (name, together) in [("certif", &certif), ("certcli", &certcli)] {
        let (code, alone, err) = idlgen(&["rust", &format!("fixtures/certif/{name}.idl")]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(&alone, together, "{name}.idl");
    }
    let (code, _, err) = idlgen(&["rust", "fixtures/certif", "-o", out, "--check"]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(dir.join("certcli.rs"), "stale").expect("write");
    let (code, _, err) = idlgen(&["rust", "fixtures/certif", "-o", out, "--check"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("certcli.rs"), "{err}");
    let (code, _, err) = idlgen(&["rust", "fixtures/certif"]);
    assert_eq!(code, 2, "a directory needs -o DIR: {err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Real files over a directory: the run over many inputs (pieces of them on every core, glibc's
/// heap kept for the run) gives each file what it gives alone.
#[test]
fn a_directory_of_wine_files_gives_what_each_gives_alone() {
    let Some(wine) = need(&WINE_IDL) else {
        return;
    };
    let wine = wine.to_str().expect("utf-8 Wine path");
    let dir = temp_dir("wine-dir");
    let (inputs, outputs) = (dir.join("in"), dir.join("out"));
    std::fs::create_dir_all(&inputs).expect("in");
    // Small to large, dispatch-heavy (msxml6) and vtable-heavy (d3d10) among them.
    let names = [
        "hstring",
        "mimeinfo",
        "richole",
        "httprequest",
        "xmllite",
        "control",
        "d3d10",
        "msxml6",
    ];
    for name in names {
        std::fs::copy(
            format!("{wine}/{name}.idl"),
            inputs.join(format!("{name}.idl")),
        )
        .expect("copy a Wine file");
    }
    let (code, _, err) = idlgen(&[
        "rust",
        inputs.to_str().expect("utf-8"),
        "-o",
        outputs.to_str().expect("utf-8"),
        "-I",
        wine,
    ]);
    assert_eq!(code, 0, "{err}");
    for name in names {
        let (code, alone, err) = idlgen(&["rust", &format!("{wine}/{name}.idl"), "-I", wine]);
        assert_eq!(code, 0, "{name}: {err}");
        let together =
            std::fs::read_to_string(outputs.join(format!("{name}.rs"))).expect("an output file");
        assert!(together == alone, "{name}.rs differs from {name}.idl alone");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn interface_filter_and_with_imports() {
    let (code, out, err) = idlgen(&[
        "rust",
        "fixtures/certif/certif.idl",
        "--interface",
        "ICertServerExit",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("pub struct ICertServerExit("));
    assert!(!out.contains("pub struct ICertServerPolicy("));

    let (_, plain, _) = idlgen(&["rust", "fixtures/certif/certcli.idl"]);
    assert!(!plain.contains("pub struct ICertServerExit("));
    let (code, with, err) = idlgen(&["rust", "fixtures/certif/certcli.idl", "--with-imports"]);
    assert_eq!(code, 0, "{err}");
    assert!(with.contains("pub struct ICertServerExit("));
    assert!(with.contains("pub struct CCertServerExit;"));
}

#[test]
fn defines_include_dirs_and_undefines_reach_the_preprocessor() {
    let dir = temp_dir("defines");
    std::fs::create_dir_all(dir.join("inc")).expect("inc dir");
    std::fs::write(
        dir.join("inc").join("Extra.Idl"),
        "import \"oaidl.idl\";\n[object, uuid(11111111-2222-3333-4444-555555555555)]\ninterface IExtra : IUnknown { HRESULT E(); };\n",
    )
    .expect("write");
    let main = dir.join("main.idl");
    std::fs::write(
        &main,
        "import \"extra.idl\";\n#ifdef WITH_B\n[object, uuid(11111111-2222-3333-4444-555555555556)]\ninterface IB : IExtra { HRESULT B(); };\n#endif\n#if LEVEL > 2 && defined(_WIN64)\n[object, uuid(11111111-2222-3333-4444-555555555557)]\ninterface IC : IUnknown { HRESULT C(); };\n#endif\n",
    )
    .expect("write");
    let main = main.to_str().expect("utf-8");
    let inc = dir.join("inc");
    let inc = inc.to_str().expect("utf-8");

    let (code, _, err) = idlgen(&["dispids", main]);
    assert_eq!(code, 2, "extra.idl is only on -I: {err}");
    assert!(err.contains("cannot find import \"extra.idl\""), "{err}");

    let (code, out, err) = idlgen(&["dispids", main, "-I", inc, "-D", "WITH_B", "-D", "LEVEL=3"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("IB ") && out.contains("IC "), "{out}");
    // IB : IExtra : IUnknown: B is slot 4, DISPID 0x60020000.
    assert!(
        out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>()
            == ["IB", "B", "0x60020000", "method", "4"]),
        "{out}"
    );

    let (code, out, err) = idlgen(&["dispids", main, "-I", inc, "-D", "LEVEL=3", "-U", "_WIN64"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("IB ") && !out.contains("IC "), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dump_verb_writes_json() {
    let (code, out, err) = idlgen(&["dump", "fixtures/certif/certif.idl", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("{\n  \"format\": \"idlgen-dump\""));
    let (code, _, err) = idlgen(&["dump", "fixtures/certif/certif.idl", "--format", "yaml"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn help_documents_every_flag_and_the_exit_codes() {
    let (code, top, _) = idlgen(&["--help"]);
    assert_eq!(code, 0);
    for needle in [
        "rust",
        "dispids",
        "dump",
        "Exit codes",
        "1 `rust --check`",
        "or input error",
    ] {
        assert!(
            top.contains(needle),
            "top-level help lacks {needle}:\n{top}"
        );
    }
    let (_, rust, _) = idlgen(&["rust", "--help"]);
    for flag in [
        "--include",
        "--define",
        "--undefine",
        "--output",
        "--interface",
        "--with-imports",
        "--check",
    ] {
        assert!(rust.contains(flag), "rust --help lacks {flag}:\n{rust}");
    }
    let (_, dump, _) = idlgen(&["dump", "--help"]);
    for flag in ["--format", "--with-imports", "--include", "--define"] {
        assert!(dump.contains(flag), "dump --help lacks {flag}:\n{dump}");
    }
    for verb in VERBS {
        let (code, help, _) = idlgen(&[verb, "--help"]);
        assert_eq!(code, 0);
        for needle in [
            "--sdk <DIR>",
            "Include/<version>",
            "um/, shared/",
            "after every -I",
        ] {
            assert!(
                help.contains(needle),
                "{verb} --help lacks {needle}:\n{help}"
            );
        }
    }
}

/// Type libraries are inputs of every verb: a .tlb and a PE file's TYPELIB resources.
#[test]
fn every_verb_takes_type_libraries_and_pe_files() {
    let (code, idl_rows, err) = idlgen(&["dispids", "fixtures/certif/certif.idl"]);
    assert_eq!(code, 0, "{err}");
    for input in [
        vec!["fixtures/certif/certcli.tlb"],
        vec!["fixtures/certif/certcli_pe64.dll"],
        vec!["fixtures/certif/certcli_pe32.dll", "--resource", "2"],
    ] {
        let mut args = vec!["dispids"];
        args.extend(&input);
        let (code, rows, err) = idlgen(&args);
        assert_eq!(code, 0, "{input:?}: {err}");
        assert_eq!(
            rows, idl_rows,
            "{input:?}: the same DISPID table as the IDL"
        );

        let mut args = vec!["rust"];
        args.extend(&input);
        let (code, out, err) = idlgen(&args);
        assert_eq!(code, 0, "{input:?}: {err}");
        assert!(out.contains("pub struct ICertServerExit("), "{input:?}");
        assert!(out.contains("pub struct CCertServerExit;"), "{input:?}");

        let mut args = vec!["dump"];
        args.extend(&input);
        let (code, out, err) = idlgen(&args);
        assert_eq!(code, 0, "{input:?}: {err}");
        assert!(out.contains("\"name\": \"CERTCLIENTLib\""), "{input:?}");
        assert!(
            out.contains("\"source\": null"),
            "{input:?}: no source text"
        );
    }
    let (code, _, err) = idlgen(&[
        "dispids",
        "fixtures/certif/certcli_pe32.dll",
        "--resource",
        "9",
    ]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = idlgen(&[
        "dispids",
        "fixtures/certif/certcli.tlb",
        "fixtures/certif/certif.idl",
    ]);
    assert_eq!(code, 2, "a type library is the only input: {err}");
}

const VERBS: [&str; 3] = ["rust", "dispids", "dump"];

/// `--sdk` names an SDK's `Include/<version>` folder: a folder that is not one is a usage error
/// (exit 2) that says what was expected, on every verb, never a silent no-op.
#[test]
fn sdk_that_is_not_an_sdk_folder_is_a_usage_error() {
    let dir = temp_dir("not-sdk");
    // Include/ itself: the version folders are one level down.
    std::fs::create_dir_all(dir.join("10.0.99999.0").join("um")).expect("mkdir");
    let missing = dir.join("missing");
    let cases = [
        (missing.clone(), "does not exist"),
        (dir.clone(), "has none of um/, shared/, winrt/"),
        (dir.join("10.0.99999.0").join("um"), "give its parent"),
    ];
    for verb in VERBS {
        for (sdk, why) in &cases {
            let sdk = sdk.to_str().expect("utf-8");
            let (code, out, err) = idlgen(&[verb, "--sdk", sdk, "fixtures/certif/certif.idl"]);
            assert_eq!(code, 2, "{verb} --sdk {sdk}: {err}");
            assert!(out.is_empty(), "{verb} --sdk {sdk}: {out}");
            for needle in [
                "--sdk",
                sdk,
                why,
                "expected a Windows SDK include folder (`Include/<version>`) with um/, shared/ and winrt/",
            ] {
                assert!(
                    err.contains(needle),
                    "{verb} --sdk {sdk}: lacks {needle}:\n{err}"
                );
            }
        }
    }
    let (_, _, err) = idlgen(&["dispids", "--sdk", dir.to_str().expect("utf-8"), "x.idl"]);
    assert!(
        err.contains("help: give one of:") && err.contains("10.0.99999.0"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--sdk DIR` on each verb against the real SDK: the certif fixture gives what it gives without
/// it, an import only the SDK has (winrt/inspectable.idl) is found, and `-I` comes first.
#[test]
fn sdk_on_every_verb_against_the_windows_sdk() {
    let Some(sdk) = need(&SDK) else {
        return;
    };
    let sdk = sdk.to_str().expect("utf-8 SDK path");
    for verb in VERBS {
        let (code, plain, err) = idlgen(&[verb, "fixtures/certif/certif.idl"]);
        assert_eq!(code, 0, "{err}");
        let (code, with, err) = idlgen(&[verb, "--sdk", sdk, "fixtures/certif/certif.idl"]);
        assert_eq!(code, 0, "{verb} --sdk: {err}");
        assert!(err.is_empty(), "{verb} --sdk: {err}");
        assert!(with == plain, "{verb}: the output changes with --sdk");
    }

    let dir = temp_dir("sdk-verbs");
    let main = dir.join("main.idl");
    std::fs::write(
        &main,
        "import \"inspectable.idl\";\nimport \"ocidl.idl\";\n[object, uuid(11111111-2222-3333-4444-555555555558)]\ninterface IRt : IInspectable { HRESULT M(); };\n",
    )
    .expect("write");
    let main = main.to_str().expect("utf-8");
    let (code, _, err) = idlgen(&["dispids", main]);
    assert_eq!(
        code, 2,
        "inspectable.idl is only in the SDK's winrt/: {err}"
    );
    assert!(
        err.contains("cannot find import \"inspectable.idl\""),
        "{err}"
    );
    for verb in VERBS {
        let (code, out, err) = idlgen(&[verb, "--sdk", sdk, main]);
        assert_eq!(code, 0, "{verb} --sdk: {err}");
        assert!(out.contains("IRt"), "{verb} --sdk: {out}");
    }
    // IInspectable : IUnknown has 3 methods of its own: M is slot 6.
    let (_, out, _) = idlgen(&["dispids", "--sdk", sdk, main]);
    assert!(
        out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>()
            == ["IRt", "M", "0x60020000", "method", "6"]),
        "{out}"
    );

    // -I before the SDK: a user's ocidl.idl wins over um/OCIdl.Idl.
    let inc = dir.join("inc");
    std::fs::create_dir_all(&inc).expect("mkdir");
    std::fs::write(
        inc.join("OCIDL.IDL"),
        "import \"unknwn.idl\";\n[object, uuid(11111111-2222-3333-4444-555555555559)]\ninterface IMine : IUnknown { HRESULT Mine(); };\n",
    )
    .expect("write");
    let inc = inc.to_str().expect("utf-8");
    let (code, out, err) = idlgen(&["dump", "--with-imports", "--sdk", sdk, "-I", inc, main]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\"IMine\""),
        "the -I directory's ocidl.idl was read: {out}"
    );
    assert!(!out.contains("\"IOleControl\""), "not the SDK's OCIdl.Idl");
    let (code, out, err) = idlgen(&["dump", "--with-imports", "--sdk", sdk, main]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\"IOleControl\"") && !out.contains("\"IMine\""),
        "the SDK's OCIdl.Idl"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Acceptance (issue 13): the SDK's own CertExit.Idl, read with `--sdk`: ICertExit's members
/// at 0x60020000..0x60020002 in slots 7..9, ICertExit2's GetManageModule at 0x60030000, slot 10.
#[test]
fn dispids_of_the_sdk_certexit() {
    let Some(sdk) = need(&SDK) else {
        return;
    };
    let certexit =
        common::sdk::find_in(&sdk.join("um"), "certexit.idl").expect("the SDK has um/CertExit.Idl");
    let (code, out, err) = idlgen(&[
        "dispids",
        "--sdk",
        sdk.to_str().expect("utf-8"),
        certexit.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<Vec<&str>> = out
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .filter(|r: &Vec<&str>| r[0] == "ICertExit" || r[0] == "ICertExit2")
        .collect();
    assert_eq!(
        rows,
        [
            ["ICertExit", "Initialize", "0x60020000", "method", "7"],
            ["ICertExit", "Notify", "0x60020001", "method", "8"],
            ["ICertExit", "GetDescription", "0x60020002", "method", "9"],
            [
                "ICertExit2",
                "GetManageModule",
                "0x60030000",
                "method",
                "10"
            ],
        ],
        "{out}"
    );
}

/// Issue 15: the output is formatted in process, so it is the same bytes whatever rustfmt the
/// machine has: none on the PATH, `RUSTFMT` naming a program that fails, or one that does not
/// exist. Each run equals the golden (which the real rustfmt leaves as it is: tests/golden.rs
/// and the corpus tests check that).
#[test]
fn output_does_not_depend_on_rustfmt() {
    let Some(exe) = option_env!("CARGO_BIN_EXE_idlgen") else {
        panic!("the idlgen binary is built with the `cli` feature");
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let golden = std::fs::read_to_string(format!("{root}/fixtures/certif/expected/certif.rs"))
        .expect("golden");
    let failing = temp_dir("rustfmt-fails").join("rustfmt");
    std::fs::write(&failing, "#!/bin/sh\necho broken >&2\nexit 3\n").expect("write script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let runs: [(&str, Vec<(&str, String)>); 4] = [
        ("as the environment has it", vec![]),
        (
            "no rustfmt on the PATH",
            vec![("PATH", "/nonexistent".into())],
        ),
        (
            "RUSTFMT a failing program, first on the PATH",
            vec![
                ("RUSTFMT", failing.display().to_string()),
                (
                    "PATH",
                    format!(
                        "{}:/usr/bin:/bin",
                        failing
                            .parent()
                            .map_or(String::new(), |p| p.display().to_string())
                    ),
                ),
            ],
        ),
        (
            "RUSTFMT missing",
            vec![("RUSTFMT", "/nonexistent/rustfmt".into())],
        ),
    ];
    for (what, env) in runs {
        let out = std::process::Command::new(exe)
            .args(["rust", "fixtures/certif/certif.idl"])
            .current_dir(root)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .output()
            .expect("run idlgen");
        assert!(
            out.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stdout == golden.as_bytes(),
            "{what}: the output differs from fixtures/certif/expected/certif.rs"
        );
    }
}
