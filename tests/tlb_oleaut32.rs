//! A second opinion from oleaut32: tools/oleaut32/tlbinfo.c, built with mingw and run under
//! wine64, prints what `LoadTypeLibEx` sees in a type library (library attributes; each type
//! info's kind, GUID and helpstring; each function's memid, oVft, invoke kind, parameter names and
//! flags; each variable's memid); idlgen's dump of the same file must agree fact for fact. Run on
//! the certif fixtures (MSFT 64- and 32-bit, PE32 and PE32+ resources, the SLTG twin) and on
//! Wine's own type libraries.
//!
//! The SLTG twins (fixtures/certif/certcli_sltg.tlb and sltg_cover_sltg.tlb, written by
//! tools/sltg-twin) are also held against the MSFT files widl writes of the same IDL for the same
//! platform (certcli_win32.tlb, sltg_cover_win32.tlb): Wine 8.0's SLTG reader must report every
//! line as its MSFT reader does. Two known differences, and whose they are:
//! - Wine 8.0's `ITypeLib2_Constructor_SLTG` copies a type's help-string bytes (the directory
//!   entry's `more_bytes`) and never decodes them, so it reports no help string for any type of
//!   an SLTG file (`-`); the file carries them (idlgen reads them back, and its dump of the twin
//!   equals that of certcli_win32.tlb, tests/tlb_sltg.rs). That field may be `-` for an SLTG
//!   file.
//! - An MSFT name table is case-insensitive: one spelling per library (`Name` for the parameter
//!   `name` of sltg_cover.idl), where SLTG, as write_sltg.c writes it, keeps each spelling. Lines
//!   may differ in the case of letters, nothing else.
//!
//! Needs gcc-mingw-w64-x86-64-win32, wine64 and libwine (tests/common/external.rs: a counted
//! skip without them, a failure in CI).

mod common;
mod oleaut32;
mod tlb_common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::external::{MINGW_GCC, WINE_DLLS, WINE_DLLS_DIR, WINE64, need_all};
use oleaut32::{run_under_wine, tlbinfo};
use serde_json::Value;
use tlb_common::*;

/// What oleaut32 sees in `path` (resource `id` of a PE file: `path\id`).
fn oleaut32_view(path: &Path, id: Option<u32>) -> String {
    let mut arg = path.as_os_str().to_owned();
    if let Some(id) = id {
        arg.push(format!("\\{id}"));
    }
    // One prefix per test (see oleaut32::run_under_wine).
    let test = std::thread::current()
        .name()
        .unwrap_or("main")
        .replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    let prefix = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("wineprefix-tlb-{test}"));
    let out = run_under_wine(&tlbinfo("tlbinfo-tlb.exe"), &arg, &prefix);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && text.starts_with("lib\t"),
        "tlbinfo {} under wine64 failed ({}):\n{}",
        path.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn hex(s: &str) -> i64 {
    i64::from(u32::from_str_radix(s.trim_start_matches("0x"), 16).expect("hex") as i32)
}

fn invkind(code: &str) -> &'static str {
    match code {
        "2" => "propget",
        "4" => "propput",
        "8" => "propputref",
        _ => "method",
    }
}

/// The dump's flags of a parameter, as PARAMFLAGs (in, out, lcid, retval; opt or hasdefault).
fn flags_agree(p: &Value, flags: u32) -> bool {
    let b = |k: &str| p[k] == true;
    b("out") == (flags & 2 != 0)
        && b("lcid") == (flags & 4 != 0)
        && b("retval") == (flags & 8 != 0)
        && b("optional") == (flags & 0x30 != 0)
        && b("in") == (flags & 1 != 0 || flags & 2 == 0)
}

/// Methods inherited from IUnknown and IDispatch, which the dump lists with those interfaces.
const ROOT_METHODS: &[&str] = &[
    "QueryInterface",
    "AddRef",
    "Release",
    "GetTypeInfoCount",
    "GetTypeInfo",
    "GetIDsOfNames",
    "Invoke",
];

