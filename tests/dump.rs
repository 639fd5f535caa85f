//! `idlgen dump`: the JSON contract of shared/spec/dump-json.md, on the certif fixture.
//!
//! Golden files: fixtures/certif/expected/{certif,certcli}.json. Accept a reviewed change with
//! `IDLGEN_BLESS=1 cargo test --test dump`.

mod common;

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dump(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_idlgen"))
        .arg("dump")
        .args(args)
        .current_dir(root())
        .output()
        .expect("run idlgen");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 JSON")
}

#[test]
fn certif_dump_matches_the_golden_file() {
    for name in ["certif", "certcli"] {
        let text = dump(&[&format!("fixtures/certif/{name}.idl")]);
        common::golden::check(
            &root().join(format!("fixtures/certif/expected/{name}.json")),
            &text,
            "dump",
        );
        assert_eq!(
            text,
            dump(&[&format!("fixtures/certif/{name}.idl")]),
            "deterministic"
        );
    }
}

#[test]
fn certif_dump_has_the_spec_shape_and_values() {
    let v: Value =
        serde_json::from_str(&dump(&["fixtures/certif/certif.idl"])).expect("valid JSON");
    assert_eq!(v["format"], "idlgen-dump");
    assert_eq!(v["version"], 1);
    assert_eq!(
        v["inputs"],
        serde_json::json!(["fixtures/certif/certif.idl"])
    );
    let types = v["types"].as_array().expect("types");
    assert_eq!(types.len(), 2, "only the input's own types by default");
    let exit = &types[1];
    assert_eq!(exit["kind"], "interface");
    assert_eq!(exit["name"], "ICertServerExit");
    assert_eq!(exit["uuid"], "4ba9eb90-732c-11d0-8816-00a0c903b83c");
    assert_eq!(exit["base"], "IDispatch");
    assert_eq!(exit["dual"], true);
    assert_eq!(exit["first_slot"], 7);
    assert_eq!(exit["source"]["file"], "fixtures/certif/certif.idl");
    let methods = exit["methods"].as_array().expect("methods");
    assert_eq!(methods.len(), 12);
    let grp = &methods[1];
    assert_eq!(grp["name"], "GetRequestProperty");
    assert_eq!(grp["slot"], 8);
    assert_eq!(grp["dispid"], 1_610_743_809);
    assert_eq!(grp["invkind"], "method");
    assert_eq!(grp["return"], "HRESULT");
    let params = grp["params"].as_array().expect("params");
    let shape: Vec<(&str, &str, bool, bool, bool)> = params
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or(""),
                p["type"].as_str().unwrap_or(""),
                p["in"] == true,
                p["out"] == true,
                p["retval"] == true,
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("strPropertyName", "BSTR", true, false, false),
            ("PropertyType", "LONG", true, false, false),
            ("pvarPropertyValue", "VARIANT*", false, true, true),
        ]
    );
    // Every key of the contract is present on every parameter, null where not applicable.
    for key in ["lcid", "optional", "default"] {
        assert!(params[0].get(key).is_some(), "{key}");
    }
    assert!(params[0]["default"].is_null());
}

#[test]
fn certcli_dump_lists_the_library_and_coclasses() {
    let v: Value =
        serde_json::from_str(&dump(&["fixtures/certif/certcli.idl"])).expect("valid JSON");
    let lib = &v["libraries"][0];
    assert_eq!(lib["name"], "CERTCLIENTLib");
    assert_eq!(lib["uuid"], "372fce32-4324-11d0-8810-00a0c903b83c");
    assert_eq!(lib["version"], "1.0");
    assert_eq!(lib["lcid"], 0);
    assert_eq!(lib["helpstring"], "CertCli 1.0 Type Library");
    let exit = v["types"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["name"] == "CCertServerExit"))
        .expect("CCertServerExit");
    assert_eq!(exit["kind"], "coclass");
    assert_eq!(exit["uuid"], "4c4a5e40-732c-11d0-8816-00a0c903b83c");
    assert_eq!(exit["interfaces"][0]["name"], "ICertServerExit");
    assert_eq!(exit["interfaces"][0]["default"], true);
}

#[test]
fn with_imports_adds_imported_types_with_their_own_source() {
    let v: Value = serde_json::from_str(&dump(&["fixtures/certif/certcli.idl", "--with-imports"]))
        .expect("valid JSON");
    let types = v["types"].as_array().expect("types");
    let find = |name: &str| types.iter().find(|t| t["name"] == name);
    let exit = find("ICertServerExit").expect("imported from certif.idl");
    assert_eq!(exit["source"]["file"], "fixtures/certif/certif.idl");
    let dispatch = find("IDispatch").expect("from the embedded oaidl.idl");
    assert_eq!(dispatch["first_slot"], 3);
    assert_eq!(dispatch["source"]["file"], "<builtin>/oaidl.idl");
}
