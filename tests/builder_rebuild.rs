//! The build.rs path as users meet it: `examples/certif-client` generates its bindings with
//! `idlgen::Builder`. Cargo must not rerun the build script when nothing changed (the Builder
//! printed `cargo:rerun-if-changed` for every file it read), and must rerun it after an imported
//! IDL file changes. And `Builder::sdk`: a Windows SDK on the include path.

mod common;
use common::external::{SDK, need};

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

/// A folder that is not an SDK's `Include/<version>` is an error value of `generate`, which then
/// writes nothing.
#[test]
fn builder_sdk_that_is_not_an_sdk_folder_is_an_error() {
    let dir = common::temp_dir("builder-not-sdk");
    let out = dir.join("out");
    let builder = idlgen::Builder::new()
        .idl(root().join("fixtures/certif/certif.idl"))
        .sdk(&dir)
        .out_dir(&out)
        .quiet(true);
    let err = builder
        .generate()
        .expect_err("not an SDK folder")
        .to_string();
    assert!(err.contains("has none of um/, shared/, winrt/"), "{err}");
    assert!(
        err.contains("expected a Windows SDK include folder"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
    let err = builder
        .clone()
        .sdk(dir.join("missing"))
        .generate_string()
        .expect_err("missing folder")
        .to_string();
    assert!(err.contains("does not exist"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `Builder::sdk` against the real SDK: the certif bindings are what they are without it, and
/// `include_dir` comes before the SDK whatever the order of the calls.
#[test]
fn builder_sdk_against_the_windows_sdk() {
    let Some(sdk) = need(&SDK) else {
        return;
    };
    for name in ["certif", "certcli"] {
        let input = root().join(format!("fixtures/certif/{name}.idl"));
        let plain = idlgen::Builder::new()
            .idl(&input)
            .generate_string()
            .expect("generates");
        let with = idlgen::Builder::new()
            .sdk(&sdk)
            .idl(&input)
            .generate_string()
            .expect("generates with the SDK");
        assert!(plain == with, "{name}.idl: the bindings change with .sdk()");
    }

    let dir = common::temp_dir("builder-sdk-order");
    std::fs::write(
        dir.join("main.idl"),
        "import \"ocidl.idl\";\n[object, uuid(11111111-2222-3333-4444-555555555560)]\ninterface IUser : IUnknown { HRESULT U(); };\n",
    )
    .expect("write");
    let inc = dir.join("inc");
    std::fs::create_dir_all(&inc).expect("mkdir");
    std::fs::write(
        inc.join("OCIDL.IDL"),
        "import \"unknwn.idl\";\n[object, uuid(11111111-2222-3333-4444-555555555561)]\ninterface IMine : IUnknown { HRESULT Mine(); };\n",
    )
    .expect("write");
    let code = idlgen::Builder::new()
        .sdk(&sdk)
        .include_dir(&inc)
        .idl(dir.join("main.idl"))
        .with_imports(true)
        .generate_string()
        .expect("generates");
    assert!(
        code.contains("pub struct IMine("),
        "the -I ocidl.idl: {code}"
    );
    assert!(!code.contains("IOleControl"), "not the SDK's OCIdl.Idl");
    let code = idlgen::Builder::new()
        .sdk(&sdk)
        .idl(dir.join("main.idl"))
        .with_imports(true)
        .generate_string()
        .expect("generates");
    assert!(
        code.contains("pub struct IOleControl("),
        "the SDK's OCIdl.Idl"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Set in the child run of [`builder_sdk_prints_rerun_if_changed_for_the_sdk_files`].
const CHILD_ENV: &str = "IDLGEN_BUILDER_SDK_CHILD";

/// `generate()` with `.sdk()` prints `cargo:rerun-if-changed` for the SDK files it read. The test
/// runs itself again in a child process (the Builder prints to stdout, as in a build script) and
/// reads what the child printed.
#[test]
fn builder_sdk_prints_rerun_if_changed_for_the_sdk_files() {
    let Some(sdk) = need(&SDK) else {
        return;
    };
    if let Some(out) = std::env::var_os(CHILD_ENV) {
        idlgen::Builder::new()
            .sdk(&sdk)
            .idl(root().join("fixtures/certif/certif.idl"))
            .out_dir(out)
            .generate()
            .expect("generates");
        return;
    }
    let dir = common::temp_dir("builder-sdk-rerun");
    let run = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "builder_sdk_prints_rerun_if_changed_for_the_sdk_files",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &dir)
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // libtest's "test NAME ... " may precede the first line on the same line.
    let rerun: Vec<PathBuf> = stdout
        .lines()
        .filter_map(|l| l.split_once("cargo:rerun-if-changed=").map(|(_, p)| p))
        .map(PathBuf::from)
        .collect();
    assert!(
        rerun.contains(&root().join("fixtures/certif/certif.idl")),
        "the input: {stdout}"
    );
    // The base set as the SDK has it, imported and #included (wtypes.idl is in both um/ and
    // shared/; um/ is searched first).
    for name in [
        "oaidl.idl",
        "objidl.idl",
        "objidlbase.idl",
        "unknwn.idl",
        "unknwnbase.idl",
        "wtypes.idl",
        "wtypesbase.idl",
    ] {
        assert!(
            rerun.iter().any(|p| p.starts_with(&sdk)
                && p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))),
            "no cargo:rerun-if-changed for the SDK's {name}:\n{stdout}"
        );
    }
    assert!(dir.join("certif.rs").is_file(), "the child wrote certif.rs");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `Builder::check`: `generate()` compares instead of writing. The committed certif bindings
/// are current; a missing or stale file is an error that names it (and the first difference),
/// and the file is left as it was.
#[test]
fn builder_check_mode_compares_instead_of_writing() {
    let input = root().join("fixtures/certif/certif.idl");
    let committed = idlgen::Builder::new()
        .input(&input)
        .out_dir(root().join("fixtures/certif/expected"))
        .quiet(true)
        .check(true);
    let path = committed
        .generate()
        .expect("the committed bindings are current");
    assert_eq!(path, root().join("fixtures/certif/expected/certif.rs"));

    let dir = common::temp_dir("builder-check");
    let builder = idlgen::Builder::new()
        .input(&input)
        .out_dir(&dir)
        .quiet(true);
    let target = dir.join("certif.rs");
    let err = builder
        .clone()
        .check(true)
        .generate()
        .expect_err("missing")
        .to_string();
    assert!(
        err.contains(&format!("{}: missing", target.display())),
        "{err}"
    );
    assert!(!target.exists(), "check mode writes nothing");

    assert_eq!(builder.generate().expect("writes"), target);
    let fresh = std::fs::read_to_string(&target).expect("written");
    let stale = fresh.replacen(
        "pub struct ICertServerExit(",
        "pub struct ICertServerExot(",
        1,
    );
    std::fs::write(&target, &stale).expect("write");
    let line = 1 + fresh
        .lines()
        .position(|l| l.contains("pub struct ICertServerExit("))
        .expect("the struct");
    let err = builder
        .clone()
        .check(true)
        .generate()
        .expect_err("stale")
        .to_string();
    assert!(
        err.contains(&target.display().to_string())
            && err.contains("differs from what idlgen generates")
            && err.contains(&format!("first difference at line {line}"))
            && err.contains("- pub struct ICertServerExot(")
            && err.contains("+ pub struct ICertServerExit("),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&target).expect("still there"),
        stale,
        "check mode leaves the file alone"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The input options the CLI has, on the Builder: `-D`, `-U` (here `_WIN64`, which idlgen
/// predefines as MIDL does), IDL text in memory, and `.options()` as one value.
#[test]
fn builder_defines_undefines_and_options() {
    let idl = "import \"oaidl.idl\";\n\
        #ifdef WITH_EXTRA\n\
        [object, uuid(11111111-2222-3333-4444-555555555570)]\n\
        interface IExtra : IUnknown { HRESULT E(); }\n\
        #endif\n\
        #ifdef _WIN64\ntypedef hyper PTRSIZED;\n#else\ntypedef long PTRSIZED;\n#endif\n";
    let input = idlgen::Input::idl_text("opts.idl", idl);
    let plain = idlgen::Builder::new()
        .input(input.clone())
        .generate_string()
        .expect("generates");
    assert!(!plain.contains("pub struct IExtra("), "{plain}");
    assert!(plain.contains("pub type PTRSIZED = i64;"), "{plain}");

    let changed = idlgen::Builder::new()
        .input(input.clone())
        .define("WITH_EXTRA", "1")
        .undefine("_WIN64")
        .generate_string()
        .expect("generates");
    assert!(changed.contains("pub struct IExtra("), "{changed}");
    assert!(changed.contains("pub type PTRSIZED = i32;"), "{changed}");

    let options = idlgen::Options::new()
        .define("WITH_EXTRA", "1")
        .undefine("_WIN64");
    let same = idlgen::Builder::new()
        .input(input)
        .options(options)
        .generate_string()
        .expect("generates");
    assert_eq!(same, changed);
}

/// `.tlb_path()` directories are searched after every `.include_dir()`, whatever the order of
/// the calls, as `--tlb-path` after `-I`.
#[test]
fn builder_tlb_path_comes_after_include_dirs() {
    let dir = common::temp_dir("builder-tlb-path");
    for (sub, name) in [("first", "FIRST"), ("later", "LATER")] {
        std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
        std::fs::write(
            dir.join(sub).join("shared.idl"),
            format!("typedef long {name};\n"),
        )
        .expect("write");
    }
    std::fs::write(dir.join("main.idl"), "import \"shared.idl\";\n").expect("write");
    let generate = |builder: idlgen::Builder| {
        builder
            .input(dir.join("main.idl"))
            .with_imports(true)
            .generate_string()
            .expect("generates")
    };
    let code = generate(
        idlgen::Builder::new()
            .tlb_path(dir.join("later"))
            .include_dir(dir.join("first")),
    );
    assert!(code.contains("pub type FIRST = i32;"), "{code}");
    let code = generate(idlgen::Builder::new().tlb_path(dir.join("later")));
    assert!(code.contains("pub type LATER = i32;"), "{code}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A type library input, and a PE file's TYPELIB resources by id (`--resource`): certcli's
/// 64- and 32-bit type libraries give the same bindings as the `.tlb` (but for the header's
/// input name); a missing id is an error that lists those there are.
#[test]
fn builder_type_library_inputs_and_resource_ids() {
    let certif = root().join("fixtures/certif");
    let body = |builder: idlgen::Builder| -> String {
        let code = builder.generate_string().expect("generates");
        code.split_once('\n')
            .map(|(_, b)| b.to_string())
            .unwrap_or_default()
    };
    let tlb = body(idlgen::Builder::new().input(certif.join("certcli.tlb")));
    assert!(tlb.contains("pub struct CCertServerExit;"), "{tlb}");
    let dll = certif.join("certcli_pe64.dll");
    assert_eq!(body(idlgen::Builder::new().input(&dll)), tlb, "resource 1");
    assert_eq!(
        body(idlgen::Builder::new().input(&dll).resource_id(2)),
        tlb,
        "resource 2"
    );
    let err = idlgen::Builder::new()
        .input(&dll)
        .resource_id(3)
        .generate_string()
        .expect_err("no resource 3")
        .to_string();
    assert!(
        err.contains("no TYPELIB resource with id 3") && err.contains("1, 2"),
        "{err}"
    );
}