#[derive(Default)]
struct Tally {
    types: usize,
    funcs: usize,
    params: usize,
    vars: usize,
    diffs: Vec<String>,
}

/// Holds every fact of the oleaut32 view against idlgen's dump of the same file. `sltg`: the
/// file is SLTG, whose type help strings Wine 8.0 does not read (see the module comment).
fn compare(view: &str, dump: &Value, t: &mut Tally, sltg: bool) {
    let types: HashMap<&str, &Value> = dump["types"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| Some((x["name"].as_str()?, x)))
        .collect();
    let mut d = |s: String| t.diffs.push(s);
    // An interface's methods with those of its bases (in the dump) before them.
    let chain = |name: &str| -> Vec<&Value> {
        let mut out = Vec::new();
        let mut cur = types.get(name).copied();
        let mut guard = 0;
        while let Some(x) = cur {
            out.extend(x["methods"].as_array().into_iter().flatten());
            cur = x["base"].as_str().and_then(|b| types.get(b).copied());
            guard += 1;
            if guard > 64 {
                break;
            }
        }
        out
    };
    // memids already seen per (type, view): oleaut32's GetNames answers for the first function
    // of a memid, so a propput's parameter names are its propget's.
    let mut seen: std::collections::HashSet<(String, i64)> = Default::default();
    for line in view.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["lib", name, guid, lcid, major, minor, doc] => {
                let l = &dump["libraries"][0];
                let ver = format!("{major}.{minor}");
                let doc = (*doc != "-").then_some(*doc);
                if l["name"] != *name
                    || l["uuid"].as_str().map(str::to_uppercase)
                        != Some(guid.trim_matches(['{', '}']).to_string())
                    || l["lcid"].as_u64() != lcid.parse().ok()
                    || l["version"] != ver.as_str()
                    || l["helpstring"].as_str() != doc
                {
                    d(format!("library: oleaut32 {line:?} vs idlgen {l}"));
                }
            }
            ["type", name, tkind, tflags, guid, _, _, _, doc] => {
                let Some(name) = name.strip_suffix("(vtbl)").or(Some(name)) else {
                    continue;
                };
                // `typedef enum { } NAME`: widl's generated name for the enum and the alias NAME
                // are one type in idlgen (named NAME), as from the IDL.
                if name.starts_with("__WIDL_") || name.starts_with("__MIDL_") {
                    continue;
                }
                t.types += 1;
                let Some(x) = types.get(name) else {
                    d(format!("type {name}: not in idlgen's dump"));
                    continue;
                };
                let flags = u32::from_str_radix(tflags.trim_start_matches("0x"), 16).unwrap_or(0);
                let kind = match (*tkind, flags & 0x40 != 0) {
                    ("0", _) => "enum",
                    ("1", _) => "struct",
                    ("2", _) => "module",
                    ("3", _) | ("4", true) => "interface",
                    ("4", false) => "dispinterface",
                    ("5", _) => "coclass",
                    ("6", _) => "typedef",
                    _ => "union",
                };
                let folded = kind == "typedef"
                    && ["enum", "struct", "union"].contains(&x["kind"].as_str().unwrap_or(""));
                if x["kind"] != kind && !folded {
                    d(format!("type {name}: kind {kind} vs {}", x["kind"]));
                }
                let g = guid.trim_matches(['{', '}']).to_lowercase();
                if !x["uuid"].is_null() && x["uuid"] != g.as_str() {
                    d(format!("type {name}: uuid {g} vs {}", x["uuid"]));
                }
                let doc = (*doc != "-").then_some(*doc);
                let unread = sltg && doc.is_none();
                if x["helpstring"].as_str() != doc && !x["helpstring"].is_null() && !unread {
                    d(format!(
                        "type {name}: helpstring {doc:?} vs {}",
                        x["helpstring"]
                    ));
                }
            }
            ["func", ty, name, memid, kind, ovft, _, _, params] => {
                let vtbl = ty.ends_with("(vtbl)");
                let ty = ty.trim_end_matches("(vtbl)");
                let Some(x) = types.get(ty) else {
                    d(format!("{ty}: not in idlgen's dump"));
                    continue;
                };
                let dual_dispatch_view = x["kind"] == "interface" && x["dual"] == true && !vtbl;
                let candidates = if x["kind"] == "interface" {
                    chain(ty)
                } else {
                    x["methods"].as_array().into_iter().flatten().collect()
                };
                let kind = invkind(kind);
                let Some(m) = candidates
                    .iter()
                    .find(|m| m["name"] == *name && m["invkind"] == kind)
                else {
                    if !ROOT_METHODS.contains(name) {
                        d(format!("{ty}::{name} ({kind}): not in idlgen's dump"));
                    }
                    continue;
                };
                t.funcs += 1;
                let first_of_memid = seen.insert((format!("{ty}{vtbl}"), hex(memid)));
                if m["dispid"].as_i64() != Some(hex(memid)) {
                    d(format!("{ty}::{name}: memid {memid} vs {}", m["dispid"]));
                }
                if x["kind"] == "interface" && !dual_dispatch_view {
                    let slot = m["slot"].as_u64().map(|s| s * 8);
                    if slot != ovft.parse().ok() {
                        d(format!("{ty}::{name}: oVft {ovft} vs slot {}", m["slot"]));
                    }
                }
                // IUnknown's and IDispatch's members: oleaut32 gives stdole2's parameter names,
                // the dump idlgen's base set's.
                if ROOT_METHODS.contains(name) {
                    continue;
                }
                // The dispatch view of a dual interface drops the [out, retval] parameter
                // (it becomes the return value) and the LCID one.
                let ps: Vec<&Value> = m["params"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| !dual_dispatch_view || (p["retval"] != true && p["lcid"] != true))
                    .collect();
                let theirs: Vec<&str> = params.split(',').filter(|s| !s.is_empty()).collect();
                if ps.len() != theirs.len() {
                    d(format!(
                        "{ty}::{name}: {} params vs {}",
                        theirs.len(),
                        ps.len()
                    ));
                    continue;
                }
                for (k, (p, th)) in ps.iter().zip(&theirs).enumerate() {
                    t.params += 1;
                    let (pname, pflags) = th.rsplit_once(':').unwrap_or((th, "0x0"));
                    let pflags =
                        u32::from_str_radix(pflags.trim_start_matches("0x"), 16).unwrap_or(0);
                    let ours = p["name"].as_str().unwrap_or("");
                    let unnamed = pname == "-" && ours == format!("arg{k}");
                    if ours != pname && !unnamed && first_of_memid {
                        d(format!("{ty}::{name}: param {k} name {pname} vs {ours}"));
                    }
                    if !dual_dispatch_view && !flags_agree(p, pflags) {
                        d(format!("{ty}::{name}: param {k} flags {pflags:#x} vs {p}"));
                    }
                }
            }
            ["var", ty, name, memid, _] => {
                let Some(x) = types.get(ty) else { continue };
                if x["kind"] != "dispinterface" {
                    continue;
                }
                t.vars += 1;
                let p = x["properties"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|p| p["name"] == *name);
                match p {
                    Some(p) if p["dispid"].as_i64() == Some(hex(memid)) => {}
                    other => d(format!("{ty}.{name}: memid {memid} vs {other:?}")),
                }
            }
            _ => {}
        }
    }
}

