//! Shared by the type-library tests: the dump of an IDL file and of a type library, and their
//! comparison with the tolerances for what a type library does not carry.
//!
//! What a type library does not carry, and the comparison therefore tolerates:
//! - `source`: null/absent for type-library input (the IDL dump names file and line);
//! - cpp_quote texts and declarations outside the library block (only the library's types, and
//!   the types they reference, are in a type library): the comparison walks the type library's
//!   types and looks each up in the IDL dump (with its imports);
//! - a library's `types` list: the IDL lists what the library block declares or names, widl's
//!   type library also holds every type those reference (certcli's interfaces);
//! - the last parameter of a propput/propputref: widl leaves it unnamed (`argN` in the model);
//! - type names: where a type library keeps no typedef name, the type comes back in its
//!   canonical VT spelling (`LONG` as `long`): [`vt_spelling`] lists the typedefs;
//! - attributes: a type library stores FUNCFLAGs, so their order is the flags' order;
//! - `oleautomation` of a dual interface (widl sets FOLEAUTOMATION on every dual interface);
//! - `[local]` methods (not in a type library) and their `[call_as]` twins;
//! - the case of names: a type library keeps one spelling of each name for the whole library
//!   (its name table is case-insensitive), so `count` may come back as `Count`;
//! - a coclass without `[default]`: the type library marks its first interface default;
//! - `[local]` methods shift slots: widl leaves them out of the type library and numbers the
//!   vtable offsets (oVft) of the interface and of every interface deriving from it without
//!   them, so slots are not compared for such interfaces (a widl limitation, reported);
//! - integers packed in 26 bits: widl packs both 0x2000000..0x3ffffff and -0x2000000..-1 in
//!   the same 26 bits with no sign; idlgen reads them as negative, so the two agree modulo 2^26;
//! - enum values are 32-bit in a type library (`(int) 0x80000000` comes back negative);
//! - typedefs declared outside the library: the type library stores what they stand for
//!   (`ADS_SEARCH_HANDLE` comes back as `void*`), see [`Spellings`].

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use std::collections::HashMap;

use idlgen::model::{BaseType, ItemKind, Model, Type};
use serde_json::Value;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn dump_json(model: &idlgen::model::Model) -> Value {
    let opts = idlgen::DumpOptions {
        with_imports: true,
        inputs: Vec::new(),
    };
    serde_json::from_str(&idlgen::dump_json(model, &opts)).expect("valid JSON")
}

pub fn idl_model(path: &Path, include_dirs: &[PathBuf]) -> idlgen::Result<idlgen::model::Model> {
    let opts = (include_dirs.iter()).fold(idlgen::Options::new(), |o, d| o.include_dir(d));
    idlgen::load([path], &opts).map(|l| l.model)
}

pub fn tlb_model(path: &Path, search: &[PathBuf]) -> idlgen::Result<idlgen::model::Model> {
    let opts = (search.iter()).fold(idlgen::Options::new(), |o, d| o.tlb_path(d));
    idlgen::load([path], &opts).map(|l| l.model)
}

/// The canonical VT spelling of a typedef name a type library does not keep.
pub fn vt_spelling(name: &str) -> Option<&'static str> {
    Some(match name {
        "LONG" | "LONG32" | "INT32" | "BOOL" | "HRESULT_" | "__int32" => "long",
        "ULONG" | "DWORD" | "UINT32" | "ULONG32" | "DWORD32" | "unsigned __int32" => {
            "unsigned long"
        }
        "SHORT" | "INT16" | "WCHAR" | "OLECHAR" | "wchar_t" => "short",
        "USHORT" | "WORD" | "UINT16" => "unsigned short",
        "INT" => "int",
        "UINT" => "unsigned int",
        "CHAR" | "INT8" | "small" => "char",
        "BYTE" | "UCHAR" | "UINT8" | "byte" => "unsigned char",
        // widl stores `boolean` as VT_I1.
        "boolean" => "char",
        "FLOAT" => "float",
        "DOUBLE" => "double",
        "LONGLONG" | "INT64" | "LONG64" | "__int64" => "hyper",
        "ULONGLONG" | "UINT64" | "ULONG64" | "DWORD64" | "unsigned __int64" => "unsigned hyper",
        "CY" => "CURRENCY",
        "VOID" => "void",
        "LPOLESTR" | "LPCOLESTR" | "LPCWSTR" | "LPWSTR" => "LPWSTR",
        "LPCSTR" | "LPSTR" => "LPSTR",
        // A 64-bit type library: pointer-sized integers are 64-bit.
        "__int3264" | "LONG_PTR" | "INT_PTR" => "hyper",
        "unsigned __int3264" | "ULONG_PTR" | "UINT_PTR" | "DWORD_PTR" | "SIZE_T" => {
            "unsigned hyper"
        }
        _ => return None,
    })
}

