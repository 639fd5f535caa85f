//! `idlgen dump`: the JSON format of docs/dump-json.md, on the certif fixture and on an input
//! with every kind of declaration, whose objects must have exactly the keys, in the order, that
//! the document's tables list.
//!
//! Golden files: fixtures/certif/expected/{certif,certcli}.json. Accept a reviewed change with
//! `IDLGEN_BLESS=1 cargo test --test dump`.

mod common;

use std::path::PathBuf;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dump(args: &[&str]) -> String {
    let args: Vec<&str> = std::iter::once("dump")
        .chain(args.iter().copied())
        .collect();
    let (code, out, err) = common::idlgen(&args);
    assert_eq!(code, 0, "{err}");
    out
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

/// An input with every kind of declaration and member the dump writes.
const EVERY_KIND: &str = r#"import "oaidl.idl";
const LONG MAX_ITEMS = 0x10;
const double RATIO = 2;
typedef LONG COUNT;
typedef [v1_enum] enum Color { Red = 1, Green = Red << 1 } Color;
typedef struct Point { LONG x; LONG y; } Point;
typedef union Either { LONG l; double d; } Either;
[object, uuid(11111111-2222-3333-4444-555555555555)]
interface IPlain : IUnknown { HRESULT Get([in] COUNT n, [out] Point *p); };
[object, uuid(11111111-2222-3333-4444-555555555556), dual, helpstring("auto")]
interface IAuto : IDispatch
{
    [id(5), propget, hidden] HRESULT Name([out, retval] BSTR *pv);
    HRESULT Opt([in, optional, defaultvalue(3)] LONG a);
};
[uuid(11111111-2222-3333-4444-555555555557), version(1.2)]
library AllLib
{
    importlib("stdole2.tlb");
    [uuid(11111111-2222-3333-4444-555555555558)]
    dispinterface DEvents
    {
    properties:
        [id(1)] LONG Count;
    methods:
        [id(2)] void Fired([in] BSTR what);
    };
    [uuid(11111111-2222-3333-4444-555555555559)]
    coclass Thing { [default] interface IAuto; [source] dispinterface DEvents; };
    [dllname("all.dll")]
    module Funcs { [entry("F")] LONG __stdcall F([in] LONG x); };
};
"#;

/// The key lists of the table under "## Every object's keys" in docs/dump-json.md: (object,
/// keys in order).
fn documented_keys() -> Vec<(String, Vec<String>)> {
    let doc = std::fs::read_to_string(root().join("docs/dump-json.md")).expect("docs/dump-json.md");
    let table = doc
        .split("\n## Every object's keys\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the keys table");
    table
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            // `| object | keys |`: ["", object, keys, ""].
            let [_, object, keys, _] = cells.as_slice() else {
                return None;
            };
            let keys: Vec<String> = keys
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect();
            (!keys.is_empty()).then(|| (object.to_string(), keys))
        })
        .collect()
}

/// Every object of a JSON text with its keys in the order written (serde_json's maps sort them).
fn key_orders(json: &str) -> Vec<Vec<String>> {
    let mut done = Vec::new();
    // One key list per open object; `None` for an open array.
    let mut open: Vec<Option<Vec<String>>> = Vec::new();
    let mut chars = json.chars().peekable();
    let mut last_string = String::new();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                last_string.clear();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        c => last_string.push(c),
                    }
                }
            }
            ':' => {
                if let Some(Some(keys)) = open.last_mut() {
                    keys.push(last_string.clone());
                }
            }
            '{' => open.push(Some(Vec::new())),
            '[' => open.push(None),
            '}' | ']' => {
                if let Some(Some(keys)) = open.pop() {
                    done.push(keys);
                }
            }
            _ => {}
        }
    }
    assert!(open.is_empty(), "unbalanced JSON");
    done
}

#[test]
fn every_object_has_the_documented_keys_in_order() {
    let documented = documented_keys();
    assert!(documented.len() >= 15, "{documented:?}");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dump-every-kind");
    std::fs::create_dir_all(&dir).expect("dir");
    let input = dir.join("every_kind.idl");
    std::fs::write(&input, EVERY_KIND).expect("write");
    let text = dump(&[input.to_str().expect("UTF-8 path")]);
    serde_json::from_str::<Value>(&text).expect("valid JSON");
    let mut seen = vec![false; documented.len()];
    for keys in key_orders(&text) {
        match documented.iter().position(|(_, k)| *k == keys) {
            Some(i) => seen[i] = true,
            None => panic!("an object with keys {keys:?} is not in docs/dump-json.md's table"),
        }
    }
    let unseen: Vec<&str> = documented
        .iter()
        .zip(&seen)
        .filter(|(_, seen)| !**seen)
        .map(|((object, _), _)| object.as_str())
        .collect();
    assert!(unseen.is_empty(), "documented but not written: {unseen:?}");
}

/// The method attributes docs/dump-json.md lists under `attributes` are those the dump keeps
/// (`model::automation::FUNC_FLAGS`, in their order, then `vararg`).
#[test]
fn the_documented_method_attributes_are_the_function_flags() {
    let doc = std::fs::read_to_string(root().join("docs/dump-json.md")).expect("docs/dump-json.md");
    let text = doc
        .split("- `attributes`: ")
        .nth(1)
        .and_then(|rest| rest.split(". From IDL").next())
        .expect("the attributes item");
    let documented: Vec<&str> = text.split('`').skip(1).step_by(2).collect();
    let flags: Vec<&str> = idlgen::model::automation::FUNC_FLAGS
        .iter()
        .map(|&(_, n)| n)
        .chain(["vararg"])
        .collect();
    assert_eq!(documented, flags);
    assert!(
        flags
            .iter()
            .all(|n| idlgen::model::automation::is_typelib_attribute(n))
    );
    assert!(!idlgen::model::automation::is_typelib_attribute("propget"));
}
