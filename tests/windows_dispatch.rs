//! `idlgen rust --windows-dispatch`: the IDispatch macros for windows-rs objects, over the
//! certificate-services exit interfaces (fixtures/certif/certexit.idl and certmod.idl), and those
//! fixtures against the real SDK's CertExit.Idl and CertMod.Idl: the same model, hence the same
//! bindings and the same macros.
//!
//! The macros run under wine64 (.ci/windows-target: tools/wine-windows-rs), where the `windows`
//! crate links; on Linux the golden keeps them reviewed and rustfmt-clean.
//!
//! To accept new output after review: `IDLGEN_BLESS=1 cargo test --test windows_dispatch`.

mod common;

use std::path::{Path, PathBuf};

use idlgen::Options;
use idlgen::model::{ItemKind, Model, Type};
use idlgen::{RustOptions, generate_rust as generate};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(input: &Path, include_dirs: Vec<PathBuf>) -> Model {
    let opts = (include_dirs.iter()).fold(Options::new(), |o, d| o.include_dir(d));
    let mut loaded = idlgen::load([input], &opts)
        .unwrap_or_else(|e| panic!("{} does not load:\n{e}", input.display()));
    loaded.model.include_imported_user_files();
    loaded.model
}

/// A type as text, with declared types by name (type ids differ between models).
fn type_text(model: &Model, ty: &Type) -> String {
    match ty {
        Type::Base(b) => idlgen::model::base_type_name(*b).to_string(),
        Type::Named(id) => model.item(*id).name.clone(),
        Type::Pointer {
            pointee,
            pointee_const,
        } => format!(
            "{}{} *",
            if *pointee_const { "const " } else { "" },
            type_text(model, pointee)
        ),
        Type::Array(t, n) => format!("{}[{n:?}]", type_text(model, t)),
        Type::SafeArray(t) => format!("SAFEARRAY({})", type_text(model, t)),
        Type::Function => "function".into(),
        _ => model.type_string(ty),
    }
}

/// The macros, with the header naming the inputs as the CLI does (`source_name: None`) or as
/// given (to compare outputs from files of other names).
fn windows_dispatch_named(model: &Model, source_name: Option<&str>) -> String {
    let opts = RustOptions {
        windows_dispatch: true,
        source_name: source_name.map(str::to_string),
        ..RustOptions::default()
    };
    generate(model, &opts).expect("generates")
}

fn windows_dispatch(model: &Model) -> String {
    windows_dispatch_named(model, Some("certexit.idl"))
}

fn bindings(model: &Model) -> String {
    let opts = RustOptions {
        source_name: Some("certexit.idl".into()),
        ..RustOptions::default()
    };
    generate(model, &opts).expect("generates")
}

#[test]
fn windows_dispatch_golden() {
    let model = load(&root().join("fixtures/certif/certexit.idl"), Vec::new());
    // What `idlgen rust --windows-dispatch --with-imports fixtures/certif/certexit.idl` writes.
    let code = windows_dispatch_named(&model, None);
    for name in ["ICertExit", "ICertExit2", "ICertManageModule"] {
        assert!(
            code.contains(&format!("macro_rules! {name}_dispatch")),
            "no macro for {name}"
        );
    }
    common::golden::check(
        &root().join("fixtures/certif/expected/certexit_windows.rs"),
        &code,
        "windows_dispatch",
    );
}

/// What a demanding reader checks by hand, from the IDL: the DISPIDs, the windows-rs method
/// names and the ABI conversions of each parameter.
#[test]
fn windows_dispatch_calls_windows_rs_names_with_abi_values() {
    let model = load(&root().join("fixtures/certif/certexit.idl"), Vec::new());
    let code = windows_dispatch(&model);
    for needle in [
        "0x60020000 if wflags.0 & idlgen_runtime::DISPATCH_METHOD != 0 => Some(0)",
        "$($m)::+::ICertExit_Impl::Initialize(imp, idlgen_runtime::__codegen::abi_ref::<idlgen_runtime::BStr, _>(&str_config_arg))",
        "$($m)::+::ICertExit_Impl::Notify(imp, idlgen_runtime::__codegen::abi_cast::<i32, _>(exit_event_arg), idlgen_runtime::__codegen::abi_cast::<i32, _>(context_arg))",
        "$($m)::+::ICertExit2_Impl::GetManageModule(imp)?",
        "$($m)::+::ICertManageModule_Impl::SetProperty(",
        "idlgen_runtime::__codegen::abi_cast::<&idlgen_runtime::Variant, _>(&pvar_property_arg)",
    ] {
        assert!(code.contains(needle), "missing: {needle}\n{code}");
    }
}

#[test]
fn windows_dispatch_is_rustfmt_clean() {
    if common::external::need(&common::external::RUSTFMT).is_none() {
        return;
    }
    let golden = root().join("fixtures/certif/expected/certexit_windows.rs");
    let out = std::process::Command::new("rustfmt")
        .args(["--edition", "2024", "--check"])
        .arg(&golden)
        .output()
        .expect("rustfmt runs");
    assert!(
        out.status.success(),
        "not rustfmt-clean:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The fixtures give the SDK's model: every interface's IID, base, and each method's slot,
/// DISPID, invoke kind and parameters (names, directions, types as the bindings spell them);
/// and so the same bindings and macros.
#[test]
fn fixtures_match_the_sdk() {
    let Some(sdk) = common::external::need(&common::external::SDK) else {
        return;
    };
    let fixture = load(&root().join("fixtures/certif/certexit.idl"), Vec::new());
    let real = load(
        &sdk.join("um/CertExit.Idl"),
        common::sdk::include_dirs(&sdk),
    );
    let describe = |model: &Model| -> Vec<String> {
        let mut rows = Vec::new();
        for (_, item) in model.root_items() {
            let ItemKind::Interface(i) = &item.kind else {
                continue;
            };
            if !i.defined {
                continue;
            }
            let base = i.base.map(|b| model.item(b).name.clone());
            rows.push(format!("{} {:?} base {base:?}", item.name, i.uuid));
            for m in &i.methods {
                let params: Vec<String> = m
                    .params
                    .iter()
                    .map(|p| {
                        format!(
                            "{} in={} out={} retval={} {}",
                            p.name,
                            p.is_in,
                            p.is_out,
                            p.retval,
                            type_text(model, &p.ty)
                        )
                    })
                    .collect();
                rows.push(format!(
                    "  {} slot {:?} dispid {:#x} {:?} ret {} ({})",
                    m.name,
                    m.slot,
                    m.dispid,
                    m.invkind,
                    type_text(model, &m.ret),
                    params.join(", ")
                ));
            }
        }
        rows
    };
    let (a, b) = (describe(&fixture), describe(&real));
    assert_eq!(a.len(), 10, "3 interfaces, 7 methods:\n{a:#?}");
    assert_eq!(a, b);
    assert_eq!(windows_dispatch(&fixture), windows_dispatch(&real));
    assert_eq!(bindings(&fixture), bindings(&real));
}