/// Typedef names of the IDL model and how a type library spells what they stand for.
#[derive(Default)]
pub struct Spellings {
    typedefs: HashMap<String, String>,
    /// Per interface with `[local]` methods: its methods as a type library holds them (no
    /// `[local]` ones; a `[call_as]` twin in its local method's slot): (name, slot).
    local: HashMap<String, Vec<(String, Option<u32>)>>,
    /// Interfaces with `[local]` methods in their own body or in a base's.
    shifted: std::collections::HashSet<String>,
}

/// Types a type library names by VT code with the name the dump gives them.
const VT_NAMES: &[&str] = &[
    "BSTR",
    "VARIANT",
    "VARIANT_BOOL",
    "SCODE",
    "HRESULT",
    "CURRENCY",
    "DATE",
    "DECIMAL",
];

impl Spellings {
    pub fn of(model: &Model) -> Spellings {
        let mut map = HashMap::new();
        for (i, it) in model.items.iter().enumerate() {
            if let ItemKind::Typedef(_) = it.kind {
                let id = idlgen::model::TypeId(i as u32);
                map.entry(it.name.clone())
                    .or_insert_with(|| vt_string(model, &Type::Named(id), 0));
            }
        }
        let mut local = HashMap::new();
        for it in &model.items {
            if let ItemKind::Interface(i) = &it.kind
                && i.methods.iter().any(|m| m.local || m.call_as.is_some())
            {
                let kept = i
                    .methods
                    .iter()
                    .filter(|m| !m.local)
                    .map(|m| {
                        let slot = m.slot.or_else(|| {
                            let twin = m.call_as.as_deref()?;
                            i.methods.iter().find(|x| x.name == twin)?.slot
                        });
                        (m.name.clone(), slot)
                    })
                    .collect();
                local.insert(it.name.clone(), kept);
            }
        }
        let mut shifted = std::collections::HashSet::new();
        for (i, it) in model.items.iter().enumerate() {
            if let ItemKind::Interface(_) = it.kind {
                let chain = model.ancestors(idlgen::model::TypeId(i as u32));
                if chain
                    .iter()
                    .any(|a| local.contains_key(&model.item(*a).name))
                {
                    shifted.insert(it.name.clone());
                }
            }
        }
        Spellings {
            typedefs: map,
            local,
            shifted,
        }
    }

    /// The IDL dump's methods of `iface` as a type library holds them.
    fn library_methods(&self, iface: &str, methods: &[Value]) -> Vec<Value> {
        let Some(kept) = self.local.get(iface) else {
            return methods.to_vec();
        };
        let mut out = Vec::new();
        let mut used = vec![false; methods.len()];
        for (name, slot) in kept {
            if let Some(k) =
                (0..methods.len()).find(|&k| !used[k] && methods[k]["name"] == name.as_str())
            {
                used[k] = true;
                let mut m = methods[k].clone();
                m["slot"] = slot.map_or(Value::Null, Value::from);
                out.push(m);
            }
        }
        out
    }

    /// The IDL type string as a type library spells it, when it keeps no typedef name.
    pub fn canonical(&self, ty: &str) -> String {
        if let Some((inner, rest)) = ty.strip_prefix("SAFEARRAY(").and_then(|t| {
            let end = t.rfind(')')?;
            Some((&t[..end], &t[end + 1..]))
        }) {
            return format!("SAFEARRAY({}){rest}", self.canonical(inner));
        }
        let base = ty.split(['*', '[']).next().unwrap_or(ty);
        let rest = &ty[base.len()..];
        match self
            .typedefs
            .get(base)
            .map(String::as_str)
            .or_else(|| vt_spelling(base))
        {
            Some(s) => format!("{s}{rest}"),
            None => ty.to_string(),
        }
    }

