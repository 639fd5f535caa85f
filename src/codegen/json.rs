//! `idlgen dump --format json`: the model as the JSON format docs/dump-json.md documents.
//!
//! Written by hand (no serde): the shape is small and fixed, key order is the contract's, and
//! the output is deterministic byte for byte: two-space indentation, one type per line group.

use std::fmt::Write;

use crate::model::automation;
use crate::model::{Guid, InvokeKind, Item, ItemKind, Method, Model, Origin, Value};

/// Options of the dump.
#[derive(Debug, Clone, Default)]
pub struct DumpOptions {
    /// Also list the types of imported files (idlgen's embedded base set included).
    pub with_imports: bool,
    /// The input names as the user gave them (default: the model's root paths).
    pub inputs: Vec<String>,
}

/// The dump of the whole model.
pub fn dump(model: &Model, opts: &DumpOptions) -> String {
    let inputs: Vec<String> = if opts.inputs.is_empty() {
        model
            .roots
            .iter()
            .filter_map(|f| model.files.get(f.0 as usize))
            .map(|p| p.to_string_lossy().into_owned())
            .collect()
    } else {
        opts.inputs.clone()
    };
    let listed = |item: &Item| {
        item.origin
            .is_some_and(|o| opts.with_imports || model.roots.contains(&o.file))
    };
    let mut out = String::new();
    out.push_str("{\n  \"format\": \"idlgen-dump\",\n  \"version\": 1,\n");
    let _ = writeln!(
        out,
        "  \"inputs\": {},",
        array(inputs.iter().map(|s| string(s)))
    );
    out.push_str("  \"libraries\": [");
    let libs: Vec<String> = model
        .libraries
        .iter()
        .filter(|l| {
            l.origin
                .is_some_and(|o| opts.with_imports || model.roots.contains(&o.file))
        })
        .map(|l| {
            let version = l.version.map(|(a, b)| format!("{a}.{b}"));
            format!(
                "\n    {{\"name\": {}, \"uuid\": {}, \"version\": {}, \"lcid\": {}, \"helpstring\": {}, \"types\": {}}}",
                string(&l.name),
                guid(l.uuid),
                opt_string(version.as_deref()),
                l.lcid,
                opt_string(l.helpstring.as_deref()),
                array(l.types.iter().map(|t| string(&model.item(*t).name)))
            )
        })
        .collect();
    out.push_str(&libs.join(","));
    out.push_str(if libs.is_empty() { "],\n" } else { "\n  ],\n" });
    out.push_str("  \"types\": [");
    let types: Vec<String> = model
        .items
        .iter()
        .filter(|it| listed(it) && is_dumped(it))
        .map(|it| format!("\n    {}", item(model, it)))
        .collect();
    out.push_str(&types.join(","));
    out.push_str(if types.is_empty() {
        "]\n}\n"
    } else {
        "\n  ]\n}\n"
    });
    out
}

/// Forward declarations never completed and anonymous helper records are not types of their own.
fn is_dumped(item: &Item) -> bool {
    match &item.kind {
        ItemKind::Interface(i) => i.defined,
        ItemKind::Struct(r) | ItemKind::Union(r) => r.defined && !item.anonymous,
        ItemKind::Enum(_) => !item.anonymous,
        _ => true,
    }
}

