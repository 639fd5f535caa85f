//! Vtable layout against widl on real code: for every interface whose widl-generated header
//! (NAME.h beside NAME.idl in libwine-dev's include folder) has a `typedef struct XVtbl { ... }`
//! block, idlgen's slot order equals the header's, method for method, inherited methods
//! included, with the same number of parameters.
//!
//! Needs libwine-dev (tests/common/external.rs: a counted skip without it, a failure in CI).

mod common;

use common::c_header::{c_vtable, vtable_names};
use common::corpus::{wine_idl_files, wine_options};
use common::external::{WINE_IDL, need};
use idlgen::model::{ItemKind, Model};

/// idlgen's view of an interface's vtable: (C method name, parameter count) per slot.
fn model_vtable(model: &Model, name: &str) -> Option<Vec<(String, usize)>> {
    let mut id = model.lookup(name)?;
    // A dispinterface's C vtable is IDispatch's.
    if let ItemKind::Dispinterface(_) = model.item(id).kind {
        id = model.lookup("IDispatch")?;
    }
    let mut out = Vec::new();
    for a in model.ancestors(id).into_iter().rev() {
        let ItemKind::Interface(i) = &model.item(a).kind else {
            return None;
        };
        for m in i.methods.iter().filter(|m| m.slot.is_some()) {
            out.push((m.vtable_name(), m.params.len()));
        }
    }
    Some(out)
}

fn ancestor_names(model: &Model, name: &str) -> Vec<String> {
    model.lookup(name).map_or_else(Vec::new, |id| {
        model
            .ancestors(id)
            .into_iter()
            .map(|a| model.item(a).name.clone())
            .collect()
    })
}

/// widl's C vtables disambiguate a method that shadows a base method's name as
/// `IFace_Method`; the member itself is `Method`.
fn c_method_name(c_name: &str, ancestors: &[String]) -> String {
    ancestors
        .iter()
        .find_map(|a| c_name.strip_prefix(a.as_str())?.strip_prefix('_'))
        .map_or_else(|| c_name.to_string(), str::to_string)
}

#[test]
fn slot_order_matches_widls_headers_across_the_wine_corpus() {
    if need(&WINE_IDL).is_none() {
        return;
    }
    let idls = wine_idl_files();
    let opts = wine_options();
    let fragments = common::corpus::fragments(&idls);
    let (mut compared, mut differ, mut files, mut not_loaded) = (0, 0, 0, Vec::new());
    let mut report = String::new();
    for idl in &idls {
        let header_path = idl.with_extension("h");
        let Ok(header) = std::fs::read_to_string(&header_path) else {
            continue;
        };
        let names = vtable_names(&header);
        if names.is_empty() {
            continue;
        }
        let model = match idlgen::load(std::slice::from_ref(idl), &opts) {
            Ok(l) => l.model,
            Err(e) => {
                // Only fragments (#included by another corpus file, whose own header then
                // holds these vtables) and WinRT-dialect files may fail; tests/corpus_idl.rs
                // checks both kinds in detail.
                let file = common::corpus::name_of(idl);
                let winrt = e.to_string().contains("WinRT");
                assert!(
                    winrt || fragments.contains_key(&file.to_lowercase()),
                    "{file} does not load and is neither a fragment nor WinRT:\n{e}"
                );
                not_loaded.push(file);
                continue;
            }
        };
        files += 1;
        for name in names {
            let ancestors = ancestor_names(&model, &name);
            let expected: Vec<(String, usize)> = c_vtable(&header, &name)
                .into_iter()
                .map(|(m, params)| (c_method_name(&m, &ancestors), params.len()))
                .collect();
            let Some(actual) = model_vtable(&model, &name) else {
                differ += 1;
                report.push_str(&format!(
                    "{}: {name} has a vtable in the header but is no interface in the model\n",
                    idl.display()
                ));
                continue;
            };
            compared += 1;
            if actual != expected {
                differ += 1;
                let at = actual
                    .iter()
                    .zip(&expected)
                    .position(|(a, b)| a != b)
                    .unwrap_or(actual.len().min(expected.len()));
                report.push_str(&format!(
                    "{}: {name} differs at slot {at}: idlgen {:?}, widl {:?}\n",
                    idl.display(),
                    actual.get(at),
                    expected.get(at)
                ));
            }
        }
    }
    println!(
        "{compared} interfaces compared in {files} files, {differ} differ; {} fragment or WinRT files with vtables not loaded on their own: {}",
        not_loaded.len(),
        not_loaded.join(", ")
    );
    assert!(differ == 0, "{report}");
    assert!(compared > 0, "no interface was compared");
}