    /// Whether the type-library spelling agrees with the IDL's.
    pub fn same(&self, idl: &str, tlb: &str) -> bool {
        let c = self.canonical(idl);
        idl.eq_ignore_ascii_case(tlb)
            || c.eq_ignore_ascii_case(tlb)
            || vt_base(&c).eq_ignore_ascii_case(tlb)
            // A [wire_marshal(wireX)] typedef X is stored as its wire type.
            || format!("wire{idl}") == tlb
    }
}

/// The VT spelling of the base-type names the dump prints.
fn vt_base(ty: &str) -> String {
    let base = ty.split(['*', '[']).next().unwrap_or(ty);
    let rest = &ty[base.len()..];
    match vt_spelling(base) {
        Some(s) => format!("{s}{rest}"),
        None => ty.to_string(),
    }
}

fn vt_string(model: &Model, ty: &Type, depth: u32) -> String {
    if depth > 64 {
        return model.type_string(ty);
    }
    match ty {
        Type::Base(b) => match b {
            BaseType::Int32 => "long".into(),
            BaseType::UInt32 => "unsigned long".into(),
            BaseType::Int64 => "hyper".into(),
            BaseType::UInt64 => "unsigned hyper".into(),
            BaseType::SChar => "char".into(),
            BaseType::Byte => "unsigned char".into(),
            BaseType::Boolean => "char".into(),
            BaseType::WChar => "short".into(),
            BaseType::Int3264 => "hyper".into(),
            BaseType::UInt3264 => "unsigned hyper".into(),
            other => idlgen::model::base_type_name(*other).into(),
        },
        Type::Named(id) => {
            let it = model.item(*id);
            if let Some(s) = vt_spelling(&it.name).filter(|s| s.starts_with("LP")) {
                return s.to_string();
            }
            match &it.kind {
                ItemKind::Typedef(t) if !VT_NAMES.contains(&it.name.as_str()) => {
                    vt_string(model, &t.ty, depth + 1)
                }
                _ => it.name.clone(),
            }
        }
        Type::Pointer { pointee, .. } => format!("{}*", vt_string(model, pointee, depth + 1)),
        Type::Array(e, Some(n)) => format!("{}[{n}]", vt_string(model, e, depth + 1)),
        Type::Array(e, None) => format!("{}[]", vt_string(model, e, depth + 1)),
        Type::SafeArray(e) => format!("SAFEARRAY({})", vt_string(model, e, depth + 1)),
        Type::Function => "function".into(),
        _ => model.type_string(ty),
    }
}