fn item(model: &Model, it: &Item) -> String {
    let mut fields = vec![
        ("kind", string(it.kind.kind_name())),
        ("name", string(&it.name)),
    ];
    match &it.kind {
        ItemKind::Interface(i) => {
            fields.push(("uuid", guid(i.uuid)));
            fields.push((
                "base",
                opt_string(i.base.map(|b| model.item(b).name.as_str())),
            ));
            fields.push(("dual", i.dual.to_string()));
            fields.push(("oleautomation", i.oleautomation.to_string()));
            fields.push(("helpstring", opt_string(it.helpstring.as_deref())));
            fields.push(("first_slot", i.first_slot.to_string()));
            fields.push(("source", source(model, it.origin)));
            fields.push(("methods", methods(model, &i.methods, true)));
        }
        ItemKind::Dispinterface(d) => {
            fields.push(("uuid", guid(d.uuid)));
            fields.push(("helpstring", opt_string(it.helpstring.as_deref())));
            fields.push(("source", source(model, it.origin)));
            fields.push((
                "properties",
                list(d.properties.iter().map(|p| {
                    format!(
                        "{{\"name\": {}, \"type\": {}, \"dispid\": {}}}",
                        string(&p.name),
                        string(&model.type_string(&p.ty)),
                        p.dispid
                    )
                })),
            ));
            fields.push(("methods", methods(model, &d.methods, false)));
        }
        ItemKind::Coclass(c) => {
            fields.push(("uuid", guid(c.uuid)));
            fields.push(("helpstring", opt_string(it.helpstring.as_deref())));
            fields.push(("source", source(model, it.origin)));
            fields.push((
                "interfaces",
                list(c.interfaces.iter().map(|ci| {
                    format!(
                        "{{\"name\": {}, \"default\": {}, \"source\": {}, \"restricted\": {}}}",
                        string(&model.item(ci.id).name),
                        ci.default,
                        ci.source,
                        ci.restricted
                    )
                })),
            ));
        }
        ItemKind::Enum(e) => {
            fields.push(("source", source(model, it.origin)));
            fields.push((
                "values",
                list(
                    e.values
                        .iter()
                        .map(|(n, v)| format!("{{\"name\": {}, \"value\": {v}}}", string(n))),
                ),
            ));
        }
        ItemKind::Struct(r) | ItemKind::Union(r) => {
            fields.push(("source", source(model, it.origin)));
            fields.push((
                "fields",
                list(r.fields.iter().map(|f| {
                    format!(
                        "{{\"name\": {}, \"type\": {}}}",
                        opt_string(f.name.as_deref()),
                        string(&model.type_string(&f.ty))
                    )
                })),
            ));
        }
        ItemKind::Typedef(t) => {
            fields.push(("type", string(&model.type_string(&t.ty))));
            fields.push(("source", source(model, it.origin)));
        }
        ItemKind::Const(c) => {
            fields.push(("type", string(&model.type_string(&c.ty))));
            fields.push(("value", value(&c.value)));
            fields.push(("source", source(model, it.origin)));
        }
        ItemKind::Module(m) => {
            fields.push(("dllname", opt_string(m.dllname.as_deref())));
            fields.push(("source", source(model, it.origin)));
            fields.push(("methods", methods(model, &m.functions, false)));
        }
    }
    let body: Vec<String> = fields
        .into_iter()
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect();
    format!("{{{}}}", body.join(", "))
}

fn methods(model: &Model, methods: &[Method], with_slots: bool) -> String {
    list(methods.iter().map(|m| {
        let slot = match (with_slots, m.slot) {
            (true, Some(s)) => s.to_string(),
            _ => "null".to_string(),
        };
        let attributes: Vec<String> = m
            .attributes
            .iter()
            // What a type library keeps (FUNCFLAGs, `vararg`): others, such as `id` or
            // `propget`, have keys of their own.
            .filter(|a| automation::is_typelib_attribute(a))
            .map(|a| string(a))
            .collect();
        let params = m.params.iter().map(|p| {
            format!(
                "{{\"name\": {}, \"type\": {}, \"in\": {}, \"out\": {}, \"retval\": {}, \"lcid\": {}, \"optional\": {}, \"default\": {}}}",
                string(&p.name),
                string(&model.type_string(&p.ty)),
                p.is_in,
                p.is_out,
                // What the input says (a type library's PARAMFLAG_FRETVAL), not the rule's pick.
                p.retval_declared,
                p.lcid,
                p.optional,
                p.default.as_ref().map_or_else(|| "null".to_string(), value)
            )
        });
        format!(
            "{{\"name\": {}, \"slot\": {slot}, \"dispid\": {}, \"invkind\": {}, \"return\": {}, \"attributes\": {}, \"params\": {}}}",
            string(&m.name),
            m.dispid,
            string(invkind(m.invkind)),
            string(&model.type_string(&m.ret)),
            array(attributes.into_iter()),
            array(params)
        )
    }))
}

fn invkind(k: InvokeKind) -> &'static str {
    k.as_str()
}

fn source(model: &Model, origin: Option<Origin>) -> String {
    // Line 0 marks an item that has no source text (a type-library input): `source` is null.
    match origin
        .filter(|o| o.line > 0)
        .and_then(|o| model.files.get(o.file.0 as usize).map(|p| (p, o.line)))
    {
        Some((path, line)) => format!(
            "{{\"file\": {}, \"line\": {line}}}",
            string(&path.to_string_lossy())
        ),
        None => "null".to_string(),
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        // JSON has no NaN or infinity; such constants are given as strings.
        Value::Float(f) if f.is_finite() => {
            let s = f.to_string();
            if s.contains(['.', 'e', 'E']) {
                s
            } else {
                format!("{s}.0")
            }
        }
        Value::Float(f) => string(&f.to_string()),
        Value::Str(s) => string(s),
    }
}

fn guid(g: Option<Guid>) -> String {
    g.map_or_else(|| "null".to_string(), |g| string(&g.to_string()))
}

fn opt_string(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_string(), string)
}

/// A JSON array on one line.
fn array(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

/// A JSON array of objects, one per line, indented inside a type.
fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        "[]".to_string()
    } else {
        format!("[\n      {}]", items.join(",\n      "))
    }
}

/// A JSON string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\u0001é\"");
    }
}