#[test]
fn idlgen_reads_what_oleaut32_reads() {
    if !need_all(&[&WINE64, &MINGW_GCC, &WINE_DLLS]) {
        return;
    }
    let certif = root().join("fixtures/certif");
    let wine = Path::new(WINE_DLLS_DIR);
    let inputs: Vec<(PathBuf, Option<u32>)> = vec![
        (certif.join("certcli.tlb"), None),
        (certif.join("certcli_win32.tlb"), None),
        (certif.join("certcli_pe64.dll"), Some(1)),
        (certif.join("certcli_pe32.dll"), Some(2)),
        (certif.join("certcli_sltg.tlb"), None),
        (certif.join("sltg_cover_win32.tlb"), None),
        (certif.join("sltg_cover_sltg.tlb"), None),
        (wine.join("stdole2.tlb"), None),
        (wine.join("mshtml.tlb"), None),
        (wine.join("msxml3.dll"), None),
        (wine.join("scrrun.dll"), None),
        (wine.join("wmp.dll"), None),
        (wine.join("vbscript.dll"), Some(3)),
        (wine.join("msado15.dll"), None),
        (wine.join("sapi.dll"), None),
        (wine.join("hnetcfg.dll"), Some(2)),
    ];
    let mut failures = Vec::new();
    for (path, id) in inputs {
        let view = oleaut32_view(&path, id);
        let opts = idlgen::Options::new().tlb_path(WINE_DLLS_DIR);
        let opts = match id {
            Some(id) => opts.resource_id(id),
            None => opts,
        };
        let model = idlgen::load([&path], &opts)
            .unwrap_or_else(|e| panic!("{e}"))
            .model;
        let dump = dump_json(&model);
        let mut t = Tally::default();
        let sltg = std::fs::read(&path).is_ok_and(|b| b.starts_with(b"SLTG"));
        compare(&view, &dump, &mut t, sltg);
        println!(
            "{}{}: {} types, {} functions, {} parameters, {} variables compared with oleaut32, {} differ",
            path.file_name().unwrap_or_default().to_string_lossy(),
            id.map(|i| format!(" #{i}")).unwrap_or_default(),
            t.types,
            t.funcs,
            t.params,
            t.vars,
            t.diffs.len()
        );
        assert!(
            t.funcs > 0 || t.types > 0,
            "{}: nothing compared",
            path.display()
        );
        failures.extend(
            t.diffs
                .into_iter()
                .map(|x| format!("{}: {x}", path.display())),
        );
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The oleaut32 view with each type line's help string (its last field) set aside.
fn without_type_help(view: &str) -> (Vec<String>, Vec<String>) {
    let mut lines = Vec::new();
    let mut helps = Vec::new();
    for line in view.lines() {
        match line
            .strip_prefix("type\t")
            .and_then(|l| l.rsplit_once('\t'))
        {
            Some((rest, help)) => {
                lines.push(format!("type\t{rest}"));
                helps.push(help.to_string());
            }
            None => lines.push(line.to_string()),
        }
    }
    (lines, helps)
}

#[test]
fn oleaut32_reads_the_sltg_twins_as_the_msft_files() {
    if !need_all(&[&WINE64, &MINGW_GCC]) {
        return;
    }
    let certif = root().join("fixtures/certif");
    for (msft, sltg) in [
        ("certcli_win32.tlb", "certcli_sltg.tlb"),
        ("sltg_cover_win32.tlb", "sltg_cover_sltg.tlb"),
    ] {
        let (ml, mh) = without_type_help(&oleaut32_view(&certif.join(msft), None));
        let (sl, sh) = without_type_help(&oleaut32_view(&certif.join(sltg), None));
        let diffs: Vec<String> = ml
            .iter()
            .zip(&sl)
            .filter(|(a, b)| !a.eq_ignore_ascii_case(b))
            .map(|(a, b)| format!("MSFT {a:?}\nSLTG {b:?}"))
            .collect();
        assert!(
            ml.len() == sl.len() && diffs.is_empty(),
            "oleaut32 reads {sltg} differently from {msft} ({} vs {} lines):\n{}",
            ml.len(),
            sl.len(),
            diffs.join("\n")
        );
        let case_only = ml.iter().zip(&sl).filter(|(a, b)| a != b).count();
        // Help strings: the MSFT file's, or none where Wine 8.0 does not decode them.
        for (m, s) in mh.iter().zip(&sh) {
            assert!(s == m || s == "-", "type help string {s:?} vs MSFT {m:?}");
        }
        let undecoded = sh.iter().zip(&mh).filter(|(s, m)| s != m).count();
        println!(
            "oleaut32: {} lines of {sltg} equal {msft}'s ({case_only} in letter case only); {undecoded} of {} type help strings not decoded by this oleaut32",
            ml.len(),
            mh.len()
        );
    }
}