/// The IDL dump's type of each name: a user file's declaration before the embedded base set's.
fn find<'a>(idl: &'a Value, name: &str) -> Option<&'a Value> {
    let types = idl["types"].as_array()?;
    let user = |t: &&Value| {
        !t["source"]["file"]
            .as_str()
            .is_some_and(|f| f.starts_with("<builtin>"))
    };
    let named = |t: &&Value| {
        t["name"]
            .as_str()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    };
    types
        .iter()
        .filter(|t| t["name"] == name)
        .find(user)
        .or_else(|| types.iter().find(|t| t["name"] == name))
        .or_else(|| types.iter().filter(named).find(user))
}

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Compares every type of the type library's dump (of the given kinds; all if empty) with the
/// IDL dump's type of the same name. Returns how many types were compared and the differences.
pub fn compare(idl: &Value, tlb: &Value, kinds: &[&str], sp: &Spellings) -> (usize, Vec<String>) {
    let mut diffs = Vec::new();
    let mut compared = 0;
    let own: Vec<&Value> = tlb["libraries"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|l| l["types"].as_array().into_iter().flatten())
        .collect();
    for t in tlb["types"].as_array().into_iter().flatten() {
        let kind = t["kind"].as_str().unwrap_or("");
        if !kinds.is_empty() && !kinds.contains(&kind) {
            continue;
        }
        // Only the library's own types (not those of imported type libraries).
        if !own.contains(&&t["name"]) {
            continue;
        }
        let name = s(&t["name"]);
        let Some(i) = find(idl, &name) else {
            diffs.push(format!("{kind} {name}: not in the IDL"));
            continue;
        };
        compared += 1;
        let mut d = |what: String| diffs.push(format!("{kind} {name}: {what}"));
        if i["kind"] != t["kind"] {
            d(format!("kind {} vs {}", i["kind"], t["kind"]));
            continue;
        }
        let shifted = sp.shifted.contains(&name);
        for key in [
            "uuid",
            "base",
            "dual",
            "helpstring",
            "first_slot",
            "dllname",
        ] {
            if key == "first_slot" && shifted {
                continue;
            }
            if i[key] != t[key] {
                d(format!("{key}: IDL {} vs TLB {}", i[key], t[key]));
            }
        }
        if i["oleautomation"] != t["oleautomation"] && i["dual"] != true {
            d(format!(
                "oleautomation: IDL {} vs TLB {}",
                i["oleautomation"], t["oleautomation"]
            ));
        }
        if kind == "enum" && wrapped(&i["values"]) != wrapped(&t["values"]) {
            d(format!(
                "values: IDL {} vs TLB {}",
                i["values"], t["values"]
            ));
        }
        if kind == "coclass" && default_first(&i["interfaces"]) != t["interfaces"] {
            d(format!(
                "interfaces: IDL {} vs TLB {}",
                i["interfaces"], t["interfaces"]
            ));
        }
        if kind == "struct" || kind == "union" {
            let fi = i["fields"].as_array().cloned().unwrap_or_default();
            let ft = t["fields"].as_array().cloned().unwrap_or_default();
            if fi.len() != ft.len() {
                d(format!("{} fields vs {}", fi.len(), ft.len()));
            }
            for (a, b) in fi.iter().zip(&ft) {
                if a["name"] != b["name"] || !sp.same(&s(&a["type"]), &s(&b["type"])) {
                    d(format!("field {a} vs {b}"));
                }
            }
        }
        if kind == "dispinterface" {
            let pi = i["properties"].as_array().cloned().unwrap_or_default();
            let pt = t["properties"].as_array().cloned().unwrap_or_default();
            if pi.len() != pt.len() {
                d(format!("{} properties vs {}", pi.len(), pt.len()));
            }
            for (a, b) in pi.iter().zip(&pt) {
                if !same_name(&a["name"], &b["name"])
                    || a["dispid"] != b["dispid"]
                    || !sp.same(&s(&a["type"]), &s(&b["type"]))
                {
                    d(format!("property {a} vs {b}"));
                }
            }
        }
        if let (Some(mi), Some(mt)) = (i["methods"].as_array(), t["methods"].as_array()) {
            // [local] methods are not in a type library.
            let mi = sp.library_methods(&name, mi);
            if mi.len() != mt.len() {
                d(format!("{} methods vs {}", mi.len(), mt.len()));
            }
            for (a, b) in mi.iter().zip(mt) {
                compare_method(a, b, sp, shifted, &mut d);
            }
        }
    }
    (compared, diffs)
}

/// Equal, or integers widl packs into the same 26 bits.
fn same_int(a: &Value, b: &Value) -> bool {
    match (a.as_i64(), b.as_i64()) {
        (Some(x), Some(y)) => {
            let packed = |v: i64| (-0x200_0000..0x400_0000).contains(&v);
            x == y || (packed(x) && packed(y) && (x - y) % 0x400_0000 == 0)
        }
        _ => a == b,
    }
}

/// Enum values as a type library holds them: 32-bit (`0x80000000` comes back negative).
fn wrapped(values: &Value) -> Vec<(String, i64)> {
    values
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            let n = v["value"].as_i64().unwrap_or_default();
            let n = i64::from(n as i32);
            // 26-bit packing (see the module comment): compare modulo 2^26 where ambiguous.
            let n = if (-0x200_0000..0x400_0000).contains(&n) {
                n.rem_euclid(0x400_0000)
            } else {
                n
            };
            (s(&v["name"]), n)
        })
        .collect()
}

/// A coclass with no `[default]` interface: the type library marks the first one default.
fn default_first(list: &Value) -> Value {
    let mut list = list.clone();
    if let Some(a) = list.as_array_mut() {
        for source in [false, true] {
            let idx: Vec<usize> = (0..a.len()).filter(|&i| a[i]["source"] == source).collect();
            if !idx.is_empty() && !idx.iter().any(|&i| a[i]["default"] == true) {
                a[idx[0]]["default"] = Value::Bool(true);
            }
        }
    }
    list
}

fn same_name(a: &Value, b: &Value) -> bool {
    a == b || s(a).eq_ignore_ascii_case(&s(b))
}

fn compare_method(a: &Value, b: &Value, sp: &Spellings, shifted: bool, d: &mut impl FnMut(String)) {
    let m = s(&a["name"]);
    if !same_name(&a["name"], &b["name"]) {
        d(format!("{m}: name IDL {} vs TLB {}", a["name"], b["name"]));
    }
    for key in ["slot", "dispid", "invkind"] {
        if key == "slot" && shifted {
            continue;
        }
        if a[key] != b[key] {
            d(format!("{m}: {key} IDL {} vs TLB {}", a[key], b[key]));
        }
    }
    if !sp.same(&s(&a["return"]), &s(&b["return"])) {
        d(format!(
            "{m}: return IDL {} vs TLB {}",
            a["return"], b["return"]
        ));
    }
    let set = |v: &Value| {
        let mut x: Vec<String> = v.as_array().into_iter().flatten().map(s).collect();
        x.sort();
        x
    };
    if set(&a["attributes"]) != set(&b["attributes"]) {
        d(format!(
            "{m}: attributes IDL {} vs TLB {}",
            a["attributes"], b["attributes"]
        ));
    }
    let pa = a["params"].as_array().cloned().unwrap_or_default();
    let pb = b["params"].as_array().cloned().unwrap_or_default();
    if pa.len() != pb.len() {
        d(format!("{m}: {} params vs {}", pa.len(), pb.len()));
        return;
    }
    let putter = matches!(a["invkind"].as_str(), Some("propput" | "propputref"));
    for (k, (x, y)) in pa.iter().zip(&pb).enumerate() {
        let unnamed_value = putter && k + 1 == pa.len() && s(&y["name"]) == format!("arg{k}");
        // A parameter the IDL leaves unnamed.
        let unnamed_value = unnamed_value || s(&x["name"]) == format!("arg{k}");
        if !same_name(&x["name"], &y["name"]) && !unnamed_value {
            d(format!(
                "{m}: param {k} name IDL {} vs TLB {}",
                x["name"], y["name"]
            ));
        }
        if !sp.same(&s(&x["type"]), &s(&y["type"])) {
            d(format!(
                "{m}: param {k} type IDL {} vs TLB {}",
                x["type"], y["type"]
            ));
        }
        if !same_int(&x["default"], &y["default"]) {
            d(format!(
                "{m}: param {k} default IDL {} vs TLB {}",
                x["default"], y["default"]
            ));
        }
        for key in ["in", "out", "retval", "lcid", "optional"] {
            if x[key] != y[key] {
                d(format!(
                    "{m}: param {k} {key} IDL {} vs TLB {}",
                    x[key], y[key]
                ));
            }
        }
    }
}

/// Compares the libraries: name, uuid, version, lcid, helpstring; the IDL's `types` must all be
/// in the type library's.
pub fn compare_libraries(idl: &Value, tlb: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    let tl = &tlb["libraries"][0];
    let Some(il) = idl["libraries"]
        .as_array()
        .and_then(|a| a.iter().find(|l| l["name"] == tl["name"]))
    else {
        return vec![format!("library {} not in the IDL", tl["name"])];
    };
    for key in ["uuid", "version", "lcid", "helpstring"] {
        if il[key] != tl[key] {
            diffs.push(format!("library {key}: IDL {} vs TLB {}", il[key], tl[key]));
        }
    }
    let tt: Vec<&Value> = tl["types"].as_array().into_iter().flatten().collect();
    for t in il["types"].as_array().into_iter().flatten() {
        if !tt.contains(&t) {
            diffs.push(format!("library type {t} not in the type library"));
        }
    }
    diffs
}

// ---------------------------------------------------------------------------------------------
// Generated Rust of an IDL model and of a type-library model, made comparable.

pub fn rust(model: &idlgen::model::Model) -> String {
    let opts = idlgen::RustOptions {
        source_name: Some("certcli".to_string()),
        ..Default::default()
    };
    idlgen::generate_rust(model, &opts).expect("generates")
}

/// A type library has no `const`: the IDL model's const pointees are dropped before comparing.
pub fn drop_const(model: &mut idlgen::model::Model) {
    fn ty(t: &mut Type) {
        match t {
            Type::Pointer {
                pointee,
                pointee_const,
            } => {
                *pointee_const = false;
                ty(pointee);
            }
            Type::Array(e, _) | Type::SafeArray(e) => ty(e),
            _ => {}
        }
    }
    for item in &mut model.items {
        if let ItemKind::Interface(i) = &mut std::sync::Arc::make_mut(item).kind {
            for m in &mut i.methods {
                ty(&mut m.ret);
                m.params.iter_mut().for_each(|p| ty(&mut p.ty));
            }
        }
    }
}

/// The generated file's top-level items, sorted: a type library orders its type infos its own
/// way (widl writes each coclass before the interfaces it names).
pub fn items(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut blank = true;
    for line in text.lines() {
        let starts = blank && !line.is_empty() && !line.starts_with([' ', '}', ')']);
        if starts && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push_str(line);
        cur.push('\n');
        blank = line.is_empty();
    }
    out.push(cur);
    out.sort();
    out
}

/// `idlgen rust` of the IDL file `idl` and of the type library at `tlb` give the same items,
/// apart from what a type library does not carry: `const` on pointees and cpp_quote texts
/// (certif.idl's `#define ENUMEXT_OBJECTID`). Returns how many items agree.
pub fn assert_rust_agrees(idl: &Path, tlb: &Path) -> usize {
    let mut idl = idl_model(idl, &[]).expect("IDL loads");
    idl.include_imported_user_files();
    drop_const(&mut idl);
    idl.cpp_quotes.clear();
    let tlb = tlb_model(tlb, &[]).expect("tlb loads");
    let (a, b) = (items(&rust(&idl)), items(&rust(&tlb)));
    let only_idl: Vec<&String> = a.iter().filter(|x| !b.contains(x)).collect();
    let only_tlb: Vec<&String> = b.iter().filter(|x| !a.contains(x)).collect();
    assert!(
        only_idl.is_empty() && only_tlb.is_empty(),
        "only from the IDL:\n{}\nonly from the type library:\n{}",
        only_idl.iter().map(|s| s.as_str()).collect::<String>(),
        only_tlb.iter().map(|s| s.as_str()).collect::<String>()
    );
    a.len()
}

/// Loads `bytes`; a panic is a failure naming `what`. Returns the error text, if any.
pub fn load(bytes: &[u8], what: &str) -> Option<String> {
    let opts = idlgen::Options::new();
    let r = std::panic::catch_unwind(|| {
        idlgen::load([idlgen::Input::typelib_bytes("bad.tlb", bytes)], &opts)
    });
    match r {
        Ok(Ok(_)) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => panic!("reading {what} panicked"),
    }
}

/// 20,000 copies of `full`, each with 1 to 4 random bits flipped (xorshift64* from `seed`:
/// deterministic, no dependency), loaded: each reads, or fails with an error that gives a byte
/// offset, and none panics. Returns (read, errors).
pub fn byte_flips(full: &[u8], seed: u64) -> (usize, usize) {
    let mut state = seed;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let (mut ok, mut err) = (0, 0);
    for round in 0..20_000 {
        let mut b = full.to_vec();
        for _ in 0..1 + next() % 4 {
            let at = (next() % b.len() as u64) as usize;
            b[at] ^= 1 << (next() % 8);
        }
        match load(&b, &format!("flip round {round}")) {
            None => ok += 1,
            Some(e) => {
                assert!(e.contains("at byte offset"), "round {round}: {e}");
                err += 1;
            }
        }
    }
    println!("20000 flipped copies: {ok} read, {err} errors with offsets, none panicked");
    (ok, err)
}

/// Loads `bytes`, which must fail with an error that gives a byte offset; returns its text.
pub fn assert_offset_error(bytes: &[u8], what: &str) -> String {
    let e = load(bytes, what).unwrap_or_else(|| panic!("{what}: expected an error"));
    assert!(
        e.contains("at byte offset"),
        "{what}: no byte offset in: {e}"
    );
    e
}
